//! Money: a channel's price estimate with a quote's fairness and the expected results, and
//! the budget planner's portfolios. Every figure here is estimated or derived, and says so.

use clout_core::money::Money;
use clout_core::outcome::{Expected, NoExpectation};
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{DeliverableName, GoalName, MethodName, PlatformName, TierName};
use crate::search::Counts;
use crate::{amount, round_to, round2};

/// A distribution of outcomes: P10, P50, P90 and the mean.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Spread {
    pub p10: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub mean: Option<f64>,
    #[schema(value_type = MethodName)]
    pub method: &'static str,
}

impl Spread {
    fn from(s: &clout_core::outcome::Spread, method: &'static str) -> Spread {
        Spread { p10: round2(s.p10), p50: round2(s.p50), p90: round2(s.p90), mean: round2(s.mean), method }
    }
}

/// A low and a high figure.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Range {
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// The model's own range before calibration.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelRange {
    pub low: Option<f64>,
    pub point: Option<f64>,
    pub high: Option<f64>,
}

/// How the store's deals moved the model's price.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Calibration {
    pub factor: Option<f64>,
    pub deals: usize,
    #[schema(value_type = Option<PlatformName>)]
    pub platform: Option<&'static str>,
    pub q1: Option<f64>,
    pub q3: Option<f64>,
}

/// A price range: what one deliverable costs (estimated, in the card's currency).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PriceRange {
    #[schema(value_type = DeliverableName)]
    pub deliverable: &'static str,
    pub currency: String,
    pub low: Option<f64>,
    pub point: Option<f64>,
    pub high: Option<f64>,
    #[schema(value_type = MethodName)]
    pub method: &'static str,
    /// Whether the store's deals moved the model's price.
    pub calibrated: bool,
}

impl PriceRange {
    fn from(e: &clout_core::price::Estimate) -> PriceRange {
        PriceRange {
            deliverable: e.deliverable.as_str(),
            currency: e.currency.as_str().to_string(),
            low: round2(e.low),
            point: round2(e.point),
            high: round2(e.high),
            method: "estimated",
            calibrated: e.calibration.is_some(),
        }
    }
}

/// A price estimate and how it was made (all figures estimated, in the card's currency).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Estimate {
    #[serde(flatten)]
    pub range: PriceRange,
    pub calibration: Option<Calibration>,
    pub model: ModelRange,
    pub impressions: Range,
    pub reach_rate: Range,
    pub cpm: f64,
    pub reach_factor: f64,
    pub cpm_factor: f64,
    pub er_ratio: Option<f64>,
    pub er_factor: f64,
    /// The least this deliverable is priced at on the platform (null: no minimum); the
    /// range is raised to it where the model is below.
    pub minimum_fee: Option<f64>,
    pub rule_of_thumb: Option<f64>,
    /// The rate card: `built-in` or its file.
    pub rate_card: String,
}

impl Estimate {
    pub fn from(e: &clout_core::price::Estimate, card: &str) -> Estimate {
        Estimate {
            range: PriceRange::from(e),
            calibration: e.calibration.map(|c| Calibration {
                factor: round2(c.factor),
                deals: c.deals,
                platform: c.platform.map(|p| p.as_str()),
                q1: round2(c.q1),
                q3: round2(c.q3),
            }),
            model: ModelRange { low: round2(e.model_low), point: round2(e.model_point), high: round2(e.model_high) },
            impressions: Range {
                low: Some(e.impressions_low.round()).filter(|x| x.is_finite()),
                high: Some(e.impressions_high.round()).filter(|x| x.is_finite()),
            },
            reach_rate: Range { low: Some(e.reach_low), high: Some(e.reach_high) },
            cpm: e.cpm,
            reach_factor: e.reach_factor,
            cpm_factor: e.cpm_factor,
            er_ratio: e.er_ratio.map(|r| round_to(r, 3)),
            er_factor: round_to(e.er_factor, 3),
            minimum_fee: (e.minimum_fee > 0.0).then(|| round2(e.minimum_fee)).flatten(),
            rule_of_thumb: round2(e.rule_of_thumb),
            rate_card: card.to_string(),
        }
    }
}

/// A quote judged against the estimate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Quote {
    /// The exact decimal.
    pub amount: String,
    pub currency: String,
    /// fair, high or low.
    pub verdict: &'static str,
    pub ratio: f64,
}

/// A deal in the store that calibration could not use, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnusedDeal {
    #[schema(value_type = PlatformName)]
    pub platform: &'static str,
    pub handle: String,
    pub reason: String,
}

/// Expected results of one deliverable: `engagements`, `views`, `reach` and `value`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Expectation {
    pub engagements: Option<Spread>,
    pub views: Option<Spread>,
    pub reach: Option<Spread>,
    pub value: Option<Spread>,
    /// The posts the expectation is drawn from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts_in_window: Option<usize>,
    /// Why there is no expectation (the four figures are null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_reason: Option<String>,
}

