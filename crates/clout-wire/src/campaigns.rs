//! Campaigns, their members, deliverables and report, creators' relationships, users and
//! tokens as JSON.

use super::*;

fn money_pair(o: &mut Map<String, Value>, name: &str, m: Option<clout_core::money::Money>) {
    o.insert(name.to_string(), m.as_ref().map(amount_json).unwrap_or(Value::Null));
    o.insert(format!("{name}_minor"), m.map(|m| m.minor).into());
}

fn opt_time(t: Option<clout_core::Timestamp>) -> Value {
    t.map(time).into()
}

/// A campaign's brief.
pub fn campaign_json(c: &clout_app::Campaign) -> Value {
    let b = &c.brief;
    let mut o = Map::new();
    o.insert("id".into(), c.id.into());
    o.insert("name".into(), b.name.clone().into());
    o.insert("goal".into(), b.goal.clone().into());
    o.insert("niche".into(), b.niche.clone().into());
    o.insert("starts_on".into(), opt_time(b.starts_on));
    o.insert("ends_on".into(), opt_time(b.ends_on));
    o.insert("currency".into(), b.budget.currency.as_str().into());
    money_pair(&mut o, "budget", Some(b.budget));
    o.insert("budget_text".into(), b.budget.decimal().into());
    o.insert("key_messages".into(), b.key_messages.clone().into());
    o.insert("disclosure".into(), b.disclosure.clone().into());
    o.insert("created_by".into(), c.created_by.clone().into());
    o.insert("created_at".into(), time(c.created_at).into());
    o.insert("from_plan".into(), c.from_plan.into());
    Value::Object(o)
}

fn member_json(m: &clout_app::Member) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("platform".into(), m.channel.row.platform.as_str().into());
    o.insert("handle".into(), m.channel.row.handle.clone().into());
    o.insert("followers".into(), m.channel.row.followers.into());
    o.insert("tier".into(), m.channel.tier.map(|t| t.as_str()).into());
    o.insert("stage".into(), m.stage.as_str().into());
    money_pair(&mut o, "fee", m.fee);
    // The exact decimal, for forms (a number such as 1500.0 would not read back in yen).
    o.insert("fee_text".into(), m.fee.map(|f| f.decimal()).into());
    money_pair(&mut o, "planned_price", m.planned);
    o.insert(
        "expected_engagements".into(),
        m.expected.map(|(a, b, c)| json!({"p10": round2(a), "p50": round2(b), "p90": round2(c)})).into(),
    );
    o.insert("added_by".into(), m.added_by.clone().into());
    o.insert("added_at".into(), time(m.added_at).into());
    o
}

fn deliverable_json(d: &clout_app::DeliverableView) -> Value {
    let post = d.post.as_ref().map(|p| {
        json!({
            "post_id": p.snapshot.post_id,
            "url": p.url,
            "published_at": time(p.snapshot.published_at),
            "likes": p.snapshot.likes,
            "comments": p.snapshot.comments,
            "shares": p.snapshot.shares,
            "views": p.snapshot.views,
            "engagements": p.snapshot.engagements(),
            "observations": p.history.len(),
        })
    });
    json!({
        "id": d.id,
        "channel": d.channel,
        "type": d.kind,
        "due_on": opt_time(d.due_on),
        "status": d.status,
        "overdue": d.overdue,
        "post_ref": d.post_ref,
        "linked_by": d.linked_by,
        "post": post,
        "awaiting_data": d.status == "delivered" && d.post.is_none(),
        "disclosed": d.disclosed,
    })
}

/// `clout campaign show --json`: the brief, members, deliverables and stage history.
pub fn campaign_detail_json(
    c: &clout_app::Campaign,
    members: &[clout_app::Member],
    r: &clout_app::CampaignReport,
) -> Value {
    json!({
        "campaign": campaign_json(c),
        "members": members.iter().map(|m| Value::Object(member_json(m))).collect::<Vec<_>>(),
        "deliverables": r.deliverables.iter().map(deliverable_json).collect::<Vec<_>>(),
        "history": r.history.iter().map(|h| json!({
            "channel": h.channel, "from": h.from.map(|s| s.as_str()), "to": h.to.as_str(), "by": h.by, "at": time(h.at)
        })).collect::<Vec<_>>(),
    })
}

