//! `fetch` and `discover`: creators read from the platforms' APIs into the store.
//!
//! A fetch is an import run (`clout status` lists it) whose records come from API answers
//! instead of files: each answer is mapped by `clout_import::api` and parsed like an
//! NDJSON line, so it meets the same reject rules, and each page is one batch, written
//! with the account's checkpoint in the same transaction. So:
//! - **resumable:** a killed fetch, run again, continues each account from its last
//!   committed page and never reads a page twice;
//! - **incremental:** once an account's fetch has completed, the next one reads new posts
//!   and fresh counts for the posts still in the engagement window (30 days), and stops;
//! - **provenance:** every record's source is the method's URL (no secret), its
//!   `observed_at` the time the answer was read, its method `measured`.
//!
//! Here: the options, summaries and the parts every connector shares (a page into a
//! batch, rejects files); `bluesky` holds the Bluesky fetch and discovery.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clout_core::{Record, Timestamp};
use clout_import::api::{Mapped, Outcome};
use clout_store::{Checkpoint, ImportRun, Reject, SourceId};

use crate::{Error, RecomputeSummary, Result};

mod bluesky;
mod connect;
pub mod credentials;
mod instagram;
mod state;
mod youtube;

pub use bluesky::Discovery;
pub use connect::Connect;

/// How to fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The clock: the run's start and end (answers carry their own read time).
    pub clock: fn() -> Timestamp,
    pub limits: clout_import::Limits,
    /// The most posts read per account in one fetch.
    pub max_posts: u64,
    /// A first fetch reads back this many days (and at least 12 posts, the engagement
    /// window's minimum, when the account has them).
    pub since_days: i64,
    /// Read replies the account wrote as posts too.
    pub replies: bool,
    /// Read the replies to the account's posts of the last 30 days as `comment` records.
    pub comments: bool,
    /// Read this many followers with their own counts as `follower` records.
    pub followers_sample: u64,
    /// Download the accounts' profile pictures into the data directory.
    pub pictures: bool,
    /// Keep only accounts with a follower count in this range (inclusive); the others are
    /// neither stored nor read further.
    pub followers_range: (u64, u64),
}

impl FetchOptions {
    pub const DEFAULT_MAX_POSTS: u64 = 100;
    pub const DEFAULT_SINCE_DAYS: i64 = 90;

    pub fn new(clock: fn() -> Timestamp) -> FetchOptions {
        FetchOptions {
            clock,
            limits: clout_import::Limits::default(),
            max_posts: FetchOptions::DEFAULT_MAX_POSTS,
            since_days: FetchOptions::DEFAULT_SINCE_DAYS,
            replies: false,
            comments: false,
            followers_sample: 0,
            followers_range: (0, u64::MAX),
            pictures: true,
        }
    }
}

/// How one account's fetch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    /// Everything asked for was read.
    Done,
    /// The platform has no such account.
    NotFound,
    /// Its follower count is outside `--min-followers`/`--max-followers`: not kept.
    OutsideRange,
    /// An answer could not be used (the API refused, or kept failing, or sent a broken
    /// answer); what was read before it is kept, and the next fetch continues from there.
    Failed,
    /// The fetch stopped before reaching it (rate limited for too long).
    NotReached,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Done => "done",
            AccountStatus::NotFound => "not_found",
            AccountStatus::OutsideRange => "outside_range",
            AccountStatus::Failed => "failed",
            AccountStatus::NotReached => "not_reached",
        }
    }
}

/// What a fetch did for one account.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountFetch {
    /// As asked (a handle, a DID or a profile URL).
    pub target: String,
    /// The channel's handle, once known.
    pub handle: Option<String>,
    pub status: AccountStatus,
    /// Continued from a killed or failed fetch's checkpoint.
    pub resumed: bool,
    /// Only new posts and the engagement window were read (an earlier fetch completed).
    pub incremental: bool,
    pub followers: Option<u64>,
    pub posts: u64,
    pub comments: u64,
    pub follower_samples: u64,
    /// Items that are not the account's records (reposts of others' posts).
    pub skipped: u64,
    pub rejected: u64,
    pub error: Option<String>,
    /// The profile picture its source named, downloaded after the fetch.
    pub picture_url: Option<String>,
}

