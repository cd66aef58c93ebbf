//! Parameters, shared by the pages and the API: a Directory search in a URL
//! (`?q=vegan&platform=instagram&tier=micro`), a plan, and the single values (amounts,
//! currencies, dates, deliverables) a query, form or body carries. A repeated key means
//! "any of", as a repeated flag does for `clout search`; the names are the CLI's flags
//! with `_` for `-`. Every refusal is a 400 `invalid_parameter` (or `unknown_parameter`)
//! that names the parameter.

use clout_core::Timestamp;
use clout_core::discovery::DiscoveryQuery;
use clout_core::money::{Currency, Money};
use clout_core::price::Deliverable;

use super::errors::{ApiError, ErrorCode};

pub(crate) use clout_app::MAX_OFFSET;

/// The pairs of a query string, in order.
pub(crate) fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn invalid(key: &str, message: String) -> ApiError {
    ApiError::invalid_parameter(key, message)
}

fn number<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, ApiError> {
    value.trim().parse::<T>().map_err(|_| invalid(key, format!("'{value}' is not a valid number")))
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

/// A search from URL pairs, read by the app's one reading of a search
/// ([`clout_app::search_query`]): empty values are ignored (an untouched form field);
/// unknown keys are refused when `strict` (the API) and ignored otherwise (a page).
pub(crate) fn search_query(pairs: &[(String, String)], strict: bool) -> Result<DiscoveryQuery, ApiError> {
    clout_app::search_query(pairs, strict).map_err(|e| {
        let code = if e.unknown { ErrorCode::UnknownParameter } else { ErrorCode::InvalidParameter };
        ApiError::bad_request(code, e.to_string())
    })
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
        Some((k, _)) => Err(ApiError::bad_request(ErrorCode::UnknownParameter, format!("unknown parameter '{k}'"))),
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
// moves to clout-app, with `search_query`.
pub(crate) fn plan_request(
    pairs: &[(String, String)],
    card_currency: clout_core::money::Currency,
) -> Result<(clout_app::PlanRequest, bool), ApiError> {
    let (own, filters): (Vec<_>, Vec<_>) = pairs.iter().cloned().partition(|(k, _)| PLAN_KEYS.contains(&k.as_str()));
    // An empty value is an untouched form field, as for a search.
    let own: Vec<(String, String)> = own.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect();
    if let Some((k, _)) = filters.iter().find(|(k, _)| ["limit", "offset", "facets", "sort"].contains(&k.as_str())) {
        return Err(ApiError::bad_request(ErrorCode::UnknownParameter, format!("unknown parameter '{k}' for a plan")));
    }
    let mut query = search_query(&filters, true)?;
    query.limit = clout_app::MAX_CANDIDATES;
    let last = |key: &str| own.iter().rev().find(|(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.as_str());
    let currency = match last("currency") {
        Some(c) => currency("currency", c)?,
        None => card_currency,
    };
    let budget = match last("budget") {
        Some(b) => money("budget", b, currency)?,
        None => return Err(invalid("budget", "a plan needs a budget".to_string())),
    };
    let goal = match last("goal") {
        Some(g) => clout_app::Goal::parse(g)
            .ok_or_else(|| invalid("goal", format!("unknown goal '{g}' (engagements, reach, views, value)")))?,
        None => clout_app::Goal::Engagements,
    };
    let deliverable = match last("deliverable") {
        Some(d) => deliverable("deliverable", d)?,
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

/// A currency code.
pub(crate) fn currency(key: &str, raw: &str) -> Result<Currency, ApiError> {
    Currency::parse(raw).map_err(|e| invalid(key, e.0))
}

/// An amount in `currency` (no more decimals than it has).
pub(crate) fn money(key: &str, raw: &str, currency: Currency) -> Result<Money, ApiError> {
    Money::parse(raw, currency).map_err(|e| invalid(key, e.0))
}

/// A kind of deliverable: post, video, story or short.
pub(crate) fn deliverable(key: &str, raw: &str) -> Result<Deliverable, ApiError> {
    Deliverable::parse(raw)
        .ok_or_else(|| invalid(key, format!("unknown deliverable '{raw}' (post, video, story, short)")))
}

/// A date, `YYYY-MM-DD` (midnight UTC) or an RFC 3339 instant; `None` when it is neither.
pub(crate) fn date(raw: &str) -> Option<Timestamp> {
    let parsed: Result<jiff::Timestamp, _> =
        if raw.len() == 10 { format!("{raw}T00:00:00Z").parse() } else { raw.parse() };
    parsed.ok().map(|t| Timestamp::from_unix(t.as_second()))
}
