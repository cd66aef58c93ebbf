//! The JSON shapes Clout prints and serves, as types: one struct per body, shared by the
//! CLI's `--json` and the HTTP API, so the two cannot drift (a field added to one is added
//! to both, or the build fails). Each type serialises with serde and describes itself to
//! OpenAPI with utoipa, so `/api/v1/openapi.json` has a schema for every answer.
//!
//! Field names are a stable surface, documented in docs/json.md; the order of fields is the
//! order they print in. A value that can be missing is `null` with a `<name>_reason` beside
//! it (a code of `clout_core::NullReason`); the reason field is absent when the value is not.
//!
//! The types hold owned values and are built from the app's view types with `from`
//! functions; the edges add nothing but what only they know (the API shows file paths
//! relative to the data directory: [`Profile::map_sources`]). For what people read rather
//! than scripts, [`dates`] writes moments in the reader's locale and timezone.

mod accounts;
mod brands;
mod brief;
mod campaigns;
mod channel;
pub mod dates;
mod fetches;
mod imports;
mod money;
mod overlap;
mod posts;
mod quality;
mod safety;
pub mod schema;
mod search;

pub use accounts::{SignedIn, Token, TokenList, User, UserList};
pub use brands::{BrandCreator, BrandMonth, BrandReport, BrandSplit, BrandVoice};
pub use brief::{Brief, BriefCreator, BriefNiche, BriefPost, BriefReading, BriefSimilar, BriefTopic, TopicPosts};
pub use campaigns::{
    Campaign, CampaignDetail, CampaignList, CampaignReport, Conversion, CreatorCampaign, Deliverable, DeliverablePost,
    ExpectedRange, MemberChange, MemberFigures, MemberRow, NewId, Note, Relationship, ReportMember, ReportTotals,
    StageChange, TimelinePoint, VersusPlan,
};
pub use channel::{
    Channel, ChannelMetrics, HistoryPoint, Measured, NicheEvidence, NicheLabel, Profile, Provenance, Window, WindowPost,
};
pub use fetches::{FetchReport, FetchedAccount};
pub use imports::{
    DerivedState, FileError, ImportRun, ImportSummary, Reject, RejectsDownload, RunDetail, RunList, Status,
};
pub use money::{
    Calibration, Comparison, Estimate, Expectation, ModelRange, Pick, PlanAnswer, Portfolio, Price, Quote, Range,
    Spread, Totals, UnusedDeal, expectation_reason,
};
pub use overlap::{Overlap, OverlapChannel, OverlapPair};
pub use posts::{FoundPost, PostPage};
pub use quality::{AudienceShare, Quality, QualityComponent};
pub use safety::{ChannelSafety, SafetyAudit, SafetyCategory, SafetyListInfo, SafetyMatch};
pub use search::{
    Counts, Facets, FacetsLine, ListDetail, ListEntry, ListList, ListSummary, SearchHit, SearchPage, SimilarChannel,
    SimilarList, Similarity,
};

use clout_core::{Metric, NullReason};

/// RFC 3339 in UTC, seconds precision.
pub fn time(t: clout_core::Timestamp) -> String {
    jiff::Timestamp::from_second(t.unix()).map(|t| t.to_string()).unwrap_or_else(|_| t.unix().to_string())
}

/// A value and, when it is missing, why: the pair of fields `name` and `name_reason`.
fn split<T>(m: Metric<T>) -> (Option<T>, Option<&'static str>) {
    match m {
        Ok(v) => (Some(v), None),
        Err(reason) => (None, Some(reason.code())),
    }
}

/// `x` to two decimals, or `null` when it is not a finite number.
fn round2(x: f64) -> Option<f64> {
    // `+ 0.0` turns a negative zero (an empty sum) into zero.
    x.is_finite().then(|| (x * 100.0).round() / 100.0 + 0.0)
}

/// `x` to `places` decimals.
fn round_to(x: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (x * scale).round() / scale
}

/// An exact amount as a JSON number of major units (`120.5`): the nearest double to the
/// decimal prints as that decimal, so nothing is lost for any amount below 2^53 minor units.
pub fn amount(m: &clout_core::money::Money) -> Option<f64> {
    m.decimal().parse::<f64>().ok()
}

/// The codes of [`NullReason`], for the `<name>_reason` fields' schema.
fn reason_codes() -> impl Iterator<Item = &'static str> {
    NullReason::ALL.iter().map(|r| r.code())
}

/// `x` as one line of JSON (a line of the CLI's NDJSON output).
pub fn line<T: serde::Serialize>(x: &T) -> String {
    // The wire's types serialise to JSON whatever their values (string keys, no maps of
    // other keys), so this cannot fail.
    serde_json::to_string(x).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

#[cfg(test)]
mod tests;
