//! Signals of audience quality, each with its evidence: growth anomalies for now (the
//! other components of the audience-quality score build on the same pattern).
//!
//! **Growth anomalies.** Between consecutive follower observations the growth per day is
//! `ln(f_i / f_{i-1}) / days`. The channel's own trend is the median of the other
//! intervals' rates and its spread their median absolute deviation (MAD). An interval is anomalous when its
//! rate is more than `Z_LIMIT` robust standard deviations (1.4826 × MAD) from the trend
//! *and* the change is at least 15 % of the followers (or a loss of 15 %) within at most
//! 14 days: ordinary noise and natural surges stay below that. In a short history (fewer
//! than six intervals) the spread means little, and the size rule alone decides. Each anomaly names a benign
//! cause when one is in the data: a post published from two days before the interval to
//! its end with at least three times the channel's median per-post rate (a viral post, a
//! giveaway, a shout-out); otherwise it says none was found.

pub use crate::follower::wilson;
use crate::follower::{AudienceType, Share, suspicious_share};

mod comments;
mod score;
use crate::time::{DAY, Timestamp};
pub use comments::{CommentSummary, comment_summary, is_generic};
pub use score::{
    Component, HALF_EVIDENCE, MIN_KINDS, PRIOR, QualityFigures, QualityInputs, QualityScore, quality_figures,
    quality_score,
};

#[cfg(test)]
mod tests;

/// Robust standard deviations from the trend that make an interval anomalous.
pub const Z_LIMIT: f64 = 6.0;
/// The smallest relative change (either way) that can be an anomaly.
pub const MIN_CHANGE: f64 = 0.15;
/// The longest interval that can hold an anomaly.
pub const MAX_DAYS: i64 = 14;
/// Below this many intervals a history is short: a change of `MIN_CHANGE` within
/// `MAX_DAYS` is an anomaly whatever its z.
pub const FEW_INTERVALS: usize = 6;
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

/// How many times the channel's median per-post rate a post must reach to be viral.
pub const VIRAL_TIMES_MEDIAN: f64 = 3.0;

/// Whether a post with `rate` is viral for a channel whose typical (median) per-post rate
/// is `typical`: at least [`VIRAL_TIMES_MEDIAN`] times it. Never with a zero median (every
/// post would be). The growth check and the channel page's chart share this rule.
pub fn is_viral(rate: f64, typical: f64) -> bool {
    typical > 0.0 && rate >= VIRAL_TIMES_MEDIAN * typical
}

/// A warning a list of channels shows beside an engagement rate, so that an outlier is not
/// read as a star.
#[derive(Debug, Clone, PartialEq)]
pub enum RateWarning {
    /// More engagements per post than followers: a tiny or bought audience, or a count
    /// the platform inflates (reposts, views counted as engagements).
    AboveFollowers,
    /// The mean is this many times the median: a few posts carry the rate (`viral_skew`).
    Skewed(f64),
}

impl RateWarning {
    /// A short text for a row.
    pub fn text(&self) -> String {
        match self {
            RateWarning::AboveFollowers => "above 100 %".to_string(),
            RateWarning::Skewed(x) => format!("mean {x:.1}× median"),
        }
    }

    /// A sentence for people.
    pub fn explanation(&self) -> String {
        match self {
            RateWarning::AboveFollowers => {
                "more engagements per post than followers: a tiny or bought audience, or inflated counts".to_string()
            }
            RateWarning::Skewed(x) => format!(
                "the mean rate is {x:.1} times the median: a few posts carry it; the median is what peers are compared by"
            ),
        }
    }
}

/// The warnings for a channel's mean and median rate (in percent) and its `viral_skew`.
pub fn rate_warnings(mean: Option<f64>, median: Option<f64>, viral_skew: bool) -> Vec<RateWarning> {
    let mut out = Vec::new();
    if mean.is_some_and(|m| m > 100.0) {
        out.push(RateWarning::AboveFollowers);
    }
    if let (true, Some(mean), Some(median)) = (viral_skew, mean, median)
        && median > 0.0
    {
        out.push(RateWarning::Skewed(mean / median));
    }
    out
}

