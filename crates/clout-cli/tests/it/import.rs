//! `clout import`: exit codes, the `--json` summary, rejects and the writer lock.

use crate::util::{Dir, channel, post};

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
}

#[test]
fn a_second_writer_gets_a_clear_message() {
    let dir = Dir::new();
    dir.write("ok.ndjson", &channel("youtube", "cook", 5_000));
    dir.stdout(&["import", "ok.ndjson"]);
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
