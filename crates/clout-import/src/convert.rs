//! From raw fields to a checked [`Record`], collecting every problem on the way.
//!
//! Here: the known fields and a record's raw values (what the readers fill in), the
//! checking context every kind reads its fields through, and [`convert`], which hands a
//! record to its kind. The kinds are in `observations` (channel, post, followers,
//! follower, comment) and `commerce` (deal, conversion); `parse` reads the field values
//! that need more than `value` (country, language, email, post type, ids, amounts).

use std::borrow::Cow;

use clout_core::{Handle, Platform, Record};

use crate::value::{self, Value};
use crate::{FieldIssue, Parsed};

mod commerce;
mod observations;
mod parse;

use commerce::{conversion, deal};
use observations::{channel, comment, follower, followers, post};

/// Every field name some kind knows. The readers decode these into a fixed slot each
/// (an array indexed by [`Field`]), so checking a record does no string search.
pub(crate) const KNOWN_FIELDS: [&str; FIELD_COUNT] = [
    "kind",
    "platform",
    "handle",
    "followers",
    "observed_at",
    "name",
    "bio",
    "url",
    "email",
    "country",
    "language",
    "category",
    "following",
    "posts_count",
    "verified",
    "is_business",
    "is_private",
    "creator_id",
    "post_id",
    "published_at",
    "likes",
    "comments",
    "shares",
    "views",
    "saves",
    "type",
    "caption",
    "hashtags",
    "mentions",
    "sponsored",
    "username",
    "has_profile_pic",
    "bio_length",
    "full_name",
    "has_external_url",
    "comment_id",
    "author",
    "text",
    "deliverable",
    "fee",
    "currency",
    "agreed_at",
    "campaign",
    "code",
    "link",
    "orders",
    "revenue",
    "order_id",
];

const FIELD_COUNT: usize = 48;

/// A known field: its index in [`KNOWN_FIELDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Field(u8);

impl Field {
    pub(crate) const KIND: Field = Field(0);

    /// The field with this exact name, if any kind knows it.
    pub(crate) fn from_name(name: &str) -> Option<Field> {
        let i = match name {
            "kind" => 0,
            "platform" => 1,
            "handle" => 2,
            "followers" => 3,
            "observed_at" => 4,
            "name" => 5,
            "bio" => 6,
            "url" => 7,
            "email" => 8,
            "country" => 9,
            "language" => 10,
            "category" => 11,
            "following" => 12,
            "posts_count" => 13,
            "verified" => 14,
            "is_business" => 15,
            "is_private" => 16,
            "creator_id" => 17,
            "post_id" => 18,
            "published_at" => 19,
            "likes" => 20,
            "comments" => 21,
            "shares" => 22,
            "views" => 23,
            "saves" => 24,
            "type" => 25,
            "caption" => 26,
            "hashtags" => 27,
            "mentions" => 28,
            "sponsored" => 29,
            "username" => 30,
            "has_profile_pic" => 31,
            "bio_length" => 32,
            "full_name" => 33,
            "has_external_url" => 34,
            "comment_id" => 35,
            "author" => 36,
            "text" => 37,
            "deliverable" => 38,
            "fee" => 39,
            "currency" => 40,
            "agreed_at" => 41,
            "campaign" => 42,
            "code" => 43,
            "link" => 44,
            "orders" => 45,
            "revenue" => 46,
            "order_id" => 47,
            _ => return None,
        };
        Some(Field(i))
    }

    fn name(self) -> &'static str {
        KNOWN_FIELDS[self.0 as usize]
    }
}

/// The kinds this version reads.
pub(crate) const KINDS: &[&str] = &["channel", "post", "followers", "follower", "comment", "deal", "conversion"];

