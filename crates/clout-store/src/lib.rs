//! The embedded store: one SQLite database in the data directory, the source of truth.
//!
//! It keeps every observation with its provenance (source file, import run,
//! `observed_at`, method), the current value of each channel and post, the import
//! runs with their rejected records, and the derived metrics. Writers share the data
//! directory: [`Store::open`] with [`Access::Write`] takes a shared lock on
//! `DATA/clout.lock` and SQLite orders their transactions; only a restore takes it alone,
//! and a writer that finds it so gets [`Error::Locked`]. Readers need no lock (SQLite's
//! WAL lets them read while a writer commits).
//!
//! Everything above the store goes through its backend-neutral interfaces, one per
//! aggregate ([`ChannelStore`], [`ImportStore`], [`TextSearch`], [`AccountStore`],
//! [`CampaignStore`]: see their contracts), with plain data in and out and no SQLite type.
//! What is SQLite's own (opening, the lock, a sibling connection, backups) is an inherent
//! method of [`Store`].
//!
//! ## Invariants
//!
//! **Architecture Invariant:** writers share: `Access::Write` holds a *shared* lock on `DATA/clout.lock`, so
//! `clout serve`, `clout import` and scripts write side by side and SQLite orders their transactions (busy
//! timeout 10 s; imports commit in batches, the server's in 2,000 records, so another write waits for one batch);
//! only `clout restore` takes it exclusively. Readers take no lock. Each import run holds `DATA/runs/run-N.lock`
//! while it lives: a run marked running whose lock is free was killed, and reads (and is marked) as interrupted.
//! Migrations run under SQLite's write lock and skip what another process applied.
//! **Architecture Invariant:** derived state has a phase (`derived_state`, schema 11): each committed import
//! batch counts a write and marks it stale; a recompute marks it current (and counts a generation) only if no
//! write was committed while it ran. Status, read commands, `/api/v1/status` and every page say when it is stale;
//! `clout recompute`, the next import and `clout serve`'s start recompute it. The server polls the phase every
//! second: it shows the stale notice and rebuilds its Directory when another process's recompute completes. A
//! full recompute writes metrics, quality, growth checks, comment summaries and niche text 1,000 channels per
//! transaction (`DERIVED_CHUNK`, by channel-id ranges), so another writer waits for one chunk; the stale phase covers the partial state in
//! between. A full-text row is rewritten only when its text's fingerprint changed (`channel_text_hashes`).
//! **Architecture Invariant:** a channel's standing among its peers (percentile, label, engagement index) is
//! never stored per channel: the peer tables (`bucket_stats` with each group's sorted rates, `platform_fits`,
//! versioned by `derived_state.peers_version`) are, and every read of a channel compares it with them
//! (`clout_core::benchmark::Peers::compare`, the same function the recompute uses). So a recompute after an
//! import writes the touched channels and the peer tables, not every channel; the growth checks
//! (`channel_growth`, `growth_anomalies`), comment summaries (`comment_summaries`) and follower samples as
//! judged (`follower_verdicts`, with the fingerprint of the model that judged them) are kept so that quality
//! scores are recomputed without reading posts, comments or follower samples.
//! **Backups:** `clout backup` is `VACUUM INTO` (one read transaction: consistent beside writers), checked with
//! `integrity_check`, written as `.partial` and renamed; `clout restore` stages the copy, checkpoints and removes
//! the old WAL, then renames (`clout_store::backup`).
//! **Architecture Invariant:** every write is an idempotent upsert keyed by the observation's identity and
//! `observed_at`; the current row of a post or channel changes only for an observation at least as new.
//! Re-importing a file changes nothing, and an interrupted import completes when run again.
//! **Architecture Invariant:** a post's current observation is its `posts` row; `post_observations` holds every
//! other one. A newer observation replaces the row and the trigger `posts_keep_history` moves the replaced one
//! into the history, so no code path can lose one.
//! **API Boundary:** no rusqlite type in the public API (a tidy test reads the public signatures).
//!
//! ## Import performance: what was measured and kept
//! - Two threads: one reads and parses (NDJSON line by line, or a CSV file held in memory), the caller writes
//!   batches of 50,000 records, one transaction each.
//! - The writer prepares its statements once per batch and binds the hot ones by position: rusqlite's statement
//!   cache hashes the SQL text on every call and `params!` goes through `dyn ToSql`.
//! - A new post is one plain `INSERT ... ON CONFLICT DO NOTHING`; only an existing post is read back and updated.
//! - CHECK constraints on hot tables use `a = x OR a = y`, never `a IN (x, y, z)`: SQLite builds an ephemeral
//!   table for an IN list of three or more on every insert.
//! - Provenance columns (`source_id`, `run_id`) are not foreign keys: sources and runs are append-only.
//!   Structural links are, and `PRAGMA foreign_keys` is on.
//! - The bundled SQLite is built without memory statistics and in multi-thread mode (`.cargo/config.toml`).
//! - Tried and dropped, as measured slower or no faster: freeing written batches on the parsing thread, larger
//!   WAL checkpoints, 16 KiB pages.

