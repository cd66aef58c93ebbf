//! The store's round trip: migrations, the writer lock, idempotent batches and
//! "the newest observation is current, the older ones stay as history".

use clout_core::{Handle, Platform, PostObservation, Record, Timestamp};

use super::*;

fn post(id: &str, observed_at: Option<i64>, likes: u64) -> Record {
    Record::Post(PostObservation {
        platform: Platform::Instagram,
        handle: Handle::parse("@Chef").unwrap(),
        post_id: id.to_string(),
        published_at: Timestamp::from_unix(1_000_000),
        observed_at: observed_at.map(Timestamp::from_unix),
        likes: Some(likes),
        comments: Some(1),
        shares: None,
        views: None,
        saves: None,
        post_type: None,
        caption: None,
        hashtags: Default::default(),
        mentions: Default::default(),
        url: None,
        sponsored: None,
        extra: None,
    })
}

fn import(store: &mut Store, at: i64, records: &[Record]) -> BatchStats {
    let mut w = store.begin_run(Timestamp::from_unix(at), &["test.ndjson".to_string()]).unwrap();
    let source = w.source_id("test.ndjson").unwrap();
    let stats = w.write_batch(records, source, &[]).unwrap();
    w.finish(RunStatus::Completed, Timestamp::from_unix(at), None).unwrap();
    stats
}

/// A user's query, parsed.
fn words(text: &str) -> clout_core::text::TextQuery {
    clout_core::text::TextQuery::parse(text).unwrap().unwrap()
}

fn current_likes(store: &Store) -> Option<u64> {
    store.channel_detail(Platform::Instagram, "chef").unwrap().unwrap().posts[0].snapshot.likes
}

/// Undoes migrations 19, 18 and 17 (a test going back to an older version starts with it).
const UNDO_17: &str = "DROP TABLE safety_hits; DROP TABLE safety_levels; DROP TABLE safety_screens; DROP TABLE safety_active; DROP TABLE safety_lists; DROP INDEX channels_peers; DROP TABLE follower_verdicts; ALTER TABLE derived_state DROP COLUMN text_version; DROP TABLE comment_summaries; DROP TABLE growth_anomalies; DROP TABLE channel_growth; ALTER TABLE bucket_stats DROP COLUMN rates;
    ALTER TABLE derived_state DROP COLUMN peers_version;
    ALTER TABLE channel_metrics ADD COLUMN engagement_percentile REAL; ALTER TABLE channel_metrics ADD COLUMN engagement_percentile_reason TEXT;
    ALTER TABLE channel_metrics ADD COLUMN engagement_label TEXT; ALTER TABLE channel_metrics ADD COLUMN engagement_label_reason TEXT;
    ALTER TABLE channel_metrics ADD COLUMN engagement_index REAL; ALTER TABLE channel_metrics ADD COLUMN engagement_index_reason TEXT;";

#[test]
fn a_new_store_is_at_the_current_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Access::Write, "test").unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    // Opening again migrates nothing and keeps the version.
    let store = Store::open(dir.path(), Access::Write, "test").unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn writers_share_the_store_and_a_restore_needs_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let first = Store::open(dir.path(), Access::Write, "clout serve").unwrap();
    // A second writer opens beside the first (SQLite orders their transactions).
    let second = Store::open(dir.path(), Access::Write, "clout import").unwrap();
    // A restore does not, while either is open, and says what to do.
    let backup = dir.path().join("backup.db");
    first.backup_to(&backup).unwrap();
    let mut forgotten = 0;
    let err = Store::restore(dir.path(), &backup, "clout restore", &mut || forgotten += 1).err().unwrap();
    assert_eq!(forgotten, 0, "a refused restore removes nothing");
    assert!(matches!(err, Error::Locked { .. }));
    assert!(err.to_string().contains("stop it first"), "{err}");
    drop((first, second));
    assert!(Store::restore(dir.path(), &backup, "clout restore", &mut || forgotten += 1).is_ok());
    assert_eq!(forgotten, 1);
    // Readers are never blocked.
    assert!(Store::open(dir.path(), Access::Read, "reader").is_ok());
}

#[test]
fn a_store_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path(), Access::Write, "test").unwrap());
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    drop(conn);
    let err = Store::open(dir.path(), Access::Write, "test").err().unwrap();
    assert!(matches!(err, Error::TooNew { .. }), "{err}");
}

