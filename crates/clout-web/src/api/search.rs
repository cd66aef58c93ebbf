//! The Directory search: every filter of `clout search`, a page of results with exact
//! totals, and facet counts.

use axum::Json;
use axum::extract::RawQuery;
use utoipa::IntoParams;

use super::schema::{
    BrandName, BriefText, CountryCode, LabelName, PlatformName, PostQueryText, PostSortName, PresetName, QueryText,
    SafetyCategoryId, SafetyLevelName, SinceDate, SinceWhen, SortName, TierName,
};
use super::{ApiResult, ErrorBody, St};
use crate::base::auth::Caller;
use crate::base::params;

/// The Directory's filters (the names of `clout search`'s flags), for /search and /plan.
/// Each bound is inclusive and independent: a minimum above its maximum matches nothing.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(super) struct FilterParams {
    /// Words, "quoted phrases" and #hashtags; all must match.
    #[param(inline, value_type = Option<QueryText>)]
    q: Option<String>,
    /// Repeat for any of several.
    #[param(inline, value_type = Option<Vec<PlatformName>>)]
    platform: Option<Vec<String>>,
    /// Repeatable.
    #[param(inline, value_type = Option<Vec<TierName>>)]
    tier: Option<Vec<String>>,
    /// scrunch (default) or industry.
    #[param(inline, value_type = Option<PresetName>)]
    tiers: Option<String>,
    /// ISO 3166-1 alpha-2; repeatable.
    #[param(inline, value_type = Option<Vec<CountryCode>>)]
    country: Option<Vec<String>>,
    /// ISO 639-1; repeatable.
    language: Option<Vec<String>>,
    /// Niche id; repeatable.
    niche: Option<Vec<String>>,
    min_followers: Option<u64>,
    max_followers: Option<u64>,
    /// Engagement rate in percent, inclusive.
    min_er: Option<f64>,
    max_er: Option<f64>,
    /// Repeatable.
    #[param(inline, value_type = Option<Vec<LabelName>>)]
    label: Option<Vec<String>>,
    min_index: Option<f64>,
    max_index: Option<f64>,
    min_growth: Option<f64>,
    max_growth: Option<f64>,
    min_posts_per_week: Option<f64>,
    max_posts_per_week: Option<f64>,
    min_quality: Option<f64>,
    max_quality: Option<f64>,
    verified: Option<bool>,
    has_email: Option<bool>,
    /// Only channels whose data was read on or after this date (`2026-11-27`, UTC) or time
    /// (RFC 3339).
    #[param(inline, value_type = Option<SinceDate>)]
    data_since: Option<String>,
    /// Only channels that posted about this (words, "phrases", #hashtags, @mentions) in
    /// their posts' captions, hashtags or mentions.
    #[param(inline, value_type = Option<QueryText>)]
    posted: Option<String>,
    /// With `posted`: at least this many matching posts (default 1).
    #[param(minimum = 1, maximum = 10000)]
    posted_min: Option<u32>,
    /// With `posted`: count only posts published since then.
    #[param(inline, value_type = Option<SinceWhen>)]
    posted_since: Option<String>,
    /// Only channels whose brand safety is at most this level in every category (or in
    /// those of `safety_in`).
    #[param(inline, value_type = Option<SafetyLevelName>)]
    safety_max: Option<String>,
    /// With `safety_max`: only these categories of the active list; repeatable.
    #[param(inline, value_type = Option<Vec<SafetyCategoryId>>, max_items = 64)]
    safety_in: Option<Vec<String>>,
}

/// A page of Directory results.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct PageParams {
    /// relevance (default), followers, er, index or growth.
    #[param(inline, value_type = Option<SortName>)]
    sort: Option<String>,
    /// Default 20.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<usize>,
    #[param(minimum = 0, maximum = 100000)]
    offset: Option<usize>,
    /// Adds facet counts under the query.
    facets: Option<bool>,
}

/// The Directory: channels matching every filter, with exact totals and facet counts.
#[utoipa::path(get, path = "/api/v1/search", tag = "directory", params(FilterParams, PageParams),
    responses((status = 200, body = clout_wire::SearchPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "`safety_in` names a category the active brand-safety list does not have"),
        (status = 409, body = ErrorBody, description = "With `posted`: the post index is being built; try again in a minute. With `safety_max`: the channels are not all screened against the active brand-safety list yet")))]
