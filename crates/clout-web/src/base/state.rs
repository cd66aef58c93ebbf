//! What every request shares: the store connections, the discovery index and the
//! templates (failed sign-ins are counted in the store: `clout_app::App::sign_in_attempt`).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use clout_app::{Access, App, AppConfig, Catalogue, CatalogueOptions, Reader};
use clout_core::Timestamp;

use super::errors::ApiError;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub app: AppConfig,
    /// The clock; tests and demos may fix it.
    pub clock: fn() -> Timestamp,
    /// Adds `Secure` to cookies (when served behind HTTPS).
    pub secure_cookies: bool,
    /// The largest request body (an uploaded import file).
    pub max_upload_bytes: usize,
    /// Read-only store connections.
    pub readers: usize,
    /// Days an uploaded file is kept after its import (0: removed by the next import).
    pub keep_uploads_days: u32,
    /// Host names (or addresses) the server answers to besides the loopback ones
    /// (`localhost`, `127.0.0.1`, `[::1]`) and the host it listens on; a request naming any
    /// other `Host` is refused (DNS rebinding). A port, if given, is ignored.
    pub allowed_hosts: Vec<String>,
    /// Writes a line per request to stderr: method, path (never the query, which may hold
    /// what a user searched), status, duration and time.
    pub log_requests: bool,
}

impl ServeConfig {
    pub fn new(app: AppConfig, clock: fn() -> Timestamp) -> ServeConfig {
        ServeConfig {
            app,
            clock,
            secure_cookies: false,
            max_upload_bytes: 512 * 1024 * 1024,
            readers: 4,
            allowed_hosts: Vec::new(),
            keep_uploads_days: 30,
            log_requests: false,
        }
    }
}

/// 80 random bits as five groups of four hex digits: `3f9a-07c2-...`.
fn new_setup_code() -> clout_app::Result<String> {
    let secret = clout_app::random_secret()?;
    let digits: Vec<&str> = (0..5).filter_map(|i| secret.get(i * 4..i * 4 + 4)).collect();
    Ok(digits.join("-"))
}

/// Shared by every request.
pub struct State {
    pub config: ServeConfig,
    /// The data directory: its connections and its Directory, kept in step with the store.
    pub(crate) catalogue: Catalogue,
    /// Store work in flight at once: two per core. Requests beyond wait their turn in
    /// arrival order (tokio's semaphore is fair) instead of time-slicing the cores, which
    /// keeps the slowest answers close to the typical ones under load. Two rather than one:
    /// a search waits while the store reads its page and while a broad scan runs on
    /// rayon's threads, and with one per core those waits left a quarter of the CPU idle
    /// (`cargo bench -p clout-web --bench load`, 1 M channels, 2 cores: 1,016-1,052
    /// searches/s, p99 24 ms, with one per core; 1,244-1,494, p99 19-23 ms, with two;
    /// 1,152, p99 28 ms, with three).
    permits: tokio::sync::Semaphore,
    /// Every `Host` name this server answers to, normalised by [`super::hosts::host_name`].
    pub(crate) hosts: HashSet<String>,
    /// The one-time code that creating the first admin needs, when there is no account
    /// yet at start: shown only on the server's terminal.
    setup_code: Option<String>,
    /// Fetches started from the Sources page.
    pub(crate) jobs: Mutex<super::jobs::Jobs>,
}

