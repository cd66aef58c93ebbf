//! What every answer gets whatever the handler: the security headers (one layer over the
//! whole router, so no page or endpoint can lack them) and the refusal of a `Host` that is
//! not this server's (a web page that rebinds its own name to 127.0.0.1 must not reach us).

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::{ApiError, ErrorCode};
use super::hosts::host_name;
use super::render::error_page;
use super::state::State;

/// The pages: no script at all, nothing from elsewhere, never in a frame.
const PAGE_CSP: &str =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-ancestors 'none'";
/// Anything that is not a page (JSON, CSV, CSS, redirects) runs nothing and loads nothing.
const OTHER_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` on every answer;
/// `X-Frame-Options: DENY` and a Content-Security-Policy (the pages' own for HTML);
/// `Cache-Control: no-store` on every API answer, and on every other answer that does not
/// set its own (only the stylesheet does).
pub(crate) async fn headers(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut r = next.run(req).await;
    let html =
        r.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    let h = r.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(if html { PAGE_CSP } else { OTHER_CSP }));
    if api || !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    r
}

/// Refuses a request whose `Host` is not one of this server's names with a 421: a page
/// on another site that points its own name at this machine (DNS rebinding) is turned
/// away before anything runs. A JSON error under `/api/`, a plain page elsewhere.
pub(crate) async fn known_hosts(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
    next: Next,
) -> Response {
    let named = req
        .uri()
        .authority()
        .map(|a| a.as_str().to_string())
        .or_else(|| req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).map(str::to_string));
    if named.as_deref().and_then(host_name).is_some_and(|h| state.hosts.contains(&h)) {
        return next.run(req).await;
    }
    let e = ApiError::new(
        StatusCode::MISDIRECTED_REQUEST,
        ErrorCode::UnknownHost,
        "this server does not answer to that host name; its operator can allow a name with \
         clout serve --allowed-host NAME (or CLOUT_ALLOWED_HOSTS)",
    );
    if req.uri().path().starts_with("/api/") { e.into_response() } else { error_page(e) }
}
