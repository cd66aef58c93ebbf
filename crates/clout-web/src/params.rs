//! Query strings: a Directory search in a URL (`?q=vegan&platform=instagram&tier=micro`),
//! shared by the page and the API. A repeated key means "any of", as a repeated flag
//! does for `clout search`; the names are the CLI's flags with `_` for `-`.

use clout_core::discovery::{Bounds, DiscoveryQuery, Facets, SortKey};
use clout_core::{EngagementLabel, Platform, Tier, TierPreset};

use crate::error::ApiError;

/// The largest page.
pub(crate) const MAX_LIMIT: usize = 200;
/// The deepest offset (deeper pages are better reached with narrower filters).
pub(crate) const MAX_OFFSET: usize = 100_000;

/// The pairs of a query string, in order.
pub(crate) fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn invalid(key: &str, message: String) -> ApiError {
    ApiError::bad_request("invalid_parameter", format!("{key}: {message}"))
}

fn number<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, ApiError> {
    value.trim().parse::<T>().map_err(|_| invalid(key, format!("'{value}' is not a valid number")))
}

/// A follower count: a non-negative 64-bit signed integer, as the document declares.
fn count(key: &str, value: &str) -> Result<u64, ApiError> {
    let n: u64 = number(key, value)?;
    if n > i64::MAX as u64 {
        return Err(invalid(key, format!("{n} is out of range (0 to {})", i64::MAX)));
    }
    Ok(n)
}

fn finite(key: &str, value: &str) -> Result<f64, ApiError> {
    let v: f64 = number(key, value)?;
    if v.is_finite() { Ok(v) } else { Err(invalid(key, format!("'{value}' is not a finite number"))) }
}

fn boolean(key: &str, value: &str) -> Result<bool, ApiError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(invalid(key, format!("'{value}' is not true or false"))),
    }
}

/// A search from URL pairs. Empty values are ignored (an untouched form field);
/// unknown keys are refused when `strict` (the API) and ignored otherwise (a page).
pub(crate) fn search_query(pairs: &[(String, String)], strict: bool) -> Result<DiscoveryQuery, ApiError> {
    let mut q = DiscoveryQuery::everything();
    let mut text: Vec<String> = Vec::new();
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
            "sort" => {
                q.sort = SortKey::parse(value).ok_or_else(|| {
                    invalid(key, format!("unknown sort '{value}' (expected relevance, followers, er, index, growth)"))
                })?
            }
            "limit" => {
                let n: usize = number(key, value)?;
                if !(1..=MAX_LIMIT).contains(&n) {
                    return Err(invalid(key, format!("{n} is out of range (1 to {MAX_LIMIT})")));
                }
                q.limit = n;
            }
            "offset" => {
                let n: usize = number(key, value)?;
                if n > MAX_OFFSET {
                    return Err(invalid(key, format!("{n} is out of range (0 to {MAX_OFFSET})")));
                }
                q.offset = n;
            }
            "facets" => q.facets = if boolean(key, value)? { Facets::Conjunctive } else { Facets::None },
            other if strict => {
                return Err(ApiError::bad_request("unknown_parameter", format!("unknown parameter '{other}'")));
            }
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
        clout_app::fts_query(&text).map_err(|e| invalid("q", e.to_string()))?;
        q.text = Some(text);
    }
    Ok(q)
}

/// A small non-negative integer parameter with a range.
pub(crate) fn bounded(
    pairs: &[(String, String)],
    key: &str,
    default: usize,
    range: std::ops::RangeInclusive<usize>,
) -> Result<usize, ApiError> {
    match pairs.iter().rev().find(|(k, _)| k == key) {
        None => Ok(default),
        Some((_, v)) => {
            let n: usize = number(key, v)?;
            if range.contains(&n) {
                Ok(n)
            } else {
                Err(invalid(key, format!("{n} is out of range ({} to {})", range.start(), range.end())))
            }
        }
    }
}

/// Refuses an empty value for any key but the free-text ones in `free` (the API: a page's
/// untouched form field sends one, a client sending `platform=` made a mistake).
pub(crate) fn no_empty(pairs: &[(String, String)], free: &[&str]) -> Result<(), ApiError> {
    match pairs.iter().find(|(k, v)| v.trim().is_empty() && !free.contains(&k.as_str())) {
        Some((k, _)) => Err(invalid(k, "an empty value (leave the parameter out instead)".to_string())),
        None => Ok(()),
    }
}

/// Refuses keys outside `allowed` (API endpoints with a fixed set of parameters).
pub(crate) fn only(pairs: &[(String, String)], allowed: &[&str]) -> Result<(), ApiError> {
    match pairs.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
        Some((k, _)) => Err(ApiError::bad_request("unknown_parameter", format!("unknown parameter '{k}'"))),
        None => Ok(()),
    }
}

