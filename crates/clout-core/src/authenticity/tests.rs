//! Growth anomalies on hand-made histories: a steady climb, a bought spike, a giveaway
//! with its viral post, a purge, and too little history.

use super::*;

const T0: i64 = 1_780_000_000;

/// Weekly observations with the given follower counts.
fn weekly(counts: &[u64]) -> Vec<(Timestamp, u64)> {
    counts.iter().enumerate().map(|(i, &c)| (Timestamp::from_unix(T0 + i as i64 * 7 * DAY), c)).collect()
}

fn post(id: &str, day: i64, rate: f64) -> RatedPost {
    RatedPost { post_id: id.to_string(), published_at: Timestamp::from_unix(T0 + day * DAY), rate }
}

/// One post a week at 4 %, like clockwork.
fn ordinary_posts(weeks: i64) -> Vec<RatedPost> {
    (0..weeks).map(|w| post(&format!("p{w}"), w * 7 + 3, 4.0 + (w % 3) as f64 * 0.1)).collect()
}

#[test]
fn a_steady_climb_has_no_anomaly() {
    // +2 % a week with small wobbles.
    let counts: Vec<u64> = (0..20).map(|w| (10_000.0 * 1.02f64.powi(w) + ((w * 37) % 50) as f64) as u64).collect();
    let check = growth_anomalies(&weekly(&counts), &ordinary_posts(20)).unwrap();
    assert_eq!(check.intervals, 19);
    assert!(check.anomalies.is_empty(), "{:?}", check.anomalies);
}

#[test]
fn a_bought_spike_is_found_with_its_dates_and_size_and_no_benign_cause() {
    // Flat around 10,000, then +40 % in week 10, flat again.
    let mut counts: Vec<u64> = (0..10).map(|w| 10_000 + (w * 13) % 40).collect();
    counts.extend((0..10).map(|w| 14_000 + (w * 11) % 40));
    let check = growth_anomalies(&weekly(&counts), &ordinary_posts(20)).unwrap();
    assert_eq!(check.anomalies.len(), 1, "{:?}", check.anomalies);
    let a = &check.anomalies[0];
    assert_eq!(a.from, Timestamp::from_unix(T0 + 9 * 7 * DAY));
    assert_eq!(a.to, Timestamp::from_unix(T0 + 10 * 7 * DAY));
    assert_eq!((a.followers_before, a.followers_after), (counts[9], counts[10]));
    assert!((a.change - (counts[10] as f64 / counts[9] as f64 - 1.0)).abs() < 1e-12);
    assert!(a.z > Z_LIMIT);
    assert_eq!(a.viral_post, None);
}

#[test]
fn a_giveaway_spike_names_the_viral_post_behind_it() {
    let mut counts: Vec<u64> = (0..10).map(|w| 10_000 + (w * 13) % 40).collect();
    counts.extend((0..10).map(|w| 13_000 + (w * 11) % 40));
    let mut posts = ordinary_posts(20);
    // Day 64 is inside week 9 → 10 (days 63 to 70); its rate is 30 % against a median near 4 %.
    posts.push(post("giveaway", 64, 30.0));
    let check = growth_anomalies(&weekly(&counts), &posts).unwrap();
    let viral = check.anomalies[0].viral_post.as_ref().unwrap();
    assert_eq!(viral.post_id, "giveaway");
    assert!(viral.times_median > 7.0, "{viral:?}");
}

#[test]
fn a_purge_is_a_negative_anomaly() {
    let mut counts: Vec<u64> = (0..8).map(|w| 20_000 + (w * 17) % 60).collect();
    counts.extend((0..8).map(|w| 15_000 + (w * 7) % 60));
    let check = growth_anomalies(&weekly(&counts), &[]).unwrap();
    assert_eq!(check.anomalies.len(), 1);
    assert!(check.anomalies[0].change < -0.2 && check.anomalies[0].z < -Z_LIMIT);
}

#[test]
fn natural_noise_and_slow_surges_are_not_anomalies() {
    // A surge of +8 % a week for three weeks stays under the 15 % floor.
    let mut counts: Vec<u64> = (0..8).map(|w| 5_000 + (w * 9) % 30).collect();
    let last = counts[7] as f64;
    counts.extend((1..=3).map(|k| (last * 1.08f64.powi(k)) as u64));
    let top = counts[10];
    counts.extend(std::iter::repeat_n(top, 6));
    let check = growth_anomalies(&weekly(&counts), &[]).unwrap();
    assert!(check.anomalies.is_empty(), "{:?}", check.anomalies);
}

