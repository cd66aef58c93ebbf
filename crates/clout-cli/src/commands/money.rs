//! `clout price` and `clout plan`.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clout_app::{Goal, Portfolio, Reader};
use clout_core::money::{Currency, Money};
use clout_core::outcome::Spread;
use clout_core::price::Deliverable;

use super::preset;
use super::search::{flag_error, search_pairs, sort_key};
use crate::cli::{DeliverableArg, GoalArg, PlanArgs, PriceArgs};
use crate::output::{emit, table, thousands};

pub(crate) fn deliverable(arg: DeliverableArg) -> Deliverable {
    match arg {
        DeliverableArg::Post => Deliverable::Post,
        DeliverableArg::Video => Deliverable::Video,
        DeliverableArg::Story => Deliverable::Story,
        DeliverableArg::Short => Deliverable::Short,
    }
}

pub(crate) fn goal(arg: GoalArg) -> Goal {
    match arg {
        GoalArg::Engagements => Goal::Engagements,
        GoalArg::Reach => Goal::Reach,
        GoalArg::Views => Goal::Views,
        GoalArg::Value => Goal::Value,
        GoalArg::UniqueReach => Goal::UniqueReach,
    }
}

/// An amount in `currency`, or the rate card's currency.
fn amount(app: &Reader<'_>, raw: &str, currency: Option<&str>, what: &str) -> Result<Money> {
    let currency = match currency {
        Some(c) => Currency::parse(c).map_err(|e| anyhow!("--currency: {e}"))?,
        None => app.rate_card()?.currency,
    };
    Money::parse(raw, currency).map_err(|e| anyhow!("{what}: {e}"))
}

fn money2(x: f64, currency: Currency) -> String {
    Money::from_major_rounded(x, currency).to_string()
}

fn count(x: f64) -> String {
    if x.is_finite() { thousands(x.max(0.0).round() as u64) } else { "-".to_string() }
}

fn spread(s: &Spread) -> String {
    format!("{} / {} / {}", count(s.p10), count(s.p50), count(s.p90))
}

