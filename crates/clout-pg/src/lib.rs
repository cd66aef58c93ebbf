//! PostgreSQL, Clout's second store: the interfaces of `clout_store::api` on a database
//! that a team shares, backs up with PostgreSQL's own tools, and that Citus can spread
//! over several machines.
//!
//! - [`PgStore::connect`] opens a database by URL (`postgres://user@host:port/db`) and
//!   brings its schema to [`SCHEMA_VERSION`] (forward-only migrations in
//!   `schema/`, each in one transaction under an advisory lock, so that several nodes
//!   starting at once migrate it once).
//! - Rows are read into the store's own types by the same decoders as SQLite's
//!   (`clout_store::decode`), through [`PgRow`].
//! - The schema and every statement follow the rules written at the top of
//!   `schema/v1.sql`, which keep it within what Citus distributes (docs/deploy.md).
//!
//! Status: every interface of the store (accounts, campaigns, imports, channels and their
//! derived state, post search, text search, brand safety) is implemented and checked by
//! the same contract tests as SQLite's store, on a real PostgreSQL, and the application
//! runs on it: `--store postgres://…` (`clout_app::StoreUrl`) on every command and on
//! `clout serve`, whose tests all run on PostgreSQL too (`CLOUT_TEST_STORE=postgres`;
//! docs/deploy.md).

mod accounts;
mod audience;
mod campaigns;
mod channel_api;
mod channels;
#[cfg(any(test, feature = "testing"))]
pub mod citus_check;
mod derived;
mod imports;
mod inputs;
mod metrics;
mod migrate;
mod niches;
mod posts;
mod safety;
mod schema;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod text;
mod write;

use std::cell::{RefCell, RefMut};
use std::sync::Arc;

use clout_core::benchmark::Peers;
use clout_store::decode::Cells;
use clout_store::{DatabaseError, Error, Result};
use postgres::error::SqlState;
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Row};

pub use migrate::Received;
pub use schema::SCHEMA_VERSION;

/// The advisory locks of import runs: `(RUN_LOCKS, run id)` ("cl" in ASCII), held by the
/// connection running each.
const RUN_LOCKS: i32 = 0x636c;
/// The advisory lock a recompute holds (`Backend::recompute_lock`): `(RECOMPUTE_LOCK, 0)`.
const RECOMPUTE_LOCK: i32 = 0x6372;

