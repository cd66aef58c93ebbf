//! What the store holds: counts, the derived state's phase and the import runs.

use axum::Json;

use super::{ApiResult, ErrorBody, St};
use crate::base::auth::Caller;
use crate::base::paths::shown_path;

/// What the store holds, and the import runs.
#[utoipa::path(get, path = "/api/v1/status", tag = "meta", responses((status = 200, body = clout_wire::Status), (status = 401, body = ErrorBody)))]
pub(super) async fn status(state: St, Caller(_): Caller) -> ApiResult<Json<clout_wire::Status>> {
    let state = state.0;
    let (stats, runs, stale) =
        state.read(|app, _| Ok((app.store_stats()?, app.runs()?, app.derived_stale_since()?))).await?;
    let data_dir = state.data_dir();
    let mut body = clout_wire::Status::from(&stats, &runs, stale, &|p| shown_path(&data_dir, p));
    body.indexed_channels = Some(state.read(|r, _| Ok(r.directory()?.channels())).await?);
    Ok(Json(body))
}
