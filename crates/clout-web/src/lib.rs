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

mod api;
mod base;
mod pages;

use std::net::SocketAddr;

use base::{layers, security, state};

pub use base::errors::{ApiError, ErrorCode};
pub use base::state::{ServeConfig, State};

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

/// Serves until Ctrl-C (or SIGTERM), then finishes the requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, state: std::sync::Arc<State>) -> std::io::Result<()> {
    tokio::spawn(follow_other_writers(state.clone()));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await
}

/// How often the server looks for writes by other processes (`clout import` beside it).
const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Keeps the Directory and the pages' stale notice in step with writes by other processes:
/// another process's import makes the derived state stale (pages say so at once), and when
/// its recompute completes, the Directory is rebuilt from the store within [`FOLLOW_EVERY`].
async fn follow_other_writers(state: std::sync::Arc<State>) {
    let mut tick = tokio::time::interval(FOLLOW_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let s = state.clone();
        let seen = state.directory_generation();
        let result = state
            .read(move |app, _| {
                let stale = app.derived_stale_since()?.is_some();
                let generation = app.derived_generation()?;
                state::DERIVED_STALE.store(stale, std::sync::atomic::Ordering::Relaxed);
                if generation != seen && !stale {
                    s.refresh_directory(app)?;
                    s.set_directory_generation(generation);
                }
                Ok(())
            })
            .await;
        if let Err(e) = result {
            eprintln!("following the store's changes failed: {}", e.message);
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Opens the data directory, binds `addr` and serves until stopped. `on_ready` gets the
/// bound address (useful with port 0) and, while no account exists, the one-time setup
/// code the first admin needs, before the first request is accepted. The host of `addr`
/// is one of the names the server answers to.
pub fn run(mut config: ServeConfig, addr: &str, on_ready: impl FnOnce(SocketAddr, Option<&str>)) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the async runtime: {e}"))?;
    if let Some((host, _)) = addr.rsplit_once(':') {
        config.allowed_hosts.push(host.to_string());
    }
    let state = std::sync::Arc::new(State::open(config).map_err(|e| e.to_string())?);
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("listening on {addr}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| format!("listening on {addr}: {e}"))?;
        on_ready(bound, state.setup_code());
        serve(listener, state).await.map_err(|e| format!("serving on {bound}: {e}"))
    })
}
