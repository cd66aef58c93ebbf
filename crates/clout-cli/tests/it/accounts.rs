//! Accounts end to end: passwords, sign-in limits, admins managing accounts, API tokens
//! with expiry and scope, through a real `clout serve` and through `clout user` / `clout token`.

use std::io::Write;
use std::process::{Output, Stdio};

use serde_json::json;

use crate::api::{ENDPOINTS, PUBLIC, body_for, concrete};
use crate::server::{ADMIN_PASSWORD, Client, Server, admin, user};
use crate::util::Dir;

#[test]
fn common_passwords_are_refused_with_a_reason_a_person_can_act_on() {
    let server = Server::start(Dir::new());
    let anon = Client::anonymous(&server);
    for weak in ["1234567890", "password12"] {
        let r = anon.json(
            "POST",
            "/api/v1/setup",
            json!({"username": "ada", "password": weak, "setup_code": server.setup_code()}),
        );
        r.error(400, "invalid");
        assert!(r.json()["message"].as_str().unwrap().contains("one of the most common passwords"), "{}", r.body);
        assert!(!r.body.contains(weak), "the answer does not repeat the password");
    }
    let admin = admin(&server);
    let r =
        admin.json("POST", "/api/v1/users", json!({"username": "bob", "password": "qwertyuiop12", "role": "member"}));
    r.error(400, "invalid");
    let r = admin.json(
        "POST",
        "/api/v1/users",
        json!({"username": "bob", "password": "aaaaaaaaaaaaaaaa", "role": "member"}),
    );
    r.error(400, "invalid");
    assert_eq!(admin.get("/api/v1/users").json()["users"].as_array().unwrap().len(), 1);
}

#[test]
fn failed_sign_ins_at_one_name_do_not_lock_out_another_person_at_the_same_address() {
    let server = Server::start(Dir::new());
    let admin = admin(&server);
    user(&server, &admin, "bob", "member");
    let anon = Client::anonymous(&server);
    for _ in 0..5 {
        anon.json("POST", "/api/v1/login", json!({"username": "ada", "password": "wrong password"}))
            .error(401, "bad_credentials");
    }
    // The guessed name is slowed down from this address...
    anon.json("POST", "/api/v1/login", json!({"username": "ada", "password": ADMIN_PASSWORD}))
        .error(429, "rate_limited");
    // ...but another person behind the same address still signs in.
    let bob = Client::login(&server, "bob", "bob password 123");
    assert_eq!(bob.get("/api/v1/me").json()["username"], "bob");
}

