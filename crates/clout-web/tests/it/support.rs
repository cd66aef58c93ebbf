//! A data directory with a few imported channels and an admin, a server over it, and a
//! small HTTP client that keeps a session cookie or sends a bearer token.

use std::path::PathBuf;

use clout_app::{Access, App, AppConfig, ImportOptions, Silent, TokenScope};
use clout_core::Timestamp;
use clout_web::{ServeConfig, Server};
use serde_json::Value;

/// 2026-11-20T12:00:00Z: every observation's time and the server's clock.
pub(crate) const AS_OF: i64 = 1_795_176_000;
const DAY: i64 = 86_400;
pub(crate) const ADMIN: &str = "ada";
pub(crate) const PASSWORD: &str = "correct horse battery";

pub(crate) fn now() -> Timestamp {
    Timestamp::from_unix(AS_OF)
}

pub(crate) fn channel(platform: &str, handle: &str, followers: u64) -> String {
    format!(
        r#"{{"kind":"channel","platform":"{platform}","handle":"{handle}","followers":{followers},"observed_at":{AS_OF}}}"#
    )
}

pub(crate) fn post(platform: &str, handle: &str, id: &str, days_before: i64, likes: u64, comments: u64) -> String {
    format!(
        r#"{{"kind":"post","platform":"{platform}","handle":"{handle}","post_id":"{id}","published_at":{},"likes":{likes},"comments":{comments},"observed_at":{AS_OF}}}"#,
        AS_OF - days_before * DAY
    )
}

/// The interchange file most tests import: three channels, four posts, and one line that
/// is rejected (a platform Clout does not know).
pub(crate) fn small_world() -> Vec<String> {
    vec![
        channel("instagram", "ada_cooks", 12_000),
        channel("instagram", "bo_bakes", 800),
        channel("tiktok", "cy_runs", 50_000),
        post("instagram", "ada_cooks", "p1", 3, 600, 40),
        post("instagram", "ada_cooks", "p2", 5, 500, 20),
        post("instagram", "bo_bakes", "p3", 2, 60, 4),
        post("tiktok", "cy_runs", "t1", 4, 4_000, 300),
        r#"{"kind":"channel","platform":"myspace","handle":"tom","followers":1,"observed_at":1795176000}"#.to_string(),
    ]
}

/// A data directory in a temporary folder.
pub(crate) struct World {
    pub(crate) tmp: tempfile::TempDir,
    /// An API token of the admin, when the world has one.
    pub(crate) token: Option<String>,
}

impl World {
    /// No store at all yet: the server creates it, and asks for the first admin.
    pub(crate) fn empty() -> World {
        World { tmp: tempfile::tempdir().unwrap(), token: None }
    }

    /// `lines` imported as one NDJSON file, and the admin `ada` with a full API token.
    pub(crate) fn with(lines: &[String]) -> World {
        let mut world = World::empty();
        let file = world.tmp.path().join("world.ndjson");
        std::fs::write(&file, lines.join("\n") + "\n").unwrap();
        let mut app = App::open(world.app_config(), Access::Write, "the test").unwrap();
        let options = ImportOptions {
            clock: now,
            strict: false,
            batch_size: 1_000,
            limits: Default::default(),
            max_decompressed_bytes: None,
            answers_observed_at: None,
            csv_map: None,
        };
        app.import(&[file], &options, &mut Silent).unwrap();
        let admin = app.setup_admin(ADMIN, PASSWORD, now()).unwrap();
        world.token = Some(app.create_token(&admin, "tests", TokenScope::Full, None, now()).unwrap().1);
        world
    }

    pub(crate) fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    pub(crate) fn app_config(&self) -> AppConfig {
        // SQLite in the directory, or a PostgreSQL database of its own under
        // CLOUT_TEST_STORE=postgres.
        let store = clout_pg::testing::store_for(&self.data()).map(|url| clout_app::StoreUrl::parse(&url).unwrap());
        AppConfig { data_dir: self.data(), niches_file: None, rate_card_file: None, vectors_file: None, store }
    }

    pub(crate) fn serve_config(&self) -> ServeConfig {
        ServeConfig::new(self.app_config(), now)
    }

    /// A server over this directory on a free loopback port.
    pub(crate) fn serve(&self) -> Server {
        Server::start(self.serve_config(), "127.0.0.1:0").unwrap()
    }
}

/// An answer: status, headers, body.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A client of one server: anonymous, with a bearer token, or signed in with a cookie.
#[derive(Clone, Default)]
pub(crate) struct Client {
    pub(crate) base: String,
    pub(crate) bearer: Option<String>,
    pub(crate) cookie: Option<String>,
    pub(crate) csrf: Option<String>,
}

impl Client {
    pub(crate) fn anonymous(server: &Server) -> Client {
        Client { base: format!("http://{}", server.addr()), ..Client::default() }
    }

    pub(crate) fn with_token(server: &Server, token: &str) -> Client {
        Client { bearer: Some(token.to_string()), ..Client::anonymous(server) }
    }

    /// Signs in through the API, as a browser's script-free forms would end up: the
    /// session cookie and its CSRF token.
    pub(crate) fn signed_in(server: &Server) -> Client {
        let anonymous = Client::anonymous(server);
        let body = serde_json::json!({"username": ADMIN, "password": PASSWORD});
        let r = anonymous.send("POST", "/api/v1/login", Some("application/json"), body.to_string().into_bytes());
        assert_eq!(r.status, 200, "{}", r.body);
        let cookie = r.header("set-cookie").expect("a session cookie").split(';').next().unwrap().to_string();
        let csrf = r.json()["csrf_token"].as_str().map(str::to_string);
        Client { cookie: Some(cookie), csrf, ..anonymous }
    }

    pub(crate) fn send(&self, method: &str, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Reply {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
        let mut req = ureq::http::Request::builder().method(method).uri(format!("{}{path}", self.base));
        if let Some(b) = &self.bearer {
            req = req.header("Authorization", format!("Bearer {b}"));
        }
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        if let Some(t) = &self.csrf {
            req = req.header("X-CSRF-Token", t);
        }
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        let mut resp = agent.run(req.body(body).unwrap()).expect("an answer");
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let status = resp.status().as_u16();
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        Reply { status, headers, body }
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None, Vec::new())
    }

    pub(crate) fn json(&self, method: &str, path: &str, body: Value) -> Reply {
        self.send(method, path, Some("application/json"), body.to_string().into_bytes())
    }
}

/// Shuts `server` down, failing if that does not return within 30 seconds (a task that
/// never stops would otherwise hang the test).
pub(crate) fn shut_down(server: Server) {
    let (done, returned) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(server.shutdown()).ok());
    match returned.recv_timeout(std::time::Duration::from_secs(30)) {
        Ok(result) => result.unwrap(),
        Err(_) => panic!("shutdown did not return within 30 s"),
    }
}
