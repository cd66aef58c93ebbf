//! The wire's own rules: a missing value is `null` with its reason beside it, a present
//! one has no reason, and the metrics' schema is the catalogue's.

use clout_app::{ChannelRow, ChannelView, MetricsRecord};
use clout_core::metric::METRICS;
use clout_core::{Bucket, EngagementLabel, NullReason, Platform, Timestamp, WindowRule};
use serde_json::{Value, json};
use utoipa::PartialSchema;

use crate::{Channel, ChannelMetrics, line};

fn row(metrics: Option<MetricsRecord>) -> ChannelRow {
    ChannelRow {
        id: 1,
        platform: Platform::Instagram,
        handle: "ada_cooks".to_string(),
        followers: metrics.as_ref().map(|_| 12_000),
        as_of: metrics.as_ref().map(|_| Timestamp::from_unix(1_795_176_000)),
        name: None,
        bio: None,
        url: None,
        email: None,
        country: Some("AU".to_string()),
        language: None,
        category: None,
        following: None,
        posts_count: None,
        verified: None,
        is_business: None,
        is_private: None,
        creator_id: None,
        source: None,
        metrics,
        quality: None,
    }
}

fn view(metrics: Option<MetricsRecord>) -> ChannelView {
    ChannelView { row: row(metrics), tier: None, niches: Vec::new() }
}

fn as_json(c: &Channel) -> Value {
    serde_json::from_str(&line(c)).unwrap()
}

#[test]
fn a_channel_without_a_channel_record_says_why_every_metric_is_null() {
    let v = as_json(&Channel::from(&view(None)));
    for name in ["window_rule", "window_eligible_until", "window_after", "tier", "as_of"] {
        assert_eq!(v[name], Value::Null, "{name}");
        assert_eq!(v[format!("{name}_reason")], "no_channel_record", "{name}");
    }
    for d in METRICS {
        assert_eq!(v[d.name], Value::Null, "{}", d.name);
        assert_eq!(v[format!("{}_reason", d.name)], "no_channel_record", "{}", d.name);
    }
    // Quality is derived later than the record: not computed yet.
    assert_eq!(v["quality_score_reason"], "not_computed");
    assert_eq!(v["country"], "AU");
}

#[test]
fn a_value_has_no_reason_and_a_null_has_its_own() {
    let t = Timestamp::from_unix(1_795_176_000);
    let metrics = MetricsRecord {
        window_rule: WindowRule::LastTwelvePosts,
        eligible_until: t,
        thirty_days_after: t,
        posts_in_window: 3,
        engagement_rate: Ok(4.25),
        median_engagement_rate: Ok(4.0),
        engagement_rate_by_views: Err(NullReason::NoViews),
        viral_skew: Ok(false),
        engagement_cv: Ok(0.5),
        avg_likes: Ok(500.0),
        avg_comments: Ok(10.0),
        avg_shares: Err(NullReason::NotExposed),
        avg_views: Err(NullReason::NoViews),
        comments_per_100_likes: Ok(2.0),
        posts_per_week: 1.5,
        follower_growth_30d: Err(NullReason::NoHistory),
        bucket: Some(Bucket::ALL[3]),
        engagement_percentile: Err(NullReason::TooFewPeers),
        engagement_label: Ok(EngagementLabel::ALL[0]),
        engagement_index: Err(NullReason::TooFewPeers),
    };
    let v = as_json(&Channel::from(&view(Some(metrics))));
    assert_eq!(v["engagement_rate"], json!(4.25));
    assert!(v.get("engagement_rate_reason").is_none(), "a value has no reason: {v}");
    assert_eq!(v["followers"], 12_000);
    assert_eq!(v["posts_in_window"], 3);
    assert_eq!(v["viral_skew"], false);
    assert_eq!(v["benchmark_bucket"], Bucket::ALL[3].as_str());
    assert_eq!(v["engagement_label"], EngagementLabel::ALL[0].as_str());
    assert_eq!(v["window_rule"], "last_12_posts");
    assert_eq!((&v["avg_shares"], &v["avg_shares_reason"]), (&Value::Null, &json!("not_exposed")));
    assert_eq!(v["follower_growth_30d_reason"], "no_history");
    assert_eq!(v["engagement_index_reason"], "too_few_peers");
    // The fields print in the catalogue's order, after the window.
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let position = |k: &str| keys.iter().position(|x| *x == k).unwrap();
    assert!(position("window_after") < position(METRICS[0].name));
    for pair in METRICS.windows(2) {
        assert!(position(pair[0].name) < position(pair[1].name), "{} before {}", pair[0].name, pair[1].name);
    }
}

#[test]
fn the_metrics_schema_has_every_metric_of_the_catalogue_with_its_type_and_reason() {
    let schema = serde_json::to_value(ChannelMetrics::schema()).unwrap();
    let props = schema["properties"].as_object().unwrap();
    // The window's three fields, then a value and a reason per metric.
    assert_eq!(props.len(), 2 * (3 + METRICS.len()));
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    for d in METRICS {
        assert!(required.contains(&d.name), "{} is always present (a value or null)", d.name);
        assert!(!required.contains(&format!("{}_reason", d.name).as_str()));
    }
    let types = |name: &str| props[name]["type"].clone();
    assert_eq!(types("followers"), json!(["integer", "null"]));
    assert_eq!(types("engagement_rate"), json!(["number", "null"]));
    assert_eq!(types("viral_skew"), json!(["boolean", "null"]));
    assert_eq!(types("engagement_label"), json!(["string", "null"]));
    let labels = props["engagement_label"]["enum"].as_array().unwrap();
    assert_eq!(labels.len(), EngagementLabel::ALL.len() + 1, "every label, and null");
    let reasons = props["avg_views_reason"]["enum"].as_array().unwrap();
    assert_eq!(reasons.len(), NullReason::ALL.len());
}
