//! The Account page (one's password and API tokens) and the admin's Users page (accounts
//! and every token). Every change is a form with the session's CSRF token; what may be
//! done is decided by the app, so a refused change shows its reason.

use super::*;
use clout_app::{Actor, Role, TokenScope};

pub(super) fn router() -> axum::Router<Arc<State>> {
    axum::Router::new()
        .route("/account", get(account))
        .route("/account/password", post(change_password))
        .route("/account/timezone", post(set_timezone))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/delete", post(delete_token))
        .route("/account/users", post(create_user))
        .route("/users", get(users).post(create_user))
        .route("/users/{name}/role", post(user_role))
        .route("/users/{name}/disable", post(user_disable))
        .route("/users/{name}/enable", post(user_enable))
        .route("/users/{name}/password", post(user_password))
        .route("/users/{name}/delete", post(user_delete))
}

/// What the last change said: a message, or the error of a refused change.
#[derive(Default)]
struct Outcome {
    message: Option<String>,
    error: Option<ApiError>,
    new_token: Option<String>,
}

impl Outcome {
    fn said(message: impl Into<String>) -> Outcome {
        Outcome { message: Some(message.into()), ..Outcome::default() }
    }

    fn failed(e: ApiError) -> Outcome {
        Outcome { error: Some(e), ..Outcome::default() }
    }

    fn status(&self) -> StatusCode {
        self.error.as_ref().map_or(StatusCode::OK, |e| e.status)
    }

    fn put(self, ctx: &mut Value) {
        ctx["message"] = self.message.into();
        ctx["error"] = self.error.map(|e| json!({"code": e.code, "message": e.message})).into();
        ctx["new_token"] = self.new_token.into();
    }
}

fn token_rows(tokens: &[clout_app::TokenRow]) -> Vec<Value> {
    tokens
        .iter()
        .map(|t| {
            json!({"id": t.id, "name": t.name, "prefix": t.prefix, "user": t.username,
                "read_only": t.scope != TokenScope::Full.as_str(),
                "created_at": clout_wire::time(t.created_at), "expires_at": t.expires_at.map(clout_wire::time)})
        })
        .collect()
}

async fn account_page(state: &Arc<State>, auth: &Auth, outcome: Outcome) -> Response {
    let user = auth.user.clone();
    match state.read(move |app, _| app.tokens(&user)).await {
        Ok(tokens) => {
            let status = outcome.status();
            let mut ctx = json!({
                "min_password": clout_app::MIN_PASSWORD_CHARS,
                "max_days": clout_app::MAX_TOKEN_DAYS,
                "tokens": token_rows(&tokens),
                "read_only": auth.user.read_only,
                "timezones": clout_app::timezones(),
                "timezone": auth.user.timezone.clone().unwrap_or_default(),
                "now": clout_wire::time(state.now()),
            });
            outcome.put(&mut ctx);
            render("account.html", page_context(auth, "account", ctx), status)
        }
        Err(e) => error_page_for(auth, e),
    }
}

async fn account(state: St, Page(auth): Page) -> Response {
    account_page(&state.0, &auth, Outcome::default()).await
}

async fn change_password(state: St, headers: HeaderMap, Posted(auth, f): Posted) -> Response {
    let state = state.0;
    let (current, new) = (field(&f, "current").to_string(), field(&f, "password").to_string());
    if new != field(&f, "password2") {
        let e = ApiError::bad_request(ErrorCode::Invalid, "the two new passwords differ");
        return account_page(&state, &auth, Outcome::failed(e)).await;
    }
    let keep = auth::cookie(&headers, auth::SESSION_COOKIE).map(str::to_string);
    let user = auth.user.clone();
    let outcome = match state.write(move |app, _| app.change_password(&user, &current, &new, keep.as_deref())).await {
        Ok(()) => Outcome::said("Your password is changed; your other sessions have ended."),
        Err(e) => Outcome::failed(e),
    };
    account_page(&state, &auth, outcome).await
}

/// Dates on every page are shown in the timezone chosen here (none: UTC).
async fn set_timezone(state: St, Posted(mut auth, f): Posted) -> Response {
    let state = state.0;
    let name = field(&f, "timezone").to_string();
    let user = auth.user.clone();
    let outcome = match state.write(move |app, _| app.set_timezone(&user, &name)).await {
        Ok(tz) => {
            let said = match &tz {
                Some(tz) => format!("Dates are now shown in {tz} time."),
                None => "Dates are now shown in UTC.".to_string(),
            };
            auth.user.timezone = tz;
            Outcome::said(said)
        }
        Err(e) => Outcome::failed(e),
    };
    account_page(&state, &auth, outcome).await
}

