//! Import runs as they are read: each run with its status and counts, and the records
//! it rejected, kept verbatim.

use clout_core::Timestamp;

use crate::columns::{Cells, collect};
use crate::{Error, Result, Store};

/// An import run's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RunId(pub i64);

/// A source file's id (provenance of every observation read from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Running,
    Completed,
    /// Finished, but some file could not be read (to its end).
    Failed,
    /// The process stopped before the run finished (killed, crashed); its committed batches stay.
    Interrupted,
}

impl RunStatus {
    pub fn parse(raw: &str) -> Option<RunStatus> {
        [RunStatus::Running, RunStatus::Completed, RunStatus::Failed, RunStatus::Interrupted]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Completed => "completed",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
        }
    }
}

/// A rejected record, kept with the batch it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub file: String,
    pub line: u64,
    /// The first field at fault, if any.
    pub field: Option<String>,
    /// Every problem, `field: reason` joined by `; `.
    pub reason: String,
    pub raw: Vec<u8>,
}

/// Where a connector is with one target (an account), written with the batch of records
/// it read there ([`crate::ImportRun::write_batch_at`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The connector (`bluesky`).
    pub connector: String,
    /// The target within it, by a stable id (a DID, a channel id).
    pub target: String,
    /// The connector's own state, as JSON.
    pub state: String,
    /// When it was written.
    pub at: Timestamp,
}

/// What one batch changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchStats {
    /// Observations that were new or changed a stored one.
    pub written: u64,
    /// Observations identical to what the store already held.
    pub unchanged: u64,
}

/// One import run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub id: i64,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub status: RunStatus,
    pub files: Vec<String>,
    /// Records accepted in committed batches.
    pub accepted: u64,
    pub rejected: u64,
    pub rejects_file: Option<String>,
}

/// One rejected record of an import run, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectRow {
    pub file: String,
    pub line: u64,
    pub field: Option<String>,
    pub reason: String,
    pub raw: Vec<u8>,
}

/// A run's columns for [`run_row`], from `import_runs`.
pub const RUN_COLUMNS: &str = "id, started_at, finished_at, status, files, accepted, rejected, rejects_file";

/// A run of [`RUN_COLUMNS`].
pub fn run_row<R: Cells + ?Sized>(r: &R) -> Result<RunRecord> {
    let status = r.text_req(3)?;
    Ok(RunRecord {
        id: r.int_req(0)?,
        started_at: Timestamp::from_unix(r.int_req(1)?),
        finished_at: r.int(2)?.map(Timestamp::from_unix),
        status: RunStatus::parse(&status).ok_or_else(|| Error::Corrupt(format!("run status '{status}'")))?,
        files: r.text_req(4)?.split('\n').map(str::to_string).collect(),
        accepted: r.int_req(5)?.max(0) as u64,
        rejected: r.int_req(6)?.max(0) as u64,
        rejects_file: r.text(7)?,
    })
}

impl Store {
    /// A connector's checkpoint for one target.
    pub(crate) fn checkpoint(&self, connector: &str, target: &str) -> Result<Option<Checkpoint>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT state, updated_at FROM fetch_checkpoints WHERE connector = ?1 AND target = ?2",
                [connector, target],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()?
            .map(|(state, at)| Checkpoint {
                connector: connector.to_string(),
                target: target.to_string(),
                state,
                at: Timestamp::from_unix(at),
            }))
    }

    /// Every checkpoint of a connector, by target.
    pub(crate) fn checkpoints(&self, connector: &str) -> Result<Vec<Checkpoint>> {
        let mut stmt = self
            .conn
            .prepare("SELECT target, state, updated_at FROM fetch_checkpoints WHERE connector = ?1 ORDER BY target")?;
        let rows = stmt.query_map([connector], |r| {
            Ok(Checkpoint {
                connector: connector.to_string(),
                target: r.get(0)?,
                state: r.get(1)?,
                at: Timestamp::from_unix(r.get(2)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every import run, oldest first.
    pub(crate) fn runs(&self) -> Result<Vec<RunRecord>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {RUN_COLUMNS} FROM import_runs ORDER BY id"))?;
        collect(stmt.query([])?, |r| run_row(r))
    }

    /// The rejected records of one import run, in file and line order.
    pub(crate) fn rejects_of(&self, run_id: i64) -> Result<Vec<RejectRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT file, line, field, reason, raw FROM import_rejects WHERE run_id = ?1 ORDER BY id")?;
        let rows = stmt
            .query_map([run_id], |r| {
                Ok(RejectRow {
                    file: r.get(0)?,
                    line: r.get::<_, i64>(1)?.max(0) as u64,
                    field: r.get(2)?,
                    reason: r.get(3)?,
                    raw: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