pub(super) async fn search(
    state: St,
    Caller(_): Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<clout_wire::SearchPage>> {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::no_empty(&pairs, &["q", "language", "niche", "posted", "safety_max", "safety_in"])?;
    let query = params::search_query(&pairs, true, state.now())?;
    let results = state.read(move |app, _| app.search(&query)).await?;
    Ok(Json(clout_wire::SearchPage::from(&results)))
}

/// A post search.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct PostParams {
    /// Words, "quoted phrases", #hashtags and @mentions; all must match a post's caption,
    /// hashtags or mentions.
    #[param(inline, value_type = PostQueryText)]
    q: String,
    /// Repeat for any of several.
    #[param(inline, value_type = Option<Vec<PlatformName>>)]
    platform: Option<Vec<String>>,
    /// Only posts published since then.
    #[param(inline, value_type = Option<SinceWhen>)]
    since: Option<String>,
    /// Only posts published before then.
    #[param(inline, value_type = Option<SinceWhen>)]
    until: Option<String>,
    /// Only sponsored posts (true) or only organic ones (false).
    sponsored: Option<bool>,
    #[param(inline, value_type = Option<PostSortName>)]
    sort: Option<String>,
    /// Default 20.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<usize>,
    #[param(minimum = 0, maximum = 100000)]
    offset: Option<usize>,
}

/// What creators said: posts whose caption, hashtags or mentions match, each with its
/// channel and engagement, best match (or newest) first, with the exact total.
#[utoipa::path(get, path = "/api/v1/posts", tag = "directory", params(PostParams),
    responses((status = 200, body = clout_wire::PostPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The post index is being built; try again in a minute")))]
pub(super) async fn posts(
    state: St,
    Caller(_): Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<clout_wire::PostPage>> {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::no_empty(&pairs, &["q"])?;
    let query = params::post_query(&pairs, state.now())?;
    let results = state.read(move |app, _| app.search_posts(&query)).await?;
    Ok(Json(clout_wire::PostPage::from(&results)))
}

/// A brief.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct BriefParams {
    /// The brief: places, languages, platforms, tiers, follower bounds, formats and a window
    /// are read as filters; the other words are topics (see docs/brief.md).
    #[param(inline, value_type = BriefText)]
    q: String,
    /// Default 20.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<usize>,
    #[param(minimum = 0, maximum = 100000)]
    offset: Option<usize>,
}

/// A brief in plain words: how it was read, and the creators who fit it, best first, each
/// with its fit, the reason in a sentence and the posts that show it.
#[utoipa::path(get, path = "/api/v1/brief", tag = "directory", params(BriefParams),
    responses((status = 200, body = clout_wire::Brief), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The post index is being built; try again in a minute")))]
pub(super) async fn brief(state: St, Caller(_): Caller, RawQuery(raw): RawQuery) -> ApiResult<Json<clout_wire::Brief>> {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::no_empty(&pairs, &[])?;
    let request = params::brief_query(&pairs)?;
    let now = state.now();
    let results = state.read(move |app, _| app.brief(&request, now)).await?;
    Ok(Json(clout_wire::Brief::from(&results)))
}

/// A brand report's filters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct BrandParams {
    /// A competitor's account to compare with; repeat for several (at most 10).
    #[param(inline, value_type = Option<Vec<BrandName>>, max_items = 10)]
    vs: Option<Vec<String>>,
    /// Only posts published since then.
    #[param(inline, value_type = Option<SinceWhen>)]
    since: Option<String>,
    /// Only posts published before then.
    #[param(inline, value_type = Option<SinceWhen>)]
    until: Option<String>,
    /// Repeat for any of several.
    #[param(inline, value_type = Option<Vec<PlatformName>>)]
    platform: Option<Vec<String>>,
    /// How many creators to list (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<usize>,
    /// Where the page of creators starts.
    #[param(minimum = 0, maximum = 100000)]
    offset: Option<usize>,
}

/// Who posted about a brand (its @account or #name): how many creators (and a page of
/// them, most posts first), sponsored versus organic, by month, with the engagements those posts earned, and the share of voice
/// against the competitors named.
#[utoipa::path(get, path = "/api/v1/brands/{brand}", tag = "directory",
    params(("brand" = inline(BrandName), Path, description = "The brand's account, with or without its @"), BrandParams),
    responses((status = 200, body = clout_wire::BrandReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The post index is being built; try again in a minute")))]
pub(super) async fn brand(
    state: St,
    Caller(_): Caller,
    axum::extract::Path(brand): axum::extract::Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<clout_wire::BrandReport>> {
    let state = state.0;
    let mut pairs = params::pairs(raw.as_deref());
    params::only(&pairs, &["vs", "since", "until", "platform", "limit", "offset"])?;
    params::no_empty(&pairs, &[])?;
    pairs.push(("brand".to_string(), brand));
    let query = params::brand_query(&pairs, state.now())?;
    let report = state.read(move |app, _| app.brand_report(&query)).await?;
    Ok(Json(clout_wire::BrandReport::from(&report)))
}
