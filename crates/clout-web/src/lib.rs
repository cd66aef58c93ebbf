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
//!
//! ## The modules in detail
//! `clout serve`: axum on tokio. Three families of modules: `base/` is what every handler stands on, `api/` and
//! `pages/` are the handlers; `api` and `pages` use `base` and never each other, and nothing in `base` uses
//! either (`tests/it/modules.rs` checks this, that `base`'s own modules form no circle, and that no file passes
//! 600 lines). `server.rs`: `Server::start` (opens the data directory, binds, serves on its own runtime;
//! `addr()`, `setup_code()`) and `shutdown()` (stops accepting, answers the requests in flight, stops following
//! other writers, closes the store: the lock is free when it returns); `run` (`clout serve`) is a server stopped
//! by Ctrl-C or SIGTERM. `api/` is the JSON API under `/api/v1`, a module per resource (`accounts`, `status`,
//! `search`, `channels`, `plan`, `lists`, `imports`, `campaigns`, `creators`); each handler carries a
//! `#[utoipa::path]` and the router (`api/mod.rs`) is built with utoipa-axum's `routes!` from the same
//! annotations, so `/api/v1/openapi.json` lists exactly what is served (a test compares it with a hand-written
//! list and calls every documented route). `pages/` renders minijinja templates (embedded with `include_str!`,
//! autoescaped: `.html`), a module per family; `pages/charts.rs` draws SVG on the server with plotters (no script
//! and no font files; the pages send `script-src 'none'`). `api/schema.rs`: what the document says beyond what
//! utoipa derives: the closed sets (platforms, tiers, stages, ...) as enums built from the domain's own `ALL`
//! lists, handles, amounts and dates as patterns, the error statuses every operation shares (401, 403 on writes,
//! 400, 404, 413, 415) added to each operation, and the rate card's currencies filled in when the document is
//! served. `.ci/schemathesis` runs schemathesis (pinned in `.ci/requirements-schemathesis.txt`) with every check
//! against a real server; `.ci/schemathesis_hooks.py` states the rules between fields a JSON Schema cannot (a
//! minimum not above its maximum, ends not before starts). In `base/`: `state.rs` (the store connections, the
//! Directory); `errors.rs`, `ErrorCode`, the one table of machine-readable error codes, and
//! `ApiError`; `params.rs`, the query, plan and value parsers both families use; `render.rs`, the one function
//! that turns a template into a page (only the context's `svg` values, our own charts, are not escaped) and the
//! error page; `imports.rs` and `downloads.rs`, what the API and the pages serve alike, `use_cases.rs`, thin
//! calls into the app's use cases. `base/security.rs`: one layer over the whole router for the security headers
//! (nosniff, no-referrer, no framing, the CSP, `no-store` on the API) and one that refuses a `Host` that is not
//! the server's own (421 `unknown_host`: DNS rebinding); the first admin needs the one-time setup code `clout
//! serve` prints on stderr. API answers name files relative to the data directory, never by absolute path
//! (`base/paths.rs`). `base/auth.rs`: a session cookie (`HttpOnly; SameSite=Lax`) or a bearer token; the `Caller`
//! and `Writer` extractors run before the body is read, so an anonymous request is a 401 whatever it sends; CSRF
//! is the session's token in a form field or `X-CSRF-Token` (a double-submit cookie before sign-in); failed
//! sign-ins are counted per (address, name) pair (5 a minute) and per address (100 a minute), never per name
//! alone, so no one can lock another person out.
//! **Invariant:** store work runs on tokio's blocking pool through the app's `Catalogue` (a writer, an importer
//! and a pool of readers, at most two store tasks per core at once); the server holds the data directory's shared
//! writer lock while it runs, so `clout import` writes beside it and the server follows its writes. Client
//! mistakes are 4xx answers with a code (`ApiError`); a 500 is always our defect.

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
    let log = state.config.log_requests.then(|| state.clone());
    let app = axum::Router::new()
        .merge(pages::router())
        .merge(api)
        .fallback(layers::not_found)
        .layer(axum::middleware::from_fn(layers::api_errors_as_json))
        .layer(axum::middleware::from_fn(layers::small_bodies))
        .layer(axum::extract::DefaultBodyLimit::max(state.config.max_upload_bytes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::known_hosts))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state);
    match log {
        Some(state) => app.layer(axum::middleware::from_fn_with_state(state, layers::log_requests)),
        None => app,
    }
}

/// The OpenAPI document of the JSON API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::openapi()
}
