//! `clout import`: exit codes, the `--json` summary, rejects and the writer lock.

use crate::util::{AS_OF, DAY, Dir, channel, post};

fn mixed() -> String {
    [
        channel("instagram", "@Chef", 1_000),
        post("instagram", "chef", "p1", 2, 8, 2),
        "{\"kind\":\"post\",\"platform\":\"instagram\"".to_string(),
        post("instagram", "chef", "p2", 3, 18, 2),
        r#"{"kind":"channel","platform":"orkut","handle":"x","followers":1,"observed_at":1}"#.to_string(),
    ]
    .join("\n")
}

#[test]
fn the_json_summary_has_exactly_the_documented_fields() {
    let dir = Dir::new();
    dir.write("mixed.ndjson", &mixed());
    let out = dir.run(&["import", "mixed.ndjson", "--json"]);
    assert_eq!(out.status.code(), Some(0), "rejects alone do not fail an import");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = summary.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["accepted", "rejected", "rejects_file", "channels", "posts"]);
    assert_eq!(summary["accepted"], 3);
    assert_eq!(summary["rejected"], 2);
    assert_eq!(summary["channels"], 1);
    assert_eq!(summary["posts"], 2);
    let rejects = summary["rejects_file"].as_str().unwrap();
    assert!(rejects.starts_with(dir.data().to_str().unwrap()), "{rejects} is under the data directory");
    let kept = std::fs::read_to_string(rejects).unwrap();
    assert_eq!(kept.lines().count(), 2);
    // Each reject is reported on stderr with file, line, field and reason.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mixed.ndjson:3: truncated JSON"), "{stderr}");
    assert!(stderr.contains("mixed.ndjson:5: field platform: unknown platform 'orkut'"), "{stderr}");
}

#[test]
fn a_clean_import_reports_no_rejects_file() {
    let dir = Dir::new();
    dir.write("ok.ndjson", &channel("youtube", "cook", 5_000));
    let out = dir.stdout(&["import", "ok.ndjson", "--json"]);
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["rejects_file"], serde_json::Value::Null);
    assert_eq!(summary["rejected"], 0);
}

#[test]
fn strict_fails_on_any_reject_and_imports_nothing() {
    let dir = Dir::new();
    dir.write("mixed.ndjson", &mixed());
    let out = dir.run(&["import", "--strict", "mixed.ndjson"]);
    assert_eq!(out.status.code(), Some(3));
    let status: serde_json::Value = serde_json::from_str(&dir.stdout(&["status", "--json"])).unwrap();
    assert_eq!(status["channels"], 0);
}

