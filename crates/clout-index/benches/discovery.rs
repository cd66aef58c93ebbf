//! Discovery query latency at Directory scale (not a test; run with
//! `cargo bench -p clout-index --bench discovery`; `CLOUT_BENCH_CHANNELS=1000000,10000000`
//! sets the sizes).
//!
//! The channels are synthetic rows with the demo world's distributions (power-law
//! followers, engagement falling with size, niches, countries), generated directly:
//! ten million demo channels with their posts would not fit a benchmark's minutes.
//! A text query is represented by the set of channels it matched (1 % of them, as a
//! common word would), because text matching happens before the index.
//!
//! The same rows and queries then run in DuckDB (`bench/duckdb_discovery.sh`, which makes
//! its own virtual environment) and the ratio is printed; the totals must agree.
//! `CLOUT_BENCH_DUCKDB=0` skips that part.
//!
//! Last, the Directory page's disjunctive facets with two groups chosen: one pass, beside
//! what the page did before, three conjunctive searches (the query, then the query with
//! each chosen group cleared); the facets must agree.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::time::Instant;

use clout_core::discovery::{Bounds, DiscoveryQuery, Facets, SortKey};
use clout_core::{EngagementLabel, Platform, Tier};
use clout_index::{DiscoveryIndex, IndexedChannel};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

const NICHES: [&str; 30] = [
    "fitness",
    "beauty",
    "fashion",
    "food",
    "travel",
    "parenting",
    "gaming",
    "tech",
    "finance",
    "pets",
    "music",
    "sport",
    "home",
    "vegan",
    "photography",
    "art",
    "books",
    "diy",
    "gardening",
    "cars",
    "outdoors",
    "wellness",
    "comedy",
    "education",
    "science",
    "skincare",
    "coffee",
    "wedding",
    "dance",
    "crypto",
];
const COUNTRIES: [&str; 12] = ["US", "GB", "AU", "CA", "IN", "DE", "FR", "ES", "BR", "MX", "IT", "JP"];
const LANGUAGES: [&str; 8] = ["en", "de", "fr", "es", "pt", "it", "ja", "hi"];

fn rows(n: usize) -> Vec<IndexedChannel> {
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    (0..n)
        .map(|i| {
            let u: f64 = rng.random::<f64>().max(1e-9);
            let followers = (800.0 / u.powf(1.0 / 1.05)).min(2e7) as u64;
            let rate = 5.0 * (followers as f64 / 5_000.0).powf(-0.33) * (0.5 + rng.random::<f64>());
            let index = rate / (5.0 * (followers as f64 / 5_000.0).powf(-0.33));
            let country = rng.random_range(0..COUNTRIES.len());
            let mut niches = vec![NICHES[rng.random_range(0..30)].to_string()];
            if rng.random::<f64>() < 0.25 {
                niches.push(NICHES[rng.random_range(0..30)].to_string());
            }
            let active = rng.random::<f64>() > 0.08;
            IndexedChannel {
                channel_id: i as i64 + 1,
                platform: [Platform::Instagram, Platform::Tiktok, Platform::Youtube, Platform::X]
                    [rng.random_range(0..4)],
                followers: Some(followers),
                country: Some(COUNTRIES[country].to_string()),
                language: Some(LANGUAGES[country.min(LANGUAGES.len() - 1)].to_string()),
                niches,
                engagement_rate: active.then_some(rate),
                median_rate: None,
                label: active.then(|| EngagementLabel::from_rate(rate)),
                engagement_index: active.then_some(index),
                growth: (rng.random::<f64>() > 0.1).then(|| rng.random_range(-3.0..8.0)),
                posts_per_week: Some(rng.random_range(0.0..10.0)),
                quality: Some(rng.random_range(20.0..100.0)),
                verified: Some(rng.random::<f64>() < 0.02),
                has_email: rng.random::<f64>() < 0.3,
                as_of: Some(1_795_176_000),
            }
        })
        .collect()
}

/// Niche confidences and 3 to 8 hashtags per channel: most from its niche's 40 tags
/// (the first ones far more often), some from anywhere.
fn lookalike_profiles(rows: &[IndexedChannel]) -> Vec<clout_index::LookalikeProfile> {
    let mut rng = Pcg64Mcg::seed_from_u64(11);
    rows.iter()
        .map(|r| {
            let niches: Vec<(String, f64)> = r.niches.iter().map(|n| (n.clone(), rng.random_range(0.3..1.0))).collect();
            let home = r.niches.first().cloned().unwrap_or_default();
            let mut tags: Vec<String> = (0..rng.random_range(3..=8))
                .map(|_| {
                    if rng.random::<f64>() < 0.8 {
                        let k = (rng.random::<f64>().powi(2) * 40.0) as usize;
                        format!("{home}{k}")
                    } else {
                        format!("any{}", rng.random_range(0..2_000))
                    }
                })
                .collect();
            tags.sort();
            tags.dedup();
            (r.channel_id, niches, tags)
        })
        .collect()
}

