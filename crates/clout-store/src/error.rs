//! What can go wrong in the store, in no database's own types: a caller (and a second
//! backend) sees the lock, a newer schema, a taken name, bad stored data, IO, or a
//! failure inside the database with its message.

use std::fmt;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("another clout process is writing to {dir} ({holder}); wait for it to finish and try again")]
    Locked { dir: PathBuf, holder: String },
    #[error(
        "the data directory {dir} was written by a newer clout (store schema {found}, this build knows {known}); upgrade clout"
    )]
    TooNew { dir: PathBuf, found: i64, known: i64 },
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    /// The database failed (a statement refused, a busy timeout run out, a full disk).
    #[error("database error: {0}")]
    Database(DatabaseError),
    /// A name that must be unique is taken.
    #[error("{0}")]
    Duplicate(String),
    #[error("the store holds an invalid value: {0}")]
    Corrupt(String),
}

/// A failure inside the database, kept as the database's message: no type of the
/// database's driver crosses the store's interface. Nothing above the store decides on
/// its details; a failure it must tell apart (a taken name) has its own [`Error`] variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseError {
    message: String,
}

impl DatabaseError {
    /// A failure with the database's own message (for a backend to report).
    pub fn new(message: impl Into<String>) -> DatabaseError {
        DatabaseError { message: message.into() }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DatabaseError {}

/// SQLite's errors become [`Error::Database`] where they leave a statement, so that `?`
/// works inside the store; the message is SQLite's own.
#[doc(hidden)]
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error::Database(DatabaseError::new(e.to_string()))
    }
}