#[test]
fn too_little_history_is_not_judged() {
    assert_eq!(growth_anomalies(&weekly(&[100, 200, 300]), &[]), None);
    // Duplicate instants count once.
    let mut h = weekly(&[100, 110, 120]);
    h.push(h[0]);
    assert_eq!(growth_anomalies(&h, &[]), None);
}

fn clean_inputs() -> QualityInputs {
    QualityInputs {
        growth: growth_anomalies(&weekly(&[10_000, 10_100, 10_180, 10_300, 10_390, 10_500]), &[]),
        engagement_index: Some(1.1),
        engagement_label: Some(crate::EngagementLabel::Good),
        comments_per_100_likes: Some(3.0),
        peer_comments: Some(((1.0f64 + 3.0).ln(), 0.4)),
        engagement_cv: Some(0.45),
        posts_in_window: 15,
        sample: None,
        comments: None,
    }
}

/// `PRIOR + (penalised − PRIOR) × E / (E + 1)`, written out for the tests.
fn shrunk(penalised: f64, evidence: f64) -> f64 {
    70.0 + (penalised - 70.0) * evidence / (evidence + 1.0)
}

#[test]
fn a_clean_channel_scores_high_but_never_a_confident_100() {
    let q = quality_score(&clean_inputs());
    assert_eq!(q.penalised, 100.0);
    assert!(q.components.iter().all(|c| c.penalty == 0.0));
    // Evidence: 5 growth intervals (5/8 = 0.625), 15 window posts (1), comments per like
    // against peers (1): 2.625 units. 70 + 30 × 2.625 / 3.625 = 91.724.
    assert!((q.evidence - 2.625).abs() < 1e-12);
    assert!((q.score - 91.724_137_9).abs() < 1e-6, "{}", q.score);
    assert!(!q.not_enough_evidence);
    // The range: ±5 without a sample, ±30 × 1 / 3.625 = ±8.276 for the prior: 78.45–100.
    assert!((q.low - 78.448_275_9).abs() < 1e-6 && q.high == 100.0, "{q:?}");
}

#[test]
fn a_channel_without_evidence_says_so_and_scores_the_prior_with_a_wide_range() {
    let bare = QualityInputs {
        growth: None,
        engagement_index: None,
        comments_per_100_likes: None,
        peer_comments: None,
        engagement_cv: None,
        posts_in_window: 0,
        ..clean_inputs()
    };
    let q = quality_score(&bare);
    assert!(q.not_enough_evidence);
    assert_eq!((q.evidence, q.score), (0.0, 70.0));
    // ±10 (no history) ±8 (few posts) ±5 (no sample) ±30 (all prior) = ±53.
    assert_eq!((q.low, q.high), (17.0, 100.0));
    // One kind of evidence is still not enough.
    let one = QualityInputs { growth: clean_inputs().growth, ..bare };
    assert!(quality_score(&one).not_enough_evidence);
}

#[test]
fn bought_followers_cost_points_with_their_evidence() {
    let mut counts: Vec<u64> = (0..10).map(|w| 10_000 + (w * 13) % 40).collect();
    counts.extend((0..10).map(|w| 15_000 + (w * 11) % 40));
    let x = QualityInputs {
        growth: growth_anomalies(&weekly(&counts), &ordinary_posts(20)),
        engagement_index: Some(0.3),
        ..clean_inputs()
    };
    let q = quality_score(&x);
    let growth = q.components.iter().find(|c| c.name == "growth").unwrap();
    // A gain of about +50 % → 25 × 0.5 / 0.25 = 50, capped at 45 for the component.
    assert!((growth.penalty - 45.0).abs() < 1e-9, "{growth:?}");
    assert!(growth.evidence[0].contains("no viral post"), "{growth:?}");
    // Engagement index 0.3: 30 × (0.5 − 0.3) / 0.5 = 12.
    let size = q.components.iter().find(|c| c.name == "engagement_vs_size").unwrap();
    assert!((size.penalty - 12.0).abs() < 1e-9);
    assert!((q.penalised - (100.0 - 45.0 - 12.0)).abs() < 1e-9);
    // 19 intervals (1), 15 posts (1), comments per like (1): 70 + (43 − 70) × 3/4 = 49.75.
    assert!((q.score - shrunk(43.0, 3.0)).abs() < 1e-9 && (q.score - 49.75).abs() < 1e-9, "{}", q.score);
}

