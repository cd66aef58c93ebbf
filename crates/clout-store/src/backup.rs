//! Consistent copies of a live store, and putting one back.
//!
//! A backup is `VACUUM INTO`: one read transaction, so the copy is the store as of one
//! commit, whatever writes while it runs (an import, the server). A restore takes the
//! write lock, checks the copy, and swaps it in so that a crash at any step leaves either
//! the old store or the restored one, never a mix.

use std::fs::File;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::{DATABASE_FILE, Error, Result, Store, schema};

fn io(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { context, source }
}

/// Writes `from` (an open database) to `dest` as one consistent file, through a temporary
/// name beside it, then checks it.
fn vacuum_into(from: &Connection, dest: &Path) -> Result<()> {
    let partial = dest.with_extension("db.partial");
    if partial.exists() {
        std::fs::remove_file(&partial).map_err(io(format!("removing {}", partial.display())))?;
    }
    let target = partial.to_str().ok_or_else(|| Error::Corrupt(format!("{} is not UTF-8", partial.display())))?;
    from.execute("VACUUM INTO ?1", [target])?;
    check(&partial)?;
    File::open(&partial).and_then(|f| f.sync_all()).map_err(io(format!("syncing {}", partial.display())))?;
    std::fs::rename(&partial, dest).map_err(io(format!("renaming {} to {}", partial.display(), dest.display())))?;
    if let Some(parent) = dest.parent() {
        File::open(parent).and_then(|d| d.sync_all()).ok();
    }
    Ok(())
}

/// A database file that passes SQLite's integrity check and whose schema this version
/// can open; returns its schema version.
pub fn check(file: &Path) -> Result<i64> {
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let verdict: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        return Err(Error::Corrupt(format!("{} fails SQLite's integrity check: {verdict}", file.display())));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > schema::SCHEMA_VERSION {
        return Err(Error::TooNew { dir: file.to_path_buf(), found: version, known: schema::SCHEMA_VERSION });
    }
    Ok(version)
}

impl Store {
    /// Copies the store, as of one moment, to `dest` (a file that must not exist yet).
    /// Runs beside a writer: it only reads.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(Error::Io {
                context: format!("backing up to {}", dest.display()),
                source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "the file exists"),
            });
        }
        vacuum_into(&self.conn, dest)
    }

    /// Replaces the store in `dir` with the database file `src` (a backup), holding the
    /// write lock. The old store is checkpointed and its write-ahead log removed before the
    /// swap, so no log of the old store is ever applied to the restored one.
    /// `forget_derived` runs once the lock is held, before the swap: it removes what other
    /// files were derived from the old store (nothing when the restore is refused).
    pub fn restore(dir: &Path, src: &Path, holder: &str, forget_derived: &mut dyn FnMut()) -> Result<i64> {
        check(src)?;
        std::fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
        let lock = crate::lock(dir, holder)?;
        forget_derived();
        let db = dir.join(DATABASE_FILE);
        let staged = dir.join("clout.db.restoring");
        {
            let source = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            if staged.exists() {
                std::fs::remove_file(&staged).map_err(io(format!("removing {}", staged.display())))?;
            }
            vacuum_into(&source, &staged)?;
        }
        if db.exists() {
            let old = Connection::open(&db)?;
            old.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            old.close().map_err(|(_, e)| Error::from(e))?;
        }
        for suffix in ["-wal", "-shm"] {
            let path = dir.join(format!("{DATABASE_FILE}{suffix}"));
            if path.exists() {
                std::fs::remove_file(&path).map_err(io(format!("removing {}", path.display())))?;
            }
        }
        std::fs::rename(&staged, &db).map_err(io(format!("renaming {} to {}", staged.display(), db.display())))?;
        File::open(dir).and_then(|d| d.sync_all()).ok();
        // Bring an older backup to this version's schema while the lock is still held.
        let mut conn = Connection::open(&db)?;
        schema::migrate(&mut conn, dir)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        drop(conn);
        drop(lock);
        Ok(version)
    }
}