mod accounts;
mod api;
mod audience;
mod campaigns;
mod channels;
mod columns;
mod creators;
mod deals;
mod error;
mod export;
mod growth;
mod inputs;
mod metrics;
mod niches;
mod posts;
mod runs;
mod safety;
mod schema;
mod shared;
mod stored;
mod text;
mod write;

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use accounts::{ListMember, ListRow, TokenRow, UserChange, UserRow};
pub use api::{
    AccountStore, Backend, CampaignStore, ChannelStore, ImportRun, ImportStore, PostSearch, RecomputeLock, SafetyStore,
    TextSearch, backup_elsewhere,
};
pub use audience::{CommentRow, SampleRow};
pub use campaigns::{
    CampaignRow, ConversionRow, DeliverableRow, LinkedPost, MemberRow, NewCampaign, NewMember, StageChangeRow,
};
pub use channels::{ChannelDetail, ChannelFilter, ChannelRow, DiscoveryRow, FollowerPoint, PostRow, StoreStats};
pub use creators::{CreatorProfile, NoteRow};
pub use deals::DealRow;
pub use error::{DatabaseError, Error, Result};
pub use export::{Cell, Exporter};
pub use growth::StoredNumbers;
pub use inputs::{ChannelInput, Channels};
pub use metrics::{MetricsInput, MetricsRecord, PlatformFit, QualityRecord};
pub use niches::{ChannelTextRecord, SearchText, StoredNiche, TextChanges};
pub use posts::{FoundPost, PostSet, PostText};
pub use runs::{BatchStats, Checkpoint, Reject, RejectRow, RunId, RunRecord, RunStatus, SourceId};
pub use safety::{CategoryLevel, ChannelScreen, HitEvidence, SafetyHit, SafetyListRow, StoredScreen};
pub use schema::SCHEMA_VERSION;
pub use shared::{SavedSearchRow, ShareRow};
pub use stored::{FollowerVerdicts, StoredChannel};
#[doc(hidden)]
pub use text::fts5_query;

/// The database file inside the data directory.
pub const DATABASE_FILE: &str = "clout.db";
/// The writer's lock file inside the data directory.
pub const LOCK_FILE: &str = "clout.lock";
/// Held by the process recomputing derived state (`Store::recompute_lock`).
pub const RECOMPUTE_LOCK_FILE: &str = "recompute.lock";

/// Whether this process will write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// An open SQLite store. It implements every interface of the crate; its inherent methods
/// are what only SQLite has: opening a data directory (or a store in memory), the writer
/// lock, a second connection, the schema version, backups and restores.
pub struct Store {
    conn: Connection,
    /// Held for the store's lifetime when writing; dropping it releases the lock.
    _lock: Option<File>,
    /// The lock file of the data directory (`None` in memory).
    lock_path: Option<std::path::PathBuf>,
    /// The peer tables as last read, with the version they were read at.
    peers: PeersCache,
}

type PeersCache = std::cell::RefCell<Option<(i64, std::sync::Arc<clout_core::benchmark::Peers>)>>;

