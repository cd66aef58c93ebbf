//! `GET /api/v1/status`: what the store holds, as counted by hand from the imported file.

use crate::support::{Client, World, shut_down, small_world};

#[test]
fn status_counts_what_was_imported_and_what_was_rejected() {
    let world = World::with(&small_world());
    let server = world.serve();
    let r = Client::with_token(&server, world.token.as_deref().unwrap()).get("/api/v1/status");
    assert_eq!(r.status, 200, "{}", r.body);
    let s = r.json();
    // Three channel lines and four post lines were accepted; the myspace line was not.
    assert_eq!(s["channels"], 3);
    assert_eq!(s["channel_observations"], 3);
    // Every channel record is a follower count too.
    assert_eq!(s["follower_observations"], 3);
    assert_eq!(s["posts"], 4);
    assert_eq!(s["import_runs"], 1);
    assert_eq!(s["rejects"], 1);
    assert_eq!(s["indexed_channels"], 3, "the Directory holds every channel");
    assert_eq!(s["derived"]["current"], true, "the import recomputed the metrics");
    assert_eq!(s["derived"]["stale_since"], serde_json::Value::Null);
    let run = &s["runs"][0];
    assert_eq!(run["status"], "completed");
    assert_eq!((run["accepted"].as_u64(), run["rejected"].as_u64()), (Some(7), Some(1)));
    // The file lies outside the data directory: named by its name alone, never its path.
    assert_eq!(run["files"], serde_json::json!(["world.ndjson"]));
    shut_down(server);
}

#[test]
fn status_refuses_a_caller_who_is_not_signed_in() {
    let world = World::with(&small_world());
    let server = world.serve();
    let r = Client::anonymous(&server).get("/api/v1/status");
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], "unauthenticated");
    let r = Client::with_token(&server, "not-a-token").get("/api/v1/status");
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], "invalid_token");
    shut_down(server);
}
