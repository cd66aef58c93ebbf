//! The server as a value: [`Server::start`] opens the data directory (taking its write
//! lock), binds, and serves on a runtime of its own; [`Server::shutdown`] stops accepting,
//! lets the requests in flight finish, stops following other writers, and releases the
//! data directory before it returns. [`run`] (`clout serve`) is a server stopped by Ctrl-C
//! or SIGTERM.
//!
//! Start and shut down from synchronous code (a `main`, a plain `#[test]`): the server's
//! runtime is its own, and a runtime cannot be dropped inside another one.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::watch;

use crate::base::state::{ServeConfig, State};

/// A running server.
pub struct Server {
    addr: SocketAddr,
    setup_code: Option<String>,
    /// `true` asks the serving and following tasks to stop; dropping it (a `Server` dropped
    /// without [`Server::shutdown`]) does too.
    stop: watch::Sender<bool>,
    serving: tokio::task::JoinHandle<std::io::Result<()>>,
    following: tokio::task::JoinHandle<()>,
    /// The start's index builds, which hold the state until they end.
    building: std::thread::JoinHandle<()>,
    state: Arc<State>,
    /// Last: dropped after everything above, it waits for the work left on its blocking
    /// pool, which holds the last other references to the state.
    runtime: tokio::runtime::Runtime,
}

impl Server {
    /// Opens the data directory for writing, binds `addr` (`127.0.0.1:0` picks a free
    /// port: see [`Server::addr`]) and serves until [`Server::shutdown`]. The host of
    /// `addr` is one of the names the server answers to.
    pub fn start(config: ServeConfig, addr: &str) -> Result<Server, String> {
        Server::start_then(config, addr, |_, _| {})
    }

    /// [`Server::start`], calling `on_ready` with the bound address and the setup code
    /// after binding and before the first request is accepted.
    fn start_then(
        mut config: ServeConfig,
        addr: &str,
        on_ready: impl FnOnce(SocketAddr, Option<&str>),
    ) -> Result<Server, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("starting the async runtime: {e}"))?;
        if let Some((host, _)) = addr.rsplit_once(':') {
            config.allowed_hosts.push(host.to_string());
        }
        let state = Arc::new(State::open(config).map_err(|e| e.to_string())?);
        let listener =
            runtime.block_on(tokio::net::TcpListener::bind(addr)).map_err(|e| format!("listening on {addr}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| format!("listening on {addr}: {e}"))?;
        on_ready(bound, state.setup_code());
        let (stop, stopped) = watch::channel(false);
        let following = runtime.spawn(follow_other_writers(state.clone(), stopped.clone()));
        // A store whose full-text index does not hold its text (older than the index, a
        // recompute cut short) gets one in the background; keyword searches read the
        // store's text meanwhile. A thread of its own, which shutting down waits for (it
        // holds the store; an index build cut short would start again at the next start).
        let builder = state.clone();
        let building = std::thread::spawn(move || {
            let building = builder;
            match building.catalogue.build_text_index_if_needed() {
                Ok(true) => eprintln!("the full-text index was built from the store's text"),
                Ok(false) => {}
                Err(e) => eprintln!("building the full-text index failed: {e}"),
            }
            // Likewise the post index (post searches and "posted about" wait for it).
            match building.catalogue.build_post_index_if_needed() {
                Ok(true) => eprintln!("the post index was built from the store's posts"),
                Ok(false) => {}
                Err(e) => eprintln!("building the post index failed: {e}"),
            }
        });
        let app = crate::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let mut until = stopped;
        let serving = runtime.spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    until.wait_for(|stopped| *stopped).await.ok();
                })
                .await
        });
        Ok(Server {
            addr: bound,
            setup_code: state.setup_code().map(str::to_string),
            stop,
            serving,
            following,
            building,
            state,
            runtime,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The one-time code creating the first admin needs, while no account existed at start.
    pub fn setup_code(&self) -> Option<&str> {
        self.setup_code.as_deref()
    }

    /// Stops accepting connections, waits for the requests in flight to be answered and for
    /// the work they started to end (and for the start's index builds), stops following
    /// other writers, and closes the store:
    /// once this returns, the data directory's write lock is free.
    pub fn shutdown(self) -> Result<(), String> {
        let Server { addr, stop, serving, following, building, state, runtime, .. } = self;
        stop.send_replace(true);
        let served = runtime.block_on(serving);
        let followed = runtime.block_on(following);
        // The start's index builds end on their own (they answer no request); on a store
        // that needed none, this is at once.
        building.join().map_err(|_| "building the indexes at start failed".to_string())?;
        // A client that hung up mid-request leaves its store work running on the blocking
        // pool, holding the state: dropping the runtime waits for that work to end.
        drop(runtime);
        let closed = Arc::try_unwrap(state).map(drop).map_err(|_| "the server's state is still in use".to_string());
        served.map_err(|e| e.to_string())?.map_err(|e| format!("serving on {addr}: {e}"))?;
        followed.map_err(|e| format!("following the store's changes: {e}"))?;
        closed
    }
}

/// How often the server looks for writes by other processes (`clout import` beside it).
const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Keeps the Directory and the pages' stale notice in step with writes by other processes:
/// another process's import makes the derived state stale (pages say so at once), and when
/// its recompute completes, the Directory is rebuilt from the store within [`FOLLOW_EVERY`].
/// Returns once `stop` says so.
async fn follow_other_writers(state: Arc<State>, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(FOLLOW_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            // Stopped (or the server dropped): no more polling, so nothing holds the state.
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
        if let Err(e) = state.follow().await {
            eprintln!("following the store's changes failed: {}", e.message);
        }
    }
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
async fn signalled() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Opens the data directory, binds `addr` and serves until Ctrl-C or SIGTERM, then shuts
/// down gracefully ([`Server::shutdown`]). `on_ready` gets the bound address (useful with
/// port 0) and, while no account exists, the one-time setup code the first admin needs,
/// before the first request is accepted. The host of `addr` is one of the names the
/// server answers to.
pub fn run(config: ServeConfig, addr: &str, on_ready: impl FnOnce(SocketAddr, Option<&str>)) -> Result<(), String> {
    let server = Server::start_then(config, addr, on_ready)?;
    server.runtime.block_on(signalled());
    server.shutdown()
}
