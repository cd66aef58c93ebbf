//! The channel interface's contract on both backends (see the parent module): follower
//! samples and comments, and what a recompute reads (`audience.rs`, `inputs.rs`): each
//! channel's profile, posts, post text and follower history, streamed by ascending id
//! across more channels than one chunk of the PostgreSQL scan holds in tests (3).

use std::collections::HashMap;

use clout_core::benchmark::{Bucket, Peers};
use clout_core::engagement::WindowRule;
use clout_core::{
    ChannelObservation, CommentRecord, FollowerObservation, FollowerSample, Handle, NullReason, Platform,
    PostObservation, Record, Words,
};
use clout_store::{ChannelTextRecord, Channels, CommentRow, MetricsRecord, RunStatus, SampleRow, Store};

use super::{Backend, backends, t};
use crate::{PgStore, testing};

/// The channels besides `chef` and `baker`, named in this order (so with ids ascending).
const EXTRA: [&str; 7] = ["dora", "emil", "fay", "gus", "hal", "ivy", "jo"];

fn handle(h: &str) -> Handle {
    Handle::parse(h).unwrap()
}

/// Writes `records` in one run; the ids of the channels it touched.
fn import(s: &mut dyn Backend, records: &[Record]) -> Vec<i64> {
    let mut run = s.begin_run(t(2_000), &["b.ndjson".to_string()]).unwrap();
    let source = run.source_id("b.ndjson").unwrap();
    run.write_batch(records, source, &[]).unwrap();
    let ids = run.touched_channel_ids();
    run.finish(RunStatus::Completed, t(2_001), None).unwrap();
    ids
}

fn followers(platform: Platform, h: &str, at: i64, n: u64) -> Record {
    Record::Followers(FollowerObservation {
        platform,
        handle: handle(h),
        observed_at: t(at),
        followers: n,
        extra: None,
    })
}

fn post(h: &str, id: &str, published: i64, likes: u64, caption: Option<&str>, tags: &[&str]) -> Record {
    Record::Post(PostObservation {
        platform: Platform::Instagram,
        handle: handle(h),
        post_id: id.to_string(),
        published_at: t(published),
        observed_at: Some(t(1_500)),
        likes: Some(likes),
        comments: Some(1),
        shares: None,
        views: Some(likes * 10),
        saves: None,
        post_type: None,
        caption: caption.map(str::to_string),
        hashtags: Words::from_words(tags.iter().copied()),
        mentions: Default::default(),
        url: None,
        sponsored: None,
        extra: None,
    })
}

fn profile(h: &str, at: i64, n: u64) -> Record {
    Record::Channel(ChannelObservation {
        platform: Platform::Instagram,
        handle: handle(h),
        followers: n,
        observed_at: t(at),
        name: Some("Chef Ana".into()),
        bio: Some("I cook".into()),
        url: None,
        email: None,
        country: None,
        language: None,
        category: Some("food".into()),
        following: None,
        posts_count: None,
        verified: None,
        is_business: None,
        is_private: None,
        creator_id: None,
        extra: None,
    })
}

/// Nine channels, ids ascending in the order `chef, baker, EXTRA…`:
/// - chef: a profile at 950 (6,000 followers), a follower count at 500 (4,000) besides the
///   one at 900 (5,000); posts p1 (published 100), p2 and p3 (both 300), p0 (200);
/// - baker: no profile, one post b1 (published 50);
/// - each extra channel: a follower count of `300 + its position` at 800; fay a post f1.
fn seed(s: &mut dyn Backend, ids: &[i64]) -> Vec<i64> {
    let mut records = vec![
        profile("chef", 950, 6_000),
        followers(Platform::Instagram, "chef", 500, 4_000),
        post("chef", "p1", 100, 10, Some("one"), &["a"]),
        post("chef", "p2", 300, 20, Some("two"), &[]),
        post("chef", "p3", 300, 30, None, &["b", "c"]),
        post("chef", "p0", 200, 40, Some("zero"), &[]),
        post("baker", "b1", 50, 5, Some("bread"), &["rye"]),
    ];
    records.extend(EXTRA.iter().enumerate().map(|(i, h)| followers(Platform::Instagram, h, 800, 300 + i as u64)));
    records.push(post("fay", "f1", 70, 7, Some("fig"), &[]));
    let touched = import(s, &records);
    let mut all = ids.to_vec();
    all.extend(touched.into_iter().filter(|id| !ids.contains(id)));
    assert_eq!(all.len(), 9);
    assert!(all.is_sorted(), "{all:?}");
    all
}

