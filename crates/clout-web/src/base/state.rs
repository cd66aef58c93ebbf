//! What every request shares: the store connections, the discovery index, the login
//! limiter and the templates.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use clout_app::{Access, App, AppConfig, Directory};
use clout_core::Timestamp;

use super::errors::ApiError;
use super::limiter::LoginLimiter;

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
        }
    }
}

/// True while the derived numbers lag the observations (an upload being imported, or an
/// import that failed before its recompute): every page says so.
pub(crate) static DERIVED_STALE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// 80 random bits as five groups of four hex digits: `3f9a-07c2-...`.
fn new_setup_code() -> clout_app::Result<String> {
    let secret = clout_app::random_secret()?;
    let digits: Vec<&str> = (0..5).filter_map(|i| secret.get(i * 4..i * 4 + 4)).collect();
    Ok(digits.join("-"))
}

/// Shared by every request.
pub struct State {
    pub config: ServeConfig,
    writer: Mutex<App>,
    /// A second writer, for imports only: other writes never queue behind a whole import.
    importer: Mutex<App>,
    readers: Vec<Mutex<App>>,
    next_reader: AtomicUsize,
    /// Store work in flight at once: one per core. Requests beyond wait their turn in
    /// arrival order (tokio's semaphore is fair) instead of time-slicing the cores, which
    /// keeps the slowest answers close to the typical ones under load.
    permits: tokio::sync::Semaphore,
    directory: RwLock<Arc<Directory>>,
    /// The derived-state generation the Directory was built from.
    directory_generation: std::sync::atomic::AtomicI64,
    pub(crate) limiter: Mutex<LoginLimiter>,
    /// Every `Host` name this server answers to, normalised by [`super::hosts::host_name`].
    pub(crate) hosts: HashSet<String>,
    /// The one-time code that creating the first admin needs, when there is no account
    /// yet at start: shown only on the server's terminal.
    setup_code: Option<String>,
}

impl State {
    /// Opens the data directory for writing (holding its lock while the server runs)
    /// and builds the discovery index.
    pub fn open(config: ServeConfig) -> clout_app::Result<State> {
        let mut writer =
            App::open(config.app.clone(), Access::Write, &format!("clout serve (pid {})", std::process::id()))?;
        // An import or recompute cut short left the derived numbers stale: redo them before
        // serving, so that no page shows them as current.
        if writer.derived_stale_since()?.is_some() {
            eprintln!("the metrics are stale (an import or recompute was cut short): recomputing before serving");
            writer.recompute_all()?;
        }
        super::uploads::clean_partials(&config.app.data_dir);
        super::uploads::prune(&config.app.data_dir, (config.clock)(), config.keep_uploads_days);
        let generation = writer.derived_generation()?;
        let directory = writer.directory()?;
        let setup_code = if writer.needs_setup()? { Some(new_setup_code()?) } else { None };
        let hosts = super::hosts::answered(&config.allowed_hosts);
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut readers = Vec::new();
        for _ in 0..config.readers.max(cores + 1) {
            readers.push(Mutex::new(App::open(config.app.clone(), Access::Read, "clout serve")?));
        }
        Ok(State {
            config,
            importer: Mutex::new(writer.sibling_writer()?),
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
            permits: tokio::sync::Semaphore::new(cores.max(2)),
            directory: RwLock::new(Arc::new(directory)),
            directory_generation: std::sync::atomic::AtomicI64::new(generation),
            limiter: Mutex::new(LoginLimiter::default()),
            hosts,
            setup_code,
        })
    }

    /// The code to show the operator when the first admin is still to be created.
    pub fn setup_code(&self) -> Option<&str> {
        self.setup_code.as_deref()
    }

    pub(crate) fn now(&self) -> Timestamp {
        (self.config.clock)()
    }

    pub(crate) fn directory(&self) -> Arc<Directory> {
        match self.directory.read() {
            Ok(d) => d.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
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
        F: FnOnce(&App, &State) -> clout_app::Result<T> + Send + 'static,
    {
        let state = self.clone();
        let permit =
            self.permits.acquire().await.map_err(|e| ApiError::internal(format!("the server is stopping: {e}")))?;
        let result = tokio::task::spawn_blocking(move || {
            let n = state.readers.len();
            let start = state.next_reader.fetch_add(1, Ordering::Relaxed);
            // A free connection if there is one, else wait for the next in turn.
            for i in 0..n {
                if let Ok(app) = state.readers[(start + i) % n].try_lock() {
                    return f(&app, &state).map_err(|e| state.api_error(e));
                }
            }
            let app = state.readers[start % n].lock().unwrap_or_else(|p| p.into_inner());
            f(&app, &state).map_err(|e| state.api_error(e))
        })
        .await
        .map_err(|e| ApiError::internal(format!("a request's work failed: {e}")))?;
        drop(permit);
        result
    }

    /// Runs `f` on the writer, on the blocking pool.
    pub(crate) async fn write<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut App, &State) -> clout_app::Result<T> + Send + 'static,
    {
        self.on_writer(|s| &s.writer, f).await
    }

    /// Runs an import on the importer connection, on the blocking pool. Imports queue
    /// behind each other; every other write goes on through [`State::write`].
    pub(crate) async fn import<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut App, &State) -> clout_app::Result<T> + Send + 'static,
    {
        self.on_writer(|s| &s.importer, f).await
    }

    async fn on_writer<T, F>(self: &Arc<Self>, which: fn(&State) -> &Mutex<App>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut App, &State) -> clout_app::Result<T> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut app = which(&state).lock().unwrap_or_else(|p| p.into_inner());
            f(&mut app, &state).map_err(|e| state.api_error(e))
        })
        .await
        .map_err(|e| ApiError::internal(format!("a request's work failed: {e}")))?
    }

    pub(crate) fn directory_generation(&self) -> i64 {
        self.directory_generation.load(Ordering::Relaxed)
    }

    pub(crate) fn set_directory_generation(&self, generation: i64) {
        self.directory_generation.store(generation, Ordering::Relaxed);
    }

    /// Rebuilds the discovery index from the writer (after an import).
    pub(crate) fn refresh_directory(&self, app: &App) -> clout_app::Result<()> {
        let fresh = Arc::new(app.directory()?);
        match self.directory.write() {
            Ok(mut d) => *d = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }
}
