use proptest::prelude::*;

use super::*;

fn peer(platform: Platform, followers: u64, rate: f64) -> PeerInput {
    PeerInput { platform, followers, rate: Ok(rate) }
}

#[test]
fn buckets_follow_metrics_md() {
    let cases = [
        (999, None),
        (1_000, Some("1-2K")),
        (1_999, Some("1-2K")),
        (2_000, Some("2-5K")),
        (9_999, Some("5-10K")),
        (10_000, Some("10-20K")),
        (49_999, Some("20-50K")),
        (50_000, Some("50-100K")),
        (249_999, Some("100-250K")),
        (250_000, Some("250-500K")),
        (999_999, Some("500K-1M")),
        (1_000_000, Some("1-5M")),
        (5_000_000, Some("5M+")),
    ];
    for (followers, expect) in cases {
        assert_eq!(Bucket::for_followers(followers).map(Bucket::as_str), expect, "{followers}");
    }
}

#[test]
fn labels_from_percentile_and_from_fixed_bands() {
    use EngagementLabel::*;
    for (p, l) in [(0.0, Low), (24.99, Low), (25.0, Good), (74.9, Good), (75.0, High), (89.9, High), (90.0, VeryHigh)] {
        assert_eq!(EngagementLabel::from_percentile(p), l, "{p}");
    }
    for (r, l) in [(0.0, Low), (0.99, Low), (1.0, Good), (3.49, Good), (3.5, High), (5.99, High), (6.0, VeryHigh)] {
        assert_eq!(EngagementLabel::from_rate(r), l, "{r}");
    }
}

#[test]
fn a_bucket_of_thirty_gives_percentiles_of_lower_rates() {
    // 30 Instagram channels of 3,000 followers with rates 1, 2, ..., 30 %.
    let channels: Vec<_> = (1..=30).map(|r| peer(Platform::Instagram, 3_000, r as f64)).collect();
    let b = benchmarks(&channels);
    // The channel with 1 % has no one lower: 0. The one with 10 %: 9 lower of 30 → 30.
    assert_eq!(b.channels[0].engagement_percentile, Ok(0.0));
    assert_eq!(b.channels[9].engagement_percentile, Ok(30.0));
    assert_eq!(b.channels[29].engagement_percentile, Ok(100.0 * 29.0 / 30.0));
    assert_eq!(b.channels[0].engagement_label, Ok(EngagementLabel::Low));
    assert_eq!(b.channels[9].engagement_label, Ok(EngagementLabel::Good));
    // 27 lower of 30 = 90 → very high; 26 of 30 = 86.7 → high.
    assert_eq!(b.channels[27].engagement_label, Ok(EngagementLabel::VeryHigh));
    assert_eq!(b.channels[26].engagement_label, Ok(EngagementLabel::High));
    assert_eq!(b.buckets.len(), 1);
    assert_eq!(b.buckets[0].channels, 30);
    assert_eq!(b.buckets[0].median_rate, 15.5);
}

#[test]
fn equal_rates_share_a_percentile() {
    let mut channels: Vec<_> = (0..30).map(|_| peer(Platform::Tiktok, 5_000, 2.0)).collect();
    channels.push(peer(Platform::Tiktok, 5_000, 1.0));
    let b = benchmarks(&channels);
    // Each 2 % channel has exactly one lower (the 1 % one) among 31.
    assert_eq!(b.channels[0].engagement_percentile, Ok(100.0 / 31.0));
    assert_eq!(b.channels[30].engagement_percentile, Ok(0.0));
}

#[test]
fn under_thirty_peers_the_label_falls_back_to_fixed_bands() {
    // 29 channels: too few for a percentile.
    let channels: Vec<_> = (1..=29).map(|r| peer(Platform::Instagram, 3_000, r as f64 / 5.0)).collect();
    let b = benchmarks(&channels);
    assert_eq!(b.channels[0].engagement_percentile, Err(NullReason::TooFewPeers));
    // 0.2 % → low; 1.0 % → good; 4.0 % → high; 5.8 % → high.
    assert_eq!(b.channels[0].engagement_label, Ok(EngagementLabel::Low));
    assert_eq!(b.channels[4].engagement_label, Ok(EngagementLabel::Good));
    assert_eq!(b.channels[19].engagement_label, Ok(EngagementLabel::High));
    assert_eq!(b.channels[28].engagement_label, Ok(EngagementLabel::High));
    assert_eq!(b.channels[0].engagement_index, Err(NullReason::TooFewPeers));
}