/// One channel as `for_each_channel_input` gave it: id, handle, followers, `as_of`, name,
/// post ids, texts, history.
type Input = (
    i64,
    String,
    Option<u64>,
    Option<i64>,
    Option<String>,
    Vec<String>,
    Vec<(Option<String>, Option<String>)>,
    Vec<(i64, u64)>,
);

fn inputs(s: &dyn Backend, which: Channels<'_>, captions: usize) -> Vec<Input> {
    let mut got = Vec::new();
    s.for_each_channel_input(which, captions, &mut |c| {
        got.push((
            c.channel_id,
            c.handle.to_string(),
            c.followers,
            c.as_of.map(|a| a.unix()),
            c.name.map(str::to_string),
            c.posts.iter().map(|p| p.post_id.clone()).collect(),
            c.texts.iter().map(|(a, b)| (a.map(str::to_string), b.map(str::to_string))).collect(),
            c.history.iter().map(|(at, n)| (at.unix(), *n)).collect(),
        ))
    })
    .unwrap();
    got
}

fn text(caption: Option<&str>, tags: Option<&str>) -> (Option<String>, Option<String>) {
    (caption.map(str::to_string), tags.map(str::to_string))
}

#[test]
fn a_recompute_reads_every_channel_once_by_id_with_posts_newest_first_and_history_oldest_first() {
    for (name, mut s, ids) in backends() {
        let all = seed(s.as_mut(), &ids);
        let (chef, baker) = (all[0], all[1]);
        let got = inputs(s.as_ref(), Channels::Range(i64::MIN, i64::MAX), 2);
        assert_eq!(got.iter().map(|c| c.0).collect::<Vec<_>>(), all, "{name}: every channel once, by id");
        // Equal times (p2, p3) by post id, descending; the text of the two newest only.
        let want_chef: Input = (
            chef,
            "chef".into(),
            Some(6_000),
            Some(950),
            Some("Chef Ana".into()),
            vec!["p3".into(), "p2".into(), "p0".into(), "p1".into()],
            vec![text(None, Some("b c")), text(Some("two"), None)],
            vec![(500, 4_000), (900, 5_000), (950, 6_000)],
        );
        assert_eq!(got[0], want_chef, "{name}");
        // Without a profile: no followers, no as_of, no name.
        let want_baker: Input = (
            baker,
            "baker".into(),
            None,
            None,
            None,
            vec!["b1".into()],
            vec![text(Some("bread"), Some("rye"))],
            vec![(900, 5_000)],
        );
        assert_eq!(got[1], want_baker, "{name}");
        for (i, c) in got[2..].iter().enumerate() {
            let posts: Vec<String> = if EXTRA[i] == "fay" { vec!["f1".into()] } else { vec![] };
            let texts = if EXTRA[i] == "fay" { vec![text(Some("fig"), None)] } else { vec![] };
            let want: Input =
                (all[i + 2], EXTRA[i].into(), None, None, None, posts, texts, vec![(800, 300 + i as u64)]);
            assert_eq!(c, &want, "{name}");
        }
        // No captions asked: the posts all the same, no text.
        let bare = inputs(s.as_ref(), Channels::Range(i64::MIN, i64::MAX), 0);
        assert_eq!(bare[0].5, want_chef.5, "{name}");
        assert!(bare.iter().all(|c| c.6.is_empty()), "{name}");
        // More captions asked than there are posts: every post's.
        let many = inputs(s.as_ref(), Channels::Ids(&[chef]), 10);
        assert_eq!(
            many[0].6,
            [text(None, Some("b c")), text(Some("two"), None), text(Some("zero"), None), text(Some("one"), Some("a"))],
            "{name}"
        );
    }
}

