//! Hardening of a real `clout serve`: only its own host names are answered (DNS
//! rebinding), the first admin needs the one-time setup code from the server's terminal,
//! every answer carries the security headers, and no answer reveals where the data
//! directory is.

use std::io::{Read, Write};

use serde_json::json;

use crate::api::{ENDPOINTS, body_for, concrete};
use crate::server::{ADMIN_PASSWORD, Client, Server, admin};
use crate::util::Dir;

/// A request with a `Host` header of our choosing: (status, head, body).
fn with_host(server: &Server, method: &str, path: &str, host: &str, body: &str) -> (u16, String, String) {
    let addr = server.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

fn port(server: &Server) -> String {
    server.base.rsplit(':').next().unwrap().to_string()
}

#[test]
fn a_page_on_another_host_name_cannot_create_the_first_admin() {
    let server = Server::start(Dir::new());
    let port = port(&server);
    let code = server.setup_code();
    let setup = json!({"username": "mallory", "password": "mallory's password", "setup_code": code}).to_string();
    // A site that rebinds its own name to 127.0.0.1: its requests carry its name as Host.
    for host in ["evil.example", &format!("evil.example:{port}"), "127.0.0.1.evil.example", "localhost.:1"] {
        let (status, head, body) = with_host(&server, "POST", "/api/v1/setup", host, &setup);
        assert_eq!(status, 421, "{host}: {head}\n{body}");
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["code"], "unknown_host", "{body}");
        assert!(head.contains("content-type: application/json"), "{head}");
        let (status, head, body) = with_host(&server, "GET", "/setup", host, "");
        assert_eq!(status, 421, "{host}");
        assert!(head.contains("content-type: text/html"), "a page for a page: {head}");
        assert!(body.contains("unknown_host"), "{body}");
    }
    // Nobody was created: the real admin still can be.
    for host in [format!("localhost:{port}"), "LOCALHOST".to_string(), "127.0.0.1".to_string(), format!("[::1]:{port}")]
    {
        let (status, _, body) = with_host(&server, "GET", "/api/v1/openapi.json", &host, "");
        assert_eq!(status, 200, "{host}: {body}");
    }
    let anon = Client::anonymous(&server);
    let r = anon.json("POST", "/api/v1/setup", json!({"username": "ada", "password": ADMIN_PASSWORD}));
    r.error(403, "bad_setup_code");
    let r = anon.json(
        "POST",
        "/api/v1/setup",
        json!({"username": "ada", "password": ADMIN_PASSWORD, "setup_code": "0000-0000-0000-0000-0000"}),
    );
    r.error(403, "bad_setup_code");
    // Spaces, case and dashes do not matter when the operator types the code.
    let typed = code.replace('-', " ").to_uppercase();
    let r =
        anon.json("POST", "/api/v1/setup", json!({"username": "ada", "password": ADMIN_PASSWORD, "setup_code": typed}));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        Client::login(&server, "ada", ADMIN_PASSWORD).get("/api/v1/users").json()["users"][0]["username"],
        "ada"
    );
}

#[test]
fn the_setup_code_is_random_shown_only_on_the_terminal_and_only_while_no_account_exists() {
    let server = Server::start(Dir::new());
    let first = server.setup_code();
    assert_eq!(first.len(), 24, "{first}");
    // The setup form needs it too: a wrong one creates nothing.
    let anon = Client::anonymous(&server);
    let page = anon.get("/setup");
    assert!(page.body.contains("name=\"setup_code\""), "{}", page.body);
    let cookie = page.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
    let csrf = cookie.split_once('=').unwrap().1.to_string();
    let form = Client { cookie: Some(cookie), ..anon.clone() };
    let body = format!(
        "csrf={csrf}&setup_code=0000-0000-0000-0000-0000&username=mallory&password=long+enough+pw&password2=long+enough+pw"
    );
    let r = form.send("POST", "/setup", Some("application/x-www-form-urlencoded"), body.into_bytes());
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("setup code"), "{}", r.body);
    assert!(r.header("set-cookie").is_none(), "no session");
    // Each start without an account draws a new code.
    let second = Server::start(server.stop());
    let code = second.setup_code();
    assert_ne!(code, first);
    assert!(code.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'), "{code}");
    // Once the admin exists, a restarted server prints no code.
    admin(&second);
    let again = Server::start(second.stop());
    assert!(again.stderr_line("Setup code: ").is_none());
    Client::anonymous(&again)
        .json("POST", "/api/v1/setup", json!({"username": "eve", "password": "eve's long password"}))
        .error(403, "forbidden");
}

