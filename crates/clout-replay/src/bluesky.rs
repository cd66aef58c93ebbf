//! A Bluesky AppView: `app.bsky.actor.getProfiles`, `searchActors`,
//! `app.bsky.feed.getAuthorFeed`, `getPostThread`, `app.bsky.graph.getFollowers` and
//! `getFollows`, as the lexicons document them.
//!
//! An account is one JSON file (`data/bluesky/*.json`): `profile` (a
//! `profileViewDetailed`), `feed` (`feedViewPost`s, newest first, reposts included),
//! `threads` (`getPostThread` answers by post URI), `followers` (`profileView`s, newest
//! first), `follower_profiles` (their `profileViewDetailed`s) and `follows`.
//!
//! Behaviour written from the docs: an unknown actor is left out of `getProfiles` and is a
//! 400 `InvalidRequest` "Profile not found" elsewhere; `getAuthorFeed` with
//! `posts_no_replies` leaves out the author's replies; every answer carries
//! `RateLimit-Limit`, `-Remaining`, `-Reset` (a Unix time) and `-Policy`; the cursor is
//! opaque. Pages are at most `limit` items and at most the server's own page size.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use crate::{FaultKind, Running, Shared, lock, query_pairs, serve};

/// The accounts a server knows.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub accounts: Vec<Value>,
    /// The most items in one page, whatever `limit` asks (the real AppView may send fewer
    /// than asked too).
    pub page_size: usize,
    /// Every this many requests, an answer spends the rate limit (`RateLimit-Remaining: 0`,
    /// reset a second later), so that a client must wait.
    pub spend_every: Option<u64>,
}

impl World {
    /// The accounts shipped with this crate (`data/bluesky`).
    pub fn fixtures() -> World {
        World { accounts: crate::fixtures("bluesky"), page_size: 100, spend_every: None }
    }

    /// Moves every time in the world by the same amount, so that the newest post is a day
    /// old: for tests of what depends on the last 30 days.
    pub fn shift_to_present(&mut self) {
        let newest = self
            .accounts
            .iter()
            .flat_map(|a| a["feed"].as_array().into_iter().flatten())
            .filter_map(|i| i["post"]["record"]["createdAt"].as_str()?.parse::<jiff::Timestamp>().ok())
            .max();
        let Some(newest) = newest else { return };
        let delta = crate::to_present(newest);
        for account in &mut self.accounts {
            crate::shift(account, delta);
        }
    }