impl Store {
    /// Opens (creating and migrating when writing) the store in `dir`.
    ///
    /// `holder` describes this process in the lock file, so that a second writer can be
    /// told who holds it (for example `"clout import, pid 4242"`).
    pub fn open(dir: &Path, access: Access, _holder: &str) -> Result<Store> {
        let lock = match access {
            Access::Write => {
                std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                    context: format!("creating the data directory {}", dir.display()),
                    source,
                })?;
                Some(shared_lock(dir)?)
            }
            Access::Read => None,
        };
        let path = dir.join(DATABASE_FILE);
        let conn = match access {
            Access::Write => Connection::open(&path)?,
            Access::Read => {
                if !path.exists() {
                    // An empty data directory reads as an empty store.
                    let conn = Connection::open_in_memory()?;
                    let mut store = Store { conn, _lock: None, lock_path: None, peers: Default::default() };
                    store.configure()?;
                    schema::migrate(&mut store.conn, dir)?;
                    return Ok(store);
                }
                Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?
            }
        };
        let mut store = Store { conn, _lock: lock, lock_path: Some(dir.join(LOCK_FILE)), peers: Default::default() };
        store.configure()?;
        match access {
            Access::Write => {
                schema::migrate(&mut store.conn, dir)?;
                // A run still marked running whose process is gone was cut short.
                store.mark_dead_runs()?;
            }
            Access::Read => schema::check_readable(&store.conn, dir)?,
        }
        Ok(store)
    }

    /// A private store in memory, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let mut store =
            Store { conn: Connection::open_in_memory()?, _lock: None, lock_path: None, peers: Default::default() };
        store.configure()?;
        schema::migrate(&mut store.conn, Path::new(":memory:"))?;
        Ok(store)
    }

    fn configure(&self) -> Result<()> {
        // WAL keeps readers and the one writer apart; NORMAL sync is durable across a
        // killed process (only an OS crash can lose the last commits, never corrupt).
        self.conn.pragma_update(None, "journal_mode", "WAL").ok();
        self.conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             PRAGMA synchronous = NORMAL;
             PRAGMA busy_timeout = 10000;
             PRAGMA cache_size = -262144;
             PRAGMA temp_store = MEMORY;",
        )?;
        Ok(())
    }

    /// A read-only connection to the same store, for another thread of this process
    /// (`None` for a store in memory, which has no second connection).
    pub fn reader(&self) -> Result<Option<Store>> {
        let Some(lock_path) = self.lock_path.as_ref() else { return Ok(None) };
        let db = lock_path.with_file_name(DATABASE_FILE);
        let conn = Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let store = Store { conn, _lock: None, lock_path: None, peers: Default::default() };
        store.configure()?;
        Ok(Some(store))
    }

    /// A second writing connection to the same store, for a process that already holds the
    /// write lock (this store must have been opened with [`Access::Write`]). SQLite orders
    /// the two connections' transactions; the busy timeout makes one wait for the other's
    /// current transaction, never for a whole import.
    pub fn sibling_writer(&self) -> Result<Store> {
        let Some(lock_path) = self.lock_path.as_ref().filter(|_| self._lock.is_some()) else {
            return Err(Error::Corrupt("a sibling writer needs a store opened for writing".to_string()));
        };
        let db = lock_path.with_file_name(DATABASE_FILE);
        let store = Store {
            conn: Connection::open(&db)?,
            _lock: None,
            lock_path: Some(lock_path.clone()),
            peers: Default::default(),
        };
        store.configure()?;
        Ok(store)
    }

    /// `DATA/recompute.lock`, held exclusively while a recompute runs (blocking until the
    /// process holding it lets go); nothing for a store in memory, which no other process
    /// can reach.
    pub fn recompute_lock(&self) -> Result<crate::RecomputeLock> {
        let Some(lock_path) = self.lock_path.as_ref() else {
            return Ok(crate::RecomputeLock::new(Box::new(())));
        };
        let path = lock_path.with_file_name(RECOMPUTE_LOCK_FILE);
        let io = |source| Error::Io { context: format!("locking {}", path.display()), source };
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        file.lock().map_err(io)?;
        Ok(crate::RecomputeLock::new(Box::new(file)))
    }

    /// The lock file of import run `run`, held by the process running it.
    fn run_lock_path(&self, run: i64) -> Option<PathBuf> {
        self.lock_path.as_ref().and_then(|p| p.parent()).map(|dir| dir.join("runs").join(format!("run-{run}.lock")))
    }

    /// Takes the lock that says import run `run` is alive (none for a store in memory).
    pub(crate) fn lock_run(&self, run: i64) -> Result<Option<File>> {
        let Some(path) = self.run_lock_path(run) else { return Ok(None) };
        let io = |source| Error::Io { context: format!("locking {}", path.display()), source };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let file = OpenOptions::new().write(true).create(true).truncate(false).open(&path).map_err(io)?;
        file.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => Error::Corrupt(format!("import run {run} is locked twice")),
            std::fs::TryLockError::Error(source) => io(source),
        })?;
        Ok(Some(file))
    }

    /// Whether the process that runs import run `run` is alive (it holds the run's lock).
    pub(crate) fn run_alive(&self, run: i64) -> bool {
        let Some(path) = self.run_lock_path(run) else { return true };
        let Ok(file) = File::open(&path) else { return false };
        match file.try_lock_shared() {
            Ok(()) => {
                file.unlock().ok();
                false
            }
            Err(_) => true,
        }
    }

    /// Marks runs whose process is gone (killed mid-import) as interrupted, and removes
    /// their lock files.
    pub(crate) fn mark_dead_runs(&self) -> Result<()> {
        let running: Vec<i64> = {
            let mut st = self.conn.prepare("SELECT id FROM import_runs WHERE status = 'running'")?;
            st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
        };
        for run in running {
            if !self.run_alive(run) {
                self.conn.execute("UPDATE import_runs SET status = 'interrupted' WHERE id = ?1", [run])?;
                if let Some(path) = self.run_lock_path(run) {
                    std::fs::remove_file(path).ok();
                }
            }
        }
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

/// A writer's share of the lock: any number of writers (the server, `clout import`, a
/// script) work at once, SQLite ordering their transactions; only an exclusive holder (a
/// restore) keeps them out.
fn shared_lock(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    let io = |source| Error::Io { context: format!("opening the lock file {}", path.display()), source };
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
    match file.try_lock_shared() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut who = String::new();
            file.read_to_string(&mut who).ok();
            let who = who.trim();
            Err(Error::Locked {
                dir: dir.to_path_buf(),
                holder: if who.is_empty() { "holder unknown".to_string() } else { who.to_string() },
            })
        }
        Err(std::fs::TryLockError::Error(source)) => Err(io(source)),
    }
}

