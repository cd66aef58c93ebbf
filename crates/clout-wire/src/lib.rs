//! The JSON shapes Clout prints and serves: one definition for the CLI's `--json` and
//! the HTTP API, documented in docs/json.md. Field names are a stable surface.

use clout_app::{ChannelProfile, ChannelRow, ChannelView, ImportSummary, QualityReport, Similar};
use clout_core::discovery::FacetCounts;
use clout_core::{Metric, NullReason};
use serde_json::{Map, Value, json};

/// RFC 3339 in UTC, seconds precision.
pub fn time(t: clout_core::Timestamp) -> String {
    jiff::Timestamp::from_second(t.unix()).map(|t| t.to_string()).unwrap_or_else(|_| t.unix().to_string())
}

pub fn put_metric<T: Into<Value>>(obj: &mut Map<String, Value>, name: &str, m: Metric<T>) {
    match m {
        Ok(v) => {
            obj.insert(name.to_string(), v.into());
        }
        Err(reason) => {
            obj.insert(name.to_string(), Value::Null);
            obj.insert(format!("{name}_reason"), reason.code().into());
        }
    }
}

/// The object `clout channels --json` prints for one channel.
pub fn channel_json(v: &ChannelView) -> Map<String, Value> {
    let r = &v.row;
    let mut o = Map::new();
    o.insert("platform".into(), r.platform.as_str().into());
    o.insert("handle".into(), r.handle.clone().into());
    let no_record = NullReason::NoChannelRecord;
    put_metric(&mut o, "tier", v.tier.map(|t| t.as_str()).ok_or(no_record));
    put_metric(&mut o, "as_of", r.as_of.map(time).ok_or(no_record));
    o.insert("name".into(), r.name.clone().into());
    o.insert("country".into(), r.country.clone().into());
    o.insert("language".into(), r.language.clone().into());
    o.insert("category".into(), r.category.clone().into());
    o.insert("verified".into(), r.verified.into());
    o.insert("creator_id".into(), r.creator_id.clone().into());
    let not_computed = NullReason::NotComputed;
    put_metric(&mut o, "quality_score", r.quality.map(|q| q.score).ok_or(not_computed));
    put_metric(&mut o, "quality_low", r.quality.map(|q| q.low).ok_or(not_computed));
    put_metric(&mut o, "quality_high", r.quality.map(|q| q.high).ok_or(not_computed));
    let niches: Vec<Value> = v.niches.iter().map(|n| json!({"niche": n.niche, "confidence": n.confidence})).collect();
    o.insert("niches".into(), niches.into());
    put_metrics(&mut o, r);
    o
}

/// The window and every metric of the catalogue (`clout_core::metric::METRICS`): a value,
/// or `null` with `<name>_reason` beside it.
pub fn put_metrics(o: &mut Map<String, Value>, r: &ChannelRow) {
    match &r.metrics {
        Some(m) => {
            o.insert("window_rule".into(), m.window_rule.as_str().into());
            o.insert("window_eligible_until".into(), time(m.eligible_until).into());
            o.insert("window_after".into(), time(m.thirty_days_after).into());
        }
        None => {
            for name in ["window_rule", "window_eligible_until", "window_after"] {
                put_metric::<Value>(o, name, Err(NullReason::NoChannelRecord));
            }
        }
    }
    for def in clout_core::metric::METRICS {
        put_metric(o, def.name, clout_app::metric_value(r, def.key).map(metric_json));
    }
}

/// A metric's value as JSON: exact numbers, names as their ids.
pub fn metric_json(v: clout_core::metric::MetricValue) -> Value {
    use clout_core::metric::MetricValue;
    match v {
        MetricValue::Count(n) => n.into(),
        MetricValue::Number(x) => json!(x),
        MetricValue::Flag(b) => b.into(),
        MetricValue::Name(s) => s.into(),
    }
}

