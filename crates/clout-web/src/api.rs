//! The JSON API under `/api/v1`. Every handler carries its OpenAPI description, and
//! the router is built from the same annotations, so `/api/v1/openapi.json` lists
//! exactly the routes that exist.

use std::sync::{Arc, OnceLock};

use axum::Json;
use axum::extract::{FromRequest, Multipart, Path as UrlPath, RawQuery, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clout_app::{Actor, Role, User};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::base::auth::{self, Caller, ClientAddr, Writer};
use crate::base::downloads;
use crate::base::errors::{ApiError, ErrorCode};
use crate::base::imports::{receive_upload, run_detail, run_import, run_json};
use crate::base::params;
use crate::base::paths::{shown_path, shown_sources};
use crate::base::state::State;
use crate::base::use_cases;
use crate::schema::{
    Amount, ChannelRef, CountryCode, CurrencyCode, DateText, DeliverableName, GoalName, HandleText, LabelName,
    PlatformName, PresetName, QueryText, RoleName, ScopeName, SortName, StageName, TierName, UploadFile,
};

type St = axum::extract::State<Arc<State>>;
type ApiResult<T = Json<Value>> = Result<T, ApiError>;

#[derive(OpenApi)]
#[openapi(
    info(title = "Clout API", description = "Influencer discovery: the Directory, channel profiles, lists, imports and accounts. Errors are {\"code\", \"message\"} with a 4xx status for anything the client got wrong."),
    modifiers(&Security),
    security(("bearer" = []), ("session" = []))
)]
struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                auth::SESSION_COOKIE,
                "The browser's session; changes also need the X-CSRF-Token header (the csrf_token of POST /api/v1/login).",
            ))),
        );
    }
}

/// An error answer.
#[derive(ToSchema)]
#[allow(dead_code)]
struct ErrorBody {
    /// Stable and machine-readable, such as `invalid_parameter` or `malformed_json`.
    code: String,
    message: String,
}

/// A JSON body whose failures are 4xx answers with a code.
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::JsonRejection as R;
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(R::JsonSyntaxError(e)) => Err(ApiError::bad_request(
                ErrorCode::MalformedJson,
                format!("the body is not valid JSON: {}", e.body_text()),
            )),
            Err(R::JsonDataError(e)) => Err(ApiError::bad_request(ErrorCode::InvalidBody, e.body_text())),
            Err(R::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the body as JSON with 'Content-Type: application/json'",
            )),
            Err(other) => Err(ApiError::bad_request(ErrorCode::UnreadableBody, other.body_text())),
        }
    }
}

pub(crate) fn router() -> OpenApiRouter<Arc<State>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(openapi_json))
        .routes(routes!(setup))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(status))
        .routes(routes!(search))
        .routes(routes!(channel))
        .routes(routes!(similar))
        .routes(routes!(quality))
        .routes(routes!(price))
        .routes(routes!(plan))
        .routes(routes!(campaigns, create_campaign))
        .routes(routes!(campaign, update_campaign, delete_campaign))
        .routes(routes!(put_campaign_member, delete_campaign_member))
        .routes(routes!(add_deliverable))
        .routes(routes!(link_deliverable))
        .routes(routes!(cancel_deliverable))
        .routes(routes!(campaign_report))
        .routes(routes!(campaign_report_csv))
        .routes(routes!(creator, put_creator))
        .routes(routes!(add_creator_note))
        .routes(routes!(lists, create_list))
        .routes(routes!(list, delete_list))
        .routes(routes!(put_member, delete_member))
        .routes(routes!(export_list))
        .routes(routes!(imports, create_import))
        .routes(routes!(import_run))
        .routes(routes!(import_rejects))
        .routes(routes!(tokens, create_token))
        .routes(routes!(delete_token))
        .routes(routes!(users, create_user))
        .routes(routes!(update_user, delete_user))
        .routes(routes!(reset_password))
        .routes(routes!(change_password))
}

fn json_user(u: &User) -> Value {
    clout_wire::user_json(u)
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", security(()), responses((status = 200, description = "The OpenAPI 3 document", body = Object)))]
async fn openapi_json(state: St) -> ApiResult<Response> {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    let mut doc = DOC.get_or_init(crate::openapi).clone();
    // The currencies a plan or a quote may be in are the rate card's (read now: it is a
    // file the operator may change).
    if let Ok(card) = state.0.read(|app, _| app.rate_card()).await {
        let mut codes = vec![card.currency.as_str().to_string()];
        codes.extend(card.exchange_rates.keys().map(|c| c.as_str().to_string()));
        crate::schema::rate_card_currencies(&mut doc, &codes);
    }
    let json = doc.to_json().map_err(|e| ApiError::internal(format!("writing the OpenAPI document: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct Credentials {
    username: String,
    password: String,
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct SetupBody {
    username: String,
    password: String,
    /// The one-time code `clout serve` printed on its terminal at start.
    #[serde(default)]
    setup_code: String,
}

/// Creates the first account, an admin. Only while no account exists, and only with the
/// one-time setup code that `clout serve` printed on its terminal at start.
#[utoipa::path(post, path = "/api/v1/setup", tag = "accounts", security(()), request_body = SetupBody,
    responses((status = 201, description = "The admin", body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody, description = "A wrong setup code (bad_setup_code), or an account exists already (forbidden)")))]
async fn setup(state: St, ApiJson(body): ApiJson<SetupBody>) -> ApiResult<(StatusCode, Json<Value>)> {
    let state = state.0;
    if !auth::setup_code_matches(&state, &body.setup_code) {
        // Once an admin exists there is no code: say so rather than blame the code.
        if !state.read(|app, _| app.needs_setup()).await? {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "the admin account exists already; sign in",
            ));
        }
        return Err(ApiError::bad_setup_code());
    }
    let user = state.write(move |app, s| app.setup_admin(body.username.trim(), &body.password, s.now())).await?;
    Ok((StatusCode::CREATED, Json(json_user(&user))))
}

/// Signs in: sets the session cookie and returns the CSRF token that changes made with
/// it must send as `X-CSRF-Token`. Five failures a minute per username from one address (100 a minute per address).
#[utoipa::path(post, path = "/api/v1/login", tag = "accounts", security(()), request_body = Credentials,
    responses((status = 200, description = "Signed in", body = Object), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(state: St, ClientAddr(addr): ClientAddr, ApiJson(body): ApiJson<Credentials>) -> ApiResult<Response> {
    let state = state.0;
    let client = auth::client_key(addr);
    let username = body.username.trim().to_string();
    if !auth::attempt(&state, &client, &username) {
        return Err(auth::rate_limited());
    }
    let name = username.clone();
    // The slow hash runs on a reader, not under the writer's lock.
    let user = state.read(move |app, _| app.check_password(&name, &body.password)).await?;
    let Some(user) = user else {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::BadCredentials, "wrong username or password"));
    };
    auth::signed_in_ok(&state, &client, &username);
    let session = state.write(move |app, s| app.start_session(&user, s.now())).await?;
    let body = json!({"user": json_user(&session.user), "csrf_token": session.csrf});
    let mut r = Json(body).into_response();
    r.headers_mut().insert(header::SET_COOKIE, auth::session_cookie(&state, &session.token));
    Ok(r)
}

