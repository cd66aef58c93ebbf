//! Reading a whole interchange file as a stream, in bounded memory.
//!
//! The rule: **every physical line of the input ends up in exactly one accepted or one
//! rejected record, or in a [`FileFault`] that names its line and byte offset.** A CSV
//! record may span several lines (a quoted field with line breaks); its lines are all in
//! that one record. A line over [`Limits::max_line_bytes`] is a reject of its own and
//! reading resumes at the next line, so no input, however hostile, makes a reader hold more
//! than about twice that limit.

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, BufRead};

use crate::csv_file::CsvHeader;
use crate::{FieldIssue, Parsed};

/// Bounds on what one record may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes in one physical line, and in one CSV record spanning several.
    pub max_line_bytes: usize,
    /// Bytes of text in one field (an array's items together).
    pub max_field_bytes: usize,
    /// Physical lines one quoted CSV field may span.
    pub max_record_lines: usize,
}

impl Limits {
    pub const DEFAULT_MAX_LINE_BYTES: usize = 1 << 20;
    pub const DEFAULT_MAX_FIELD_BYTES: usize = 64 << 10;
    pub const DEFAULT_MAX_RECORD_LINES: usize = 100;
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_line_bytes: Limits::DEFAULT_MAX_LINE_BYTES,
            max_field_bytes: Limits::DEFAULT_MAX_FIELD_BYTES,
            max_record_lines: Limits::DEFAULT_MAX_RECORD_LINES,
        }
    }
}

/// Reading stopped: the input could not be read past this point. Every line before
/// `line` was read and reported; `line` and what follows are not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFault {
    /// 1-based number of the first line not read.
    pub line: u64,
    /// Byte offset (in the decompressed input) where that line starts.
    pub offset: u64,
    pub message: String,
}

impl fmt::Display for FileFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} (byte offset {}): {}", self.line, self.offset, self.message)
    }
}

impl std::error::Error for FileFault {}

/// One record read from a file.
#[derive(Debug)]
pub struct Row<'a> {
    /// 1-based number of the record's first line.
    pub line: u64,
    /// Byte offset of that line in the (decompressed) input.
    pub offset: u64,
    /// The record verbatim without its final line ending (lines joined by `\n`), or the
    /// first bytes of a line over the limit when `complete` is false.
    pub raw: &'a [u8],
    /// False when `raw` is only the start of an over-long line.
    pub complete: bool,
    pub parsed: Parsed,
}

/// A reader of records, one at a time (NDJSON or CSV).
pub trait Rows {
    /// The next record, `Ok(None)` at the end, or the fault that stops reading.
    fn next_row(&mut self) -> Result<Option<Row<'_>>, FileFault>;
}

impl<R: BufRead> Rows for NdjsonReader<R> {
    fn next_row(&mut self) -> Result<Option<Row<'_>>, FileFault> {
        NdjsonReader::next_row(self)
    }
}

impl<R: BufRead> Rows for CsvReader<R> {
    fn next_row(&mut self) -> Result<Option<Row<'_>>, FileFault> {
        CsvReader::next_row(self)
    }
}

/// A physical line as read.
enum Phys {
    /// The line's bytes are in the reader's buffer (without its `\n`, with a `\r` before it,
    /// and without a UTF-8 byte order mark on line 1).
    Line { number: u64, offset: u64 },
    /// Over the limit: the buffer holds its first bytes; `len` is its full length.
    TooLong { number: u64, offset: u64, len: u64 },
}

/// How many bytes of an over-long line are kept to show in a reject.
const PREFIX: usize = 256;

/// Physical lines of a stream, each at most `max` bytes in memory.
struct Lines<R> {
    inner: R,
    max: usize,
    buf: Vec<u8>,
    next_number: u64,
    offset: u64,
}

impl<R: BufRead> Lines<R> {
    fn new(inner: R, max: usize) -> Lines<R> {
        Lines { inner, max, buf: Vec::new(), next_number: 1, offset: 0 }
    }

    fn read(&mut self) -> Result<Option<Phys>, FileFault> {
        self.buf.clear();
        let (number, offset) = (self.next_number, self.offset);
        let mut total: u64 = 0;
        let mut too_long = false;
        loop {
            let available = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let message =
                        if total > 0 { format!("the line is incomplete: {}", describe(&e)) } else { describe(&e) };
                    return Err(FileFault { line: number, offset, message });
                }
            };
            if available.is_empty() {
                if total == 0 {
                    return Ok(None);
                }
                break;
            }
            let (take, found) = match memchr::memchr(b'\n', available) {
                Some(i) => (i, true),
                None => (available.len(), false),
            };
            if !too_long && self.buf.len() + take > self.max {
                too_long = true;
                self.buf.truncate(PREFIX);
            }
            if too_long {
                // The prefix fills up to its size whatever the reads' sizes.
                let keep = PREFIX.saturating_sub(self.buf.len()).min(take);
                self.buf.extend_from_slice(&available[..keep]);
            } else {
                self.buf.extend_from_slice(&available[..take]);
            }
            let consumed = take + usize::from(found);
            self.inner.consume(consumed);
            total += consumed as u64;
            if found {
                break;
            }
        }
        self.next_number += 1;
        self.offset += total;
        if number == 1 && self.buf.starts_with(b"\xEF\xBB\xBF") {
            self.buf.drain(..3);
        }
        if too_long {
            return Ok(Some(Phys::TooLong { number, offset, len: total }));
        }
        Ok(Some(Phys::Line { number, offset }))
    }
}