impl Expectation {
    fn from(e: Result<&Expected, &NoExpectation>) -> Expectation {
        match e {
            Ok(e) => Expectation {
                engagements: Some(Spread::from(&e.engagements, "derived")),
                views: Some(Spread::from(&e.views, e.views_method.as_str())),
                reach: Some(Spread::from(&e.reach, "estimated")),
                value: Some(Spread::from(&e.value, "estimated")),
                posts_in_window: Some(e.outcomes.len()),
                expected_reason: None,
            },
            Err(reason) => Expectation {
                engagements: None,
                views: None,
                reach: None,
                value: None,
                posts_in_window: None,
                expected_reason: Some(expectation_reason(reason)),
            },
        }
    }
}

/// `clout price --json`: the range first, then how it was made, a quote's verdict and the
/// expected results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Price {
    #[schema(value_type = PlatformName)]
    pub platform: &'static str,
    pub handle: String,
    pub followers: Option<u64>,
    /// The answer first; how it was made is under `estimate`.
    #[serde(flatten)]
    pub range: PriceRange,
    /// The quote's verdict, when a quote was given.
    pub verdict: Option<&'static str>,
    pub estimate: Estimate,
    pub quote: Option<Quote>,
    #[serde(flatten)]
    pub expected: Expectation,
    /// Deals in the store.
    pub deals: usize,
    pub unused_deals: Vec<UnusedDeal>,
}

impl Price {
    pub fn from(r: &clout_app::PriceReport) -> Price {
        Price {
            platform: r.channel.row.platform.as_str(),
            handle: r.channel.row.handle.clone(),
            followers: r.channel.row.followers,
            range: PriceRange::from(&r.estimate),
            verdict: r.quote.as_ref().map(|q| q.verdict.as_str()),
            estimate: Estimate::from(&r.estimate, &r.card),
            quote: r.quote.as_ref().map(|q| Quote {
                amount: q.quote.decimal(),
                currency: q.quote.currency.as_str().to_string(),
                verdict: q.verdict.as_str(),
                ratio: round_to(q.ratio, 3),
            }),
            expected: Expectation::from(r.expected.as_ref()),
            deals: r.deals,
            unused_deals: r
                .unused_deals
                .iter()
                .map(|d| UnusedDeal {
                    platform: d.platform.as_str(),
                    handle: d.handle.clone(),
                    reason: d.reason.clone(),
                })
                .collect(),
        }
    }
}

/// Why a channel has no expected results, as a sentence.
pub fn expectation_reason(reason: &NoExpectation) -> String {
    match reason {
        NoExpectation::TooFewPosts(n) => {
            format!("{n} posts in the engagement window; expected results need at least 5")
        }
        NoExpectation::NoRates => "the rate card has no rates for this platform".to_string(),
    }
}

/// One pick of a plan: the channel, its price and its expected results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Pick {
    #[schema(value_type = PlatformName)]
    pub platform: &'static str,
    pub handle: String,
    pub followers: Option<u64>,
    #[schema(value_type = Option<TierName>)]
    pub tier: Option<&'static str>,
    /// The price in major units, and exactly in minor units.
    pub price: Option<f64>,
    pub price_minor: i64,
    pub currency: String,
    pub estimate: Estimate,
    #[serde(flatten)]
    pub expected: Expectation,
    /// Why the planner picked this channel.
    pub why: String,
    /// Percent of its followers who follow none of the other picks (estimated from the
    /// follower samples; null when unknown).
    pub unique_share: Option<f64>,
}

impl Pick {
    pub fn from(p: &clout_app::Pick, card: &str) -> Pick {
        Pick {
            platform: p.channel.row.platform.as_str(),
            handle: p.channel.row.handle.clone(),
            followers: p.channel.row.followers,
            tier: p.channel.tier.map(|t| t.as_str()),
            price: amount(&p.price),
            price_minor: p.price.minor,
            currency: p.price.currency.as_str().to_string(),
            estimate: Estimate::from(&p.estimate, card),
            expected: Expectation::from(Ok(&p.expected)),
            why: p.why.clone(),
            unique_share: p.unique_share.and_then(|s| round2(s * 100.0)),
        }
    }
}

/// A plan's totals, simulated over its picks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Totals {
    pub engagements: Spread,
    pub views: Spread,
    pub reach: Spread,
    pub value: Spread,
    /// Simulation draws.
    pub draws: usize,
    pub cost: Option<f64>,
    pub cost_minor: i64,
    pub cost_per_engagement: Option<f64>,
    pub cpm: Option<f64>,
    pub engagements_per_unit: Option<f64>,
    /// (P90 - P10) / P50 of the engagements: how uncertain the plan is.
    pub engagements_spread: Option<f64>,
    pub creators: usize,
}