/// An open PostgreSQL store: one connection, used by one thread at a time (as SQLite's
/// `Store` is); a server opens one per worker.
pub struct PgStore {
    client: RefCell<Conn>,
    /// How to connect again (for another connection to the same database).
    config: postgres::Config,
    /// The server and database (never the password), for messages.
    target: String,
    /// The peer tables as last read, with the version they were read at.
    peers: RefCell<Option<(i64, Arc<Peers>)>>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("target", &self.target).finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to the database at `url` and migrates its schema.
    ///
    /// The URL is libpq's (`postgres://user:password@host:port/database?sslmode=disable`
    /// or `host=… dbname=…`); TLS is not offered: keep the database on a private network
    /// or a Unix socket. No error message repeats the password.
    pub fn connect(url: &str) -> Result<PgStore> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e| Error::Database(DatabaseError::new(format!("invalid PostgreSQL URL: {}", redact(url, &e)))))?;
        let target = describe(&config);
        let client = config
            .connect(NoTls)
            .map_err(|e| Error::Database(DatabaseError::new(format!("connecting to PostgreSQL at {target}: {e}"))))?;
        let store = PgStore { client: RefCell::new(Conn(Some(client))), config, target, peers: RefCell::new(None) };
        schema::migrate(&mut store.client.borrow_mut(), &store.target)?;
        // A run still marked running whose connection is gone was cut short.
        store.mark_dead_runs()?;
        Ok(store)
    }

    /// Makes this connection read-only: every transaction it begins refuses writes (the
    /// reading side of `Access::Read`, as SQLite's read-only connection).
    pub fn read_only(&self) -> Result<()> {
        self.execute("SET default_transaction_read_only = on", &[])?;
        Ok(())
    }

    /// Another connection to the same database (the schema is current: no migration).
    pub fn another(&self) -> Result<PgStore> {
        let client = self.config.connect(NoTls).map_err(|e| {
            Error::Database(DatabaseError::new(format!("connecting to PostgreSQL at {}: {e}", self.target)))
        })?;
        Ok(PgStore {
            client: RefCell::new(Conn(Some(client))),
            config: self.config.clone(),
            target: self.target.clone(),
            peers: RefCell::new(None),
        })
    }

    /// The server and database this store is on, without credentials.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The version of the schema the database holds.
    pub fn schema_version(&self) -> Result<i64> {
        schema::version(&mut self.client())
    }

    fn client(&self) -> RefMut<'_, Client> {
        RefMut::map(self.client.borrow_mut(), |c| &mut **c)
    }

    /// Runs a statement; the number of rows it changed.
    fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        self.client().execute(sql, params).map_err(db)
    }

    /// Every row of a query.
    fn rows(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        self.client().query(sql, params).map_err(db)
    }

    /// The row of a query that returns at most one.
    fn row(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>> {
        self.client().query_opt(sql, params).map_err(db)
    }

    /// The single value of a query that returns exactly one row.
    fn int(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<i64> {
        let row = self.client().query_one(sql, params).map_err(db)?;
        PgRow(&row).int_req(0)
    }

    /// The peer groups, read again only when a recompute changed them.
    fn peers(&self) -> Result<Arc<Peers>> {
        let version = self.int("SELECT peers_version FROM derived_state WHERE id = 1", &[])?;
        if let Some((v, peers)) = self.peers.borrow().as_ref()
            && *v == version
        {
            return Ok(peers.clone());
        }
        let fits = self.platform_fits()?;
        let mut groups = Vec::new();
        for r in self.rows("SELECT platform, bucket, rates FROM bucket_stats", &[])? {
            let rates: Option<Vec<u8>> = r.try_get(2).map_err(db)?;
            let r = PgRow(&r);
            groups.push((r.text_req(0)?, r.text_req(1)?, rates));
        }
        let peers = Arc::new(clout_store::decode::peers_from(fits, groups)?);
        *self.peers.borrow_mut() = Some((version, peers.clone()));
        Ok(peers)
    }
}

/// A connection that may be dropped anywhere. The `postgres` client closes itself by
/// blocking on a runtime of its own, which panics on a thread already running an async
/// runtime (a server's, whose tasks hold the last reference to a store when it shuts
/// down): the close runs on a thread of its own, joined before the drop returns.
struct Conn(Option<Client>);

// `None` only inside `drop`, after which nothing reads it.
#[allow(clippy::expect_used)]
impl std::ops::Deref for Conn {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.0.as_ref().expect("a connection is open until dropped")
    }
}

#[allow(clippy::expect_used)]
impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        self.0.as_mut().expect("a connection is open until dropped")
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            // A thread that cannot be started: the connection is leaked to the process's end
            // (its socket closes then) rather than closed where it would panic.
            let client = std::mem::ManuallyDrop::new(client);
            let close = move || drop(std::mem::ManuallyDrop::into_inner(client));
            if let Ok(closer) = std::thread::Builder::new().name("clout-pg-close".into()).spawn(close) {
                let _ = closer.join();
            }
        }
    }
}

/// A PostgreSQL row read by the store's decoders. Integer columns of any width read as
/// `i64`, real ones of either width as `f64`.
pub struct PgRow<'a>(pub &'a Row);

impl PgRow<'_> {
    fn kind(&self, i: usize) -> Result<&Type> {
        self.0.columns().get(i).map(|c| c.type_()).ok_or_else(|| Error::Corrupt(format!("no column {i}")))
    }
}

