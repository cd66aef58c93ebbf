//! What an audience-quality score reads besides the channel's own numbers: its peers'
//! comments per like, its follower-growth check and its follower samples judged, put
//! together as the score's inputs. Shared by the recompute and the profile's full report.

use clout_core::Platform;
use clout_core::follower::{FollowerModel, FollowerProfile};

/// Peers' `ln(1 + comments per 100 likes)`: mean and standard deviation per platform and
/// bucket (groups of at least 30), and per platform (the fallback for smaller buckets).
#[derive(Debug, Clone)]
pub(crate) struct PeerComments {
    by_bucket: std::collections::HashMap<(clout_core::Platform, clout_core::Bucket), (f64, f64)>,
    by_platform: std::collections::HashMap<clout_core::Platform, (f64, f64)>,
}

impl PeerComments {
    fn get(&self, platform: clout_core::Platform, bucket: Option<clout_core::Bucket>) -> Option<(f64, f64)> {
        bucket.and_then(|b| self.by_bucket.get(&(platform, b))).or_else(|| self.by_platform.get(&platform)).copied()
    }
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    (mean, (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / v.len() as f64).sqrt())
}

pub(crate) fn peer_comment_stats(rows: &[clout_store::ChannelRow]) -> PeerComments {
    comment_stats(rows.iter().filter_map(|r| {
        let m = r.metrics.as_ref()?;
        m.comments_per_100_likes.ok().map(|c| (r.platform, m.bucket, c))
    }))
}

/// Peer statistics from `(platform, bucket, comments per 100 likes)` of every channel.
pub(crate) fn comment_stats(
    rates: impl Iterator<Item = (clout_core::Platform, Option<clout_core::Bucket>, f64)>,
) -> PeerComments {
    use std::collections::HashMap;
    let mut groups: HashMap<(clout_core::Platform, clout_core::Bucket), Vec<f64>> = HashMap::new();
    let mut platforms: HashMap<clout_core::Platform, Vec<f64>> = HashMap::new();
    for (platform, bucket, c) in rates {
        platforms.entry(platform).or_default().push((1.0 + c).ln());
        if let Some(bucket) = bucket {
            groups.entry((platform, bucket)).or_default().push((1.0 + c).ln());
        }
    }
    // Sorted, so the sums do not depend on the order the store returned the rows in.
    for v in groups.values_mut().chain(platforms.values_mut()) {
        v.sort_by(f64::total_cmp);
    }
    let enough = |v: &Vec<f64>| v.len() >= clout_core::benchmark::MIN_PEERS;
    PeerComments {
        by_bucket: groups.into_iter().filter(|(_, v)| enough(v)).map(|(k, v)| (k, mean_sd(&v))).collect(),
        by_platform: platforms.into_iter().filter(|(_, v)| enough(v)).map(|(k, v)| (k, mean_sd(&v))).collect(),
    }
}

pub(crate) fn inputs(
    row: &clout_store::ChannelRow,
    history: &[(clout_core::Timestamp, u64)],
    posts: &[clout_core::PostSnapshot],
    peers: &PeerComments,
    sample: Option<clout_core::authenticity::SampleSummary>,
    comments: Option<&Vec<(String, String, Option<String>)>>,
) -> clout_core::authenticity::QualityInputs {
    let growth = growth_of(row.followers.unwrap_or(0), history, posts);
    let comments = comments.map(|c| clout_core::authenticity::comment_summary(c));
    inputs_with(row.platform, row.metrics.as_ref().map(Numbers::of).as_ref(), growth, peers, sample, comments)
}

/// The follower-growth check of a channel with `followers` (what the quality score reads
/// of its history and posts; the rest comes from its metrics).
pub(crate) fn growth_of(
    followers: u64,
    history: &[(clout_core::Timestamp, u64)],
    posts: &[clout_core::PostSnapshot],
) -> Option<clout_core::authenticity::GrowthCheck> {
    use clout_core::authenticity::{RatedPost, growth_anomalies};
    let rated: Vec<RatedPost> = posts
        .iter()
        .filter_map(|p| {
            p.rate(followers).map(|rate| RatedPost { post_id: p.post_id.clone(), published_at: p.published_at, rate })
        })
        .collect();
    growth_anomalies(history, &rated)
}