/// The median of `values` (0 for none): the typical rate [`is_viral`] compares with.
pub fn typical_rate(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|r| r.is_finite()).collect();
    median(&mut sorted)
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
    // The trend and spread an interval is judged against leave that interval out: in a
    // short history one jump (or a jump and its reversal) would otherwise inflate the
    // spread enough to hide itself.
    let baseline = |skip: usize| -> (f64, f64) {
        let mut others: Vec<f64> = rates.iter().enumerate().filter(|(k, _)| *k != skip).map(|(_, r)| r.1).collect();
        let trend = median(&mut others);
        let mut deviations: Vec<f64> = others.iter().map(|r| (r - trend).abs()).collect();
        // A floor on the spread keeps a perfectly steady history from flagging tiny wobbles.
        (trend, (1.4826 * median(&mut deviations)).max(1e-4))
    };
    let mut rates_only: Vec<f64> = posts.iter().map(|p| p.rate).filter(|r| r.is_finite()).collect();
    let typical = median(&mut rates_only);
    let anomalies = rates
        .iter()
        .enumerate()
        .filter_map(|(k, &(i, rate))| {
            let (a, b) = (points[i - 1], points[i]);
            let change = b.1 as f64 / a.1 as f64 - 1.0;
            let short = b.0.unix() - a.0.unix() <= MAX_DAYS * DAY;
            // The size rules first: most intervals fail them, and the baseline costs a sort.
            if change.abs() < MIN_CHANGE || !short {
                return None;
            }
            let (trend, spread) = baseline(k);
            let z = (rate - trend) / spread;
            // With few other intervals their spread means little: the size rule alone decides.
            let unusual = rates.len() < FEW_INTERVALS || z.abs() >= Z_LIMIT;
            if !unusual {
                return None;
            }
            let viral_post = posts
                .iter()
                .filter(|p| p.published_at.unix() >= a.0.unix() - 2 * DAY && p.published_at <= b.0)
                .filter(|p| is_viral(p.rate, typical))
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

/// What is known of a channel's sample of followers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleSummary {
    pub checked: usize,
    /// Followers of each type by their verdicts, in [`AudienceType::ALL`] order.
    pub types: [usize; 5],
    /// The share of suspicious followers, corrected for the classifier's error rates.
    pub suspicious: Share,
}

/// One type's share of an audience, 0 to 1, with its 95 % range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TypeShare {
    pub kind: AudienceType,
    pub share: f64,
    pub low: f64,
    pub high: f64,
}

impl SampleSummary {
    /// Summarises the verdicts on a sample, with the error rates of the classifier that
    /// gave them.
    pub fn of(
        kinds: impl IntoIterator<Item = AudienceType>,
        sensitivity: Option<f64>,
        specificity: Option<f64>,
    ) -> Self {
        let mut types = [0; 5];
        for k in kinds {
            types[k as usize] += 1;
        }
        SampleSummary::of_counts(types, sensitivity, specificity)
    }

    /// [`SampleSummary::of`] from the verdicts of each type, in [`AudienceType::ALL`] order.
    pub fn of_counts(types: [usize; 5], sensitivity: Option<f64>, specificity: Option<f64>) -> Self {
        let checked = types.iter().sum();
        let flagged = types[AudienceType::Suspicious as usize];
        SampleSummary { checked, types, suspicious: suspicious_share(flagged, checked, sensitivity, specificity) }
    }

    /// Every type's share of the audience: suspicious as estimated, and the rest of the
    /// audience split among the other types as the sample's non-suspicious verdicts are
    /// (each with the Wilson range of its share among them, scaled the same way).
    pub fn shares(&self) -> Vec<TypeShare> {
        let s = self.suspicious;
        let others = self.checked - self.types[AudienceType::Suspicious as usize];
        AudienceType::ALL
            .iter()
            .map(|&kind| {
                if kind == AudienceType::Suspicious {
                    return TypeShare { kind, share: s.share, low: s.low, high: s.high };
                }
                let n = self.types[kind as usize];
                let (lo, hi) = wilson(n, others);
                let part = if others == 0 { 0.0 } else { n as f64 / others as f64 };
                let rest = 1.0 - s.share;
                TypeShare { kind, share: part * rest, low: lo * rest, high: hi * rest }
            })
            .collect()
    }
}
