//! Comparisons with peers (metrics.md, "Benchmarks and labels"): benchmark buckets,
//! the engagement percentile and label, and the per-platform size fit behind the
//! engagement index.
//!
//! These depend on every channel in the store: [`Peers`] holds what they read of all of
//! them (each group's rates, each platform's fit), made in one pass after the per-channel
//! metrics, and compares one channel at a time.

use std::collections::{BTreeMap, HashMap};

use crate::metric::{Metric, NullReason};
use crate::platform::Platform;

#[cfg(test)]
mod tests;

/// Peers needed in a bucket for a percentile, and channels needed for a size fit.
pub const MIN_PEERS: usize = 30;

/// A follower-count bucket for benchmarks; under 1,000 followers there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    K1to2,
    K2to5,
    K5to10,
    K10to20,
    K20to50,
    K50to100,
    K100to250,
    K250to500,
    K500to1m,
    M1to5,
    M5plus,
}

impl Bucket {
    pub const ALL: [Bucket; 11] = [
        Bucket::K1to2,
        Bucket::K2to5,
        Bucket::K5to10,
        Bucket::K10to20,
        Bucket::K20to50,
        Bucket::K50to100,
        Bucket::K100to250,
        Bucket::K250to500,
        Bucket::K500to1m,
        Bucket::M1to5,
        Bucket::M5plus,
    ];
    const LOWER: [u64; 11] =
        [1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 5_000_000];

    /// Lower bounds inclusive, upper bounds exclusive, like tiers.
    pub fn for_followers(followers: u64) -> Option<Bucket> {
        let above = Bucket::LOWER.iter().filter(|&&low| followers >= low).count();
        above.checked_sub(1).map(|i| Bucket::ALL[i])
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Bucket::K1to2 => "1-2K",
            Bucket::K2to5 => "2-5K",
            Bucket::K5to10 => "5-10K",
            Bucket::K10to20 => "10-20K",
            Bucket::K20to50 => "20-50K",
            Bucket::K50to100 => "50-100K",
            Bucket::K100to250 => "100-250K",
            Bucket::K250to500 => "250-500K",
            Bucket::K500to1m => "500K-1M",
            Bucket::M1to5 => "1-5M",
            Bucket::M5plus => "5M+",
        }
    }

    pub fn parse(raw: &str) -> Option<Bucket> {
        Bucket::ALL.into_iter().find(|b| b.as_str().eq_ignore_ascii_case(raw.trim()))
    }
}

/// How a channel's engagement compares with its peers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EngagementLabel {
    Low,
    Good,
    High,
    VeryHigh,
}

impl EngagementLabel {
    pub const ALL: [EngagementLabel; 4] =
        [EngagementLabel::Low, EngagementLabel::Good, EngagementLabel::High, EngagementLabel::VeryHigh];

    pub const fn as_str(self) -> &'static str {
        match self {
            EngagementLabel::Low => "low",
            EngagementLabel::Good => "good",
            EngagementLabel::High => "high",
            EngagementLabel::VeryHigh => "very_high",
        }
    }

    /// The label in words, for people.
    pub const fn words(self) -> &'static str {
        match self {
            EngagementLabel::Low => "low",
            EngagementLabel::Good => "good",
            EngagementLabel::High => "high",
            EngagementLabel::VeryHigh => "very high",
        }
    }

    pub fn parse(raw: &str) -> Option<EngagementLabel> {
        let lower = raw.trim().to_ascii_lowercase().replace('-', "_");
        EngagementLabel::ALL.into_iter().find(|l| l.as_str() == lower)
    }

    /// From the percentile: low < 25, good 25 – < 75, high 75 – < 90, very high ≥ 90.
    pub fn from_percentile(percentile: f64) -> EngagementLabel {
        if percentile < 25.0 {
            EngagementLabel::Low
        } else if percentile < 75.0 {
            EngagementLabel::Good
        } else if percentile < 90.0 {
            EngagementLabel::High
        } else {
            EngagementLabel::VeryHigh
        }
    }

    /// Fixed bands on the rate (%), used without a percentile: low < 1, good 1 – < 3.5,
    /// high 3.5 – < 6, very high ≥ 6.
    pub fn from_rate(rate: f64) -> EngagementLabel {
        if rate < 1.0 {
            EngagementLabel::Low
        } else if rate < 3.5 {
            EngagementLabel::Good
        } else if rate < 6.0 {
            EngagementLabel::High
        } else {
            EngagementLabel::VeryHigh
        }
    }
}

/// `ln(rate) = a + b · ln(followers)`, fitted by ordinary least squares on one platform.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SizeFit {
    pub a: f64,
    /// How fast engagement falls as following grows: the elasticity of the rate to size.
    pub b: f64,
    /// Channels the fit used.
    pub n: usize,
}

impl SizeFit {
    /// The typical rate (%) for a channel of this size.
    pub fn expected_rate(&self, followers: u64) -> f64 {
        (self.a + self.b * (followers as f64).ln()).exp()
    }
}

/// What the peer comparison needs of one channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeerInput {
    pub platform: Platform,
    pub followers: u64,
    /// The rate channels are compared by: the channel's `median_engagement_rate` (metrics
    /// v2), or why it has none.
    pub rate: Metric<f64>,
}

/// A channel's standing among its peers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeerMetrics {
    pub bucket: Option<Bucket>,
    pub engagement_percentile: Metric<f64>,
    pub engagement_label: Metric<EngagementLabel>,
    pub engagement_index: Metric<f64>,
}

/// One group of peers: channels with a rate on one platform in one bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketStats {
    pub platform: Platform,
    pub bucket: Bucket,
    pub channels: usize,
    pub median_rate: f64,
}

