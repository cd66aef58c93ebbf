//! Accounts, sessions, API tokens and saved lists. The store keeps what it is given:
//! hashing and token generation happen above it, and only hashes of secrets arrive here.

use clout_core::{Platform, Timestamp};
use rusqlite::{OptionalExtension, Row, params};

use crate::read::{CHANNEL_COLUMNS, CHANNEL_FROM, channel_row};
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
}

/// An API token's public facts (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// The token's first characters, to recognise it by.
    pub prefix: String,
    pub created_at: Timestamp,
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

/// One rejected record of an import run, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectRow {
    pub file: String,
    pub line: u64,
    pub field: Option<String>,
    pub reason: String,
    pub raw: Vec<u8>,
}

const USER_COLUMNS: &str = "u.id, u.username, u.password_hash, u.role, u.created_at";

fn user_row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        username: r.get(1)?,
        password_hash: r.get(2)?,
        role: r.get(3)?,
        created_at: Timestamp::from_unix(r.get(4)?),
    })
}

pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

impl Store {
    pub fn user_count(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT count(*) FROM users", [], |r| r.get::<_, i64>(0))?.max(0) as u64)
    }

    /// Creates a user; [`Error::Duplicate`] when the name (case-insensitive) is taken.
    pub fn create_user(&self, username: &str, password_hash: &str, role: &str, now: Timestamp) -> Result<i64> {
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
    pub fn create_first_user(&mut self, username: &str, password_hash: &str, now: Timestamp) -> Result<bool> {
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

    pub fn user_by_name(&self, username: &str) -> Result<Option<UserRow>> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = ?1"), [username], user_row)
            .optional()?)
    }

    pub fn users(&self) -> Result<Vec<UserRow>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.id"))?;
        let rows = stmt.query_map([], user_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Changes a user's role; `false` when there is no such user.
    pub fn set_user_role(&self, user_id: i64, role: &str) -> Result<bool> {
        Ok(self.conn.execute("UPDATE users SET role = ?2 WHERE id = ?1", params![user_id, role])? > 0)
    }

    pub fn create_session(
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
    pub fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<(UserRow, String)>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2"
                ),
                params![token_hash, now.unix()],
                |r| Ok((user_row(r)?, r.get(5)?)),
            )
            .optional()?)
    }

    pub fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }

    pub fn create_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        prefix: &str,
        now: Timestamp,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![user_id, name, token_hash, prefix, now.unix()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The user an API token belongs to.
    pub fn token_user(&self, token_hash: &str) -> Result<Option<UserRow>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1"
                ),
                [token_hash],
                user_row,
            )
            .optional()?)
    }

    pub fn tokens_of(&self, user_id: i64) -> Result<Vec<TokenRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, user_id, name, prefix, created_at FROM api_tokens WHERE user_id = ?1 ORDER BY id")?;
        let rows = stmt
            .query_map([user_id], |r| {
                Ok(TokenRow {
                    id: r.get(0)?,
                    user_id: r.get(1)?,
                    name: r.get(2)?,
                    prefix: r.get(3)?,
                    created_at: Timestamp::from_unix(r.get(4)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Revokes one of a user's tokens; `false` when the user has no such token.
    pub fn delete_token(&self, user_id: i64, token_id: i64) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2", params![token_id, user_id])? > 0)
    }

    pub fn lists(&self) -> Result<Vec<ListRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT l.id, l.name, u.username, l.created_at, (SELECT count(*) FROM list_members m WHERE m.list_id = l.id)
             FROM lists l LEFT JOIN users u ON u.id = l.created_by ORDER BY l.name COLLATE NOCASE, l.id",
        )?;
        let rows = stmt.query_map([], list_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn list(&self, id: i64) -> Result<Option<ListRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT l.id, l.name, u.username, l.created_at, (SELECT count(*) FROM list_members m WHERE m.list_id = l.id)
                 FROM lists l LEFT JOIN users u ON u.id = l.created_by WHERE l.id = ?1",
                [id],
                list_row,
            )
            .optional()?)
    }

    /// Creates a list; [`Error::Duplicate`] when the name (case-insensitive) is taken.
    pub fn create_list(&self, name: &str, created_by: Option<i64>, now: Timestamp) -> Result<i64> {
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
    pub fn delete_list(&self, id: i64) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM lists WHERE id = ?1", [id])? > 0)
    }

    /// Adds a channel to a list, or replaces its note when it is there already.
    pub fn put_list_member(
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
    pub fn delete_list_member(&self, list_id: i64, channel_id: i64) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM list_members WHERE list_id = ?1 AND channel_id = ?2", params![list_id, channel_id])?
            > 0)
    }

    /// A list's channels in the order they were added.
    pub fn list_members(&self, list_id: i64) -> Result<Vec<ListMember>> {
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
                channel: channel_row(r)?,
                note: r.get(n)?,
                added_by: r.get(n + 1)?,
                added_at: Timestamp::from_unix(r.get(n + 2)?),
            });
        }
        Ok(out)
    }

    /// A channel's id by platform and handle.
    pub fn channel_id(&self, platform: Platform, handle: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM channels WHERE platform = ?1 AND handle = ?2",
                params![platform.as_str(), handle],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The rejected records of one import run, in file and line order.
    pub fn rejects_of(&self, run_id: i64) -> Result<Vec<RejectRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT file, line, field, reason, raw FROM import_rejects WHERE run_id = ?1 ORDER BY id")?;
        let rows = stmt
            .query_map([run_id], |r| {
                Ok(RejectRow {
                    file: r.get(0)?,
                    line: r.get::<_, i64>(1)?.max(0) as u64,
                    field: r.get(2)?,
                    reason: r.get(3)?,
                    raw: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

fn list_row(r: &Row<'_>) -> rusqlite::Result<ListRow> {
    Ok(ListRow {
        id: r.get(0)?,
        name: r.get(1)?,
        created_by: r.get(2)?,
        created_at: Timestamp::from_unix(r.get(3)?),
        members: r.get::<_, i64>(4)?.max(0) as u64,
    })
}

impl Store {
    /// Every channel of a platform with comments per 100 likes: its bucket and that rate
    /// (what the audience-quality score compares a channel with).
    pub fn comment_rates(&self, platform: Platform) -> Result<Vec<(Option<clout_core::Bucket>, f64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.benchmark_bucket, m.comments_per_100_likes FROM channel_metrics m JOIN channels c ON c.id = m.channel_id
             WHERE c.platform = ?1 AND m.comments_per_100_likes IS NOT NULL",
        )?;
        let rows = stmt
            .query_map([platform.as_str()], |r| {
                let bucket: Option<String> = r.get(0)?;
                Ok((bucket.as_deref().and_then(clout_core::Bucket::parse), r.get::<_, f64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
