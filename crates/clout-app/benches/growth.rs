//! The growth-anomaly check on the demo world, whose generator knows which channels
//! bought followers (not a test; `cargo bench -p clout-app --bench growth`).
//!
//! A channel is flagged when its history has a sudden gain with no viral post to
//! explain it. Prints precision and recall of that flag against the truth.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use clout_core::Timestamp;
use clout_core::authenticity::{RatedPost, growth_anomalies};

#[derive(Default)]
struct Channel {
    bought: Option<bool>,
    followers: Option<u64>,
    history: Vec<(Timestamp, u64)>,
    posts: Vec<(String, i64, u64)>,
}

fn time(v: &serde_json::Value) -> i64 {
    match v {
        serde_json::Value::Number(n) => n.as_i64().unwrap(),
        serde_json::Value::String(s) => s.parse::<jiff::Timestamp>().unwrap().as_second(),
        _ => panic!("no time"),
    }
}

fn main() {
    let channels: usize = std::env::var("CLOUT_BENCH_CHANNELS").ok().and_then(|s| s.parse().ok()).unwrap_or(5_000);
    let mut world = Vec::new();
    clout_app::write_demo_world(&mut world, 42, channels, Timestamp::from_unix(1_795_176_000)).unwrap();
    let mut by_key: HashMap<(String, String), Channel> = HashMap::new();
    for line in world.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let v: serde_json::Value = serde_json::from_slice(line).unwrap();
        let key = (v["platform"].as_str().unwrap().to_string(), v["handle"].as_str().unwrap().to_lowercase());
        let c = by_key.entry(key).or_default();
        match v["kind"].as_str().unwrap() {
            "channel" => {
                let f = v["followers"].as_u64().unwrap();
                c.history.push((Timestamp::from_unix(time(&v["observed_at"])), f));
                if let Some(b) = v["demo_truth"]["bought_followers"].as_bool() {
                    c.bought = Some(b);
                    c.followers = Some(f);
                }
            }
            "followers" => {
                c.history.push((Timestamp::from_unix(time(&v["observed_at"])), v["followers"].as_u64().unwrap()))
            }
            "post" => {
                let e = v["likes"].as_u64().unwrap_or(0)
                    + v["comments"].as_u64().unwrap_or(0)
                    + v["shares"].as_u64().unwrap_or(0);
                c.posts.push((v["post_id"].to_string(), time(&v["published_at"]), e));
            }
            _ => {}
        }
    }
    let (mut tp, mut fp, mut fn_, mut tn, mut unjudged) = (0, 0, 0, 0, 0);
    for c in by_key.values() {
        let (Some(bought), Some(followers)) = (c.bought, c.followers) else { continue };
        let posts: Vec<RatedPost> = c
            .posts
            .iter()
            .map(|(id, t, e)| RatedPost {
                post_id: id.clone(),
                published_at: Timestamp::from_unix(*t),
                rate: *e as f64 / followers.max(1) as f64 * 100.0,
            })
            .collect();
        let Some(check) = growth_anomalies(&c.history, &posts) else {
            unjudged += 1;
            continue;
        };
        let flagged = check.anomalies.iter().any(|a| a.change > 0.0 && a.viral_post.is_none());
        match (flagged, bought) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => tn += 1,
        }
    }
    println!(
        "demo world, {} channels judged ({unjudged} with too little history): bought followers flagged with precision {:.1} % and recall {:.1} % (tp {tp}, fp {fp}, fn {fn_}, tn {tn})",
        tp + fp + fn_ + tn,
        100.0 * tp as f64 / (tp + fp).max(1) as f64,
        100.0 * tp as f64 / (tp + fn_).max(1) as f64
    );
}
