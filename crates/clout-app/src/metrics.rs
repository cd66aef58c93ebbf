//! The metrics of one channel as stored (`metrics_of`), and a metrics-only recompute kept for
//! the benchmarks (`recompute_metrics`); the product's recompute is `crate::derive`.

use clout_core::engagement::{ChannelPosts, channel_metrics};
use clout_core::{PeerInput, Platform, SizeFit};
use clout_store::MetricsRecord;

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

/// A channel's followers and metrics as stored (before the comparison with its peers);
/// `None` before its first `channel` record (no followers or `as_of`).
pub(crate) fn metrics_of(
    platform: Platform,
    followers: Option<u64>,
    as_of: Option<clout_core::Timestamp>,
    posts: &[clout_core::PostSnapshot],
    history: &[(clout_core::Timestamp, u64)],
) -> Option<(u64, MetricsRecord)> {
    let (as_of, followers) = (as_of?, followers?);
    let m = channel_metrics(&ChannelPosts { platform, followers, as_of, posts, follower_history: history });
    Some((followers, record_of(&m)))
}

/// A channel's metrics as stored, before the comparison with its peers.
fn record_of(m: &clout_core::engagement::ChannelMetrics) -> MetricsRecord {
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
        // Filled in once every channel's rate is known.
        bucket: None,
        engagement_percentile: Err(clout_core::NullReason::TooFewPeers),
        engagement_label: Err(clout_core::NullReason::TooFewPeers),
        engagement_index: Err(clout_core::NullReason::TooFewPeers),
    }
}

impl App {
    /// Recomputes every metric of every channel. Channels without a `channel` record
    /// have no `as_of`, hence no metrics.
    pub fn recompute_metrics(&mut self) -> Result<RecomputeSummary> {
        let mut records: Vec<(i64, MetricsRecord)> = Vec::new();
        let mut peers: Vec<PeerInput> = Vec::new();
        self.store.for_each_metrics_input(&mut |input| {
            let Some((followers, record)) =
                metrics_of(input.platform, input.followers, input.as_of, input.posts, input.history)
            else {
                return;
            };
            // Metrics v2: peers are compared by their median rate, so one viral post cannot
            // buy a percentile, a label or an index.
            peers.push(PeerInput { platform: input.platform, followers, rate: record.median_engagement_rate });
            records.push((input.channel_id, record));
        })?;
        let compared = clout_core::benchmark::Peers::of(&peers);
        for ((_, record), peer) in records.iter_mut().zip(&peers) {
            record.bucket = clout_core::Bucket::for_followers(peer.followers);
        }
        self.store.replace_metrics(&records, &compared)?;
        Ok(RecomputeSummary {
            channels: records.len() as u64,
            with_rate: peers.iter().filter(|p| p.rate.is_ok()).count() as u64,
            fits: compared.fits,
        })
    }
}

#[cfg(test)]
mod tests {
    use clout_core::{EngagementLabel, Timestamp};

    use crate::{Catalogue, CatalogueOptions, ImportOptions, Silent};

    /// 2026-11-20T12:00:00Z.
    const AS_OF: i64 = 1_795_176_000;
    const DAY: i64 = 86_400;

    fn channel(handle: &str, followers: u64, likes: &[u64]) -> Vec<String> {
        let mut lines = vec![format!(
            r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","followers":{followers},"observed_at":{AS_OF}}}"#
        )];
        for (i, l) in likes.iter().enumerate() {
            lines.push(format!(
                r#"{{"kind":"post","platform":"instagram","handle":"{handle}","post_id":"{handle}-{i}","published_at":{},"likes":{l},"comments":0,"observed_at":{AS_OF}}}"#,
                AS_OF - (i as i64 + 2) * DAY
            ));
        }
        lines
    }

    #[test]
    fn peers_are_compared_by_their_median_rate_so_one_viral_post_buys_no_label() {
        // 35 steady channels of the 2–5K bucket: channel k has 2,000 + 40k followers and five
        // posts of 20 + k likes, so its mean and median rate are (20 + k) / (2,000 + 40k):
        // 1.0 % for k = 0, rising to 54 / 3,360 = 1.607 % for k = 34.
        // One viral channel: 2,000 followers, four posts of 20 likes (1 %) and one of 1,200
        // (60 %): mean 12.8 %, median 1 %.
        let mut lines = Vec::new();
        for k in 0..35u64 {
            lines.extend(channel(&format!("steady{k}"), 2_000 + 40 * k, &[20 + k; 5]));
        }
        lines.extend(channel("viral", 2_000, &[20, 20, 20, 20, 1_200]));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("world.ndjson");
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let config = crate::test_config(dir.path().join("data"));
        let catalogue = Catalogue::open(config, CatalogueOptions::write("test")).unwrap();
        let options = ImportOptions {
            clock: || Timestamp::from_unix(AS_OF),
            strict: false,
            batch_size: 1_000,
            limits: Default::default(),
            max_decompressed_bytes: None,
            answers_observed_at: None,
            csv_map: None,
        };
        catalogue.import(|app| app.import(&[path], &options, &mut Silent)).unwrap();
        let metrics = |handle: &str| {
            let reference = format!("instagram/{handle}");
            catalogue
                .read(|r| r.channel_profile(&reference, clout_core::TierPreset::Scrunch))
                .unwrap()
                .view
                .row
                .metrics
                .unwrap()
        };
        let viral = metrics("viral");
        // The headline rate stays the mean, with the skew beside it.
        assert!((viral.engagement_rate.unwrap() - 12.8).abs() < 1e-9);
        assert!((viral.median_engagement_rate.unwrap() - 1.0).abs() < 1e-9);
        assert_eq!(viral.viral_skew, Ok(true));
        // No peer has a lower median than 1 %: percentile 100 * 0 / 36 = 0, label low (by
        // the mean, 12.8 %, it would have been the group's top: very_high).
        assert_eq!(viral.engagement_percentile, Ok(0.0));
        assert_eq!(viral.engagement_label, Ok(EngagementLabel::Low));
        // The steadiest top channel: 34 steady peers and the viral one below 1.607 %:
        // 100 * 35 / 36 = 97.2, very_high.
        let top = metrics("steady34");
        assert!((top.engagement_percentile.unwrap() - 100.0 * 35.0 / 36.0).abs() < 1e-9);
        assert_eq!(top.engagement_label, Ok(EngagementLabel::VeryHigh));
        // The index compares medians with the size fit: the viral channel's is the lowest.
        let index = |m: &crate::MetricsRecord| m.engagement_index.unwrap();
        assert!(index(&viral) < index(&metrics("steady0")) + 1e-9, "{} vs {}", index(&viral), index(&top));
        assert!(index(&viral) < index(&top));
    }
}
