//! The import interface's contract on both backends (see the parent module): a post's
//! observations, deals and conversions as written and read back, runs with their counts
//! and rejects, checkpoints; and on PostgreSQL, runs seen alive from another connection
//! and two connections importing the same channels at once.

use clout_core::money::{Currency, Money};
use clout_core::price::Deliverable;
use clout_core::{ConversionRecord, DealRecord, Handle, Platform, PostObservation, Record, Timestamp};
use clout_store::{BatchStats, Checkpoint, ImportStore, Reject, RejectRow, RunStatus};

use super::{Backend, backends, t};
use crate::{PgStore, testing};

fn post(handle: &str, id: &str, observed_at: Option<i64>, likes: u64) -> Record {
    Record::Post(PostObservation {
        platform: Platform::Instagram,
        handle: Handle::parse(handle).unwrap(),
        post_id: id.to_string(),
        published_at: t(100),
        observed_at: observed_at.map(t),
        likes: Some(likes),
        comments: Some(1),
        shares: None,
        views: Some(1_000),
        saves: None,
        post_type: None,
        caption: Some("a caption".into()),
        hashtags: Default::default(),
        mentions: Default::default(),
        url: Some(format!("https://example.com/{id}")),
        sponsored: Some(false),
        extra: None,
    })
}

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::parse("USD").unwrap())
}

/// Writes `batches` in one run started at `at`; each batch's stats.
fn import(s: &mut dyn Backend, at: i64, batches: &[Vec<Record>]) -> Vec<BatchStats> {
    let mut run = s.begin_run(t(at), &["a.ndjson".to_string()]).unwrap();
    let source = run.source_id("a.ndjson").unwrap();
    let stats = batches.iter().map(|b| run.write_batch(b, source, &[]).unwrap()).collect();
    run.finish(RunStatus::Completed, t(at + 1), None).unwrap();
    stats
}

#[test]
fn a_posts_newest_observation_is_current_and_every_other_joins_its_history() {
    for (name, mut s, ids) in backends() {
        let chef = ids[0];
        let stats = import(
            s.as_mut(),
            5_000,
            &[
                vec![post("chef", "p1", Some(200), 10)],
                // Newer (replaces), older (history only), the newer again (changes nothing).
                vec![
                    post("chef", "p1", Some(300), 20),
                    post("chef", "p1", Some(150), 5),
                    post("chef", "p1", Some(300), 99),
                ],
                // Without a time, with the current counts: nothing new.
                vec![post("chef", "p1", None, 20)],
            ],
        );
        let written: Vec<(u64, u64)> = stats.iter().map(|b| (b.written, b.unchanged)).collect();
        assert_eq!(written, [(1, 0), (2, 1), (0, 1)], "{name}");
        let p = s.linked_post(chef, "p1").unwrap().unwrap();
        assert_eq!((p.snapshot.likes, p.snapshot.views), (Some(20), Some(1_000)), "{name}");
        // Engagements are likes + comments + shares (none here).
        assert_eq!(
            p.history,
            [(t(150), 6, Some(1_000)), (t(200), 11, Some(1_000)), (t(300), 21, Some(1_000))],
            "{name}"
        );
        // Found by its URL too.
        assert_eq!(
            s.linked_post(chef, "https://example.com/p1").unwrap().map(|p| p.snapshot.post_id),
            Some("p1".into())
        );
        assert_eq!(s.linked_post(chef, "p2").unwrap(), None, "{name}");
        // Without a time and with new counts: the import's start is its time (6,000).
        let stats = import(s.as_mut(), 6_000, &[vec![post("chef", "p1", None, 30)]]);
        assert_eq!((stats[0].written, stats[0].unchanged), (1, 0), "{name}");
        let p = s.linked_post(chef, "p1").unwrap().unwrap();
        assert_eq!(p.history.last(), Some(&(t(6_000), 31, Some(1_000))), "{name}");
    }
}

