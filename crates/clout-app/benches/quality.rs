//! The audience-quality score on the demo world, whose generator knows which channels
//! bought followers or sit in engagement pods (not a test; `cargo bench -p clout-app
//! --bench quality`; `CLOUT_BENCH_CHANNELS` sets the size).
//!
//! Prints the ROC AUC of the score for "bought or pod" against the rest (1.0: every
//! suspicious channel scores lower than every clean one), per kind, the time to score
//! every channel, and two explained examples.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::time::Instant;

use clout_app::{Access, App, AppConfig, ChannelQuery, ImportOptions, Silent};
use clout_core::{TierPreset, Timestamp};

/// AUC: the chance that a suspicious channel scores lower than a clean one (ties half).
fn auc(suspicious: &[f64], clean: &[f64]) -> f64 {
    let mut wins = 0.0;
    for s in suspicious {
        for c in clean {
            wins += if s < c {
                1.0
            } else if s == c {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / (suspicious.len() * clean.len()) as f64
}

fn main() {
    let channels: usize = std::env::var("CLOUT_BENCH_CHANNELS").ok().and_then(|s| s.parse().ok()).unwrap_or(5_000);
    let tmp = tempfile::tempdir().unwrap();
    let world = tmp.path().join("world.ndjson");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&world).unwrap());
    clout_app::write_demo_world(&mut out, 42, channels, Timestamp::from_unix(1_795_176_000)).unwrap();
    drop(out);
    // (platform, handle) → (bought, pod)
    let mut truth: HashMap<(String, String), (bool, bool)> = HashMap::new();
    for line in std::fs::read_to_string(&world).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(t) = v.get("demo_truth") {
            truth.insert(
                (v["platform"].as_str().unwrap().to_string(), v["handle"].as_str().unwrap().to_lowercase()),
                (t["bought_followers"].as_bool().unwrap(), t["pod"].as_bool().unwrap()),
            );
        }
    }
    let mut app = App::open(
        AppConfig { data_dir: tmp.path().join("data"), niches_file: None, rate_card_file: None },
        Access::Write,
        "bench",
    )
    .unwrap();
    let options = ImportOptions {
        clock: || Timestamp::from_unix(1_795_262_400),
        strict: false,
        batch_size: 50_000,
        limits: Default::default(),
        max_decompressed_bytes: None,
        answers_observed_at: None,
        csv_map: None,
    };
    app.import(&[world], &options, &mut Silent).unwrap();
    let t = Instant::now();
    let scores = app.quality_all().unwrap();
    let elapsed = t.elapsed().as_secs_f64();
    let views = app.channels(&ChannelQuery { platform: None, tier: None, preset: TierPreset::Scrunch }).unwrap();
    let key_of: HashMap<i64, (String, String)> =
        views.iter().map(|v| (v.row.id, (v.row.platform.as_str().to_string(), v.row.handle.clone()))).collect();
    let (mut bought, mut pods, mut clean) = (Vec::new(), Vec::new(), Vec::new());
    let mut examples = Vec::new();
    for (id, q) in &scores {
        let Some(&(b, p)) = key_of.get(id).and_then(|k| truth.get(k)) else { continue };
        if b {
            bought.push(q.score);
        } else if p {
            pods.push(q.score);
        } else {
            clean.push(q.score);
        }
        if (b && examples.is_empty()) || (p && examples.len() == 1) {
            examples.push((key_of[id].clone(), q.clone()));
        }
    }
    let suspicious: Vec<f64> = bought.iter().chain(&pods).copied().collect();
    println!("{} channels scored in {elapsed:.2} s", scores.len());
    println!(
        "ROC AUC, bought or pod vs clean: {:.3} (bought {:.3}, pods {:.3}; {} bought, {} pods, {} clean)",
        auc(&suspicious, &clean),
        auc(&bought, &clean),
        auc(&pods, &clean),
        bought.len(),
        pods.len(),
        clean.len()
    );
    for ((platform, handle), q) in examples {
        println!("{platform}/{handle}: {:.0} (range {:.0}-{:.0})", q.score, q.low, q.high);
        for c in q.components.iter().filter(|c| c.penalty > 0.0) {
            println!("  -{:.0} {}: {} {:?}", c.penalty, c.name, c.explanation, c.evidence);
        }
    }
}
