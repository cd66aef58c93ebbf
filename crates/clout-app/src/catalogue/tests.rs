//! The catalogue keeps its Directory in step with the store: after its own writes, and
//! after another process's, never showing a half-written recompute.

use std::path::{Path, PathBuf};

use clout_core::Timestamp;
use clout_core::discovery::DiscoveryQuery;

use crate::{AppConfig, Catalogue, CatalogueOptions, ImportOptions, Silent};

/// 2026-11-20T12:00:00Z.
const AS_OF: i64 = 1_795_176_000;

fn config(dir: &Path) -> AppConfig {
    crate::test_config(dir.join("data"))
}

fn options() -> ImportOptions {
    ImportOptions {
        clock: || Timestamp::from_unix(AS_OF + 86_400),
        strict: false,
        batch_size: 10,
        limits: Default::default(),
        max_decompressed_bytes: None,
        answers_observed_at: None,
        csv_map: None,
    }
}

fn channels_file(dir: &Path, name: &str, handles: &[&str]) -> PathBuf {
    let lines: Vec<String> = handles
        .iter()
        .map(|h| {
            format!(
                r#"{{"kind":"channel","platform":"instagram","handle":"{h}","followers":5000,"bio":"vegan recipes","observed_at":{AS_OF}}}"#
            )
        })
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn total(catalogue: &Catalogue) -> u64 {
    catalogue.read(|r| r.search(&DiscoveryQuery::everything())).unwrap().page.total
}

#[test]
fn an_import_through_the_catalogue_is_searchable_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue =
        Catalogue::open(config(dir.path()), CatalogueOptions { readers: 2, ..CatalogueOptions::write("test") })
            .unwrap();
    assert_eq!(total(&catalogue), 0, "an empty store has an empty Directory");
    let first = channels_file(dir.path(), "a.ndjson", &["ann", "bob"]);
    catalogue.import(|app| app.import(&[first], &options(), &mut Silent)).unwrap();
    assert_eq!(total(&catalogue), 2, "the Directory was rebuilt after the import");
    assert!(!catalogue.derived_stale());
    let second = channels_file(dir.path(), "b.ndjson", &["cat"]);
    catalogue.import(|app| app.import(&[second], &options(), &mut Silent)).unwrap();
    assert_eq!(total(&catalogue), 3);
    // A write that recomputes (here: everything) also rebuilds it; nothing new is lost.
    catalogue.write(|app| app.recompute_all(clout_core::Timestamp::from_unix(1_795_000_000)).map(|_| ())).unwrap();
    assert_eq!(total(&catalogue), 3);
}

#[test]
fn another_process_import_shows_once_followed_and_stale_numbers_are_flagged_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let first = channels_file(dir.path(), "a.ndjson", &["ann"]);
    let server =
        Catalogue::open(config(dir.path()), CatalogueOptions { readers: 1, ..CatalogueOptions::write("server") })
            .unwrap();
    server.import(|app| app.import(&[first], &options(), &mut Silent)).unwrap();
    assert_eq!(total(&server), 1);

    // Another process writes a batch but has not recomputed yet (an import in progress,
    // or one killed before its recompute): the server's next look says the numbers are
    // stale and keeps the Directory it has, built from current numbers.
    let other = Catalogue::open(config(dir.path()), CatalogueOptions::write("clout import")).unwrap();
    other
        .write(|app| -> crate::Result<()> {
            let line = format!(
                r#"{{"kind":"channel","platform":"instagram","handle":"dan","followers":900,"observed_at":{AS_OF}}}"#
            );
            let record = clout_import::parse_line(line.as_bytes()).unwrap();
            let mut run = app.store.begin_run(Timestamp::from_unix(AS_OF), &["killed.ndjson".to_string()])?;
            let source = run.source_id("killed.ndjson")?;
            run.write_batch(&[record], source, &[])?;
            // Dropped without finishing or recomputing: the process died here.
            Ok(())
        })
        .unwrap();
    assert!(!server.follow().unwrap(), "nothing to rebuild from while stale");
    assert!(server.derived_stale());
    assert_eq!(total(&server), 1);

    // The other process's next import completes (with its recompute, which also takes in
    // what the killed one wrote): the server follows.
    let second = channels_file(dir.path(), "b.ndjson", &["bob", "cat"]);
    other.import(|app| app.import(&[second], &options(), &mut Silent)).unwrap();
    assert!(server.follow().unwrap(), "a completed recompute elsewhere rebuilds the Directory");
    assert!(!server.derived_stale());
    assert_eq!(total(&server), 4, "ann, dan from the killed import, bob and cat");
    assert!(!server.follow().unwrap(), "and only once");
}

#[test]
fn a_read_only_catalogue_builds_its_directory_on_first_use_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let file = channels_file(dir.path(), "a.ndjson", &["ann", "bob"]);
    let writer = Catalogue::open(config(dir.path()), CatalogueOptions::write("test")).unwrap();
    writer.import(|app| app.import(&[file], &options(), &mut Silent)).unwrap();
    let reader = Catalogue::open(config(dir.path()), CatalogueOptions::read()).unwrap();
    assert_eq!(total(&reader), 2);
    let refused = reader.write(|app| app.recompute_all(clout_core::Timestamp::from_unix(1_795_000_000)).map(|_| ()));
    assert!(matches!(refused, Err(crate::Error::Conflict(m)) if m.contains("read-only")));
}

#[test]
fn a_relabel_by_another_process_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let file = channels_file(dir.path(), "a.ndjson", &["ann", "bob"]);
    let server =
        Catalogue::open(config(dir.path()), CatalogueOptions { readers: 1, ..CatalogueOptions::write("server") })
            .unwrap();
    server.import(|app| app.import(&[file], &options(), &mut Silent)).unwrap();
    assert_eq!(total(&server), 2);
    assert!(!server.follow().unwrap(), "nothing changed yet");
    // `clout index rebuild` in another process relabels every channel's niches: the niche
    // facets and lookalikes the server holds read them, so it rebuilds.
    let other = Catalogue::open(config(dir.path()), CatalogueOptions::write("clout index rebuild")).unwrap();
    other.write(|app| app.recompute_niches()).unwrap();
    assert!(server.follow().unwrap(), "the relabel is followed");
    assert!(!server.derived_stale(), "a relabel does not make the numbers stale");
}