pub(crate) fn price(app: &Reader<'_>, args: PriceArgs) -> Result<ExitCode> {
    let quote = args.quote.as_deref().map(|q| amount(app, q, args.currency.as_deref(), "--quote")).transpose()?;
    let r = app.price(&args.channel, deliverable(args.deliverable), quote, preset(args.tiers))?;
    let mut text = String::new();
    if args.json {
        let _ = writeln!(text, "{}", clout_wire::line(&clout_wire::Price::from(&r)));
        emit(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let e = &r.estimate;
    let c = &r.channel;
    let cur = e.currency;
    let d = e.deliverable.as_str();
    let _ = writeln!(
        text,
        "{}/{} · {} followers · {} · {d}",
        c.row.platform,
        c.row.handle,
        c.row.followers.map(thousands).unwrap_or_else(|| "-".into()),
        c.tier.map(|t| t.as_str()).unwrap_or("-"),
    );
    let _ = writeln!(
        text,
        "Estimate (estimated): {} to {}, point {}",
        money2(e.low, cur),
        money2(e.high, cur),
        money2(e.point, cur)
    );
    let _ = writeln!(
        text,
        "  impressions {}–{} = followers × reach {:.0}–{:.0} % × {:.2} for a {d}",
        count(e.impressions_low),
        count(e.impressions_high),
        e.reach_low * 100.0,
        e.reach_high * 100.0,
        e.reach_factor
    );
    let _ = writeln!(text, "  × {} CPM × {:.2} for a {d}", money2(e.cpm, cur), e.cpm_factor);
    match e.er_ratio {
        Some(ratio) => {
            let _ = writeln!(
                text,
                "  × {:.2} for engagement ({ratio:.2}× the bucket's median rate, clamped to {}–{})",
                e.er_factor,
                fmt_factor(app.rate_card()?.er_clamp.0),
                fmt_factor(app.rate_card()?.er_clamp.1)
            );
        }
        None => {
            let _ = writeln!(text, "  no engagement adjustment (no engagement rate or no peer median)");
        }
    }
    match &e.calibration {
        Some(k) => {
            let scope = k.platform.map(|p| format!("on {p}")).unwrap_or_else(|| "across platforms".to_string());
            let _ = writeln!(
                text,
                "  × {:.2}: fitted to {} of your deals {scope} (median fee ÷ model; quartiles {:.2}–{:.2}); model alone {} to {}",
                k.factor,
                k.deals,
                k.q1,
                k.q3,
                money2(e.model_low, cur),
                money2(e.model_high, cur)
            );
        }
        None => {
            let _ = writeln!(
                text,
                "  not fitted to deals ({} in the store; {} needed on the platform or overall)",
                r.deals,
                app.rate_card()?.min_deals
            );
        }
    }
    for u in &r.unused_deals {
        let _ = writeln!(text, "  deal with {}/{} not used: {}", u.platform, u.handle, u.reason);
    }
    let _ = writeln!(text, "Rule of thumb: {}", money2(e.rule_of_thumb, cur));
    if let Some(q) = &r.quote {
        let _ = writeln!(text, "Quote {}: {} ({:.2}× the point estimate)", q.quote, q.verdict.as_str(), q.ratio);
    }
    match &r.expected {
        Ok(x) => {
            let _ = writeln!(
                text,
                "Expected results of one {d} (from {} window posts), P10 / P50 / P90:",
                x.outcomes.len()
            );
            let _ = writeln!(text, "  engagements  {}  (derived)", spread(&x.engagements));
            let _ = writeln!(text, "  views        {}  ({})", spread(&x.views), x.views_method.as_str());
            let _ = writeln!(text, "  reach        {}  (estimated)", spread(&x.reach));
            if x.engagements.mean > 0.0 {
                let _ = writeln!(
                    text,
                    "  cost per engagement at the point estimate: {}",
                    money2(e.point / x.engagements.mean, cur)
                );
            }
        }
        Err(reason) => {
            let _ = writeln!(text, "No expected results: {}", clout_wire::expectation_reason(reason));
        }
    }
    let _ = writeln!(text, "Rate card: {}", r.card);
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn fmt_factor(x: f64) -> String {
    format!("{x}")
}

pub(crate) fn plan(app: &Reader<'_>, args: PlanArgs) -> Result<ExitCode> {
    // The flags as the pairs of a URL, read by the app's one reading of a plan, so the CLI
    // refuses what the API and the Plan page refuse (with a terminal's time limit).
    let mut pairs = search_pairs(&args.filters);
    let mut add = |key: &str, value: String| pairs.push((key.to_string(), value));
    add("budget", args.budget.clone());
    if let Some(c) = &args.currency {
        add("currency", c.clone());
    }
    add("goal", goal(args.goal).as_str().to_string());
    add("deliverable", deliverable(args.deliverable).as_str().to_string());
    if let Some(s) = args.max_share {
        add("max_share", s.to_string());
    }
    add("min_creators", args.min_creators.to_string());
    if let Some(n) = args.max_creators {
        add("max_creators", n.to_string());
    }
    for e in &args.exclude {
        add("exclude", e.clone());
    }
    add("time_limit", args.time_limit.to_string());
    add("candidates", args.candidates.to_string());
    if let Some(m) = &args.management_cost {
        add("management_cost", m.clone());
    }
    if args.compare {
        add("compare", "true".to_string());
    }
    if let Some(list) = &args.list {
        let lists = app.lists()?;
        let found = lists
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(list.trim()) || l.id.to_string() == list.trim())
            .ok_or_else(|| {
                anyhow!("--list: there is no list named '{list}' (lists are made on the Lists page of clout serve)")
            })?;
        add("list", found.id.to_string());
    }
    let q = clout_app::plan_query(&pairs, app.rate_card()?.currency, clout_app::PlanLimits::TERMINAL, super::now())
        .map_err(|e| flag_error(&e))?;
    let mut request = q.request;
    request.query.preset = preset(args.filters.tiers);
    // Which matches become candidates first: the terminal's own choice.
    request.query.sort = sort_key(args.sort);
    let card = app.rate_card()?.origin;
    let mut text = String::new();
    if q.compare {
        let c = app.compare(&request)?;
        if args.json {
            let _ = writeln!(text, "{}", clout_wire::line(&clout_wire::Comparison::from(&c, &card)));
        } else {
            compare_text(&mut text, &[&c.micro, &c.top_tier, &c.unconstrained]);
        }
    } else {
        let p = app.plan(&request)?;
        if args.json {
            let _ = writeln!(text, "{}", clout_wire::line(&clout_wire::Portfolio::from(&p, &card)));
        } else {
            plan_text(&mut text, &p);
        }
    }
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn plan_text(text: &mut String, p: &Portfolio) {
    let cur = p.budget.currency;
    if let Some(why) = &p.infeasible {
        let _ = writeln!(text, "No plan: {why}.");
        skipped_text(text, p);
        return;
    }
    let rows: Vec<Vec<String>> = p
        .picks
        .iter()
        .map(|x| {
            vec![
                x.channel.row.platform.to_string(),
                x.channel.row.handle.clone(),
                x.channel.tier.map(|t| t.as_str()).unwrap_or("-").to_string(),
                x.channel.row.followers.map(thousands).unwrap_or_else(|| "-".into()),
                x.price.amount(),
                spread(&x.expected.engagements),
                spread(&x.expected.reach),
            ]
        })
        .collect();
    text.push_str(&table(
        &[
            "PLATFORM",
            "HANDLE",
            "TIER",
            "FOLLOWERS",
            &format!("PRICE {cur}"),
            "ENGAGEMENTS P10/50/90",
            "REACH P10/50/90",
        ],
        &rows,
        &[3, 4],
    ));
    let _ = writeln!(text, "Why:");
    for x in &p.picks {
        let _ = writeln!(text, "  {}/{}: {}", x.channel.row.platform, x.channel.row.handle, x.why);
    }
    let _ = writeln!(
        text,
        "{} creators for {} in fees + {} managing them ({} each) of {} ({} left); goal: {}",
        p.picks.len(),
        p.cost,
        p.management,
        p.management_per_creator,
        p.budget,
        Money::new(p.budget.minor - p.cost.minor - p.management.minor, cur).amount(),
        p.goal.as_str().replace('_', " ")
    );
    if let Some(why) = &p.left_reason {
        let _ = writeln!(text, "Left over: {why}.");
    }
    if let Some(t) = &p.totals {
        let _ = writeln!(text, "Expected totals (P10 / P50 / P90, {} joint draws):", t.draws);
        let _ = writeln!(text, "  engagements  {}", spread(&t.engagements));
        let _ = writeln!(text, "  views        {}", spread(&t.views));
        let _ = writeln!(text, "  reach        {}", spread(&t.reach));
        let _ = writeln!(text, "  value (EMV)  {}", spread(&t.value));
    }
    if let Some(cpe) = p.cost_per_engagement {
        let _ = writeln!(
            text,
            "Cost per engagement {}; CPM {}",
            money2(cpe, cur),
            p.cpm.map(|c| money2(c, cur)).unwrap_or("-".into())
        );
    }
    if let Some(a) = &p.audience {
        let count = |x: f64| thousands(x.max(0.0).round() as u64);
        let reach = match a.unique_reach {
            Some(r) => format!("{} ({}–{})", count(r), count(a.unique_reach_low), count(a.unique_reach_high)),
            None => format!(
                "unknown ({}–{}: {} of {} picks have no follower sample)",
                count(a.unique_reach_low),
                count(a.unique_reach_high),
                p.picks.len() - a.sampled,
                p.picks.len()
            ),
        };
        let _ = writeln!(
            text,
            "Audience: {} followers in all; unique reach {reach}, estimated from the follower samples",
            thousands(a.followers)
        );
    }
    optimality_text(text, p);
    skipped_text(text, p);
}

fn optimality_text(text: &mut String, p: &Portfolio) {
    if p.heuristic {
        let _ = writeln!(
            text,
            "Planned for unique reach: the best of greedy by unique reach per cost, the best plan with overlaps ignored and the best single creator; {} over {} candidates of {} matches.",
            if p.optimal {
                "no overlap among the picks lowered it, so it is optimal".to_string()
            } else {
                format!("within {:.2} % of the best plan with overlaps ignored (an upper bound)", p.gap * 100.0)
            },
            p.candidates,
            p.matched
        );
        return;
    }
    if p.optimal {
        let _ = writeln!(
            text,
            "Optimal: proven by branch and bound ({} node{}, {:.0} ms) over {} candidates of {} matches.",
            p.nodes,
            if p.nodes == 1 { "" } else { "s" },
            p.solve_time.as_secs_f64() * 1000.0,
            p.candidates,
            p.matched
        );
    } else {
        let _ = writeln!(
            text,
            "Stopped by the time limit after {} nodes: within {:.4} % of the best possible plan (optimality gap), over {} candidates of {} matches.",
            p.nodes,
            p.gap * 100.0,
            p.candidates,
            p.matched
        );
    }
}

fn skipped_text(text: &mut String, p: &Portfolio) {
    for (reason, n) in &p.skipped {
        let _ = writeln!(text, "  {n} {} left out: {reason}", if *n == 1 { "match" } else { "matches" });
    }
}

fn compare_text(text: &mut String, ps: &[&Portfolio]) {
    let cur = ps[0].budget.currency;
    let cell = |p: &Portfolio, f: &dyn Fn(&Portfolio) -> Option<String>| {
        if p.infeasible.is_some() || p.picks.is_empty() { "-".to_string() } else { f(p).unwrap_or_else(|| "-".into()) }
    };
    type Row<'a> = (&'a str, Box<dyn Fn(&Portfolio) -> Option<String>>);
    let rows: Vec<Row<'_>> = vec![
        ("creators", Box::new(|p: &Portfolio| Some(p.picks.len().to_string()))),
        ("fees", Box::new(|p: &Portfolio| Some(p.cost.amount()))),
        ("managing the creators", Box::new(|p: &Portfolio| Some(p.management.amount()))),
        ("engagements (mean)", Box::new(|p: &Portfolio| p.totals.map(|t| count(t.engagements.mean)))),
        ("engagements P10", Box::new(|p: &Portfolio| p.totals.map(|t| count(t.engagements.p10)))),
        ("engagements P90", Box::new(|p: &Portfolio| p.totals.map(|t| count(t.engagements.p90)))),
        (
            "P10–P90 spread ÷ P50",
            Box::new(|p: &Portfolio| {
                p.totals
                    .filter(|t| t.engagements.p50 > 0.0)
                    .map(|t| format!("{:.2}", (t.engagements.p90 - t.engagements.p10) / t.engagements.p50))
            }),
        ),
        ("reach (mean)", Box::new(|p: &Portfolio| p.totals.map(|t| count(t.reach.mean)))),
        ("engagements per unit", Box::new(|p: &Portfolio| p.engagements_per_unit.map(|x| format!("{x:.2}")))),
        ("cost per engagement", Box::new(move |p: &Portfolio| p.cost_per_engagement.map(|x| money2(x, cur)))),
        ("CPM", Box::new(move |p: &Portfolio| p.cpm.map(|x| money2(x, cur)))),
        (
            "optimal (gap)",
            Box::new(|p: &Portfolio| {
                Some(if p.optimal { "yes".to_string() } else { format!("no ({:.4} %)", p.gap * 100.0) })
            }),
        ),
        ("candidates", Box::new(|p: &Portfolio| Some(p.candidates.to_string()))),
    ];
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|(name, f)| {
            let mut r = vec![name.to_string()];
            r.extend(ps.iter().map(|p| cell(p, f.as_ref())));
            r
        })
        .collect();
    let _ = writeln!(text, "The same budget ({}) three ways, goal {}:", ps[0].budget, ps[0].goal.as_str());
    text.push_str(&table(&["", "MICRO", "TOP TIER (≤3)", "UNCONSTRAINED"], &table_rows, &[1, 2, 3]));
    for p in ps {
        if let Some(why) = &p.infeasible {
            let _ = writeln!(text, "{}: no plan: {why}.", p.scenario.as_str());
        }
    }
    if let (Some(m), Some(t)) = (ps[0].engagements_per_unit, ps[1].engagements_per_unit)
        && t > 0.0
    {
        let _ = writeln!(text, "Micro gets {:.2}× the engagements per {cur} of the top tier.", m / t);
    }
}
