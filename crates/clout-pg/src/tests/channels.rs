//! The channel interface's contract on both backends (see the parent module): channels as
//! read (profiles, lists, pages, discovery rows, posts) and the derived-state phase.

use clout_core::{ChannelObservation, Handle, Platform, PostObservation, Record, Timestamp, Words};
use clout_store::{ChannelFilter, RunStatus};

use super::{Backend, backends, t};

fn profile(handle: &str, followers: u64, at: i64, email: Option<&str>) -> Record {
    Record::Channel(ChannelObservation {
        platform: Platform::Instagram,
        handle: Handle::parse(handle).unwrap(),
        followers,
        observed_at: t(at),
        name: Some(format!("{handle} the cook")),
        bio: None,
        url: None,
        email: email.map(str::to_string),
        country: Some("US".into()),
        language: Some("en".into()),
        category: None,
        following: Some(10),
        posts_count: Some(3),
        verified: Some(false),
        is_business: None,
        is_private: None,
        creator_id: None,
        extra: None,
    })
}

fn post(handle: &str, id: &str, published: i64, at: i64, likes: u64) -> Record {
    Record::Post(PostObservation {
        platform: Platform::Instagram,
        handle: Handle::parse(handle).unwrap(),
        post_id: id.to_string(),
        published_at: t(published),
        observed_at: Some(t(at)),
        likes: Some(likes),
        comments: Some(1),
        shares: None,
        views: None,
        saves: None,
        post_type: None,
        caption: None,
        hashtags: Words::from_words(["bread"]),
        mentions: Words::default(),
        url: None,
        sponsored: None,
        extra: None,
    })
}

/// Imports profiles and posts: chef (12,000 followers, an email, three posts, two of them
/// published at the same time), baker (3,000), and a new channel `cook` on TikTok.
fn seed(s: &mut dyn Backend) {
    let mut run = s.begin_run(t(5_000), &["c.ndjson".into()]).unwrap();
    let source = run.source_id("c.ndjson").unwrap();
    run.write_batch(
        &[
            profile("chef", 11_000, 800, None),
            profile("chef", 12_000, 1_000, Some("chef@example.com")),
            profile("baker", 3_000, 1_000, None),
            post("chef", "a", 300, 1_000, 10),
            post("chef", "b", 500, 1_000, 20),
            post("chef", "c", 500, 1_000, 30),
            post("chef", "a", 300, 1_100, 15),
        ],
        source,
        &[],
    )
    .unwrap();
    let cook = Record::Channel(ChannelObservation {
        platform: Platform::Tiktok,
        ..match profile("cook", 60_000, 1_000, None) {
            Record::Channel(c) => c,
            _ => unreachable!(),
        }
    });
    run.write_batch(&[cook], source, &[]).unwrap();
    run.finish(RunStatus::Completed, t(5_001), None).unwrap();
}

