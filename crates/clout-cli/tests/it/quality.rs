//! `clout quality PLATFORM/HANDLE`: the audience-quality score with its components.

use crate::util::{AS_OF, DAY, Dir};

/// Two channels with weekly follower histories: `steady` grows 1 % a week, `spiky` jumps
/// 50 % in one week with no viral post. `spiky` also has a sample of two followers.
fn world(dir: &Dir) {
    let mut lines = Vec::new();
    for (handle, jump) in [("steady", false), ("spiky", true)] {
        lines.push(format!(
            r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","followers":{},"observed_at":{AS_OF}}}"#,
            if jump { 15_200 } else { 11_200 }
        ));
        for w in 1..=12i64 {
            let base = 10_000.0 * 1.01f64.powi(12 - w as i32);
            let followers = if jump && w <= 5 {
                base * 1.0
            } else if jump {
                base / 1.5
            } else {
                base
            };
            lines.push(format!(
                r#"{{"kind":"followers","platform":"instagram","handle":"{handle}","followers":{},"observed_at":{}}}"#,
                followers as u64 + (w as u64 * 17) % 30,
                AS_OF - w * 7 * DAY
            ));
        }
        for i in 0..14 {
            lines.push(format!(
                r#"{{"kind":"post","platform":"instagram","handle":"{handle}","post_id":"p{i}","published_at":{},"likes":{},"comments":5,"observed_at":{AS_OF}}}"#,
                AS_OF - (2 + 5 * i) * DAY,
                300 + (i * 37) % 60
            ));
        }
    }
    // A pod on `spiky`: four accounts drop a stock comment on every post.
    for i in 0..14 {
        for (k, pod) in ["ana", "ben", "cai", "dee"].iter().enumerate() {
            lines.push(format!(
                r#"{{"kind":"comment","platform":"instagram","handle":"spiky","post_id":"p{i}","comment_id":"c{i}-{k}","author":"{pod}","text":"🔥🔥"}}"#
            ));
        }
    }
    lines.push(r#"{"kind":"follower","platform":"instagram","handle":"spiky","username":"user83920417","followers":3,"following":4100,"posts_count":0,"has_profile_pic":false,"is_private":false,"bio_length":0}"#.to_string());
    lines.push(r#"{"kind":"follower","platform":"instagram","handle":"spiky","username":"anna.bakes","followers":420,"following":380,"posts_count":95,"has_profile_pic":true,"is_private":true,"bio_length":14}"#.to_string());
    dir.write("world.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "world.ndjson"]);
}

#[test]
fn a_spike_without_a_viral_post_and_fake_followers_lower_the_score_with_evidence() {
    let dir = Dir::new();
    world(&dir);
    let steady: serde_json::Value =
        serde_json::from_str(&dir.stdout(&["quality", "instagram/steady", "--json"])).unwrap();
    let spiky: serde_json::Value =
        serde_json::from_str(&dir.stdout(&["quality", "instagram/spiky", "--json"])).unwrap();
    assert_eq!(steady["quality_score"], 100.0, "{steady}");
    let score = spiky["quality_score"].as_f64().unwrap();
    assert!(score < 70.0, "{spiky}");
    assert!(spiky["quality_low"].as_f64().unwrap() <= score && score <= spiky["quality_high"].as_f64().unwrap());
    let component =
        |name: &str| spiky["components"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap().clone();
    let growth = component("growth");
    assert!(growth["penalty"].as_f64().unwrap() > 0.0, "{growth}");
    assert!(growth["evidence"][0].as_str().unwrap().contains("no viral post"), "{growth}");
    let sample = component("followers_sample");
    assert_eq!(sample["available"], true);
    assert!(sample["explanation"].as_str().unwrap().starts_with("50 % of 2 sampled followers look fake"), "{sample}");
    let comments = component("comment_authenticity");
    assert_eq!(comments["available"], true, "{comments}");
    assert!(comments["penalty"].as_f64().unwrap() >= 20.0, "{comments}");
    assert!(
        comments["evidence"].as_array().unwrap().iter().any(|e| e == "@ana commented on 14 of 14 posts"),
        "{comments}"
    );
}

#[test]
fn quality_needs_a_channel_or_a_subcommand() {
    let dir = Dir::new();
    world(&dir);
    let out = dir.run(&["quality"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("name a channel"));
    let out = dir.run(&["quality", "instagram/nobody"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no channel instagram/nobody"));
}

#[test]
fn channels_carry_the_stored_score_and_the_directory_filters_on_it() {
    let dir = Dir::new();
    world(&dir);
    let lines = dir.json_lines(&["channels", "--json"]);
    let score = |handle: &str| lines.iter().find(|o| o["handle"] == handle).unwrap()["quality_score"].as_f64().unwrap();
    assert_eq!(score("steady"), 100.0);
    assert!(score("spiky") < 70.0);
    let found: Vec<String> = dir
        .json_lines(&["search", "--min-quality", "90", "--json"])
        .iter()
        .map(|o| o["handle"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(found, ["steady"]);
    // The stored score is the one `clout quality` computes.
    let q: serde_json::Value = serde_json::from_str(&dir.stdout(&["quality", "instagram/spiky", "--json"])).unwrap();
    assert_eq!(q["quality_score"].as_f64().unwrap(), score("spiky"));
}
