//! Accounts, sessions, API tokens and saved lists. The store keeps what it is given:
//! hashing and token generation happen above it, and only hashes of secrets arrive here.

use clout_core::Timestamp;
use rusqlite::{OptionalExtension, params};

use crate::channels::{CHANNEL_COLUMNS, CHANNEL_FROM, channel_row};
use crate::columns::{Cells, SqliteRow, collect, first};
use crate::{ChannelRow, Error, Result, Store};

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    /// An argon2 PHC string.
    pub password_hash: String,
    /// `admin`, `member` or `viewer`.
    pub role: String,
    pub created_at: Timestamp,
    /// When an admin disabled the account; a disabled account cannot sign in and its
    /// sessions and tokens do not work.
    pub disabled_at: Option<Timestamp>,
    /// The IANA timezone the user reads dates in (`Europe/Berlin`); `None`: UTC.
    pub timezone: Option<String>,
}

/// An API token's public facts (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    /// The owner's username.
    pub username: String,
    pub name: String,
    /// The token's first characters, to recognise it by.
    pub prefix: String,
    pub created_at: Timestamp,
    /// After this moment the token no longer works; `None`: never expires.
    pub expires_at: Option<Timestamp>,
    /// `full` (acts with its user's role) or `read` (reads only).
    pub scope: String,
}

/// What an admin changes of an account (see [`crate::AccountStore::change_user`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserChange<'a> {
    /// `admin`, `member` or `viewer`.
    Role(&'a str),
    /// From this moment it cannot sign in; its sessions end; its tokens fail.
    Disable(Timestamp),
    Enable,
    /// With sessions and tokens.
    Delete,
}

pub const TOKEN_COLUMNS: &str = "t.id, t.user_id, u.username, t.name, t.prefix, t.created_at, t.expires_at, t.scope";

/// A token of [`TOKEN_COLUMNS`].
pub fn token_row<R: Cells + ?Sized>(r: &R) -> Result<TokenRow> {
    Ok(TokenRow {
        id: r.int_req(0)?,
        user_id: r.int_req(1)?,
        username: r.text_req(2)?,
        name: r.text_req(3)?,
        prefix: r.text_req(4)?,
        created_at: Timestamp::from_unix(r.int_req(5)?),
        expires_at: r.int(6)?.map(Timestamp::from_unix),
        scope: r.text_req(7)?,
    })
}

/// A saved list of channels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub id: i64,
    pub name: String,
    pub created_by: Option<String>,
    pub created_at: Timestamp,
    pub members: u64,
}

/// A channel on a list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListMember {
    pub channel: ChannelRow,
    pub note: String,
    pub added_by: Option<String>,
    pub added_at: Timestamp,
}

pub const USER_COLUMNS: &str = "u.id, u.username, u.password_hash, u.role, u.created_at, u.disabled_at, u.timezone";

/// A user of [`USER_COLUMNS`].
pub fn user_row<R: Cells + ?Sized>(r: &R) -> Result<UserRow> {
    Ok(UserRow {
        id: r.int_req(0)?,
        username: r.text_req(1)?,
        password_hash: r.text_req(2)?,
        role: r.text_req(3)?,
        created_at: Timestamp::from_unix(r.int_req(4)?),
        disabled_at: r.int(5)?.map(Timestamp::from_unix),
        timezone: r.text(6)?,
    })
}

pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

impl Store {
    pub(crate) fn user_count(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT count(*) FROM users", [], |r| r.get::<_, i64>(0))?.max(0) as u64)
    }

    /// Creates a user; [`Error::Duplicate`] when the name (case-insensitive) is taken.
    pub(crate) fn create_user(&self, username: &str, password_hash: &str, role: &str, now: Timestamp) -> Result<i64> {
        match self.conn.execute(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![username, password_hash, role, now.unix()],
        ) {
            Ok(_) => Ok(self.conn.last_insert_rowid()),
            Err(e) if is_unique_violation(&e) => Err(Error::Duplicate(format!("a user named '{username}' exists"))),
            Err(e) => Err(e.into()),
        }
    }

