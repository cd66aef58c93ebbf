//! Every CSV Clout writes for a spreadsheet (a list's export, a campaign report) goes
//! through [`CsvExport`], which neutralises formula injection: a cell that a spreadsheet
//! would run as a formula gets a leading `'`.

use std::borrow::Cow;

use crate::error::{Error, Result};

/// A cell as it is safe to open in a spreadsheet (the OWASP rule): a cell beginning with
/// `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading `'`, unless it
/// is a plain number (`-12.5`, `+3`, `1e-3`), which stays a number.
pub(crate) fn csv_cell(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// A decimal number and nothing else: an optional sign, digits with at most one point,
/// an optional exponent. Not `inf` or `NaN`, which a spreadsheet would read as a name.
fn is_plain_number(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let points = mantissa.bytes().filter(|&b| b == b'.').count();
    let mantissa_ok = digits > 0 && points <= 1 && digits + points == mantissa.len();
    let exponent_ok = exponent.is_none_or(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()));
    mantissa_ok && exponent_ok
}

/// A CSV document being written, each cell through [`csv_cell`].
pub(crate) struct CsvExport {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvExport {
    pub(crate) fn new() -> CsvExport {
        CsvExport { writer: csv::Writer::from_writer(Vec::new()) }
    }

    pub(crate) fn row<I, S>(&mut self, cells: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<S> = cells.into_iter().collect();
        self.writer
            .write_record(cells.iter().map(|c| csv_cell(c.as_ref()).into_owned()))
            .map_err(|e| Error::Internal(format!("writing CSV: {e}")))
    }

    pub(crate) fn finish(self) -> Result<String> {
        let bytes = self.writer.into_inner().map_err(|e| Error::Internal(format!("writing CSV: {e}")))?;
        String::from_utf8(bytes).map_err(|e| Error::Internal(format!("CSV is not UTF-8: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_and_numbers_stay_numbers() {
        assert_eq!(csv_cell(r#"=HYPERLINK("http://x","y")"#), r#"'=HYPERLINK("http://x","y")"#);
        for risky in ["+cmd", "-1+1", "@SUM(A1)", "\tx", "\r=1", "-", "+", "-inf", "-NaN", "-1e", "--1", "-1.2.3"] {
            assert_eq!(csv_cell(risky), format!("'{risky}"), "{risky:?}");
        }
        for kept in ["-12.5", "+3", "-0.5", "-.5", "1e-3", "-2E+10", "plain", "", "a=b", "12"] {
            assert_eq!(csv_cell(kept), kept, "{kept:?}");
        }
    }

    #[test]
    fn every_cell_of_a_row_is_neutralised() {
        let mut w = CsvExport::new();
        w.row(["=1+1", "-12.5", "say \"hi\""]).unwrap();
        assert_eq!(w.finish().unwrap(), "'=1+1,-12.5,\"say \"\"hi\"\"\"\n");
    }
}
