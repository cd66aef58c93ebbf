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
    /// The map names columns the file does not have.
    MappedColumnsMissing(Vec<String>),
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
            CsvError::MappedColumnsMissing(cols) => {
                write!(f, "the map names columns the header row does not have: {}", cols.join(", "))
            }
        }
    }
}

impl std::error::Error for CsvError {}

/// How a foreign CSV file's columns become interchange fields (`clout import --map`): the
/// kind of every row, interchange field names by column header (compared without case),
/// and constant values for fields no column has (`platform = "instagram"`). A column the
/// map does not name is kept as an unknown field under its own header, never read as an
/// interchange field of the same name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvMap {
    pub kind: Option<String>,
    /// `(interchange field, CSV column header)`.
    pub columns: Vec<(String, String)>,
    /// `(interchange field, value)`.
    pub constants: Vec<(String, String)>,
    /// `(interchange field, strftime format)` for time columns not in RFC 3339 (`%b %d, %Y`
    /// for `Nov 20, 2026`); a date without a time is midnight UTC.
    pub formats: Vec<(String, String)>,
}

impl CsvMap {
    /// The interchange field names this map may set: every field some kind knows.
    pub fn known_field(name: &str) -> bool {
        Field::from_name(name).is_some()
    }
}

/// A time in `format` (strftime) as RFC 3339; a date alone is midnight UTC, a time without
/// an offset is UTC.
fn reformat_time(cell: &str, format: &str) -> Option<String> {
    let parsed = jiff::fmt::strtime::parse(format, cell).ok()?;
    if let Ok(t) = parsed.to_timestamp() {
        return Some(t.to_string());
    }
    let civil = parsed
        .to_datetime()
        .ok()
        .or_else(|| parsed.to_date().ok().map(|d| d.to_datetime(jiff::civil::Time::midnight())))?;
    let t = jiff::tz::Offset::UTC.to_timestamp(civil).ok()?;
    Some(t.to_string())
}

/// A CSV file's header row: the columns, and the kind its rows have by default.
#[derive(Debug, Clone)]
pub(crate) struct CsvHeader {
    headers: Vec<String>,
    /// The interchange field of each column (`None`: an unknown field).
    fields: Vec<Option<Field>>,
    /// The time format of each column, when a map gives one.
    formats: Vec<Option<String>>,
    constants: Vec<(Field, String)>,
    kind_column: Option<usize>,
    default_kind: Cow<'static, str>,
}

impl CsvHeader {
    pub(crate) fn new<'f>(cells: impl Iterator<Item = &'f [u8]>, map: Option<&CsvMap>) -> Result<CsvHeader, CsvError> {
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
        if let Some(map) = map {
            return CsvHeader::mapped(headers, map);
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
        let fields = headers.iter().map(|h| Field::from_name(h)).collect();
        let formats = vec![None; headers.len()];
        Ok(CsvHeader {
            headers,
            fields,
            formats,
            constants: Vec::new(),
            kind_column,
            default_kind: Cow::Borrowed(default_kind),
        })
    }

    fn mapped(headers: Vec<String>, map: &CsvMap) -> Result<CsvHeader, CsvError> {
        let mut fields: Vec<Option<Field>> = vec![None; headers.len()];
        let mut formats: Vec<Option<String>> = vec![None; headers.len()];
        let mut missing = Vec::new();
        for (field, column) in &map.columns {
            let Some(f) = Field::from_name(field) else { continue };
            match headers.iter().position(|h| *h == column.trim().to_ascii_lowercase()) {
                Some(i) => {
                    fields[i] = Some(f);
                    formats[i] = map.formats.iter().find(|(name, _)| name == field).map(|(_, fmt)| fmt.clone());
                }
                None => missing.push(column.clone()),
            }
        }
        if !missing.is_empty() {
            return Err(CsvError::MappedColumnsMissing(missing));
        }
        let constants: Vec<(Field, String)> =
            map.constants.iter().filter_map(|(f, v)| Field::from_name(f).map(|f| (f, v.clone()))).collect();
        let has = |name: &str| {
            let f = Field::from_name(name);
            fields.contains(&f) || constants.iter().any(|(c, _)| Some(*c) == f)
        };
        let kind = map.kind.clone().unwrap_or_else(|| if has("post_id") { "post".into() } else { "channel".into() });
        let missing: Vec<&'static str> = ["platform", "handle"].into_iter().filter(|c| !has(c)).collect();
        if !missing.is_empty() && kind != "conversion" {
            return Err(CsvError::MissingColumns(missing));
        }
        Ok(CsvHeader { headers, fields, formats, constants, kind_column: None, default_kind: Cow::Owned(kind) })
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
        for (field, value) in &self.constants {
            raw.set(*field, Value::Str(Cow::Borrowed(value.as_str())));
        }
        for (((name, field), format), cell) in
            self.headers.iter().zip(&self.fields).zip(&self.formats).zip(record.iter())
        {
            let cell = match std::str::from_utf8(cell) {
                Ok(s) => s,
                Err(_) => {
                    issues.push(FieldIssue::field(name, "not valid UTF-8"));
                    continue;
                }
            };
            let value = if cell.trim().is_empty() {
                Value::Null
            } else if let Some(format) = format {
                match reformat_time(cell.trim(), format) {
                    Some(t) => Value::Str(Cow::Owned(t)),
                    None => {
                        issues.push(FieldIssue::field(
                            name,
                            format!("{cell:?} is not a time in the map's format {format:?}"),
                        ));
                        continue;
                    }
                }
            } else {
                Value::Str(Cow::Borrowed(cell))
            };
            if let Some(field) = field {
                raw.set(*field, value);
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
            None => Cow::Borrowed(&*self.default_kind),
        };
        convert::convert(&kind, &raw)
    }
}
