//! `clout fetch youtube` and `clout discover youtube` against a local replay of the Data
//! API v3 (`clout-replay`): the key from the environment or a private credentials file,
//! never shown or stored; quota counted and stopped before; hidden counts.
//!
//! The fixture channel `@loomandlathe` has 12,300 subscribers (as YouTube rounds them)
//! and 8 videos three days apart, the newest on 2026-06-28; one hides its likes, one has
//! comments turned off (no comment count), one is 45 seconds long.

use clout_replay::Running;
use clout_replay::youtube::{self, KEY, World};
use serde_json::Value;

use crate::util::Dir;

fn server(page_size: usize) -> Running {
    let mut world = World::fixtures();
    world.page_size = page_size;
    youtube::start(world)
}

/// `clout fetch youtube ARGS` with the key in the environment: exit code, report, stderr.
fn fetch(dir: &Dir, server: &Running, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["fetch", "youtube"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--api-base", &server.base, "--json", "--since-days", "100000"]);
    let out = dir.command(&all).env("CLOUT_YOUTUBE_API_KEY", KEY).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY), "the key was shown:\n{stdout}\n{stderr}");
    let report = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("no report ({e}):\n{stdout}\n{stderr}"));
    (out.status.code().unwrap_or(-1), report, stderr)
}

/// Every file of the data directory, as bytes, holds no `needle`.
fn nowhere_in(dir: &std::path::Path, needle: &str) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            nowhere_in(&path, needle);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{} holds the key", path.display());
        }
    }
}

#[test]
fn metrics_of_a_fetched_channel_are_those_worked_out_by_hand_and_the_key_is_kept_nowhere() {
    let server = server(3);
    let dir = Dir::new();
    let (code, report, _) =
        fetch(&dir, &server, &["@LoomAndLathe", "https://www.youtube.com/channel/UChiddenSubs000000000002"]);
    assert_eq!(code, 0, "{report}");
    let a = &report["accounts"][0];
    assert_eq!(
        (a["handle"].as_str(), a["status"].as_str(), a["posts"].as_u64()),
        (Some("loomandlathe"), Some("done"), Some(8))
    );
    // channels by id, by handle; 3 pages of uploads (3 + 3 + 2) and 1 (2), each with one
    // videos call: 2 + 6 + 2 requests of 1 unit.
    assert_eq!(report["requests"], 10, "{report}");
    // The two channels' pictures, from the image host (no quota unit: not the Data API).
    assert_eq!(report["pictures_downloaded"], 2, "{report}");
    assert_eq!((report["quota_used"].as_u64(), report["quota_left"].as_u64()), (Some(10), Some(9_990)), "{report}");
    // The channel hiding its subscriber count: a reject that says so, its videos kept.
    let hidden = &report["accounts"][1];
    assert_eq!(
        (hidden["status"].as_str(), hidden["posts"].as_u64(), hidden["rejected"].as_u64()),
        (Some("done"), Some(2), Some(1))
    );
    let rejects =
        std::fs::read_to_string(dir.path().join(format!("data/rejects/run-{}/reasons.tsv", report["run"]))).unwrap();
    assert!(rejects.contains("hides its subscriber count"), "{rejects}");

    let o: Value = serde_json::from_str(&dir.stdout(&["show", "youtube/loomandlathe", "--json"])).unwrap();
    // Engagements (likes + comments; a hidden count adds nothing) over 12,300 subscribers:
    //   228 662 120 162 9 144 110 176  ->  sorted middle two 144 and 162:
    //   median (144 + 162) / 2 / 12,300 = 1.2439 %; mean 1,611 / 8 / 12,300 = 1.6372 %;
    //   by views: mean of 228/4100, 662/9000, 120/2600, 162/3100, 9/2200, 144/2900,
    //   110/2500, 176/3300 = 4.7332 %.
    assert_eq!(o["posts_in_window"], 8, "{o}");
    assert!((o["median_engagement_rate"].as_f64().unwrap() - 153.0 / 123.0).abs() < 1e-9, "{o}");
    assert!((o["engagement_rate"].as_f64().unwrap() - 1611.0 / 984.0).abs() < 1e-9, "{o}");
    assert!((o["engagement_rate_by_views"].as_f64().unwrap() - 4.733207964514091).abs() < 1e-9, "{o}");
    assert_eq!(o["followers"], 12_300);
    let hides_likes = o["window_posts"].as_array().unwrap().iter().find(|p| p["likes"].is_null()).unwrap();
    assert_eq!(hides_likes["comments"], 9, "a hidden like count is null, not 0: {hides_likes}");
    let short = o["window_posts"].as_array().unwrap().iter().find(|p| p["type"] == "short").unwrap();
    assert!(short["url"].as_str().unwrap().starts_with("https://www.youtube.com/shorts/"), "{short}");
    let hidden: Value = serde_json::from_str(&dir.stdout(&["show", "youtube/quietstudio", "--json"])).unwrap();
    assert!(hidden["median_engagement_rate"].is_null(), "no rate without a follower count: {hidden}");
    nowhere_in(&dir.data(), KEY);
    assert!(server.log().iter().all(|l| !l.contains(KEY)));
}

