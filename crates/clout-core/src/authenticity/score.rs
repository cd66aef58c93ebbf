//! The audience-quality score: its inputs, its penalties and evidence, and its range,
//! with the sentences that explain each component, or without them
//! ([`quality_figures`]) when only the numbers are wanted (a recompute of every channel).

use super::{AudienceType, CommentSummary, GrowthCheck, SampleSummary};

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
    score(x, true)
}

/// The numbers of [`quality_score`] alone: the same score, range and evidence flag,
/// without writing a sentence (a recompute scores every channel and stores only these).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QualityFigures {
    pub score: f64,
    pub low: f64,
    pub high: f64,
    pub not_enough_evidence: bool,
}

/// [`quality_score`]'s numbers, several times faster: no explanation or evidence is
/// formatted.
pub fn quality_figures(x: &QualityInputs) -> QualityFigures {
    let q = score(x, false);
    QualityFigures { score: q.score, low: q.low, high: q.high, not_enough_evidence: q.not_enough_evidence }
}

/// A sentence when explaining, nothing otherwise.
fn say(explain: bool, text: impl FnOnce() -> String) -> String {
    if explain { text() } else { String::new() }
}

/// Evidence lines when explaining, none otherwise.
fn list(explain: bool, lines: impl FnOnce() -> Vec<String>) -> Vec<String> {
    if explain { lines() } else { Vec::new() }
}

fn score(x: &QualityInputs, explain: bool) -> QualityScore {
    let mut components = Vec::with_capacity(6);
    let mut width = 0.0;

    // Growth anomalies.
    match &x.growth {
        None => {
            width += 10.0;
            components.push(Component {
                name: "growth",
                penalty: 0.0,
                available: false,
                explanation: say(explain, || "too little follower history to judge growth".to_string()),
                evidence: Vec::new(),
                audience: None,
            });
        }
        Some(g) => {
            let mut penalty = 0.0;
            let mut evidence = Vec::new();
            for a in &g.anomalies {
                if a.viral_post.is_none() && a.change > 0.0 {
                    penalty += (25.0 * a.change / 0.25).min(50.0);
                }
                if !explain {
                    continue;
                }
                let when = format!("between {} and {}", a.from.date(), a.to.date());
                let size =
                    format!("{:+.0} % ({} → {} followers)", a.change * 100.0, a.followers_before, a.followers_after);
                evidence.push(match (&a.viral_post, a.change > 0.0) {
                    (Some(p), _) => format!(
                        "{size} {when}, explained by post {} at {:.1}× the usual engagement",
                        p.post_id, p.times_median
                    ),
                    (None, true) => format!("{size} {when}, with no viral post to explain it"),
                    (None, false) => format!("{size} {when}: a sudden loss (a purge by the platform?)"),
                });
            }
            let penalty = penalty.min(45.0);
            components.push(Component {
                name: "growth",
                penalty,
                available: true,
                explanation: say(explain, || {
                    if penalty > 0.0 {
                        "sudden follower gains far outside the channel's own trend, with no viral post around them"
                            .to_string()
                    } else {
                        format!("{} intervals checked: no unexplained jump", g.intervals)
                    }
                }),
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
        explanation: say(explain, || match comment_z {
            None => "no comments per like, or too few peers, to compare".to_string(),
            Some(z) if z > 2.5 => format!("{z:.1} SD more comments per like than peers: typical of engagement pods"),
            Some(z) => format!("{z:+.1} SD from peers of the same platform and size"),
        }),
        evidence: list(explain, || {
            x.comments_per_100_likes.map(|c| vec![format!("{c:.1} comments per 100 likes")]).unwrap_or_default()
        }),
        audience: None,
    });

    // Engagement versus size.
    let label_is_high = x.engagement_label.is_some_and(|l| l >= crate::EngagementLabel::High);
    let e_penalty = match x.engagement_index {
        // Below the size fit but high among the peers of its bucket: the two comparisons
        // disagree, and a channel is not called a ghost audience while labelled high.
        Some(i) if i < 0.5 && !label_is_high => 30.0 * (0.5 - i) / 0.5,
        Some(i) if i > 3.0 && comment_z.is_some_and(|z| z < -1.0) => 15.0,
        _ => 0.0,
    };
    components.push(Component {
        name: "engagement_vs_size",
        penalty: e_penalty,
        available: x.engagement_index.is_some(),
        explanation: say(explain, || match x.engagement_index {
            None => "no engagement index".to_string(),
            Some(i) if i < 0.5 && label_is_high => format!(
                "engagement index {i:.2}, below the size fit, but the median rate is {} among peers of its size bucket: no penalty",
                x.engagement_label.map_or("", |l| l.words())
            ),
            Some(i) if i < 0.5 => format!("engagement index {i:.2}: far below peers of its size (a ghost audience?)"),
            Some(i) if e_penalty > 0.0 => {
                format!("engagement index {i:.2} with few comments per like: likes may be bought")
            }
            Some(i) => format!("engagement index {i:.2}: in line with its size"),
        }),
        evidence: Vec::new(),
        audience: None,
    });

    // Consistency.
    let pod_like = matches!((x.engagement_cv, comment_z), (Some(cv), Some(z)) if cv < 0.15 && z > 1.5);
    components.push(Component {
        name: "consistency",
        penalty: if pod_like { 10.0 } else { 0.0 },
        available: x.engagement_cv.is_some(),
        explanation: say(explain, || match x.engagement_cv {
            None => "too few posts to judge consistency".to_string(),
            Some(cv) if pod_like => {
                format!("engagement varies little (CV {cv:.2}) and is comment-heavy: pods engage on every post alike")
            }
            Some(cv) => format!("coefficient of variation {cv:.2}"),
        }),
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
                explanation: say(explain, || "no followers sample imported".to_string()),
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
            components.push(Component {
                name: "followers_sample",
                penalty,
                available: true,
                explanation: say(explain, || {
                    format!(
                        "an estimated {} of the followers are suspicious (95 % range {}), from {} sampled, {}; {} of the sample called suspicious",
                        pct(est.share),
                        range(est.low, est.high),
                        s.checked,
                        how,
                        s.types[AudienceType::Suspicious as usize]
                    )
                }),
                evidence: list(explain, || {
                    s.shares()
                        .iter()
                        .map(|t| format!("{}: {} ({})", t.kind.label(), pct(t.share), range(t.low, t.high)))
                        .collect()
                }),
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
            components.push(Component {
                name: "comment_authenticity",
                penalty: generic_penalty + pod_penalty,
                available: true,
                explanation: say(explain, || {
                    format!(
                        "{:.0} % of {} comments are emoji-only or stock phrases; {} accounts comment on half the posts or more{}",
                        share * 100.0,
                        c.comments,
                        c.regulars.len(),
                        if pod_penalty > 0.0 { " (a pod?)" } else { "" }
                    )
                }),
                evidence: list(explain, || {
                    let mut evidence: Vec<String> = c.examples.iter().map(|e| format!("generic: \"{e}\"")).collect();
                    evidence.extend(
                        c.regulars.iter().take(5).map(|(a, n)| format!("@{a} commented on {n} of {} posts", c.posts)),
                    );
                    evidence
                }),
                audience: None,
            });
        }
        other => components.push(Component {
            name: "comment_authenticity",
            penalty: 0.0,
            available: false,
            explanation: say(explain, || match other {
                None => "no comments imported".to_string(),
                Some(c) => format!("too few comments to judge ({} on {} posts)", c.comments, c.posts),
            }),
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
