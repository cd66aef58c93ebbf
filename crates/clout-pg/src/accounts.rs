//! [`AccountStore`] on PostgreSQL: users, sessions, API tokens, saved lists and searches.
//!
//! Names unique ignoring ASCII case are compared as `lower(x COLLATE "C")`, which the
//! unique indexes of the schema are on. A check that must hold against every other node
//! (the first user, the last active admin) locks the `users` table for writes in the
//! transaction that checks and changes.

use clout_core::Timestamp;
use clout_store::decode::{CHANNEL_COLUMNS, CHANNEL_FROM, Cells, TOKEN_COLUMNS, USER_COLUMNS, channel_row};
use clout_store::decode::{list_row, search_row, token_row, user_row};
use clout_store::{AccountStore, Error, ListMember, ListRow, Result, SavedSearchRow, TokenRow, UserChange, UserRow};

use crate::{PgRow, PgStore, db, is_unique_violation};

/// A list's columns for `list_row`: its member count from one grouped scan of the
/// members (a correlated subquery per list would not distribute).
const LISTS: &str = "SELECT l.id, l.name, u.username, l.created_at, coalesce(n.members, 0)
     FROM lists l LEFT JOIN users u ON u.id = l.created_by
     LEFT JOIN (SELECT list_id, count(*) AS members FROM list_members GROUP BY list_id) n ON n.list_id = l.id";

const SEARCHES: &str = "SELECT s.id, s.name, s.query, u.username, s.created_at
     FROM saved_searches s LEFT JOIN users u ON u.id = s.created_by";

/// Locks the accounts against other writers until the transaction ends (readers go on).
const LOCK_USERS: &str = "LOCK TABLE users IN EXCLUSIVE MODE";

impl PgStore {
    /// Inserts a row with a name unique ignoring case and returns its id, or says the
    /// name is taken.
    fn insert_named(&self, sql: &str, params: &[&(dyn postgres::types::ToSql + Sync)], taken: String) -> Result<i64> {
        match self.client().query_one(sql, params) {
            Ok(row) => PgRow(&row).int_req(0),
            Err(e) if is_unique_violation(&e) => Err(Error::Duplicate(taken)),
            Err(e) => Err(db(e)),
        }
    }

    fn user_where(&self, condition: &str, param: &(dyn postgres::types::ToSql + Sync)) -> Result<Option<UserRow>> {
        self.row(&format!("SELECT {USER_COLUMNS} FROM users u WHERE {condition}"), &[param])?
            .map(|r| user_row(&PgRow(&r)))
            .transpose()
    }

    fn tokens_where(&self, condition: &str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<Vec<TokenRow>> {
        self.rows(
            &format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id {condition} ORDER BY t.id"
            ),
            params,
        )?
        .iter()
        .map(|r| token_row(&PgRow(r)))
        .collect()
    }
}

impl AccountStore for PgStore {
    fn user_count(&self) -> Result<u64> {
        Ok(self.int("SELECT count(*) FROM users", &[])?.max(0) as u64)
    }

    fn create_user(&self, username: &str, password_hash: &str, role: &str, now: Timestamp) -> Result<i64> {
        self.insert_named(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            &[&username, &password_hash, &role, &now.unix()],
            format!("a user named '{username}' exists"),
        )
    }

    fn create_first_user(&mut self, username: &str, password_hash: &str, now: Timestamp) -> Result<bool> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        tx.batch_execute(LOCK_USERS).map_err(db)?;
        let n: i64 = tx.query_one("SELECT count(*) FROM users", &[]).map_err(db)?.get(0);
        if n > 0 {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES ($1, $2, 'admin', $3)",
            &[&username, &password_hash, &now.unix()],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(true)
    }