/// A record's fields before checking.
#[derive(Debug)]
pub(crate) struct RawRecord<'a> {
    /// Known fields, decoded, one slot per [`Field`].
    known: [Option<Value<'a>>; FIELD_COUNT],
    /// Bit `i` set: field `i` is present.
    present: u64,
    /// Bit `i` set: field `i` was given more than once (the record is refused: which value
    /// was meant cannot be known).
    repeated: u64,
    /// Bit `i` set: field `i` holds more text than [`crate::Limits::max_field_bytes`].
    oversized: u64,
    /// Fields no kind knows, as JSON text, kept aside with the record.
    pub(crate) unknown: Vec<(Cow<'a, str>, String)>,
    /// Unknown fields given more than once.
    pub(crate) repeated_unknown: Vec<String>,
    max_field_bytes: usize,
}

impl<'a> RawRecord<'a> {
    pub(crate) fn new(limits: &crate::Limits) -> RawRecord<'a> {
        RawRecord {
            known: [const { None }; FIELD_COUNT],
            present: 0,
            repeated: 0,
            oversized: 0,
            unknown: Vec::new(),
            repeated_unknown: Vec::new(),
            max_field_bytes: limits.max_field_bytes,
        }
    }

    pub(crate) fn set(&mut self, field: Field, value: Value<'a>) {
        let bit = 1u64 << field.0;
        if self.present & bit != 0 {
            self.repeated |= bit;
        }
        if value.text_bytes() > self.max_field_bytes {
            self.oversized |= bit;
        }
        self.known[field.0 as usize] = Some(value);
        self.present |= bit;
    }

    /// Keeps a field no kind knows (its value as JSON text).
    pub(crate) fn set_unknown(&mut self, name: Cow<'a, str>, json: String) {
        if self.unknown.iter().any(|(k, _)| *k == name) {
            self.repeated_unknown.push(name.to_string());
        }
        if json.len() > self.max_field_bytes {
            self.repeated_unknown.retain(|n| *n != name);
            self.unknown.push((name, String::new()));
            self.oversized |= 1 << 63;
            return;
        }
        self.unknown.push((name, json));
    }

    /// What is wrong with the record as written, before its kind looks at it: repeated
    /// and oversized fields.
    fn shape_issues(&self) -> Vec<FieldIssue> {
        let mut issues = Vec::new();
        for f in (0..FIELD_COUNT as u8).map(Field) {
            let bit = 1u64 << f.0;
            if self.repeated & bit != 0 {
                issues.push(FieldIssue::field(f.name(), "the field is given more than once"));
            }
            if self.oversized & bit != 0 {
                issues.push(FieldIssue::field(
                    f.name(),
                    format!(
                        "{} bytes of text, over the limit of {} bytes per field",
                        self.get(f).map_or(0, Value::text_bytes),
                        self.max_field_bytes
                    ),
                ));
            }
        }
        for name in &self.repeated_unknown {
            issues.push(FieldIssue::field(name, "the field is given more than once"));
        }
        if self.oversized & (1 << 63) != 0 {
            for (name, json) in &self.unknown {
                if json.is_empty() {
                    issues.push(FieldIssue::field(
                        name,
                        format!("over the limit of {} bytes per field", self.max_field_bytes),
                    ));
                }
            }
        }
        issues
    }

    pub(crate) fn get(&self, field: Field) -> Option<&Value<'a>> {
        self.known[field.0 as usize].as_ref()
    }
}

struct Check<'r, 'a> {
    raw: &'r RawRecord<'a>,
    /// Bit `i` set: field `i` was read by the kind's checker.
    used: u64,
    issues: Vec<FieldIssue>,
}

impl<'r, 'a> Check<'r, 'a> {
    fn new(raw: &'r RawRecord<'a>) -> Self {
        Check { raw, used: 1u64 << Field::KIND.0, issues: Vec::new() }
    }

    fn value(&mut self, name: &str) -> Option<&'r Value<'a>> {
        let field = Field::from_name(name)?;
        self.used |= 1u64 << field.0;
        self.raw.get(field)
    }

