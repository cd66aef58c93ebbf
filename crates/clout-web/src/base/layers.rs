//! The layers every request passes besides the security ones, and the fallback: what the
//! framework would answer on its own comes in our shapes (an unknown path is a page, or a
//! JSON error under `/api/`; its refusals under `/api/` are JSON), and no body but an
//! upload's may be large.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::errors::{ApiError, ErrorCode};
use super::render::error_page;

/// One line per request on stderr: `GET /api/v1/search 200 12.3 ms 2026-12-04T21:58:00Z`.
/// The path only: a query may hold what someone searched for, and secrets travel in
/// headers and bodies, which are never logged, except a share link's, which is its path:
/// it is logged by its first 8 characters only ([`loggable_path`]).
pub(crate) async fn log_requests(
    axum::extract::State(state): axum::extract::State<std::sync::Arc<super::state::State>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let method = req.method().clone();
    let path = loggable_path(req.uri().path());
    let started = std::time::Instant::now();
    let r = next.run(req).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    // The server's clock (the operator's, or a test's fixed one).
    let now = clout_wire::time(state.now());
    eprintln!("{method} {path} {} {ms:.1} ms {now}", r.status().as_u16());
    r
}

/// A path as the request log shows it: a share link's secret cut to the 8 characters
/// that tell links apart on the campaign page.
pub(crate) fn loggable_path(path: &str) -> String {
    match path.strip_prefix("/share/") {
        Some(secret) => format!("/share/{}…", secret.chars().take(8).collect::<String>()),
        None => path.to_string(),
    }
}

/// Any path nobody serves.
pub(crate) async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NoRoute, format!("no endpoint {}", uri.path())).into_response()
    } else {
        error_page(ApiError::not_found(format!("there is no page {}", uri.path())))
    }
}

/// The framework's own refusals under `/api/` (a path segment that does not decode, a
/// method a route lacks, a body over the limit) answer in the API's error shape too.
pub(crate) async fn api_errors_as_json(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let r = next.run(req).await;
    let status = r.status();
    let is_json = r
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return r;
    }
    let (code, fallback) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (ErrorCode::MethodNotAllowed, "this endpoint does not take that method"),
        StatusCode::PAYLOAD_TOO_LARGE => (ErrorCode::TooLarge, "the request body is over the server's limit"),
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "nothing here"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            (ErrorCode::UnsupportedMediaType, "the body's content type is not accepted here")
        }
        s if s.is_server_error() => (ErrorCode::Internal, "the server failed"),
        _ => (ErrorCode::BadRequest, "the request is malformed"),
    };
    let allow = r.headers().get(axum::http::header::ALLOW).cloned();
    let body = axum::body::to_bytes(r.into_body(), 64 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&body).trim().to_string();
    let mut out =
        ApiError::new(status, code, if text.is_empty() { fallback.to_string() } else { text }).into_response();
    if let Some(allow) = allow {
        out.headers_mut().insert(axum::http::header::ALLOW, allow);
    }
    out
}

/// The largest body of anything but an upload: forms and JSON are small, and a sign-in
/// form must not be able to make the server buffer the upload limit.
pub(crate) const SMALL_BODY: usize = 1 << 20;

/// Holds every request but an import upload to [`SMALL_BODY`].
pub(crate) async fn small_bodies(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let upload = req.method() == axum::http::Method::POST && matches!(req.uri().path(), "/imports" | "/api/v1/imports");
    if upload {
        return next.run(req).await;
    }
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > SMALL_BODY as u64) {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::TooLarge,
            format!("a request body here has at most {SMALL_BODY} bytes"),
        )
        .into_response();
    }
    let (parts, body) = req.into_parts();
    let limited = axum::body::Body::new(http_body_util::Limited::new(body, SMALL_BODY));
    next.run(axum::extract::Request::from_parts(parts, limited)).await
}