/// The object `clout show --json` prints.
pub fn profile_json(p: &ChannelProfile, preset: &str) -> Map<String, Value> {
    let r = &p.view.row;
    let mut o = channel_json(&p.view);
    o.insert("tier_preset".into(), preset.into());
    o.insert("bio".into(), r.bio.clone().into());
    o.insert("url".into(), r.url.clone().into());
    o.insert("email".into(), r.email.clone().into());
    o.insert("following".into(), r.following.into());
    o.insert("posts_count".into(), r.posts_count.into());
    o.insert("is_business".into(), r.is_business.into());
    o.insert("is_private".into(), r.is_private.into());
    o.insert("posts_stored".into(), p.posts.len().into());
    let niches: Vec<Value> = p
        .view
        .niches
        .iter()
        .map(|n| {
            json!({
                "niche": n.niche,
                "confidence": n.confidence,
                "score": n.score,
                "method": "derived",
                "evidence": n.evidence.iter().map(|(field, count, term)| json!({"term": term, "field": field, "count": count})).collect::<Vec<_>>(),
            })
        })
        .collect();
    o.insert("niches".into(), niches.into());
    let measured = json!({
        "method": "measured",
        "source": r.source,
        "observed_at": r.as_of.map(time),
    });
    let m = r.metrics.as_ref();
    o.insert(
        "provenance".into(),
        json!({
            "followers": measured,
            "profile": measured,
            "tier": {"method": "derived", "from": "followers", "preset": preset},
            "metrics": {
                "method": "derived",
                "from": "the current observation of each window post, and the follower history",
                "window_rule": m.map(|m| m.window_rule.as_str()),
                "posts_in_window": m.map(|m| m.posts_in_window),
            },
            "engagement_percentile": {
                "method": "derived",
                "peers": p.peers.as_ref().map(|b| json!({
                    "platform": b.platform.as_str(),
                    "bucket": b.bucket.as_str(),
                    "channels": b.channels,
                    "median_engagement_rate": b.median_rate,
                })),
            },
            "engagement_index": {
                "method": "derived",
                "size_fit": p.fit.map(|f| json!({"a": f.a, "b": f.b, "n": f.n})),
            },
        }),
    );
    let posts: Vec<Value> = p
        .posts
        .iter()
        .filter(|post| post.in_window)
        .map(|post| {
            let s = &post.post.snapshot;
            json!({
                "post_id": s.post_id,
                "published_at": time(s.published_at),
                "observed_at": time(post.post.observed_at),
                "likes": s.likes,
                "comments": s.comments,
                "shares": s.shares,
                "views": s.views,
                "saves": post.post.saves,
                "engagements": s.engagements(),
                "engagement_rate": post.rate,
                "type": post.post.post_type,
                "url": post.post.url,
                "sponsored": post.post.sponsored,
                "observations": post.post.observations,
                "method": "measured",
                "source": post.post.source,
            })
        })
        .collect();
    o.insert("window_posts".into(), posts.into());
    let history: Vec<Value> = p
        .history
        .iter()
        .map(|h| {
            json!({
                "observed_at": time(h.observed_at),
                "followers": h.followers,
                "record": if h.from_channel_record { "channel" } else { "followers" },
                "method": "measured",
                "source": h.source,
            })
        })
        .collect();
    o.insert("follower_history".into(), history.into());
    o
}

/// Facet counts: `{"platform": {"instagram": 12, ...}, "tier": ..., ...}`.
pub fn facets_json(f: &FacetCounts) -> Value {
    let group =
        |v: &[(String, u64)]| -> Value { Value::Object(v.iter().map(|(k, n)| (k.clone(), Value::from(*n))).collect()) };
    json!({
        "platform": group(&f.platform),
        "tier": group(&f.tier),
        "country": group(&f.country),
        "language": group(&f.language),
        "niche": group(&f.niche),
    })
}

/// The object `clout similar --json` prints for one lookalike.
pub fn similar_json(s: &Similar) -> Map<String, Value> {
    let mut o = channel_json(&s.channel);
    let l = &s.lookalike;
    o.insert(
        "similarity".into(),
        json!({"score": l.similarity, "niches": l.niches, "hashtags": l.hashtags, "size": l.size}),
    );
    o
}

/// The object `clout quality P/H --json` prints.
pub fn quality_json(r: &QualityReport) -> Value {
    let q = &r.score;
    let components: Vec<Value> = q
        .components
        .iter()
        .map(|c| {
            json!({"name": c.name, "penalty": c.penalty, "available": c.available,
                "explanation": c.explanation, "evidence": c.evidence})
        })
        .collect();
    json!({"platform": r.view.row.platform.as_str(), "handle": r.view.row.handle,
        "quality_score": q.score, "quality_low": q.low, "quality_high": q.high,
        "method": "derived", "components": components})
}

/// The object `clout import --json` prints.
pub fn import_json(summary: &ImportSummary) -> Value {
    json!({
        "accepted": summary.accepted,
        "rejected": summary.rejected,
        "rejects_file": summary.rejects_file.as_ref().map(|p| p.display().to_string()),
        "channels": summary.channels,
        "posts": summary.posts,
    })
}

fn round2(x: f64) -> Value {
    // `+ 0.0` turns a negative zero (an empty sum) into zero.
    if x.is_finite() { json!((x * 100.0).round() / 100.0 + 0.0) } else { Value::Null }
}

