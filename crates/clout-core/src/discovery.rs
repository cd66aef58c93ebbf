//! The discovery query vocabulary: what a Directory search asks for and gets back.
//!
//! The index crate answers these; the CLI and the server build them from flags and
//! URLs. Bounds are inclusive, repeating a filter means "any of", and a channel whose
//! filtered metric is null does not match a bound on it.

use crate::benchmark::EngagementLabel;
use crate::platform::Platform;
use crate::tier::{Tier, TierPreset};

/// How to order results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// With a text query: the text score × `(0.5 + 0.5 × min(engagement_index, 3))`
    /// (an index of 1, typical for the size, leaves the text score as it is; no index
    /// counts as 1). Without one: the engagement index.
    Relevance,
    Followers,
    EngagementRate,
    EngagementIndex,
    Growth,
}

impl SortKey {
    pub fn parse(raw: &str) -> Option<SortKey> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "relevance" => Some(SortKey::Relevance),
            "followers" => Some(SortKey::Followers),
            "er" | "engagement_rate" => Some(SortKey::EngagementRate),
            "index" | "engagement_index" => Some(SortKey::EngagementIndex),
            "growth" | "follower_growth_30d" => Some(SortKey::Growth),
            _ => None,
        }
    }
}

/// An inclusive range; `None` on a side means unbounded.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bounds {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl Bounds {
    pub fn is_open(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }

    /// Whether `value` satisfies the bounds; a null value satisfies only open bounds.
    pub fn admits(&self, value: Option<f64>) -> bool {
        if self.is_open() {
            return true;
        }
        let Some(v) = value else { return false };
        self.min.is_none_or(|min| v >= min) && self.max.is_none_or(|max| v <= max)
    }
}

/// Which facet counts a search returns with its page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Facets {
    #[default]
    None,
    /// Every group counts its values among the channels matching the whole query (what
    /// the JSON API and `clout search --facets` give).
    Conjunctive,
    /// A group with a choice (platforms, tiers, countries, languages, niches) counts its
    /// values under the rest of the query, as if its own filter were cleared, so the other
    /// values stay visible to add (the Directory page); a group without a choice counts
    /// under the whole query. Totals and hits are the same as in the other modes.
    Disjunctive,
}

impl Facets {
    /// Whether the search returns facet counts at all.
    pub fn wanted(self) -> bool {
        self != Facets::None
    }
}

/// A Directory search.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveryQuery {
    /// Words, "quoted phrases" and #hashtags; all must match.
    pub text: Option<String>,
    pub platforms: Vec<Platform>,
    pub tiers: Vec<Tier>,
    pub preset: TierPreset,
    /// ISO 3166-1 alpha-2, upper case.
    pub countries: Vec<String>,
    /// ISO 639-1, lower case.
    pub languages: Vec<String>,
    /// Niche ids.
    pub niches: Vec<String>,
    pub min_followers: Option<u64>,
    pub max_followers: Option<u64>,
    pub engagement_rate: Bounds,
    pub labels: Vec<EngagementLabel>,
    pub engagement_index: Bounds,
    pub growth: Bounds,
    pub posts_per_week: Bounds,
    /// The audience-quality score (0–100).
    pub quality: Bounds,
    pub verified: Option<bool>,
    pub has_email: Option<bool>,
    /// Channels whose data was read at or after this time (Unix seconds).
    pub data_since: Option<i64>,
    pub sort: SortKey,
    pub limit: usize,
    pub offset: usize,
    pub facets: Facets,
}

impl DiscoveryQuery {
    /// Everything, by relevance, 20 at a time, without facets.
    pub fn everything() -> DiscoveryQuery {
        DiscoveryQuery {
            text: None,
            platforms: Vec::new(),
            tiers: Vec::new(),
            preset: TierPreset::Scrunch,
            countries: Vec::new(),
            languages: Vec::new(),
            niches: Vec::new(),
            min_followers: None,
            max_followers: None,
            engagement_rate: Bounds::default(),
            labels: Vec::new(),
            engagement_index: Bounds::default(),
            growth: Bounds::default(),
            posts_per_week: Bounds::default(),
            quality: Bounds::default(),
            verified: None,
            has_email: None,
            data_since: None,
            sort: SortKey::Relevance,
            limit: 20,
            offset: 0,
            facets: Facets::None,
        }
    }
}

/// Counts per value of each facet, among every channel that matches the query (or, in
/// [`Facets::Disjunctive`] mode, the rest of it for a group with a choice).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FacetCounts {
    pub platform: Vec<(String, u64)>,
    pub tier: Vec<(String, u64)>,
    pub country: Vec<(String, u64)>,
    pub language: Vec<(String, u64)>,
    pub niche: Vec<(String, u64)>,
}

/// One result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub channel_id: i64,
    /// The value the results are ordered by (see [`SortKey`]); `None` when null.
    pub score: Option<f64>,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    /// Channels matching the query (all pages).
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: Option<FacetCounts>,
}
