//! Keyword search at scale, FTS5 against tantivy on the same text (not a test; run with
//! `cargo bench -p clout-app --bench text`).
//!
//! Builds a store of `CLOUT_BENCH_CHANNELS` demo channels (default 100,000; kept under
//! `$CARGO_TARGET_TMPDIR/bench-text-N`, with the full history: each channel's text is its
//! handle, name, bio and its 30 newest captions and hashtags), then prints:
//! 1. the full-text index's build from the store's text (time, size on disk);
//! 2. per engine, 30 keywords (rare to very common), 5 rounds: p50, p99 and max of the
//!    time to get every matching channel, ranked (BM25) and unranked (neither engine keeps
//!    answers; only the operating system's page cache is warm after the first round);
//! 3. end to end, a Directory search per keyword never searched before (top 50 by
//!    relevance, with the total) through a fresh `Catalogue` per round (as `clout serve`
//!    and `clout search` run it; its memory of recent keywords starts empty), with the
//!    index, and without it (FTS5, as before the index existed).
//!
//! `CLOUT_BENCH_DIRECTORY_ONLY=1` runs the third part alone, with the index only (at a
//! million channels the first two take several minutes).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clout_app::{Access, Catalogue, CatalogueOptions};
use clout_core::discovery::{DiscoveryQuery, SortKey};
use clout_core::text::TextQuery;
use clout_index::text::{TextDoc, TextIndex};
use clout_store::TextSearch;
use common::{build_store, config, dir_size, env_or, ms, spread};

const ROUNDS: usize = 5;

/// Keywords a marketer types, from words every channel says to words a few do.
const WORDS: [&str; 30] = [
    "day",
    "love",
    "new",
    "today",
    "morning",
    "best",
    "tips",
    "home",
    "weekend",
    "family",
    "workout",
    "makeup",
    "recipe",
    "travel",
    "coffee",
    "skincare",
    "budget",
    "hiking",
    "podcast",
    "routine",
    "vegan",
    "sourdough",
    "tutorial",
    "gaming",
    "photography",
    "parenting",
    "deadlift",
    "eyeliner",
    "espresso",
    "kombucha",
];

fn main() {
    let channels = env_or("CLOUT_BENCH_CHANNELS", 100_000);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-text-{channels}"));
    if !dir.join("complete").exists() && !dir.join("world-written").exists() {
        std::fs::remove_dir_all(&dir).ok();
    }
    if !dir.join("complete").exists() {
        build_store(&dir, channels);
    }
    let data = config(&dir).data_dir;
    let store = clout_store::Store::open(&data, Access::Read, "bench").unwrap();
    let queries: Vec<TextQuery> = WORDS.iter().map(|w| TextQuery::parse(w).unwrap().unwrap()).collect();

    let directory_only = std::env::var("CLOUT_BENCH_DIRECTORY_ONLY").is_ok_and(|v| v == "1");
    if directory_only {
        drop(store);
        directory_searches(&dir, &data, &[true]);
        return;
    }
    // 1. The index, built again from the store's text.
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let rebuilt = dir.join("rebuilt-text-index");
    std::fs::remove_dir_all(&rebuilt).ok();
    let start = Instant::now();
    let index = TextIndex::open(&rebuilt).unwrap();
    let mut writer = index.writer(threads).unwrap();
    let (mut docs, mut bytes) = (0u64, 0usize);
    let version = store
        .for_each_search_text(&mut |t| {
            docs += 1;
            bytes += t.handle.len() + t.name.len() + t.bio.len() + t.captions.len() + t.hashtags.len();
            let doc = TextDoc {
                channel_id: t.channel_id,
                handle: &t.handle,
                name: &t.name,
                bio: &t.bio,
                captions: &t.captions,
                hashtags: &t.hashtags,
            };
            writer.add(&doc).unwrap();
        })
        .unwrap();
    writer.commit(&format!("{version:?}")).unwrap();
    println!(
        "{channels} channels ({docs} texts, {:.0} MB of text): full-text index built in {:.1} s on {threads} threads, {:.0} MB on disk ({:.0} bytes per channel)",
        bytes as f64 / 1e6,
        start.elapsed().as_secs_f64(),
        dir_size(&rebuilt) as f64 / 1e6,
        dir_size(&rebuilt) as f64 / docs.max(1) as f64
    );
    let reader = index.reader().unwrap().unwrap();

    // 2. Every match of each keyword, per engine.
    println!("\nevery match of 30 keywords, {ROUNDS} rounds:");
    let mut counts = Vec::new();
    for (label, ranked) in [("ranked (BM25)", true), ("unranked", false)] {
        let (mut fts, mut tantivy) = (Vec::new(), Vec::new());
        for q in (0..ROUNDS).flat_map(|_| &queries) {
            let t = Instant::now();
            let a = if ranked { store.text_matches(q).unwrap() } else { store.text_matches_unranked(q).unwrap() };
            fts.push(t.elapsed());
            let t = Instant::now();
            let b = reader.search(q, ranked).unwrap();
            tantivy.push(t.elapsed());
            assert_eq!(a.len(), b.len(), "{q}: both engines find the same channels");
            if ranked && counts.len() < queries.len() {
                counts.push(a.len());
            }
        }
        println!("  {label:<14} FTS5     {}", spread(&mut fts));
        println!("  {label:<14} tantivy  {}", spread(&mut tantivy));
    }
    counts.sort();
    println!(
        "  matches per keyword: min {}, median {}, max {} (of {channels})",
        counts[0],
        counts[counts.len() / 2],
        counts[counts.len() - 1]
    );

    directory_searches(&dir, &data, &[true, false]);
}

/// Part 3, end to end: a Directory search per keyword, with the index and (when asked)
/// without it.
fn directory_searches(dir: &Path, data: &Path, with: &[bool]) {
    println!(
        "\nDirectory search, top 50 by relevance with the total, each keyword new to its Catalogue, {ROUNDS} rounds:"
    );
    let index_dir = data.join(clout_app::TEXT_INDEX_DIR);
    let aside = dir.join("text-index-aside");
    // The Directory's snapshot is written once first, so both runs load it alike.
    let warm = Catalogue::open(config(dir), CatalogueOptions::read()).unwrap();
    warm.read(|r| r.search(&DiscoveryQuery::everything())).unwrap();
    drop(warm);
    for &with_index in with {
        if !with_index {
            std::fs::rename(&index_dir, &aside).unwrap();
        }
        let (mut times, mut open, mut first) = (Vec::new(), Duration::ZERO, Duration::ZERO);
        for _ in 0..ROUNDS {
            let start = Instant::now();
            let catalogue = Catalogue::open(config(dir), CatalogueOptions::read()).unwrap();
            open = open.max(start.elapsed());
            // The Directory's load, apart.
            let start = Instant::now();
            catalogue.directory().unwrap();
            first = first.max(start.elapsed());
            for w in WORDS {
                let query = DiscoveryQuery {
                    text: Some(w.to_string()),
                    sort: SortKey::Relevance,
                    limit: 50,
                    ..DiscoveryQuery::everything()
                };
                let t = Instant::now();
                catalogue.read(|r| r.search(&query)).unwrap();
                times.push(t.elapsed());
            }
        }
        println!(
            "  {:<18} {}   (Catalogue opened in at most {:.0} ms, the Directory loaded in at most {:.0} ms)",
            if with_index { "full-text index" } else { "FTS5 (no index)" },
            spread(&mut times),
            ms(open),
            ms(first)
        );
        if !with_index {
            std::fs::rename(&aside, &index_dir).unwrap();
        }
    }
}
