//! Campaigns over the API: briefs (from scratch or from a plan), members with their stage
//! and fee, deliverables and their posts, the report as JSON and CSV.

use axum::Json;
use axum::extract::Path as UrlPath;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

use super::schema::{Amount, CurrencyCode, DateText, DeliverableName, GoalName, HandleText, PlatformName, StageName};
use super::{ApiJson, ApiResult, ErrorBody, St, channel_ref, positive_id};
use crate::base::auth::{Caller, Writer};
use crate::base::downloads;
use crate::base::errors::ApiError;
use crate::base::params;
use crate::base::use_cases;

fn campaign_id(raw: &str) -> Result<String, ApiError> {
    Ok(positive_id(raw, "a campaign id")?.to_string())
}

/// An optional date of a body: only an empty string means none (spaces alone are not a date).
fn date_field(raw: &Option<String>, field: &str) -> Result<Option<clout_core::Timestamp>, ApiError> {
    let Some(t) = raw.as_deref().filter(|t| !t.is_empty()).map(str::trim) else { return Ok(None) };
    params::date(t)
        .map(Some)
        .ok_or_else(|| ApiError::invalid_parameter(field, format!("'{t}' is not a date (YYYY-MM-DD or RFC 3339)")))
}

/// Every campaign, newest first.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns",
    responses((status = 200, body = clout_wire::CampaignList), (status = 401, body = ErrorBody)))]