impl AccountFetch {
    fn new(target: &str) -> AccountFetch {
        AccountFetch {
            target: target.to_string(),
            handle: None,
            status: AccountStatus::NotReached,
            resumed: false,
            incremental: false,
            followers: None,
            posts: 0,
            comments: 0,
            follower_samples: 0,
            skipped: 0,
            rejected: 0,
            error: None,
            picture_url: None,
        }
    }
}

/// What a fetch did.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchSummary {
    pub run: i64,
    pub accounts: Vec<AccountFetch>,
    pub accepted: u64,
    pub rejected: u64,
    pub written: u64,
    pub unchanged: u64,
    pub requests: u64,
    pub retries: u64,
    /// Seconds spent waiting on rate limits and backoff.
    pub waited_seconds: f64,
    /// Why the whole fetch stopped early, if it did.
    pub stopped: Option<String>,
    /// The rejects of this run, when there were any.
    pub rejects_file: Option<PathBuf>,
    /// Quota units used today (as counted by Clout) and the day's budget, for an API
    /// that counts them (YouTube).
    pub quota: Option<(u64, u64)>,
    pub metrics: Option<RecomputeSummary>,
    /// What became of the accounts' profile pictures.
    pub pictures: PictureCounts,
}

/// Profile pictures of a fetch: downloaded, unchanged since the last fetch (not
/// downloaded again), or not to be had (gone, not an image, not on the platform's hosts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PictureCounts {
    pub downloaded: u64,
    pub kept: u64,
    pub failed: u64,
}

impl FetchSummary {
    /// Every account was fetched (or is outside the asked range).
    pub fn complete(&self) -> bool {
        self.stopped.is_none()
            && self.accounts.iter().all(|a| matches!(a.status, AccountStatus::Done | AccountStatus::OutsideRange))
    }
}

impl FetchSummary {
    /// A fetch of `targets` in run `run`, nothing read yet.
    pub(crate) fn new(run: i64, targets: &[String]) -> FetchSummary {
        FetchSummary {
            run,
            accounts: targets.iter().map(|t| AccountFetch::new(t)).collect(),
            accepted: 0,
            rejected: 0,
            written: 0,
            unchanged: 0,
            requests: 0,
            retries: 0,
            waited_seconds: 0.0,
            stopped: None,
            rejects_file: None,
            metrics: None,
            quota: None,
            pictures: PictureCounts::default(),
        }
    }

    /// What the client's requests cost.
    pub(crate) fn finish_stats(&mut self, stats: clout_connect::Stats) {
        self.requests = stats.requests;
        self.retries = stats.retries;
        self.waited_seconds = stats.waited.as_secs_f64();
    }
}

/// Hooks for showing progress.
pub trait FetchProgress {
    /// One step for one account (`"page 2: 100 posts"`).
    fn step(&mut self, _target: &str, _message: &str) {}
    fn account_finished(&mut self, _account: &AccountFetch) {}
    fn recomputing(&mut self) {}
}

/// Progress that shows nothing.
pub struct Quiet;
impl FetchProgress for Quiet {}

/// The connectors `clout refresh` knows.
pub const CONNECTORS: [&str; 3] = ["bluesky", "youtube", "instagram"];

/// An account a connector has fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracked {
    pub connector: &'static str,
    /// What the connector fetches it by (a DID, a channel id, a username).
    pub target: String,
    /// Its handle, to show.
    pub handle: Option<String>,
    /// When its last complete fetch ended.
    pub completed_at: Option<Timestamp>,
    /// A fetch of it stopped before its end (it continues at the next fetch or refresh).
    pub unfinished: bool,
}

impl crate::App {
    /// Every account the connectors have fetched, by connector, the least recently
    /// fetched first.
    pub fn tracked(&self) -> Result<Vec<Tracked>> {
        let mut out = Vec::new();
        for connector in CONNECTORS {
            let mut these: Vec<Tracked> = self
                .store
                .checkpoints(connector)?
                .into_iter()
                .filter_map(|c| {
                    let state: state::State = serde_json::from_str(&c.state).ok()?;
                    Some(Tracked {
                        connector,
                        target: c.target,
                        handle: state.handle.clone(),
                        completed_at: state.completed_at.map(Timestamp::from_unix),
                        unfinished: state.phase != state::Phase::Done,
                    })
                })
                .collect();
            these.sort_by_key(|t| t.completed_at);
            out.extend(these);
        }
        Ok(out)
    }

