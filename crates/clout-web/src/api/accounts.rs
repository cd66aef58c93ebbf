//! Accounts over the API: the first admin (with the setup code), sign-in and out, one's
//! own account, password and API tokens, and the admin's management of every account.

use axum::Json;
use axum::extract::{Path as UrlPath, RawQuery};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clout_app::{Actor, Role, User};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::schema::{RoleName, ScopeName};
use super::{ApiJson, ApiResult, ErrorBody, St, csrf_checked};
use crate::base::auth::{self, Caller, ClientAddr, Writer};
use crate::base::errors::{ApiError, ErrorCode};
use crate::base::params;

fn json_user(u: &User) -> clout_wire::User {
    clout_wire::User::from(u)
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct Credentials {
    username: String,
    password: String,
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct SetupBody {
    username: String,
    password: String,
    /// The one-time code `clout serve` printed on its terminal at start.
    #[serde(default)]
    setup_code: String,
}

/// Creates the first account, an admin. Only while no account exists, and only with the
/// one-time setup code that `clout serve` printed on its terminal at start.
#[utoipa::path(post, path = "/api/v1/setup", tag = "accounts", security(()), request_body = SetupBody,
    responses((status = 201, description = "The admin", body = clout_wire::User), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody, description = "A wrong setup code (bad_setup_code), or an account exists already (forbidden)")))]
pub(super) async fn setup(
    state: St,
    ApiJson(body): ApiJson<SetupBody>,
) -> ApiResult<(StatusCode, Json<clout_wire::User>)> {
    let state = state.0;
    if !auth::setup_code_matches(&state, &body.setup_code) {
        // Once an admin exists there is no code: say so rather than blame the code.
        if !state.read(|app, _| app.needs_setup()).await? {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "the admin account exists already; sign in",
            ));
        }
        return Err(ApiError::bad_setup_code());
    }
    let user = state.write(move |app, s| app.setup_admin(body.username.trim(), &body.password, s.now())).await?;
    Ok((StatusCode::CREATED, Json(json_user(&user))))
}

/// Signs in: sets the session cookie and returns the CSRF token that changes made with
/// it must send as `X-CSRF-Token`. Five failures a minute per username from one address (100 a minute per address).
#[utoipa::path(post, path = "/api/v1/login", tag = "accounts", security(()), request_body = Credentials,
    responses((status = 200, description = "Signed in", body = clout_wire::SignedIn), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(super) async fn login(
    state: St,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<Credentials>,
) -> ApiResult<Response> {
    let state = state.0;
    let client = auth::client_key(addr);
    let username = body.username.trim().to_string();
    if !auth::attempt(&state, &client, &username).await? {
        return Err(auth::rate_limited());
    }
    let name = username.clone();
    // The slow hash runs on a reader, not under the writer's lock.
    let user = state.read(move |app, _| app.check_password(&name, &body.password)).await?;
    let Some(user) = user else {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::BadCredentials, "wrong username or password"));
    };
    auth::signed_in_ok(&state, &client, &username).await?;
    let session = state.write(move |app, s| app.start_session(&user, s.now())).await?;
    let body = clout_wire::SignedIn { user: json_user(&session.user), csrf_token: session.csrf };
    let mut r = Json(body).into_response();
    r.headers_mut().insert(header::SET_COOKIE, auth::session_cookie(&state, &session.token));
    Ok(r)
}

/// Ends the session of the cookie.
#[utoipa::path(post, path = "/api/v1/logout", tag = "accounts", responses((status = 204, description = "Signed out"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn logout(state: St, headers: HeaderMap) -> ApiResult<Response> {
    let state = state.0;
    let auth = auth::require(&state, &headers).await?;
    auth.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    if let Some(token) = auth::cookie(&headers, auth::SESSION_COOKIE).map(str::to_string) {
        state.write(move |app, _| app.logout(&token)).await?;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut().insert(header::SET_COOKIE, auth::clear_session_cookie(&state));
    Ok(r)
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = clout_wire::User), (status = 401, body = ErrorBody)))]
pub(super) async fn me(Caller(auth): Caller) -> ApiResult<Json<clout_wire::User>> {
    let mut body = json_user(&auth.user);
    // Signed in with a read-only token: reads only, whatever the role.
    body.read_only = Some(auth.user.read_only);
    Ok(Json(body))
}

fn token_json(t: &clout_app::TokenRow) -> clout_wire::Token {
    clout_wire::Token::from(t)
}

