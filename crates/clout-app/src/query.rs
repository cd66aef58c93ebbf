//! The one reading of a Directory search that every edge shares: key/value pairs (a URL's
//! query string, or the CLI's flags written as pairs) to a validated `DiscoveryQuery`.
//!
//! The keys are the CLI's flag names with `_` for `-` (`min_followers`, `country`); a
//! repeated key means "any of". Every rule lives here, so `clout search`, the Directory page
//! and `/api/v1/search` refuse the same input with the same reason: unknown values, a
//! country that is not two letters, a minimum above its maximum, a text query that is too
//! long or has no word.

use clout_core::discovery::{Bounds, DiscoveryQuery, Facets, PostedAbout, SafetyFilter, SortKey};
use clout_core::safety::SafetyLevel;
use clout_core::{EngagementLabel, Platform, Tier, TierPreset};

/// The largest page a client may ask for.
pub const MAX_LIMIT: usize = 200;
/// The deepest offset (deeper pages are better reached with narrower filters).
pub const MAX_OFFSET: usize = 100_000;
/// The most posts a "posted about" filter may ask for.
pub const MAX_POSTED_MIN: u32 = 10_000;

/// Why a parameter was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// The parameter, as the pairs named it.
    pub key: String,
    /// The key itself is not one a search knows (only in strict parsing).
    pub unknown: bool,
    /// Fit to show the user, without the key.
    pub message: String,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.unknown { write!(f, "{}", self.message) } else { write!(f, "{}: {}", self.key, self.message) }
    }
}

impl std::error::Error for QueryError {}

impl From<QueryError> for crate::Error {
    fn from(e: QueryError) -> crate::Error {
        crate::Error::Invalid(e.to_string())
    }
}

/// A parameter's value refused for `message`.
pub(crate) fn invalid(key: &str, message: impl Into<String>) -> QueryError {
    QueryError { key: key.to_string(), unknown: false, message: message.into() }
}

pub(crate) fn unknown(key: &str) -> QueryError {
    QueryError { key: key.to_string(), unknown: true, message: format!("unknown parameter '{key}'") }
}

/// A number of type `T`, or why not.
pub(crate) fn number<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, QueryError> {
    value.trim().parse::<T>().map_err(|_| invalid(key, format!("'{value}' is not a valid number")))
}

/// A page's size: 1 to [`MAX_LIMIT`].
pub(crate) fn limit(key: &str, value: &str) -> Result<usize, QueryError> {
    let n: usize = number(key, value)?;
    if !(1..=MAX_LIMIT).contains(&n) {
        return Err(invalid(key, format!("{n} is out of range (1 to {MAX_LIMIT})")));
    }
    Ok(n)
}

/// Where a page starts: 0 to [`MAX_OFFSET`].
pub(crate) fn offset(key: &str, value: &str) -> Result<usize, QueryError> {
    let n: usize = number(key, value)?;
    if n > MAX_OFFSET {
        return Err(invalid(key, format!("{n} is out of range (0 to {MAX_OFFSET})")));
    }
    Ok(n)
}

/// A follower count: a non-negative 64-bit signed integer, as the store keeps it.
fn count(key: &str, value: &str) -> Result<u64, QueryError> {
    let n: u64 = number(key, value)?;
    if n > i64::MAX as u64 {
        return Err(invalid(key, format!("{n} is out of range (0 to {})", i64::MAX)));
    }
    Ok(n)
}

/// A finite number.
pub(crate) fn finite(key: &str, value: &str) -> Result<f64, QueryError> {
    let v: f64 = number(key, value)?;
    if v.is_finite() { Ok(v) } else { Err(invalid(key, format!("'{value}' is not a finite number"))) }
}

/// The longest look back a relative time may ask for (`36500d`: a hundred years).
const MAX_DAYS_BACK: i64 = 36_500;

/// A moment: a date or an RFC 3339 time (see [`since`]), or `Nd`, N days before `now`.
pub(crate) fn moment(key: &str, value: &str, now: clout_core::Timestamp) -> Result<i64, QueryError> {
    let v = value.trim();
    if let Some(days) = v.strip_suffix(['d', 'D']).filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) {
        let days: i64 = days.parse().unwrap_or(i64::MAX);
        if !(1..=MAX_DAYS_BACK).contains(&days) {
            return Err(invalid(key, format!("'{value}' is out of range (1d to {MAX_DAYS_BACK}d)")));
        }
        return Ok(now.unix() - days * 86_400);
    }
    since(key, value).map_err(|_| {
        invalid(key, format!("'{value}' is not a date (2026-11-27), an RFC 3339 time or a number of days (90d)"))
    })
}

