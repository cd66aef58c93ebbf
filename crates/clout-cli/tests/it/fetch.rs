//! `clout fetch bluesky` and `clout discover bluesky` against a local AppView
//! (`clout-replay`) that answers as the `app.bsky.*` lexicons document, with pagination,
//! rate limits, errors, broken answers and a kill in the middle.
//!
//! The fixture account `fern-bakes.test` (`crates/clout-replay/data/bluesky/`) has 5,000
//! followers and 14 posts two days apart, the newest on 2026-06-30, plus a repost of
//! another account's post and one reply of its own. Its metrics are worked out by hand in
//! `metrics_of_a_fetched_account_are_those_worked_out_by_hand`.

use clout_replay::bluesky::{self, World};
use clout_replay::{FaultKind, Running};
use serde_json::Value;

use crate::util::Dir;

const FERN: &str = "fern-bakes.test";

fn server(page_size: usize) -> Running {
    let mut world = bluesky::with_follower_accounts(World::fixtures());
    world.page_size = page_size;
    bluesky::start(world)
}

/// `clout fetch bluesky ARGS --api-base URL --json`, its exit code and report.
fn fetch(dir: &Dir, server: &Running, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["fetch", "bluesky"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--api-base", &server.base, "--json", "--since-days", "100000"]);
    let out = dir.run(&all);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!("no JSON report ({e}):\n{stdout}\nstderr:\n{}", String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap_or(-1), report)
}

fn show(dir: &Dir, handle: &str) -> Value {
    serde_json::from_str(&dir.stdout(&["show", &format!("bluesky/{handle}"), "--json"])).unwrap()
}

fn feed_requests(server: &Running) -> Vec<String> {
    server.log().into_iter().filter(|l| l.starts_with("app.bsky.feed.getAuthorFeed")).collect()
}

#[test]
fn metrics_of_a_fetched_account_are_those_worked_out_by_hand() {
    let server = server(5);
    let dir = Dir::new();
    let (code, report) = fetch(&dir, &server, &[FERN]);
    assert_eq!(code, 0, "{report}");
    let account = &report["accounts"][0];
    assert_eq!(account["status"], "done", "{report}");
    // 14 posts; the repost of another account's post is skipped; the reply is not asked for.
    assert_eq!((account["posts"].as_u64(), account["skipped"].as_u64()), (Some(14), Some(1)), "{report}");
    // 15 items at 5 a page: three pages, each after the first with the cursor of the last.
    let feed = feed_requests(&server);
    assert_eq!(feed.len(), 3, "{feed:?}");
    assert!(feed[0].contains("filter=posts_no_replies") && !feed[0].contains("cursor"), "{feed:?}");
    assert!(feed[1].contains("cursor=o5") && feed[2].contains("cursor=o10"), "{feed:?}");

    let o = show(&dir, FERN);
    let m = &o;
    // The window is the 12 newest posts (all are older than 30 days before the fetch).
    // Engagements (likes + replies + reposts + quotes) / 5,000 followers:
    //   100 150 50 200 125 75 175 100 750 120 80 100
    //   = 2.0 3.0 1.0 4.0 2.5 1.5 3.5 2.0 15.0 2.4 1.6 2.0 %
    // sorted: 1.0 1.5 1.6 2.0 2.0 2.0 | 2.4 2.5 3.0 3.5 4.0 15.0 -> median (2.0 + 2.4) / 2 = 2.2 %;
    // mean 40.5 / 12 = 3.375 %; likes 1,820 / 12; replies 120 / 12 = 10;
    // comments per 100 likes 100 * 120 / 1,820 = 6.5934.
    assert_eq!(m["posts_in_window"], 12, "{m}");
    assert!((m["median_engagement_rate"].as_f64().unwrap() - 2.2).abs() < 1e-9, "{m}");
    assert!((m["engagement_rate"].as_f64().unwrap() - 3.375).abs() < 1e-9, "{m}");
    assert!((m["avg_likes"].as_f64().unwrap() - 1820.0 / 12.0).abs() < 1e-6, "{m}");
    assert!((m["avg_comments"].as_f64().unwrap() - 10.0).abs() < 1e-9, "{m}");
    assert!((m["comments_per_100_likes"].as_f64().unwrap() - 100.0 * 120.0 / 1820.0).abs() < 1e-6, "{m}");
    assert_eq!(o["followers"], 5000, "{o}");
    assert_eq!(o["name"], "Fern Bakes", "{o}");
    assert_eq!(o["url"], "https://bsky.app/profile/fern-bakes.test", "{o}");
    let newest = &o["window_posts"][0];
    assert_eq!(newest["post_id"], "3ksbq00fern", "{newest}");
    assert_eq!(newest["published_at"], "2026-06-30T18:00:00Z", "{newest}");
    assert_eq!(
        (newest["likes"].as_u64(), newest["comments"].as_u64(), newest["shares"].as_u64()),
        (Some(90), Some(5), Some(5))
    );
    assert_eq!(newest["method"], "measured");
    assert_eq!(newest["source"], format!("{}/xrpc/app.bsky.feed.getAuthorFeed", server.base), "{newest}");
}

#[test]
fn a_second_fetch_reads_only_new_posts_and_the_engagement_window_and_duplicates_nothing() {
    let server = server(5);
    let dir = Dir::new();
    assert_eq!(fetch(&dir, &server, &[FERN]).0, 0);
    let before = feed_requests(&server).len();
    let (code, report) = fetch(&dir, &server, &[FERN]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["accounts"][0]["incremental"], true, "{report}");
    // Every fixture post is older than the last 30 days, and none is newer than the newest
    // read: one page is enough to know.
    assert_eq!(feed_requests(&server).len() - before, 1, "{:?}", server.log());
    let status: Value = serde_json::from_str(&dir.stdout(&["status", "--json"])).unwrap();
    assert_eq!(status["posts"], 14, "{status}");
}

#[test]
fn rate_limits_and_server_errors_are_waited_out_and_retried() {
    let server = server(5);
    server.fault("app.bsky.feed.getAuthorFeed", 2, FaultKind::Status { status: 429, retry_after: Some(1) });
    server.fault("app.bsky.feed.getAuthorFeed", 3, FaultKind::Status { status: 500, retry_after: None });
    let dir = Dir::new();
    let (code, report) = fetch(&dir, &server, &[FERN]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["accounts"][0]["posts"], 14, "{report}");
    assert_eq!(report["retries"], 2, "{report}");
    // One second for Retry-After, one of backoff after the 500.
    assert!(report["waited_seconds"].as_f64().unwrap() >= 2.0, "{report}");
    let feed = feed_requests(&server);
    assert_eq!(feed.len(), 5, "{feed:?}");
    assert_eq!(feed[1], feed[2], "the page refused is asked again");
    assert_eq!(feed[2], feed[3], "{feed:?}");
}

#[test]
fn a_rate_limit_longer_than_the_wait_allowed_stops_cleanly_and_the_next_run_continues() {
    let server = server(5);
    server.fault("app.bsky.feed.getAuthorFeed", 2, FaultKind::Status { status: 429, retry_after: Some(3600) });
    let dir = Dir::new();
    let out =
        dir.run(&["fetch", "bluesky", FERN, "--api-base", &server.base, "--since-days", "100000", "--max-wait", "60"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rate limited until") && stderr.contains("run the same command again"), "{stderr}");
    let (code, report) = fetch(&dir, &server, &[FERN]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["accounts"][0]["resumed"], true, "{report}");
    assert_eq!(report["accounts"][0]["posts"], 10, "the first page (4 posts and a repost) was kept: {report}");
    let feed = feed_requests(&server);
    assert!(feed.last().unwrap().contains("cursor=o10"), "{feed:?}");
    let status: Value = serde_json::from_str(&dir.stdout(&["status", "--json"])).unwrap();
    assert_eq!(status["posts"], 14, "{status}");
}

#[test]
fn an_unknown_account_and_a_broken_answer_are_reported_and_the_others_are_kept() {
    let server = server(100);
    server.fault("app.bsky.feed.getAuthorFeed", 2, FaultKind::Malformed);
    let dir = Dir::new();
    let (code, report) = fetch(&dir, &server, &[FERN, "nobody-here.test", "@Quiet-Loom.test"]);
    assert_eq!(code, 1, "{report}");
    let accounts = report["accounts"].as_array().unwrap();
    assert_eq!(accounts[0]["status"], "done", "{report}");
    assert_eq!(accounts[1]["status"], "not_found", "{report}");
    assert!(accounts[1]["error"].as_str().unwrap().contains("nobody-here.test"), "{report}");
    // quiet-loom's feed answer is cut off: a reject holding the body, the profile kept.
    assert_eq!(accounts[2]["status"], "failed", "{report}");
    assert!(accounts[2]["error"].as_str().unwrap().contains("not a JSON object"), "{report}");
    assert_eq!(report["rejected"], 1, "{report}");
    let rejects = std::fs::read_to_string(report["rejects_file"].as_str().unwrap()).unwrap();
    assert!(rejects.starts_with("{\"feed\": [{\"post\""), "{rejects}");
    let status: Value = serde_json::from_str(&dir.stdout(&["status", "--json"])).unwrap();
    assert_eq!(status["runs"][0]["status"], "failed", "{status}");
    assert_eq!(show(&dir, "quiet-loom.test")["followers"], 2400);

    // Run again: quiet-loom's posts come in, and a hidden like count stays unknown.
    let (code, report) = fetch(&dir, &server, &["quiet-loom.test"]);
    assert_eq!(code, 0, "{report}");
    let o = show(&dir, "quiet-loom.test");
    let posts = o["window_posts"].as_array().unwrap();
    let newest = posts.iter().find(|p| p["post_id"] == "3kloom00").unwrap();
    assert!(newest["likes"].is_null(), "a hidden count is null, not 0: {newest}");
    assert_eq!(newest["comments"], 2);
}

#[test]
fn comments_and_a_followers_sample_come_in_as_evidence_for_audience_quality() {
    // The fixtures moved to the present: the newest post a day old, so that every post is
    // in the last 30 days and its replies are read.
    let mut world = bluesky::with_follower_accounts(World::fixtures());
    world.shift_to_present();
    let server = bluesky::start(world);
    let dir = Dir::new();
    let (code, report) = fetch(&dir, &server, &[FERN, "--comments", "--followers-sample", "2", "--max-posts", "3"]);
    assert_eq!(code, 0, "{report}");
    let a = &report["accounts"][0];
    // One page of 3 (`limit=3`): the 3 newest posts, all with replies, so 3 threads; the
    // fixtures hold 2 replies to the newest and 1 to the next.
    let feed = feed_requests(&server);
    assert!(feed.len() == 1 && feed[0].contains("limit=3"), "{feed:?}");
    let threads = server.log().iter().filter(|l| l.starts_with("app.bsky.feed.getPostThread")).count();
    assert_eq!(threads, 3, "{:?}", server.log());
    assert_eq!(a["comments"], 3, "{report}");
    assert_eq!(a["follower_samples"], 2, "{report}");
    // Two samples: the newest two followers, with their own counts.
    let followers = server.log().iter().filter(|l| l.starts_with("app.bsky.graph.getFollowers")).count();
    assert_eq!(followers, 1);
    let quality: Value = serde_json::from_str(&dir.stdout(&["quality", "bluesky/fern-bakes.test", "--json"])).unwrap();
    let component =
        |name: &str| quality["components"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap().clone();
    let sample = component("followers_sample");
    assert_eq!(sample["available"], true, "{quality}");
    assert!(sample["explanation"].as_str().unwrap().contains("from 2 sampled"), "{sample}");
    assert_eq!(sample["sampled"], 2, "{sample}");
}

#[test]
fn a_fetch_killed_in_the_middle_continues_from_its_last_page_when_run_again() {
    let server = server(5);
    server.fault("app.bsky.feed.getAuthorFeed", 2, FaultKind::Hang);
    let dir = Dir::new();
    let mut child = dir
        .command(&["fetch", "bluesky", FERN, "--api-base", &server.base, "--since-days", "100000"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the second page is asked for (and hangs), then kill without warning.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while feed_requests(&server).len() < 2 {
        assert!(std::time::Instant::now() < deadline, "the second page was never asked for");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let (code, report) = fetch(&dir, &server, &[FERN]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["accounts"][0]["resumed"], true, "{report}");
    // The first page (4 posts and a repost) was committed before the kill; the rest is
    // read now, from the first page's cursor, and nothing twice.
    assert_eq!(report["accounts"][0]["posts"], 10, "{report}");
    let feed = feed_requests(&server);
    assert_eq!(feed.len(), 4, "{feed:?}");
    assert!(feed[2].contains("cursor=o5"), "{feed:?}");
    let status: Value = serde_json::from_str(&dir.stdout(&["status", "--json"])).unwrap();
    assert_eq!(status["runs"][0]["status"], "interrupted", "{status}");
    assert_eq!(status["posts"], 14, "{status}");
    assert!((show(&dir, FERN)["median_engagement_rate"].as_f64().unwrap() - 2.2).abs() < 1e-9);
}

#[test]
fn discovery_finds_accounts_by_words_and_by_whom_a_seed_follows() {
    let server = server(100);
    let dir = Dir::new();
    let out = dir.run(&[
        "discover",
        "bluesky",
        "--via-follows",
        "bread-club.test",
        "--min-followers",
        "3000",
        "--api-base",
        &server.base,
        "--json",
        "--since-days",
        "100000",
    ]);
    let report: Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(report["discovered"], 2, "{report}");
    let statuses: Vec<(&str, &str)> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["handle"].as_str().unwrap(), a["status"].as_str().unwrap()))
        .collect();
    assert_eq!(statuses, [(FERN, "done"), ("quiet-loom.test", "outside_range")], "{report}");
    let channels = dir.stdout(&["channels", "--json"]);
    assert!(channels.contains(FERN) && !channels.contains("quiet-loom"), "{channels}");

    let out = dir.run(&["discover", "bluesky", "handwoven textiles", "--api-base", &server.base, "--json"]);
    let report: Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(report["discovered"], 1, "{report}");
    assert_eq!(report["accounts"][0]["handle"], "quiet-loom.test", "{report}");
}

#[test]
fn refresh_re_fetches_only_what_is_old_or_unfinished_and_serve_does_it_on_a_schedule() {
    let server = server(100);
    // quiet-loom's feed is rate limited for an hour: the fetch stops, fern's is complete.
    server.fault("app.bsky.feed.getAuthorFeed", 2, FaultKind::Status { status: 429, retry_after: Some(3600) });
    let dir = Dir::new();
    let out = dir.run(&["fetch", "bluesky", FERN, "quiet-loom.test", "--api-base", &server.base, "--max-wait", "5"]);
    assert_eq!(out.status.code(), Some(1));
    let before = feed_requests(&server).len();

    let out = dir.command(&["refresh", "--json"]).env("CLOUT_BLUESKY_API", &server.base).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    let accounts = report["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "only the unfinished account is due: {report}");
    assert_eq!(
        (accounts[0]["handle"].as_str(), accounts[0]["status"].as_str()),
        (Some("quiet-loom.test"), Some("done"))
    );
    let feed = feed_requests(&server);
    assert_eq!(feed.len() - before, 1);
    assert!(
        feed.last().unwrap().contains("did%3Aplc%3Aquietloom9z1k")
            || feed.last().unwrap().contains("did:plc:quietloom9z1k"),
        "{feed:?}"
    );

    // Nothing is due now; a server refreshing every second re-fetches both once they are
    // a second old.
    let out = dir.command(&["refresh"]).env("CLOUT_BLUESKY_API", &server.base).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("bluesky: nothing to refresh"));
    let before = feed_requests(&server).len();
    let _serve =
        crate::server::Server::start_with(dir, &["--refresh-every", "1s"], &[("CLOUT_BLUESKY_API", &server.base)]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while feed_requests(&server).len() < before + 2 {
        assert!(std::time::Instant::now() < deadline, "the server never refreshed: {:?}", server.log());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
