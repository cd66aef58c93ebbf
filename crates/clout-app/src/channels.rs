//! Listing channels and showing one, with tiers as a view of the follower count.

use clout_core::benchmark::BucketStats;
use clout_core::engagement::engagement_window;
use clout_core::metric::{MetricKey, MetricValue};
use clout_core::{Handle, Metric, NullReason, Platform, SizeFit, Tier, TierPreset};
use clout_store::{ChannelFilter, ChannelRow, FollowerPoint, PostRow, StoredNiche};

use crate::{App, Error, Result};

/// Which channels to list.
#[derive(Debug, Clone)]
pub struct ChannelQuery {
    pub platform: Option<Platform>,
    pub tier: Option<Tier>,
    pub preset: TierPreset,
}

/// A channel with its tier under the chosen preset.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelView {
    pub row: ChannelRow,
    /// `None` until a channel record gives a follower count.
    pub tier: Option<Tier>,
    /// Niche labels, most confident first.
    pub niches: Vec<StoredNiche>,
}

/// A post as the profile shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfilePost {
    pub post: PostRow,
    /// Whether the post is in the engagement window.
    pub in_window: bool,
    /// Old enough to count (metrics.md: 24 hours, 7 days on YouTube).
    pub eligible: bool,
    /// `engagements / followers * 100` for this post.
    pub rate: Option<f64>,
}

/// Everything `clout show` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelProfile {
    pub view: ChannelView,
    /// Every post, newest first.
    pub posts: Vec<ProfilePost>,
    pub history: Vec<FollowerPoint>,
    /// The platform's size fit behind the engagement index.
    pub fit: Option<SizeFit>,
    /// The channel's peer group.
    pub peers: Option<BucketStats>,
    /// The accounts (brands, usually) its posts mention.
    pub mentioned: Vec<crate::Mentioned>,
}

/// Parses `PLATFORM/HANDLE` (the handle may carry `@` and capitals).
pub fn parse_channel_ref(reference: &str) -> Result<(Platform, Handle)> {
    let (platform, handle) = reference.split_once('/').ok_or_else(|| {
        Error::Invalid(format!("'{reference}' is not PLATFORM/HANDLE (for example instagram/veganvibes)"))
    })?;
    let platform = Platform::parse(platform).map_err(|e| Error::Invalid(e.to_string()))?;
    let handle = Handle::parse(handle).map_err(|e| Error::Invalid(format!("'{handle}': {e}")))?;
    Ok((platform, handle))
}

pub(crate) fn view(row: ChannelRow, preset: TierPreset, niches: Vec<StoredNiche>) -> ChannelView {
    let tier = row.followers.map(|f| Tier::for_followers(f, preset));
    ChannelView { row, tier, niches }
}

