//! The budget planner and the micro-versus-top-tier comparison (docs/pricing.md).
//!
//! Candidates are the Directory's matches for the plan's filters. Each is priced (the
//! rate card's point estimate, rounded to the budget currency's minor unit) and given its
//! expected results; the optimiser (`clout_core::plan`) picks the set with the most
//! expected goal within the budget and constraints, and the picks' totals are simulated
//! jointly from their post histories.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use clout_core::Tier;
use clout_core::discovery::DiscoveryQuery;
use clout_core::money::Money;
use clout_core::outcome::{Expected, NoExpectation, Outcome, Totals, simulate};
use clout_core::plan::{Item, Limits, solve};
use clout_core::price::{Deliverable, Estimate};

use crate::channels::ChannelView;

mod unique;
use crate::search::Directory;
use crate::{App, Error, Result};

/// The most candidates one plan considers (the first ones in the query's sort order).
pub const MAX_CANDIDATES: usize = 20_000;
/// The largest budget planned, in minor units (keeps every sum of costs far from overflow).
pub const MAX_BUDGET_MINOR: i64 = 10_000_000_000_000;
/// Joint draws behind a portfolio's P10 / P50 / P90.
pub const DRAWS: usize = 2_000;
/// The seed of those draws: the same plan always shows the same figures.
const SEED: u64 = 0x00C1_0075_EED5;

/// What a plan maximises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    Engagements,
    Reach,
    Views,
    /// Earned media value, from the rate card's value table.
    Value,
    /// Reach counted once per person: a creator's reach only for the share of its
    /// followers the other picks do not have (see `plan/unique.rs`).
    UniqueReach,
}

impl Goal {
    pub const fn as_str(self) -> &'static str {
        match self {
            Goal::Engagements => "engagements",
            Goal::Reach => "reach",
            Goal::Views => "views",
            Goal::Value => "value",
            Goal::UniqueReach => "unique_reach",
        }
    }

    pub fn parse(raw: &str) -> Option<Goal> {
        [Goal::Engagements, Goal::Reach, Goal::Views, Goal::Value, Goal::UniqueReach]
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(raw.trim()))
    }

    /// What the planner picks by: what a typical post brings (the median of the window
    /// posts' results, so that one viral post cannot buy a place in a plan), weighted by the
    /// audience's quality (the score / 100; 0.7, the score's prior, without one). The plan's
    /// totals stay the simulated means.
    fn objective(self, e: &Expected, quality: Option<f64>) -> f64 {
        let typical = match self {
            Goal::Engagements => e.engagements.p50,
            Goal::Reach | Goal::UniqueReach => e.reach.p50,
            Goal::Views => e.views.p50,
            Goal::Value => e.value.p50,
        };
        typical * authenticity(quality)
    }

    fn typical(self, e: &Expected) -> f64 {
        self.objective(e, Some(100.0))
    }
}

/// A plan to make.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    /// The Directory filters candidates must match (limit, offset and facets are ignored).
    pub query: DiscoveryQuery,
    pub budget: Money,
    pub goal: Goal,
    pub deliverable: Deliverable,
    /// No creator may take more than this percentage of the budget.
    pub max_share: Option<f64>,
    pub min_creators: usize,
    pub max_creators: Option<usize>,
    /// `PLATFORM/HANDLE`s never to pick.
    pub exclude: Vec<String>,
    /// How long finding, pricing and optimising may take (the optimiser always gets at least
    /// a quarter of it): when it runs out, the optimiser stops with its best plan and
    /// reports the gap.
    pub time_limit: Duration,
    /// The most matches considered, first in the query's sort order (at most [`MAX_CANDIDATES`]).
    pub candidates: usize,
    /// What managing one creator costs, in the budget's currency, added to each fee and
    /// counted against the budget; `None`: the rate card's (`[management]`).
    pub management_cost: Option<Money>,
    /// Candidates only from this saved list (its channels that match the filters).
    pub list: Option<i64>,
}

/// Which portfolio this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// The plan as asked.
    Plan,
    /// Micro tier only.
    Micro,
    /// At most 3 macro or mega creators.
    TopTier,
    /// The plan as asked, side by side with the other two.
    Unconstrained,
}

impl Scenario {
    pub const fn as_str(self) -> &'static str {
        match self {
            Scenario::Plan => "plan",
            Scenario::Micro => "micro",
            Scenario::TopTier => "top_tier",
            Scenario::Unconstrained => "unconstrained",
        }
    }
}

