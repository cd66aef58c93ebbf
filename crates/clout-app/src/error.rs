//! Errors classified by who is at fault, so each edge can answer properly
//! (an exit code, an HTTP status).

/// What went wrong, and whose fault it is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the caller named does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The caller asked for something invalid; the message is fit to show them.
    #[error("{0}")]
    Invalid(String),
    /// A name that must be unique is taken (a user, a list).
    #[error("{0}")]
    Exists(String),
    /// The caller may not do this (a viewer writing, a member managing users).
    #[error("{0}")]
    Forbidden(String),
    /// Another process holds the data directory, or the data is from a newer version.
    #[error("{0}")]
    Conflict(String),
    /// Our fault, or the disk's.
    #[error("{0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<clout_store::Error> for Error {
    fn from(e: clout_store::Error) -> Error {
        match e {
            clout_store::Error::Locked { .. } | clout_store::Error::TooNew { .. } => Error::Conflict(e.to_string()),
            clout_store::Error::Duplicate(m) => Error::Exists(m),
            other => Error::Internal(other.to_string()),
        }
    }
}

/// A search query the user typed that cannot be searched: the message says why.
impl From<clout_core::text::TextQueryError> for Error {
    fn from(e: clout_core::text::TextQueryError) -> Error {
        Error::Invalid(e.to_string())
    }
}