/// A date (`2026-11-27`, the start of that day in UTC) or an RFC 3339 time, as Unix seconds.
pub(crate) fn since(key: &str, value: &str) -> Result<i64, QueryError> {
    let v = value.trim();
    if let Ok(date) = v.parse::<jiff::civil::Date>() {
        let t = jiff::tz::Offset::UTC.to_timestamp(date.to_datetime(jiff::civil::Time::midnight()));
        return t.map(|t| t.as_second()).map_err(|e| invalid(key, e.to_string()));
    }
    v.parse::<jiff::Timestamp>()
        .map(|t| t.as_second())
        .map_err(|_| invalid(key, format!("'{value}' is not a date (2026-11-27) or an RFC 3339 time")))
}

/// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
pub(crate) fn boolean(key: &str, value: &str) -> Result<bool, QueryError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(invalid(key, format!("'{value}' is not true or false"))),
    }
}

/// A search from pairs. Empty values are ignored (an untouched form field); unknown keys
/// are refused when `strict` (the API, the CLI) and ignored otherwise (a page's URL).
/// `now` is what a relative time (`posted_since=90d`) counts back from.
pub fn search_query(
    pairs: &[(String, String)],
    strict: bool,
    now: clout_core::Timestamp,
) -> Result<DiscoveryQuery, QueryError> {
    let mut q = DiscoveryQuery::everything();
    let mut text: Vec<String> = Vec::new();
    let mut posted: Vec<String> = Vec::new();
    let (mut posted_min, mut posted_since) = (None, None);
    let (mut safety_max, mut safety_in) = (None, Vec::new());
    for (key, value) in pairs {
        let key = key.as_str();
        if value.trim().is_empty() {
            continue;
        }
        let value = value.as_str();
        match key {
            "q" => text.push(value.to_string()),
            "platform" => q.platforms.push(Platform::parse(value).map_err(|e| invalid(key, e.to_string()))?),
            "tier" => q.tiers.push(Tier::parse(value).ok_or_else(|| {
                invalid(key, format!("unknown tier '{value}' (expected none, nano, micro, mid, macro, mega)"))
            })?),
            "tiers" => {
                q.preset = TierPreset::parse(value)
                    .ok_or_else(|| invalid(key, format!("unknown preset '{value}' (expected scrunch or industry)")))?
            }
            "country" => {
                let c = value.trim().to_ascii_uppercase();
                if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()) {
                    return Err(invalid(key, format!("'{value}' is not a two-letter country code")));
                }
                q.countries.push(c);
            }
            "language" => q.languages.push(value.trim().to_ascii_lowercase()),
            "niche" => q.niches.push(value.trim().to_ascii_lowercase()),
            "min_followers" => q.min_followers = Some(count(key, value)?),
            "max_followers" => q.max_followers = Some(count(key, value)?),
            "min_er" => q.engagement_rate.min = Some(finite(key, value)?),
            "max_er" => q.engagement_rate.max = Some(finite(key, value)?),
            "label" => q.labels.push(EngagementLabel::parse(value).ok_or_else(|| {
                invalid(key, format!("unknown label '{value}' (expected low, good, high, very_high)"))
            })?),
            "min_index" => q.engagement_index.min = Some(finite(key, value)?),
            "max_index" => q.engagement_index.max = Some(finite(key, value)?),
            "min_growth" => q.growth.min = Some(finite(key, value)?),
            "max_growth" => q.growth.max = Some(finite(key, value)?),
            "min_posts_per_week" => q.posts_per_week.min = Some(finite(key, value)?),
            "max_posts_per_week" => q.posts_per_week.max = Some(finite(key, value)?),
            "min_quality" => q.quality.min = Some(finite(key, value)?),
            "max_quality" => q.quality.max = Some(finite(key, value)?),
            "verified" => q.verified = Some(boolean(key, value)?),
            "has_email" => q.has_email = Some(boolean(key, value)?),
            "data_since" => q.data_since = Some(since(key, value)?),
            "posted" => posted.push(value.to_string()),
            "posted_min" => {
                let n: u32 = number(key, value)?;
                if !(1..=MAX_POSTED_MIN).contains(&n) {
                    return Err(invalid(key, format!("{n} is out of range (1 to {MAX_POSTED_MIN})")));
                }
                posted_min = Some(n);
            }
            "posted_since" => posted_since = Some(moment(key, value, now)?),
            "safety_max" => {
                safety_max = Some(SafetyLevel::parse(value).ok_or_else(|| {
                    invalid(key, format!("unknown level '{value}' (expected none, low, moderate, high)"))
                })?)
            }
            "safety_in" => {
                for c in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                    let ok =
                        c.len() <= 64 && c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                    if !ok {
                        return Err(invalid(
                            key,
                            format!("'{c}' is not a category id (lower case letters, digits and _)"),
                        ));
                    }
                    if !safety_in.iter().any(|x| x == c) {
                        safety_in.push(c.to_string());
                    }
                }
                if safety_in.len() > clout_core::safety::MAX_CATEGORIES {
                    return Err(invalid(key, format!("at most {} categories", clout_core::safety::MAX_CATEGORIES)));
                }
            }
            "sort" => {
                q.sort = SortKey::parse(value).ok_or_else(|| {
                    invalid(key, format!("unknown sort '{value}' (expected relevance, followers, er, index, growth)"))
                })?
            }
            "limit" => q.limit = limit(key, value)?,
            "offset" => q.offset = offset(key, value)?,
            "facets" => q.facets = if boolean(key, value)? { Facets::Conjunctive } else { Facets::None },
            other if strict => return Err(unknown(other)),
            _ => {}
        }
    }
    for (name, b) in [
        ("followers", Bounds { min: q.min_followers.map(|v| v as f64), max: q.max_followers.map(|v| v as f64) }),
        ("er", q.engagement_rate),
        ("index", q.engagement_index),
        ("growth", q.growth),
        ("posts_per_week", q.posts_per_week),
        ("quality", q.quality),
    ] {
        if let (Some(lo), Some(hi)) = (b.min, b.max)
            && lo > hi
        {
            return Err(invalid(&format!("min_{name}"), format!("{lo} is above max_{name} {hi}")));
        }
    }
    let text = text.join(" ");
    if !text.trim().is_empty() {
        clout_core::text::TextQuery::parse(&text).map_err(|e| invalid("q", e.to_string()))?;
        q.text = Some(text);
    }
    let posted = posted.join(" ");
    // Without `posted` (an untouched form field), how often and since when say nothing.
    if clout_core::text::TextQuery::parse(&posted).map_err(|e| invalid("posted", e.to_string()))?.is_some() {
        q.posted = Some(PostedAbout { text: posted, min_posts: posted_min.unwrap_or(1), since: posted_since });
    }
    // Without a level, the categories say nothing (an untouched form field).
    q.safety = safety_max.map(|max| SafetyFilter { max, categories: safety_in });
    Ok(q)
}

