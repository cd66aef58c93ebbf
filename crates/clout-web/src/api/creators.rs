//! Creators over the API: contacts, tags and notes, beside the campaigns they are in.

use axum::Json;
use axum::extract::Path as UrlPath;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::schema::{HandleText, PlatformName};
use super::{ApiJson, ApiResult, ErrorBody, St, channel_ref};
use crate::base::auth::{Caller, Writer};

/// A creator's contacts, tags, notes and campaigns.
#[utoipa::path(get, path = "/api/v1/creators/{platform}/{handle}", tag = "campaigns",
    params(("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)),
    responses((status = 200, body = clout_wire::Relationship), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn creator(
    state: St,
    Caller(_): Caller,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
) -> ApiResult<Json<clout_wire::Relationship>> {
    let state = state.0;
    let reference = channel_ref(&platform, &handle);
    let r = state.read(move |app, _| app.relationship(&reference, clout_core::TierPreset::Scrunch)).await?;
    Ok(Json(clout_wire::Relationship::from(&r)))
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
pub(super) async fn put_creator(
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
pub(super) async fn add_creator_note(
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
