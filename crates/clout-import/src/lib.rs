//! Reading the interchange format (`docs/interchange.md`) into core records.
//!
//! Parsing never fails as a whole on a bad record: each record becomes either a
//! [`clout_core::Record`] or a list of [`FieldIssue`]s saying which field is wrong and
//! why, and the caller keeps going. This crate opens no files: callers hand it bytes.

pub mod api;
mod convert;
pub mod csv_file;
mod gzip;
pub mod ndjson;
mod read;
mod value;

use std::fmt;

pub use csv_file::{CsvError, CsvMap};
pub use gzip::{default_max_decompressed, input_stream};
pub use ndjson::{parse_line, parse_line_with};
pub use read::{CsvReader, CsvStart, FileFault, Limits, NdjsonReader, Row, Rows};
pub use value::{MAX_COUNT, parse_count};

/// The shape of an interchange file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    Csv,
}

/// What a file name says about its contents: the format, and whether it is gzip-compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub format: Format,
    pub gzip: bool,
}

/// Recognises `.ndjson`, `.jsonl`, `.json` and `.csv`, each optionally followed by `.gz`.
pub fn file_type(file_name: &str) -> Option<FileType> {
    let lower = file_name.to_ascii_lowercase();
    let (stem, gzip) = match lower.strip_suffix(".gz") {
        Some(stem) => (stem, true),
        None => (lower.as_str(), false),
    };
    let format = if stem.ends_with(".ndjson") || stem.ends_with(".jsonl") || stem.ends_with(".json") {
        Format::Ndjson
    } else if stem.ends_with(".csv") {
        Format::Csv
    } else {
        return None;
    };
    Some(FileType { format, gzip })
}

/// One thing wrong with a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    /// The field at fault, or `None` when the record as a whole is (invalid JSON, say).
    pub field: Option<String>,
    pub reason: String,
}

impl FieldIssue {
    pub(crate) fn field(field: &str, reason: impl Into<String>) -> FieldIssue {
        FieldIssue { field: Some(field.to_string()), reason: reason.into() }
    }

    pub(crate) fn record(reason: impl Into<String>) -> FieldIssue {
        FieldIssue { field: None, reason: reason.into() }
    }
}

impl fmt::Display for FieldIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// The result of reading one record.
pub type Parsed = Result<clout_core::Record, Vec<FieldIssue>>;

#[cfg(test)]
mod tests;
