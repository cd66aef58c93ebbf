//! The arguments of pricing and planning: `clout price` and `clout plan`, with the
//! deliverables and goals campaigns use too.

use clap::{Args, ValueEnum};

use super::TierPresetArg;
use super::search::{FilterArgs, SortArg};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum DeliverableArg {
    Post,
    /// A video or reel.
    #[value(alias = "reel")]
    Video,
    Story,
    Short,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum GoalArg {
    Engagements,
    Reach,
    Views,
    /// Earned media value, from the rate card's value table.
    Value,
    /// Reach counted once per person: overlapping audiences (estimated from the imported
    /// follower samples) count once; planned greedily, with the gap to an upper bound.
    #[value(alias = "unique_reach")]
    UniqueReach,
}

#[derive(Debug, Args)]
pub(crate) struct PriceArgs {
    /// The channel, as PLATFORM/HANDLE.
    #[arg(value_name = "PLATFORM/HANDLE")]
    pub(crate) channel: String,
    #[arg(long, value_enum, default_value = "post")]
    pub(crate) deliverable: DeliverableArg,
    /// A quote to judge: fair within the estimate's range, high above it, low below.
    #[arg(long, value_name = "AMOUNT")]
    pub(crate) quote: Option<String>,
    /// The quote's currency (default: the rate card's).
    #[arg(long, value_name = "C")]
    pub(crate) currency: Option<String>,
    /// The tier bounds to use.
    #[arg(long, value_enum, default_value = "scrunch")]
    pub(crate) tiers: TierPresetArg,
    /// One JSON object, with `engagements`, `views` and `reach` as {p10, p50, p90}.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    /// The budget, such as 10000 or 2500.50.
    #[arg(long, value_name = "AMOUNT")]
    pub(crate) budget: String,
    /// The budget's currency (default: the rate card's).
    #[arg(long, value_name = "C")]
    pub(crate) currency: Option<String>,
    #[arg(long, value_enum, default_value = "engagements")]
    pub(crate) goal: GoalArg,
    #[arg(long, value_enum, default_value = "post")]
    pub(crate) deliverable: DeliverableArg,
    /// No creator may take more than this percentage of the budget.
    #[arg(long, value_name = "PCT")]
    pub(crate) max_share: Option<f64>,
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) min_creators: usize,
    #[arg(long, value_name = "N")]
    pub(crate) max_creators: Option<usize>,
    /// A channel never to pick (PLATFORM/HANDLE); repeat for more.
    #[arg(long, value_name = "PLATFORM/HANDLE")]
    pub(crate) exclude: Vec<String>,
    /// Spend the budget three ways: micro only, at most 3 macro or mega, unconstrained.
    #[arg(long)]
    pub(crate) compare: bool,
    /// Seconds for finding, pricing and optimising; when they run out, the best plan so far
    /// is printed with its optimality gap.
    #[arg(long, default_value_t = 1.0, value_name = "SECS")]
    pub(crate) time_limit: f64,
    /// What managing one creator costs, in the budget's currency, added to each fee and
    /// counted against the budget (default: the rate card's [management]; 0 for none).
    #[arg(long, value_name = "AMOUNT")]
    pub(crate) management_cost: Option<String>,
    /// Candidates only from this saved list (its name or id): the list's creators that
    /// match the other filters.
    #[arg(long, value_name = "LIST")]
    pub(crate) list: Option<String>,
    /// The most matches considered as candidates, first in --sort order (at most 20,000).
    #[arg(long, default_value_t = clout_app::MAX_CANDIDATES, value_name = "N")]
    pub(crate) candidates: usize,
    #[arg(long, value_enum, default_value = "relevance")]
    pub(crate) sort: SortArg,
    #[command(flatten)]
    pub(crate) filters: FilterArgs,
    /// One JSON object: `picks` (each with `platform`, `handle`, `price` and expected
    /// results) and `totals`; with --compare, one per scenario.
    #[arg(long)]
    pub(crate) json: bool,
}
