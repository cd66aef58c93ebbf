//! Campaigns, their members, deliverables and report, and creators' relationships. Money is a number of major units beside its exact `_minor` integer.

use clout_core::money::Money;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{Instant, PlatformName, StageName, TierName};
use crate::{amount, round_to, round2, time};

/// A campaign's brief.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub goal: String,
    pub niche: Option<String>,
    #[schema(value_type = Option<Instant>)]
    pub starts_on: Option<String>,
    #[schema(value_type = Option<Instant>)]
    pub ends_on: Option<String>,
    pub currency: String,
    pub budget: Option<f64>,
    pub budget_minor: i64,
    /// The exact decimal.
    pub budget_text: String,
    pub key_messages: String,
    pub disclosure: String,
    pub created_by: String,
    #[schema(value_type = Instant)]
    pub created_at: String,
    /// Created from a plan (its picks became prospects).
    pub from_plan: bool,
}

impl Campaign {
    pub fn from(c: &clout_app::Campaign) -> Campaign {
        let b = &c.brief;
        Campaign {
            id: c.id,
            name: b.name.clone(),
            goal: b.goal.clone(),
            niche: b.niche.clone(),
            starts_on: b.starts_on.map(time),
            ends_on: b.ends_on.map(time),
            currency: b.budget.currency.as_str().to_string(),
            budget: amount(&b.budget),
            budget_minor: b.budget.minor,
            budget_text: b.budget.decimal(),
            key_messages: b.key_messages.clone(),
            disclosure: b.disclosure.clone(),
            created_by: c.created_by.clone(),
            created_at: time(c.created_at),
            from_plan: c.from_plan,
        }
    }
}

/// Every campaign.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignList {
    pub campaigns: Vec<Campaign>,
}

/// The planner's expected engagements for a member.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExpectedRange {
    pub p10: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
}

/// A creator in a campaign.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberRow {
    #[schema(value_type = PlatformName)]
    pub platform: &'static str,
    pub handle: String,
    pub followers: Option<u64>,
    #[schema(value_type = Option<TierName>)]
    pub tier: Option<&'static str>,
    #[schema(value_type = StageName)]
    pub stage: &'static str,
    /// The agreed fee.
    pub fee: Option<f64>,
    pub fee_minor: Option<i64>,
    /// The exact decimal, for forms (a number such as 1500.0 would not read back in yen).
    pub fee_text: Option<String>,
    /// The plan's price, when the creator came from a plan.
    pub planned_price: Option<f64>,
    pub planned_price_minor: Option<i64>,
    pub expected_engagements: Option<ExpectedRange>,
    pub added_by: String,
    #[schema(value_type = Instant)]
    pub added_at: String,
}

impl MemberRow {
    pub fn from(m: &clout_app::Member) -> MemberRow {
        MemberRow {
            platform: m.channel.row.platform.as_str(),
            handle: m.channel.row.handle.clone(),
            followers: m.channel.row.followers,
            tier: m.channel.tier.map(|t| t.as_str()),
            stage: m.stage.as_str(),
            fee: m.fee.as_ref().and_then(amount),
            fee_minor: m.fee.map(|f| f.minor),
            fee_text: m.fee.map(|f| f.decimal()),
            planned_price: m.planned.as_ref().and_then(amount),
            planned_price_minor: m.planned.map(|p| p.minor),
            expected_engagements: m.expected.map(|(a, b, c)| ExpectedRange {
                p10: round2(a),
                p50: round2(b),
                p90: round2(c),
            }),
            added_by: m.added_by.clone(),
            added_at: time(m.added_at),
        }
    }
}

/// The post a deliverable is linked to, with its newest counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliverablePost {
    pub post_id: String,
    pub url: Option<String>,
    #[schema(value_type = Instant)]
    pub published_at: String,
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub views: Option<u64>,
    pub engagements: u64,
    pub observations: usize,
}

/// A deliverable: what a creator owes, and the post that delivered it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Deliverable {
    pub id: i64,
    /// PLATFORM/HANDLE.
    pub channel: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(value_type = Option<Instant>)]
    pub due_on: Option<String>,
    /// planned, delivered or cancelled.
    pub status: String,
    pub overdue: bool,
    pub post_ref: Option<String>,
    pub linked_by: Option<String>,
    pub post: Option<DeliverablePost>,
    /// Delivered, but no import holds the post yet.
    pub awaiting_data: bool,
    /// Whether the post carries the brief's disclosure.
    pub disclosed: Option<bool>,
    /// The post was published outside the campaign's dates, so it is not counted.
    pub outside_dates: bool,
}

