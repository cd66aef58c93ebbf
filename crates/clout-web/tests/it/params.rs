//! Query parameters: a malformed one is a 400 whose code a program can match on and whose
//! message names the parameter; a well-formed one filters as it says.

use serde_json::Value;

use crate::support::{Client, World, shut_down, small_world};

fn error(client: &Client, path: &str) -> (u16, Value, Value) {
    let r = client.get(path);
    let body = r.json();
    (r.status, body["code"].clone(), body["message"].clone())
}

#[test]
fn a_malformed_query_parameter_is_a_400_that_names_it_with_a_code() {
    let world = World::with(&small_world());
    let server = world.serve();
    let client = Client::with_token(&server, world.token.as_deref().unwrap());
    let cases = [
        ("/api/v1/search?min_followers=lots", "invalid_parameter", "min_followers: 'lots' is not a valid number"),
        ("/api/v1/search?limit=0", "invalid_parameter", "limit: 0 is out of range (1 to 200)"),
        ("/api/v1/search?limit=201", "invalid_parameter", "limit: 201 is out of range (1 to 200)"),
        ("/api/v1/search?country=france", "invalid_parameter", "country: 'france' is not a two-letter country code"),
        ("/api/v1/search?verified=maybe", "invalid_parameter", "verified: 'maybe' is not true or false"),
        (
            "/api/v1/search?min_followers=1000&max_followers=10",
            "invalid_parameter",
            "min_followers: 1000 is above max_followers 10",
        ),
        ("/api/v1/search?platform=", "invalid_parameter", "platform: an empty value (leave the parameter out instead)"),
        ("/api/v1/search?colour=red", "unknown_parameter", "unknown parameter 'colour'"),
        (
            "/api/v1/channels/instagram/ada_cooks/similar?limit=101",
            "invalid_parameter",
            "limit: 101 is out of range (1 to 100)",
        ),
        ("/api/v1/lists/abc", "invalid_parameter", "id: 'abc' is not a list id"),
    ];
    for (path, code, message) in cases {
        let (status, got_code, got_message) = error(&client, path);
        assert_eq!(status, 400, "{path}");
        assert_eq!(got_code, code, "{path}");
        assert_eq!(got_message, message, "{path}");
    }
    shut_down(server);
}

#[test]
fn well_formed_parameters_filter_the_directory() {
    let world = World::with(&small_world());
    let server = world.serve();
    let client = Client::with_token(&server, world.token.as_deref().unwrap());
    // Two Instagram channels and one TikTok channel were imported.
    let r = client.get("/api/v1/search?platform=instagram&sort=followers");
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(body["total"], 2);
    let handles: Vec<&str> =
        body["results"].as_array().unwrap().iter().map(|c| c["handle"].as_str().unwrap()).collect();
    assert_eq!(handles, ["ada_cooks", "bo_bakes"], "12,000 followers before 800");
    // Repeated keys mean any of them; bounds are inclusive: 800 and 12,000 are in, 50,000 is not.
    let r = client.get("/api/v1/search?platform=instagram&platform=tiktok&min_followers=800&max_followers=12000");
    assert_eq!(r.json()["total"], 2);
    shut_down(server);
}