impl State {
    /// Opens the data directory for writing (holding its shared writer lock while the
    /// server runs) and builds the discovery index.
    pub fn open(config: ServeConfig) -> clout_app::Result<State> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let permits = 2 * cores.max(1);
        let options = CatalogueOptions {
            access: Access::Write,
            holder: format!("clout serve (pid {})", std::process::id()),
            readers: config.readers.max(permits + 1),
        };
        let catalogue = Catalogue::open(config.app.clone(), options)?;
        // An import or recompute cut short left the derived numbers stale: redo them before
        // serving, so that no page shows them as current.
        if catalogue.derived_stale() {
            eprintln!("the metrics are stale (an import or recompute was cut short): recomputing before serving");
        }
        catalogue.recompute_if_stale((config.clock)())?;
        super::uploads::clean_partials(&config.app.data_dir);
        super::uploads::prune(&config.app.data_dir, (config.clock)(), config.keep_uploads_days);
        catalogue.directory()?;
        let setup_code = if catalogue.read(|r| r.needs_setup())? { Some(new_setup_code()?) } else { None };
        let hosts = super::hosts::answered(&config.allowed_hosts);
        Ok(State {
            config,
            catalogue,
            permits: tokio::sync::Semaphore::new(permits),
            hosts,
            setup_code,
            jobs: Mutex::new(super::jobs::Jobs::default()),
        })
    }

    /// The code to show the operator when the first admin is still to be created.
    pub fn setup_code(&self) -> Option<&str> {
        self.setup_code.as_deref()
    }

    pub(crate) fn now(&self) -> Timestamp {
        (self.config.clock)()
    }

    pub(crate) fn data_dir(&self) -> PathBuf {
        self.config.app.data_dir.clone()
    }

    /// The answer to an app error, with the data directory written `DATA`: no answer says
    /// where the server keeps its files (a disk error names the file it failed on).
    fn api_error(&self, e: clout_app::Error) -> ApiError {
        let mut a = ApiError::from(e);
        let dir = self.config.app.data_dir.to_string_lossy();
        if !dir.is_empty() && a.message.contains(&*dir) {
            a.message = a.message.replace(&*dir, "DATA");
        }
        a
    }

    /// Runs `f` on a read-only connection, on the blocking pool.
    pub(crate) async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Reader<'_>, &State) -> clout_app::Result<T> + Send + 'static,
    {
        let state = self.clone();
        let permit =
            self.permits.acquire().await.map_err(|e| ApiError::internal(format!("the server is stopping: {e}")))?;
        let result =
            tokio::task::spawn_blocking(move || state.catalogue.read(|r| f(r, &state)).map_err(|e| state.api_error(e)))
                .await
                .map_err(|e| ApiError::internal(format!("a request's work failed: {e}")))?;
        drop(permit);
        result
    }

    /// Runs `f` on the writer, on the blocking pool; the Directory follows what it changed.
    pub(crate) async fn write<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut App, &State) -> clout_app::Result<T> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.catalogue.write(|app| f(app, &state)).map_err(|e| state.api_error(e)))
            .await
            .map_err(|e| ApiError::internal(format!("a request's work failed: {e}")))?
    }

    /// Runs an import on the importer connection, on the blocking pool. Imports queue
    /// behind each other; every other write goes on through [`State::write`]. Pages say
    /// their numbers are not current while it runs; the Directory is rebuilt after it.
    pub(crate) async fn import<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut App, &State) -> clout_app::Result<T> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            state.catalogue.import(|app| f(app, &state)).map_err(|e| state.api_error(e))
        })
        .await
        .map_err(|e| ApiError::internal(format!("a request's work failed: {e}")))?
    }

    /// Runs a use case that takes the catalogue itself (it reads and writes in turn), on
    /// the blocking pool.
    pub(crate) async fn catalogue<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Catalogue, &State) -> clout_app::Result<T> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || f(&state.catalogue, &state).map_err(|e| state.api_error(e)))
            .await
            .map_err(|e| ApiError::internal(format!("a request's work failed: {e}")))?
    }

    /// Follows writes by other processes (see [`clout_app::Catalogue::follow`]).
    pub(crate) async fn follow(self: &Arc<Self>) -> Result<(), ApiError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.catalogue.follow().map(|_| ()).map_err(|e| state.api_error(e)))
            .await
            .map_err(|e| ApiError::internal(format!("a request's work failed: {e}")))?
    }
}

fn lock_jobs(m: &Mutex<super::jobs::Jobs>) -> std::sync::MutexGuard<'_, super::jobs::Jobs> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The Sources page's background fetches (`super::jobs`).
impl State {
    pub(crate) fn jobs(&self) -> Vec<super::jobs::Job> {
        lock_jobs(&self.jobs).all()
    }

    pub(crate) fn start_job(&self, label: String, platform: &'static str, by: String) -> u64 {
        lock_jobs(&self.jobs).start(label, platform, by, self.now())
    }

    pub(crate) fn job_says(&self, id: u64, line: String) {
        lock_jobs(&self.jobs).say(id, line);
    }

    pub(crate) fn finish_job(&self, id: u64, outcome: Result<clout_wire::FetchReport, String>) {
        lock_jobs(&self.jobs).update(id, |j| {
            match outcome {
                Ok(report) => j.report = Some(report),
                Err(e) => j.error = Some(e),
            }
            j.done = true;
        });
    }
}
