//! Where the store is: SQLite in the data directory (the default, nothing to install) or
//! a PostgreSQL database named by URL (`--store postgres://…`, `CLOUT_STORE`).
//!
//! The URL may hold a password: [`StoreUrl`] keeps it for connecting only. Its `Debug`
//! and `Display` show the server and database (`user@host:port/db`), so that a config
//! printed in a log or an error never carries the secret.

use crate::{Access, Error, Result};

/// A PostgreSQL database to use as the store, checked when parsed.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreUrl {
    url: String,
    /// `user@host:port/db`, without the password.
    target: String,
}

impl StoreUrl {
    /// A `postgres://` (or `postgresql://`) URL in libpq's form, such as
    /// `postgres://clout:secret@db.internal:5432/clout`. Connects to nothing.
    pub fn parse(url: &str) -> Result<StoreUrl> {
        let url = url.trim();
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(Error::Invalid(format!(
                "the store must be a PostgreSQL URL (postgres://user@host:port/database), not `{}`; \
                 leave --store out to use SQLite in the data directory",
                clip(url)
            )));
        }
        let target = clout_pg::target_of(url).map_err(|e| Error::Invalid(e.to_string()))?;
        Ok(StoreUrl { url: url.to_string(), target })
    }

    /// The server and database, without credentials: what messages and pages show.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Connects, migrating the schema to this version of Clout.
    pub(crate) fn open(&self, access: Access) -> Result<clout_pg::PgStore> {
        let store = clout_pg::PgStore::connect(&self.url).map_err(|e| Error::Conflict(e.to_string()))?;
        if access == Access::Read {
            store.read_only()?;
        }
        Ok(store)
    }
}

impl std::fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoreUrl({})", self.target)
    }
}

impl std::fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PostgreSQL {}", self.target)
    }
}

/// The start of what was given, without anything after a `@` (which may be a password).
fn clip(s: &str) -> String {
    let s = s.split('@').next_back().unwrap_or(s);
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_with_a_password_never_shows_it() {
        let url = StoreUrl::parse("postgres://clout:hunter2secret@db.internal:6543/team").unwrap();
        assert_eq!(url.target(), "clout@db.internal:6543/team");
        assert_eq!(format!("{url:?}"), "StoreUrl(clout@db.internal:6543/team)");
        assert_eq!(url.to_string(), "PostgreSQL clout@db.internal:6543/team");
        let bad = StoreUrl::parse("postgres://clout:hunter2secret@db.internal:notaport/team").unwrap_err();
        assert!(!bad.to_string().contains("hunter2secret"), "{bad}");
    }

    #[test]
    fn anything_but_a_postgres_url_is_refused_with_what_to_do() {
        for s in ["sqlite:///tmp/x", "clout-data", "mysql://u@h/db", ""] {
            let e = StoreUrl::parse(s).unwrap_err().to_string();
            assert!(e.contains("PostgreSQL URL") && e.contains("leave --store out"), "{s}: {e}");
        }
        assert!(StoreUrl::parse("postgresql://u@h/db").is_ok());
    }
}
