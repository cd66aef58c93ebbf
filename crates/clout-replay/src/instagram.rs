//! The Instagram Graph API's business discovery: `GET /v21.0/{ig-user-id}?fields=
//! business_discovery.username(NAME){…,media.after(CURSOR).limit(N){…}}`, as Meta's
//! reference documents it.
//!
//! An account is one JSON file (`data/instagram/*.json`): `profile` (the profile fields)
//! and `media` (newest first). Written from the docs: the token and the caller's own
//! account id are required (a wrong token is a 400 `OAuthException` code 190); an unknown
//! username is a 400 code 110, subcode 2207013; media pages carry `paging.cursors.after`
//! and `paging.next` while more remain; a hidden like count is absent; times are
//! `2026-11-20T10:00:00+0000`. A scripted status fault answers Meta's rate-limit error
//! (code 4).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use crate::{FaultKind, Running, Shared, lock, query_pairs, serve};

/// The token and account id the server accepts.
pub const TOKEN: &str = "EAAreplay-token-000";
pub const USER_ID: &str = "17841400000009999";

#[derive(Debug, Clone, Default)]
pub struct World {
    pub accounts: Vec<Value>,
    pub page_size: usize,
}

impl World {
    /// The accounts shipped with this crate (`data/instagram`).
    pub fn fixtures() -> World {
        World { accounts: crate::fixtures("instagram"), page_size: 25 }
    }
}

struct Server {
    world: World,
    shared: Arc<Shared>,
}

pub fn start(world: World) -> Running {
    let shared = Arc::new(Shared::default());
    let state = Arc::new(Server { world, shared: shared.clone() });
    serve(axum::Router::new().fallback(handle).with_state(state), shared)
}

fn answer(status: StatusCode, body: Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=UTF-8")
        .body(Body::from(body.to_string()))
        .unwrap_or_default()
}

fn oauth_error(code: i64, subcode: Option<i64>, message: &str) -> Response {
    let mut error = json!({"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AReplay"});
    if let Some(s) = subcode {
        error["error_subcode"] = json!(s);
    }
    answer(StatusCode::BAD_REQUEST, json!({ "error": error }))
}

/// The text between `name(` and its `)` in a fields expression.
fn arg<'a>(fields: &'a str, name: &str) -> Option<&'a str> {
    let start = fields.find(&format!("{name}("))? + name.len() + 1;
    let end = fields[start..].find(')')? + start;
    Some(&fields[start..end])
}

async fn handle(State(server): State<Arc<Server>>, uri: Uri, RawQuery(raw): RawQuery) -> Response {
    let q = query_pairs(raw.as_deref());
    let param = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let fields = param("fields").unwrap_or_default();
    lock(&server.shared.log).push(format!("{}?fields={fields}", uri.path().replace(USER_ID, "{ig-user-id}")));
    match server.shared.fault_for("business_discovery") {
        Some(FaultKind::Status { status, retry_after }) => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            let mut r = answer(
                code,
                json!({"error": {"message": "(#4) Application request limit reached", "type": "OAuthException",
                    "is_transient": true, "code": 4, "fbtrace_id": "AReplay"}}),
            );
            if let Some(s) = retry_after
                && let Ok(v) = s.to_string().parse()
            {
                r.headers_mut().insert("retry-after", v);
            }
            return r;
        }
        Some(FaultKind::Malformed) => return Response::new(Body::from("{\"business_discovery\": ")),
        Some(FaultKind::Hang) => tokio::time::sleep(std::time::Duration::from_secs(3600)).await,
        None => {}
    }
    if param("access_token").as_deref() != Some(TOKEN) {
        return oauth_error(190, None, "Invalid OAuth access token - Cannot parse access token");
    }
    if uri.path().trim_start_matches('/').split('/').nth(1) != Some(USER_ID) {
        return oauth_error(100, Some(33), "Unsupported get request. Object with ID does not exist");
    }
    let Some(username) = arg(&fields, "business_discovery.username").map(str::to_lowercase) else {
        return oauth_error(100, None, "(#100) Missing business_discovery field");
    };
    let Some(account) =
        server.world.accounts.iter().find(|a| a["profile"]["username"].as_str() == Some(username.as_str()))
    else {
        return oauth_error(110, Some(2_207_013), "Invalid user id");
    };
    let limit = arg(&fields, "limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(25).clamp(1, 100);
    let page = limit.min(server.world.page_size.max(1));
    let offset = arg(&fields, "media.after")
        .and_then(|c| c.strip_prefix("QVFH").and_then(|n| n.parse::<usize>().ok()))
        .unwrap_or(0);
    let media = account["media"].as_array().cloned().unwrap_or_default();
    let end = (offset + page).min(media.len());
    let mut paging = json!({"cursors": {"before": format!("QVFH{offset}"), "after": format!("QVFH{end}")}});
    if end < media.len() {
        paging["next"] = json!(format!("https://graph.facebook.com/v21.0/{USER_ID}?fields=next-page"));
    }
    let mut discovery = account["profile"].clone();
    discovery["media"] = json!({"data": media.get(offset.min(media.len())..end).unwrap_or(&[]), "paging": paging});
    answer(StatusCode::OK, json!({"business_discovery": discovery, "id": USER_ID}))
}