#[test]
fn a_follower_samples_newest_observation_stays_and_a_timeless_one_counts_as_the_oldest() {
    let sample = |followers: u64, at: Option<i64>| {
        Record::Follower(clout_core::FollowerSample {
            platform: Platform::Instagram,
            handle: Handle::parse("chef").unwrap(),
            username: "fan".into(),
            followers: Some(followers),
            following: Some(10),
            posts_count: Some(3),
            has_profile_pic: Some(true),
            is_private: Some(false),
            bio_length: Some(12),
            full_name: None,
            has_external_url: None,
            verified: None,
            observed_at: at.map(t),
            extra: None,
        })
    };
    for (name, mut s, _) in backends() {
        let stats = import(
            s.as_mut(),
            1_000,
            &[
                vec![sample(100, Some(10))],
                // The same time (the first stays), a newer one (replaces), an older one and
                // one without a time (both older than what is kept).
                vec![sample(200, Some(10)), sample(300, Some(20)), sample(50, Some(5)), sample(60, None)],
                // The same records again change nothing.
                vec![sample(100, Some(10)), sample(300, Some(20))],
            ],
        );
        let counts: Vec<(u64, u64)> = stats.iter().map(|b| (b.written, b.unchanged)).collect();
        assert_eq!(counts, [(1, 0), (1, 3), (0, 2)], "{name}");
    }
}

#[test]
fn new_channels_get_ids_in_the_order_the_records_name_them_above_every_other() {
    for (name, mut s, ids) in backends() {
        let deal = |handle: &str, agreed: i64| {
            Record::Deal(DealRecord {
                platform: Platform::Instagram,
                handle: Handle::parse(handle).unwrap(),
                deliverable: Deliverable::Post,
                fee: usd(1_000),
                agreed_at: t(agreed),
                extra: None,
            })
        };
        import(s.as_mut(), 1_000, &[vec![deal("zeta", 1), deal("alpha", 2), deal("zeta", 3), deal("mid", 4)]]);
        let got: Vec<(String, i64)> = s.deals().unwrap().into_iter().map(|d| (d.handle, d.channel_id)).collect();
        let id = |h: &str| got.iter().find(|(handle, _)| handle == h).unwrap().1;
        assert!(id("zeta") > ids[1] && id("zeta") < id("alpha") && id("alpha") < id("mid"), "{name}: {got:?}");
    }
}

#[test]
fn deals_and_conversions_are_kept_once_and_read_back_in_order() {
    for (name, mut s, ids) in backends() {
        let deal = |agreed: i64, fee: i64| {
            Record::Deal(DealRecord {
                platform: Platform::Instagram,
                handle: Handle::parse("baker").unwrap(),
                deliverable: Deliverable::Video,
                fee: usd(fee),
                agreed_at: t(agreed),
                extra: None,
            })
        };
        let conversion = |code: &str, at: i64, orders: u64, revenue: i64, order: Option<&str>| {
            Record::Conversion(ConversionRecord {
                campaign: "Spring".into(),
                code: Some(code.into()),
                link: None,
                channel: Some((Platform::Instagram, Handle::parse("chef").unwrap())),
                orders,
                revenue: usd(revenue),
                observed_at: t(at),
                order_id: order.map(str::to_string),
                extra: None,
            })
        };
        let stats = import(
            s.as_mut(),
            1_000,
            &[vec![
                deal(300, 40_000),
                deal(200, 25_000),
                deal(300, 40_000),
                // Running totals of SPRING10: the newest counts; two orders of CHEF5 add up.
                conversion("SPRING10", 100, 3, 9_000, None),
                conversion("spring10", 200, 5, 15_000, None),
                conversion("CHEF5", 150, 1, 2_000, Some("o-1")),
                conversion("CHEF5", 150, 1, 2_500, Some("o-2")),
                conversion("CHEF5", 150, 1, 2_500, Some("o-2")),
            ]],
        );
        assert_eq!((stats[0].written, stats[0].unchanged), (6, 2), "{name}");
        let deals: Vec<(String, i64, Timestamp, String)> =
            s.deals().unwrap().into_iter().map(|d| (d.handle, d.fee.minor, d.agreed_at, d.source)).collect();
        assert_eq!(
            deals,
            [("baker".into(), 25_000, t(200), "a.ndjson".into()), ("baker".into(), 40_000, t(300), "a.ndjson".into())],
            "{name}"
        );
        // By the campaign's name ignoring case.
        let rows: Vec<(String, u64, i64, Option<i64>, Timestamp)> = s
            .conversions_of("SPRING")
            .unwrap()
            .into_iter()
            .map(|c| (c.attribution, c.orders, c.revenue_minor, c.channel_id, c.observed_at))
            .collect();
        assert_eq!(
            rows,
            [
                ("code:chef5".into(), 2, 4_500, Some(ids[0]), t(150)),
                ("code:spring10".into(), 5, 15_000, Some(ids[0]), t(200)),
            ],
            "{name}"
        );
    }
}

