//! The YouTube Data API v3: `channels`, `playlistItems`, `videos`, `commentThreads` and
//! `search` under `/youtube/v3/`, as Google's reference documents them.
//!
//! A channel is one JSON file (`data/youtube/*.json`): `channel` (a channel resource),
//! `videos` (video resources, newest first), `comments` (commentThread resources by video
//! id) and `comments_disabled` (video ids). The uploads playlist is `UU` + the channel id
//! without its `UC`.
//!
//! Behaviour written from the docs: every request needs `key` (a wrong one is a 400
//! `badRequest` "API key not valid"); counts are decimal strings; `forHandle` takes one
//! handle with or without `@`; an unknown channel is an answer without `items`; a video
//! with comments turned off is a 403 `commentsDisabled`; pages are `maxResults` (at most
//! 50, and at most the server's page size) with `nextPageToken`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use crate::{FaultKind, Running, Shared, lock, query_pairs, serve};

/// The API key the server accepts.
pub const KEY: &str = "test-key-AIzaReplay000";

#[derive(Debug, Clone, Default)]
pub struct World {
    pub channels: Vec<Value>,
    pub page_size: usize,
}

impl World {
    /// The channels shipped with this crate (`data/youtube`).
    pub fn fixtures() -> World {
        World { channels: crate::fixtures("youtube"), page_size: 50 }
    }
}

