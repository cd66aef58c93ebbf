//! One channel: its profile with every metric's provenance, its lookalikes, its
//! audience-quality score and its price.

use axum::Json;
use axum::extract::{Path as UrlPath, RawQuery};

use super::schema::{
    Amount, AuditFormat, ChannelRef, CurrencyCode, DeliverableName, HandleText, PlatformName, PresetName,
};
use super::{ApiResult, ErrorBody, St, channel_ref};
use crate::base::auth::Caller;
use crate::base::errors::ApiError;
use crate::base::params;
use crate::base::paths::shown_path;

/// One channel: every metric with its provenance, the window posts, the follower history.
#[utoipa::path(get, path = "/api/v1/channels/{platform}/{handle}", tag = "directory",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path), ("tiers" = inline(Option<PresetName>), Query)),
    responses((status = 200, description = "As `clout show --json`", body = clout_wire::Profile), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn channel(
    state: St,
    Caller(_): Caller,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<clout_wire::Profile>> {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::only(&pairs, &["tiers"])?;
    params::no_empty(&pairs, &[])?;
    let preset = params::search_query(&pairs, true, state.now())?.preset;
    let reference = channel_ref(&platform, &handle);
    let profile = state.read(move |app, _| app.channel_profile(&reference, preset)).await?;
    let mut body = clout_wire::Profile::from(&profile, preset.as_str());
    let data_dir = state.data_dir();
    body.map_sources(|source| shown_path(&data_dir, source));
    Ok(Json(body))
}

/// Lookalikes: the channels most like this one (shared niches and hashtags, similar size).
#[utoipa::path(get, path = "/api/v1/channels/{platform}/{handle}/similar", tag = "directory",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path), ("limit" = Option<usize>, Query, minimum = 1, maximum = 100, description = "Default 10")),
    responses((status = 200, body = clout_wire::SimilarList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn similar(
    state: St,
    Caller(_): Caller,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<clout_wire::SimilarList>> {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::only(&pairs, &["limit"])?;
    let limit = params::bounded(&pairs, "limit", 10, 1..=100)?;
    let reference = channel_ref(&platform, &handle);
    let found = state.read(move |app, _| app.similar(&reference, limit, clout_core::TierPreset::Scrunch)).await?;
    Ok(Json(clout_wire::SimilarList { results: found.iter().map(clout_wire::SimilarChannel::from).collect() }))
}

/// A price estimate per deliverable with the rule of thumb, a quote's fairness and the
/// expected results (P10 / P50 / P90), as `clout price --json`.
#[utoipa::path(get, path = "/api/v1/channels/{platform}/{handle}/price", tag = "money",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path),
        ("deliverable" = inline(Option<DeliverableName>), Query),
        ("quote" = inline(Option<Amount>), Query, description = "An amount to judge: fair, high or low"),
        ("currency" = inline(Option<CurrencyCode>), Query, description = "The quote's currency (default: the rate card's)")),
    responses((status = 200, description = "As `clout price --json`", body = clout_wire::Price), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn price(
    state: St,
    Caller(_): Caller,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<clout_wire::Price>> {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::only(&pairs, &["deliverable", "quote", "currency"])?;
    params::no_empty(&pairs, &[])?;
    let get = |key: &str| pairs.iter().rev().find(|(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.clone());
    let deliverable = match get("deliverable") {
        Some(d) => params::deliverable("deliverable", &d)?,
        None => clout_core::price::Deliverable::Post,
    };
    let currency = get("currency").map(|c| params::currency("currency", &c)).transpose()?;
    let quote = get("quote");
    let reference = channel_ref(&platform, &handle);
    let report = state
        .read(move |app, _| {
            let quote = match quote {
                Some(q) => {
                    let currency = match currency {
                        Some(c) => c,
                        None => app.rate_card()?.currency,
                    };
                    Some(
                        clout_core::money::Money::parse(&q, currency)
                            .map_err(|e| clout_app::Error::Invalid(format!("quote: {e}")))?,
                    )
                }
                None => None,
            };
            app.price(&reference, deliverable, quote, clout_core::TierPreset::Scrunch)
        })
        .await?;
    Ok(Json(clout_wire::Price::from(&report)))
}

/// The audience-quality score with its components and evidence.
#[utoipa::path(get, path = "/api/v1/channels/{platform}/{handle}/quality", tag = "directory",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)),
    responses((status = 200, description = "As `clout quality --json`", body = clout_wire::Quality), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn quality(
    state: St,
    Caller(_): Caller,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
) -> ApiResult<Json<clout_wire::Quality>> {
    let state = state.0;
    let reference = channel_ref(&platform, &handle);
    let report = state.read(move |app, _| app.quality(&reference, clout_core::TierPreset::Scrunch)).await?;
    Ok(Json(clout_wire::Quality::from(&report)))
}

/// Brand safety: the channel's level in each category of the list it was screened against,
/// and every post or comment that matched, with the terms.
#[utoipa::path(get, path = "/api/v1/channels/{platform}/{handle}/safety", tag = "directory",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)),
    responses((status = 200, description = "As `clout safety show --json`", body = clout_wire::ChannelSafety), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The channel has not been screened yet (a recompute screens it)")))]
pub(super) async fn safety(
    state: St,
    Caller(_): Caller,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
) -> ApiResult<Json<clout_wire::ChannelSafety>> {
    let state = state.0;
    let reference = channel_ref(&platform, &handle);
    let report = state.read(move |app, _| app.channel_safety(&reference)).await?;
    Ok(Json(clout_wire::ChannelSafety::from(&report)))
}

/// The brand-safety audit record: each channel screened (a saved list's and the channels
/// named, or every one), when, against which list version, and every match.
#[utoipa::path(get, path = "/api/v1/safety/audit", tag = "directory",
    params(("list" = Option<i64>, Query, minimum = 1, description = "This saved list's channels (with any named by `channel`)"),
        ("channel" = inline(Option<Vec<ChannelRef>>), Query, description = "These channels (PLATFORM/HANDLE; with a list's, if `list` is given); repeatable", max_items = 200),
        ("format" = inline(Option<AuditFormat>), Query, description = "json (default) or csv")),
    responses((status = 200, description = "JSON, or text/csv with `format=csv`", body = clout_wire::SafetyAudit), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn safety_audit(
    state: St,
    Caller(_): Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::only(&pairs, &["list", "channel", "format"])?;
    params::no_empty(&pairs, &["list", "channel", "format"])?;
    let get = |key: &str| pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let csv = match get("format").as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::invalid_parameter("format", format!("unknown format '{other}' (json or csv)")));
        }
    };
    let list = list_param(&pairs)?;
    let channels: Vec<String> = pairs.iter().filter(|(k, _)| k == "channel").map(|(_, v)| v.clone()).collect();
    let audit = state.read(move |app, _| clout_app::audit_of(app, list, &channels)).await?;
    if csv {
        let body = clout_app::audit_csv(&audit)?;
        return Ok(crate::base::downloads::attachment("text/csv; charset=utf-8", "brand-safety-audit.csv", body));
    }
    let channels = audit.iter().map(clout_wire::ChannelSafety::from).collect();
    Ok(Json(clout_wire::SafetyAudit { channels }).into_response())
}

/// Audience overlap of a shortlist (a saved list's channels and those named): followers
/// each pair shares, estimated from the imported follower samples with 95 % ranges,
/// commenters they share, each channel's unique share, and the unique reach.
#[utoipa::path(get, path = "/api/v1/overlap", tag = "lists",
    params(("list" = Option<i64>, Query, minimum = 1, description = "This saved list's channels (with any named by `channel`)"),
        ("channel" = inline(Option<Vec<ChannelRef>>), Query, description = "These channels (PLATFORM/HANDLE); repeatable", max_items = 200)),
    responses((status = 200, description = "As `clout overlap --json`", body = clout_wire::Overlap), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn overlap(
    state: St,
    Caller(_): Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<clout_wire::Overlap>> {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::only(&pairs, &["list", "channel"])?;
    params::no_empty(&pairs, &["list", "channel"])?;
    let list = list_param(&pairs)?;
    let channels: Vec<String> = pairs.iter().filter(|(k, _)| k == "channel").map(|(_, v)| v.clone()).collect();
    let report = state.read(move |app, _| clout_app::overlap_of(app, list, &channels)).await?;
    Ok(Json(clout_wire::Overlap::from(&report)))
}

/// The `list` parameter: a list's number.
fn list_param(pairs: &[(String, String)]) -> Result<Option<i64>, ApiError> {
    match pairs.iter().rev().find(|(k, _)| k == "list") {
        Some((_, v)) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1)
            .map(Some)
            .ok_or_else(|| ApiError::invalid_parameter("list", format!("'{v}' is not a list number"))),
        None => Ok(None),
    }
}