    /// Creates the first user only when there is none, in one transaction, so two
    /// concurrent first-run forms cannot both become admin. `false` when a user exists.
    pub(crate) fn create_first_user(&mut self, username: &str, password_hash: &str, now: Timestamp) -> Result<bool> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let n: i64 = tx.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
        if n > 0 {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES (?1, ?2, 'admin', ?3)",
            params![username, password_hash, now.unix()],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// See [`crate::AccountStore::count_attempt`]: one immediate transaction, so that
    /// SQLite orders the check and the count of every process as one.
    pub(crate) fn count_attempt(&mut self, keys: &[(&str, u32)], window: i64, now: Timestamp) -> Result<bool> {
        let now = now.unix();
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Windows that are over count for nothing: the table holds the last minute's keys.
        tx.execute("DELETE FROM login_attempts WHERE window_start <= ?1", params![now - window])?;
        for (key, allowed) in keys {
            let used: Option<i64> =
                tx.query_row("SELECT n FROM login_attempts WHERE key = ?1", params![key], |r| r.get(0)).optional()?;
            if used.is_some_and(|n| n >= i64::from(*allowed)) {
                return Ok(false);
            }
        }
        for (key, _) in keys {
            tx.execute(
                "INSERT INTO login_attempts (key, window_start, n) VALUES (?1, ?2, 1)
                 ON CONFLICT (key) DO UPDATE SET n = n + 1",
                params![key, now],
            )?;
        }
        tx.commit()?;
        Ok(true)
    }

    pub(crate) fn forget_attempt(&self, key: &str, clear: bool) -> Result<()> {
        let sql = if clear {
            "DELETE FROM login_attempts WHERE key = ?1"
        } else {
            "UPDATE login_attempts SET n = max(n - 1, 0) WHERE key = ?1"
        };
        self.conn.execute(sql, params![key])?;
        Ok(())
    }

    pub(crate) fn user_by_name(&self, username: &str) -> Result<Option<UserRow>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = ?1"))?;
        first(stmt.query([username])?, |r| user_row(r))
    }