#[test]
fn a_recompute_of_part_reads_only_the_channels_in_its_range_or_list() {
    for (name, mut s, ids) in backends() {
        let all = seed(s.as_mut(), &ids);
        let of = |which: Channels<'_>| {
            inputs(s.as_ref(), which, 1).into_iter().map(|c| (c.0, c.1, c.5, c.6)).collect::<Vec<_>>()
        };
        // (after, up_to]: chef excluded, fay included.
        let ranged: Vec<i64> = of(Channels::Range(all[0], all[4])).iter().map(|c| c.0).collect();
        assert_eq!(ranged, all[1..5], "{name}");
        assert_eq!(of(Channels::Range(all[1], all[1])), [], "{name}: an empty range");
        assert_eq!(of(Channels::Range(all[8], i64::MAX)), [], "{name}: after the last");
        // Ids: an unknown one is skipped; more ids than one chunk.
        let listed = of(Channels::Ids(&[all[1], all[4], all[5], all[6], all[8], i64::MAX]));
        assert_eq!(
            listed,
            [
                (all[1], "baker".into(), vec!["b1".into()], vec![text(Some("bread"), Some("rye"))]),
                (all[4], "fay".into(), vec!["f1".into()], vec![text(Some("fig"), None)]),
                (all[5], "gus".into(), vec![], vec![]),
                (all[6], "hal".into(), vec![], vec![]),
                (all[8], "jo".into(), vec![], vec![]),
            ],
            "{name}"
        );
        assert_eq!(of(Channels::Ids(&[])), [], "{name}");
    }
}

/// A post's id, publication time, likes, comments, shares and views.
type Numbers = (String, i64, Option<u64>, Option<u64>, Option<u64>, Option<u64>);

#[test]
fn metrics_inputs_stream_every_channel_by_id_with_its_posts_numbers_and_history() {
    for (name, mut s, ids) in backends() {
        let all = seed(s.as_mut(), &ids);
        let mut got = Vec::new();
        s.for_each_metrics_input(&mut |m| {
            // Posts and history in no promised order.
            let mut posts: Vec<Numbers> = m
                .posts
                .iter()
                .map(|p| (p.post_id.clone(), p.published_at.unix(), p.likes, p.comments, p.shares, p.views))
                .collect();
            posts.sort_by(|a, b| a.0.cmp(&b.0));
            let mut history: Vec<(i64, u64)> = m.history.iter().map(|(at, n)| (at.unix(), *n)).collect();
            history.sort();
            got.push((m.channel_id, m.platform, m.followers, m.as_of.map(|a| a.unix()), posts, history));
        })
        .unwrap();
        assert_eq!(got.iter().map(|c| c.0).collect::<Vec<_>>(), all, "{name}: every channel once, by id");
        let p = |id: &str, published: i64, likes: u64| {
            (id.to_string(), published, Some(likes), Some(1), None, Some(likes * 10))
        };
        assert_eq!(
            got[0],
            (
                all[0],
                Platform::Instagram,
                Some(6_000),
                Some(950),
                vec![p("p0", 200, 40), p("p1", 100, 10), p("p2", 300, 20), p("p3", 300, 30)],
                vec![(500, 4_000), (900, 5_000), (950, 6_000)]
            ),
            "{name}"
        );
        assert_eq!(
            got[1],
            (all[1], Platform::Instagram, None, None, vec![p("b1", 50, 5)], vec![(900, 5_000)]),
            "{name}"
        );
        assert_eq!(got[4].4, [p("f1", 70, 7)], "{name}");
        assert_eq!(got[8], (all[8], Platform::Instagram, None, None, vec![], vec![(800, 306)]), "{name}");
    }
}

fn texts(s: &dyn Backend, ids: Option<&[i64]>, posts: usize) -> Vec<ChannelTextRecord> {
    let mut got = Vec::new();
    match ids {
        None => s.for_each_channel_text(posts, &mut |r| got.push(r)).unwrap(),
        Some(ids) => s.for_each_channel_text_of(ids, posts, &mut |r| got.push(r)).unwrap(),
    }
    got
}