#[test]
fn writing_the_same_records_twice_changes_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let records = [post("p1", Some(2_000_000), 10), post("p2", Some(2_000_000), 20)];
    assert_eq!(import(&mut store, 3_000_000, &records), BatchStats { written: 2, unchanged: 0 });
    let before = store.stats().unwrap();
    assert_eq!(import(&mut store, 3_000_100, &records), BatchStats { written: 0, unchanged: 2 });
    let after = store.stats().unwrap();
    assert_eq!((before.posts, before.post_observations), (after.posts, after.post_observations));
}

#[test]
fn the_newest_observation_is_current_and_older_ones_stay_as_history() {
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, 9_000_000, &[post("p1", Some(2_000_000), 10)]);
    import(&mut store, 9_000_000, &[post("p1", Some(3_000_000), 30)]);
    assert_eq!(current_likes(&store), Some(30));
    // An older observation arriving later is history, not current.
    import(&mut store, 9_000_000, &[post("p1", Some(2_500_000), 25)]);
    assert_eq!(current_likes(&store), Some(30));
    let detail = store.channel_detail(Platform::Instagram, "chef").unwrap().unwrap();
    assert_eq!(detail.posts[0].observations, 3);
}

#[test]
fn an_observation_without_a_time_takes_the_import_time_only_when_it_says_something_new() {
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, 5_000_000, &[post("p1", None, 10)]);
    let detail = store.channel_detail(Platform::Instagram, "chef").unwrap().unwrap();
    assert_eq!(detail.posts[0].observed_at, Timestamp::from_unix(5_000_000));
    // The same counts again, a day later: nothing new.
    assert_eq!(import(&mut store, 5_086_400, &[post("p1", None, 10)]).written, 0);
    assert_eq!(store.stats().unwrap().post_observations, 1);
    // New counts: a new observation at the new import's time.
    assert_eq!(import(&mut store, 5_086_400, &[post("p1", None, 12)]).written, 1);
    assert_eq!(current_likes(&store), Some(12));
}

#[test]
fn a_channel_records_count_is_not_replaced_by_a_followers_record_at_the_same_instant() {
    use clout_core::{ChannelObservation, FollowerObservation};
    let handle = Handle::parse("chef").unwrap();
    let channel = Record::Channel(ChannelObservation {
        platform: Platform::Instagram,
        handle: handle.clone(),
        followers: 1_000,
        observed_at: Timestamp::from_unix(2_000_000),
        name: None,
        bio: None,
        url: None,
        email: None,
        country: None,
        language: None,
        category: None,
        following: None,
        posts_count: None,
        verified: None,
        is_business: None,
        is_private: None,
        creator_id: None,
        extra: None,
    });
    let followers = Record::Followers(FollowerObservation {
        platform: Platform::Instagram,
        handle,
        observed_at: Timestamp::from_unix(2_000_000),
        followers: 999,
        extra: None,
    });
    let mut store = Store::open_in_memory().unwrap();
    assert_eq!(import(&mut store, 3_000_000, &[channel.clone(), followers.clone()]).written, 1);
    // Again, in either order: nothing changes.
    assert_eq!(import(&mut store, 3_000_000, &[followers, channel]).written, 0);
    let history = store.channel_detail(Platform::Instagram, "chef").unwrap().unwrap().history;
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].followers, history[0].from_channel_record), (1_000, true));
}

#[test]
fn at_the_same_instant_the_first_observation_stays_whatever_is_imported_after() {
    let mut store = Store::open_in_memory().unwrap();
    let a = post("p1", Some(2_000_000), 10);
    let b = post("p1", Some(2_000_000), 99);
    import(&mut store, 3_000_000, std::slice::from_ref(&a));
    assert_eq!(import(&mut store, 3_000_000, &[b]).written, 0);
    assert_eq!(import(&mut store, 3_000_000, &[a]).written, 0);
    assert_eq!(current_likes(&store), Some(10));
}