impl Deliverable {
    pub fn from(d: &clout_app::DeliverableView) -> Deliverable {
        Deliverable {
            id: d.id,
            channel: d.channel.clone(),
            kind: d.kind.clone(),
            due_on: d.due_on.map(time),
            status: d.status.clone(),
            overdue: d.overdue,
            post_ref: d.post_ref.clone(),
            linked_by: d.linked_by.clone(),
            post: d.post.as_ref().map(|p| DeliverablePost {
                post_id: p.snapshot.post_id.clone(),
                url: p.url.clone(),
                published_at: time(p.snapshot.published_at),
                likes: p.snapshot.likes,
                comments: p.snapshot.comments,
                shares: p.snapshot.shares,
                views: p.snapshot.views,
                engagements: p.snapshot.engagements(),
                observations: p.history.len(),
            }),
            awaiting_data: d.status == "delivered" && d.post.is_none(),
            disclosed: d.disclosed,
            outside_dates: d.outside_dates,
        }
    }
}

/// A creator's move from one stage to another.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StageChange {
    pub channel: String,
    #[schema(value_type = Option<StageName>)]
    pub from: Option<&'static str>,
    #[schema(value_type = StageName)]
    pub to: &'static str,
    pub by: String,
    #[schema(value_type = Instant)]
    pub at: String,
}

/// `clout campaign show --json`: the brief, members, deliverables and stage history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignDetail {
    pub campaign: Campaign,
    pub members: Vec<MemberRow>,
    pub deliverables: Vec<Deliverable>,
    pub history: Vec<StageChange>,
}

impl CampaignDetail {
    pub fn from(
        c: &clout_app::Campaign,
        members: &[clout_app::Member],
        r: &clout_app::CampaignReport,
    ) -> CampaignDetail {
        CampaignDetail {
            campaign: Campaign::from(c),
            members: members.iter().map(MemberRow::from).collect(),
            deliverables: r.deliverables.iter().map(Deliverable::from).collect(),
            history: r
                .history
                .iter()
                .map(|h| StageChange {
                    channel: h.channel.clone(),
                    from: h.from.map(|s| s.as_str()),
                    to: h.to.as_str(),
                    by: h.by.clone(),
                    at: time(h.at),
                })
                .collect(),
        }
    }
}

fn cost_per_engagement(x: Option<f64>) -> Option<f64> {
    x.map(|x| round_to(x, 4))
}

fn cpm(x: Option<f64>) -> Option<f64> {
    x.map(|x| round_to(x, 2))
}

/// What a creator delivered and what it cost and earned.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberFigures {
    pub planned_deliverables: usize,
    pub delivered: usize,
    pub engagements: u64,
    pub views: Option<u64>,
    /// Always null: reach is not public.
    pub reach: Option<u64>,
    pub reach_reason: &'static str,
    pub cost: Option<f64>,
    pub cost_minor: i64,
    pub cost_per_engagement: Option<f64>,
    pub cpm: Option<f64>,
    /// Earned media value: not revenue.
    pub emv: Option<f64>,
    pub orders: u64,
    pub revenue: Option<f64>,
    pub revenue_minor: Option<i64>,
    pub roi: Option<f64>,
}

impl MemberFigures {
    fn from(f: &clout_core::campaign::MemberFigures) -> MemberFigures {
        MemberFigures {
            planned_deliverables: f.planned,
            delivered: f.delivered,
            engagements: f.engagements,
            views: f.views,
            reach: None,
            reach_reason: "reach is not public; no imported record carries it",
            cost: amount(&f.cost),
            cost_minor: f.cost.minor,
            cost_per_engagement: cost_per_engagement(f.cost_per_engagement),
            cpm: cpm(f.cpm),
            emv: round2(f.emv),
            orders: f.orders,
            revenue: f.revenue.as_ref().and_then(amount),
            revenue_minor: f.revenue.map(|r| r.minor),
            roi: f.roi.map(|x| round_to(x, 4)),
        }
    }
}

/// A creator's engagements per post against what the plan expected.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersusPlan {
    pub engagements_per_post: Option<f64>,
    /// above, within or below the plan's P10 to P90.
    pub verdict: &'static str,
}

/// A creator's line of the report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportMember {
    #[serde(flatten)]
    pub member: MemberRow,
    #[serde(flatten)]
    pub figures: MemberFigures,
    pub versus_plan: Option<VersusPlan>,
    /// Linked posts without the brief's disclosure.
    pub undisclosed_posts: usize,
}

/// The campaign's totals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportTotals {
    pub budget: Option<f64>,
    pub budget_minor: i64,
    pub cost: Option<f64>,
    pub cost_minor: i64,
    pub left: Option<f64>,
    pub left_minor: i64,
    pub planned_deliverables: usize,
    pub delivered: usize,
    pub engagements: u64,
    pub views: Option<u64>,
    pub cost_per_engagement: Option<f64>,
    pub cpm: Option<f64>,
    pub emv: Option<f64>,
    pub orders: u64,
    pub revenue: Option<f64>,
    pub revenue_minor: i64,
    pub roi: Option<f64>,
    pub undisclosed_posts: usize,
}

