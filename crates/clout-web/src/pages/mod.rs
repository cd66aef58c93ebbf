//! The pages: server-rendered HTML forms and links, so everything works with the
//! keyboard and without script. The Directory's URL holds the whole query.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Multipart, OriginalUri, Path as UrlPath, RawQuery};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use clout_core::TierPreset;
use serde_json::{Value, json};

use crate::auth::{self, Auth, ClientAddr};
use crate::error::ApiError;
use crate::params;
use crate::state::State;

type St = axum::extract::State<Arc<State>>;

/// The value, or the page to answer with instead.
macro_rules! page {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(response) => return response,
        }
    };
}

mod accounts;
mod campaigns;
mod plan;

use campaigns::*;
use plan::plan;

pub(crate) fn router() -> axum::Router<Arc<State>> {
    axum::Router::new()
        .route("/", get(home))
        .route("/static/app.css", get(css))
        .route("/setup", get(setup_form).post(setup))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/directory", get(directory))
        .route("/channels/{platform}/{handle}", get(channel))
        .route("/plan", get(plan))
        .route("/campaigns", get(campaigns).post(create_campaign))
        .route("/campaigns/add", post(campaign_add_from_profile))
        .route("/campaigns/{id}", get(campaign))
        .route("/campaigns/{id}/print", get(campaign_print))
        .route("/campaigns/{id}/report.csv", get(campaign_csv))
        .route("/campaigns/{id}/members", post(campaign_add_member))
        .route("/campaigns/{id}/brief", post(campaign_brief))
        .route("/campaigns/{id}/delete", post(campaign_delete))
        .route("/campaigns/{id}/stage", post(campaign_stage))
        .route("/campaigns/{id}/fee", post(campaign_fee))
        .route("/campaigns/{id}/deliverables", post(campaign_add_deliverable))
        .route("/campaigns/{id}/deliverables/{deliverable}/link", post(campaign_link))
        .route("/campaigns/{id}/deliverables/{deliverable}/cancel", post(campaign_cancel))
        .route("/channels/{platform}/{handle}/creator", post(creator_save))
        .route("/channels/{platform}/{handle}/notes", post(creator_note))
        .route("/lists", get(lists).post(create_list))
        .route("/lists/add", post(add_to_list))
        .route("/lists/{id}", get(list))
        .route("/lists/{id}/remove", post(remove_from_list))
        .route("/lists/{id}/delete", post(delete_list))
        .route("/lists/{id}/export.csv", get(export_list))
        .route("/imports", get(imports).post(upload))
        .route("/imports/{id}", get(import_run))
        .route("/imports/{id}/rejects", get(import_rejects))
        .merge(accounts::router())
}

/// Renders a template; a rendering failure is our defect, shown as a 500 page. The
/// security headers (CSP, frames, caching) are set for every answer by `security::headers`.
fn render(name: &str, ctx: Value, status: StatusCode) -> Response {
    match crate::templates::env()
        .get_template(name)
        .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(&ctx))))
    {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("rendering {name}: {e:#}")).into_response(),
    }
}

/// Renders a template whose `svg` values are our own charts, the only values not escaped.
fn render_with_svg(name: &str, ctx: Value, svg: Vec<(&'static str, Option<String>)>, status: StatusCode) -> Response {
    let svg = minijinja::Value::from_pairs(
        svg.into_iter()
            .map(|(k, v)| (k, v.map(minijinja::Value::from_safe_string).unwrap_or_default()))
            .collect::<Vec<_>>(),
    );
    let value = minijinja::Value::from(minijinja::value::Serde(&ctx));
    let value = minijinja::context! { svg => svg, ..value };
    match crate::templates::env().get_template(name).and_then(|t| t.render(value)) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("rendering {name}: {e:#}")).into_response(),
    }
}

/// An error as a page.
pub(crate) fn error_page(e: ApiError) -> Response {
    render("error.html", json!({"status": e.status.as_u16(), "code": e.code, "message": e.message}), e.status)
}

fn error_page_for(auth: &Auth, e: ApiError) -> Response {
    render(
        "error.html",
        base(auth, "", json!({"status": e.status.as_u16(), "code": e.code, "message": e.message})),
        e.status,
    )
}