#[test]
fn without_a_key_or_with_a_credentials_file_others_can_read_the_fetch_refuses_clearly() {
    let server = server(50);
    let dir = Dir::new();
    let args = ["fetch", "youtube", "@loomandlathe", "--api-base", &server.base];
    let out = dir
        .command(&args)
        .env_remove("CLOUT_YOUTUBE_API_KEY")
        .env("CLOUT_CREDENTIALS", dir.path().join("none.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("YouTube needs an API key") && stderr.contains("CLOUT_YOUTUBE_API_KEY"), "{stderr}");
    assert!(server.log().is_empty(), "nothing is asked without a key");

    let file = dir.write("credentials.toml", &format!("[youtube]\napi_key = \"{KEY}\"\n"));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = |dir: &Dir| {
        dir.command(&args).env_remove("CLOUT_YOUTUBE_API_KEY").env("CLOUT_CREDENTIALS", &file).output().unwrap()
    };
    let out = run(&dir);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("other users can read it") && stderr.contains("chmod 600"), "{stderr}");
    assert!(!stderr.contains(KEY));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(&dir);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_wrong_key_is_the_apis_error_without_the_key() {
    let server = server(50);
    let dir = Dir::new();
    let out = dir
        .command(&["fetch", "youtube", "@loomandlathe", "--api-base", &server.base])
        .env("CLOUT_YOUTUBE_API_KEY", "wrong-secret-123")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("400 badRequest: API key not valid"), "{stderr}");
    assert!(!stderr.contains("wrong-secret-123") && !String::from_utf8_lossy(&out.stdout).contains("wrong-secret-123"));
}

#[test]
fn the_daily_quota_stops_a_fetch_cleanly_and_a_later_run_with_more_continues() {
    let server = server(3);
    let dir = Dir::new();
    let (code, report, stderr) = fetch(&dir, &server, &["@loomandlathe", "--quota", "4"]);
    assert_eq!(code, 1, "{report}");
    assert!(stderr.contains("the daily quota would be exceeded (4 of 4 units used today"), "{stderr}");
    assert_eq!((report["quota_used"].as_u64(), report["quota_left"].as_u64()), (Some(4), Some(0)), "{report}");
    // channels + one page (playlist + videos) + the next playlist page: 4 units, 3 videos kept.
    assert_eq!(report["accounts"][0]["posts"], 3, "{report}");
    // The same day, the 4 units are remembered: a budget of 20 leaves 16, and the fetch
    // continues from the second page.
    let (code, report, _) = fetch(&dir, &server, &["@loomandlathe", "--quota", "20"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["accounts"][0]["resumed"], true, "{report}");
    assert_eq!(report["accounts"][0]["posts"], 5, "{report}");
    assert_eq!(report["quota_used"], 4 + 5, "{report}");
    let status: Value = serde_json::from_str(&dir.stdout(&["status", "--json"])).unwrap();
    assert_eq!(status["posts"], 8, "{status}");
}

#[test]
fn comments_come_in_and_a_video_with_comments_off_is_passed_over() {
    let mut world = World::fixtures();
    world.shift_to_present();
    let server = youtube::start(world);
    let dir = Dir::new();
    let (code, report, _) = fetch(&dir, &server, &["loomandlathe", "--comments"]);
    assert_eq!(code, 0, "{report}");
    // Videos with a comment count above 0 in the last 30 days: 7 (the eighth has no count).
    // One of them has since turned comments off (a 403 commentsDisabled): passed over.
    // The fixtures hold 2 comments on the newest.
    let threads: Vec<String> = server.log().into_iter().filter(|l| l.starts_with("commentThreads")).collect();
    assert_eq!(threads.len(), 7, "{threads:?}");
    assert_eq!(report["accounts"][0]["comments"], 2, "{report}");
}

#[test]
fn discovery_searches_channels_at_a_hundred_units_a_page() {
    let server = server(50);
    let dir = Dir::new();
    let out = dir
        .command(&[
            "discover",
            "youtube",
            "woodturning workshop",
            "--api-base",
            &server.base,
            "--json",
            "--since-days",
            "100000",
        ])
        .env("CLOUT_YOUTUBE_API_KEY", KEY)
        .output()
        .unwrap();
    let report: Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(report["discovered"], 1, "{report}");
    assert_eq!(report["accounts"][0]["handle"], "loomandlathe", "{report}");
    // search 100 + channels 1 + one page of uploads and videos 2.
    assert_eq!(report["quota_used"], 103, "{report}");
}

#[test]
fn server_errors_are_retried_a_broken_answer_is_kept_and_a_killed_fetch_resumes() {
    let server = server(3);
    server.fault("videos", 1, clout_replay::FaultKind::Status { status: 503, retry_after: Some(1) });
    server.fault("playlistItems", 2, clout_replay::FaultKind::Hang);
    let dir = Dir::new();
    let mut child = dir
        .command(&["fetch", "youtube", "@loomandlathe", "--api-base", &server.base, "--since-days", "100000"])
        .env("CLOUT_YOUTUBE_API_KEY", KEY)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pages = |s: &Running| s.log().into_iter().filter(|l| l.starts_with("playlistItems")).collect::<Vec<_>>();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while pages(&server).len() < 2 {
        assert!(std::time::Instant::now() < deadline, "the second page was never asked for: {:?}", server.log());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // The first page's videos (asked twice: a 503, then an answer) were committed.
    let videos = server.log().into_iter().filter(|l| l.starts_with("videos")).count();
    assert_eq!(videos, 2, "{:?}", server.log());

    // Resumed from the second page; its videos answer is broken this time.
    server.fault("videos", 3, clout_replay::FaultKind::Malformed);
    let (code, report, _) = fetch(&dir, &server, &["@loomandlathe"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        (report["accounts"][0]["resumed"].as_bool(), report["accounts"][0]["status"].as_str()),
        (Some(true), Some("failed"))
    );
    assert_eq!(report["rejected"], 1, "the broken answer is kept: {report}");
    assert!(pages(&server).last().unwrap().contains("pageToken=CA3"), "{:?}", pages(&server));
    // And once more: the rest comes in, nothing twice.
    let (code, report, _) = fetch(&dir, &server, &["@loomandlathe"]);
    assert_eq!(code, 0, "{report}");
    let status: Value = serde_json::from_str(&dir.stdout(&["status", "--json"])).unwrap();
    assert_eq!(status["posts"], 8, "{status}");
}

#[test]
fn a_429_is_waited_out_and_a_channel_that_does_not_exist_is_named() {
    let server = server(50);
    server.fault("channels", 1, clout_replay::FaultKind::Status { status: 429, retry_after: Some(1) });
    let dir = Dir::new();
    let (code, report, _) = fetch(&dir, &server, &["@nobody-here", "UCloomLathe0000000000001"]);
    assert_eq!(code, 1, "{report}");
    // Ids are asked first: the 429 falls on the call for the id, which is asked again.
    assert_eq!(report["accounts"][1]["status"], "done", "{report}");
    assert_eq!(report["accounts"][0]["status"], "not_found", "{report}");
    assert!(
        report["accounts"][0]["error"].as_str().unwrap().contains("no YouTube channel is @nobody-here"),
        "{report}"
    );
    assert_eq!(report["retries"], 1, "{report}");
    assert!(report["waited_seconds"].as_f64().unwrap() >= 1.0, "{report}");
}
