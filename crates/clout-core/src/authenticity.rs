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
use crate::time::{DAY, Timestamp};
pub use comments::{CommentSummary, comment_summary, is_generic};

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

/// Everything the audience-quality score reads of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityInputs {
    pub growth: Option<GrowthCheck>,
    pub engagement_index: Option<f64>,
    /// The channel's engagement label among its peers (median rate, metrics v2).
    pub engagement_label: Option<crate::EngagementLabel>,
    pub comments_per_100_likes: Option<f64>,
    /// Mean and standard deviation of `ln(1 + comments per 100 likes)` among peers of the
    /// same platform and size bucket (at least 30 of them), or `None`.
    pub peer_comments: Option<(f64, f64)>,
    pub engagement_cv: Option<f64>,
    pub posts_in_window: u32,
    pub sample: Option<SampleSummary>,
    pub comments: Option<CommentSummary>,
}

/// One component of the score.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub name: &'static str,
    /// Points taken off the score (0 when nothing is wrong or nothing is known).
    pub penalty: f64,
    /// `false` when the data this component needs is missing.
    pub available: bool,
    /// A sentence for people.
    pub explanation: String,
    pub evidence: Vec<String>,
    /// The followers sample's audience types (the `followers_sample` component only).
    pub audience: Option<SampleSummary>,
}

/// The audience-quality score: 0 (the audience looks bought or faked) to 100 (nothing
/// suspicious), with a range that widens when evidence is thin.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityScore {
    pub score: f64,
    pub low: f64,
    pub high: f64,
    pub components: Vec<Component>,
    /// What the penalties alone say: 100 minus their sum.
    pub penalised: f64,
    /// The evidence behind the score, in units (see [`quality_score`]).
    pub evidence: f64,
    /// Fewer than [`MIN_KINDS`] kinds of evidence: the score is mostly the prior.
    pub not_enough_evidence: bool,
}

/// The score of a channel about which nothing is known: the score is pulled towards it
/// the thinner the evidence.
pub const PRIOR: f64 = 70.0;
/// Evidence (in units) at which the score is halfway between the prior and what the
/// penalties say.
pub const HALF_EVIDENCE: f64 = 1.0;
/// The kinds of evidence (growth, engagement versus size, comments per like, a followers
/// sample, comments) a score needs before it is more than "not enough evidence".
pub const MIN_KINDS: usize = 2;