#[test]
fn changing_ones_password_needs_the_current_one_and_ends_the_other_sessions() {
    let server = Server::start(Dir::new());
    let here = admin(&server);
    let elsewhere = Client::login(&server, "ada", ADMIN_PASSWORD);
    let change = |current: &str, new: &str| {
        here.json("POST", "/api/v1/me/password", json!({"current_password": current, "new_password": new}))
    };
    let r = change("not my password", "a brand new secret");
    r.error(403, "forbidden");
    assert_eq!(r.json()["message"], "the current password is wrong");
    change(ADMIN_PASSWORD, "password12").error(400, "invalid");
    // Without the CSRF header, a cookie cannot change it.
    let no_csrf = Client { csrf: None, ..here.clone() };
    let r = no_csrf.json(
        "POST",
        "/api/v1/me/password",
        json!({"current_password": ADMIN_PASSWORD, "new_password": "a brand new secret"}),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(change(ADMIN_PASSWORD, "a brand new secret").status, 204);
    assert_eq!(here.get("/api/v1/me").status, 200, "the session that changed it stays");
    elsewhere.get("/api/v1/me").error(401, "unauthenticated");
    let anon = Client::anonymous(&server);
    anon.json("POST", "/api/v1/login", json!({"username": "ada", "password": ADMIN_PASSWORD}))
        .error(401, "bad_credentials");
    Client::login(&server, "ada", "a brand new secret");
}

#[test]
fn an_admin_resets_disables_deletes_and_changes_roles_but_keeps_an_admin() {
    let server = Server::start(Dir::new());
    let admin = admin(&server);
    let max = user(&server, &admin, "max", "member");
    let created = max.json("POST", "/api/v1/tokens", json!({"name": "script"}));
    let script = Client::with_token(&server, created.json()["token"].as_str().unwrap());

    for (method, body) in
        [("PATCH", json!({"role": "member"})), ("PATCH", json!({"disabled": true})), ("DELETE", json!({}))]
    {
        let r = admin.json(method, "/api/v1/users/ada", body);
        r.error(409, "conflict");
        assert!(r.json()["message"].as_str().unwrap().contains("last active admin"), "{}", r.body);
    }
    max.json("PATCH", "/api/v1/users/ada", json!({"disabled": true})).error(403, "forbidden");
    admin.json("PATCH", "/api/v1/users/nobody", json!({"disabled": true})).error(404, "not_found");

    let r = admin.json("PUT", "/api/v1/users/max/password", json!({"password": "set by the admin"}));
    assert_eq!(r.status, 204, "{}", r.body);
    max.get("/api/v1/me").error(401, "unauthenticated");
    let max = Client::login(&server, "max", "set by the admin");

    let r = admin.json("PATCH", "/api/v1/users/max", json!({"disabled": true}));
    assert_eq!(r.json()["disabled"], true, "{}", r.body);
    max.get("/api/v1/me").error(401, "unauthenticated");
    script.get("/api/v1/me").error(401, "invalid_token");
    Client::anonymous(&server)
        .json("POST", "/api/v1/login", json!({"username": "max", "password": "set by the admin"}))
        .error(401, "bad_credentials");

    let r = admin.json("PATCH", "/api/v1/users/max", json!({"disabled": false, "role": "viewer"}));
    assert_eq!((r.json()["disabled"].clone(), r.json()["role"].clone()), (json!(false), json!("viewer")), "{}", r.body);
    assert_eq!(script.get("/api/v1/me").json()["role"], "viewer");
    script.json("POST", "/api/v1/lists", json!({"name": "x"})).error(403, "forbidden");

    assert_eq!(admin.delete("/api/v1/users/max").status, 204);
    script.get("/api/v1/me").error(401, "invalid_token");
    let users = admin.get("/api/v1/users").json();
    assert_eq!(users["users"].as_array().unwrap().len(), 1);
}

#[test]
fn a_read_only_token_reads_but_never_writes_even_for_an_admin() {
    let server = Server::start(Dir::new());
    let admin = admin(&server);
    let r = admin.json("POST", "/api/v1/tokens", json!({"name": "reporting", "scope": "read", "expires_in_days": 30}));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["scope"], "read");
    assert!(r.json()["expires_at"].is_string(), "{}", r.body);
    let ro = Client::with_token(&server, r.json()["token"].as_str().unwrap());
    let me = ro.get("/api/v1/me").json();
    assert_eq!((me["role"].clone(), me["read_only"].clone()), (json!("admin"), json!(true)));
    assert_eq!(ro.get("/api/v1/users").status, 200);
    assert_eq!(ro.get("/api/v1/tokens?all=true").status, 200);
    for (method, path) in ENDPOINTS {
        if *method == "GET" || PUBLIC.contains(path) || *path == "/api/v1/logout" {
            continue;
        }
        let r = if *path == "/api/v1/imports" {
            ro.upload(path, &[], &[("a.ndjson", b"{}\n")])
        } else {
            ro.json(method, &concrete(path), body_for(method, path))
        };
        assert_eq!(r.status, 403, "{method} {path}: {}", r.body);
    }
    assert_eq!(admin.get("/api/v1/users").json()["users"][0]["role"], "admin", "nothing changed");
}

