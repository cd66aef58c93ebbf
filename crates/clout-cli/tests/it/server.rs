//! A real `clout serve` on port 0 in a temporary data directory, and a small HTTP client
//! that keeps the session cookie and CSRF token the way a browser or script would.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use serde_json::{Value, json};

use crate::util::Dir;

pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    pub(crate) dir: Dir,
    /// Every line the server writes to stderr, as it comes (each is also passed on).
    stderr: Mutex<mpsc::Receiver<String>>,
    /// The stderr lines read so far.
    seen: Mutex<Vec<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Server {
    /// Serves `dir` (imported beforehand, or empty).
    pub(crate) fn start(dir: Dir) -> Server {
        Server::start_with(dir, &[], &[])
    }

    /// Serves `dir` with more arguments to `clout serve` and environment variables.
    pub(crate) fn start_with(dir: Dir, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = dir.command(&["serve", "--addr", "127.0.0.1:0"]);
        command.args(args).env_remove("CLOUT_ALLOWED_HOSTS").envs(env.iter().copied());
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("starting clout serve");
        // Stderr is read on a thread so the server never blocks on a full pipe; each line
        // is passed on to the test's own stderr and kept for `stderr_line`.
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("{line}");
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("the address line");
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in: {line}"))
            .trim_end_matches('/')
            .to_string();
        Server { child, base, dir, stderr: Mutex::new(rx), seen: Mutex::new(Vec::new()) }
    }

    /// Stops the server (as SIGKILL would) and hands back its directory.
    pub(crate) fn stop(mut self) -> Dir {
        self.child.kill().ok();
        self.child.wait().ok();
        std::mem::replace(&mut self.dir, Dir::new())
    }

    /// The first stderr line that starts with `prefix`, waiting for it a few seconds.
    pub(crate) fn stderr_line(&self, prefix: &str) -> Option<String> {
        let mut seen = self.seen.lock().unwrap();
        if let Some(line) = seen.iter().find(|l| l.starts_with(prefix)) {
            return Some(line.clone());
        }
        let rx = self.stderr.lock().unwrap();
        while let Ok(line) = rx.recv_timeout(Duration::from_secs(10)) {
            seen.push(line.clone());
            if line.starts_with(prefix) {
                return Some(line);
            }
        }
        None
    }

    /// The one-time setup code `clout serve` printed on its terminal.
    pub(crate) fn setup_code(&self) -> String {
        let line = self.stderr_line("Setup code: ").expect("clout serve prints a setup code while no account exists");
        line["Setup code: ".len()..].split_whitespace().next().expect("the code").to_string()
    }

    /// A demo world of `channels` channels, served.
    pub(crate) fn demo(channels: usize) -> Server {
        let dir = Dir::new();
        dir.stdout(&["demo", "--channels", &channels.to_string()]);
        Server::start(dir)
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

    /// Asserts an error answer with this status and code.
    pub(crate) fn error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.json()["code"], code, "{}", self.body);
        assert!(self.json()["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

/// A client: anonymous, with a session (cookie + CSRF token) or with a bearer token.
#[derive(Clone, Default)]
pub(crate) struct Client {
    pub(crate) base: String,
    pub(crate) cookie: Option<String>,
    pub(crate) csrf: Option<String>,
    pub(crate) bearer: Option<String>,
}

impl Client {
    pub(crate) fn anonymous(server: &Server) -> Client {
        Client { base: server.base.clone(), ..Client::default() }
    }

    pub(crate) fn send(&self, method: &str, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Reply {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
        let mut req = ureq::http::Request::builder().method(method).uri(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        if let Some(t) = &self.csrf {
            req = req.header("X-CSRF-Token", t);
        }
        if let Some(b) = &self.bearer {
            req = req.header("Authorization", format!("Bearer {b}"));
        }
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        let mut resp = agent.run(req.body(body).expect("a request")).expect("an answer");
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

    pub(crate) fn delete(&self, path: &str) -> Reply {
        self.send("DELETE", path, None, Vec::new())
    }

    /// Uploads files as multipart/form-data `file` fields (plus extra text fields).
    pub(crate) fn upload(&self, path: &str, fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> Reply {
        let boundary = "----clouttestboundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        for (name, content) in files {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.send("POST", path, Some(&format!("multipart/form-data; boundary={boundary}")), body)
    }

    /// Signs in through the API: the session cookie and the CSRF token.
    pub(crate) fn login(server: &Server, username: &str, password: &str) -> Client {
        let anon = Client::anonymous(server);
        let r = anon.json("POST", "/api/v1/login", json!({"username": username, "password": password}));
        assert_eq!(r.status, 200, "{}", r.body);
        let cookie = r.header("set-cookie").expect("a session cookie").split(';').next().unwrap().to_string();
        Client {
            base: server.base.clone(),
            cookie: Some(cookie),
            csrf: r.json()["csrf_token"].as_str().map(str::to_string),
            bearer: None,
        }
    }

    pub(crate) fn with_token(server: &Server, token: &str) -> Client {
        Client { base: server.base.clone(), bearer: Some(token.to_string()), ..Client::default() }
    }
}

pub(crate) const ADMIN_PASSWORD: &str = "correct horse battery";

/// Creates the admin through the API (with the server's setup code) and signs in.
pub(crate) fn admin(server: &Server) -> Client {
    let r = Client::anonymous(server).json(
        "POST",
        "/api/v1/setup",
        json!({"username": "ada", "password": ADMIN_PASSWORD, "setup_code": server.setup_code()}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    Client::login(server, "ada", ADMIN_PASSWORD)
}

/// Creates an account with `role` and signs it in.
pub(crate) fn user(server: &Server, admin: &Client, name: &str, role: &str) -> Client {
    let password = format!("{name} password 123");
    let r = admin.json("POST", "/api/v1/users", json!({"username": name, "password": password, "role": role}));
    assert_eq!(r.status, 201, "{}", r.body);
    Client::login(server, name, &password)
}
