//! `clout serve`: the web app and the JSON API behind it, from one process.
//!
//! Pages are rendered on the server (minijinja templates, embedded in the binary, with
//! HTML escaping on); charts are SVG drawn by plotters on the server; the CSS is embedded
//! too, so nothing is fetched from anywhere else. The JSON API lives under `/api/v1`
//! and describes itself at `/api/v1/openapi.json` (generated from the handlers by utoipa,
//! so the document and the routes cannot drift apart).
//!
//! Every store access runs on tokio's blocking pool: one writer (the process holds the
//! data directory's write lock while it serves) and a few read-only connections.
//!
//! The modules: `base` is what every handler stands on (state, errors and their codes,
//! parameters, sign-in, security, the page renderer); `api` and `pages` are the two
//! families of handlers, each using the base and never the other; `server` runs the
//! whole as a [`Server`] that stops gracefully.

mod api;
mod base;
mod pages;
mod server;

use base::{layers, security};

pub use base::errors::{ApiError, ErrorCode};
pub use base::state::{ServeConfig, State};
pub use server::{Server, run};

/// The default address: loopback only.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// The whole app: pages, API, static files.
pub fn router(state: std::sync::Arc<State>) -> axum::Router {
    let (api, _) = api::router().split_for_parts();
    axum::Router::new()
        .merge(pages::router())
        .merge(api)
        .fallback(layers::not_found)
        .layer(axum::middleware::from_fn(layers::api_errors_as_json))
        .layer(axum::middleware::from_fn(layers::small_bodies))
        .layer(axum::extract::DefaultBodyLimit::max(state.config.max_upload_bytes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::known_hosts))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// The OpenAPI document of the JSON API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::openapi()
}
