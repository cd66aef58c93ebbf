//! `clout quality P/H --json` and the API's quality answer: the audience-quality score, its
//! components and, from a followers sample, the audience by type.

use clout_app::QualityReport;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{MethodName, PlatformName};

/// A component of the audience-quality score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QualityComponent {
    pub name: &'static str,
    /// Points taken off the score.
    pub penalty: f64,
    /// `false` when the data the component needs is missing.
    pub available: bool,
    pub explanation: String,
    pub evidence: Vec<String>,
    /// `followers_sample` only: followers sampled and judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sampled: Option<usize>,
    /// `followers_sample` only: the estimated share of suspicious (bought or bot)
    /// followers, percent, corrected for the classifier's error rates when it has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fake_share: Option<f64>,
    /// Its 95 % range, percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fake_share_low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fake_share_high: Option<f64>,
    /// `followers_sample` only: whether `fake_share` is corrected for the classifier's
    /// sensitivity and specificity (false: a plain count of verdicts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fake_share_corrected: Option<bool>,
    /// `followers_sample` only: the audience by type, percent, with 95 % ranges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<Vec<AudienceShare>>,
}

/// One audience type's share of a channel's followers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AudienceShare {
    /// `real`, `influencer`, `mass_follower`, `inactive` or `suspicious`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Followers of the sample with this type by their verdicts.
    pub sampled: usize,
    pub share: f64,
    pub low: f64,
    pub high: f64,
}

/// `clout quality P/H --json`: the score, its range and its components.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Quality {
    #[schema(value_type = PlatformName)]
    pub platform: &'static str,
    pub handle: String,
    pub quality_score: f64,
    pub quality_low: f64,
    pub quality_high: f64,
    #[schema(value_type = MethodName)]
    pub method: &'static str,
    /// True when fewer than two kinds of evidence (growth, engagement versus size,
    /// comments per like, a followers sample, comments) were available: the score is then
    /// mostly the prior, and the range wide.
    pub not_enough_evidence: bool,
    /// The evidence behind the score, in units (see docs/audience.md); the score is pulled
    /// towards the prior of 70 the smaller this is.
    pub evidence_units: f64,
    /// What the penalties alone say: 100 minus their sum.
    pub penalised_score: f64,
    pub components: Vec<QualityComponent>,
}

impl Quality {
    pub fn from(r: &QualityReport) -> Quality {
        let q = &r.score;
        Quality {
            platform: r.view.row.platform.as_str(),
            handle: r.view.row.handle.clone(),
            quality_score: q.score,
            quality_low: q.low,
            quality_high: q.high,
            method: "derived",
            not_enough_evidence: q.not_enough_evidence,
            evidence_units: q.evidence,
            penalised_score: q.penalised,
            components: q
                .components
                .iter()
                .map(|c| {
                    let a = c.audience.as_ref();
                    let pct = |x: f64| (1000.0 * x).round() / 10.0;
                    QualityComponent {
                        name: c.name,
                        penalty: c.penalty,
                        available: c.available,
                        explanation: c.explanation.clone(),
                        evidence: c.evidence.clone(),
                        sampled: a.map(|a| a.checked),
                        fake_share: a.map(|a| pct(a.suspicious.share)),
                        fake_share_low: a.map(|a| pct(a.suspicious.low)),
                        fake_share_high: a.map(|a| pct(a.suspicious.high)),
                        fake_share_corrected: a.map(|a| a.suspicious.corrected),
                        audience: a.map(|a| {
                            a.shares()
                                .iter()
                                .map(|t| AudienceShare {
                                    kind: t.kind.as_str(),
                                    sampled: a.types[t.kind as usize],
                                    share: pct(t.share),
                                    low: pct(t.low),
                                    high: pct(t.high),
                                })
                                .collect()
                        }),
                    }
                })
                .collect(),
        }
    }
}