#[test]
fn channels_read_back_with_their_profile_posts_and_history() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        seed(s.as_mut());
        let stats = s.stats().unwrap();
        // Two channel records of chef and one of baker and cook; follower counts: the seed's
        // two, plus one per channel record; four post observations of three posts.
        assert_eq!(
            (
                stats.channels,
                stats.channel_observations,
                stats.follower_observations,
                stats.posts,
                stats.post_observations
            ),
            (3, 4, 6, 3, 4),
            "{name}"
        );
        assert_eq!((stats.import_runs, stats.rejects), (2, 0), "{name}");
        assert_eq!(s.channel_count().unwrap(), 3, "{name}");
        let cook = s.channel_id(Platform::Tiktok, "cook").unwrap().unwrap();
        assert!(cook > baker, "{name}");
        assert_eq!(s.channel_id(Platform::Instagram, "cook").unwrap(), None, "{name}");

        // By platform, then handle.
        let all: Vec<String> = s.channels(&ChannelFilter::default()).unwrap().into_iter().map(|c| c.handle).collect();
        assert_eq!(all, ["baker", "chef", "cook"], "{name}");
        let micro =
            ChannelFilter { platform: Some(Platform::Instagram), min_followers: Some(5_000), below_followers: None };
        let found: Vec<String> = s.channels(&micro).unwrap().into_iter().map(|c| c.handle).collect();
        assert_eq!(found, ["chef"], "{name}");
        let below = ChannelFilter { platform: None, min_followers: None, below_followers: Some(12_000) };
        assert_eq!(s.channels(&below).unwrap().len(), 1, "{name}: baker only");

        let by_ids: Vec<i64> = s.channels_by_ids(&[cook, 9_999, chef]).unwrap().into_iter().map(|c| c.id).collect();
        assert_eq!(by_ids, [cook, chef], "{name}");
        let row = s.channel_row_by_id(chef).unwrap().unwrap();
        // The newest channel record is the profile.
        assert_eq!(
            (row.followers, row.as_of, row.email.as_deref(), row.name.as_deref(), row.source.as_deref()),
            (Some(12_000), Some(t(1_000)), Some("chef@example.com"), Some("chef the cook"), Some("c.ndjson")),
            "{name}"
        );
        assert_eq!((row.metrics.is_none(), row.quality.is_none()), (true, true), "{name}");

        let detail = s.channel_detail(Platform::Instagram, "chef").unwrap().unwrap();
        // Newest published first; equal times by post id, descending.
        let posts: Vec<(String, Option<u64>, u32)> =
            detail.posts.iter().map(|p| (p.snapshot.post_id.clone(), p.snapshot.likes, p.observations)).collect();
        assert_eq!(posts, [("c".into(), Some(30), 1), ("b".into(), Some(20), 1), ("a".into(), Some(15), 2)], "{name}");
        assert_eq!(detail.posts[0].hashtags, ["bread"], "{name}");
        let history: Vec<(Timestamp, u64, bool)> =
            detail.history.iter().map(|h| (h.observed_at, h.followers, h.from_channel_record)).collect();
        assert_eq!(history, [(t(800), 11_000, true), (t(900), 5_000, false), (t(1_000), 12_000, true)], "{name}");
        assert_eq!(s.channel_detail(Platform::Youtube, "chef").unwrap(), None, "{name}");

        let rows = s.discovery_rows().unwrap();
        let facts: Vec<(i64, Option<u64>, bool, Option<String>)> =
            rows.iter().map(|r| (r.id, r.followers, r.has_email, r.country.clone())).collect();
        assert_eq!(
            facts,
            [
                (chef, Some(12_000), true, Some("US".into())),
                (baker, Some(3_000), false, Some("US".into())),
                (cook, Some(60_000), false, Some("US".into()))
            ],
            "{name}"
        );
        assert_eq!((rows[0].engagement_label, rows[0].quality_score), (None, None), "{name}: nothing derived yet");

        let posts = s.posts_of_many(&[chef, baker]).unwrap();
        let mut likes: Vec<(String, Option<u64>)> = posts[&chef].iter().map(|p| (p.post_id.clone(), p.likes)).collect();
        likes.sort();
        assert_eq!(likes, [("a".into(), Some(15)), ("b".into(), Some(20)), ("c".into(), Some(30))], "{name}");
        assert!(!posts.contains_key(&baker), "{name}: a channel without posts is absent");
        assert_eq!((s.platform_fits().unwrap(), s.bucket_stats().unwrap()), (vec![], vec![]), "{name}");
    }
}

#[test]
fn the_derived_state_is_current_only_after_a_recompute_that_saw_every_write() {
    for (name, mut s, _) in backends() {
        // The seed's import (one batch at 1,000) made it stale since its start.
        assert_eq!(s.derived_phase().unwrap(), (Some(t(1_000)), 1), "{name}");
        seed(s.as_mut());
        assert_eq!(s.derived_stale_since().unwrap(), Some(t(1_000)), "{name}: stale since the first write");
        assert_eq!(s.derived_writes().unwrap(), 3, "{name}");
        assert_eq!(s.derived_generation().unwrap(), 0, "{name}");
        // A recompute that started before the last batch cannot make it current.
        assert!(!s.mark_derived_current(2).unwrap(), "{name}");
        assert_eq!(s.derived_stale_since().unwrap(), Some(t(1_000)), "{name}");
        assert!(s.mark_derived_current(3).unwrap(), "{name}");
        assert_eq!((s.derived_phase().unwrap(), s.derived_generation().unwrap()), ((None, 3), 1), "{name}");
        s.count_derived_generation().unwrap();
        assert_eq!((s.derived_stale_since().unwrap(), s.derived_generation().unwrap()), (None, 2), "{name}");
    }
}
