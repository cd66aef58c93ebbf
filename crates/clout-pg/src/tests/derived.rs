//! The channel interface's contract on both backends (see the parent module): derived
//! writes (metrics with the peer tables, scores, growth checks, comment summaries,
//! follower verdicts) and the stream of every channel's stored derived state
//! (`metrics.rs`). Chunks are 7 channels in tests: most tests span several.

use clout_core::authenticity::{CommentSummary, GrowthAnomaly, GrowthCheck, ViralPost};
use clout_core::benchmark::{BucketStats, Peers};
use clout_core::{
    Bucket, ChannelObservation, EngagementLabel, FollowerObservation, Handle, NullReason, Platform, Record, SizeFit,
    WindowRule,
};
use clout_store::{
    Channels, FollowerVerdicts, MetricsRecord, PlatformFit, QualityRecord, RunStatus, StoredChannel, StoredNumbers,
};

use super::{Backend, backends, t};

/// Imports `n` more channels (`x00`, `x01`, … follower counts only) after `chef` and
/// `baker`, and a profile of 5,000 followers for `chef`; every channel's id, ascending
/// (`chef`, `baker`, then the new ones in order).
fn channels(s: &mut dyn Backend, ids: &[i64], n: usize) -> Vec<i64> {
    let mut run = s.begin_run(t(2_000), &["more.ndjson".to_string()]).unwrap();
    let source = run.source_id("more.ndjson").unwrap();
    let mut records: Vec<Record> = (0..n)
        .map(|k| {
            Record::Followers(FollowerObservation {
                platform: Platform::Instagram,
                handle: Handle::parse(&format!("x{k:02}")).unwrap(),
                observed_at: t(900),
                followers: 100,
                extra: None,
            })
        })
        .collect();
    records.push(Record::Channel(ChannelObservation {
        platform: Platform::Instagram,
        handle: Handle::parse("chef").unwrap(),
        followers: 5_000,
        observed_at: t(950),
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
    }));
    run.write_batch(&records, source, &[]).unwrap();
    let more: Vec<i64> = run.touched_channel_ids().into_iter().filter(|id| !ids.contains(id)).collect();
    run.finish(RunStatus::Completed, t(2_001), None).unwrap();
    assert_eq!(more.len(), n);
    let all: Vec<i64> = ids.iter().copied().chain(more).collect();
    assert!(all.is_sorted());
    all
}

/// Metrics whose numbers follow from `k`; the standing among peers given here (99th
/// percentile, very high, index 7) is never kept.
fn record(k: u32, bucket: Option<Bucket>) -> MetricsRecord {
    MetricsRecord {
        window_rule: if k.is_multiple_of(2) { WindowRule::LastThirtyDays } else { WindowRule::LastTwelvePosts },
        eligible_until: t(1_000 + i64::from(k)),
        thirty_days_after: t(500 + i64::from(k)),
        posts_in_window: k,
        engagement_rate: Ok(f64::from(k) + 0.25),
        median_engagement_rate: Ok(f64::from(k) + 0.5),
        engagement_rate_by_views: Err(NullReason::NoViews),
        viral_skew: Ok(k.is_multiple_of(3)),
        engagement_cv: if k % 2 == 1 { Err(NullReason::ZeroEngagement) } else { Ok(0.25) },
        avg_likes: Ok(100.0 * f64::from(k)),
        avg_comments: Ok(4.0),
        avg_shares: Err(NullReason::NotExposed),
        avg_views: Err(NullReason::NoViews),
        comments_per_100_likes: if k == 0 { Err(NullReason::NoLikes) } else { Ok(4.0 / f64::from(k)) },
        posts_per_week: 3.5,
        follower_growth_30d: Err(NullReason::NoHistory),
        bucket,
        engagement_percentile: Ok(99.0),
        engagement_label: Ok(EngagementLabel::VeryHigh),
        engagement_index: Ok(7.0),
    }
}

/// A record without its standing among peers (what is kept).
fn kept(mut m: MetricsRecord) -> MetricsRecord {
    m.engagement_percentile = Err(NullReason::NotComputed);
    m.engagement_label = Err(NullReason::NotComputed);
    m.engagement_index = Err(NullReason::NotComputed);
    m
}

