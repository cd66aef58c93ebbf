//! [`ImportStore`] and [`ImportRun`]: import runs and the batches they write, with the
//! contract a backend meets; implemented here for SQLite's [`Store`] and its `Writer`.

use clout_core::{Record, Timestamp};

use crate::write::Writer;
use crate::{BatchStats, Checkpoint, Reject, RejectRow, Result, RunId, RunRecord, RunStatus, SourceId, Store};

/// Import runs: writing observations, and reading what each run did.
///
/// An import is a run ([`ImportStore::begin_run`]) that writes batches of records
/// ([`ImportRun::write_batch`]) and is finished with a status. Runs of several processes
/// may write at once; each batch is one transaction, so a killed import leaves whole
/// batches only, and running the same import again completes it (see `write_batch`).
pub trait ImportStore {
    /// Starts a run at `started_at` over `files`, marked running, with a new id. First
    /// marks as interrupted every run still marked running whose process is gone. The run
    /// is alive ([`ImportStore::run_alive`]) until the returned writer is finished or
    /// dropped.
    fn begin_run(&mut self, started_at: Timestamp, files: &[String]) -> Result<Box<dyn ImportRun + '_>>;

    /// Every run, oldest first, each with its status as last written: a run whose process
    /// died reads as running until [`ImportStore::begin_run`] or opening the store for
    /// writing marks it, so a reader also asks [`ImportStore::run_alive`].
    fn runs(&self) -> Result<Vec<RunRecord>>;

    /// Whether the process running import run `run` is still alive (SQLite: it holds the
    /// run's lock file). A backend that cannot tell (a store in memory) says `true`.
    fn run_alive(&self, run: i64) -> bool;

    /// The records run `run_id` rejected, verbatim, in the order they were written (file
    /// by file, line by line).
    fn rejects_of(&self, run_id: i64) -> Result<Vec<RejectRow>>;

    /// The checkpoint a connector last wrote for `target` ([`ImportRun::write_batch_at`]).
    fn checkpoint(&self, connector: &str, target: &str) -> Result<Option<Checkpoint>>;

    /// Every checkpoint of `connector` (the accounts it has fetched), by target.
    fn checkpoints(&self, connector: &str) -> Result<Vec<Checkpoint>>;
}

/// One import run while it writes.
pub trait ImportRun {
    /// This run's id.
    fn run(&self) -> RunId;

    /// The id of a source file's path (the provenance of what is read from it), created
    /// on first use and the same for that path ever after, in every run.
    fn source_id(&mut self, path: &str) -> Result<SourceId>;

    /// Writes `records` (all read from `source`) and `rejects` in one transaction, with
    /// the run's accepted and rejected counts and, when `records` is not empty, one
    /// derived-state write ([`crate::ChannelStore`]: stale since the run's start unless
    /// stale already).
    ///
    /// Every write is an idempotent upsert, so writing a batch again changes nothing:
    /// - a channel record is kept once per channel and `observed_at`; the channel's
    ///   current profile is that of its newest record (a strictly newer one replaces it;
    ///   a field the newer record leaves out keeps its value);
    /// - a follower count is kept once per channel and `observed_at`: a channel record's
    ///   count replaces a `followers` record's at the same instant, never the reverse,
    ///   otherwise the first one written stays;
    /// - a post's current observation is its newest: a newer one replaces it and the
    ///   replaced one joins the post's history, an older one joins the history only, and
    ///   at the same instant the first one written stays. An observation without its own
    ///   time takes the run's start, unless the post already had the same counts (current
    ///   or in its history), then it changes nothing;
    /// - a comment is kept once per channel and comment id (the first copy stays); a deal
    ///   once per channel, deliverable, date, fee and currency; a conversion once per
    ///   campaign, code or link, `observed_at` and order id; a follower sample once per
    ///   channel and username, its newest observation staying (one without a time counts
    ///   as the oldest; at the same time the first one written stays).
    ///
    /// Returns how many observations were new or changed the store, and how many were
    /// identical to what it held.
    fn write_batch(&mut self, records: &[Record], source: SourceId, rejects: &[Reject]) -> Result<BatchStats>;