/// An exact amount as a JSON number of major units (`120.5`): the nearest double to the
/// decimal prints as that decimal, so nothing is lost for any amount below 2^53 minor units.
pub fn amount_json(m: &clout_core::money::Money) -> Value {
    m.decimal().parse::<f64>().map(Value::from).unwrap_or(Value::Null)
}

/// Puts `name` (a number of major units), `name_minor` (integer minor units) beside each other.
fn put_money(o: &mut Map<String, Value>, name: &str, m: &clout_core::money::Money) {
    o.insert(name.to_string(), amount_json(m));
    o.insert(format!("{name}_minor"), m.minor.into());
}

fn spread_json(s: &clout_core::outcome::Spread, method: &str) -> Value {
    json!({"p10": round2(s.p10), "p50": round2(s.p50), "p90": round2(s.p90), "mean": round2(s.mean), "method": method})
}

/// A price estimate (all figures estimated, in the card's currency).
pub fn estimate_json(e: &clout_core::price::Estimate, card: &str) -> Value {
    json!({
        "deliverable": e.deliverable.as_str(),
        "currency": e.currency.as_str(),
        "low": round2(e.low),
        "point": round2(e.point),
        "high": round2(e.high),
        "method": "estimated",
        "calibrated": e.calibration.is_some(),
        "calibration": e.calibration.map(|c| json!({
            "factor": round2(c.factor),
            "deals": c.deals,
            "platform": c.platform.map(|p| p.as_str()),
            "q1": round2(c.q1),
            "q3": round2(c.q3),
        })),
        "model": {"low": round2(e.model_low), "point": round2(e.model_point), "high": round2(e.model_high)},
        "impressions": {"low": e.impressions_low.round(), "high": e.impressions_high.round()},
        "reach_rate": {"low": e.reach_low, "high": e.reach_high},
        "cpm": e.cpm,
        "reach_factor": e.reach_factor,
        "cpm_factor": e.cpm_factor,
        "er_ratio": e.er_ratio.map(|r| (r * 1000.0).round() / 1000.0),
        "er_factor": (e.er_factor * 1000.0).round() / 1000.0,
        "rule_of_thumb": round2(e.rule_of_thumb),
        "rate_card": card,
    })
}

/// `engagements`, `views`, `reach` and `value`, each `{p10, p50, p90, mean, method}`.
fn put_expected(o: &mut Map<String, Value>, e: &clout_core::outcome::Expected) {
    o.insert("engagements".into(), spread_json(&e.engagements, "derived"));
    o.insert("views".into(), spread_json(&e.views, e.views_method.as_str()));
    o.insert("reach".into(), spread_json(&e.reach, "estimated"));
    o.insert("value".into(), spread_json(&e.value, "estimated"));
    o.insert("posts_in_window".into(), e.outcomes.len().into());
}

/// `clout price --json`.
pub fn price_json(r: &clout_app::PriceReport) -> Value {
    let mut o = Map::new();
    o.insert("platform".into(), r.channel.row.platform.as_str().into());
    o.insert("handle".into(), r.channel.row.handle.clone().into());
    o.insert("followers".into(), r.channel.row.followers.into());
    o.insert("deliverable".into(), r.estimate.deliverable.as_str().into());
    // The answer first: the range, then how it was made under `estimate`.
    o.insert("currency".into(), r.estimate.currency.as_str().into());
    o.insert("low".into(), round2(r.estimate.low));
    o.insert("point".into(), round2(r.estimate.point));
    o.insert("high".into(), round2(r.estimate.high));
    o.insert("method".into(), "estimated".into());
    o.insert("calibrated".into(), r.estimate.calibration.is_some().into());
    o.insert("verdict".into(), r.quote.as_ref().map(|q| q.verdict.as_str()).into());
    o.insert("estimate".into(), estimate_json(&r.estimate, &r.card));
    o.insert(
        "quote".into(),
        match &r.quote {
            Some(q) => json!({
                "amount": q.quote.decimal(),
                "currency": q.quote.currency.as_str(),
                "verdict": q.verdict.as_str(),
                "ratio": (q.ratio * 1000.0).round() / 1000.0,
            }),
            None => Value::Null,
        },
    );
    match &r.expected {
        Ok(e) => put_expected(&mut o, e),
        Err(reason) => {
            for k in ["engagements", "views", "reach", "value"] {
                o.insert(k.into(), Value::Null);
            }
            o.insert("expected_reason".into(), expectation_reason(reason).into());
        }
    }
    o.insert("deals".into(), r.deals.into());
    o.insert(
        "unused_deals".into(),
        r.unused_deals
            .iter()
            .map(|d| json!({"platform": d.platform.as_str(), "handle": d.handle, "reason": d.reason}))
            .collect::<Vec<_>>()
            .into(),
    );
    Value::Object(o)
}