    /// An optional field: absent or null is `None`; a bad value is an issue.
    fn optional<T>(&mut self, name: &str, parse: impl Fn(&Value<'a>) -> Result<Option<T>, String>) -> Option<T> {
        let v = self.value(name)?;
        match parse(v) {
            Ok(t) => t,
            Err(reason) => {
                self.issues.push(FieldIssue::field(name, reason));
                None
            }
        }
    }

    /// A required field that must have a value.
    fn required<T>(&mut self, name: &str, parse: impl Fn(&Value<'a>) -> Result<Option<T>, String>) -> Option<T> {
        match self.value(name) {
            None => {
                self.issues.push(FieldIssue::field(name, "missing required field"));
                None
            }
            Some(v) => match parse(v) {
                Ok(Some(t)) => Some(t),
                Ok(None) => {
                    self.issues.push(FieldIssue::field(name, "required field is empty"));
                    None
                }
                Err(reason) => {
                    self.issues.push(FieldIssue::field(name, reason));
                    None
                }
            },
        }
    }

    /// A required field whose value may be null (a count the platform hides).
    fn present<T>(&mut self, name: &str, parse: impl Fn(&Value<'a>) -> Result<Option<T>, String>) -> Option<T> {
        if Field::from_name(name).and_then(|f| self.raw.get(f)).is_none() {
            self.issues.push(FieldIssue::field(name, "missing required field (use null when the platform hides it)"));
            return None;
        }
        self.optional(name, parse)
    }

    fn identity(&mut self) -> (Option<Platform>, Option<Handle>) {
        let platform = self.required("platform", |v| match v {
            Value::Str(s) => Platform::parse(s).map(Some).map_err(|e| e.to_string()),
            other => value::text(other)?.map(|s| Platform::parse(&s).map_err(|e| e.to_string())).transpose(),
        });
        let handle = self.required("handle", |v| match v {
            Value::Str(s) if s.trim().is_empty() => Ok(None),
            Value::Str(s) => Handle::parse(s).map(Some).map_err(|e| e.to_string()),
            other => value::text(other)?.map(|s| Handle::parse(&s).map_err(|e| e.to_string())).transpose(),
        });
        (platform, handle)
    }

    /// Fields the kind did not read, as a JSON object, kept aside with the record.
    fn extra(&self) -> Option<String> {
        if self.raw.present & !self.used == 0 && self.raw.unknown.is_empty() {
            return None;
        }
        let unused = (0..FIELD_COUNT as u8)
            .map(Field)
            .filter(|f| self.used & (1u64 << f.0) == 0)
            .filter_map(|f| self.raw.get(f).map(|v| (f.name(), to_json(v))));
        let mut parts: Vec<(&str, String)> = unused.collect();
        parts.extend(self.raw.unknown.iter().map(|(k, v)| (k.as_ref(), v.clone())));
        if parts.is_empty() {
            return None;
        }
        let mut out = String::from("{");
        for (i, (k, v)) in parts.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(k).unwrap_or_default());
            out.push(':');
            out.push_str(v);
        }
        out.push('}');
        Some(out)
    }

    fn finish(self, record: Option<Record>) -> Parsed {
        match record {
            Some(r) if self.issues.is_empty() => Ok(r),
            _ => Err(self.issues),
        }
    }
}

fn to_json(v: &Value<'_>) -> String {
    match v {
        Value::Null | Value::Object => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::UInt(n) => n.to_string(),
        Value::Float(f) => serde_json::to_string(f).unwrap_or_else(|_| "null".to_string()),
        Value::Str(s) => serde_json::to_string(s.as_ref()).unwrap_or_default(),
        Value::Array(items) => format!("[{}]", items.iter().map(to_json).collect::<Vec<_>>().join(",")),
    }
}

/// Checks a record of the given kind (compared case-insensitively).
pub(crate) fn convert(kind: &str, raw: &RawRecord<'_>) -> Parsed {
    let shape = raw.shape_issues();
    if !shape.is_empty() {
        return Err(shape);
    }
    let mut c = Check::new(raw);
    let kind = kind.trim();
    let record = if kind.eq_ignore_ascii_case("post") {
        post(&mut c)
    } else if kind.eq_ignore_ascii_case("channel") {
        channel(&mut c)
    } else if kind.eq_ignore_ascii_case("followers") {
        followers(&mut c)
    } else if kind.eq_ignore_ascii_case("follower") {
        follower(&mut c)
    } else if kind.eq_ignore_ascii_case("conversion") {
        conversion(&mut c)
    } else if kind.eq_ignore_ascii_case("deal") {
        deal(&mut c)
    } else if kind.eq_ignore_ascii_case("comment") {
        comment(&mut c)
    } else {
        return Err(vec![FieldIssue::field(
            "kind",
            format!("unknown kind '{kind}' (this version reads: {})", KINDS.join(", ")),
        )]);
    };
    c.finish(record)
}
