//! Who is asking: a session cookie (the browser) or a bearer token (scripts), and the
//! CSRF check that guards every change made with a cookie.
//!
//! Cookies are `HttpOnly` and `SameSite=Lax` (a shared Directory link opens signed in;
//! no other site can post with it). Forms carry the session's CSRF token in a `csrf`
//! field, API calls made with the cookie in an `X-CSRF-Token` header; bearer tokens need
//! no CSRF token, since a browser never attaches them by itself. Before sign-in (the
//! setup and login forms) the token is a double-submit cookie, `clout_csrf`.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header};
use clout_app::User;

use clout_app::{ADDRESS_ATTEMPTS, LOGIN_ATTEMPTS, LOGIN_WINDOW_SECONDS};

use super::errors::{ApiError, ErrorCode};
use super::state::State;

pub(crate) const SESSION_COOKIE: &str = "clout_session";
pub(crate) const PRE_CSRF_COOKIE: &str = "clout_csrf";

/// A signed-in caller.
#[derive(Debug, Clone)]
pub(crate) struct Auth {
    pub(crate) user: User,
    /// The session's CSRF token; `None` for a bearer token.
    pub(crate) csrf: Option<String>,
    /// Whether the derived numbers lagged the observations when the request came in: every
    /// page says so beside them.
    pub(crate) derived_stale: bool,
    /// The language tag the browser prefers (`en-GB`), for dates on pages.
    pub(crate) locale: String,
}

impl Auth {
    /// Checks the CSRF token of a change (a bearer token needs none).
    pub(crate) fn check_csrf(&self, presented: Option<&str>) -> Result<(), ApiError> {
        match &self.csrf {
            None => Ok(()),
            Some(expected) if presented.is_some_and(|p| constant_time_eq(p.as_bytes(), expected.as_bytes())) => Ok(()),
            Some(_) => Err(ApiError::csrf()),
        }
    }

    pub(crate) fn csrf_token(&self) -> &str {
        self.csrf.as_deref().unwrap_or("")
    }
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `presented` is the one-time setup code `state` started with (compared in
/// constant time; dashes, spaces and case do not matter). Always false once an account
/// existed at start.
pub(crate) fn setup_code_matches(state: &State, presented: &str) -> bool {
    let Some(code) = state.setup_code() else {
        return false;
    };
    let normal = |s: &str| -> Vec<u8> {
        s.bytes().filter(|b| !matches!(b, b'-' | b' ' | b'\t')).map(|b| b.to_ascii_lowercase()).collect()
    };
    constant_time_eq(&normal(code), &normal(presented))
}

/// A cookie's value from the request.
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// The caller, or `None` when neither a live session nor a valid token came with the request.
pub(crate) async fn caller(state: &Arc<State>, headers: &HeaderMap) -> Result<Option<Auth>, ApiError> {
    if let Some(token) = bearer(headers) {
        let token = token.to_string();
        let user = state.read(move |app, s| app.token_user(&token, s.now())).await?;
        return match user {
            Some(user) => Ok(Some(Auth {
                user,
                csrf: None,
                derived_stale: state.catalogue.derived_stale(),
                locale: locale(headers),
            })),
            // A wrong token is an error, not an anonymous request.
            None => Err(ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidToken,
                "the API token is unknown, expired or revoked",
            )),
        };
    }
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let token = token.to_string();
    let found = state.read(move |app, s| app.session_user(&token, s.now())).await?;
    let derived_stale = state.catalogue.derived_stale();
    Ok(found.map(|(user, csrf)| Auth { user, csrf: Some(csrf), derived_stale, locale: locale(headers) }))
}

/// The browser's preferred language, for dates on pages.
pub(crate) fn locale(headers: &HeaderMap) -> String {
    super::dates::preferred_locale(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

/// The caller, or 401.
pub(crate) async fn require(state: &Arc<State>, headers: &HeaderMap) -> Result<Auth, ApiError> {
    caller(state, headers).await?.ok_or_else(ApiError::unauthenticated)
}

/// The caller allowed to change data, with the CSRF header checked.
pub(crate) async fn require_writer(state: &Arc<State>, headers: &HeaderMap) -> Result<Auth, ApiError> {
    let auth = require(state, headers).await?;
    auth.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    auth.user.require_write()?;
    Ok(auth)
}

fn cookie_attributes(state: &State) -> &'static str {
    if state.config.secure_cookies {
        "; Path=/; HttpOnly; SameSite=Lax; Secure"
    } else {
        "; Path=/; HttpOnly; SameSite=Lax"
    }
}

pub(crate) fn session_cookie(state: &State, token: &str) -> HeaderValue {
    let v = format!("{SESSION_COOKIE}={token}; Max-Age={}{}", clout_app::SESSION_SECONDS, cookie_attributes(state));
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub(crate) fn clear_session_cookie(state: &State) -> HeaderValue {
    let v = format!("{SESSION_COOKIE}=; Max-Age=0{}", cookie_attributes(state));
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub(crate) fn pre_csrf_cookie(state: &State, token: &str) -> HeaderValue {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let v = format!("{PRE_CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The key the login limiter counts failures under.
pub(crate) fn client_key(addr: Option<std::net::SocketAddr>) -> String {
    addr.map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".to_string())
}

/// Counts a sign-in attempt before the password is checked (so concurrent guesses count
/// too), in the store, where every server on it counts the same attempts; `false` when
/// this name from this address has used up its attempts ([`LOGIN_ATTEMPTS`]), or the
/// address its much larger allowance ([`ADDRESS_ATTEMPTS`]).
pub(crate) async fn attempt(state: &Arc<State>, client: &str, username: &str) -> Result<bool, ApiError> {
    let (client, username) = (client.to_string(), username.to_string());
    state.write(move |app, s| app.sign_in_attempt(&client, &username, s.now())).await
}

/// A successful sign-in clears its pair's count and takes back its own attempt from the
/// address's count (only its own: an attacker's account must not reset the count of
/// their guesses at others).
pub(crate) async fn signed_in_ok(state: &Arc<State>, client: &str, username: &str) -> Result<(), ApiError> {
    let (client, username) = (client.to_string(), username.to_string());
    state.write(move |app, _| app.sign_in_succeeded(&client, &username)).await
}

pub(crate) fn rate_limited() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        format!(
            "too many failed sign-ins: wait a minute ({} attempts per {} s for one username from one address, {} per address)",
            LOGIN_ATTEMPTS, LOGIN_WINDOW_SECONDS, ADDRESS_ATTEMPTS
        ),
    )
}

/// The client's address when the server was started with connect info (`serve` is).
pub(crate) struct ClientAddr(pub(crate) Option<std::net::SocketAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0)))
    }
}

/// A signed-in caller, as an extractor: it runs before the body is read, so an anonymous
/// request is refused with 401 whatever it sends.
pub(crate) struct Caller(pub(crate) Auth);

impl axum::extract::FromRequestParts<Arc<State>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &Arc<State>) -> Result<Self, ApiError> {
        require(state, &parts.headers).await.map(Caller)
    }
}

/// A caller allowed to change data (not a viewer), with the CSRF header checked.
pub(crate) struct Writer(pub(crate) Auth);

impl axum::extract::FromRequestParts<Arc<State>> for Writer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &Arc<State>) -> Result<Self, ApiError> {
        require_writer(state, &parts.headers).await.map(Writer)
    }
}
