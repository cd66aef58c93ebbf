//! Headless Chromium driven over the DevTools protocol: a real browser for the UI tests.
//!
//! Just enough of the protocol for a test: navigate, evaluate script in the page, set a
//! file input, take a screenshot. Chromium is started with `--headless --no-sandbox
//! --disable-gpu --disable-background-networking` and a throwaway profile.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

pub(crate) struct Browser {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    session: String,
    _profile: tempfile::TempDir,
    shots: PathBuf,
    step: u32,
}

/// The Chromium binary: `$CLOUT_CHROMIUM`, else the first of the usual names on PATH,
/// else Debian's `chromium`, installed here once (as `.ci/run` does) so that the README's
/// test command passes on a fresh machine.
fn chromium() -> PathBuf {
    static FOUND: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    if let Some(p) = std::env::var_os("CLOUT_CHROMIUM") {
        return PathBuf::from(p);
    }
    let found = FOUND.get_or_init(|| {
        find_chromium().or_else(|| {
            install_chromium();
            find_chromium()
        })
    });
    match found {
        Some(p) => p.clone(),
        None => panic!(
            "the browser tests need Chromium, and installing Debian's `chromium` package failed (see above): \
             install it or set CLOUT_CHROMIUM"
        ),
    }
}

fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        for dir in std::env::split_paths(&path).chain([PathBuf::from("/usr/bin")]) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// `apt-get install chromium`, as root or through sudo; what it prints goes to the test's
/// output. Serialised across test processes by apt's own lock.
fn install_chromium() {
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
    let apt = |args: &[&str]| {
        let mut cmd = if root { Command::new("apt-get") } else { Command::new("sudo") };
        if !root {
            cmd.args(["-n", "apt-get"]);
        }
        eprintln!("browser tests: Chromium is missing; running apt-get {}", args.join(" "));
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive").status().is_ok_and(|s| s.success())
    };
    let _ = apt(&["update", "-qq"]) && apt(&["install", "-y", "-qq", "-o", "DPkg::Lock::Timeout=600", "chromium"]);
}

