//! A metric value or the machine-readable reason it is missing.
//!
//! metrics.md: "A metric that cannot be computed is `null` in JSON with a
//! machine-readable reason beside it, never 0 and never a guess."

pub mod catalogue;

pub use catalogue::{Basis, METRICS, MetricDef, MetricKey, MetricValue, Unit, metric, thousands};

/// Why a metric has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NullReason {
    /// Fewer than 5 posts in the engagement window.
    InsufficientPosts,
    /// Fewer than 5 window posts with views (rate by views), or no post with views (average views).
    NoViews,
    /// The platform exposed the count on no window post (for example shares on Instagram).
    NotExposed,
    /// The likes of the window sum to zero, so comments per 100 likes is undefined.
    NoLikes,
    /// The follower count is zero, so a rate per follower is undefined.
    NoFollowers,
    /// Every per-post rate is zero, so their coefficient of variation is undefined.
    ZeroEngagement,
    /// No follower observation at or before `as_of - 30 days`.
    NoHistory,
    /// The follower count 30 days earlier was zero, so growth is undefined.
    ZeroBase,
    /// Fewer than 30 peers (same platform and bucket) or no per-platform size fit.
    TooFewPeers,
    /// Under 1,000 followers: no benchmark bucket.
    NoBucket,
    /// The channel has posts or follower counts but no `channel` record, hence no `as_of`.
    NoChannelRecord,
    /// A derived value that has not been computed yet (`clout recompute` computes it).
    NotComputed,
}

impl NullReason {
    pub const ALL: [NullReason; 12] = [
        NullReason::InsufficientPosts,
        NullReason::NoViews,
        NullReason::NotExposed,
        NullReason::NoLikes,
        NullReason::NoFollowers,
        NullReason::ZeroEngagement,
        NullReason::NoHistory,
        NullReason::ZeroBase,
        NullReason::TooFewPeers,
        NullReason::NoBucket,
        NullReason::NoChannelRecord,
        NullReason::NotComputed,
    ];

    /// The stable snake_case code shown in JSON as `<metric>_reason`.
    pub const fn code(self) -> &'static str {
        match self {
            NullReason::InsufficientPosts => "insufficient_posts",
            NullReason::NoViews => "no_views",
            NullReason::NotExposed => "not_exposed",
            NullReason::NoLikes => "no_likes",
            NullReason::NoFollowers => "no_followers",
            NullReason::ZeroEngagement => "zero_engagement",
            NullReason::NoHistory => "no_history",
            NullReason::ZeroBase => "zero_base",
            NullReason::TooFewPeers => "too_few_peers",
            NullReason::NoBucket => "no_bucket",
            NullReason::NoChannelRecord => "no_channel_record",
            NullReason::NotComputed => "not_computed",
        }
    }

    pub fn from_code(code: &str) -> Option<NullReason> {
        NullReason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// A sentence for people.
    pub const fn explanation(self) -> &'static str {
        match self {
            NullReason::InsufficientPosts => "fewer than 5 posts in the engagement window",
            NullReason::NoViews => "too few posts with views",
            NullReason::NotExposed => "the platform does not expose this count",
            NullReason::NoLikes => "the window's posts have no likes",
            NullReason::NoFollowers => "the channel has no followers",
            NullReason::ZeroEngagement => "every post has zero engagement",
            NullReason::NoHistory => "no follower count from 30 days earlier",
            NullReason::ZeroBase => "the follower count 30 days earlier was zero",
            NullReason::TooFewPeers => "fewer than 30 peers to compare with",
            NullReason::NoBucket => "under 1,000 followers: no benchmark bucket",
            NullReason::NoChannelRecord => "no channel record imported yet",
            NullReason::NotComputed => "not computed yet: run clout recompute",
        }
    }
}

/// A computed value, or the reason there is none.
pub type Metric<T> = Result<T, NullReason>;
