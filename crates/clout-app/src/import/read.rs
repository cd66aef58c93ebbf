//! Reading one input file: opening it (gzip recognised by its magic bytes, bounded),
//! deciding its format, and handing every record to the caller: interchange NDJSON or
//! CSV, or saved API answers recognised by their content.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use clout_core::Timestamp;
use clout_import::Format;

use clout_import::input_stream;

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

/// Opens a file, decompressing gzip (recognised by its magic bytes, whatever the name),
/// with at most `max_decompressed` bytes out (`None`: [`clout_import::default_max_decompressed`]).
pub(crate) fn open_input(
    path: &Path,
    count: Arc<AtomicU64>,
    max_decompressed: Option<u64>,
) -> io::Result<Box<dyn BufRead + Send>> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    input_stream(Counting { inner: file, count }, size, max_decompressed)
}

/// Decides the format: by extension, else by the first byte (`{` means NDJSON).
pub(crate) fn detect_format(path: &Path, reader: &mut dyn BufRead) -> io::Result<Format> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    if let Some(t) = clout_import::file_type(&name) {
        return Ok(t.format);
    }
    let head = reader.fill_buf()?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    Ok(if first == Some(&b'{') { Format::Ndjson } else { Format::Csv })
}

/// Every record of one file, in order, through `each(row)` (which returns `false` to stop);
/// the one way Clout reads an interchange file, for imports and for `quality check`.
/// `Ok(Some(message))` when reading stopped early at a line and byte offset: every row
/// before it has been handed over.
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_rows(
    path: &Path,
    limits: clout_import::Limits,
    max_decompressed: Option<u64>,
    bytes: Arc<AtomicU64>,
    answers: &mut Answers,
    mut on_header: impl FnMut(&[u8]) -> bool,
    mut each: impl FnMut(clout_import::Row<'_>) -> bool,
) -> io::Result<Option<String>> {
    use clout_import::api::{Sniff, read_answer_document, read_answer_lines, sniff};
    // When what does not say when it was read was read: `--observed-at`, else the file's time.
    let observed = || {
        let time = answers.observed_at.or_else(|| {
            let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
            let secs = modified.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
            Some(Timestamp::from_unix(i64::try_from(secs).ok()?))
        });
        time.map(crate::fetch::rfc3339).unwrap_or_default()
    };
    let mut reader = open_input(path, bytes, max_decompressed)?;
    let format = detect_format(path, reader.as_mut())?;
    match format {
        Format::Ndjson => {
            // Saved API answers are recognised by their content (docs/connectors.md).
            match sniff(reader.fill_buf()?) {
                Sniff::Interchange => Ok(drain(&mut clout_import::NdjsonReader::new(reader, limits), each)),
                Sniff::AnswerLines => {
                    let observed = observed();
                    Ok(read_answer_lines(reader, &limits, &observed, &mut answers.context, &mut each)
                        .map(|f| f.to_string()))
                }
                Sniff::Document => {
                    let observed = observed();
                    match read_answer_document(&mut reader, &limits, &observed, &mut answers.context, &mut each) {
                        Ok(None) => Ok(None),
                        Ok(Some(consumed)) => {
                            let again = BufReader::new(io::Cursor::new(consumed).chain(reader));
                            Ok(drain(&mut clout_import::NdjsonReader::new(again, limits), each))
                        }
                        Err(fault) => Ok(Some(fault.to_string())),
                    }
                }
            }
        }
        Format::Csv => {
            let map = answers.map.clone().map(|mut map| {
                let timed = map.columns.iter().chain(&map.constants).any(|(f, _)| f == "observed_at");
                let observed_kind =
                    matches!(map.kind.as_deref(), None | Some("channel" | "post" | "followers" | "follower"));
                if !timed && observed_kind {
                    map.constants.push(("observed_at".to_string(), observed()));
                }
                map
            });
            let mut rows = match clout_import::CsvReader::with_map(reader, limits, map.as_ref()) {
                Ok(rows) => rows,
                Err(e) => return Ok(Some(e.to_string())),
            };
            if !on_header(rows.header_raw()) {
                return Ok(None);
            }
            Ok(drain(&mut rows, each))
        }
    }
}

/// What reading saved API answers needs: when they were observed (`None`: each file's
/// modification time), and what the files read before taught (YouTube channel handles).
#[derive(Default)]
pub(crate) struct Answers {
    pub(crate) observed_at: Option<Timestamp>,
    pub(crate) context: clout_import::api::Context,
    /// A foreign CSV layout's map (`--map`).
    pub(crate) map: Option<clout_import::CsvMap>,
}

/// Hands every row to `each` until it returns `false` or the input ends; the fault that
/// stopped reading, if any.
fn drain(rows: &mut impl clout_import::Rows, mut each: impl FnMut(clout_import::Row<'_>) -> bool) -> Option<String> {
    loop {
        match rows.next_row() {
            Ok(Some(row)) => {
                if !each(row) {
                    return None;
                }
            }
            Ok(None) => return None,
            Err(fault) => return Some(fault.to_string()),
        }
    }
}
