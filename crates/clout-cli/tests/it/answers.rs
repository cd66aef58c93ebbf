//! `clout import` of saved API answers, recognised by their content: Bluesky, YouTube,
//! Instagram, TikTok Research API and X API v2 answers import without conversion, pretty
//! printed or one per line, and anything else is read as interchange NDJSON as before.

use serde_json::{Value, json};

use crate::util::Dir;

const WHEN: &str = "2026-12-01T09:00:00Z";

fn import(dir: &Dir, files: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["import", "--json", "--observed-at", WHEN];
    args.extend_from_slice(files);
    let out = dir.run(&args);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let report = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), report, String::from_utf8_lossy(&out.stderr).to_string())
}

fn show(dir: &Dir, channel: &str) -> Value {
    serde_json::from_str(&dir.stdout(&["show", channel, "--json"])).unwrap()
}

fn fixture(path: &str) -> Value {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../clout-replay/data").join(path);
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

#[test]
fn saved_bluesky_answers_import_pretty_printed_or_one_per_line() {
    let fern = fixture("bluesky/fern-bakes.json");
    let dir = Dir::new();
    // getProfiles as curl writes it (one line), getAuthorFeed as jq writes it (pretty).
    dir.write("profiles.json", &json!({"profiles": [fern["profile"]]}).to_string());
    dir.write("feed.json", &serde_json::to_string_pretty(&json!({"feed": fern["feed"], "cursor": "o16"})).unwrap());
    let (code, report, stderr) = import(&dir, &["profiles.json", "feed.json"]);
    assert_eq!(code, 0, "{stderr}");
    // 1 profile + 16 feed items: 14 posts and the author's reply (a repost of another
    // account's post is skipped, not a record).
    assert_eq!((report["accepted"].as_u64(), report["rejected"].as_u64()), (Some(16), Some(0)), "{report}");
    let o = show(&dir, "bluesky/fern-bakes.test");
    assert_eq!(o["followers"], 5000);
    assert_eq!(o["window_posts"][0]["observed_at"], WHEN, "{o}");
    assert_eq!(o["provenance"]["followers"]["observed_at"], WHEN, "{o}");

    // Answers one per line, with a line that is none: it is a reject of its own line.
    let lines = format!(
        "{}\n{}\nnot json at all\n",
        json!({"profiles": [fern["profile"]]}),
        json!({"feed": [fern["feed"][0]]})
    );
    dir.write("answers.jsonl", &lines);
    let (code, report, stderr) = import(&dir, &["answers.jsonl"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!((report["accepted"].as_u64(), report["rejected"].as_u64()), (Some(2), Some(1)), "{report}");
    assert!(stderr.contains("answers.jsonl:3:") && stderr.contains("invalid JSON"), "{stderr}");
}

#[test]
fn saved_youtube_answers_join_videos_to_their_channel_by_handle() {
    let loom = fixture("youtube/loomandlathe.json");
    let dir = Dir::new();
    dir.write(
        "channels.json",
        &serde_json::to_string_pretty(&json!({"kind": "youtube#channelListResponse", "items": [loom["channel"]]}))
            .unwrap(),
    );
    dir.write(
        "videos.json",
        &serde_json::to_string_pretty(&json!({"kind": "youtube#videoListResponse", "items": loom["videos"]})).unwrap(),
    );
    let (code, report, stderr) = import(&dir, &["channels.json", "videos.json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!((report["accepted"].as_u64(), report["channels"].as_u64()), (Some(9), Some(1)), "{report}");
    let o = show(&dir, "youtube/loomandlathe");
    assert_eq!((o["followers"].as_u64(), o["posts_in_window"].as_u64()), (Some(12_300), Some(8)), "{o}");
    assert!((o["median_engagement_rate"].as_f64().unwrap() - 153.0 / 123.0).abs() < 1e-9, "{o}");
}

#[test]
fn saved_instagram_tiktok_and_x_answers_import_without_conversion() {
    let dir = Dir::new();
    let olive = fixture("instagram/olive.grove.kitchen.json");
    let mut discovery = olive["profile"].clone();
    discovery["media"] = json!({"data": olive["media"]});
    dir.write(
        "ig.json",
        &serde_json::to_string_pretty(&json!({"business_discovery": discovery, "id": "1784"})).unwrap(),
    );
    // A TikTok Research API video query: numbers as the API sends them; one video without
    // a share count.
    dir.write(
        "tiktok.json",
        &serde_json::to_string_pretty(&json!({"data": {"videos": [
            {"id": 7_301_000_000_000_000_001_u64, "username": "Clay.Corner", "create_time": 1_780_000_000, "like_count": 420,
             "comment_count": 31, "share_count": 12, "view_count": 9800, "video_description": "Trimming a bowl",
             "hashtag_names": ["pottery", "ceramics"], "region_code": "GB"},
            {"id": 7_301_000_000_000_000_002_u64, "username": "clay.corner", "create_time": 1_779_900_000, "like_count": 200,
             "comment_count": 8, "view_count": 4100}
        ], "cursor": 2, "has_more": false, "search_id": "7301"}, "error": {"code": "ok", "message": "", "log_id": "1"}})).unwrap(),
    );
    // An X API v2 tweets lookup with the author expanded.
    dir.write(
        "x.json",
        &json!({"data": [{"id": "1860000000000000001", "text": "New glaze test #pottery", "author_id": "42",
                  "created_at": "2026-11-20T10:00:00.000Z",
                  "public_metrics": {"retweet_count": 3, "reply_count": 4, "like_count": 50, "quote_count": 1,
                                     "bookmark_count": 2, "impression_count": 2100},
                  "entities": {"hashtags": [{"start": 15, "end": 23, "tag": "pottery"}]}}],
                "includes": {"users": [{"id": "42", "username": "KilnNotes", "name": "Kiln Notes",
                  "public_metrics": {"followers_count": 3100, "following_count": 200, "tweet_count": 880, "listed_count": 4}}]}})
        .to_string(),
    );
    let (code, report, stderr) = import(&dir, &["ig.json", "tiktok.json", "x.json"]);
    assert_eq!(code, 0, "{stderr}");
    // 1 + 7 Instagram, 2 TikTok posts, 1 tweet and its author.
    assert_eq!((report["accepted"].as_u64(), report["rejected"].as_u64()), (Some(12), Some(0)), "{report}");
    let ig = show(&dir, "instagram/olive.grove.kitchen");
    assert!((ig["median_engagement_rate"].as_f64().unwrap() - 2.0).abs() < 1e-9, "{ig}");
    let x = show(&dir, "x/kilnnotes");
    let tweet = &x["window_posts"][0];
    assert_eq!(
        (tweet["likes"].as_u64(), tweet["comments"].as_u64(), tweet["shares"].as_u64(), tweet["views"].as_u64()),
        (Some(50), Some(4), Some(4), Some(2100))
    );
    let tiktok = show(&dir, "tiktok/clay.corner");
    assert_eq!(tiktok["posts_stored"], 2, "{tiktok}");
    assert!(tiktok["followers"].is_null(), "the video query holds no follower count: {tiktok}");
}

#[test]
fn a_pretty_printed_file_that_is_no_answer_is_read_as_interchange_ndjson() {
    let dir = Dir::new();
    dir.write("odd.json", "{\n  \"hello\": 1\n}\n");
    let (code, report, stderr) = import(&dir, &["odd.json"]);
    assert_eq!(code, 0, "{stderr}");
    // Three lines, three rejects: an interchange file has one record per line.
    assert_eq!((report["accepted"].as_u64(), report["rejected"].as_u64()), (Some(0), Some(3)), "{report}");
}
