//! `clout campaign ...` and `clout creator ...`.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clout_app::{Actor, App, AppConfig, Brief, CreatorProfile, Prospect};
use clout_core::campaign::Stage;
use clout_core::money::{Currency, Money};
use clout_core::{TierPreset, Timestamp};

use super::money::deliverable;
use super::{now, open_read, open_write};
use crate::cli::{CampaignCommand, CampaignCreateArgs, CreatorCommand, GoalArg};
use crate::output::{emit, table, thousands};

/// The person at the keyboard, as recorded beside what they change.
pub(crate) fn operator() -> String {
    std::env::var("USER").ok().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| "operator".to_string())
}

/// `YYYY-MM-DD` (midnight UTC) or RFC 3339.
fn date(raw: &str, what: &str) -> Result<Timestamp> {
    let t = raw.trim();
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(Timestamp::from_unix(ts.as_second()));
    }
    let ts: jiff::Timestamp = format!("{t}T00:00:00Z")
        .parse()
        .map_err(|_| anyhow!("{what}: '{t}' is not a date (YYYY-MM-DD or RFC 3339)"))?;
    Ok(Timestamp::from_unix(ts.as_second()))
}

fn stage(raw: &str) -> Result<Stage> {
    Stage::parse(raw).ok_or_else(|| {
        anyhow!(
            "unknown stage '{raw}' (one of {})",
            Stage::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        )
    })
}

fn goal(arg: GoalArg) -> &'static str {
    super::money::goal(arg).as_str()
}

/// The picks of `clout plan --json` output as prospects, with the plan's budget and currency.
fn read_plan(path: &std::path::Path) -> Result<(String, Vec<Prospect>, Option<Money>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading the plan {}", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(text.trim())
        .with_context(|| format!("{} is not the JSON of `clout plan --json`", path.display()))?;
    // A comparison holds three plans: the unconstrained one is taken.
    let plan = if v.get("unconstrained").is_some() { &v["unconstrained"] } else { &v };
    let currency = plan["currency"]
        .as_str()
        .ok_or_else(|| anyhow!("{}: no `currency`; is it `clout plan --json` output?", path.display()))?;
    let currency = Currency::parse(currency).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let budget = plan["budget_minor"].as_i64().map(|m| Money::new(m, currency));
    let picks = plan["picks"].as_array().ok_or_else(|| anyhow!("{}: no `picks`", path.display()))?;
    let mut prospects = Vec::new();
    for p in picks {
        let (Some(platform), Some(handle)) = (p["platform"].as_str(), p["handle"].as_str()) else {
            bail!("{}: a pick without platform and handle", path.display());
        };
        let e = &p["engagements"];
        prospects.push(Prospect {
            reference: format!("{platform}/{handle}"),
            planned: p["price_minor"].as_i64().map(|m| Money::new(m, currency)),
            expected: match (e["p10"].as_f64(), e["p50"].as_f64(), e["p90"].as_f64()) {
                (Some(a), Some(b), Some(c)) => Some((a, b, c)),
                _ => None,
            },
        });
    }
    Ok((text, prospects, budget))
}