fn figures_json(o: &mut Map<String, Value>, f: &clout_core::campaign::MemberFigures) {
    o.insert("planned_deliverables".into(), f.planned.into());
    o.insert("delivered".into(), f.delivered.into());
    o.insert("engagements".into(), f.engagements.into());
    o.insert("views".into(), f.views.into());
    o.insert("reach".into(), Value::Null);
    o.insert("reach_reason".into(), "reach is not public; no imported record carries it".into());
    money_pair(o, "cost", Some(f.cost));
    o.insert("cost_per_engagement".into(), f.cost_per_engagement.map(|x| (x * 10_000.0).round() / 10_000.0).into());
    o.insert("cpm".into(), f.cpm.map(|x| (x * 100.0).round() / 100.0).into());
    o.insert("emv".into(), round2(f.emv));
    o.insert("orders".into(), f.orders.into());
    money_pair(o, "revenue", f.revenue);
    o.insert("roi".into(), f.roi.map(|x| (x * 10_000.0).round() / 10_000.0).into());
}

/// `clout campaign report --json`.
pub fn report_json(r: &clout_app::CampaignReport) -> Value {
    let members: Vec<Value> = r
        .members
        .iter()
        .map(|m| {
            let mut o = member_json(&m.member);
            figures_json(&mut o, &m.figures);
            o.insert(
                "versus_plan".into(),
                m.versus_plan
                    .map(|(per_post, v)| json!({"engagements_per_post": round2(per_post), "verdict": v.as_str()}))
                    .into(),
            );
            o.insert("undisclosed_posts".into(), m.undisclosed.into());
            Value::Object(o)
        })
        .collect();
    let t = &r.totals;
    let mut totals = Map::new();
    money_pair(&mut totals, "budget", Some(t.budget));
    money_pair(&mut totals, "cost", Some(t.cost));
    money_pair(&mut totals, "left", Some(t.left));
    totals.insert("planned_deliverables".into(), t.planned.into());
    totals.insert("delivered".into(), t.delivered.into());
    totals.insert("engagements".into(), t.engagements.into());
    totals.insert("views".into(), t.views.into());
    totals
        .insert("cost_per_engagement".into(), t.cost_per_engagement.map(|x| (x * 10_000.0).round() / 10_000.0).into());
    totals.insert("cpm".into(), t.cpm.map(|x| (x * 100.0).round() / 100.0).into());
    totals.insert("emv".into(), round2(t.emv));
    totals.insert("orders".into(), t.orders.into());
    money_pair(&mut totals, "revenue", Some(t.revenue));
    totals.insert("roi".into(), t.roi.map(|x| (x * 10_000.0).round() / 10_000.0).into());
    totals.insert("undisclosed_posts".into(), r.members.iter().map(|m| m.undisclosed).sum::<usize>().into());
    let conv = |c: &clout_app::ConversionRow| json!({"code": c.code, "link": c.link, "orders": c.orders, "revenue_minor": c.revenue_minor, "currency": c.currency, "observed_at": time(c.observed_at)});
    json!({
        "campaign": campaign_json(&r.campaign),
        "currency": r.campaign.brief.budget.currency.as_str(),
        "members": members,
        "totals": Value::Object(totals),
        "deliverables": r.deliverables.iter().map(deliverable_json).collect::<Vec<_>>(),
        "unattributed_conversions": r.unattributed.iter().map(conv).collect::<Vec<_>>(),
        "excluded_conversions": r.excluded.iter().map(|(c, why)| { let mut v = conv(c); v["reason"] = why.clone().into(); v }).collect::<Vec<_>>(),
        "timeline": r.timeline.iter().map(|(t, e)| json!({"at": time(*t), "engagements": e})).collect::<Vec<_>>(),
        "emv_label": format!("EMV (earned media value, from the value table of rate card {}): not revenue, not ROI", r.value_table),
    })
}

/// `clout creator show --json`.
pub fn relationship_json(r: &clout_app::Relationship) -> Value {
    json!({
        "platform": r.channel.row.platform.as_str(),
        "handle": r.channel.row.handle,
        "email": r.profile.email,
        "phone": r.profile.phone,
        "agent": r.profile.agent,
        "tags": r.profile.tags,
        "notes": r.notes.iter().map(|n| json!({"id": n.id, "body": n.body, "by": n.written_by, "at": time(n.written_at)})).collect::<Vec<_>>(),
        "campaigns": r.campaigns.iter().map(|(name, stage)| json!({"campaign": name, "stage": stage.as_str()})).collect::<Vec<_>>(),
    })
}

/// An account (never its password hash).
pub fn user_json(u: &clout_app::User) -> Value {
    json!({"id": u.id, "username": u.username, "role": u.role.as_str(), "disabled": u.disabled,
        "created_at": time(u.created_at)})
}

/// An API token's public facts (never the secret, which is shown once at creation).
pub fn token_json(t: &clout_app::TokenRow) -> Value {
    json!({"id": t.id, "name": t.name, "prefix": t.prefix, "user": t.username, "scope": t.scope,
        "created_at": time(t.created_at), "expires_at": t.expires_at.map(time)})
}
