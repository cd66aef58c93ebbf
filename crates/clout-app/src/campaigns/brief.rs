//! A campaign's brief: creating a campaign (with a plan's picks as prospects, in one
//! transaction), finding it by name or id, listing, editing and deleting campaigns.

use clout_core::Timestamp;
use clout_core::campaign::Stage;
use clout_core::money::{Currency, Money};
use clout_store::{CampaignRow, NewCampaign, NewMember};

use super::{Actor, Brief, Campaign, Prospect};
use crate::{App, Error, Result};

fn campaign_of(row: CampaignRow) -> Result<Campaign> {
    let currency = Currency::parse(&row.currency).map_err(|e| Error::Internal(e.0))?;
    Ok(Campaign {
        id: row.id,
        brief: Brief {
            name: row.name,
            goal: row.goal,
            niche: row.niche,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            budget: Money::new(row.budget_minor, currency),
            key_messages: row.key_messages,
            disclosure: row.disclosure,
        },
        created_by: row.created_by,
        created_at: row.created_at,
        from_plan: row.plan.is_some(),
    })
}

/// A brief's rules: a name that is not an id, a positive budget, dates in order, a goal.
fn check_brief(brief: &Brief) -> Result<()> {
    let name = brief.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(Error::Invalid("a campaign needs a name of 1 to 120 characters".to_string()));
    }
    if name.trim_start_matches('#').parse::<i64>().is_ok() {
        return Err(Error::Invalid(format!("'{name}' looks like an id; give the campaign a name with a letter")));
    }
    if brief.budget.minor <= 0 {
        return Err(Error::Invalid("the budget must be more than zero".to_string()));
    }
    if brief.budget.minor > crate::plan::MAX_BUDGET_MINOR {
        return Err(Error::Invalid(format!("a budget of {} is beyond what Clout tracks", brief.budget)));
    }
    if let (Some(s), Some(e)) = (brief.starts_on, brief.ends_on)
        && e < s
    {
        return Err(Error::Invalid("the campaign ends before it starts".to_string()));
    }
    if crate::plan::Goal::parse(&brief.goal).is_none() {
        return Err(Error::Invalid(format!("unknown goal '{}' (engagements, reach, views, value)", brief.goal)));
    }
    Ok(())
}

impl App {
    /// A campaign by name (case-insensitive) or by id (`#12` or `12`).
    pub fn campaign(&self, name_or_id: &str) -> Result<Campaign> {
        let t = name_or_id.trim();
        let by_id = t.trim_start_matches('#').parse::<i64>().ok();
        let row = match self.store.campaign_by_name(t)? {
            Some(r) => Some(r),
            None => match by_id {
                Some(id) => self.store.campaign(id)?,
                None => None,
            },
        };
        campaign_of(row.ok_or_else(|| Error::NotFound(format!("no campaign '{t}'")))?)
    }

    /// Every campaign, newest first.
    pub fn campaigns(&self) -> Result<Vec<Campaign>> {
        self.store.campaigns()?.into_iter().map(campaign_of).collect()
    }

    /// Creates a campaign, with the prospects (from a plan, say) as members at `prospect`.
    pub fn create_campaign(
        &mut self,
        by: Actor<'_>,
        brief: &Brief,
        prospects: &[Prospect],
        plan: Option<&str>,
        now: Timestamp,
    ) -> Result<Campaign> {
        by.require_write()?;
        check_brief(brief)?;
        let name = brief.name.trim();
        let mut members = Vec::new();
        for p in prospects {
            let (channel_id, _) = self.channel_id_of(&p.reference)?;
            if let Some(planned) = p.planned
                && planned.currency != brief.budget.currency
            {
                return Err(Error::Invalid(format!(
                    "the plan prices {} in {} but the campaign is in {}",
                    p.reference, planned.currency, brief.budget.currency
                )));
            }
            members.push((channel_id, p));
        }
        let who = by.name();
        let new: Vec<NewMember<'_>> = members
            .iter()
            .map(|(channel_id, p)| NewMember {
                channel_id: *channel_id,
                stage: Stage::Prospect.as_str(),
                fee_minor: None,
                planned_minor: p.planned.map(|m| m.minor),
                expected: p.expected,
                by: &who,
            })
            .collect();
        let campaign = NewCampaign {
            name,
            goal: &brief.goal,
            niche: brief.niche.as_deref(),
            starts_on: brief.starts_on,
            ends_on: brief.ends_on,
            budget_minor: brief.budget.minor,
            currency: brief.budget.currency.as_str(),
            key_messages: &brief.key_messages,
            disclosure: brief.disclosure.trim(),
            created_by: &who,
            created_at: now,
            plan,
        };
        // One transaction: a crash leaves the whole campaign with its members, or nothing.
        let id = self.store.create_campaign_with_members(&campaign, &new, now)?;
        self.campaign(&id.to_string())
    }

    /// Replaces a campaign's brief. Its currency changes only while no fee or planned price
    /// is recorded in the old one.
    pub fn update_brief(&mut self, by: Actor<'_>, campaign: &str, brief: &Brief) -> Result<Campaign> {
        by.require_write()?;
        check_brief(brief)?;
        let c = self.campaign(campaign)?;
        if brief.budget.currency != c.brief.budget.currency
            && self.store.members(c.id)?.iter().any(|m| m.fee_minor.is_some() || m.planned_minor.is_some())
        {
            return Err(Error::Conflict(format!(
                "campaign '{}' has fees in {}; its currency cannot change to {} without a rate",
                c.brief.name, c.brief.budget.currency, brief.budget.currency
            )));
        }
        self.store.update_campaign(
            c.id,
            &NewCampaign {
                name: brief.name.trim(),
                goal: &brief.goal,
                niche: brief.niche.as_deref(),
                starts_on: brief.starts_on,
                ends_on: brief.ends_on,
                budget_minor: brief.budget.minor,
                currency: brief.budget.currency.as_str(),
                key_messages: &brief.key_messages,
                disclosure: brief.disclosure.trim(),
                created_by: &c.created_by,
                created_at: c.created_at,
                plan: None,
            },
        )?;
        self.campaign(&c.id.to_string())
    }

    pub fn delete_campaign(&mut self, by: Actor<'_>, campaign: &str) -> Result<()> {
        by.require_write()?;
        let c = self.campaign(campaign)?;
        self.store.delete_campaign(c.id)?;
        Ok(())
    }
}
