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

/// A search from URL pairs, read by the app's one reading of a search
/// ([`clout_app::search_query`]): empty values are ignored (an untouched form field);
/// unknown keys are refused when `strict` (the API) and ignored otherwise (a page).
pub(crate) fn search_query(
    pairs: &[(String, String)],
    strict: bool,
    now: clout_core::Timestamp,
) -> Result<DiscoveryQuery, ApiError> {
    clout_app::search_query(pairs, strict, now).map_err(|e| {
        let code = if e.unknown { ErrorCode::UnknownParameter } else { ErrorCode::InvalidParameter };
        ApiError::bad_request(code, e.to_string())
    })
}

/// A post search from URL pairs, read by [`clout_app::post_query`] (unknown keys refused).
pub(crate) fn post_query(
    pairs: &[(String, String)],
    now: clout_core::Timestamp,
) -> Result<clout_app::PostQuery, ApiError> {
    clout_app::post_query(pairs, true, now).map_err(|e| {
        let code = if e.unknown { ErrorCode::UnknownParameter } else { ErrorCode::InvalidParameter };
        ApiError::bad_request(code, e.to_string())
    })
}

/// A brief from URL pairs, read by [`clout_app::brief_query`].
pub(crate) fn brief_query(pairs: &[(String, String)]) -> Result<clout_app::BriefRequest, ApiError> {
    clout_app::brief_query(pairs, true).map_err(|e| {
        let code = if e.unknown { ErrorCode::UnknownParameter } else { ErrorCode::InvalidParameter };
        ApiError::bad_request(code, e.to_string())
    })
}

/// A brand report from URL pairs, read by [`clout_app::brand_query`].
pub(crate) fn brand_query(
    pairs: &[(String, String)],
    now: clout_core::Timestamp,
) -> Result<clout_app::BrandQuery, ApiError> {
    clout_app::brand_query(pairs, true, now).map_err(|e| {
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

/// A plan from URL pairs, read by the app's one reading of a plan
/// ([`clout_app::plan_query`]) with a server's limits. Returns the request and whether to
/// compare.
pub(crate) fn plan_request(
    pairs: &[(String, String)],
    card_currency: clout_core::money::Currency,
    now: clout_core::Timestamp,
) -> Result<(clout_app::PlanRequest, bool), ApiError> {
    let q = clout_app::plan_query(pairs, card_currency, clout_app::PlanLimits::SERVER, now).map_err(|e| {
        let code = if e.unknown { ErrorCode::UnknownParameter } else { ErrorCode::InvalidParameter };
        ApiError::bad_request(code, e.to_string())
    })?;
    Ok((q.request, q.compare))
}

/// The plan a new campaign starts from: a plan's query string (as on the Plan page) with
/// the campaign's own budget and currency in place of any it names.
pub(crate) fn campaign_plan(
    query: &str,
    budget: clout_core::money::Money,
    card_currency: clout_core::money::Currency,
    now: clout_core::Timestamp,
) -> Result<clout_app::PlanRequest, ApiError> {
    let mut pairs: Vec<(String, String)> = pairs(Some(query))
        .into_iter()
        .filter(|(k, _)| !["budget", "currency", "compare"].contains(&k.as_str()))
        .collect();
    pairs.push(("budget".into(), budget.decimal()));
    pairs.push(("currency".into(), budget.currency.as_str().into()));
    Ok(plan_request(&pairs, card_currency, now)?.0)
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