/// One chosen creator.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub channel: ChannelView,
    /// The point estimate in the budget's currency: what the plan spends.
    pub price: Money,
    pub estimate: Estimate,
    pub expected: Expected,
    /// Why it was chosen, in a sentence.
    pub why: String,
    /// The share (0–1) of its followers who follow none of the other picks, estimated
    /// from the follower samples (`None`: unknown, a sample is missing).
    pub unique_share: Option<f64>,
}

/// What the picks' audiences share, from the imported follower samples
/// (`clout_core::overlap`).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanAudience {
    /// The sum of the picks' followers.
    pub followers: u64,
    /// Followers reached at least once (`None` when a pick has no follower sample), with
    /// the 95 % range.
    pub unique_reach: Option<f64>,
    pub unique_reach_low: f64,
    pub unique_reach_high: f64,
    /// Picks with an imported follower sample.
    pub sampled: usize,
}

/// A chosen set of creators with its totals.
#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    pub scenario: Scenario,
    pub goal: Goal,
    pub budget: Money,
    /// Picks, most expected goal first.
    pub picks: Vec<Pick>,
    /// The creators' fees: the sum of the picks' prices.
    pub cost: Money,
    /// Managing the picks: `management_per_creator` × creators. Fees and management
    /// together stay within the budget.
    pub management: Money,
    pub management_per_creator: Money,
    /// Joint simulation of the picks' results; `None` without picks.
    pub totals: Option<Totals>,
    /// Cost / expected engagements (mean), in the budget's currency.
    pub cost_per_engagement: Option<f64>,
    /// Cost per 1,000 expected views (mean).
    pub cpm: Option<f64>,
    /// Expected engagements per unit of currency spent.
    pub engagements_per_unit: Option<f64>,
    /// The greedy value-per-cost plan's goal, for comparison (never more than `picks`').
    pub greedy_value: Option<f64>,
    pub optimal: bool,
    /// Relative optimality gap (0 when proven optimal).
    pub gap: f64,
    pub nodes: u64,
    pub solve_time: Duration,
    /// Channels matching the filters, and how many of them were candidates.
    pub matched: u64,
    pub candidates: usize,
    /// Matches left out, by reason.
    pub skipped: Vec<(String, usize)>,
    /// Set when no set of candidates meets the constraints.
    pub infeasible: Option<String>,
    /// The picks' overlap (`None` without picks, or with more than
    /// [`crate::MAX_OVERLAP_CHANNELS`]).
    pub audience: Option<PlanAudience>,
    /// Planned greedily for unique reach (not by branch and bound): `gap` is then to the
    /// plan with overlaps ignored, an upper bound.
    pub heuristic: bool,
    /// Why part of the budget is left, when some is: the creator cap, no further
    /// candidate, none cheap enough for the rest, or the time limit.
    pub left_reason: Option<String>,
}

/// The same budget spent three ways.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub micro: Portfolio,
    pub top_tier: Portfolio,
    pub unconstrained: Portfolio,
}

/// The weight an audience's quality score gives a creator's results in a plan.
fn authenticity(quality: Option<f64>) -> f64 {
    quality.map_or(0.7, |q| (q / 100.0).clamp(0.0, 1.0))
}

struct Candidate {
    channel: ChannelView,
    price: Money,
    estimate: Estimate,
    expected: Expected,
    goal: f64,
}

impl App {
    /// The best portfolio for the request, searching on `directory`.
    pub(crate) fn plan_with(&self, directory: &Directory, request: &PlanRequest) -> Result<Portfolio> {
        self.portfolio(directory, request, Scenario::Plan)
    }

    /// The budget spent on the best micro portfolio, the best handful (at most 3) of macro
    /// or mega creators, and without a tier constraint. The request's own tier filter is
    /// replaced in the first two.
    pub(crate) fn compare_with(&self, directory: &Directory, request: &PlanRequest) -> Result<Comparison> {
        // The three share the time limit.
        let request = &PlanRequest { time_limit: request.time_limit / 3, ..request.clone() };
        let mut micro = request.clone();
        micro.query.tiers = vec![Tier::Micro];
        let mut top = request.clone();
        top.query.tiers = vec![Tier::Macro, Tier::Mega];
        top.max_creators = Some(request.max_creators.map_or(3, |m| m.min(3)));
        top.min_creators = request.min_creators.min(3);
        Ok(Comparison {
            micro: self.portfolio(directory, &micro, Scenario::Micro)?,
            top_tier: self.portfolio(directory, &top, Scenario::TopTier)?,
            unconstrained: self.portfolio(directory, request, Scenario::Unconstrained)?,
        })
    }