#[test]
fn an_untimed_observation_already_in_the_history_is_not_brought_back() {
    let mut store = Store::open_in_memory().unwrap();
    // Seen untimed at import time 5,000,000; then a timed, newer reading.
    import(&mut store, 5_000_000, &[post("p1", None, 10)]);
    import(&mut store, 6_000_000, &[post("p1", Some(5_500_000), 20)]);
    assert_eq!(current_likes(&store), Some(20));
    // Re-importing the untimed file later finds its counts in the history: nothing changes.
    assert_eq!(import(&mut store, 7_000_000, &[post("p1", None, 10)]).written, 0);
    assert_eq!(current_likes(&store), Some(20));
}

#[test]
fn a_newer_channel_record_without_profile_fields_keeps_the_known_profile() {
    use clout_core::ChannelObservation;
    let record = |at: i64, followers: u64, name: Option<&str>| {
        Record::Channel(ChannelObservation {
            platform: Platform::Instagram,
            handle: Handle::parse("chef").unwrap(),
            followers,
            observed_at: Timestamp::from_unix(at),
            name: name.map(str::to_string),
            bio: None,
            url: None,
            email: None,
            country: Some("FR".to_string()).filter(|_| name.is_some()),
            language: None,
            category: None,
            following: None,
            posts_count: None,
            verified: None,
            is_business: None,
            is_private: None,
            creator_id: None,
            extra: None,
        })
    };
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, 9_000_000, &[record(1_000_000, 500, Some("Chef Ana")), record(2_000_000, 600, None)]);
    let c = store.channel_detail(Platform::Instagram, "chef").unwrap().unwrap().channel;
    assert_eq!((c.followers, c.as_of), (Some(600), Some(Timestamp::from_unix(2_000_000))));
    assert_eq!((c.name.as_deref(), c.country.as_deref()), (Some("Chef Ana"), Some("FR")));
}

#[test]
fn a_version_one_store_is_migrated_forward_on_open() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path(), Access::Write, "test").unwrap());
    // Make it look like a store written before migration 2.
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    conn.execute_batch(
        "DROP TABLE safety_hits; DROP TABLE safety_levels; DROP TABLE safety_screens; DROP TABLE safety_active; DROP TABLE safety_lists; DROP INDEX channels_peers; DROP TABLE follower_verdicts; DROP TABLE comment_summaries; DROP TABLE growth_anomalies; DROP TABLE channel_growth; ALTER TABLE bucket_stats DROP COLUMN rates;
         ALTER TABLE channel_metrics ADD COLUMN engagement_percentile REAL; ALTER TABLE channel_metrics ADD COLUMN engagement_percentile_reason TEXT;
         ALTER TABLE channel_metrics ADD COLUMN engagement_label TEXT; ALTER TABLE channel_metrics ADD COLUMN engagement_label_reason TEXT;
         ALTER TABLE channel_metrics ADD COLUMN engagement_index REAL; ALTER TABLE channel_metrics ADD COLUMN engagement_index_reason TEXT;
         DROP TABLE channel_text_hashes; DROP TABLE campaign_shares; DROP TABLE saved_searches; DROP TABLE fetch_checkpoints; DROP TABLE derived_state; DROP TABLE conversions; DROP TABLE campaign_deliverables; DROP TABLE stage_changes; DROP TABLE campaign_members; DROP TABLE campaigns; DROP TABLE creator_notes; DROP TABLE creator_profiles; DROP TABLE deals; DROP TABLE channel_niches; DROP TABLE channel_text; DROP TABLE follower_samples; DROP TABLE channel_quality; DROP TABLE comments; DROP TABLE channel_tags; DROP TABLE list_members; DROP TABLE lists; DROP TABLE api_tokens; DROP TABLE sessions; DROP TABLE users; DROP TABLE login_attempts; PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    // A reader refuses the old schema; a writer migrates it.
    assert!(Store::open(dir.path(), Access::Read, "reader").is_err());
    let store = Store::open(dir.path(), Access::Write, "test").unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(store.niches_by_channel().unwrap().is_empty());
    assert!(store.text_matches(&words("anything")).unwrap().is_empty());
}

