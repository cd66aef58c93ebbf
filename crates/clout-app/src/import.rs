//! `import`: interchange files into the store, in batches, keeping every reject.
//!
//! One thread reads and parses while the calling thread writes batches, so parsing
//! and SQLite overlap on two cores. Each batch is one transaction: a killed import
//! leaves whole batches, and running it again completes it (writes are idempotent).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use clout_core::{Record, Timestamp};
use clout_import::FieldIssue;
use clout_store::{Reject, RunStatus, SourceId};

use crate::{App, Error, RecomputeSummary, Result};

mod read;

pub use clout_import::{default_max_decompressed, input_stream};
pub(crate) use read::{Answers, read_rows};

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The clock, read when the run starts (its start, and the observation time of posts
    /// without one) and when it ends. The app never reads the wall clock itself.
    pub clock: fn() -> Timestamp,
    /// Any reject makes the import fail, and then nothing is written.
    pub strict: bool,
    /// Records per transaction.
    pub batch_size: usize,
    /// Bounds on a line, a field and a multi-line CSV record.
    pub limits: clout_import::Limits,
    /// The most bytes a compressed file may expand to; `None` for the default,
    /// [`default_max_decompressed`] of its compressed size.
    pub max_decompressed_bytes: Option<u64>,
    /// When saved API answers were read from their platform (they do not say): `None` for
    /// each file's modification time.
    pub answers_observed_at: Option<Timestamp>,
    /// How a foreign CSV file's columns become interchange fields (`--map`): every CSV
    /// file of the import is read through it. Its rows without an `observed_at` of their
    /// own are observed at `answers_observed_at` or the file's modification time.
    pub csv_map: Option<clout_import::CsvMap>,
}

/// One rejected record, as reported to the user.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectReport {
    pub file: String,
    pub line: u64,
    pub issues: Vec<FieldIssue>,
}

/// A file that could not be read at all (or not to its end).
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    pub file: String,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    pub run: Option<i64>,
    pub accepted: u64,
    pub rejected: u64,
    /// Accepted observations that were new or changed the store.
    pub written: u64,
    /// Accepted observations the store already held.
    pub unchanged: u64,
    /// The rejects file when one input file had rejects; the run's rejects folder when several did.
    pub rejects_file: Option<PathBuf>,
    /// Every rejects file, one per input file with rejects.
    pub rejects_files: Vec<PathBuf>,
    /// Distinct channels among the accepted records.
    pub channels: u64,
    /// Distinct posts among the accepted records.
    pub posts: u64,
    pub file_errors: Vec<FileError>,
    pub metrics: Option<RecomputeSummary>,
    pub niches: Option<crate::NicheSummary>,
    /// `--strict` found rejects, so nothing was written.
    pub strict_refused: bool,
}

impl ImportSummary {
    fn empty(run: Option<i64>) -> ImportSummary {
        ImportSummary {
            run,
            accepted: 0,
            rejected: 0,
            written: 0,
            unchanged: 0,
            rejects_file: None,
            rejects_files: Vec::new(),
            channels: 0,
            posts: 0,
            file_errors: Vec::new(),
            metrics: None,
            niches: None,
            strict_refused: false,
        }
    }
}

/// Hooks for showing progress; every method has a do-nothing default.
pub trait ImportProgress {
    fn file_started(&mut self, _file: &str, _size: Option<u64>) {}
    fn bytes_read(&mut self, _file: &str, _bytes: u64) {}
    /// A batch is in the store: of `file` so far, `accepted` records written and `rejected`
    /// refused; `records_in_run` read in the whole run.
    fn batch_committed(&mut self, _file: &str, _accepted: u64, _rejected: u64, _records_in_run: u64) {}
    fn reject(&mut self, _reject: &RejectReport) {}
    fn file_finished(&mut self, _file: &str, _accepted: u64, _rejected: u64) {}
    fn recomputing(&mut self) {}
}

/// Progress that shows nothing.
pub struct Silent;
impl ImportProgress for Silent {}