    pub(crate) fn users(&self) -> Result<Vec<UserRow>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.id"))?;
        collect(stmt.query([])?, |r| user_row(r))
    }

    pub(crate) fn user_by_id(&self, user_id: i64) -> Result<Option<UserRow>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1"))?;
        first(stmt.query([user_id])?, |r| user_row(r))
    }

    /// Applies an admin's change to an account in one write transaction, unless it would
    /// leave no active admin (then `false` and nothing changes). Several processes may
    /// write the store at once, so the check and the change cannot be apart.
    pub(crate) fn change_user(&mut self, user_id: i64, change: UserChange<'_>) -> Result<bool> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let removes_admin = match change {
            UserChange::Role(role) => role != "admin",
            UserChange::Disable(_) | UserChange::Delete => true,
            UserChange::Enable => false,
        };
        if removes_admin {
            let target: i64 = tx.query_row(
                "SELECT count(*) FROM users WHERE id = ?1 AND role = 'admin' AND disabled_at IS NULL",
                [user_id],
                |r| r.get(0),
            )?;
            let others: i64 = tx.query_row(
                "SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?1",
                [user_id],
                |r| r.get(0),
            )?;
            if target > 0 && others == 0 {
                return Ok(false);
            }
        }
        match change {
            UserChange::Role(role) => {
                tx.execute("UPDATE users SET role = ?2 WHERE id = ?1", params![user_id, role])?;
            }
            UserChange::Disable(at) => {
                tx.execute("UPDATE users SET disabled_at = ?2 WHERE id = ?1", params![user_id, at.unix()])?;
                tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user_id])?;
            }
            UserChange::Enable => {
                tx.execute("UPDATE users SET disabled_at = NULL WHERE id = ?1", [user_id])?;
            }
            UserChange::Delete => {
                tx.execute("DELETE FROM users WHERE id = ?1", [user_id])?;
            }
        }
        tx.commit()?;
        Ok(true)
    }

    /// Replaces a user's password hash and ends their sessions, except the one whose hash
    /// is `keep` (the session that made the change), in one transaction.
    pub(crate) fn set_password(&mut self, user_id: i64, password_hash: &str, keep: Option<&str>) -> Result<bool> {
        let tx = self.conn.transaction()?;
        let n = tx.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![user_id, password_hash])?;
        tx.execute("DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2", params![user_id, keep])?;
        tx.commit()?;
        Ok(n > 0)
    }

    pub(crate) fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        // Expired sessions go whenever a new one starts.
        self.conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now.unix()])?;
        self.conn.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, user_id, csrf, now.unix(), expires_at.unix()],
        )?;
        Ok(())
    }

    /// The user of a live session and the session's CSRF token.
    pub(crate) fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<(UserRow, String)>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {USER_COLUMNS}, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled_at IS NULL"
        ))?;
        first(stmt.query(params![token_hash, now.unix()])?, |r| Ok((user_row(r)?, r.text_req(7)?)))
    }

    pub(crate) fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }

    /// Stores a new token (its hash); `scope` is `full` or `read`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn create_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        prefix: &str,
        scope: &str,
        now: Timestamp,
        expires_at: Option<Timestamp>,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at, scope)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![user_id, name, token_hash, prefix, now.unix(), expires_at.map(|t| t.unix()), scope],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The user a live API token belongs to (not expired at `now`, user not disabled),
    /// with the token's scope.
    pub(crate) fn token_user(&self, token_hash: &str, now: Timestamp) -> Result<Option<(UserRow, String)>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {USER_COLUMNS}, t.scope FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = ?1 AND (t.expires_at IS NULL OR t.expires_at > ?2) AND u.disabled_at IS NULL"
        ))?;
        first(stmt.query(params![token_hash, now.unix()])?, |r| Ok((user_row(r)?, r.text_req(7)?)))
    }

    /// One user's tokens, oldest first.
    pub(crate) fn tokens_of(&self, user_id: i64) -> Result<Vec<TokenRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.user_id = ?1 ORDER BY t.id"
        ))?;
        collect(stmt.query([user_id])?, |r| token_row(r))
    }

    /// Every user's tokens, oldest first.
    pub(crate) fn all_tokens(&self) -> Result<Vec<TokenRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id"
        ))?;
        collect(stmt.query([])?, |r| token_row(r))
    }

    pub(crate) fn token(&self, token_id: i64) -> Result<Option<TokenRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?1"
        ))?;
        first(stmt.query([token_id])?, |r| token_row(r))
    }

    /// Revokes a token; `false` when there is no such token.
    pub(crate) fn delete_token(&self, token_id: i64) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM api_tokens WHERE id = ?1", [token_id])? > 0)
    }

    pub(crate) fn lists(&self) -> Result<Vec<ListRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {LIST_COLUMNS} FROM lists l LEFT JOIN users u ON u.id = l.created_by ORDER BY l.name COLLATE NOCASE, l.id"
        ))?;
        collect(stmt.query([])?, |r| list_row(r))
    }

    pub(crate) fn list(&self, id: i64) -> Result<Option<ListRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {LIST_COLUMNS} FROM lists l LEFT JOIN users u ON u.id = l.created_by WHERE l.id = ?1"
        ))?;
        first(stmt.query([id])?, |r| list_row(r))
    }

    /// Creates a list; [`Error::Duplicate`] when the name (case-insensitive) is taken.
    pub(crate) fn create_list(&self, name: &str, created_by: Option<i64>, now: Timestamp) -> Result<i64> {
        match self.conn.execute(
            "INSERT INTO lists (name, created_by, created_at) VALUES (?1, ?2, ?3)",
            params![name, created_by, now.unix()],
        ) {
            Ok(_) => Ok(self.conn.last_insert_rowid()),
            Err(e) if is_unique_violation(&e) => Err(Error::Duplicate(format!("a list named '{name}' exists"))),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes a list and its memberships; `false` when there is no such list.
    pub(crate) fn delete_list(&self, id: i64) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM lists WHERE id = ?1", [id])? > 0)
    }

    /// Adds a channel to a list, or replaces its note when it is there already.
    pub(crate) fn put_list_member(
        &self,
        list_id: i64,
        channel_id: i64,
        note: &str,
        added_by: Option<i64>,
        now: Timestamp,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO list_members (list_id, channel_id, note, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (list_id, channel_id) DO UPDATE SET note = excluded.note",
            params![list_id, channel_id, note, added_by, now.unix()],
        )?;
        Ok(())
    }

    /// `false` when the channel was not on the list.
    pub(crate) fn delete_list_member(&self, list_id: i64, channel_id: i64) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM list_members WHERE list_id = ?1 AND channel_id = ?2", params![list_id, channel_id])?
            > 0)
    }

    /// A list's channels in the order they were added.
    pub(crate) fn list_members(&self, list_id: i64) -> Result<Vec<ListMember>> {
        let peers = self.peers()?;
        let sql = format!(
            "SELECT {CHANNEL_COLUMNS}, lm.note, u.username, lm.added_at {CHANNEL_FROM}
             JOIN list_members lm ON lm.channel_id = c.id LEFT JOIN users u ON u.id = lm.added_by
             WHERE lm.list_id = ?1 ORDER BY lm.added_at, lm.rowid"
        );
        let n = CHANNEL_COLUMNS.split(',').count();
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([list_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(ListMember {
                channel: channel_row(&SqliteRow(r), &peers)?,
                note: r.get(n)?,
                added_by: r.get(n + 1)?,
                added_at: Timestamp::from_unix(r.get(n + 2)?),
            });
        }
        Ok(out)
    }
}

/// A list of [`LIST_COLUMNS`] (with its member count last).
pub fn list_row<R: Cells + ?Sized>(r: &R) -> Result<ListRow> {
    Ok(ListRow {
        id: r.int_req(0)?,
        name: r.text_req(1)?,
        created_by: r.text(2)?,
        created_at: Timestamp::from_unix(r.int_req(3)?),
        members: r.int_req(4)?.max(0) as u64,
    })
}

/// A list's columns for [`list_row`], from `lists l LEFT JOIN users u ON u.id = l.created_by`.
pub const LIST_COLUMNS: &str =
    "l.id, l.name, u.username, l.created_at, (SELECT count(*) FROM list_members m WHERE m.list_id = l.id)";