/// Instagram's 5-10K group with these rates (ascending) and, optionally, a 1-2K group of
/// one channel at 3 % and a size fit `ln rate = 0` (an expected rate of 1 % at any size).
fn peers(rates: Vec<f64>, more: bool) -> Peers {
    let mut groups = std::collections::BTreeMap::new();
    groups.insert((Platform::Instagram, Bucket::K5to10), rates);
    if more {
        groups.insert((Platform::Instagram, Bucket::K1to2), vec![3.0]);
    }
    let fits = if more { vec![(Platform::Instagram, SizeFit { a: 0.0, b: 0.0, n: 41 })] } else { Vec::new() };
    Peers { groups, fits }
}

/// One channel's stored derived state, owned.
#[derive(Debug, Clone, PartialEq)]
struct Stored {
    id: i64,
    platform: Platform,
    followers: Option<u64>,
    metrics: Option<StoredNumbers>,
    quality: Option<QualityRecord>,
    growth: Option<GrowthCheck>,
    comments: Option<CommentSummary>,
    verdicts: Option<FollowerVerdicts>,
}

impl Stored {
    /// A channel with nothing derived stored.
    fn bare(id: i64) -> Stored {
        Stored {
            id,
            platform: Platform::Instagram,
            followers: None,
            metrics: None,
            quality: None,
            growth: None,
            comments: None,
            verdicts: None,
        }
    }
}

fn stored(s: &dyn Backend) -> Vec<Stored> {
    let mut out = Vec::new();
    s.for_each_stored(&mut |c: StoredChannel<'_>| {
        out.push(Stored {
            id: c.channel_id,
            platform: c.platform,
            followers: c.followers,
            metrics: c.metrics,
            quality: c.quality,
            growth: c.growth.cloned(),
            comments: c.comments,
            verdicts: c.verdicts,
        })
    })
    .unwrap();
    out
}

/// Every channel bare, `chef` (the first) with its 5,000 followers.
fn bare(ids: &[i64]) -> Vec<Stored> {
    let mut all: Vec<Stored> = ids.iter().map(|&id| Stored::bare(id)).collect();
    all[0].followers = Some(5_000);
    all
}

#[test]
fn replaced_metrics_come_back_in_id_order_with_the_new_peer_groups_and_a_channel_left_out_has_none() {
    for (name, mut s, ids) in backends() {
        let ids = channels(s.as_mut(), &ids, 14);
        // Every channel but baker (1) and x04 (6); chef's rate is 10.5 %.
        let with = |k: usize| k != 1 && k != 6;
        let rec = |k: usize| record(if k == 0 { 10 } else { k as u32 }, (k == 0).then_some(Bucket::K5to10));
        let metrics: Vec<(i64, MetricsRecord)> =
            (0..ids.len()).filter(|&k| with(k)).map(|k| (ids[k], rec(k))).collect();
        let rates: Vec<f64> = (1..=40).map(f64::from).collect();
        s.replace_metrics(&metrics, &peers(rates, true)).unwrap();
        let mut expected = bare(&ids);
        for (k, e) in expected.iter_mut().enumerate() {
            e.metrics = with(k).then(|| StoredNumbers::of(&rec(k)));
        }
        assert_eq!(stored(s.as_ref()), expected, "{name}");
        let fit = SizeFit { a: 0.0, b: 0.0, n: 41 };
        assert_eq!(s.platform_fits().unwrap(), [PlatformFit { platform: Platform::Instagram, fit }], "{name}");
        let group = |bucket, channels, median_rate| BucketStats {
            platform: Platform::Instagram,
            bucket,
            channels,
            median_rate,
        };
        assert_eq!(
            s.bucket_stats().unwrap(),
            [group(Bucket::K1to2, 1, 3.0), group(Bucket::K5to10, 40, 20.5)],
            "{name}"
        );
        // Chef (5,000 followers) among 40 peers: 10 of them below 10.5 %; an expected rate of 1 %.
        let chef = s.channel_row_by_id(ids[0]).unwrap().unwrap().metrics.unwrap();
        assert_eq!(
            (chef.engagement_percentile, chef.engagement_label, chef.engagement_index),
            (Ok(25.0), Ok(EngagementLabel::Good), Ok(10.5)),
            "{name}"
        );
        assert_eq!(kept(chef), kept(rec(0)), "{name}: every column as written");

        // Again, rows out of id order: only these three have metrics, compared with the new
        // peers (0.5 % to 20 %: 20 below 10.5 %, and no size fit).
        let again: Vec<(i64, MetricsRecord)> = [13, 1, 0].iter().map(|&k| (ids[k], rec(k))).collect();
        let rates: Vec<f64> = (1..=40).map(|r| f64::from(r) / 2.0).collect();
        s.replace_metrics(&again, &peers(rates, false)).unwrap();
        let mut expected = bare(&ids);
        for k in [0, 1, 13] {
            expected[k].metrics = Some(StoredNumbers::of(&rec(k)));
        }
        assert_eq!(stored(s.as_ref()), expected, "{name}");
        assert_eq!(s.platform_fits().unwrap(), [], "{name}");
        assert_eq!(s.bucket_stats().unwrap(), [group(Bucket::K5to10, 40, 10.25)], "{name}");
        let chef = s.channel_row_by_id(ids[0]).unwrap().unwrap().metrics.unwrap();
        assert_eq!(
            (chef.engagement_percentile, chef.engagement_index),
            (Ok(50.0), Err(NullReason::TooFewPeers)),
            "{name}: compared with the new peers"
        );
        assert_eq!(s.channel_row_by_id(ids[6]).unwrap().unwrap().metrics, None, "{name}");
    }
}