#[test]
fn a_run_counts_what_it_committed_keeps_its_rejects_and_its_checkpoints() {
    for (name, mut s, _) in backends() {
        let mut run = s.begin_run(t(1_000), &["a.ndjson".into(), "b.csv".into()]).unwrap();
        let source = run.source_id("a.ndjson").unwrap();
        assert_eq!(run.source_id("a.ndjson").unwrap(), source, "{name}: the same path, the same source");
        let reject = |line: u64| Reject {
            file: "a.ndjson".into(),
            line,
            field: Some("likes".into()),
            reason: "not a number".into(),
            raw: format!("{{\"line\":{line}}}").into_bytes(),
        };
        let mark = |state: &str, at: i64| Checkpoint {
            connector: "bluesky".into(),
            target: "chef.bsky.social".into(),
            state: state.into(),
            at: t(at),
        };
        run.write_batch_at(&[post("chef", "p1", Some(10), 1)], source, &[reject(2)], &[mark("{\"cursor\":1}", 1_001)])
            .unwrap();
        run.write_batch_at(&[post("chef", "p2", Some(10), 1)], source, &[reject(5)], &[mark("{\"cursor\":2}", 1_002)])
            .unwrap();
        assert_eq!(run.touched(), (1, 2), "{name}: one channel, two posts");
        assert_eq!(run.writes(), 2, "{name}");
        assert_eq!(
            run.checkpoint("bluesky", "chef.bsky.social").unwrap().map(|c| c.state),
            Some("{\"cursor\":2}".into())
        );
        let id = run.run().0;
        run.finish(RunStatus::Completed, t(1_100), Some("rejects/run-1.ndjson")).unwrap();
        let r = s.runs().unwrap().into_iter().find(|r| r.id == id).unwrap();
        assert_eq!(
            (r.status, r.accepted, r.rejected, r.files.len(), r.finished_at, r.rejects_file.as_deref()),
            (RunStatus::Completed, 2, 2, 2, Some(t(1_100)), Some("rejects/run-1.ndjson")),
            "{name}"
        );
        let rejects: Vec<RejectRow> = s.rejects_of(id).unwrap();
        assert_eq!(rejects.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 5], "{name}");
        assert_eq!(rejects[1].raw, b"{\"line\":5}", "{name}");
        let all = s.checkpoints("bluesky").unwrap();
        assert_eq!((all.len(), all[0].at), (1, t(1_002)), "{name}");
        assert_eq!(s.checkpoint("bluesky", "nobody").unwrap(), None, "{name}");
    }
}

/// Another node sees a run alive while its connection holds it, and a run whose
/// connection ended without finishing is marked interrupted by the next run.
#[test]
fn another_connection_tells_a_live_run_from_a_dead_one() {
    let url = testing::database();
    let mut writer = PgStore::connect(&url).unwrap();
    let watcher = PgStore::connect(&url).unwrap();
    let run = writer.begin_run(t(1), &["a.ndjson".into()]).unwrap();
    let id = run.run().0;
    assert!(watcher.run_alive(id));
    run.finish(RunStatus::Completed, t(2), None).unwrap();
    assert!(!watcher.run_alive(id));
    // A run whose process dies: its connection closes.
    {
        let mut doomed = PgStore::connect(&url).unwrap();
        let run = doomed.begin_run(t(3), &["b.ndjson".into()]).unwrap();
        let dead = run.run().0;
        std::mem::forget(run);
        drop(doomed);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while watcher.run_alive(dead) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(!watcher.run_alive(dead));
        let mut next = PgStore::connect(&url).unwrap();
        next.begin_run(t(4), &["c.ndjson".into()]).unwrap().finish(RunStatus::Completed, t(5), None).unwrap();
        let statuses: Vec<RunStatus> = watcher.runs().unwrap().into_iter().map(|r| r.status).collect();
        assert_eq!(statuses, [RunStatus::Completed, RunStatus::Interrupted, RunStatus::Completed]);
    }
}

