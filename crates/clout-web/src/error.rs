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
