//! Saved lists: create, read, delete, put channels on and off, export as CSV.

use axum::Json;
use axum::extract::Path as UrlPath;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

use super::schema::{HandleText, PlatformName};
use super::{ApiJson, ApiResult, ErrorBody, St, channel_ref, positive_id};
use crate::base::auth::{Caller, Writer};
use crate::base::downloads;
use crate::base::errors::ApiError;

/// Every saved list.
#[utoipa::path(get, path = "/api/v1/lists", tag = "lists", responses((status = 200, body = clout_wire::ListList), (status = 401, body = ErrorBody)))]
pub(super) async fn lists(state: St, Caller(_): Caller) -> ApiResult<Json<clout_wire::ListList>> {
    let state = state.0;
    let lists = state.read(|app, _| app.lists()).await?;
    Ok(Json(clout_wire::ListList { lists: lists.iter().map(clout_wire::ListSummary::from).collect() }))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct NewList {
    /// 1 to 100 characters, not all spaces.
    #[schema(min_length = 1, max_length = 100, pattern = r"[^\s\u0085]")]
    name: String,
}

/// Creates a list.
#[utoipa::path(post, path = "/api/v1/lists", tag = "lists", request_body = NewList,
    responses((status = 201, body = clout_wire::ListSummary), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn create_list(
    state: St,
    Writer(auth): Writer,
    ApiJson(body): ApiJson<NewList>,
) -> ApiResult<(StatusCode, Json<clout_wire::ListSummary>)> {
    let state = state.0;
    let list = state.write(move |app, s| app.create_list(&auth.user, &body.name, s.now())).await?;
    Ok((StatusCode::CREATED, Json(clout_wire::ListSummary::from(&list))))
}

fn list_id(raw: &str) -> Result<i64, ApiError> {
    positive_id(raw, "a list id")
}

/// A list with its channels and notes.
#[utoipa::path(get, path = "/api/v1/lists/{id}", tag = "lists", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = clout_wire::ListDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn list(
    state: St,
    Caller(_): Caller,
    UrlPath(id): UrlPath<String>,
) -> ApiResult<Json<clout_wire::ListDetail>> {
    let state = state.0;
    let id = list_id(&id)?;
    let (row, entries) = state.read(move |app, _| app.list(id, clout_core::TierPreset::Scrunch)).await?;
    Ok(Json(clout_wire::ListDetail::from(&row, &entries)))
}

/// Deletes a list.
#[utoipa::path(delete, path = "/api/v1/lists/{id}", tag = "lists", params(("id" = i64, Path, minimum = 1)),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn delete_list(
    state: St,
    Writer(auth): Writer,
    UrlPath(id): UrlPath<String>,
) -> ApiResult<StatusCode> {
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
pub(super) async fn put_member(
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
pub(super) async fn delete_member(
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
pub(super) async fn export_list(state: St, Caller(_): Caller, UrlPath(id): UrlPath<String>) -> ApiResult<Response> {
    let state = state.0;
    let id = list_id(&id)?;
    downloads::list_csv(&state, id).await
}
