//! CSV: one kind per file, with a header row naming the fields.
//!
//! The kind comes from a `kind` column or, without one, from the columns present
//! (`post_id` means posts, a `fee` column deals, a `revenue` column conversions, otherwise
//! channels). An empty cell is null.

use std::borrow::Cow;
use std::fmt;

use crate::convert::{self, Field, RawRecord};
use crate::value::Value;
use crate::{FieldIssue, Parsed};

/// Why a whole CSV file cannot be read as interchange records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvError {
    /// No header row.
    Empty,
    /// The header is not valid CSV or UTF-8.
    BadHeader(String),
    /// The header lacks columns every record needs.
    MissingColumns(Vec<&'static str>),
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::Empty => f.write_str("the file is empty: a CSV file needs a header row"),
            CsvError::BadHeader(e) => write!(f, "the header row cannot be read: {e}"),
            CsvError::MissingColumns(cols) => {
                write!(f, "the header row has no {} column", cols.join(" or "))
            }
        }
    }
}

impl std::error::Error for CsvError {}

/// One data row: where it was, its bytes as they came, and what it says.
#[derive(Debug)]
pub struct CsvRow<'a> {
    /// 1-based line number of the row's first line.
    pub line: u64,
    /// The row verbatim, line ending included.
    pub raw: &'a [u8],
    pub parsed: Parsed,
}

/// The rows of one CSV file held in memory.
pub struct CsvRows<'a> {
    data: &'a [u8],
    reader: csv::Reader<&'a [u8]>,
    /// Where `reader`'s input starts in `data` (it restarts after an unclosed quote).
    base: usize,
    headers: Vec<String>,
    header_raw: &'a [u8],
    kind_column: Option<usize>,
    default_kind: &'static str,
    record: csv::ByteRecord,
    /// Line counting is incremental: the 1-based line at `counted_to`.
    counted_to: usize,
    line_at: u64,
}

impl<'a> CsvRows<'a> {
    pub fn new(data: &'a [u8]) -> Result<CsvRows<'a>, CsvError> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(data);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| CsvError::BadHeader(e.to_string()))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        if headers.is_empty() || headers.iter().all(String::is_empty) {
            return Err(CsvError::Empty);
        }
        // Every kind names its channel except a conversion (whose creator is optional): a
        // conversions file, known by its `campaign` and `revenue` columns, may go without.
        let conversions = ["campaign", "revenue"].iter().all(|c| headers.iter().any(|h| h == c));
        let missing: Vec<&'static str> =
            ["platform", "handle"].into_iter().filter(|c| !headers.iter().any(|h| h == c)).collect();
        if !missing.is_empty() && !conversions {
            return Err(CsvError::MissingColumns(missing));
        }
        let mut header_end = (reader.position().byte() as usize).min(data.len());
        if header_end > 0 && data[header_end - 1] == b'\r' && data.get(header_end) == Some(&b'\n') {
            header_end += 1;
        }
        let kind_column = headers.iter().position(|h| h == "kind");
        // The spec's rule (`post_id` means posts, otherwise channels), plus: a `fee` column
        // means deals and a `revenue` column conversions, fields no other kind has.
        let default_kind = if headers.iter().any(|h| h == "post_id") {
            "post"
        } else if headers.iter().any(|h| h == "fee") {
            "deal"
        } else if headers.iter().any(|h| h == "revenue") {
            "conversion"
        } else {
            "channel"
        };
        Ok(CsvRows {
            data,
            header_raw: &data[..header_end.min(data.len())],
            reader,
            base: 0,
            headers,
            kind_column,
            default_kind,
            record: csv::ByteRecord::new(),
            counted_to: 0,
            line_at: 1,
        })
    }

    /// The header row verbatim, for a rejects file that must re-import on its own.
    pub fn header_raw(&self) -> &'a [u8] {
        // A UTF-8 byte order mark belongs to the file, not to the header.
        self.header_raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(self.header_raw)
    }

    fn parse_record(&self) -> Parsed {
        let record = &self.record;
        if record.len() != self.headers.len() {
            return Err(vec![FieldIssue::record(format!(
                "row has {} fields but the header has {} (truncated or misquoted line?)",
                record.len(),
                self.headers.len()
            ))]);
        }
        let mut raw = RawRecord::new();
        let mut issues = Vec::new();
        for (name, cell) in self.headers.iter().zip(record.iter()) {
            let cell = match std::str::from_utf8(cell) {
                Ok(s) => s,
                Err(_) => {
                    issues.push(FieldIssue::field(name, "not valid UTF-8"));
                    continue;
                }
            };
            let value = if cell.trim().is_empty() { Value::Null } else { Value::Str(Cow::Borrowed(cell)) };
            if let Some(field) = Field::from_name(name) {
                raw.set(field, value);
            } else if !name.is_empty() && !matches!(value, Value::Null) {
                raw.unknown.push((Cow::Owned(name.clone()), serde_json::to_string(cell).unwrap_or_default()));
            }
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        let kind = match self.kind_column.map(|i| String::from_utf8_lossy(&record[i])) {
            Some(k) if !k.trim().is_empty() => k,
            Some(_) => return Err(vec![FieldIssue::field("kind", "required field is empty")]),
            None => Cow::Borrowed(self.default_kind),
        };
        convert::convert(&kind, &raw)
    }
}

