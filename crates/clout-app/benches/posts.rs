//! Post search at scale (issue 17; not a test: `cargo bench -p clout-app --bench posts`).
//!
//! Uses the store of `CLOUT_BENCH_CHANNELS` demo channels that `--bench text` builds
//! (default 100,000; under `$CARGO_TARGET_TMPDIR/bench-text-N`, every post of each
//! channel's history), and prints:
//! 1. the post index's build from the store (time, posts per second, size on disk);
//! 2. end to end through a fresh `Catalogue` per round (as `clout serve` and `clout posts
//!    search` run it), 30 queries (words from every niche's captions, brands' @mentions and
//!    #hashtags), 5 rounds: a page of 20 posts by relevance with the total, and the newest
//!    20 of the last 90 days;
//! 3. "posted about" Directory searches: each query at least twice in the last 90 days,
//!    the top 50 channels by relevance with the total;
//! 4. the same on SQLite's FTS5, as a skilled SQLite user would write it
//!    (`bench/posts_fts5.py`, its own database built from the same posts), when `python3`
//!    is there.
//!
//! 5. brand safety: every post and comment screened against the default list through
//!    `App::screen_all` (posts per second, end to end and reading plus matching alone),
//!    then, through a fresh `Catalogue` per round, the Directory with `safety_max=low` (the
//!    top 50 by relevance with the total) and brand reports for the six brands of the
//!    queries (as `clout brand @BRAND` answers, over all time); and the audience overlap of a
//!    50-creator shortlist (the 50 largest channels).
//!
//! 6. briefs in plain words (`clout brief`), end to end through a fresh `Catalogue` per
//!    round: 10 briefs (filters, formats, topics), the top 20 with their cited posts.
//!
//! `CLOUT_BENCH_QUERIES_ONLY=1` runs parts 2, 3, 5 and 6 alone (at a million channels, 51
//! million posts, the builds take minutes: 6 for the index, far more for FTS5);
//! `CLOUT_BENCH_NO_FTS5=1` leaves out part 4 alone; `CLOUT_BENCH_ONLY=safety` runs part 5
//! alone, `CLOUT_BENCH_ONLY=briefs` part 6.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clout_app::{Access, Catalogue, CatalogueOptions};
use clout_core::discovery::{DiscoveryQuery, PostedAbout};
use clout_index::posts::{PostDoc, PostIndex};
use clout_store::PostSearch;
use common::{AS_OF, build_store, config, dir_size, env_or, ms, spread};

const ROUNDS: usize = 5;

/// What a marketer looks for in posts: topics, brands and campaign hashtags.
pub(crate) const QUERIES: [&str; 30] = [
    "protein",
    "coffee",
    "budget",
    "routine",
    "skincare",
    "workout",
    "recipe",
    "travel",
    "gaming",
    "sourdough",
    "espresso",
    "hiking",
    "\"meal prep\"",
    "\"road trip\"",
    "@glowlab",
    "@fitfuel",
    "@northpeak.co",
    "@brewhaus",
    "@voltgear",
    "@sunnyside.skin",
    "#ad",
    "#fitness",
    "#vegan",
    "#travel",
    "#skincare",
    "#coffee",
    "honest thoughts",
    "day in my life",
    "new post",
    "tip of the day",
];

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

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
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let queries_only = std::env::var("CLOUT_BENCH_QUERIES_ONLY").is_ok_and(|v| v == "1");
    // A store built by an older version is migrated (and marked stale) by a writer's open.
    let catalogue = Catalogue::open(config(&dir), CatalogueOptions::write("bench")).unwrap();
    let start = Instant::now();
    if catalogue.recompute_if_stale(clout_core::Timestamp::from_unix(AS_OF)).unwrap() {
        println!("(the store was migrated and recomputed in {:.1} s)", start.elapsed().as_secs_f64());
    }
    drop(catalogue);
    if !queries_only {
        build_index(&dir, &data, channels, threads);
    }
    match std::env::var("CLOUT_BENCH_ONLY").as_deref() {
        Ok("briefs") => return briefs(&dir),
        Ok("safety") => return safety(&dir),
        _ => {}
    }
    queries(&dir, &data);
    if !queries_only && !std::env::var("CLOUT_BENCH_NO_FTS5").is_ok_and(|v| v == "1") {
        fts5(&dir, &data);
    }
    safety(&dir);
    briefs(&dir);
}

/// What marketers write in a brief box.
const BRIEFS: [&str; 10] = [
    "vegan home cooks in Australia who post reels about budget meals",
    "micro fitness creators in the US who post videos about protein",
    "skincare routine creators in the UK",
    "Spanish-speaking travel creators on Instagram",
    "coffee espresso creators under 50k followers",
    "gaming creators who post shorts",
    "sourdough baking in the last 3 months",
    "#vegan recipes",
    "hiking \"road trip\" creators from Canada",
    "budget travel tips on TikTok",
];

