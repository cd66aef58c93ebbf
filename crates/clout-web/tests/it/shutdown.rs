//! Shutting a server down: the request in flight is answered, the address stops
//! answering, and the data directory is free again for `clout restore` (which needs it to
//! itself), another writer, or another server.

use std::fs::File;
use std::io::{Read, Write};
use std::time::Duration;

use clout_app::{Access, App};

use crate::support::{Client, World, shut_down, small_world};

/// Whether the data directory's lock can be taken exclusively now, as `clout restore`
/// takes it (a server holds it shared while it runs). On PostgreSQL there is no such lock
/// (several nodes write at once): whether nothing holds the store is whether no
/// connection of a server is left, asked of the server itself.
fn lock_is_free(world: &World) -> bool {
    if let Some(url) = clout_pg::testing::store_for(&world.data()) {
        return clout_pg::testing::other_connections(&url) == 0;
    }
    let file = File::open(world.data().join("clout.lock")).unwrap();
    match file.try_lock() {
        Ok(()) => {
            file.unlock().unwrap();
            true
        }
        Err(std::fs::TryLockError::WouldBlock) => false,
        Err(e) => panic!("locking clout.lock: {e:?}"),
    }
}

#[test]
fn shutdown_frees_the_data_directory_for_another_writer_and_another_server() {
    let world = World::with(&small_world());
    let server = world.serve();
    assert!(!lock_is_free(&world), "a running server holds the data directory");
    assert_eq!(Client::with_token(&server, world.token.as_deref().unwrap()).get("/api/v1/status").status, 200);

    shut_down(server);
    assert!(lock_is_free(&world), "shutdown returned, so nothing holds the data directory");
    let app = App::open(world.app_config(), Access::Write, "the next writer").unwrap();
    assert_eq!(app.store_stats().unwrap().channels, 3);
    drop(app);

    // A second server on the same directory serves what the first one did.
    let again = world.serve();
    assert_eq!(again.setup_code(), None, "the admin exists, so there is no setup code");
    let r = Client::with_token(&again, world.token.as_deref().unwrap()).get("/api/v1/status");
    assert_eq!(r.json()["channels"], 3);
    shut_down(again);
    assert!(lock_is_free(&world));
}

#[test]
fn a_server_without_accounts_gives_a_setup_code_that_creates_the_first_admin() {
    let world = World::empty();
    let server = world.serve();
    // Five groups of four hex digits: `3f9a-07c2-...`.
    let code = server.setup_code().expect("a setup code while no account exists").to_string();
    assert_eq!(code.len(), 24, "{code}");
    assert!(code.split('-').all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_hexdigit())), "{code}");
    let anonymous = Client::anonymous(&server);
    let body = serde_json::json!({"username": "ada", "password": crate::support::PASSWORD, "setup_code": code});
    assert_eq!(anonymous.json("POST", "/api/v1/setup", body.clone()).status, 201);
    let r = anonymous.json("POST", "/api/v1/setup", body);
    assert_eq!((r.status, r.json()["code"].clone()), (403, "forbidden".into()), "only once");
    shut_down(server);
}

#[test]
fn a_request_in_flight_is_answered_before_shutdown_returns() {
    let world = World::with(&small_world());
    let server = world.serve();
    let addr = server.addr();
    // A sign-in whose body arrives in two parts: the server is reading it when asked to stop.
    let body = format!(r#"{{"username": "ada", "password": "{}"}}"#, crate::support::PASSWORD);
    let (first, second) = body.split_at(10);
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    // Time for the server to read the request's head and start on it.
    std::thread::sleep(Duration::from_millis(500));
    let stopping = std::thread::spawn(move || server.shutdown());
    std::thread::sleep(Duration::from_millis(500));
    assert!(!stopping.is_finished(), "shutdown waits for the request in flight");
    stream.write_all(second.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("csrf_token"), "{answer}");
    stopping.join().unwrap().unwrap();
    // Stopped: nothing listens there any more, and the data directory is free.
    assert!(std::net::TcpStream::connect(addr).is_err(), "{addr} still accepts connections");
    assert!(lock_is_free(&world));
}
