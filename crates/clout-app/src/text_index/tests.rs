//! The full-text index beside the store: read only while it holds the store's text, kept
//! in step by imports and recomputes, rebuilt when it was not, left out of backups.

use clout_core::Timestamp;
use clout_core::discovery::{DiscoveryQuery, SortKey};
use clout_index::text::TextIndex;

use clout_store::ChannelStore;

use super::{TEXT_INDEX_DIR, stamp, text_index_dir};
use crate::{Access, App, AppConfig, Silent};

const AS_OF: i64 = 1_795_176_000;

fn options() -> crate::ImportOptions {
    crate::tests::import_options(|| Timestamp::from_unix(AS_OF + 86_400), 5_000)
}

fn app_with_world(dir: &std::path::Path) -> (App, AppConfig) {
    let world = dir.join("world.ndjson");
    crate::write_demo_world(std::fs::File::create(&world).unwrap(), 5, 300, Timestamp::from_unix(AS_OF)).unwrap();
    let config = crate::test_config(dir.join("data"));
    let mut app = App::open(config.clone(), Access::Write, "test").unwrap();
    app.import(std::slice::from_ref(&world), &options(), &mut Silent).unwrap();
    (app, config)
}

/// The ids a keyword search returns, in order, with their total.
fn search(app: &App, d: &crate::Directory, text: &str, sort: SortKey) -> (u64, Vec<i64>) {
    let query = DiscoveryQuery { text: Some(text.to_string()), sort, limit: 1_000, ..DiscoveryQuery::everything() };
    let r = app.search_with(d, &query).unwrap();
    (r.page.total, r.channels.iter().map(|c| c.row.id).collect())
}

const QUERIES: &[&str] = &["workout", "makeup routine", "#fitness", r#""leg day""#, "coffee"];

/// Every query answers the same through the index as through the store's FTS5 table:
/// the same channels in the same order by followers, the same set by relevance (the two
/// engines' BM25 differ in detail).
fn assert_index_agrees_with_the_store(app: &App) {
    let (with_index, _) = app.load_directory().unwrap();
    assert!(with_index.text.is_some(), "the index holds the store's text");
    let (mut without, _) = app.load_directory().unwrap();
    without.text = None;
    for q in QUERIES {
        let (total, ids) = search(app, &with_index, q, SortKey::Followers);
        assert!(total > 0, "{q}: the demo world has matches");
        assert_eq!((total, ids), search(app, &without, q, SortKey::Followers), "{q}");
        let (total, mut ids) = search(app, &with_index, q, SortKey::Relevance);
        let (store_total, mut store_ids) = search(app, &without, q, SortKey::Relevance);
        ids.sort();
        store_ids.sort();
        assert_eq!((total, ids), (store_total, store_ids), "{q} by relevance");
    }
}

fn late_post(app: &App, dir: &std::path::Path, caption: &str) -> (i64, std::path::PathBuf) {
    let row = app.store.channels(&Default::default()).unwrap().into_iter().find(|r| r.followers > Some(2_000)).unwrap();
    let line = format!(
        r#"{{"kind":"post","platform":"{}","handle":"{}","post_id":"late","published_at":{},"likes":10,"comments":1,"caption":"{caption}","observed_at":{}}}"#,
        row.platform,
        row.handle,
        AS_OF + 3_600,
        AS_OF + 86_400
    );
    let file = dir.join("late.ndjson");
    std::fs::write(&file, line).unwrap();
    (row.id, file)
}

#[test]
fn keyword_searches_read_the_index_and_an_import_keeps_it_in_step() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _) = app_with_world(dir.path());
    assert_index_agrees_with_the_store(&app);

    // A post with a word nobody used: the import's recompute of the channel it touched
    // writes that channel's text into the index, which stays current.
    let (id, file) = late_post(&app, dir.path(), "Zanzibarite tasting at dawn");
    let s = app.import(&[file], &options(), &mut Silent).unwrap();
    assert_eq!(s.niches.map(|n| n.channels), Some(1), "only the touched channel was read again");
    let (d, _) = app.load_directory().unwrap();
    assert!(d.text.is_some(), "the index is current after the import");
    assert_eq!(search(&app, &d, "zanzibarite", SortKey::Relevance), (1, vec![id]));
    assert_index_agrees_with_the_store(&app);
}