/// The context every signed-in page has: the user, their CSRF token, the menu.
fn base(auth: &Auth, nav: &str, mut ctx: Value) -> Value {
    ctx["user"] = json!({"username": auth.user.username, "role": auth.user.role.as_str()});
    ctx["csrf"] = auth.csrf_token().into();
    ctx["nav"] = nav.into();
    ctx["can_write"] = auth.user.role.can_write().into();
    ctx["is_admin"] = (auth.user.role == clout_app::Role::Admin).into();
    ctx
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The signed-in user of a page, or where to send the browser instead.
async fn page_auth(state: &Arc<State>, headers: &HeaderMap, uri: &axum::http::Uri) -> Result<Auth, Response> {
    match auth::caller(state, headers).await {
        Ok(Some(a)) => Ok(a),
        Ok(None) => {
            let needs_setup = state.read(|app, _| app.needs_setup()).await.unwrap_or(false);
            if needs_setup {
                return Err(see_other("/setup"));
            }
            let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/directory");
            let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
            Err(see_other(&format!("/login?next={next}")))
        }
        Err(e) => Err(error_page(e)),
    }
}

/// A form body's fields (the last value of a repeated field wins).
fn form(body: &Bytes) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn field<'f>(f: &'f HashMap<String, String>, name: &str) -> &'f str {
    f.get(name).map(String::as_str).unwrap_or("")
}

/// A signed-in user posting a form with its CSRF token.
async fn form_auth(
    state: &Arc<State>,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
    f: &HashMap<String, String>,
) -> Result<Auth, Response> {
    let auth = page_auth(state, headers, uri).await?;
    auth.check_csrf(f.get("csrf").map(String::as_str)).map_err(|e| error_page_for(&auth, e))?;
    Ok(auth)
}

async fn home(state: St, headers: HeaderMap, OriginalUri(uri): OriginalUri) -> Response {
    match page_auth(&state.0, &headers, &uri).await {
        Ok(_) => see_other("/directory"),
        Err(r) => r,
    }
}

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        crate::templates::CSS,
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

