//! A creator's relationship: contacts and tags, dated notes, and the campaigns they are
//! in with their stage.

use std::collections::BTreeSet;

use clout_core::{TierPreset, Timestamp};
use clout_store::CreatorProfile;

use super::{Actor, Relationship, stage_of};
use crate::channels::view;
use crate::{App, Error, Result};

impl App {
    /// A creator's relationship.
    pub fn relationship(&self, reference: &str, preset: TierPreset) -> Result<Relationship> {
        let (channel_id, _) = self.channel_id_of(reference)?;
        let row = self
            .store
            .channel_row_by_id(channel_id)?
            .ok_or_else(|| Error::NotFound(format!("no channel {reference}")))?;
        let niches = self.store.niches_of(channel_id)?;
        let campaigns = self
            .store
            .campaigns_of_channel(channel_id)?
            .into_iter()
            .map(|(name, stage)| Ok((name, stage_of(&stage)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Relationship {
            channel: view(row, preset, niches),
            profile: self.store.creator_profile(channel_id)?,
            notes: self.store.creator_notes(channel_id)?,
            campaigns,
        })
    }

    /// Saves a creator's contacts and tags (tags are lower-cased and deduplicated).
    pub fn set_creator_profile(&mut self, by: Actor<'_>, reference: &str, profile: &CreatorProfile) -> Result<()> {
        by.require_write()?;
        let (channel_id, _) = self.channel_id_of(reference)?;
        let clean = |s: &Option<String>| s.as_ref().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        if let Some(email) = clean(&profile.email)
            && !email.contains('@')
        {
            return Err(Error::Invalid(format!("'{email}' is not an email address")));
        }
        let tags: BTreeSet<String> = profile
            .tags
            .iter()
            .flat_map(|t| t.split([',', ' ']))
            .map(|t| t.trim().trim_start_matches('#').to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        let profile = CreatorProfile {
            email: clean(&profile.email),
            phone: clean(&profile.phone),
            agent: clean(&profile.agent),
            tags: tags.into_iter().collect(),
        };
        self.store.put_creator_profile(channel_id, &profile)?;
        Ok(())
    }

    /// Adds a dated note about a creator.
    pub fn add_creator_note(&mut self, by: Actor<'_>, reference: &str, body: &str, now: Timestamp) -> Result<()> {
        by.require_write()?;
        let body = body.trim();
        if body.is_empty() || body.chars().count() > 5_000 {
            return Err(Error::Invalid("a note needs 1 to 5,000 characters".to_string()));
        }
        let (channel_id, _) = self.channel_id_of(reference)?;
        self.store.add_creator_note(channel_id, body, &by.name(), now)?;
        Ok(())
    }
}