    /// `accounts` made-up accounts (`synthetic-N.test`) of `posts` posts each, one a day
    /// back from 2026-06-30, with counts that vary by post: for benchmarks.
    pub fn synthetic(accounts: usize, posts: usize) -> World {
        let day = 86_400;
        let newest = 1_782_842_400; // 2026-06-30T18:00:00Z
        let time = |t: i64| jiff::Timestamp::from_second(t).map(|t| t.to_string()).unwrap_or_default();
        let accounts = (0..accounts)
            .map(|a| {
                let did = format!("did:plc:synthetic{a:08}");
                let handle = format!("synthetic-{a}.test");
                let author = json!({"did": did, "handle": handle, "displayName": format!("Synthetic {a}")});
                let feed: Vec<Value> = (0..posts)
                    .map(|p| {
                        let t = newest - p as i64 * day;
                        let n = (a * 7 + p * 13) % 97;
                        json!({"post": {
                            "uri": format!("at://{did}/app.bsky.feed.post/3kp{p:06}"),
                            "cid": format!("bafysynthetic{a}x{p}"),
                            "author": author,
                            "record": {"$type": "app.bsky.feed.post", "text": format!("Post {p} of a bench account #bench #day{}", p % 7),
                                       "createdAt": time(t), "langs": ["en"],
                                       "facets": [{"index": {"byteStart": 27, "byteEnd": 33},
                                                   "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "bench"}]}]},
                            "replyCount": n % 11, "repostCount": n % 5, "likeCount": 20 + n * 3, "quoteCount": n % 3,
                            "indexedAt": time(t + 1), "labels": []}})
                    })
                    .collect();
                let mut profile = author.clone();
                profile["followersCount"] = json!(2_000 + a * 37 % 48_000);
                profile["followsCount"] = json!(300);
                profile["postsCount"] = json!(posts);
                profile["description"] = json!("A made-up account for benchmarks.");
                json!({"profile": profile, "feed": feed, "threads": {}, "followers": [], "follower_profiles": [], "follows": []})
            })
            .collect();
        World { accounts, page_size: 100, spend_every: None }
    }

    fn account(&self, actor: &str) -> Option<&Value> {
        let actor = actor.trim_start_matches('@').to_ascii_lowercase();
        self.accounts.iter().find(|a| {
            let p = &a["profile"];
            p["did"].as_str() == Some(actor.as_str())
                || p["handle"].as_str().map(str::to_ascii_lowercase).as_deref() == Some(actor.as_str())
        })
    }
}

struct Server {
    world: World,
    shared: Arc<Shared>,
}

/// Starts a server over `world`.
pub fn start(world: World) -> Running {
    let shared = Arc::new(Shared::default());
    *lock(&shared.spend_every) = world.spend_every;
    let state = Arc::new(Server { world, shared: shared.clone() });
    let router = axum::Router::new().fallback(handle).with_state(state);
    serve(router, shared)
}

/// The replay stands in for a platform's server, which has a clock of its own.
#[allow(clippy::disallowed_methods)]
fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn answer(shared: &Shared, status: StatusCode, body: String) -> Response {
    // A window of 3,000 requests that resets a second after it is spent (the real one is
    // 5 minutes), or after every `spend_every` requests when a benchmark asks for waits.
    let served = {
        let mut r = lock(&shared.remaining);
        *r += 1;
        *r
    };
    let every = lock(&shared.spend_every).unwrap_or(3000).clamp(1, 3000);
    let remaining = every - served % every;
    let (remaining, reset) = if remaining == every { (0, now() + 1) } else { (remaining, now() + 300) };
    Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=utf-8")
        .header("ratelimit-limit", "3000")
        .header("ratelimit-remaining", remaining.to_string())
        .header("ratelimit-reset", reset.to_string())
        .header("ratelimit-policy", "3000;w=300")
        .body(Body::from(body))
        .unwrap_or_default()
}

fn error(shared: &Shared, status: StatusCode, code: &str, message: &str) -> Response {
    answer(shared, status, json!({"error": code, "message": message}).to_string())
}

async fn handle(State(server): State<Arc<Server>>, uri: Uri, RawQuery(raw): RawQuery) -> Response {
    let method = uri.path().trim_start_matches("/xrpc/").to_string();
    lock(&server.shared.log).push(match &raw {
        Some(q) => format!("{method}?{q}"),
        None => method.clone(),
    });
    match server.shared.fault_for(&method) {
        Some(FaultKind::Status { status, retry_after }) => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = error(
                &server.shared,
                code,
                if status == 429 { "RateLimitExceeded" } else { "InternalServerError" },
                if status == 429 { "Rate Limit Exceeded" } else { "Internal Server Error" },
            );
            if let Some(s) = retry_after
                && let Ok(v) = s.to_string().parse()
            {
                response.headers_mut().insert("retry-after", v);
            }
            return response;
        }
        Some(FaultKind::Malformed) => {
            return answer(&server.shared, StatusCode::OK, "{\"feed\": [{\"post\": {\"uri\": \"at://".to_string());
        }
        Some(FaultKind::Hang) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        None => {}
    }
    let q = query_pairs(raw.as_deref());
    let param = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let limit = param("limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(50).clamp(1, 100);
    let page = limit.min(server.world.page_size.max(1));
    let offset = param("cursor").and_then(|c| c.strip_prefix("o").and_then(|n| n.parse::<usize>().ok())).unwrap_or(0);
    let world = &server.world;
    let shared = &server.shared;
    let paged = |items: Vec<Value>, key: &str, mut extra: serde_json::Map<String, Value>| {
        let end = (offset + page).min(items.len());
        let slice = items.get(offset.min(items.len())..end).unwrap_or(&[]).to_vec();
        extra.insert(key.to_string(), Value::Array(slice));
        if end < items.len() {
            extra.insert("cursor".to_string(), json!(format!("o{end}")));
        }
        answer(shared, StatusCode::OK, Value::Object(extra).to_string())
    };
    let not_found = || error(shared, StatusCode::BAD_REQUEST, "InvalidRequest", "Profile not found");
    match method.as_str() {
        "app.bsky.actor.getProfiles" => {
            let profiles: Vec<Value> = q
                .iter()
                .filter(|(k, _)| k == "actors")
                .filter_map(|(_, a)| world.account(a).map(|acc| acc["profile"].clone()))
                .collect();
            answer(shared, StatusCode::OK, json!({ "profiles": profiles }).to_string())
        }
        "app.bsky.actor.getProfile" => match param("actor").and_then(|a| world.account(&a)) {
            Some(acc) => answer(shared, StatusCode::OK, acc["profile"].to_string()),
            None => not_found(),
        },
        "app.bsky.feed.getAuthorFeed" => {
            let Some(acc) = param("actor").and_then(|a| world.account(&a)) else { return not_found() };
            let no_replies = param("filter").as_deref() == Some("posts_no_replies");
            let items: Vec<Value> = acc["feed"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|i| !(no_replies && i["post"]["record"].get("reply").is_some()))
                .cloned()
                .collect();
            paged(items, "feed", serde_json::Map::new())
        }
        "app.bsky.feed.getPostThread" => {
            let uri = param("uri").unwrap_or_default();
            let thread = world.accounts.iter().find_map(|a| a["threads"].get(&uri).cloned());
            match thread {
                Some(t) => answer(shared, StatusCode::OK, t.to_string()),
                None => {
                    // A post without replies in the fixtures: its thread is the post alone.
                    let post = world.accounts.iter().find_map(|a| {
                        a["feed"]
                            .as_array()?
                            .iter()
                            .find(|i| i["post"]["uri"] == uri.as_str())
                            .map(|i| i["post"].clone())
                    });
                    match post {
                        Some(p) => answer(
                            shared,
                            StatusCode::OK,
                            json!({"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": p, "replies": []}})
                                .to_string(),
                        ),
                        None => error(shared, StatusCode::BAD_REQUEST, "NotFound", "Post not found"),
                    }
                }
            }
        }
        "app.bsky.graph.getFollowers" | "app.bsky.graph.getFollows" => {
            let Some(acc) = param("actor").and_then(|a| world.account(&a)) else { return not_found() };
            let key = if method.ends_with("Followers") { "followers" } else { "follows" };
            let items = acc[key].as_array().cloned().unwrap_or_default();
            let mut subject = serde_json::Map::new();
            subject.insert("subject".into(), acc["profile"].clone());
            paged(items, key, subject)
        }
        "app.bsky.actor.searchActors" => {
            let words: Vec<String> =
                param("q").unwrap_or_default().to_lowercase().split_whitespace().map(str::to_string).collect();
            let actors: Vec<Value> = world
                .accounts
                .iter()
                .map(|a| &a["profile"])
                .filter(|p| {
                    let text = format!(
                        "{} {} {}",
                        p["handle"].as_str().unwrap_or(""),
                        p["displayName"].as_str().unwrap_or(""),
                        p["description"].as_str().unwrap_or("")
                    )
                    .to_lowercase();
                    !words.is_empty() && words.iter().all(|w| text.contains(w.as_str()))
                })
                .map(|p| {
                    let mut p = p.clone();
                    if let Some(o) = p.as_object_mut() {
                        for k in ["followersCount", "followsCount", "postsCount"] {
                            o.remove(k);
                        }
                    }
                    p
                })
                .collect();
            paged(actors, "actors", serde_json::Map::new())
        }
        _ => error(shared, StatusCode::NOT_IMPLEMENTED, "MethodNotImplemented", "Method Not Implemented"),
    }
}

/// Followers' detailed profiles are answered by `getProfiles` too: they are accounts of
/// their own, with no posts.
pub fn with_follower_accounts(mut world: World) -> World {
    let mut extra: HashMap<String, Value> = HashMap::new();
    for a in &world.accounts {
        for p in a["follower_profiles"].as_array().into_iter().flatten() {
            if let Some(did) = p["did"].as_str() {
                extra.insert(did.to_string(), json!({"profile": p, "feed": [], "followers": [], "follows": []}));
            }
        }
    }
    let mut extra: Vec<(String, Value)> = extra.into_iter().collect();
    extra.sort_by(|a, b| a.0.cmp(&b.0));
    for (did, account) in extra {
        if world.account(&did).is_none() {
            world.accounts.push(account);
        }
    }
    world
}
