//! Pages as answers: the one function that renders a template (every value escaped but
//! our own charts), the error page (for a signed-in user with the menu, or without), and
//! the context every signed-in page shares.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::Auth;
use super::errors::ApiError;

/// Renders a page: the one place a template becomes an answer. Every value of `ctx` is
/// escaped except the strings under its `svg` key, which must be our own charts (drawn by
/// plotters on the server, never anything a user wrote). A rendering failure is our defect,
/// shown as a 500. The security headers (CSP, frames, caching) are set for every answer,
/// pages or not, by the `headers` layer of `security`.
pub(crate) fn render(name: &str, mut ctx: Value, status: StatusCode) -> Response {
    let svg = ctx.as_object_mut().and_then(|o| o.remove("svg"));
    let svg = minijinja::Value::from_pairs(
        svg.iter()
            .filter_map(Value::as_object)
            .flatten()
            .map(|(k, v)| {
                (k.clone(), v.as_str().map(|s| minijinja::Value::from_safe_string(s.to_string())).unwrap_or_default())
            })
            .collect::<Vec<_>>(),
    );
    let value = minijinja::Value::from(minijinja::value::Serde(&ctx));
    let value = minijinja::context! { svg => svg, ..value };
    match super::templates::env().get_template(name).and_then(|t| t.render(value)) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("rendering {name}: {e:#}")).into_response(),
    }
}

/// An error as a page.
pub(crate) fn error_page(e: ApiError) -> Response {
    render("error.html", json!({"status": e.status.as_u16(), "code": e.code, "message": e.message}), e.status)
}

/// An error as a page for someone not signed in, with dates in their locale.
pub(crate) fn error_page_with_locale(e: ApiError, locale: &str) -> Response {
    render(
        "error.html",
        json!({"status": e.status.as_u16(), "code": e.code, "message": e.message, "locale": locale}),
        e.status,
    )
}

pub(crate) fn error_page_for(auth: &Auth, e: ApiError) -> Response {
    render(
        "error.html",
        page_context(auth, "", json!({"status": e.status.as_u16(), "code": e.code, "message": e.message})),
        e.status,
    )
}

/// The context every signed-in page has: the user, their CSRF token, the menu.
pub(crate) fn page_context(auth: &Auth, nav: &str, mut ctx: Value) -> Value {
    ctx["user"] = json!({"username": auth.user.username, "role": auth.user.role.as_str()});
    ctx["csrf"] = auth.csrf_token().into();
    ctx["nav"] = nav.into();
    ctx["derived_stale"] = auth.derived_stale.into();
    ctx["can_write"] = auth.user.role.can_write().into();
    ctx["is_admin"] = (auth.user.role == clout_app::Role::Admin).into();
    ctx["locale"] = auth.locale.clone().into();
    ctx["tz"] = auth.user.timezone.clone().unwrap_or_else(|| "UTC".to_string()).into();
    ctx
}
