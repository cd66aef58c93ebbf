//! Any import, written by both backends, leaves the same rows and the same counts.
//! SQLite's writer, record by record in the batch's order, is the reference for
//! PostgreSQL's set-wise one: random runs of batches (a few channels, posts, comments,
//! followers and instants, so that records collide: the same post observed at the same
//! instant, newer and older, with and without a time; a channel record's follower count
//! at a `followers` record's instant; a sample observed twice) go into both; the SQLite
//! store is then moved into a second PostgreSQL database (`receive`, which copies rows
//! as they are) and the two databases are compared table by table. Posts are compared by
//! their channel and post id, not their row id.

use clout_core::{
    ChannelObservation, CommentRecord, FollowerObservation, FollowerSample, Handle, Platform, PostObservation, Record,
};
use clout_store::{BatchStats, ImportStore, RunStatus, Store};
use proptest::prelude::*;

use super::t;
use crate::{PgStore, testing};

const HANDLES: [&str; 3] = ["ana", "bo", "cy"];
const TIMES: [i64; 3] = [10, 20, 30];

fn handle(k: usize) -> Handle {
    Handle::parse(HANDLES[k]).unwrap()
}

fn text(k: Option<u8>, what: &str) -> Option<String> {
    k.map(|k| format!("{what} {k}"))
}

fn channel_record() -> impl Strategy<Value = Record> {
    (0..3usize, 0..3usize, 0..4u64, proptest::option::of(0..2u8), proptest::option::of(0..2u8), any::<Option<bool>>())
        .prop_map(|(h, t_, followers, name, bio, verified)| {
            Record::Channel(ChannelObservation {
                platform: Platform::Instagram,
                handle: handle(h),
                followers: 1_000 * followers,
                observed_at: t(TIMES[t_]),
                name: text(name, "name"),
                bio: text(bio, "bio"),
                url: None,
                email: None,
                country: name.map(|_| "US".to_string()),
                language: None,
                category: None,
                following: bio.map(u64::from),
                posts_count: None,
                verified,
                is_business: None,
                is_private: None,
                creator_id: None,
                extra: None,
            })
        })
}

fn followers_record() -> impl Strategy<Value = Record> {
    (0..3usize, 0..3usize, 0..4u64, proptest::option::of(0..2u8)).prop_map(|(h, t_, followers, extra)| {
        Record::Followers(FollowerObservation {
            platform: Platform::Instagram,
            handle: handle(h),
            observed_at: t(TIMES[t_]),
            followers: 1_000 * followers + 1,
            extra: extra.map(|k| format!("{{\"k\":{k}}}")),
        })
    })
}

fn sample_record() -> impl Strategy<Value = Record> {
    (0..3usize, 0..2u8, proptest::option::of(0..3usize), 0..3u64, any::<Option<bool>>()).prop_map(
        |(h, user, at, followers, private)| {
            Record::Follower(FollowerSample {
                platform: Platform::Instagram,
                handle: handle(h),
                username: format!("fan{user}"),
                followers: Some(followers),
                following: None,
                posts_count: None,
                has_profile_pic: None,
                is_private: private,
                bio_length: None,
                full_name: None,
                has_external_url: None,
                verified: None,
                observed_at: at.map(|k| t(TIMES[k])),
                extra: None,
            })
        },
    )
}

fn comment_record() -> impl Strategy<Value = Record> {
    (0..3usize, 0..3u8, 0..2u8, proptest::option::of(0..2u8)).prop_map(|(h, id, author, words)| {
        Record::Comment(CommentRecord {
            platform: Platform::Instagram,
            handle: handle(h),
            post_id: "p0".to_string(),
            comment_id: format!("c{id}"),
            author: format!("reader{author}"),
            text: text(words, "nice"),
            published_at: None,
            extra: None,
        })
    })
}

