//! The discovery index: every channel's filterable facts in columns, answering a
//! [`DiscoveryQuery`](clout_core::discovery::DiscoveryQuery) with exact totals, facet counts and a sorted page.
//!
//! It is derived (built from the store's rows) and holds nothing that cannot be rebuilt.
//! Text matching is a separate index (`text`, tantivy, on disk beside the store); the
//! caller passes the matching channels and their text scores in.
//!
//! This file holds the index's data and its small lookups; the rest is by stage:
//! `columns` and `lists` (the storage), `build`, `scan` (one pass over candidates),
//! `counts` (facet counts), `facets` (disjunctive facets), `topk`, `search` (answering a
//! query) and `lookalike`.
//!
//! ## How a query is answered
//! The discovery index: `DiscoveryIndex::build(rows)` and `search(&DiscoveryQuery, text_matches)`.
//! A column per fact (dictionary-coded country, language and niches; `NaN` for null metrics), so a query reads
//! only the columns it filters, sorts or counts on; ordinals are clustered by platform then tier, so the
//! commonest filters select contiguous runs; posting lists per platform, tier (both presets), country, language
//! and niche.
//! A query starts from its categorical filters' posting lists, intersected smallest first while that is cheaper
//! than checking (or from the text matches, or every row), and checks them a block of 1,024 at a time: each filter
//! the query sets is one tight loop over one column that keeps the candidates passing it (`scan/block.rs`); then
//! the total, the facet counts (a loop per column) and the page. With text, the page is a bounded top-k (a match
//! that loses on score is rejected before its id is read). Without text, every sort's order over all channels is
//! known from the build, so the scan only collects the matches while they are few (at most √(page end × channels),
//! and at least 1,024, then ranked) and past that the page is read off that order, checking channels until it is
//! full: a query matching 10 % of a million channels, spread through the order, reads about 10 × the page instead
//! of scoring 100,000 matches. When its matches lie late in the order (a filter working against the sort:
//! `tier=nano` by followers), the walk stops after reading as many channels as there are candidates and a second
//! scan scores them instead. Past 200,000 candidates the scan is shared between every core (rayon's pool).
//! The query with no filter at all (the Directory's first page) is answered from result orders per sort and facet
//! counts computed at build; a property test checks them against a full scan.
//! Disjunctive facets (`Facets::Disjunctive`) take one pass too (`facets.rs`): a channel failing exactly one
//! chosen facet group and passing everything else counts in that group only; without text the candidates are the
//! union of the two shortest chosen groups' posting lists, as a bitmap (every row with one group chosen; with one
//! group and no other filter, that group's counts are the build's). A property test compares them with each
//! group's brute-force counts under the query with that group cleared.
//! Lookalikes are answered here too: one 64-byte line per channel holds what similarity reads (followers, niche
//! codes and confidences as `f32`, the codes of its 8 most used hashtags), with a posting list per hashtag and,
//! per niche, its channels ordered by size. Every channel sharing a niche or a hashtag could be a lookalike, but
//! they are read in three passes, best first, each skipped or narrowed by a bound: channels sharing both (the
//! posting lists intersected before any row is read), then those sharing only a hashtag (at most 0.5: skipped
//! once the worst kept beats that), then those sharing only a niche (at most 0.5 + 0.2 × size: only the size
//! window that could still beat the worst kept is read). A candidate that cannot beat the worst kept one even at
//! the same size skips the logarithms. A property test compares the result with `clout_core::lookalike` over
//! every channel. The store keeps those hashtags in `channel_tags` (schema 8) so the build does not read the
//! full-text rows.
//! Text matching is beside it, in `text`: a tantivy index of each channel's handle, name, bio, captions and
//! hashtags (Unicode words, folded, English stemming, no stop words) turns the words, phrases and #hashtags of a
//! query into matching channel ids and BM25 scores, and the app passes those in; while that index does not hold
//! the store's text, the store's FTS5 table answers the same query (the contract of `clout_store::TextSearch`).
//! **Architecture Invariant:** depends on `clout-core` only; exact: a property test compares totals, facets and
//! pages with a brute-force scan.

use std::collections::HashMap;

use clout_core::discovery::DiscoveryQuery;
use clout_core::{EngagementLabel, Platform};

use build::Unfiltered;
use columns::Columns;
use lookalike::LookRow;

mod build;
mod columns;
mod counts;
mod facets;
mod lists;
mod lookalike;
pub mod posts;
mod scan;
mod search;
mod snapshot;
pub mod text;
mod topk;

#[cfg(test)]
mod tests;

/// What the index needs of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedChannel {
    pub channel_id: i64,
    pub platform: Platform,
    pub followers: Option<u64>,
    pub country: Option<String>,
    pub language: Option<String>,
    /// At most [`MAX_NICHES`] (the classifier's labels); further ones are not indexed.
    pub niches: Vec<String>,
    pub engagement_rate: Option<f64>,
    /// The median per-post rate: what peers are compared by (metrics v2).
    pub median_rate: Option<f64>,
    pub label: Option<EngagementLabel>,
    pub engagement_index: Option<f64>,
    pub growth: Option<f64>,
    pub posts_per_week: Option<f64>,
    /// The audience-quality score.
    pub quality: Option<f64>,
    pub verified: Option<bool>,
    pub has_email: bool,
    /// When the channel's data was read (Unix seconds).
    pub as_of: Option<i64>,
}

