//! The CLI's wire format: the JSON objects of `channels`, `show` and `import`, and
//! aligned tables for people. The JSON field names are a stable, documented surface
//! (docs/json.md); the tables are not.

use clout_app::{ChannelView, MetricsRecord};
use clout_core::{Metric, NullReason};
use serde_json::{Map, Value, json};

/// Writes to stdout, returning the error (a closed pipe, say) instead of panicking as
/// `print!` does; `main` treats a broken pipe as a normal end.
pub(crate) fn emit(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// RFC 3339 in UTC, seconds precision.
pub(crate) fn time(t: clout_core::Timestamp) -> String {
    jiff::Timestamp::from_second(t.unix()).map(|t| t.to_string()).unwrap_or_else(|_| t.unix().to_string())
}

fn put_metric<T: Into<Value>>(obj: &mut Map<String, Value>, name: &str, m: Metric<T>) {
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

/// The names of every metric, in output order (metrics.md names).
pub(crate) const METRIC_NAMES: &[&str] = &[
    "engagement_rate",
    "median_engagement_rate",
    "engagement_rate_by_views",
    "viral_skew",
    "engagement_cv",
    "avg_likes",
    "avg_comments",
    "avg_shares",
    "avg_views",
    "comments_per_100_likes",
    "posts_in_window",
    "posts_per_week",
    "follower_growth_30d",
    "benchmark_bucket",
    "engagement_percentile",
    "engagement_label",
    "engagement_index",
];

/// The object `clout channels --json` prints for one channel.
pub(crate) fn channel_json(v: &ChannelView) -> Map<String, Value> {
    let r = &v.row;
    let mut o = Map::new();
    o.insert("platform".into(), r.platform.as_str().into());
    o.insert("handle".into(), r.handle.clone().into());
    let no_record = NullReason::NoChannelRecord;
    put_metric(&mut o, "followers", r.followers.ok_or(no_record));
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
    match &r.metrics {
        Some(m) => put_metrics(&mut o, m),
        None => {
            for name in ["window_rule", "window_eligible_until", "window_after"] {
                put_metric::<Value>(&mut o, name, Err(no_record));
            }
            for name in METRIC_NAMES {
                put_metric::<Value>(&mut o, name, Err(no_record));
            }
        }
    }
    o
}

fn put_metrics(o: &mut Map<String, Value>, m: &MetricsRecord) {
    o.insert("window_rule".into(), m.window_rule.as_str().into());
    o.insert("window_eligible_until".into(), time(m.eligible_until).into());
    o.insert("window_after".into(), time(m.thirty_days_after).into());
    put_metric(o, "engagement_rate", m.engagement_rate);
    put_metric(o, "median_engagement_rate", m.median_engagement_rate);
    put_metric(o, "engagement_rate_by_views", m.engagement_rate_by_views);
    put_metric(o, "viral_skew", m.viral_skew);
    put_metric(o, "engagement_cv", m.engagement_cv);
    put_metric(o, "avg_likes", m.avg_likes);
    put_metric(o, "avg_comments", m.avg_comments);
    put_metric(o, "avg_shares", m.avg_shares);
    put_metric(o, "avg_views", m.avg_views);
    put_metric(o, "comments_per_100_likes", m.comments_per_100_likes);
    o.insert("posts_in_window".into(), m.posts_in_window.into());
    o.insert("posts_per_week".into(), json!(m.posts_per_week));
    put_metric(o, "follower_growth_30d", m.follower_growth_30d);
    put_metric(o, "benchmark_bucket", m.bucket.map(|b| b.as_str()).ok_or(NullReason::NoBucket));
    put_metric(o, "engagement_percentile", m.engagement_percentile);
    put_metric(o, "engagement_label", m.engagement_label.map(|l| l.as_str()));
    put_metric(o, "engagement_index", m.engagement_index);
}

/// A number with thousands separators: 12,500.
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A metric for people: two decimals, or `-` when null.
pub(crate) fn fixed2(m: Metric<f64>) -> String {
    m.map(|v| format!("{v:.2}")).unwrap_or_else(|_| "-".to_string())
}

/// A table with a header row; columns listed in `right` are right-aligned.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = widths[i] - cell.chars().count();
            if right.contains(&i) {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else {
                s.push_str(cell);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(pad));
                }
            }
        }
        let mut s = s.trim_end().to_string();
        s.push('\n');
        s
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}
