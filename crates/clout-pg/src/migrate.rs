//! Receiving a whole store from another backend (`clout migrate-store --to postgres://…`):
//! every table copied with `COPY … FROM STDIN`, in one transaction, into an empty
//! database, keeping every id; then what PostgreSQL keeps beside SQLite's rows (the
//! handles' keys, each text's search document) is built from them and every sequence is
//! moved past the ids taken. A move cut short leaves the database as empty as it was.

use std::io::Write;

use clout_store::{Cell, DatabaseError, Error, Exporter, Result};

use crate::{PgStore, db};

/// Tables this side builds itself, or that hold nothing worth moving: the schema's
/// version, the handles' keys (built from `channels`), the derived-state row (updated in
/// place, keeping this database's own identity) and the last minute's failed sign-ins.
const NOT_COPIED: &[&str] = &["clout_schema", "channel_keys", "derived_state", "login_attempts"];
/// Columns built here: a text's search document, a run's holder (which no live run has).
const NOT_COPIED_COLUMNS: &[(&str, &str)] = &[("channel_text", "doc"), ("import_runs", "holder")];
/// The derived state's columns taken from the source (not its identity).
const DERIVED_STATE: &[&str] = &["stale_since", "writes", "generation", "peers_version", "text_version"];
/// Sequences the writers draw ids from by name, with the column that holds those ids.
const NAMED_SEQUENCES: &[(&str, &str, &str)] = &[("channel_ids", "channels", "id"), ("post_ids", "posts", "id")];

/// What one table received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub table: String,
    pub rows: u64,
}

impl PgStore {
    /// Fills this (empty) database from `source`, which is asked for each table's rows
    /// with the columns named (`clout_store::Backend::export_rows`). Refuses a database
    /// that holds any channel, account, campaign or import, naming the first table found.
    pub fn receive(&self, source: &Exporter<'_>) -> Result<Vec<Received>> {
        let tables = self.tables_to_copy()?;
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        for (table, _) in &tables {
            let any = tx.query_opt(&format!("SELECT 1 FROM {table} LIMIT 1"), &[]).map_err(db)?;
            if any.is_some() {
                return Err(Error::Database(DatabaseError::new(format!(
                    "the PostgreSQL database {} is not empty (its table {table} has rows): move a store into a new, \
                     empty database",
                    self.target
                ))));
            }
        }
        let mut received = Vec::new();
        for (table, columns) in &tables {
            // The search document is built from the text: the rows go through a table of
            // their own first.
            let into = if table == "channel_text" { "pg_temp.moved_text" } else { table.as_str() };
            if table == "channel_text" {
                tx.batch_execute(
                    "CREATE TEMP TABLE moved_text (channel_id bigint, handle text, name text, bio text, captions text, \
                     hashtags text) ON COMMIT DROP",
                )
                .map_err(db)?;
            }
            let rows = copy(&mut tx, into, table, columns, source)?;
            received.push(Received { table: table.clone(), rows });
        }
        let doc = crate::niches::doc_sql();
        tx.batch_execute(&format!(
            "INSERT INTO channel_text (channel_id, handle, name, bio, captions, hashtags, doc)
                 SELECT channel_id, w_handle, w_name, w_bio, w_captions, w_hashtags, {doc}
                 FROM (SELECT channel_id, handle AS w_handle, name AS w_name, bio AS w_bio, captions AS w_captions,
                              hashtags AS w_hashtags FROM pg_temp.moved_text) w;
             INSERT INTO channel_keys (handle, platform, channel_id) SELECT handle, platform, id FROM channels;"
        ))
        .map_err(db)?;
        // The derived state's counters, so that it reads current or stale as the source did.
        let columns: Vec<String> = DERIVED_STATE.iter().map(|c| c.to_string()).collect();
        tx.batch_execute(&format!(
            "CREATE TEMP TABLE moved_state ({}) ON COMMIT DROP",
            columns.iter().map(|c| format!("{c} bigint")).collect::<Vec<_>>().join(", ")
        ))
        .map_err(db)?;
        copy(&mut tx, "pg_temp.moved_state", "derived_state", &columns, source)?;
        tx.batch_execute(&format!(
            "UPDATE derived_state SET ({cols}) = (SELECT {cols} FROM pg_temp.moved_state LIMIT 1) WHERE id = 1",
            cols = columns.join(", ")
        ))
        .map_err(db)?;
        // Every sequence past the ids the rows took.
        let defaults = tx
            .query(
                "SELECT table_name::text, column_name::text,
                        coalesce(pg_get_serial_sequence(table_name, column_name),
                                 substring(column_default FROM 'nextval\\(''([a-z_]+)''')) AS seq
                 FROM information_schema.columns
                 WHERE table_schema = current_schema()
                   AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')",
                &[],
            )
            .map_err(db)?;
        let mut sequences: Vec<(String, String, String)> =
            defaults.iter().filter_map(|r| Some((r.get::<_, Option<String>>(2)?, r.get(0), r.get(1)))).collect();
        sequences.extend(NAMED_SEQUENCES.iter().map(|(s, t, c)| (s.to_string(), t.to_string(), c.to_string())));
        for (seq, table, column) in sequences {
            tx.query_one(
                &format!(
                    "SELECT setval('{seq}', coalesce((SELECT max({column}) FROM {table}), 1),
                                   (SELECT max({column}) FROM {table}) IS NOT NULL)"
                ),
                &[],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(received)
    }

    /// The tables to copy in the schema's order (a row's references come before it), each
    /// with its columns in the table's order.
    fn tables_to_copy(&self) -> Result<Vec<(String, Vec<String>)>> {
        let mut tables = Vec::new();
        for table in crate::schema::tables_in_order() {
            if NOT_COPIED.contains(&table.as_str()) {
                continue;
            }
            let columns: Vec<String> = self
                .rows(
                    "SELECT column_name::text FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                    &[&table],
                )?
                .iter()
                .map(|r| r.get::<_, String>(0))
                .filter(|c| !NOT_COPIED_COLUMNS.contains(&(table.as_str(), c.as_str())))
                .collect();
            tables.push((table, columns));
        }
        Ok(tables)
    }
}

/// Copies `table`'s rows from the source into `into` (the table itself or a stand-in).
fn copy(
    tx: &mut postgres::Transaction<'_>,
    into: &str,
    table: &str,
    columns: &[String],
    source: &Exporter<'_>,
) -> Result<u64> {
    let mut writer = tx.copy_in(&format!("COPY {into} ({}) FROM STDIN", columns.join(", "))).map_err(db)?;
    let mut line = Vec::with_capacity(4096);
    let rows = source(table, columns, &mut |cells| {
        line.clear();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                line.push(b'\t');
            }
            encode(cell, &mut line);
        }
        line.push(b'\n');
        writer.write_all(&line).map_err(|e| Error::Database(DatabaseError::new(format!("copying {table}: {e}"))))
    })?;
    let written = writer.finish().map_err(|e| Error::Database(DatabaseError::new(format!("copying {table}: {e}"))))?;
    if written != rows {
        return Err(Error::Corrupt(format!("{table}: {rows} rows read, {written} written")));
    }
    Ok(rows)
}

