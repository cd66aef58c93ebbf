//! `clout migrate-store --to postgres://…`: a demo data directory moved into PostgreSQL
//! lists, shows and searches the same afterwards with `--store`; a second move into the
//! same database, or a move of a store that is PostgreSQL already, is refused.

use std::io::Write;
use std::process::Stdio;

use crate::util::Dir;

#[test]
fn a_demo_directory_moved_to_postgresql_answers_the_same_with_store() {
    let dir = Dir::new();
    let target = clout_pg::testing::database();
    if dir.on_postgres() {
        // The run keeps this directory's store on PostgreSQL already: nothing to move.
        let out = dir.run(&["migrate-store", "--to", &target]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("moves a data directory's SQLite store"), "{stderr}");
        return;
    }
    dir.stdout(&["demo", "--channels", "80", "--seed", "9"]);
    let mut create = dir.command(&["user", "create", "ada", "--role", "admin"]);
    let mut child = create.stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"correct horse battery\n").unwrap();
    assert!(child.wait().unwrap().success());
    let moved = dir.stdout(&["migrate-store", "--to", &target]);
    assert!(moved.contains("the counts and the derived state match"), "{moved}");
    assert!(moved.lines().any(|l| l.starts_with("channels ") && l.trim_end().ends_with(" 80")), "{moved}");
    assert!(!moved.contains("postgres://"), "the URL (which may hold a password) is not echoed: {moved}");

    // The same answers from the moved store.
    let with_store = |args: &[&str]| {
        let mut all = vec!["--store", target.as_str()];
        all.extend_from_slice(args);
        dir.stdout(&all)
    };
    for args in [
        &["channels", "--json"][..],
        &["channels", "--platform", "instagram", "--tier", "micro"],
        &["search", "fitness", "--facets", "--json"],
        &["benchmarks", "--json"],
        &["user", "list"],
    ] {
        assert_eq!(with_store(args), dir.stdout(args), "clout {args:?}");
    }
    let status = with_store(&["status"]);
    assert!(status.contains("store PostgreSQL") && status.contains("are current"), "{status}");

    // Moving again into a database that holds a store is refused, and changes nothing.
    let out = dir.run(&["migrate-store", "--to", &target]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is not empty"), "{stderr}");
    assert_eq!(with_store(&["channels", "--json"]), dir.stdout(&["channels", "--json"]));
}