#[test]
fn channel_text_gives_each_profile_with_the_text_of_its_newest_posts() {
    for (name, mut s, ids) in backends() {
        let all = seed(s.as_mut(), &ids);
        let every = texts(s.as_ref(), None, 3);
        assert_eq!(every.iter().map(|r| r.channel_id).collect::<Vec<_>>(), all, "{name}: every channel once, by id");
        let chef = ChannelTextRecord {
            channel_id: all[0],
            handle: "chef".into(),
            name: Some("Chef Ana".into()),
            bio: Some("I cook".into()),
            category: Some("food".into()),
            // Newest first, equal times by post id descending: p3, p2, then p0 (p1 is older).
            posts: vec![text(None, Some("b c")), text(Some("two"), None), text(Some("zero"), None)],
        };
        assert_eq!(every[0], chef, "{name}");
        let bare = |i: usize, posts: Vec<(Option<String>, Option<String>)>| ChannelTextRecord {
            channel_id: all[i],
            handle: if i == 1 { "baker".into() } else { EXTRA[i - 2].into() },
            name: None,
            bio: None,
            category: None,
            posts,
        };
        assert_eq!(every[1], bare(1, vec![text(Some("bread"), Some("rye"))]), "{name}");
        assert_eq!(every[4], bare(4, vec![text(Some("fig"), None)]), "{name}");
        assert_eq!(every[7], bare(7, vec![]), "{name}");
        // No post text asked: the profiles alone.
        let none = texts(s.as_ref(), None, 0);
        assert_eq!(none.len(), 9, "{name}");
        assert!(none.iter().all(|r| r.posts.is_empty()), "{name}");
        assert_eq!(none[0].bio.as_deref(), Some("I cook"), "{name}");
        // The channels asked for, in their order; an unknown id is skipped.
        let some = texts(s.as_ref(), Some(&[-5, all[0], all[1], all[3], all[4], all[8]]), 1);
        assert_eq!(
            some,
            [
                ChannelTextRecord { posts: vec![text(None, Some("b c"))], ..chef },
                bare(1, vec![text(Some("bread"), Some("rye"))]),
                bare(3, vec![]),
                bare(4, vec![text(Some("fig"), None)]),
                bare(8, vec![]),
            ],
            "{name}"
        );
        assert_eq!(texts(s.as_ref(), Some(&[]), 1), [], "{name}");
    }
}

#[test]
fn channel_id_bounds_are_the_lowest_and_highest_id_and_none_without_channels() {
    for (name, mut s, ids) in backends() {
        let all = seed(s.as_mut(), &ids);
        assert_eq!(s.channel_id_bounds().unwrap(), Some((all[0], all[8])), "{name}");
    }
    let empty: [(&str, Box<dyn Backend>); 2] = [
        ("sqlite", Box::new(Store::open_in_memory().unwrap())),
        ("postgres", Box::new(PgStore::connect(&testing::database()).unwrap())),
    ];
    for (name, s) in empty {
        assert_eq!(s.channel_id_bounds().unwrap(), None, "{name}");
    }
}

fn sample(h: &str, username: &str, followers: Option<u64>, private: Option<bool>) -> Record {
    Record::Follower(FollowerSample {
        platform: Platform::Instagram,
        handle: handle(h),
        username: username.into(),
        followers,
        following: followers.map(|f| f + 1),
        posts_count: followers.map(|f| f + 2),
        has_profile_pic: private.map(|p| !p),
        is_private: private,
        bio_length: followers.map(|f| f + 3),
        full_name: None,
        has_external_url: None,
        verified: None,
        observed_at: Some(t(700)),
        extra: None,
    })
}

fn sample_row(username: &str, followers: Option<u64>, private: Option<bool>) -> SampleRow {
    SampleRow {
        username: username.into(),
        followers,
        following: followers.map(|f| f + 1),
        posts_count: followers.map(|f| f + 2),
        has_profile_pic: private.map(|p| !p),
        is_private: private,
        bio_length: followers.map(|f| f + 3),
    }
}