/// A named query, with the text matches it stands for.
type Case = (&'static str, DiscoveryQuery, Option<HashMap<i64, f64>>);

fn queries(n: usize) -> Vec<Case> {
    let base = DiscoveryQuery::everything();
    let text: HashMap<i64, f64> = (1..=n as i64).filter(|id| id % 100 == 7).map(|id| (id, (id % 13) as f64)).collect();
    vec![
        (
            "filters: instagram, micro, AU, er >= 3, top 50 by index",
            DiscoveryQuery {
                platforms: vec![Platform::Instagram],
                tiers: vec![Tier::Micro],
                countries: vec!["AU".to_string()],
                engagement_rate: Bounds { min: Some(3.0), max: None },
                sort: SortKey::EngagementIndex,
                limit: 50,
                ..base.clone()
            },
            None,
        ),
        (
            "broad: micro tier, facets",
            DiscoveryQuery { tiers: vec![Tier::Micro], facets: Facets::Conjunctive, limit: 50, ..base.clone() },
            None,
        ),
        (
            "keyword (1 %) + instagram + er >= 2, by relevance",
            DiscoveryQuery {
                text: Some("word".to_string()),
                platforms: vec![Platform::Instagram],
                engagement_rate: Bounds { min: Some(2.0), max: None },
                limit: 50,
                ..base.clone()
            },
            Some(text),
        ),
        (
            "niche vegan, sort by engagement rate",
            DiscoveryQuery {
                niches: vec!["vegan".to_string()],
                sort: SortKey::EngagementRate,
                limit: 50,
                ..base.clone()
            },
            None,
        ),
        (
            "everything, facets, by followers",
            DiscoveryQuery { facets: Facets::Conjunctive, sort: SortKey::Followers, limit: 50, ..base },
            None,
        ),
    ]
}

/// Writes the rows as CSV for DuckDB, with the text query's matches as two columns.
fn write_csv(path: &std::path::Path, rows: &[IndexedChannel], text: &HashMap<i64, f64>) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "channel_id,platform,followers,tier,country,language,niche1,niche2,er,label,idx,growth,ppw,verified,has_email,text_hit,text_score").unwrap();
    let opt = |v: Option<f64>| v.map(|x| format!("{x:?}")).unwrap_or_default();
    for r in rows {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.channel_id,
            r.platform.as_str(),
            r.followers.map(|f| f.to_string()).unwrap_or_default(),
            r.followers.map(|f| Tier::for_followers(f, clout_core::TierPreset::Scrunch).as_str()).unwrap_or_default(),
            r.country.as_deref().unwrap_or_default(),
            r.language.as_deref().unwrap_or_default(),
            r.niches.first().map(String::as_str).unwrap_or_default(),
            r.niches.get(1).map(String::as_str).unwrap_or_default(),
            opt(r.engagement_rate),
            r.label.map(|l| l.as_str()).unwrap_or_default(),
            opt(r.engagement_index),
            opt(r.growth),
            opt(r.posts_per_week),
            r.verified.map(|v| v.to_string()).unwrap_or_default(),
            r.has_email,
            text.contains_key(&r.channel_id),
            text.get(&r.channel_id).copied().unwrap_or(0.0),
        )
        .unwrap();
    }
}

