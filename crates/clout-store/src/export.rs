//! Moving a store to another backend (`clout migrate-store`): any table's rows as plain
//! values ([`Cell`]), the columns the other backend names.
//!
//! Columns the other backend keeps where SQLite keeps them implicitly are read from where
//! SQLite has them: a channel's searchable text is keyed by the full-text table's rowid,
//! an older observation of a post names the post (its channel is the post's), and a
//! list's entries are ordered by their rowid.

use crate::{Error, Result, Store};

/// One value of a row, as SQLite holds it (flags are 0 and 1, times whole seconds).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// How SQLite reads a column another backend names, when not by that name.
fn column_expr(table: &str, column: &str) -> Option<&'static str> {
    match (table, column) {
        ("channel_text", "channel_id") => Some("rowid"),
        ("list_members", "seq") => Some("rowid"),
        ("post_observations", "channel_id") => {
            Some("(SELECT p.channel_id FROM posts p WHERE p.id = post_observations.post_ref)")
        }
        _ => None,
    }
}

/// A table or column name: lower-case letters, digits and underscores only (they are
/// written into the statement, so nothing else may pass).
fn identifier(name: &str) -> Result<&str> {
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        Ok(name)
    } else {
        Err(Error::Corrupt(format!("`{name}` is not a table or column name")))
    }
}

/// Reads one table for a move: `(table, columns, row)` calls `row` with the values of
/// `columns` of every row of `table`, and returns how many there were.
pub type Exporter<'a> = dyn Fn(&str, &[String], &mut dyn FnMut(&[Cell]) -> Result<()>) -> Result<u64> + 'a;

impl Store {
    /// Calls `with` with an [`Exporter`] that reads every table as of one moment (one read
    /// transaction around all of it, so writers beside it change nothing it reads). A table
    /// or column this store does not have is an error naming it.
    pub fn export(&self, with: &mut dyn FnMut(&Exporter<'_>) -> Result<()>) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        with(&|table, columns, row| self.export_rows(table, columns, row))?;
        tx.commit()?;
        Ok(())
    }

    /// One table's rows.
    fn export_rows(&self, table: &str, columns: &[String], row: &mut dyn FnMut(&[Cell]) -> Result<()>) -> Result<u64> {
        let table = identifier(table)?;
        let mut exprs = Vec::with_capacity(columns.len());
        for c in columns {
            exprs.push(match column_expr(table, c) {
                Some(e) => e.to_string(),
                None => format!("{table}.{}", identifier(c)?),
            });
        }
        // In the table's own order (some tables have no rowid): the order rows arrive in
        // changes nothing the other side keeps.
        let sql = format!("SELECT {} FROM {table}", exprs.join(", "));
        let mut stmt = self.conn.prepare(&sql).map_err(|e| Error::Corrupt(format!("reading {table}: {e}")))?;
        let mut rows = stmt.query([])?;
        let mut cells = Vec::with_capacity(columns.len());
        let mut n = 0;
        while let Some(r) = rows.next()? {
            cells.clear();
            for i in 0..columns.len() {
                cells.push(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => Cell::Null,
                    rusqlite::types::ValueRef::Integer(v) => Cell::Int(v),
                    rusqlite::types::ValueRef::Real(v) => Cell::Real(v),
                    rusqlite::types::ValueRef::Text(v) => Cell::Text(String::from_utf8_lossy(v).into_owned()),
                    rusqlite::types::ValueRef::Blob(v) => Cell::Blob(v.to_vec()),
                });
            }
            row(&cells)?;
            n += 1;
        }
        Ok(n)
    }
}
