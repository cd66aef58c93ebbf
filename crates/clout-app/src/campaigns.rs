//! Running campaigns: creators' contacts and notes, campaigns with their members,
//! pipeline, fees and deliverables, and the report (docs/campaigns.md).

use std::collections::{BTreeSet, HashMap};

use clout_core::campaign::{
    CampaignTotals, MemberFigures, MemberInput, Stage, Versus, campaign_totals, is_disclosed, member_figures,
};
use clout_core::money::{Currency, Money};
use clout_core::price::Deliverable;
use clout_core::{TierPreset, Timestamp};
use clout_store::{
    CampaignRow, CampaignStore, ChannelStore, CreatorProfile, DeliverableRow, LinkedPost, NewCampaign, NewMember,
    NoteRow,
};

use crate::accounts::User;
use crate::channels::{ChannelView, parse_channel_ref, view};
use crate::{App, Error, Result};

/// Who is acting: a signed-in user (whose role is checked) or the operator of the command
/// line (who has the data directory, so may write).
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    User(&'a User),
    Operator(&'a str),
}

impl Actor<'_> {
    /// The name kept beside what it did.
    pub fn name(&self) -> String {
        match self {
            Actor::User(u) => u.username.clone(),
            Actor::Operator(name) => format!("cli:{name}"),
        }
    }

    pub(crate) fn require_write(&self) -> Result<()> {
        match self {
            Actor::User(u) => u.require_write(),
            Actor::Operator(_) => Ok(()),
        }
    }
}

/// A campaign's brief.
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    pub name: String,
    /// engagements, reach, views or value.
    pub goal: String,
    pub niche: Option<String>,
    pub starts_on: Option<Timestamp>,
    pub ends_on: Option<Timestamp>,
    pub budget: Money,
    pub key_messages: String,
    /// What every delivered post must carry, such as `#ad` (empty: nothing required).
    pub disclosure: String,
}

/// A creator to add from a plan (or by hand).
#[derive(Debug, Clone, PartialEq)]
pub struct Prospect {
    /// `PLATFORM/HANDLE`.
    pub reference: String,
    /// The plan's estimated price.
    pub planned: Option<Money>,
    /// The plan's expected engagements of one deliverable: P10, P50, P90.
    pub expected: Option<(f64, f64, f64)>,
}

impl Prospect {
    /// A plan's pick as a prospect: its price and the expected engagements of one deliverable.
    pub fn from_pick(pick: &crate::plan::Pick) -> Prospect {
        let e = &pick.expected.engagements;
        Prospect {
            reference: format!("{}/{}", pick.channel.row.platform, pick.channel.row.handle),
            planned: Some(pick.price),
            expected: Some((e.p10, e.p50, e.p90)),
        }
    }
}

/// A campaign as stored, with its money as money.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub id: i64,
    pub brief: Brief,
    pub created_by: String,
    pub created_at: Timestamp,
    pub from_plan: bool,
}

/// A member with everything the campaign page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub channel: ChannelView,
    pub stage: Stage,
    pub fee: Option<Money>,
    pub planned: Option<Money>,
    pub expected: Option<(f64, f64, f64)>,
    pub added_by: String,
    pub added_at: Timestamp,
}

/// A stage change, for the history.
#[derive(Debug, Clone, PartialEq)]
pub struct StageChange {
    pub channel: String,
    pub from: Option<Stage>,
    pub to: Stage,
    pub by: String,
    pub at: Timestamp,
}

/// A deliverable with what its linked post shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliverableView {
    pub id: i64,
    /// `PLATFORM/HANDLE` of the member.
    pub channel: String,
    pub kind: String,
    pub due_on: Option<Timestamp>,
    /// `planned`, `delivered` or `cancelled`.
    pub status: String,
    pub post_ref: Option<String>,
    pub linked_by: Option<String>,
    /// The linked post once imported (`None`: not linked, or awaiting data).
    pub post: Option<LinkedPost>,
    /// False when the linked post lacks the campaign's required disclosure.
    pub disclosed: Option<bool>,
    /// Past due and not delivered.
    pub overdue: bool,
}

/// One member's report line.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberReport {
    pub member: Member,
    pub figures: MemberFigures,
    /// Actual engagements per delivered post against the plan's P10–P90 of one deliverable.
    pub versus_plan: Option<(f64, Versus)>,
    /// Delivered posts without the required disclosure.
    pub undisclosed: usize,
}

/// The campaign report.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignReport {
    pub campaign: Campaign,
    pub members: Vec<MemberReport>,
    pub deliverables: Vec<DeliverableView>,
    pub totals: CampaignTotals,
    /// Conversions tied to no member, and those left out (another currency), with why.
    pub unattributed: Vec<clout_store::ConversionRow>,
    pub excluded: Vec<(clout_store::ConversionRow, String)>,
    /// Cumulative engagements of the delivered posts at each observation time.
    pub timeline: Vec<(Timestamp, u64)>,
    pub history: Vec<StageChange>,
    /// The value table's origin (the rate card), for the EMV label.
    pub value_table: String,
}

