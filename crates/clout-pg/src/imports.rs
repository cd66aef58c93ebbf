//! [`ImportStore`] on PostgreSQL: import runs, their rejects and connectors' checkpoints.
//! Writing a batch is in `write.rs`.
//!
//! A run is alive while the connection that began it holds the run's advisory lock (a
//! session lock, released by `finish` or when that connection ends, however the process
//! ends), so any node can tell a live run from a dead one by looking in `pg_locks`.

use clout_core::Timestamp;
use clout_store::decode::{Cells, RUN_COLUMNS, run_row};
use clout_store::{Checkpoint, ImportRun, ImportStore, RejectRow, Result, RunId, RunRecord};

use crate::write::PgRun;
use crate::{PgRow, PgStore, RUN_LOCKS};

/// This database's oid: advisory locks are the server's, keyed by database, so another
/// database's run of the same id is not this one's.
const THIS_DATABASE: &str = "(SELECT oid FROM pg_database WHERE datname = current_database())";

impl PgStore {
    /// Marks runs still marked running whose connection is gone as interrupted.
    pub(crate) fn mark_dead_runs(&self) -> Result<()> {
        self.execute(
            &format!(
                "UPDATE import_runs r SET status = 'interrupted' WHERE status = 'running' AND NOT EXISTS (
                    SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.database = {THIS_DATABASE}
                        AND l.classid = $1::bigint::oid AND l.objid = r.id::oid AND l.objsubid = 2 AND l.granted)"
            ),
            &[&i64::from(RUN_LOCKS)],
        )?;
        Ok(())
    }
}

impl ImportStore for PgStore {
    fn begin_run(&mut self, started_at: Timestamp, files: &[String]) -> Result<Box<dyn ImportRun + '_>> {
        self.mark_dead_runs()?;
        // The run's lock is taken before its row exists, so that no other connection ever
        // sees it running without its lock (and marks it interrupted). Held by this
        // connection while the run lives.
        let run = self.int("SELECT nextval(pg_get_serial_sequence('import_runs', 'id'))", &[])?;
        self.execute("SELECT pg_advisory_lock($1, ($2::bigint)::int)", &[&RUN_LOCKS, &run])?;
        self.execute(
            "INSERT INTO import_runs (id, started_at, status, files) VALUES ($1, $2, 'running', $3)",
            &[&run, &started_at.unix(), &files.join("\n")],
        )?;
        Ok(Box::new(PgRun::new(self, RunId(run), started_at)))
    }

    fn runs(&self) -> Result<Vec<RunRecord>> {
        self.rows(&format!("SELECT {RUN_COLUMNS} FROM import_runs ORDER BY id"), &[])?
            .iter()
            .map(|r| run_row(&PgRow(r)))
            .collect()
    }

    fn run_alive(&self, run: i64) -> bool {
        let alive = self.row(
            &format!(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = {THIS_DATABASE}
                    AND classid = $1::bigint::oid AND objid = ($2::bigint)::oid AND objsubid = 2 AND granted"
            ),
            &[&i64::from(RUN_LOCKS), &run],
        );
        // A store that cannot tell says alive, as the interface asks.
        !matches!(alive, Ok(None))
    }

    fn rejects_of(&self, run_id: i64) -> Result<Vec<RejectRow>> {
        self.rows(
            "SELECT file, line, field, reason, raw FROM import_rejects WHERE run_id = $1 ORDER BY id",
            &[&run_id],
        )?
        .iter()
        .map(|row| {
            let r = PgRow(row);
            Ok(RejectRow {
                file: r.text_req(0)?,
                line: r.int_req(1)?.max(0) as u64,
                field: r.text(2)?,
                reason: r.text_req(3)?,
                raw: row.try_get(4).map_err(crate::db)?,
            })
        })
        .collect()
    }

    fn checkpoint(&self, connector: &str, target: &str) -> Result<Option<Checkpoint>> {
        self.row(
            "SELECT state, updated_at FROM fetch_checkpoints WHERE connector = $1 AND target = $2",
            &[&connector, &target],
        )?
        .map(|row| {
            let r = PgRow(&row);
            Ok(Checkpoint {
                connector: connector.to_string(),
                target: target.to_string(),
                state: r.text_req(0)?,
                at: Timestamp::from_unix(r.int_req(1)?),
            })
        })
        .transpose()
    }

    fn checkpoints(&self, connector: &str) -> Result<Vec<Checkpoint>> {
        self.rows(
            "SELECT target, state, updated_at FROM fetch_checkpoints WHERE connector = $1 ORDER BY target",
            &[&connector],
        )?
        .iter()
        .map(|row| {
            let r = PgRow(row);
            Ok(Checkpoint {
                connector: connector.to_string(),
                target: r.text_req(0)?,
                state: r.text_req(1)?,
                at: Timestamp::from_unix(r.int_req(2)?),
            })
        })
        .collect()
    }
}
