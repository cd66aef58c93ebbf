//! What the user keeps about a creator: contact details, tags and dated notes.

use clout_core::Timestamp;
use rusqlite::{OptionalExtension, params};

use crate::{Result, Store};

/// A creator's contact details and tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatorProfile {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub agent: Option<String>,
    /// Lower-case, sorted, no duplicates.
    pub tags: Vec<String>,
}

/// A dated note about a creator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    pub id: i64,
    pub body: String,
    pub written_by: String,
    pub written_at: Timestamp,
}

impl Store {
    /// A creator's contacts and tags (empty when none were saved).
    pub(crate) fn creator_profile(&self, channel_id: i64) -> Result<CreatorProfile> {
        Ok(self
            .conn
            .query_row(
                "SELECT email, phone, agent, tags FROM creator_profiles WHERE channel_id = ?1",
                [channel_id],
                |r| {
                    let tags: String = r.get(3)?;
                    Ok(CreatorProfile {
                        email: r.get(0)?,
                        phone: r.get(1)?,
                        agent: r.get(2)?,
                        tags: tags.split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect(),
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    pub(crate) fn put_creator_profile(&self, channel_id: i64, p: &CreatorProfile) -> Result<()> {
        self.conn.execute(
            "INSERT INTO creator_profiles (channel_id, email, phone, agent, tags) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (channel_id) DO UPDATE SET email = ?2, phone = ?3, agent = ?4, tags = ?5",
            params![channel_id, p.email, p.phone, p.agent, p.tags.join(" ")],
        )?;
        Ok(())
    }

    pub(crate) fn add_creator_note(&self, channel_id: i64, body: &str, by: &str, at: Timestamp) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO creator_notes (channel_id, body, written_by, written_at) VALUES (?1, ?2, ?3, ?4)",
            params![channel_id, body, by, at.unix()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Notes, newest first.
    pub(crate) fn creator_notes(&self, channel_id: i64) -> Result<Vec<NoteRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, body, written_by, written_at FROM creator_notes WHERE channel_id = ?1
             ORDER BY written_at DESC, id DESC",
        )?;
        let rows = stmt.query_map([channel_id], |r| {
            Ok(NoteRow {
                id: r.get(0)?,
                body: r.get(1)?,
                written_by: r.get(2)?,
                written_at: Timestamp::from_unix(r.get(3)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
