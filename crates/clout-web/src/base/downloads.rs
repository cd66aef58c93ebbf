//! Downloads, shared by the API and the pages: a list as CSV, a campaign's report as CSV,
//! and an import run's rejects file, each as an attachment named after what it holds.

use std::sync::Arc;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::errors::{ApiError, ErrorCode};
use super::imports::reject_files;
use super::state::State;

/// A name made safe for a `Content-Disposition` file name: ASCII letters, digits, `-`
/// and `_`, anything else as `_`.
fn file_stem(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

pub(crate) fn attachment(content_type: &str, file_name: &str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        body,
    )
        .into_response()
}

/// List `id` as CSV, `NAME.csv`.
pub(crate) async fn list_csv(state: &Arc<State>, id: i64) -> Result<Response, ApiError> {
    let (name, csv) = state
        .read(move |app, _| Ok((app.list(id, clout_core::TierPreset::Scrunch)?.0.name, app.list_csv(id)?)))
        .await?;
    Ok(attachment("text/csv; charset=utf-8", &format!("{}.csv", file_stem(&name)), csv))
}

/// Campaign `id`'s report as CSV, `NAME-report.csv`.
pub(crate) async fn campaign_report_csv(state: &Arc<State>, id: String) -> Result<Response, ApiError> {
    let (name, csv) =
        state.read(move |app, s| Ok((app.campaign(&id)?.brief.name, app.campaign_report_csv(&id, s.now())?))).await?;
    Ok(attachment("text/csv; charset=utf-8", &format!("{}-report.csv", file_stem(&name)), csv))
}

/// A run's rejects file, verbatim: `file` names one of [`reject_files`]; it may be left out
/// when there is only one.
pub(crate) async fn rejects_file(state: &Arc<State>, id: i64, file: Option<&str>) -> Result<Response, ApiError> {
    state.read(move |app, _| app.run(id)).await?;
    let files = reject_files(&state.data_dir(), id);
    let chosen = match file {
        Some(name) => files
            .iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| ApiError::not_found(format!("run {id} has no rejects file '{name}'")))?,
        None => match files.as_slice() {
            [] => return Err(ApiError::not_found(format!("run {id} rejected nothing"))),
            [one] => one,
            _ => {
                // The request is well formed; the run's several files make it ambiguous.
                let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::FileRequired,
                    format!("run {id} has {} rejects files: name one with ?file= ({})", files.len(), names.join(", ")),
                ));
            }
        },
    };
    let bytes = tokio::fs::read(&chosen.1)
        .await
        .map_err(|e| ApiError::internal(format!("reading rejects file {}: {e}", chosen.0)))?;
    let kind = if chosen.0.ends_with(".csv") { "text/csv; charset=utf-8" } else { "application/x-ndjson" };
    Ok(attachment(kind, &chosen.0, bytes))
}