/// Advisory locks are the server's: a live run of the same id in another database on the
/// same server does not keep this database's dead run alive.
#[test]
fn a_live_run_in_another_database_does_not_keep_a_dead_one_alive() {
    let (a, b) = (testing::database(), testing::database());
    let mut other = PgStore::connect(&a).unwrap();
    let live = other.begin_run(t(1), &["a.ndjson".into()]).unwrap();
    let mut doomed = PgStore::connect(&b).unwrap();
    let run = doomed.begin_run(t(1), &["b.ndjson".into()]).unwrap();
    let dead = run.run().0;
    assert_eq!(dead, live.run().0, "the same run id in both databases");
    std::mem::forget(run);
    drop(doomed);
    let watcher = PgStore::connect(&b).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while watcher.run_alive(dead) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!watcher.run_alive(dead));
    watcher.mark_dead_runs().unwrap();
    assert_eq!(watcher.runs().unwrap()[0].status, RunStatus::Interrupted);
    live.finish(RunStatus::Completed, t(2), None).unwrap();
}

/// Two nodes importing the same channels at once, in opposite orders (so that their
/// transactions wait on each other's rows, and PostgreSQL aborts one of a deadlocked
/// pair): neither fails and nothing is lost.
#[test]
fn two_connections_importing_the_same_channels_at_once_lose_nothing() {
    let url = testing::database();
    let handles: Vec<String> = (0..40).map(|i| format!("c{i:02}")).collect();
    std::thread::scope(|scope| {
        for node in 0..2_i64 {
            let (url, handles) = (url.clone(), handles.clone());
            scope.spawn(move || {
                let mut s = PgStore::connect(&url).unwrap();
                let mut run = s.begin_run(t(1_000), &[format!("node{node}.ndjson")]).unwrap();
                let source = run.source_id(&format!("node{node}.ndjson")).unwrap();
                let order: Vec<&String> =
                    if node == 0 { handles.iter().collect() } else { handles.iter().rev().collect() };
                for round in 0..3 {
                    // Every channel's shared post, observed by this node in this round.
                    let at = 600 + 2 * round + node;
                    let batch: Vec<Record> = order
                        .iter()
                        .map(|h| post(h, "shared", Some(at), at as u64))
                        .chain(order.iter().map(|h| post(h, &format!("n{node}r{round}"), Some(500), 1)))
                        .collect();
                    run.write_batch(&batch, source, &[]).unwrap();
                }
                run.finish(RunStatus::Completed, t(2_000), None).unwrap();
            });
        }
    });
    let s = PgStore::connect(&url).unwrap();
    let count = |sql: &str| s.int(sql, &[]).unwrap();
    assert_eq!(count("SELECT count(*) FROM channels"), 40);
    // Per channel: one post of each node and round, and the shared one.
    assert_eq!(count("SELECT count(*) FROM posts"), 40 * 7);
    // The shared post's newest observation (node 1's last, at 605) is current, the five
    // others in its history.
    assert_eq!(count("SELECT count(*) FROM posts WHERE post_id = 'shared' AND observed_at = 605 AND likes = 605"), 40);
    assert_eq!(count("SELECT count(*) FROM post_observations"), 40 * 5);
    let runs = s.runs().unwrap();
    assert_eq!(runs.iter().map(|r| r.accepted).sum::<u64>(), 2 * 3 * 80);
}
