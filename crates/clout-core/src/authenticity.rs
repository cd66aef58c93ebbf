//! Signals of audience quality, each with its evidence: growth anomalies for now (the
//! other components of the audience-quality score build on the same pattern).
//!
//! **Growth anomalies.** Between consecutive follower observations the growth per day is
//! `ln(f_i / f_{i-1}) / days`. The channel's own trend is the median of those rates and
//! its spread their median absolute deviation (MAD). An interval is anomalous when its
//! rate is more than `Z_LIMIT` robust standard deviations (1.4826 × MAD) from the trend
//! *and* the change is at least 15 % of the followers (or a loss of 15 %) within at most
//! 14 days: ordinary noise and natural surges stay below that. Each anomaly names a benign
//! cause when one is in the data: a post published from two days before the interval to
//! its end with at least three times the channel's median per-post rate (a viral post, a
//! giveaway, a shout-out); otherwise it says none was found.

use crate::time::{DAY, Timestamp};

#[cfg(test)]
mod tests;

/// Robust standard deviations from the trend that make an interval anomalous.
pub const Z_LIMIT: f64 = 6.0;
/// The smallest relative change (either way) that can be an anomaly.
pub const MIN_CHANGE: f64 = 0.15;
/// The longest interval that can hold an anomaly.
pub const MAX_DAYS: i64 = 14;
/// Follower observations needed to judge growth at all.
pub const MIN_POINTS: usize = 4;

/// A sudden change in followers.
#[derive(Debug, Clone, PartialEq)]
pub struct GrowthAnomaly {
    pub from: Timestamp,
    pub to: Timestamp,
    pub followers_before: u64,
    pub followers_after: u64,
    /// Relative change, e.g. 0.4 for +40 %.
    pub change: f64,
    /// How far from the channel's trend, in robust standard deviations.
    pub z: f64,
    /// A post around the jump that could explain it, or `None`.
    pub viral_post: Option<ViralPost>,
}

/// A post that may explain a jump.
#[derive(Debug, Clone, PartialEq)]
pub struct ViralPost {
    pub post_id: String,
    pub published_at: Timestamp,
    /// Its engagement rate over the channel's median per-post rate.
    pub times_median: f64,
}

/// What the growth check found.
#[derive(Debug, Clone, PartialEq)]
pub struct GrowthCheck {
    /// Intervals between observations that were judged.
    pub intervals: usize,
    pub anomalies: Vec<GrowthAnomaly>,
}

/// A post as the growth check sees it: id, publication time, engagement rate (%).
#[derive(Debug, Clone, PartialEq)]
pub struct RatedPost {
    pub post_id: String,
    pub published_at: Timestamp,
    pub rate: f64,
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Finds the anomalies of a follower history (any order); `None` with fewer than
/// [`MIN_POINTS`] observations, when there is too little history to judge.
pub fn growth_anomalies(history: &[(Timestamp, u64)], posts: &[RatedPost]) -> Option<GrowthCheck> {
    let mut points: Vec<(Timestamp, u64)> = history.to_vec();
    points.sort_by_key(|p| p.0);
    points.dedup_by_key(|p| p.0);
    if points.len() < MIN_POINTS {
        return None;
    }
    // (index of the later point, growth per day)
    let rates: Vec<(usize, f64)> = (1..points.len())
        .filter_map(|i| {
            let (a, b) = (points[i - 1], points[i]);
            let days = (b.0.unix() - a.0.unix()) as f64 / DAY as f64;
            (a.1 > 0 && b.1 > 0 && days > 0.0).then(|| (i, ((b.1 as f64) / (a.1 as f64)).ln() / days))
        })
        .collect();
    if rates.len() + 1 < MIN_POINTS {
        return None;
    }
    let mut values: Vec<f64> = rates.iter().map(|r| r.1).collect();
    let trend = median(&mut values);
    let mut deviations: Vec<f64> = rates.iter().map(|r| (r.1 - trend).abs()).collect();
    // A floor on the spread keeps a perfectly steady history from flagging tiny wobbles.
    let spread = (1.4826 * median(&mut deviations)).max(1e-4);
    let mut rates_only: Vec<f64> = posts.iter().map(|p| p.rate).filter(|r| r.is_finite()).collect();
    let typical = median(&mut rates_only);
    let anomalies = rates
        .iter()
        .filter_map(|&(i, rate)| {
            let (a, b) = (points[i - 1], points[i]);
            let z = (rate - trend) / spread;
            let change = b.1 as f64 / a.1 as f64 - 1.0;
            let short = b.0.unix() - a.0.unix() <= MAX_DAYS * DAY;
            if z.abs() < Z_LIMIT || change.abs() < MIN_CHANGE || !short {
                return None;
            }
            let viral_post = posts
                .iter()
                .filter(|p| p.published_at.unix() >= a.0.unix() - 2 * DAY && p.published_at <= b.0)
                .filter(|p| typical > 0.0 && p.rate >= 3.0 * typical)
                .max_by(|x, y| x.rate.total_cmp(&y.rate).then_with(|| y.post_id.cmp(&x.post_id)))
                .map(|p| ViralPost {
                    post_id: p.post_id.clone(),
                    published_at: p.published_at,
                    times_median: p.rate / typical,
                });
            Some(GrowthAnomaly {
                from: a.0,
                to: b.0,
                followers_before: a.1,
                followers_after: b.1,
                change,
                z,
                viral_post,
            })
        })
        .collect();
    Some(GrowthCheck { intervals: rates.len(), anomalies })
}