enum Msg {
    Batch { records: Vec<Record>, rejects: Vec<RawReject>, bytes: u64 },
    CsvHeader(Vec<u8>),
    Failed(String),
}

struct RawReject {
    line: u64,
    raw: Vec<u8>,
    /// False when `raw` is only the start of a line over the limit: it is not written to
    /// the rejects file (which must import again once fixed); the reason names its line.
    complete: bool,
    issues: Vec<FieldIssue>,
}

/// Collects parsed records into batches and sends them to the writer.
///
/// (Handing written batches back so that the parsing thread frees them was tried and
/// measured slower: the writer is not slowed by freeing.)
struct Batcher<'a> {
    tx: &'a mpsc::SyncSender<Msg>,
    bytes: &'a AtomicU64,
    batch_size: usize,
    records: Vec<Record>,
    rejects: Vec<RawReject>,
}

impl Batcher<'_> {
    /// Adds one record; `false` when the writer has gone away.
    fn push(&mut self, row: clout_import::Row<'_>) -> bool {
        match row.parsed {
            Ok(record) => self.records.push(record),
            Err(issues) => {
                self.rejects.push(RawReject { line: row.line, raw: row.raw.to_vec(), complete: row.complete, issues })
            }
        }
        self.records.len() + self.rejects.len() < self.batch_size || self.flush()
    }

    fn flush(&mut self) -> bool {
        if self.records.is_empty() && self.rejects.is_empty() {
            return true;
        }
        let records = std::mem::replace(&mut self.records, Vec::with_capacity(self.batch_size));
        let rejects = std::mem::take(&mut self.rejects);
        self.tx.send(Msg::Batch { records, rejects, bytes: self.bytes.load(Ordering::Relaxed) }).is_ok()
    }
}

/// Reads and parses one file, sending batches; runs on its own thread. A file that
/// cannot be read to its end still sends every record before the point where it stopped.
fn parse_file(
    path: &Path,
    options: &ImportOptions,
    bytes: Arc<AtomicU64>,
    answers: &mut Answers,
    tx: &mpsc::SyncSender<Msg>,
) {
    let batch_size = options.batch_size;
    let mut batch =
        Batcher { tx, bytes: &bytes, batch_size, records: Vec::with_capacity(batch_size), rejects: Vec::new() };
    let result = read_rows(
        path,
        options.limits,
        options.max_decompressed_bytes,
        bytes.clone(),
        answers,
        |header| tx.send(Msg::CsvHeader(header.to_vec())).is_ok(),
        |row| batch.push(row),
    );
    // Whatever was read is sent before the error: a truncated file keeps every complete line.
    batch.flush();
    match result {
        Ok(None) => {}
        Ok(Some(message)) => {
            tx.send(Msg::Failed(message)).ok();
        }
        Err(e) => {
            tx.send(Msg::Failed(e.to_string())).ok();
        }
    }
}