    /// The accounts `connector` has fetched whose last complete fetch is older than
    /// `older_than` (or that never completed), as targets a fetch takes (a DID, a channel
    /// id, a username), oldest first.
    pub fn refresh_due(&self, connector: &str, older_than: Timestamp) -> Result<Vec<String>> {
        let mut due: Vec<(i64, String)> = self
            .store
            .checkpoints(connector)?
            .into_iter()
            .filter_map(|c| {
                let state: state::State = serde_json::from_str(&c.state).ok()?;
                let done = state.completed_at.filter(|_| state.phase == state::Phase::Done);
                let at = done.unwrap_or(i64::MIN);
                (at < older_than.unix()).then_some((at, c.target))
            })
            .collect();
        due.sort();
        Ok(due.into_iter().map(|(_, t)| t).collect())
    }
}

impl crate::App {
    /// One fetch as an import run: begins the run over `names` (`bluesky:HANDLE`...),
    /// hands `go` the page writer, then closes the run (failed unless every account was
    /// read), writes the rejects and recomputes what the pages made stale. The caller adds
    /// what the client's requests cost ([`FetchSummary::finish_stats`]).
    pub(crate) fn fetch_run(
        &mut self,
        connector: &str,
        targets: &[String],
        names: &[String],
        options: &FetchOptions,
        progress: &mut dyn FetchProgress,
        go: impl FnOnce(&mut PageWriter<'_, '_>, &mut dyn FetchProgress) -> Result<()>,
    ) -> Result<FetchSummary> {
        use clout_store::RunStatus;
        let (stale_before, writes_at_start) = self.store.derived_phase()?;
        let data_dir = self.config.data_dir.clone();
        let mut writer = self.store.begin_run((options.clock)(), names)?;
        let run = writer.run().0;
        let mut rejects = RejectsOut::new(data_dir.join("rejects").join(format!("run-{run}")), connector);
        let mut summary = FetchSummary::new(run, targets);
        let outcome = {
            let mut pages = PageWriter {
                writer: &mut writer,
                rejects: &mut rejects,
                limits: options.limits,
                summary: &mut summary,
            };
            go(&mut pages, progress)
        };
        summary.rejects_file = rejects.finish()?;
        let touched = writer.touched_channel_ids();
        let written_posts = writer.written_post_ids(crate::post_index::MAX_INCREMENTAL_POSTS);
        let own_writes = writer.writes();
        let status = if outcome.is_ok() && summary.complete() { RunStatus::Completed } else { RunStatus::Failed };
        let rejects_file = summary.rejects_file.as_ref().map(|p| p.display().to_string());
        writer.finish(status, (options.clock)(), rejects_file.as_deref())?;
        outcome?;
        for account in &summary.accounts {
            progress.account_finished(account);
        }
        progress.recomputing();
        let run = crate::derive::RunWrites { stale_before, writes_at_start, own_writes, now: (options.clock)() };
        let (metrics, _) = self.refresh_derived(run, &touched, written_posts.as_deref(), &mut || {})?;
        summary.metrics = metrics;
        Ok(summary)
    }
}

/// An RFC 3339 time for an interchange record.
pub(crate) fn rfc3339(t: Timestamp) -> String {
    jiff::Timestamp::from_second(t.unix()).map(|t| t.to_string()).unwrap_or_else(|_| t.unix().to_string())
}

/// Counts of one page's items.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PageCounts {
    pub records: u64,
    pub rejected: u64,
    pub skipped: u64,
}

/// Writes the rejects of a fetch run: `DATA/rejects/run-N/NAME.rejects.ndjson` (each
/// verbatim: the interchange line, or the API item that could not become one) beside
/// `reasons.tsv`, as an import does.
pub(crate) struct RejectsOut {
    dir: PathBuf,
    name: String,
    files: Option<(BufWriter<File>, BufWriter<File>)>,
}

impl RejectsOut {
    pub(crate) fn new(dir: PathBuf, name: &str) -> RejectsOut {
        RejectsOut { dir, name: name.to_string(), files: None }
    }