fn create(app: &mut App, args: &CampaignCreateArgs) -> Result<String> {
    let (plan_text, prospects, plan_budget) = match &args.from_plan {
        Some(path) => {
            let (text, prospects, budget) = read_plan(path)?;
            (Some(text), prospects, budget)
        }
        None => (None, Vec::new(), None),
    };
    let currency = match (&args.currency, plan_budget) {
        (Some(c), _) => Currency::parse(c).map_err(|e| anyhow!("--currency: {e}"))?,
        (None, Some(b)) => b.currency,
        (None, None) => app.rate_card()?.currency,
    };
    let budget = match (&args.budget, plan_budget) {
        (Some(b), _) => Money::parse(b, currency).map_err(|e| anyhow!("--budget: {e}"))?,
        (None, Some(b)) if b.currency != currency => {
            bail!("the plan's budget is in {}; give --budget in {currency} too (Clout does not convert)", b.currency)
        }
        (None, Some(b)) => b,
        (None, None) => bail!("a campaign needs a --budget (or a plan to take it from)"),
    };
    let brief = Brief {
        name: args.name.clone(),
        goal: goal(args.goal).to_string(),
        niche: args.niche.clone(),
        starts_on: args.starts.as_deref().map(|d| date(d, "--starts")).transpose()?,
        ends_on: args.ends.as_deref().map(|d| date(d, "--ends")).transpose()?,
        budget,
        key_messages: args.messages.clone(),
        disclosure: args.disclosure.clone(),
    };
    let op = operator();
    let c = app.create_campaign(Actor::Operator(&op), &brief, &prospects, plan_text.as_deref(), now())?;
    Ok(format!(
        "created campaign '{}' (#{}) with a budget of {}{}\n",
        c.brief.name,
        c.id,
        c.brief.budget,
        if prospects.is_empty() { String::new() } else { format!(" and {} prospects from the plan", prospects.len()) }
    ))
}

