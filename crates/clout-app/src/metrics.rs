//! Recomputing every derived metric from the store: per-channel metrics, then the
//! comparison of each channel with its peers, written back in one transaction.

use clout_core::engagement::{ChannelPosts, channel_metrics};
use clout_core::{PeerInput, Platform, SizeFit, benchmark};
use clout_store::{ChannelStore, MetricsRecord};

use crate::{App, Result};

/// What a recomputation produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RecomputeSummary {
    /// Channels with a channel record, hence metrics.
    pub channels: u64,
    /// Channels with an engagement rate.
    pub with_rate: u64,
    /// Each platform's size fit.
    pub fits: Vec<(Platform, SizeFit)>,
}

impl App {
    /// Recomputes every metric of every channel. Channels without a `channel` record
    /// have no `as_of`, hence no metrics.
    pub fn recompute_metrics(&mut self) -> Result<RecomputeSummary> {
        let mut records: Vec<(i64, MetricsRecord)> = Vec::new();
        let mut peers: Vec<PeerInput> = Vec::new();
        self.store.for_each_metrics_input(&mut |input| {
            let (Some(as_of), Some(followers)) = (input.as_of, input.followers) else {
                return;
            };
            let m = channel_metrics(&ChannelPosts {
                platform: input.platform,
                followers,
                as_of,
                posts: input.posts,
                follower_history: input.history,
            });
            peers.push(PeerInput { platform: input.platform, followers, rate: m.engagement_rate });
            records.push((
                input.channel_id,
                MetricsRecord {
                    window_rule: m.window.rule,
                    eligible_until: m.window.eligible_until,
                    thirty_days_after: m.window.thirty_days_after,
                    posts_in_window: m.posts_in_window,
                    engagement_rate: m.engagement_rate,
                    median_engagement_rate: m.median_engagement_rate,
                    engagement_rate_by_views: m.engagement_rate_by_views,
                    viral_skew: m.viral_skew,
                    engagement_cv: m.engagement_cv,
                    avg_likes: m.avg_likes,
                    avg_comments: m.avg_comments,
                    avg_shares: m.avg_shares,
                    avg_views: m.avg_views,
                    comments_per_100_likes: m.comments_per_100_likes,
                    posts_per_week: m.posts_per_week,
                    follower_growth_30d: m.follower_growth_30d,
                    // Filled in below, once every channel's rate is known.
                    bucket: None,
                    engagement_percentile: Err(clout_core::NullReason::TooFewPeers),
                    engagement_label: Err(clout_core::NullReason::TooFewPeers),
                    engagement_index: Err(clout_core::NullReason::TooFewPeers),
                },
            ));
        })?;
        let b = benchmark::benchmarks(&peers);
        for ((_, record), peer) in records.iter_mut().zip(&b.channels) {
            record.bucket = peer.bucket;
            record.engagement_percentile = peer.engagement_percentile;
            record.engagement_label = peer.engagement_label;
            record.engagement_index = peer.engagement_index;
        }
        self.store.replace_metrics(&records, &b.fits, &b.buckets)?;
        Ok(RecomputeSummary {
            channels: records.len() as u64,
            with_rate: peers.iter().filter(|p| p.rate.is_ok()).count() as u64,
            fits: b.fits,
        })
    }
}
