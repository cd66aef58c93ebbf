//! Writing the demo world through the import interface, on SQLite and on PostgreSQL in
//! the same run: records per second of a first import (everything new) and of the same
//! records again (everything unchanged), in batches of 50,000 as `clout import` writes.
//!
//! `cargo bench -p clout-pg --features testing --bench write`; `CLOUT_BENCH_CHANNELS`
//! (default 1,000) sets the world's size. PostgreSQL is the private test server of
//! `clout_pg::testing` (fsync off: it measures the statements, not the disk), or
//! `CLOUT_TEST_POSTGRES`'s. SQLite is a data directory in a temporary directory, as
//! `clout import` writes it (WAL, synchronous NORMAL).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use clout_core::Record;
use clout_store::{Access, ImportStore, RunStatus, Store};

const BATCH: usize = 50_000;

fn write(store: &mut dyn ImportStore, records: &[Record]) -> (Duration, u64, u64) {
    let start = Instant::now();
    let mut run = store.begin_run(clout_core::Timestamp::from_unix(1_780_000_000), &["world.ndjson".into()]).unwrap();
    let source = run.source_id("world.ndjson").unwrap();
    let (mut written, mut unchanged) = (0, 0);
    for batch in records.chunks(BATCH) {
        let stats = run.write_batch(batch, source, &[]).unwrap();
        written += stats.written;
        unchanged += stats.unchanged;
    }
    run.finish(RunStatus::Completed, clout_core::Timestamp::from_unix(1_780_000_001), None).unwrap();
    (start.elapsed(), written, unchanged)
}

fn main() {
    let channels: usize = std::env::var("CLOUT_BENCH_CHANNELS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000);
    let mut world = Vec::new();
    let options = clout_demo::WorldOptions { seed: 7, channels, as_of: 1_780_000_000 };
    clout_demo::write_world(&mut world, &options).unwrap();
    let records: Vec<Record> = world
        .split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .filter_map(|line| clout_import::parse_line(line).ok())
        .collect();
    println!("demo world: {channels} channels, {} records", records.len());

    let dir = tempfile::tempdir().unwrap();
    let mut sqlite = Store::open(dir.path(), Access::Write, "bench").unwrap();
    let mut pg = clout_pg::PgStore::connect(&clout_pg::testing::database()).unwrap();
    let mut rows = Vec::new();
    for pass in ["first import", "same records again"] {
        let (s_time, s_written, s_unchanged) = write(&mut sqlite, &records);
        let (p_time, p_written, p_unchanged) = write(&mut pg, &records);
        assert_eq!((s_written, s_unchanged), (p_written, p_unchanged), "both backends count the same writes");
        let rate = |d: Duration| records.len() as f64 / d.as_secs_f64();
        rows.push(format!(
            "{pass:<20} SQLite {:>8.2} s ({:>9.0} records/s)   PostgreSQL {:>8.2} s ({:>9.0} records/s)   PostgreSQL / SQLite {:.1}x the time",
            s_time.as_secs_f64(),
            rate(s_time),
            p_time.as_secs_f64(),
            rate(p_time),
            p_time.as_secs_f64() / s_time.as_secs_f64()
        ));
        println!("{}", rows.last().unwrap());
    }
}