fn duckdb(csv: &std::path::Path) -> Option<Vec<serde_json::Value>> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/duckdb_discovery.sh");
    let out = std::process::Command::new("bash").arg(script).arg(csv).output().ok()?;
    if !out.status.success() {
        eprintln!("duckdb comparison failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
}

fn main() {
    let sizes: Vec<usize> = std::env::var("CLOUT_BENCH_CHANNELS")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000_000, 10_000_000]);
    let compare = std::env::var("CLOUT_BENCH_DUCKDB").map(|v| v != "0").unwrap_or(true);
    let tmp = tempfile::tempdir().unwrap();
    for n in sizes {
        let data = rows(n);
        let csv = tmp.path().join(format!("rows-{n}.csv"));
        if compare {
            write_csv(&csv, &data, &queries(n)[2].2.clone().unwrap());
        }
        let profiles = lookalike_profiles(&data);
        let t = Instant::now();
        let mut index = DiscoveryIndex::build(data);
        index.set_lookalike_profiles(profiles);
        let build = t.elapsed().as_secs_f64();
        // The snapshot a server starts from, written and read back in memory.
        let mut snapshot = Vec::new();
        let t = Instant::now();
        index.write_snapshot(&mut snapshot, b"bench").unwrap();
        let written = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let read = DiscoveryIndex::read_snapshot(&snapshot, b"bench").map(|ix| ix.len());
        let reread = t.elapsed().as_secs_f64();
        assert_eq!(read, Some(n));
        println!(
            "{n} channels: index built in {build:.2} s (lookalike profiles included), {:.0} bytes per channel in memory; snapshot {:.0} bytes per channel, written in {written:.2} s, read in {reread:.2} s",
            index.heap_bytes() as f64 / n as f64,
            snapshot.len() as f64 / n as f64
        );
        let theirs = if compare { duckdb(&csv) } else { None };
        let mut all_ours = Vec::new();
        for (name, q, text) in queries(n) {
            let mut times: Vec<f64> = Vec::new();
            let mut total = 0;
            for _ in 0..15 {
                let t = Instant::now();
                let page = index.search(&q, text.as_ref());
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                total = page.total;
            }
            times.sort_by(f64::total_cmp);
            let p50 = times[times.len() / 2];
            let p99 = times[times.len() - 1];
            all_ours.extend_from_slice(&times);
            print!("  {name:<55} p50 {p50:>7.1} ms  p99 {p99:>7.1} ms  ({total} matches)");
            match theirs.as_ref().and_then(|t| t.iter().find(|o| o["name"] == name)) {
                Some(d) => {
                    let (dp50, dtotal) = (d["p50_ms"].as_f64().unwrap_or(f64::NAN), d["total"].as_u64().unwrap_or(0));
                    assert_eq!(dtotal, total, "DuckDB and Clout disagree on the total of {name}");
                    println!("   DuckDB p50 {dp50:>7.1} ms: {:.1}x", dp50 / p50);
                }
                None => println!(),
            }
        }
        // Lookalikes of 15 channels spread over the index (no DuckDB counterpart: a
        // weighted Jaccard over niches and hashtag sets is not one SQL query).
        let mut times: Vec<f64> = Vec::new();
        let mut found = 0;
        for k in 0..15 {
            let id = (k as i64 * 7_919 * (n as i64 / 100_000).max(1)) % n as i64 + 1;
            let t = Instant::now();
            found += index.lookalikes(id, 20).len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        if std::env::var_os("CLOUT_BENCH_VERBOSE").is_some() {
            println!("  lookalike runs (ms): {times:.1?}");
        }
        times.sort_by(f64::total_cmp);
        println!(
            "  {:<55} p50 {:>7.1} ms  p99 {:>7.1} ms  ({found} lookalikes over 15 channels)",
            "lookalikes: top 20 of one channel",
            times[times.len() / 2],
            times[times.len() - 1]
        );
        all_ours.extend_from_slice(&times);
        all_ours.sort_by(f64::total_cmp);
        println!(
            "  all queries: p50 {:.1} ms, p99 {:.1} ms",
            all_ours[all_ours.len() / 2],
            all_ours[(all_ours.len() * 99 / 100).min(all_ours.len() - 1)]
        );
        if let Some(t) = &theirs {
            let mut d: Vec<f64> = t.iter().filter_map(|o| o["p50_ms"].as_f64()).collect();
            d.sort_by(f64::total_cmp);
            if !d.is_empty() {
                println!("  DuckDB median of per-query p50s: {:.1} ms", d[d.len() / 2]);
            }
        }
        disjunctive(&index);
    }
}

/// p50 and p99 of 15 runs, in milliseconds.
fn timed(mut run: impl FnMut()) -> (f64, f64) {
    let mut times: Vec<f64> = (0..15)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[times.len() - 1])
}

/// Instagram, US and an engagement floor with disjunctive facets: one pass, and the three
/// conjunctive searches the Directory page ran before for the same facets.
fn disjunctive(index: &DiscoveryIndex) {
    let q = DiscoveryQuery {
        platforms: vec![Platform::Instagram],
        countries: vec!["US".to_string()],
        engagement_rate: Bounds { min: Some(2.0), max: None },
        facets: Facets::Disjunctive,
        limit: 50,
        ..DiscoveryQuery::everything()
    };
    let three = || {
        let conjunctive = DiscoveryQuery { facets: Facets::Conjunctive, ..q.clone() };
        let mut page = index.search(&conjunctive, None);
        let facets = page.facets.as_mut().unwrap();
        let cleared = |clear: fn(&mut DiscoveryQuery)| {
            let mut other = DiscoveryQuery { limit: 0, offset: 0, ..conjunctive.clone() };
            clear(&mut other);
            index.search(&other, None).facets.unwrap()
        };
        facets.platform = cleared(|o| o.platforms.clear()).platform;
        facets.country = cleared(|o| o.countries.clear()).country;
        page
    };
    let page = index.search(&q, None);
    assert_eq!(page, three(), "one pass and three searches disagree");
    let (p50, p99) = timed(|| drop(index.search(&q, None)));
    let name = "disjunctive: instagram + US, er >= 2 (2 groups), one pass";
    println!("  {name:<55} p50 {p50:>7.1} ms  p99 {p99:>7.1} ms  ({} matches)", page.total);
    let (p50, p99) = timed(|| drop(three()));
    let name = "  the same as 3 conjunctive searches (before)";
    println!("  {name:<55} p50 {p50:>7.1} ms  p99 {p99:>7.1} ms");
}
