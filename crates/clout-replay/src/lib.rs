//! Local HTTP servers that answer like the platforms' APIs, written from their public
//! documentation, for the connectors' tests and benchmarks (nothing here reaches a real
//! platform, and no account in `data/` is a real person).
//!
//! A server holds a world of accounts and answers the documented queries over it, with
//! real pagination (cursors, page sizes), the documented errors for unknown accounts, and
//! the rate-limit headers; [`Fault`]s script what a test needs on top (a 429 with
//! `Retry-After`, a 500, a broken body, a request that never answers so that the client
//! can be killed in the middle). Every request is logged, so a test can check what was
//! asked, and in which order. The profile pictures the answers name are served by the
//! replay too (under `/pictures/`), so a client downloads them from it.
//!
//! - `bluesky`: the AppView's `app.bsky.*` queries.
//! - `youtube`: the Data API v3.
//! - `instagram`: the Graph API's business discovery.

pub mod bluesky;
pub mod instagram;
pub mod youtube;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// Something a server does instead of answering: on the `nth` call (1-based) of `method`.
#[derive(Debug, Clone)]
pub struct Fault {
    pub method: String,
    pub nth: usize,
    pub kind: FaultKind,
}

#[derive(Debug, Clone)]
pub enum FaultKind {
    /// An error status, with `Retry-After` seconds when given, and the API's error body.
    Status { status: u16, retry_after: Option<u64> },
    /// A 200 whose body is not JSON.
    Malformed,
    /// Never answers (the client is killed meanwhile, or times out).
    Hang,
}

/// What a running server shares with its handlers and the test.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) log: Mutex<Vec<String>>,
    pub(crate) faults: Mutex<Vec<Fault>>,
    pub(crate) calls: Mutex<std::collections::HashMap<String, usize>>,
    /// Answers served (for the rate-limit headers).
    pub(crate) remaining: Mutex<u64>,
    pub(crate) spend_every: Mutex<Option<u64>>,
}

impl Shared {
    /// Counts a call of `method` and returns the fault scripted for it, if any.
    pub(crate) fn fault_for(&self, method: &str) -> Option<FaultKind> {
        let n = {
            let mut calls = lock(&self.calls);
            let n = calls.entry(method.to_string()).or_insert(0);
            *n += 1;
            *n
        };
        lock(&self.faults).iter().find(|f| f.method == method && f.nth == n).map(|f| f.kind.clone())
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running server: its base URL and request log. It stops when dropped.
pub struct Running {
    pub base: String,
    shared: Arc<Shared>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
    _thread: std::thread::JoinHandle<()>,
}

impl Running {
    /// Every request so far, as `METHOD?query` (path without `/xrpc/`), in order.
    pub fn log(&self) -> Vec<String> {
        lock(&self.shared.log).clone()
    }

    /// Adds a fault.
    pub fn fault(&self, method: &str, nth: usize, kind: FaultKind) {
        lock(&self.shared.faults).push(Fault { method: method.to_string(), nth, kind });
    }

    /// Forgets the calls counted so far (faults count from the next call on).
    pub fn reset_counts(&self) {
        lock(&self.shared.calls).clear();
    }
}

/// The image hosts the fixtures name, served by the replay itself: an answer's
/// `https://cdn.example.test/x.jpg` reaches the client as `http://ADDRESS/pictures/cdn.example.test/x.jpg`.
const PICTURE_HOSTS: [&str; 2] = ["cdn.example.test", "yt.example.test"];

/// A 1×1 PNG (a white pixel): every picture the replays serve.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49,
    0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8, 0xff, 0xff, 0x3f, 0x00, 0x05, 0xfe, 0x02, 0xfe, 0xdc, 0xcc, 0x59, 0xe7,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A picture: a PNG, except a path naming `missing` (a 404, as a CDN answers for a
/// picture taken down), `page` (an HTML page where an image was expected),
/// `redirect-away` (a redirect to this server under another name, `localhost`: an address
/// no picture may come from, which answers with a picture if asked) or `redirect-home` (a
/// redirect to a picture on this server, under its own name).
async fn picture(
    axum::extract::Path(path): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if path.contains("redirect-away") {
        let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:9");
        let port = host.rsplit(':').next().unwrap_or("9");
        let to = format!("http://localhost:{port}/pictures/cdn.example.test/avatar/elsewhere.png");
        return (axum::http::StatusCode::FOUND, [("location", to)]).into_response();
    }
    if path.contains("redirect-home") {
        return (axum::http::StatusCode::FOUND, [("location", "/pictures/cdn.example.test/avatar/home.png")])
            .into_response();
    }
    if path.contains("missing") {
        return (axum::http::StatusCode::NOT_FOUND, "Not Found").into_response();
    }
    if path.contains("page") {
        return ([("content-type", "text/html")], "<html>not an image</html>").into_response();
    }
    ([("content-type", "image/png")], PNG).into_response()
}

/// Points the fixtures' image URLs at this server (see [`PICTURE_HOSTS`]).
async fn local_pictures(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let host = req.headers().get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1").to_string();
    let response = next.run(req).await;
    let json = response.headers().get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"));
    if !json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    for h in PICTURE_HOSTS {
        text = text.replace(&format!("https://{h}/"), &format!("http://{host}/pictures/{h}/"));
    }
    parts.headers.remove("content-length");
    axum::response::Response::from_parts(parts, axum::body::Body::from(text))
}

/// Serves `router` on 127.0.0.1 (a free port) on a thread of its own.
pub(crate) fn serve(router: axum::Router, shared: Arc<Shared>) -> Running {
    let router =
        router.route("/pictures/{*path}", axum::routing::get(picture)).layer(axum::middleware::from_fn(local_pictures));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel::<SocketAddr>();
    let thread = std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() else {
            return;
        };
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:0").await else { return };
            let Ok(addr) = listener.local_addr() else { return };
            let _ = addr_tx.send(addr);
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
    });
    let addr = addr_rx.recv().unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 9)));
    Running { base: format!("http://{addr}"), shared, _shutdown: tx, _thread: thread }
}

/// A query string's pairs, percent-decoded, in order (repeated keys kept).
pub(crate) fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How far to move times so that `newest` becomes a day ago.
#[allow(clippy::disallowed_methods)]
pub(crate) fn to_present(newest: jiff::Timestamp) -> jiff::SignedDuration {
    let target = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24);
    target.duration_since(newest)
}

/// Moves every RFC 3339 time in `v` by `delta`.
pub(crate) fn shift(v: &mut serde_json::Value, delta: jiff::SignedDuration) {
    match v {
        serde_json::Value::String(s) => {
            if s.len() >= 20
                && s.as_bytes()[4] == b'-'
                && let Ok(t) = s.parse::<jiff::Timestamp>()
                && let Ok(moved) = t.checked_add(delta)
            {
                *s = moved.to_string();
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| shift(i, delta)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|i| shift(i, delta)),
        _ => {}
    }
}

/// Every `*.json` file of `data/SUBDIR` in this crate, parsed, in name order (a file that
/// does not read or parse is left out: the tests that use it say what they miss).
pub(crate) fn fixtures(subdir: &str) -> Vec<serde_json::Value> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(subdir);
    let mut files: Vec<_> =
        std::fs::read_dir(dir).into_iter().flatten().filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.retain(|f| f.extension().is_some_and(|e| e == "json"));
    files.sort();
    files.iter().filter_map(|f| std::fs::read_to_string(f).ok()).filter_map(|t| serde_json::from_str(&t).ok()).collect()
}
