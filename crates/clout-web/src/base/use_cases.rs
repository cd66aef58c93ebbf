//! Use cases the API and the pages share, as thin calls into `clout-app`: only what is
//! HTTP's own (the plan kept with a campaign is its JSON) is decided here.

use clout_app::{Actor, Brief, Campaign, Catalogue, PlanRequest};
use clout_core::Timestamp;

/// Creates a campaign from `brief`; with a plan, the plan's picks become its prospects
/// and the plan is kept with it as JSON (`card_origin` names the rate card it priced with).
pub(crate) fn create_campaign(
    catalogue: &Catalogue,
    by: Actor<'_>,
    brief: &Brief,
    plan: Option<&PlanRequest>,
    card_origin: &str,
    now: Timestamp,
) -> clout_app::Result<Campaign> {
    let record = |p: &clout_app::Portfolio| clout_wire::line(&clout_wire::Portfolio::from(p, card_origin));
    catalogue.create_campaign_from_plan(by, brief, plan, record, now)
}