#[test]
fn an_index_that_does_not_hold_the_stores_text_is_not_read_and_the_next_recompute_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, config) = app_with_world(dir.path());
    let index_dir = text_index_dir(&config.data_dir);

    // As if a recompute had been cut short after the store's text changed: the index
    // holds other text under another stamp.
    {
        let index = TextIndex::open(&index_dir).unwrap();
        let mut w = index.writer(1).unwrap();
        w.clear().unwrap();
        w.commit(&stamp(-1)).unwrap();
    }
    let (d, _) = app.load_directory().unwrap();
    assert!(d.text.is_none(), "an index with another stamp is not read");
    let (total, _) = search(&app, &d, "workout", SortKey::Followers);
    assert!(total > 0, "the store's text answers meanwhile");

    // A recompute of what an import touched cannot patch an index it does not trust: it
    // rebuilds it from the store's text.
    let (id, file) = late_post(&app, dir.path(), "Quokka selfies");
    app.import(&[file], &options(), &mut Silent).unwrap();
    let (d, _) = app.load_directory().unwrap();
    assert!(d.text.is_some());
    assert_eq!(search(&app, &d, "quokka", SortKey::Followers), (1, vec![id]));
    assert_index_agrees_with_the_store(&app);

    // No index at all (a new version, a deleted directory): a full recompute writes it.
    std::fs::remove_dir_all(&index_dir).unwrap();
    assert!(app.load_directory().unwrap().0.text.is_none());
    app.recompute_all(clout_core::Timestamp::from_unix(1_795_000_000)).unwrap();
    assert_index_agrees_with_the_store(&app);

    // Relabelling every channel (`clout index rebuild`) writes every text: the index
    // follows.
    std::fs::remove_dir_all(&index_dir).unwrap();
    app.recompute_niches().unwrap();
    assert_index_agrees_with_the_store(&app);
}

#[test]
fn a_backup_leaves_the_index_out_and_a_restore_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let (app, config) = app_with_world(dir.path());
    assert!(text_index_dir(&config.data_dir).join("meta.json").is_file());
    let backup = dir.path().join("backup");
    if !crate::backup_if_sqlite(&app, &backup) {
        // PostgreSQL: backups and restores are pg_dump's and pg_restore's.
        assert!(crate::restore(&config, &backup, "test").unwrap_err().to_string().contains("pg_dump"));
        return;
    }
    assert!(!backup.join(TEXT_INDEX_DIR).exists());
    // Refused while the store is open for writing: the index stays.
    assert!(crate::restore(&config, &backup, "test").is_err());
    assert!(text_index_dir(&config.data_dir).join("meta.json").is_file(), "a refused restore keeps the index");
    drop(app);
    crate::restore(&config, &backup, "test").unwrap();
    assert!(!text_index_dir(&config.data_dir).exists(), "a restored store's text may differ under the same version");
    let app = App::open(config, Access::Read, "test").unwrap();
    let (d, _) = app.load_directory().unwrap();
    assert!(d.text.is_none());
    assert!(search(&app, &d, "workout", SortKey::Followers).0 > 0, "the store's text answers");
}

#[test]
fn a_server_builds_a_missing_index_from_the_stores_text_and_then_searches_it() {
    let dir = tempfile::tempdir().unwrap();
    let (app, config) = app_with_world(dir.path());
    drop(app);
    // A store from before the index: none beside it.
    std::fs::remove_dir_all(text_index_dir(&config.data_dir)).unwrap();
    let catalogue = crate::Catalogue::open(config.clone(), crate::CatalogueOptions::read()).unwrap();
    let before = catalogue.directory().unwrap();
    assert!(before.text.is_none(), "no index: keywords go to the store");
    let query = DiscoveryQuery {
        text: Some("workout".to_string()),
        sort: SortKey::Followers,
        limit: 1_000,
        ..DiscoveryQuery::everything()
    };
    let ids = |r: crate::SearchResults| r.channels.iter().map(|c| c.row.id).collect::<Vec<_>>();
    let from_store = ids(catalogue.read(|r| r.search(&query)).unwrap());
    assert!(!from_store.is_empty());

    assert!(catalogue.build_text_index_if_needed().unwrap(), "built from the store's text");
    let after = catalogue.directory().unwrap();
    assert!(after.text.is_some(), "the Directory was reloaded with the index");
    assert_eq!(ids(catalogue.read(|r| r.search(&query)).unwrap()), from_store, "the same channels, in order");
    assert!(!catalogue.build_text_index_if_needed().unwrap(), "nothing to do once it holds the store's text");
}