#[test]
fn a_pod_is_caught_by_its_comments_and_steadiness() {
    // ln(1 + 30) is (3.434 − 1.386) / 0.4 = 5.1 SD above peers: 10 + 8 × 2.6 = 30.8 → capped 30.
    let x = QualityInputs { comments_per_100_likes: Some(30.0), engagement_cv: Some(0.1), ..clean_inputs() };
    let q = quality_score(&x);
    let comments = q.components.iter().find(|c| c.name == "comments_per_100_likes").unwrap();
    assert_eq!(comments.penalty, 30.0);
    let steady = q.components.iter().find(|c| c.name == "consistency").unwrap();
    assert_eq!(steady.penalty, 10.0);
    assert_eq!(q.penalised, 60.0);
    // 70 + (60 − 70) × 2.625 / 3.625 = 62.759.
    assert!((q.score - 62.758_620_7).abs() < 1e-6, "{}", q.score);
}

#[test]
fn thin_evidence_widens_the_range_and_a_sample_adds_its_own_uncertainty() {
    let thin = QualityInputs { growth: None, posts_in_window: 6, ..clean_inputs() };
    let q = quality_score(&thin);
    // Evidence: 6 posts (0.5) and comments per like (1) = 1.5: 70 + 30 × 0.6 = 88.
    // ±10 (no history) ±8 (few posts) ±5 (no sample) ±30 × 0.4 = ±35.
    assert!((q.score - 88.0).abs() < 1e-9 && (q.low - 53.0).abs() < 1e-9 && q.high == 100.0, "{q:?}");
    let kinds = std::iter::repeat_n(AudienceType::Suspicious, 40)
        .chain(std::iter::repeat_n(AudienceType::MassFollower, 12))
        .chain(std::iter::repeat_n(AudienceType::Real, 148));
    // No error rates known: the plain count of verdicts.
    let sampled = QualityInputs { sample: Some(SampleSummary::of(kinds, None, None)), ..clean_inputs() };
    let q = quality_score(&sampled);
    // 20 % fake → 12 points. Wilson for 40/200 by hand: centre (0.2 + 3.8416/400) / 1.019208
    // = 0.205654; half-width 1.96 × √(0.0008 + 0.00002401) / 1.019208 = 0.055203.
    assert!((q.penalised - 88.0).abs() < 1e-9);
    // A sample of 200 counts 2 units: 4.625 in all; 70 + 18 × 4.625 / 5.625 = 84.8.
    assert!((q.score - 84.8).abs() < 1e-9, "{}", q.score);
    let (lo, hi) = wilson(40, 200);
    assert!((lo - 0.150451).abs() < 1e-5 && (hi - 0.260857).abs() < 1e-5, "{lo} {hi}");
    // The range: the sample's ±60 × (hi − lo) / 2 and the prior's ±30 × 1 / 5.625.
    let half = 30.0 * (hi - lo) + 30.0 / 5.625;
    assert!((q.high - q.score - half).abs() < 1e-9 && (q.score - q.low - half).abs() < 1e-9, "{q:?}");
}

#[test]
fn a_jump_and_its_reversal_in_a_short_history_are_both_found() {
    // 10,000 → 10,000 → 15,000 → 10,000: the spread of the other intervals is not inflated by the jump.
    let check = growth_anomalies(&weekly(&[10_000, 10_000, 15_000, 10_000]), &[]).unwrap();
    let changes: Vec<f64> = check.anomalies.iter().map(|a| a.change).collect();
    assert_eq!(changes.len(), 2, "{:?}", check.anomalies);
    assert!(changes[0] > 0.49 && changes[1] < -0.33, "{changes:?}");
}

#[test]
fn generic_comments_are_emoji_punctuation_or_stock_phrases() {
    for text in ["🔥🔥🔥", "!!!", "", "Nice pic!", "LOVE THIS ❤️", "wow", "follow me"] {
        assert!(is_generic(text), "{text:?}");
    }
    for text in ["Which flour did you use?", "nice, but the crust looks burnt", "Made this tonight, thanks"] {
        assert!(!is_generic(text), "{text:?}");
    }
}