#[test]
fn follower_samples_come_back_by_username_in_byte_order_and_are_counted() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        assert_eq!(s.follower_sample_count().unwrap(), 0, "{name}");
        assert!(!s.has_follower_samples().unwrap(), "{name}");
        assert_eq!(s.follower_samples_by_channel().unwrap(), HashMap::new(), "{name}");
        import(
            s.as_mut(),
            &[
                sample("chef", "zed", Some(10), Some(true)),
                sample("chef", "amy", Some(0), Some(false)),
                sample("baker", "amy", Some(7), None),
                sample("chef", "Bob", None, None),
            ],
        );
        // Byte order: upper case before lower case.
        let of_chef = vec![
            sample_row("Bob", None, None),
            sample_row("amy", Some(0), Some(false)),
            sample_row("zed", Some(10), Some(true)),
        ];
        assert_eq!(s.follower_samples_of(chef).unwrap(), of_chef, "{name}");
        assert_eq!(s.follower_samples_of(i64::MAX).unwrap(), [], "{name}: an unknown channel has none");
        let by_channel = s.follower_samples_by_channel().unwrap();
        let want = HashMap::from([(chef, of_chef), (baker, vec![sample_row("amy", Some(7), None)])]);
        assert_eq!(by_channel, want, "{name}");
        assert_eq!(s.follower_sample_count().unwrap(), 4, "{name}");
        assert!(s.has_follower_samples().unwrap(), "{name}");
        // Streamed one channel at a time, by ascending id, for a range or for some ids.
        let stream = |which: Channels<'_>| {
            let mut out = Vec::new();
            s.for_each_channel_samples(which, &mut |id, rows| out.push((id, rows.to_vec()))).unwrap();
            out
        };
        let mut every: Vec<_> = want.clone().into_iter().collect();
        every.sort_by_key(|(id, _)| *id);
        assert_eq!(stream(Channels::Range(i64::MIN, i64::MAX)), every, "{name}");
        assert_eq!(stream(Channels::Range(chef - 1, chef)), [(chef, want[&chef].clone())], "{name}: only chef");
        assert_eq!(stream(Channels::Ids(&[baker])), [(baker, want[&baker].clone())], "{name}: only baker");
        let (first, second) = (chef.min(baker), chef.max(baker));
        assert_eq!(stream(Channels::Ids(&[first, second, i64::MAX])), every, "{name}: an unknown id skipped");
    }
}

fn comment(h: &str, post: &str, id: &str, author: &str, text: Option<&str>) -> Record {
    Record::Comment(CommentRecord {
        platform: Platform::Instagram,
        handle: handle(h),
        post_id: post.into(),
        comment_id: id.into(),
        author: author.into(),
        text: text.map(str::to_string),
        published_at: None,
        extra: None,
    })
}

fn row(post: &str, author: &str, text: Option<&str>) -> CommentRow {
    (post.into(), author.into(), text.map(str::to_string))
}

