//! A real PostgreSQL for tests, started by the test run itself: one private server per
//! test process, in a temporary directory, on a free loopback port, and a fresh database
//! for each test ([`database`]).
//!
//! - `CLOUT_TEST_POSTGRES` (a URL such as `postgres://clout@127.0.0.1:5432/postgres`)
//!   uses a server already running instead; each test still gets its own database,
//!   `clout_test_{pid}_{n}`. A test process drops, when it first connects, the databases
//!   left by test processes of this machine that have ended (their pid is gone), so a
//!   long-lived server does not fill up.
//! - Otherwise the server's programs are `$CLOUT_PG_BIN`, `pg_config --bindir`, or the
//!   newest `/usr/lib/postgresql/*/bin`; when none is found, Debian's `postgresql`
//!   package is installed (as root or through `sudo -n`), as `.ci/run` does. A machine
//!   where that fails fails the test, with the reason: nothing is skipped.
//! - PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user
//!   (which Debian's package creates).
//! - The server stops, and its directory is removed, when the test process ends however
//!   it ends: a small shell watches the process's end of a pipe.
//! - `CLOUT_TEST_STORE=postgres` runs the application's, the command line's and the
//!   server's tests on PostgreSQL instead of SQLite: their helpers ask [`store_for`] for
//!   the store of each data directory they make (a database of its own per directory).

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The user the test servers are made for (trust authentication on loopback).
const USER: &str = "clout";

/// A running server: the URL of its `postgres` database.
struct Server {
    admin_url: String,
    /// The watcher; its stdin is the pipe whose closing stops the server.
    _watcher: Option<Child>,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static NEXT: AtomicU32 = AtomicU32::new(0);

/// The URL of a new, empty database on this process's test server (started on first
/// use). Panics, saying why, when no PostgreSQL can be found, installed or started.
pub fn database() -> String {
    let server = SERVER.get_or_init(start);
    let name = format!("clout_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let mut admin = postgres::Client::connect(&server.admin_url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to the test PostgreSQL at {}: {e}", server.admin_url));
    // One statement each: CREATE DATABASE cannot run inside a transaction.
    for sql in [format!("DROP DATABASE IF EXISTS {name}"), format!("CREATE DATABASE {name}")] {
        admin.batch_execute(&sql).unwrap_or_else(|e| panic!("creating the test database {name}: {e:?}"));
    }
    match server.admin_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("test PostgreSQL URL without a database: {}", server.admin_url),
    }
}

/// Whether this test run keeps the application's stores on PostgreSQL
/// (`CLOUT_TEST_STORE=postgres`) rather than SQLite (unset, empty or `sqlite`). Any other
/// value panics: a typo must not quietly test SQLite twice.
pub fn postgres_wanted() -> bool {
    match std::env::var("CLOUT_TEST_STORE").as_deref() {
        Err(_) | Ok("") | Ok("sqlite") => false,
        Ok("postgres") => true,
        Ok(other) => panic!("CLOUT_TEST_STORE is `{other}`: use `postgres`, `sqlite` or leave it unset"),
    }
}

/// The store URL for a test's data directory: `None` (SQLite in the directory) unless
/// [`postgres_wanted`], else a fresh database, the same one each time the same directory
/// is asked for in this process.
pub fn store_for(data_dir: &Path) -> Option<String> {
    if !postgres_wanted() {
        return None;
    }
    static STORES: OnceLock<std::sync::Mutex<std::collections::HashMap<PathBuf, String>>> = OnceLock::new();
    let mut stores = STORES.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    Some(stores.entry(data_dir.to_path_buf()).or_insert_with(database).clone())
}