#[test]
fn allowed_host_names_come_from_the_flag_or_the_environment() {
    let server =
        Server::start_with(Dir::new(), &["--allowed-host", "clout.lan", "--allowed-host", "Box.Example:8443"], &[]);
    for (host, status) in [("clout.lan", 200), ("clout.lan:8080", 200), ("box.example", 200), ("other.lan", 421)] {
        assert_eq!(with_host(&server, "GET", "/api/v1/openapi.json", host, "").0, status, "{host}");
    }
    let server = Server::start_with(Dir::new(), &[], &[("CLOUT_ALLOWED_HOSTS", "a.lan,b.lan")]);
    for (host, status) in [("a.lan", 200), ("b.lan:80", 200), ("clout.lan", 421), ("localhost", 200)] {
        assert_eq!(with_host(&server, "GET", "/api/v1/openapi.json", host, "").0, status, "{host}");
    }
}

fn assert_common(what: &str, r: &crate::server::Reply) {
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{what}");
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{what}");
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
}

#[test]
fn every_endpoint_and_every_page_answers_with_the_security_headers() {
    let server = Server::demo(200);
    let admin = admin(&server);
    let top = admin.get("/api/v1/search?limit=1").json();
    let (platform, handle) = (
        top["results"][0]["platform"].as_str().unwrap().to_string(),
        top["results"][0]["handle"].as_str().unwrap().to_string(),
    );
    let anon = Client::anonymous(&server);
    // Every documented endpoint, anonymous and signed in (logout last: it ends the session).
    let mut endpoints: Vec<_> = ENDPOINTS.iter().filter(|(_, p)| *p != "/api/v1/logout").collect();
    endpoints.push(&("POST", "/api/v1/logout"));
    for (method, path) in endpoints {
        for (who, client) in [("anonymous", &anon), ("admin", &admin)] {
            let r = client.json(method, &concrete(path), body_for(method, path));
            let what = format!("{who} {method} {path} ({})", r.status);
            assert_common(&what, &r);
            assert_eq!(r.header("cache-control"), Some("no-store"), "{what}");
        }
    }
    // The answer with a new token's secret in it is not kept by any cache.
    let admin = crate::server::Client::login(&server, "ada", ADMIN_PASSWORD);
    let token = admin.json("POST", "/api/v1/tokens", json!({"name": "t"}));
    assert_eq!(token.status, 201);
    assert_eq!(token.header("cache-control"), Some("no-store"));
    let list = admin.json("POST", "/api/v1/lists", json!({"name": "l"})).json()["id"].as_i64().unwrap();
    // Every page, and what is not one (a redirect, the stylesheet, a download, a 404).
    let pages = [
        "/".to_string(),
        "/directory".to_string(),
        format!("/channels/{platform}/{handle}"),
        "/channels/instagram/nobody-here".to_string(),
        "/plan?budget=1000".to_string(),
        "/campaigns".to_string(),
        "/campaigns/999".to_string(),
        "/lists".to_string(),
        format!("/lists/{list}"),
        format!("/lists/{list}/export.csv"),
        "/imports".to_string(),
        "/imports/1".to_string(),
        "/account".to_string(),
        "/setup".to_string(),
        "/login".to_string(),
        "/static/app.css".to_string(),
        "/no-such-page".to_string(),
    ];
    for (who, client) in [("anonymous", &anon), ("admin", &admin)] {
        for page in &pages {
            let r = client.get(page);
            let what = format!("{who} {page} ({})", r.status);
            assert_common(&what, &r);
            let csp = r.header("content-security-policy").unwrap_or_default();
            assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
            if r.header("content-type").is_some_and(|t| t.starts_with("text/html")) {
                assert!(csp.contains("script-src 'none'"), "{what}: {csp}");
                assert_eq!(r.header("cache-control"), Some("no-store"), "{what}");
            }
        }
    }
    // A page form's refusal too.
    let r = Client { csrf: None, ..admin.clone() }.send(
        "POST",
        "/lists",
        Some("application/x-www-form-urlencoded"),
        b"name=x".to_vec(),
    );
    assert_common("a refused form", &r);
    // And the refusal of a foreign host name.
    let (status, head, _) = with_host(&server, "GET", "/api/v1/status", "evil.example", "");
    assert_eq!(status, 421);
    assert!(head.contains("x-content-type-options: nosniff") && head.contains("cache-control: no-store"), "{head}");
}

