//! The store's interfaces, one per aggregate and in no database's terms: what the app
//! calls, and what a second backend (PostgreSQL) implements.
//!
//! - [`ChannelStore`]: channels, their posts and audience, and what is derived from them
//!   (metrics, audience-quality scores, niche labels, the searchable text) with the
//!   derived-state phase.
//! - [`ImportStore`] and [`ImportRun`]: import runs, writing their batches, their rejects.
//! - [`PostSearch`]: every post's searchable text, and found posts read back.
//! - [`SafetyStore`]: brand-safety lists and each channel's screening.
//! - [`TextSearch`]: the channels whose text matches a parsed
//!   [`TextQuery`](clout_core::text::TextQuery).
//! - [`AccountStore`]: users, sessions, API tokens and saved lists.
//! - [`Backend`]: all of them together, with the connection's own operations (more
//!   connections, the schema version, a backup): what the application holds.
//! - [`CampaignStore`]: creators' profiles and notes, campaigns with their members,
//!   stages, deliverables and conversions, and the user's deals.
//!
//! What every backend promises, beyond each method's own contract:
//! - **Transactions.** A write method commits all of its changes or none, unless its
//!   contract says it writes in chunks. A method that checks and then changes (the first
//!   user, keeping an active admin, moving a stage) does both in one write transaction:
//!   several processes write one store at once (`clout serve`, `clout import`, scripts),
//!   the backend orders their transactions, and a write waits for another's current
//!   transaction (SQLite: up to 10 s, then [`Error::Database`](crate::Error::Database)).
//! - **Reads** see committed data only. A method reading several tables is not promised
//!   one snapshot across them.
//! - **Ids.** Rows the store creates (channels, runs, sources, users, tokens, lists,
//!   campaigns, deliverables, notes) get a positive `i64` id, above every id its table
//!   holds when it is created, that never changes. Derived writes are chunked by ranges
//!   of channel ids, and the discovery index orders channels by id.
//! - **Text** comes back byte for byte as it was given. Names that must be unique
//!   (usernames, list and campaign names) are compared ignoring ASCII case, and a taken
//!   one is [`Error::Duplicate`](crate::Error::Duplicate) with a message fit to show.
//! - **Order.** Each method says in what order its rows come; a map promises none. Text
//!   is ordered by its bytes (SQLite's `BINARY`; PostgreSQL needs `COLLATE "C"`), except
//!   where a method says "ignoring case".
//! - **Time** is whole Unix seconds, and the store reads no clock: "now" is a parameter.
//! - **Values the store does not judge.** Roles, scopes, stages, statuses and kinds are
//!   stored as the strings given; which are valid and who may change them is the app's.
//! - **Errors.** [`Error::Database`](crate::Error::Database) is a failure inside the
//!   database, [`Error::Corrupt`](crate::Error::Corrupt) a stored value this version
//!   cannot read; no error names a type of the database's driver.
//!
//! Every trait is dyn-compatible (`&dyn ChannelStore` works): callbacks are
//! `&mut dyn FnMut` and an import run is a `Box<dyn ImportRun>`.
//!
//! Opening a store, locking its data directory, a second connection, backing up and
//! restoring are each backend's own: for SQLite they are inherent methods of
//! [`Store`](crate::Store) and the [`backup`](crate::backup) module, outside these traits.

mod accounts;
mod backend;
mod campaigns;
mod channels;
mod imports;
mod posts;
mod safety;
mod text;

pub use accounts::AccountStore;
pub use backend::{Backend, RecomputeLock, backup_elsewhere};
pub use campaigns::CampaignStore;
pub use channels::ChannelStore;
pub use imports::{ImportRun, ImportStore};
pub use posts::PostSearch;
pub use safety::SafetyStore;
pub use text::TextSearch;

#[cfg(test)]
mod tests;
