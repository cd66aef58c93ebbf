//! [`Backend`]: a whole store, whichever database holds it: every interface, and what the
//! application asks of the connection itself (more connections, the schema's version, a
//! backup).

use std::path::Path;

use crate::{
    AccountStore, CampaignStore, ChannelStore, Error, ImportStore, PostSearch, Result, SafetyStore, Store, TextSearch,
};

/// Every interface of one open store, and its connection's own operations. The
/// application holds a `Box<dyn Backend>`: SQLite's [`Store`] or another backend.
pub trait Backend:
    AccountStore + CampaignStore + ChannelStore + ImportStore + PostSearch + SafetyStore + TextSearch + Send
{
    /// A read-only connection to the same store, for another thread of this process;
    /// `None` when the store has no second connection (a store in memory).
    fn reader(&self) -> Result<Option<Box<dyn Backend>>>;

    /// A second writing connection to the same store, for another thread of a process
    /// that writes (the server imports on one and writes everything else on the other).
    fn sibling_writer(&self) -> Result<Box<dyn Backend>>;

    /// The version of the schema the store holds.
    fn schema_version(&self) -> Result<i64>;

    /// Copies the store, as of one moment, to the file `dest` (which must not exist), for
    /// `clout backup`; a backend whose database has its own tools says so instead.
    fn backup_to(&self, dest: &Path) -> Result<()>;

    /// Waits until no other process (or connection) recomputes derived state on this
    /// store, then holds that right until the returned guard is dropped. A recompute holds
    /// it from reading [`ChannelStore::derived_writes`] to marking the state current, so
    /// that an older recompute's chunks never land after a newer one's and then read as
    /// current; two recomputes also never write the same rows at once.
    fn recompute_lock(&self) -> Result<RecomputeLock>;

    /// Calls `with` with a reader of every table as of one moment, for moving the store to
    /// another backend (`clout migrate-store`, from SQLite). A backend that is no source for
    /// a move says so.
    fn export(&self, with: &mut dyn FnMut(&crate::Exporter<'_>) -> Result<()>) -> Result<()>;
}

/// Held while a recompute runs ([`Backend::recompute_lock`]); dropping it lets the next one
/// start. What it holds is the backend's (a file lock, a database session).
pub struct RecomputeLock(#[allow(dead_code)] Box<dyn std::any::Any>);

impl RecomputeLock {
    pub fn new(held: Box<dyn std::any::Any>) -> RecomputeLock {
        RecomputeLock(held)
    }
}

/// SQLite: each method is the inherent one of the same name.
impl Backend for Store {
    fn reader(&self) -> Result<Option<Box<dyn Backend>>> {
        Ok(Store::reader(self)?.map(|s| Box::new(s) as Box<dyn Backend>))
    }

    fn sibling_writer(&self) -> Result<Box<dyn Backend>> {
        Ok(Box::new(Store::sibling_writer(self)?))
    }

    fn schema_version(&self) -> Result<i64> {
        Store::schema_version(self)
    }

    fn backup_to(&self, dest: &Path) -> Result<()> {
        Store::backup_to(self, dest)
    }

    fn recompute_lock(&self) -> Result<RecomputeLock> {
        Store::recompute_lock(self)
    }

    fn export(&self, with: &mut dyn FnMut(&crate::Exporter<'_>) -> Result<()>) -> Result<()> {
        Store::export(self, with)
    }
}

/// Says that `clout backup` copies SQLite stores only.
pub fn backup_elsewhere(database: &str) -> Error {
    Error::Corrupt(format!(
        "clout backup copies SQLite stores; back up {database} with the database's own tools (for PostgreSQL, pg_dump)"
    ))
}