impl App {
    pub fn channels(&self, query: &ChannelQuery) -> Result<Vec<ChannelView>> {
        let (min_followers, below_followers) = match query.tier {
            Some(tier) => {
                let (low, high) = tier.range(query.preset);
                (Some(low), high)
            }
            None => (None, None),
        };
        let filter = ChannelFilter { platform: query.platform, min_followers, below_followers };
        let rows = self.store.channels(&filter)?;
        let mut niches = self.store.niches_by_channel()?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let labels = niches.remove(&r.id).unwrap_or_default();
                view(r, query.preset, labels)
            })
            .collect())
    }

    /// One channel by `PLATFORM/HANDLE`.
    pub fn channel_profile(&self, reference: &str, preset: TierPreset) -> Result<ChannelProfile> {
        let (platform, handle) = parse_channel_ref(reference)?;
        let detail = self
            .store
            .channel_detail(platform, handle.as_str())?
            .ok_or_else(|| Error::NotFound(format!("no channel {platform}/{handle} in the store")))?;
        let followers = detail.channel.followers;
        let in_window: Vec<bool> = match detail.channel.as_of {
            Some(as_of) => {
                let snapshots: Vec<_> = detail.posts.iter().map(|p| p.snapshot.clone()).collect();
                let window = engagement_window(platform, as_of, &snapshots);
                let mut flags = vec![false; snapshots.len()];
                for i in window.posts {
                    flags[i] = true;
                }
                flags
            }
            None => vec![false; detail.posts.len()],
        };
        let eligible_until = detail.channel.as_of.map(|t| t.minus_seconds(platform.min_post_age_seconds()));
        let posts = detail
            .posts
            .into_iter()
            .zip(in_window)
            .map(|(post, in_window)| ProfilePost {
                in_window,
                eligible: eligible_until.is_some_and(|t| post.snapshot.published_at <= t),
                rate: followers.and_then(|f| post.snapshot.rate(f)),
                post,
            })
            .collect::<Vec<_>>();
        let fit = self.store.platform_fits()?.into_iter().find(|f| f.platform == platform).map(|f| f.fit);
        let bucket = detail.channel.metrics.as_ref().and_then(|m| m.bucket);
        let peers = match bucket {
            Some(bucket) => {
                self.store.bucket_stats()?.into_iter().find(|b| b.platform == platform && b.bucket == bucket)
            }
            None => None,
        };
        let niches = self.store.niches_of(detail.channel.id)?;
        let mentioned = crate::brands::mentioned(&posts);
        Ok(ChannelProfile {
            view: view(detail.channel, preset, niches),
            posts,
            history: detail.history,
            fit,
            peers,
            mentioned,
        })
    }

    /// Every platform's size fit and every peer group, for `clout benchmarks`.
    pub fn benchmarks(&self) -> Result<(Vec<clout_store::PlatformFit>, Vec<BucketStats>)> {
        Ok((self.store.platform_fits()?, self.store.bucket_stats()?))
    }
}

/// A channel's value of a catalogue metric (`clout_core::metric::METRICS`), or why it has
/// none: every edge reads metrics through this one accessor.
pub fn metric_value(row: &ChannelRow, key: MetricKey) -> Metric<MetricValue> {
    use MetricValue::{Count, Flag, Name, Number};
    let no_record = NullReason::NoChannelRecord;
    if key == MetricKey::Followers {
        return row.followers.map(Count).ok_or(no_record);
    }
    let Some(m) = &row.metrics else {
        return Err(no_record);
    };
    match key {
        MetricKey::Followers => row.followers.map(Count).ok_or(no_record),
        MetricKey::EngagementRate => m.engagement_rate.map(Number),
        MetricKey::MedianEngagementRate => m.median_engagement_rate.map(Number),
        MetricKey::EngagementRateByViews => m.engagement_rate_by_views.map(Number),
        MetricKey::ViralSkew => m.viral_skew.map(Flag),
        MetricKey::EngagementCv => m.engagement_cv.map(Number),
        MetricKey::AvgLikes => m.avg_likes.map(Number),
        MetricKey::AvgComments => m.avg_comments.map(Number),
        MetricKey::AvgShares => m.avg_shares.map(Number),
        MetricKey::AvgViews => m.avg_views.map(Number),
        MetricKey::CommentsPer100Likes => m.comments_per_100_likes.map(Number),
        MetricKey::PostsInWindow => Ok(Count(u64::from(m.posts_in_window))),
        MetricKey::PostsPerWeek => Ok(Number(m.posts_per_week)),
        MetricKey::FollowerGrowth30d => m.follower_growth_30d.map(Number),
        MetricKey::BenchmarkBucket => m.bucket.map(|b| Name(b.as_str())).ok_or(NullReason::NoBucket),
        MetricKey::EngagementPercentile => m.engagement_percentile.map(Number),
        MetricKey::EngagementLabel => m.engagement_label.map(|l| Name(l.as_str())),
        MetricKey::EngagementIndex => m.engagement_index.map(Number),
    }
}