#[test]
fn a_pod_of_regulars_and_stock_comments_costs_points_with_evidence() {
    // 6 posts; four pod accounts comment "🔥" or "great post" on every one; a real fan asks once.
    let mut comments = Vec::new();
    for post in 0..6 {
        for (k, pod) in ["ana", "ben", "cai", "dee"].iter().enumerate() {
            let text = if k % 2 == 0 { "🔥" } else { "great post" };
            comments.push((format!("p{post}"), pod.to_string(), Some(text.to_string())));
        }
    }
    comments.push(("p1".to_string(), "fan".to_string(), Some("What lens is this?".to_string())));
    let summary = comment_summary(&comments);
    assert_eq!((summary.comments, summary.generic, summary.posts), (25, 24, 6));
    let regulars: Vec<&str> = summary.regulars.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(regulars, ["ana", "ben", "cai", "dee"]);
    let q = quality_score(&QualityInputs { comments: Some(summary), ..clean_inputs() });
    let c = q.components.iter().find(|c| c.name == "comment_authenticity").unwrap();
    // Generic share 24/25 = 0.96 → 20 × 0.56 / 0.6 = 18.67; four regulars → 5 × 4 = 20.
    assert!((c.penalty - (20.0 * (0.96 - 0.4) / 0.6 + 20.0)).abs() < 1e-9, "{c:?}");
    assert!(c.evidence.iter().any(|e| e == "@ana commented on 6 of 6 posts"), "{c:?}");
    // Too few comments are not judged.
    let few = comment_summary(&comments[..5]);
    let q = quality_score(&QualityInputs { comments: Some(few), ..clean_inputs() });
    assert!(!q.components.iter().find(|c| c.name == "comment_authenticity").unwrap().available);
}

#[test]
fn a_row_warns_of_a_rate_above_followers_and_of_a_skewed_mean() {
    // 125 % mean: more engagements than followers.
    assert_eq!(rate_warnings(Some(125.0), Some(110.0), false), vec![RateWarning::AboveFollowers]);
    // A 63 % mean from one 620 % post over an 11.5 % median (the channel): skewed
    // 63 / 11.5 = 5.5 times.
    let w = rate_warnings(Some(63.0), Some(11.5), true);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].text(), "mean 5.5× median");
    // Both, and neither.
    assert_eq!(rate_warnings(Some(300.0), Some(100.0), true).len(), 2);
    assert!(rate_warnings(Some(4.0), Some(3.5), false).is_empty());
    assert!(rate_warnings(None, None, false).is_empty());
}

