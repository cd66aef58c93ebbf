//! The JSON API under `/api/v1`: the router and the OpenAPI document, with a module per
//! resource (accounts, status, search, channels, plan, lists, imports, campaigns,
//! creators). Every handler carries its OpenAPI description, and the router is built from
//! the same annotations, so `/api/v1/openapi.json` lists exactly the routes that exist.
//! The API uses the base (`crate::base`), never the pages.

use std::sync::{Arc, OnceLock};

use axum::Json;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::base::auth::{self, Auth};
use crate::base::errors::{ApiError, ErrorCode};
use crate::base::state::State;

mod accounts;
mod campaigns;
mod channels;
mod creators;
mod imports;
mod lists;
mod plan;
mod schema;
mod search;
mod status;

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
        let json_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            let mime = v.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
        });
        if !json_type {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the body as JSON with 'Content-Type: application/json'",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request(ErrorCode::UnreadableBody, e.body_text()))?;
        // Every body of this API is an object: serde would also read a struct from an
        // array of its fields (`[null, null]`), which no client means.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
                Err(e) if !e.is_data() => {
                    ApiError::bad_request(ErrorCode::MalformedJson, format!("the body is not valid JSON: {e}"))
                }
                _ => ApiError::bad_request(ErrorCode::InvalidBody, "the body must be a JSON object"),
            });
        }
        match Json::<T>::from_bytes(&bytes) {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(R::JsonSyntaxError(e)) => Err(ApiError::bad_request(
                ErrorCode::MalformedJson,
                format!("the body is not valid JSON: {}", e.body_text()),
            )),
            Err(R::JsonDataError(e)) => Err(ApiError::bad_request(ErrorCode::InvalidBody, e.body_text())),
            Err(other) => Err(ApiError::bad_request(ErrorCode::UnreadableBody, other.body_text())),
        }
    }
}

pub(crate) fn router() -> OpenApiRouter<Arc<State>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(openapi_json))
        .routes(routes!(accounts::setup))
        .routes(routes!(accounts::login))
        .routes(routes!(accounts::logout))
        .routes(routes!(accounts::me))
        .routes(routes!(status::status))
        .routes(routes!(search::search))
        .routes(routes!(search::posts))
        .routes(routes!(search::brief))
        .routes(routes!(search::brand))
        .routes(routes!(channels::channel))
        .routes(routes!(channels::similar))
        .routes(routes!(channels::quality))
        .routes(routes!(channels::price))
        .routes(routes!(channels::safety))
        .routes(routes!(channels::safety_audit))
        .routes(routes!(channels::overlap))
        .routes(routes!(plan::plan))
        .routes(routes!(campaigns::campaigns, campaigns::create_campaign))
        .routes(routes!(campaigns::campaign, campaigns::update_campaign, campaigns::delete_campaign))
        .routes(routes!(campaigns::put_campaign_member, campaigns::delete_campaign_member))
        .routes(routes!(campaigns::add_deliverable))
        .routes(routes!(campaigns::link_deliverable))
        .routes(routes!(campaigns::cancel_deliverable))
        .routes(routes!(campaigns::campaign_report))
        .routes(routes!(campaigns::campaign_report_csv))
        .routes(routes!(creators::creator, creators::put_creator))
        .routes(routes!(creators::add_creator_note))
        .routes(routes!(lists::lists, lists::create_list))
        .routes(routes!(lists::list, lists::delete_list))
        .routes(routes!(lists::put_member, lists::delete_member))
        .routes(routes!(lists::export_list))
        .routes(routes!(imports::imports, imports::create_import))
        .routes(routes!(imports::import_run))
        .routes(routes!(imports::import_rejects))
        .routes(routes!(accounts::tokens, accounts::create_token))
        .routes(routes!(accounts::delete_token))
        .routes(routes!(accounts::users, accounts::create_user))
        .routes(routes!(accounts::update_user, accounts::delete_user))
        .routes(routes!(accounts::reset_password))
        .routes(routes!(accounts::change_password))
}

/// The OpenAPI document of the JSON API: what the handlers' annotations say, with the
/// error answers every operation shares.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = router().into_openapi();
    schema::complete_errors(&mut doc);
    schema::add_links(&mut doc);
    doc
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", security(()), responses((status = 200, description = "The OpenAPI 3 document", body = Object)))]
async fn openapi_json(state: St) -> ApiResult<Response> {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    let mut doc = DOC.get_or_init(openapi).clone();
    // The currencies a plan or a quote may be in are the rate card's (read now: it is a
    // file the operator may change).
    if let Ok(card) = state.0.read(|app, _| app.rate_card()).await {
        let mut codes = vec![card.currency.as_str().to_string()];
        codes.extend(card.exchange_rates.keys().map(|c| c.as_str().to_string()));
        schema::rate_card_currencies(&mut doc, &codes);
    }
    let json = doc.to_json().map_err(|e| ApiError::internal(format!("writing the OpenAPI document: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

fn channel_ref(platform: &str, handle: &str) -> String {
    format!("{platform}/{handle}")
}

/// A positive id from a path segment; `what` names it in the error.
fn positive_id(raw: &str, what: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::invalid_parameter("id", format!("'{raw}' is not {what}")))
}

/// The CSRF header of a change made with the session cookie (a bearer token needs none).
fn csrf_checked(auth: &Auth, headers: &HeaderMap) -> Result<(), ApiError> {
    auth.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))
}
