//! Building the index from rows: ordinals clustered by platform and tier, the columns,
//! the posting lists, the id lookup, and the answers to the unfiltered query.

use std::collections::HashMap;

use clout_core::TierPreset;
use clout_core::discovery::{DiscoveryQuery, Facets, SortKey};
use clout_core::{EngagementLabel, Platform, Tier};

use crate::columns::{NONE8, NONE16, Row, code};
use crate::counts::Counts;
use crate::lists::post;
use crate::scan::{Candidates, Want, Wanted};
use crate::{DiscoveryIndex, IndexedChannel, MAX_NICHES};

/// The answers to the query without any filter (the Directory's first page), computed
/// at build: every ordinal in result order per sort, and the facet counts per tier preset.
#[derive(Debug, Clone, Default)]
pub(crate) struct Unfiltered {
    pub(crate) by_followers: Vec<u32>,
    pub(crate) by_rate: Vec<u32>,
    pub(crate) by_index: Vec<u32>,
    pub(crate) by_merit: Vec<u32>,
    pub(crate) by_growth: Vec<u32>,
    pub(crate) counts_scrunch: Counts,
    pub(crate) counts_industry: Counts,
}

impl Unfiltered {
    /// Every ordinal in the result order of `sort`.
    pub(crate) fn order(&self, sort: SortKey) -> &[u32] {
        match sort {
            SortKey::Relevance => &self.by_merit,
            SortKey::EngagementIndex => &self.by_index,
            SortKey::Followers => &self.by_followers,
            SortKey::EngagementRate => &self.by_rate,
            SortKey::Growth => &self.by_growth,
        }
    }

    /// The facet counts over everything under `preset`.
    pub(crate) fn counts(&self, preset: TierPreset) -> &Counts {
        match preset {
            TierPreset::Scrunch => &self.counts_scrunch,
            TierPreset::Industry => &self.counts_industry,
        }
    }
}

/// The id → ordinal tables: dense ids (a store's row ids) get an array lookup, sparse
/// ones a map.
pub(crate) fn ordinal_tables(ids: &[i64]) -> (Vec<u32>, HashMap<i64, u32>) {
    let max_id = ids.iter().copied().max().unwrap_or(0);
    if ids.iter().all(|&id| id >= 0) && (max_id as usize) < 2 * ids.len() + 1024 {
        let mut by_id = vec![u32::MAX; max_id as usize + 1];
        for (o, &id) in ids.iter().enumerate() {
            by_id[id as usize] = o as u32;
        }
        (by_id, HashMap::new())
    } else {
        (Vec::new(), ids.iter().enumerate().map(|(o, &id)| (id, o as u32)).collect())
    }
}