/// The query of the token list (documentation only: the handler reads the raw query).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct TokensQuery {
    /// `true`: every account's tokens (admins only).
    all: Option<bool>,
}

/// Your API tokens, or with `all=true` every account's (admins only); never the secrets.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", params(TokensQuery),
    responses((status = 200, body = clout_wire::TokenList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn tokens(
    state: St,
    Caller(auth): Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<clout_wire::TokenList>> {
    let state = state.0;
    let all = match params::pairs(raw.as_deref()).iter().rev().find(|(k, _)| k == "all").map(|(_, v)| v.as_str()) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::invalid_parameter("all", format!("'{other}' is not true or false")));
        }
    };
    let tokens = state
        .read(move |app, _| if all { app.all_tokens(Actor::User(&auth.user)) } else { app.tokens(&auth.user) })
        .await?;
    Ok(Json(clout_wire::TokenList { tokens: tokens.iter().map(token_json).collect() }))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct NewToken {
    /// 1 to 100 characters, not all spaces.
    #[schema(min_length = 1, max_length = 100, pattern = r"[^\s\u0085]")]
    name: String,
    /// `full` (the default: what your role allows) or `read` (reads only; the only scope a viewer may create).
    #[schema(inline, value_type = Option<ScopeName>)]
    scope: Option<String>,
    /// Days until the token stops working (1 to 3650); absent: it never expires.
    // Read as a number: JSON Schema calls `30.0` an integer too.
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 3650)]
    expires_in_days: Option<f64>,
}

fn token_scope(raw: Option<&str>) -> Result<clout_app::TokenScope, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(clout_app::TokenScope::Full),
        Some(s) => clout_app::TokenScope::parse(s)
            .ok_or_else(|| ApiError::invalid_parameter("scope", format!("'{s}' is not full or read"))),
    }
}

