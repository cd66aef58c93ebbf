//! The embedded store: one SQLite database in the data directory, the source of truth.
//!
//! It keeps every observation with its provenance (source file, import run,
//! `observed_at`, method), the current value of each channel and post, the import
//! runs with their rejected records, and the derived metrics. One process writes at a
//! time: [`Store::open`] with [`Access::Write`] takes an exclusive lock on
//! `DATA/clout.lock`, and a second writer gets [`Error::Locked`] naming the holder.
//! Readers need no lock (SQLite's WAL lets them read while a writer commits).

mod accounts;
mod campaigns;
mod deals;
mod niches;
mod read;
mod schema;
mod write;

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use accounts::{ListMember, ListRow, RejectRow, TokenRow, UserRow};
pub use campaigns::{
    CampaignRow, ConversionRow, CreatorProfile, DeliverableRow, LinkedPost, MemberRow, NewCampaign, NewMember, NoteRow,
    StageChangeRow,
};
pub use deals::DealRow;
pub use niches::{ChannelTextRecord, SearchText, StoredNiche};
pub use read::{
    ChannelDetail, ChannelFilter, ChannelRow, CommentRow, DiscoveryRow, FollowerPoint, MetricsInput, MetricsRecord,
    PlatformFit, PostRow, QualityRecord, RunRecord, SampleRow, StoreStats,
};
pub use schema::SCHEMA_VERSION;
pub use write::{BatchStats, Reject, RunId, RunStatus, SourceId, Writer};

/// The database file inside the data directory.
pub const DATABASE_FILE: &str = "clout.db";
/// The writer's lock file inside the data directory.
pub const LOCK_FILE: &str = "clout.lock";

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("another clout process is writing to {dir} ({holder}); wait for it to finish and try again")]
    Locked { dir: PathBuf, holder: String },
    #[error(
        "the data directory {dir} was written by a newer clout (store schema {found}, this build knows {known}); upgrade clout"
    )]
    TooNew { dir: PathBuf, found: i64, known: i64 },
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A name that must be unique is taken.
    #[error("{0}")]
    Duplicate(String),
    #[error("the store holds an invalid value: {0}")]
    Corrupt(String),
}

/// Whether this process will write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// An open store.
pub struct Store {
    conn: Connection,
    /// Held for the store's lifetime when writing; dropping it releases the lock.
    _lock: Option<File>,
    /// The lock file of the data directory (`None` in memory).
    lock_path: Option<std::path::PathBuf>,
}

impl Store {
    /// Opens (creating and migrating when writing) the store in `dir`.
    ///
    /// `holder` describes this process in the lock file, so that a second writer can be
    /// told who holds it (for example `"clout import, pid 4242"`).
    pub fn open(dir: &Path, access: Access, holder: &str) -> Result<Store> {
        let lock = match access {
            Access::Write => {
                std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                    context: format!("creating the data directory {}", dir.display()),
                    source,
                })?;
                Some(lock(dir, holder)?)
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
                    let mut store = Store { conn, _lock: None, lock_path: None };
                    store.configure()?;
                    schema::migrate(&mut store.conn, dir)?;
                    return Ok(store);
                }
                Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?
            }
        };
        let mut store = Store { conn, _lock: lock, lock_path: Some(dir.join(LOCK_FILE)) };
        store.configure()?;
        match access {
            Access::Write => {
                schema::migrate(&mut store.conn, dir)?;
                // This process holds the only write lock: a run still marked running was cut
                // short (a killed process), whether or not anything imports again.
                store.conn.execute("UPDATE import_runs SET status = 'interrupted' WHERE status = 'running'", [])?;
            }
            Access::Read => schema::check_readable(&store.conn, dir)?,
        }
        Ok(store)
    }

    /// A private store in memory, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store { conn: Connection::open_in_memory()?, _lock: None, lock_path: None };
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

    /// Whether some process holds the data directory's write lock now (this one included).
    pub fn writer_alive(&self) -> bool {
        if self._lock.is_some() {
            return true;
        }
        let Some(path) = &self.lock_path else { return false };
        let Ok(file) = File::open(path) else { return false };
        match file.try_lock_shared() {
            Ok(()) => {
                file.unlock().ok();
                false
            }
            Err(_) => true,
        }
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

/// Takes the writer's lock, or says who has it.
pub(crate) fn lock(dir: &Path, holder: &str) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    let io = |source| Error::Io { context: format!("opening the lock file {}", path.display()), source };
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut who = String::new();
            file.read_to_string(&mut who).ok();
            let who = who.trim();
            return Err(Error::Locked {
                dir: dir.to_path_buf(),
                holder: if who.is_empty() { "holder unknown".to_string() } else { who.to_string() },
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

#[cfg(test)]
mod tests;
