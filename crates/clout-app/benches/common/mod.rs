//! What the scale benchmarks share: the demo store they build once (kept under
//! `$CARGO_TARGET_TMPDIR/bench-text-N`) and how they print times.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use clout_app::{Access, App, AppConfig, ImportOptions, Silent};
use clout_core::Timestamp;

/// The demo world's reference time (2026-11-20T12:00:00Z).
pub(crate) const AS_OF: i64 = 1_795_176_000;

pub(crate) fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub(crate) fn config(dir: &Path) -> AppConfig {
    AppConfig { data_dir: dir.join("data"), niches_file: None, rate_card_file: None, vectors_file: None, store: None }
}

pub(crate) fn build_store(dir: &Path, channels: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let world = dir.join("world.ndjson.gz");
    let start = Instant::now();
    // A world written whole is imported again after a failed import (the disk filled up,
    // say): records already stored are recognised, and the store stays consistent.
    let written = dir.join("world-written");
    if written.exists() {
        println!("importing the demo world written before");
    } else {
        let file = std::io::BufWriter::with_capacity(1 << 22, std::fs::File::create(&world).unwrap());
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        clout_app::write_demo_world(&mut gz, 42, channels, Timestamp::from_unix(AS_OF)).unwrap();
        gz.finish().unwrap().flush().unwrap();
        std::fs::write(&written, b"").unwrap();
        println!("wrote the demo world in {:.0} s", start.elapsed().as_secs_f64());
    }
    let start = Instant::now();
    let mut app = App::open(config(dir), Access::Write, "bench").unwrap();
    let options = ImportOptions {
        clock: || Timestamp::from_unix(AS_OF + 86_400),
        strict: false,
        batch_size: 50_000,
        limits: Default::default(),
        max_decompressed_bytes: None,
        answers_observed_at: None,
        csv_map: None,
    };
    let summary = app.import(std::slice::from_ref(&world), &options, &mut Silent).unwrap();
    assert_eq!(summary.rejected, 0);
    println!("imported {} records (with the recompute) in {:.0} s", summary.accepted, start.elapsed().as_secs_f64());
    std::fs::remove_file(&world).ok();
    std::fs::remove_file(&written).ok();
    std::fs::write(dir.join("complete"), b"").unwrap();
}

pub(crate) fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir).unwrap().flatten().map(|e| e.metadata().map(|m| m.len()).unwrap_or(0)).sum()
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `p50 / p99 / max` of `times`, in milliseconds.
pub(crate) fn spread(times: &mut [Duration]) -> String {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    format!("p50 {:7.1} ms   p99 {:7.1} ms   max {:7.1} ms", ms(at(0.5)), ms(at(0.99)), ms(times[times.len() - 1]))
}