fn post_record() -> impl Strategy<Value = Record> {
    (0..3usize, 0..3u8, proptest::option::of(0..3usize), 0..3u64, proptest::option::of(0..2u8)).prop_map(
        |(h, id, at, likes, caption)| {
            Record::Post(PostObservation {
                platform: Platform::Instagram,
                handle: handle(h),
                post_id: format!("p{id}"),
                published_at: t(5),
                observed_at: at.map(|k| t(TIMES[k])),
                likes: Some(likes),
                comments: Some(1),
                shares: None,
                views: caption.map(|_| 100),
                saves: None,
                post_type: None,
                caption: text(caption, "caption"),
                hashtags: Default::default(),
                mentions: Default::default(),
                url: None,
                sponsored: None,
                extra: None,
            })
        },
    )
}

fn record() -> impl Strategy<Value = Record> {
    prop_oneof![channel_record(), followers_record(), sample_record(), comment_record(), post_record(), post_record()]
}

/// Runs, each with its import time (which untimed observations take) and its batches.
fn runs() -> impl Strategy<Value = Vec<(i64, Vec<Vec<Record>>)>> {
    proptest::collection::vec(
        (
            prop_oneof![Just(15i64), Just(20), Just(40)],
            proptest::collection::vec(proptest::collection::vec(record(), 0..14), 1..4),
        ),
        1..4,
    )
}

fn import(s: &mut dyn ImportStore, runs: &[(i64, Vec<Vec<Record>>)]) -> Vec<BatchStats> {
    let mut stats = Vec::new();
    for (at, batches) in runs {
        let mut run = s.begin_run(t(*at), &["a.ndjson".to_string()]).unwrap();
        let source = run.source_id("a.ndjson").unwrap();
        stats.extend(batches.iter().map(|b| run.write_batch(b, source, &[]).unwrap()));
        run.finish(RunStatus::Completed, t(at + 1), None).unwrap();
    }
    stats
}

/// Every row an import writes, table by table, as text, in one order on both databases.
const TABLES: &[(&str, &str)] = &[
    ("channels", "SELECT c::text FROM channels c ORDER BY id"),
    ("channel_observations", "SELECT o::text FROM channel_observations o ORDER BY channel_id, observed_at"),
    ("follower_observations", "SELECT f::text FROM follower_observations f ORDER BY channel_id, observed_at"),
    ("follower_samples", "SELECT s::text FROM follower_samples s ORDER BY channel_id, username"),
    ("comments", "SELECT c::text FROM comments c ORDER BY channel_id, comment_id"),
    (
        "posts",
        "SELECT (channel_id, post_id, published_at, observed_at, likes, comments, shares, views, saves, type, caption,
            hashtags, mentions, url, sponsored, extra, time_defaulted, source_id, run_id)::text
         FROM posts ORDER BY channel_id, post_id",
    ),
    (
        "post_observations",
        "SELECT (o.channel_id, p.post_id, o.observed_at, o.likes, o.comments, o.shares, o.views, o.saves,
            o.time_defaulted, o.source_id, o.run_id)::text
         FROM post_observations o JOIN posts p ON p.channel_id = o.channel_id AND p.id = o.post_ref
         ORDER BY o.channel_id, p.post_id, o.observed_at",
    ),
    ("import_runs", "SELECT (id, accepted, rejected, status)::text FROM import_runs ORDER BY id"),
];

fn rows(url: &str) -> Vec<(&'static str, Vec<String>)> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    TABLES
        .iter()
        .map(|(table, sql)| (*table, client.query(*sql, &[]).unwrap().iter().map(|r| r.get(0)).collect()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn any_import_leaves_the_same_rows_and_counts_on_both_backends(runs in runs()) {
        let mut sqlite = Store::open_in_memory().unwrap();
        let (written, moved) = (testing::database(), testing::database());
        let mut pg = PgStore::connect(&written).unwrap();
        let expected = import(&mut sqlite, &runs);
        let got = import(&mut pg, &runs);
        prop_assert_eq!(got, expected, "each batch's written and unchanged records");
        let into = PgStore::connect(&moved).unwrap();
        sqlite.export(&mut |source| into.receive(source).map(|_| ())).unwrap();
        drop((pg, into));
        let (got, expected) = (rows(&written), rows(&moved));
        for ((table, got), (_, expected)) in got.iter().zip(&expected) {
            prop_assert_eq!(got, expected, "{}", table);
        }
    }
}
