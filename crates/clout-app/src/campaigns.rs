//! Running campaigns: creators' contacts and notes, campaigns with their members,
//! pipeline, fees and deliverables, and the report (docs/campaigns.md).
//!
//! Here: the plain types campaigns are read and written as. What
//! the [`App`] does with them is in `brief` (creating, reading, editing and deleting a
//! campaign), `pipeline` (members, stages, fees, deliverables), `report` (the report and
//! its CSV) and `creators` (a creator's relationship: contacts, tags, notes).

use clout_core::Timestamp;
use clout_core::campaign::{CampaignTotals, MemberFigures, Stage, Versus};
use clout_core::money::Money;
use clout_store::{CreatorProfile, LinkedPost, NoteRow};

use crate::accounts::Actor;
use crate::channels::{ChannelView, parse_channel_ref};
use crate::{App, Error, Result};

mod brief;
mod creators;
mod pipeline;
mod report;

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
    /// The linked post was published outside the campaign's dates: it is not counted as
    /// delivered.
    pub outside_dates: bool,
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

fn stage_of(raw: &str) -> Result<Stage> {
    Stage::parse(raw).ok_or_else(|| Error::Internal(format!("stored stage '{raw}'")))
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
}
