//! Signing in and out: checking a password (as slowly for an unknown name as for a wrong
//! password), sessions with their CSRF token, and changing one's own password.

use clout_core::Timestamp;

use super::policy::{self, MAX_PASSWORD_BYTES};
use super::{
    DUMMY_HASH, NewSession, SESSION_SECONDS, User, hash_password, random_secret, secret_hash, user, verify_password,
};
use crate::{App, Error, Result};

impl App {
    /// Changes one's own password, given the current one. Every other session of the
    /// account ends; `keep_session` (the session cookie making the change) stays.
    pub fn change_password(&mut self, by: &User, current: &str, new: &str, keep_session: Option<&str>) -> Result<()> {
        by.require_not_read_only()?;
        let row = self
            .store
            .user_by_id(by.id)?
            .ok_or_else(|| Error::NotFound(format!("there is no user '{}'", by.username)))?;
        if current.len() > MAX_PASSWORD_BYTES || !verify_password(current, &row.password_hash) {
            return Err(Error::Forbidden("the current password is wrong".to_string()));
        }
        policy::check(new)?;
        if new == current {
            return Err(Error::Invalid("the new password is the current one: choose another".to_string()));
        }
        let hash = hash_password(new)?;
        let keep = keep_session.map(secret_hash);
        self.store.set_password(by.id, &hash, keep.as_deref())?;
        Ok(())
    }

    /// Checks a password and starts a session; `None` for a wrong name or password
    /// (the caller must not say which).
    pub fn login(&mut self, username: &str, password: &str, now: Timestamp) -> Result<Option<NewSession>> {
        match self.check_password(username, password)? {
            Some(user) => self.start_session(&user, now).map(Some),
            None => Ok(None),
        }
    }

    /// The account whose password this is; `None` for a wrong name or password, or a
    /// disabled account. Reads only, so a server can run the (deliberately slow) hash
    /// away from its writer.
    pub fn check_password(&self, username: &str, password: &str) -> Result<Option<User>> {
        if password.len() > MAX_PASSWORD_BYTES {
            return Ok(None);
        }
        let found = self.store.user_by_name(username)?;
        let Some(row) = found else {
            verify_password(password, DUMMY_HASH);
            return Ok(None);
        };
        if !verify_password(password, &row.password_hash) || row.disabled_at.is_some() {
            return Ok(None);
        }
        user(row).map(Some)
    }

    /// Starts a session for an account whose password was checked.
    pub fn start_session(&mut self, user: &User, now: Timestamp) -> Result<NewSession> {
        let token = random_secret()?;
        let csrf = random_secret()?;
        let expires = Timestamp::from_unix(now.unix() + SESSION_SECONDS);
        self.store.create_session(&secret_hash(&token), user.id, &csrf, now, expires)?;
        Ok(NewSession { user: user.clone(), token, csrf })
    }

    /// The account behind a session cookie, with the session's CSRF token.
    pub fn session_user(&self, token: &str, now: Timestamp) -> Result<Option<(User, String)>> {
        match self.store.session(&secret_hash(token), now)? {
            Some((row, csrf)) => Ok(Some((user(row)?, csrf))),
            None => Ok(None),
        }
    }

    pub fn logout(&mut self, token: &str) -> Result<()> {
        Ok(self.store.delete_session(&secret_hash(token))?)
    }
}
