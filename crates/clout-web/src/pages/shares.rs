//! Read-only links to a campaign's report, for a client without an account: made and
//! revoked on the campaign page, opened at `/share/{secret}`. A link shows the printable
//! report and nothing else (no menu, no link into the app); an unknown, expired or revoked
//! link is one and the same "not found", so a link's holder learns nothing about others.

use super::*;
use crate::base::render::error_page_with_locale;

/// Makes a link; the campaign page shows its address once, on this answer.
pub(super) async fn create_share(
    state: St,
    headers: HeaderMap,
    uri: axum::http::Uri,
    UrlPath(id): UrlPath<String>,
    Posted(auth, f): Posted,
) -> Response {
    let state = state.0;
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    let raw = field(&f, "days").trim().to_string();
    let days = if raw.is_empty() { Ok(clout_app::SHARE_DAYS) } else { raw.parse::<u32>() };
    let Ok(days) = days else {
        return error_page_for(&auth, ApiError::invalid_parameter("days", format!("'{raw}' is not a number of days")));
    };
    let user = auth.user.clone();
    let secret = match state.write(move |app, s| app.create_share(&user, id, days, s.now())).await {
        Ok((_, secret)) => secret,
        Err(e) => return error_page_for(&auth, e),
    };
    let scheme = if state.config.secure_cookies { "https" } else { "http" };
    // The name the browser used to reach this server (the URI's authority over HTTP/2, else
    // the Host header), which the host check has already accepted.
    let host = uri
        .authority()
        .map(|a| a.as_str().to_string())
        .or_else(|| headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_string))
        .unwrap_or_else(|| "localhost".to_string());
    let url = format!("{scheme}://{host}/share/{secret}");
    super::campaigns::campaign_page(&state, &auth, id, false, Some(url), StatusCode::CREATED).await
}

pub(super) async fn revoke_share(
    state: St,
    UrlPath((id, share)): UrlPath<(String, String)>,
    Posted(auth, _): Posted,
) -> Response {
    let state = state.0;
    let (id, share) = match (path_id(&id), path_id(&share)) {
        (Ok(i), Ok(s)) => (i, s),
        (Err(e), _) | (_, Err(e)) => return error_page_for(&auth, e),
    };
    let user = auth.user.clone();
    match state.write(move |app, s| app.revoke_share(&user, id, share, s.now())).await {
        Ok(()) => see_other(&format!("/campaigns/{id}#shares")),
        Err(e) => error_page_for(&auth, e),
    }
}

/// The report a link opens, without signing in.
pub(super) async fn shared_report(state: St, headers: HeaderMap, UrlPath(secret): UrlPath<String>) -> Response {
    let state = state.0;
    let locale = auth::locale(&headers);
    let found = state.read(move |app, s| app.shared_campaign(&secret, s.now())).await;
    let gone = || {
        ApiError::not_found("this link to a campaign report is unknown, has expired or was revoked: ask for a new one")
    };
    let id = match found {
        Ok(Some(id)) => id,
        Ok(None) => return error_page_with_locale(gone(), &locale),
        Err(e) => return error_page_with_locale(e, &locale),
    };
    match super::campaigns::campaign_context(&state, id, Style::of(&locale)).await {
        Ok(ctx) => {
            // A client reads the creators the campaign works with, never the whole pipeline
            // (who was approached, who declined): `?all=1` means nothing here.
            let mut ctx = super::campaigns::with_filter(ctx, false);
            ctx["shared"] = true.into();
            ctx["locale"] = locale.into();
            ctx["tz"] = "UTC".into();
            let mut r = render("campaign_print.html", ctx, StatusCode::OK);
            r.headers_mut().insert("x-robots-tag", axum::http::HeaderValue::from_static("noindex, nofollow"));
            r
        }
        Err(e) => error_page_with_locale(e, &locale),
    }
}