/// The rejects of one input file, written as they come.
struct RejectsOut {
    path: PathBuf,
    file: io::BufWriter<File>,
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

impl App {
    /// Imports `files`, then recomputes every metric.
    ///
    /// Returns `Err` only for a store failure; unreadable files are listed in
    /// [`ImportSummary::file_errors`] and the other files still import.
    pub fn import(
        &mut self,
        files: &[PathBuf],
        options: &ImportOptions,
        progress: &mut dyn ImportProgress,
    ) -> Result<ImportSummary> {
        if options.batch_size == 0 {
            return Err(Error::Invalid("the batch size must be at least 1".to_string()));
        }
        // A broken niche taxonomy is found before anything is written, not after.
        self.niche_classifier()?;
        if options.strict {
            let (rejected, file_errors) = self.validate(files, options, progress);
            if rejected > 0 || !file_errors.is_empty() {
                return Ok(ImportSummary { rejected, file_errors, strict_refused: true, ..ImportSummary::empty(None) });
            }
        }
        let (stale_before, writes_at_start) = self.store.derived_phase()?;
        let names: Vec<String> = files.iter().map(|f| display(f)).collect();
        let data_dir = self.config.data_dir.clone();
        let mut writer = self.store.begin_run((options.clock)(), &names)?;
        let run = writer.run().0;
        let rejects_dir = data_dir.join("rejects").join(format!("run-{run}"));
        let mut summary = ImportSummary::empty(Some(run));
        let mut reasons: Option<io::BufWriter<File>> = None;
        let mut answers =
            Answers { observed_at: options.answers_observed_at, map: options.csv_map.clone(), ..Answers::default() };

        for path in files {
            let name = display(path);
            let size = std::fs::metadata(path).ok().map(|m| m.len());
            progress.file_started(&name, size);
            if let Err(e) = File::open(path) {
                summary.file_errors.push(FileError { file: name, message: e.to_string() });
                continue;
            }
            let source: SourceId = writer.source_id(&name)?;
            let bytes = Arc::new(AtomicU64::new(0));
            let (tx, rx) = mpsc::sync_channel::<Msg>(2);
            let mut file_accepted = 0u64;
            let mut file_rejected = 0u64;
            let mut csv_header: Option<Vec<u8>> = None;
            let mut out: Option<RejectsOut> = None;
            let outcome: Result<()> = std::thread::scope(|scope| {
                let parse_bytes = bytes.clone();
                let path_for_thread = path.clone();
                let answers = &mut answers;
                scope.spawn(move || parse_file(&path_for_thread, options, parse_bytes, answers, &tx));
                for msg in rx {
                    match msg {
                        Msg::CsvHeader(h) => csv_header = Some(h),
                        Msg::Failed(message) => {
                            summary.file_errors.push(FileError { file: name.clone(), message });
                        }
                        Msg::Batch { records, rejects, bytes } => {
                            let store_rejects: Vec<Reject> = rejects
                                .iter()
                                .map(|r| Reject {
                                    file: name.clone(),
                                    line: r.line,
                                    field: r.issues.iter().find_map(|i| i.field.clone()),
                                    reason: r.issues.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("; "),
                                    raw: r.raw.clone(),
                                })
                                .collect();
                            if !rejects.is_empty() {
                                write_rejects(
                                    &rejects_dir,
                                    path,
                                    csv_header.as_deref(),
                                    &mut out,
                                    &mut reasons,
                                    &name,
                                    &rejects,
                                )
                                .map_err(|e| {
                                    Error::Internal(format!("writing rejects under {}: {e}", rejects_dir.display()))
                                })?;
                            }
                            let stats = writer.write_batch(&records, source, &store_rejects)?;
                            file_accepted += records.len() as u64;
                            file_rejected += rejects.len() as u64;
                            summary.written += stats.written;
                            summary.unchanged += stats.unchanged;
                            for r in rejects {
                                progress.reject(&RejectReport { file: name.clone(), line: r.line, issues: r.issues });
                            }
                            progress.bytes_read(&name, bytes);
                            progress.batch_committed(
                                &name,
                                file_accepted,
                                file_rejected,
                                summary.accepted + summary.rejected + file_accepted + file_rejected,
                            );
                        }
                    }
                }
                Ok(())
            });
            outcome?;
            if let Some(mut o) = out {
                o.file.flush().map_err(|e| Error::Internal(format!("writing {}: {e}", o.path.display())))?;
                summary.rejects_files.push(o.path);
            }
            summary.accepted += file_accepted;
            summary.rejected += file_rejected;
            progress.file_finished(&name, file_accepted, file_rejected);
        }
        if let Some(mut r) = reasons {
            r.flush().map_err(|e| Error::Internal(format!("writing the rejects reasons: {e}")))?;
        }
        summary.rejects_file = match summary.rejects_files.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            _ => Some(rejects_dir.clone()),
        };
        (summary.channels, summary.posts) = writer.touched();
        let touched = writer.touched_channel_ids();
        let written_posts = writer.written_post_ids(crate::post_index::MAX_INCREMENTAL_POSTS);
        let own_writes = writer.writes();
        let status = if summary.file_errors.is_empty() { RunStatus::Completed } else { RunStatus::Failed };
        writer.finish(status, (options.clock)(), summary.rejects_file.as_ref().map(|p| display(p)).as_deref())?;
        let run = crate::derive::RunWrites { stale_before, writes_at_start, own_writes, now: (options.clock)() };
        let (metrics, niches) =
            self.refresh_derived(run, &touched, written_posts.as_deref(), &mut || progress.recomputing())?;
        summary.metrics = metrics;
        summary.niches = niches;
        Ok(summary)
    }