impl Browser {
    /// Starts Chromium; screenshots go to `shots`.
    pub(crate) fn launch(shots: &Path) -> Browser {
        std::fs::create_dir_all(shots).unwrap();
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting Chromium");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !sent && let Some(at) = line.find("ws://") {
                    tx.send(line[at..].trim().to_string()).ok();
                    sent = true;
                }
            }
        });
        let url = rx.recv_timeout(Duration::from_secs(60)).expect("Chromium printed its DevTools address");
        let (ws, _) = tungstenite::connect(url.as_str()).expect("connecting to Chromium");
        let mut b = Browser {
            child,
            ws,
            next_id: 0,
            session: String::new(),
            _profile: profile,
            shots: shots.to_path_buf(),
            step: 0,
        };
        let target = b.call_browser("Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call_browser("Target.attachToTarget", json!({"targetId": target_id, "flatten": true}));
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b.call("Page.enable", json!({}));
        b.call("Runtime.enable", json!({}));
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
        );
        b
    }

    fn send(&mut self, method: &str, params: Value, session: Option<String>) -> Value {
        match self.try_send(method, params, session) {
            Ok(v) => v,
            Err(e) => panic!("{method} failed: {e}"),
        }
    }

    fn try_send(&mut self, method: &str, params: Value, session: Option<String>) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = s.into();
        }
        self.ws.send(Message::Text(msg.to_string().into())).expect("sending to Chromium");
        loop {
            let Message::Text(text) = self.ws.read().expect("reading from Chromium") else { continue };
            let v: Value = serde_json::from_str(text.as_str()).unwrap();
            if v["id"].as_u64() == Some(id) {
                if let Some(e) = v.get("error") {
                    return Err(e.clone());
                }
                return Ok(v["result"].clone());
            }
        }
    }

    fn call_browser(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, None)
    }

    pub(crate) fn call(&mut self, method: &str, params: Value) -> Value {
        let s = self.session.clone();
        self.send(method, params, Some(s))
    }

    /// Evaluates `js` in the page (awaiting a promise) and returns its value.
    pub(crate) fn eval(&mut self, js: &str) -> Value {
        let r = self.call("Runtime.evaluate", json!({"expression": js, "returnByValue": true, "awaitPromise": true}));
        if let Some(e) = r.get("exceptionDetails") {
            panic!("script failed: {js}\n{e}");
        }
        r["result"]["value"].clone()
    }

    /// Runs `js`, which starts a navigation (a click, a submit), and waits for the new page.
    pub(crate) fn navigate_by(&mut self, js: &str) {
        self.eval("window.__cloutOld = true");
        // The page may be torn down by the navigation before the call answers: whatever
        // it answers, the new page is what counts.
        let s = self.session.clone();
        let _ = self.try_send("Runtime.evaluate", json!({"expression": js}), Some(s));
        self.wait_for_new_page();
    }

    pub(crate) fn goto(&mut self, url: &str) {
        self.eval("window.__cloutOld = true");
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for_new_page();
    }

    fn wait_for_new_page(&mut self) {
        let start = Instant::now();
        loop {
            // Between two documents there may be no context to evaluate in: try again.
            let s = self.session.clone();
            let r = self.try_send(
                "Runtime.evaluate",
                json!({"expression": "window.__cloutOld !== true && document.readyState === 'complete'", "returnByValue": true}),
                Some(s),
            );
            if r.is_ok_and(|r| r["result"]["value"] == json!(true)) {
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "the page did not load");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn url(&mut self) -> String {
        self.eval("location.href").as_str().unwrap().to_string()
    }

    /// Sets the value of an input or select.
    pub(crate) fn fill(&mut self, selector: &str, value: &str) {
        let js = format!(
            "(() => {{ const e = document.querySelector({}); e.value = {}; return true; }})()",
            json!(selector),
            json!(value)
        );
        assert_eq!(self.eval(&js), json!(true), "no element {selector}");
    }

    pub(crate) fn count(&mut self, selector: &str) -> u64 {
        self.eval(&format!("document.querySelectorAll({}).length", json!(selector))).as_u64().unwrap()
    }

    pub(crate) fn text(&mut self, selector: &str) -> String {
        self.eval(&format!("document.querySelector({}).textContent.trim()", json!(selector)))
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Puts a file into a file input.
    pub(crate) fn set_file(&mut self, selector: &str, file: &Path) {
        let r = self
            .call("Runtime.evaluate", json!({"expression": format!("document.querySelector({})", json!(selector))}));
        let object = r["result"]["objectId"].as_str().unwrap_or_else(|| panic!("no element {selector}")).to_string();
        self.call("DOM.setFileInputFiles", json!({"files": [file.display().to_string()], "objectId": object}));
    }

    /// Lays the page out at `width` × `height` CSS pixels; `mobile` as a phone does (the
    /// viewport meta tag applies, touch-sized).
    pub(crate) fn viewport(&mut self, width: u32, height: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": if mobile { 2 } else { 1 }, "mobile": mobile}),
        );
    }

    /// Sends `Accept-Language: language` from now on, as a browser set to that language does.
    pub(crate) fn language(&mut self, language: &str) {
        let agent = self.call_browser("Browser.getVersion", json!({}))["userAgent"].as_str().unwrap().to_string();
        self.call("Emulation.setUserAgentOverride", json!({"userAgent": agent, "acceptLanguage": language}));
    }

    /// Saves a PNG of the page as `NN-name.png`.
    pub(crate) fn screenshot(&mut self, name: &str) -> PathBuf {
        self.step += 1;
        let r = self.call("Page.captureScreenshot", json!({"format": "png", "captureBeyondViewport": true}));
        let png = base64::engine::general_purpose::STANDARD.decode(r["data"].as_str().unwrap()).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let path = self.shots.join(format!("{:02}-{name}.png", self.step));
        std::fs::write(&path, png).unwrap();
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}
