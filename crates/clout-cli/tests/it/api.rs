//! The JSON API of a real `clout serve`: every endpoint of the OpenAPI document refuses
//! anonymous callers, viewers cannot write, CSRF is enforced, bad input gets a 4xx with a
//! code (never a 500), and the flows work end to end.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::server::{ADMIN_PASSWORD, Client, Server, admin, user};
use crate::util::Dir;

/// Every `(METHOD, path)` the API serves.
pub(crate) const ENDPOINTS: &[(&str, &str)] = &[
    ("GET", "/api/v1/openapi.json"),
    ("POST", "/api/v1/setup"),
    ("POST", "/api/v1/login"),
    ("POST", "/api/v1/logout"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/status"),
    ("GET", "/api/v1/search"),
    ("GET", "/api/v1/posts"),
    ("GET", "/api/v1/brief"),
    ("GET", "/api/v1/brands/{brand}"),
    ("GET", "/api/v1/channels/{platform}/{handle}"),
    ("GET", "/api/v1/channels/{platform}/{handle}/similar"),
    ("GET", "/api/v1/channels/{platform}/{handle}/quality"),
    ("GET", "/api/v1/channels/{platform}/{handle}/price"),
    ("GET", "/api/v1/channels/{platform}/{handle}/safety"),
    ("GET", "/api/v1/safety/audit"),
    ("GET", "/api/v1/overlap"),
    ("GET", "/api/v1/plan"),
    ("GET", "/api/v1/campaigns"),
    ("POST", "/api/v1/campaigns"),
    ("GET", "/api/v1/campaigns/{id}"),
    ("PUT", "/api/v1/campaigns/{id}"),
    ("DELETE", "/api/v1/campaigns/{id}"),
    ("PUT", "/api/v1/campaigns/{id}/members/{platform}/{handle}"),
    ("DELETE", "/api/v1/campaigns/{id}/members/{platform}/{handle}"),
    ("POST", "/api/v1/campaigns/{id}/deliverables"),
    ("POST", "/api/v1/campaigns/{id}/deliverables/{deliverable}/link"),
    ("POST", "/api/v1/campaigns/{id}/deliverables/{deliverable}/cancel"),
    ("GET", "/api/v1/campaigns/{id}/report"),
    ("GET", "/api/v1/campaigns/{id}/report.csv"),
    ("GET", "/api/v1/creators/{platform}/{handle}"),
    ("PUT", "/api/v1/creators/{platform}/{handle}"),
    ("POST", "/api/v1/creators/{platform}/{handle}/notes"),
    ("GET", "/api/v1/lists"),
    ("POST", "/api/v1/lists"),
    ("GET", "/api/v1/lists/{id}"),
    ("DELETE", "/api/v1/lists/{id}"),
    ("PUT", "/api/v1/lists/{id}/members/{platform}/{handle}"),
    ("DELETE", "/api/v1/lists/{id}/members/{platform}/{handle}"),
    ("GET", "/api/v1/lists/{id}/export.csv"),
    ("GET", "/api/v1/imports"),
    ("POST", "/api/v1/imports"),
    ("GET", "/api/v1/imports/{id}"),
    ("GET", "/api/v1/imports/{id}/rejects"),
    ("GET", "/api/v1/tokens"),
    ("POST", "/api/v1/tokens"),
    ("DELETE", "/api/v1/tokens/{id}"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("PATCH", "/api/v1/users/{username}"),
    ("DELETE", "/api/v1/users/{username}"),
    ("PUT", "/api/v1/users/{username}/password"),
    ("POST", "/api/v1/me/password"),
];

pub(crate) const PUBLIC: &[&str] = &["/api/v1/openapi.json", "/api/v1/setup", "/api/v1/login"];

/// Changes any signed-in account may make to itself (a viewer too): not data.
pub(crate) const OWN_ACCOUNT: &[(&str, &str)] =
    &[("POST", "/api/v1/logout"), ("POST", "/api/v1/me/password"), ("DELETE", "/api/v1/tokens/{id}")];

fn documented(server: &Server) -> BTreeSet<(String, String)> {
    let r = Client::anonymous(server).get("/api/v1/openapi.json");
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "an OpenAPI 3 document");
    let mut out = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            out.insert((method.to_uppercase(), path.clone()));
        }
    }
    out
}

pub(crate) fn concrete(path: &str) -> String {
    path.replace("{platform}", "instagram")
        .replace("{username}", "nobody")
        .replace("{handle}", "someone")
        .replace("{id}", "1")
        .replace("{deliverable}", "1")
}

pub(crate) fn body_for(method: &str, path: &str) -> Value {
    match (method, path) {
        ("POST", "/api/v1/lists") => json!({"name": "x"}),
        ("POST", "/api/v1/tokens") => json!({"name": "x"}),
        ("POST", "/api/v1/users") => json!({"username": "bob", "password": "long enough password", "role": "member"}),
        ("PATCH", "/api/v1/users/{username}") => json!({"role": "admin"}),
        ("PUT", "/api/v1/users/{username}/password") => json!({"password": "long enough password"}),
        ("POST", "/api/v1/me/password") => json!({"current_password": "x", "new_password": "long enough password"}),
        ("POST", "/api/v1/campaigns") => json!({"name": "x", "budget": "100"}),
        ("PUT", "/api/v1/campaigns/{id}") => json!({"name": "x", "budget": "100"}),
        ("POST", "/api/v1/campaigns/{id}/deliverables") => json!({"platform": "instagram", "handle": "someone"}),
        ("POST", "/api/v1/campaigns/{id}/deliverables/{deliverable}/link") => json!({"post": "p1"}),
        ("POST", "/api/v1/creators/{platform}/{handle}/notes") => json!({"body": "hello"}),
        _ => json!({}),
    }
}

#[test]
fn the_openapi_document_matches_the_routes_and_every_endpoint_refuses_anonymous_callers() {
    let server = Server::start(Dir::new());
    let expected: BTreeSet<(String, String)> = ENDPOINTS.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    assert_eq!(documented(&server), expected, "the OpenAPI document lists exactly the API's endpoints");
    let anon = Client::anonymous(&server);
    for (method, path) in ENDPOINTS {
        if PUBLIC.contains(path) {
            continue;
        }
        let r = anon.json(method, &concrete(path), body_for(method, path));
        // 401 (not 404) also proves the documented route is really served.
        r.error(401, "unauthenticated");
    }
    // An undocumented path is not served.
    anon.get("/api/v1/nothing-here").error(404, "no_route");
    // A wrong bearer token is refused, not treated as anonymous.
    Client::with_token(&server, "clout_not-a-token").get("/api/v1/me").error(401, "invalid_token");
}