/// How many connections other than this question's are open to the database at `url`
/// (what a server shutting down must have closed).
pub fn other_connections(url: &str) -> i64 {
    let mut client = postgres::Client::connect(url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to the test database at {url}: {e}"));
    let row = client
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap_or_else(|e| panic!("counting connections: {e}"));
    row.get(0)
}

/// Starts recording the statements run on the database at `url` by connections opened
/// after this (`pg_stat_statements`, which the test server loads; a server of
/// `CLOUT_TEST_POSTGRES` must load it too).
pub fn record_statements(url: &str) {
    let mut client = postgres::Client::connect(url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to the test database at {url}: {e}"));
    client
        .batch_execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .unwrap_or_else(|e| panic!("recording statements needs pg_stat_statements in shared_preload_libraries: {e}"));
    // The server records nothing by default (it would cost every statement of every other
    // test and benchmark); this database's connections opened from now on record all.
    let name: String = client
        .query_one("SELECT current_database()::text", &[])
        .unwrap_or_else(|e| panic!("asking the test database its name: {e}"))
        .get(0);
    client
        .batch_execute(&format!("ALTER DATABASE \"{name}\" SET pg_stat_statements.track = 'all'"))
        .unwrap_or_else(|e| panic!("recording the statements of {name}: {e}"));
}

/// Every statement recorded on the database at `url` since [`record_statements`], checked
/// against Citus's rules ([`crate::citus_check`]): how many were checked, and each one
/// that breaks a rule or cannot be parsed, with why.
pub fn statements_breaking_citus_rules(url: &str) -> (usize, Vec<String>) {
    let mut client = postgres::Client::connect(url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to the test database at {url}: {e}"));
    let rows = client
        .query(
            "SELECT query FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
            &[],
        )
        .unwrap_or_else(|e| panic!("reading pg_stat_statements: {e}"));
    let layout = crate::citus_check::Layout::of_schema();
    let mut checked = 0;
    let mut broken = Vec::new();
    for row in rows {
        let sql: String = row.get(0);
        let verb = sql.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        if !matches!(verb.as_str(), "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "WITH") {
            continue;
        }
        // The checks' own questions and the catalogue's are not the application's.
        if sql.contains("pg_stat_statements") || sql.contains("information_schema") || sql.contains("pg_catalog") {
            continue;
        }
        checked += 1;
        match crate::citus_check::breaks(&sql, &layout) {
            Ok(found) => broken.extend(found.into_iter().map(|f| format!("{f}: {sql}"))),
            Err(e) => broken.push(format!("cannot be parsed ({e}): {sql}")),
        }
    }
    (checked, broken)
}

fn start() -> Server {
    if let Ok(url) = std::env::var("CLOUT_TEST_POSTGRES")
        && !url.is_empty()
    {
        drop_leftovers(&url);
        return Server { admin_url: url, _watcher: None };
    }
    let bin = binaries();
    let mut last = String::new();
    for _ in 0..5 {
        match start_in(&bin) {
            Ok(server) => return server,
            Err(e) => last = e,
        }
    }
    panic!("starting a test PostgreSQL from {}: {last}", bin.display())
}

/// Drops the test databases on the server at `admin_url` whose test process, on this
/// machine, has ended. Best effort: a database it cannot drop stays for the next run.
fn drop_leftovers(admin_url: &str) {
    let Ok(mut admin) = postgres::Client::connect(admin_url, postgres::NoTls) else { return };
    let Ok(rows) = admin.query("SELECT datname::text FROM pg_database WHERE datname LIKE 'clout\\_test\\_%'", &[])
    else {
        return;
    };
    for row in rows {
        let name: String = row.get(0);
        let pid = name.strip_prefix("clout_test_").and_then(|rest| rest.split('_').next()?.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let quoted = name.replace('"', "\"\"");
            admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{quoted}\" WITH (FORCE)")).ok();
        }
    }
}

/// One attempt on one free port.
fn start_in(bin: &Path) -> Result<Server, String> {
    let dir = tempfile::Builder::new().prefix("clout-pg-").tempdir().map_err(|e| e.to_string())?.keep();
    let as_postgres = is_root();
    if as_postgres {
        let owner = |what: &str| -> Result<u32, String> {
            let out = Command::new("id").args([what, "postgres"]).output().map_err(|e| e.to_string())?;
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .map_err(|_| "running as root, and there is no `postgres` user to run PostgreSQL as".to_string())
        };
        std::os::unix::fs::chown(&dir, Some(owner("-u")?), Some(owner("-g")?)).map_err(|e| e.to_string())?;
    }
    let data = dir.join("data");
    let initdb = run_as(as_postgres, &bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["--no-sync", "-A", "trust", "-U", USER, "-E", "UTF8", "--no-locale"])
        .output()
        .map_err(|e| format!("running initdb: {e}"))?;
    if !initdb.status.success() {
        return Err(format!("initdb failed: {}", String::from_utf8_lossy(&initdb.stderr)));
    }
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    // The watcher starts the server, waits for its stdin to close (this process ended),
    // then stops the server fast and removes its directory.
    let script = r#"
        "$1/postgres" -D "$2/data" -p "$3" -k "$2" -c listen_addresses=127.0.0.1 \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
            -c max_connections=200 -c deadlock_timeout=100ms \
            -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=none \
            -c pg_stat_statements.max=20000 >"$2/log" 2>&1 &
        pid=$!
        cat >/dev/null
        kill -INT "$pid" 2>/dev/null
        wait "$pid"
        rm -rf "$2"
    "#;
    let mut watcher = run_as(as_postgres, Path::new("sh"))
        .args(["-c", script, "sh"])
        .arg(bin)
        .arg(&dir)
        .arg(port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting PostgreSQL: {e}"))?;
    let admin_url = format!("postgres://{USER}@127.0.0.1:{port}/postgres");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if postgres::Client::connect(&admin_url, postgres::NoTls).is_ok() {
            return Ok(Server { admin_url, _watcher: Some(watcher) });
        }
        let exited = matches!(watcher.try_wait(), Ok(Some(_)));
        let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
        if exited || log.contains("could not bind") || Instant::now() > deadline {
            watcher.kill().ok();
            std::fs::remove_dir_all(&dir).ok();
            return Err(format!("the server did not start on port {port}: {log}"));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn run_as(as_postgres: bool, program: &Path) -> Command {
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// The directory of `initdb` and `postgres`, installing PostgreSQL when there is none.
fn binaries() -> PathBuf {
    if let Some(bin) = find_binaries() {
        return bin;
    }
    install();
    find_binaries().unwrap_or_else(|| {
        panic!("no PostgreSQL found (set CLOUT_PG_BIN to the directory of initdb and postgres, or CLOUT_TEST_POSTGRES to a server's URL)")
    })
}

fn find_binaries() -> Option<PathBuf> {
    let has = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(dir) = std::env::var_os("CLOUT_PG_BIN").map(PathBuf::from) {
        return has(&dir).then_some(dir);
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has(&dir) {
            return Some(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, dir)| has(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}

/// Installs Debian's `postgresql` (as root, or through `sudo -n`); one process at a time.
fn install() {
    let lock = std::env::temp_dir().join("clout-pg-install.lock");
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock);
    let _held = file.ok().filter(|f| f.lock().is_ok());
    if find_binaries().is_some() {
        return;
    }
    let sudo = if is_root() { vec![] } else { vec!["sudo", "-n"] };
    let run = |args: &[&str]| {
        let mut all = sudo.clone();
        all.extend_from_slice(args);
        let mut child = Command::new(all[0])
            .args(&all[1..])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("installing PostgreSQL ({}): {e}", all.join(" ")));
        let mut err = String::new();
        child.stderr.take().map(|mut s| s.read_to_string(&mut err));
        let ok = child.wait().map(|s| s.success()).unwrap_or(false);
        assert!(ok, "installing PostgreSQL ({}) failed: {err}", all.join(" "));
    };
    run(&["apt-get", "update", "-qq"]);
    run(&["apt-get", "install", "-y", "-qq", "postgresql"]);
}
