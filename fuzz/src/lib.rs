//! What the fuzz targets share: reading a stream to its end, and checking the import
//! rule of `docs/interchange.md` on what was read.
//!
//! The rule: every physical line ends up in exactly one accepted or rejected record, or
//! at or after the line a `FileFault` names; each record's bytes are its lines verbatim;
//! memory is bounded by the `Limits`. The same check as the property test in
//! `crates/clout-import/src/tests/hostile.rs`, made stricter: offsets, verbatim bytes,
//! over-long lines and the fault's position are checked too.

use std::io::{self, BufRead, Read};

use clout_import::{CsvReader, FileFault, Limits, NdjsonReader};

/// How many bytes of an over-long line a reject keeps (`PREFIX` in `read.rs`).
pub const PREFIX: usize = 256;

/// A record as read, copied out of the reader.
#[derive(Debug, Clone)]
pub struct Got {
    pub line: u64,
    pub offset: u64,
    pub raw: Vec<u8>,
    pub complete: bool,
    pub parsed: clout_import::Parsed,
}

impl Got {
    fn of(row: &clout_import::Row<'_>) -> Got {
        Got {
            line: row.line,
            offset: row.offset,
            raw: row.raw.to_vec(),
            complete: row.complete,
            parsed: row.parsed.clone(),
        }
    }
}

/// Everything one reader produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub rows: Vec<Got>,
    pub fault: Option<FileFault>,
}

/// Small limits taken from two bytes, so that over-long lines, fields and records are
/// common: a line of 1 to 256 bytes, a record of 1 to 8 lines, a field of 1 to 125 bytes.
pub fn limits(a: u8, b: u8) -> Limits {
    Limits {
        max_line_bytes: 1 + usize::from(a),
        max_record_lines: 1 + usize::from(b % 8),
        max_field_bytes: 1 + usize::from(b >> 3) * 4,
    }
}

/// A reader over `data` that hands out at most `chunk` bytes per call (so lines straddle
/// buffer refills) and fails after `fail_at` bytes, if given.
pub struct Chunked<'a> {
    pub data: &'a [u8],
    pub at: usize,
    pub chunk: usize,
    pub fail_at: Option<usize>,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let end = self.fail_at.unwrap_or(self.data.len()).min(self.data.len());
        if self.at >= end {
            return match self.fail_at {
                Some(_) => Err(io::Error::other("injected read error")),
                None => Ok(0),
            };
        }
        let n = buf.len().min(self.chunk).min(end - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

pub fn read_ndjson(input: impl BufRead, limits: Limits) -> Outcome {
    let mut reader = NdjsonReader::new(input, limits);
    let mut out = Outcome::default();
    loop {
        match reader.next_row() {
            Ok(Some(row)) => {
                assert!(!row.raw.contains(&b'\n'), "an NDJSON record holds a line break: {row:?}");
                out.rows.push(Got::of(&row));
            }
            Ok(None) => return out,
            Err(fault) => {
                out.fault = Some(fault);
                return out;
            }
        }
    }
}

/// `None` when the header is refused (or the input fails before it).
pub fn read_csv(input: impl BufRead, limits: Limits) -> Option<Outcome> {
    let mut reader = CsvReader::new(input, limits).ok()?;
    let mut out = Outcome::default();
    loop {
        match reader.next_row() {
            Ok(Some(row)) => out.rows.push(Got::of(&row)),
            Ok(None) => return Some(out),
            Err(fault) => {
                out.fault = Some(fault);
                return Some(out);
            }
        }
    }
}

/// The physical lines of `data`: `(start, end)` without the `\n`.
pub fn lines(data: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in data.iter().enumerate() {
        if b == b'\n' {
            out.push((start, i));
            start = i + 1;
        }
    }
    if start < data.len() {
        out.push((start, data.len()));
    }
    out
}

/// The bytes of line `n` (1-based) as the reader sees them: a byte order mark on line 1
/// is not part of it.
fn line_bytes<'d>(data: &'d [u8], lines: &[(usize, usize)], n: u64) -> &'d [u8] {
    let (s, e) = lines[n as usize - 1];
    let bytes = &data[s..e];
    if n == 1 { bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes) } else { bytes }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// The 1-based number of the first line that is not blank (the CSV header's), if any.
pub fn first_non_blank(data: &[u8]) -> Option<u64> {
    let lines = lines(data);
    (1..=lines.len() as u64).find(|&n| !is_blank(line_bytes(data, &lines, n)))
}