#[test]
fn metrics_replaced_for_some_channels_leave_every_other_channels_and_replace_the_peers() {
    for (name, mut s, ids) in backends() {
        let ids = channels(s.as_mut(), &ids, 14);
        let all: Vec<(i64, MetricsRecord)> =
            ids.iter().enumerate().map(|(k, &id)| (id, record(k as u32, None))).collect();
        s.replace_metrics(&all, &peers((1..=40).map(f64::from).collect(), true)).unwrap();
        // Channels at even places (8 of them, two chunks): those at 0, 4, 8, 12 get new
        // metrics, those at 2, 6, 10, 14 none; the odd ones keep theirs.
        let some: Vec<i64> = ids.iter().step_by(2).copied().collect();
        let new: Vec<(i64, MetricsRecord)> =
            (0..ids.len()).step_by(4).map(|k| (ids[k], record(100 + k as u32, Some(Bucket::K1to2)))).collect();
        s.replace_metrics_of(&some, &new, &peers(vec![2.0, 4.0], false)).unwrap();
        let mut expected = bare(&ids);
        for (k, e) in expected.iter_mut().enumerate() {
            e.metrics = match (k % 2, k % 4) {
                (1, _) => Some(StoredNumbers::of(&record(k as u32, None))),
                (_, 0) => Some(StoredNumbers::of(&record(100 + k as u32, Some(Bucket::K1to2)))),
                _ => None,
            };
        }
        assert_eq!(stored(s.as_ref()), expected, "{name}");
        assert_eq!(s.platform_fits().unwrap(), [], "{name}");
        let group =
            BucketStats { platform: Platform::Instagram, bucket: Bucket::K5to10, channels: 2, median_rate: 3.0 };
        assert_eq!(s.bucket_stats().unwrap(), [group], "{name}");
        // With no channel at all, only the peers change.
        s.replace_metrics_of(&[], &[], &peers(vec![1.0], false)).unwrap();
        assert_eq!(stored(s.as_ref()), expected, "{name}");
        assert_eq!(s.bucket_stats().unwrap()[0].median_rate, 1.0, "{name}");
    }
}

/// A growth check of `n` intervals with `n % 3` anomalies, the first with a viral post.
fn check(n: usize) -> GrowthCheck {
    GrowthCheck {
        intervals: n,
        anomalies: (0..n % 3)
            .map(|a| GrowthAnomaly {
                from: t(100 * a as i64),
                to: t(100 * a as i64 + 50),
                followers_before: 1_000 + n as u64,
                followers_after: 2_000,
                change: 0.5 + a as f64,
                z: -4.0,
                viral_post: (a == 0).then(|| ViralPost {
                    post_id: format!("p{n}"),
                    published_at: t(60),
                    times_median: 12.5,
                }),
            })
            .collect(),
    }
}

/// A comments summary whose text has tabs and line breaks.
fn summary(n: usize) -> CommentSummary {
    CommentSummary {
        comments: n * 10,
        generic: n,
        posts: 3,
        examples: if n.is_multiple_of(2) {
            vec![format!("nice\tpic {n}"), "wow\r\nso good".into()]
        } else {
            Vec::new()
        },
        regulars: vec![("fan\tone".into(), n), ("fan2".into(), 2)],
    }
}

/// [`summary`] as read back: on one line.
fn summary_read(n: usize) -> CommentSummary {
    CommentSummary {
        examples: if n.is_multiple_of(2) { vec![format!("nice pic {n}"), "wow  so good".into()] } else { Vec::new() },
        regulars: vec![("fan one".into(), n), ("fan2".into(), 2)],
        ..summary(n)
    }
}

