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
    /// Two columns have the same name: which value was meant cannot be known.
    DuplicateColumn(String),
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::Empty => f.write_str("the file is empty: a CSV file needs a header row"),
            CsvError::BadHeader(e) => write!(f, "the header row cannot be read: {e}"),
            CsvError::MissingColumns(cols) => {
                write!(f, "the header row has no {} column", cols.join(" or "))
            }
            CsvError::DuplicateColumn(name) => write!(f, "the header row names the column '{name}' twice"),
        }
    }
}

impl std::error::Error for CsvError {}

/// A CSV file's header row: the columns, and the kind its rows have by default.
#[derive(Debug, Clone)]
pub(crate) struct CsvHeader {
    headers: Vec<String>,
    kind_column: Option<usize>,
    default_kind: &'static str,
}

impl CsvHeader {
    pub(crate) fn new<'f>(cells: impl Iterator<Item = &'f [u8]>) -> Result<CsvHeader, CsvError> {
        let mut headers = Vec::new();
        for cell in cells {
            let name = std::str::from_utf8(cell)
                .map_err(|_| CsvError::BadHeader("a column name is not valid UTF-8".to_string()))?;
            headers.push(name.trim().to_ascii_lowercase());
        }
        if headers.is_empty() || headers.iter().all(String::is_empty) {
            return Err(CsvError::Empty);
        }
        for (i, name) in headers.iter().enumerate() {
            if !name.is_empty() && headers[..i].contains(name) {
                return Err(CsvError::DuplicateColumn(name.clone()));
            }
        }
        // Every kind names its channel except a conversion (whose creator is optional): a
        // conversions file, known by its `campaign` and `revenue` columns, may go without.
        let conversions = ["campaign", "revenue"].iter().all(|c| headers.iter().any(|h| h == c));
        let missing: Vec<&'static str> =
            ["platform", "handle"].into_iter().filter(|c| !headers.iter().any(|h| h == c)).collect();
        if !missing.is_empty() && !conversions {
            return Err(CsvError::MissingColumns(missing));
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
        Ok(CsvHeader { headers, kind_column, default_kind })
    }

    pub(crate) fn len(&self) -> usize {
        self.headers.len()
    }

    pub(crate) fn parse(&self, record: &[&[u8]], limits: &crate::Limits) -> Parsed {
        if record.len() != self.headers.len() {
            return Err(vec![FieldIssue::record(format!(
                "row has {} fields but the header has {} (truncated or misquoted line?)",
                record.len(),
                self.headers.len()
            ))]);
        }
        let mut raw = RawRecord::new(limits);
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
                raw.set_unknown(Cow::Owned(name.clone()), serde_json::to_string(cell).unwrap_or_default());
            }
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        let kind = match self.kind_column.map(|i| String::from_utf8_lossy(record[i])) {
            Some(k) if !k.trim().is_empty() => k,
            Some(_) => return Err(vec![FieldIssue::field("kind", "required field is empty")]),
            None => Cow::Borrowed(self.default_kind),
        };
        convert::convert(&kind, &raw)
    }
}