/// Computes the score. Penalties:
/// - growth: 25 points per unexplained gain of 25 % (scaled by its size, capped at 50 per
///   gain), 45 at most; gains explained by a viral post and losses are listed, not penalised;
/// - engagement versus size: an engagement index under 0.5 costs up to 30 points (ghost
///   audience); above 3 with comments per like 1 SD under peers, 15 (bought likes);
/// - comments per 100 likes: more than 2.5 SD above peers costs 10 + 8 per further SD, 30 at
///   most (engagement pods);
/// - consistency: a coefficient of variation under 0.15 together with comments 1.5 SD above
///   peers costs 10 more (pods engage on every post alike);
/// - followers sample: 60 × the share judged fake, 50 at most;
/// - comments (20 or more on 5 or more posts): a generic share above 40 % costs up to 20;
///   three or more accounts commenting on at least half the posts cost 5 each, 20 at most.
///
/// **Evidence, not defaults.** The penalties give `penalised = 100 − Σ penalties`; the
/// score is pulled towards [`PRIOR`] as much as the evidence is thin:
/// `score = PRIOR + (penalised − PRIOR) × E / (E + HALF_EVIDENCE)`, where `E` counts the
/// evidence in units: growth (intervals / 8, at most 1), engagement versus size (window
/// posts / 12, at most 1), comments per like against peers (1), a followers sample (2 ×
/// sampled / 100, at most 2) and judged comments (1). A channel with fewer than
/// [`MIN_KINDS`] of these is flagged as not enough evidence. So no channel scores a
/// confident 100: everything clean and every kind of evidence in full gives 95.7.
///
/// The range adds ±10 without a follower history to judge, ±8 with fewer than 12 window
/// posts, ±5 without a follower sample, the sample's own uncertainty when there is one,
/// and ±30 × (1 − E / (E + HALF_EVIDENCE)) for what the prior still holds.
pub fn quality_score(x: &QualityInputs) -> QualityScore {
    let mut components = Vec::new();
    let mut width = 0.0;

    // Growth anomalies.
    match &x.growth {
        None => {
            width += 10.0;
            components.push(Component {
                name: "growth",
                penalty: 0.0,
                available: false,
                explanation: "too little follower history to judge growth".to_string(),
                evidence: Vec::new(),
                audience: None,
            });
        }
        Some(g) => {
            let mut penalty = 0.0;
            let mut evidence = Vec::new();
            for a in &g.anomalies {
                let when = format!("between {} and {}", a.from.date(), a.to.date());
                let size =
                    format!("{:+.0} % ({} → {} followers)", a.change * 100.0, a.followers_before, a.followers_after);
                match (&a.viral_post, a.change > 0.0) {
                    (Some(p), _) => evidence.push(format!(
                        "{size} {when}, explained by post {} at {:.1}× the usual engagement",
                        p.post_id, p.times_median
                    )),
                    (None, true) => {
                        penalty += (25.0 * a.change / 0.25).min(50.0);
                        evidence.push(format!("{size} {when}, with no viral post to explain it"));
                    }
                    (None, false) => evidence.push(format!("{size} {when}: a sudden loss (a purge by the platform?)")),
                }
            }
            let penalty = penalty.min(45.0);
            components.push(Component {
                name: "growth",
                penalty,
                available: true,
                explanation: if penalty > 0.0 {
                    "sudden follower gains far outside the channel's own trend, with no viral post around them"
                        .to_string()
                } else {
                    format!("{} intervals checked: no unexplained jump", g.intervals)
                },
                evidence,
                audience: None,
            });
        }
    }

    // Comments per 100 likes against peers.
    let comment_z = match (x.comments_per_100_likes, x.peer_comments) {
        (Some(c), Some((mean, sd))) if sd > 0.0 => Some(((1.0 + c).ln() - mean) / sd),
        _ => None,
    };
    let c_penalty = comment_z.filter(|&z| z > 2.5).map_or(0.0, |z| (10.0 + 8.0 * (z - 2.5)).min(30.0));
    components.push(Component {
        name: "comments_per_100_likes",
        penalty: c_penalty,
        available: comment_z.is_some(),
        explanation: match comment_z {
            None => "no comments per like, or too few peers, to compare".to_string(),
            Some(z) if z > 2.5 => format!("{z:.1} SD more comments per like than peers: typical of engagement pods"),
            Some(z) => format!("{z:+.1} SD from peers of the same platform and size"),
        },
        evidence: x.comments_per_100_likes.map(|c| vec![format!("{c:.1} comments per 100 likes")]).unwrap_or_default(),
        audience: None,
    });

    // Engagement versus size.
    let (e_penalty, e_text) = match x.engagement_index {
        None => (0.0, "no engagement index".to_string()),
        // Below the size fit but high among the peers of its bucket: the two comparisons
        // disagree, and a channel is not called a ghost audience while labelled high.
        Some(i) if i < 0.5 && x.engagement_label.is_some_and(|l| l >= crate::EngagementLabel::High) => (
            0.0,
            format!(
                "engagement index {i:.2}, below the size fit, but the median rate is {} among peers of its size bucket: no penalty",
                x.engagement_label.map_or("", |l| l.words())
            ),
        ),
        Some(i) if i < 0.5 => (
            30.0 * (0.5 - i) / 0.5,
            format!("engagement index {i:.2}: far below peers of its size (a ghost audience?)"),
        ),
        Some(i) if i > 3.0 && comment_z.is_some_and(|z| z < -1.0) => {
            (15.0, format!("engagement index {i:.2} with few comments per like: likes may be bought"))
        }
        Some(i) => (0.0, format!("engagement index {i:.2}: in line with its size")),
    };
    components.push(Component {
        name: "engagement_vs_size",
        penalty: e_penalty,
        available: x.engagement_index.is_some(),
        explanation: e_text,
        evidence: Vec::new(),
        audience: None,
    });

    // Consistency.
    let pod_like = matches!((x.engagement_cv, comment_z), (Some(cv), Some(z)) if cv < 0.15 && z > 1.5);
    components.push(Component {
        name: "consistency",
        penalty: if pod_like { 10.0 } else { 0.0 },
        available: x.engagement_cv.is_some(),
        explanation: match x.engagement_cv {
            None => "too few posts to judge consistency".to_string(),
            Some(cv) if pod_like => {
                format!("engagement varies little (CV {cv:.2}) and is comment-heavy: pods engage on every post alike")
            }
            Some(cv) => format!("coefficient of variation {cv:.2}"),
        },
        evidence: Vec::new(),
        audience: None,
    });
    if x.posts_in_window < 12 {
        width += 8.0;
    }

    // Followers sample.
    match x.sample.filter(|s| s.checked > 0) {
        None => {
            width += 5.0;
            components.push(Component {
                name: "followers_sample",
                penalty: 0.0,
                available: false,
                explanation: "no followers sample imported".to_string(),
                evidence: Vec::new(),
                audience: None,
            });
        }
        Some(s) => {
            let est = s.suspicious;
            let penalty = (60.0 * est.share).min(50.0);
            width += 60.0 * (est.high - est.low) / 2.0;
            let pct = |x: f64| format!("{:.0} %", 100.0 * x);
            let range = |lo: f64, hi: f64| format!("{:.0}–{:.0} %", 100.0 * lo, 100.0 * hi);
            let how = if est.corrected {
                "correcting for the classifier's own error rates"
            } else {
                "a plain count of verdicts: the model in use has no error rates to correct with"
            };
            let evidence = s
                .shares()
                .iter()
                .map(|t| format!("{}: {} ({})", t.kind.label(), pct(t.share), range(t.low, t.high)))
                .collect();
            components.push(Component {
                name: "followers_sample",
                penalty,
                available: true,
                explanation: format!(
                    "an estimated {} of the followers are suspicious (95 % range {}), from {} sampled, {}; {} of the sample called suspicious",
                    pct(est.share),
                    range(est.low, est.high),
                    s.checked,
                    how,
                    s.types[AudienceType::Suspicious as usize]
                ),
                evidence,
                audience: Some(s),
            });
        }
    }
    // Comment authenticity: judged with at least 20 comments over at least 5 posts.
    match &x.comments {
        Some(c) if c.comments >= 20 && c.posts >= 5 => {
            let share = c.generic as f64 / c.comments as f64;
            let generic_penalty = if share > 0.4 { (20.0 * (share - 0.4) / 0.6).min(20.0) } else { 0.0 };
            let pod_penalty = if c.regulars.len() >= 3 { (5.0 * c.regulars.len() as f64).min(20.0) } else { 0.0 };
            let mut evidence: Vec<String> = c.examples.iter().map(|e| format!("generic: \"{e}\"")).collect();
            evidence
                .extend(c.regulars.iter().take(5).map(|(a, n)| format!("@{a} commented on {n} of {} posts", c.posts)));
            components.push(Component {
                name: "comment_authenticity",
                penalty: generic_penalty + pod_penalty,
                available: true,
                explanation: format!(
                    "{:.0} % of {} comments are emoji-only or stock phrases; {} accounts comment on half the posts or more{}",
                    share * 100.0,
                    c.comments,
                    c.regulars.len(),
                    if pod_penalty > 0.0 { " (a pod?)" } else { "" }
                ),
                evidence,
                audience: None,
            });
        }
        other => components.push(Component {
            name: "comment_authenticity",
            penalty: 0.0,
            available: false,
            explanation: match other {
                None => "no comments imported".to_string(),
                Some(c) => format!("too few comments to judge ({} on {} posts)", c.comments, c.posts),
            },
            evidence: Vec::new(),
            audience: None,
        }),
    }

    let penalised = (100.0 - components.iter().map(|c| c.penalty).sum::<f64>()).clamp(0.0, 100.0);
    // Evidence units: one per kind, less when thin (a short history, few posts, a small
    // sample); a followers sample of 100 or more counts twice.
    let available = |name: &str| components.iter().any(|c| c.name == name && c.available);
    let units = [
        x.growth.as_ref().map_or(0.0, |g| (g.intervals as f64 / 8.0).min(1.0)),
        if available("engagement_vs_size") { (f64::from(x.posts_in_window) / 12.0).min(1.0) } else { 0.0 },
        if available("comments_per_100_likes") { 1.0 } else { 0.0 },
        x.sample.filter(|s| s.checked > 0).map_or(0.0, |s| (2.0 * s.checked as f64 / 100.0).min(2.0)),
        if available("comment_authenticity") { 1.0 } else { 0.0 },
    ];
    let evidence: f64 = units.iter().sum();
    let kinds = units.iter().filter(|&&u| u > 0.0).count();
    let weight = evidence / (evidence + HALF_EVIDENCE);
    let score = PRIOR + (penalised - PRIOR) * weight;
    // The range: the thin-evidence widths above, and what the prior still holds.
    let width = width + 30.0 * (1.0 - weight);
    QualityScore {
        score,
        low: (score - width).max(0.0),
        high: (score + width).min(100.0),
        components,
        penalised,
        evidence,
        not_enough_evidence: kinds < MIN_KINDS,
    }
}
