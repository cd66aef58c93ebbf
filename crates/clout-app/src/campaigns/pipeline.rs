//! A campaign's creators through the pipeline: adding and removing members, their stage
//! (with its history), agreed fees in the campaign's currency, and deliverables with the
//! posts they link to.

use clout_core::campaign::Stage;
use clout_core::money::Money;
use clout_core::price::Deliverable;
use clout_core::{TierPreset, Timestamp};
use clout_store::NewMember;

use super::{Actor, Campaign, Member, stage_of};
use crate::channels::view;
use crate::{App, Error, Result};

/// A fee must be in the campaign's currency, not negative, and within what Clout tracks.
fn check_fee(fee: Money, campaign: &Campaign) -> Result<()> {
    same_currency("the fee", fee, campaign)?;
    if fee.minor < 0 {
        return Err(Error::Invalid("a fee cannot be negative".to_string()));
    }
    if fee.minor > crate::plan::MAX_BUDGET_MINOR {
        return Err(Error::Invalid(format!("a fee of {fee} is beyond what Clout tracks")));
    }
    Ok(())
}

/// Refuses an amount in another currency than the campaign's.
fn same_currency(what: &str, amount: Money, campaign: &Campaign) -> Result<()> {
    if amount.currency != campaign.brief.budget.currency {
        return Err(Error::Invalid(format!(
            "{what} is in {} but campaign '{}' is in {}; amounts in two currencies are not mixed without a rate",
            amount.currency, campaign.brief.name, campaign.brief.budget.currency
        )));
    }
    Ok(())
}

impl App {
    /// Adds a creator at `prospect` (or `stage`), with an agreed fee when known.
    pub fn add_member(
        &mut self,
        by: Actor<'_>,
        campaign: &str,
        reference: &str,
        stage: Option<Stage>,
        fee: Option<Money>,
        now: Timestamp,
    ) -> Result<bool> {
        by.require_write()?;
        let c = self.campaign(campaign)?;
        if let Some(fee) = fee {
            check_fee(fee, &c)?;
        }
        let (channel_id, r) = self.channel_id_of(reference)?;
        if stage.is_some_and(Stage::commits_fee) && fee.is_none() {
            return Err(Error::Invalid(format!(
                "agree {r}'s fee before adding it as {}",
                stage.map_or("", Stage::as_str)
            )));
        }
        let who = by.name();
        let added = self.store.add_members(
            c.id,
            &[NewMember {
                channel_id,
                stage: stage.unwrap_or(Stage::Prospect).as_str(),
                fee_minor: fee.map(|f| f.minor),
                planned_minor: None,
                expected: None,
                by: &who,
            }],
            now,
        )?;
        Ok(added == 1)
    }

    pub fn remove_member(&mut self, by: Actor<'_>, campaign: &str, reference: &str) -> Result<()> {
        by.require_write()?;
        let c = self.campaign(campaign)?;
        let (channel_id, r) = self.channel_id_of(reference)?;
        if !self.store.remove_member(c.id, channel_id)? {
            return Err(Error::NotFound(format!("{r} is not in campaign '{}'", c.brief.name)));
        }
        Ok(())
    }

    /// Moves a member through the pipeline; the change is recorded with who made it.
    /// Returns false when it was already at that stage.
    pub fn set_stage(
        &mut self,
        by: Actor<'_>,
        campaign: &str,
        reference: &str,
        stage: Stage,
        now: Timestamp,
    ) -> Result<bool> {
        by.require_write()?;
        let c = self.campaign(campaign)?;
        let (channel_id, r) = self.channel_id_of(reference)?;
        if stage.commits_fee() {
            let fee = self.store.member_state(c.id, channel_id)?.and_then(|(_, fee)| fee);
            if fee.is_none() {
                return Err(Error::Invalid(format!(
                    "agree {r}'s fee before moving it to {} (clout campaign fee, or the fee field)",
                    stage.as_str()
                )));
            }
        }
        self.store
            .set_stage(c.id, channel_id, stage.as_str(), &by.name(), now)?
            .ok_or_else(|| Error::NotFound(format!("{r} is not in campaign '{}'", c.brief.name)))
    }

