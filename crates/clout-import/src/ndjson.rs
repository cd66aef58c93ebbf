//! NDJSON: one JSON object per line, each with a `kind`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::convert::{self, Field, RawRecord};
use crate::value::Value;
use crate::{FieldIssue, Limits, Parsed};

/// Parses one line (without its line ending) under the default [`Limits`]. Blank lines
/// are not records: callers skip them.
pub fn parse_line(line: &[u8]) -> Parsed {
    parse_line_with(line, &Limits::default())
}

/// Parses one line under `limits` (the field size; the caller bounds the line).
pub fn parse_line_with(line: &[u8], limits: &Limits) -> Parsed {
    // One UTF-8 check of the whole line is much cheaper than serde_json's check of each
    // string it reads from bytes.
    let text = match std::str::from_utf8(line) {
        Ok(text) => text,
        Err(e) => return Err(vec![FieldIssue::record(format!("not valid UTF-8: {e}"))]),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let raw = de::DeserializeSeed::deserialize(RecordSeed(limits), &mut de).and_then(|raw| de.end().map(|()| raw));
    let raw: JsonRecord<'_> = match raw {
        Ok(raw) => raw,
        Err(e) => {
            let reason = if e.is_eof() { format!("truncated JSON: {e}") } else { format!("invalid JSON: {e}") };
            return Err(vec![FieldIssue::record(reason)]);
        }
    };
    let kind = match raw.0.get(Field::KIND) {
        None | Some(Value::Null) => return Err(vec![FieldIssue::field("kind", "missing required field")]),
        Some(Value::Str(s)) => s.clone(),
        Some(_) => return Err(vec![FieldIssue::field("kind", "expected text")]),
    };
    convert::convert(&kind, &raw.0)
}

struct JsonRecord<'a>(RawRecord<'a>);

struct RecordSeed<'l>(&'l Limits);

impl<'de> de::DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = JsonRecord<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(RecordVisitor(self.0))
    }
}

struct RecordVisitor<'l>(&'l Limits);

impl<'de> Visitor<'de> for RecordVisitor<'_> {
    type Value = JsonRecord<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut raw = RawRecord::new(self.0);
        while let Some(Key(key)) = map.next_key()? {
            if let Some(field) = Field::from_name(&key) {
                let JsonValue(v) = map.next_value()?;
                raw.set(field, v);
            } else {
                let v: &RawValue = map.next_value()?;
                raw.set_unknown(key, v.get().to_string());
            }
        }
        Ok(JsonRecord(raw))
    }
}

/// A key, borrowed from the input unless it had escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(StrVisitor).map(Key)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

struct JsonValue<'a>(Value<'a>);

impl<'de> de::Deserialize<'de> for JsonValue<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor).map(JsonValue)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Value::UInt(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Value::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Value::Str(Cow::Owned(v.to_string())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Value::Str(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(JsonValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Object)
    }
}