/// An IO error in words a user can act on.
fn describe(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => "the file ends in the middle of its compressed data (truncated?)".to_string(),
        _ => e.to_string(),
    }
}

fn too_long_issue(len: u64, max: usize) -> Vec<FieldIssue> {
    vec![FieldIssue::record(format!(
        "the line is {len} bytes, over the limit of {max} bytes (raise it with --max-line-bytes)"
    ))]
}

fn without_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// The records of an NDJSON stream.
pub struct NdjsonReader<R> {
    lines: Lines<R>,
    limits: Limits,
}

impl<R: BufRead> NdjsonReader<R> {
    pub fn new(input: R, limits: Limits) -> NdjsonReader<R> {
        NdjsonReader { lines: Lines::new(input, limits.max_line_bytes), limits }
    }

    /// The next record; blank lines are skipped (they are not records).
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, FileFault> {
        loop {
            match self.lines.read()? {
                None => return Ok(None),
                Some(Phys::TooLong { number, offset, len }) => {
                    let parsed = Err(too_long_issue(len, self.limits.max_line_bytes));
                    return Ok(Some(Row { line: number, offset, raw: &self.lines.buf, complete: false, parsed }));
                }
                Some(Phys::Line { number, offset }) => {
                    if is_blank(&self.lines.buf) {
                        continue;
                    }
                    let line = without_cr(&self.lines.buf);
                    let parsed = crate::ndjson::parse_line_with(line, &self.limits);
                    return Ok(Some(Row { line: number, offset, raw: line, complete: true, parsed }));
                }
            }
        }
    }
}

/// The next physical line: `Ok((number, offset))`, or `Err(len)` for an over-long one.
type Next = std::result::Result<(u64, u64), u64>;

/// A physical line put back to be read again (after a record that spanned it failed).
enum Again {
    Line { number: u64, offset: u64, bytes: Vec<u8> },
    TooLong { number: u64, offset: u64, len: u64, prefix: Vec<u8> },
}

/// Where a CSV field scan stands at the end of a physical line.
enum Scan {
    Complete,
    /// Inside a quoted field: the record goes on over the next line.
    Open,
    Failed(String),
}

/// Splits CSV records into fields, strictly by RFC 4180: a field that starts with a
/// quote ends at a closing quote followed by a comma or the end of the line. A quote
/// inside an unquoted field is a character like any other (`5'11"`).
#[derive(Default)]
struct Fields {
    text: Vec<u8>,
    ends: Vec<usize>,
    state: State,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl Fields {
    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.state = State::FieldStart;
    }

    /// Scans one physical line (without its `\n`). A `\r` at its end is the line ending,
    /// unless a quoted field is still open: then it is part of the field's text.
    fn feed(&mut self, line: &[u8]) -> Scan {
        if self.state == State::Quoted {
            self.text.push(b'\n');
        }
        let cr = line.last() == Some(&b'\r');
        let line = without_cr(line);
        let mut i = 0;
        while i < line.len() {
            match self.state {
                State::FieldStart | State::Unquoted => {
                    if self.state == State::FieldStart && line[i] == b'"' {
                        self.state = State::Quoted;
                        i += 1;
                        continue;
                    }
                    // Copy up to the next comma in one go.
                    let end = memchr::memchr(b',', &line[i..]).map_or(line.len(), |j| i + j);
                    self.text.extend_from_slice(&line[i..end]);
                    if end < line.len() {
                        self.ends.push(self.text.len());
                        self.state = State::FieldStart;
                        i = end + 1;
                    } else {
                        self.state = State::Unquoted;
                        i = end;
                    }
                }
                State::Quoted => {
                    let end = memchr::memchr(b'"', &line[i..]).map_or(line.len(), |j| i + j);
                    self.text.extend_from_slice(&line[i..end]);
                    if end < line.len() {
                        self.state = State::QuoteInQuoted;
                        i = end + 1;
                    } else {
                        i = end;
                    }
                }
                State::QuoteInQuoted => match line[i] {
                    b'"' => {
                        self.text.push(b'"');
                        self.state = State::Quoted;
                        i += 1;
                    }
                    b',' => {
                        self.ends.push(self.text.len());
                        self.state = State::FieldStart;
                        i += 1;
                    }
                    _ => {
                        return Scan::Failed(format!(
                            "text after the closing quote of field {} (a quote inside a quoted field is written twice: \"\")",
                            self.ends.len() + 1
                        ));
                    }
                },
            }
        }
        if self.state == State::Quoted {
            if cr {
                self.text.push(b'\r');
            }
            return Scan::Open;
        }
        self.ends.push(self.text.len());
        self.state = State::FieldStart;
        Scan::Complete
    }

    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let field = &self.text[start..end];
            start = end;
            field
        })
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// Reading failed inside a record spanning several lines: none of its lines was
/// reported, so reading stopped at its first line, and the fault names that one.
fn cut_off((line, offset): (u64, u64), fault: FileFault) -> FileFault {
    let message = format!(
        "the record that starts on this line runs on to line {}, where reading stopped: {}",
        fault.line, fault.message
    );
    FileFault { line, offset, message }
}

