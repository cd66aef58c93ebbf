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
    /// The default: by [`merit`] (consistent engagement for the size, from an authentic
    /// audience, in the micro range, without outliers); with a text query, the text score
    /// × `(0.5 + 0.5 × merit)`.
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
    /// Channels that posted about something at least so many times lately.
    pub posted: Option<PostedAbout>,
    /// Channels screened at most so unsafe (brand safety).
    pub safety: Option<SafetyFilter>,
    pub sort: SortKey,
    pub limit: usize,
    pub offset: usize,
    pub facets: Facets,
}

/// "Posted about `text` at least `min_posts` times since `since`": a channel matches when
/// that many of its posts match `text` (words, phrases, #hashtags and @mentions, in the
/// post's caption, hashtags and mentions; see the post index) and were published at or
/// after `since` (Unix seconds; any time when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedAbout {
    pub text: String,
    pub min_posts: u32,
    pub since: Option<i64>,
}

/// A brand-safety filter: channels at most `max` in each of `categories` (every category
/// of the list screened against when empty; see [`crate::safety`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyFilter {
    pub max: crate::safety::SafetyLevel,
    pub categories: Vec<String>,
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
            posted: None,
            safety: None,
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
    /// Engagement labels (`very_high`, `high`, `good`, `low`).
    pub label: Vec<(String, u64)>,
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

/// What a channel's merit reads (see [`merit`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeritInputs {
    pub followers: Option<u64>,
    /// Mean and median engagement rate, percent.
    pub engagement_rate: Option<f64>,
    pub median_rate: Option<f64>,
    /// Median rate over what the size fit expects (1 = typical for the size).
    pub engagement_index: Option<f64>,
    /// Audience quality, 0..100.
    pub quality: Option<f64>,
}

/// The default order of the Directory, lookalikes and plans: a product of four factors,
/// each a person can check.
///
/// - **Engagement for the size**: the engagement index `i` (by the median rate, so one
///   viral post cannot buy it), saturated as `3 × tanh(i / 3)`: about `i` for ordinary
///   channels (1 → 0.96, 2 → 1.75), never above 3, so that a handful of outliers cannot
///   outrank every consistent channel by their extremes (9 → 2.99); no index counts as 0.5.
/// - **Authentic audience**: audience quality / 100 (no score counts as the prior, 0.7).
/// - **Tier fit**: 1 for 2,000–50,000 followers (the micro range the product is for), 0.8
///   for 1,000–1,999, 0.85 up to 500,000, 0.7 above, 0.3 under 1,000 (too small to plan
///   with) or unknown.
/// - **No outliers**: × 0.25 when the mean rate is above 100 % (more engagements per post
///   than followers), × 0.6 with a viral skew (mean above 1.5 × the median).
pub fn merit(x: &MeritInputs) -> f64 {
    let engagement = x.engagement_index.filter(|i| i.is_finite()).map_or(0.5, |i| 3.0 * (i.max(0.0) / 3.0).tanh());
    let quality = x.quality.filter(|q| q.is_finite()).map_or(0.7, |q| (q / 100.0).clamp(0.0, 1.0));
    let tier = match x.followers {
        Some(f) if (2_000..=50_000).contains(&f) => 1.0,
        Some(f) if (1_000..2_000).contains(&f) => 0.8,
        Some(f) if (50_001..=500_000).contains(&f) => 0.85,
        Some(f) if f > 500_000 => 0.7,
        _ => 0.3,
    };
    let mut outliers = 1.0;
    if x.engagement_rate.is_some_and(|r| r > 100.0) {
        outliers *= 0.25;
    }
    if let (Some(mean), Some(median)) = (x.engagement_rate, x.median_rate)
        && mean > 1.5 * median
    {
        outliers *= 0.6;
    }
    engagement * quality * tier * outliers
}