/// Why a channel has no expected results, as a sentence.
pub fn expectation_reason(reason: &clout_core::outcome::NoExpectation) -> String {
    match reason {
        clout_core::outcome::NoExpectation::TooFewPosts(n) => {
            format!("{n} posts in the engagement window; expected results need at least 5")
        }
        clout_core::outcome::NoExpectation::NoRates => "the rate card has no rates for this platform".to_string(),
    }
}

/// One pick of a plan: the channel, its price and the expected results of `clout price --json`.
pub fn pick_json(p: &clout_app::Pick, card: &str) -> Value {
    let mut o = Map::new();
    o.insert("platform".into(), p.channel.row.platform.as_str().into());
    o.insert("handle".into(), p.channel.row.handle.clone().into());
    o.insert("followers".into(), p.channel.row.followers.into());
    o.insert("tier".into(), p.channel.tier.map(|t| t.as_str()).into());
    put_money(&mut o, "price", &p.price);
    o.insert("currency".into(), p.price.currency.as_str().into());
    o.insert("estimate".into(), estimate_json(&p.estimate, card));
    put_expected(&mut o, &p.expected);
    o.insert("why".into(), p.why.clone().into());
    Value::Object(o)
}

/// `clout plan --json`: the picks and the totals.
pub fn portfolio_json(p: &clout_app::Portfolio, card: &str) -> Value {
    let left = clout_core::money::Money::new(p.budget.minor - p.cost.minor, p.budget.currency);
    let totals = p.totals.map(|t| {
        let mut o = Map::new();
        o.insert("engagements".into(), spread_json(&t.engagements, "derived"));
        o.insert("views".into(), spread_json(&t.views, "estimated"));
        o.insert("reach".into(), spread_json(&t.reach, "estimated"));
        o.insert("value".into(), spread_json(&t.value, "estimated"));
        o.insert("draws".into(), t.draws.into());
        put_money(&mut o, "cost", &p.cost);
        o.insert("cost_per_engagement".into(), p.cost_per_engagement.map(round2).into());
        o.insert("cpm".into(), p.cpm.map(round2).into());
        o.insert("engagements_per_unit".into(), p.engagements_per_unit.map(|x| (x * 1000.0).round() / 1000.0).into());
        o.insert(
            "engagements_spread".into(),
            if t.engagements.p50 > 0.0 {
                round2((t.engagements.p90 - t.engagements.p10) / t.engagements.p50)
            } else {
                Value::Null
            },
        );
        o.insert("creators".into(), p.picks.len().into());
        Value::Object(o)
    });
    let mut o = Map::new();
    o.insert("scenario".into(), p.scenario.as_str().into());
    o.insert("goal".into(), p.goal.as_str().into());
    o.insert("currency".into(), p.budget.currency.as_str().into());
    put_money(&mut o, "budget", &p.budget);
    o.insert("budget_text".into(), p.budget.decimal().into());
    put_money(&mut o, "cost", &p.cost);
    put_money(&mut o, "left", &left);
    o.insert("picks".into(), p.picks.iter().map(|x| pick_json(x, card)).collect::<Vec<_>>().into());
    o.insert("totals".into(), totals.into());
    o.insert("optimal".into(), p.optimal.into());
    o.insert("gap".into(), json!((p.gap * 1e6).round() / 1e6));
    o.insert("greedy_value".into(), p.greedy_value.map(round2).into());
    o.insert("nodes".into(), p.nodes.into());
    o.insert("solve_ms".into(), json!((p.solve_time.as_secs_f64() * 1e4).round() / 10.0));
    o.insert("matched".into(), p.matched.into());
    o.insert("candidates".into(), p.candidates.into());
    o.insert(
        "skipped".into(),
        Value::Object(p.skipped.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<Map<_, _>>()),
    );
    o.insert("infeasible".into(), p.infeasible.clone().into());
    Value::Object(o)
}

/// `clout plan --compare --json`.
pub fn comparison_json(c: &clout_app::Comparison, card: &str) -> Value {
    json!({
        "micro": portfolio_json(&c.micro, card),
        "top_tier": portfolio_json(&c.top_tier, card),
        "unconstrained": portfolio_json(&c.unconstrained, card),
    })
}

mod campaigns;

pub use campaigns::{campaign_detail_json, campaign_json, relationship_json, report_json, token_json, user_json};