/// The result of comparing every channel with its peers.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmarks {
    /// One entry per input channel, in input order.
    pub channels: Vec<PeerMetrics>,
    /// The size fit of each platform that has one.
    pub fits: Vec<(Platform, SizeFit)>,
    /// Every non-empty (platform, bucket) group, sorted.
    pub buckets: Vec<BucketStats>,
}

/// Fits `ln(rate) = a + b ln(followers)` over the points with `rate > 0` and
/// `followers >= 1000`; `None` with fewer than 30 such points or no spread in size.
pub fn fit_size(points: impl IntoIterator<Item = (u64, f64)>) -> Option<SizeFit> {
    let xy: Vec<(f64, f64)> = points
        .into_iter()
        .filter(|&(followers, rate)| rate > 0.0 && followers >= 1_000 && rate.is_finite())
        .map(|(followers, rate)| ((followers as f64).ln(), rate.ln()))
        .collect();
    let n = xy.len();
    if n < MIN_PEERS {
        return None;
    }
    let mean_x = xy.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let mean_y = xy.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let sxx: f64 = xy.iter().map(|p| (p.0 - mean_x) * (p.0 - mean_x)).sum();
    let sxy: f64 = xy.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    // Equal sizes everywhere leave no slope to fit (and rounding could hide a zero `sxx`).
    if sxx <= 0.0 || xy.iter().all(|p| p.0 == xy[0].0) {
        return None;
    }
    let b = sxy / sxx;
    Some(SizeFit { a: mean_y - b * mean_x, b, n })
}

/// What a comparison with peers reads: every peer group's rates and each platform's size
/// fit. Made once from every channel ([`Peers::of`]); a channel is then compared on its own
/// ([`Peers::compare`]), so a store can keep these and compare each channel when it is read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Peers {
    /// Each (platform, bucket) group's rates, ascending.
    pub groups: BTreeMap<(Platform, Bucket), Vec<f64>>,
    /// The size fit of each platform that has one, by platform.
    pub fits: Vec<(Platform, SizeFit)>,
}

impl Peers {
    /// The groups and fits of these channels.
    pub fn of(channels: &[PeerInput]) -> Peers {
        let mut groups: BTreeMap<(Platform, Bucket), Vec<f64>> = BTreeMap::new();
        let mut by_platform: HashMap<Platform, Vec<(u64, f64)>> = HashMap::new();
        for c in channels {
            if let Ok(rate) = c.rate {
                if let Some(bucket) = Bucket::for_followers(c.followers) {
                    groups.entry((c.platform, bucket)).or_default().push(rate);
                }
                by_platform.entry(c.platform).or_default().push((c.followers, rate));
            }
        }
        for rates in groups.values_mut() {
            rates.sort_by(f64::total_cmp);
        }
        let mut fits: Vec<(Platform, SizeFit)> =
            by_platform.into_iter().filter_map(|(p, points)| fit_size(points).map(|fit| (p, fit))).collect();
        fits.sort_by_key(|(p, _)| *p);
        Peers { groups, fits }
    }

    /// One channel's standing among the peers.
    pub fn compare(&self, platform: Platform, followers: u64, rate: Metric<f64>) -> PeerMetrics {
        let bucket = Bucket::for_followers(followers);
        let rate = match rate {
            Ok(rate) => rate,
            Err(reason) => {
                return PeerMetrics {
                    bucket,
                    engagement_percentile: Err(reason),
                    engagement_label: Err(reason),
                    engagement_index: Err(reason),
                };
            }
        };
        let engagement_percentile = match bucket {
            None => Err(NullReason::NoBucket),
            Some(bucket) => match self.groups.get(&(platform, bucket)) {
                Some(rates) if rates.len() >= MIN_PEERS => {
                    let lower = rates.partition_point(|&r| r < rate);
                    Ok(100.0 * lower as f64 / rates.len() as f64)
                }
                _ => Err(NullReason::TooFewPeers),
            },
        };
        let engagement_label = Ok(match engagement_percentile {
            Ok(p) => EngagementLabel::from_percentile(p),
            Err(_) => EngagementLabel::from_rate(rate),
        });
        let engagement_index = match self.fits.iter().find(|(p, _)| *p == platform) {
            // An extreme fit can underflow the expected rate to 0; a ratio that is not a
            // finite number is no index.
            Some((_, fit)) if followers > 0 => {
                Some(rate / fit.expected_rate(followers)).filter(|i| i.is_finite()).ok_or(NullReason::TooFewPeers)
            }
            Some(_) => Err(NullReason::NoFollowers),
            None => Err(NullReason::TooFewPeers),
        };
        PeerMetrics { bucket, engagement_percentile, engagement_label, engagement_index }
    }

    /// Every non-empty group's size and median rate, by platform, then bucket.
    pub fn buckets(&self) -> Vec<BucketStats> {
        self.groups
            .iter()
            .map(|(&(platform, bucket), rates)| {
                let n = rates.len();
                let median_rate = if n % 2 == 1 { rates[n / 2] } else { (rates[n / 2 - 1] + rates[n / 2]) / 2.0 };
                BucketStats { platform, bucket, channels: n, median_rate }
            })
            .collect()
    }
}

/// Compares every channel with the others: percentile and label within its platform and
/// bucket, and the engagement index against its platform's size fit.
pub fn benchmarks(channels: &[PeerInput]) -> Benchmarks {
    let peers = Peers::of(channels);
    Benchmarks {
        channels: channels.iter().map(|c| peers.compare(c.platform, c.followers, c.rate)).collect(),
        buckets: peers.buckets(),
        fits: peers.fits,
    }
}
