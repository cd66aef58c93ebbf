//! The security headers on every way a page is rendered: a page for a signed-in user, one
//! with charts, one before sign-in, the error page with and without the menu, the 404 of
//! a path nobody serves, and the refusal of a foreign host name. (A copy of the page
//! rendering code once left out `X-Frame-Options`; this is the test that would catch it.)

use std::io::{Read, Write};

use serde_json::json;

use crate::support::{Client, Reply, World, shut_down, small_world};

/// The pages' policy: no script, nothing from elsewhere, never in a frame.
const PAGE_CSP: &str =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-ancestors 'none'";

fn assert_page_headers(what: &str, status: u16, header: impl Fn(&str) -> Option<String>) {
    assert!(header("content-type").is_some_and(|t| t.starts_with("text/html")), "{what} ({status}) is a page");
    assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{what} ({status})");
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"), "{what} ({status})");
    assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"), "{what} ({status})");
    assert_eq!(header("content-security-policy").as_deref(), Some(PAGE_CSP), "{what} ({status})");
    assert_eq!(header("cache-control").as_deref(), Some("no-store"), "{what} ({status})");
}

fn assert_page(what: &str, r: &Reply, status: u16) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    assert_page_headers(what, r.status, |name| r.header(name).map(str::to_string));
}

#[test]
fn every_way_a_page_is_rendered_sends_the_security_headers() {
    let world = World::with(&small_world());
    let server = world.serve();
    let anonymous = Client::anonymous(&server);
    let ada = Client::signed_in(&server);
    let campaign = ada.json("POST", "/api/v1/campaigns", json!({"name": "Spring", "budget": "1000"}));
    assert_eq!(campaign.status, 201, "{}", campaign.body);
    let id = campaign.json()["id"].as_i64().unwrap();

    // Pages of a signed-in user, with and without charts.
    assert_page("the Directory", &ada.get("/directory"), 200);
    assert_page("a profile with its charts", &ada.get("/channels/instagram/ada_cooks"), 200);
    assert_page("a campaign with its timeline", &ada.get(&format!("/campaigns/{id}")), 200);
    assert_page("a printable campaign", &ada.get(&format!("/campaigns/{id}/print")), 200);
    assert_page("the account page", &ada.get("/account"), 200);
    // A page before sign-in.
    assert_page("the login form", &anonymous.get("/login"), 200);
    // A page that shows a refused query in place of results.
    assert_page("the Directory with a malformed filter", &ada.get("/directory?min_followers=lots"), 400);
    // The error page with the menu (signed in) and without it.
    assert_page("a campaign that does not exist", &ada.get("/campaigns/999"), 404);
    assert_page("a path nobody serves", &anonymous.get("/no-such-page"), 404);
    let no_csrf = Client { csrf: None, ..ada.clone() };
    let r = no_csrf.send("POST", "/lists", Some("application/x-www-form-urlencoded"), b"name=x".to_vec());
    assert_page("a form without its CSRF token", &r, 403);

    // A name this server does not answer to: the refusal is a page too.
    let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
    write!(stream, "GET /directory HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let head = answer.split("\r\n\r\n").next().unwrap().to_string();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert_eq!(status, 421, "{head}");
    assert_page_headers("a foreign host name", status, |name| {
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
    });
    shut_down(server);
}

#[test]
fn answers_that_are_not_pages_still_refuse_frames_and_sniffing() {
    let world = World::with(&small_world());
    let server = world.serve();
    let anonymous = Client::anonymous(&server);
    // Not a page: JSON (an error, and an unknown API path), the stylesheet, a redirect.
    for (path, status) in [("/api/v1/status", 401), ("/api/v1/nothing", 404), ("/static/app.css", 200), ("/", 303)] {
        let r = anonymous.get(path);
        assert_eq!(r.status, status, "{path}");
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(r.header("content-security-policy"), Some("default-src 'none'; frame-ancestors 'none'"), "{path}");
    }
    shut_down(server);
}
