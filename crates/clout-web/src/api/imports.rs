//! Imports over the API: upload interchange files, read the runs with their rejects,
//! download a run's rejected lines.

use axum::Json;
use axum::extract::{Multipart, Path as UrlPath, RawQuery};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use utoipa::ToSchema;

use super::schema::UploadFile;
use super::{ApiResult, ErrorBody, St, positive_id};
use crate::base::auth::{Caller, Writer};
use crate::base::downloads;
use crate::base::errors::ApiError;
use crate::base::imports::{receive_upload, run_detail, run_import, run_json};
use crate::base::params;
use crate::base::paths::shown_path;

/// Every import run.
#[utoipa::path(get, path = "/api/v1/imports", tag = "imports", responses((status = 200, body = clout_wire::RunList), (status = 401, body = ErrorBody)))]
pub(super) async fn imports(state: St, Caller(_): Caller) -> ApiResult<Json<clout_wire::RunList>> {
    let state = state.0;
    let runs = state.read(|app, _| app.runs()).await?;
    Ok(Json(clout_wire::RunList { runs: runs.iter().rev().map(|r| run_json(r, &state.data_dir())).collect() }))
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
    responses((status = 201, description = "The run with its counts and rejects, `summary` and `file_errors`", body = clout_wire::RunDetail), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn create_import(
    state: St,
    Writer(_): Writer,
    form: Multipart,
) -> ApiResult<(StatusCode, Json<clout_wire::RunDetail>)> {
    let state = state.0;
    let files = receive_upload(&state, form, None).await?;
    let summary = run_import(&state, files).await?;
    let Some(run) = summary.run else {
        return Err(ApiError::internal("the import started no run"));
    };
    let mut body = run_detail(&state, run).await?;
    let data_dir = state.data_dir();
    body.summary = Some(clout_wire::ImportSummary::from(&summary, &|p| shown_path(&data_dir, p)));
    body.file_errors = Some(
        summary
            .file_errors
            .iter()
            .map(|e| clout_wire::FileError { file: shown_path(&data_dir, &e.file), message: e.message.clone() })
            .collect(),
    );
    Ok((StatusCode::CREATED, Json(body)))
}

fn run_id(raw: &str) -> Result<i64, ApiError> {
    positive_id(raw, "an import run id")
}

/// One import run with every reject and its reason.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = clout_wire::RunDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn import_run(
    state: St,
    Caller(_): Caller,
    UrlPath(id): UrlPath<String>,
) -> ApiResult<Json<clout_wire::RunDetail>> {
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
pub(super) async fn import_rejects(
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
