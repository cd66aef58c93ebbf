//! Field values as they arrive, before they are checked: the common ground of JSON
//! and CSV, and the parsers for counts, times, booleans and lists.

use std::borrow::Cow;

use clout_core::{Timestamp, Words};

#[cfg(test)]
mod tests;

/// A raw field value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object,
}

impl Value<'_> {
    /// The bytes of text the value holds (the sum over an array's items).
    pub(crate) fn text_bytes(&self) -> usize {
        match self {
            Value::Str(s) => s.len(),
            Value::Array(items) => items.iter().map(Value::text_bytes).sum(),
            _ => 0,
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::UInt(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object => "an object",
        }
    }
}

/// The latest instant accepted: 9999-12-31T23:59:59Z.
const MAX_UNIX: i64 = 253_402_300_799;

/// The largest count accepted: 2^53 − 1, the largest integer every JSON reader and a
/// double hold exactly. Sums of many such counts still fit in 64 bits, so no rate is ever
/// computed from a saturated total.
pub const MAX_COUNT: u64 = (1 << 53) - 1;

/// A count: a non-negative integer, `null` for a hidden count.
pub(crate) fn count(v: &Value<'_>) -> Result<Option<u64>, String> {
    match count_unchecked(v)? {
        Some(n) if n > MAX_COUNT => Err(format!("{n} is out of range (at most 9,007,199,254,740,991)")),
        other => Ok(other),
    }
}

fn count_unchecked(v: &Value<'_>) -> Result<Option<u64>, String> {
    match v {
        Value::Null => Ok(None),
        Value::UInt(n) => Ok(Some(*n)),
        Value::Int(n) if *n < 0 => Err(format!("negative count {n}")),
        Value::Int(n) => Ok(Some(*n as u64)),
        // A JSON number with a fraction, an exponent or a minus zero (`1000.0`, `1e3`,
        // `-0`, `1e-400`): CSV refuses the same text, so JSON does too, rather than
        // guess what a rounded or underflowed double meant.
        Value::Float(f) => Err(format!(
            "{} is not written as a whole number (a count is digits only, without a decimal point or an exponent)",
            if *f == 0.0 && f.is_sign_negative() { "-0".to_string() } else { f.to_string() }
        )),
        Value::Str(s) => parse_count(s).map(Some),
        other => Err(format!("expected a count, found {}", other.describe())),
    }
}

/// Parses a count as written in CSV: `1234`, `1,234`, `12.5k`, `1.2M`, `3B`.
/// The result must be a whole number: `1.2345k` is refused, not rounded.
pub fn parse_count(raw: &str) -> Result<u64, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("empty count".to_string());
    }
    if s.starts_with('-') {
        return Err(format!("negative count {s}"));
    }
    let (digits, scale_digits) = match s.as_bytes()[s.len() - 1] {
        b'k' | b'K' => (&s[..s.len() - 1], 3u32),
        b'm' | b'M' => (&s[..s.len() - 1], 6),
        b'b' | b'B' => (&s[..s.len() - 1], 9),
        _ => (s, 0),
    };
    let digits = digits.trim_end();
    let plain = strip_thousands(digits).ok_or_else(|| format!("'{s}' is not a count"))?;
    let (int_part, frac_part) = match plain.split_once('.') {
        Some((i, f)) => (i, f),
        None => (plain.as_str(), ""),
    };
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!("'{s}' is not a count"));
    }
    // Exact decimal arithmetic: 12.5k = 125 × 10^(3 - 1), with no float rounding.
    if scale_digits == 0 && plain.contains('.') {
        // JSON cannot tell `7.0` from `7e0`, which CSV refuses: a plain count is digits only.
        return Err(format!("'{s}' is not a whole number (a count without k, M or B has no decimal point)"));
    }
    let frac_trimmed = frac_part.trim_end_matches('0');
    if frac_trimmed.len() as u32 > scale_digits {
        return Err(format!("'{s}' is not a whole number"));
    }
    let mantissa: String = format!("{int_part}{frac_trimmed}");
    let mantissa: u64 =
        if mantissa.is_empty() { 0 } else { mantissa.parse().map_err(|_| format!("'{s}' is too large"))? };
    10u64
        .checked_pow(scale_digits - frac_trimmed.len() as u32)
        .and_then(|scale| mantissa.checked_mul(scale))
        .ok_or_else(|| format!("'{s}' is too large"))
}

