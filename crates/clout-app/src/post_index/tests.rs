//! The post index's stamp: an index holding fewer import batches than the store says so
//! (searches report `complete: false`), is brought in step by a build, and is left out of
//! backups.

use clout_core::Timestamp;
use clout_index::posts::PostIndex;

use super::{Held, POST_INDEX_DIR, post_index_dir, stamp};
use crate::{Access, App, Silent};

const AS_OF: i64 = 1_795_176_000;

fn app_with_world(dir: &std::path::Path) -> App {
    let world = dir.join("world.ndjson");
    crate::write_demo_world(std::fs::File::create(&world).unwrap(), 5, 200, Timestamp::from_unix(AS_OF)).unwrap();
    let config = crate::test_config(dir.join("data"));
    let mut app = App::open(config, Access::Write, "test").unwrap();
    let options = crate::tests::import_options(|| Timestamp::from_unix(AS_OF + 86_400), 5_000);
    app.import(std::slice::from_ref(&world), &options, &mut Silent).unwrap();
    app
}

fn query(text: &str) -> crate::PostQuery {
    let pairs = vec![("q".to_string(), text.to_string())];
    crate::post_query(&pairs, true, Timestamp::from_unix(AS_OF)).unwrap()
}

#[test]
fn an_index_behind_the_store_says_so_until_it_is_built_again_and_backups_leave_it_out() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_world(dir.path());
    let writes = app.store.derived_writes().unwrap();
    let found = app.search_posts(&query("coffee")).unwrap();
    assert!(found.current && found.total > 0, "the import left it current: {}", found.total);
    // An index one batch behind (as after an import cut short): read, but not complete.
    let index = PostIndex::open(&post_index_dir(app.data_dir())).unwrap();
    let mut w = index.writer(1).unwrap();
    w.clear().unwrap();
    w.commit(&stamp(Held { writes: writes - 1, last_post: 0 })).unwrap();
    let behind = app.search_posts(&query("coffee")).unwrap();
    assert_eq!((behind.current, behind.total), (false, 0));
    // A build (the server's start) brings it in step.
    assert!(app.build_post_index().unwrap());
    let again = app.search_posts(&query("coffee")).unwrap();
    assert_eq!((again.current, again.total), (true, found.total));
    // Nothing to do when it holds the store's posts.
    assert!(!app.build_post_index().unwrap());
    let backup = dir.path().join("backup");
    if crate::backup_if_sqlite(&app, &backup) {
        assert!(!backup.join(POST_INDEX_DIR).exists());
    }
}

#[test]
fn a_batch_of_another_process_during_an_import_makes_the_index_rebuilt_not_stamped_current() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_world(dir.path());
    let writes = app.store.derived_writes().unwrap();
    let all = app.search_posts(&query("coffee")).unwrap().total;
    // The index holds the store as it was one batch ago (empty here, to tell the two
    // apart); a run that wrote nothing itself ends while the store holds that one more
    // batch, of another process. Reading only the run's posts would stamp the index
    // current without that batch's posts: it must be rebuilt.
    let index = PostIndex::open(&post_index_dir(app.data_dir())).unwrap();
    let mut w = index.writer(1).unwrap();
    w.clear().unwrap();
    w.commit(&stamp(Held { writes: writes - 1, last_post: 0 })).unwrap();
    app.sync_post_index(Some((&[], writes - 1)), writes - 1);
    let after = app.search_posts(&query("coffee")).unwrap();
    assert_eq!((after.current, after.total), (true, all));
}