impl DiscoveryIndex {
    pub fn build(rows: impl IntoIterator<Item = IndexedChannel>) -> DiscoveryIndex {
        let mut ix = DiscoveryIndex::default();
        let (mut countries, mut languages, mut niches) = (HashMap::new(), HashMap::new(), HashMap::new());
        // Ordinals are clustered by platform, then tier: the commonest filters then select
        // contiguous runs of rows, which a scan reads front to back (results are ordered
        // by score and id, never by ordinal, so this changes no answer).
        let mut rows: Vec<IndexedChannel> = rows.into_iter().collect();
        let cluster = |r: &IndexedChannel| {
            let platform = Platform::ALL.iter().position(|p| *p == r.platform).unwrap_or(0);
            let tier = r.followers.map_or(u8::MAX, |f| Tier::for_followers(f, clout_core::TierPreset::Scrunch) as u8);
            (platform, tier)
        };
        rows.sort_by_key(cluster);
        for r in rows {
            let o = ix.ids.len() as u32;
            ix.ids.push(r.channel_id);
            let platform = Platform::ALL.iter().position(|p| *p == r.platform).unwrap_or(0) as u8;
            post(&mut ix.by_platform, platform as usize, o);
            let mut tiers = [NONE8; 2];
            for (slot, preset, lists) in [
                (0, clout_core::TierPreset::Scrunch, &mut ix.by_tier_scrunch),
                (1, clout_core::TierPreset::Industry, &mut ix.by_tier_industry),
            ] {
                let tier = r.followers.map(|f| Tier::for_followers(f, preset) as u8).unwrap_or(NONE8);
                tiers[slot] = tier;
                if tier != NONE8 {
                    post(lists, tier as usize, o);
                }
            }
            let country = r.country.as_deref().map(|c| code(&mut ix.countries, &mut countries, c)).unwrap_or(NONE16);
            if country != NONE16 {
                post(&mut ix.by_country, country as usize, o);
            }
            let language = r.language.as_deref().map(|l| code(&mut ix.languages, &mut languages, l)).unwrap_or(NONE16);
            if language != NONE16 {
                post(&mut ix.by_language, language as usize, o);
            }
            let mut n: Vec<u16> =
                r.niches.iter().take(MAX_NICHES).map(|n| code(&mut ix.niche_names, &mut niches, n)).collect();
            n.sort_unstable();
            n.dedup();
            let mut slots = [NONE16; MAX_NICHES];
            for (slot, &c) in slots.iter_mut().zip(&n) {
                *slot = c;
                post(&mut ix.by_niche, c as usize, o);
            }
            ix.cols.push(Row {
                followers: r.followers.unwrap_or(u64::MAX),
                engagement_rate: r.engagement_rate.unwrap_or(f64::NAN),
                median_rate: r.median_rate.map_or(f32::NAN, |m| m as f32),
                engagement_index: r.engagement_index.unwrap_or(f64::NAN),
                growth: r.growth.unwrap_or(f64::NAN),
                posts_per_week: r.posts_per_week.unwrap_or(f64::NAN),
                as_of: r.as_of.unwrap_or(i64::MIN),
                quality: r.quality.unwrap_or(f64::NAN),
                country,
                language,
                niches: slots,
                platform,
                tier_scrunch: tiers[0],
                tier_industry: tiers[1],
                label: r
                    .label
                    .and_then(|l| EngagementLabel::ALL.iter().position(|x| *x == l))
                    .map_or(NONE8, |p| p as u8),
                verified: match r.verified {
                    Some(false) => 0,
                    Some(true) => 1,
                    None => 2,
                },
                has_email: r.has_email,
            });
        }
        (ix.ordinal_by_id, ix.ordinal_of) = ordinal_tables(&ix.ids);
        ix.merits = ix.merits_of_columns();
        ix.unfiltered = ix.unfiltered_answers();
        ix
    }

    /// Result orders for every sort and facet counts for both presets, over everything.
    fn unfiltered_answers(&self) -> Unfiltered {
        // A key that sorts like `Ranked::order`: score descending (as `total_cmp`), null
        // last, then id ascending (ids are unique, so the ordinal never decides).
        let order = |column: &dyn Fn(usize) -> f64| -> Vec<u32> {
            let key = |o: usize| -> (u64, i64) {
                let s = column(o);
                if s.is_nan() {
                    return (u64::MAX, self.ids[o]);
                }
                let b = s.to_bits();
                let ascending = if b >> 63 == 1 { !b } else { b | (1 << 63) };
                (!ascending, self.ids[o])
            };
            let mut keyed: Vec<((u64, i64), u32)> = (0..self.ids.len()).map(|o| (key(o), o as u32)).collect();
            keyed.sort_unstable();
            keyed.into_iter().map(|(_, o)| o).collect()
        };
        let c = &self.cols;
        let counts = |preset: clout_core::TierPreset| -> Counts {
            let mut q = DiscoveryQuery::everything();
            q.preset = preset;
            q.facets = Facets::Conjunctive;
            let w = Wanted::new(self, &q);
            self.scan(&q, &w, Candidates::Range(0, self.ids.len()), Want::Top(0)).facets.unwrap_or_default()
        };
        Unfiltered {
            by_followers: order(&|o| if c.followers[o] == u64::MAX { f64::NAN } else { c.followers[o] as f64 }),
            by_rate: order(&|o| c.engagement_rate[o]),
            by_index: order(&|o| c.engagement_index[o]),
            by_merit: order(&|o| self.merit(o)),
            by_growth: order(&|o| c.growth[o]),
            counts_scrunch: counts(clout_core::TierPreset::Scrunch),
            counts_industry: counts(clout_core::TierPreset::Industry),
        }
    }
}