#[test]
fn groups_are_per_platform_and_bucket() {
    // 30 on Instagram in 2-5K, plus one in 5-10K and one on TikTok in 2-5K: those two have no peers.
    let mut channels: Vec<_> = (1..=30).map(|r| peer(Platform::Instagram, 2_500, r as f64)).collect();
    channels.push(peer(Platform::Instagram, 6_000, 3.0));
    channels.push(peer(Platform::Tiktok, 2_500, 3.0));
    channels.push(peer(Platform::Instagram, 900, 3.0));
    channels.push(PeerInput {
        platform: Platform::Instagram,
        followers: 2_500,
        rate: Err(NullReason::InsufficientPosts),
    });
    let b = benchmarks(&channels);
    assert_eq!(b.channels[30].engagement_percentile, Err(NullReason::TooFewPeers));
    assert_eq!(b.channels[31].engagement_percentile, Err(NullReason::TooFewPeers));
    assert_eq!(b.channels[32].engagement_percentile, Err(NullReason::NoBucket));
    assert_eq!(b.channels[32].engagement_label, Ok(EngagementLabel::Good));
    // A channel without a rate is not a peer, and carries the rate's reason everywhere.
    assert_eq!(b.channels[33].engagement_percentile, Err(NullReason::InsufficientPosts));
    assert_eq!(b.channels[33].engagement_label, Err(NullReason::InsufficientPosts));
    assert_eq!(b.channels[0].engagement_percentile, Ok(0.0));
}

#[test]
fn the_size_fit_recovers_an_exact_power_law() {
    // rate = 20 × followers^-0.25, exactly: a = ln 20, b = -0.25.
    let channels: Vec<_> = (0..40)
        .map(|i| {
            let followers = 1_000 * (i + 1) * (i + 1);
            peer(Platform::Youtube, followers, 20.0 * (followers as f64).powf(-0.25))
        })
        .collect();
    let b = benchmarks(&channels);
    let (platform, fit) = b.fits[0];
    assert_eq!(platform, Platform::Youtube);
    assert_eq!(fit.n, 40);
    assert!((fit.b - -0.25).abs() < 1e-9, "{fit:?}");
    assert!((fit.a - 20f64.ln()).abs() < 1e-9, "{fit:?}");
    // On the line every channel is typical: index 1.
    for m in &b.channels {
        assert!((m.engagement_index.unwrap() - 1.0).abs() < 1e-9);
    }
    // A channel under 1,000 followers is left out of the fit but still gets an index:
    // twice the typical rate for its size → 2.
    let followers = 500u64;
    let mut with_twice = channels.clone();
    with_twice.push(peer(Platform::Youtube, followers, 2.0 * 20.0 * (followers as f64).powf(-0.25)));
    let b = benchmarks(&with_twice);
    assert!((b.channels[40].engagement_index.unwrap() - 2.0).abs() < 1e-6);
}

#[test]
fn the_fit_needs_thirty_channels_with_a_positive_rate_and_a_thousand_followers() {
    let mut points: Vec<(u64, f64)> = (0..29).map(|i| (1_000 + i * 100, 1.0 + i as f64)).collect();
    assert!(fit_size(points.clone()).is_none());
    points.push((999, 5.0));
    points.push((5_000, 0.0));
    assert!(fit_size(points.clone()).is_none(), "small and zero-rate channels do not count");
    points.push((7_000, 2.0));
    assert_eq!(fit_size(points).map(|f| f.n), Some(30));
    assert!(fit_size((0..40).map(|_| (5_000, 2.0))).is_none(), "no spread in size, no slope");
}

proptest! {
    #[test]
    fn percentiles_lie_in_zero_to_one_hundred_and_follow_the_rate(
        rates in prop::collection::vec(0.0f64..20.0, 30..80),
    ) {
        let channels: Vec<_> = rates.iter().map(|&r| peer(Platform::Instagram, 12_000, r)).collect();
        let b = benchmarks(&channels);
        for (i, m) in b.channels.iter().enumerate() {
            let p = m.engagement_percentile.unwrap();
            prop_assert!((0.0..100.0).contains(&p));
            for (j, n) in b.channels.iter().enumerate() {
                if rates[i] < rates[j] {
                    prop_assert!(p < n.engagement_percentile.unwrap());
                }
            }
        }
    }
}
