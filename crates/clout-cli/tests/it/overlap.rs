//! `clout overlap` and `GET /api/v1/overlap` on hand-made follower samples and comments;
//! every expected figure was worked out by hand.

use serde_json::json;

use crate::server::{Server, admin};
use crate::util::{AS_OF, Dir};

/// north (10 followers, sampled whole: n1..n10), south (8, whole: n7..n10 and s1..s4),
/// west (2,000 followers, a sample of 20: n1, s1 and w1..w18). Commenters: north by fan1
/// and fan2, south by fan2 and fan3.
fn world(dir: &Dir) {
    let mut lines = Vec::new();
    for (handle, followers) in [("north", 10), ("south", 8), ("west", 2000)] {
        lines.push(format!(
            r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","followers":{followers},"observed_at":{AS_OF}}}"#
        ));
    }
    let mut samples: Vec<(&str, Vec<String>)> = vec![
        ("north", (1..=10).map(|i| format!("n{i}")).collect()),
        ("south", (7..=10).map(|i| format!("n{i}")).chain((1..=4).map(|i| format!("s{i}"))).collect()),
        ("west", ["n1".to_string(), "s1".to_string()].into_iter().chain((1..=18).map(|i| format!("w{i}"))).collect()),
    ];
    for (handle, users) in samples.drain(..) {
        for u in users {
            lines.push(format!(
                r#"{{"kind":"follower","platform":"instagram","handle":"{handle}","username":"{u}","followers":50,"following":80,"posts_count":9,"observed_at":{AS_OF}}}"#
            ));
        }
    }
    for (handle, id, author) in
        [("north", "c1", "fan1"), ("north", "c2", "fan2"), ("south", "c3", "fan2"), ("south", "c4", "fan3")]
    {
        lines.push(format!(
            r#"{{"kind":"comment","platform":"instagram","handle":"{handle}","post_id":"p1","comment_id":"{id}","author":"{author}","text":"so good"}}"#
        ));
    }
    dir.write("world.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "world.ndjson"]);
}

#[test]
fn pairwise_overlap_unique_shares_and_reach_from_follower_samples() {
    let dir = Dir::new();
    world(&dir);
    let o = dir.json_lines(&["overlap", "instagram/north", "instagram/south", "instagram/west", "--json"]).remove(0);
    // north and south share n7..n10, both sampled whole: exactly 4, 40 % of north, 50 % of south.
    let ns = &o["pairs"][0];
    assert_eq!((ns["a"].as_str(), ns["b"].as_str()), (Some("instagram/north"), Some("instagram/south")));
    assert_eq!((ns["shared_followers"].as_f64(), ns["shared_followers_low"].as_f64()), (Some(4.0), Some(4.0)));
    assert_eq!((ns["share_of_a"].as_f64(), ns["share_of_b"].as_f64()), (Some(40.0), Some(50.0)));
    assert_eq!(ns["shared_commenters"], 1);
    // north and west share n1; west's sample is 20 of 2,000: 1 × 1 × 100 = 100, at most north's 10.
    let nw = &o["pairs"][1];
    assert_eq!((nw["shared_in_samples"].as_u64(), nw["shared_followers"].as_f64()), (Some(1), Some(10.0)));
    // Reach: 2,018 − 4 − 10 − 8 = 1,996, but never below west's own 2,000.
    assert_eq!((o["total_followers"].as_u64(), o["unique_reach"].as_f64()), (Some(2018), Some(2000.0)));
    // north's unique share: (1 − 4/10) × (1 − 10/10) = 0.
    assert_eq!(o["channels"][0]["unique_share"].as_f64(), Some(0.0));
    assert_eq!(o["channels"][0]["sampled_followers"], 10);
    // Without west, exact: 10 + 8 − 4 = 14; north keeps 60 % to itself.
    let two = dir.json_lines(&["overlap", "instagram/north", "instagram/south", "--json"]).remove(0);
    assert_eq!((two["unique_reach"].as_f64(), two["unique_reach_low"].as_f64()), (Some(14.0), Some(14.0)));
    assert_eq!(two["channels"][0]["unique_share"].as_f64(), Some(60.0));
    // For people: tables and the reach in words.
    let table = dir.stdout(&["overlap", "instagram/north", "instagram/south"]);
    assert!(table.contains("Unique reach: 14 (14–14) of 18 followers in all"), "{table}");
    assert!(table.contains("instagram/north") && table.contains("40.0 %"), "{table}");
    let missing = dir.run(&["overlap", "instagram/north", "instagram/nobody"]);
    assert!(!missing.status.success());
}

#[test]
fn the_api_compares_a_saved_list_as_the_cli_does() {
    let dir = Dir::new();
    world(&dir);
    let cli = dir.json_lines(&["overlap", "instagram/north", "instagram/south", "--json"]).remove(0);
    let server = Server::start(dir);
    let admin = admin(&server);
    let id = admin.json("POST", "/api/v1/lists", json!({"name": "Shortlist"})).json()["id"].as_i64().unwrap();
    for h in ["north", "south"] {
        assert_eq!(admin.json("PUT", &format!("/api/v1/lists/{id}/members/instagram/{h}"), json!({})).status, 204);
    }
    let r = admin.get(&format!("/api/v1/overlap?list={id}"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), cli);
    let with_west = admin.get(&format!("/api/v1/overlap?list={id}&channel=instagram/west")).json();
    assert_eq!(with_west["channels"].as_array().unwrap().len(), 3);
    // The list's page: the unique reach and the pairs, sharing most first.
    let page = admin.get(&format!("/lists/{id}"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"<strong id="unique-reach">14</strong> of 18 followers in all"#), "{}", page.body);
    assert!(
        page.body.contains("instagram&#x2f;north · instagram&#x2f;south") && page.body.contains("40.0 %"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Brand-safety audit (CSV)"));
    admin.get("/api/v1/overlap?list=99").error(404, "not_found");
    admin.get("/api/v1/overlap?list=x").error(400, "invalid_parameter");
    admin.get("/api/v1/overlap?channel=instagram/nobody").error(404, "not_found");
}