/// Removes thousands separators when they group digits by three (`1,234,567`).
fn strip_thousands(s: &str) -> Option<String> {
    if !s.contains(',') {
        return Some(s.to_string());
    }
    let (int_part, rest) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let groups: Vec<&str> = int_part.split(',').collect();
    let well_formed = !groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
    if !well_formed {
        return None;
    }
    let mut out = groups.concat();
    if let Some(f) = rest {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// A time: RFC 3339 text or Unix seconds (a number, or digits in text).
pub(crate) fn time(v: &Value<'_>) -> Result<Option<Timestamp>, String> {
    let seconds = match v {
        Value::Null => return Ok(None),
        Value::UInt(n) => i64::try_from(*n).unwrap_or(i64::MAX),
        Value::Int(n) => *n,
        Value::Float(f) if f.is_finite() => f.trunc() as i64,
        Value::Str(s) => {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            if s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse::<i64>().unwrap_or(i64::MAX)
            } else if let Some(seconds) = canonical_utc(s) {
                seconds
            } else {
                let ts: jiff::Timestamp = s
                    .parse()
                    .map_err(|e: jiff::Error| format!("'{s}' is not an RFC 3339 time or Unix seconds ({e})"))?;
                ts.as_second()
            }
        }
        other => return Err(format!("expected a time, found {}", other.describe())),
    };
    if seconds < 0 {
        return Err(format!("{seconds} is before 1970"));
    }
    if seconds > MAX_UNIX {
        return Err(format!("{seconds} is out of range (times are Unix seconds, not milliseconds)"));
    }
    Ok(Some(Timestamp::from_unix(seconds)))
}

/// Unix seconds of a time in the canonical form `YYYY-MM-DDTHH:MM:SSZ`, the form nearly
/// every export uses; `None` for anything else, which jiff then parses (and validates).
/// This fast path keeps parsing two times per post off the import's critical path.
fn canonical_utc(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        b[range].iter().try_fold(0i64, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&month)
        || day < 1
        || day > month_days[(month - 1) as usize]
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm), proleptic Gregorian.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Text; numbers are accepted as their decimal form (a numeric `post_id`, say).
/// Empty text is treated as absent.
pub(crate) fn text(v: &Value<'_>) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Str(s) if s.trim().is_empty() => Ok(None),
        Value::Str(s) => Ok(Some(s.to_string())),
        Value::UInt(n) => Ok(Some(n.to_string())),
        Value::Int(n) => Ok(Some(n.to_string())),
        other => Err(format!("expected text, found {}", other.describe())),
    }
}

pub(crate) fn boolean(v: &Value<'_>) -> Result<Option<bool>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::UInt(0) | Value::Int(0) => Ok(Some(false)),
        Value::UInt(1) | Value::Int(1) => Ok(Some(true)),
        Value::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "true" | "t" | "yes" | "y" | "1" => Ok(Some(true)),
            "false" | "f" | "no" | "n" | "0" => Ok(Some(false)),
            _ => Err(format!("'{s}' is not a boolean (true/false)")),
        },
        other => Err(format!("expected a boolean, found {}", other.describe())),
    }
}

/// A list of words: a JSON array of strings, or text separated by spaces or commas.
/// A leading `prefix` (`#` for hashtags, `@` for mentions) is removed from each.
pub(crate) fn word_list(v: &Value<'_>, prefix: char) -> Result<Words, String> {
    fn clean(w: &str, prefix: char) -> &str {
        let w = w.trim();
        w.strip_prefix(prefix).unwrap_or(w)
    }
    fn split(s: &str, prefix: char) -> impl Iterator<Item = &str> {
        s.split(|c: char| c.is_whitespace() || c == ',').map(move |w| clean(w, prefix))
    }
    match v {
        Value::Null => Ok(Words::default()),
        Value::Str(s) => Ok(Words::from_words(split(s, prefix))),
        Value::Array(items) => {
            let mut words: Vec<&str> = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    // A word with a space inside is several words.
                    Value::Str(s) => words.extend(split(s, prefix)),
                    other => return Err(format!("expected a list of strings, found {} in it", other.describe())),
                }
            }
            Ok(Words::from_words(words))
        }
        other => Err(format!("expected a list, found {}", other.describe())),
    }
}
