//! Local HTTP servers that answer like the platforms' APIs, written from their public
//! documentation, for the connectors' tests and benchmarks (nothing here reaches a real
//! platform, and no account in `data/` is a real person).
//!
//! A server holds a world of accounts and answers the documented queries over it, with
//! real pagination (cursors, page sizes), the documented errors for unknown accounts, and
//! the rate-limit headers; [`Fault`]s script what a test needs on top (a 429 with
//! `Retry-After`, a 500, a broken body, a request that never answers so that the client
//! can be killed in the middle). Every request is logged, so a test can check what was
//! asked, and in which order.
//!
//! - `bluesky`: the AppView's `app.bsky.*` queries.

pub mod bluesky;

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
    pub(crate) remaining: Mutex<u64>,
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

/// Serves `router` on 127.0.0.1 (a free port) on a thread of its own.
pub(crate) fn serve(router: axum::Router, shared: Arc<Shared>) -> Running {
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
