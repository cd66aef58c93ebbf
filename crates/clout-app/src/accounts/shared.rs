//! What a team keeps beside its lists: each user's timezone, Directory searches saved by
//! name, and read-only links that open one campaign's report for a client without an
//! account (expiring, revocable; the secret shown once, only its hash kept).

use clout_core::Timestamp;
use clout_store::{SavedSearchRow, ShareRow};

use super::{User, random_secret, secret_hash};
use crate::{App, Error, Result};

/// A share link lasts this many days unless its maker says otherwise.
pub const SHARE_DAYS: u32 = 30;
/// And at most this many.
pub const MAX_SHARE_DAYS: u32 = 365;
const MAX_SEARCH_NAME: usize = 100;
const MAX_SEARCH_QUERY: usize = 4_000;

/// Every IANA timezone name this build knows, sorted.
pub fn timezones() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    names.sort();
    names
}

/// The canonical spelling of an IANA timezone name, or why it is not one.
pub fn timezone_name(name: &str) -> Result<String> {
    let name = name.trim();
    let known = timezones();
    known.iter().find(|k| k.eq_ignore_ascii_case(name)).cloned().ok_or_else(|| {
        Error::Invalid(format!(
            "'{name}' is not a timezone: use an IANA name such as Europe/Berlin or America/New_York"
        ))
    })
}

impl App {
    /// Sets the timezone `user` reads dates in (an IANA name; empty: UTC).
    pub fn set_timezone(&mut self, user: &User, name: &str) -> Result<Option<String>> {
        user.require_not_read_only()?;
        let tz = if name.trim().is_empty() { None } else { Some(timezone_name(name)?) };
        if !self.store.set_timezone(user.id, tz.as_deref())? {
            return Err(Error::NotFound(format!("there is no user {}", user.username)));
        }
        Ok(tz)
    }

    pub fn saved_searches(&self) -> Result<Vec<SavedSearchRow>> {
        Ok(self.store.saved_searches()?)
    }

    /// Saves the Directory's query under a name for the whole team (saving under a name
    /// that exists replaces that search, which is then `by`'s). The page is not part of a
    /// search.
    pub fn save_search(&mut self, by: &User, name: &str, query: &str, now: Timestamp) -> Result<SavedSearchRow> {
        by.require_write()?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_SEARCH_NAME {
            return Err(Error::Invalid(format!("a saved search needs a name of 1 to {MAX_SEARCH_NAME} characters")));
        }
        let query: String = form_pairs(query)
            .filter(|(k, v)| k != "page" && k != "offset" && !v.is_empty())
            .map(|(k, v)| format!("{}={}", encode(&k), encode(&v)))
            .collect::<Vec<_>>()
            .join("&");
        if query.len() > MAX_SEARCH_QUERY {
            return Err(Error::Invalid(format!("a saved search is at most {MAX_SEARCH_QUERY} characters of query")));
        }
        let id = self.store.save_search(name, &query, Some(by.id), now)?;
        self.store
            .saved_searches()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| Error::Internal(format!("saved search {id} vanished")))
    }

    pub fn delete_saved_search(&mut self, by: &User, id: i64) -> Result<()> {
        by.require_write()?;
        if !self.store.delete_saved_search(id)? {
            return Err(Error::NotFound(format!("there is no saved search {id}")));
        }
        Ok(())
    }

    /// A read-only link to a campaign's report, valid for `days` days (1 to
    /// [`MAX_SHARE_DAYS`]). The secret is returned once and only its hash kept.
    pub fn create_share(
        &mut self,
        by: &User,
        campaign_id: i64,
        days: u32,
        now: Timestamp,
    ) -> Result<(ShareRow, String)> {
        by.require_write()?;
        if !(1..=MAX_SHARE_DAYS).contains(&days) {
            return Err(Error::Invalid(format!("a share link lasts 1 to {MAX_SHARE_DAYS} days")));
        }
        let secret = random_secret()?;
        let prefix: String = secret.chars().take(8).collect();
        let expires_at = Timestamp::from_unix(now.unix() + i64::from(days) * 86_400);
        let id = self
            .store
            .create_share(campaign_id, &secret_hash(&secret), &prefix, Some(by.id), now, expires_at)?
            .ok_or_else(|| Error::NotFound(format!("there is no campaign {campaign_id}")))?;
        let row = ShareRow {
            id,
            campaign_id,
            prefix,
            created_by: Some(by.username.clone()),
            created_at: now,
            expires_at,
            revoked_at: None,
        };
        Ok((row, secret))
    }

    /// A campaign's share links, newest first (never their secrets).
    pub fn shares(&self, campaign_id: i64) -> Result<Vec<ShareRow>> {
        Ok(self.store.shares_of(campaign_id)?)
    }

    pub fn revoke_share(&mut self, by: &User, campaign_id: i64, share_id: i64, now: Timestamp) -> Result<()> {
        by.require_write()?;
        if !self.store.revoke_share(campaign_id, share_id, now)? {
            return Err(Error::NotFound(format!("campaign {campaign_id} has no live share link {share_id}")));
        }
        Ok(())
    }

    /// The campaign a share link opens at `now`; `None` for an unknown, expired or revoked
    /// link (the three are not told apart to whoever holds it).
    pub fn shared_campaign(&self, secret: &str, now: Timestamp) -> Result<Option<i64>> {
        if secret.is_empty() || secret.len() > 128 {
            return Ok(None);
        }
        Ok(self.store.live_share(&secret_hash(secret), now)?.map(|s| s.campaign_id))
    }
}

/// The pairs of a URL query, decoded.
fn form_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned()))
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
