//! What a team keeps beside its lists: each user's timezone, the Directory searches saved
//! by name, and read-only links that show one campaign's report to a client. As with API
//! tokens, a link's secret never arrives here: only its hash and first characters.

use clout_core::Timestamp;
use rusqlite::params;

use crate::accounts::is_unique_violation;
use crate::columns::{Cells, collect, first};
use crate::{Error, Result, Store};

/// A Directory search saved by name: the query string of the Directory's URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSearchRow {
    pub id: i64,
    pub name: String,
    /// The URL query (`niche=fitness&tier=micro`), as the Directory reads it.
    pub query: String,
    pub created_by: Option<String>,
    pub created_at: Timestamp,
}

/// A read-only link to a campaign's report (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRow {
    pub id: i64,
    pub campaign_id: i64,
    /// The secret's first characters, to tell links apart.
    pub prefix: String,
    pub created_by: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl ShareRow {
    /// Whether the link opens the report at `now`: not revoked and not expired.
    pub fn live(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// A saved search of [`SEARCH_COLUMNS`].
pub fn search_row<R: Cells + ?Sized>(r: &R) -> Result<SavedSearchRow> {
    Ok(SavedSearchRow {
        id: r.int_req(0)?,
        name: r.text_req(1)?,
        query: r.text_req(2)?,
        created_by: r.text(3)?,
        created_at: Timestamp::from_unix(r.int_req(4)?),
    })
}

/// A saved search's columns for [`search_row`], from
/// `saved_searches s LEFT JOIN users u ON u.id = s.created_by`.
pub const SEARCH_COLUMNS: &str = "s.id, s.name, s.query, u.username, s.created_at";

/// A link's columns for [`share_row`], from
/// `campaign_shares s LEFT JOIN users u ON u.id = s.created_by`.
pub const SHARE_COLUMNS: &str = "s.id, s.campaign_id, s.prefix, u.username, s.created_at, s.expires_at, s.revoked_at";

/// A link of [`SHARE_COLUMNS`].
pub fn share_row<R: Cells + ?Sized>(r: &R) -> Result<ShareRow> {
    Ok(ShareRow {
        id: r.int_req(0)?,
        campaign_id: r.int_req(1)?,
        prefix: r.text_req(2)?,
        created_by: r.text(3)?,
        created_at: Timestamp::from_unix(r.int_req(4)?),
        expires_at: Timestamp::from_unix(r.int_req(5)?),
        revoked_at: r.int(6)?.map(Timestamp::from_unix),
    })
}

impl Store {
    /// Sets (or, with `None`, clears) a user's timezone; `false` when there is no such user.
    pub(crate) fn set_timezone(&self, user_id: i64, timezone: Option<&str>) -> Result<bool> {
        Ok(self.conn.execute("UPDATE users SET timezone = ?2 WHERE id = ?1", params![user_id, timezone])? > 0)
    }

    /// Every saved search, by name ignoring ASCII case.
    pub(crate) fn saved_searches(&self) -> Result<Vec<SavedSearchRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SEARCH_COLUMNS} FROM saved_searches s
             LEFT JOIN users u ON u.id = s.created_by ORDER BY s.name COLLATE NOCASE, s.id"
        ))?;
        collect(stmt.query([])?, |r| search_row(r))
    }

    /// Saves a search, or replaces the one with this name (ignoring ASCII case): its query,
    /// and who saved it and when, since the query is now theirs. Returns its id.
    pub(crate) fn save_search(&self, name: &str, query: &str, by: Option<i64>, now: Timestamp) -> Result<i64> {
        Ok(self.conn.query_row(
            "INSERT INTO saved_searches (name, query, created_by, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO UPDATE SET query = excluded.query, created_by = excluded.created_by,
                 created_at = excluded.created_at RETURNING id",
            params![name, query, by, now.unix()],
            |r| r.get(0),
        )?)
    }

    /// Deletes a saved search; `false` when there is none.
    pub(crate) fn delete_saved_search(&self, id: i64) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM saved_searches WHERE id = ?1", [id])? > 0)
    }

    /// Stores a new read-only link to a campaign's report and returns its id; `None` when
    /// there is no such campaign.
    pub(crate) fn create_share(
        &self,
        campaign_id: i64,
        token_hash: &str,
        prefix: &str,
        by: Option<i64>,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<Option<i64>> {
        let r = self.conn.execute(
            "INSERT INTO campaign_shares (campaign_id, token_hash, prefix, created_by, created_at, expires_at)
             SELECT id, ?2, ?3, ?4, ?5, ?6 FROM campaigns WHERE id = ?1",
            params![campaign_id, token_hash, prefix, by, now.unix(), expires_at.unix()],
        );
        match r {
            Ok(0) => Ok(None),
            Ok(_) => Ok(Some(self.conn.last_insert_rowid())),
            Err(e) if is_unique_violation(&e) => Err(Error::Duplicate("share link".to_string())),
            Err(e) => Err(e.into()),
        }
    }

    /// A campaign's links, newest first, revoked and expired ones included.
    pub(crate) fn shares_of(&self, campaign_id: i64) -> Result<Vec<ShareRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SHARE_COLUMNS} FROM campaign_shares s LEFT JOIN users u ON u.id = s.created_by
             WHERE s.campaign_id = ?1 ORDER BY s.id DESC"
        ))?;
        collect(stmt.query([campaign_id])?, |r| share_row(r))
    }

    /// The link with this secret's hash if it opens a report at `now`.
    pub(crate) fn live_share(&self, token_hash: &str, now: Timestamp) -> Result<Option<ShareRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SHARE_COLUMNS} FROM campaign_shares s LEFT JOIN users u ON u.id = s.created_by
             WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2"
        ))?;
        first(stmt.query(params![token_hash, now.unix()])?, |r| share_row(r))
    }

    /// Revokes a campaign's link from `now` on; `false` when the campaign has no such link
    /// or it was revoked already.
    pub(crate) fn revoke_share(&self, campaign_id: i64, share_id: i64, now: Timestamp) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE campaign_shares SET revoked_at = ?3 WHERE id = ?2 AND campaign_id = ?1 AND revoked_at IS NULL",
            params![campaign_id, share_id, now.unix()],
        )? > 0)
    }
}
