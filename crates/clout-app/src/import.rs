//! `import`: interchange files into the store, in batches, keeping every reject.
//!
//! One thread reads and parses while the calling thread writes batches, so parsing
//! and SQLite overlap on two cores. Each batch is one transaction: a killed import
//! leaves whole batches, and running it again completes it (writes are idempotent).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use clout_core::{Record, Timestamp};
use clout_import::{CsvRows, FieldIssue, Format};
use clout_store::{Reject, RunStatus, SourceId};

use crate::{App, Error, RecomputeSummary, Result};

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
    fn batch_committed(&mut self, _file: &str, _records_in_file: u64, _records_in_run: u64) {}
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
    issues: Vec<FieldIssue>,
}

/// Counts the bytes read from the file (before decompression), for progress.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens a file, decompressing gzip (recognised by its magic bytes, whatever the name).
fn open_input(path: &Path, count: Arc<AtomicU64>) -> io::Result<(Box<dyn BufRead + Send>, bool)> {
    let file = File::open(path)?;
    let mut reader = BufReader::with_capacity(1 << 20, Counting { inner: file, count });
    let gzip = reader.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    if gzip {
        let decoder = flate2::bufread::MultiGzDecoder::new(reader);
        Ok((Box::new(BufReader::with_capacity(1 << 20, decoder)), true))
    } else {
        Ok((Box::new(reader), false))
    }
}

/// Decides the format: by extension, else by the first byte (`{` means NDJSON).
fn detect_format(path: &Path, reader: &mut dyn BufRead) -> io::Result<Format> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    if let Some(t) = clout_import::file_type(&name) {
        return Ok(t.format);
    }
    let head = reader.fill_buf()?;
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    Ok(if first == Some(&b'{') { Format::Ndjson } else { Format::Csv })
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
    /// Adds one parsed line; `false` when the writer has gone away.
    fn push(&mut self, line: u64, raw: &[u8], parsed: clout_import::Parsed) -> bool {
        match parsed {
            Ok(record) => self.records.push(record),
            Err(issues) => self.rejects.push(RawReject { line, raw: raw.to_vec(), issues }),
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

/// Reads and parses one file, sending batches; runs on its own thread.
fn parse_file(path: &Path, batch_size: usize, bytes: Arc<AtomicU64>, tx: &mpsc::SyncSender<Msg>) {
    let result = (|| -> io::Result<()> {
        let (mut reader, _gzip) = open_input(path, bytes.clone())?;
        let format = detect_format(path, reader.as_mut())?;
        let mut batch =
            Batcher { tx, bytes: &bytes, batch_size, records: Vec::with_capacity(batch_size), rejects: Vec::new() };
        match format {
            Format::Ndjson => {
                let mut line = Vec::with_capacity(1024);
                let mut number = 0u64;
                loop {
                    line.clear();
                    if reader.read_until(b'\n', &mut line)? == 0 {
                        break;
                    }
                    number += 1;
                    let mut content: &[u8] = &line;
                    if number == 1 {
                        // A UTF-8 byte order mark belongs to the file, not to the first record.
                        content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
                    }
                    while let [rest @ .., b'\n' | b'\r'] = content {
                        content = rest;
                    }
                    if content.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    if !batch.push(number, content, clout_import::parse_line(content)) {
                        return Ok(());
                    }
                }
            }
            Format::Csv => {
                let mut data = Vec::new();
                reader.read_to_end(&mut data)?;
                let rows = match CsvRows::new(&data) {
                    Ok(rows) => rows,
                    Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
                };
                if tx.send(Msg::CsvHeader(rows.header_raw().to_vec())).is_err() {
                    return Ok(());
                }
                for row in rows {
                    let mut raw = row.raw;
                    while let [rest @ .., b'\n' | b'\r'] = raw {
                        raw = rest;
                    }
                    if !batch.push(row.line, raw, row.parsed) {
                        return Ok(());
                    }
                }
            }
        }
        batch.flush();
        Ok(())
    })();
    if let Err(e) = result {
        tx.send(Msg::Failed(e.to_string())).ok();
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
        let names: Vec<String> = files.iter().map(|f| display(f)).collect();
        let data_dir = self.config.data_dir.clone();
        let mut writer = self.store.begin_run((options.clock)(), &names)?;
        let run = writer.run().0;
        let rejects_dir = data_dir.join("rejects").join(format!("run-{run}"));
        let mut summary = ImportSummary::empty(Some(run));
        let mut reasons: Option<io::BufWriter<File>> = None;

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
            let batch_size = options.batch_size;
            let outcome: Result<()> = std::thread::scope(|scope| {
                let parse_bytes = bytes.clone();
                let path_for_thread = path.clone();
                scope.spawn(move || parse_file(&path_for_thread, batch_size, parse_bytes, &tx));
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
                                file_accepted + file_rejected,
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
        let status = if summary.file_errors.is_empty() { RunStatus::Completed } else { RunStatus::Failed };
        writer.finish(status, (options.clock)(), summary.rejects_file.as_ref().map(|p| display(p)).as_deref())?;
        progress.recomputing();
        summary.metrics = Some(self.recompute_metrics()?);
        self.recompute_quality()?;
        // Labels depend on a channel's own text only: relabel what this import touched,
        // or everything when that is most of the store anyway (one scan beats many lookups).
        let total = self.store.channel_count()?;
        summary.niches = Some(if touched.len() as u64 * 4 > total {
            self.recompute_niches()?
        } else {
            self.recompute_niches_of(&touched)?
        });
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
        for path in files {
            let name = display(path);
            let (tx, rx) = mpsc::sync_channel::<Msg>(2);
            std::thread::scope(|scope| {
                let path_for_thread = path.clone();
                scope.spawn(move || parse_file(&path_for_thread, options.batch_size, Arc::new(AtomicU64::new(0)), &tx));
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
            o.file.write_all(&r.raw)?;
            o.file.write_all(b"\n")?;
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