impl<'a> CsvRows<'a> {
    /// The row's bytes from `start` to `end` as the csv reader reports them, widened to
    /// whole lines: the reader places record boundaries between `\r` and `\n`.
    fn row_bytes(&mut self, start: usize, end: usize) -> (u64, &'a [u8]) {
        let data = self.data;
        let mut start = start.min(data.len());
        while start < data.len() && (data[start] == b'\n' || data[start] == b'\r') {
            start += 1;
        }
        let mut end = end.clamp(start, data.len());
        if end > start && data[end - 1] == b'\r' && data.get(end) == Some(&b'\n') {
            end += 1;
        }
        if self.counted_to <= start {
            self.line_at += data[self.counted_to..start].iter().filter(|&&b| b == b'\n').count() as u64;
            self.counted_to = start;
        }
        (self.line_at, &data[start..end])
    }
}

impl<'a> Iterator for CsvRows<'a> {
    type Item = CsvRow<'a>;

    fn next(&mut self) -> Option<CsvRow<'a>> {
        let before = self.base + self.reader.position().byte() as usize;
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let start = self.base + self.record.position().map_or(before - self.base, |p| p.byte() as usize);
                let end = self.base + self.reader.position().byte() as usize;
                let (line, raw) = self.row_bytes(start, end);
                // A quote that never closes makes the reader run on over the next lines. When
                // the merged "row" then has the wrong number of fields, only its first line is
                // rejected and reading starts again on the line after it, so the good rows that
                // follow still import.
                let first_line_end = raw.iter().position(|&b| b == b'\n').map(|i| i + 1);
                if let Some(first_end) = first_line_end.filter(|&e| e < raw.len())
                    && self.record.len() != self.headers.len()
                {
                    let raw_start = raw.as_ptr() as usize - self.data.as_ptr() as usize;
                    let restart = raw_start + first_end;
                    self.base = restart;
                    self.reader =
                        csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(&self.data[restart..]);
                    let first = &raw[..first_end];
                    return Some(CsvRow {
                        line,
                        raw: first,
                        parsed: Err(vec![FieldIssue::record(
                            "a quoted field does not close on this line (unbalanced quote?)".to_string(),
                        )]),
                    });
                }
                Some(CsvRow { line, raw, parsed: self.parse_record() })
            }
            Err(e) => {
                // The csv reader recovers at the next record; report this one and go on.
                let end = self.base + self.reader.position().byte() as usize;
                if end <= before {
                    return None;
                }
                let (line, raw) = self.row_bytes(before, end);
                Some(CsvRow { line, raw, parsed: Err(vec![FieldIssue::record(format!("malformed CSV: {e}"))]) })
            }
        }
    }
}