/// Where reading must stop when the input fails (or is cut) after `k` bytes: the line
/// holding byte `k`, which starts at the returned offset.
pub fn stop_at(data: &[u8], k: usize) -> (u64, u64) {
    let before = &data[..k.min(data.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u64;
    let offset = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) as u64;
    (line, offset)
}

/// Checks the import rule on what a reader made of `data`. Lines before `first_line` are
/// the CSV header (or blank). `max_fault_line`: the latest line a fault may name.
pub fn check(data: &[u8], got: &Outcome, limits: &Limits, first_line: u64, max_fault_line: Option<u64>) {
    let lines = lines(data);
    let count = lines.len() as u64;
    let max = limits.max_line_bytes;
    let mut seen = vec![0u32; lines.len() + 2];
    let mut last_covered = first_line.saturating_sub(1);
    for row in &got.rows {
        assert!(row.line > last_covered, "record at line {} after one covering line {last_covered}", row.line);
        assert!(row.line >= 1 && row.line <= count, "record at line {} of {count}", row.line);
        let (start, _) = lines[row.line as usize - 1];
        assert_eq!(row.offset, start as u64, "record at line {}: wrong offset", row.line);
        let last =
            if row.complete { row.line + row.raw.iter().filter(|&&b| b == b'\n').count() as u64 } else { row.line };
        assert!(last <= count, "record at line {} runs past the end", row.line);
        if row.complete {
            // Verbatim: its lines joined by `\n`, without the last one's `\r`.
            let mut expected = Vec::new();
            for n in row.line..=last {
                // Measured as read: with its `\r` and a byte order mark.
                let (s, e) = lines[n as usize - 1];
                assert!(e - s <= max, "line {n} of {} bytes is over the limit of {max} but read whole", e - s);
                let bytes = line_bytes(data, &lines, n);
                if n > row.line {
                    expected.push(b'\n');
                }
                expected.extend_from_slice(bytes);
            }
            let expected = expected.strip_suffix(b"\r").unwrap_or(&expected);
            assert!(
                row.raw == expected,
                "record at line {}: raw {:?} is not its lines {:?}",
                row.line,
                String::from_utf8_lossy(&row.raw),
                String::from_utf8_lossy(expected)
            );
            assert!(row.raw.len() <= 2 * max + 1, "record at line {} holds {} bytes", row.line, row.raw.len());
            assert!(!is_blank(&row.raw), "a blank line is a record at line {}", row.line);
        } else {
            assert!(row.parsed.is_err(), "an incomplete line is accepted at line {}", row.line);
            let (s, e) = lines[row.line as usize - 1];
            assert!(e - s > max, "line {} of {} bytes is cut at a limit of {max}", row.line, e - s);
            assert!(row.raw.len() <= PREFIX, "an over-long line keeps {} bytes", row.raw.len());
            // The line's first 256 bytes (less a byte order mark), whatever the reads.
            let bom = if row.line == 1 && data[s..e].starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
            let expected = &data[s + bom.min(PREFIX)..s + PREFIX.min(e - s)];
            assert!(
                row.raw == expected,
                "line {}: the kept prefix {:?} is not the line's start {:?}",
                row.line,
                String::from_utf8_lossy(&row.raw),
                String::from_utf8_lossy(expected)
            );
        }
        for n in row.line..=last {
            seen[n as usize] += 1;
        }
        last_covered = last;
    }
    if let Some(fault) = &got.fault {
        assert!(fault.line >= 1 && fault.line <= count + 1, "fault at line {} of {count}", fault.line);
        let offset = lines.get(fault.line as usize - 1).map_or(data.len(), |l| l.0) as u64;
        assert_eq!(fault.offset, offset, "fault at line {}: wrong offset", fault.line);
        assert!(fault.line > last_covered, "fault at line {} inside a record reported", fault.line);
        if let Some(limit) = max_fault_line {
            assert!(fault.line <= limit, "fault at line {}, but the input was readable up to line {limit}", fault.line);
        }
    }
    for n in 1..=count {
        let faulted = got.fault.as_ref().is_some_and(|f| n >= f.line);
        match seen[n as usize] {
            0 => assert!(
                n < first_line || faulted || is_blank(line_bytes(data, &lines, n)),
                "line {n} is in no record: {:?}",
                String::from_utf8_lossy(line_bytes(data, &lines, n))
            ),
            1 => {}
            k => panic!("line {n} is in {k} records"),
        }
    }
}
