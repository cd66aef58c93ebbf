//! Expected results of one deliverable, and of a portfolio, from post history.
//!
//! A sponsored post will do about as well as one of the channel's recent posts, drawn at
//! random: the bootstrap over the engagement window. For one deliverable the bootstrap
//! distribution is exactly the window's empirical distribution, so its P10 / P50 / P90
//! are computed exactly (linear interpolation between ranks) instead of sampled. For a
//! portfolio the draws are simulated jointly: each draw picks one window post per
//! creator, independently, and sums them; the quantiles are of those sums.
//!
//! Per window post `i` of a channel, for a deliverable with reach factor `rf`:
//! - engagements = (likes + comments + shares) × rf — derived from measured counts;
//! - reach = followers × mid reach rate × rf × engagements_i / mean engagements — an
//!   estimate (reach is not public), spread like the channel's own posts;
//! - views = the post's measured views × rf when it has them, else its reach (estimated);
//!   a story's views are its reach;
//! - value = likes × v_like + comments × v_comment + shares × v_share (× rf) + views × v_view.

use crate::engagement::{MIN_WINDOW_POSTS, PostSnapshot};
use crate::price::{Deliverable, RateCard, quantile};
use crate::record::Method;

/// One window post as a possible outcome of the deliverable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub engagements: f64,
    pub views: f64,
    pub reach: f64,
    pub value: f64,
}

/// P10 / P50 / P90 and the mean of a distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub mean: f64,
}

impl Spread {
    /// Of any values (sorted here).
    pub fn of(mut values: Vec<f64>) -> Spread {
        values.sort_by(f64::total_cmp);
        let mean = if values.is_empty() { f64::NAN } else { values.iter().sum::<f64>() / values.len() as f64 };
        Spread { p10: quantile(&values, 0.1), p50: quantile(&values, 0.5), p90: quantile(&values, 0.9), mean }
    }
}

/// The expected results of one deliverable.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub deliverable: Deliverable,
    /// The window posts, as outcomes (the bootstrap's population).
    pub outcomes: Vec<Outcome>,
    pub engagements: Spread,
    pub views: Spread,
    pub reach: Spread,
    pub value: Spread,
    /// Derived when every window post has measured views (and it is not a story), else estimated.
    pub views_method: Method,
}

/// Why a channel has no expected results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoExpectation {
    /// Fewer than [`MIN_WINDOW_POSTS`] posts in the window.
    TooFewPosts(usize),
    /// The platform has no rates in the card.
    NoRates,
}

/// The expected results of `deliverable` for a channel with `followers` and these window posts.
pub fn expected(
    card: &RateCard,
    platform: crate::Platform,
    deliverable: Deliverable,
    followers: u64,
    window: &[&PostSnapshot],
) -> Result<Expected, NoExpectation> {
    if window.len() < MIN_WINDOW_POSTS {
        return Err(NoExpectation::TooFewPosts(window.len()));
    }
    let rates = card.platform(platform).ok_or(NoExpectation::NoRates)?;
    let band = rates.band(followers);
    let rf = card.deliverable(deliverable).reach_factor;
    let v = card.value;
    let mean_e = window.iter().map(|p| p.engagements() as f64).sum::<f64>() / window.len() as f64;
    let base_reach = followers as f64 * (band.low + band.high) / 2.0 * rf;
    let story = deliverable == Deliverable::Story;
    let outcomes: Vec<Outcome> = window
        .iter()
        .map(|p| {
            let e = p.engagements() as f64;
            let reach = if mean_e > 0.0 { base_reach * e / mean_e } else { base_reach };
            let views = match p.views {
                Some(views) if !story => views as f64 * rf,
                _ => reach,
            };
            let counted = p.likes.unwrap_or(0) as f64 * v.like
                + p.comments.unwrap_or(0) as f64 * v.comment
                + p.shares.unwrap_or(0) as f64 * v.share;
            Outcome { engagements: e * rf, views, reach, value: counted * rf + views * v.view }
        })
        .collect();
    let views_method =
        if !story && window.iter().all(|p| p.views.is_some()) { Method::Derived } else { Method::Estimated };
    Ok(Expected {
        deliverable,
        engagements: Spread::of(outcomes.iter().map(|o| o.engagements).collect()),
        views: Spread::of(outcomes.iter().map(|o| o.views).collect()),
        reach: Spread::of(outcomes.iter().map(|o| o.reach).collect()),
        value: Spread::of(outcomes.iter().map(|o| o.value).collect()),
        outcomes,
        views_method,
    })
}

/// The joint distribution of a portfolio's totals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Totals {
    pub engagements: Spread,
    pub views: Spread,
    pub reach: Spread,
    pub value: Spread,
    pub draws: usize,
}

