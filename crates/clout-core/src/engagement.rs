//! Per-channel engagement metrics (metrics.md, "Engagements of one post",
//! "The engagement window" and "Rates").
//!
//! Everything here is relative to the channel's `as_of`, never to the wall clock.

use crate::metric::{Metric, NullReason};
use crate::platform::Platform;
use crate::time::Timestamp;

#[cfg(test)]
mod tests;

/// Window posts needed before any rate is computed.
pub const MIN_WINDOW_POSTS: usize = 5;
/// Posts the window falls back to when the last 30 days hold fewer.
pub const FALLBACK_POSTS: usize = 12;
/// Days covered by the time-based window.
pub const WINDOW_DAYS: i64 = 30;
/// Days covered by `posts_per_week`.
pub const CADENCE_DAYS: i64 = 90;
/// Days back for `follower_growth_30d`.
pub const GROWTH_DAYS: i64 = 30;

/// The current counts of one post: the observation with the newest `observed_at`.
#[derive(Debug, Clone, PartialEq)]
pub struct PostSnapshot {
    pub post_id: String,
    pub published_at: Timestamp,
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub views: Option<u64>,
}

impl PostSnapshot {
    /// `likes + comments + shares`; a count the platform hides counts as 0.
    pub fn engagements(&self) -> u64 {
        engagements(self.likes, self.comments, self.shares)
    }

    /// `engagements / followers * 100`, or `None` without followers.
    pub fn rate(&self, followers: u64) -> Option<f64> {
        (followers > 0).then(|| self.engagements() as f64 / followers as f64 * 100.0)
    }
}

/// A post's `likes + comments + shares` (metrics contract); a count the platform hides
/// counts as 0.
pub fn engagements(likes: Option<u64>, comments: Option<u64>, shares: Option<u64>) -> u64 {
    likes.unwrap_or(0).saturating_add(comments.unwrap_or(0)).saturating_add(shares.unwrap_or(0))
}

/// Everything the per-channel metrics need.
#[derive(Debug, Clone, Copy)]
pub struct ChannelPosts<'a> {
    pub platform: Platform,
    /// The follower count at `as_of`.
    pub followers: u64,
    /// The `observed_at` of the newest channel record.
    pub as_of: Timestamp,
    /// The current snapshot of every post of the channel, in any order.
    pub posts: &'a [PostSnapshot],
    /// Every follower observation `(observed_at, followers)`, channel records included, in any order.
    pub follower_history: &'a [(Timestamp, u64)],
}

/// Which rule chose the window's posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowRule {
    /// Eligible posts of the last 30 days (at least 12 of them).
    LastThirtyDays,
    /// The 12 most recent eligible posts, or all of them when fewer exist.
    LastTwelvePosts,
}

impl WindowRule {
    pub const fn as_str(self) -> &'static str {
        match self {
            WindowRule::LastThirtyDays => "last_30_days",
            WindowRule::LastTwelvePosts => "last_12_posts",
        }
    }
}

/// The posts an engagement rate is computed over.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub rule: WindowRule,
    /// Posts published at or before this instant are eligible (`as_of - min_age`).
    pub eligible_until: Timestamp,
    /// Exclusive lower bound of the 30-day rule (`as_of - 30 days`).
    pub thirty_days_after: Timestamp,
    /// Indices into [`ChannelPosts::posts`], newest first (ties: larger `post_id` first).
    pub posts: Vec<usize>,
}

/// The per-channel metrics of metrics.md.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelMetrics {
    pub window: Window,
    pub engagement_rate: Metric<f64>,
    pub median_engagement_rate: Metric<f64>,
    pub engagement_rate_by_views: Metric<f64>,
    pub viral_skew: Metric<bool>,
    pub engagement_cv: Metric<f64>,
    pub avg_likes: Metric<f64>,
    pub avg_comments: Metric<f64>,
    pub avg_shares: Metric<f64>,
    pub avg_views: Metric<f64>,
    pub comments_per_100_likes: Metric<f64>,
    pub posts_in_window: u32,
    pub posts_per_week: f64,
    pub follower_growth_30d: Metric<f64>,
}