#[test]
fn an_unreadable_file_is_fatal_but_the_readable_ones_import() {
    let dir = Dir::new();
    dir.write("ok.ndjson", &channel("youtube", "cook", 5_000));
    let out = dir.run(&["import", "missing.ndjson", "ok.ndjson"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing.ndjson"), "{stderr}");
    let lines = dir.json_lines(&["channels", "--json"]);
    assert_eq!(lines.len(), 1);
    assert!(stderr.contains("recomputing metrics"), "the readable file changed the store: {stderr}");
    // A missing file alone writes nothing: nothing is recomputed, and the numbers stay
    // current.
    let out = dir.run(&["import", "missing.ndjson"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("recomputing"), "{stderr}");
    let status: serde_json::Value = serde_json::from_str(&dir.stdout(&["status", "--json"])).unwrap();
    assert_eq!(status["derived"]["current"], true);
}

#[test]
fn progress_counts_the_records_committed_not_the_lines_read() {
    let dir = Dir::new();
    // Two good records and one bad: "committed 2 records", with the reject counted apart.
    let bad = r#"{"kind":"channel","platform":"myspace","handle":"tom","followers":1,"observed_at":1795176000}"#;
    dir.write(
        "three.ndjson",
        &[channel("youtube", "cook", 5_000), bad.to_string(), channel("youtube", "baker", 7_000)].join("\n"),
    );
    let out = dir.run(&["import", "three.ndjson"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("committed 2 records of three.ndjson (1 rejected so far)"), "{stderr}");
}

#[test]
fn a_second_writer_gets_a_clear_message() {
    let dir = Dir::new();
    dir.write("ok.ndjson", &channel("youtube", "cook", 5_000));
    dir.stdout(&["import", "ok.ndjson"]);
    if dir.on_postgres() {
        // PostgreSQL takes writers from several processes (nodes) at once: two imports side
        // by side both complete, and every channel of both is there.
        let file = |name: &str, first: u64| {
            let lines: Vec<String> = (0..200).map(|i| channel("instagram", &format!("{name}{i}"), first + i)).collect();
            dir.write(&format!("{name}.ndjson"), &lines.join("\n"));
        };
        file("left", 3_000);
        file("right", 9_000);
        let spawn = |name: &str| {
            let mut cmd = dir.command(&["import", &format!("{name}.ndjson"), "--batch-size", "7"]);
            cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped()).spawn().unwrap()
        };
        let (left, right) = (spawn("left"), spawn("right"));
        for child in [left, right] {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        assert_eq!(dir.json_lines(&["channels", "--json"]).len(), 401);
        return;
    }
    // Another process holds the writer's lock.
    let lock = std::fs::OpenOptions::new().write(true).open(dir.data().join("clout.lock")).unwrap();
    lock.try_lock().unwrap();
    let out = dir.run(&["import", "ok.ndjson"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("another clout process is writing to"), "{stderr}");
    // Reading still works while the lock is held.
    assert_eq!(dir.json_lines(&["channels", "--json"]).len(), 1);
    drop(lock);
    assert!(dir.run(&["import", "ok.ndjson"]).status.success());
}

#[test]
fn the_data_directory_comes_from_clout_data_when_no_flag_is_given() {
    let dir = Dir::new();
    dir.write("ok.ndjson", &channel("youtube", "cook", 5_000));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clout"))
        .current_dir(dir.path())
        .env("CLOUT_DATA", dir.path().join("elsewhere"))
        .args(["import", "ok.ndjson"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(dir.path().join("elsewhere").join("clout.db").exists());
    assert!(!dir.path().join("clout-data").exists());
}

#[test]
fn without_flag_or_env_the_data_directory_is_clout_data_here() {
    let dir = Dir::new();
    dir.write("ok.ndjson", &channel("youtube", "cook", 5_000));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clout"))
        .current_dir(dir.path())
        .env_remove("CLOUT_DATA")
        .args(["import", "ok.ndjson"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(dir.path().join("clout-data").join("clout.db").exists());
}

#[test]
fn quality_check_scores_the_follower_records_of_a_file() {
    let dir = Dir::new();
    dir.write(
        "f.ndjson",
        &[
            r#"{"kind":"follower","platform":"instagram","handle":"greens","username":"anna.bakes","followers":420,"following":380,"posts_count":95,"has_profile_pic":true,"is_private":true,"bio":"Baker in Leeds"}"#,
            r#"{"kind":"follower","platform":"instagram","handle":"greens","username":"user83920417","followers":3,"following":4100,"posts_count":0,"has_profile_pic":false,"is_private":false,"bio_length":0}"#,
        ]
        .join("\n"),
    );
    let lines = dir.json_lines(&["quality", "check", "f.ndjson", "--json"]);
    assert_eq!(lines.len(), 2);
    for key in ["username", "fake_probability", "fake", "reasons"] {
        assert!(lines[0].get(key).is_some(), "{key} missing in {}", lines[0]);
    }
    assert_eq!(lines[0]["fake"], false);
    assert_eq!(lines[1]["fake"], true);
    assert!(lines[1]["fake_probability"].as_f64().unwrap() > lines[0]["fake_probability"].as_f64().unwrap());
    assert!(!lines[1]["reasons"].as_array().unwrap().is_empty());
}

#[test]
fn the_reasons_file_beside_the_rejects_writes_a_formula_as_text() {
    let dir = Dir::new();
    dir.write("=1+1.ndjson", &mixed());
    let summary: serde_json::Value = serde_json::from_str(&dir.stdout(&["import", "=1+1.ndjson", "--json"])).unwrap();
    let rejects = std::path::Path::new(summary["rejects_file"].as_str().unwrap());
    let reasons = std::fs::read_to_string(rejects.with_file_name("reasons.tsv")).unwrap();
    assert!(reasons.contains("\n'=1+1.ndjson\t3\t\ttruncated JSON"), "{reasons}");
    assert!(!reasons.contains("\n=1+1"), "{reasons}");
}

/// A post line with shares (Mastodon's boosts, Bluesky's reposts), which `util::post` leaves out.
fn post_with_shares(platform: &str, handle: &str, id: &str, days_before: i64, counts: (u64, u64, u64)) -> String {
    let (likes, comments, shares) = counts;
    format!(
        r#"{{"kind":"post","platform":"{platform}","handle":"{handle}","post_id":"{id}","published_at":{},"likes":{likes},"comments":{comments},"shares":{shares},"observed_at":{AS_OF}}}"#,
        AS_OF - days_before * DAY
    )
}

#[test]
fn bluesky_and_mastodon_channels_import_with_their_posts_and_get_metrics() {
    let dir = Dir::new();
    let mut lines =
        vec![channel("bluesky", "@Skyler.bsky.social", 2_000), channel("mastodon", "@Alice@Mastodon.Social", 4_000)];
    // Bluesky, 2,000 followers: engagements 20, 40, 60, 80, 100 are 1, 2, 3, 4, 5 % (mean and
    // median 3 %). The post of a day ago counts under the 24-hour rule (YouTube's 7 days would
    // leave no post at all); the one of 12 hours ago, with its 1,000 likes, is too young.
    for (i, (likes, comments)) in [(18, 2), (36, 4), (55, 5), (72, 8), (90, 10)].into_iter().enumerate() {
        lines.push(post("bluesky", "skyler.bsky.social", &format!("b{i}"), 1 + i as i64, likes, comments));
    }
    lines.push(format!(
        r#"{{"kind":"post","platform":"bluesky","handle":"skyler.bsky.social","post_id":"young","published_at":{},"likes":1000,"comments":0,"observed_at":{AS_OF}}}"#,
        AS_OF - DAY / 2
    ));
    // Mastodon, 4,000 followers, boosts as shares: engagements 40, 80, 120, 160, 400 are
    // 1, 2, 3, 4, 10 %: mean 4 %, median 3 %; shares 4 + 10 + 16 + 20 + 50 = 100, 20 a post.
    for (i, counts) in [(30, 6, 4), (60, 10, 10), (90, 14, 16), (120, 20, 20), (300, 50, 50)].into_iter().enumerate() {
        lines.push(post_with_shares("mastodon", "alice@mastodon.social", &format!("m{i}"), 2 + i as i64, counts));
    }
    dir.write("fediverse.ndjson", &lines.join("\n"));
    let summary: serde_json::Value =
        serde_json::from_str(&dir.stdout(&["import", "fediverse.ndjson", "--json"])).unwrap();
    assert_eq!((summary["accepted"].as_u64(), summary["rejected"].as_u64()), (Some(13), Some(0)));
    assert_eq!((summary["channels"].as_u64(), summary["posts"].as_u64()), (Some(2), Some(11)));

    let close = |v: &serde_json::Value, expected: f64| (v.as_f64().unwrap() - expected).abs() < 1e-9;
    let sky = &dir.json_lines(&["channels", "--json", "--platform", "bluesky"])[..];
    assert_eq!(sky.len(), 1);
    assert_eq!(sky[0]["handle"], "skyler.bsky.social");
    assert_eq!(sky[0]["tier"], "micro");
    assert_eq!(sky[0]["posts_in_window"], 5);
    assert_eq!(sky[0]["window_eligible_until"], "2026-11-19T12:00:00Z");
    assert!(close(&sky[0]["engagement_rate"], 3.0), "{}", sky[0]);
    assert!(close(&sky[0]["median_engagement_rate"], 3.0), "{}", sky[0]);
    // 271 likes over 5 posts.
    assert!(close(&sky[0]["avg_likes"], 54.2), "{}", sky[0]);

    let masto = &dir.json_lines(&["channels", "--json", "--platform", "Mastodon"])[..];
    assert_eq!(masto.len(), 1);
    assert_eq!(masto[0]["handle"], "alice@mastodon.social");
    assert_eq!(masto[0]["posts_in_window"], 5);
    assert!(close(&masto[0]["engagement_rate"], 4.0), "{}", masto[0]);
    assert!(close(&masto[0]["median_engagement_rate"], 3.0), "{}", masto[0]);
    assert!(close(&masto[0]["avg_shares"], 20.0), "{}", masto[0]);
    // 4 % is not above 1.5 × 3 % = 4.5 %.
    assert_eq!(masto[0]["viral_skew"], false);

    // Both are reachable as PLATFORM/HANDLE and in the Directory.
    let shown = dir.json_lines(&["show", "mastodon/@Alice@mastodon.social", "--json"]);
    assert_eq!(shown[0]["platform"], "mastodon");
    let found = dir.json_lines(&["search", "--platform", "bluesky", "--json"]);
    let handles: Vec<&str> = found.iter().filter_map(|o| o["handle"].as_str()).collect();
    assert_eq!(handles, ["skyler.bsky.social"]);
}

#[test]
fn an_unknown_platform_is_still_rejected_naming_the_field_and_every_accepted_name() {
    let dir = Dir::new();
    let lines = [channel("bluesky", "skyler", 2_000), channel("myspace", "tom", 2_000)];
    dir.write("two.ndjson", &lines.join("\n"));
    let out = dir.run(&["import", "two.ndjson", "--json"]);
    assert_eq!(out.status.code(), Some(0), "a reject alone does not fail an import");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((summary["accepted"].as_u64(), summary["rejected"].as_u64()), (Some(1), Some(1)));
    let reason = "unknown platform 'myspace' (expected one of: instagram, tiktok, youtube, x, facebook, \
                  twitch, pinterest, linkedin, threads, snapchat, bluesky, mastodon)";
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("two.ndjson:2: field platform: {reason}")), "{stderr}");
    let rejects = std::path::Path::new(summary["rejects_file"].as_str().unwrap());
    let reasons = std::fs::read_to_string(rejects.with_file_name("reasons.tsv")).unwrap();
    assert!(reasons.contains(&format!("two.ndjson\t2\tplatform\t{reason}")), "{reasons}");
    // The command line refuses it too, with the same list.
    let out = dir.run(&["channels", "--platform", "myspace"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(reason), "{}", String::from_utf8_lossy(&out.stderr));
}