    fn write(&mut self, rejects: &[Reject]) -> Result<()> {
        if rejects.is_empty() {
            return Ok(());
        }
        let io = |e: std::io::Error| Error::Internal(format!("writing rejects under {}: {e}", self.dir.display()));
        if self.files.is_none() {
            std::fs::create_dir_all(&self.dir).map_err(io)?;
            let data = File::create(self.dir.join(format!("{}.rejects.ndjson", self.name))).map_err(io)?;
            let mut reasons = BufWriter::new(File::create(self.dir.join("reasons.tsv")).map_err(io)?);
            reasons.write_all(b"file\tline\tfield\treason\n").map_err(io)?;
            self.files = Some((BufWriter::new(data), reasons));
        }
        if let Some((data, reasons)) = self.files.as_mut() {
            for r in rejects {
                data.write_all(&r.raw).map_err(io)?;
                data.write_all(b"\n").map_err(io)?;
                let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
                writeln!(
                    reasons,
                    "{}\t{}\t{}\t{}",
                    clean(&r.file),
                    r.line,
                    r.field.as_deref().unwrap_or(""),
                    clean(&r.reason)
                )
                .map_err(io)?;
            }
        }
        Ok(())
    }

    /// Flushes; the rejects file's path when anything was written.
    pub(crate) fn finish(self) -> Result<Option<PathBuf>> {
        let Some((mut data, mut reasons)) = self.files else { return Ok(None) };
        let io = |e: std::io::Error| Error::Internal(format!("writing rejects: {e}"));
        data.flush().map_err(io)?;
        reasons.flush().map_err(io)?;
        Ok(Some(self.dir.join(format!("{}.rejects.ndjson", self.name))))
    }
}

/// One page of mapped items into one batch: parses each, keeps the rejects (in the store
/// and the rejects file), and writes records, rejects and the checkpoint together.
pub(crate) struct PageWriter<'w, 'a> {
    pub writer: &'w mut Box<dyn ImportRun + 'a>,
    pub rejects: &'w mut RejectsOut,
    pub limits: clout_import::Limits,
    pub summary: &'w mut FetchSummary,
}

impl PageWriter<'_, '_> {
    /// Writes `mapped` (read from `url`), and `checkpoints`. `extra_rejects` are whole
    /// answers that could not be read.
    pub(crate) fn write(
        &mut self,
        url: &str,
        mapped: &[Mapped],
        extra_rejects: Vec<Reject>,
        checkpoints: &[Checkpoint],
    ) -> Result<(Vec<Record>, PageCounts)> {
        let source: SourceId = self.writer.source_id(url)?;
        let mut records = Vec::with_capacity(mapped.len());
        let mut rejects = extra_rejects;
        let mut counts = PageCounts::default();
        for (i, m) in mapped.iter().enumerate() {
            if let Outcome::Skipped(_) = m.outcome {
                counts.skipped += 1;
                continue;
            }
            let Some((raw, parsed)) = m.parse(&self.limits) else { continue };
            match parsed {
                Ok(record) => records.push(record),
                Err(issues) => rejects.push(Reject {
                    file: url.to_string(),
                    line: i as u64 + 1,
                    field: issues.iter().find_map(|i| i.field.clone()),
                    reason: format!(
                        "item {} of the answer: {}",
                        m.at,
                        issues.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("; ")
                    ),
                    raw,
                }),
            }
        }
        counts.records = records.len() as u64;
        counts.rejected = rejects.len() as u64;
        self.rejects.write(&rejects)?;
        let stats = self.writer.write_batch_at(&records, source, &rejects, checkpoints)?;
        self.summary.accepted += counts.records;
        self.summary.rejected += counts.rejected;
        self.summary.written += stats.written;
        self.summary.unchanged += stats.unchanged;
        Ok((records, counts))
    }
}

/// A whole answer that could not be read, as a reject (its body kept verbatim).
pub(crate) fn answer_reject(url: &str, error: &clout_connect::FetchError) -> Option<Reject> {
    let body = error.body()?;
    Some(Reject {
        file: url.to_string(),
        line: 0,
        field: None,
        reason: error.to_string(),
        raw: body.as_bytes().to_vec(),
    })
}