/// A creator's relationship: contacts, tags, notes, and campaigns with their stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Relationship {
    pub channel: ChannelView,
    pub profile: CreatorProfile,
    pub notes: Vec<NoteRow>,
    pub campaigns: Vec<(String, Stage)>,
}

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

fn stage_of(raw: &str) -> Result<Stage> {
    Stage::parse(raw).ok_or_else(|| Error::Internal(format!("stored stage '{raw}'")))
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
    fn channel_id_of(&self, reference: &str) -> Result<(i64, String)> {
        let (platform, handle) = parse_channel_ref(reference)?;
        let id = self
            .store
            .channel_id(platform, handle.as_str())?
            .ok_or_else(|| Error::NotFound(format!("no channel {platform}/{handle} in the store")))?;
        Ok((id, format!("{platform}/{handle}")))
    }

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

    /// The report: every member's figures, the deliverables with their posts and
    /// disclosure, the totals, attribution, and the results over time.
    pub fn campaign_report(&self, campaign: &str, now: Timestamp) -> Result<CampaignReport> {
        let c = self.campaign(campaign)?;
        let currency = c.brief.budget.currency;
        let zero = Money::zero(currency);
        let members = self.members(&c, TierPreset::Scrunch)?;
        let card = self.rate_card()?;
        let reference_of: HashMap<i64, String> = members
            .iter()
            .map(|m| (m.channel.row.id, format!("{}/{}", m.channel.row.platform, m.channel.row.handle)))
            .collect();

        let mut deliverables = Vec::new();
        for d in self.store.deliverables(c.id)? {
            deliverables.push(self.deliverable_view(&c, d, &reference_of, now)?);
        }

        // Conversions: the newest figures per code or link; a member's when it names one.
        let mut by_member: HashMap<i64, (Money, u64)> = HashMap::new();
        let mut unattributed = Vec::new();
        let mut excluded = Vec::new();
        let (mut other_revenue, mut other_orders) = (zero, 0u64);
        for conv in self.store.conversions_of(&c.brief.name)? {
            let Ok(cur) = Currency::parse(&conv.currency) else { continue };
            if cur != currency {
                let why = format!(
                    "in {cur}; the campaign is in {currency}, and amounts in two currencies are not mixed without a rate"
                );
                excluded.push((conv, why));
                continue;
            }
            let revenue = Money::new(conv.revenue_minor, currency);
            match conv.channel_id.filter(|id| reference_of.contains_key(id)) {
                Some(id) => {
                    let e = by_member.entry(id).or_insert((zero, 0));
                    e.0 = e.0.checked_add(revenue).map_err(|e| Error::Invalid(e.0))?;
                    e.1 = e.1.saturating_add(conv.orders);
                }
                None => {
                    other_revenue = other_revenue.checked_add(revenue).map_err(|e| Error::Invalid(e.0))?;
                    other_orders = other_orders.saturating_add(conv.orders);
                    unattributed.push(conv);
                }
            }
        }

        let mut reports = Vec::new();
        let mut figures_all = Vec::new();
        for m in members {
            let id = m.channel.row.id;
            let mine: Vec<&DeliverableView> =
                deliverables.iter().filter(|d| reference_of.get(&id) == Some(&d.channel)).collect();
            let planned = mine.iter().filter(|d| d.status != "cancelled").count();
            let posts: Vec<&clout_core::PostSnapshot> = mine
                .iter()
                .filter(|d| d.status == "delivered")
                .filter_map(|d| d.post.as_ref().map(|p| &p.snapshot))
                .collect();
            let undisclosed = mine.iter().filter(|d| d.disclosed == Some(false)).count();
            let (revenue, orders) = match by_member.get(&id) {
                Some((r, o)) => (Some(*r), *o),
                None => (None, 0),
            };
            let input = MemberInput { fee: m.fee, stage: m.stage, planned, posts, revenue, orders };
            let figures = member_figures(&input, &card.value, zero).map_err(|e| Error::Invalid(e.0))?;
            let versus_plan = match (m.expected, figures.delivered) {
                (Some((p10, _, p90)), n) if n > 0 => {
                    let per_post = figures.engagements as f64 / n as f64;
                    Some((per_post, Versus::of(per_post, p10, p90)))
                }
                _ => None,
            };
            figures_all.push(figures.clone());
            reports.push(MemberReport { member: m, figures, versus_plan, undisclosed });
        }
        let totals = campaign_totals(c.brief.budget, &figures_all, other_revenue, other_orders)
            .map_err(|e| Error::Invalid(e.0))?;

        // Results over time: at each observation time, the sum of every delivered post's
        // newest observation by then.
        let series: Vec<&Vec<(Timestamp, u64, Option<u64>)>> = deliverables
            .iter()
            .filter(|d| d.status == "delivered")
            .filter_map(|d| d.post.as_ref().map(|p| &p.history))
            .collect();
        let times: BTreeSet<Timestamp> = series.iter().flat_map(|h| h.iter().map(|(t, _, _)| *t)).collect();
        let timeline = times
            .into_iter()
            .map(|t| {
                let sum = series
                    .iter()
                    .map(|h| h.iter().take_while(|(at, _, _)| *at <= t).last().map_or(0, |(_, e, _)| *e))
                    .sum();
                (t, sum)
            })
            .collect();

        let history = self
            .store
            .stage_changes(c.id)?
            .into_iter()
            .map(|s| {
                Ok(StageChange {
                    channel: reference_of
                        .get(&s.channel_id)
                        .cloned()
                        .unwrap_or_else(|| format!("channel {}", s.channel_id)),
                    from: s.from_stage.as_deref().map(stage_of).transpose()?,
                    to: stage_of(&s.to_stage)?,
                    by: s.changed_by,
                    at: s.changed_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(CampaignReport {
            campaign: c,
            members: reports,
            deliverables,
            totals,
            unattributed,
            excluded,
            timeline,
            history,
            value_table: card.origin,
        })
    }

    fn deliverable_view(
        &self,
        c: &Campaign,
        d: DeliverableRow,
        reference_of: &HashMap<i64, String>,
        now: Timestamp,
    ) -> Result<DeliverableView> {
        let post = match (&d.post_ref, d.status.as_str()) {
            (Some(r), "delivered") => self.store.linked_post(d.channel_id, r)?,
            _ => None,
        };
        let disclosed =
            post.as_ref().map(|p| is_disclosed(&c.brief.disclosure, p.caption.as_deref(), &p.hashtags, p.sponsored));
        Ok(DeliverableView {
            id: d.id,
            channel: reference_of.get(&d.channel_id).cloned().unwrap_or_else(|| format!("channel {}", d.channel_id)),
            kind: d.kind,
            due_on: d.due_on,
            // Due on a day: overdue once that whole day (UTC) has passed.
            overdue: d.status == "planned" && d.due_on.is_some_and(|t| t.unix().saturating_add(86_400) <= now.unix()),
            status: d.status,
            post_ref: d.post_ref,
            linked_by: d.linked_by,
            post,
            disclosed,
        })
    }

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

    /// The report as CSV: one line per member, then a totals line.
    pub fn campaign_report_csv(&self, campaign: &str, now: Timestamp) -> Result<String> {
        let r = self.campaign_report(campaign, now)?;
        let mut w = crate::csv_export::CsvExport::new();
        let header = [
            "platform",
            "handle",
            "stage",
            "fee",
            "currency",
            "planned_deliverables",
            "delivered",
            "engagements",
            "views",
            "cost_per_engagement",
            "cpm",
            "emv",
            "orders",
            "revenue",
            "roi",
            "undisclosed_posts",
        ];
        w.row(header)?;
        let opt = |x: Option<f64>| x.map(|v| format!("{v:.4}")).unwrap_or_default();
        for m in &r.members {
            let f = &m.figures;
            w.row([
                m.member.channel.row.platform.as_str().to_string(),
                m.member.channel.row.handle.clone(),
                m.member.stage.as_str().to_string(),
                m.member.fee.map(|f| f.decimal()).unwrap_or_default(),
                r.campaign.brief.budget.currency.as_str().to_string(),
                f.planned.to_string(),
                f.delivered.to_string(),
                f.engagements.to_string(),
                f.views.map(|v| v.to_string()).unwrap_or_default(),
                opt(f.cost_per_engagement),
                opt(f.cpm),
                format!("{:.2}", f.emv),
                f.orders.to_string(),
                f.revenue.map(|r| r.decimal()).unwrap_or_default(),
                opt(f.roi),
                m.undisclosed.to_string(),
            ])?;
        }
        let t = &r.totals;
        w.row([
            "total".to_string(),
            String::new(),
            String::new(),
            t.cost.decimal(),
            t.cost.currency.as_str().to_string(),
            t.planned.to_string(),
            t.delivered.to_string(),
            t.engagements.to_string(),
            t.views.map(|v| v.to_string()).unwrap_or_default(),
            opt(t.cost_per_engagement),
            opt(t.cpm),
            format!("{:.2}", t.emv),
            t.orders.to_string(),
            t.revenue.decimal(),
            opt(t.roi),
            r.members.iter().map(|m| m.undisclosed).sum::<usize>().to_string(),
        ])?;
        w.finish()
    }
}
