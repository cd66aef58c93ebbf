//! What the store holds: counts, the derived state's phase and the import runs.

use axum::Json;
use serde_json::json;

use super::{ApiResult, ErrorBody, St};
use crate::base::auth::Caller;
use crate::base::imports::run_json;

/// What the store holds, and the import runs.
#[utoipa::path(get, path = "/api/v1/status", tag = "meta", responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub(super) async fn status(state: St, Caller(_): Caller) -> ApiResult {
    let state = state.0;
    let (stats, runs, stale) =
        state.read(|app, _| Ok((app.store_stats()?, app.runs()?, app.derived_stale_since()?))).await?;
    Ok(Json(json!({
        "derived": {"current": stale.is_none(), "stale_since": stale.map(clout_wire::time)},
        "channels": stats.channels, "channel_observations": stats.channel_observations,
        "follower_observations": stats.follower_observations, "posts": stats.posts,
        "post_observations": stats.post_observations, "import_runs": stats.import_runs, "rejects": stats.rejects,
        "indexed_channels": state.read(|r, _| Ok(r.directory()?.channels())).await?,
        "runs": runs.iter().map(|r| run_json(r, &state.data_dir())).collect::<Vec<_>>(),
    })))
}
