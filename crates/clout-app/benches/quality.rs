//! The audience-quality score on the demo world, whose generator knows which channels
//! bought followers or sit in engagement pods (not a test; `cargo bench -p clout-app
//! --bench quality`; `CLOUT_BENCH_CHANNELS` sets the size).
//!
//! Prints the ROC AUC of the score for "bought or pod" against the rest (1.0: every
//! suspicious channel scores lower than every clean one), per kind, the time to score
//! every channel, and two explained examples. Then the followers samples: for each true
//! kind of follower (real, inactive, mass follower, influencer, bought), how the built-in
//! classifier types them, so that inactive people called suspicious and bought accounts
//! let through both show; and the estimated suspicious share of each sampled channel
//! against its true bought share. Finally the distribution of the score.

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
    // (platform/handle, username) → the follower's true kind
    let mut follower_truth: HashMap<(String, String), String> = HashMap::new();
    for line in std::fs::read_to_string(&world).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["kind"] == "follower" {
            let channel =
                format!("{}/{}", v["platform"].as_str().unwrap(), v["handle"].as_str().unwrap().to_lowercase());
            let kind = v["demo_truth"]["type"].as_str().unwrap().to_string();
            follower_truth.insert((channel, v["username"].as_str().unwrap().to_string()), kind);
            continue;
        }
        if let Some(t) = v.get("demo_truth") {
            truth.insert(
                (v["platform"].as_str().unwrap().to_string(), v["handle"].as_str().unwrap().to_lowercase()),
                (t["bought_followers"].as_bool().unwrap(), t["pod"].as_bool().unwrap()),
            );
        }
    }
    let mut app = App::open(
        AppConfig {
            data_dir: tmp.path().join("data"),
            niches_file: None,
            rate_card_file: None,
            vectors_file: None,
            store: None,
        },
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
    app.import(std::slice::from_ref(&world), &options, &mut Silent).unwrap();
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
    followers(&app, &world, &follower_truth);
    distribution(&scores);
}

/// How the classifier types the demo world's sampled followers, by their true kind, and
/// how close each sampled channel's estimated suspicious share is to its true one.
fn followers(app: &App, world: &std::path::Path, truth: &HashMap<(String, String), String>) {
    use clout_core::follower::AudienceType;
    let check = app.check_followers(world).unwrap();
    // true kind → counts per verdict type
    let mut table: std::collections::BTreeMap<&str, [usize; 5]> = Default::default();
    // channel → (verdict kinds, true bought count, rates)
    type Sampled = (Vec<AudienceType>, usize, (Option<f64>, Option<f64>));
    let mut channels: HashMap<&str, Sampled> = HashMap::new();
    for c in &check.followers {
        let Some(kind) = truth.get(&(c.channel.to_lowercase(), c.username.clone())) else { continue };
        table.entry(kind.as_str()).or_default()[c.verdict.kind as usize] += 1;
        let entry = channels.entry(c.channel.as_str()).or_insert((Vec::new(), 0, c.rates));
        entry.0.push(c.verdict.kind);
        entry.1 += usize::from(kind == "bought");
    }
    println!(
        "\nfollowers samples: {} followers of {} channels, typed by the built-in model",
        check.followers.len(),
        channels.len()
    );
    println!("{:<14} {:>7}  {}", "true kind", "n", AudienceType::ALL.map(|t| format!("{:>13}", t.as_str())).join(""));
    for (kind, counts) in &table {
        let n: usize = counts.iter().sum();
        let cells: String = counts.iter().map(|&k| format!("{:>12.1}%", 100.0 * k as f64 / n as f64)).collect();
        println!("{kind:<14} {n:>7}  {cells}");
    }
    let (mut errors, mut inside) = (Vec::new(), 0);
    for (kinds, bought, rates) in channels.values() {
        let s = clout_core::authenticity::SampleSummary::of(kinds.iter().copied(), rates.0, rates.1).suspicious;
        let true_share = *bought as f64 / kinds.len() as f64;
        errors.push((s.share - true_share).abs());
        inside += usize::from(s.low <= true_share && true_share <= s.high);
    }
    errors.sort_by(f64::total_cmp);
    if !errors.is_empty() {
        println!(
            "estimated suspicious share vs the sample's true bought share: median error {:.1} points, 90th percentile {:.1}; the 95 % range holds the truth for {:.1} % of channels",
            100.0 * errors[errors.len() / 2],
            100.0 * errors[errors.len() * 9 / 10],
            100.0 * inside as f64 / errors.len() as f64
        );
    }
}

/// The audience-quality score's distribution: how many channels score exactly 100, and
/// the deciles.
fn distribution(scores: &[(i64, clout_core::authenticity::QualityScore)]) {
    let mut s: Vec<f64> = scores.iter().map(|(_, q)| q.score).collect();
    s.sort_by(f64::total_cmp);
    if s.is_empty() {
        return;
    }
    let at_100 = s.iter().filter(|&&x| x >= 100.0).count();
    let deciles: Vec<String> = (1..10).map(|d| format!("{:.0}", s[s.len() * d / 10])).collect();
    println!(
        "\nscore distribution: {:.1} % of channels at 100; deciles {}",
        100.0 * at_100 as f64 / s.len() as f64,
        deciles.join(" / ")
    );
}
