//! The budget planner over the Directory: a plan, or three plans side by side.

use axum::Json;
use axum::extract::RawQuery;

use super::schema::{Amount, ChannelRef, CurrencyCode, DeliverableName, GoalName, ManagementCost};
use super::search::FilterParams;
use super::{ApiResult, ErrorBody, St};
use crate::base::auth::Caller;
use crate::base::params;

/// The budget planner (`compare=true`: micro, at most 3 macro or mega, and unconstrained,
/// side by side). Every Directory filter of /search applies to the candidates; without a
/// `tier` they are micro creators (`tier=any`: every tier). Each creator's fee and the
/// cost of managing them (`management_cost`) stay within the budget.
#[utoipa::path(get, path = "/api/v1/plan", tag = "money",
    params(("budget" = inline(Amount), Query, description = "The budget, such as 10000 or 2500.50"),
        ("currency" = inline(Option<CurrencyCode>), Query, description = "The budget's currency, which must be the rate card's (default)"),
        ("goal" = inline(Option<GoalName>), Query),
        ("deliverable" = inline(Option<DeliverableName>), Query),
        ("max_share" = Option<f64>, Query, exclusive_minimum = 0, maximum = 100, description = "No creator above this percentage of the budget"),
        ("min_creators" = Option<usize>, Query, minimum = 0, maximum = 10000),
        ("max_creators" = Option<usize>, Query, minimum = 1, maximum = 10000),
        ("exclude" = inline(Option<Vec<ChannelRef>>), Query, description = "A channel never to pick; repeatable"),
        ("compare" = Option<bool>, Query),
        ("time_limit" = Option<f64>, Query, exclusive_minimum = 0, maximum = 10, description = "Seconds (default 1)"),
        ("candidates" = Option<usize>, Query, minimum = 1, maximum = 20000, description = "Matches considered (default 20000)"),
        ("management_cost" = inline(Option<ManagementCost>), Query, description = "What managing one creator costs, in the budget's currency, counted against the budget (default: the rate card's; 0 for none)"),
        FilterParams),
    responses((status = 200, description = "As `clout plan --json` (or `--compare --json`)", body = clout_wire::PlanAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "`safety_in` names a category the active brand-safety list does not have"),
        (status = 409, body = ErrorBody, description = "With `posted`: the post index is being built. With `safety_max`: the channels are not all screened against the active list yet")))]
pub(super) async fn plan(
    state: St,
    Caller(_): Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<clout_wire::PlanAnswer>> {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    params::no_empty(&pairs, &["q", "language", "niche", "posted"])?;
    let card = state.read(|app, _| app.rate_card()).await?;
    let (request, compare) = params::plan_request(&pairs, card.currency, state.now())?;
    let body = state
        .read(move |app, _| {
            Ok(if compare {
                clout_wire::PlanAnswer::Comparison(Box::new(clout_wire::Comparison::from(
                    &app.compare(&request)?,
                    &card.origin,
                )))
            } else {
                clout_wire::PlanAnswer::Plan(Box::new(clout_wire::Portfolio::from(&app.plan(&request)?, &card.origin)))
            })
        })
        .await?;
    Ok(Json(body))
}
