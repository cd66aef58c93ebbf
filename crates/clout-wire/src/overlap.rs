//! Audience overlap of a shortlist: pairwise shared followers (estimated from follower
//! samples, with ranges) and commenters, each channel's unique share, the unique reach.

use serde::Serialize;
use utoipa::ToSchema;

use crate::round2;
use crate::schema::PlatformName;

/// A channel of the shortlist.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverlapChannel {
    #[schema(value_type = PlatformName)]
    pub platform: String,
    pub handle: String,
    pub name: Option<String>,
    pub followers: Option<u64>,
    /// Followers in its imported sample (the overlap reads them).
    pub sampled_followers: u64,
    /// Distinct authors of its imported comments.
    pub commenters: u64,
    /// Percent of its followers who follow none of the others (estimated; `null` when an
    /// overlap of it is unknown), with the 95 % range.
    pub unique_share: Option<f64>,
    pub unique_share_low: Option<f64>,
    pub unique_share_high: Option<f64>,
}

/// Two channels and what they share.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverlapPair {
    /// `PLATFORM/HANDLE`.
    pub a: String,
    pub b: String,
    /// Usernames in both follower samples (counted).
    pub shared_in_samples: u64,
    /// Followers of both (estimated from the samples; `null` when a channel has none),
    /// with the 95 % range.
    pub shared_followers: Option<f64>,
    pub shared_followers_low: Option<f64>,
    pub shared_followers_high: Option<f64>,
    /// The shared followers as a percent of `a`'s and of `b`'s followers.
    pub share_of_a: Option<f64>,
    pub share_of_b: Option<f64>,
    /// Authors who commented on both (counted).
    pub shared_commenters: u64,
}

/// The overlap of a shortlist (`clout overlap --json`, `GET /api/v1/overlap`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Overlap {
    pub channels: Vec<OverlapChannel>,
    pub pairs: Vec<OverlapPair>,
    /// The sum of the channels' followers.
    pub total_followers: u64,
    /// Followers reached at least once (estimated; `null` when an overlap is unknown),
    /// with its range.
    pub unique_reach: Option<f64>,
    pub unique_reach_low: f64,
    pub unique_reach_high: f64,
}

impl From<&clout_app::OverlapReport> for Overlap {
    fn from(r: &clout_app::OverlapReport) -> Overlap {
        let o = &r.overlap;
        let name = |i: usize| format!("{}/{}", r.channels[i].platform, r.channels[i].handle);
        let followers = |i: usize| r.channels[i].followers.filter(|f| *f > 0).map(|f| f as f64);
        Overlap {
            channels: r
                .channels
                .iter()
                .zip(&o.unique_share)
                .map(|(c, u)| OverlapChannel {
                    platform: c.platform.to_string(),
                    handle: c.handle.clone(),
                    name: c.name.clone(),
                    followers: c.followers,
                    sampled_followers: c.sampled,
                    commenters: c.commenters,
                    unique_share: u.and_then(|u| round2(100.0 * u.value)),
                    unique_share_low: u.and_then(|u| round2(100.0 * u.low)),
                    unique_share_high: u.and_then(|u| round2(100.0 * u.high)),
                })
                .collect(),
            pairs: o
                .pairs
                .iter()
                .map(|p| {
                    let share =
                        |f: Option<f64>| p.followers.zip(f).and_then(|(e, f)| round2(100.0 * (e.value / f).min(1.0)));
                    OverlapPair {
                        a: name(p.a),
                        b: name(p.b),
                        shared_in_samples: p.shared_in_samples,
                        shared_followers: p.followers.map(|e| e.value.round()),
                        shared_followers_low: p.followers.map(|e| e.low.round()),
                        shared_followers_high: p.followers.map(|e| e.high.round()),
                        share_of_a: share(followers(p.a)),
                        share_of_b: share(followers(p.b)),
                        shared_commenters: p.shared_commenters,
                    }
                })
                .collect(),
            total_followers: o.total_followers,
            unique_reach: o.unique_reach.map(f64::round),
            unique_reach_low: o.unique_reach_low.round(),
            unique_reach_high: o.unique_reach_high.round(),
        }
    }
}
