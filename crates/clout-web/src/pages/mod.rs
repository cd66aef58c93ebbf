//! The pages: server-rendered HTML forms and links, so everything works with the
//! keyboard and without script. The Directory's URL holds the whole query. This module
//! holds the router and what every page handler shares (who is signed in, form fields,
//! redirects); a module per family renders its pages: `sign_in`, `directory`, `channel`,
//! `posts`, `brands`, `lists`, `imports`, `sources`, `plan`, `campaigns` (with the creator forms), `shares` (a campaign's
//! report for a client), `accounts`; `charts`
//! draws their SVG. The pages use the base (`crate::base`), never the API; the imports
//! here are the prelude each family takes with `use super::*`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Multipart, Path as UrlPath, RawQuery};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use clout_core::TierPreset;
use serde_json::{Value, json};

use crate::base::auth::{self, Auth, ClientAddr};
use crate::base::dates::Style;
use crate::base::downloads;
use crate::base::errors::{ApiError, ErrorCode};
use crate::base::imports::{receive_upload, run_detail, run_import, run_json};
use crate::base::params;
use crate::base::render::{error_page, error_page_for, page_context, render};
use crate::base::state::State;
use crate::base::templates;
use extract::{Page, PageId, Posted};

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
mod brands;
mod brief;
mod campaigns;
mod channel;
mod charts;
mod directory;
mod extract;
mod imports;
mod lists;
mod plan;
mod posts;
mod shares;
mod sign_in;
mod sources;

/// The URL of the page at `path` whose query is `pairs` with the keys of `set` replaced
/// (an empty value removes the key).
fn page_url(path: &str, pairs: &[(String, String)], set: &[(&str, String)]) -> String {
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
    if q.is_empty() { path.to_string() } else { format!("{path}?{q}") }
}

pub(crate) fn router() -> axum::Router<Arc<State>> {
    axum::Router::new()
        .route("/", get(sign_in::home))
        .route("/static/app.css", get(sign_in::css))
        .route("/setup", get(sign_in::setup_form).post(sign_in::setup))
        .route("/login", get(sign_in::login_form).post(sign_in::login))
        .route("/logout", post(sign_in::logout))
        .route("/directory", get(directory::directory))
        .route("/posts", get(posts::posts))
        .route("/brief", get(brief::brief))
        .route("/brands", get(brands::brands))
        .route("/searches", post(directory::save_search))
        .route("/searches/{id}/delete", post(directory::delete_search))
        .route("/channels/{platform}/{handle}", get(channel::channel))
        .route("/channels/{platform}/{handle}/picture", get(channel::picture))
        .route("/plan", get(plan::plan))
        .route("/campaigns", get(campaigns::campaigns).post(campaigns::create_campaign))
        .route("/campaigns/add", post(campaigns::campaign_add_from_profile))
        .route("/campaigns/{id}", get(campaigns::campaign))
        .route("/campaigns/{id}/print", get(campaigns::campaign_print))
        .route("/campaigns/{id}/report.csv", get(campaigns::campaign_csv))
        .route("/campaigns/{id}/members", post(campaigns::campaign_add_member))
        .route("/campaigns/{id}/brief", post(campaigns::campaign_brief))
        .route("/campaigns/{id}/delete", post(campaigns::campaign_delete))
        .route("/campaigns/{id}/shares", post(shares::create_share))
        .route("/campaigns/{id}/shares/{share}/revoke", post(shares::revoke_share))
        .route("/share/{secret}", get(shares::shared_report))
        .route("/campaigns/{id}/stage", post(campaigns::campaign_stage))
        .route("/campaigns/{id}/fee", post(campaigns::campaign_fee))
        .route("/campaigns/{id}/deliverables", post(campaigns::campaign_add_deliverable))
        .route("/campaigns/{id}/deliverables/{deliverable}/link", post(campaigns::campaign_link))
        .route("/campaigns/{id}/deliverables/{deliverable}/cancel", post(campaigns::campaign_cancel))
        .route("/channels/{platform}/{handle}/creator", post(campaigns::creator_save))
        .route("/channels/{platform}/{handle}/notes", post(campaigns::creator_note))
        .route("/lists", get(lists::lists).post(lists::create_list))
        .route("/lists/add", post(lists::add_to_list))
        .route("/lists/{id}", get(lists::list))
        .route("/lists/{id}/remove", post(lists::remove_from_list))
        .route("/lists/{id}/delete", post(lists::delete_list))
        .route("/lists/{id}/campaign", post(lists::campaign_from_list))
        .route("/lists/{id}/export.csv", get(lists::export_list))
        .route("/sources", get(sources::sources))
        .route("/sources/fetch", post(sources::fetch))
        .route("/sources/discover", post(sources::discover))
        .route("/imports", get(imports::imports).post(imports::upload))
        .route("/imports/{id}", get(imports::import_run))
        .route("/imports/{id}/rejects", get(imports::import_rejects))
        .merge(accounts::router())
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

fn selected(pairs: &[(String, String)], key: &str) -> Vec<String> {
    pairs.iter().filter(|(k, v)| k == key && !v.is_empty()).map(|(_, v)| v.to_lowercase()).collect()
}

fn path_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|i| *i > 0).ok_or_else(|| ApiError::not_found(format!("'{raw}' is not an id")))
}

/// A handle (or any text) as one URL path segment: everything but RFC 3986's unreserved
/// characters is percent-encoded, so `a#b` or `ü` link to their own channel.
fn path_segment(text: &str) -> String {
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