/// Creates an API token. The secret is in this answer only; Clout keeps its hash.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = NewToken,
    responses((status = 201, description = "The token with its secret (`token`), shown this once", body = clout_wire::Token), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn create_token(
    state: St,
    Caller(auth): Caller,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewToken>,
) -> ApiResult<(StatusCode, Json<clout_wire::Token>)> {
    let state = state.0;
    csrf_checked(&auth, &headers)?;
    let scope = token_scope(body.scope.as_deref())?;
    let days = match body.expires_in_days {
        None => None,
        // The range (1 to 3650) is the app's rule; here only the shape.
        Some(d) if d.fract() == 0.0 && d >= 0.0 => Some(d.min(f64::from(u32::MAX)) as u32),
        Some(d) => {
            return Err(ApiError::invalid_parameter("expires_in_days", format!("{d} is not a whole number of days")));
        }
    };
    let (row, secret) =
        state.write(move |app, s| app.create_token(&auth.user, &body.name, scope, days, s.now())).await?;
    let mut body = token_json(&row);
    body.token = Some(secret);
    Ok((StatusCode::CREATED, Json(body)))
}

/// Revokes one of your API tokens (an admin: anyone's).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204, description = "Revoked"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn delete_token(
    state: St,
    Caller(auth): Caller,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    csrf_checked(&auth, &headers)?;
    let id = id.parse::<i64>().map_err(|_| ApiError::invalid_parameter("id", format!("'{id}' is not a token id")))?;
    state.write(move |app, _| app.revoke_token(Actor::User(&auth.user), id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct PasswordChange {
    current_password: String,
    /// 12 characters or more, at most 1024 bytes, and not a common password.
    #[schema(min_length = 12)]
    new_password: String,
}

/// Changes your password, given the current one. Your other sessions end (the one making
/// the change stays).
#[utoipa::path(post, path = "/api/v1/me/password", tag = "accounts", request_body = PasswordChange,
    responses((status = 204, description = "Changed"), (status = 400, body = ErrorBody, description = "A new password too short or too common"), (status = 403, body = ErrorBody, description = "A wrong current password"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn change_password(
    state: St,
    Caller(auth): Caller,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    csrf_checked(&auth, &headers)?;
    let keep = auth.csrf.as_ref().and(auth::cookie(&headers, auth::SESSION_COOKIE)).map(str::to_string);
    state
        .write(move |app, _| {
            app.change_password(&auth.user, &body.current_password, &body.new_password, keep.as_deref())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every account (admins only).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = clout_wire::UserList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn users(state: St, Caller(auth): Caller) -> ApiResult<Json<clout_wire::UserList>> {
    let state = state.0;
    auth.user.require_admin()?;
    let users = state.read(|app, _| app.users()).await?;
    Ok(Json(clout_wire::UserList { users: users.iter().map(json_user).collect() }))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct NewUser {
    /// 2 to 40 letters, digits, '_', '-', '.' or '@'.
    #[schema(pattern = r"^[A-Za-z0-9_.@-]{2,40}$")]
    username: String,
    /// 12 characters or more, at most 1024 bytes, and not a common password.
    #[schema(min_length = 12)]
    password: String,
    #[schema(inline, value_type = RoleName)]
    role: String,
}

fn role_field(raw: &str) -> Result<Role, ApiError> {
    Role::parse(raw.trim())
        .ok_or_else(|| ApiError::invalid_parameter("role", format!("'{raw}' is not admin, member or viewer")))
}

/// Creates an account (admins only).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = clout_wire::User), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn create_user(
    state: St,
    Writer(auth): Writer,
    ApiJson(body): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<clout_wire::User>)> {
    let state = state.0;
    auth.user.require_admin()?;
    let role = role_field(&body.role)?;
    let user = state
        .write(move |app, s| {
            app.create_user(Actor::User(&auth.user), body.username.trim(), &body.password, role, s.now())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json_user(&user))))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct UserChange {
    /// admin, member or viewer.
    #[schema(inline, value_type = Option<RoleName>)]
    role: Option<String>,
    /// `true` disables the account (its sessions end, its tokens stop working); `false` enables it.
    disabled: Option<bool>,
}

/// Changes an account's role or disables / enables it (admins only). The last active
/// admin cannot be demoted or disabled (409).
#[utoipa::path(patch, path = "/api/v1/users/{username}", tag = "accounts", params(("username" = String, Path)), request_body = UserChange,
    responses((status = 200, description = "The account", body = clout_wire::User), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn update_user(
    state: St,
    Caller(auth): Caller,
    headers: HeaderMap,
    UrlPath(username): UrlPath<String>,
    ApiJson(body): ApiJson<UserChange>,
) -> ApiResult<Json<clout_wire::User>> {
    let state = state.0;
    csrf_checked(&auth, &headers)?;
    let role = body.role.as_deref().map(role_field).transpose()?;
    if role.is_none() && body.disabled.is_none() {
        // Nothing to change: the account as it is, like any PATCH of no field.
        auth.user.require_admin()?;
        let user = state
            .read(move |app, _| {
                app.users()?
                    .into_iter()
                    .find(|u| u.username == username)
                    .ok_or_else(|| clout_app::Error::NotFound(format!("no account named '{username}'")))
            })
            .await?;
        return Ok(Json(json_user(&user)));
    }
    let user = state
        .write(move |app, s| {
            let by = Actor::User(&auth.user);
            let mut user = match body.disabled {
                Some(true) => Some(app.disable_user(by, &username, s.now())?),
                Some(false) => Some(app.enable_user(by, &username)?),
                None => None,
            };
            if let Some(role) = role {
                user = Some(app.set_role(by, &username, role)?);
            }
            user.ok_or_else(|| clout_app::Error::Invalid("nothing to change: send role or disabled".to_string()))
        })
        .await?;
    Ok(Json(json_user(&user)))
}

/// Deletes an account with its sessions and tokens (admins only); what it wrote stays.
/// The last active admin cannot be deleted (409).
#[utoipa::path(delete, path = "/api/v1/users/{username}", tag = "accounts", params(("username" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn delete_user(
    state: St,
    Caller(auth): Caller,
    headers: HeaderMap,
    UrlPath(username): UrlPath<String>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    csrf_checked(&auth, &headers)?;
    state.write(move |app, _| app.delete_user(Actor::User(&auth.user), &username)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct PasswordReset {
    /// 12 characters or more, at most 1024 bytes, and not a common password.
    #[schema(min_length = 12)]
    password: String,
}

/// Sets another account's password (admins only); that account's sessions end.
#[utoipa::path(put, path = "/api/v1/users/{username}/password", tag = "accounts", params(("username" = String, Path)), request_body = PasswordReset,
    responses((status = 204, description = "Set"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn reset_password(
    state: St,
    Caller(auth): Caller,
    headers: HeaderMap,
    UrlPath(username): UrlPath<String>,
    ApiJson(body): ApiJson<PasswordReset>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    csrf_checked(&auth, &headers)?;
    state.write(move |app, _| app.reset_password(Actor::User(&auth.user), &username, &body.password)).await?;
    Ok(StatusCode::NO_CONTENT)
}