/// Part 6: briefs.
fn briefs(dir: &std::path::Path) {
    let now = clout_core::Timestamp::from_unix(AS_OF);
    let mut times = Vec::new();
    let mut each: Vec<Vec<Duration>> = vec![Vec::new(); BRIEFS.len()];
    let mut found = 0;
    for _ in 0..ROUNDS {
        let catalogue = Catalogue::open(config(dir), CatalogueOptions::read()).unwrap();
        catalogue.directory().unwrap();
        for (i, brief) in BRIEFS.iter().enumerate() {
            let request = clout_app::BriefRequest { text: brief.to_string(), limit: 20, offset: 0 };
            let t = Instant::now();
            found = catalogue.read(|r| r.brief(&request, now)).unwrap().total;
            times.push(t.elapsed());
            each[i].push(t.elapsed());
        }
    }
    println!(
        "\nbriefs: 10 briefs, the top 20 with 3 cited posts each   {} (last: {found} creators)",
        spread(&mut times)
    );
    for (brief, mut t) in BRIEFS.iter().zip(each) {
        t.sort_unstable();
        println!("  p50 {:7.1} ms  {brief}", ms(t[t.len() / 2]));
    }
}

/// Part 5: brand safety's screening, its Directory filter, and brand reports.
fn safety(dir: &std::path::Path) {
    let now = clout_core::Timestamp::from_unix(AS_OF);
    let catalogue = Catalogue::open(config(dir), CatalogueOptions::write("bench")).unwrap();
    let start = Instant::now();
    let s = catalogue.write(|app| app.screen_all(now)).unwrap();
    let took = start.elapsed().as_secs_f64();
    let flagged: u64 = s.levels.iter().map(|(_, n)| n[2] + n[3]).sum();
    println!(
        "\nbrand safety: {} channels, {} posts and {} comments screened against {} {} in {took:.1} s end to end ({:.0} posts/s); reading and matching {:.1} s ({:.0} posts/s); {} category levels moderate or high",
        s.channels,
        s.posts,
        s.comments,
        s.list_name,
        s.list_version,
        s.posts as f64 / took,
        s.seconds,
        s.posts as f64 / s.seconds,
        flagged
    );
    drop(catalogue);
    let (mut filtered, mut brands) = (Vec::new(), Vec::new());
    let mut kept = 0;
    for _ in 0..ROUNDS {
        let catalogue = Catalogue::open(config(dir), CatalogueOptions::read()).unwrap();
        catalogue.directory().unwrap();
        for q in QUERIES {
            let query = clout_app::search_query(&pairs(&[("q", q), ("safety_max", "low"), ("limit", "50")]), true, now)
                .unwrap();
            let t = Instant::now();
            kept = catalogue.read(|r| r.search(&query)).unwrap().page.total;
            filtered.push(t.elapsed());
        }
        for brand in QUERIES.iter().filter(|q| q.starts_with('@')) {
            let query = clout_app::brand_query(&pairs(&[("brand", brand)]), true, now).unwrap();
            let t = Instant::now();
            catalogue.read(|r| r.brand_report(&query)).unwrap();
            brands.push(t.elapsed());
        }
    }
    println!(
        "  Directory: a keyword, brand safety low at most, 50   {} (last: {kept} channels)",
        spread(&mut filtered)
    );
    println!("  brand report, all time, one of 6 brands              {}", spread(&mut brands));
    // Overlap of a 50-creator shortlist: the 50 largest channels.
    let catalogue = Catalogue::open(config(dir), CatalogueOptions::read()).unwrap();
    let query = clout_app::search_query(&pairs(&[("sort", "followers"), ("limit", "50")]), true, now).unwrap();
    let shortlist: Vec<i64> = catalogue.read(|r| r.search(&query)).unwrap().channels.iter().map(|c| c.row.id).collect();
    let (mut times, mut sampled) = (Vec::new(), 0);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let r = catalogue.read(|r| r.overlap(&shortlist)).unwrap();
        times.push(t.elapsed());
        sampled = r.channels.iter().map(|c| c.sampled).sum::<u64>();
    }
    println!(
        "  overlap of a {}-creator shortlist ({sampled} sampled followers)   {}",
        shortlist.len(),
        spread(&mut times)
    );
}