/// Takes the lock exclusively (no other writer may be open), or says it is in use.
pub(crate) fn lock(dir: &Path, holder: &str) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    let io = |source| Error::Io { context: format!("opening the lock file {}", path.display()), source };
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(Error::Locked {
                dir: dir.to_path_buf(),
                holder: "clout serve, an import or another command is open on it: stop it first".to_string(),
            });
        }
        Err(std::fs::TryLockError::Error(source)) => {
            return Err(Error::Io { context: format!("locking {}", path.display()), source });
        }
    }
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    file.write_all(holder.as_bytes()).map_err(io)?;
    file.flush().map_err(io)?;
    Ok(file)
}

pub mod backup;

/// What a second backend shares with this one: reading result rows into the store's
/// types through [`Cells`](decode::Cells), and the columns each reader expects (plain SQL
/// that PostgreSQL reads as SQLite does).
pub mod decode {
    pub use crate::accounts::{LIST_COLUMNS, TOKEN_COLUMNS, USER_COLUMNS, list_row, token_row, user_row};
    pub use crate::campaigns::{
        CAMPAIGN_COLUMNS, CONVERSION_COLUMNS, DELIVERABLE_COLUMNS, LINKED_POST_COLUMNS, MEMBER_COLUMNS,
        STAGE_CHANGE_COLUMNS, campaign_row, conversion_row, deliverable_row, linked_post_row, member_row,
        merge_conversions, post_point, stage_change_row,
    };
    pub use crate::channels::{CHANNEL_COLUMNS, CHANNEL_FROM, channel_row};
    pub use crate::columns::Cells;
    pub use crate::metrics::peers_from;
    pub use crate::niches::{decode_evidence, encode_evidence, text_fingerprint};
    pub use crate::posts::{FOUND_POST_COLUMNS, FOUND_POST_TAIL, POST_TEXT_COLUMNS, found_post_row, post_text_row};
    pub use crate::runs::{RUN_COLUMNS, run_row};
    pub use crate::shared::{SEARCH_COLUMNS, SHARE_COLUMNS, search_row, share_row};
    pub use crate::{id_ranges_by, in_range};
}

/// Rows of derived state written per transaction when all of it is replaced: another
/// writer (a note, a campaign change) waits for one such transaction, not for the whole
/// recompute. The derived-state phase stays stale until the last one, so the partial
/// state between them is never shown as current.
pub(crate) const DERIVED_CHUNK: usize = if cfg!(test) { 7 } else { 1_000 };

/// Splits ascending channel ids into consecutive ranges `(after, up_to]` of at most
/// [`DERIVED_CHUNK`] ids each; together they cover every id (the first starts at
/// `i64::MIN`, the last ends at `i64::MAX`). `None` when the ids are not ascending.
pub(crate) fn id_ranges(ids: &[i64]) -> Option<Vec<(i64, i64)>> {
    id_ranges_by(ids, DERIVED_CHUNK)
}

/// [`id_ranges`] with `chunk` ids a range (for a backend with its own chunk size).
pub fn id_ranges_by(ids: &[i64], chunk: usize) -> Option<Vec<(i64, i64)>> {
    if !ids.is_sorted() {
        return None;
    }
    let mut ranges = Vec::new();
    let mut after = i64::MIN;
    for chunk in ids.chunks(chunk.max(1)) {
        let up_to = chunk[chunk.len() - 1];
        ranges.push((after, up_to));
        after = up_to;
    }
    match ranges.last_mut() {
        Some(last) => last.1 = i64::MAX,
        None => ranges.push((i64::MIN, i64::MAX)),
    }
    Some(ranges)
}

/// The part of `rows` (ascending by id) inside `(after, up_to]`.
pub fn in_range<T>(rows: &[T], id: impl Fn(&T) -> i64, (after, up_to): (i64, i64)) -> &[T] {
    let start = rows.partition_point(|r| id(r) <= after);
    let end = rows.partition_point(|r| id(r) <= up_to);
    &rows[start..end.max(start)]
}

#[cfg(test)]
mod tests;