/// The records of a CSV stream: a header row, then one record per row.
pub struct CsvReader<R> {
    lines: Lines<R>,
    limits: Limits,
    header: CsvHeader,
    header_raw: Vec<u8>,
    again: VecDeque<Again>,
    fields: Fields,
    /// The record being assembled, verbatim.
    raw: Vec<u8>,
    /// Where each of its physical lines starts in `raw`, with its number and offset.
    parts: Vec<(usize, u64, u64)>,
}

/// What went wrong before the first record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvStart {
    Header(crate::CsvError),
    Fault(FileFault),
}

impl fmt::Display for CsvStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvStart::Header(e) => write!(f, "line 1 (byte offset 0): {e}"),
            CsvStart::Fault(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CsvStart {}

impl<R: BufRead> CsvReader<R> {
    /// Reads the header row (blank lines before it are skipped).
    pub fn new(input: R, limits: Limits) -> Result<CsvReader<R>, CsvStart> {
        CsvReader::with_map(input, limits, None)
    }

    /// [`CsvReader::new`] for a foreign CSV file whose columns `map` names.
    pub fn with_map(input: R, limits: Limits, map: Option<&crate::CsvMap>) -> Result<CsvReader<R>, CsvStart> {
        let mut lines = Lines::new(input, limits.max_line_bytes);
        let mut fields = Fields::default();
        loop {
            match lines.read().map_err(CsvStart::Fault)? {
                None => return Err(CsvStart::Header(crate::CsvError::Empty)),
                Some(Phys::TooLong { len, .. }) => {
                    return Err(CsvStart::Header(crate::CsvError::BadHeader(format!(
                        "the header row is {len} bytes, over the limit of {} bytes",
                        limits.max_line_bytes
                    ))));
                }
                Some(Phys::Line { .. }) if is_blank(&lines.buf) => continue,
                Some(Phys::Line { .. }) => {
                    match fields.feed(&lines.buf) {
                        Scan::Complete => {}
                        Scan::Open => {
                            return Err(CsvStart::Header(crate::CsvError::BadHeader(
                                "a quoted column name does not close on the header line".to_string(),
                            )));
                        }
                        Scan::Failed(e) => return Err(CsvStart::Header(crate::CsvError::BadHeader(e))),
                    }
                    let header = CsvHeader::new(fields.iter(), map).map_err(CsvStart::Header)?;
                    let header_raw = without_cr(&lines.buf).to_vec();
                    return Ok(CsvReader {
                        lines,
                        limits,
                        header,
                        header_raw,
                        again: VecDeque::new(),
                        fields,
                        raw: Vec::new(),
                        parts: Vec::new(),
                    });
                }
            }
        }
    }

    /// The header row verbatim (without its line ending), for a rejects file that must
    /// import again on its own.
    pub fn header_raw(&self) -> &[u8] {
        &self.header_raw
    }

    /// The next physical line into `self.raw` (appended), from the put-back queue first.
    /// `Ok(None)` at the end; `Err(len)` for an over-long line (its prefix appended).
    fn next_phys(&mut self) -> Result<Option<Next>, FileFault> {
        if let Some(again) = self.again.pop_front() {
            return Ok(Some(match again {
                Again::Line { number, offset, bytes } => {
                    self.raw.extend_from_slice(&bytes);
                    Ok((number, offset))
                }
                Again::TooLong { number, offset, len, prefix } => {
                    self.raw.extend_from_slice(&prefix);
                    self.parts.push((self.raw.len() - prefix.len(), number, offset));
                    return Ok(Some(Err(len)));
                }
            }));
        }
        match self.lines.read()? {
            None => Ok(None),
            Some(Phys::Line { number, offset }) => {
                self.raw.extend_from_slice(&self.lines.buf);
                Ok(Some(Ok((number, offset))))
            }
            Some(Phys::TooLong { number, offset, len }) => {
                let start = self.raw.len();
                self.raw.extend_from_slice(&self.lines.buf);
                self.parts.push((start, number, offset));
                Ok(Some(Err(len)))
            }
        }
    }

    /// A record that spans several lines failed: its first line is rejected with
    /// `reason` and the others are read again as the start of new records.
    fn reject_first_line(&mut self, reason: String, last_too_long: Option<u64>) -> Row<'_> {
        let (first_start, number, offset) = self.parts[0];
        let first_end = self.parts.get(1).map_or(self.raw.len(), |p| p.0.saturating_sub(1));
        for (k, &(start, n, o)) in self.parts.iter().enumerate().skip(1) {
            let end = self.parts.get(k + 1).map_or(self.raw.len(), |p| p.0.saturating_sub(1));
            let bytes = self.raw[start..end].to_vec();
            let is_last = k + 1 == self.parts.len();
            self.again.push_back(match last_too_long {
                Some(len) if is_last => Again::TooLong { number: n, offset: o, len, prefix: bytes },
                _ => Again::Line { number: n, offset: o, bytes },
            });
        }
        Row {
            line: number,
            offset,
            raw: without_cr(&self.raw[first_start..first_end]),
            complete: true,
            parsed: Err(vec![FieldIssue::record(reason)]),
        }
    }

    /// The next record. Blank lines between records are skipped.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, FileFault> {
        loop {
            self.raw.clear();
            self.parts.clear();
            self.fields.clear();
            // The put-back queue's over-long lines record their own part.
            let first = match self.next_phys()? {
                None => return Ok(None),
                Some(Err(len)) => {
                    let (_, number, offset) = self.parts[0];
                    let parsed = Err(too_long_issue(len, self.limits.max_line_bytes));
                    return Ok(Some(Row { line: number, offset, raw: &self.raw, complete: false, parsed }));
                }
                Some(Ok(at)) => at,
            };
            if is_blank(&self.raw) {
                continue;
            }
            self.parts.push((0, first.0, first.1));
            let mut scan = self.fields.feed(&self.raw);
            let done = loop {
                match scan {
                    Scan::Complete => break Ok(()),
                    Scan::Failed(reason) => break Err(reason),
                    Scan::Open => {}
                }
                if self.parts.len() >= self.limits.max_record_lines || self.raw.len() > self.limits.max_line_bytes {
                    let reason = format!(
                        "a quoted field opened on this line does not close within {} lines or {} bytes (unbalanced quote?)",
                        self.limits.max_record_lines, self.limits.max_line_bytes
                    );
                    return Ok(Some(self.reject_first_line(reason, None)));
                }
                self.raw.push(b'\n');
                let start = self.raw.len();
                let next = match self.next_phys() {
                    Ok(next) => next,
                    Err(fault) => return Err(cut_off(first, fault)),
                };
                match next {
                    None => {
                        self.raw.pop();
                        let reason = "a quoted field opened on this line does not close before the end of the file \
                                      (unbalanced quote?)"
                            .to_string();
                        return Ok(Some(self.reject_first_line(reason, None)));
                    }
                    Some(Err(len)) => {
                        let reason = "a quoted field opened on this line does not close before an over-long line \
                                      (unbalanced quote?)"
                            .to_string();
                        return Ok(Some(self.reject_first_line(reason, Some(len))));
                    }
                    Some(Ok((number, offset))) => {
                        self.parts.push((start, number, offset));
                        scan = self.fields.feed(&self.raw[start..]);
                    }
                }
            };
            let multi = self.parts.len() > 1;
            let (number, offset) = first;
            return Ok(Some(match done {
                Err(reason) if multi => {
                    let reason = format!(
                        "a quoted field opened on this line runs into line {} and fails there: {reason}",
                        self.parts.last().map_or(number, |p| p.1)
                    );
                    self.reject_first_line(reason, None)
                }
                Err(reason) => {
                    let parsed = Err(vec![FieldIssue::record(reason)]);
                    Row { line: number, offset, raw: without_cr(&self.raw), complete: true, parsed }
                }
                Ok(()) if multi && self.fields.len() != self.header.len() => {
                    let reason = format!(
                        "a quoted field opened on this line runs over {} lines into a row of {} fields where the \
                         header has {} (unbalanced quote?)",
                        self.parts.len(),
                        self.fields.len(),
                        self.header.len()
                    );
                    self.reject_first_line(reason, None)
                }
                Ok(()) => {
                    let fields: Vec<&[u8]> = self.fields.iter().collect();
                    let parsed = self.header.parse(&fields, &self.limits);
                    Row { line: number, offset, raw: without_cr(&self.raw), complete: true, parsed }
                }
            }));
        }
    }
}
