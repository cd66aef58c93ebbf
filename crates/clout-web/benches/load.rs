//! Load benchmark (not a test): the search API of a real `clout serve` on a store of
//! 1 million demo channels, driven by 16 concurrent keep-alive connections for 30 s with
//! 2,000 different searches (filters, sorts, facets, keywords and pages mixed, made from a
//! fixed seed, so that no answer is simply repeated), in turn. Prints throughput, p50 / p99
//! latency and errors, overall and per kind of query.
//! Targets on 2 cores: at least 1,000 searches/s, p99 at most 100 ms, zero errors.
//!
//! Run with `cargo bench -p clout-web --bench load`. `CLOUT_BENCH_CHANNELS` (default
//! 1000000), `CLOUT_BENCH_SECONDS` (30) and `CLOUT_BENCH_CONNECTIONS` (16) change the
//! scale. The store is built once and kept under `$CARGO_TARGET_TMPDIR/bench-web-N`.
//!
//! The load comes from `wrk` (Debian's package) when it is installed, else from a
//! generator in this file (threads with keep-alive `ureq` clients);
//! `CLOUT_BENCH_GENERATOR=rust` picks the latter. Both run on the same two cores as the
//! server; wrk takes less of them.
//!
//! The store holds the demo world's channels with a thin history, so that building it
//! takes minutes rather than an hour: every channel record, the follower counts of the
//! last 40 days (enough for the 30-day growth) and the posts of the last 45 days (the
//! engagement window needs 30); older posts, older follower counts and comments are
//! left out. The Directory reads only what these give.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clout_app::{Access, App, AppConfig, ImportOptions, Silent};
use clout_core::Timestamp;

/// 2026-11-20T12:00:00Z.
const AS_OF: i64 = 1_795_176_000;
const DAY: i64 = 86_400;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Keeps the lines of the demo world a Directory needs (see the module docs).
struct Thin<W: Write> {
    out: W,
    line: Vec<u8>,
}

fn time_field(line: &str, key: &str) -> Option<i64> {
    let at = line.find(key)? + key.len();
    let rest = &line[at..];
    if let Some(quoted) = rest.strip_prefix('"') {
        let end = quoted.find('"')?;
        quoted[..end].parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
    } else {
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        rest[..end].parse().ok()
    }
}

