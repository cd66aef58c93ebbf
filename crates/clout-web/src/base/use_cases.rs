//! Use-case logic the API and the pages share that belongs in `clout-app`, kept here (and
//! only here, instead of once in each) until it moves there.

use clout_app::{Actor, App, Brief, Campaign, Directory, PlanRequest, Prospect};
use clout_core::Timestamp;

/// Creates a campaign from `brief`; with a plan, the plan's picks become its prospects
/// (with their price and expected engagements) and the plan is kept with it as JSON
/// (`card_origin` names the rate card it priced with).
// moves to clout-app: building a campaign from a plan is a use case, not HTTP.
pub(crate) fn create_campaign(
    app: &mut App,
    directory: &Directory,
    by: Actor<'_>,
    brief: &Brief,
    plan: Option<&PlanRequest>,
    card_origin: &str,
    now: Timestamp,
) -> clout_app::Result<Campaign> {
    let (prospects, plan_json) = match plan {
        Some(request) => {
            let p = app.plan_in(directory, request)?;
            let prospects: Vec<Prospect> = p.picks.iter().map(Prospect::from_pick).collect();
            (prospects, Some(clout_wire::portfolio_json(&p, card_origin).to_string()))
        }
        None => (Vec::new(), None),
    };
    app.create_campaign(by, brief, &prospects, plan_json.as_deref(), now)
}