#[test]
fn the_sample_penalty_reads_the_corrected_share_and_splits_the_rest_by_type() {
    // 30 of 100 called suspicious by a classifier with sensitivity 0.8 and specificity 0.95:
    // an estimated 1/3 suspicious (see follower::tests), so 60 × 1/3 = 20 points.
    let kinds = std::iter::repeat_n(AudienceType::Suspicious, 30)
        .chain(std::iter::repeat_n(AudienceType::Real, 50))
        .chain(std::iter::repeat_n(AudienceType::Inactive, 20));
    let summary = SampleSummary::of(kinds, Some(0.8), Some(0.95));
    let q = quality_score(&QualityInputs { sample: Some(summary), ..clean_inputs() });
    assert!((q.penalised - 80.0).abs() < 1e-9, "{q:?}");
    // 100 sampled: 2 units, 4.625 in all: 70 + 10 × 4.625 / 5.625 = 78.22.
    assert!((q.score - shrunk(80.0, 4.625)).abs() < 1e-9, "{q:?}");
    let c = q.components.iter().find(|c| c.name == "followers_sample").unwrap();
    assert!(
        c.explanation.starts_with("an estimated 33 % of the followers are suspicious (95 % range 23–46 %)"),
        "{}",
        c.explanation
    );
    // The other 2/3 split as the 70 non-suspicious verdicts: real 50/70, inactive 20/70;
    // inactive: 2/3 × 20/70 = 19 %, Wilson 20/70 = 0.1932–0.4005, × 2/3 = 13–27 %.
    let shares = summary.shares();
    let of = |k: AudienceType| shares.iter().find(|t| t.kind == k).unwrap().share;
    assert!((of(AudienceType::Real) - 50.0 / 70.0 * 2.0 / 3.0).abs() < 1e-12);
    assert!((of(AudienceType::Inactive) - 20.0 / 70.0 * 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(of(AudienceType::Influencer), 0.0);
    assert!((shares.iter().map(|t| t.share).sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(c.evidence.iter().any(|e| e == "inactive people: 19 % (13–27 %)"), "{:?}", c.evidence);
}

#[test]
fn a_channel_labelled_high_among_its_peers_is_not_called_a_ghost_audience() {
    // Engagement index 0.3 against the size fit: a ghost audience (−12) for a channel whose
    // median is ordinary among its bucket's peers, but not for one labelled high there.
    let ghost = quality_score(&QualityInputs { engagement_index: Some(0.3), ..clean_inputs() });
    let size = |q: &QualityScore| q.components.iter().find(|c| c.name == "engagement_vs_size").unwrap().clone();
    assert!((size(&ghost).penalty - 12.0).abs() < 1e-9);
    assert!(size(&ghost).explanation.contains("ghost audience"));
    let high = quality_score(&QualityInputs {
        engagement_index: Some(0.3),
        engagement_label: Some(crate::EngagementLabel::High),
        ..clean_inputs()
    });
    assert_eq!(size(&high).penalty, 0.0);
    assert!(!size(&high).explanation.contains("ghost"), "{:?}", size(&high));
    assert!(size(&high).explanation.contains("high among peers"), "{:?}", size(&high));
}

proptest::proptest! {
    /// The recompute stores `quality_figures`; the quality page shows `quality_score`: the
    /// two must never disagree on a number, whatever the inputs.
    #[test]
    fn the_figures_a_recompute_stores_are_the_explained_scores_numbers(
        jumps in proptest::collection::vec((-0.6f64..2.0, proptest::bool::ANY), 0..4),
        intervals in proptest::option::of(0usize..20),
        index in proptest::option::of(0.0f64..5.0),
        high_label in proptest::bool::ANY,
        comments_per_100 in proptest::option::of(0.0f64..40.0),
        peer_sd in 0.0f64..1.0,
        cv in proptest::option::of(0.0f64..1.0),
        posts in 0u32..30,
        verdicts in proptest::option::of(proptest::array::uniform5(0usize..60)),
        comments in proptest::option::of((0usize..60, 0usize..60, 0usize..10, 0usize..6)),
    ) {
        let growth = intervals.map(|intervals| GrowthCheck {
            intervals,
            anomalies: jumps
                .iter()
                .map(|&(change, viral)| GrowthAnomaly {
                    from: Timestamp::from_unix(T0),
                    to: Timestamp::from_unix(T0 + 7 * DAY),
                    followers_before: 10_000,
                    followers_after: (10_000.0 * (1.0 + change)) as u64,
                    change,
                    z: 9.0,
                    viral_post: viral.then(|| ViralPost {
                        post_id: "p1".to_string(),
                        published_at: Timestamp::from_unix(T0 + DAY),
                        times_median: 4.0,
                    }),
                })
                .collect(),
        });
        let sample = verdicts.map(|types| {
            SampleSummary::of(
                AudienceType::ALL.iter().flat_map(|&k| std::iter::repeat_n(k, types[k as usize])),
                Some(0.8),
                Some(0.9),
            )
        });
        let comments = comments.map(|(total, generic, posts, regulars)| CommentSummary {
            comments: total,
            generic: generic.min(total),
            posts,
            examples: vec!["nice".to_string()],
            regulars: (0..regulars).map(|k| (format!("fan{k}"), posts)).collect(),
        });
        let x = QualityInputs {
            growth,
            engagement_index: index,
            engagement_label: Some(if high_label { crate::EngagementLabel::High } else { crate::EngagementLabel::Low }),
            comments_per_100_likes: comments_per_100,
            peer_comments: Some((1.2, peer_sd)),
            engagement_cv: cv,
            posts_in_window: posts,
            sample,
            comments,
        };
        let explained = quality_score(&x);
        let figures = quality_figures(&x);
        proptest::prop_assert_eq!(figures.score.to_bits(), explained.score.to_bits());
        proptest::prop_assert_eq!(figures.low.to_bits(), explained.low.to_bits());
        proptest::prop_assert_eq!(figures.high.to_bits(), explained.high.to_bits());
        proptest::prop_assert_eq!(figures.not_enough_evidence, explained.not_enough_evidence);
        proptest::prop_assert!(explained.components.iter().all(|c| !c.explanation.is_empty()));
    }
}