async fn create_token(state: St, Posted(auth, f): Posted) -> Response {
    let state = state.0;
    let name = field(&f, "name").to_string();
    let scope = if field(&f, "scope") == "full" { TokenScope::Full } else { TokenScope::Read };
    let days = match field(&f, "days").trim() {
        "" => None,
        raw => match raw.parse::<u32>() {
            Ok(d) => Some(d),
            Err(_) => {
                let e = ApiError::invalid_parameter("days", format!("'{raw}' is not a number of days"));
                return account_page(&state, &auth, Outcome::failed(e)).await;
            }
        },
    };
    let user = auth.user.clone();
    let outcome = match state.write(move |app, s| app.create_token(&user, &name, scope, days, s.now())).await {
        // The secret is shown on this one answer and never again.
        Ok((_, secret)) => Outcome { new_token: Some(secret), ..Outcome::default() },
        Err(e) => Outcome::failed(e),
    };
    let status = if outcome.error.is_none() { StatusCode::CREATED } else { outcome.status() };
    let mut r = account_page(&state, &auth, outcome).await;
    *r.status_mut() = status;
    r
}

async fn delete_token(state: St, UrlPath(id): UrlPath<String>, Posted(auth, f): Posted) -> Response {
    let state = state.0;
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    let user = auth.user.clone();
    let back = if field(&f, "back") == "users" { "/users" } else { "/account" };
    match state.write(move |app, _| app.revoke_token(Actor::User(&user), id)).await {
        Ok(()) => see_other(back),
        Err(e) => error_page_for(&auth, e),
    }
}

async fn users_page(state: &Arc<State>, auth: &Auth, outcome: Outcome) -> Response {
    let user = auth.user.clone();
    let found = state
        .read(move |app, _| {
            let tokens = app.all_tokens(Actor::User(&user))?;
            Ok((app.users()?, tokens))
        })
        .await;
    match found {
        Ok((users, tokens)) => {
            let status = outcome.status();
            let mut ctx = json!({
                "min_password": clout_app::MIN_PASSWORD_CHARS,
                "roles": Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                "users": users.iter().map(|u| json!({"username": u.username, "role": u.role.as_str(), "disabled": u.disabled,
                    "me": u.id == auth.user.id, "created_at": clout_wire::time(u.created_at)})).collect::<Vec<_>>(),
                "tokens": token_rows(&tokens),
            });
            outcome.put(&mut ctx);
            render("users.html", page_context(auth, "users", ctx), status)
        }
        Err(e) => error_page_for(auth, e),
    }
}

async fn users(state: St, Page(auth): Page) -> Response {
    users_page(&state.0, &auth, Outcome::default()).await
}

/// Runs an admin's change to an account and shows the Users page with what happened.
async fn user_change<F>(state: St, Posted(auth, f): Posted, change: F) -> Response
where
    F: FnOnce(&mut clout_app::App, &State, Actor<'_>, &HashMap<String, String>) -> clout_app::Result<String>
        + Send
        + 'static,
{
    let state = state.0;
    let user = auth.user.clone();
    let outcome = match state.write(move |app, s| change(app, s, Actor::User(&user), &f)).await {
        Ok(message) => Outcome::said(message),
        Err(e) => Outcome::failed(e),
    };
    users_page(&state, &auth, outcome).await
}

async fn create_user(state: St, posted: Posted) -> Response {
    user_change(state, posted, |app, s, by, f| {
        let role = Role::parse(field(f, "role"))
            .ok_or_else(|| clout_app::Error::Invalid("role: choose admin, member or viewer".to_string()))?;
        let u = app.create_user(by, field(f, "username").trim(), field(f, "password"), role, s.now())?;
        Ok(format!("Added {} ({}).", u.username, u.role.as_str()))
    })
    .await
}

async fn user_role(state: St, UrlPath(name): UrlPath<String>, posted: Posted) -> Response {
    user_change(state, posted, move |app, _, by, f| {
        let role = Role::parse(field(f, "role"))
            .ok_or_else(|| clout_app::Error::Invalid("role: choose admin, member or viewer".to_string()))?;
        let u = app.set_role(by, &name, role)?;
        Ok(format!("{} is now {}.", u.username, u.role.as_str()))
    })
    .await
}

async fn user_disable(state: St, UrlPath(name): UrlPath<String>, posted: Posted) -> Response {
    user_change(state, posted, move |app, s, by, _| {
        let u = app.disable_user(by, &name, s.now())?;
        Ok(format!("Disabled {}: their sessions ended and their tokens no longer work.", u.username))
    })
    .await
}

async fn user_enable(state: St, UrlPath(name): UrlPath<String>, posted: Posted) -> Response {
    user_change(state, posted, move |app, _, by, _| {
        let u = app.enable_user(by, &name)?;
        Ok(format!("Enabled {}.", u.username))
    })
    .await
}

async fn user_password(state: St, UrlPath(name): UrlPath<String>, posted: Posted) -> Response {
    user_change(state, posted, move |app, _, by, f| {
        app.reset_password(by, &name, field(f, "password"))?;
        Ok(format!("Set a new password for {}; their sessions ended.", name.trim()))
    })
    .await
}

async fn user_delete(state: St, UrlPath(name): UrlPath<String>, posted: Posted) -> Response {
    user_change(state, posted, move |app, _, by, _| {
        app.delete_user(by, &name)?;
        Ok(format!("Deleted {} with their sessions and tokens.", name.trim()))
    })
    .await
}
