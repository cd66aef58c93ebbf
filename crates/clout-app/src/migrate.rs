//! Moving a data directory's SQLite store to PostgreSQL (`clout migrate-store --to
//! postgres://…`): every row of every table, with its ids, as of one moment, into an
//! empty database in one transaction; then the two stores are compared table by table.

use crate::{App, Error, Result, StoreUrl};

pub use clout_pg::Received as MovedTable;

/// What a move did.
#[derive(Debug, Clone)]
pub struct MoveSummary {
    /// The database the store is in now (never with its password).
    pub to: String,
    /// Every table copied, in the order copied, with its rows.
    pub tables: Vec<MovedTable>,
}

impl MoveSummary {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

impl App {
    /// Copies this SQLite store into the empty PostgreSQL database at `to`. The source is
    /// read as of one moment (writers beside it change nothing read); the database is
    /// filled in one transaction, so a move cut short leaves it empty. Afterwards the two
    /// stores' counts (channels, observations, posts, runs, rejects) and derived state
    /// are compared; a difference is an error.
    pub fn migrate_store(&self, to: &StoreUrl) -> Result<MoveSummary> {
        if let Some(from) = &self.config.store {
            return Err(Error::Invalid(format!(
                "the store is {from} already: clout migrate-store moves a data directory's SQLite store (leave out \
                 --store and CLOUT_STORE)"
            )));
        }
        let target = to.open(crate::Access::Write)?;
        let mut tables = Vec::new();
        self.store.export(&mut |source| {
            tables = target.receive(source)?;
            Ok(())
        })?;
        let (from, into) = (self.store.stats()?, clout_store::ChannelStore::stats(&target)?);
        if from != into {
            return Err(Error::Internal(format!(
                "the moved store does not hold what this one does: {from:?} / {into:?}"
            )));
        }
        let phase = |s: &dyn clout_store::Backend| -> Result<_> {
            Ok((s.derived_stale_since()?, s.derived_generation()?, s.derived_writes()?))
        };
        if phase(&*self.store)? != phase(&target)? {
            return Err(Error::Internal("the moved store's derived state differs from this one's".to_string()));
        }
        Ok(MoveSummary { to: to.target().to_string(), tables })
    }
}

#[cfg(test)]
mod tests;
