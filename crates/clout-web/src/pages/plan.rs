//! The Plan page: a GET form (the URL holds the whole plan), the picks with their
//! reasons or the micro-versus-top-tier comparison with its chart.

use super::*;

/// The planner: a GET form (the URL holds the whole plan), the picks or the comparison
/// with its chart.
pub(super) async fn plan(state: St, Page(auth): Page, RawQuery(raw): RawQuery) -> Response {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
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
    ] {
        form.insert(k.to_string(), single(k).into());
    }
    let compare = pairs.is_empty() || single("compare") == "true";
    form.insert("compare".into(), compare.into());
    let goal = single("goal");
    let deliverable = single("deliverable");
    let chosen_niche = single("niche");
    let chosen_platforms = selected(&pairs, "platform");
    let niches = state
        .read(|app, _| {
            Ok(app.niche_classifier()?.taxonomy().niches().iter().map(|n| n.id.clone()).collect::<Vec<String>>())
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
    let goals = options(&["engagements", "reach", "views", "value"], &goal);
    // The audience: micro creators unless the form says otherwise (an empty value).
    let chosen_tier = single("tier");
    let tier_options = options(&["micro", "nano", "mid", "macro", "mega", "any"], &chosen_tier);
    let deliverables = options(&["post", "video", "story", "short"], &deliverable);
    let niche_options: Vec<Value> =
        niches.iter().map(|n| json!({"value": n, "selected": chosen_niche == *n})).collect();
    let platforms: Vec<Value> = clout_core::Platform::ALL
        .iter()
        .map(|p| json!({"value": p.as_str(), "selected": chosen_platforms.contains(&p.as_str().to_string())}))
        .collect();
    let mut ctx = json!({
        "form": form, "goals": goals, "deliverables": deliverables, "niches": niche_options, "platforms": platforms,
        "tiers": tier_options, "management_default": management_default,
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
            let (request, compare) = params::plan_request(&plan_pairs, card.currency)?;
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