#[test]
fn accounts_and_tokens_of_a_version_eleven_store_keep_working_after_migration_twelve() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path(), Access::Write, "test").unwrap());
    // Undo migrations 17 to 12 and write an account and a token as version 11 did.
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    conn.execute_batch(&format!(
        "{UNDO_17} DROP TABLE channel_text_hashes; DROP TABLE campaign_shares; DROP TABLE saved_searches; ALTER TABLE users DROP COLUMN timezone;
         ALTER TABLE channel_quality DROP COLUMN enough_evidence; DROP TABLE fetch_checkpoints; DROP INDEX api_tokens_user; ALTER TABLE api_tokens DROP COLUMN scope; ALTER TABLE api_tokens DROP COLUMN expires_at;
         ALTER TABLE users DROP COLUMN disabled_at; ALTER TABLE derived_state DROP COLUMN store_id; DROP TABLE login_attempts; PRAGMA user_version = 11;
         INSERT INTO users (id, username, password_hash, role, created_at) VALUES (1, 'ada', 'h', 'admin', 5);
         INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (1, 'old', 'th', 'clout_ab', 6);"
    ))
    .unwrap();
    drop(conn);
    let mut store = Store::open(dir.path(), Access::Write, "test").unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let now = Timestamp::from_unix(1_000);
    let (user, scope) = store.token_user("th", now).unwrap().unwrap();
    assert_eq!((user.username.as_str(), user.disabled_at, scope.as_str()), ("ada", None, "full"));
    assert_eq!(store.tokens_of(1).unwrap()[0].expires_at, None, "an old token never expires");
    // Disabling the account makes its token fail (with another admin, so that one stays).
    store.create_user("bea", "h", "admin", now).unwrap();
    assert!(store.change_user(1, UserChange::Disable(now)).unwrap());
    assert!(store.token_user("th", now).unwrap().is_none());
}

/// Twenty channels, created by a batch of follower counts; their ids, ascending.
fn twenty_channels(store: &mut Store) -> Vec<i64> {
    let records: Vec<Record> = (0..20)
        .map(|i| {
            Record::Followers(clout_core::FollowerObservation {
                platform: Platform::Instagram,
                handle: Handle::parse(&format!("c{i}")).unwrap(),
                followers: 100 + i,
                observed_at: Timestamp::from_unix(1_000_000),
                extra: None,
            })
        })
        .collect();
    import(store, 2_000_000, &records);
    let mut ids: Vec<i64> = store
        .conn
        .prepare("SELECT id FROM channels")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    ids.sort();
    ids
}

