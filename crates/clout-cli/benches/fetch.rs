//! The Bluesky connector end to end: `clout fetch bluesky` (the release binary) against
//! the local replay AppView (`clout-replay`) with made-up accounts, timed from the
//! command's start to its exit (store writes, checkpoints and the recompute included).
//!
//! Prints accounts and posts per second, requests per second and the time spent waiting
//! on rate limits: once with no limit in the way, once with the replay spending its limit
//! every 25 requests (a one-second reset), as a busy public AppView would.
//!
//! `cargo bench -p clout-cli --bench fetch` (ACCOUNTS, POSTS to change the size).

// A benchmark may fail loudly: a panic is how it reports a broken setup.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use clout_replay::bluesky::{self, World};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn run(label: &str, accounts: usize, posts: usize, spend_every: Option<u64>) {
    let mut world = World::synthetic(accounts, posts);
    world.spend_every = spend_every;
    let server = bluesky::start(world);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let handles: Vec<String> = (0..accounts).map(|a| format!("synthetic-{a}.test")).collect();
    let started = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clout"))
        .arg("--data")
        .arg(dir.path().join("data"))
        .args([
            "fetch",
            "bluesky",
            "--json",
            "--since-days",
            "100000",
            "--max-posts",
            &posts.to_string(),
            "--api-base",
            &server.base,
        ])
        .args(&handles)
        .output()
        .expect("running clout");
    let seconds = started.elapsed().as_secs_f64();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let fetched: u64 =
        report["accounts"].as_array().map_or(0, |a| a.iter().map(|a| a["posts"].as_u64().unwrap_or(0)).sum());
    let requests = report["requests"].as_u64().unwrap_or(0);
    let waited = report["waited_seconds"].as_f64().unwrap_or(0.0);
    println!(
        "fetch/{label}: {accounts} accounts, {fetched} posts, {requests} requests in {seconds:.2} s end to end: \
         {:.0} accounts/s, {:.0} posts/s, {:.0} requests/s; {waited:.1} s waiting on rate limits",
        accounts as f64 / seconds,
        fetched as f64 / seconds,
        requests as f64 / seconds,
    );
}

fn main() {
    let accounts = env("ACCOUNTS", 200);
    let posts = env("POSTS", 100);
    run("unlimited", accounts, posts, None);
    run("limit every 25 requests", accounts / 4, posts, Some(25));
}