#[test]
fn viewers_make_read_only_tokens_and_everyone_lists_and_revokes_their_own() {
    let server = Server::start(Dir::new());
    let admin = admin(&server);
    let vic = user(&server, &admin, "vic", "viewer");
    let max = user(&server, &admin, "max", "member");
    let r = vic.json("POST", "/api/v1/tokens", json!({"name": "dash"}));
    r.error(403, "forbidden");
    assert!(r.json()["message"].as_str().unwrap().contains("read-only"), "{}", r.body);
    let vics = vic.json("POST", "/api/v1/tokens", json!({"name": "dash", "scope": "read"}));
    assert_eq!(vics.status, 201, "{}", vics.body);
    let secret = vics.json()["token"].as_str().unwrap().to_string();
    let maxs = max.json("POST", "/api/v1/tokens", json!({"name": "sync", "expires_in_days": 7}));
    let max_token = Client::with_token(&server, maxs.json()["token"].as_str().unwrap());

    let listed = vic.get("/api/v1/tokens");
    assert!(!listed.body.contains(&secret), "never the secret after creation");
    let mine = listed.json()["tokens"].as_array().unwrap().clone();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0]["name"].clone(), mine[0]["scope"].clone(), mine[0]["user"].clone()),
        (json!("dash"), json!("read"), json!("vic"))
    );
    assert!(mine[0]["expires_at"].is_null());
    vic.get("/api/v1/tokens?all=true").error(403, "forbidden");
    let all = admin.get("/api/v1/tokens?all=true").json();
    let owners: Vec<&str> = all["tokens"].as_array().unwrap().iter().map(|t| t["user"].as_str().unwrap()).collect();
    assert_eq!(owners, ["vic", "max"]);

    let max_id = maxs.json()["id"].as_i64().unwrap();
    vic.delete(&format!("/api/v1/tokens/{max_id}")).error(404, "not_found");
    assert_eq!(max_token.get("/api/v1/me").status, 200);
    assert_eq!(admin.delete(&format!("/api/v1/tokens/{max_id}")).status, 204, "an admin revokes anyone's");
    max_token.get("/api/v1/me").error(401, "invalid_token");
    assert_eq!(vic.delete(&format!("/api/v1/tokens/{}", vics.json()["id"])).status, 204);
    Client::with_token(&server, &secret).get("/api/v1/me").error(401, "invalid_token");

    max.json("POST", "/api/v1/tokens", json!({"name": "x", "expires_in_days": 0})).error(400, "invalid");
    max.json("POST", "/api/v1/tokens", json!({"name": "x", "scope": "root"})).error(400, "invalid_parameter");
}

/// `clout ARGS` with `input` on standard input.
fn with_stdin(dir: &Dir, args: &[&str], input: &str) -> Output {
    let mut child =
        dir.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn fails(out: Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn the_operator_manages_accounts_and_tokens_from_the_command_line() {
    let dir = Dir::new();
    let err = fails(with_stdin(&dir, &["user", "create", "ada", "--role", "admin"], "password12\n"));
    assert!(err.contains("one of the most common passwords"), "{err}");
    ok(with_stdin(&dir, &["user", "create", "ada", "--role", "admin"], "correct horse battery\n"));
    ok(with_stdin(&dir, &["user", "create", "max"], "max password 123\n"));
    let users = dir.json_lines(&["user", "list", "--json"]);
    let roles: Vec<(&str, &str)> =
        users.iter().map(|u| (u["username"].as_str().unwrap(), u["role"].as_str().unwrap())).collect();
    assert_eq!(roles, [("ada", "admin"), ("max", "member")]);
    for args in [&["user", "role", "ada", "viewer"][..], &["user", "disable", "ada"], &["user", "delete", "ada"]] {
        let err = fails(dir.run(args));
        assert!(err.contains("last active admin"), "{args:?}: {err}");
    }
    ok(dir.run(&["user", "disable", "max"]));
    assert!(dir.stdout(&["user", "list"]).lines().any(|l| l.starts_with("max") && l.contains("disabled")));
    ok(dir.run(&["user", "enable", "max"]));
    ok(dir.run(&["user", "role", "max", "viewer"]));
    let reset = dir.run(&["user", "reset", "max"]);
    let password = ok(reset).trim().to_string();
    assert!(password.len() >= 12, "{password}");

    // The new password works in the web app; a token made there is listed and revoked here.
    let server = Server::start(dir);
    let max = Client::login(&server, "max", &password);
    let token = max.json("POST", "/api/v1/tokens", json!({"name": "dash", "scope": "read"}));
    assert_eq!(token.status, 201, "{}", token.body);
    let secret = token.json()["token"].as_str().unwrap().to_string();
    // A change made from the command line while the server runs applies to the next request.
    ok(server.dir.run(&["user", "disable", "max"]));
    max.get("/api/v1/me").error(401, "unauthenticated");
    Client::with_token(&server, &secret).get("/api/v1/me").error(401, "invalid_token");
    ok(server.dir.run(&["user", "enable", "max"]));
    assert_eq!(Client::with_token(&server, &secret).get("/api/v1/me").json()["username"], "max");
    let dir = server.stop();
    let listed = dir.json_lines(&["token", "list", "--json"]);
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0]["user"].as_str(), listed[0]["scope"].as_str()), (Some("max"), Some("read")));
    assert!(!dir.stdout(&["token", "list"]).contains(&secret), "never the secret");
    let id = listed[0]["id"].as_i64().unwrap().to_string();
    ok(dir.run(&["token", "revoke", &id]));
    assert!(dir.json_lines(&["token", "list", "--json"]).is_empty());
    ok(dir.run(&["user", "delete", "max"]));
    let server = Server::start(dir);
    Client::with_token(&server, &secret).get("/api/v1/me").error(401, "invalid_token");
}