/// A conversion (orders and revenue from a code or a link).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Conversion {
    pub code: Option<String>,
    pub link: Option<String>,
    pub orders: u64,
    pub revenue_minor: i64,
    pub currency: String,
    #[schema(value_type = Instant)]
    pub observed_at: String,
    /// Why the report left it out (excluded conversions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Conversion {
    fn from(c: &clout_app::ConversionRow, reason: Option<&str>) -> Conversion {
        Conversion {
            code: c.code.clone(),
            link: c.link.clone(),
            orders: c.orders,
            revenue_minor: c.revenue_minor,
            currency: c.currency.clone(),
            observed_at: time(c.observed_at),
            reason: reason.map(str::to_string),
        }
    }
}

/// Engagements of the linked posts up to a day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelinePoint {
    #[schema(value_type = Instant)]
    pub at: String,
    pub engagements: u64,
}

/// `clout campaign report --json`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignReport {
    pub campaign: Campaign,
    pub currency: String,
    pub members: Vec<ReportMember>,
    pub totals: ReportTotals,
    pub deliverables: Vec<Deliverable>,
    pub unattributed_conversions: Vec<Conversion>,
    pub excluded_conversions: Vec<Conversion>,
    pub timeline: Vec<TimelinePoint>,
    pub emv_label: String,
}

impl CampaignReport {
    pub fn from(r: &clout_app::CampaignReport) -> CampaignReport {
        let t = &r.totals;
        let money = |m: &Money| (amount(m), m.minor);
        let ((budget, budget_minor), (cost, cost_minor), (left, left_minor), (revenue, revenue_minor)) =
            (money(&t.budget), money(&t.cost), money(&t.left), money(&t.revenue));
        CampaignReport {
            campaign: Campaign::from(&r.campaign),
            currency: r.campaign.brief.budget.currency.as_str().to_string(),
            members: r
                .members
                .iter()
                .map(|m| ReportMember {
                    member: MemberRow::from(&m.member),
                    figures: MemberFigures::from(&m.figures),
                    versus_plan: m.versus_plan.map(|(per_post, v)| VersusPlan {
                        engagements_per_post: round2(per_post),
                        verdict: v.as_str(),
                    }),
                    undisclosed_posts: m.undisclosed,
                })
                .collect(),
            totals: ReportTotals {
                budget,
                budget_minor,
                cost,
                cost_minor,
                left,
                left_minor,
                planned_deliverables: t.planned,
                delivered: t.delivered,
                engagements: t.engagements,
                views: t.views,
                cost_per_engagement: cost_per_engagement(t.cost_per_engagement),
                cpm: cpm(t.cpm),
                emv: round2(t.emv),
                orders: t.orders,
                revenue,
                revenue_minor,
                roi: t.roi.map(|x| round_to(x, 4)),
                undisclosed_posts: r.members.iter().map(|m| m.undisclosed).sum(),
            },
            deliverables: r.deliverables.iter().map(Deliverable::from).collect(),
            unattributed_conversions: r.unattributed.iter().map(|c| Conversion::from(c, None)).collect(),
            excluded_conversions: r.excluded.iter().map(|(c, why)| Conversion::from(c, Some(why))).collect(),
            timeline: r.timeline.iter().map(|(t, e)| TimelinePoint { at: time(*t), engagements: *e }).collect(),
            emv_label: format!(
                "EMV (earned media value, from the value table of rate card {}): not revenue, not ROI",
                r.value_table
            ),
        }
    }
}

/// A dated note about a creator.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Note {
    pub id: i64,
    pub body: String,
    pub by: String,
    #[schema(value_type = Instant)]
    pub at: String,
}

/// A campaign a creator is in, and their stage there.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatorCampaign {
    pub campaign: String,
    #[schema(value_type = StageName)]
    pub stage: &'static str,
}

/// `clout creator show --json`: contacts, tags, notes and campaigns.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Relationship {
    #[schema(value_type = PlatformName)]
    pub platform: &'static str,
    pub handle: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub agent: Option<String>,
    pub tags: Vec<String>,
    pub notes: Vec<Note>,
    pub campaigns: Vec<CreatorCampaign>,
}

impl Relationship {
    pub fn from(r: &clout_app::Relationship) -> Relationship {
        Relationship {
            platform: r.channel.row.platform.as_str(),
            handle: r.channel.row.handle.clone(),
            email: r.profile.email.clone(),
            phone: r.profile.phone.clone(),
            agent: r.profile.agent.clone(),
            tags: r.profile.tags.clone(),
            notes: r
                .notes
                .iter()
                .map(|n| Note { id: n.id, body: n.body.clone(), by: n.written_by.clone(), at: time(n.written_at) })
                .collect(),
            campaigns: r
                .campaigns
                .iter()
                .map(|(name, stage)| CreatorCampaign { campaign: name.clone(), stage: stage.as_str() })
                .collect(),
        }
    }
}

/// What putting a creator in a campaign did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberChange {
    /// `false` when the creator was already in the campaign.
    pub added: bool,
    #[schema(value_type = StageName)]
    pub stage: &'static str,
    pub fee_minor: Option<i64>,
}

/// The id of what was created.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewId {
    pub id: i64,
}
