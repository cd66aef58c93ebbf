//! A temporary directory with helpers to write files and run `clout` in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub(crate) fn new() -> Dir {
        Dir { tmp: tempfile::tempdir().expect("a temporary directory") }
    }

    pub(crate) fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub(crate) fn data(&self) -> PathBuf {
        self.path().join("data")
    }

    pub(crate) fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, content).expect("writing a test file");
        path
    }

    /// Whether this run keeps the store on PostgreSQL (`CLOUT_TEST_STORE=postgres`).
    pub(crate) fn on_postgres(&self) -> bool {
        clout_pg::testing::store_for(&self.data()).is_some()
    }

    /// On PostgreSQL, checks that `clout backup` is refused and points at pg_dump, and
    /// returns `true`: the caller's SQLite backup checks do not apply.
    pub(crate) fn backup_is_pg_dumps(&self) -> bool {
        if !self.on_postgres() {
            return false;
        }
        let out = self.run(&["backup", "never-written"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("pg_dump"), "{stderr}");
        assert!(!self.path().join("never-written").exists());
        true
    }

    /// `clout --data DIR/data ARGS...`, run in the directory.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_clout"));
        cmd.current_dir(self.path()).env_remove("CLOUT_DATA").arg("--data").arg(self.data()).args(args);
        // SQLite in the data directory, or a PostgreSQL database of its own under
        // CLOUT_TEST_STORE=postgres.
        match clout_pg::testing::store_for(&self.data()) {
            Some(url) => cmd.env("CLOUT_STORE", url),
            None => cmd.env_remove("CLOUT_STORE"),
        };
        cmd
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("running clout")
    }

    /// Runs and insists on success, returning stdout.
    pub(crate) fn stdout(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "clout {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    pub(crate) fn json_lines(&self, args: &[&str]) -> Vec<serde_json::Value> {
        self.stdout(args)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
}

/// 2026-11-20T12:00:00Z.
pub(crate) const AS_OF: i64 = 1_795_176_000;
pub(crate) const DAY: i64 = 86_400;

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