impl<W: Write> Thin<W> {
    fn keep(line: &str) -> bool {
        if line.starts_with(r#"{"kind":"channel""#) {
            true
        } else if line.starts_with(r#"{"kind":"followers""#) {
            time_field(line, r#""observed_at":"#).is_some_and(|t| t >= AS_OF - 40 * DAY)
        } else if line.starts_with(r#"{"kind":"post""#) {
            time_field(line, r#""published_at":"#).is_some_and(|t| t >= AS_OF - 45 * DAY)
        } else {
            false
        }
    }
}

impl<W: Write> Write for Thin<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            self.line.push(b);
            if b == b'\n' {
                if Self::keep(std::str::from_utf8(&self.line).unwrap_or("")) {
                    self.out.write_all(&self.line)?;
                }
                self.line.clear();
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

fn build_store(dir: &Path, channels: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let world = dir.join("world.ndjson");
    let start = Instant::now();
    {
        let file = BufWriter::with_capacity(1 << 22, std::fs::File::create(&world).unwrap());
        let mut thin = Thin { out: file, line: Vec::with_capacity(4096) };
        clout_app::write_demo_world(&mut thin, 42, channels, Timestamp::from_unix(AS_OF)).unwrap();
        thin.flush().unwrap();
    }
    let size = std::fs::metadata(&world).unwrap().len();
    println!("wrote the thin demo world ({:.0} MB) in {:.0} s", size as f64 / 1e6, start.elapsed().as_secs_f64());
    let start = Instant::now();
    let mut app = App::open(config(dir), Access::Write, "bench").unwrap();
    let options = ImportOptions {
        clock: || Timestamp::from_unix(AS_OF + DAY),
        strict: false,
        batch_size: 50_000,
        limits: Default::default(),
        max_decompressed_bytes: None,
        answers_observed_at: None,
        csv_map: None,
    };
    let summary = app.import(std::slice::from_ref(&world), &options, &mut Silent).unwrap();
    assert_eq!(summary.rejected, 0);
    println!(
        "imported {} records and derived every metric in {:.0} s",
        summary.accepted,
        start.elapsed().as_secs_f64()
    );
    std::fs::remove_file(&world).ok();
    std::fs::write(dir.join("complete"), b"").unwrap();
}

fn config(dir: &Path) -> AppConfig {
    AppConfig { data_dir: dir.join("data"), niches_file: None, rate_card_file: None, vectors_file: None, store: None }
}

const QUERIES: &[(&str, &str)] = &[
    ("filters", "/api/v1/search?platform=instagram&tier=micro&min_er=3"),
    ("keyword+filters", "/api/v1/search?q=vegan&platform=instagram&tier=micro"),
    ("facets", "/api/v1/search?tier=micro&country=US&facets=true"),
    ("sort by er", "/api/v1/search?niche=fitness&sort=er"),
    ("hashtag+sort", "/api/v1/search?q=%23travel&tier=micro&sort=index"),
    ("ranges+facets", "/api/v1/search?platform=tiktok&min_followers=5000&max_followers=20000&label=high&facets=true"),
    ("growth", "/api/v1/search?language=es&min_growth=1&sort=growth"),
    ("phrase", "/api/v1/search?q=%22home%20cook%22&sort=followers"),
];

/// `n` different searches, each with its kind (the [`QUERIES`] name it varies on): the
/// same families with other values, from a fixed seed (a small linear congruential
/// generator: the bench needs variety, not statistics).
fn varied(n: usize) -> Vec<(usize, String)> {
    const PLATFORMS: [&str; 4] = ["instagram", "tiktok", "youtube", "x"];
    const TIERS: [&str; 4] = ["nano", "micro", "mid", "macro"];
    const COUNTRIES: [&str; 6] = ["US", "GB", "DE", "BR", "IN", "AU"];
    const NICHES: [&str; 6] = ["fitness", "beauty", "food", "travel", "gaming", "parenting"];
    const SORTS: [&str; 5] = ["relevance", "er", "followers", "index", "growth"];
    const WORDS: [&str; 12] = [
        "vegan",
        "workout",
        "coffee",
        "makeup",
        "travel",
        "budget",
        "recipe",
        "yoga",
        "%23travel",
        "%23fitness",
        "skincare",
        "%22home%20cook%22",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |k: usize| -> usize {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % k
    };
    (0..n)
        .map(|i| {
            let kind = i % QUERIES.len();
            let page = format!("&offset={}", next(4) * 50);
            let q = match kind {
                0 => format!("platform={}&tier={}&min_er={}", PLATFORMS[next(4)], TIERS[next(4)], 1 + next(6)),
                1 => format!("q={}&platform={}&tier={}", WORDS[next(12)], PLATFORMS[next(4)], TIERS[next(4)]),
                2 => format!("tier={}&country={}&facets=true", TIERS[next(4)], COUNTRIES[next(6)]),
                3 => format!("niche={}&sort={}", NICHES[next(6)], SORTS[1 + next(4)]),
                4 => format!("q={}&tier={}&sort={}", WORDS[next(12)], TIERS[next(4)], SORTS[next(5)]),
                5 => format!(
                    "platform={}&min_followers={}&max_followers={}&label=high&facets=true",
                    PLATFORMS[next(4)],
                    1_000 * (2 + next(8)),
                    10_000 * (2 + next(5))
                ),
                6 => format!("language={}&min_growth={}&sort=growth", ["en", "es", "pt", "de"][next(4)], next(3)),
                _ => format!("q={}&sort={}", WORDS[next(12)], SORTS[next(5)]),
            };
            (kind, format!("/api/v1/search?{q}{page}"))
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let channels = env_or("CLOUT_BENCH_CHANNELS", 1_000_000) as usize;
    let seconds = env_or("CLOUT_BENCH_SECONDS", 30);
    let connections = env_or("CLOUT_BENCH_CONNECTIONS", 16) as usize;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-web-{channels}"));
    if !dir.join("complete").exists() {
        std::fs::remove_dir_all(&dir).ok();
        build_store(&dir, channels);
    }
    // An account and a token for the load generator.
    let token = {
        let mut app = App::open(config(&dir), Access::Write, "bench").unwrap();
        let now = Timestamp::from_unix(AS_OF);
        let user = if app.needs_setup().unwrap() {
            app.setup_admin("bench", "bench password 1", now).unwrap()
        } else {
            app.users().unwrap().remove(0)
        };
        app.create_token(&user, "load", clout_app::TokenScope::Read, None, now).unwrap().1
    };
    let start = Instant::now();
    let server = clout_web::Server::start(
        clout_web::ServeConfig::new(config(&dir), || Timestamp::from_unix(AS_OF)),
        "127.0.0.1:0",
    )
    .unwrap();
    println!(
        "server ready in {:.1} s (store opened, discovery index of {channels} channels built)",
        start.elapsed().as_secs_f64()
    );
    let base = format!("http://{}", server.addr());

    let agent = || -> ureq::Agent { ureq::Agent::config_builder().http_status_as_error(false).build().into() };
    // Warm up: every query once.
    let warm = agent();
    for (name, q) in QUERIES {
        let t = Instant::now();
        let mut r = warm.get(format!("{base}{q}")).header("Authorization", format!("Bearer {token}")).call().unwrap();
        let body = r.body_mut().read_to_string().unwrap();
        assert_eq!(r.status(), 200, "{name}: {body}");
        let total = serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"].clone();
        println!("  {name:<16} {total:>8} matches, first run {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    }

    let use_wrk = std::env::var("CLOUT_BENCH_GENERATOR").map_or(true, |g| g != "rust")
        && std::process::Command::new("wrk").arg("--version").output().is_ok();
    if use_wrk {
        run_wrk(&base, &token, connections, seconds, channels);
        return;
    }
    let load = Arc::new(varied(2_000));
    let stop = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..connections)
        .map(|w| {
            let (base, token, stop, load) = (base.clone(), token.clone(), stop.clone(), load.clone());
            let agent = agent();
            std::thread::spawn(move || {
                let mut lat: Vec<(usize, Duration)> = Vec::new();
                let mut errors = 0u64;
                let mut i = w * 125;
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    let (q, path) = &load[i % load.len()];
                    let q = *q;
                    i += 1;
                    let t = Instant::now();
                    let ok = match agent
                        .get(format!("{base}{path}"))
                        .header("Authorization", format!("Bearer {token}"))
                        .call()
                    {
                        Ok(mut r) => r.status() == 200 && r.body_mut().read_to_vec().is_ok(),
                        Err(_) => false,
                    };
                    if ok {
                        lat.push((q, t.elapsed()));
                    } else {
                        errors += 1;
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let started = Instant::now();
    let mut all: Vec<(usize, Duration)> = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (lat, e) = w.join().unwrap();
        all.extend(lat);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut overall: Vec<Duration> = all.iter().map(|(_, d)| *d).collect();
    overall.sort();
    println!();
    println!(
        "{channels} channels, {connections} connections, {elapsed:.1} s on {} cores",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    println!(
        "throughput {:.0} searches/s   p50 {:.1} ms   p99 {:.1} ms   max {:.1} ms   errors {errors}   (targets: >= 1000/s, p99 <= 100 ms, 0 errors)",
        overall.len() as f64 / elapsed,
        percentile(&overall, 0.50),
        percentile(&overall, 0.99),
        overall.last().map(|d| d.as_secs_f64() * 1000.0).unwrap_or(f64::NAN)
    );
    for (qi, (name, _)) in QUERIES.iter().enumerate() {
        let mut d: Vec<Duration> = all.iter().filter(|(q, _)| *q == qi).map(|(_, d)| *d).collect();
        d.sort();
        println!(
            "  {name:<16} n={:<7} p50 {:>6.1} ms   p99 {:>6.1} ms",
            d.len(),
            percentile(&d, 0.5),
            percentile(&d, 0.99)
        );
    }
}

/// Drives the server with wrk: the queries in turn on every connection, with the token.
fn run_wrk(base: &str, token: &str, connections: usize, seconds: u64, channels: usize) {
    let paths: Vec<String> = varied(2_000).iter().map(|(_, q)| format!("{q:?}")).collect();
    let script = format!(
        "local paths = {{{}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1], {{[\"Authorization\"] = \"Bearer {token}\"}})\nend\n",
        paths.join(", ")
    );
    let dir = tempfile_dir();
    let lua = dir.join("clout-load.lua");
    std::fs::write(&lua, script).unwrap();
    let out = std::process::Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency", "--timeout", "10s", "-s"])
        .arg(&lua)
        .arg(base)
        .output()
        .expect("running wrk");
    let text = String::from_utf8_lossy(&out.stdout);
    println!();
    println!("{text}");
    let field = |prefix: &str| {
        text.lines().find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_string())).unwrap_or_default()
    };
    let ms = |v: String| -> f64 {
        if let Some(x) = v.strip_suffix("ms") {
            x.parse().unwrap_or(f64::NAN)
        } else if let Some(x) = v.strip_suffix("us") {
            x.parse::<f64>().unwrap_or(f64::NAN) / 1000.0
        } else if let Some(x) = v.strip_suffix('s') {
            x.parse::<f64>().unwrap_or(f64::NAN) * 1000.0
        } else {
            f64::NAN
        }
    };
    let non_2xx: u64 = field("Non-2xx or 3xx responses:").parse().unwrap_or(0);
    let socket_errors = field("Socket errors:");
    println!(
        "{channels} channels, {connections} connections (wrk), {seconds} s on {} cores: throughput {} searches/s   p50 {:.1} ms   p99 {:.1} ms   errors {} non-2xx{}   (targets: >= 1000/s, p99 <= 100 ms, 0 errors)",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        field("Requests/sec:"),
        ms(field("50%")),
        ms(field("99%")),
        non_2xx,
        if socket_errors.is_empty() { String::new() } else { format!(", socket errors: {socket_errors}") }
    );
}

fn tempfile_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
