//! The channel page as a model: everything the page shows about one channel, computed
//! here so that the edge only lays it out. Metric cards come from the catalogue
//! (`clout_core::metric::METRICS`) with each value's provenance; the chart series carry
//! the window, the viral posts (the core's rule, `clout_core::authenticity::is_viral`)
//! and the peer distribution.

use clout_core::authenticity::{is_viral, typical_rate};
use clout_core::metric::{METRICS, MetricDef, MetricValue};
use clout_core::{Metric, TierPreset, Timestamp};

use crate::catalogue::Reader;
use crate::{ChannelProfile, QualityReport, Result, Similar};

/// Lookalikes a channel page shows.
pub const PAGE_LOOKALIKES: usize = 8;

/// One metric as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricCard {
    pub def: &'static MetricDef,
    pub value: Metric<MetricValue>,
}

/// An eligible post on the engagement chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatePoint {
    pub published_at: Timestamp,
    /// Engagements / followers × 100.
    pub rate: f64,
    /// At least three times the channel's median per-post rate.
    pub viral: bool,
}

/// Everything the channel page shows about one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelPage {
    pub profile: ChannelProfile,
    /// `None` when the channel cannot be scored (no channel record yet).
    pub quality: Option<QualityReport>,
    pub similar: Vec<Similar>,
    /// Every metric of the catalogue, in its order.
    pub cards: Vec<MetricCard>,
    /// The eligible posts, newest first.
    pub engagement: Vec<RatePoint>,
    /// The window's time span: from its oldest post (or the 30-day bound, whichever is
    /// earlier) to the last eligible moment.
    pub window_span: Option<(Timestamp, Timestamp)>,
    /// The follower history, oldest first.
    pub followers: Vec<(Timestamp, u64)>,
    /// The median engagement rates of the channel's peers (same platform and size bucket):
    /// what its percentile compares.
    pub peer_rates: Vec<f64>,
    /// The channel's own median rate, to mark among its peers.
    pub rate: Option<f64>,
}

impl Reader<'_> {
    /// The channel page of `reference` (`PLATFORM/HANDLE`).
    pub fn channel_page(&self, reference: &str, preset: TierPreset) -> Result<ChannelPage> {
        let profile = self.channel_profile(reference, preset)?;
        let quality = self.quality(reference, preset).ok();
        let similar = self.similar(reference, PAGE_LOOKALIKES, preset)?;
        let peer_rates = match &profile.peers {
            Some(p) => self.peer_rates(p)?,
            None => Vec::new(),
        };
        Ok(page_model(profile, quality, similar, peer_rates))
    }
}

/// Assembles the page from what was read.
pub(crate) fn page_model(
    profile: ChannelProfile,
    quality: Option<QualityReport>,
    similar: Vec<Similar>,
    peer_rates: Vec<f64>,
) -> ChannelPage {
    let row = &profile.view.row;
    let cards = METRICS.iter().map(|def| MetricCard { def, value: crate::metric_value(row, def.key) }).collect();
    let rates: Vec<f64> = profile.posts.iter().filter_map(|p| p.rate).collect();
    let typical = typical_rate(&rates);
    let engagement = profile
        .posts
        .iter()
        .filter(|p| p.eligible)
        .filter_map(|p| {
            let rate = p.rate?;
            Some(RatePoint { published_at: p.post.snapshot.published_at, rate, viral: is_viral(rate, typical) })
        })
        .collect();
    let metrics = row.metrics.as_ref();
    let window_span = metrics.map(|m| {
        let oldest = profile.posts.iter().filter(|p| p.in_window).map(|p| p.post.snapshot.published_at).min();
        let start = oldest.map_or(m.thirty_days_after, |o| o.min(m.thirty_days_after));
        (start, m.eligible_until)
    });
    let followers = profile.history.iter().map(|h| (h.observed_at, h.followers)).collect();
    let rate = metrics.and_then(|m| m.median_engagement_rate.ok());
    ChannelPage { profile, quality, similar, cards, engagement, window_span, followers, peer_rates, rate }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Catalogue, CatalogueOptions, ImportOptions, Silent};

    /// 2026-11-20T12:00:00Z.
    const AS_OF: i64 = 1_795_176_000;
    const DAY: i64 = 86_400;

    #[test]
    fn viral_posts_are_three_times_the_median_rate_and_young_posts_are_not_charted() {
        let dir = tempfile::tempdir().unwrap();
        // 1,000 followers; eligible posts of 10, 20, 20, 30 and 90 likes: rates 1, 2, 2, 3
        // and 9 %. The young post (12 hours old, 50 likes: 5 %) is not eligible. Over every
        // post's rate the median is 2.5 %, so only 9 % (≥ 7.5 %) is viral.
        let mut lines = vec![format!(
            r#"{{"kind":"channel","platform":"instagram","handle":"chef","followers":1000,"observed_at":{AS_OF}}}"#
        )];
        for (i, likes) in [10, 20, 20, 30, 90].iter().enumerate() {
            lines.push(format!(
                r#"{{"kind":"post","platform":"instagram","handle":"chef","post_id":"p{i}","published_at":{},"likes":{likes},"comments":0}}"#,
                AS_OF - (i as i64 + 2) * DAY
            ));
        }
        lines.push(format!(
            r#"{{"kind":"post","platform":"instagram","handle":"chef","post_id":"young","published_at":{},"likes":50,"comments":0}}"#,
            AS_OF - DAY / 2
        ));
        let path = dir.path().join("chef.ndjson");
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let config = crate::test_config(dir.path().join("data"));
        let catalogue = Catalogue::open(config, CatalogueOptions::write("test")).unwrap();
        let options = ImportOptions {
            clock: || Timestamp::from_unix(AS_OF + DAY),
            strict: false,
            batch_size: 100,
            limits: Default::default(),
            max_decompressed_bytes: None,
            answers_observed_at: None,
            csv_map: None,
        };
        catalogue.import(|app| app.import(&[path], &options, &mut Silent)).unwrap();
        let page = catalogue.read(|r| r.channel_page("instagram/chef", TierPreset::Scrunch)).unwrap();
        assert_eq!(page.engagement.len(), 5, "the young post is not charted");
        let viral: Vec<f64> = page.engagement.iter().filter(|p| p.viral).map(|p| p.rate).collect();
        assert_eq!(viral.len(), 1);
        assert!((viral[0] - 9.0).abs() < 1e-9);
        assert_eq!(page.cards.len(), METRICS.len());
        let followers = page.cards.iter().find(|c| c.def.name == "followers").unwrap();
        assert_eq!(followers.value, Ok(MetricValue::Count(1_000)));
        // The peer chart marks the median of the window's 1, 2, 2, 3 and 9 %: 2 % (what
        // peers are compared by, metrics v2), not their mean of 3.4 %.
        assert!((page.rate.unwrap() - 2.0).abs() < 1e-9);
        let (start, end) = page.window_span.unwrap();
        assert_eq!(end, Timestamp::from_unix(AS_OF - DAY), "24 hours before as of");
        assert_eq!(start, Timestamp::from_unix(AS_OF - 30 * DAY), "the 30-day bound is older than every post");
    }
}