    /// Parses every file without writing; counts rejects (reported through `progress`).
    fn validate(
        &self,
        files: &[PathBuf],
        options: &ImportOptions,
        progress: &mut dyn ImportProgress,
    ) -> (u64, Vec<FileError>) {
        let mut rejected = 0;
        let mut errors = Vec::new();
        let mut answers =
            Answers { observed_at: options.answers_observed_at, map: options.csv_map.clone(), ..Answers::default() };
        for path in files {
            let name = display(path);
            let (tx, rx) = mpsc::sync_channel::<Msg>(2);
            std::thread::scope(|scope| {
                let path_for_thread = path.clone();
                let answers = &mut answers;
                scope.spawn(move || parse_file(&path_for_thread, options, Arc::new(AtomicU64::new(0)), answers, &tx));
                for msg in rx {
                    match msg {
                        Msg::Batch { rejects, .. } => {
                            for r in rejects {
                                rejected += 1;
                                progress.reject(&RejectReport { file: name.clone(), line: r.line, issues: r.issues });
                            }
                        }
                        Msg::Failed(message) => errors.push(FileError { file: name.clone(), message }),
                        Msg::CsvHeader(_) => {}
                    }
                }
            });
        }
        (rejected, errors)
    }
}

/// Appends rejected lines verbatim to the input file's rejects file (created on the
/// first reject, with the CSV header when the input is CSV) and their reasons to
/// `reasons.tsv`.
fn write_rejects(
    dir: &Path,
    input: &Path,
    csv_header: Option<&[u8]>,
    out: &mut Option<RejectsOut>,
    reasons: &mut Option<io::BufWriter<File>>,
    name: &str,
    rejects: &[RawReject],
) -> io::Result<()> {
    if out.is_none() {
        std::fs::create_dir_all(dir)?;
        let base = input.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "input".to_string());
        let base = base.strip_suffix(".gz").unwrap_or(&base).to_string();
        let stem = base.rsplit_once('.').map_or(base.as_str(), |(stem, _)| stem).to_string();
        // The rejects keep the input's format, so that they import again once fixed.
        let ext = if csv_header.is_some() { "csv" } else { "ndjson" };
        let mut path = dir.join(format!("{stem}.rejects.{ext}"));
        let mut n = 2;
        while path.exists() {
            path = dir.join(format!("{stem}-{n}.rejects.{ext}"));
            n += 1;
        }
        let mut file = io::BufWriter::new(File::create(&path)?);
        if let Some(header) = csv_header {
            file.write_all(header)?;
            if !header.ends_with(b"\n") {
                file.write_all(b"\n")?;
            }
        }
        *out = Some(RejectsOut { path, file });
    }
    if reasons.is_none() {
        let path = dir.join("reasons.tsv");
        let mut file = io::BufWriter::new(File::create(path)?);
        file.write_all(b"file\tline\tfield\treason\n")?;
        *reasons = Some(file);
    }
    if let (Some(o), Some(reasons)) = (out.as_mut(), reasons.as_mut()) {
        for r in rejects {
            if r.complete {
                o.file.write_all(&r.raw)?;
                o.file.write_all(b"\n")?;
            }
            for issue in &r.issues {
                // A tab-separated file a spreadsheet opens: no cell may run as a formula.
                let clean = |s: &str| crate::csv_export::csv_cell(&s.replace(['\t', '\n', '\r'], " ")).into_owned();
                writeln!(
                    reasons,
                    "{}\t{}\t{}\t{}",
                    clean(name),
                    r.line,
                    issue.field.as_deref().map(clean).unwrap_or_default(),
                    clean(&issue.reason)
                )?;
            }
        }
        o.file.flush()?;
    }
    Ok(())
}