/// Posts a form the way the pages do, with the session's CSRF token.
pub(crate) fn form(client: &Client, path: &str, fields: &[(&str, &str)]) -> crate::server::Reply {
    let csrf = client.csrf.clone().unwrap_or_default();
    let mut body = form_urlencoded_pairs(&[("csrf", csrf.as_str())]);
    for (k, v) in fields {
        body.push('&');
        body.push_str(&form_urlencoded_pairs(&[(k, v)]));
    }
    client.send("POST", path, Some("application/x-www-form-urlencoded"), body.into_bytes())
}

fn form_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

#[test]
fn the_account_and_users_pages_change_passwords_tokens_and_accounts() {
    let server = Server::start(Dir::new());
    let admin = admin(&server);
    let vic = user(&server, &admin, "vic", "viewer");
    let max = user(&server, &admin, "max", "member");

    // A viewer makes a read-only token on the Account page, and has no Users page.
    let page = vic.get("/account");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("read-only") && !page.body.contains("value=\"full\""),
        "a viewer is offered read-only only"
    );
    let r = form(&vic, "/account/tokens", &[("name", "dash"), ("scope", "read"), ("days", "7")]);
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(r.body.contains("id=\"new-token\""));
    let r = form(&vic, "/account/tokens", &[("name", "dash"), ("scope", "full"), ("days", "")]);
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(vic.get("/users").status, 403);

    // A password change needs the current password, and a good new one.
    let r = form(
        &vic,
        "/account/password",
        &[("current", "vic password 123"), ("password", "password12"), ("password2", "password12")],
    );
    assert_eq!(r.status, 400);
    assert!(r.body.contains("one of the most common passwords"), "{}", r.body);
    let new =
        [("current", "vic password 123"), ("password", "violet kayak evening"), ("password2", "violet kayak evening")];
    let no_csrf = Client { csrf: None, ..vic.clone() };
    assert_eq!(form(&no_csrf, "/account/password", &new).status, 403, "a form without its CSRF token is refused");
    let r = form(&vic, "/account/password", &new);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Your password is changed"));
    Client::login(&server, "vic", "violet kayak evening");

    // The admin's Users page.
    let page = admin.get("/users");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("data-user=\"max\"") && page.body.contains("dash"), "accounts and every token");
    let r = form(&admin, "/users/ada/role", &[("role", "member")]);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("last active admin"), "{}", r.body);
    let r = form(&admin, "/users/max/disable", &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    max.get("/api/v1/me").error(401, "unauthenticated");
    assert_eq!(form(&admin, "/users/max/enable", &[]).status, 200);
    assert_eq!(form(&admin, "/users/max/password", &[("password", "fresh from the admin")]).status, 200);
    let max = Client::login(&server, "max", "fresh from the admin");
    assert_eq!(form(&max, "/users/vic/delete", &[]).status, 403, "a member manages no account");
    assert_eq!(form(&admin, "/users/max/role", &[("role", "viewer")]).status, 200);
    assert_eq!(max.get("/api/v1/me").json()["role"], "viewer");
    assert_eq!(
        form(&admin, "/users", &[("username", "zed"), ("password", "zed's long password"), ("role", "member")]).status,
        200
    );
    assert_eq!(form(&admin, "/users/zed/delete", &[]).status, 200);
    assert_eq!(admin.get("/api/v1/users").json()["users"].as_array().unwrap().len(), 3);
}