    fn portfolio(&self, directory: &Directory, request: &PlanRequest, scenario: Scenario) -> Result<Portfolio> {
        // The time limit covers finding, pricing and optimising; the simulation follows.
        let deadline = Instant::now() + request.time_limit;
        let budget = request.budget;
        if budget.minor <= 0 {
            return Err(Error::Invalid("the budget must be more than zero".to_string()));
        }
        if budget.minor > MAX_BUDGET_MINOR {
            return Err(Error::Invalid(format!("a budget of {budget} is beyond what Clout plans (10^13 minor units)")));
        }
        if let Some(share) = request.max_share
            && !(share > 0.0 && share <= 100.0)
        {
            return Err(Error::Invalid(format!(
                "--max-share must be a percentage above 0 and at most 100, not {share}"
            )));
        }
        if let Some(max) = request.max_creators
            && max < request.min_creators
        {
            return Err(Error::Invalid(format!(
                "at least {} and at most {max} creators cannot both hold",
                request.min_creators
            )));
        }
        let mut pricing = self.pricing()?;
        let rate = pricing.card.rate_to_card(budget.currency).ok_or_else(|| {
            Error::Invalid(format!(
                "the budget is in {} but the rate card prices in {} and has no exchange rate for {}; add one under [exchange_rates] in the rate card (or plan in {})",
                budget.currency, pricing.card.currency, budget.currency, pricing.card.currency
            ))
        })?;
        let per_creator = match request.management_cost {
            Some(m) => {
                if m.currency != budget.currency || m.minor < 0 {
                    return Err(Error::Invalid(format!(
                        "the management cost must be an amount of at least zero in the budget's currency ({})",
                        budget.currency
                    )));
                }
                m
            }
            None => Money::from_major_rounded(pricing.card.management.per_creator() / rate, budget.currency),
        };
        let mgmt = per_creator.minor;
        let mut excluded = Vec::new();
        for r in &request.exclude {
            let (platform, handle) = crate::channels::parse_channel_ref(r)?;
            excluded.push((platform, handle.as_str().to_string()));
        }

        let mut query = request.query.clone();
        query.limit = request.candidates.clamp(1, MAX_CANDIDATES);
        query.offset = 0;
        query.facets = clout_core::discovery::Facets::None;
        let within = match request.list {
            None => None,
            Some(id) => {
                if self.store.list(id)?.is_none() {
                    return Err(Error::NotFound(format!("there is no list {id}")));
                }
                Some(
                    self.store
                        .list_members(id)?
                        .iter()
                        .map(|m| m.channel.id)
                        .collect::<std::collections::HashSet<i64>>(),
                )
            }
        };
        let found = self.search_within(directory, &query, within.as_ref())?;
        let ids: Vec<i64> = found.channels.iter().map(|c| c.row.id).collect();
        let mut posts = self.store.posts_of_many(&ids)?;
        // The share in basis points, so the cap is exact integer arithmetic on the budget.
        let max_cost = request.max_share.map(|s| (budget.minor as i128 * (s * 100.0).round() as i128 / 10_000) as i64);
        let mut skipped: HashMap<&'static str, usize> = HashMap::new();
        let mut candidates: Vec<Candidate> = Vec::new();
        for channel in found.channels {
            let row = &channel.row;
            if excluded.iter().any(|(p, h)| *p == row.platform && *h == row.handle) {
                *skipped.entry("excluded").or_default() += 1;
                continue;
            }
            let Some(estimate) = pricing.estimate(row, request.deliverable) else {
                *skipped.entry("no follower count to price").or_default() += 1;
                continue;
            };
            let snapshots = posts.remove(&row.id).unwrap_or_default();
            let expected = match pricing.expected(row, &snapshots, request.deliverable) {
                Ok(e) => e,
                Err(NoExpectation::TooFewPosts(_)) => {
                    *skipped.entry("fewer than 5 posts in the engagement window").or_default() += 1;
                    continue;
                }
                Err(NoExpectation::NoRates) => {
                    *skipped.entry("no rates for the platform in the rate card").or_default() += 1;
                    continue;
                }
            };
            let price = Money::from_major_rounded(estimate.point / rate, budget.currency);
            if price.minor <= 0 {
                *skipped.entry("an estimated price of zero").or_default() += 1;
                continue;
            }
            if price.minor.saturating_add(mgmt) > budget.minor {
                *skipped.entry("priced above the whole budget (with managing the creator)").or_default() += 1;
                continue;
            }
            if max_cost.is_some_and(|m| price.minor > m) {
                *skipped.entry("priced above --max-share of the budget").or_default() += 1;
                continue;
            }
            let goal = request.goal.objective(&expected, channel.row.quality.map(|q| q.score));
            candidates.push(Candidate { channel, price, estimate, expected, goal });
        }

        let items: Vec<Item> = candidates.iter().map(|c| Item { cost: c.price.minor + mgmt, value: c.goal }).collect();
        let limits = Limits { budget: budget.minor, min_items: request.min_creators, max_items: request.max_creators };
        let started = Instant::now();
        // However long finding took, the optimiser gets at least a quarter of the limit.
        let deadline = deadline.max(started + request.time_limit / 4);
        let mut timed_out = false;
        let mut solution = solve(&items, &limits, || {
            timed_out = Instant::now() >= deadline;
            timed_out
        });
        let heuristic = request.goal == Goal::UniqueReach;
        if heuristic {
            let ids: Vec<(i64, u64)> =
                candidates.iter().map(|c| (c.channel.row.id, c.channel.row.followers.unwrap_or(0))).collect();
            let audiences = unique::Audiences::read(self, &ids)?;
            // The greedy pass keeps to the time limit too (a huge budget picks thousands).
            let mut stop = || Instant::now() >= deadline;
            solution = unique::solve(&items, &limits, &audiences, solution.as_ref(), &mut stop).map(|(s, _)| s);
        }
        let greedy_value = clout_core::plan::greedy(&items, &limits).map(|g| g.value);
        let solve_time = started.elapsed();

        let mut skipped: Vec<(String, usize)> = skipped.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        skipped.sort();
        let mut portfolio = Portfolio {
            scenario,
            goal: request.goal,
            budget,
            picks: Vec::new(),
            cost: Money::zero(budget.currency),
            management: Money::zero(budget.currency),
            management_per_creator: per_creator,
            totals: None,
            cost_per_engagement: None,
            cpm: None,
            engagements_per_unit: None,
            greedy_value,
            optimal: true,
            gap: 0.0,
            nodes: 0,
            solve_time,
            matched: found.page.total,
            candidates: candidates.len(),
            skipped,
            infeasible: None,
            left_reason: None,
            audience: None,
            heuristic,
        };
        let Some(solution) = solution else {
            portfolio.optimal = !timed_out;
            portfolio.infeasible = Some(if timed_out {
                format!(
                    "the time limit ran out before a set of the {} candidates meeting the constraints was found (at least {} creators within {}); allow more time",
                    candidates.len(),
                    request.min_creators,
                    budget
                )
            } else {
                format!(
                    "no set of the {} candidates meets the constraints (at least {} creators within {})",
                    candidates.len(),
                    request.min_creators,
                    budget
                )
            });
            return Ok(portfolio);
        };
        // Rank of every candidate by goal per unit of money, for the reasons.
        let mut by_ratio: Vec<usize> = (0..candidates.len()).collect();
        let ratio = |c: &Candidate| c.goal / c.price.major();
        by_ratio.sort_by(|&a, &b| ratio(&candidates[b]).total_cmp(&ratio(&candidates[a])));
        let mut rank = vec![0usize; candidates.len()];
        for (r, &i) in by_ratio.iter().enumerate() {
            rank[i] = r + 1;
        }
        let chosen: std::collections::HashSet<usize> = solution.chosen.iter().copied().collect();
        let n = candidates.len();
        let left = budget.minor - solution.cost;
        let cheapest_other = candidates
            .iter()
            .enumerate()
            .filter(|(i, _)| !chosen.contains(i))
            .map(|(_, c)| c.price)
            .min_by_key(|p| p.minor);
        let above_share = portfolio.skipped.iter().find(|(k, _)| k.contains("--max-share")).map_or(0, |(_, v)| *v);
        portfolio.left_reason = (left > 0).then(|| {
            let left = Money::new(left, budget.currency);
            let mut why = match (request.max_creators, cheapest_other) {
                (Some(max), _) if chosen.len() >= max => {
                    format!("{left} is left: the plan has the most creators allowed ({max})")
                }
                (_, None) => format!(
                    "{left} is left: every one of the {n} candidates is in the plan; widen the filters (another tier, niche or platform) to spend the rest"
                ),
                (_, Some(p)) if p.minor + mgmt > left.minor => {
                    let with = if mgmt > 0 { format!(" and {per_creator} to manage") } else { String::new() };
                    format!("{left} is left: no other candidate costs that little (the cheapest costs {p}{with})")
                }
                _ if !solution.optimal => {
                    format!("{left} is left: the optimiser stopped at the time limit (allow more time)")
                }
                _ => format!(
                    "{left} is left: adding any other candidate would not raise the {} the plan counts on (of a typical post, weighted by audience quality)",
                    request.goal.as_str().replace('_', " ")
                ),
            };
            if above_share > 0 {
                let (noun, verb) = if above_share == 1 { ("match", "was") } else { ("matches", "were") };
                why.push_str(&format!(
                    "; {} {noun} {verb} priced above the share cap",
                    clout_core::metric::thousands(above_share as u64)
                ));
            }
            why
        });
        // What one post brings: reach, for unique reach too (what it adds is said after).
        let goal = match request.goal {
            Goal::UniqueReach => "reach",
            g => g.as_str(),
        };
        let mut picks: Vec<Pick> = Vec::with_capacity(chosen.len());
        for (i, c) in candidates.into_iter().enumerate() {
            if !chosen.contains(&i) {
                continue;
            }
            let quality = c.channel.row.quality.map(|q| q.score);
            let weight = match quality {
                Some(q) => format!("audience quality {q:.0}"),
                None => "no audience-quality score (counted as 70)".to_string(),
            };
            let count = |x: f64| clout_core::metric::thousands(x.max(0.0).round() as u64);
            let why = format!(
                "a typical post brings {} {goal} (the median of its window posts) × {:.2} for {weight} = {}, for {} ({:.2} per {}), #{} of {n} candidates by that per {}",
                count(request.goal.typical(&c.expected)),
                authenticity(quality),
                count(c.goal),
                c.price,
                c.goal / c.price.major(),
                budget.currency,
                rank[i],
                budget.currency
            );
            picks.push(Pick {
                channel: c.channel,
                price: c.price,
                estimate: c.estimate,
                expected: c.expected,
                why,
                unique_share: None,
            });
        }
        let objective = |p: &Pick| request.goal.objective(&p.expected, p.channel.row.quality.map(|q| q.score));
        picks.sort_by(|a, b| objective(b).total_cmp(&objective(a)));
        portfolio.audience = self.plan_audience(&mut picks, request.goal)?;
        let members: Vec<&[Outcome]> = picks.iter().map(|p| p.expected.outcomes.as_slice()).collect();
        let totals = (!picks.is_empty()).then(|| simulate(&members, DRAWS, SEED));
        let management = Money::new(mgmt * picks.len() as i64, budget.currency);
        let cost = Money::new(solution.cost - management.minor, budget.currency);
        // What the plan costs the brand: fees and managing the creators.
        let spent = Money::new(solution.cost, budget.currency).major();
        let engagements: f64 = picks.iter().map(|p| p.expected.engagements.mean).sum();
        let views: f64 = picks.iter().map(|p| p.expected.views.mean).sum();
        portfolio.cost_per_engagement = (engagements > 0.0).then(|| spent / engagements);
        portfolio.cpm = (views > 0.0).then(|| spent / views * 1000.0);
        portfolio.engagements_per_unit = (spent > 0.0).then(|| engagements / spent);
        portfolio.picks = picks;
        portfolio.cost = cost;
        portfolio.management = management;
        portfolio.totals = totals;
        portfolio.optimal = solution.optimal;
        portfolio.gap = solution.gap();
        portfolio.nodes = solution.nodes;
        Ok(portfolio)
    }
}