/// What an audience score reads of a channel's metrics, with its standing among peers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Numbers {
    pub(crate) stored: clout_store::StoredNumbers,
    pub(crate) engagement_index: clout_core::Metric<f64>,
    pub(crate) engagement_label: clout_core::Metric<clout_core::EngagementLabel>,
}

impl Numbers {
    pub(crate) fn of(m: &clout_store::MetricsRecord) -> Numbers {
        Numbers {
            stored: clout_store::StoredNumbers::of(m),
            engagement_index: m.engagement_index,
            engagement_label: m.engagement_label,
        }
    }
}

/// The quality score's inputs from a channel's growth check and metrics.
pub(crate) fn inputs_with(
    platform: Platform,
    m: Option<&Numbers>,
    growth: Option<clout_core::authenticity::GrowthCheck>,
    peers: &PeerComments,
    sample: Option<clout_core::authenticity::SampleSummary>,
    comments: Option<clout_core::authenticity::CommentSummary>,
) -> clout_core::authenticity::QualityInputs {
    clout_core::authenticity::QualityInputs {
        growth,
        engagement_index: m.and_then(|m| m.engagement_index.ok()),
        engagement_label: m.and_then(|m| m.engagement_label.ok()),
        comments_per_100_likes: m.and_then(|m| m.stored.comments_per_100_likes.ok()),
        peer_comments: m.and_then(|m| peers.get(platform, m.stored.bucket)),
        engagement_cv: m.and_then(|m| m.stored.engagement_cv.ok()),
        posts_in_window: m.map_or(0, |m| m.stored.posts_in_window),
        sample,
        comments,
    }
}

/// A follower sample row as the model reads it.
fn profile(r: &clout_store::SampleRow) -> FollowerProfile {
    clout_core::follower::SampledAccount {
        username: &r.username,
        followers: r.followers,
        following: r.following,
        posts: r.posts_count,
        has_profile_pic: r.has_profile_pic,
        is_private: r.is_private,
        bio_length: r.bio_length,
    }
    .profile()
}

/// Judges a channel's follower samples.
pub(crate) fn summarise(
    model: &FollowerModel,
    samples: &[clout_store::SampleRow],
) -> clout_core::authenticity::SampleSummary {
    let kinds = samples.iter().map(|r| model.kind(&profile(r)));
    clout_core::authenticity::SampleSummary::of(kinds, model.sensitivity, model.specificity)
}

/// A platform's follower model with its fingerprint: the verdicts a recompute stores are
/// kept only while the model (and the rules that read it) stay the same.
pub(crate) struct Judge {
    pub(crate) model: FollowerModel,
    pub(crate) fingerprint: String,
}

impl Judge {
    /// `text` is the model file the model was read from.
    pub(crate) fn new(model: FollowerModel, text: &str) -> Judge {
        use sha2::Digest as _;
        let digest = sha2::Sha256::new()
            .chain_update(format!("clout follower verdicts, rules {}\n", clout_core::follower::VERDICT_RULES))
            .chain_update(text.as_bytes())
            .finalize();
        Judge { model, fingerprint: digest[..12].iter().map(|b| format!("{b:02x}")).collect() }
    }

    /// The verdicts of each type on a sample.
    pub(crate) fn verdicts(&self, samples: &[clout_store::SampleRow]) -> clout_store::FollowerVerdicts {
        let mut types = [0u32; 5];
        for r in samples {
            types[self.model.kind(&profile(r)) as usize] += 1;
        }
        clout_store::FollowerVerdicts { model: self.fingerprint.clone(), types }
    }

    /// The sample's summary from its verdicts ([`summarise`] from the counts).
    pub(crate) fn summary(&self, v: &clout_store::FollowerVerdicts) -> clout_core::authenticity::SampleSummary {
        clout_core::authenticity::SampleSummary::of_counts(
            v.types.map(|n| n as usize),
            self.model.sensitivity,
            self.model.specificity,
        )
    }
}