async fn setup_form(state: St, headers: HeaderMap) -> Response {
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

async fn setup(state: St, headers: HeaderMap, body: Bytes) -> Response {
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
    if !state.setup_code_matches(field(&f, "setup_code")) {
        return match state.read(|app, _| app.needs_setup()).await {
            Ok(true) => again(crate::api::bad_setup_code().message, StatusCode::FORBIDDEN),
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

async fn login_form(state: St, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
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

async fn login(state: St, ClientAddr(addr): ClientAddr, headers: HeaderMap, body: Bytes) -> Response {
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
    if !auth::attempt(&state, &client, &username) {
        return again(&auth::rate_limited().message, StatusCode::TOO_MANY_REQUESTS);
    }
    let (name, pw) = (username.clone(), field(&f, "password").to_string());
    // The slow hash runs on a reader, not under the writer's lock.
    let user = match state.read(move |app, _| app.check_password(&name, &pw)).await {
        Ok(Some(user)) => user,
        Ok(None) => return again("wrong username or password", StatusCode::UNAUTHORIZED),
        Err(e) => return error_page(e),
    };
    auth::signed_in_ok(&state, &client, &username);
    match state.write(move |app, s| app.start_session(&user, s.now())).await {
        Ok(session) => signed_in(&state, &session, &next),
        Err(e) => error_page(e),
    }
}

async fn logout(state: St, headers: HeaderMap, OriginalUri(uri): OriginalUri, body: Bytes) -> Response {
    let state = state.0;
    let f = form(&body);
    if let Err(r) = form_auth(&state, &headers, &uri, &f).await {
        return r;
    }
    if let Some(token) = auth::cookie(&headers, auth::SESSION_COOKIE).map(str::to_string)
        && let Err(e) = state.write(move |app, _| app.logout(&token)).await
    {
        return error_page(e);
    }
    let mut r = see_other("/login");
    r.headers_mut().append(header::SET_COOKIE, auth::clear_session_cookie(&state));
    r
}

/// A Directory URL with some keys replaced.
fn url_with(pairs: &[(String, String)], set: &[(&str, String)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !set.iter().any(|(s, _)| s == k) && !v.is_empty() {
            ser.append_pair(k, v);
        }
    }
    for (k, v) in set {
        if !v.is_empty() {
            ser.append_pair(k, v);
        }
    }
    let q = ser.finish();
    if q.is_empty() { "/directory".to_string() } else { format!("/directory?{q}") }
}

fn selected(pairs: &[(String, String)], key: &str) -> Vec<String> {
    pairs.iter().filter(|(k, v)| k == key && !v.is_empty()).map(|(_, v)| v.to_lowercase()).collect()
}

async fn directory(state: St, headers: HeaderMap, OriginalUri(uri): OriginalUri, RawQuery(raw): RawQuery) -> Response {
    let state = state.0;
    let auth = page!(page_auth(&state, &headers, &uri).await);
    let pairs = params::pairs(raw.as_deref());
    let single = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut ctx = json!({});
    let mut query_ctx = serde_json::Map::new();
    for k in ["q", "min_followers", "max_followers", "min_er", "max_er", "min_index", "min_growth", "min_quality"] {
        query_ctx.insert(k.to_string(), single(k).into());
    }
    ctx["query"] = Value::Object(query_ctx);
    let sort = single("sort");
    let sort = if sort.is_empty() { "relevance".to_string() } else { sort };
    ctx["sorts"] = [
        ("relevance", "Relevance"),
        ("followers", "Followers"),
        ("er", "Engagement rate"),
        ("index", "Engagement index"),
        ("growth", "Growth"),
    ]
    .iter()
    .map(|(v, l)| json!({"value": v, "label": l, "selected": *v == sort}))
    .collect::<Vec<_>>()
    .into();
    let mut sort_links = serde_json::Map::new();
    for key in ["followers", "er", "index", "growth"] {
        sort_links
            .insert(key.to_string(), url_with(&pairs, &[("sort", key.to_string()), ("offset", String::new())]).into());
    }
    ctx["sort_links"] = Value::Object(sort_links);
    let chosen_labels = selected(&pairs, "label");
    ctx["labels"] = clout_core::EngagementLabel::ALL
        .iter()
        .map(|l| json!({"value": l.as_str(), "selected": chosen_labels.contains(&l.as_str().to_string())}))
        .collect::<Vec<_>>()
        .into();
    let mut status = StatusCode::OK;
    // Disjunctive facets: a group with a choice counts its values under the rest of the
    // query, so the other values stay visible to add.
    let parsed = params::search_query(&pairs, false).map(|mut q| {
        q.facets = clout_core::discovery::Facets::Disjunctive;
        q
    });
    let (results, total, facets, offset, limit) = match parsed {
        Err(e) => {
            status = StatusCode::BAD_REQUEST;
            ctx["error"] = json!({"code": e.code, "message": e.message});
            (Vec::new(), 0, None, 0, 20)
        }
        Ok(q) => {
            let (offset, limit) = (q.offset, q.limit);
            match state.read(move |app, _| app.search(&q)).await {
                Ok(r) => {
                    let rows: Vec<Value> = r
                        .channels
                        .iter()
                        .map(|c| {
                            let m = c.row.metrics.as_ref();
                            json!({
                                "platform": c.row.platform.as_str(), "handle": c.row.handle, "name": c.row.name,
                                "country": c.row.country,
                                "tier": c.tier.map(|t| t.as_str()), "followers": c.row.followers,
                                "er": m.and_then(|m| m.engagement_rate.ok()),
                                "label": m.and_then(|m| m.engagement_label.ok()).map(|l| l.as_str()),
                                "index": m.and_then(|m| m.engagement_index.ok()),
                                "growth": m.and_then(|m| m.follower_growth_30d.ok()),
                                "quality": c.row.quality.map(|q| q.score),
                                "niches": c.niches.iter().map(|n| n.niche.clone()).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    (rows, r.page.total, r.page.facets, offset, limit)
                }
                Err(e) => {
                    status = e.status;
                    ctx["error"] = json!({"code": e.code, "message": e.message});
                    (Vec::new(), 0, None, offset, limit)
                }
            }
        }
    };
    let facet = |key: &str, title: &str, counts: Option<&Vec<(String, u64)>>, max: usize| {
        let chosen = selected(&pairs, key);
        let mut values: Vec<Value> = counts
            .map(|c| {
                c.iter()
                    .take(max)
                    .map(|(v, n)| json!({"value": v, "label": v, "count": n, "selected": chosen.contains(&v.to_lowercase())}))
                    .collect()
            })
            .unwrap_or_default();
        // A chosen value stays visible (with its count) even past the top ones.
        for c in &chosen {
            if !values.iter().any(|v| v["value"].as_str().is_some_and(|s| s.eq_ignore_ascii_case(c))) {
                let n = counts
                    .and_then(|cs| cs.iter().find(|(v, _)| v.eq_ignore_ascii_case(c)))
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                values.push(json!({"value": c, "label": c, "count": n, "selected": true}));
            }
        }
        json!({"key": key, "title": title, "values": values})
    };
    let f = facets.as_ref();
    ctx["facet_groups"] = json!([
        facet("platform", "Platform", f.map(|f| &f.platform), 20),
        facet("tier", "Tier", f.map(|f| &f.tier), 10),
        facet("niche", "Niche", f.map(|f| &f.niche), 40),
        facet("country", "Country", f.map(|f| &f.country), 30),
        facet("language", "Language", f.map(|f| &f.language), 20),
    ]);
    let shown = results.len();
    ctx["results"] = results.into();
    ctx["total"] = total.into();
    ctx["first"] = (offset + 1).into();
    ctx["last"] = (offset + shown).into();
    if offset > 0 {
        ctx["prev_url"] = url_with(&pairs, &[("offset", offset.saturating_sub(limit).to_string())]).into();
    }
    if ((offset + shown) as u64) < total && offset + limit <= params::MAX_OFFSET {
        ctx["next_url"] = url_with(&pairs, &[("offset", (offset + limit).to_string())]).into();
    }
    render("directory.html", base(&auth, "directory", ctx), status)
}

fn pct(m: clout_core::Metric<f64>) -> String {
    match m {
        Ok(v) => format!("{v:.2} %"),
        Err(r) => format!("– ({})", r.explanation()),
    }
}

fn num(m: clout_core::Metric<f64>, digits: usize) -> String {
    match m {
        Ok(v) => format!("{v:.digits$}"),
        Err(r) => format!("– ({})", r.explanation()),
    }
}

fn day(t: clout_core::Timestamp) -> f64 {
    t.unix() as f64 / 86_400.0
}

async fn channel(
    state: St,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    let state = state.0;
    let auth = page!(page_auth(&state, &headers, &uri).await);
    let reference = format!("{platform}/{handle}");
    // A quote to judge, from the price form (`?quote=250&deliverable=video#price`).
    let pairs = params::pairs(raw.as_deref());
    let single = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_string());
    let quote_text = single("quote").filter(|q| !q.is_empty());
    let quote_deliverable = single("deliverable")
        .and_then(|d| clout_core::price::Deliverable::parse(&d))
        .unwrap_or(clout_core::price::Deliverable::Post);
    let price_reference = reference.clone();
    let prices = state
        .read(move |app, _| {
            let card = app.rate_card()?;
            let mut rows = Vec::new();
            for d in clout_core::price::Deliverable::ALL {
                let quote = match (&quote_text, d == quote_deliverable) {
                    (Some(q), true) => Some(
                        clout_core::money::Money::parse(q.trim_start_matches('$'), card.currency)
                            .map_err(|e| clout_app::Error::Invalid(format!("quote: {e}")))?,
                    ),
                    _ => None,
                };
                match app.price(&price_reference, d, quote, TierPreset::Scrunch) {
                    Ok(r) => rows.push(clout_wire::price_json(&r)),
                    Err(clout_app::Error::Invalid(_)) if quote.is_none() => return Ok(Vec::new()),
                    Err(e) => return Err(e),
                }
            }
            Ok(rows)
        })
        .await;
    let loaded = state
        .read(move |app, _| {
            let profile = app.channel_profile(&reference, TierPreset::Scrunch)?;
            let quality = app.quality(&reference, TierPreset::Scrunch).ok();
            let similar = app.similar(&reference, 8, TierPreset::Scrunch)?;
            let peers = match &profile.peers {
                Some(p) => app.peer_rates(p)?,
                None => Vec::new(),
            };
            let lists = app.lists()?;
            let relationship = app.relationship(&reference, TierPreset::Scrunch)?;
            let campaigns = app.campaigns()?;
            Ok((profile, quality, similar, peers, lists, (relationship, campaigns)))
        })
        .await;
    let (profile, quality, similar, peer_rates, lists, (relationship, campaigns)) = match loaded {
        Ok(v) => v,
        Err(e) => return error_page_for(&auth, e),
    };
    let (prices, price_error) = match prices {
        Ok(p) => (p, None),
        Err(e) => (Vec::new(), Some(json!({"code": e.code, "message": e.message}))),
    };
    let r = &profile.view.row;
    let m = r.metrics.as_ref();
    let source = r.source.clone().unwrap_or_else(|| "unknown file".to_string());
    let observed = r.as_of.map(clout_wire::time).unwrap_or_else(|| "never".to_string());
    let measured = format!("measured: read from {source}, observed {observed}");
    let window = match m {
        Some(m) => format!(
            "{} posts ({}) published after {} and by {}",
            m.posts_in_window,
            m.window_rule.as_str().replace('_', " "),
            clout_wire::time(m.thirty_days_after),
            clout_wire::time(m.eligible_until)
        ),
        None => "no window: no channel record yet".to_string(),
    };
    let no_metrics = || Err(clout_core::NullReason::NoChannelRecord);
    let derived = "derived: computed by Clout from the measured posts and follower counts".to_string();
    let metric = |key: &str, title: &str, value: String, formula: &str, window: &str, provenance: &str| json!({"key": key, "title": title, "value": value, "formula": formula, "window": window, "provenance": provenance});
    let peers_text = match &profile.peers {
        Some(p) => {
            format!("{} {} channels, median rate {:.2} %", p.platform.as_str(), p.bucket.as_str(), p.median_rate)
        }
        None => "no peer group".to_string(),
    };
    let fit_text = match profile.fit {
        Some(f) => format!(
            "fit over {} {} channels: ln(rate) = {:.3} + {:.3} × ln(followers)",
            f.n,
            r.platform.as_str(),
            f.a,
            f.b
        ),
        None => "no size fit for this platform yet (needs 30 channels)".to_string(),
    };
    let metrics = vec![
        metric(
            "followers",
            "Followers",
            r.followers.map(crate::templates::thousands_u64).unwrap_or_else(|| "–".into()),
            "the follower count of the newest channel record",
            "as of the newest channel record",
            &measured,
        ),
        metric(
            "engagement_rate",
            "Engagement rate",
            pct(m.map_or_else(no_metrics, |m| m.engagement_rate)),
            "mean over window posts of (likes + comments + shares) / followers × 100",
            &window,
            &derived,
        ),
        metric(
            "median_engagement_rate",
            "Median rate",
            pct(m.map_or_else(no_metrics, |m| m.median_engagement_rate)),
            "median of the per-post rates",
            &window,
            &derived,
        ),
        metric(
            "engagement_label",
            "Label",
            m.map_or(Err(clout_core::NullReason::NoChannelRecord), |m| m.engagement_label)
                .map(|l| l.as_str().to_string())
                .unwrap_or_else(|r| format!("– ({})", r.explanation())),
            "from the percentile among peers: low < 25, good < 75, high < 90, very high ≥ 90 (fixed rate bands without 30 peers)",
            &peers_text,
            &derived,
        ),
        metric(
            "engagement_percentile",
            "Percentile among peers",
            num(m.map_or_else(no_metrics, |m| m.engagement_percentile), 0),
            "100 × peers with a lower rate / peers (same platform and size bucket)",
            &peers_text,
            &derived,
        ),
        metric(
            "engagement_index",
            "Engagement index",
            num(m.map_or_else(no_metrics, |m| m.engagement_index), 2),
            "rate / exp(a + b × ln(followers)): 1.0 is typical for the size",
            &fit_text,
            &derived,
        ),
        metric(
            "follower_growth_30d",
            "Growth, 30 days",
            pct(m.map_or_else(no_metrics, |m| m.follower_growth_30d)),
            "(followers − f0) / f0 × 100, f0 the newest count at least 30 days before as of",
            "the follower history",
            &derived,
        ),
        metric(
            "posts_per_week",
            "Posts per week",
            m.map(|m| format!("{:.2}", m.posts_per_week)).unwrap_or_else(|| "–".into()),
            "posts in the last 90 days / (90 / 7)",
            "90 days to as of",
            &derived,
        ),
        metric(
            "comments_per_100_likes",
            "Comments per 100 likes",
            num(m.map_or_else(no_metrics, |m| m.comments_per_100_likes), 2),
            "100 × sum(comments) / sum(likes)",
            &window,
            &derived,
        ),
        metric(
            "engagement_cv",
            "Consistency (CV)",
            num(m.map_or_else(no_metrics, |m| m.engagement_cv), 2),
            "standard deviation of per-post rates / their mean (lower is steadier)",
            &window,
            &derived,
        ),
        metric(
            "avg_likes",
            "Average likes",
            num(m.map_or_else(no_metrics, |m| m.avg_likes), 0),
            "mean likes of window posts",
            &window,
            &derived,
        ),
        metric(
            "avg_views",
            "Average views",
            num(m.map_or_else(no_metrics, |m| m.avg_views), 0),
            "mean views of window posts with views",
            &window,
            &derived,
        ),
    ];
    // Charts.
    let rates: Vec<f64> = profile.posts.iter().filter_map(|p| p.rate).collect();
    let median = {
        let mut s = rates.clone();
        s.sort_by(f64::total_cmp);
        if s.is_empty() {
            None
        } else if s.len() % 2 == 1 {
            Some(s[s.len() / 2])
        } else {
            Some((s[s.len() / 2 - 1] + s[s.len() / 2]) / 2.0)
        }
    };
    let points: Vec<crate::charts::PostPoint> = profile
        .posts
        .iter()
        .filter(|p| p.eligible)
        .filter_map(|p| {
            let rate = p.rate?;
            Some(crate::charts::PostPoint {
                day: day(p.post.snapshot.published_at),
                rate,
                viral: median.is_some_and(|md| md > 0.0 && rate >= 3.0 * md),
            })
        })
        .collect();
    let window_span = m.map(|m| {
        (
            day(m.thirty_days_after).min(
                profile
                    .posts
                    .iter()
                    .filter(|p| p.in_window)
                    .map(|p| day(p.post.snapshot.published_at))
                    .fold(f64::INFINITY, f64::min),
            ),
            day(m.eligible_until),
        )
    });
    let engagement_svg = if points.is_empty() { None } else { crate::charts::engagement(&points, window_span).ok() };
    let history: Vec<(f64, u64)> = profile.history.iter().map(|h| (day(h.observed_at), h.followers)).collect();
    let followers_svg = if history.len() < 2 { None } else { crate::charts::followers(&history).ok() };
    let marker = m.and_then(|m| m.engagement_rate.ok());
    let peers_svg = if peer_rates.is_empty() { None } else { crate::charts::peers(&peer_rates, marker).ok() };
    let safe = |s: Option<String>| s.map(minijinja::Value::from_safe_string);
    let posts: Vec<Value> = profile
        .posts
        .iter()
        .take(20)
        .map(|p| {
            let s = &p.post.snapshot;
            json!({"published": clout_wire::time(s.published_at), "type": p.post.post_type, "likes": s.likes, "comments": s.comments,
                "views": s.views, "rate": p.rate, "in_window": p.in_window, "caption": p.post.caption})
        })
        .collect();
    let c = json!({
        "platform": r.platform.as_str(), "handle": r.handle, "name": r.name, "bio": r.bio,
        "url": r.url.as_deref().filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        "tier": profile.view.tier.map(|t| t.as_str()), "label": m.and_then(|m| m.engagement_label.ok()).map(|l| l.as_str()),
        "verified": r.verified, "country": r.country, "language": r.language,
    });
    let niches: Vec<Value> = profile
        .view
        .niches
        .iter()
        .map(|n| json!({"niche": n.niche, "confidence": n.confidence, "evidence": n.evidence.iter().map(|(field, count, term)| json!({"field": field, "count": count, "term": term})).collect::<Vec<_>>()}))
        .collect();
    let lookalikes: Vec<Value> = similar
        .iter()
        .map(|s| json!({"platform": s.channel.row.platform.as_str(), "handle": s.channel.row.handle, "followers": s.channel.row.followers, "score": s.lookalike.similarity,
            "parts": format!("niches {:.2}, hashtags {:.2}, size {:.2}", s.lookalike.niches, s.lookalike.hashtags, s.lookalike.size),
            "niches": s.channel.niches.iter().map(|n| n.niche.clone()).collect::<Vec<_>>()}))
        .collect();
    let ctx = json!({
        "c": c, "metrics": metrics, "niches": niches, "posts": posts, "lookalikes": lookalikes,
        "quality": quality.as_ref().map(clout_wire::quality_json),
        "prices": prices, "price_error": price_error,
        "relationship": clout_wire::relationship_json(&relationship),
        "campaigns": campaigns.iter().map(|c| json!({"id": c.id, "name": c.brief.name})).collect::<Vec<_>>(),
        "quote": single("quote").unwrap_or_default(), "quote_deliverable": quote_deliverable.as_str(),
        "window_text": window, "peers_text": peers_text,
        "growth_text": m.and_then(|m| m.follower_growth_30d.ok()).map(|g| format!("{g:+.1} %")),
        "lists": lists.iter().map(|l| json!({"id": l.id, "name": l.name, "members": l.members})).collect::<Vec<_>>(),
        "charts": {"engagement_points": points.len(), "follower_points": history.len(), "peer_count": peer_rates.len()},
    });
    let ctx = base(&auth, "directory", ctx);
    // The SVG charts are ours, so they are the only values rendered unescaped.
    let value = minijinja::Value::from(minijinja::value::Serde(&ctx));
    let charts = minijinja::context! {
        engagement => safe(engagement_svg), followers => safe(followers_svg), peers => safe(peers_svg),
        engagement_points => points.len(), follower_points => history.len(), peer_count => peer_rates.len(),
    };
    let value = minijinja::context! { charts => charts, ..value };
    match crate::templates::env().get_template("channel.html").and_then(|t| t.render(value)) {
        Ok(html) => Html(html).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("rendering channel.html: {e:#}")).into_response(),
    }
}

fn list_rows(lists: &[clout_app::ListRow]) -> Vec<Value> {
    lists
        .iter()
        .map(|l| json!({"id": l.id, "name": l.name, "members": l.members, "created_by": l.created_by, "created_at": clout_wire::time(l.created_at)}))
        .collect()
}

async fn lists(state: St, headers: HeaderMap, OriginalUri(uri): OriginalUri) -> Response {
    let state = state.0;
    let auth = page!(page_auth(&state, &headers, &uri).await);
    match state.read(|app, _| app.lists()).await {
        Ok(l) => render("lists.html", base(&auth, "lists", json!({"lists": list_rows(&l)})), StatusCode::OK),
        Err(e) => error_page_for(&auth, e),
    }
}

async fn create_list(state: St, headers: HeaderMap, OriginalUri(uri): OriginalUri, body: Bytes) -> Response {
    let state = state.0;
    let f = form(&body);
    let auth = page!(form_auth(&state, &headers, &uri, &f).await);
    let name = field(&f, "name").to_string();
    let user = auth.user.clone();
    match state.write(move |app, s| app.create_list(&user, &name, s.now())).await {
        Ok(l) => see_other(&format!("/lists/{}", l.id)),
        Err(e) => error_page_for(&auth, e),
    }
}

async fn add_to_list(state: St, headers: HeaderMap, OriginalUri(uri): OriginalUri, body: Bytes) -> Response {
    let state = state.0;
    let f = form(&body);
    let auth = page!(form_auth(&state, &headers, &uri, &f).await);
    let Ok(id) = field(&f, "list").parse::<i64>() else {
        return error_page_for(&auth, ApiError::bad_request("invalid_parameter", "choose a list"));
    };
    let (channel, note) = (field(&f, "channel").to_string(), field(&f, "note").to_string());
    let user = auth.user.clone();
    match state.write(move |app, s| app.add_to_list(&user, id, &channel, &note, s.now())).await {
        Ok(()) => see_other(&format!("/lists/{id}")),
        Err(e) => error_page_for(&auth, e),
    }
}

fn path_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("'{raw}' is not an id")))
}

async fn list(state: St, headers: HeaderMap, OriginalUri(uri): OriginalUri, UrlPath(id): UrlPath<String>) -> Response {
    let state = state.0;
    let auth = page!(page_auth(&state, &headers, &uri).await);
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    match state.read(move |app, _| app.list(id, TierPreset::Scrunch)).await {
        Ok((row, entries)) => {
            let members: Vec<Value> = entries
                .iter()
                .map(|e| {
                    let r = &e.channel.row;
                    json!({"platform": r.platform.as_str(), "handle": r.handle, "tier": e.channel.tier.map(|t| t.as_str()), "followers": r.followers,
                        "er": r.metrics.as_ref().and_then(|m| m.engagement_rate.ok()), "note": e.note, "added_by": e.added_by, "added_at": clout_wire::time(e.added_at)})
                })
                .collect();
            let l = list_rows(std::slice::from_ref(&row)).remove(0);
            render("list.html", base(&auth, "lists", json!({"list": l, "members": members})), StatusCode::OK)
        }
        Err(e) => error_page_for(&auth, e),
    }
}

async fn remove_from_list(
    state: St,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    UrlPath(id): UrlPath<String>,
    body: Bytes,
) -> Response {
    let state = state.0;
    let f = form(&body);
    let auth = page!(form_auth(&state, &headers, &uri, &f).await);
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    let channel = field(&f, "channel").to_string();
    let user = auth.user.clone();
    match state.write(move |app, _| app.remove_from_list(&user, id, &channel)).await {
        Ok(()) => see_other(&format!("/lists/{id}")),
        Err(e) => error_page_for(&auth, e),
    }
}

async fn delete_list(
    state: St,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    UrlPath(id): UrlPath<String>,
    body: Bytes,
) -> Response {
    let state = state.0;
    let f = form(&body);
    let auth = page!(form_auth(&state, &headers, &uri, &f).await);
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    let user = auth.user.clone();
    match state.write(move |app, _| app.delete_list(&user, id)).await {
        Ok(()) => see_other("/lists"),
        Err(e) => error_page_for(&auth, e),
    }
}

async fn export_list(
    state: St,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let state = state.0;
    let auth = page!(page_auth(&state, &headers, &uri).await);
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    match crate::api::list_csv_response(&state, id).await {
        Ok(r) => r,
        Err(e) => error_page_for(&auth, e),
    }
}

async fn imports(state: St, headers: HeaderMap, OriginalUri(uri): OriginalUri) -> Response {
    let state = state.0;
    let auth = page!(page_auth(&state, &headers, &uri).await);
    match state.read(|app, _| app.runs()).await {
        Ok(runs) => render(
            "imports.html",
            base(
                &auth,
                "imports",
                json!({"runs": runs.iter().rev().map(|r| crate::api::run_json(r, &state.data_dir())).collect::<Vec<_>>()}),
            ),
            StatusCode::OK,
        ),
        Err(e) => error_page_for(&auth, e),
    }
}

async fn upload(state: St, headers: HeaderMap, OriginalUri(uri): OriginalUri, form: Multipart) -> Response {
    let state = state.0;
    let auth = page!(page_auth(&state, &headers, &uri).await);
    if let Err(e) = auth.user.require_write() {
        return error_page_for(&auth, e.into());
    }
    let files = match crate::api::receive_upload(&state, form, Some(&auth)).await {
        Ok(v) => v,
        Err(e) => return error_page_for(&auth, e),
    };
    match crate::api::run_import(&state, files).await {
        Ok(summary) => match summary.run {
            Some(run) => see_other(&format!("/imports/{run}")),
            None => error_page_for(&auth, ApiError::internal("the import started no run")),
        },
        Err(e) => error_page_for(&auth, e),
    }
}

async fn import_run(
    state: St,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let state = state.0;
    let auth = page!(page_auth(&state, &headers, &uri).await);
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    match state.read(move |app, _| Ok((app.run(id)?, app.rejects(id)?))).await {
        Ok((run, rejects)) => {
            let data_dir = state.data_dir();
            let detail =
                crate::api::run_detail_json(&run, &rejects, &crate::api::reject_files(&data_dir, id), &data_dir);
            let ctx = json!({"run": detail, "rejects": detail["rejects"], "reject_files": detail["reject_files"], "file_errors": []});
            render("import.html", base(&auth, "imports", ctx), StatusCode::OK)
        }
        Err(e) => error_page_for(&auth, e),
    }
}

async fn import_rejects(
    state: St,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    UrlPath(id): UrlPath<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let state = state.0;
    let auth = page!(page_auth(&state, &headers, &uri).await);
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    let pairs = params::pairs(raw.as_deref());
    let file = pairs.iter().find(|(k, _)| k == "file").map(|(_, v)| v.clone());
    match crate::api::rejects_download(&state, id, file.as_deref()).await {
        Ok(r) => r,
        Err(e) => error_page_for(&auth, e),
    }
}

/// A handle (or any text) as one URL path segment: everything but RFC 3986's unreserved
/// characters is percent-encoded, so `a#b` or `ü` link to their own channel.
pub(crate) fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
