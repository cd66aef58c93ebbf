//! Errors as the API answers them: `{"code": "...", "message": "..."}` with a 4xx status
//! for anything the client got wrong, 5xx only for our own failures.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// Stable, machine-readable: `invalid_parameter`, `malformed_json`, `unauthenticated`, ...
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into() }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in, or send an API token as 'Authorization: Bearer TOKEN'",
        )
    }

    pub fn csrf() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "the request lacks its CSRF token (the form's csrf field, or the X-CSRF-Token header for the API)",
        )
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<clout_app::Error> for ApiError {
    fn from(e: clout_app::Error) -> ApiError {
        use clout_app::Error as E;
        match e {
            E::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, "not_found", m),
            E::Invalid(m) => ApiError::bad_request("invalid", m),
            E::Exists(m) => ApiError::new(StatusCode::CONFLICT, "exists", m),
            E::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
            E::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            E::Internal(m) => ApiError::internal(m),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"code": self.code, "message": self.message});
        let mut r = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            r.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("60"));
        }
        r
    }
}

/// Any path nobody serves.
pub(crate) async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, "no_route", format!("no endpoint {}", uri.path())).into_response()
    } else {
        crate::pages::error_page(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("there is no page {}", uri.path()),
        ))
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
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "this endpoint does not take that method"),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "the request body is over the server's limit"),
        StatusCode::NOT_FOUND => ("not_found", "nothing here"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported_media_type", "the body's content type is not accepted here")
        }
        s if s.is_server_error() => ("internal", "the server failed"),
        _ => ("bad_request", "the request is malformed"),
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
            "too_large",
            format!("a request body here has at most {SMALL_BODY} bytes"),
        )
        .into_response();
    }
    let (parts, body) = req.into_parts();
    let limited = axum::body::Body::new(http_body_util::Limited::new(body, SMALL_BODY));
    next.run(axum::extract::Request::from_parts(parts, limited)).await
}