    /// Sets the agreed fee of a member (in the campaign's currency).
    pub fn set_fee(&mut self, by: Actor<'_>, campaign: &str, reference: &str, fee: Option<Money>) -> Result<()> {
        by.require_write()?;
        let c = self.campaign(campaign)?;
        if let Some(fee) = fee {
            check_fee(fee, &c)?;
        }
        let (channel_id, r) = self.channel_id_of(reference)?;
        if fee.is_none() {
            let stage = self.store.member_state(c.id, channel_id)?.map(|(stage, _)| stage);
            if let Some(stage) = stage.as_deref().and_then(Stage::parse).filter(|s| s.commits_fee()) {
                return Err(Error::Invalid(format!(
                    "{r} is {}: its fee stays until it is moved back to negotiating or declined",
                    stage.as_str()
                )));
            }
        }
        if !self.store.set_fee(c.id, channel_id, fee.map(|f| f.minor))? {
            return Err(Error::NotFound(format!("{r} is not in campaign '{}'", c.brief.name)));
        }
        Ok(())
    }

    /// Adds a deliverable for a member; returns its id.
    pub fn add_deliverable(
        &mut self,
        by: Actor<'_>,
        campaign: &str,
        reference: &str,
        kind: Deliverable,
        due_on: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<i64> {
        by.require_write()?;
        let c = self.campaign(campaign)?;
        let (channel_id, r) = self.channel_id_of(reference)?;
        if self.store.member_state(c.id, channel_id)?.is_none() {
            return Err(Error::NotFound(format!("{r} is not in campaign '{}'; add it first", c.brief.name)));
        }
        Ok(self.store.add_deliverable(c.id, channel_id, kind.as_str(), due_on, now)?)
    }

    /// Links a deliverable to its post, by post id or URL. The post's counts come from
    /// imports, before or after.
    pub fn link_deliverable(
        &mut self,
        by: Actor<'_>,
        campaign: &str,
        deliverable: i64,
        post: &str,
        now: Timestamp,
    ) -> Result<()> {
        by.require_write()?;
        let c = self.campaign(campaign)?;
        let post = post.trim();
        if post.is_empty() || post.len() > 2_000 {
            return Err(Error::Invalid("give the post's id or URL".to_string()));
        }
        if !self.store.link_deliverable(c.id, deliverable, post, &by.name(), now)? {
            return Err(Error::NotFound(format!("no deliverable #{deliverable} in campaign '{}'", c.brief.name)));
        }
        Ok(())
    }

    pub fn cancel_deliverable(&mut self, by: Actor<'_>, campaign: &str, deliverable: i64) -> Result<()> {
        by.require_write()?;
        let c = self.campaign(campaign)?;
        if !self.store.set_deliverable_status(c.id, deliverable, "cancelled")? {
            return Err(Error::NotFound(format!("no deliverable #{deliverable} in campaign '{}'", c.brief.name)));
        }
        Ok(())
    }

    /// The members of a campaign.
    pub fn members(&self, campaign: &Campaign, preset: TierPreset) -> Result<Vec<Member>> {
        let currency = campaign.brief.budget.currency;
        let rows = self.store.members(campaign.id)?;
        let ids: Vec<i64> = rows.iter().map(|m| m.channel.id).collect();
        let mut niches = self.store.niches_of_many(&ids)?;
        rows.into_iter()
            .map(|m| {
                let labels = niches.remove(&m.channel.id).unwrap_or_default();
                Ok(Member {
                    stage: stage_of(&m.stage)?,
                    fee: m.fee_minor.map(|f| Money::new(f, currency)),
                    planned: m.planned_minor.map(|f| Money::new(f, currency)),
                    expected: m.expected,
                    added_by: m.added_by,
                    added_at: m.added_at,
                    channel: view(m.channel, preset, labels),
                })
            })
            .collect()
    }
}