#[test]
fn a_viewer_reads_but_every_write_endpoint_refuses_it() {
    let server = Server::demo(300);
    let admin = admin(&server);
    let viewer = user(&server, &admin, "vic", "viewer");
    assert_eq!(viewer.get("/api/v1/me").json()["role"], "viewer");
    assert_eq!(viewer.get("/api/v1/search?limit=1").status, 200);
    assert_eq!(viewer.get("/api/v1/lists").status, 200);
    for (method, path) in ENDPOINTS {
        if *method == "GET" || PUBLIC.contains(path) || OWN_ACCOUNT.contains(&(*method, *path)) {
            continue;
        }
        let r = if *path == "/api/v1/imports" {
            viewer.upload(path, &[], &[("a.ndjson", b"{}\n")])
        } else {
            viewer.json(method, &concrete(path), body_for(method, path))
        };
        r.error(403, "forbidden");
    }
    // Managing accounts is for admins, not members.
    let member = user(&server, &admin, "max", "member");
    member.get("/api/v1/users").error(403, "forbidden");
    member.json("POST", "/api/v1/users", body_for("POST", "/api/v1/users")).error(403, "forbidden");
    assert_eq!(admin.get("/api/v1/users").json()["users"].as_array().unwrap().len(), 3);
}

#[test]
fn changes_made_with_a_session_need_the_csrf_token() {
    let server = Server::start(Dir::new());
    let admin = admin(&server);
    let no_csrf = Client { csrf: None, ..admin.clone() };
    no_csrf.json("POST", "/api/v1/lists", json!({"name": "x"})).error(403, "csrf_failed");
    let wrong = Client { csrf: Some("0".repeat(64)), ..admin.clone() };
    wrong.json("POST", "/api/v1/lists", json!({"name": "x"})).error(403, "csrf_failed");
    assert_eq!(admin.json("POST", "/api/v1/lists", json!({"name": "x"})).status, 201);
    // A page form without its csrf field is refused too, and changes nothing.
    let form = no_csrf.send("POST", "/lists", Some("application/x-www-form-urlencoded"), b"name=sneaky".to_vec());
    assert_eq!(form.status, 403);
    assert!(form.body.contains("csrf_failed"), "{}", form.body);
    let form =
        no_csrf.send("POST", "/lists", Some("application/x-www-form-urlencoded"), b"name=sneaky&csrf=forged".to_vec());
    assert_eq!(form.status, 403);
    let names: Vec<String> = admin.get("/api/v1/lists").json()["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["x"]);
    // The sign-in form needs its double-submit token.
    let anon = Client::anonymous(&server);
    let r = anon.send(
        "POST",
        "/login",
        Some("application/x-www-form-urlencoded"),
        format!("username=ada&password={ADMIN_PASSWORD}").into_bytes(),
    );
    assert_eq!(r.status, 403);
    assert!(r.header("set-cookie").is_none(), "no session without the token");
    // A bearer token needs no CSRF token: browsers never send it on their own.
    let token =
        admin.json("POST", "/api/v1/tokens", json!({"name": "script"})).json()["token"].as_str().unwrap().to_string();
    assert_eq!(Client::with_token(&server, &token).json("POST", "/api/v1/lists", json!({"name": "y"})).status, 201);
}

#[test]
fn malformed_bodies_and_out_of_range_parameters_get_a_400_with_a_code() {
    let server = Server::demo(200);
    let admin = admin(&server);
    let r = admin.send("POST", "/api/v1/lists", Some("application/json"), b"{\"name\": ".to_vec());
    r.error(400, "malformed_json");
    admin.json("POST", "/api/v1/lists", json!({"name": 5})).error(400, "invalid_body");
    admin.json("POST", "/api/v1/lists", json!({})).error(400, "invalid_body");
    // Serde reads a struct from an array of its fields too; no client means that.
    admin.json("POST", "/api/v1/lists", json!(["Faves"])).error(400, "invalid_body");
    admin.json("PATCH", "/api/v1/users/ada", json!([null, null])).error(400, "invalid_body");
    admin.send("POST", "/api/v1/lists", Some("application/json"), b"[\"Faves\"".to_vec()).error(400, "malformed_json");
    admin.send("POST", "/api/v1/lists", Some("text/plain"), b"name".to_vec()).error(415, "unsupported_media_type");
    admin.json("POST", "/api/v1/lists", json!({"name": "  "})).error(400, "invalid");
    admin
        .json("POST", "/api/v1/users", json!({"username": "bob", "password": "pw", "role": "member"}))
        .error(400, "invalid");
    admin
        .json("POST", "/api/v1/users", json!({"username": "bob", "password": "long enough pw", "role": "god"}))
        .error(400, "invalid_parameter");
    for query in [
        "limit=0",
        "limit=201",
        "limit=-1",
        "offset=100001",
        "min_er=abc",
        "min_er=NaN",
        "max_er=inf",
        "min_er=5&max_er=1",
        "min_followers=-5",
        "sort=bogus",
        "tier=giant",
        "platform=myspace",
        "country=AUS",
        "label=viral",
        "verified=maybe",
        "facets=2",
        "tiers=mine",
        "q=%22unclosed",
    ] {
        admin.get(&format!("/api/v1/search?{query}")).error(400, "invalid_parameter");
    }
    // Thousands of ANDed words would keep a connection busy for minutes.
    admin.get(&format!("/api/v1/search?q={}", "a+".repeat(3000))).error(400, "invalid_parameter");
    admin.get(&format!("/api/v1/search?q={}", "vegan+".repeat(30))).error(400, "invalid_parameter");
    admin.get("/api/v1/search?colour=red").error(400, "unknown_parameter");
    // The API refuses what its document calls invalid: an empty value for a closed set,
    // a follower count beyond int64; free text may be empty.
    for query in ["platform=", "min_followers=", "sort=", "min_followers=9223372036854775808"] {
        admin.get(&format!("/api/v1/search?{query}")).error(400, "invalid_parameter");
    }
    assert_eq!(admin.get("/api/v1/search?q=&niche=&min_followers=9223372036854775807").status, 200);
    admin.get("/api/v1/plan?budget=100&currency=").error(400, "invalid_parameter");
    admin.get("/api/v1/plan?budget=100&sort=followers").error(400, "unknown_parameter");
    // The document says which currencies a plan takes: the rate card's.
    let doc = admin.get("/api/v1/openapi.json").json();
    let plan_params = doc["paths"]["/api/v1/plan"]["get"]["parameters"].as_array().unwrap().clone();
    let currency = plan_params.iter().find(|p| p["name"] == "currency").unwrap();
    assert_eq!(currency["schema"]["enum"], json!(["USD"]), "{currency}");
    assert!(plan_params.iter().all(|p| !["limit", "offset", "facets", "sort"].contains(&p["name"].as_str().unwrap())));
    // Every secured operation documents its 401, every write its 403.
    for (method, path) in ENDPOINTS {
        let responses = &doc["paths"][*path][method.to_lowercase()]["responses"];
        if !PUBLIC.contains(path) {
            assert!(responses["401"].is_object(), "{method} {path}: {responses}");
        }
        if *method != "GET" && !PUBLIC.contains(path) {
            assert!(responses["403"].is_object(), "{method} {path}: {responses}");
        }
    }
    admin.get("/api/v1/channels/instagram/x/similar?limit=0").error(400, "invalid_parameter");
    admin.get("/api/v1/channels/instagram/x/similar?limit=5000").error(400, "invalid_parameter");
    admin.get("/api/v1/channels/myspace/x").error(400, "invalid");
    admin.get("/api/v1/channels/instagram/nobody-here").error(404, "not_found");
    admin.get("/api/v1/lists/abc").error(400, "invalid_parameter");
    admin.get("/api/v1/lists/0").error(400, "invalid_parameter");
    admin.get("/api/v1/lists/99").error(404, "not_found");
    admin.get("/api/v1/imports/x").error(400, "invalid_parameter");
    admin.delete("/api/v1/tokens/nine").error(400, "invalid_parameter");
    admin
        .send("POST", "/api/v1/imports", Some("multipart/form-data; boundary=x"), b"garbage".to_vec())
        .error(400, "malformed_upload");
    admin.upload("/api/v1/imports", &[], &[]).error(400, "no_file");
    // The framework's own refusals keep the error shape.
    admin.get("/api/v1/channels/instagram/%FF%FE").error(400, "bad_request");
    admin.send("PATCH", "/api/v1/lists", Some("application/json"), b"{}".to_vec()).error(405, "method_not_allowed");
    admin.upload("/api/v1/imports", &[], &[("empty.ndjson", b"")]).error(400, "empty_file");
}

#[test]
fn the_api_search_gives_what_the_cli_gives_with_exact_facets() {
    let server = Server::demo(600);
    let admin = admin(&server);
    let r = admin.get("/api/v1/search?platform=instagram&tier=micro&min_er=1&facets=true&sort=er&limit=15");
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    let results = body["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for c in results {
        assert_eq!(c["platform"], "instagram");
        assert_eq!(c["tier"], "micro");
        assert!(c["engagement_rate"].as_f64().unwrap() >= 1.0);
    }
    // The same query from the command line, against the same data directory (readers may
    // open it while the server writes).
    let cli = server.dir.json_lines(&[
        "search",
        "--platform",
        "instagram",
        "--tier",
        "micro",
        "--min-er",
        "1",
        "--facets",
        "--sort",
        "er",
        "--limit",
        "15",
        "--json",
    ]);
    let (last, rows) = cli.split_last().unwrap();
    let handles = |v: &[Value]| v.iter().map(|c| c["handle"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(handles(results), handles(rows));
    assert_eq!(body["total"], last["total"]);
    assert_eq!(body["facets"], last["facets"]);
    // Facet counts under the query add up to the total (each channel has one platform).
    let platform_sum: u64 = body["facets"]["platform"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(platform_sum, body["total"].as_u64().unwrap());
    // A profile and its lookalikes.
    let handle = results[0]["handle"].as_str().unwrap();
    let profile = admin.get(&format!("/api/v1/channels/instagram/{handle}")).json();
    assert_eq!(profile["handle"], handle);
    assert!(profile["provenance"]["followers"]["method"] == "measured");
    let similar = admin.get(&format!("/api/v1/channels/instagram/{handle}/similar?limit=3")).json();
    assert!(similar["results"].as_array().unwrap().len() <= 3);
    let quality = admin.get(&format!("/api/v1/channels/instagram/{handle}/quality"));
    assert_eq!(quality.status, 200, "{}", quality.body);
    assert!(quality.json()["components"].as_array().is_some_and(|c| !c.is_empty()));
    // The server keeps peer statistics with its index; the score is the CLI's to the bit.
    let cli = server.dir.json_lines(&["quality", &format!("instagram/{handle}"), "--json"]);
    assert_eq!(quality.json(), cli[0]);
}

#[test]
fn lists_are_saved_shared_and_exported_as_csv() {
    let server = Server::demo(200);
    let admin = admin(&server);
    let member = user(&server, &admin, "max", "member");
    let first = admin.get("/api/v1/search?limit=2").json()["results"].as_array().unwrap().clone();
    let (p0, h0) = (first[0]["platform"].as_str().unwrap(), first[0]["handle"].as_str().unwrap());
    let (p1, h1) = (first[1]["platform"].as_str().unwrap(), first[1]["handle"].as_str().unwrap());
    let list = member.json("POST", "/api/v1/lists", json!({"name": "Spring launch"}));
    assert_eq!(list.status, 201, "{}", list.body);
    let id = list.json()["id"].as_i64().unwrap();
    admin.json("POST", "/api/v1/lists", json!({"name": "spring LAUNCH"})).error(409, "exists");
    let put = member.json("PUT", &format!("/api/v1/lists/{id}/members/{p0}/{h0}"), json!({"note": "asked, \"$120\""}));
    assert_eq!(put.status, 204, "{}", put.body);
    assert_eq!(member.json("PUT", &format!("/api/v1/lists/{id}/members/{p1}/{h1}"), json!({})).status, 204);
    member.json("PUT", &format!("/api/v1/lists/{id}/members/instagram/nobody"), json!({})).error(404, "not_found");
    let got = admin.get(&format!("/api/v1/lists/{id}")).json();
    assert_eq!(got["members"], 2);
    assert_eq!(got["created_by"], "max");
    assert_eq!(got["channels"][0]["note"], "asked, \"$120\"");
    let csv = admin.get(&format!("/api/v1/lists/{id}/export.csv"));
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(csv.header("content-disposition").unwrap().contains("Spring_launch.csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 3, "{}", csv.body);
    assert!(lines[0].starts_with("platform,handle,name,followers,tier"));
    assert!(lines[1].starts_with(&format!("{p0},{h0},")));
    assert!(lines[1].contains("\"asked, \"\"$120\"\"\""), "CSV quoting: {}", lines[1]);
    assert!(lines[0].ends_with(",added_by,added_at (UTC)"), "{}", lines[0]);
    // The date is one a spreadsheet reads: `2026-12-04 21:58:00`.
    let added = lines[1].rsplit(',').next().unwrap();
    assert!(added.len() == 19 && &added[4..5] == "-" && &added[10..11] == " " && &added[13..14] == ":", "{added}");
    // An email saved for the creator is in the export.
    let saved = admin.json("PUT", &format!("/api/v1/creators/{p0}/{h0}"), json!({"email": "ada@brand.example"}));
    assert_eq!(saved.status, 204, "{}", saved.body);
    let csv = admin.get(&format!("/api/v1/lists/{id}/export.csv"));
    assert!(csv.body.lines().nth(1).unwrap().contains(",ada@brand.example,"), "{}", csv.body);
    assert_eq!(member.delete(&format!("/api/v1/lists/{id}/members/{p1}/{h1}")).status, 204);
    member.delete(&format!("/api/v1/lists/{id}/members/{p1}/{h1}")).error(404, "not_found");
    assert_eq!(admin.delete(&format!("/api/v1/lists/{id}")).status, 204);
    admin.get(&format!("/api/v1/lists/{id}")).error(404, "not_found");
}

#[test]
fn an_upload_with_bad_lines_imports_the_rest_and_keeps_the_rejects_for_download() {
    let server = Server::start(Dir::new());
    let admin = admin(&server);
    let good = r#"{"kind":"channel","platform":"instagram","handle":"veganvibes","followers":12500,"observed_at":"2026-11-20T12:00:00Z","bio":"vegan recipes"}"#;
    let bad_platform =
        r#"{"kind":"channel","platform":"myspace","handle":"old","followers":10,"observed_at":"2026-11-20T12:00:00Z"}"#;
    let bad_count =
        r#"{"kind":"channel","platform":"tiktok","handle":"neg","followers":-4,"observed_at":"2026-11-20T12:00:00Z"}"#;
    let file = format!("{good}\n{bad_platform}\nnot json at all\n{bad_count}\n");
    let csv = "kind,platform,handle,followers,observed_at\nchannel,tiktok,plantchef,3000,2026-11-20T12:00:00Z\nchannel,tiktok,,5,2026-11-20T12:00:00Z\n";
    let r = admin.upload("/api/v1/imports", &[], &[("mixed.ndjson", file.as_bytes()), ("more.csv", csv.as_bytes())]);
    assert_eq!(r.status, 201, "{}", r.body);
    let run = r.json();
    assert_eq!(run["accepted"], 2);
    assert_eq!(run["rejected"], 4);
    let rejects = run["rejects"].as_array().unwrap();
    let at = |line: u64| {
        rejects.iter().find(|x| x["line"] == line && x["file"].as_str().unwrap().ends_with("mixed.ndjson")).unwrap()
    };
    assert_eq!(at(2)["field"], "platform");
    assert_eq!(at(3)["raw"], "not json at all");
    assert_eq!(at(4)["field"], "followers");
    assert!(rejects.iter().all(|x| !x["reason"].as_str().unwrap().is_empty()));
    let id = run["id"].as_i64().unwrap();
    // Two files had rejects: the download must name one.
    admin.get(&format!("/api/v1/imports/{id}/rejects")).error(409, "file_required");
    let names: Vec<String> =
        run["reject_files"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["mixed.rejects.ndjson", "more.rejects.csv"]);
    let nd = admin.get(&format!("/api/v1/imports/{id}/rejects?file=mixed.rejects.ndjson"));
    assert_eq!(nd.status, 200);
    assert_eq!(nd.body, format!("{bad_platform}\nnot json at all\n{bad_count}\n"), "rejects are kept verbatim");
    let c = admin.get(&format!("/api/v1/imports/{id}/rejects?file=more.rejects.csv"));
    assert_eq!(
        c.body, "kind,platform,handle,followers,observed_at\nchannel,tiktok,,5,2026-11-20T12:00:00Z\n",
        "CSV rejects keep the header"
    );
    admin.get(&format!("/api/v1/imports/{id}/rejects?file=../../clout.db")).error(404, "not_found");
    // The Directory sees the new channels at once.
    let found = admin.get("/api/v1/search?q=vegan").json();
    assert_eq!(found["total"], 1);
    assert_eq!(found["results"][0]["handle"], "veganvibes");
    assert_eq!(admin.get("/api/v1/imports").json()["runs"][0]["id"], id);
    assert_eq!(admin.get(&format!("/api/v1/imports/{id}")).json()["rejected"], 4);
}

#[test]
fn api_tokens_work_as_bearer_tokens_until_revoked() {
    let server = Server::start(Dir::new());
    let admin = admin(&server);
    let created = admin.json("POST", "/api/v1/tokens", json!({"name": "nightly"}));
    assert_eq!(created.status, 201);
    let token = created.json()["token"].as_str().unwrap().to_string();
    let id = created.json()["id"].as_i64().unwrap();
    let listed = admin.get("/api/v1/tokens").body;
    assert!(!listed.contains(&token), "the secret is shown once only");
    let script = Client::with_token(&server, &token);
    assert_eq!(script.get("/api/v1/me").json()["username"], "ada");
    assert_eq!(admin.delete(&format!("/api/v1/tokens/{id}")).status, 204);
    script.get("/api/v1/me").error(401, "invalid_token");
}

#[test]
fn accounts_setup_once_sessions_in_safe_cookies_and_login_is_rate_limited() {
    let server = Server::start(Dir::new());
    let anon = Client::anonymous(&server);
    let code = server.setup_code();
    anon.json("POST", "/api/v1/setup", json!({"username": "ada", "password": "short", "setup_code": code}))
        .error(400, "invalid");
    let admin = admin(&server);
    anon.json(
        "POST",
        "/api/v1/setup",
        json!({"username": "eve", "password": "eve's long password", "setup_code": code}),
    )
    .error(403, "forbidden");
    anon.json("POST", "/api/v1/setup", json!({"username": "eve", "password": "eve's long password"}))
        .error(403, "forbidden");
    let r = anon.json("POST", "/api/v1/login", json!({"username": "ada", "password": ADMIN_PASSWORD}));
    let cookie = r.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert_eq!(admin.send("POST", "/api/v1/logout", None, Vec::new()).status, 204);
    admin.get("/api/v1/me").error(401, "unauthenticated");
    for _ in 0..5 {
        anon.json("POST", "/api/v1/login", json!({"username": "ada", "password": "wrong password"}))
            .error(401, "bad_credentials");
    }
    let limited = anon.json("POST", "/api/v1/login", json!({"username": "ada", "password": ADMIN_PASSWORD}));
    limited.error(429, "rate_limited");
    assert!(limited.header("retry-after").is_some());
}

#[test]
fn pages_escape_what_the_data_says() {
    let dir = Dir::new();
    let evil = r#"{"kind":"channel","platform":"instagram","handle":"evil","followers":5000,"observed_at":"2026-11-20T12:00:00Z","name":"<script>alert(1)</script>","bio":"<img src=x onerror=alert(2)>"}"#;
    let file = dir.write("evil.ndjson", &format!("{evil}\n"));
    dir.stdout(&["import", file.to_str().unwrap()]);
    let server = Server::start(dir);
    let admin = admin(&server);
    for page in ["/directory", "/channels/instagram/evil"] {
        let r = admin.get(page);
        assert_eq!(r.status, 200, "{page}: {}", r.body);
        assert!(!r.body.contains("<script>alert"), "{page} must escape the name");
        assert!(!r.body.contains("<img src=x"), "{page} must escape the bio");
        assert!(
            r.body.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;") || r.body.contains("&lt;script&gt;"),
            "{page}"
        );
        assert!(r.header("content-security-policy").is_some_and(|c| c.contains("script-src 'none'")));
    }
}

#[test]
fn serve_listens_on_loopback_by_default() {
    let out = Dir::new().stdout(&["serve", "--help"]);
    assert!(out.contains("127.0.0.1:8080"), "{out}");
}

/// The pre-sign-in token of the login page: (cookie header, field value).
fn login_form_token(anon: &Client) -> (String, String) {
    let page = anon.get("/login");
    let cookie = page.header("set-cookie").expect("a csrf cookie").split(';').next().unwrap().to_string();
    let token = cookie.split_once('=').unwrap().1.to_string();
    (cookie, token)
}

#[test]
fn sign_in_never_sends_the_browser_off_site() {
    let server = Server::start(Dir::new());
    admin(&server);
    for next in ["/%09/evil.example", "//evil.example", "/%0A", "https://evil.example/", "/\\evil.example"] {
        let anon = Client::anonymous(&server);
        let (cookie, token) = login_form_token(&anon);
        let with_cookie = Client { cookie: Some(cookie), ..anon };
        let body = format!("csrf={token}&username=ada&password={}&next={next}", ADMIN_PASSWORD.replace(' ', "+"));
        let r = with_cookie.send("POST", "/login", Some("application/x-www-form-urlencoded"), body.into_bytes());
        assert_eq!(r.status, 303, "{next}: {}", r.body);
        assert_eq!(r.header("location"), Some("/directory"), "{next}");
    }
}

#[test]
fn oversized_bodies_are_refused_before_they_are_read_except_uploads() {
    let server = Server::start(Dir::new());
    let admin = admin(&server);
    // Only the headers are sent: the answer comes before any of the 2 MiB body is read.
    use std::io::{Read, Write};
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(stream, "POST /api/v1/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", 2 << 20).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"code\":\"too_large\""), "{answer}");
    // An upload may be larger than that.
    let line = r#"{"kind":"channel","platform":"tiktok","handle":"big","followers":3000,"observed_at":"2026-11-20T12:00:00Z"}"#;
    let mut file = String::new();
    while file.len() < (2 << 20) {
        file.push_str(line);
        file.push('\n');
    }
    let r = admin.upload("/api/v1/imports", &[], &[("big.ndjson", file.as_bytes())]);
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn the_login_limit_counts_a_name_however_it_is_spelled() {
    let server = Server::start(Dir::new());
    admin(&server);
    let anon = Client::anonymous(&server);
    for name in [" ada", "ada ", "\tada", "ADA", "Ada"] {
        anon.json("POST", "/api/v1/login", json!({"username": name, "password": "wrong password"}))
            .error(401, "bad_credentials");
    }
    anon.json("POST", "/api/v1/login", json!({"username": " ada\t", "password": ADMIN_PASSWORD}))
        .error(429, "rate_limited");
}

#[test]
fn an_upload_form_without_its_csrf_field_first_writes_nothing() {
    let server = Server::start(Dir::new());
    let admin = admin(&server);
    let page_client = Client { csrf: None, ..admin.clone() };
    let line = b"{\"kind\":\"channel\",\"platform\":\"tiktok\",\"handle\":\"x\",\"followers\":3000,\"observed_at\":\"2026-11-20T12:00:00Z\"}\n";
    let r = page_client.upload("/imports", &[], &[("a.ndjson", line)]);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("csrf_failed"));
    let uploads = server.dir.data().join("uploads");
    let written: usize = std::fs::read_dir(&uploads)
        .map(|d| d.flat_map(|e| std::fs::read_dir(e.unwrap().path()).unwrap()).count())
        .unwrap_or(0);
    assert_eq!(written, 0, "no file may be written before the token is checked");
    assert_eq!(admin.get("/api/v1/imports").json()["runs"].as_array().unwrap().len(), 0);
}

#[test]
fn prices_and_plans_over_the_api_are_the_clis_and_bad_parameters_get_a_code() {
    let server = Server::demo(600);
    let admin = admin(&server);
    let top = admin.get("/api/v1/search?platform=instagram&sort=followers&limit=1").json();
    let handle = top["results"][0]["handle"].as_str().unwrap().to_string();
    let r = admin.get(&format!("/api/v1/channels/instagram/{handle}/price?deliverable=reel&quote=150"));
    assert_eq!(r.status, 200, "{}", r.body);
    let cli = server.dir.json_lines(&[
        "price",
        &format!("instagram/{handle}"),
        "--deliverable",
        "video",
        "--quote",
        "150",
        "--json",
    ]);
    assert_eq!(r.json(), cli[0], "the API's price is the CLI's");
    assert!(r.json()["engagements"]["p50"].is_number());

    let plan = admin.get("/api/v1/plan?budget=3000&niche=fitness&max_creators=5&exclude=youtube/nobody");
    assert_eq!(plan.status, 200, "{}", plan.body);
    let cli =
        server.dir.json_lines(&["plan", "--budget", "3000", "--niche", "fitness", "--max-creators", "5", "--json"]);
    let picks = |v: &Value| {
        v["picks"].as_array().unwrap().iter().map(|p| p["handle"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(picks(&plan.json()), picks(&cli[0]));
    assert_eq!(plan.json()["cost"], cli[0]["cost"]);
    assert!(picks(&plan.json()).len() <= 5);
    let compare = admin.get("/api/v1/plan?budget=10000&compare=true").json();
    for scenario in ["micro", "top_tier", "unconstrained"] {
        assert!(compare[scenario]["picks"].is_array(), "{scenario} in {compare}");
    }

    for query in [
        "budget=abc",
        "budget=10.001",
        "currency=EURO&budget=5",
        "budget=100&goal=likes",
        "budget=100&deliverable=tweet",
        "budget=100&max_share=abc",
        "budget=100&time_limit=60",
        "budget=100&time_limit=0",
        "budget=100&candidates=0",
        "budget=100&compare=perhaps",
        "budget=100&min_er=abc",
        "goal=reach",
    ] {
        admin.get(&format!("/api/v1/plan?{query}")).error(400, "invalid_parameter");
    }
    admin.get("/api/v1/plan?budget=100&limit=5").error(400, "unknown_parameter");
    admin.get("/api/v1/plan?budget=100&colour=red").error(400, "unknown_parameter");
    admin.get("/api/v1/plan?budget=100&currency=GBP").error(400, "invalid");
    admin.get("/api/v1/plan?budget=100&max_share=150").error(400, "invalid");
    admin.get(&format!("/api/v1/channels/instagram/{handle}/price?deliverable=tweet")).error(400, "invalid_parameter");
    admin.get(&format!("/api/v1/channels/instagram/{handle}/price?quote=lots")).error(400, "invalid");
    admin.get(&format!("/api/v1/channels/instagram/{handle}/price?when=now")).error(400, "unknown_parameter");
    admin.get("/api/v1/channels/instagram/nobody-here/price").error(404, "not_found");
}

#[test]
fn campaigns_over_the_api_from_a_plan_to_a_report_with_permissions_and_codes() {
    let server = Server::demo(600);
    let admin = admin(&server);
    let member = user(&server, &admin, "mia", "member");
    let viewer = user(&server, &admin, "vic", "viewer");
    // From a plan: the picks become prospects with their planned price.
    let r = member.json(
        "POST",
        "/api/v1/campaigns",
        json!({"name": "Autumn", "budget": "3000", "plan": "niche=fitness&max_creators=4", "disclosure": "#ad"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["from_plan"], true);
    let detail = viewer.get(&format!("/api/v1/campaigns/{id}")).json();
    let members = detail["members"].as_array().unwrap();
    assert!(!members.is_empty() && members.len() <= 4, "{detail}");
    assert!(members.iter().all(|m| m["stage"] == "prospect" && m["planned_price_minor"].is_i64()));
    let (platform, handle) =
        (members[0]["platform"].as_str().unwrap().to_string(), members[0]["handle"].as_str().unwrap().to_string());
    let m_path = format!("/api/v1/campaigns/{id}/members/{platform}/{handle}");
    // Contracting needs a fee; with one, the stage moves and the history names the user.
    // The member's missing fee, not the request, is at fault: a conflict.
    member.json("PUT", &m_path, json!({"stage": "contracted"})).error(409, "conflict");
    let r = member.json("PUT", &m_path, json!({"fee": "120.50", "stage": "contracted"}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["stage"], "contracted");
    assert_eq!(r.json()["fee_minor"], 12_050);
    let detail = viewer.get(&format!("/api/v1/campaigns/{id}")).json();
    let last = detail["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["to"].as_str(), last["by"].as_str()), (Some("contracted"), Some("mia")));
    // A deliverable linked to one of the creator's imported posts.
    let d = member.json(
        "POST",
        &format!("/api/v1/campaigns/{id}/deliverables"),
        json!({"platform": platform, "handle": handle, "type": "reel", "due_on": "2026-12-01"}),
    );
    assert_eq!(d.status, 201, "{}", d.body);
    let did = d.json()["id"].as_i64().unwrap();
    let profile = viewer.get(&format!("/api/v1/channels/{platform}/{handle}")).json();
    let post = profile["window_posts"][0]["post_id"].as_str().unwrap().to_string();
    let r = member.json("POST", &format!("/api/v1/campaigns/{id}/deliverables/{did}/link"), json!({"post": post}));
    assert_eq!(r.status, 204, "{}", r.body);
    let report = viewer.get(&format!("/api/v1/campaigns/{id}/report")).json();
    assert_eq!(report["totals"]["cost_minor"], 12_050);
    assert_eq!(report["totals"]["delivered"], 1);
    assert!(report["totals"]["engagements"].as_u64().unwrap() > 0, "{report}");
    // The same report from the command line, on the same data directory.
    let cli = server.dir.json_lines(&["campaign", "report", &id.to_string(), "--json"]);
    assert_eq!(report["totals"], cli[0]["totals"]);
    let csv = viewer.get(&format!("/api/v1/campaigns/{id}/report.csv"));
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with("platform,handle,stage,fee"), "{}", csv.body);
    // Creators: contacts, tags, notes.
    let c_path = format!("/api/v1/creators/{platform}/{handle}");
    assert_eq!(
        member.json("PUT", &c_path, json!({"email": "hi@example.com", "tags": ["Gym", "gym", "reels"]})).status,
        204
    );
    assert_eq!(member.json("POST", &format!("{c_path}/notes"), json!({"body": "Sent the brief"})).status, 201);
    let c = viewer.get(&c_path).json();
    assert_eq!(c["tags"], json!(["gym", "reels"]));
    assert_eq!(c["notes"][0]["by"], "mia");
    assert_eq!(c["campaigns"][0]["stage"], "contracted");
    // Viewers read; every write is refused.
    viewer.json("PUT", &m_path, json!({"stage": "paid"})).error(403, "forbidden");
    viewer.json("POST", &format!("{c_path}/notes"), json!({"body": "x"})).error(403, "forbidden");
    // Mistakes get a 4xx with a code.
    member.json("POST", "/api/v1/campaigns", json!({"name": "Autumn", "budget": "10"})).error(409, "exists");
    member.json("POST", "/api/v1/campaigns", json!({"name": "B", "budget": "ten"})).error(400, "invalid_parameter");
    member
        .json("POST", "/api/v1/campaigns", json!({"name": "B", "budget": "10", "colour": "red"}))
        .error(400, "invalid_body");
    member
        .json("POST", "/api/v1/campaigns", json!({"name": "B", "budget": "10", "starts_on": "soon"}))
        .error(400, "invalid_parameter");
    member
        .json("POST", "/api/v1/campaigns", json!({"name": "B", "budget": "10", "goal": "fame"}))
        .error(400, "invalid");
    member.json("PUT", &m_path, json!({"stage": "famous"})).error(400, "invalid_parameter");
    member.json("PUT", &m_path, json!({"fee": "1.001"})).error(400, "invalid");
    member
        .json(
            "POST",
            &format!("/api/v1/campaigns/{id}/deliverables"),
            json!({"platform": "instagram", "handle": "nobody-here"}),
        )
        .error(404, "not_found");
    member
        .json("POST", &format!("/api/v1/campaigns/{id}/deliverables/999/link"), json!({"post": "x"}))
        .error(404, "not_found");
    member
        .json(
            "POST",
            &format!("/api/v1/campaigns/{id}/deliverables"),
            json!({"platform": platform, "handle": handle, "type": "tweet"}),
        )
        .error(400, "invalid_parameter");
    viewer.get("/api/v1/campaigns/abc").error(400, "invalid_parameter");
    viewer.get("/api/v1/campaigns/999").error(404, "not_found");
    // The brief changes; a renamed campaign keeps its id.
    let r = member.json(
        "PUT",
        &format!("/api/v1/campaigns/{id}"),
        json!({"name": "Autumn 2026", "budget": "3500", "disclosure": "#ad"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!((r.json()["name"].as_str(), r.json()["budget_minor"].as_i64()), (Some("Autumn 2026"), Some(350_000)));
    member
        .json(
            "PUT",
            &format!("/api/v1/campaigns/{id}"),
            json!({"name": "Autumn 2026", "budget": "3500", "currency": "EUR"}),
        )
        .error(409, "conflict");
    viewer.json("PUT", &format!("/api/v1/campaigns/{id}"), json!({"name": "x", "budget": "1"})).error(403, "forbidden");
    assert_eq!(member.delete(&format!("/api/v1/campaigns/{id}")).status, 204);
    viewer.get(&format!("/api/v1/campaigns/{id}")).error(404, "not_found");
}

#[test]
fn csv_exports_write_formulas_as_text_and_keep_negative_numbers() {
    let dir = Dir::new();
    let evil = r#"{"kind":"channel","platform":"instagram","handle":"=sum(1+1)","followers":5000,"observed_at":"2026-11-20T12:00:00Z","name":"=HYPERLINK(\"http://x\",\"y\")"}"#;
    let file = dir.write("evil.ndjson", &format!("{evil}\n"));
    dir.stdout(&["import", file.to_str().unwrap()]);
    let server = Server::start(dir);
    let admin = admin(&server);
    let path = "instagram/%3Dsum(1%2B1)";
    // A list export: the name, the handle and a note that is a formula are text; a note
    // that is a plain negative number stays a number.
    let id = admin.json("POST", "/api/v1/lists", json!({"name": "x"})).json()["id"].as_i64().unwrap();
    let put = admin.json("PUT", &format!("/api/v1/lists/{id}/members/{path}"), json!({"note": "-12.5"}));
    assert_eq!(put.status, 204, "{}", put.body);
    let csv = admin.get(&format!("/api/v1/lists/{id}/export.csv"));
    assert_eq!(csv.status, 200);
    let row = csv.body.lines().nth(1).unwrap();
    assert!(row.starts_with(r#"instagram,'=sum(1+1),"'=HYPERLINK(""http://x"",""y"")",5000,"#), "{row}");
    assert!(row.contains(",-12.5,"), "a negative number stays a number: {row}");
    admin.json("PUT", &format!("/api/v1/lists/{id}/members/{path}"), json!({"note": "@SUM(A1)"}));
    let row = admin.get(&format!("/api/v1/lists/{id}/export.csv")).body.lines().nth(1).unwrap().to_string();
    assert!(row.contains(",'@SUM(A1),"), "{row}");
    // The campaign report, over the API and from the command line.
    let c = admin.json("POST", "/api/v1/campaigns", json!({"name": "Autumn", "budget": "100"}));
    assert_eq!(c.status, 201, "{}", c.body);
    let cid = c.json()["id"].as_i64().unwrap();
    let put = admin.json("PUT", &format!("/api/v1/campaigns/{cid}/members/{path}"), json!({"stage": "prospect"}));
    assert_eq!(put.status, 200, "{}", put.body);
    let report = admin.get(&format!("/api/v1/campaigns/{cid}/report.csv"));
    assert_eq!(report.status, 200);
    assert!(report.body.lines().nth(1).unwrap().starts_with("instagram,'=sum(1+1),prospect,"), "{}", report.body);
    let cli = server.dir.stdout(&["campaign", "report", "Autumn", "--csv"]);
    assert!(cli.lines().nth(1).unwrap().starts_with("instagram,'=sum(1+1),prospect,"), "{cli}");
}

#[test]
fn every_answer_has_a_schema_and_the_clis_json_is_the_apis() {
    let server = Server::demo(300);
    let admin = admin(&server);
    let doc = admin.get("/api/v1/openapi.json").json();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    // Every JSON answer but the document itself names a schema of the components.
    for (method, path) in ENDPOINTS {
        let responses = doc["paths"][*path][method.to_lowercase()]["responses"].as_object().unwrap();
        for (status, response) in responses.iter().filter(|(s, _)| s.starts_with('2')) {
            let Some(schema) = response["content"]["application/json"]["schema"].as_object() else { continue };
            if *path == "/api/v1/openapi.json" {
                continue;
            }
            let name =
                schema.get("$ref").and_then(|r| r.as_str()).and_then(|r| r.strip_prefix("#/components/schemas/"));
            let name = name.unwrap_or_else(|| panic!("{method} {path} {status}: an untyped body {schema:?}"));
            assert!(schemas.contains_key(name), "{method} {path}: {name} is not in the components");
        }
    }
    // Every link names an operation of the document and only parameters it takes; a new
    // campaign links to what acts on it.
    let mut operations = std::collections::HashMap::new();
    for ops in doc["paths"].as_object().unwrap().values() {
        for op in ops.as_object().unwrap().values() {
            let params: Vec<String> = op["parameters"]
                .as_array()
                .map(|p| p.iter().map(|p| p["name"].as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            operations.insert(op["operationId"].as_str().unwrap().to_string(), params);
        }
    }
    let mut links = 0;
    for ops in doc["paths"].as_object().unwrap().values() {
        for op in ops.as_object().unwrap().values() {
            for response in op["responses"].as_object().unwrap().values() {
                for (name, link) in response["links"].as_object().into_iter().flatten() {
                    let target = link["operationId"].as_str().unwrap();
                    let params = operations.get(target).unwrap_or_else(|| panic!("link {name}: no operation {target}"));
                    for p in link["parameters"].as_object().unwrap().keys() {
                        assert!(params.contains(p), "link {name}: {target} takes no parameter {p}");
                    }
                    links += 1;
                }
            }
        }
    }
    assert!(links >= 15, "{links} links");
    let created = &doc["paths"]["/api/v1/campaigns"]["post"]["responses"]["201"]["links"];
    assert_eq!(created["campaign_report"]["parameters"]["id"], "$response.body#/id");
    // The channel's metrics schema is made from the metric catalogue: each metric with
    // its reason, each described by its formula.
    let metrics = &schemas["ChannelMetrics"]["properties"];
    for d in clout_core::metric::METRICS {
        assert!(metrics[d.name]["description"].as_str().is_some_and(|t| t.contains(d.formula)), "{}", d.name);
        assert!(metrics[format!("{}_reason", d.name)].is_object(), "{}", d.name);
    }

    // One type prints both: the CLI's JSON and the API's answer are the same value.
    let handle = admin.get("/api/v1/search?platform=instagram&sort=followers&limit=1").json()["results"][0]["handle"]
        .as_str()
        .unwrap()
        .to_string();
    let channel = format!("instagram/{handle}");
    let mut api = admin.get(&format!("/api/v1/channels/{channel}")).json();
    let mut cli = server.dir.json_lines(&["show", &channel, "--json"]).remove(0);
    // The API names source files relative to the data directory; the CLI as it read them.
    fn drop_sources(v: &mut Value) {
        match v {
            Value::Object(o) => {
                o.remove("source");
                o.values_mut().for_each(drop_sources);
            }
            Value::Array(a) => a.iter_mut().for_each(drop_sources),
            _ => {}
        }
    }
    drop_sources(&mut api);
    drop_sources(&mut cli);
    assert_eq!(api, cli, "clout show --json and GET /channels/{channel}");
    let api = admin.get(&format!("/api/v1/channels/{channel}/similar?limit=4")).json();
    let cli = server.dir.json_lines(&["similar", &channel, "--limit", "4", "--json"]);
    assert_eq!(api["results"], Value::Array(cli));
    let api = admin.get("/api/v1/plan?budget=2000&compare=true").json();
    let mut cli = server.dir.json_lines(&["plan", "--budget", "2000", "--compare", "--json"]).remove(0);
    let mut api = api;
    for v in [&mut api, &mut cli] {
        for scenario in ["micro", "top_tier", "unconstrained"] {
            // How long the solver ran is the one figure that differs between two runs.
            v[scenario].as_object_mut().unwrap().remove("solve_ms");
        }
    }
    assert_eq!(api, cli, "clout plan --compare --json and GET /plan?compare=true");
    let api = admin.get("/api/v1/status").json();
    let cli = server.dir.json_lines(&["status", "--json"]).remove(0);
    for key in ["derived", "channels", "posts", "import_runs", "rejects"] {
        assert_eq!(api[key], cli[key], "{key}");
    }
    let keys = |v: &Value| v["runs"][0].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&api), keys(&cli), "a run has the same fields in both");
    assert!(cli["data_dir"].is_string() && api.get("data_dir").is_none(), "only the CLI says where the data is");
}

#[test]
fn the_server_logs_each_request_without_its_query_or_secrets() {
    let server = Server::demo(50);
    let admin = admin(&server);
    assert_eq!(admin.get("/api/v1/search?q=secretword&limit=3").status, 200);
    let line = server.stderr_line("GET /api/v1/search ").expect("a line for the search");
    // `GET /api/v1/search 200 1.2 ms 2026-12-04T21:58:00Z`.
    let parts: Vec<&str> = line.split(' ').collect();
    assert_eq!(parts.len(), 6, "{line}");
    assert_eq!(parts[2], "200", "{line}");
    assert!(parts[3].parse::<f64>().is_ok() && parts[4] == "ms", "{line}");
    assert!(parts[5].ends_with('Z'), "{line}");
    assert!(!line.contains("secretword") && !line.contains('?'), "{line}");
    // A refused request is logged with its status; the password posted is not.
    let r =
        Client::anonymous(&server).json("POST", "/api/v1/login", json!({"username": "ada", "password": "wrong one"}));
    assert_eq!(r.status, 401);
    // (The admin's own sign-in was logged before it, with 200.)
    let line = server.stderr_line("POST /api/v1/login 401 ").expect("a line for the refused login");
    assert!(!line.contains("wrong one"), "{line}");
}
