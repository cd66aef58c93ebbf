//! The schema and its forward migrations. `PRAGMA user_version` holds the version.
//!
//! A migration is appended, never edited: a data directory written by version N is
//! brought to the newest version step by step, each step in its own transaction.

use std::path::Path;

use rusqlite::Connection;

use crate::{Error, Result};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 24;

mod migrations;

use migrations::MIGRATIONS;

/// Brings the database to [`SCHEMA_VERSION`].
pub(crate) fn migrate(conn: &mut Connection, dir: &Path) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::TooNew { dir: dir.to_path_buf(), found, known: SCHEMA_VERSION });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        // Several writers may open the store at once: each migration is taken under
        // SQLite's write lock and skipped when another process applied it first.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        if i + 1 == 8 {
            keep_top_hashtags(&tx)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// Migration 8 copied every channel's hashtags; keep only the most used ones, as the
/// text indexing writes them from then on.
fn keep_top_hashtags(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let rows: Vec<(i64, String)> = {
        let mut stmt = tx.prepare("SELECT channel_id, tags FROM channel_tags")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
    };
    let mut update = tx.prepare("UPDATE channel_tags SET tags = ?2 WHERE channel_id = ?1")?;
    for (id, tags) in rows {
        let top = clout_core::lookalike::top_hashtags(tags.split_whitespace()).join(" ");
        if top != tags {
            update.execute(rusqlite::params![id, top])?;
        }
    }
    Ok(())
}

/// A reader cannot migrate: it refuses a store that is not at this version.
pub(crate) fn check_readable(conn: &Connection, dir: &Path) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::TooNew { dir: dir.to_path_buf(), found, known: SCHEMA_VERSION });
    }
    if found < SCHEMA_VERSION {
        return Err(Error::Corrupt(format!(
            "store schema {found} is older than {SCHEMA_VERSION}; run any writing command (such as clout import) to migrate it"
        )));
    }
    Ok(())
}
