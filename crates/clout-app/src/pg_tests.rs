//! The application on PostgreSQL against the application on SQLite: the same demo world,
//! imported twice (each import recomputes what is derived) into each, reads back the same
//! channels, metrics, scores, labels, peer groups, Directory rows and screenings.

use std::path::Path;

use clout_core::Timestamp;
use clout_store::ChannelFilter;

use crate::import::Silent;
use crate::tests::import_options;
use crate::{Access, App, AppConfig};

/// 2026-11-20T12:00:00Z, the demo world's "now".
const AS_OF: i64 = 1_795_176_000;

fn config(dir: &Path) -> AppConfig {
    AppConfig { data_dir: dir.to_path_buf(), niches_file: None, rate_card_file: None, vectors_file: None, store: None }
}

#[test]
fn a_demo_world_imported_on_postgresql_reads_back_as_it_does_on_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let world = tmp.path().join("world.ndjson");
    let stats =
        crate::write_demo_world(std::fs::File::create(&world).unwrap(), 11, 60, Timestamp::from_unix(AS_OF)).unwrap();
    assert!(stats.channels >= 60);
    let mut sqlite = App::open(config(&tmp.path().join("sqlite")), Access::Write, "test").unwrap();
    let pg = clout_pg::PgStore::connect(&clout_pg::testing::database()).unwrap();
    let mut postgres = App::with_store(config(&tmp.path().join("postgres")), Box::new(pg));
    let options = import_options(|| Timestamp::from_unix(AS_OF + 3_600), 500);
    let a = sqlite.import(std::slice::from_ref(&world), &options, &mut Silent).unwrap();
    let b = postgres.import(std::slice::from_ref(&world), &options, &mut Silent).unwrap();
    assert_eq!((a.accepted, a.rejected), (b.accepted, b.rejected));
    assert!(a.accepted > 1_000, "the world was read: {}", a.accepted);

    // The same world read again two days later: new observations of every post and
    // profile, recomputed after the import (the path of an import into a store).
    let later = tmp.path().join("later.ndjson");
    const DAY: i64 = 86_400;
    crate::write_demo_world(std::fs::File::create(&later).unwrap(), 11, 60, Timestamp::from_unix(AS_OF + 2 * DAY))
        .unwrap();
    let options = import_options(|| Timestamp::from_unix(AS_OF + 2 * DAY + 3_600), 500);
    let a = sqlite.import(std::slice::from_ref(&later), &options, &mut Silent).unwrap();
    let b = postgres.import(std::slice::from_ref(&later), &options, &mut Silent).unwrap();
    assert_eq!((a.written, a.unchanged), (b.written, b.unchanged));
    assert!(a.written > 0, "the second reading changed the store");

    let (s, p) = (&*sqlite.store, &*postgres.store);
    assert_eq!(s.stats().unwrap(), p.stats().unwrap());
    // Both recomputed everything: current, once.
    assert_eq!(p.derived_stale_since().unwrap(), None);
    assert_eq!(s.derived_generation().unwrap(), p.derived_generation().unwrap());
    let channels = s.channels(&ChannelFilter::default()).unwrap();
    assert_eq!(channels.len() as u64, s.channel_count().unwrap());
    // Profiles, metrics (with each channel's standing among its peers) and scores.
    assert_eq!(channels, p.channels(&ChannelFilter::default()).unwrap());
    assert!(channels.iter().filter(|c| c.metrics.is_some()).count() > 30, "most channels have metrics");
    assert!(channels.iter().any(|c| c.quality.is_some()), "scores were computed");
    assert_eq!(s.platform_fits().unwrap(), p.platform_fits().unwrap());
    assert_eq!(s.bucket_stats().unwrap(), p.bucket_stats().unwrap());
    assert_eq!(s.discovery_rows().unwrap(), p.discovery_rows().unwrap());
    let labels = s.niches_by_channel().unwrap();
    assert!(!labels.is_empty(), "channels were labelled");
    assert_eq!(labels, p.niches_by_channel().unwrap());
    assert_eq!(s.hashtags_by_channel().unwrap().len(), p.hashtags_by_channel().unwrap().len());
    let ids: Vec<i64> = channels.iter().map(|c| c.id).collect();
    assert_eq!(s.follower_samples_by_channel().unwrap(), p.follower_samples_by_channel().unwrap());
    // Brand safety screened every channel against the same default list.
    assert_eq!(s.channels_above_safety(0, &[]).unwrap(), p.channels_above_safety(0, &[]).unwrap());
    // Post row ids are each store's own (PostgreSQL's sequence skips numbers): the matches
    // are compared by the posts' and comments' own ids.
    let screen = |store: &dyn clout_store::Backend, id: i64| {
        store.safety_of(id).unwrap().map(|x| {
            let found: Vec<_> =
                x.evidence.into_iter().map(|e| (e.category, e.term, e.post_id, e.comment, e.text)).collect();
            (x.screen.posts, x.screen.comments, x.screen.levels, found)
        })
    };
    let mut screened = 0;
    for id in &ids {
        let here = screen(s, *id);
        screened += usize::from(here.as_ref().is_some_and(|x| !x.2.is_empty()));
        assert_eq!(here, screen(p, *id), "channel {id}");
    }
    assert!(screened > 0, "some channel matched the list");
}
