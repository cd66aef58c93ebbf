//! Field values that need more than `value`'s rules: ISO country and language codes, an
//! email address, a post type, an id, and an amount kept as the text to read exactly.

use clout_core::PostType;

use crate::value::{self, Value};

pub(super) fn country(v: &Value<'_>) -> Result<Option<String>, String> {
    let Some(s) = value::text(v)? else {
        return Ok(None);
    };
    let s = s.trim();
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(Some(s.to_ascii_uppercase()))
    } else {
        Err(format!("'{s}' is not an ISO 3166-1 alpha-2 country code"))
    }
}

pub(super) fn language(v: &Value<'_>) -> Result<Option<String>, String> {
    let Some(s) = value::text(v)? else {
        return Ok(None);
    };
    // A BCP 47 tag such as `en-US` is read as its ISO 639-1 primary language.
    let primary = s.trim().split(['-', '_']).next().unwrap_or("");
    if primary.len() == 2 && primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(Some(primary.to_ascii_lowercase()))
    } else {
        Err(format!("'{s}' is not an ISO 639-1 language code"))
    }
}

pub(super) fn email(v: &Value<'_>) -> Result<Option<String>, String> {
    let Some(s) = value::text(v)? else {
        return Ok(None);
    };
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace) => {
            Ok(Some(s.to_string()))
        }
        _ => Err(format!("'{s}' is not an email address")),
    }
}

pub(super) fn post_type(v: &Value<'_>) -> Result<Option<PostType>, String> {
    let Some(s) = value::text(v)? else {
        return Ok(None);
    };
    PostType::parse(&s).map(Some).ok_or_else(|| {
        let all: Vec<&str> = PostType::ALL.iter().map(|t| t.as_str()).collect();
        format!("unknown post type '{s}' (expected one of: {})", all.join(", "))
    })
}

pub(super) fn post_id(v: &Value<'_>) -> Result<Option<String>, String> {
    Ok(value::text(v)?.map(|s| s.trim().to_string()))
}

/// An amount as the text to read exactly (`1250.50` stays 125050 cents, never a float).
pub(super) fn amount_text(v: &Value<'_>) -> Result<Option<String>, String> {
    let text = match v {
        Value::Str(s) if s.trim().is_empty() => return Ok(None),
        Value::Str(s) => s.trim().trim_start_matches('$').to_string(),
        Value::Int(n) => n.to_string(),
        Value::UInt(n) => n.to_string(),
        Value::Float(f) => format!("{f}"),
        Value::Null => return Ok(None),
        _ => return Err("expected an amount such as 250 or 250.50".to_string()),
    };
    Ok(Some(text))
}