/// Part 1: the index, built again from the store's posts.
fn build_index(dir: &std::path::Path, data: &std::path::Path, channels: usize, threads: usize) {
    let store = clout_store::Store::open(data, Access::Read, "bench").unwrap();
    let rebuilt = dir.join("rebuilt-post-index");
    std::fs::remove_dir_all(&rebuilt).ok();
    let start = Instant::now();
    let index = PostIndex::open(&rebuilt).unwrap();
    let mut writer = index.writer(threads).unwrap();
    let (mut posts, mut bytes) = (0u64, 0usize);
    store
        .for_each_post_text(clout_store::PostSet::All, &mut |p| {
            posts += 1;
            bytes += p.caption.len() + p.hashtags.len() + p.mentions.len();
            let doc = PostDoc {
                post_id: p.post_id,
                channel_id: p.channel_id,
                platform: p.platform.code(),
                published_at: p.published_at,
                sponsored: p.sponsored,
                engagements: clout_core::engagement::engagements(p.likes, p.comments, p.shares),
                kind: clout_app::post_kind(p.post_type),
                caption: &p.caption,
                hashtags: &p.hashtags,
                mentions: &p.mentions,
            };
            writer.add(&doc).unwrap();
        })
        .unwrap();
    writer.commit("bench").unwrap();
    let took = start.elapsed().as_secs_f64();
    let size = dir_size(&rebuilt);
    println!(
        "{channels} channels, {posts} posts ({:.0} MB of captions, hashtags and mentions): post index built in {took:.1} s on {threads} threads ({:.0} posts/s), {:.0} MB on disk ({:.0} bytes per post)",
        bytes as f64 / 1e6,
        posts as f64 / took,
        size as f64 / 1e6,
        size as f64 / posts.max(1) as f64
    );
    drop(store);
    std::fs::remove_dir_all(&rebuilt).ok();
}

/// Parts 2 and 3, end to end.
fn queries(dir: &std::path::Path, data: &std::path::Path) {
    let _ = data;
    // The data directory's own index (a store built before it gets one here, once).
    let catalogue = Catalogue::open(config(dir), CatalogueOptions::read()).unwrap();
    let start = Instant::now();
    if catalogue.build_post_index_if_needed().unwrap() {
        println!("(the data directory's post index was built in {:.1} s)", start.elapsed().as_secs_f64());
    }
    catalogue.read(|r| r.search(&DiscoveryQuery::everything())).unwrap();
    drop(catalogue);

    // 2 and 3, end to end.
    let now = clout_core::Timestamp::from_unix(AS_OF);
    let since = AS_OF - 90 * 86_400;
    let (mut relevance, mut newest, mut posted) = (Vec::new(), Vec::new(), Vec::new());
    let mut totals = Vec::new();
    let mut open = Duration::ZERO;
    for round in 0..ROUNDS {
        let start = Instant::now();
        let catalogue = Catalogue::open(config(dir), CatalogueOptions::read()).unwrap();
        catalogue.directory().unwrap();
        open = open.max(start.elapsed());
        for q in QUERIES {
            let by_relevance = clout_app::post_query(&pairs(&[("q", q)]), true, now).unwrap();
            let t = Instant::now();
            let found = catalogue.read(|r| r.search_posts(&by_relevance)).unwrap();
            relevance.push(t.elapsed());
            if round == 0 {
                totals.push(found.total);
            }
            let recent =
                clout_app::post_query(&pairs(&[("q", q), ("since", "90d"), ("sort", "newest")]), true, now).unwrap();
            let t = Instant::now();
            catalogue.read(|r| r.search_posts(&recent)).unwrap();
            newest.push(t.elapsed());
            let query = DiscoveryQuery {
                posted: Some(PostedAbout { text: q.to_string(), min_posts: 2, since: Some(since) }),
                limit: 50,
                ..DiscoveryQuery::everything()
            };
            let t = Instant::now();
            catalogue.read(|r| r.search(&query)).unwrap();
            posted.push(t.elapsed());
        }
    }
    totals.sort();
    println!(
        "\n30 queries, {ROUNDS} rounds, each through a fresh Catalogue (opened and loaded in at most {:.0} ms):",
        ms(open)
    );
    println!("  posts by relevance, 20 with the total      {}", spread(&mut relevance));
    println!("  newest posts of the last 90 days, 20       {}", spread(&mut newest));
    println!("  Directory: posted about it twice in 90 d   {}", spread(&mut posted));
    println!(
        "  matching posts per query: min {}, median {}, max {}",
        totals[0],
        totals[totals.len() / 2],
        totals[totals.len() - 1]
    );
}

/// Part 4: FTS5, the same queries, on its own database of the same posts.
fn fts5(dir: &std::path::Path, data: &std::path::Path) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/posts_fts5.py");
    let out = dir.join("fts5-posts.db");
    let status = std::process::Command::new("python3")
        .arg(&script)
        .arg(data.join("clout.db"))
        .arg(&out)
        .arg(AS_OF.to_string())
        .arg(ROUNDS.to_string())
        .args(QUERIES)
        .status();
    match status {
        Ok(s) if s.success() => {}
        other => println!("(the FTS5 baseline did not run: {other:?})"),
    }
}
