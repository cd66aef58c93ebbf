//! Saved lists of channels: creating and deleting them, putting channels on them with a
//! note, and a list as CSV. Writing needs a role that writes.

use clout_core::Timestamp;

use super::{ListRow, User};
use crate::channels::{ChannelView, parse_channel_ref, view};
use crate::{App, Error, Result};

/// A channel on a list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListEntry {
    pub channel: ChannelView,
    pub note: String,
    pub added_by: Option<String>,
    pub added_at: Timestamp,
}

const MAX_NOTE_CHARS: usize = 2000;

impl App {
    pub fn lists(&self) -> Result<Vec<ListRow>> {
        Ok(self.store.lists()?)
    }

    /// A list with its channels, in the order they were added.
    pub fn list(&self, id: i64, preset: clout_core::TierPreset) -> Result<(ListRow, Vec<ListEntry>)> {
        let row = self.store.list(id)?.ok_or_else(|| Error::NotFound(format!("there is no list {id}")))?;
        let members = self.store.list_members(id)?;
        let ids: Vec<i64> = members.iter().map(|m| m.channel.id).collect();
        let niches = self.store.niches_of_many(&ids)?;
        let entries = members
            .into_iter()
            .map(|m| {
                let labels = niches.get(&m.channel.id).cloned().unwrap_or_default();
                ListEntry {
                    channel: view(m.channel, preset, labels),
                    note: m.note,
                    added_by: m.added_by,
                    added_at: m.added_at,
                }
            })
            .collect();
        Ok((row, entries))
    }

    pub fn create_list(&mut self, by: &User, name: &str, now: Timestamp) -> Result<ListRow> {
        by.require_write()?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::Invalid("a list needs a name of 1 to 100 characters".to_string()));
        }
        let id = self.store.create_list(name, Some(by.id), now)?;
        self.store.list(id)?.ok_or_else(|| Error::Internal("the new list vanished".to_string()))
    }

    pub fn delete_list(&mut self, by: &User, id: i64) -> Result<()> {
        by.require_write()?;
        if self.store.delete_list(id)? { Ok(()) } else { Err(Error::NotFound(format!("there is no list {id}"))) }
    }

    /// Puts `PLATFORM/HANDLE` on a list with a note (replacing the note when it is there).
    pub fn add_to_list(&mut self, by: &User, id: i64, channel: &str, note: &str, now: Timestamp) -> Result<()> {
        by.require_write()?;
        if note.chars().count() > MAX_NOTE_CHARS {
            return Err(Error::Invalid(format!("a note has at most {MAX_NOTE_CHARS} characters")));
        }
        self.store.list(id)?.ok_or_else(|| Error::NotFound(format!("there is no list {id}")))?;
        let channel_id = self.channel_id(channel)?;
        Ok(self.store.put_list_member(id, channel_id, note.trim(), Some(by.id), now)?)
    }

    pub fn remove_from_list(&mut self, by: &User, id: i64, channel: &str) -> Result<()> {
        by.require_write()?;
        let channel_id = self.channel_id(channel)?;
        if self.store.delete_list_member(id, channel_id)? {
            Ok(())
        } else {
            Err(Error::NotFound(format!("{channel} is not on list {id}")))
        }
    }

    fn channel_id(&self, reference: &str) -> Result<i64> {
        let (platform, handle) = parse_channel_ref(reference)?;
        self.store
            .channel_id(platform, handle.as_str())?
            .ok_or_else(|| Error::NotFound(format!("no channel {platform}/{handle} in the store")))
    }

    /// A list as CSV: one row per channel with its headline numbers and the note.
    pub fn list_csv(&self, id: i64) -> Result<String> {
        let (_, entries) = self.list(id, clout_core::TierPreset::Scrunch)?;
        let mut w = crate::csv_export::CsvExport::new();
        w.row([
            "platform",
            "handle",
            "name",
            "followers",
            "tier",
            "engagement_rate",
            "engagement_label",
            "engagement_index",
            "follower_growth_30d",
            "quality_score",
            "niches",
            "country",
            "email",
            "url",
            "note",
            "added_by",
            "added_at (UTC)",
        ])?;
        let num = |m: Option<f64>| m.map(|v| format!("{v:.4}")).unwrap_or_default();
        for e in &entries {
            let r = &e.channel.row;
            let m = r.metrics.as_ref();
            w.row([
                r.platform.as_str().to_string(),
                r.handle.clone(),
                r.name.clone().unwrap_or_default(),
                r.followers.map(|f| f.to_string()).unwrap_or_default(),
                e.channel.tier.map(|t| t.as_str().to_string()).unwrap_or_default(),
                num(m.and_then(|m| m.engagement_rate.ok())),
                m.and_then(|m| m.engagement_label.ok()).map(|l| l.as_str().to_string()).unwrap_or_default(),
                num(m.and_then(|m| m.engagement_index.ok())),
                num(m.and_then(|m| m.follower_growth_30d.ok())),
                r.quality.map(|q| format!("{:.0}", q.score)).unwrap_or_default(),
                e.channel.niches.iter().map(|n| n.niche.as_str()).collect::<Vec<_>>().join(";"),
                r.country.clone().unwrap_or_default(),
                // The email saved for the creator (`clout creator set`), else the profile's.
                self.store.creator_profile(r.id)?.email.or_else(|| r.email.clone()).unwrap_or_default(),
                r.url.clone().unwrap_or_default(),
                e.note.clone(),
                e.added_by.clone().unwrap_or_default(),
                e.added_at.date_time(),
            ])?;
        }
        w.finish()
    }
}