    /// Under a lock on the table for writes (as the users' checks take): attempts from
    /// every node are checked and counted one after another.
    fn count_attempt(&mut self, keys: &[(&str, u32)], window: i64, now: Timestamp) -> Result<bool> {
        let now = now.unix();
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        tx.batch_execute("LOCK TABLE login_attempts IN SHARE ROW EXCLUSIVE MODE").map_err(db)?;
        tx.execute("DELETE FROM login_attempts WHERE window_start <= $1", &[&(now - window)]).map_err(db)?;
        for (key, allowed) in keys {
            let used = tx.query_opt("SELECT n FROM login_attempts WHERE key = $1", &[key]).map_err(db)?;
            if used.is_some_and(|r| r.get::<_, i64>(0) >= i64::from(*allowed)) {
                return Ok(false);
            }
        }
        for (key, _) in keys {
            tx.execute(
                "INSERT INTO login_attempts (key, window_start, n) VALUES ($1, $2, 1)
                 ON CONFLICT (key) DO UPDATE SET n = login_attempts.n + 1",
                &[key, &now],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(true)
    }

    fn forget_attempt(&self, key: &str, clear: bool) -> Result<()> {
        let sql = if clear {
            "DELETE FROM login_attempts WHERE key = $1"
        } else {
            "UPDATE login_attempts SET n = greatest(n - 1, 0) WHERE key = $1"
        };
        self.execute(sql, &[&key])?;
        Ok(())
    }

    fn user_by_name(&self, username: &str) -> Result<Option<UserRow>> {
        self.user_where(r#"lower(u.username COLLATE "C") = lower($1::text COLLATE "C")"#, &username)
    }

    fn users(&self) -> Result<Vec<UserRow>> {
        self.rows(&format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.id"), &[])?
            .iter()
            .map(|r| user_row(&PgRow(r)))
            .collect()
    }

    fn user_by_id(&self, user_id: i64) -> Result<Option<UserRow>> {
        self.user_where("u.id = $1", &user_id)
    }

    fn change_user(&mut self, user_id: i64, change: UserChange<'_>) -> Result<bool> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        tx.batch_execute(LOCK_USERS).map_err(db)?;
        let removes_admin = match change {
            UserChange::Role(role) => role != "admin",
            UserChange::Disable(_) | UserChange::Delete => true,
            UserChange::Enable => false,
        };
        if removes_admin {
            let row = tx
                .query_one(
                    "SELECT count(*) FILTER (WHERE id = $1), count(*) FILTER (WHERE id <> $1)
                     FROM users WHERE role = 'admin' AND disabled_at IS NULL",
                    &[&user_id],
                )
                .map_err(db)?;
            let (target, others): (i64, i64) = (row.get(0), row.get(1));
            if target > 0 && others == 0 {
                return Ok(false);
            }
        }
        match change {
            UserChange::Role(role) => {
                tx.execute("UPDATE users SET role = $2 WHERE id = $1", &[&user_id, &role]).map_err(db)?;
            }
            UserChange::Disable(at) => {
                tx.execute("UPDATE users SET disabled_at = $2 WHERE id = $1", &[&user_id, &at.unix()]).map_err(db)?;
                tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&user_id]).map_err(db)?;
            }
            UserChange::Enable => {
                tx.execute("UPDATE users SET disabled_at = NULL WHERE id = $1", &[&user_id]).map_err(db)?;
            }
            UserChange::Delete => {
                tx.execute("DELETE FROM users WHERE id = $1", &[&user_id]).map_err(db)?;
            }
        }
        tx.commit().map_err(db)?;
        Ok(true)
    }

    fn set_password(&mut self, user_id: i64, password_hash: &str, keep: Option<&str>) -> Result<bool> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        let n =
            tx.execute("UPDATE users SET password_hash = $2 WHERE id = $1", &[&user_id, &password_hash]).map_err(db)?;
        tx.execute("DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2", &[&user_id, &keep])
            .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(n > 0)
    }

    fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        // Expired sessions go whenever a new one starts.
        self.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&now.unix()])?;
        self.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[&token_hash, &user_id, &csrf, &now.unix(), &expires_at.unix()],
        )?;
        Ok(())
    }

    fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<(UserRow, String)>> {
        let row = self.row(
            &format!(
                "SELECT {USER_COLUMNS}, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL"
            ),
            &[&token_hash, &now.unix()],
        )?;
        row.map(|r| Ok((user_row(&PgRow(&r))?, PgRow(&r).text_req(7)?))).transpose()
    }

    fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash])?;
        Ok(())
    }

    fn create_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        prefix: &str,
        scope: &str,
        now: Timestamp,
        expires_at: Option<Timestamp>,
    ) -> Result<i64> {
        self.int(
            "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at, scope)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &[&user_id, &name, &token_hash, &prefix, &now.unix(), &expires_at.map(|t| t.unix()), &scope],
        )
    }

    fn token_user(&self, token_hash: &str, now: Timestamp) -> Result<Option<(UserRow, String)>> {
        let row = self.row(
            &format!(
                "SELECT {USER_COLUMNS}, t.scope FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.disabled_at IS NULL"
            ),
            &[&token_hash, &now.unix()],
        )?;
        row.map(|r| Ok((user_row(&PgRow(&r))?, PgRow(&r).text_req(7)?))).transpose()
    }

    fn tokens_of(&self, user_id: i64) -> Result<Vec<TokenRow>> {
        self.tokens_where("WHERE t.user_id = $1", &[&user_id])
    }

    fn all_tokens(&self) -> Result<Vec<TokenRow>> {
        self.tokens_where("", &[])
    }

    fn token(&self, token_id: i64) -> Result<Option<TokenRow>> {
        Ok(self.tokens_where("WHERE t.id = $1", &[&token_id])?.into_iter().next())
    }

    fn delete_token(&self, token_id: i64) -> Result<bool> {
        Ok(self.execute("DELETE FROM api_tokens WHERE id = $1", &[&token_id])? > 0)
    }

    fn lists(&self) -> Result<Vec<ListRow>> {
        self.rows(&format!(r#"{LISTS} ORDER BY lower(l.name COLLATE "C"), l.id"#), &[])?
            .iter()
            .map(|r| list_row(&PgRow(r)))
            .collect()
    }

    fn list(&self, id: i64) -> Result<Option<ListRow>> {
        self.row(&format!("{LISTS} WHERE l.id = $1"), &[&id])?.map(|r| list_row(&PgRow(&r))).transpose()
    }

    fn create_list(&self, name: &str, created_by: Option<i64>, now: Timestamp) -> Result<i64> {
        self.insert_named(
            "INSERT INTO lists (name, created_by, created_at) VALUES ($1, $2, $3) RETURNING id",
            &[&name, &created_by, &now.unix()],
            format!("a list named '{name}' exists"),
        )
    }

    fn delete_list(&self, id: i64) -> Result<bool> {
        Ok(self.execute("DELETE FROM lists WHERE id = $1", &[&id])? > 0)
    }

    fn put_list_member(
        &self,
        list_id: i64,
        channel_id: i64,
        note: &str,
        added_by: Option<i64>,
        now: Timestamp,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO list_members (channel_id, list_id, note, added_by, added_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (channel_id, list_id) DO UPDATE SET note = excluded.note",
            &[&channel_id, &list_id, &note, &added_by, &now.unix()],
        )?;
        Ok(())
    }

    fn delete_list_member(&self, list_id: i64, channel_id: i64) -> Result<bool> {
        Ok(self.execute("DELETE FROM list_members WHERE channel_id = $1 AND list_id = $2", &[&channel_id, &list_id])?
            > 0)
    }

    fn list_members(&self, list_id: i64) -> Result<Vec<ListMember>> {
        let peers = self.peers()?;
        let n = CHANNEL_COLUMNS.split(',').count();
        let rows = self.rows(
            &format!(
                "SELECT {CHANNEL_COLUMNS}, lm.note, u.username, lm.added_at {CHANNEL_FROM}
                 JOIN list_members lm ON lm.channel_id = c.id LEFT JOIN users u ON u.id = lm.added_by
                 WHERE lm.list_id = $1 ORDER BY lm.added_at, lm.seq"
            ),
            &[&list_id],
        )?;
        rows.iter()
            .map(|r| {
                let r = PgRow(r);
                Ok(ListMember {
                    channel: channel_row(&r, &peers)?,
                    note: r.text_req(n)?,
                    added_by: r.text(n + 1)?,
                    added_at: Timestamp::from_unix(r.int_req(n + 2)?),
                })
            })
            .collect()
    }

    fn set_timezone(&self, user_id: i64, timezone: Option<&str>) -> Result<bool> {
        Ok(self.execute("UPDATE users SET timezone = $2 WHERE id = $1", &[&user_id, &timezone])? > 0)
    }

    fn saved_searches(&self) -> Result<Vec<SavedSearchRow>> {
        self.rows(&format!(r#"{SEARCHES} ORDER BY lower(s.name COLLATE "C"), s.id"#), &[])?
            .iter()
            .map(|r| search_row(&PgRow(r)))
            .collect()
    }

    fn save_search(&self, name: &str, query: &str, by: Option<i64>, now: Timestamp) -> Result<i64> {
        self.int(
            r#"INSERT INTO saved_searches (name, query, created_by, created_at) VALUES ($1, $2, $3, $4)
               ON CONFLICT ((lower(name COLLATE "C"))) DO UPDATE SET query = excluded.query,
                   created_by = excluded.created_by, created_at = excluded.created_at
               RETURNING id"#,
            &[&name, &query, &by, &now.unix()],
        )
    }

    fn delete_saved_search(&self, id: i64) -> Result<bool> {
        Ok(self.execute("DELETE FROM saved_searches WHERE id = $1", &[&id])? > 0)
    }
}
