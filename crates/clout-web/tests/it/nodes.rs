//! Two servers on one store, as behind a load balancer: on PostgreSQL each node with a
//! data directory of its own (`CLOUT_TEST_STORE=postgres`), on SQLite both on one data
//! directory (its processes share the store file). The one-time setup, sessions, API
//! tokens and the sign-in limiter hold across them; a write on one reaches the other's
//! Directory within its follow delay (it looks every second); imports on both at once
//! lose nothing.

use std::time::{Duration, Instant};

use clout_app::{AppConfig, LOGIN_ATTEMPTS};
use clout_web::{ServeConfig, Server};
use serde_json::json;

use crate::support::{ADMIN, Client, PASSWORD, Reply, World, channel, now, shut_down};

/// The second node's settings: its own data directory beside the first's store on
/// PostgreSQL; the same data directory on SQLite.
fn second_node(world: &World) -> AppConfig {
    let first = world.app_config();
    match &first.store {
        Some(_) => AppConfig { data_dir: world.tmp.path().join("node-2"), ..first },
        None => first,
    }
}

fn upload(client: &Client, name: &str, content: &str) -> Reply {
    let boundary = "----cloutnodesboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    client.send(
        "POST",
        "/api/v1/imports",
        Some(&format!("multipart/form-data; boundary={boundary}")),
        body.into_bytes(),
    )
}

fn total(client: &Client, query: &str) -> u64 {
    let r = client.get(&format!("/api/v1/search?{query}"));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["total"].as_u64().unwrap()
}

fn sign_in(server: &Server, username: &str, password: &str) -> Reply {
    Client::anonymous(server).json("POST", "/api/v1/login", json!({"username": username, "password": password}))
}

#[test]
fn two_servers_on_one_store_share_setup_sessions_tokens_the_limiter_and_every_write() {
    let world = World::empty();
    let one = world.serve();
    let two = Server::start(ServeConfig::new(second_node(&world), now), "127.0.0.1:0").unwrap();

    // The one-time setup: whichever node is used first, only once.
    let (code_one, code_two) = (one.setup_code().unwrap().to_string(), two.setup_code().unwrap().to_string());
    let setup = |server: &Server, code: &str| {
        let body = json!({"username": ADMIN, "password": PASSWORD, "setup_code": code});
        Client::anonymous(server).json("POST", "/api/v1/setup", body).status
    };
    assert_eq!(setup(&one, &code_one), 201);
    assert_eq!(setup(&two, &code_two), 403, "the second node's code cannot make a second first admin");

    // A session made on one node works on the other, and ends on both when it is ended.
    let on_one = Client::signed_in(&one);
    let on_two = Client { base: Client::anonymous(&two).base, ..on_one.clone() };
    assert_eq!(on_two.get("/api/v1/status").status, 200);
    assert_eq!(on_two.json("POST", "/api/v1/logout", json!({})).status, 204);
    assert_eq!(on_one.get("/api/v1/status").status, 401, "signed out on every node");

    // A token made on one node works on the other until revoked there.
    let admin_one = Client::signed_in(&one);
    let made = admin_one.json("POST", "/api/v1/tokens", json!({"name": "nodes"}));
    assert_eq!(made.status, 201, "{}", made.body);
    let (token, id) = (made.json()["token"].as_str().unwrap().to_string(), made.json()["id"].as_i64().unwrap());
    let token_two = Client::with_token(&two, &token);
    assert_eq!(token_two.get("/api/v1/status").status, 200);
    assert_eq!(token_two.send("DELETE", &format!("/api/v1/tokens/{id}"), None, Vec::new()).status, 204);
    assert_eq!(Client::with_token(&one, &token).get("/api/v1/status").status, 401, "revoked on every node");

    // Failed sign-ins count on both nodes together: no node gives fresh tries.
    for i in 0..LOGIN_ATTEMPTS {
        let node = if i % 2 == 0 { &one } else { &two };
        assert_eq!(sign_in(node, "eve", "not her password").status, 401, "attempt {i}");
    }
    assert_eq!(sign_in(&one, "eve", "not her password").status, 429);
    assert_eq!(sign_in(&two, "eve", "not her password").status, 429);

    // An import on the second node reaches the first node's Directory within its delay.
    let (admin_one, admin_two) = (Client::signed_in(&one), Client::signed_in(&two));
    let r = upload(&admin_two, "first.ndjson", &channel("instagram", "node_two_first", 7_000));
    assert_eq!(r.status, 201, "{}", r.body);
    let started = Instant::now();
    while total(&admin_one, "q=node_two_first") != 1 {
        assert!(started.elapsed() < Duration::from_secs(15), "the first node's Directory never saw the import");
        std::thread::sleep(Duration::from_millis(100));
    }

    // Imports on both nodes at once: both complete, and every channel of both is found on each.
    let file = |prefix: &str, base: u64| {
        (0..150).map(|i| channel("tiktok", &format!("{prefix}{i}"), base + i)).collect::<Vec<_>>().join("\n")
    };
    let (left, right) = (file("left", 3_000), file("right", 9_000));
    let uploads = [(admin_one.clone(), left), (admin_two.clone(), right)]
        .map(|(client, content)| std::thread::spawn(move || upload(&client, "batch.ndjson", &content)));
    for u in uploads {
        let r = u.join().unwrap();
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let started = Instant::now();
    while total(&admin_one, "platform=tiktok") != 300 || total(&admin_two, "platform=tiktok") != 300 {
        assert!(started.elapsed() < Duration::from_secs(15), "a node's Directory lacks records of the other's import");
        std::thread::sleep(Duration::from_millis(100));
    }
    shut_down(one);
    shut_down(two);
}
