//! `clout demo`: a deterministic world, written or imported.

use crate::util::Dir;

#[test]
fn the_same_seed_writes_the_same_world_and_another_seed_another() {
    let dir = Dir::new();
    dir.stdout(&["demo", "--write", "a.ndjson", "--channels", "150", "--seed", "3"]);
    dir.stdout(&["demo", "--write", "b.ndjson", "--channels", "150", "--seed", "3"]);
    dir.stdout(&["demo", "--write", "c.ndjson", "--channels", "150", "--seed", "4"]);
    let a = std::fs::read(dir.path().join("a.ndjson")).unwrap();
    let b = std::fs::read(dir.path().join("b.ndjson")).unwrap();
    let c = std::fs::read(dir.path().join("c.ndjson")).unwrap();
    assert!(!a.is_empty());
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn a_written_world_imports_without_a_single_reject() {
    let dir = Dir::new();
    dir.stdout(&["demo", "--write", "w.ndjson.gz", "--channels", "120"]);
    let out = dir.stdout(&["import", "w.ndjson.gz", "--json"]);
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["rejected"], 0, "{s}");
    assert_eq!(s["channels"], 120);
    assert!(s["posts"].as_u64().unwrap() > 120);
}

#[test]
fn demo_fills_the_data_directory_with_metrics_and_size_fits() {
    let dir = Dir::new();
    dir.stdout(&["demo", "--channels", "400"]);
    let channels = dir.json_lines(&["channels", "--json"]);
    assert_eq!(channels.len(), 400);
    let with_rate = channels.iter().filter(|c| c["engagement_rate"].is_number()).count();
    assert!(with_rate > 200, "{with_rate} of 400 have a rate");
    assert!(channels.iter().any(|c| c["engagement_rate_reason"] == "insufficient_posts"), "some inactive channels");
    assert!(channels.iter().any(|c| c["engagement_index"].is_number()));
    let b: serde_json::Value = serde_json::from_str(&dir.stdout(&["benchmarks", "--json"])).unwrap();
    let instagram = b["size_fits"].as_array().unwrap().iter().find(|f| f["platform"] == "instagram").unwrap();
    assert!(instagram["b"].as_f64().unwrap() < 0.0, "engagement falls with size: {instagram}");
}
