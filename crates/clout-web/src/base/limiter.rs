//! The sign-in limiter: failed sign-ins counted per pair of client address and username,
//! and per address, in fixed windows of a minute.

use std::collections::HashMap;

/// Failed sign-ins allowed per pair of client address and username in
/// [`LOGIN_WINDOW_SECONDS`]. Counting per pair, not per name nor per address alone, means
/// nobody can lock anyone else out: guessing at a name from one address does not stop
/// its owner signing in from another, nor another user behind the same proxy.
pub(crate) const LOGIN_ATTEMPTS: u32 = 5;
/// Sign-ins (of any names) allowed per client address in [`LOGIN_WINDOW_SECONDS`]: only
/// slows one address that tries many names (a password spray).
pub(crate) const ADDRESS_ATTEMPTS: u32 = 100;
pub(crate) const LOGIN_WINDOW_SECONDS: i64 = 60;

/// Counts failed logins in fixed windows.
#[derive(Debug, Default)]
pub(crate) struct LoginLimiter {
    failures: HashMap<String, (i64, u32)>,
}

impl LoginLimiter {
    /// Whether `key`, allowed `limit` attempts a window, may try again at `now`.
    pub(crate) fn allowed(&mut self, key: &str, limit: u32, now: i64) -> bool {
        match self.failures.get(key) {
            Some((start, n)) if now - start < LOGIN_WINDOW_SECONDS => *n < limit,
            _ => true,
        }
    }

    pub(crate) fn failed(&mut self, key: &str, now: i64) {
        if self.failures.len() > 100_000 {
            self.failures.retain(|_, (start, _)| now - *start < LOGIN_WINDOW_SECONDS);
        }
        let e = self.failures.entry(key.to_string()).or_insert((now, 0));
        if now - e.0 >= LOGIN_WINDOW_SECONDS {
            *e = (now, 0);
        }
        e.1 += 1;
    }

    pub(crate) fn succeeded(&mut self, key: &str) {
        self.failures.remove(key);
    }

    /// Takes back one attempt counted under `key` (it turned out to succeed).
    pub(crate) fn undo(&mut self, key: &str) {
        if let Some((_, n)) = self.failures.get_mut(key) {
            *n = n.saturating_sub(1);
        }
    }
}

/// The limiter's keys: the address alone, and the pair of address and name.
pub(crate) fn limiter_keys(client: &str, username: &str) -> [String; 2] {
    // Names are compared trimmed and case-insensitively, as sign-in does; a key is short
    // whatever was typed, so failed attempts cannot fill memory.
    let name: String = username.trim().to_lowercase().chars().take(64).collect();
    [format!("ip:{client}"), format!("pair:{client} {name}")]
}

/// Counts an attempt of `username` from `client` at `now` (both keys) unless either has
/// used up its allowance: `false` then.
pub(crate) fn attempt_at(l: &mut LoginLimiter, client: &str, username: &str, now: i64) -> bool {
    let [ip, pair] = limiter_keys(client, username);
    if !(l.allowed(&ip, ADDRESS_ATTEMPTS, now) && l.allowed(&pair, LOGIN_ATTEMPTS, now)) {
        return false;
    }
    l.failed(&ip, now);
    l.failed(&pair, now);
    true
}

#[cfg(test)]
mod tests {
    use super::{ADDRESS_ATTEMPTS, LOGIN_ATTEMPTS, LOGIN_WINDOW_SECONDS, LoginLimiter, attempt_at};

    #[test]
    fn failures_count_per_address_and_name_so_nobody_locks_out_anyone_else() {
        let mut l = LoginLimiter::default();
        for _ in 0..LOGIN_ATTEMPTS {
            assert!(attempt_at(&mut l, "10.0.0.1", "ada", 0));
        }
        assert!(!attempt_at(&mut l, "10.0.0.1", " ADA ", 1), "the guessed name from that address waits");
        assert!(attempt_at(&mut l, "10.0.0.1", "bob", 1), "another person behind the same address does not");
        assert!(attempt_at(&mut l, "10.0.0.2", "ada", 1), "nor the name's owner from elsewhere");
        assert!(attempt_at(&mut l, "10.0.0.1", "ada", LOGIN_WINDOW_SECONDS), "and a minute later it may try again");
    }

    #[test]
    fn one_address_trying_many_names_is_slowed_after_its_larger_allowance() {
        let mut l = LoginLimiter::default();
        for i in 0..ADDRESS_ATTEMPTS {
            assert!(attempt_at(&mut l, "10.0.0.9", &format!("name{i}"), 0), "attempt {i}");
        }
        assert!(!attempt_at(&mut l, "10.0.0.9", "someone-new", 1));
        assert!(attempt_at(&mut l, "10.0.0.8", "someone-new", 1), "only that address");
    }
}