#[test]
fn an_import_over_the_api_does_not_reveal_where_the_data_directory_is() {
    let server = Server::start(Dir::new());
    let admin = admin(&server);
    let good = r#"{"kind":"channel","platform":"instagram","handle":"veganvibes","followers":12500,"observed_at":"2026-11-20T12:00:00Z"}"#;
    let post = r#"{"kind":"post","platform":"instagram","handle":"veganvibes","post_id":"p1","published_at":"2026-11-19T12:00:00Z","likes":100,"comments":5,"observed_at":"2026-11-20T12:00:00Z"}"#;
    let file = format!("{good}\n{post}\nnot json at all\n");
    let r = admin.upload("/api/v1/imports", &[], &[("mixed.ndjson", file.as_bytes())]);
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let root = server.dir.path().canonicalize().unwrap();
    let roots =
        [server.dir.path().display().to_string(), root.display().to_string(), server.dir.data().display().to_string()];
    let answers = [
        ("the import", r.body.clone()),
        ("the run", admin.get(&format!("/api/v1/imports/{id}")).body),
        ("the runs", admin.get("/api/v1/imports").body),
        ("the status", admin.get("/api/v1/status").body),
        ("the profile", admin.get("/api/v1/channels/instagram/veganvibes").body),
    ];
    for (what, body) in &answers {
        for root in &roots {
            assert!(!body.contains(root.as_str()), "{what} names {root}: {body}");
        }
    }
    // Files are named relative to the data directory, with a download address for rejects.
    let run = r.json();
    let file = run["rejects"][0]["file"].as_str().unwrap();
    assert!(file.starts_with("uploads/") && file.ends_with("/mixed.ndjson"), "{file}");
    assert!(run["files"][0].as_str().unwrap().starts_with("uploads/"), "{run}");
    let rejects = run["summary"]["rejects_file"].as_str().unwrap();
    assert!(rejects.starts_with("rejects/run-"), "{rejects}");
    let download = run["reject_files"][0]["download"].as_str().unwrap();
    assert_eq!(admin.get(download).body, "not json at all\n");
    let profile = admin.get("/api/v1/channels/instagram/veganvibes").json();
    assert!(profile["provenance"]["followers"]["source"].as_str().unwrap().starts_with("uploads/"), "{profile}");
}

#[test]
fn a_disk_failure_during_an_import_does_not_reveal_the_data_directory_either() {
    let server = Server::start(Dir::new());
    let admin = admin(&server);
    // The rejects folder cannot be made: a file stands where it would be.
    std::fs::write(server.dir.data().join("rejects"), "in the way").unwrap();
    let r = admin.upload("/api/v1/imports", &[], &[("bad.ndjson", b"not json at all\n")]);
    assert_eq!(r.status, 500, "{}", r.body);
    let message = r.json()["message"].as_str().unwrap().to_string();
    assert!(message.contains("DATA/rejects"), "{message}");
    assert!(!message.contains(&server.dir.path().display().to_string()), "{message}");
}