#[test]
fn growth_checks_and_comment_summaries_are_replaced_for_a_range_or_some_ids_with_text_on_one_line() {
    for (name, mut s, ids) in backends() {
        let ids = channels(s.as_mut(), &ids, 8);
        let every = Channels::Range(ids[0] - 1, ids[9]);
        s.replace_growth(every, &ids.iter().enumerate().map(|(k, &id)| (id, check(k))).collect::<Vec<_>>()).unwrap();
        let comments: Vec<(i64, CommentSummary)> = ids.iter().enumerate().map(|(k, &id)| (id, summary(k))).collect();
        s.replace_comment_summaries(every, &comments).unwrap();
        let mut expected = bare(&ids);
        for (k, e) in expected.iter_mut().enumerate() {
            e.growth = Some(check(k));
            e.comments = Some(summary_read(k));
        }
        assert_eq!(stored(s.as_ref()), expected, "{name}");

        // The range (ids[2], ids[6]]: 3 and 6 get new rows (given out of order, and one of
        // another channel outside it, ignored), 4 and 5 none; the rest stay.
        let range = Channels::Range(ids[2], ids[6]);
        let rows = [(ids[6], 20), (ids[3], 31), (ids[8], 40)];
        s.replace_growth(range, &rows.map(|(id, n)| (id, check(n)))).unwrap();
        s.replace_comment_summaries(range, &rows.map(|(id, n)| (id, summary(n)))).unwrap();
        for (k, n) in [(3, Some(31)), (4, None), (5, None), (6, Some(20))] {
            expected[k].growth = n.map(check);
            expected[k].comments = n.map(summary_read);
        }
        assert_eq!(stored(s.as_ref()), expected, "{name}");

        // By ids: 0 has none after, 8 a new one; 9, not named, keeps its own.
        let named = [ids[0], ids[8]];
        s.replace_growth(Channels::Ids(&named), &[(ids[8], check(44)), (ids[9], check(50))]).unwrap();
        s.replace_comment_summaries(Channels::Ids(&named), &[(ids[8], summary(44)), (ids[9], summary(50))]).unwrap();
        for (k, n) in [(0, None), (8, Some(44))] {
            expected[k].growth = n.map(check);
            expected[k].comments = n.map(summary_read);
        }
        assert_eq!(stored(s.as_ref()), expected, "{name}");

        // A change that is not a number comes back as such.
        let mut odd = check(1);
        odd.anomalies[0].change = f64::NAN;
        s.replace_growth(Channels::Ids(&[ids[1]]), &[(ids[1], odd)]).unwrap();
        let got = stored(s.as_ref()).remove(1).growth.unwrap();
        assert!(got.anomalies[0].change.is_nan() && got.anomalies[0].z == -4.0, "{name}: {got:?}");
    }
}

fn score(score: f64, enough_evidence: bool) -> QualityRecord {
    QualityRecord { score, low: score - 5.0, high: score + 5.0, enough_evidence }
}

#[test]
fn scores_replaced_whole_leave_none_to_a_channel_left_out_and_updated_ones_keep_the_rest() {
    for (name, mut s, ids) in backends() {
        let ids = channels(s.as_mut(), &ids, 14);
        // Every even place (two chunks and more).
        let evens: Vec<(i64, QualityRecord)> =
            ids.iter().enumerate().step_by(2).map(|(k, &id)| (id, score(k as f64, k % 4 == 0))).collect();
        s.replace_quality(&evens).unwrap();
        let mut expected = bare(&ids);
        for (k, e) in expected.iter_mut().enumerate() {
            e.quality = (k % 2 == 0).then(|| score(k as f64, k % 4 == 0));
        }
        assert_eq!(stored(s.as_ref()), expected, "{name}");

        // 2 twice (the last counts), 3 and 15 new; every other channel's stays.
        s.update_quality(&[(ids[2], score(70.0, true)), (ids[3], score(30.0, false)), (ids[2], score(71.0, false))])
            .unwrap();
        let many: Vec<(i64, QualityRecord)> = (0..9).map(|k| (ids[15], score(f64::from(k), true))).collect();
        s.update_quality(&many).unwrap();
        expected[2].quality = Some(score(71.0, false));
        expected[3].quality = Some(score(30.0, false));
        expected[15].quality = Some(score(8.0, true));
        assert_eq!(stored(s.as_ref()), expected, "{name}");

        // Whole again, out of order: only these two.
        s.replace_quality(&[(ids[9], score(9.0, true)), (ids[1], score(1.0, true))]).unwrap();
        let mut expected = bare(&ids);
        expected[1].quality = Some(score(1.0, true));
        expected[9].quality = Some(score(9.0, true));
        assert_eq!(stored(s.as_ref()), expected, "{name}");
        s.replace_quality(&[]).unwrap();
        assert_eq!(stored(s.as_ref()), bare(&ids), "{name}");
    }
}