/// Ends the session of the cookie.
#[utoipa::path(post, path = "/api/v1/logout", tag = "accounts", responses((status = 204, description = "Signed out"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn logout(state: St, headers: HeaderMap) -> ApiResult<Response> {
    let state = state.0;
    let auth = auth::require(&state, &headers).await?;
    auth.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    if let Some(token) = auth::cookie(&headers, auth::SESSION_COOKIE).map(str::to_string) {
        state.write(move |app, _| app.logout(&token)).await?;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut().insert(header::SET_COOKIE, auth::clear_session_cookie(&state));
    Ok(r)
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
async fn me(Caller(auth): Caller) -> ApiResult {
    let mut body = json_user(&auth.user);
    // Signed in with a read-only token: reads only, whatever the role.
    body["read_only"] = auth.user.read_only.into();
    Ok(Json(body))
}

/// What the store holds, and the import runs.
#[utoipa::path(get, path = "/api/v1/status", tag = "meta", responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
async fn status(state: St, Caller(_): Caller) -> ApiResult {
    let state = state.0;
    let (stats, runs, stale) =
        state.read(|app, _| Ok((app.store_stats()?, app.runs()?, app.derived_stale_since()?))).await?;
    Ok(Json(json!({
        "derived": {"current": stale.is_none(), "stale_since": stale.map(clout_wire::time)},
        "channels": stats.channels, "channel_observations": stats.channel_observations,
        "follower_observations": stats.follower_observations, "posts": stats.posts,
        "post_observations": stats.post_observations, "import_runs": stats.import_runs, "rejects": stats.rejects,
        "indexed_channels": state.directory().channels(),
        "runs": runs.iter().map(|r| run_json(r, &state.data_dir())).collect::<Vec<_>>(),
    })))
}

/// The Directory's filters (the names of `clout search`'s flags), for /search and /plan.
/// Each bound is inclusive and independent: a minimum above its maximum matches nothing.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct FilterParams {
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
    responses((status = 200, description = "{total, results: [channel + score], facets?}", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn search(state: St, Caller(_): Caller, RawQuery(raw): RawQuery) -> ApiResult {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::no_empty(&pairs, &["q", "language", "niche"])?;
    let query = params::search_query(&pairs, true)?;
    let directory = state.directory();
    let results = state.read(move |app, _| app.search_in(&directory, &query)).await?;
    let list: Vec<Value> = results
        .page
        .hits
        .iter()
        .zip(&results.channels)
        .map(|(hit, c)| {
            let mut o = clout_wire::channel_json(c);
            o.insert("score".into(), hit.score.into());
            Value::Object(o)
        })
        .collect();
    let mut body = json!({"total": results.page.total, "results": list});
    if let Some(f) = &results.page.facets {
        body["facets"] = clout_wire::facets_json(f);
    }
    Ok(Json(body))
}

fn channel_ref(platform: &str, handle: &str) -> String {
    format!("{platform}/{handle}")
}

/// One channel: every metric with its provenance, the window posts, the follower history.
#[utoipa::path(get, path = "/api/v1/channels/{platform}/{handle}", tag = "directory",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path), ("tiers" = inline(Option<PresetName>), Query)),
    responses((status = 200, description = "As `clout show --json`", body = Object), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn channel(
    state: St,
    Caller(_): Caller,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::only(&pairs, &["tiers"])?;
    params::no_empty(&pairs, &[])?;
    let preset = params::search_query(&pairs, true)?.preset;
    let reference = channel_ref(&platform, &handle);
    let profile = state.read(move |app, _| app.channel_profile(&reference, preset)).await?;
    let mut body = Value::Object(clout_wire::profile_json(&profile, preset.as_str()));
    shown_sources(&mut body, &state.data_dir());
    Ok(Json(body))
}

/// Lookalikes: the channels most like this one (shared niches and hashtags, similar size).
#[utoipa::path(get, path = "/api/v1/channels/{platform}/{handle}/similar", tag = "directory",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path), ("limit" = Option<usize>, Query, minimum = 1, maximum = 100, description = "Default 10")),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn similar(
    state: St,
    Caller(_): Caller,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::only(&pairs, &["limit"])?;
    let limit = params::bounded(&pairs, "limit", 10, 1..=100)?;
    let reference = channel_ref(&platform, &handle);
    let directory = state.directory();
    let found = state
        .read(move |app, _| app.similar_in(&directory, &reference, limit, clout_core::TierPreset::Scrunch))
        .await?;
    Ok(Json(json!({"results": found.iter().map(|s| Value::Object(clout_wire::similar_json(s))).collect::<Vec<_>>()})))
}

/// A price estimate per deliverable with the rule of thumb, a quote's fairness and the
/// expected results (P10 / P50 / P90), as `clout price --json`.
#[utoipa::path(get, path = "/api/v1/channels/{platform}/{handle}/price", tag = "money",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path),
        ("deliverable" = inline(Option<DeliverableName>), Query),
        ("quote" = inline(Option<Amount>), Query, description = "An amount to judge: fair, high or low"),
        ("currency" = inline(Option<CurrencyCode>), Query, description = "The quote's currency (default: the rate card's)")),
    responses((status = 200, description = "As `clout price --json`", body = Object), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn price(
    state: St,
    Caller(_): Caller,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::only(&pairs, &["deliverable", "quote", "currency"])?;
    params::no_empty(&pairs, &[])?;
    let get = |key: &str| pairs.iter().rev().find(|(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.clone());
    let deliverable = match get("deliverable") {
        Some(d) => clout_core::price::Deliverable::parse(&d).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::InvalidParameter,
                format!("deliverable: unknown deliverable '{d}' (post, video, story, short)"),
            )
        })?,
        None => clout_core::price::Deliverable::Post,
    };
    let currency = get("currency")
        .map(|c| clout_core::money::Currency::parse(&c))
        .transpose()
        .map_err(|e| ApiError::bad_request(ErrorCode::InvalidParameter, format!("currency: {e}")))?;
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
    Ok(Json(clout_wire::price_json(&report)))
}

/// The budget planner (`compare=true`: micro, at most 3 macro or mega, and unconstrained,
/// side by side). Every Directory filter of /search applies to the candidates.
#[utoipa::path(get, path = "/api/v1/plan", tag = "money",
    params(("budget" = inline(Amount), Query, description = "The budget, such as 10000 or 2500.50"),
        ("currency" = inline(Option<CurrencyCode>), Query, description = "The budget's currency, which must be the rate card's (default)"),
        ("goal" = inline(Option<GoalName>), Query),
        ("deliverable" = inline(Option<DeliverableName>), Query),
        ("max_share" = Option<f64>, Query, exclusive_minimum = 0, maximum = 100, description = "No creator above this percentage of the budget"),
        ("min_creators" = Option<usize>, Query, minimum = 0, maximum = 10000),
        ("max_creators" = Option<usize>, Query, minimum = 1, maximum = 10000),
        ("exclude" = inline(Option<Vec<ChannelRef>>), Query, description = "A channel never to pick; repeatable"),
        ("compare" = Option<bool>, Query),
        ("time_limit" = Option<f64>, Query, exclusive_minimum = 0, maximum = 10, description = "Seconds (default 1)"),
        ("candidates" = Option<usize>, Query, minimum = 1, maximum = 20000, description = "Matches considered (default 20000)"),
        FilterParams),
    responses((status = 200, description = "As `clout plan --json` (or `--compare --json`)", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn plan(state: St, Caller(_): Caller, RawQuery(raw): RawQuery) -> ApiResult {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::no_empty(&pairs, &["q", "language", "niche"])?;
    let card = state.read(|app, _| app.rate_card()).await?;
    let (request, compare) = params::plan_request(&pairs, card.currency)?;
    let directory = state.directory();
    let body = state
        .read(move |app, _| {
            Ok(if compare {
                clout_wire::comparison_json(&app.compare_in(&directory, &request)?, &card.origin)
            } else {
                clout_wire::portfolio_json(&app.plan_in(&directory, &request)?, &card.origin)
            })
        })
        .await?;
    Ok(Json(body))
}

/// The audience-quality score with its components and evidence.
#[utoipa::path(get, path = "/api/v1/channels/{platform}/{handle}/quality", tag = "directory",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)),
    responses((status = 200, description = "As `clout quality --json`", body = Object), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn quality(state: St, Caller(_): Caller, UrlPath((platform, handle)): UrlPath<(String, String)>) -> ApiResult {
    let state = state.0;
    let reference = channel_ref(&platform, &handle);
    let directory = state.directory();
    let report =
        state.read(move |app, _| app.quality_in(&directory, &reference, clout_core::TierPreset::Scrunch)).await?;
    Ok(Json(clout_wire::quality_json(&report)))
}

fn list_json(l: &clout_app::ListRow) -> Value {
    json!({"id": l.id, "name": l.name, "created_by": l.created_by, "created_at": clout_wire::time(l.created_at), "members": l.members})
}

/// Every saved list.
#[utoipa::path(get, path = "/api/v1/lists", tag = "lists", responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
async fn lists(state: St, Caller(_): Caller) -> ApiResult {
    let state = state.0;
    let lists = state.read(|app, _| app.lists()).await?;
    Ok(Json(json!({"lists": lists.iter().map(list_json).collect::<Vec<_>>()})))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct NewList {
    /// 1 to 100 characters, not all spaces.
    #[schema(min_length = 1, max_length = 100, pattern = r"[^\s\u0085]")]
    name: String,
}

/// Creates a list.
#[utoipa::path(post, path = "/api/v1/lists", tag = "lists", request_body = NewList,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_list(
    state: St,
    Writer(auth): Writer,
    ApiJson(body): ApiJson<NewList>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let state = state.0;
    let list = state.write(move |app, s| app.create_list(&auth.user, &body.name, s.now())).await?;
    Ok((StatusCode::CREATED, Json(list_json(&list))))
}

/// A positive id from a path segment; `what` names it in the error.
fn positive_id(raw: &str, what: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request(ErrorCode::InvalidParameter, format!("id: '{raw}' is not {what}")))
}

fn list_id(raw: &str) -> Result<i64, ApiError> {
    positive_id(raw, "a list id")
}

/// A list with its channels and notes.
#[utoipa::path(get, path = "/api/v1/lists/{id}", tag = "lists", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list(state: St, Caller(_): Caller, UrlPath(id): UrlPath<String>) -> ApiResult {
    let state = state.0;
    let id = list_id(&id)?;
    let (row, entries) = state.read(move |app, _| app.list(id, clout_core::TierPreset::Scrunch)).await?;
    let mut body = list_json(&row);
    body["channels"] = entries
        .iter()
        .map(|e| {
            let mut o = clout_wire::channel_json(&e.channel);
            o.insert("note".into(), e.note.clone().into());
            o.insert("added_by".into(), e.added_by.clone().into());
            o.insert("added_at".into(), clout_wire::time(e.added_at).into());
            Value::Object(o)
        })
        .collect::<Vec<_>>()
        .into();
    Ok(Json(body))
}

/// Deletes a list.
#[utoipa::path(delete, path = "/api/v1/lists/{id}", tag = "lists", params(("id" = i64, Path, minimum = 1)),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_list(state: St, Writer(auth): Writer, UrlPath(id): UrlPath<String>) -> ApiResult<StatusCode> {
    let state = state.0;
    let id = list_id(&id)?;
    state.write(move |app, _| app.delete_list(&auth.user, id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Default)]
pub(crate) struct Member {
    #[serde(default)]
    note: String,
}

/// Puts a channel on a list (or replaces its note).
#[utoipa::path(put, path = "/api/v1/lists/{id}/members/{platform}/{handle}", tag = "lists",
    params(("id" = i64, Path, minimum = 1), ("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)), request_body = Member,
    responses((status = 204, description = "On the list"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn put_member(
    state: St,
    Writer(auth): Writer,
    UrlPath((id, platform, handle)): UrlPath<(String, String, String)>,
    ApiJson(body): ApiJson<Member>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    let id = list_id(&id)?;
    let reference = channel_ref(&platform, &handle);
    state.write(move |app, s| app.add_to_list(&auth.user, id, &reference, &body.note, s.now())).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a channel off a list.
#[utoipa::path(delete, path = "/api/v1/lists/{id}/members/{platform}/{handle}", tag = "lists",
    params(("id" = i64, Path, minimum = 1), ("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_member(
    state: St,
    Writer(auth): Writer,
    UrlPath((id, platform, handle)): UrlPath<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    let id = list_id(&id)?;
    let reference = channel_ref(&platform, &handle);
    state.write(move |app, _| app.remove_from_list(&auth.user, id, &reference)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A list as CSV.
#[utoipa::path(get, path = "/api/v1/lists/{id}/export.csv", tag = "lists", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "text/csv", content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
async fn export_list(state: St, Caller(_): Caller, UrlPath(id): UrlPath<String>) -> ApiResult<Response> {
    let state = state.0;
    let id = list_id(&id)?;
    downloads::list_csv(&state, id).await
}

/// Every import run.
#[utoipa::path(get, path = "/api/v1/imports", tag = "imports", responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
async fn imports(state: St, Caller(_): Caller) -> ApiResult {
    let state = state.0;
    let runs = state.read(|app, _| app.runs()).await?;
    Ok(Json(json!({"runs": runs.iter().rev().map(|r| run_json(r, &state.data_dir())).collect::<Vec<_>>()})))
}

/// Imports interchange files (multipart/form-data, one or more `file` fields; NDJSON or
/// CSV, plain or gzip). Bad records are rejected with file, line, field and reason and
/// kept for download; the rest are imported.
/// An upload of interchange files: `file` fields only.
#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Upload {
    /// An NDJSON or CSV file, plain or gzip; repeat the field for more. (No `type`: a
    /// multipart part is bytes, and one part cannot be told from a list of one.)
    #[schema(inline, value_type = UploadFile)]
    file: String,
}

#[utoipa::path(post, path = "/api/v1/imports", tag = "imports", request_body(content_type = "multipart/form-data", content = Upload, description = "`file` fields"),
    responses((status = 201, description = "The run with its counts and rejects", body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_import(state: St, Writer(_): Writer, form: Multipart) -> ApiResult<(StatusCode, Json<Value>)> {
    let state = state.0;
    let files = receive_upload(&state, form, None).await?;
    let summary = run_import(&state, files).await?;
    let Some(run) = summary.run else {
        return Err(ApiError::internal("the import started no run"));
    };
    let mut body = run_detail(&state, run).await?;
    let data_dir = state.data_dir();
    body["summary"] = clout_wire::import_json(&summary);
    body["summary"]["rejects_file"] = summary.rejects_file.as_ref().map(|p| shown_path(&data_dir, p)).into();
    body["file_errors"] = summary
        .file_errors
        .iter()
        .map(|e| json!({"file": shown_path(&data_dir, &e.file), "message": e.message}))
        .collect::<Vec<_>>()
        .into();
    Ok((StatusCode::CREATED, Json(body)))
}

fn run_id(raw: &str) -> Result<i64, ApiError> {
    positive_id(raw, "an import run id")
}

/// One import run with every reject and its reason.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn import_run(state: St, Caller(_): Caller, UrlPath(id): UrlPath<String>) -> ApiResult {
    let state = state.0;
    let id = run_id(&id)?;
    Ok(Json(run_detail(&state, id).await?))
}

/// Downloads a run's rejected lines verbatim, in the input's format (CSV keeps its
/// header), ready to fix and import again. `file` names one of the run's reject files;
/// it may be left out when there is only one.
#[utoipa::path(get, path = "/api/v1/imports/{id}/rejects", tag = "imports", params(("id" = i64, Path, minimum = 1), ("file" = Option<String>, Query)),
    responses((status = 200, description = "The rejects file, NDJSON or CSV as the input was", content((String = "application/x-ndjson"), (String = "text/csv"))), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The run has several rejects files and `file` names none (file_required)")))]
async fn import_rejects(
    state: St,
    Caller(_): Caller,
    UrlPath(id): UrlPath<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let state = state.0;
    let id = run_id(&id)?;
    let pairs = params::pairs(raw.as_deref());
    params::only(&pairs, &["file"])?;
    downloads::rejects_file(&state, id, pairs.iter().find(|(k, _)| k == "file").map(|(_, v)| v.as_str())).await
}

fn token_json(t: &clout_app::TokenRow) -> Value {
    clout_wire::token_json(t)
}

/// The CSRF header of a change made with the session cookie (a bearer token needs none).
fn csrf_checked(auth: &auth::Auth, headers: &HeaderMap) -> Result<(), ApiError> {
    auth.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))
}

/// The query of the token list (documentation only: the handler reads the raw query).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct TokensQuery {
    /// `true`: every account's tokens (admins only).
    all: Option<bool>,
}

/// Your API tokens, or with `all=true` every account's (admins only); never the secrets.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", params(TokensQuery),
    responses((status = 200, description = "{tokens: [{id, name, prefix, user, scope, created_at, expires_at}]}", body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn tokens(state: St, Caller(auth): Caller, RawQuery(raw): RawQuery) -> ApiResult {
    let state = state.0;
    let all = match params::pairs(raw.as_deref()).iter().rev().find(|(k, _)| k == "all").map(|(_, v)| v.as_str()) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidParameter,
                format!("all: '{other}' is not true or false"),
            ));
        }
    };
    let tokens = state
        .read(move |app, _| if all { app.all_tokens(Actor::User(&auth.user)) } else { app.tokens(&auth.user) })
        .await?;
    Ok(Json(json!({"tokens": tokens.iter().map(token_json).collect::<Vec<_>>()})))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct NewToken {
    /// 1 to 100 characters, not all spaces.
    #[schema(min_length = 1, max_length = 100, pattern = r"[^\s\u0085]")]
    name: String,
    /// `full` (the default: what your role allows) or `read` (reads only; the only scope a viewer may create).
    #[schema(inline, value_type = Option<ScopeName>)]
    scope: Option<String>,
    /// Days until the token stops working (1 to 3650); absent: it never expires.
    // Read as a number: JSON Schema calls `30.0` an integer too.
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 3650)]
    expires_in_days: Option<f64>,
}

fn token_scope(raw: Option<&str>) -> Result<clout_app::TokenScope, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(clout_app::TokenScope::Full),
        Some(s) => clout_app::TokenScope::parse(s).ok_or_else(|| {
            ApiError::bad_request(ErrorCode::InvalidParameter, format!("scope: '{s}' is not full or read"))
        }),
    }
}

/// Creates an API token. The secret is in this answer only; Clout keeps its hash.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = NewToken,
    responses((status = 201, description = "{id, name, prefix, user, scope, created_at, expires_at, token}", body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_token(
    state: St,
    Caller(auth): Caller,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewToken>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let state = state.0;
    csrf_checked(&auth, &headers)?;
    let scope = token_scope(body.scope.as_deref())?;
    let days = match body.expires_in_days {
        None => None,
        // The range (1 to 3650) is the app's rule; here only the shape.
        Some(d) if d.fract() == 0.0 && d >= 0.0 => Some(d.min(f64::from(u32::MAX)) as u32),
        Some(d) => {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidParameter,
                format!("expires_in_days: {d} is not a whole number of days"),
            ));
        }
    };
    let (row, secret) =
        state.write(move |app, s| app.create_token(&auth.user, &body.name, scope, days, s.now())).await?;
    let mut body = token_json(&row);
    body["token"] = secret.into();
    Ok((StatusCode::CREATED, Json(body)))
}

/// Revokes one of your API tokens (an admin: anyone's).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204, description = "Revoked"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_token(
    state: St,
    Caller(auth): Caller,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    csrf_checked(&auth, &headers)?;
    let id = id
        .parse::<i64>()
        .map_err(|_| ApiError::bad_request(ErrorCode::InvalidParameter, format!("id: '{id}' is not a token id")))?;
    state.write(move |app, _| app.revoke_token(Actor::User(&auth.user), id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct PasswordChange {
    current_password: String,
    /// 12 characters or more, at most 1024 bytes, and not a common password.
    #[schema(min_length = 12)]
    new_password: String,
}

/// Changes your password, given the current one. Your other sessions end (the one making
/// the change stays).
#[utoipa::path(post, path = "/api/v1/me/password", tag = "accounts", request_body = PasswordChange,
    responses((status = 204, description = "Changed"), (status = 400, body = ErrorBody, description = "A new password too short or too common"), (status = 403, body = ErrorBody, description = "A wrong current password"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn change_password(
    state: St,
    Caller(auth): Caller,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    csrf_checked(&auth, &headers)?;
    let keep = auth.csrf.as_ref().and(auth::cookie(&headers, auth::SESSION_COOKIE)).map(str::to_string);
    state
        .write(move |app, _| {
            app.change_password(&auth.user, &body.current_password, &body.new_password, keep.as_deref())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every account (admins only).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, description = "{users: [{id, username, role, disabled, created_at}]}", body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn users(state: St, Caller(auth): Caller) -> ApiResult {
    let state = state.0;
    auth.user.require_admin()?;
    let users = state.read(|app, _| app.users()).await?;
    Ok(Json(json!({"users": users.iter().map(json_user).collect::<Vec<_>>()})))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct NewUser {
    /// 2 to 40 letters, digits, '_', '-', '.' or '@'.
    #[schema(pattern = r"^[A-Za-z0-9_.@-]{2,40}$")]
    username: String,
    /// 12 characters or more, at most 1024 bytes, and not a common password.
    #[schema(min_length = 12)]
    password: String,
    #[schema(inline, value_type = RoleName)]
    role: String,
}

fn role_field(raw: &str) -> Result<Role, ApiError> {
    Role::parse(raw.trim()).ok_or_else(|| {
        ApiError::bad_request(ErrorCode::InvalidParameter, format!("role: '{raw}' is not admin, member or viewer"))
    })
}

/// Creates an account (admins only).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_user(
    state: St,
    Writer(auth): Writer,
    ApiJson(body): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let state = state.0;
    auth.user.require_admin()?;
    let role = role_field(&body.role)?;
    let user = state
        .write(move |app, s| {
            app.create_user(Actor::User(&auth.user), body.username.trim(), &body.password, role, s.now())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json_user(&user))))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct UserChange {
    /// admin, member or viewer.
    #[schema(inline, value_type = Option<RoleName>)]
    role: Option<String>,
    /// `true` disables the account (its sessions end, its tokens stop working); `false` enables it.
    disabled: Option<bool>,
}

/// Changes an account's role or disables / enables it (admins only). The last active
/// admin cannot be demoted or disabled (409).
#[utoipa::path(patch, path = "/api/v1/users/{username}", tag = "accounts", params(("username" = String, Path)), request_body = UserChange,
    responses((status = 200, description = "The account", body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn update_user(
    state: St,
    Caller(auth): Caller,
    headers: HeaderMap,
    UrlPath(username): UrlPath<String>,
    ApiJson(body): ApiJson<UserChange>,
) -> ApiResult {
    let state = state.0;
    csrf_checked(&auth, &headers)?;
    let role = body.role.as_deref().map(role_field).transpose()?;
    if role.is_none() && body.disabled.is_none() {
        // Nothing to change: the account as it is, like any PATCH of no field.
        auth.user.require_admin()?;
        let user = state
            .read(move |app, _| {
                app.users()?
                    .into_iter()
                    .find(|u| u.username == username)
                    .ok_or_else(|| clout_app::Error::NotFound(format!("no account named '{username}'")))
            })
            .await?;
        return Ok(Json(json_user(&user)));
    }
    let user = state
        .write(move |app, s| {
            let by = Actor::User(&auth.user);
            let mut user = match body.disabled {
                Some(true) => Some(app.disable_user(by, &username, s.now())?),
                Some(false) => Some(app.enable_user(by, &username)?),
                None => None,
            };
            if let Some(role) = role {
                user = Some(app.set_role(by, &username, role)?);
            }
            user.ok_or_else(|| clout_app::Error::Invalid("nothing to change: send role or disabled".to_string()))
        })
        .await?;
    Ok(Json(json_user(&user)))
}

/// Deletes an account with its sessions and tokens (admins only); what it wrote stays.
/// The last active admin cannot be deleted (409).
#[utoipa::path(delete, path = "/api/v1/users/{username}", tag = "accounts", params(("username" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_user(
    state: St,
    Caller(auth): Caller,
    headers: HeaderMap,
    UrlPath(username): UrlPath<String>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    csrf_checked(&auth, &headers)?;
    state.write(move |app, _| app.delete_user(Actor::User(&auth.user), &username)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct PasswordReset {
    /// 12 characters or more, at most 1024 bytes, and not a common password.
    #[schema(min_length = 12)]
    password: String,
}

/// Sets another account's password (admins only); that account's sessions end.
#[utoipa::path(put, path = "/api/v1/users/{username}/password", tag = "accounts", params(("username" = String, Path)), request_body = PasswordReset,
    responses((status = 204, description = "Set"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn reset_password(
    state: St,
    Caller(auth): Caller,
    headers: HeaderMap,
    UrlPath(username): UrlPath<String>,
    ApiJson(body): ApiJson<PasswordReset>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    csrf_checked(&auth, &headers)?;
    state.write(move |app, _| app.reset_password(Actor::User(&auth.user), &username, &body.password)).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn campaign_id(raw: &str) -> Result<String, ApiError> {
    Ok(positive_id(raw, "a campaign id")?.to_string())
}

/// An optional date of a body: only an empty string means none (spaces alone are not a date).
fn date_field(raw: &Option<String>, field: &str) -> Result<Option<clout_core::Timestamp>, ApiError> {
    let Some(t) = raw.as_deref().filter(|t| !t.is_empty()).map(str::trim) else { return Ok(None) };
    params::date(t)
        .map(Some)
        .ok_or_else(|| ApiError::invalid_parameter(field, format!("'{t}' is not a date (YYYY-MM-DD or RFC 3339)")))
}

/// Every campaign, newest first.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns",
    responses((status = 200, description = "{campaigns: [...]}", body = Object), (status = 401, body = ErrorBody)))]
async fn campaigns(state: St, Caller(_): Caller) -> ApiResult {
    let state = state.0;
    let list = state.read(|app, _| app.campaigns()).await?;
    Ok(Json(json!({"campaigns": list.iter().map(clout_wire::campaign_json).collect::<Vec<_>>()})))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewCampaignBody {
    /// 1 to 120 characters, with something that is not a digit (a name, not an id).
    #[schema(max_length = 120, pattern = r"[^0-9#+\s\u0085-]")]
    name: String,
    #[schema(inline, value_type = Amount)]
    budget: String,
    /// Default: the rate card's.
    #[schema(inline, value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    #[schema(inline, value_type = Option<GoalName>)]
    goal: Option<String>,
    niche: Option<String>,
    #[schema(inline, value_type = Option<DateText>)]
    starts_on: Option<String>,
    /// Not before `starts_on`.
    #[schema(inline, value_type = Option<DateText>)]
    ends_on: Option<String>,
    #[serde(default)]
    key_messages: String,
    /// What every delivered post must carry; default "#ad".
    disclosure: Option<String>,
    /// A plan as the query string of /api/v1/plan (without the budget, which is this one's):
    /// its picks become prospects with their price and expected engagements.
    plan: Option<String>,
}

/// Creates a campaign, from scratch or from a plan.
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", request_body = NewCampaignBody,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_campaign(
    state: St,
    Writer(auth): Writer,
    ApiJson(body): ApiJson<NewCampaignBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let state = state.0;
    let card = state.read(|app, _| app.rate_card()).await?;
    let currency = match &body.currency {
        Some(c) => params::currency("currency", c)?,
        None => card.currency,
    };
    let budget = params::money("budget", &body.budget, currency)?;
    let brief = clout_app::Brief {
        name: body.name.clone(),
        goal: body.goal.clone().unwrap_or_else(|| "engagements".to_string()),
        niche: body.niche.clone().filter(|n| !n.trim().is_empty()),
        starts_on: date_field(&body.starts_on, "starts_on")?,
        ends_on: date_field(&body.ends_on, "ends_on")?,
        budget,
        key_messages: body.key_messages.clone(),
        disclosure: body.disclosure.clone().unwrap_or_else(|| "#ad".to_string()),
    };
    let plan_request = body.plan.as_deref().map(|q| params::campaign_plan(q, budget, card.currency)).transpose()?;
    let directory = state.directory();
    let created = state
        .write(move |app, s| {
            let by = clout_app::Actor::User(&auth.user);
            use_cases::create_campaign(app, &directory, by, &brief, plan_request.as_ref(), &card.origin, s.now())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(clout_wire::campaign_json(&created))))
}

/// A campaign: brief, members with stage and fee, deliverables, stage history.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn campaign(state: St, Caller(_): Caller, UrlPath(id): UrlPath<String>) -> ApiResult {
    let state = state.0;
    let id = campaign_id(&id)?;
    let body = state
        .read(move |app, s| {
            let c = app.campaign(&id)?;
            let members = app.members(&c, clout_core::TierPreset::Scrunch)?;
            let r = app.campaign_report(&id, s.now())?;
            Ok(clout_wire::campaign_detail_json(&c, &members, &r))
        })
        .await?;
    Ok(Json(body))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BriefBody {
    /// 1 to 120 characters, with something that is not a digit (a name, not an id).
    #[schema(max_length = 120, pattern = r"[^0-9#+\s\u0085-]")]
    name: String,
    #[schema(inline, value_type = Amount)]
    budget: String,
    /// Default: the campaign's.
    #[schema(inline, value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    #[schema(inline, value_type = Option<GoalName>)]
    goal: Option<String>,
    niche: Option<String>,
    #[schema(inline, value_type = Option<DateText>)]
    starts_on: Option<String>,
    /// Not before `starts_on`.
    #[schema(inline, value_type = Option<DateText>)]
    ends_on: Option<String>,
    #[serde(default)]
    key_messages: String,
    #[serde(default)]
    disclosure: String,
}

/// Replaces a campaign's brief.
#[utoipa::path(put, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path, minimum = 1)), request_body = BriefBody,
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn update_campaign(
    state: St,
    Writer(auth): Writer,
    UrlPath(id): UrlPath<String>,
    ApiJson(body): ApiJson<BriefBody>,
) -> ApiResult {
    let state = state.0;
    let id = campaign_id(&id)?;
    let currency = body
        .currency
        .as_deref()
        .map(clout_core::money::Currency::parse)
        .transpose()
        .map_err(|e| ApiError::bad_request(ErrorCode::InvalidParameter, format!("currency: {e}")))?;
    let (starts_on, ends_on) = (date_field(&body.starts_on, "starts_on")?, date_field(&body.ends_on, "ends_on")?);
    let updated = state
        .write(move |app, _| {
            let c = app.campaign(&id)?;
            let currency = currency.unwrap_or(c.brief.budget.currency);
            let budget = clout_core::money::Money::parse(&body.budget, currency)
                .map_err(|e| clout_app::Error::Invalid(format!("budget: {e}")))?;
            let brief = clout_app::Brief {
                name: body.name,
                goal: body.goal.unwrap_or(c.brief.goal),
                niche: body.niche.filter(|n| !n.trim().is_empty()),
                starts_on,
                ends_on,
                budget,
                key_messages: body.key_messages,
                disclosure: body.disclosure,
            };
            app.update_brief(clout_app::Actor::User(&auth.user), &id, &brief)
        })
        .await?;
    Ok(Json(clout_wire::campaign_json(&updated)))
}

/// Deletes a campaign with its members and deliverables (imported conversions stay).
#[utoipa::path(delete, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path, minimum = 1)),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_campaign(state: St, Writer(auth): Writer, UrlPath(id): UrlPath<String>) -> ApiResult<StatusCode> {
    let state = state.0;
    let id = campaign_id(&id)?;
    state.write(move |app, _| app.delete_campaign(clout_app::Actor::User(&auth.user), &id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct MemberBody {
    /// Contracted, content_live and paid need a fee (agreed now or before).
    #[schema(inline, value_type = Option<StageName>)]
    stage: Option<String>,
    /// The agreed fee in the campaign's currency, such as "150.00".
    #[schema(inline, value_type = Option<Amount>)]
    fee: Option<String>,
}

/// Adds a creator to a campaign, or updates its fee and stage (the change is recorded).
#[utoipa::path(put, path = "/api/v1/campaigns/{id}/members/{platform}/{handle}", tag = "campaigns",
    params(("id" = i64, Path, minimum = 1), ("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)), request_body = MemberBody,
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "A stage that commits a fee while none is agreed (conflict)")))]
async fn put_campaign_member(
    state: St,
    Writer(auth): Writer,
    UrlPath((id, platform, handle)): UrlPath<(String, String, String)>,
    ApiJson(body): ApiJson<MemberBody>,
) -> ApiResult {
    let state = state.0;
    let id = campaign_id(&id)?;
    let reference = channel_ref(&platform, &handle);
    let stage = body
        .stage
        .as_deref()
        .map(|s| {
            clout_core::campaign::Stage::parse(s).ok_or_else(|| {
                ApiError::bad_request(ErrorCode::InvalidParameter, format!("stage: unknown stage '{s}'"))
            })
        })
        .transpose()?;
    let body = state
        .write(move |app, s| {
            let by = clout_app::Actor::User(&auth.user);
            let c = app.campaign(&id)?;
            let fee = body
                .fee
                .as_deref()
                .map(|f| clout_core::money::Money::parse(f, c.brief.budget.currency))
                .transpose()
                .map_err(|e| clout_app::Error::Invalid(format!("fee: {e}")))?;
            // Everything is checked before anything is written, so a refused change leaves
            // no half of it behind.
            let (p, h) = clout_app::parse_channel_ref(&reference)?;
            let existing = app
                .members(&c, clout_core::TierPreset::Scrunch)?
                .into_iter()
                .find(|m| m.channel.row.platform == p && m.channel.row.handle == h.as_str());
            if stage.is_some_and(|s| s.commits_fee())
                && fee.is_none()
                && existing.as_ref().and_then(|m| m.fee).is_none()
            {
                // The member's state, not the request, is what is missing: a conflict.
                return Err(clout_app::Error::Conflict(format!(
                    "agree {reference}'s fee before moving it to {}",
                    stage.map_or("", |s| s.as_str())
                )));
            }
            let added = app.add_member(by, &id, &reference, None, None, s.now())?;
            if let Some(fee) = fee {
                app.set_fee(by, &id, &reference, Some(fee))?;
            }
            if let Some(stage) = stage {
                app.set_stage(by, &id, &reference, stage, s.now())?;
            }
            let members = app.members(&c, clout_core::TierPreset::Scrunch)?;
            let m = members
                .iter()
                .find(|m| m.channel.row.platform == p && m.channel.row.handle == h.as_str())
                .ok_or_else(|| clout_app::Error::Internal("the member vanished".into()))?;
            Ok(json!({"added": added, "stage": m.stage.as_str(), "fee_minor": m.fee.map(|f| f.minor)}))
        })
        .await?;
    Ok(Json(body))
}

/// Takes a creator out of a campaign.
#[utoipa::path(delete, path = "/api/v1/campaigns/{id}/members/{platform}/{handle}", tag = "campaigns",
    params(("id" = i64, Path, minimum = 1), ("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_campaign_member(
    state: St,
    Writer(auth): Writer,
    UrlPath((id, platform, handle)): UrlPath<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    let id = campaign_id(&id)?;
    let reference = channel_ref(&platform, &handle);
    state.write(move |app, _| app.remove_member(clout_app::Actor::User(&auth.user), &id, &reference)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeliverableBody {
    #[schema(inline, value_type = PlatformName)]
    platform: String,
    #[schema(inline, value_type = HandleText)]
    handle: String,
    #[serde(rename = "type")]
    #[schema(inline, value_type = Option<DeliverableName>)]
    kind: Option<String>,
    #[schema(inline, value_type = Option<DateText>)]
    due_on: Option<String>,
}

/// Adds a deliverable for a member.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/deliverables", tag = "campaigns", params(("id" = i64, Path, minimum = 1)),
    request_body = DeliverableBody,
    responses((status = 201, description = "{id}", body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn add_deliverable(
    state: St,
    Writer(auth): Writer,
    UrlPath(id): UrlPath<String>,
    ApiJson(body): ApiJson<DeliverableBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let state = state.0;
    let id = campaign_id(&id)?;
    let kind = match body.kind.as_deref() {
        Some(k) => clout_core::price::Deliverable::parse(k).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::InvalidParameter,
                format!("type: unknown deliverable '{k}' (post, video, story, short)"),
            )
        })?,
        None => clout_core::price::Deliverable::Post,
    };
    let due = date_field(&body.due_on, "due_on")?;
    let reference = channel_ref(&body.platform, &body.handle);
    let new_id = state
        .write(move |app, s| {
            app.add_deliverable(clout_app::Actor::User(&auth.user), &id, &reference, kind, due, s.now())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": new_id}))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LinkBody {
    /// The post's id or URL.
    #[schema(min_length = 1, pattern = r"[^\s\u0085]")]
    post: String,
}

fn deliverable_id(raw: &str) -> Result<i64, ApiError> {
    positive_id(raw, "a deliverable id")
}

/// Links a deliverable to its post (id or URL); its counts come from imports.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/deliverables/{deliverable}/link", tag = "campaigns",
    params(("id" = i64, Path, minimum = 1), ("deliverable" = i64, Path, minimum = 1)), request_body = LinkBody,
    responses((status = 204, description = "Linked"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn link_deliverable(
    state: St,
    Writer(auth): Writer,
    UrlPath((id, deliverable)): UrlPath<(String, String)>,
    ApiJson(body): ApiJson<LinkBody>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    let id = campaign_id(&id)?;
    let deliverable = deliverable_id(&deliverable)?;
    state
        .write(move |app, s| {
            app.link_deliverable(clout_app::Actor::User(&auth.user), &id, deliverable, &body.post, s.now())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Cancels a deliverable.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/deliverables/{deliverable}/cancel", tag = "campaigns",
    params(("id" = i64, Path, minimum = 1), ("deliverable" = i64, Path, minimum = 1)),
    responses((status = 204, description = "Cancelled"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn cancel_deliverable(
    state: St,
    Writer(auth): Writer,
    UrlPath((id, deliverable)): UrlPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    let id = campaign_id(&id)?;
    let deliverable = deliverable_id(&deliverable)?;
    state.write(move |app, _| app.cancel_deliverable(clout_app::Actor::User(&auth.user), &id, deliverable)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The report, as `clout campaign report --json`.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/report", tag = "campaigns", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn campaign_report(state: St, Caller(_): Caller, UrlPath(id): UrlPath<String>) -> ApiResult {
    let state = state.0;
    let id = campaign_id(&id)?;
    let r = state.read(move |app, s| app.campaign_report(&id, s.now())).await?;
    Ok(Json(clout_wire::report_json(&r)))
}

/// The report as CSV: a line per member, then the totals.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/report.csv", tag = "campaigns", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "text/csv", content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
async fn campaign_report_csv(state: St, Caller(_): Caller, UrlPath(id): UrlPath<String>) -> ApiResult<Response> {
    let state = state.0;
    let id = campaign_id(&id)?;
    downloads::campaign_report_csv(&state, id).await
}

/// A creator's contacts, tags, notes and campaigns.
#[utoipa::path(get, path = "/api/v1/creators/{platform}/{handle}", tag = "campaigns",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn creator(state: St, Caller(_): Caller, UrlPath((platform, handle)): UrlPath<(String, String)>) -> ApiResult {
    let state = state.0;
    let reference = channel_ref(&platform, &handle);
    let r = state.read(move |app, _| app.relationship(&reference, clout_core::TierPreset::Scrunch)).await?;
    Ok(Json(clout_wire::relationship_json(&r)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreatorBody {
    email: Option<String>,
    phone: Option<String>,
    agent: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

/// Saves a creator's contacts and tags (replacing them).
#[utoipa::path(put, path = "/api/v1/creators/{platform}/{handle}", tag = "campaigns",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)), request_body = CreatorBody,
    responses((status = 204, description = "Saved"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn put_creator(
    state: St,
    Writer(auth): Writer,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    ApiJson(body): ApiJson<CreatorBody>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    let reference = channel_ref(&platform, &handle);
    let profile =
        clout_app::CreatorProfile { email: body.email, phone: body.phone, agent: body.agent, tags: body.tags };
    state
        .write(move |app, _| app.set_creator_profile(clout_app::Actor::User(&auth.user), &reference, &profile))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoteBody {
    /// 1 to 5,000 characters, not all spaces.
    #[schema(min_length = 1, max_length = 5000, pattern = r"[^\s\u0085]")]
    body: String,
}

/// Adds a dated note about a creator.
#[utoipa::path(post, path = "/api/v1/creators/{platform}/{handle}/notes", tag = "campaigns",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)), request_body = NoteBody,
    responses((status = 201, description = "Noted"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn add_creator_note(
    state: St,
    Writer(auth): Writer,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    ApiJson(body): ApiJson<NoteBody>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    let reference = channel_ref(&platform, &handle);
    state
        .write(move |app, s| app.add_creator_note(clout_app::Actor::User(&auth.user), &reference, &body.body, s.now()))
        .await?;
    Ok(StatusCode::CREATED)
}