impl Cells for PgRow<'_> {
    fn int(&self, i: usize) -> Result<Option<i64>> {
        let r = self.0;
        match *self.kind(i)? {
            Type::INT8 => r.try_get::<_, Option<i64>>(i),
            Type::INT4 => r.try_get::<_, Option<i32>>(i).map(|v| v.map(i64::from)),
            Type::INT2 => r.try_get::<_, Option<i16>>(i).map(|v| v.map(i64::from)),
            _ => r.try_get::<_, Option<i64>>(i),
        }
        .map_err(db)
    }

    fn real(&self, i: usize) -> Result<Option<f64>> {
        let r = self.0;
        match *self.kind(i)? {
            Type::FLOAT4 => r.try_get::<_, Option<f32>>(i).map(|v| v.map(f64::from)),
            _ => r.try_get::<_, Option<f64>>(i),
        }
        .map_err(db)
    }

    fn text(&self, i: usize) -> Result<Option<String>> {
        self.0.try_get(i).map_err(db)
    }

    fn flag(&self, i: usize) -> Result<Option<bool>> {
        self.0.try_get(i).map_err(db)
    }
}

/// A driver's error as the store's: a failure inside the database, with PostgreSQL's
/// message (and its detail, when it has one).
fn db(e: postgres::Error) -> Error {
    let message = match e.as_db_error() {
        Some(d) => match d.detail() {
            Some(detail) => format!("{}: {} ({detail})", d.severity(), d.message()),
            None => format!("{}: {}", d.severity(), d.message()),
        },
        None => e.to_string(),
    };
    Error::Database(DatabaseError::new(message))
}

/// Whether an error is a taken unique key.
fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// `user@host:port/database`, never the password.
fn describe(config: &postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("?");
    let db = config.get_dbname().unwrap_or(user);
    format!("{user}@{host}:{port}/{db}")
}

/// The server and database a URL names, without its password (`user@host:port/db`), or
/// why it is not a PostgreSQL URL (without the password either). Connects to nothing.
pub fn target_of(url: &str) -> Result<String> {
    let config: postgres::Config = url
        .parse()
        .map_err(|e| Error::Database(DatabaseError::new(format!("invalid PostgreSQL URL: {}", redact(url, &e)))))?;
    Ok(describe(&config))
}

/// A URL's parse error, with any password in it replaced.
fn redact(url: &str, e: &postgres::Error) -> String {
    let message = e.to_string();
    match password_of(url) {
        Some(p) if !p.is_empty() => message.replace(p, "***"),
        _ => message,
    }
}

/// The password of a `postgres://user:password@…` URL.
fn password_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let userinfo = rest.split_once('@')?.0;
    Some(userinfo.split_once(':')?.1)
}

/// The connection's own operations: more connections to the same database; a backup is
/// PostgreSQL's own (`pg_dump`).
impl clout_store::Backend for PgStore {
    fn reader(&self) -> Result<Option<Box<dyn clout_store::Backend>>> {
        let reader = self.another()?;
        reader.read_only()?;
        Ok(Some(Box::new(reader)))
    }

    fn sibling_writer(&self) -> Result<Box<dyn clout_store::Backend>> {
        Ok(Box::new(self.another()?))
    }

    fn schema_version(&self) -> Result<i64> {
        PgStore::schema_version(self)
    }

    fn backup_to(&self, _dest: &std::path::Path) -> Result<()> {
        Err(clout_store::backup_elsewhere(&format!("the PostgreSQL database {}", self.target)))
    }

    /// A session advisory lock on a connection of its own, which the guard keeps open:
    /// dropping the guard (or the process dying) ends the session and frees the lock for
    /// the next recompute, on any node.
    fn export(&self, _with: &mut dyn FnMut(&clout_store::Exporter<'_>) -> Result<()>) -> Result<()> {
        Err(Error::Corrupt(format!(
            "clout migrate-store moves a SQLite store; {} is PostgreSQL already (copy it with pg_dump)",
            self.target
        )))
    }

    fn recompute_lock(&self) -> Result<clout_store::RecomputeLock> {
        let holder = self.another()?;
        holder.execute("SELECT pg_advisory_lock($1, 0)", &[&RECOMPUTE_LOCK])?;
        Ok(clout_store::RecomputeLock::new(Box::new(holder)))
    }
}

#[cfg(test)]
mod tests;