fn verdicts(model: &str, n: u32) -> FollowerVerdicts {
    FollowerVerdicts { model: model.into(), types: [n, 1, 2, 3, u32::MAX] }
}

#[test]
fn follower_verdicts_are_replaced_for_the_channels_named_and_read_back_with_the_rest() {
    for (name, mut s, ids) in backends() {
        let ids = channels(s.as_mut(), &ids, 10);
        let all: Vec<(i64, FollowerVerdicts)> =
            ids.iter().enumerate().map(|(k, &id)| (id, verdicts("m1", k as u32))).collect();
        s.replace_follower_verdicts(Channels::Range(i64::MIN, i64::MAX), &all).unwrap();
        let mut expected = bare(&ids);
        for (k, e) in expected.iter_mut().enumerate() {
            e.verdicts = Some(verdicts("m1", k as u32));
        }
        assert_eq!(stored(s.as_ref()), expected, "{name}");
        // The range (ids[0], ids[9]]: only 5 keeps a row, a new model's; 0, 10 and 11 stay.
        s.replace_follower_verdicts(Channels::Range(ids[0], ids[9]), &[(ids[5], verdicts("m2", 50))]).unwrap();
        for (k, e) in expected.iter_mut().enumerate().take(10).skip(1) {
            e.verdicts = (k == 5).then(|| verdicts("m2", 50));
        }
        assert_eq!(stored(s.as_ref()), expected, "{name}");
        // By ids, one of them unknown: 11 none after, 5 stays.
        s.replace_follower_verdicts(Channels::Ids(&[ids[11], ids[11] + 1_000]), &[]).unwrap();
        expected[11].verdicts = None;
        assert_eq!(stored(s.as_ref()), expected, "{name}");
    }
}

#[test]
fn the_stored_state_of_every_channel_streams_once_by_ascending_id_with_each_tables_rows_on_its_channel() {
    for (name, mut s, ids) in backends() {
        let ids = channels(s.as_mut(), &ids, 20);
        // Sparse rows, each table on different channels, on both sides of chunk edges.
        let pick = |step: usize, from: usize| (from..ids.len()).step_by(step).collect::<Vec<usize>>();
        let metrics: Vec<(i64, MetricsRecord)> = pick(3, 0).iter().map(|&k| (ids[k], record(k as u32, None))).collect();
        s.replace_metrics(&metrics, &peers(vec![1.0], false)).unwrap();
        s.replace_quality(&pick(4, 1).iter().map(|&k| (ids[k], score(k as f64, true))).collect::<Vec<_>>()).unwrap();
        let every = Channels::Range(i64::MIN, i64::MAX);
        s.replace_growth(every, &pick(5, 2).iter().map(|&k| (ids[k], check(k))).collect::<Vec<_>>()).unwrap();
        s.replace_comment_summaries(every, &pick(7, 6).iter().map(|&k| (ids[k], summary(k))).collect::<Vec<_>>())
            .unwrap();
        s.replace_follower_verdicts(
            every,
            &pick(6, 7).iter().map(|&k| (ids[k], verdicts("m", k as u32))).collect::<Vec<_>>(),
        )
        .unwrap();
        let mut expected = bare(&ids);
        for (k, e) in expected.iter_mut().enumerate() {
            e.metrics = (k % 3 == 0).then(|| StoredNumbers::of(&record(k as u32, None)));
            e.quality = (k % 4 == 1).then(|| score(k as f64, true));
            e.growth = (k >= 2 && (k - 2) % 5 == 0).then(|| check(k));
            e.comments = (k >= 6 && (k - 6) % 7 == 0).then(|| summary_read(k));
            e.verdicts = (k >= 7 && (k - 7) % 6 == 0).then(|| verdicts("m", k as u32));
        }
        let got = stored(s.as_ref());
        assert_eq!(got.len(), 22, "{name}");
        assert_eq!(got, expected, "{name}");
    }
}