impl App {
    /// The picks' overlap, and each pick's unique share (with it in its reason when the
    /// plan is for unique reach).
    fn plan_audience(&self, picks: &mut [Pick], goal: Goal) -> Result<Option<PlanAudience>> {
        if picks.is_empty() || picks.len() > crate::MAX_OVERLAP_CHANNELS {
            return Ok(None);
        }
        let ids: Vec<i64> = picks.iter().map(|p| p.channel.row.id).collect();
        let report = self.overlap(&ids)?;
        let o = &report.overlap;
        for (pick, share) in picks.iter_mut().zip(&o.unique_share) {
            pick.unique_share = share.map(|e| e.value);
            if goal == Goal::UniqueReach {
                match share {
                    Some(e) if picks_len_above_one(o) => pick.why.push_str(&format!(
                        "; {:.0} % of its followers follow none of the other picks (estimated from the follower samples)",
                        e.value * 100.0
                    )),
                    Some(_) => {}
                    None => pick.why.push_str("; no follower sample to compare: counted as sharing no followers"),
                }
            }
        }
        Ok(Some(PlanAudience {
            followers: o.total_followers,
            unique_reach: o.unique_reach,
            unique_reach_low: o.unique_reach_low,
            unique_reach_high: o.unique_reach_high,
            sampled: report.channels.iter().filter(|c| c.sampled > 0).count(),
        }))
    }
}

fn picks_len_above_one(o: &clout_core::overlap::Overlap) -> bool {
    !o.pairs.is_empty()
}
