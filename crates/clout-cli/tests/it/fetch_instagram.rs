//! `clout fetch instagram` against a local replay of the Graph API's business discovery
//! (`clout-replay`): pages of media by cursor, hidden like counts, Meta's rate-limit
//! errors, unknown accounts, and the token and account id kept out of everything.
//!
//! The fixture account `olive.grove.kitchen` has 8,200 followers and 7 posts four days
//! apart, the newest on 2026-06-26; one reel hides its like count.

use clout_replay::instagram::{self, TOKEN, USER_ID, World};
use clout_replay::{FaultKind, Running};
use serde_json::Value;

use crate::util::Dir;

fn server(page_size: usize) -> Running {
    let mut world = World::fixtures();
    world.page_size = page_size;
    instagram::start(world)
}

fn fetch(dir: &Dir, server: &Running, token: &str, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["fetch", "instagram"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--api-base", &server.base, "--json", "--since-days", "100000"]);
    let out = dir
        .command(&all)
        .env("CLOUT_INSTAGRAM_ACCESS_TOKEN", token)
        .env("CLOUT_INSTAGRAM_USER_ID", USER_ID)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    for secret in [token, USER_ID] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret), "a secret was shown:\n{stdout}\n{stderr}");
    }
    let report = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("no report ({e}):\n{stdout}\n{stderr}"));
    (out.status.code().unwrap_or(-1), report, stderr)
}

#[test]
fn metrics_of_a_fetched_account_are_those_worked_out_by_hand_through_a_rate_limit() {
    let server = server(3);
    server.fault("business_discovery", 2, FaultKind::Status { status: 400, retry_after: Some(1) });
    server.fault("business_discovery", 4, FaultKind::Status { status: 500, retry_after: None });
    let dir = Dir::new();
    let (code, report, _) = fetch(&dir, &server, TOKEN, &["@Olive.Grove.Kitchen"]);
    assert_eq!(code, 0, "{report}");
    let a = &report["accounts"][0];
    assert_eq!((a["handle"].as_str(), a["posts"].as_u64()), (Some("olive.grove.kitchen"), Some(7)), "{report}");
    // Pages of 3, 3 and 1, the second asked twice (Meta's code 4 is a rate limit), the
    // third twice (a 500).
    let log = server.log();
    assert_eq!(log.len(), 5, "{log:?}");
    assert!(log[1].contains("media.after(QVFH3)") && log[2] == log[1], "{log:?}");
    assert!(log[3].contains("media.after(QVFH6)") && log[4] == log[3], "{log:?}");
    assert!(
        log.iter()
            .all(|l| l.starts_with("/v21.0/{ig-user-id}?fields=business_discovery.username(olive.grove.kitchen)"))
    );
    assert_eq!(report["retries"], 2, "{report}");
    // Its profile_picture_url, from the image host: not a Graph API request.
    assert_eq!(report["pictures_downloaded"], 1, "{report}");

    let o: Value = serde_json::from_str(&dir.stdout(&["show", "instagram/olive.grove.kitchen", "--json"])).unwrap();
    // Engagements (likes + comments; the hidden like count adds nothing) / 8,200:
    //   328 164 41 246 205 123 82 = 4.0 2.0 0.5 3.0 2.5 1.5 1.0 %: median 2.0 %, mean 14.5 / 7 %.
    assert_eq!(o["posts_in_window"], 7, "{o}");
    assert!((o["median_engagement_rate"].as_f64().unwrap() - 2.0).abs() < 1e-9, "{o}");
    assert!((o["engagement_rate"].as_f64().unwrap() - 14.5 / 7.0).abs() < 1e-9, "{o}");
    let reel = o["window_posts"].as_array().unwrap().iter().find(|p| p["likes"].is_null()).unwrap();
    assert_eq!((reel["type"].as_str(), reel["comments"].as_u64()), (Some("reel"), Some(41)), "{reel}");
    assert_eq!(o["window_posts"][0]["published_at"], "2026-06-26T17:30:00Z");
    assert_eq!(o["following"], 412);
    for needle in [TOKEN, USER_ID] {
        let status = dir.stdout(&["status", "--json"]);
        assert!(!status.contains(needle), "{status}");
    }
}

#[test]
fn an_unknown_account_and_a_wrong_token_are_the_apis_errors() {
    let server = server(25);
    let dir = Dir::new();
    let (code, report, _) =
        fetch(&dir, &server, TOKEN, &["olive.grove.kitchen", "https://www.instagram.com/nobody.here/"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["accounts"][0]["status"], "done");
    assert_eq!(report["accounts"][1]["status"], "not_found", "{report}");
    assert!(report["accounts"][1]["error"].as_str().unwrap().contains("nobody.here"), "{report}");

    let (code, report, stderr) = fetch(&dir, &server, "EAAwrong-token", &["olive.grove.kitchen"]);
    assert_eq!(code, 1, "{report}");
    assert!(stderr.contains("400 OAuthException: Invalid OAuth access token"), "{stderr}");
    assert!(!stderr.contains("EAAwrong-token"));
}

#[test]
fn a_killed_fetch_resumes_from_its_last_page_and_a_broken_answer_is_kept() {
    let server = server(3);
    server.fault("business_discovery", 2, FaultKind::Hang);
    let dir = Dir::new();
    let mut child = dir
        .command(&["fetch", "instagram", "olive.grove.kitchen", "--api-base", &server.base, "--since-days", "100000"])
        .env("CLOUT_INSTAGRAM_ACCESS_TOKEN", TOKEN)
        .env("CLOUT_INSTAGRAM_USER_ID", USER_ID)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while server.log().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "the second page was never asked for");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    server.fault("business_discovery", 3, FaultKind::Malformed);
    let (code, report, _) = fetch(&dir, &server, TOKEN, &["olive.grove.kitchen"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["accounts"][0]["resumed"], true, "{report}");
    assert_eq!(report["rejected"], 1, "{report}");
    let (code, report, _) = fetch(&dir, &server, TOKEN, &["olive.grove.kitchen"]);
    assert_eq!(code, 0, "{report}");
    // The first page's 3 posts, then the rest from the cursor after them, nothing twice.
    assert_eq!(report["accounts"][0]["posts"], 4, "{report}");
    assert!(server.log().last().unwrap().contains("media.after(QVFH6)"), "{:?}", server.log());
    let status: Value = serde_json::from_str(&dir.stdout(&["status", "--json"])).unwrap();
    assert_eq!(status["posts"], 7, "{status}");
}