pub(crate) fn run(config: AppConfig, cmd: CampaignCommand) -> Result<ExitCode> {
    let op = operator();
    let by = Actor::Operator(&op);
    let mut text = String::new();
    match cmd {
        CampaignCommand::Create(args) => {
            open_write(config, "clout campaign create")?.write(|app| -> Result<()> {
                text = create(app, &args)?;
                Ok(())
            })?;
        }
        CampaignCommand::List(args) => {
            open_read(config)?.read(|app| -> Result<()> {
                let campaigns = app.campaigns()?;
                if args.json {
                    for c in &campaigns {
                        let _ = writeln!(text, "{}", clout_wire::line(&clout_wire::Campaign::from(c)));
                    }
                } else {
                    let rows: Vec<Vec<String>> = campaigns
                        .iter()
                        .map(|c| {
                            vec![
                                c.id.to_string(),
                                c.brief.name.clone(),
                                c.brief.budget.to_string(),
                                c.brief.goal.clone(),
                                c.brief.niche.clone().unwrap_or_default(),
                                clout_wire::dates::for_terminal(c.created_at),
                            ]
                        })
                        .collect();
                    text.push_str(&table(&["ID", "NAME", "BUDGET", "GOAL", "NICHE", "CREATED"], &rows, &[0, 2]));
                }
                Ok(())
            })?;
        }
        CampaignCommand::Show { name, json } => {
            open_read(config)?.read(|app| -> Result<()> {
                let c = app.campaign(&name)?;
                let members = app.members(&c, TierPreset::Scrunch)?;
                let r = app.campaign_report(&name, now())?;
                if json {
                    let _ = writeln!(text, "{}", clout_wire::line(&clout_wire::CampaignDetail::from(&c, &members, &r)));
                } else {
                    show_text(&mut text, &r);
                }
                Ok(())
            })?;
        }
        CampaignCommand::Add { name, channel, fee, stage: s } => {
            open_write(config, "clout campaign add")?.write(|app| -> Result<()> {
                let c = app.campaign(&name)?;
                let fee = fee
                    .map(|f| Money::parse(&f, c.brief.budget.currency))
                    .transpose()
                    .map_err(|e| anyhow!("--fee: {e}"))?;
                let s = s.as_deref().map(stage).transpose()?;
                if app.add_member(by, &name, &channel, s, fee, now())? {
                    let _ = writeln!(text, "added {channel} to '{}'", c.brief.name);
                } else {
                    let _ = writeln!(text, "{channel} is already in '{}'", c.brief.name);
                }
                Ok(())
            })?;
        }
        CampaignCommand::Remove { name, channel } => {
            open_write(config, "clout campaign remove")?.write(|app| -> Result<()> {
                app.remove_member(by, &name, &channel)?;
                let _ = writeln!(text, "removed {channel}");
                Ok(())
            })?;
        }
        CampaignCommand::Stage { name, channel, stage: s } => {
            open_write(config, "clout campaign stage")?.write(|app| -> Result<()> {
                let s = stage(&s)?;
                if app.set_stage(by, &name, &channel, s, now())? {
                    let _ = writeln!(text, "{channel} is now {}", s.as_str());
                } else {
                    let _ = writeln!(text, "{channel} was already {}", s.as_str());
                }
                Ok(())
            })?;
        }
        CampaignCommand::Fee { name, channel, fee } => {
            open_write(config, "clout campaign fee")?.write(|app| -> Result<()> {
                let c = app.campaign(&name)?;
                let fee = Money::parse(&fee, c.brief.budget.currency).map_err(|e| anyhow!("fee: {e}"))?;
                app.set_fee(by, &name, &channel, Some(fee))?;
                let _ = writeln!(text, "{channel}: fee {fee}");
                Ok(())
            })?;
        }
        CampaignCommand::Deliverable { name, channel, kind, due } => {
            open_write(config, "clout campaign deliverable")?.write(|app| -> Result<()> {
                let due = due.as_deref().map(|d| date(d, "--due")).transpose()?;
                let id = app.add_deliverable(by, &name, &channel, deliverable(kind), due, now())?;
                let _ = writeln!(text, "{id}");
                Ok(())
            })?;
        }
        CampaignCommand::Link { name, deliverable, post } => {
            open_write(config, "clout campaign link")?.write(|app| -> Result<()> {
                app.link_deliverable(by, &name, deliverable, &post, now())?;
                let _ = writeln!(text, "deliverable #{deliverable} is linked to {post}");
                Ok(())
            })?;
        }
        CampaignCommand::Cancel { name, deliverable } => {
            open_write(config, "clout campaign cancel")?.write(|app| -> Result<()> {
                app.cancel_deliverable(by, &name, deliverable)?;
                let _ = writeln!(text, "deliverable #{deliverable} is cancelled");
                Ok(())
            })?;
        }
        CampaignCommand::Report { name, json, csv } => {
            open_read(config)?.read(|app| -> Result<()> {
                if csv {
                    text = app.campaign_report_csv(&name, now())?;
                } else {
                    let r = app.campaign_report(&name, now())?;
                    if json {
                        let _ = writeln!(text, "{}", clout_wire::line(&clout_wire::CampaignReport::from(&r)));
                    } else {
                        report_text(&mut text, &r);
                    }
                }
                Ok(())
            })?;
        }
        CampaignCommand::Edit(args) => {
            open_write(config, "clout campaign edit")?.write(|app| -> Result<()> {
                let c = app.campaign(&args.name)?;
                let mut brief = c.brief.clone();
                let currency = match &args.currency {
                    Some(cur) => Currency::parse(cur).map_err(|e| anyhow!("--currency: {e}"))?,
                    None => brief.budget.currency,
                };
                brief.budget = match &args.budget {
                    Some(b) => Money::parse(b, currency).map_err(|e| anyhow!("--budget: {e}"))?,
                    None if currency != brief.budget.currency => {
                        bail!("give --budget in {currency} too (Clout does not convert)")
                    }
                    None => brief.budget,
                };
                if let Some(n) = &args.rename {
                    brief.name = n.clone();
                }
                if let Some(g) = args.goal {
                    brief.goal = goal(g).to_string();
                }
                if let Some(n) = &args.niche {
                    brief.niche = Some(n.clone()).filter(|n| !n.trim().is_empty());
                }
                if let Some(d) = &args.starts {
                    brief.starts_on = Some(date(d, "--starts")?);
                }
                if let Some(d) = &args.ends {
                    brief.ends_on = Some(date(d, "--ends")?);
                }
                if let Some(m) = &args.messages {
                    brief.key_messages = m.clone();
                }
                if let Some(d) = &args.disclosure {
                    brief.disclosure = d.clone();
                }
                let c = app.update_brief(by, &args.name, &brief)?;
                let _ = writeln!(text, "saved the brief of '{}' (budget {})", c.brief.name, c.brief.budget);
                Ok(())
            })?;
        }
        CampaignCommand::Delete { name } => {
            open_write(config, "clout campaign delete")?.write(|app| -> Result<()> {
                app.delete_campaign(by, &name)?;
                let _ = writeln!(text, "deleted campaign '{name}'");
                Ok(())
            })?;
        }
    }
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn show_text(text: &mut String, r: &clout_app::CampaignReport) {
    let b = &r.campaign.brief;
    let _ = writeln!(text, "{} (#{}) · budget {} · goal {}", b.name, r.campaign.id, b.budget, b.goal);
    if !b.key_messages.is_empty() {
        let _ = writeln!(text, "key messages: {}", b.key_messages);
    }
    if !b.disclosure.is_empty() {
        let _ = writeln!(text, "required disclosure: {}", b.disclosure);
    }
    let rows: Vec<Vec<String>> = r
        .members
        .iter()
        .map(|m| {
            vec![
                m.member.channel.row.platform.to_string(),
                m.member.channel.row.handle.clone(),
                m.member.stage.as_str().to_string(),
                m.member.fee.map(|f| f.amount()).unwrap_or_else(|| "-".into()),
                m.member.planned.map(|f| f.amount()).unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    text.push_str(&table(&["PLATFORM", "HANDLE", "STAGE", "FEE", "PLANNED PRICE"], &rows, &[3, 4]));
    let rows: Vec<Vec<String>> = r
        .deliverables
        .iter()
        .map(|d| {
            vec![
                d.id.to_string(),
                d.channel.clone(),
                d.kind.clone(),
                d.due_on.map(clout_wire::dates::day_for_terminal).unwrap_or_default(),
                format!("{}{}", d.status, if d.overdue { " (overdue)" } else { "" }),
                d.post_ref.clone().unwrap_or_default(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        text.push_str(&table(&["ID", "CHANNEL", "TYPE", "DUE", "STATUS", "POST"], &rows, &[0]));
    }
    for h in &r.history {
        let _ = writeln!(
            text,
            "{} {}: {} → {} by {}",
            clout_wire::dates::for_terminal(h.at),
            h.channel,
            h.from.map(|s| s.as_str()).unwrap_or("(added)"),
            h.to.as_str(),
            h.by
        );
    }
}

fn report_text(text: &mut String, r: &clout_app::CampaignReport) {
    let cur = r.campaign.brief.budget.currency;
    let money = |x: f64| Money::from_major_rounded(x, cur).amount();
    let rows: Vec<Vec<String>> = r
        .members
        .iter()
        .map(|m| {
            let f = &m.figures;
            vec![
                format!("{}/{}", m.member.channel.row.platform, m.member.channel.row.handle),
                m.member.stage.as_str().to_string(),
                f.cost.amount(),
                format!("{}/{}", f.delivered, f.planned),
                thousands(f.engagements),
                f.views.map(thousands).unwrap_or_else(|| "-".into()),
                f.cost_per_engagement.map(money).unwrap_or_else(|| "-".into()),
                f.cpm.map(money).unwrap_or_else(|| "-".into()),
                money(f.emv),
                f.revenue.map(|r| r.amount()).unwrap_or_else(|| "-".into()),
                f.roi.map(|x| format!("{:.1} %", x * 100.0)).unwrap_or_else(|| "-".into()),
                match m.versus_plan {
                    Some((_, v)) => v.as_str().to_string(),
                    None => "-".into(),
                },
                if m.undisclosed > 0 { format!("{} missing", m.undisclosed) } else { String::new() },
            ]
        })
        .collect();
    let _ = writeln!(text, "{} · {}", r.campaign.brief.name, cur);
    text.push_str(&table(
        &[
            "CREATOR",
            "STAGE",
            "COST",
            "DELIVERED",
            "ENGAGEMENTS",
            "VIEWS",
            "CPE",
            "CPM",
            "EMV",
            "REVENUE",
            "ROI",
            "VS PLAN",
            "DISCLOSURE",
        ],
        &rows,
        &[2, 3, 4, 5, 6, 7, 8, 9, 10],
    ));
    let t = &r.totals;
    let _ = writeln!(
        text,
        "Budget {} · spent {} · left {} · delivered {}/{}",
        t.budget, t.cost, t.left, t.delivered, t.planned
    );
    let _ = writeln!(
        text,
        "Engagements {} · views {} · cost per engagement {} · CPM {}",
        thousands(t.engagements),
        t.views.map(thousands).unwrap_or_else(|| "-".into()),
        t.cost_per_engagement.map(money).unwrap_or_else(|| "-".into()),
        t.cpm.map(money).unwrap_or_else(|| "-".into())
    );
    let _ = writeln!(text, "EMV {} {cur} (earned media value from the value table: not revenue)", money(t.emv));
    let _ = writeln!(
        text,
        "Attributed revenue {} from {} orders · ROI {}",
        t.revenue,
        t.orders,
        t.roi.map(|x| format!("{:.1} % = (revenue − cost) / cost", x * 100.0)).unwrap_or_else(|| "-".into())
    );
    for (c, why) in &r.excluded {
        let _ = writeln!(text, "not counted: conversions of {} ({why})", c.attribution);
    }
    for d in r.deliverables.iter().filter(|d| d.disclosed == Some(false)) {
        let _ = writeln!(
            text,
            "missing disclosure: deliverable #{} of {} ({})",
            d.id,
            d.channel,
            d.post_ref.clone().unwrap_or_default()
        );
    }
    for d in r.deliverables.iter().filter(|d| d.status == "delivered" && d.post.is_none()) {
        let _ = writeln!(
            text,
            "awaiting data: deliverable #{} of {} is linked to {}, not imported yet",
            d.id,
            d.channel,
            d.post_ref.clone().unwrap_or_default()
        );
    }
}

pub(crate) fn creator(config: AppConfig, cmd: CreatorCommand) -> Result<ExitCode> {
    let op = operator();
    let by = Actor::Operator(&op);
    let mut text = String::new();
    match cmd {
        CreatorCommand::Show { channel, json } => {
            open_read(config)?.read(|app| -> Result<()> {
                let r = app.relationship(&channel, TierPreset::Scrunch)?;
                if json {
                    let _ = writeln!(text, "{}", clout_wire::line(&clout_wire::Relationship::from(&r)));
                } else {
                    let p = &r.profile;
                    let _ = writeln!(text, "{}/{}", r.channel.row.platform, r.channel.row.handle);
                    let _ = writeln!(text, "email: {}", p.email.as_deref().unwrap_or("-"));
                    let _ = writeln!(text, "phone: {}", p.phone.as_deref().unwrap_or("-"));
                    let _ = writeln!(text, "agent: {}", p.agent.as_deref().unwrap_or("-"));
                    let _ = writeln!(text, "tags: {}", p.tags.join(", "));
                    for (name, s) in &r.campaigns {
                        let _ = writeln!(text, "campaign '{name}': {}", s.as_str());
                    }
                    for n in &r.notes {
                        let _ = writeln!(
                            text,
                            "{} {}: {}",
                            clout_wire::dates::for_terminal(n.written_at),
                            n.written_by,
                            n.body
                        );
                    }
                }
                Ok(())
            })?;
        }
        CreatorCommand::Set { channel, email, phone, agent, tags } => {
            open_write(config, "clout creator set")?.write(|app| -> Result<()> {
                let mut p: CreatorProfile = app.relationship(&channel, TierPreset::Scrunch)?.profile;
                if email.is_some() {
                    p.email = email;
                }
                if phone.is_some() {
                    p.phone = phone;
                }
                if agent.is_some() {
                    p.agent = agent;
                }
                if let Some(t) = tags {
                    p.tags = vec![t];
                }
                app.set_creator_profile(by, &channel, &p)?;
                let _ = writeln!(text, "saved {channel}");
                Ok(())
            })?;
        }
        CreatorCommand::Note { channel, text: body } => {
            open_write(config, "clout creator note")?.write(|app| -> Result<()> {
                app.add_creator_note(by, &channel, &body, now())?;
                let _ = writeln!(text, "noted on {channel}");
                Ok(())
            })?;
        }
    }
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