#[test]
fn derived_state_replaced_in_chunks_holds_exactly_the_new_rows() {
    // Under test a chunk is 7 channels: 20 channels take three transactions.
    let mut store = Store::open_in_memory().unwrap();
    let ids = twenty_channels(&mut store);
    let scores: Vec<(i64, QualityRecord)> = ids
        .iter()
        .map(|&id| (id, QualityRecord { score: 50.0, low: 40.0, high: 60.0, enough_evidence: true }))
        .collect();
    store.replace_quality(&scores).unwrap();
    // Again with every other channel and other scores: the rest are gone, none is stale.
    let fewer: Vec<(i64, QualityRecord)> = ids
        .iter()
        .step_by(2)
        .map(|&id| (id, QualityRecord { score: 90.0, low: 80.0, high: 95.0, enough_evidence: false }))
        .collect();
    store.replace_quality(&fewer).unwrap();
    let rows: Vec<(i64, f64)> = store
        .conn
        .prepare("SELECT channel_id, score FROM channel_quality ORDER BY channel_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let expected: Vec<(i64, f64)> = ids.iter().step_by(2).map(|&id| (id, 90.0)).collect();
    assert_eq!(rows, expected);

    let text = |id: i64, word: &str| SearchText {
        channel_id: id,
        handle: format!("c{id}"),
        name: String::new(),
        bio: word.to_string(),
        captions: String::new(),
        hashtags: String::new(),
    };
    let texts: Vec<SearchText> = ids.iter().map(|&id| text(id, "sourdough")).collect();
    assert_eq!(store.text_version().unwrap(), 0);
    let changes = store.replace_niches(&[], &texts).unwrap();
    assert_eq!(store.text_matches(&words("sourdough")).unwrap().len(), 20);
    // Every channel's text was written, in three transactions: the version went up by 3.
    assert_eq!((changes.written, changes.removed.len(), changes.versions), (ids.clone(), 0, 3));
    assert_eq!(store.text_version().unwrap(), 3);
    let texts: Vec<SearchText> = ids.iter().skip(5).map(|&id| text(id, "kombucha")).collect();
    store.replace_niches(&[], &texts).unwrap();
    assert_eq!(store.text_matches(&words("sourdough")).unwrap().len(), 0, "no old text survives");
    assert_eq!(store.text_matches(&words("kombucha")).unwrap().len(), 15);
    // Relabelling some channels (in chunks) replaces theirs and leaves the others.
    let some: Vec<i64> = ids.iter().skip(5).step_by(3).copied().collect();
    let texts: Vec<SearchText> = some.iter().map(|&id| text(id, "kefir")).collect();
    store.replace_niches_of(&some, &[], &texts).unwrap();
    assert_eq!(store.text_matches(&words("kefir")).unwrap().len(), some.len());
    assert_eq!(store.text_matches(&words("kombucha")).unwrap().len(), 15 - some.len());

    // The same text again stays as it is; a changed one is rewritten with its hashtags.
    let mut texts: Vec<SearchText> = ids.iter().map(|&id| text(id, "kombucha")).collect();
    store.replace_niches(&[], &texts).unwrap();
    assert_eq!(store.text_matches(&words("kombucha")).unwrap().len(), 20);
    let version = store.text_version().unwrap();
    let changes = store.replace_niches(&[], &texts).unwrap();
    assert_eq!(store.text_matches(&words("kombucha")).unwrap().len(), 20, "unchanged text is still found");
    assert_eq!(changes, Default::default(), "nothing changed, nothing reported");
    assert_eq!(store.text_version().unwrap(), version, "and the version stays");
    assert_eq!(store.text_matches(&words("kefir")).unwrap().len(), 0);
    texts[3].bio = "kefir".to_string();
    texts[3].hashtags = "fermentation".to_string();
    let changes = store.replace_niches(&[], &texts).unwrap();
    assert_eq!((changes.written, changes.removed.len(), changes.versions), (vec![ids[3]], 0, 1));
    assert_eq!(store.text_version().unwrap(), version + 1);
    let kefir: Vec<i64> = store.text_matches(&words("kefir")).unwrap().into_keys().collect();
    assert_eq!(kefir, [ids[3]]);
    assert_eq!(store.text_matches(&words("kombucha")).unwrap().len(), 19);
    assert_eq!(store.hashtags_by_channel().unwrap(), [(ids[3], "fermentation".to_string())]);
    // A range replaces the channels inside it only: these five lose their text.
    let inside = |id: i64| ids[9] < id && id <= ids[14];
    let outside: Vec<SearchText> = texts.iter().filter(|t| !inside(t.channel_id)).cloned().collect();
    let changes = store.replace_niches_in((ids[9], ids[14]), &[], &outside).unwrap();
    let mut removed = changes.removed.clone();
    removed.sort();
    assert_eq!(removed, ids[10..15], "the five inside went");
    assert!(changes.written.is_empty());
    assert_eq!(store.text_version().unwrap(), version + 1 + changes.versions);
    let found: Vec<i64> = store.text_matches(&words("kombucha")).unwrap().into_keys().collect();
    assert_eq!(found.len(), 14);
    assert!(found.iter().all(|&id| !inside(id)));
}

#[test]
fn id_ranges_cover_every_id_once_in_chunks() {
    let ids: Vec<i64> = (1..=20).map(|i| i * 3).collect();
    let ranges = id_ranges(&ids).unwrap();
    assert_eq!(ranges.len(), 3);
    assert_eq!((ranges[0].0, ranges[2].1), (i64::MIN, i64::MAX));
    let mut seen = 0;
    for r in &ranges {
        let part = in_range(&ids, |&i| i, *r);
        assert!(part.len() <= DERIVED_CHUNK);
        seen += part.len();
    }
    assert_eq!(seen, ids.len());
    assert!(id_ranges(&[3, 1]).is_none());
    assert_eq!(id_ranges(&[]).unwrap(), [(i64::MIN, i64::MAX)]);
}

#[test]
fn migration_fourteen_marks_scores_of_the_old_formula_stale_and_keeps_them_until_recomputed() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(dir.path(), Access::Write, "test").unwrap();
        let ids = twenty_channels(&mut store);
        let scores: Vec<(i64, QualityRecord)> = ids
            .iter()
            .map(|&id| (id, QualityRecord { score: 100.0, low: 95.0, high: 100.0, enough_evidence: true }))
            .collect();
        store.replace_quality(&scores).unwrap();
        store.conn.execute_batch("UPDATE derived_state SET stale_since = NULL").unwrap();
    }
    // Back to version 13, as a store written by the previous release.
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    conn.execute_batch(&format!(
        "{UNDO_17} DROP TABLE channel_text_hashes; DROP TABLE campaign_shares; DROP TABLE saved_searches; ALTER TABLE users DROP COLUMN timezone;
         ALTER TABLE channel_quality DROP COLUMN enough_evidence; ALTER TABLE derived_state DROP COLUMN store_id; DROP TABLE login_attempts; PRAGMA user_version = 13;"
    ))
    .unwrap();
    drop(conn);
    let store = Store::open(dir.path(), Access::Write, "test").unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    // The old scores are kept, and said to be stale until the next recompute.
    assert!(store.derived_stale_since().unwrap().is_some());
    let kept: i64 = store
        .conn
        .query_row("SELECT count(*) FROM channel_quality WHERE enough_evidence = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 20);
}