pub(super) async fn campaigns(state: St, Caller(_): Caller) -> ApiResult<Json<clout_wire::CampaignList>> {
    let state = state.0;
    let list = state.read(|app, _| app.campaigns()).await?;
    Ok(Json(clout_wire::CampaignList { campaigns: list.iter().map(clout_wire::Campaign::from).collect() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewCampaignBody {
    /// 1 to 120 characters, with something that is not a digit (a name, not an id).
    #[schema(max_length = 120, pattern = r"[^0-9#+\s\u0085-]")]
    name: String,
    #[schema(inline, value_type = Amount)]
    budget: String,
    /// Default: the rate card's.
    #[schema(inline, value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    #[schema(inline, value_type = Option<GoalName>)]
    goal: Option<String>,
    niche: Option<String>,
    #[schema(inline, value_type = Option<DateText>)]
    starts_on: Option<String>,
    /// Not before `starts_on`.
    #[schema(inline, value_type = Option<DateText>)]
    ends_on: Option<String>,
    #[serde(default)]
    key_messages: String,
    /// What every delivered post must carry; default "#ad".
    disclosure: Option<String>,
    /// A plan as the query string of /api/v1/plan (without the budget, which is this one's):
    /// its picks become prospects with their price and expected engagements.
    plan: Option<String>,
}

/// Creates a campaign, from scratch or from a plan.
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", request_body = NewCampaignBody,
    responses((status = 201, body = clout_wire::Campaign), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn create_campaign(
    state: St,
    Writer(auth): Writer,
    ApiJson(body): ApiJson<NewCampaignBody>,
) -> ApiResult<(StatusCode, Json<clout_wire::Campaign>)> {
    let state = state.0;
    let card = state.read(|app, _| app.rate_card()).await?;
    let currency = match &body.currency {
        Some(c) => params::currency("currency", c)?,
        None => card.currency,
    };
    let budget = params::money("budget", &body.budget, currency)?;
    let brief = clout_app::Brief {
        name: body.name.clone(),
        goal: body.goal.clone().unwrap_or_else(|| "engagements".to_string()),
        niche: body.niche.clone().filter(|n| !n.trim().is_empty()),
        starts_on: date_field(&body.starts_on, "starts_on")?,
        ends_on: date_field(&body.ends_on, "ends_on")?,
        budget,
        key_messages: body.key_messages.clone(),
        disclosure: body.disclosure.clone().unwrap_or_else(|| "#ad".to_string()),
    };
    let plan_request =
        body.plan.as_deref().map(|q| params::campaign_plan(q, budget, card.currency, state.now())).transpose()?;
    let created = state
        .catalogue(move |catalogue, s| {
            let by = clout_app::Actor::User(&auth.user);
            use_cases::create_campaign(catalogue, by, &brief, plan_request.as_ref(), &card.origin, s.now())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(clout_wire::Campaign::from(&created))))
}

/// A campaign: brief, members with stage and fee, deliverables, stage history.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = clout_wire::CampaignDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn campaign(
    state: St,
    Caller(_): Caller,
    UrlPath(id): UrlPath<String>,
) -> ApiResult<Json<clout_wire::CampaignDetail>> {
    let state = state.0;
    let id = campaign_id(&id)?;
    let body = state
        .read(move |app, s| {
            let c = app.campaign(&id)?;
            let members = app.members(&c, clout_core::TierPreset::Scrunch)?;
            let r = app.campaign_report(&id, s.now())?;
            Ok(clout_wire::CampaignDetail::from(&c, &members, &r))
        })
        .await?;
    Ok(Json(body))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BriefBody {
    /// 1 to 120 characters, with something that is not a digit (a name, not an id).
    #[schema(max_length = 120, pattern = r"[^0-9#+\s\u0085-]")]
    name: String,
    #[schema(inline, value_type = Amount)]
    budget: String,
    /// Default: the campaign's.
    #[schema(inline, value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    #[schema(inline, value_type = Option<GoalName>)]
    goal: Option<String>,
    niche: Option<String>,
    #[schema(inline, value_type = Option<DateText>)]
    starts_on: Option<String>,
    /// Not before `starts_on`.
    #[schema(inline, value_type = Option<DateText>)]
    ends_on: Option<String>,
    #[serde(default)]
    key_messages: String,
    #[serde(default)]
    disclosure: String,
}

/// Replaces a campaign's brief.
#[utoipa::path(put, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path, minimum = 1)), request_body = BriefBody,
    responses((status = 200, body = clout_wire::Campaign), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn update_campaign(
    state: St,
    Writer(auth): Writer,
    UrlPath(id): UrlPath<String>,
    ApiJson(body): ApiJson<BriefBody>,
) -> ApiResult<Json<clout_wire::Campaign>> {
    let state = state.0;
    let id = campaign_id(&id)?;
    let currency = body.currency.as_deref().map(|c| params::currency("currency", c)).transpose()?;
    let (starts_on, ends_on) = (date_field(&body.starts_on, "starts_on")?, date_field(&body.ends_on, "ends_on")?);
    let updated = state
        .write(move |app, _| {
            let c = app.campaign(&id)?;
            let currency = currency.unwrap_or(c.brief.budget.currency);
            let budget = clout_core::money::Money::parse(&body.budget, currency)
                .map_err(|e| clout_app::Error::Invalid(format!("budget: {e}")))?;
            let brief = clout_app::Brief {
                name: body.name,
                goal: body.goal.unwrap_or(c.brief.goal),
                niche: body.niche.filter(|n| !n.trim().is_empty()),
                starts_on,
                ends_on,
                budget,
                key_messages: body.key_messages,
                disclosure: body.disclosure,
            };
            app.update_brief(clout_app::Actor::User(&auth.user), &id, &brief)
        })
        .await?;
    Ok(Json(clout_wire::Campaign::from(&updated)))
}

/// Deletes a campaign with its members and deliverables (imported conversions stay).
#[utoipa::path(delete, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path, minimum = 1)),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn delete_campaign(
    state: St,
    Writer(auth): Writer,
    UrlPath(id): UrlPath<String>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    let id = campaign_id(&id)?;
    state.write(move |app, _| app.delete_campaign(clout_app::Actor::User(&auth.user), &id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct MemberBody {
    /// Contracted, content_live and paid need a fee (agreed now or before).
    #[schema(inline, value_type = Option<StageName>)]
    stage: Option<String>,
    /// The agreed fee in the campaign's currency, such as "150.00".
    #[schema(inline, value_type = Option<Amount>)]
    fee: Option<String>,
}

/// Adds a creator to a campaign, or updates its fee and stage (the change is recorded).
#[utoipa::path(put, path = "/api/v1/campaigns/{id}/members/{platform}/{handle}", tag = "campaigns",
    params(("id" = i64, Path, minimum = 1), ("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)), request_body = MemberBody,
    responses((status = 200, body = clout_wire::MemberChange), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "A stage that commits a fee while none is agreed (conflict)")))]
pub(super) async fn put_campaign_member(
    state: St,
    Writer(auth): Writer,
    UrlPath((id, platform, handle)): UrlPath<(String, String, String)>,
    ApiJson(body): ApiJson<MemberBody>,
) -> ApiResult<Json<clout_wire::MemberChange>> {
    let state = state.0;
    let id = campaign_id(&id)?;
    let reference = channel_ref(&platform, &handle);
    let stage = body
        .stage
        .as_deref()
        .map(|s| {
            clout_core::campaign::Stage::parse(s)
                .ok_or_else(|| ApiError::invalid_parameter("stage", format!("unknown stage '{s}'")))
        })
        .transpose()?;
    let body = state
        .write(move |app, s| {
            let by = clout_app::Actor::User(&auth.user);
            let c = app.campaign(&id)?;
            let fee = body
                .fee
                .as_deref()
                .map(|f| clout_core::money::Money::parse(f, c.brief.budget.currency))
                .transpose()
                .map_err(|e| clout_app::Error::Invalid(format!("fee: {e}")))?;
            // Everything is checked before anything is written, so a refused change leaves
            // no half of it behind.
            let (p, h) = clout_app::parse_channel_ref(&reference)?;
            let existing = app
                .members(&c, clout_core::TierPreset::Scrunch)?
                .into_iter()
                .find(|m| m.channel.row.platform == p && m.channel.row.handle == h.as_str());
            if stage.is_some_and(|s| s.commits_fee())
                && fee.is_none()
                && existing.as_ref().and_then(|m| m.fee).is_none()
            {
                // The member's state, not the request, is what is missing: a conflict.
                return Err(clout_app::Error::Conflict(format!(
                    "agree {reference}'s fee before moving it to {}",
                    stage.map_or("", |s| s.as_str())
                )));
            }
            let added = app.add_member(by, &id, &reference, None, None, s.now())?;
            if let Some(fee) = fee {
                app.set_fee(by, &id, &reference, Some(fee))?;
            }
            if let Some(stage) = stage {
                app.set_stage(by, &id, &reference, stage, s.now())?;
            }
            let members = app.members(&c, clout_core::TierPreset::Scrunch)?;
            let m = members
                .iter()
                .find(|m| m.channel.row.platform == p && m.channel.row.handle == h.as_str())
                .ok_or_else(|| clout_app::Error::Internal("the member vanished".into()))?;
            Ok(clout_wire::MemberChange { added, stage: m.stage.as_str(), fee_minor: m.fee.map(|f| f.minor) })
        })
        .await?;
    Ok(Json(body))
}

/// Takes a creator out of a campaign.
#[utoipa::path(delete, path = "/api/v1/campaigns/{id}/members/{platform}/{handle}", tag = "campaigns",
    params(("id" = i64, Path, minimum = 1), ("platform" = inline(PlatformName), Path), ("handle" = inline(HandleText), Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn delete_campaign_member(
    state: St,
    Writer(auth): Writer,
    UrlPath((id, platform, handle)): UrlPath<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    let id = campaign_id(&id)?;
    let reference = channel_ref(&platform, &handle);
    state.write(move |app, _| app.remove_member(clout_app::Actor::User(&auth.user), &id, &reference)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeliverableBody {
    #[schema(inline, value_type = PlatformName)]
    platform: String,
    #[schema(inline, value_type = HandleText)]
    handle: String,
    #[serde(rename = "type")]
    #[schema(inline, value_type = Option<DeliverableName>)]
    kind: Option<String>,
    #[schema(inline, value_type = Option<DateText>)]
    due_on: Option<String>,
}

/// Adds a deliverable for a member.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/deliverables", tag = "campaigns", params(("id" = i64, Path, minimum = 1)),
    request_body = DeliverableBody,
    responses((status = 201, description = "The deliverable's id", body = clout_wire::NewId), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn add_deliverable(
    state: St,
    Writer(auth): Writer,
    UrlPath(id): UrlPath<String>,
    ApiJson(body): ApiJson<DeliverableBody>,
) -> ApiResult<(StatusCode, Json<clout_wire::NewId>)> {
    let state = state.0;
    let id = campaign_id(&id)?;
    let kind = match body.kind.as_deref() {
        Some(k) => params::deliverable("type", k)?,
        None => clout_core::price::Deliverable::Post,
    };
    let due = date_field(&body.due_on, "due_on")?;
    let reference = channel_ref(&body.platform, &body.handle);
    let new_id = state
        .write(move |app, s| {
            app.add_deliverable(clout_app::Actor::User(&auth.user), &id, &reference, kind, due, s.now())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(clout_wire::NewId { id: new_id })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LinkBody {
    /// The post's id or URL.
    #[schema(min_length = 1, pattern = r"[^\s\u0085]")]
    post: String,
}

fn deliverable_id(raw: &str) -> Result<i64, ApiError> {
    positive_id(raw, "a deliverable id")
}

/// Links a deliverable to its post (id or URL); its counts come from imports.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/deliverables/{deliverable}/link", tag = "campaigns",
    params(("id" = i64, Path, minimum = 1), ("deliverable" = i64, Path, minimum = 1)), request_body = LinkBody,
    responses((status = 204, description = "Linked"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn link_deliverable(
    state: St,
    Writer(auth): Writer,
    UrlPath((id, deliverable)): UrlPath<(String, String)>,
    ApiJson(body): ApiJson<LinkBody>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    let id = campaign_id(&id)?;
    let deliverable = deliverable_id(&deliverable)?;
    state
        .write(move |app, s| {
            app.link_deliverable(clout_app::Actor::User(&auth.user), &id, deliverable, &body.post, s.now())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Cancels a deliverable.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/deliverables/{deliverable}/cancel", tag = "campaigns",
    params(("id" = i64, Path, minimum = 1), ("deliverable" = i64, Path, minimum = 1)),
    responses((status = 204, description = "Cancelled"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn cancel_deliverable(
    state: St,
    Writer(auth): Writer,
    UrlPath((id, deliverable)): UrlPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let state = state.0;
    let id = campaign_id(&id)?;
    let deliverable = deliverable_id(&deliverable)?;
    state.write(move |app, _| app.cancel_deliverable(clout_app::Actor::User(&auth.user), &id, deliverable)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The report, as `clout campaign report --json`.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/report", tag = "campaigns", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = clout_wire::CampaignReport), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn campaign_report(
    state: St,
    Caller(_): Caller,
    UrlPath(id): UrlPath<String>,
) -> ApiResult<Json<clout_wire::CampaignReport>> {
    let state = state.0;
    let id = campaign_id(&id)?;
    let r = state.read(move |app, s| app.campaign_report(&id, s.now())).await?;
    Ok(Json(clout_wire::CampaignReport::from(&r)))
}

/// The report as CSV: a line per member, then the totals.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/report.csv", tag = "campaigns", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "text/csv", content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
pub(super) async fn campaign_report_csv(
    state: St,
    Caller(_): Caller,
    UrlPath(id): UrlPath<String>,
) -> ApiResult<Response> {
    let state = state.0;
    let id = campaign_id(&id)?;
    downloads::campaign_report_csv(&state, id).await
}