/// `clout plan --json`: the picks and the totals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Portfolio {
    /// micro, top_tier or unconstrained.
    pub scenario: &'static str,
    #[schema(value_type = GoalName)]
    pub goal: &'static str,
    pub currency: String,
    pub budget: Option<f64>,
    pub budget_minor: i64,
    /// The exact decimal.
    pub budget_text: String,
    /// The creators' fees.
    pub cost: Option<f64>,
    pub cost_minor: i64,
    /// Managing the picks (per creator × creators); fees and management stay within the
    /// budget.
    pub management: Option<f64>,
    pub management_minor: i64,
    pub management_per_creator: Option<f64>,
    pub management_per_creator_minor: i64,
    pub left: Option<f64>,
    pub left_minor: i64,
    /// Why part of the budget is left (null when none is).
    pub left_reason: Option<String>,
    pub picks: Vec<Pick>,
    pub totals: Option<Totals>,
    /// Whether the optimiser proved the plan optimal.
    pub optimal: bool,
    pub gap: f64,
    pub greedy_value: Option<f64>,
    pub nodes: u64,
    pub solve_ms: f64,
    /// Channels matching the filters, and those considered.
    pub matched: u64,
    pub candidates: usize,
    /// Candidates left out, per reason.
    pub skipped: Counts,
    pub infeasible: Option<String>,
    /// `branch_and_bound` (exact, `optimal` when proven), or `greedy_unique_reach` (goal
    /// unique_reach: the best of greedy by marginal unique reach per cost, the plan with
    /// overlaps ignored and the best single creator; `gap` is to the plan with overlaps
    /// ignored, an upper bound).
    pub method: &'static str,
    /// The picks' followers in all.
    pub followers: Option<u64>,
    /// Followers reached at least once, estimated from the picks' follower samples (null
    /// when a pick has none), with the 95 % range.
    pub unique_reach: Option<f64>,
    pub unique_reach_low: Option<f64>,
    pub unique_reach_high: Option<f64>,
    /// Picks with an imported follower sample.
    pub picks_sampled: Option<usize>,
}

impl Portfolio {
    pub fn from(p: &clout_app::Portfolio, card: &str) -> Portfolio {
        let left = Money::new(p.budget.minor - p.cost.minor - p.management.minor, p.budget.currency);
        Portfolio {
            scenario: p.scenario.as_str(),
            goal: p.goal.as_str(),
            currency: p.budget.currency.as_str().to_string(),
            budget: amount(&p.budget),
            budget_minor: p.budget.minor,
            budget_text: p.budget.decimal(),
            cost: amount(&p.cost),
            cost_minor: p.cost.minor,
            management: amount(&p.management),
            management_minor: p.management.minor,
            management_per_creator: amount(&p.management_per_creator),
            management_per_creator_minor: p.management_per_creator.minor,
            left: amount(&left),
            left_minor: left.minor,
            left_reason: p.left_reason.clone(),
            picks: p.picks.iter().map(|x| Pick::from(x, card)).collect(),
            totals: p.totals.as_ref().map(|t| Totals {
                engagements: Spread::from(&t.engagements, "derived"),
                views: Spread::from(&t.views, "estimated"),
                reach: Spread::from(&t.reach, "estimated"),
                value: Spread::from(&t.value, "estimated"),
                draws: t.draws,
                cost: amount(&p.cost),
                cost_minor: p.cost.minor,
                cost_per_engagement: p.cost_per_engagement.and_then(round2),
                cpm: p.cpm.and_then(round2),
                engagements_per_unit: p.engagements_per_unit.map(|x| round_to(x, 3)),
                engagements_spread: if t.engagements.p50 > 0.0 {
                    round2((t.engagements.p90 - t.engagements.p10) / t.engagements.p50)
                } else {
                    None
                },
                creators: p.picks.len(),
            }),
            optimal: p.optimal,
            gap: round_to(p.gap, 6),
            greedy_value: p.greedy_value.and_then(round2),
            nodes: p.nodes,
            solve_ms: round_to(p.solve_time.as_secs_f64() * 1e4, 0) / 10.0,
            matched: p.matched,
            candidates: p.candidates,
            skipped: Counts(p.skipped.iter().map(|(k, v)| (k.clone(), *v as u64)).collect()),
            infeasible: p.infeasible.clone(),
            method: if p.heuristic { "greedy_unique_reach" } else { "branch_and_bound" },
            followers: p.audience.as_ref().map(|a| a.followers),
            unique_reach: p.audience.as_ref().and_then(|a| a.unique_reach).map(f64::round),
            unique_reach_low: p.audience.as_ref().map(|a| a.unique_reach_low.round()),
            unique_reach_high: p.audience.as_ref().map(|a| a.unique_reach_high.round()),
            picks_sampled: p.audience.as_ref().map(|a| a.sampled),
        }
    }
}

/// `clout plan --compare --json`: micro creators, a few top-tier ones, and no constraint.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Comparison {
    pub micro: Portfolio,
    pub top_tier: Portfolio,
    pub unconstrained: Portfolio,
}

impl Comparison {
    pub fn from(c: &clout_app::Comparison, card: &str) -> Comparison {
        Comparison {
            micro: Portfolio::from(&c.micro, card),
            top_tier: Portfolio::from(&c.top_tier, card),
            unconstrained: Portfolio::from(&c.unconstrained, card),
        }
    }
}

/// The API's plan: one portfolio, or three side by side (`compare=true`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PlanAnswer {
    Plan(Box<Portfolio>),
    Comparison(Box<Comparison>),
}