/// The keys a brief takes.
pub const BRIEF_KEYS: &[&str] = &["q", "limit", "offset"];

/// A brief from pairs: `q` (the brief, required), `limit` (1 to
/// [`crate::MAX_BRIEF_LIMIT`], 20 by default), `offset`. Unknown keys are refused when
/// `strict`.
pub fn brief_query(pairs: &[(String, String)], strict: bool) -> Result<crate::BriefRequest, QueryError> {
    let mut request = crate::BriefRequest { text: String::new(), limit: 20, offset: 0 };
    for (key, value) in pairs {
        let key = key.as_str();
        match key {
            "q" => {
                if !request.text.is_empty() {
                    request.text.push(' ');
                }
                request.text.push_str(value);
            }
            "limit" => {
                let n: usize = number(key, value)?;
                if !(1..=crate::MAX_BRIEF_LIMIT).contains(&n) {
                    return Err(invalid(key, format!("{n} is out of range (1 to {})", crate::MAX_BRIEF_LIMIT)));
                }
                request.limit = n;
            }
            "offset" => request.offset = offset(key, value)?,
            other if strict => return Err(unknown(other)),
            _ => {}
        }
    }
    if request.text.trim().is_empty() {
        return Err(invalid("q", "a brief needs words: who you are looking for, in plain words"));
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: clout_core::Timestamp = clout_core::Timestamp::from_unix(1_790_000_000);

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn repeated_keys_mean_any_of_and_values_are_normalised() {
        let q = search_query(
            &pairs(&[("platform", "instagram"), ("platform", "tiktok"), ("country", "au"), ("niche", " Fitness ")]),
            true,
            NOW,
        )
        .unwrap();
        assert_eq!(q.platforms, [Platform::Instagram, Platform::Tiktok]);
        assert_eq!(q.countries, ["AU"]);
        assert_eq!(q.niches, ["fitness"]);
    }

    #[test]
    fn every_edge_gets_the_same_refusals() {
        let refused = |list: &[(&str, &str)]| search_query(&pairs(list), true, NOW).unwrap_err().to_string();
        assert_eq!(refused(&[("country", "AUS")]), "country: 'AUS' is not a two-letter country code");
        assert_eq!(
            refused(&[("min_followers", "5000"), ("max_followers", "100")]),
            "min_followers: 5000 is above max_followers 100"
        );
        assert_eq!(refused(&[("min_er", "NaN")]), "min_er: 'NaN' is not a finite number");
        assert_eq!(refused(&[("colour", "red")]), "unknown parameter 'colour'");
        assert!(refused(&[("q", "\"open")]).starts_with("q: the query has an unclosed quote"));
        // A page's URL may carry keys of its own: not strict, they are ignored.
        assert!(search_query(&pairs(&[("colour", "red")]), false, NOW).is_ok());
    }

    #[test]
    fn posted_about_takes_its_count_and_a_date_or_days_back_from_now() {
        let q =
            search_query(&pairs(&[("posted", "creatine"), ("posted_min", "3"), ("posted_since", "90d")]), true, NOW)
                .unwrap();
        let expected = PostedAbout { text: "creatine".into(), min_posts: 3, since: Some(1_790_000_000 - 90 * 86_400) };
        assert_eq!(q.posted, Some(expected));
        let q = search_query(&pairs(&[("posted", "@glowlab"), ("posted_since", "2026-09-01")]), true, NOW).unwrap();
        assert_eq!(q.posted.map(|p| (p.min_posts, p.since)), Some((1, Some(1_788_220_800))));
        let refused = |list: &[(&str, &str)]| search_query(&pairs(list), true, NOW).unwrap_err().to_string();
        // Without what was posted about (an untouched form field), how often says nothing.
        assert_eq!(search_query(&pairs(&[("posted", ""), ("posted_min", "2")]), true, NOW).unwrap().posted, None);
        assert_eq!(refused(&[("posted", "x"), ("posted_min", "0")]), "posted_min: 0 is out of range (1 to 10000)");
    }

    #[test]
    fn brand_safety_takes_a_level_and_categories_in_any_number_of_pairs() {
        let q = search_query(
            &pairs(&[("safety_max", "Low"), ("safety_in", "adult, gambling"), ("safety_in", "adult")]),
            true,
            NOW,
        )
        .unwrap();
        let expected =
            SafetyFilter { max: SafetyLevel::Low, categories: vec!["adult".to_string(), "gambling".to_string()] };
        assert_eq!(q.safety, Some(expected));
        // Without a level, categories say nothing.
        assert_eq!(search_query(&pairs(&[("safety_in", "adult")]), true, NOW).unwrap().safety, None);
        let refused = |list: &[(&str, &str)]| search_query(&pairs(list), true, NOW).unwrap_err().to_string();
        assert_eq!(
            refused(&[("safety_max", "safe")]),
            "safety_max: unknown level 'safe' (expected none, low, moderate, high)"
        );
        assert_eq!(
            refused(&[("safety_max", "low"), ("safety_in", "Adult")]),
            "safety_in: 'Adult' is not a category id (lower case letters, digits and _)"
        );
        assert_eq!(
            refused(&[("posted", "x"), ("posted_since", "0d")]),
            "posted_since: '0d' is out of range (1d to 36500d)"
        );
        assert!(
            refused(&[("posted", "x"), ("posted_since", "lately")]).starts_with("posted_since: 'lately' is not a date")
        );
        assert!(refused(&[("posted", "\"open")]).starts_with("posted: the query has an unclosed quote"));
    }
}
