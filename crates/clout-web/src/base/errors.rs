//! Errors as the API answers them: `{"code": "...", "message": "..."}` with a 4xx status
//! for anything the client got wrong, 5xx only for our own failures. [`ErrorCode`] is the
//! one table of the machine-readable codes: every code any answer carries is listed there
//! once, so a code cannot be misspelt at one call site.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Declares [`ErrorCode`] from one table: `Variant = "code"`, each with when it is answered.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        /// A stable, machine-readable error code: what a client may match on.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in the table's order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as answers spell it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }
        }
    };
}

error_codes! {
    /// A sign-in with a wrong username or password.
    BadCredentials = "bad_credentials",
    /// A request the framework refused as malformed, with no more specific code.
    BadRequest = "bad_request",
    /// Creating the first admin without the setup code `clout serve` printed, or a wrong one.
    BadSetupCode = "bad_setup_code",
    /// The store's state forbids the change (the lock, the last admin, a fee not agreed).
    Conflict = "conflict",
    /// A change made with a session cookie lacks its CSRF token.
    CsrfFailed = "csrf_failed",
    /// An uploaded file with no bytes.
    EmptyFile = "empty_file",
    /// A name that is taken.
    Exists = "exists",
    /// A run has several rejects files and the request names none.
    FileRequired = "file_required",
    /// The caller's role or scope does not allow this.
    Forbidden = "forbidden",
    /// Our own failure: a 500.
    Internal = "internal",
    /// A value the app refused, with its reason.
    Invalid = "invalid",
    /// A JSON body of the wrong shape.
    InvalidBody = "invalid_body",
    /// A query, path or form parameter that does not parse or is out of range.
    InvalidParameter = "invalid_parameter",
    /// A bearer token that is unknown, expired or revoked.
    InvalidToken = "invalid_token",
    /// A body that is not JSON at all.
    MalformedJson = "malformed_json",
    /// An upload that is not readable multipart data, or has fields other than `file`.
    MalformedUpload = "malformed_upload",
    /// A method the route does not take.
    MethodNotAllowed = "method_not_allowed",
    /// An upload without a `file` field.
    NoFile = "no_file",
    /// A path under `/api/` that no endpoint serves.
    NoRoute = "no_route",
    /// Nothing by that name or id.
    NotFound = "not_found",
    /// Too many failed sign-ins.
    RateLimited = "rate_limited",
    /// A body over the server's limit.
    TooLarge = "too_large",
    /// No sign-in and no API token.
    Unauthenticated = "unauthenticated",
    /// A `Host` this server does not answer to (DNS rebinding).
    UnknownHost = "unknown_host",
    /// A query parameter the endpoint does not take.
    UnknownParameter = "unknown_parameter",
    /// A body that could not be read.
    UnreadableBody = "unreadable_body",
    /// A body that is not of the content type the endpoint takes.
    UnsupportedMediaType = "unsupported_media_type",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into() }
    }

    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// A 400 `invalid_parameter` naming the parameter: `budget: ...`.
    pub fn invalid_parameter(name: &str, message: impl std::fmt::Display) -> ApiError {
        ApiError::bad_request(ErrorCode::InvalidParameter, format!("{name}: {message}"))
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "sign in, or send an API token as 'Authorization: Bearer TOKEN'",
        )
    }

    pub fn csrf() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::CsrfFailed,
            "the request lacks its CSRF token (the form's csrf field, or the X-CSRF-Token header for the API)",
        )
    }

    /// The refusal of a missing or wrong setup code.
    pub fn bad_setup_code() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::BadSetupCode,
            "the setup code is missing or wrong: it is the code that clout serve printed on its terminal when it started",
        )
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, message)
    }
}

impl From<clout_app::Error> for ApiError {
    fn from(e: clout_app::Error) -> ApiError {
        use clout_app::Error as E;
        match e {
            E::NotFound(m) => ApiError::not_found(m),
            E::Invalid(m) => ApiError::bad_request(ErrorCode::Invalid, m),
            E::Exists(m) => ApiError::new(StatusCode::CONFLICT, ErrorCode::Exists, m),
            E::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, m),
            E::Conflict(m) => ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, m),
            E::Internal(m) => ApiError::internal(m),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"code": self.code.as_str(), "message": self.message});
        let mut r = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            r.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("60"));
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn every_error_code_is_listed_once_in_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} is listed twice");
            assert!(!s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{s}");
        }
        // The codes clients match on most, spelt as docs/json.md spells them.
        assert_eq!(ErrorCode::InvalidParameter.as_str(), "invalid_parameter");
        assert_eq!(ErrorCode::UnknownParameter.as_str(), "unknown_parameter");
        assert_eq!(ErrorCode::CsrfFailed.as_str(), "csrf_failed");
        assert_eq!(serde_json::json!({"code": ErrorCode::NotFound}), serde_json::json!({"code": "not_found"}));
        assert_eq!(ErrorCode::ALL.len(), 27);
    }
}
