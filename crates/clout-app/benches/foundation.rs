//! The foundation's performance targets, measured (not a test):
//!
//! 1. import throughput on a ~2-million-post file from the demo generator
//!    (target: at least 200,000 posts/s on 2 cores);
//! 2. the time to recompute every metric for 100,000 channels with ~3 million posts
//!    (target: under 5 s), and, beside it, the time to label their niches.
//!
//! Run with `cargo bench -p clout-app --bench foundation`. `CLOUT_BENCH_SCALE=0.1`
//! shrinks both worlds tenfold for a quick look.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use clout_app::{Access, App, AppConfig, ImportOptions, ImportProgress};
use clout_core::Timestamp;

/// 2026-11-20T12:00:00Z.
const AS_OF: i64 = 1_795_176_000;

struct Clock {
    parsing_done: Option<Instant>,
}

impl ImportProgress for Clock {
    fn recomputing(&mut self) {
        self.parsing_done = Some(Instant::now());
    }
}

fn scale() -> f64 {
    std::env::var("CLOUT_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0)
}

/// Writes a world whose size is chosen to reach `target_posts` (estimated from a small sample).
fn world(path: &Path, seed: u64, channels: usize) -> clout_app::DemoStats {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).expect("create world file"));
    let stats =
        clout_app::write_demo_world(&mut out, seed, channels, Timestamp::from_unix(AS_OF)).expect("write world");
    out.flush().expect("flush world");
    stats
}

fn channels_for_posts(target_posts: f64) -> usize {
    let sample = clout_app::write_demo_world(std::io::sink(), 1, 2_000, Timestamp::from_unix(AS_OF)).expect("sample");
    ((target_posts / (sample.posts as f64 / 2_000.0)).round() as usize).max(100)
}

fn import(dir: &Path, file: &Path) -> (App, f64, f64) {
    let mut app = App::open(
        AppConfig {
            data_dir: dir.to_path_buf(),
            niches_file: None,
            rate_card_file: None,
            vectors_file: None,
            store: None,
        },
        Access::Write,
        "bench",
    )
    .expect("open");
    let options = ImportOptions {
        clock: || Timestamp::from_unix(AS_OF + 86_400),
        strict: false,
        batch_size: 50_000,
        limits: Default::default(),
        max_decompressed_bytes: None,
        answers_observed_at: None,
        csv_map: None,
    };
    let mut clock = Clock { parsing_done: None };
    let start = Instant::now();
    let summary = app.import(&[file.to_path_buf()], &options, &mut clock).expect("import");
    let end = Instant::now();
    assert_eq!(summary.rejected, 0, "the demo world imports cleanly");
    let ingest = clock.parsing_done.unwrap_or(end).duration_since(start).as_secs_f64();
    (app, ingest, end.duration_since(start).as_secs_f64())
}

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let scale = scale();

    // 1. Import throughput.
    let target = 2_050_000.0 * scale;
    let channels = channels_for_posts(target);
    let file = tmp.path().join("world-import.ndjson");
    let t = Instant::now();
    let stats = world(&file, 42, channels);
    let gen_secs = t.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!(
        "world: {} channels, {} posts, {} records, {:.0} MB, generated in {gen_secs:.1} s",
        stats.channels,
        stats.posts,
        stats.records,
        bytes as f64 / 1e6
    );
    let (_app, ingest, total) = import(&tmp.path().join("data-import"), &file);
    println!(
        "import: {:.0} posts/s ({:.0} records/s, {:.1} MB/s): {} posts in {ingest:.2} s; with the metrics recompute {total:.2} s",
        stats.posts as f64 / ingest,
        stats.records as f64 / ingest,
        bytes as f64 / 1e6 / ingest,
        stats.posts
    );
    std::fs::remove_file(&file).ok();

    // 2. Metrics recompute at 100,000 channels.
    let channels = (100_000.0 * scale).round() as usize;
    let file = tmp.path().join("world-metrics.ndjson");
    let stats = world(&file, 7, channels);
    let (mut app, _, _) = import(&tmp.path().join("data-metrics"), &file);
    std::fs::remove_file(&file).ok();
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let s = app.recompute_metrics().expect("recompute");
        times.push(t.elapsed().as_secs_f64());
        assert_eq!(s.channels, stats.channels);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "recompute: every metric of {} channels with {} posts in {:.2} s (median of 3; min {:.2} s, max {:.2} s)",
        stats.channels, stats.posts, times[1], times[0], times[2]
    );
    let t = Instant::now();
    let n = app.recompute_niches().expect("niches");
    println!(
        "niches: {} of {} channels labelled from their 30 newest posts in {:.2} s",
        n.labelled,
        n.channels,
        t.elapsed().as_secs_f64()
    );
}