impl World {
    /// Moves every time so that the newest video is a day old.
    pub fn shift_to_present(&mut self) {
        let newest = self
            .channels
            .iter()
            .flat_map(|c| c["videos"].as_array().into_iter().flatten())
            .filter_map(|v| v["snippet"]["publishedAt"].as_str()?.parse::<jiff::Timestamp>().ok())
            .max();
        let Some(newest) = newest else { return };
        let delta = crate::to_present(newest);
        for c in &mut self.channels {
            crate::shift(c, delta);
        }
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

fn error(status: u16, reason: &str, message: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let google_status = match status {
        400 => "INVALID_ARGUMENT",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        _ => "INTERNAL",
    };
    answer(
        code,
        json!({"error": {"code": status, "message": message,
            "errors": [{"message": message, "domain": "youtube.api", "reason": reason}], "status": google_status}}),
    )
}

fn list(kind: &str, items: Vec<Value>, next: Option<String>, total: usize) -> Response {
    let mut body =
        json!({"kind": kind, "etag": "replay", "pageInfo": {"totalResults": total, "resultsPerPage": items.len()}});
    if !items.is_empty() {
        body["items"] = Value::Array(items);
    }
    if let Some(n) = next {
        body["nextPageToken"] = json!(n);
    }
    answer(StatusCode::OK, body)
}

async fn handle(State(server): State<Arc<Server>>, uri: Uri, RawQuery(raw): RawQuery) -> Response {
    let method = uri.path().trim_start_matches("/youtube/v3/").to_string();
    // The log never holds the key, as a real server's access log should not.
    let q = query_pairs(raw.as_deref());
    let logged: Vec<String> = q.iter().filter(|(k, _)| k != "key").map(|(k, v)| format!("{k}={v}")).collect();
    lock(&server.shared.log).push(format!("{method}?{}", logged.join("&")));
    match server.shared.fault_for(&method) {
        Some(FaultKind::Status { status, retry_after }) => {
            let mut r = error(status, if status == 403 { "quotaExceeded" } else { "backendError" }, "scripted fault");
            if let Some(s) = retry_after
                && let Ok(v) = s.to_string().parse()
            {
                r.headers_mut().insert("retry-after", v);
            }
            return r;
        }
        Some(FaultKind::Malformed) => return Response::new(Body::from("<html>502 Bad Gateway</html>")),
        Some(FaultKind::Hang) => tokio::time::sleep(std::time::Duration::from_secs(3600)).await,
        None => {}
    }
    let param = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    if param("key").as_deref() != Some(KEY) {
        return error(400, "badRequest", "API key not valid. Please pass a valid API key.");
    }
    let world = &server.world;
    let max =
        param("maxResults").and_then(|m| m.parse::<usize>().ok()).unwrap_or(5).clamp(1, 50).min(world.page_size.max(1));
    let offset =
        param("pageToken").and_then(|t| t.strip_prefix("CA").and_then(|n| n.parse::<usize>().ok())).unwrap_or(0);
    let page = |items: Vec<Value>| {
        let end = (offset + max).min(items.len());
        let next = (end < items.len()).then(|| format!("CA{end}"));
        (items.get(offset.min(items.len())..end).unwrap_or(&[]).to_vec(), next, items.len())
    };
    let all_videos = || world.channels.iter().flat_map(|c| c["videos"].as_array().into_iter().flatten());
    match method.as_str() {
        "channels" => {
            let items: Vec<Value> = if let Some(handle) = param("forHandle") {
                let h = format!("@{}", handle.trim_start_matches('@').to_lowercase());
                world
                    .channels
                    .iter()
                    .filter(|c| c["channel"]["snippet"]["customUrl"].as_str().map(str::to_lowercase) == Some(h.clone()))
                    .map(|c| c["channel"].clone())
                    .collect()
            } else {
                let ids: Vec<String> = param("id").unwrap_or_default().split(',').map(str::to_string).collect();
                ids.iter()
                    .filter_map(|id| world.channels.iter().find(|c| c["channel"]["id"] == id.as_str()))
                    .map(|c| c["channel"].clone())
                    .collect()
            };
            let n = items.len();
            list("youtube#channelListResponse", items, None, n)
        }
        "playlistItems" => {
            let playlist = param("playlistId").unwrap_or_default();
            let Some(channel) = world.channels.iter().find(|c| {
                c["channel"]["contentDetails"]["relatedPlaylists"]["uploads"].as_str() == Some(playlist.as_str())
            }) else {
                return error(
                    404,
                    "playlistNotFound",
                    "The playlist identified with the request's playlistId parameter cannot be found.",
                );
            };
            let items: Vec<Value> = channel["videos"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| {
                    json!({"kind": "youtube#playlistItem", "id": format!("PLI{}", v["id"].as_str().unwrap_or("")),
                    "contentDetails": {"videoId": v["id"], "videoPublishedAt": v["snippet"]["publishedAt"]}})
                })
                .collect();
            let (items, next, total) = page(items);
            list("youtube#playlistItemListResponse", items, next, total)
        }
        "videos" => {
            let ids: Vec<String> = param("id").unwrap_or_default().split(',').map(str::to_string).collect();
            if ids.len() > 50 {
                return error(400, "tooManyIds", "Too many ids");
            }
            let items: Vec<Value> =
                ids.iter().filter_map(|id| all_videos().find(|v| v["id"] == id.as_str()).cloned()).collect();
            let n = items.len();
            list("youtube#videoListResponse", items, None, n)
        }
        "commentThreads" => {
            let video = param("videoId").unwrap_or_default();
            if world
                .channels
                .iter()
                .any(|c| c["comments_disabled"].as_array().is_some_and(|d| d.iter().any(|v| v == video.as_str())))
            {
                return error(
                    403,
                    "commentsDisabled",
                    "The video identified by the videoId parameter has disabled comments.",
                );
            }
            if all_videos().all(|v| v["id"] != video.as_str()) {
                return error(
                    404,
                    "videoNotFound",
                    "The video identified by the videoId parameter could not be found.",
                );
            }
            let items: Vec<Value> =
                world.channels.iter().find_map(|c| c["comments"][&video].as_array().cloned()).unwrap_or_default();
            let (items, next, total) = page(items);
            list("youtube#commentThreadListResponse", items, next, total)
        }
        "search" => {
            let words: Vec<String> =
                param("q").unwrap_or_default().to_lowercase().split_whitespace().map(str::to_string).collect();
            let items: Vec<Value> = world
                .channels
                .iter()
                .map(|c| &c["channel"])
                .filter(|c| {
                    let text = format!("{} {}", c["snippet"]["title"].as_str().unwrap_or(""), c["snippet"]["description"].as_str().unwrap_or("")).to_lowercase();
                    !words.is_empty() && words.iter().all(|w| text.contains(w.as_str()))
                })
                .map(|c| json!({"kind": "youtube#searchResult", "id": {"kind": "youtube#channel", "channelId": c["id"]},
                    "snippet": {"channelId": c["id"], "title": c["snippet"]["title"], "description": c["snippet"]["description"]}}))
                .collect();
            let (items, next, total) = page(items);
            list("youtube#searchListResponse", items, next, total)
        }
        _ => error(404, "notFound", "Not Found"),
    }
}
