//! The sign-in limiter: failed sign-ins counted per pair of client address and username,
//! and per address, in fixed windows of a minute, in the store (so that every server on a
//! shared PostgreSQL counts the same attempts: no node gives an attacker fresh tries).

use clout_core::Timestamp;

use crate::{App, Result};

/// Failed sign-ins allowed per pair of client address and username in
/// [`LOGIN_WINDOW_SECONDS`]. Counting per pair, not per name nor per address alone, means
/// nobody can lock anyone else out: guessing at a name from one address does not stop
/// its owner signing in from another, nor another user behind the same proxy.
pub const LOGIN_ATTEMPTS: u32 = 5;
/// Sign-ins (of any names) allowed per client address in [`LOGIN_WINDOW_SECONDS`]: only
/// slows one address that tries many names (a password spray).
pub const ADDRESS_ATTEMPTS: u32 = 100;
pub const LOGIN_WINDOW_SECONDS: i64 = 60;

/// The limiter's keys: the address alone, and the pair of address and name.
fn keys(client: &str, username: &str) -> [String; 2] {
    // Names are compared trimmed and case-insensitively, as sign-in does; a key is short
    // whatever was typed, so failed attempts cannot fill the table.
    let name: String = username.trim().to_lowercase().chars().take(64).collect();
    let client: String = client.chars().take(64).collect();
    [format!("ip:{client}"), format!("pair:{client} {name}")]
}

impl App {
    /// Counts a sign-in attempt of `username` from `client` before the password is checked
    /// (so concurrent guesses count too); `false`, counting nothing, when this name from this
    /// address has used up its attempts ([`LOGIN_ATTEMPTS`]) or the address its much larger
    /// allowance ([`ADDRESS_ATTEMPTS`]).
    pub fn sign_in_attempt(&mut self, client: &str, username: &str, now: Timestamp) -> Result<bool> {
        let [ip, pair] = keys(client, username);
        Ok(self.store.count_attempt(&[(&ip, ADDRESS_ATTEMPTS), (&pair, LOGIN_ATTEMPTS)], LOGIN_WINDOW_SECONDS, now)?)
    }

    /// A successful sign-in clears its pair's count and takes back its own attempt from the
    /// address's count (only its own: an attacker's account must not reset the count of
    /// their guesses at others).
    pub fn sign_in_succeeded(&mut self, client: &str, username: &str) -> Result<()> {
        let [ip, pair] = keys(client, username);
        self.store.forget_attempt(&ip, false)?;
        self.store.forget_attempt(&pair, true)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Access, AppConfig};

    fn app(dir: &std::path::Path) -> App {
        let data_dir = dir.join("data");
        let store = crate::test_store(&data_dir);
        let config = AppConfig { data_dir, niches_file: None, rate_card_file: None, vectors_file: None, store };
        App::open(config, Access::Write, "test").unwrap()
    }

    fn at(s: i64) -> Timestamp {
        Timestamp::from_unix(1_795_176_000 + s)
    }

    #[test]
    fn failures_count_per_address_and_name_so_nobody_locks_out_anyone_else() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = app(dir.path());
        for _ in 0..LOGIN_ATTEMPTS {
            assert!(l.sign_in_attempt("10.0.0.1", "ada", at(0)).unwrap());
        }
        assert!(!l.sign_in_attempt("10.0.0.1", " ADA ", at(1)).unwrap(), "the guessed name from that address waits");
        assert!(
            l.sign_in_attempt("10.0.0.1", "bob", at(1)).unwrap(),
            "another person behind the same address does not"
        );
        assert!(l.sign_in_attempt("10.0.0.2", "ada", at(1)).unwrap(), "nor the name's owner from elsewhere");
        assert!(l.sign_in_attempt("10.0.0.1", "ada", at(LOGIN_WINDOW_SECONDS)).unwrap(), "a minute later it may try");
    }

    #[test]
    fn one_address_trying_many_names_is_slowed_after_its_larger_allowance() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = app(dir.path());
        for i in 0..ADDRESS_ATTEMPTS {
            assert!(l.sign_in_attempt("10.0.0.9", &format!("name{i}"), at(0)).unwrap(), "attempt {i}");
        }
        assert!(!l.sign_in_attempt("10.0.0.9", "someone-new", at(1)).unwrap());
        assert!(l.sign_in_attempt("10.0.0.8", "someone-new", at(1)).unwrap(), "only that address");
    }

    #[test]
    fn a_success_clears_its_names_count_and_takes_back_only_its_own_attempt() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = app(dir.path());
        for _ in 0..LOGIN_ATTEMPTS - 1 {
            assert!(l.sign_in_attempt("10.0.0.1", "ada", at(0)).unwrap());
        }
        assert!(l.sign_in_attempt("10.0.0.1", "ada", at(0)).unwrap());
        l.sign_in_succeeded("10.0.0.1", "ada").unwrap();
        // Ada's count starts again: five more tries in the same minute.
        for _ in 0..LOGIN_ATTEMPTS {
            assert!(l.sign_in_attempt("10.0.0.1", "ada", at(2)).unwrap());
        }
        assert!(!l.sign_in_attempt("10.0.0.1", "ada", at(2)).unwrap());
    }

    /// Two connections (two servers on one PostgreSQL, or the server and another process
    /// on SQLite) share one count.
    #[test]
    fn every_connection_to_the_store_counts_the_same_attempts() {
        let dir = tempfile::tempdir().unwrap();
        let mut one = app(dir.path());
        let mut other = app(dir.path());
        for i in 0..LOGIN_ATTEMPTS {
            let node = if i % 2 == 0 { &mut one } else { &mut other };
            assert!(node.sign_in_attempt("10.0.0.1", "ada", at(0)).unwrap());
        }
        assert!(!one.sign_in_attempt("10.0.0.1", "ada", at(1)).unwrap());
        assert!(!other.sign_in_attempt("10.0.0.1", "ada", at(1)).unwrap());
    }
}