    /// [`ImportRun::write_batch`], and connectors' checkpoints in the same transaction (each
    /// replacing the one its target had): a fetch killed after this commits continues from
    /// the checkpoints, and one killed before it continues from the previous ones without
    /// these records.
    fn write_batch_at(
        &mut self,
        records: &[Record],
        source: SourceId,
        rejects: &[Reject],
        checkpoints: &[Checkpoint],
    ) -> Result<BatchStats>;

    /// The checkpoint a connector last wrote for `target`, by this run or an earlier one.
    fn checkpoint(&self, connector: &str, target: &str) -> Result<Option<Checkpoint>>;

    /// Distinct channels and posts the records of this run's batches named, written or not.
    fn touched(&self) -> (u64, u64);

    /// The ids of the channels the records of this run's batches named, ascending.
    fn touched_channel_ids(&self) -> Vec<i64>;

    /// The row ids of the posts this run's batches inserted or changed (an observation
    /// that replaced the current one), ascending; `None` when they are more than `at_most`.
    fn written_post_ids(&self, at_most: u64) -> Option<Vec<i64>>;

    /// How many of this run's batches counted a write in the derived state (see
    /// [`crate::ChannelStore::derived_writes`]): when the count grew by more while the run
    /// wrote, another process wrote too.
    fn writes(&self) -> i64;

    /// Closes the run with its status, end and the rejects file written beside the store.
    fn finish(self: Box<Self>, status: RunStatus, finished_at: Timestamp, rejects_file: Option<&str>) -> Result<()>;
}

/// SQLite: each method is the inherent one of the same name.
impl ImportStore for Store {
    fn begin_run(&mut self, started_at: Timestamp, files: &[String]) -> Result<Box<dyn ImportRun + '_>> {
        Ok(Box::new(Store::begin_run(self, started_at, files)?))
    }

    fn runs(&self) -> Result<Vec<RunRecord>> {
        Store::runs(self)
    }

    fn run_alive(&self, run: i64) -> bool {
        Store::run_alive(self, run)
    }

    fn rejects_of(&self, run_id: i64) -> Result<Vec<RejectRow>> {
        Store::rejects_of(self, run_id)
    }

    fn checkpoint(&self, connector: &str, target: &str) -> Result<Option<Checkpoint>> {
        Store::checkpoint(self, connector, target)
    }

    fn checkpoints(&self, connector: &str) -> Result<Vec<Checkpoint>> {
        Store::checkpoints(self, connector)
    }
}

/// SQLite: each method is the inherent one of the same name.
impl ImportRun for Writer<'_> {
    fn run(&self) -> RunId {
        Writer::run(self)
    }

    fn source_id(&mut self, path: &str) -> Result<SourceId> {
        Writer::source_id(self, path)
    }

    fn write_batch(&mut self, records: &[Record], source: SourceId, rejects: &[Reject]) -> Result<BatchStats> {
        Writer::write_batch(self, records, source, rejects)
    }

    fn write_batch_at(
        &mut self,
        records: &[Record],
        source: SourceId,
        rejects: &[Reject],
        checkpoints: &[Checkpoint],
    ) -> Result<BatchStats> {
        Writer::write_batch_at(self, records, source, rejects, checkpoints)
    }

    fn checkpoint(&self, connector: &str, target: &str) -> Result<Option<Checkpoint>> {
        Writer::checkpoint(self, connector, target)
    }

    fn touched(&self) -> (u64, u64) {
        Writer::touched(self)
    }

    fn touched_channel_ids(&self) -> Vec<i64> {
        Writer::touched_channel_ids(self)
    }

    fn written_post_ids(&self, at_most: u64) -> Option<Vec<i64>> {
        Writer::written_post_ids(self, at_most)
    }

    fn writes(&self) -> i64 {
        Writer::writes(self)
    }

    fn finish(self: Box<Self>, status: RunStatus, finished_at: Timestamp, rejects_file: Option<&str>) -> Result<()> {
        Writer::finish(*self, status, finished_at, rejects_file)
    }
}