/// Chooses the window's posts (metrics.md, "The engagement window").
pub fn engagement_window(platform: Platform, as_of: Timestamp, posts: &[PostSnapshot]) -> Window {
    let eligible_until = as_of.minus_seconds(platform.min_post_age_seconds());
    let thirty_days_after = as_of.minus_days(WINDOW_DAYS);
    let mut eligible: Vec<usize> = (0..posts.len()).filter(|&i| posts[i].published_at <= eligible_until).collect();
    // Newest first; equal times are broken by `post_id`, descending, so the choice is deterministic.
    eligible.sort_by(|&i, &j| {
        let (a, b) = (&posts[i], &posts[j]);
        b.published_at.cmp(&a.published_at).then_with(|| compare_post_ids(&b.post_id, &a.post_id))
    });
    let in_thirty_days = eligible.iter().take_while(|&&i| posts[i].published_at > thirty_days_after).count();
    let (rule, take) = if in_thirty_days >= FALLBACK_POSTS {
        (WindowRule::LastThirtyDays, in_thirty_days)
    } else {
        (WindowRule::LastTwelvePosts, FALLBACK_POSTS.min(eligible.len()))
    };
    eligible.truncate(take);
    Window { rule, eligible_until, thirty_days_after, posts: eligible }
}

/// Orders post ids: as numbers when both are all digits (`"10"` after `"9"`, as platforms
/// that number posts mean it), otherwise byte by byte; an all-digit id comes before any
/// other. A total order even when one channel mixes the two kinds (`"9"`, `"10"`, `"1a"`):
/// comparing a mixed pair by its bytes would make a cycle (`"9" < "10" < "1a" < "9"`),
/// and a sort given an order that is not total may panic.
pub fn compare_post_ids(a: &str, b: &str) -> std::cmp::Ordering {
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    match (numeric(a), numeric(b)) {
        (true, true) => {
            let (x, y) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            // Equal numbers written differently ("007", "7") still get a fixed order.
            x.len().cmp(&y.len()).then_with(|| x.cmp(y)).then_with(|| a.cmp(b))
        }
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

/// Computes every per-channel metric.
pub fn channel_metrics(input: &ChannelPosts<'_>) -> ChannelMetrics {
    let window = engagement_window(input.platform, input.as_of, input.posts);
    let window_posts: Vec<&PostSnapshot> = window.posts.iter().map(|&i| &input.posts[i]).collect();
    let posts_in_window = window_posts.len() as u32;
    let posts_per_week = posts_per_week(input.as_of, input.posts);
    let follower_growth_30d = follower_growth(input.followers, input.as_of, input.follower_history);

    let rates = rate_metrics(&window_posts, input.followers);
    ChannelMetrics {
        window,
        engagement_rate: rates.engagement_rate,
        median_engagement_rate: rates.median_engagement_rate,
        engagement_rate_by_views: rates.engagement_rate_by_views,
        viral_skew: rates.viral_skew,
        engagement_cv: rates.engagement_cv,
        avg_likes: rates.avg_likes,
        avg_comments: rates.avg_comments,
        avg_shares: rates.avg_shares,
        avg_views: rates.avg_views,
        comments_per_100_likes: rates.comments_per_100_likes,
        posts_in_window,
        posts_per_week,
        follower_growth_30d,
    }
}

struct RateMetrics {
    engagement_rate: Metric<f64>,
    median_engagement_rate: Metric<f64>,
    engagement_rate_by_views: Metric<f64>,
    viral_skew: Metric<bool>,
    engagement_cv: Metric<f64>,
    avg_likes: Metric<f64>,
    avg_comments: Metric<f64>,
    avg_shares: Metric<f64>,
    avg_views: Metric<f64>,
    comments_per_100_likes: Metric<f64>,
}

fn rate_metrics(posts: &[&PostSnapshot], followers: u64) -> RateMetrics {
    // metrics.md: "With fewer than 5 posts in the window every rate below is null".
    // The averages and comments per 100 likes describe the same window, so they are
    // withheld too; posts_in_window, posts_per_week and growth do not depend on it.
    if posts.len() < MIN_WINDOW_POSTS {
        let r = NullReason::InsufficientPosts;
        return RateMetrics {
            engagement_rate: Err(r),
            median_engagement_rate: Err(r),
            engagement_rate_by_views: Err(r),
            viral_skew: Err(r),
            engagement_cv: Err(r),
            avg_likes: Err(r),
            avg_comments: Err(r),
            avg_shares: Err(r),
            avg_views: Err(r),
            comments_per_100_likes: Err(r),
        };
    }

    let per_post: Metric<Vec<f64>> = if followers == 0 {
        Err(NullReason::NoFollowers)
    } else {
        Ok(posts.iter().map(|p| p.engagements() as f64 / followers as f64 * 100.0).collect())
    };
    let engagement_rate = per_post.as_ref().map(|rates| mean(rates)).map_err(|r| *r);
    let median_engagement_rate = per_post.as_ref().map(|rates| median(rates)).map_err(|r| *r);
    let viral_skew = match (engagement_rate, median_engagement_rate) {
        (Ok(mean), Ok(median)) => Ok(mean > 1.5 * median),
        (Err(r), _) | (_, Err(r)) => Err(r),
    };
    let engagement_cv = match (&per_post, engagement_rate) {
        (Ok(rates), Ok(mean)) if mean > 0.0 => Ok(population_sd(rates, mean) / mean),
        (Ok(_), Ok(_)) => Err(NullReason::ZeroEngagement),
        (Err(r), _) => Err(*r),
        (_, Err(r)) => Err(r),
    };

    let by_views: Vec<f64> = posts
        .iter()
        .filter_map(|p| match p.views {
            Some(views) if views > 0 => Some(p.engagements() as f64 / views as f64 * 100.0),
            _ => None,
        })
        .collect();
    let engagement_rate_by_views =
        if by_views.len() < MIN_WINDOW_POSTS { Err(NullReason::NoViews) } else { Ok(mean(&by_views)) };

    let avg_of = |field: fn(&PostSnapshot) -> Option<u64>, missing: NullReason| -> Metric<f64> {
        let values: Vec<f64> = posts.iter().filter_map(|p| field(p)).map(|v| v as f64).collect();
        if values.is_empty() { Err(missing) } else { Ok(mean(&values)) }
    };
    let likes: u64 = posts.iter().map(|p| p.likes.unwrap_or(0)).sum();
    let comments: u64 = posts.iter().map(|p| p.comments.unwrap_or(0)).sum();
    let comments_per_100_likes =
        if likes == 0 { Err(NullReason::NoLikes) } else { Ok(100.0 * comments as f64 / likes as f64) };

    RateMetrics {
        engagement_rate,
        median_engagement_rate,
        engagement_rate_by_views,
        viral_skew,
        engagement_cv,
        avg_likes: avg_of(|p| p.likes, NullReason::NotExposed),
        avg_comments: avg_of(|p| p.comments, NullReason::NotExposed),
        avg_shares: avg_of(|p| p.shares, NullReason::NotExposed),
        avg_views: avg_of(|p| p.views, NullReason::NoViews),
        comments_per_100_likes,
    }
}

/// Posts published in `(as_of - 90 days, as_of]`, per week.
pub fn posts_per_week(as_of: Timestamp, posts: &[PostSnapshot]) -> f64 {
    let after = as_of.minus_days(CADENCE_DAYS);
    let n = posts.iter().filter(|p| p.published_at > after && p.published_at <= as_of).count();
    n as f64 / (CADENCE_DAYS as f64 / 7.0)
}

/// `(followers - f0) / f0 * 100`, f0 being the newest observation at or before `as_of - 30 days`.
pub fn follower_growth(followers: u64, as_of: Timestamp, history: &[(Timestamp, u64)]) -> Metric<f64> {
    let cutoff = as_of.minus_days(GROWTH_DAYS);
    let f0 = history
        .iter()
        .filter(|(at, _)| *at <= cutoff)
        .max_by_key(|(at, _)| *at)
        .map(|&(_, f)| f)
        .ok_or(NullReason::NoHistory)?;
    if f0 == 0 {
        return Err(NullReason::ZeroBase);
    }
    Ok((followers as f64 - f0 as f64) / f0 as f64 * 100.0)
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The middle value, or the mean of the two middle values for an even count.
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 }
}

fn population_sd(values: &[f64], mean: f64) -> f64 {
    (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / values.len() as f64).sqrt()
}
