//! From raw fields to a checked [`Record`], collecting every problem on the way.

use std::borrow::Cow;

use clout_core::{
    ChannelObservation, CommentRecord, ConversionRecord, DealRecord, FollowerObservation, FollowerSample, Handle,
    Platform, PostObservation, PostType, Record,
};

use crate::value::{self, Value};
use crate::{FieldIssue, Parsed};

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

fn country(v: &Value<'_>) -> Result<Option<String>, String> {
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

fn language(v: &Value<'_>) -> Result<Option<String>, String> {
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

fn email(v: &Value<'_>) -> Result<Option<String>, String> {
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

fn post_type(v: &Value<'_>) -> Result<Option<PostType>, String> {
    let Some(s) = value::text(v)? else {
        return Ok(None);
    };
    PostType::parse(&s).map(Some).ok_or_else(|| {
        let all: Vec<&str> = PostType::ALL.iter().map(|t| t.as_str()).collect();
        format!("unknown post type '{s}' (expected one of: {})", all.join(", "))
    })
}

fn post_id(v: &Value<'_>) -> Result<Option<String>, String> {
    Ok(value::text(v)?.map(|s| s.trim().to_string()))
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

fn channel(c: &mut Check<'_, '_>) -> Option<Record> {
    let (platform, handle) = c.identity();
    let followers = c.required("followers", value::count);
    let observed_at = c.required("observed_at", value::time);
    let observation = ChannelObservation {
        platform: platform?,
        handle: handle?,
        followers: followers?,
        observed_at: observed_at?,
        name: c.optional("name", value::text),
        bio: c.optional("bio", value::text),
        url: c.optional("url", value::text),
        email: c.optional("email", email),
        country: c.optional("country", country),
        language: c.optional("language", language),
        category: c.optional("category", value::text),
        following: c.optional("following", value::count),
        posts_count: c.optional("posts_count", value::count),
        verified: c.optional("verified", value::boolean),
        is_business: c.optional("is_business", value::boolean),
        is_private: c.optional("is_private", value::boolean),
        creator_id: c.optional("creator_id", value::text),
        extra: None,
    };
    Some(Record::Channel(ChannelObservation { extra: c.extra(), ..observation }))
}

fn post(c: &mut Check<'_, '_>) -> Option<Record> {
    let (platform, handle) = c.identity();
    let post_id = c.required("post_id", post_id);
    let published_at = c.required("published_at", value::time);
    let likes = c.present("likes", value::count);
    let comments = c.present("comments", value::count);
    let observation = PostObservation {
        platform: platform?,
        handle: handle?,
        post_id: post_id?,
        published_at: published_at?,
        observed_at: c.optional("observed_at", value::time),
        likes,
        comments,
        shares: c.optional("shares", value::count),
        views: c.optional("views", value::count),
        saves: c.optional("saves", value::count),
        post_type: c.optional("type", post_type),
        caption: c.optional("caption", value::text),
        hashtags: c.optional("hashtags", |v| value::word_list(v, '#').map(Some)).unwrap_or_default(),
        mentions: c.optional("mentions", |v| value::word_list(v, '@').map(Some)).unwrap_or_default(),
        url: c.optional("url", value::text),
        sponsored: c.optional("sponsored", value::boolean),
        extra: None,
    };
    Some(Record::Post(PostObservation { extra: c.extra(), ..observation }))
}

fn followers(c: &mut Check<'_, '_>) -> Option<Record> {
    let (platform, handle) = c.identity();
    let observed_at = c.required("observed_at", value::time);
    let followers = c.required("followers", value::count);
    let observation = FollowerObservation {
        platform: platform?,
        handle: handle?,
        observed_at: observed_at?,
        followers: followers?,
        extra: None,
    };
    Some(Record::Followers(FollowerObservation { extra: c.extra(), ..observation }))
}

fn follower(c: &mut Check<'_, '_>) -> Option<Record> {
    let (platform, handle) = c.identity();
    let username = c.required("username", |v| {
        Ok(value::text(v)?.map(|s| s.trim().trim_start_matches('@').to_string()).filter(|s| !s.is_empty()))
    });
    let bio_length = c.optional("bio_length", value::count);
    let bio = c.optional("bio", value::text);
    let sample = FollowerSample {
        platform: platform?,
        handle: handle?,
        username: username?,
        followers: c.optional("followers", value::count),
        following: c.optional("following", value::count),
        posts_count: c.optional("posts_count", value::count),
        has_profile_pic: c.optional("has_profile_pic", value::boolean),
        is_private: c.optional("is_private", value::boolean),
        bio_length: bio_length.or(bio.map(|b| b.chars().count() as u64)),
        full_name: c.optional("full_name", value::text),
        has_external_url: c.optional("has_external_url", value::boolean),
        verified: c.optional("verified", value::boolean),
        observed_at: c.optional("observed_at", value::time),
        extra: None,
    };
    Some(Record::Follower(FollowerSample { extra: c.extra(), ..sample }))
}

fn comment(c: &mut Check<'_, '_>) -> Option<Record> {
    let (platform, handle) = c.identity();
    let on_post = c.required("post_id", post_id);
    let comment_id = c.required("comment_id", post_id);
    let author = c.required("author", |v| {
        Ok(value::text(v)?.map(|s| s.trim().trim_start_matches('@').to_lowercase()).filter(|s| !s.is_empty()))
    });
    let record = CommentRecord {
        platform: platform?,
        handle: handle?,
        post_id: on_post?,
        comment_id: comment_id?,
        author: author?,
        text: c.optional("text", value::text),
        published_at: c.optional("published_at", value::time),
        extra: None,
    };
    Some(Record::Comment(CommentRecord { extra: c.extra(), ..record }))
}

fn deal(c: &mut Check<'_, '_>) -> Option<Record> {
    use clout_core::money::{Currency, Money};
    use clout_core::price::Deliverable;
    let (platform, handle) = c.identity();
    let deliverable = c.required("deliverable", |v| {
        value::text(v)?
            .map(|s| {
                Deliverable::parse(&s).ok_or_else(|| {
                    format!("unknown deliverable '{}' (one of post, video, story, short; reel means video)", s.trim())
                })
            })
            .transpose()
    });
    let currency =
        c.required("currency", |v| value::text(v)?.map(|s| Currency::parse(&s).map_err(|e| e.0)).transpose());
    // The fee is read as written: `1250.50` stays 125050 cents, never a rounded float.
    let fee = c.required("fee", amount_text);
    let agreed_at = c.required("agreed_at", value::time);
    let currency = currency?;
    let fee = match Money::parse(&fee?, currency) {
        Ok(m) if m.minor > 0 => m,
        Ok(_) => {
            c.issues.push(FieldIssue::field("fee", "a fee must be more than zero"));
            return None;
        }
        Err(e) => {
            c.issues.push(FieldIssue::field("fee", e.0));
            return None;
        }
    };
    let record = DealRecord {
        platform: platform?,
        handle: handle?,
        deliverable: deliverable?,
        fee,
        agreed_at: agreed_at?,
        extra: None,
    };
    Some(Record::Deal(DealRecord { extra: c.extra(), ..record }))
}

/// An amount as the text to read exactly (`1250.50` stays 125050 cents, never a float).
fn amount_text(v: &Value<'_>) -> Result<Option<String>, String> {
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

fn conversion(c: &mut Check<'_, '_>) -> Option<Record> {
    use clout_core::money::{Currency, Money};
    let text = |v: &Value<'_>| Ok(value::text(v)?.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
    let campaign = c.required("campaign", text);
    let code = c.optional("code", text);
    let link = c.optional("link", text);
    if code.is_none() && link.is_none() {
        c.issues.push(FieldIssue::field("code", "a conversion needs a code or a link"));
    }
    // The creator is optional, but a platform without a handle (or the reverse) is a mistake.
    let has_platform =
        Field::from_name("platform").and_then(|f| c.raw.get(f)).is_some_and(|v| !matches!(v, Value::Null));
    let has_handle = Field::from_name("handle").and_then(|f| c.raw.get(f)).is_some_and(|v| !matches!(v, Value::Null));
    let channel = if has_platform || has_handle {
        let (platform, handle) = c.identity();
        Some((platform, handle))
    } else {
        None
    };
    let orders = c.required("orders", value::count);
    let currency =
        c.required("currency", |v| value::text(v)?.map(|s| Currency::parse(&s).map_err(|e| e.0)).transpose());
    let revenue = c.required("revenue", amount_text);
    let observed_at = c.required("observed_at", value::time);
    let order_id = c.optional("order_id", post_id);
    let currency = currency?;
    let revenue = match Money::parse(&revenue?, currency) {
        Ok(m) if m.minor >= 0 => m,
        Ok(_) => {
            c.issues.push(FieldIssue::field("revenue", "revenue cannot be negative"));
            return None;
        }
        Err(e) => {
            c.issues.push(FieldIssue::field("revenue", e.0));
            return None;
        }
    };
    let channel = match channel {
        Some((platform, handle)) => Some((platform?, handle?)),
        None => None,
    };
    let record = ConversionRecord {
        campaign: campaign?,
        code,
        link,
        channel,
        orders: orders?,
        revenue,
        observed_at: observed_at?,
        order_id,
        extra: None,
    };
    Some(Record::Conversion(ConversionRecord { extra: c.extra(), ..record }))
}