/// The keys of a plan beside the Directory filters.
const PLAN_KEYS: &[&str] = &[
    "budget",
    "currency",
    "goal",
    "deliverable",
    "max_share",
    "min_creators",
    "max_creators",
    "exclude",
    "compare",
    "time_limit",
    "candidates",
];

/// The longest a plan may search from the API, in seconds.
pub(crate) const MAX_PLAN_SECONDS: f64 = 10.0;

/// A plan from URL pairs: the plan's own keys plus every search filter (not `limit`,
/// `offset`, `facets` or `sort`). `card_currency` is the budget's currency when none is given.
/// Returns the request and whether to compare.
pub(crate) fn plan_request(
    pairs: &[(String, String)],
    card_currency: clout_core::money::Currency,
) -> Result<(clout_app::PlanRequest, bool), ApiError> {
    use clout_core::money::{Currency, Money};
    use clout_core::price::Deliverable;
    let (own, filters): (Vec<_>, Vec<_>) = pairs.iter().cloned().partition(|(k, _)| PLAN_KEYS.contains(&k.as_str()));
    // An empty value is an untouched form field, as for a search.
    let own: Vec<(String, String)> = own.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect();
    if let Some((k, _)) = filters.iter().find(|(k, _)| ["limit", "offset", "facets", "sort"].contains(&k.as_str())) {
        return Err(ApiError::bad_request("unknown_parameter", format!("unknown parameter '{k}' for a plan")));
    }
    let mut query = search_query(&filters, true)?;
    query.limit = clout_app::MAX_CANDIDATES;
    let last = |key: &str| own.iter().rev().find(|(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.as_str());
    let currency = match last("currency") {
        Some(c) => Currency::parse(c).map_err(|e| invalid("currency", e.0))?,
        None => card_currency,
    };
    let budget = match last("budget") {
        Some(b) => Money::parse(b, currency).map_err(|e| invalid("budget", e.0))?,
        None => return Err(invalid("budget", "a plan needs a budget".to_string())),
    };
    let goal = match last("goal") {
        Some(g) => clout_app::Goal::parse(g)
            .ok_or_else(|| invalid("goal", format!("unknown goal '{g}' (engagements, reach, views, value)")))?,
        None => clout_app::Goal::Engagements,
    };
    let deliverable = match last("deliverable") {
        Some(d) => Deliverable::parse(d)
            .ok_or_else(|| invalid("deliverable", format!("unknown deliverable '{d}' (post, video, story, short)")))?,
        None => Deliverable::Post,
    };
    let max_share = last("max_share").map(|v| finite("max_share", v)).transpose()?;
    let time_limit = match last("time_limit") {
        Some(v) => {
            let s = finite("time_limit", v)?;
            if !(s > 0.0 && s <= MAX_PLAN_SECONDS) {
                return Err(invalid(
                    "time_limit",
                    format!("{s} is out of range (above 0, at most {MAX_PLAN_SECONDS})"),
                ));
            }
            s
        }
        None => 1.0,
    };
    let request = clout_app::PlanRequest {
        query,
        budget,
        goal,
        deliverable,
        max_share,
        min_creators: bounded(&own, "min_creators", 0, 0..=10_000)?,
        max_creators: last("max_creators").map(|_| bounded(&own, "max_creators", 0, 1..=10_000)).transpose()?,
        exclude: own.iter().filter(|(k, v)| k == "exclude" && !v.trim().is_empty()).map(|(_, v)| v.clone()).collect(),
        time_limit: std::time::Duration::from_secs_f64(time_limit),
        candidates: bounded(&own, "candidates", clout_app::MAX_CANDIDATES, 1..=clout_app::MAX_CANDIDATES)?,
    };
    let compare = last("compare").map(|v| boolean("compare", v)).transpose()?.unwrap_or(false);
    Ok((request, compare))
}

/// The plan a new campaign starts from: a plan's query string (as on the Plan page) with
/// the campaign's own budget and currency in place of any it names.
pub(crate) fn campaign_plan(
    query: &str,
    budget: clout_core::money::Money,
    card_currency: clout_core::money::Currency,
) -> Result<clout_app::PlanRequest, ApiError> {
    let mut pairs: Vec<(String, String)> = pairs(Some(query))
        .into_iter()
        .filter(|(k, _)| !["budget", "currency", "compare"].contains(&k.as_str()))
        .collect();
    pairs.push(("budget".into(), budget.decimal()));
    pairs.push(("currency".into(), budget.currency.as_str().into()));
    Ok(plan_request(&pairs, card_currency)?.0)
}