/// The channels of a store, column by column.
///
/// Categorical columns are dictionary-coded and have posting lists (ordinals per value),
/// so a query starts from the smallest set its filters allow and checks the other
/// filters on those candidates only. Metric columns hold `NaN` for null, which fails
/// every comparison, as a null must fail a bound.
#[derive(Debug, Clone, Default)]
pub struct DiscoveryIndex {
    ids: Vec<i64>,
    /// Channel id → ordinal: a dense table when ids are dense (store row ids are), else a map.
    ordinal_by_id: Vec<u32>,
    ordinal_of: HashMap<i64, u32>,
    /// Everything a filter reads, a column per fact: a query touches only the columns
    /// it filters, sorts or counts on, which stay in cache where whole rows would not.
    cols: Columns,
    countries: Vec<String>,
    languages: Vec<String>,
    niche_names: Vec<String>,
    // Posting lists: ordinals per code, ascending.
    by_platform: Vec<Vec<u32>>,
    by_tier_scrunch: Vec<Vec<u32>>,
    by_tier_industry: Vec<Vec<u32>>,
    by_country: Vec<Vec<u32>>,
    by_language: Vec<Vec<u32>>,
    by_niche: Vec<Vec<u32>>,
    /// Lookalike profiles by ordinal: niche confidences aligned with `cols.niches`, and
    /// the codes of the channel's most used hashtags (ascending; `u32::MAX` pads), with a
    /// posting list per hashtag. Empty until [`DiscoveryIndex::set_lookalike_profiles`].
    looks: Vec<LookRow>,
    by_tag: Vec<Vec<u32>>,
    /// Per niche, its channels with a follower count in ascending followers: the lookalike
    /// search reads only the size window that can still beat what it has found.
    by_niche_size: Vec<Vec<u32>>,
    /// The query without any filter (the Directory's first page) is answered from these,
    /// computed at build: every ordinal in result order per sort, and the facet counts.
    unfiltered: Unfiltered,
    /// Each channel's merit (`clout_core::discovery::merit`, the relevance order), by
    /// ordinal: it depends on the channel alone, so it is computed once, at build and at a
    /// snapshot's read, not for every candidate of every query.
    merits: Vec<f64>,
}

/// What lookalikes need of one channel: its id, niche confidences and most used hashtags.
pub type LookalikeProfile = (i64, Vec<(String, f64)>, Vec<String>);

/// Niche labels indexed per channel (the classifier gives at most three).
pub const MAX_NICHES: usize = 3;

impl DiscoveryIndex {
    /// Bytes the columns and posting lists hold on the heap (an estimate from capacities).
    pub fn heap_bytes(&self) -> usize {
        let lists = |l: &Vec<Vec<u32>>| l.iter().map(|v| v.capacity() * 4).sum::<usize>();
        self.ids.capacity() * 8
            + self.merits.capacity() * 8
            + self.cols.heap_bytes()
            + self.looks.capacity() * std::mem::size_of::<LookRow>()
            + lists(&self.by_tag)
            + lists(&self.by_niche_size)
            + (self.unfiltered.by_followers.capacity()
                + self.unfiltered.by_rate.capacity()
                + self.unfiltered.by_index.capacity()
                + self.unfiltered.by_merit.capacity()
                + self.unfiltered.by_growth.capacity())
                * 4
            + self.ordinal_by_id.capacity() * 4
            + self.ordinal_of.capacity() * 16
            + lists(&self.by_platform)
            + lists(&self.by_tier_scrunch)
            + lists(&self.by_tier_industry)
            + lists(&self.by_country)
            + lists(&self.by_language)
            + lists(&self.by_niche)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Ordinal `i`'s tier code under the query's preset (`u8::MAX` without followers).
    fn tier(&self, i: usize, q: &DiscoveryQuery) -> u8 {
        match q.preset {
            clout_core::TierPreset::Scrunch => self.cols.tier_scrunch[i],
            clout_core::TierPreset::Industry => self.cols.tier_industry[i],
        }
    }

    /// The posting lists of the query's tier preset.
    fn tier_lists(&self, q: &DiscoveryQuery) -> &[Vec<u32>] {
        match q.preset {
            clout_core::TierPreset::Scrunch => &self.by_tier_scrunch,
            clout_core::TierPreset::Industry => &self.by_tier_industry,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// A channel's follower count, if it is indexed and has one.
    pub fn followers_of(&self, id: i64) -> Option<u64> {
        let o = self.ordinal(id)? as usize;
        let f = self.cols.followers[o];
        (f != u64::MAX).then_some(f)
    }

    /// The channels labelled with `niche`.
    pub fn niche_members(&self, niche: &str) -> Vec<i64> {
        match self.niche_names.iter().position(|n| n == niche) {
            Some(code) => {
                self.by_niche.get(code).map(|l| l.iter().map(|&o| self.ids[o as usize]).collect()).unwrap_or_default()
            }
            None => Vec::new(),
        }
    }

    /// The median engagement rates of one peer group (what percentiles compare, metrics
    /// v2): the platform's channels in the size bucket, those with a median rate.
    pub fn peer_rates(&self, platform: Platform, bucket: clout_core::Bucket) -> Vec<f64> {
        let Some(code) = Platform::ALL.iter().position(|p| *p == platform) else {
            return Vec::new();
        };
        self.by_platform
            .get(code)
            .map(|list| {
                list.iter()
                    .map(|&o| o as usize)
                    .filter(|&o| {
                        let f = self.cols.followers[o];
                        f != u64::MAX && clout_core::Bucket::for_followers(f) == Some(bucket)
                    })
                    .map(|o| f64::from(self.cols.median_rate[o]))
                    .filter(|r| !r.is_nan())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A channel's position in the index, when it is in it.
    pub fn ordinal(&self, id: i64) -> Option<u32> {
        if self.ordinal_by_id.is_empty() {
            return self.ordinal_of.get(&id).copied();
        }
        usize::try_from(id).ok().and_then(|i| self.ordinal_by_id.get(i)).copied().filter(|&o| o != u32::MAX)
    }
}