/// Simulates `draws` campaigns: in each, every member's deliverable does as well as one of
/// its window posts drawn uniformly and independently; returns the spread of the sums.
/// The draws come from a generator seeded with `seed`, so a plan is reproducible.
pub fn simulate(members: &[&[Outcome]], draws: usize, seed: u64) -> Totals {
    let mut rng = SplitMix64(seed);
    let draws = draws.max(1);
    let mut sums =
        [Vec::with_capacity(draws), Vec::with_capacity(draws), Vec::with_capacity(draws), Vec::with_capacity(draws)];
    for _ in 0..draws {
        let mut s = [0.0f64; 4];
        for outcomes in members.iter().filter(|o| !o.is_empty()) {
            let o = outcomes[rng.below(outcomes.len())];
            s[0] += o.engagements;
            s[1] += o.views;
            s[2] += o.reach;
            s[3] += o.value;
        }
        for (acc, v) in sums.iter_mut().zip(s) {
            acc.push(v);
        }
    }
    let [e, v, r, val] = sums;
    Totals { engagements: Spread::of(e), views: Spread::of(v), reach: Spread::of(r), value: Spread::of(val), draws }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, well-mixed generator, enough for
/// choosing posts; seeded, so every run of a plan gives the same figures.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-40 for any window).
    fn below(&mut self, n: usize) -> usize {
        ((self.next() as u128 * n as u128) >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Platform;
    use crate::price::tests::card;
    use crate::time::Timestamp;
    use proptest::prelude::*;

    fn post(i: u64, likes: u64, comments: u64, views: Option<u64>) -> PostSnapshot {
        PostSnapshot {
            post_id: i.to_string(),
            published_at: Timestamp::from_unix(1_700_000_000 + i as i64),
            likes: Some(likes),
            comments: Some(comments),
            shares: None,
            views,
        }
    }

    #[test]
    fn one_deliverable_spreads_like_the_window() {
        // Engagements 100, 200, 300, 400, 500: P10 140, P50 300, P90 460, mean 300.
        let posts: Vec<PostSnapshot> = (1..=5).map(|i| post(i, i * 90, i * 10, None)).collect();
        let window: Vec<&PostSnapshot> = posts.iter().collect();
        let e = expected(&card(), Platform::Instagram, Deliverable::Post, 10_000, &window).unwrap();
        assert!((e.engagements.p10 - 140.0).abs() < 1e-9);
        assert!((e.engagements.p50 - 300.0).abs() < 1e-9);
        assert!((e.engagements.p90 - 460.0).abs() < 1e-9);
        assert!((e.engagements.mean - 300.0).abs() < 1e-9);
        // Reach: 10,000 × 35 % = 3,500 for an average post, scaled by each post: 1,166.7 … 5,833.3.
        assert!((e.reach.mean - 3_500.0).abs() < 1e-6);
        assert!((e.reach.p50 - 3_500.0).abs() < 1e-6);
        // No post has views: views are the reach, estimated.
        assert_eq!(e.views_method, Method::Estimated);
        assert_eq!(e.views, e.reach);
        // Value of the middle post: 270 likes × 0.2 + 30 comments × 3 + 3,500 views × 0.01 = 179.
        assert!((e.value.p50 - 179.0).abs() < 1e-6, "{:?}", e.value);
        // A story: a fifth of everything.
        let s = expected(&card(), Platform::Instagram, Deliverable::Story, 10_000, &window).unwrap();
        assert!((s.engagements.p50 - 60.0).abs() < 1e-9 && (s.reach.mean - 700.0).abs() < 1e-6);
    }

    #[test]
    fn measured_views_are_used_and_too_few_posts_give_nothing() {
        let posts: Vec<PostSnapshot> = (1..=5).map(|i| post(i, 100, 0, Some(i * 1000))).collect();
        let window: Vec<&PostSnapshot> = posts.iter().collect();
        let e = expected(&card(), Platform::Tiktok, Deliverable::Video, 10_000, &window).unwrap();
        assert_eq!(e.views_method, Method::Derived);
        assert_eq!(e.views.p50, 3000.0);
        assert_eq!(
            expected(&card(), Platform::Tiktok, Deliverable::Video, 10_000, &window[..4]),
            Err(NoExpectation::TooFewPosts(4))
        );
    }

    #[test]
    fn a_simulation_is_reproducible_and_sums_members() {
        let a = [Outcome { engagements: 10.0, views: 100.0, reach: 50.0, value: 1.0 }];
        let b = [
            Outcome { engagements: 0.0, views: 0.0, reach: 0.0, value: 0.0 },
            Outcome { engagements: 100.0, views: 0.0, reach: 0.0, value: 0.0 },
        ];
        let t = simulate(&[&a, &b], 4000, 7);
        assert_eq!(t, simulate(&[&a, &b], 4000, 7));
        // Half the draws give 10, half 110.
        assert_eq!(t.engagements.p10, 10.0);
        assert_eq!(t.engagements.p90, 110.0);
        assert!((t.engagements.mean - 60.0).abs() < 3.0, "{}", t.engagements.mean);
        assert_eq!(t.views.p50, 100.0);
    }

    proptest! {
        #[test]
        fn quantiles_are_ordered_and_within_the_posts(counts in proptest::collection::vec((0u64..100_000, 0u64..5_000), 5..40), followers in 1u64..10_000_000) {
            let posts: Vec<PostSnapshot> = counts.iter().enumerate().map(|(i, &(l, c))| post(i as u64, l, c, None)).collect();
            let window: Vec<&PostSnapshot> = posts.iter().collect();
            let e = expected(&card(), Platform::Instagram, Deliverable::Post, followers, &window).unwrap();
            let min = posts.iter().map(|p| p.engagements() as f64).fold(f64::INFINITY, f64::min);
            let max = posts.iter().map(|p| p.engagements() as f64).fold(0.0, f64::max);
            for s in [e.engagements, e.views, e.reach, e.value] {
                prop_assert!(s.p10 <= s.p50 && s.p50 <= s.p90);
            }
            prop_assert!(min <= e.engagements.p10 && e.engagements.p90 <= max);
            // The simulated total of n copies of one channel has mean n × its mean (within sampling error).
            let members: Vec<&[Outcome]> = vec![&e.outcomes; 3].into_iter().map(|v| v.as_slice()).collect();
            let t = simulate(&members, 2000, 1);
            prop_assert!(t.engagements.p10 <= t.engagements.p50 && t.engagements.p50 <= t.engagements.p90);
            prop_assert!(t.engagements.p10 >= 3.0 * min - 1e-6 && t.engagements.p90 <= 3.0 * max + 1e-6);
        }
    }
}
