//! Reading stored columns back into domain values, shared by every aggregate's queries.

use clout_core::Platform;

use crate::{Error, Result};

pub(crate) fn u64_col(v: Option<i64>) -> Option<u64> {
    v.map(|n| n.max(0) as u64)
}

pub(crate) fn u32_col(v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| Error::Corrupt(format!("{v} is out of range")))
}

pub(crate) fn platform_col(raw: &str) -> Result<Platform> {
    Platform::parse(raw).map_err(|e| Error::Corrupt(e.to_string()))
}

/// One result row, read by column position in the store's own types, whichever database
/// it came from: the decoding of rows (a channel with its metrics, a user, a token) is
/// written once, and each backend implements this for its driver's row.
///
/// Integers are 64-bit, reals are `f64`, flags are booleans (SQLite keeps them as 0 and 1),
/// and a SQL `NULL` is `None`.
pub trait Cells {
    fn int(&self, i: usize) -> Result<Option<i64>>;
    fn real(&self, i: usize) -> Result<Option<f64>>;
    fn text(&self, i: usize) -> Result<Option<String>>;
    fn flag(&self, i: usize) -> Result<Option<bool>>;

    /// A column that must not be `NULL`.
    fn int_req(&self, i: usize) -> Result<i64> {
        self.int(i)?.ok_or_else(|| Error::Corrupt(format!("column {i} is null")))
    }

    /// A text column that must not be `NULL`.
    fn text_req(&self, i: usize) -> Result<String> {
        self.text(i)?.ok_or_else(|| Error::Corrupt(format!("column {i} is null")))
    }
}

/// A SQLite row read by the shared decoders (the driver's type stays inside the crate).
pub(crate) struct SqliteRow<'a, 'b>(pub(crate) &'a rusqlite::Row<'b>);

impl Cells for SqliteRow<'_, '_> {
    fn int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.0.get(i)?)
    }

    fn real(&self, i: usize) -> Result<Option<f64>> {
        Ok(self.0.get(i)?)
    }

    fn text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.0.get(i)?)
    }

    fn flag(&self, i: usize) -> Result<Option<bool>> {
        Ok(self.0.get(i)?)
    }
}

/// Every row of `rows`, read by `f`.
pub(crate) fn collect<T>(mut rows: rusqlite::Rows<'_>, f: impl Fn(&SqliteRow<'_, '_>) -> Result<T>) -> Result<Vec<T>> {
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(f(&SqliteRow(r))?);
    }
    Ok(out)
}

/// The first row of `rows`, read by `f`, if there is one.
pub(crate) fn first<T>(mut rows: rusqlite::Rows<'_>, f: impl Fn(&SqliteRow<'_, '_>) -> Result<T>) -> Result<Option<T>> {
    rows.next()?.map(|r| f(&SqliteRow(r))).transpose()
}
