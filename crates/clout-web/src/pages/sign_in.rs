//! Signing in and out: the first admin's setup form (with the setup code), the login
//! form (a double-submit CSRF cookie before there is a session), sign-out, the home
//! redirect and the stylesheet.

use super::*;

pub(super) async fn home(Page(_): Page) -> Response {
    see_other("/directory")
}

pub(super) async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        templates::CSS,
    )
        .into_response()
}

/// The pre-sign-in CSRF token: the cookie's, or a new one to set.
fn pre_csrf(headers: &HeaderMap) -> (String, bool) {
    match auth::cookie(headers, auth::PRE_CSRF_COOKIE) {
        Some(t) if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) => (t.to_string(), false),
        _ => (clout_app::random_secret().unwrap_or_default(), true),
    }
}

fn with_pre_csrf(state: &State, mut r: Response, token: &str, set: bool) -> Response {
    if set {
        r.headers_mut().append(header::SET_COOKIE, auth::pre_csrf_cookie(state, token));
    }
    r
}

fn check_pre_csrf(headers: &HeaderMap, f: &HashMap<String, String>) -> Result<(), ApiError> {
    match (auth::cookie(headers, auth::PRE_CSRF_COOKIE), f.get("csrf")) {
        (Some(c), Some(v)) if !c.is_empty() && auth::constant_time_eq(c.as_bytes(), v.as_bytes()) => Ok(()),
        _ => Err(ApiError::csrf()),
    }
}

pub(super) async fn setup_form(state: St, headers: HeaderMap) -> Response {
    let state = state.0;
    match state.read(|app, _| app.needs_setup()).await {
        Ok(true) => {}
        Ok(false) => return see_other("/login"),
        Err(e) => return error_page(e),
    }
    let (token, set) = pre_csrf(&headers);
    let r = render("setup.html", json!({"csrf": token, "min_password": clout_app::MIN_PASSWORD_CHARS}), StatusCode::OK);
    with_pre_csrf(&state, r, &token, set)
}

/// Starts a session and sends the browser on.
fn signed_in(state: &State, session: &clout_app::NewSession, to: &str) -> Response {
    let mut r = see_other(to);
    r.headers_mut().append(header::SET_COOKIE, auth::session_cookie(state, &session.token));
    r
}

pub(super) async fn setup(state: St, headers: HeaderMap, body: Bytes) -> Response {
    let state = state.0;
    let f = form(&body);
    if let Err(e) = check_pre_csrf(&headers, &f) {
        return error_page(e);
    }
    let username = field(&f, "username").trim().to_string();
    let password = field(&f, "password").to_string();
    let again = |error: String, status: StatusCode| {
        render(
            "setup.html",
            json!({"csrf": field(&f, "csrf"), "error": error, "username": username, "min_password": clout_app::MIN_PASSWORD_CHARS}),
            status,
        )
    };
    if password != field(&f, "password2") {
        return again("the two passwords differ".to_string(), StatusCode::BAD_REQUEST);
    }
    if !auth::setup_code_matches(&state, field(&f, "setup_code")) {
        return match state.read(|app, _| app.needs_setup()).await {
            Ok(true) => again(ApiError::bad_setup_code().message, StatusCode::FORBIDDEN),
            Ok(false) => see_other("/login"),
            Err(e) => error_page(e),
        };
    }
    let (name, pw) = (username.clone(), password.clone());
    let created = state
        .write(move |app, s| {
            app.setup_admin(&name, &pw, s.now())?;
            app.login(&name, &pw, s.now())
        })
        .await;
    match created {
        Ok(Some(session)) => signed_in(&state, &session, "/directory"),
        Ok(None) => see_other("/login"),
        Err(e) if e.status == StatusCode::FORBIDDEN => see_other("/login"),
        Err(e) if e.status.is_client_error() => again(e.message, e.status),
        Err(e) => error_page(e),
    }
}

fn safe_next(next: &str) -> &str {
    // Only paths on this site: no scheme, no `//host`, and only visible ASCII (a browser
    // drops tabs and newlines from a URL, so `/\t/evil.example` would become `//evil.example`).
    let visible = next.bytes().all(|b| (0x21..=0x7e).contains(&b));
    if visible && next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/directory"
    }
}

pub(super) async fn login_form(state: St, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let state = state.0;
    if let Ok(true) = state.read(|app, _| app.needs_setup()).await {
        return see_other("/setup");
    }
    let pairs = params::pairs(raw.as_deref());
    let next = pairs.iter().find(|(k, _)| k == "next").map(|(_, v)| v.as_str()).unwrap_or("/directory");
    let (token, set) = pre_csrf(&headers);
    let r = render("login.html", json!({"csrf": token, "next": safe_next(next)}), StatusCode::OK);
    with_pre_csrf(&state, r, &token, set)
}

pub(super) async fn login(state: St, ClientAddr(addr): ClientAddr, headers: HeaderMap, body: Bytes) -> Response {
    let state = state.0;
    let f = form(&body);
    if let Err(e) = check_pre_csrf(&headers, &f) {
        return error_page(e);
    }
    let username = field(&f, "username").trim().to_string();
    let next = safe_next(field(&f, "next")).to_string();
    let again = |error: &str, status: StatusCode| {
        render(
            "login.html",
            json!({"csrf": field(&f, "csrf"), "next": next, "error": error, "username": username}),
            status,
        )
    };
    let client = auth::client_key(addr);
    match auth::attempt(&state, &client, &username).await {
        Ok(true) => {}
        Ok(false) => return again(&auth::rate_limited().message, StatusCode::TOO_MANY_REQUESTS),
        Err(e) => return error_page(e),
    }
    let (name, pw) = (username.clone(), field(&f, "password").to_string());
    // The slow hash runs on a reader, not under the writer's lock.
    let user = match state.read(move |app, _| app.check_password(&name, &pw)).await {
        Ok(Some(user)) => user,
        Ok(None) => return again("wrong username or password", StatusCode::UNAUTHORIZED),
        Err(e) => return error_page(e),
    };
    if let Err(e) = auth::signed_in_ok(&state, &client, &username).await {
        return error_page(e);
    }
    match state.write(move |app, s| app.start_session(&user, s.now())).await {
        Ok(session) => signed_in(&state, &session, &next),
        Err(e) => error_page(e),
    }
}

pub(super) async fn logout(state: St, headers: HeaderMap, Posted(..): Posted) -> Response {
    let state = state.0;
    if let Some(token) = auth::cookie(&headers, auth::SESSION_COOKIE).map(str::to_string)
        && let Err(e) = state.write(move |app, _| app.logout(&token)).await
    {
        return error_page(e);
    }
    let mut r = see_other("/login");
    r.headers_mut().append(header::SET_COOKIE, auth::clear_session_cookie(&state));
    r
}
