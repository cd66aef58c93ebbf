//! The Plan page: a GET form (the URL holds the whole plan), the picks with their
//! reasons or the micro-versus-top-tier comparison with its chart.

use super::*;

/// The planner: a GET form (the URL holds the whole plan), the picks or the comparison
/// with its chart.
pub(super) async fn plan(state: St, Page(auth): Page, RawQuery(raw): RawQuery) -> Response {
    let state = state.0;
    // Channels to leave out are typed into one field, separated by spaces, commas or lines.
    let pairs: Vec<(String, String)> = params::pairs(raw.as_deref())
        .into_iter()
        .flat_map(|(k, v)| {
            if k == "exclude" {
                v.split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|s| !s.is_empty())
                    .map(|s| (k.clone(), s.to_string()))
                    .collect::<Vec<_>>()
            } else {
                vec![(k, v)]
            }
        })
        .collect();
    let single = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut form = serde_json::Map::new();
    for k in [
        "budget",
        "currency",
        "max_share",
        "min_creators",
        "max_creators",
        "management_cost",
        "q",
        "country",
        "min_er",
        "min_quality",
        "language",
        "min_followers",
        "max_followers",
        "max_er",
        "min_index",
        "max_index",
        "min_growth",
        "max_growth",
        "min_posts_per_week",
        "max_posts_per_week",
        "max_quality",
        "verified",
        "has_email",
        "data_since",
        "candidates",
        "time_limit",
        "list",
    ] {
        form.insert(k.to_string(), single(k).into());
    }
    let excluded: Vec<String> = pairs.iter().filter(|(k, _)| k == "exclude").map(|(_, v)| v.clone()).collect();
    form.insert("exclude".into(), excluded.join(" ").into());
    let chosen_labels = selected(&pairs, "label");
    let compare = pairs.is_empty() || single("compare") == "true";
    form.insert("compare".into(), compare.into());
    let goal = single("goal");
    let deliverable = single("deliverable");
    let chosen_niche = single("niche");
    let chosen_platforms = selected(&pairs, "platform");
    let (niches, lists) = state
        .read(|app, _| {
            let niches: Vec<(String, String)> =
                app.niche_classifier()?.taxonomy().niches().iter().map(|n| (n.id.clone(), n.name.clone())).collect();
            Ok((niches, app.lists()?))
        })
        .await
        .unwrap_or_default();
    // The rate card's management cost, as the field's placeholder.
    let management_default = state
        .read(|app, _| {
            let card = app.rate_card()?;
            Ok(clout_core::money::Money::from_major_rounded(card.management.per_creator(), card.currency).amount())
        })
        .await
        .unwrap_or_default();
    let options = |values: &[&str], chosen: &str| -> Vec<Value> {
        values.iter().map(|v| json!({"value": v, "selected": chosen == *v})).collect()
    };
    let goals = options(&["engagements", "reach", "views", "value", "unique_reach"], &goal);
    // The audience: micro creators unless the form says otherwise (an empty value).
    let chosen_tier = single("tier");
    let tier_options = options(&["micro", "nano", "mid", "macro", "mega", "any"], &chosen_tier);
    let deliverables = options(&["post", "video", "story", "short"], &deliverable);
    let niche_options: Vec<Value> =
        niches.iter().map(|(id, name)| json!({"value": id, "label": name, "selected": chosen_niche == *id})).collect();
    let chosen_list = single("list");
    let list_options: Vec<Value> = lists
        .iter()
        .map(|l| json!({"value": l.id, "label": l.name, "members": l.members, "selected": chosen_list == l.id.to_string()}))
        .collect();
    let label_options: Vec<Value> = clout_core::EngagementLabel::ALL
        .iter()
        .map(|l| json!({"value": l.as_str(), "selected": chosen_labels.contains(&l.as_str().to_string())}))
        .collect();
    let platforms: Vec<Value> = clout_core::Platform::ALL
        .iter()
        .map(|p| json!({"value": p.as_str(), "selected": chosen_platforms.contains(&p.as_str().to_string())}))
        .collect();
    let mut ctx = json!({
        "form": form, "goals": goals, "deliverables": deliverables, "niches": niche_options, "platforms": platforms,
        "tiers": tier_options, "management_default": management_default, "lists": list_options,
        "labels": label_options, "max_seconds": clout_app::PlanLimits::SERVER.max_seconds,
        "max_candidates": clout_app::MAX_CANDIDATES,
    });
    let mut status = StatusCode::OK;
    let mut chart = None;
    if !single("budget").trim().is_empty() {
        // The form's checkbox is absent when unticked; a plan then runs alone.
        let mut plan_pairs: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "compare").cloned().collect();
        if compare {
            plan_pairs.push(("compare".into(), "true".into()));
        }
        let result = async {
            let card = state.read(|app, _| app.rate_card()).await?;
            let (request, compare) = params::plan_request(&plan_pairs, card.currency, state.now())?;
            state
                .read(move |app, _| {
                    Ok(if compare {
                        let c = app.compare(&request)?;
                        let bars: Vec<charts::ScenarioBar> =
                            [("micro", &c.micro), ("top tier", &c.top_tier), ("unconstrained", &c.unconstrained)]
                                .iter()
                                .map(|(label, p)| charts::ScenarioBar {
                                    label: label.to_string(),
                                    per_unit: p.engagements_per_unit.unwrap_or(0.0),
                                    p10: p.totals.map_or(0.0, |t| t.engagements.p10),
                                    mean: p.totals.map_or(0.0, |t| t.engagements.mean),
                                    p90: p.totals.map_or(0.0, |t| t.engagements.p90),
                                })
                                .collect();
                        let svg = charts::comparison(&bars, request.budget.currency.as_str()).ok();
                        (json!({"comparison": clout_wire::Comparison::from(&c, &card.origin)}), svg)
                    } else {
                        (json!({"plan": clout_wire::Portfolio::from(&app.plan(&request)?, &card.origin)}), None)
                    })
                })
                .await
        }
        .await;
        match result {
            Ok((body, svg)) => {
                for (k, v) in body.as_object().into_iter().flatten() {
                    ctx[k] = v.clone();
                }
                chart = svg;
            }
            Err(e) => {
                status = e.status;
                ctx["error"] = json!({"code": e.code, "message": e.message});
            }
        }
    }
    let plan_query: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, v)| !v.trim().is_empty() && !["budget", "currency", "compare"].contains(&k.as_str()))
        .cloned()
        .collect();
    ctx["plan_query"] = form_urlencoded::Serializer::new(String::new()).extend_pairs(plan_query).finish().into();
    ctx["svg"] = json!({ "comparison": chart });
    render("plan.html", page_context(&auth, "plan", ctx), status)
}
