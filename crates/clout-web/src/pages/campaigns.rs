//! Campaign pages (the list, a campaign with its pipeline, deliverables and report, the
//! printable report, the CSV) and the creator forms of a profile's Relationship card.

use super::*;
use crate::base::use_cases;

/// A date field (`YYYY-MM-DD`) of a form; empty (or spaces) is none.
fn form_date(f: &HashMap<String, String>, name: &str) -> Result<Option<clout_core::Timestamp>, ApiError> {
    let raw = field(f, name).trim();
    if raw.is_empty() {
        return Ok(None);
    }
    params::date(raw)
        .map(Some)
        .ok_or_else(|| ApiError::invalid_parameter(name, format!("'{raw}' is not a date (YYYY-MM-DD)")))
}

pub(super) async fn campaigns(state: St, Page(auth): Page) -> Response {
    let state = state.0;
    let summaries = state
        .read(|app, s| {
            let now = s.now();
            let mut rows = Vec::new();
            for c in app.campaigns()? {
                let r = app.campaign_report(&c.id.to_string(), now)?;
                rows.push(campaign_row(&c, &r, now));
            }
            Ok((rows, app.rate_card()?.currency))
        })
        .await;
    match summaries {
        Ok((rows, currency)) => render(
            "campaigns.html",
            page_context(&auth, "campaigns", json!({"campaigns": rows, "currency": currency.as_str()})),
            StatusCode::OK,
        ),
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn create_campaign(state: St, Posted(auth, f): Posted) -> Response {
    let state = state.0;
    let card = match state.read(|app, _| app.rate_card()).await {
        Ok(c) => c,
        Err(e) => return error_page_for(&auth, e),
    };
    let parsed = (|| {
        let currency = match field(&f, "currency").trim() {
            "" => card.currency,
            c => params::currency("currency", c)?,
        };
        let budget = params::money("budget", field(&f, "budget"), currency)?;
        let plan = match field(&f, "plan").trim() {
            "" => None,
            q => Some(params::campaign_plan(q, budget, card.currency, state.now())?),
        };
        let goal = match field(&f, "goal").trim() {
            "" => "engagements".to_string(),
            g => g.to_string(),
        };
        Ok::<_, ApiError>((
            clout_app::Brief {
                name: field(&f, "name").to_string(),
                goal,
                niche: Some(field(&f, "niche").trim().to_string()).filter(|n| !n.is_empty()),
                starts_on: form_date(&f, "starts_on")?,
                ends_on: form_date(&f, "ends_on")?,
                budget,
                key_messages: field(&f, "key_messages").to_string(),
                disclosure: field(&f, "disclosure").to_string(),
            },
            plan,
        ))
    })();
    let (brief, plan) = match parsed {
        Ok(v) => v,
        Err(e) => return error_page_for(&auth, e),
    };
    let user = auth.user.clone();
    let created = state
        .catalogue(move |catalogue, s| {
            let by = clout_app::Actor::User(&user);
            use_cases::create_campaign(catalogue, by, &brief, plan.as_ref(), &card.origin, s.now())
        })
        .await;
    match created {
        Ok(c) => see_other(&format!("/campaigns/{}", c.id)),
        Err(e) => error_page_for(&auth, e),
    }
}

/// The campaign page's context: the report as JSON plus the chart.
pub(super) async fn campaign_context(state: &Arc<State>, id: i64, style: Style) -> Result<Value, ApiError> {
    state
        .read(move |app, s| {
            let key = id.to_string();
            let c = app.campaign(&key)?;
            let members = app.members(&c, TierPreset::Scrunch)?;
            let r = app.campaign_report(&key, s.now())?;
            let points: Vec<(f64, u64)> = r.timeline.iter().map(|(t, e)| (charts::day(*t), *e)).collect();
            let chart = if points.is_empty() { None } else { charts::followers(&points, style).ok() };
            let detail = clout_wire::CampaignDetail::from(&c, &members, &r);
            let report = clout_wire::CampaignReport::from(&r);
            let stages: Vec<&str> = clout_core::campaign::Stage::ALL.iter().map(|s| s.as_str()).collect();
            let niche_name = c.brief.niche.as_ref().map(|n| app.niche_names().map(|names| names.get(n).cloned().unwrap_or_else(|| n.clone()))).transpose()?;
            Ok(json!({"detail": detail, "report": report, "stages": stages, "svg": {"timeline": chart}, "niche_name": niche_name}))
        })
        .await
}

/// One line of the campaigns index: the brief, and where the campaign stands (its status by
/// its dates, spend against budget, creators by stage, deliverables delivered and overdue).
fn campaign_row(c: &clout_app::Campaign, r: &clout_app::CampaignReport, now: clout_core::Timestamp) -> Value {
    let b = &c.brief;
    let status = match (b.starts_on, b.ends_on) {
        (Some(start), _) if now < start => "not started",
        (_, Some(end)) if now > end => "ended",
        _ => "running",
    };
    let mut stages: Vec<Value> = Vec::new();
    for stage in clout_core::campaign::Stage::ALL {
        let n = r.members.iter().filter(|m| m.member.stage == stage).count();
        if n > 0 {
            stages.push(json!({"stage": stage.as_str(), "count": n}));
        }
    }
    let t = &r.totals;
    let spent_share = if b.budget.minor > 0 { Some(100.0 * t.cost.minor as f64 / b.budget.minor as f64) } else { None };
    json!({
        "campaign": clout_wire::Campaign::from(c),
        "status": status,
        "spent": t.cost.major(),
        "spent_share": spent_share,
        "creators": r.members.len(),
        "stages": stages,
        "planned": t.planned,
        "delivered": t.delivered,
        "overdue": r.deliverables.iter().filter(|d| d.overdue).count(),
    })
}

/// Whether the report lists every creator (`?all=1`) or, by default, only those the
/// campaign works with: contracted, content live and paid. Prospects and declined creators
/// are rows of zeros in a report a client reads.
pub(super) fn show_all(raw: Option<&str>) -> bool {
    raw.is_some_and(|q| q.split('&').any(|kv| kv == "all=1"))
}

/// The stages a report shows by default.
const WORKING_STAGES: [&str; 3] = ["contracted", "content_live", "paid"];

pub(super) fn with_filter(mut ctx: Value, all: bool) -> Value {
    ctx["show_all"] = json!(all);
    ctx["working_stages"] = json!(WORKING_STAGES);
    let hidden = ctx["report"]["members"]
        .as_array()
        .map_or(0, |m| m.iter().filter(|m| !WORKING_STAGES.iter().any(|s| m["stage"] == *s)).count());
    ctx["hidden_members"] = json!(hidden);
    ctx
}

pub(super) async fn campaign(state: St, PageId(auth, id): PageId, RawQuery(raw): RawQuery) -> Response {
    let state = state.0;
    campaign_page(&state, &auth, id, show_all(raw.as_deref()), None, StatusCode::OK).await
}

/// The campaign's links, as its page lists them.
async fn share_rows(state: &Arc<State>, id: i64) -> Result<Vec<Value>, ApiError> {
    state
        .read(move |app, s| {
            let now = s.now();
            Ok(app
                .shares(id)?
                .iter()
                .map(|l| {
                    let status = if l.revoked_at.is_some() {
                        "revoked"
                    } else if l.live(now) {
                        "live"
                    } else {
                        "expired"
                    };
                    json!({"id": l.id, "prefix": l.prefix, "by": l.created_by, "status": status,
                        "created_at": clout_wire::time(l.created_at), "expires_at": clout_wire::time(l.expires_at),
                        "revoked_at": l.revoked_at.map(clout_wire::time)})
                })
                .collect())
        })
        .await
}

/// The campaign page; `new_share` is the address of a link just made, shown this once.
pub(super) async fn campaign_page(
    state: &Arc<State>,
    auth: &Auth,
    id: i64,
    all: bool,
    new_share: Option<String>,
    status: StatusCode,
) -> Response {
    let shares = if auth.user.role.can_write() { share_rows(state, id).await } else { Ok(Vec::new()) };
    match (campaign_context(state, id, Style::of(&auth.locale)).await, shares) {
        (Ok(ctx), Ok(shares)) => {
            let mut ctx = with_filter(ctx, all);
            ctx["shares"] = shares.into();
            ctx["new_share"] = new_share.into();
            ctx["share_days"] = clout_app::SHARE_DAYS.into();
            ctx["max_share_days"] = clout_app::MAX_SHARE_DAYS.into();
            render("campaign.html", page_context(auth, "campaigns", ctx), status)
        }
        (Err(e), _) | (_, Err(e)) => error_page_for(auth, e),
    }
}

pub(super) async fn campaign_print(state: St, PageId(auth, id): PageId, RawQuery(raw): RawQuery) -> Response {
    let state = state.0;
    match campaign_context(&state, id, Style::of(&auth.locale)).await {
        Ok(ctx) => render(
            "campaign_print.html",
            page_context(&auth, "campaigns", with_filter(ctx, show_all(raw.as_deref()))),
            StatusCode::OK,
        ),
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn campaign_csv(state: St, PageId(auth, id): PageId) -> Response {
    let state = state.0;
    match downloads::campaign_report_csv(&state, id.to_string()).await {
        Ok(r) => r,
        Err(e) => error_page_for(&auth, e),
    }
}

/// Runs a campaign change posted from a form, then goes back to the campaign page.
pub(super) async fn campaign_change(
    state: &Arc<State>,
    Posted(auth, f): Posted,
    id: &str,
    change: impl FnOnce(
        &mut clout_app::App,
        &State,
        clout_app::Actor<'_>,
        &str,
        &HashMap<String, String>,
    ) -> clout_app::Result<()>
    + Send
    + 'static,
) -> Response {
    let id = page!(path_id(id).map_err(|e| error_page_for(&auth, e)));
    let user = auth.user.clone();
    let key = id.to_string();
    match state.write(move |app, s| change(app, s, clout_app::Actor::User(&user), &key, &f)).await {
        Ok(()) => see_other(&format!("/campaigns/{id}")),
        Err(e) => error_page_for(&auth, e),
    }
}

fn invalid(message: String) -> clout_app::Error {
    clout_app::Error::Invalid(message)
}

pub(super) async fn campaign_add_member(state: St, UrlPath(id): UrlPath<String>, posted: Posted) -> Response {
    campaign_change(&state.0, posted, &id, |app, s, by, key, f| {
        let c = app.campaign(key)?;
        let fee = match field(f, "fee").trim() {
            "" => None,
            raw => Some(
                clout_core::money::Money::parse(raw, c.brief.budget.currency)
                    .map_err(|e| invalid(format!("fee: {e}")))?,
            ),
        };
        app.add_member(by, key, field(f, "channel").trim(), None, fee, s.now())?;
        Ok(())
    })
    .await
}

pub(super) async fn campaign_stage(state: St, UrlPath(id): UrlPath<String>, posted: Posted) -> Response {
    campaign_change(&state.0, posted, &id, |app, s, by, key, f| {
        let stage = clout_core::campaign::Stage::parse(field(f, "stage"))
            .ok_or_else(|| invalid(format!("unknown stage '{}'", field(f, "stage"))))?;
        app.set_stage(by, key, field(f, "channel"), stage, s.now())?;
        Ok(())
    })
    .await
}

pub(super) async fn campaign_fee(state: St, UrlPath(id): UrlPath<String>, posted: Posted) -> Response {
    campaign_change(&state.0, posted, &id, |app, _, by, key, f| {
        let c = app.campaign(key)?;
        let fee = match field(f, "fee").trim() {
            "" => None,
            raw => Some(
                clout_core::money::Money::parse(raw, c.brief.budget.currency)
                    .map_err(|e| invalid(format!("fee: {e}")))?,
            ),
        };
        app.set_fee(by, key, field(f, "channel"), fee)
    })
    .await
}

pub(super) async fn campaign_add_deliverable(state: St, UrlPath(id): UrlPath<String>, posted: Posted) -> Response {
    campaign_change(&state.0, posted, &id, |app, s, by, key, f| {
        let kind = clout_core::price::Deliverable::parse(field(f, "type"))
            .ok_or_else(|| invalid(format!("unknown deliverable '{}'", field(f, "type"))))?;
        let due = form_date(f, "due_on").map_err(|e| invalid(e.message))?;
        app.add_deliverable(by, key, field(f, "channel"), kind, due, s.now())?;
        Ok(())
    })
    .await
}

pub(super) async fn campaign_link(
    state: St,
    UrlPath((id, deliverable)): UrlPath<(String, String)>,
    posted: Posted,
) -> Response {
    let deliverable = page!(deliverable_id(&deliverable).map_err(error_page));
    campaign_change(&state.0, posted, &id, move |app, s, by, key, f| {
        app.link_deliverable(by, key, deliverable, field(f, "post"), s.now())
    })
    .await
}

pub(super) async fn campaign_cancel(
    state: St,
    UrlPath((id, deliverable)): UrlPath<(String, String)>,
    posted: Posted,
) -> Response {
    let deliverable = page!(deliverable_id(&deliverable).map_err(error_page));
    campaign_change(&state.0, posted, &id, move |app, _, by, key, _| app.cancel_deliverable(by, key, deliverable)).await
}

pub(super) async fn creator_save(
    state: St,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    Posted(auth, f): Posted,
) -> Response {
    let state = state.0;
    let reference = format!("{platform}/{handle}");
    let profile = clout_app::CreatorProfile {
        email: Some(field(&f, "email").to_string()),
        phone: Some(field(&f, "phone").to_string()),
        agent: Some(field(&f, "agent").to_string()),
        tags: vec![field(&f, "tags").to_string()],
    };
    let user = auth.user.clone();
    let r = reference.clone();
    match state.write(move |app, _| app.set_creator_profile(clout_app::Actor::User(&user), &r, &profile)).await {
        Ok(()) => see_other(&format!("/channels/{platform}/{}#relationship", path_segment(&handle))),
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn creator_note(
    state: St,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    Posted(auth, f): Posted,
) -> Response {
    let state = state.0;
    let reference = format!("{platform}/{handle}");
    let note = field(&f, "body").to_string();
    let user = auth.user.clone();
    let r = reference.clone();
    match state.write(move |app, s| app.add_creator_note(clout_app::Actor::User(&user), &r, &note, s.now())).await {
        Ok(()) => see_other(&format!("/channels/{platform}/{}#relationship", path_segment(&handle))),
        Err(e) => error_page_for(&auth, e),
    }
}

/// "Add to campaign" on a profile: the campaign is a field, since a form cannot put it in
/// the address without script.
pub(super) async fn campaign_add_from_profile(state: St, posted: Posted) -> Response {
    let id = field(&posted.1, "campaign_id").to_string();
    campaign_change(&state.0, posted, &id, |app, s, by, key, f| {
        app.add_member(by, key, field(f, "channel").trim(), None, None, s.now())?;
        Ok(())
    })
    .await
}

pub(super) async fn campaign_brief(state: St, UrlPath(id): UrlPath<String>, posted: Posted) -> Response {
    campaign_change(&state.0, posted, &id, |app, _, by, key, f| {
        let c = app.campaign(key)?;
        let currency = match field(f, "currency").trim() {
            "" => c.brief.budget.currency,
            raw => clout_core::money::Currency::parse(raw).map_err(|e| invalid(format!("currency: {e}")))?,
        };
        let brief = clout_app::Brief {
            name: field(f, "name").to_string(),
            goal: match field(f, "goal").trim() {
                "" => c.brief.goal.clone(),
                g => g.to_string(),
            },
            niche: Some(field(f, "niche").trim().to_string()).filter(|n| !n.is_empty()),
            starts_on: form_date(f, "starts_on").map_err(|e| invalid(e.message))?,
            ends_on: form_date(f, "ends_on").map_err(|e| invalid(e.message))?,
            budget: clout_core::money::Money::parse(field(f, "budget"), currency)
                .map_err(|e| invalid(format!("budget: {e}")))?,
            key_messages: field(f, "key_messages").to_string(),
            disclosure: field(f, "disclosure").to_string(),
        };
        app.update_brief(by, key, &brief)?;
        Ok(())
    })
    .await
}

pub(super) async fn campaign_delete(state: St, UrlPath(id): UrlPath<String>, Posted(auth, _): Posted) -> Response {
    let state = state.0;
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    let user = auth.user.clone();
    match state.write(move |app, _| app.delete_campaign(clout_app::Actor::User(&user), &id.to_string())).await {
        Ok(()) => see_other("/campaigns"),
        Err(e) => error_page_for(&auth, e),
    }
}

/// A deliverable id from the address (a 404 when it is not one).
fn deliverable_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().map_err(|_| ApiError::not_found(format!("no deliverable '{raw}'")))
}