#[test]
fn comments_come_back_by_comment_id_and_stream_one_channel_at_a_time_by_id() {
    for (name, mut s, ids) in backends() {
        let all = seed(s.as_mut(), &ids);
        let (chef, baker, jo) = (all[0], all[1], all[8]);
        let mut none = Vec::new();
        s.for_each_channel_comments(Channels::Range(i64::MIN, i64::MAX), &mut |id, c| none.push((id, c.to_vec())))
            .unwrap();
        assert_eq!(none, [], "{name}: no comments, no calls");
        // Written out of order; jo's first, so that the stream must not follow writing order.
        import(
            s.as_mut(),
            &[
                comment("jo", "j1", "k1", "kim", Some("hi")),
                comment("chef", "p1", "c2", "ann", Some("yum")),
                comment("chef", "p2", "c10", "bo", None),
                comment("baker", "b1", "x", "cy", Some("nice")),
                comment("chef", "p1", "c1", "ann", Some("first")),
            ],
        );
        // Comment ids in byte order: c1, c10, c2.
        let of_chef = vec![row("p1", "ann", Some("first")), row("p2", "bo", None), row("p1", "ann", Some("yum"))];
        assert_eq!(s.comments_of(chef).unwrap(), of_chef, "{name}");
        assert_eq!(s.comments_of(all[2]).unwrap(), [], "{name}: a channel without comments");
        let want = vec![
            (chef, of_chef),
            (baker, vec![row("b1", "cy", Some("nice"))]),
            (jo, vec![row("j1", "kim", Some("hi"))]),
        ];
        let by_channel = s.comments_by_channel().unwrap();
        assert_eq!(by_channel, want.iter().cloned().collect::<HashMap<_, _>>(), "{name}");
        let mut streamed = Vec::new();
        s.for_each_channel_comments(Channels::Range(i64::MIN, i64::MAX), &mut |id, c| streamed.push((id, c.to_vec())))
            .unwrap();
        assert_eq!(streamed, want, "{name}: channels with comments only, by ascending id");
        let mut streamed = Vec::new();
        s.for_each_channel_comments(Channels::Ids(&[jo]), &mut |id, c| streamed.push((id, c.to_vec()))).unwrap();
        assert_eq!(streamed, [want[2].clone()], "{name}: only jo's");
        let mut streamed = Vec::new();
        s.for_each_channel_comments(Channels::Range(chef - 1, chef), &mut |id, c| streamed.push((id, c.to_vec())))
            .unwrap();
        assert_eq!(streamed, [want[0].clone()], "{name}: only chef's");
    }
}

fn metrics(bucket: Option<Bucket>, rate: Option<f64>) -> MetricsRecord {
    MetricsRecord {
        window_rule: WindowRule::LastTwelvePosts,
        eligible_until: t(1_000),
        thirty_days_after: t(1_000),
        posts_in_window: 1,
        engagement_rate: Ok(1.0),
        median_engagement_rate: Ok(1.0),
        engagement_rate_by_views: Err(NullReason::NoViews),
        viral_skew: Ok(false),
        engagement_cv: Ok(0.0),
        avg_likes: Ok(100.0),
        avg_comments: Ok(1.0),
        avg_shares: Err(NullReason::NotExposed),
        avg_views: Err(NullReason::NoViews),
        comments_per_100_likes: rate.ok_or(NullReason::NotExposed),
        posts_per_week: 1.0,
        follower_growth_30d: Err(NullReason::NoHistory),
        bucket,
        engagement_percentile: Err(NullReason::TooFewPeers),
        engagement_label: Err(NullReason::TooFewPeers),
        engagement_index: Err(NullReason::TooFewPeers),
    }
}

#[test]
fn comment_rates_list_the_platforms_channels_with_a_rate_with_their_bucket() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let more = import(
            s.as_mut(),
            &[followers(Platform::Instagram, "dora", 800, 1), followers(Platform::Youtube, "chef", 800, 1)],
        );
        let (dora, tube) = (more[0], more[1]);
        assert_eq!(s.comment_rates(Platform::Instagram).unwrap(), [], "{name}: no metrics yet");
        s.replace_metrics(
            &[
                (chef, metrics(Some(Bucket::K5to10), Some(2.5))),
                (baker, metrics(None, Some(0.5))),
                (dora, metrics(Some(Bucket::K1to2), None)),
                (tube, metrics(Some(Bucket::M5plus), Some(9.0))),
            ],
            &Peers::default(),
        )
        .unwrap();
        let sorted = |platform| {
            let mut rates = s.comment_rates(platform).unwrap();
            rates.sort_by(|a, b| a.1.total_cmp(&b.1));
            rates
        };
        // dora has no rate: left out; the YouTube channel is another platform's.
        assert_eq!(sorted(Platform::Instagram), [(None, 0.5), (Some(Bucket::K5to10), 2.5)], "{name}");
        assert_eq!(sorted(Platform::Youtube), [(Some(Bucket::M5plus), 9.0)], "{name}");
        assert_eq!(sorted(Platform::Tiktok), [], "{name}");
    }
}