#[test]
fn migration_twenty_marks_a_store_with_follower_samples_stale_so_every_sample_is_judged_again() {
    for with_sample in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut store = Store::open(dir.path(), Access::Write, "test").unwrap();
            let mut records = vec![Record::Followers(clout_core::FollowerObservation {
                platform: Platform::Instagram,
                handle: Handle::parse("greens").unwrap(),
                followers: 12_000,
                observed_at: Timestamp::from_unix(1_000_000),
                extra: None,
            })];
            if with_sample {
                records.push(Record::Follower(clout_core::FollowerSample {
                    platform: Platform::Instagram,
                    handle: Handle::parse("greens").unwrap(),
                    username: "anna.bakes".to_string(),
                    followers: Some(420),
                    following: Some(380),
                    posts_count: Some(95),
                    has_profile_pic: Some(true),
                    is_private: None,
                    bio_length: None,
                    full_name: None,
                    has_external_url: None,
                    verified: None,
                    observed_at: None,
                    extra: None,
                }));
            }
            import(&mut store, 2_000_000, &records);
            store.conn.execute_batch("UPDATE derived_state SET stale_since = NULL").unwrap();
        }
        // Back to version 19, as a store written by the previous release.
        let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.execute_batch("DROP TABLE safety_hits; DROP TABLE safety_levels; DROP TABLE safety_screens; DROP TABLE safety_active; DROP TABLE safety_lists; DROP INDEX channels_peers; DROP TABLE follower_verdicts; ALTER TABLE derived_state DROP COLUMN store_id; DROP TABLE login_attempts; PRAGMA user_version = 19;")
            .unwrap();
        drop(conn);
        let store = Store::open(dir.path(), Access::Write, "test").unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(store.derived_stale_since().unwrap().is_some(), with_sample, "with a sample: {with_sample}");
    }
}

#[test]
fn several_channels_labels_come_most_confident_first_and_equal_confidences_by_name() {
    let mut store = Store::open_in_memory().unwrap();
    let ids = twenty_channels(&mut store);
    let label = |niche: &str, confidence: f64| StoredNiche {
        niche: niche.to_string(),
        confidence,
        score: 1.0,
        evidence: vec![("bio".to_string(), 1, niche.to_string())],
    };
    // Written in name order (the table's key), so confidence decides against it.
    let labels = vec![
        (ids[0], vec![label("beauty", 0.4), label("fitness", 0.9), label("food", 0.4)]),
        (ids[1], vec![label("gaming", 0.7)]),
    ];
    store.replace_niches(&labels, &[]).unwrap();
    let got = store.niches_of_many(&[ids[1], ids[0], ids[2]]).unwrap();
    let names = |id: i64| got[&id].iter().map(|n| n.niche.as_str()).collect::<Vec<_>>();
    assert_eq!(names(ids[0]), ["fitness", "beauty", "food"]);
    assert_eq!(names(ids[1]), ["gaming"]);
    assert!(!got.contains_key(&ids[2]), "a channel without labels has no entry");
    assert_eq!(got[&ids[0]][0].evidence, [("bio".to_string(), 1, "fitness".to_string())]);
    assert_eq!(store.niches_of(ids[0]).unwrap(), got[&ids[0]], "one channel's read agrees");
}