/// The two engines behind keyword search answer alike on the same text, hostile queries
/// included: the index, and the store's FTS5 table that answers while the index does not
/// hold the store's text.
#[test]
fn both_engines_match_the_same_channels_and_nothing_a_user_types_is_syntax() {
    use clout_core::text::TextQuery;
    use clout_store::{SearchText, TextSearch};
    let text = |id: i64, name: &str, bio: &str, captions: &str, hashtags: &str| SearchText {
        channel_id: id,
        handle: format!("c{id}"),
        name: name.to_string(),
        bio: bio.to_string(),
        captions: captions.to_string(),
        hashtags: hashtags.to_string(),
    };
    let texts = [
        text(1, "Ana", "Morning yoga and pilates", "", ""),
        text(2, "bio: vegan recipes", "", "", ""),
        text(3, "", "vegan recipes", "", ""),
        text(4, "", "near yoga studio, pilates classes", "", ""),
        text(5, "", "", "yogalates every day", ""),
        text(6, "", "vegan or yoga, you choose", "", ""),
        text(7, "", "", "", "vegan self_care"),
    ];
    let mut store = clout_store::Store::open_in_memory().unwrap();
    store.replace_niches(&[], &texts).unwrap();
    let index = TextIndex::in_memory();
    let mut w = index.writer(1).unwrap();
    for t in &texts {
        w.add(&super::doc(t)).unwrap();
    }
    w.commit("test").unwrap();
    let reader = index.reader().unwrap().unwrap();
    let cases: [(&str, &[i64]); 16] = [
        // A column filter is two words side by side: channel 2 has them in its name;
        // channel 3's bio says vegan, which `bio:vegan` as FTS5 syntax would have found.
        ("bio:vegan", &[2]),
        ("hashtags:vegan", &[]),
        // NEAR is a word: only channel 4 says "near yoga" (and pilates).
        ("NEAR(yoga pilates)", &[4]),
        // A trailing `*` is no prefix: "yogalates" (channel 5) is not "yoga".
        ("yoga*", &[1, 4, 6]),
        // A leading `^` does not pin the word to the start of a field.
        ("^yoga", &[1, 4, 6]),
        ("(yoga", &[1, 4, 6]),
        // OR, AND and NOT are words every match must contain (no stop words).
        ("vegan OR yoga", &[6]),
        ("yoga AND", &[1]),
        ("vegan NOT recipes", &[]),
        // A phrase is its words side by side, in order.
        (r#""near yoga""#, &[4]),
        (r#""yoga near""#, &[]),
        // A hashtag is looked for among hashtags only; its words are words there.
        ("#vegan", &[7]),
        ("#Self_Care", &[7]),
        ("#care", &[7]),
        ("#yoga", &[]),
        ("VEGAN recipe", &[2, 3]),
    ];
    for (typed, want) in cases {
        let q = TextQuery::parse(typed).unwrap().unwrap();
        for ranked in [true, false] {
            let mut from_index: Vec<i64> = reader.search(&q, ranked).unwrap().into_iter().map(|m| m.0).collect();
            from_index.sort();
            let from_store = if ranked { store.text_matches(&q) } else { store.text_matches_unranked(&q) };
            let mut from_store: Vec<i64> = from_store.unwrap().into_keys().collect();
            from_store.sort();
            assert_eq!(from_index, want, "{typed} (ranked: {ranked}), full-text index");
            assert_eq!(from_store, want, "{typed} (ranked: {ranked}), the store's FTS5 table");
        }
    }
}

#[test]
fn text_changed_by_another_process_is_never_searched_in_an_index_that_lacks_it() {
    use clout_store::SearchText;
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _) = app_with_world(dir.path());
    let rows = app.store.channels(&Default::default()).unwrap();
    let (x, y) = (rows[0].id, rows[1].id);
    let text = |id: i64, bio: &str| SearchText {
        channel_id: id,
        handle: format!("h{id}"),
        bio: bio.to_string(),
        ..SearchText::default()
    };

    // A Directory loaded with a current index; then another process writes new text
    // without the index (its recompute cut short): the old Directory's searches go to the
    // store, which has it.
    let (d, _) = app.load_directory().unwrap();
    assert!(d.text.is_some());
    app.store.replace_niches_of(&[y], &[], &[text(y, "Pangolin rescue")]).unwrap();
    assert_eq!(search(&app, &d, "pangolin", SortKey::Followers), (1, vec![y]));

    // A recompute keeping the index in step while another process changes other text:
    // its own changes went into the writer, yet the index is rebuilt from the store,
    // with each channel once.
    app.recompute_all(clout_core::Timestamp::from_unix(1_795_000_000)).unwrap();
    let mut sync = app.text_sync(false);
    let own = app.store.replace_niches_of(&[x], &[], &[text(x, "Axolotl diaries")]).unwrap();
    sync.absorb(&[text(x, "Axolotl diaries")], &own);
    app.store.replace_niches_of(&[y], &[], &[text(y, "Okapi sightings")]).unwrap();
    sync.finish(&*app.store);
    let (d, _) = app.load_directory().unwrap();
    let reader = d.text.as_ref().expect("rebuilt and current");
    assert_eq!(reader.channels(), rows.len() as u64, "every channel once: nothing added before the rebuild survives");
    for (word, id) in [("axolotl", x), ("okapi", y)] {
        let q = clout_core::text::TextQuery::parse(word).unwrap().unwrap();
        let found: Vec<i64> = reader.search(&q, false).unwrap().into_iter().map(|m| m.0).collect();
        assert_eq!(found, [id], "{word}");
    }
    assert!(
        app.store.text_matches(&clout_core::text::TextQuery::parse("pangolin").unwrap().unwrap()).unwrap().is_empty()
    );
    assert_eq!(search(&app, &d, "pangolin", SortKey::Followers).0, 0, "the old text is gone from both");
}