/// One value in `COPY`'s text format. Flags arrive as 0 and 1, which a boolean column
/// reads; reals are written in the shortest form that reads back as the same number.
fn encode(cell: &Cell, out: &mut Vec<u8>) {
    match cell {
        Cell::Null => out.extend_from_slice(b"\\N"),
        Cell::Int(v) => out.extend_from_slice(v.to_string().as_bytes()),
        Cell::Real(v) if v.is_nan() => out.extend_from_slice(b"NaN"),
        Cell::Real(v) if v.is_infinite() => out.extend_from_slice(if *v > 0.0 { b"Infinity" } else { b"-Infinity" }),
        Cell::Real(v) => out.extend_from_slice(format!("{v:?}").as_bytes()),
        Cell::Text(s) => {
            for b in s.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
        Cell::Blob(bytes) => {
            // bytea's hex form, its backslash escaped for COPY.
            out.extend_from_slice(b"\\\\x");
            for b in bytes {
                out.extend_from_slice(format!("{b:02x}").as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_copy_reads_them() {
        let mut out = Vec::new();
        for (cell, want) in [
            (Cell::Null, "\\N"),
            (Cell::Int(-42), "-42"),
            (Cell::Real(0.1), "0.1"),
            (Cell::Real(1e300), "1e300"),
            (Cell::Real(f64::NAN), "NaN"),
            (Cell::Real(f64::NEG_INFINITY), "-Infinity"),
            (Cell::Text("a\tb\\c\nd\re".into()), "a\\tb\\\\c\\nd\\re"),
            (Cell::Blob(vec![0, 255, 16]), "\\\\x00ff10"),
        ] {
            out.clear();
            encode(&cell, &mut out);
            assert_eq!(String::from_utf8(out.clone()).unwrap(), want, "{cell:?}");
        }
    }
}
