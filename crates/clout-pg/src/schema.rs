//! The PostgreSQL schema and its forward migrations: `clout_schema` holds the version, and
//! each step runs in its own transaction under an advisory lock, so that several nodes
//! starting on one database at once apply it once.

use clout_store::{Error, Result};
use postgres::Client;

use crate::db;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 1;

/// Every migration, in order: migration N brings a database from version N - 1 to N.
/// Appended, never edited, once the backend is offered to users.
const MIGRATIONS: &[&str] = &[include_str!("schema/v1.sql")];

/// Distributes the tables of schema version 1 when the database is a Citus cluster.
pub(crate) const CITUS: &str = include_str!("schema/citus.sql");

/// The advisory lock taken by a migration ("clout" in ASCII).
const MIGRATION_LOCK: i64 = 0x0063_6c6f_7574;

/// Brings the database to [`SCHEMA_VERSION`]; a database written by a newer Clout is
/// refused.
pub(crate) fn migrate(client: &mut Client, target: &str) -> Result<()> {
    let found = version(client)?;
    if found > SCHEMA_VERSION {
        return Err(too_new(target, found));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let mut tx = client.transaction().map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(db)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS clout_schema (version bigint NOT NULL)").map_err(db)?;
        let now: Option<i64> = tx.query_opt("SELECT version FROM clout_schema", &[]).map_err(db)?.map(|r| r.get(0));
        let now = now.unwrap_or(0);
        if now > SCHEMA_VERSION {
            return Err(too_new(target, now));
        }
        if now > i as i64 {
            // Another node applied it while this one waited for the lock.
            continue;
        }
        tx.batch_execute(sql).map_err(db)?;
        let next = i as i64 + 1;
        if next == 1 {
            let citus: bool = tx
                .query_one("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')", &[])
                .map_err(db)?
                .get(0);
            if citus {
                tx.batch_execute(CITUS).map_err(db)?;
            }
        }
        if now == 0 {
            tx.execute("INSERT INTO clout_schema (version) VALUES ($1)", &[&next]).map_err(db)?;
        } else {
            tx.execute("UPDATE clout_schema SET version = $1", &[&next]).map_err(db)?;
        }
        tx.commit().map_err(db)?;
    }
    Ok(())
}

/// The version the database holds (0 for an empty database).
/// Every table of the schema, in the order it creates them (a table's references come
/// before it).
pub(crate) fn tables_in_order() -> Vec<String> {
    let mut tables = vec!["clout_schema".to_string()];
    for sql in MIGRATIONS {
        for line in sql.lines() {
            if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() && !tables.contains(&name) {
                    tables.push(name);
                }
            }
        }
    }
    tables
}

pub(crate) fn version(client: &mut Client) -> Result<i64> {
    let exists: bool = client.query_one("SELECT to_regclass('clout_schema') IS NOT NULL", &[]).map_err(db)?.get(0);
    if !exists {
        return Ok(0);
    }
    let row = client.query_opt("SELECT version FROM clout_schema", &[]).map_err(db)?;
    Ok(row.map(|r| r.get(0)).unwrap_or(0))
}

fn too_new(target: &str, found: i64) -> Error {
    Error::TooNew { dir: target.into(), found, known: SCHEMA_VERSION }
}
