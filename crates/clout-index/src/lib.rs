//! The discovery index: every channel's filterable facts in columns, answering a
//! [`DiscoveryQuery`] with exact totals, facet counts and a sorted page.
//!
//! It is derived (built from the store's rows) and holds nothing that cannot be rebuilt.
//! Text matching is done elsewhere (the store's full-text table); the caller passes the
//! matching channels and their text scores in.

use std::collections::HashMap;

use clout_core::discovery::{DiscoveryQuery, FacetCounts, Hit, SearchPage, SortKey};
use clout_core::lookalike::{Lookalike, TOP_HASHTAGS, combine, size_similarity};
use clout_core::{EngagementLabel, Platform, Tier};

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
    pub label: Option<EngagementLabel>,
    pub engagement_index: Option<f64>,
    pub growth: Option<f64>,
    pub posts_per_week: Option<f64>,
    /// The audience-quality score.
    pub quality: Option<f64>,
    pub verified: Option<bool>,
    pub has_email: bool,
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
}

#[derive(Debug, Clone, Default)]
struct Unfiltered {
    by_followers: Vec<u32>,
    by_rate: Vec<u32>,
    by_index: Vec<u32>,
    by_growth: Vec<u32>,
    counts_scrunch: Counts,
    counts_industry: Counts,
}

/// What lookalike scoring reads of one candidate, in one cache line.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
struct LookRow {
    followers: u64,
    /// Niche confidences aligned with `niches` (`f32`: shown to two decimals).
    conf: [f32; MAX_NICHES],
    niches: [u16; MAX_NICHES],
    /// Hashtag codes, ascending; `u32::MAX` pads.
    tags: [u32; TOP_HASHTAGS],
}

/// The filterable facts of every channel, by ordinal.
#[derive(Debug, Clone, Default)]
struct Columns {
    followers: Vec<u64>,
    engagement_rate: Vec<f64>,
    engagement_index: Vec<f64>,
    growth: Vec<f64>,
    posts_per_week: Vec<f64>,
    quality: Vec<f64>,
    country: Vec<u16>,
    language: Vec<u16>,
    niches: Vec<[u16; MAX_NICHES]>,
    platform: Vec<u8>,
    tier_scrunch: Vec<u8>,
    tier_industry: Vec<u8>,
    label: Vec<u8>,
    verified: Vec<u8>,
    has_email: Vec<bool>,
}

impl Columns {
    fn push(&mut self, r: Row) {
        self.followers.push(r.followers);
        self.engagement_rate.push(r.engagement_rate);
        self.engagement_index.push(r.engagement_index);
        self.growth.push(r.growth);
        self.posts_per_week.push(r.posts_per_week);
        self.quality.push(r.quality);
        self.country.push(r.country);
        self.language.push(r.language);
        self.niches.push(r.niches);
        self.platform.push(r.platform);
        self.tier_scrunch.push(r.tier_scrunch);
        self.tier_industry.push(r.tier_industry);
        self.label.push(r.label);
        self.verified.push(r.verified);
        self.has_email.push(r.has_email);
    }

    fn heap_bytes(&self) -> usize {
        self.followers.capacity() * 8
            + (self.engagement_rate.capacity()
                + self.engagement_index.capacity()
                + self.growth.capacity()
                + self.posts_per_week.capacity()
                + self.quality.capacity())
                * 8
            + (self.country.capacity() + self.language.capacity()) * 2
            + self.niches.capacity() * 2 * MAX_NICHES
            + self.platform.capacity()
            + self.tier_scrunch.capacity()
            + self.tier_industry.capacity()
            + self.label.capacity()
            + self.verified.capacity()
            + self.has_email.capacity()
    }
}

/// The filterable facts of one channel, as the index is built.
///
/// `NaN` is null for metrics, `u64::MAX` for followers, `u8::MAX` / `u16::MAX` for codes.
#[derive(Debug, Clone, Copy)]
struct Row {
    followers: u64,
    engagement_rate: f64,
    engagement_index: f64,
    growth: f64,
    posts_per_week: f64,
    quality: f64,
    country: u16,
    language: u16,
    niches: [u16; MAX_NICHES],
    platform: u8,
    tier_scrunch: u8,
    tier_industry: u8,
    /// `EngagementLabel::ALL` position.
    label: u8,
    /// 0 false, 1 true, 2 unknown.
    verified: u8,
    has_email: bool,
}

/// What lookalikes need of one channel: its id, niche confidences and most used hashtags.
pub type LookalikeProfile = (i64, Vec<(String, f64)>, Vec<String>);

/// Niche labels indexed per channel (the classifier gives at most three).
pub const MAX_NICHES: usize = 3;

const NONE16: u16 = u16::MAX;
const NONE8: u8 = u8::MAX;

fn code(dict: &mut Vec<String>, lookup: &mut HashMap<String, u16>, value: &str) -> u16 {
    if let Some(&c) = lookup.get(value) {
        return c;
    }
    let c = dict.len() as u16;
    dict.push(value.to_string());
    lookup.insert(value.to_string(), c);
    c
}

fn post(lists: &mut Vec<Vec<u32>>, code: usize, ordinal: u32) {
    if lists.len() <= code {
        lists.resize(code + 1, Vec::new());
    }
    lists[code].push(ordinal);
}

/// Counts per code, then `(name, count)` most frequent first (ties by name).
fn named_counts(counts: &[u64], name: impl Fn(usize) -> String) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> =
        counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(c, n)| (name(c), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
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
            ix.ordinal_of.insert(r.channel_id, o);
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
                engagement_index: r.engagement_index.unwrap_or(f64::NAN),
                growth: r.growth.unwrap_or(f64::NAN),
                posts_per_week: r.posts_per_week.unwrap_or(f64::NAN),
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
        // Dense ids (a store's row ids) get an array lookup; sparse ones keep the map.
        let max_id = ix.ids.iter().copied().max().unwrap_or(0);
        if ix.ids.iter().all(|&id| id >= 0) && (max_id as usize) < 2 * ix.ids.len() + 1024 {
            ix.ordinal_by_id = vec![u32::MAX; max_id as usize + 1];
            for (o, &id) in ix.ids.iter().enumerate() {
                ix.ordinal_by_id[id as usize] = o as u32;
            }
            ix.ordinal_of = HashMap::new();
        }
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
            q.facets = true;
            let w = Wanted::new(self, &q);
            self.scan(&q, &w, Candidates::Range(0, self.ids.len()), 0).facets.unwrap_or_default()
        };
        Unfiltered {
            by_followers: order(&|o| if c.followers[o] == u64::MAX { f64::NAN } else { c.followers[o] as f64 }),
            by_rate: order(&|o| c.engagement_rate[o]),
            by_index: order(&|o| c.engagement_index[o]),
            by_growth: order(&|o| c.growth[o]),
            counts_scrunch: counts(clout_core::TierPreset::Scrunch),
            counts_industry: counts(clout_core::TierPreset::Industry),
        }
    }

    /// Whether `q` filters nothing.
    fn is_unfiltered(q: &DiscoveryQuery) -> bool {
        q.text.is_none()
            && q.platforms.is_empty()
            && q.tiers.is_empty()
            && q.countries.is_empty()
            && q.languages.is_empty()
            && q.niches.is_empty()
            && q.min_followers.is_none()
            && q.max_followers.is_none()
            && q.engagement_rate.is_open()
            && q.labels.is_empty()
            && q.engagement_index.is_open()
            && q.growth.is_open()
            && q.posts_per_week.is_open()
            && q.quality.is_open()
            && q.verified.is_none()
            && q.has_email.is_none()
    }

    fn facet_counts(&self, f: &Counts) -> FacetCounts {
        FacetCounts {
            platform: named_counts(&f.platform, |c| Platform::ALL[c].as_str().to_string()),
            tier: named_counts(&f.tier, |c| Tier::ALL[c].as_str().to_string()),
            country: named_counts(&f.country, |c| self.countries[c].clone()),
            language: named_counts(&f.language, |c| self.languages[c].clone()),
            niche: named_counts(&f.niche, |c| self.niche_names[c].clone()),
        }
    }

    /// Bytes the columns and posting lists hold on the heap (an estimate from capacities).
    pub fn heap_bytes(&self) -> usize {
        let lists = |l: &Vec<Vec<u32>>| l.iter().map(|v| v.capacity() * 4).sum::<usize>();
        self.ids.capacity() * 8
            + self.cols.heap_bytes()
            + self.looks.capacity() * std::mem::size_of::<LookRow>()
            + lists(&self.by_tag)
            + lists(&self.by_niche_size)
            + (self.unfiltered.by_followers.capacity()
                + self.unfiltered.by_rate.capacity()
                + self.unfiltered.by_index.capacity()
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

    /// A channel's follower count, if it is indexed and has one.
    pub fn followers_of(&self, id: i64) -> Option<u64> {
        let o = self.ordinal(id)? as usize;
        let f = self.cols.followers[o];
        (f != u64::MAX).then_some(f)
    }

    /// Gives the index what lookalikes need of each channel: `(channel id, niche
    /// confidences, most used hashtags)` (see `clout_core::lookalike::top_hashtags`).
    /// Channels not given have none.
    pub fn set_lookalike_profiles(
        &mut self,
        profiles: impl IntoIterator<Item = (i64, Vec<(String, f64)>, Vec<String>)>,
    ) {
        let n = self.ids.len();
        self.looks = (0..n)
            .map(|o| LookRow {
                followers: self.cols.followers[o],
                conf: [0.0; MAX_NICHES],
                niches: self.cols.niches[o],
                tags: [u32::MAX; TOP_HASHTAGS],
            })
            .collect();
        self.by_tag = Vec::new();
        let mut tag_codes: HashMap<String, u32> = HashMap::new();
        for (id, niches, tags) in profiles {
            let Some(o) = self.ordinal(id) else { continue };
            let o = o as usize;
            let row = &mut self.looks[o];
            for (slot, &code) in row.niches.iter().enumerate() {
                if code == NONE16 {
                    continue;
                }
                let name = &self.niche_names[code as usize];
                row.conf[slot] = niches.iter().find(|(n, _)| n == name).map_or(0.0, |(_, c)| *c as f32);
            }
            let mut codes: Vec<u32> = tags
                .iter()
                .take(TOP_HASHTAGS)
                .map(|t| match tag_codes.get(t.as_str()) {
                    Some(&c) => c,
                    None => {
                        let c = tag_codes.len() as u32;
                        tag_codes.insert(t.clone(), c);
                        c
                    }
                })
                .collect();
            codes.sort_unstable();
            codes.dedup();
            for (slot, &c) in row.tags.iter_mut().zip(&codes) {
                *slot = c;
                post(&mut self.by_tag, c as usize, o as u32);
            }
        }
        // Profiles come in any order; posting lists are ascending, like every other.
        for list in &mut self.by_tag {
            list.sort_unstable();
            list.dedup();
        }
        let looks = &self.looks;
        self.by_niche_size = self
            .by_niche
            .iter()
            .map(|list| {
                let mut sized: Vec<u32> =
                    list.iter().copied().filter(|&o| looks[o as usize].followers != u64::MAX).collect();
                sized.sort_unstable_by_key(|&o| (looks[o as usize].followers, o));
                sized
            })
            .collect();
    }

    /// The `limit` channels most like `id`, by `clout_core::lookalike`'s similarity,
    /// among every channel sharing a niche or a hashtag with it (most similar first, ties
    /// by lower id). Empty when `id` is not indexed.
    pub fn lookalikes(&self, id: i64, limit: usize) -> Vec<Lookalike> {
        let Some(of) = self.ordinal(id).map(|o| o as usize) else {
            return Vec::new();
        };
        if self.looks.len() != self.ids.len() || limit == 0 {
            return Vec::new();
        }
        let of_row = self.looks[of];
        let of_tags = tag_slice(&of_row.tags);
        let niche_lists: Vec<&[u32]> = of_row
            .niches
            .iter()
            .filter(|&&c| c != NONE16)
            .filter_map(|c| self.by_niche.get(*c as usize))
            .map(Vec::as_slice)
            .collect();
        let tag_lists: Vec<&[u32]> =
            of_tags.iter().filter_map(|t| self.by_tag.get(*t as usize)).map(Vec::as_slice).collect();
        // Three passes, best matches first, each skipped or narrowed once what was found
        // beats all it could add:
        // 1. channels sharing a niche and a hashtag (posting lists intersected, no row read);
        // 2. channels sharing only a hashtag: at most 0.3 × 1 + 0.2 × 1 = 0.5;
        // 3. channels sharing only a niche: at most 0.5 × 1 + 0.2 × size, so only those of
        //    a close enough size are read, from the niche lists ordered by size.
        let both: Vec<Vec<u32>> = tag_lists
            .iter()
            .flat_map(|t| niche_lists.iter().map(move |n| intersect(t, n)))
            .filter(|l| !l.is_empty())
            .collect();
        let both: Vec<&[u32]> = both.iter().map(Vec::as_slice).collect();
        let mut best = self.lookalikes_over(of, &both, limit);
        let tag_only_max = combine(0.0, 1.0, 1.0);
        if best.len() < limit || best[limit - 1].similarity <= tag_only_max {
            best.extend(self.lookalikes_over(of, &tag_lists, limit));
            best.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.channel_id.cmp(&b.channel_id)));
            best.dedup_by_key(|l| l.channel_id);
            best.truncate(limit);
        }
        let worst = (best.len() == limit).then(|| best[limit - 1].similarity);
        let of_followers = (of_row.followers != u64::MAX && of_row.followers > 0).then_some(of_row.followers);
        let niche_only_max = combine(1.0, 0.0, 1.0);
        let second: Vec<&[u32]> = match worst {
            // Nothing sharing only a niche can even tie.
            Some(w) if niche_only_max < w => Vec::new(),
            Some(w) if w > combine(1.0, 0.0, 0.0) => match of_followers {
                None => Vec::new(),
                Some(f) => {
                    // size > s_min ⇔ |ln f' − ln f| < −ln(s_min) × ln 10; widened a hair so
                    // a candidate that would tie is still read.
                    let s_min = (w - combine(1.0, 0.0, 0.0)) / (niche_only_max - combine(1.0, 0.0, 0.0));
                    let reach = -s_min.ln() * std::f64::consts::LN_10 * (1.0 + 1e-9) + 1e-12;
                    let (lo, hi) = ((f as f64) * (-reach).exp(), (f as f64) * reach.exp());
                    of_row
                        .niches
                        .iter()
                        .filter(|&&c| c != NONE16)
                        .filter_map(|c| self.by_niche_size.get(*c as usize))
                        .map(|list| {
                            let size = |o: &u32| self.looks[*o as usize].followers as f64;
                            let from = list.partition_point(|o| size(o) < lo);
                            let to = list.partition_point(|o| size(o) <= hi);
                            &list[from..to.max(from)]
                        })
                        .collect()
                }
            },
            _ => niche_lists,
        };
        if !second.is_empty() {
            best.extend(self.lookalikes_over(of, &second, limit));
            best.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.channel_id.cmp(&b.channel_id)));
            // A channel in both passes comes twice, with the same score: keep one.
            best.dedup_by_key(|l| l.channel_id);
            best.truncate(limit);
        }
        best
    }

    /// The best `limit` lookalikes among the candidates of `lists` (in any order), on two
    /// threads when there are many: each takes half of every list, and the halves merge.
    fn lookalikes_over(&self, of: usize, lists: &[&[u32]], limit: usize) -> Vec<Lookalike> {
        let n = self.ids.len();
        let work: usize = lists.iter().map(|l| l.len()).sum();
        if work < PARALLEL_FROM {
            return self.lookalikes_in(of, lists, 0..n, limit);
        }
        let (low, high): (Vec<&[u32]>, Vec<&[u32]>) = lists.iter().map(|l| l.split_at(l.len() / 2)).unzip();
        let (a, b) = std::thread::scope(|scope| {
            let high = &high;
            let b = scope.spawn(move || self.lookalikes_in(of, high, 0..n, limit));
            let a = self.lookalikes_in(of, &low, 0..n, limit);
            (a, b.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
        });
        let mut best: Vec<Lookalike> = a.into_iter().chain(b).collect();
        best.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.channel_id.cmp(&b.channel_id)));
        best.dedup_by_key(|l| l.channel_id);
        best.truncate(limit);
        best
    }

    /// The best `limit` lookalikes of ordinal `of` among the candidates of `lists` whose
    /// ordinals fall in `range`.
    fn lookalikes_in(
        &self,
        of: usize,
        lists: &[&[u32]],
        range: std::ops::Range<usize>,
        limit: usize,
    ) -> Vec<Lookalike> {
        let of_row = self.looks[of];
        let of_tags = tag_slice(&of_row.tags);
        let of_followers = (of_row.followers != u64::MAX).then_some(of_row.followers);
        let mut seen = vec![0u64; (range.end - range.start).div_ceil(64)];
        let mut best: Vec<Lookalike> = Vec::with_capacity(limit + 1);
        for list in lists {
            let from = list.partition_point(|&o| (o as usize) < range.start);
            let to = list.partition_point(|&o| (o as usize) < range.end);
            let part = &list[from..to];
            for (i, &c) in part.iter().enumerate() {
                // Touch a line a few candidates ahead, so its miss overlaps this one's work.
                if let Some(&ahead) = part.get(i + 12) {
                    std::hint::black_box(self.looks[ahead as usize].followers);
                }
                let c = c as usize;
                let k = c - range.start;
                let (word, bit) = (k / 64, 1u64 << (k % 64));
                if c == of || seen[word] & bit != 0 {
                    continue;
                }
                seen[word] |= bit;
                let row = &self.looks[c];
                let niches = weighted_jaccard(&of_row, row);
                let hashtags = sorted_jaccard(of_tags, tag_slice(&row.tags));
                if niches == 0.0 && hashtags == 0.0 {
                    continue;
                }
                // Even the same size cannot lift it past the worst kept one: skip the logs.
                if best.len() == limit && combine(niches, hashtags, 1.0) < best[limit - 1].similarity {
                    continue;
                }
                let f = row.followers;
                let size = size_similarity(of_followers, (f != u64::MAX).then_some(f));
                let l = Lookalike {
                    channel_id: self.ids[c],
                    similarity: combine(niches, hashtags, size),
                    niches,
                    hashtags,
                    size,
                };
                let before = |a: &Lookalike, b: &Lookalike| {
                    b.similarity.total_cmp(&a.similarity).then(a.channel_id.cmp(&b.channel_id))
                        == std::cmp::Ordering::Less
                };
                if best.len() == limit && !before(&l, &best[limit - 1]) {
                    continue;
                }
                let at = best.partition_point(|x| before(x, &l));
                best.insert(at, l);
                best.truncate(limit);
            }
        }
        best
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

    /// The engagement rates of one peer group: the platform's channels in the size bucket,
    /// those with a rate.
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
                    .map(|o| self.cols.engagement_rate[o])
                    .filter(|r| !r.is_nan())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn tier_lists(&self, q: &DiscoveryQuery) -> &[Vec<u32>] {
        match q.preset {
            clout_core::TierPreset::Scrunch => &self.by_tier_scrunch,
            clout_core::TierPreset::Industry => &self.by_tier_industry,
        }
    }

    fn ordinal(&self, id: i64) -> Option<u32> {
        if self.ordinal_by_id.is_empty() {
            return self.ordinal_of.get(&id).copied();
        }
        usize::try_from(id).ok().and_then(|i| self.ordinal_by_id.get(i)).copied().filter(|&o| o != u32::MAX)
    }

    /// The candidates the categorical filters allow: the intersection of their posting
    /// lists (a union of lists for an any-of filter), smallest first. Every candidate is
    /// still checked against every filter. `None` when no categorical filter is set.
    fn candidate_list(&self, q: &DiscoveryQuery, wanted: &Wanted) -> Option<Vec<u32>> {
        let mut options: Vec<(&[Vec<u32>], Vec<usize>)> = Vec::new();
        if !q.platforms.is_empty() {
            options.push((
                &self.by_platform,
                q.platforms.iter().filter_map(|p| Platform::ALL.iter().position(|x| x == p)).collect(),
            ));
        }
        if !q.tiers.is_empty() {
            options.push((self.tier_lists(q), q.tiers.iter().map(|t| *t as usize).collect()));
        }
        for (set, lists, codes) in [
            (!q.countries.is_empty(), &self.by_country, &wanted.countries),
            (!q.languages.is_empty(), &self.by_language, &wanted.languages),
            (!q.niches.is_empty(), &self.by_niche, &wanted.niches),
        ] {
            if set {
                options.push((lists, codes.iter().map(|&c| c as usize).collect()));
            }
        }
        let size = |(lists, codes): &(&[Vec<u32>], Vec<usize>)| -> usize {
            codes.iter().filter_map(|&c| lists.get(c)).map(Vec::len).sum()
        };
        options.sort_by_key(size);
        let mut out: Option<Vec<u32>> = None;
        for (lists, codes) in options {
            let union: Vec<&Vec<u32>> = codes.iter().filter_map(|&c| lists.get(c)).collect();
            out = Some(match out {
                None => {
                    let mut first: Vec<u32> = union.iter().copied().flatten().copied().collect();
                    if union.len() > 1 {
                        first.sort_unstable();
                        first.dedup();
                    }
                    first
                }
                // Narrowing by galloping costs about log(list / result) per candidate:
                // worth it only while the result is much smaller than this filter's lists;
                // otherwise the scan checks this filter on each candidate anyway.
                Some(current) if current.len().saturating_mul(16) > union.iter().map(|l| l.len()).sum::<usize>() => {
                    current
                }
                Some(current) => {
                    let mut cursors = vec![0usize; union.len()];
                    current
                        .into_iter()
                        .filter(|&o| union.iter().zip(cursors.iter_mut()).any(|(list, at)| gallop(list, at, o)))
                        .collect()
                }
            });
            if out.as_ref().is_some_and(Vec::is_empty) {
                break;
            }
        }
        out
    }

    /// Whether ordinal `i` passes every filter (text aside). A column is read only when
    /// its filter is set.
    fn admits(&self, i: usize, q: &DiscoveryQuery, w: &Wanted) -> bool {
        let in_bounds = |b: &clout_core::discovery::Bounds, col: &[f64]| {
            b.is_open() || {
                let v = col[i];
                b.min.is_none_or(|m| v >= m) && b.max.is_none_or(|m| v <= m)
            }
        };
        let allowed = |set: &[bool], code: u16| set.get(code as usize).copied().unwrap_or(false);
        let c = &self.cols;
        (w.platforms.is_empty() || allowed(&w.platforms, u16::from(c.platform[i])))
            && (w.tiers.is_empty() || allowed(&w.tiers, u16::from(self.tier(i, q))))
            && (q.countries.is_empty() || allowed(&w.country_set, c.country[i]))
            && (q.languages.is_empty() || allowed(&w.language_set, c.language[i]))
            && (q.niches.is_empty() || c.niches[i].iter().any(|&n| allowed(&w.niche_set, n)))
            && q.min_followers.is_none_or(|m| c.followers[i] != u64::MAX && c.followers[i] >= m)
            && q.max_followers.is_none_or(|m| c.followers[i] != u64::MAX && c.followers[i] <= m)
            && in_bounds(&q.engagement_rate, &c.engagement_rate)
            && (w.labels.is_empty() || allowed(&w.labels, u16::from(c.label[i])))
            && in_bounds(&q.engagement_index, &c.engagement_index)
            && in_bounds(&q.growth, &c.growth)
            && in_bounds(&q.posts_per_week, &c.posts_per_week)
            && in_bounds(&q.quality, &c.quality)
            && q.verified.is_none_or(|v| c.verified[i] == u8::from(v))
            && q.has_email.is_none_or(|e| c.has_email[i] == e)
    }

    fn tier(&self, i: usize, q: &DiscoveryQuery) -> u8 {
        match q.preset {
            clout_core::TierPreset::Scrunch => self.cols.tier_scrunch[i],
            clout_core::TierPreset::Industry => self.cols.tier_industry[i],
        }
    }

    fn score(&self, i: usize, q: &DiscoveryQuery, text_score: Option<f64>) -> f64 {
        let c = &self.cols;
        match q.sort {
            SortKey::Relevance => {
                let index = c.engagement_index[i];
                match text_score {
                    Some(t) => t * (0.5 + 0.5 * if index.is_nan() { 1.0 } else { index.clamp(0.0, 3.0) }),
                    None => index,
                }
            }
            SortKey::Followers => {
                if c.followers[i] == u64::MAX {
                    f64::NAN
                } else {
                    c.followers[i] as f64
                }
            }
            SortKey::EngagementRate => c.engagement_rate[i],
            SortKey::EngagementIndex => c.engagement_index[i],
            SortKey::Growth => c.growth[i],
        }
    }

    /// One pass over some candidates: total, facet counts and the best `keep` matches.
    fn scan(&self, q: &DiscoveryQuery, w: &Wanted, candidates: Candidates<'_>, keep: usize) -> Partial {
        let mut part = Partial::new(self, q.facets, keep);
        let mut visit = |i: usize, text: Option<f64>| {
            if !self.admits(i, q, w) {
                return;
            }
            part.total += 1;
            if let Some(f) = &mut part.facets {
                let c = &self.cols;
                f.platform[c.platform[i] as usize] += 1;
                if let Some(t) = f.tier.get_mut(self.tier(i, q) as usize) {
                    *t += 1;
                }
                if let Some(n) = f.country.get_mut(c.country[i] as usize) {
                    *n += 1;
                }
                if let Some(l) = f.language.get_mut(c.language[i] as usize) {
                    *l += 1;
                }
                for &n in &c.niches[i] {
                    if let Some(c) = f.niche.get_mut(n as usize) {
                        *c += 1;
                    }
                }
            }
            if keep > 0 {
                let score = self.score(i, q, text);
                // Most matches lose to the worst kept one on score alone; only the rest
                // need their id (a tie-break) read from memory.
                if !part.top.beaten(score) {
                    part.top.offer(Ranked { score, id: self.ids[i], ordinal: i as u32 });
                }
            }
        };
        match candidates {
            Candidates::Text(hits) => hits.iter().for_each(|&(o, t)| visit(o as usize, Some(t))),
            Candidates::List(list) => list.iter().for_each(|&o| visit(o as usize, None)),
            Candidates::Range(from, to) => (from..to).for_each(|o| visit(o, None)),
        }
        part
    }

    /// Answers `q`. `text` is `None` without a text query, else the channels the text
    /// matched with their text scores (higher is better).
    pub fn search(&self, q: &DiscoveryQuery, text: Option<&HashMap<i64, f64>>) -> SearchPage {
        let hits = text.map(|t| self.text_hits(t));
        self.search_hits(q, hits.as_deref())
    }

    /// Text matches (channel id → text score) as this index's ordinals, ascending: what
    /// [`DiscoveryIndex::search_hits`] takes. Worth keeping when the same words come back.
    pub fn text_hits(&self, text: &HashMap<i64, f64>) -> Vec<(u32, f64)> {
        let mut v: Vec<(u32, f64)> = text.iter().filter_map(|(id, s)| self.ordinal(*id).map(|o| (o, *s))).collect();
        v.sort_unstable_by_key(|h| h.0);
        v
    }

    /// [`DiscoveryIndex::search`] with the text matches already as ordinals.
    pub fn search_hits(&self, q: &DiscoveryQuery, text_hits: Option<&[(u32, f64)]>) -> SearchPage {
        if text_hits.is_none() && Self::is_unfiltered(q) {
            let u = &self.unfiltered;
            let order = match q.sort {
                SortKey::Relevance | SortKey::EngagementIndex => &u.by_index,
                SortKey::Followers => &u.by_followers,
                SortKey::EngagementRate => &u.by_rate,
                SortKey::Growth => &u.by_growth,
            };
            let hits = order
                .iter()
                .skip(q.offset)
                .take(q.limit)
                .map(|&o| {
                    let score = self.score(o as usize, q, None);
                    Hit { channel_id: self.ids[o as usize], score: (!score.is_nan()).then_some(score) }
                })
                .collect();
            let counts = match q.preset {
                clout_core::TierPreset::Scrunch => &u.counts_scrunch,
                clout_core::TierPreset::Industry => &u.counts_industry,
            };
            return SearchPage {
                total: self.ids.len() as u64,
                hits,
                facets: q.facets.then(|| self.facet_counts(counts)),
            };
        }
        self.scanned(q, text_hits)
    }

    /// Answers `q` by scanning its candidates (every query but the unfiltered one).
    fn scanned(&self, q: &DiscoveryQuery, text_hits: Option<&[(u32, f64)]>) -> SearchPage {
        let w = Wanted::new(self, q);
        let keep = q.offset.saturating_add(q.limit);
        let list = if text_hits.is_some() { None } else { self.candidate_list(q, &w) };
        // Two halves on two threads when there is enough work to share.
        let halves: Vec<Candidates<'_>> = match (text_hits, &list) {
            (Some(hits), _) => split(hits).map(Candidates::Text).to_vec(),
            (None, Some(list)) => split(list).map(Candidates::List).to_vec(),
            (None, None) => {
                let n = self.ids.len();
                vec![Candidates::Range(0, n / 2), Candidates::Range(n / 2, n)]
            }
        };
        let work: usize = halves.iter().map(Candidates::len).sum();
        let parts: Vec<Partial> = if work >= PARALLEL_FROM {
            std::thread::scope(|scope| {
                let w = &w;
                let handles: Vec<_> =
                    halves.into_iter().map(|c| scope.spawn(move || self.scan(q, w, c, keep))).collect();
                handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
            })
        } else {
            halves.into_iter().map(|c| self.scan(q, &w, c, keep)).collect()
        };
        let mut merged = Partial::new(self, q.facets, keep);
        for p in parts {
            merged.total += p.total;
            if let (Some(m), Some(f)) = (&mut merged.facets, p.facets) {
                m.add(&f);
            }
            for r in p.top.items {
                merged.top.offer(r);
            }
        }
        let mut best = merged.top.items;
        best.sort_unstable_by(Ranked::order);
        let hits = best
            .iter()
            .skip(q.offset)
            .take(q.limit)
            .map(|r| Hit { channel_id: r.id, score: (!r.score.is_nan()).then_some(r.score) })
            .collect();
        let facets = merged.facets.map(|f| self.facet_counts(&f));
        SearchPage { total: merged.total, hits, facets }
    }
}

/// Below this many candidates one thread is faster than starting a second.
const PARALLEL_FROM: usize = 200_000;

/// A channel's hashtag codes (ascending; the padding left out).
fn tag_slice(tags: &[u32; TOP_HASHTAGS]) -> &[u32] {
    &tags[..tags.iter().position(|&t| t == u32::MAX).unwrap_or(TOP_HASHTAGS)]
}

/// `Σ min / Σ max` of two weighted niche sets (codes with `NONE16` for an empty slot).
fn weighted_jaccard(a: &LookRow, b: &LookRow) -> f64 {
    let (mut min, mut max) = (0.0f64, 0.0f64);
    for (code, &x) in a.niches.iter().zip(&a.conf) {
        if *code == NONE16 {
            continue;
        }
        let y = b.niches.iter().position(|c| c == code).map_or(0.0, |k| f64::from(b.conf[k]));
        min += f64::from(x).min(y);
        max += f64::from(x).max(y);
    }
    for (code, &y) in b.niches.iter().zip(&b.conf) {
        if *code != NONE16 && !a.niches.contains(code) {
            max += f64::from(y);
        }
    }
    if max > 0.0 { min / max } else { 0.0 }
}

/// `|A ∩ B| / |A ∪ B|` of two ascending, duplicate-free lists.
fn sorted_jaccard(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 { 0.0 } else { both as f64 / union as f64 }
}

/// Whether the ascending `list` holds `target`, searching forward from `*at` (targets
/// come in ascending order, so the cursor only moves forward: galloping, then binary search).
/// The ordinals in both ascending lists (galloping through the longer).
fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut at = 0;
    short.iter().copied().filter(|&x| gallop(long, &mut at, x)).collect()
}

fn gallop(list: &[u32], at: &mut usize, target: u32) -> bool {
    let mut step = 1;
    let mut hi = *at;
    while hi < list.len() && list[hi] < target {
        *at = hi;
        hi += step;
        step *= 2;
    }
    let hi = hi.min(list.len());
    let found = list[*at..hi].partition_point(|&x| x < target) + *at;
    *at = found;
    found < list.len() && list[found] == target
}

fn split<T>(items: &[T]) -> [&[T]; 2] {
    let (a, b) = items.split_at(items.len() / 2);
    [a, b]
}

/// Where a scan looks.
#[derive(Clone, Copy)]
enum Candidates<'a> {
    Text(&'a [(u32, f64)]),
    List(&'a [u32]),
    Range(usize, usize),
}

impl Candidates<'_> {
    fn len(&self) -> usize {
        match self {
            Candidates::Text(t) => t.len(),
            Candidates::List(l) => l.len(),
            Candidates::Range(a, b) => b - a,
        }
    }
}

/// A match with what orders it.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    score: f64,
    id: i64,
    ordinal: u32,
}

impl Ranked {
    /// Highest score first, null (NaN) last, then by channel id.
    fn order(a: &Ranked, b: &Ranked) -> std::cmp::Ordering {
        match (a.score.is_nan(), b.score.is_nan()) {
            (false, false) => b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)),
            (false, true) => std::cmp::Ordering::Less,
            (true, false) => std::cmp::Ordering::Greater,
            (true, true) => a.id.cmp(&b.id),
        }
        .then(a.ordinal.cmp(&b.ordinal))
    }
}

/// The best `keep` matches seen so far, as a heap whose root is the worst kept.
struct TopK {
    keep: usize,
    items: Vec<Ranked>,
}

impl TopK {
    /// Whether a match scoring `score` cannot enter: the heap is full and its worst kept
    /// match scores strictly higher (a null score loses to any number).
    fn beaten(&self, score: f64) -> bool {
        match self.items.first() {
            Some(worst) if self.items.len() >= self.keep => {
                !worst.score.is_nan() && (score.is_nan() || score < worst.score)
            }
            _ => false,
        }
    }

    fn offer(&mut self, r: Ranked) {
        use std::cmp::Ordering::Less;
        if self.items.len() < self.keep {
            self.items.push(r);
            self.sift_up(self.items.len() - 1);
        } else if Ranked::order(&r, &self.items[0]) == Less {
            self.items[0] = r;
            self.sift_down(0);
        }
    }

    /// `a` is worse than `b` (later in the result order).
    fn worse(a: &Ranked, b: &Ranked) -> bool {
        Ranked::order(a, b) == std::cmp::Ordering::Greater
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if Self::worse(&self.items[i], &self.items[parent]) {
                self.items.swap(i, parent);
                i = parent;
            } else {
                break;
            }
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.items.len();
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut worst = i;
            if l < n && Self::worse(&self.items[l], &self.items[worst]) {
                worst = l;
            }
            if r < n && Self::worse(&self.items[r], &self.items[worst]) {
                worst = r;
            }
            if worst == i {
                break;
            }
            self.items.swap(i, worst);
            i = worst;
        }
    }
}

/// Facet counts by code.
#[derive(Debug, Clone, Default)]
struct Counts {
    platform: Vec<u64>,
    tier: Vec<u64>,
    country: Vec<u64>,
    language: Vec<u64>,
    niche: Vec<u64>,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        for (a, b) in [
            (&mut self.platform, &other.platform),
            (&mut self.tier, &other.tier),
            (&mut self.country, &other.country),
            (&mut self.language, &other.language),
            (&mut self.niche, &other.niche),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

/// What one scan found.
struct Partial {
    total: u64,
    facets: Option<Counts>,
    top: TopK,
}

impl Partial {
    fn new(ix: &DiscoveryIndex, facets: bool, keep: usize) -> Partial {
        Partial {
            total: 0,
            facets: facets.then(|| Counts {
                platform: vec![0; Platform::ALL.len()],
                tier: vec![0; Tier::ALL.len()],
                country: vec![0; ix.countries.len()],
                language: vec![0; ix.languages.len()],
                niche: vec![0; ix.niche_names.len()],
            }),
            top: TopK { keep, items: Vec::with_capacity(keep.min(1 << 16)) },
        }
    }
}

/// The query's categorical filters as dictionary codes and lookup tables by code.
struct Wanted {
    countries: Vec<u16>,
    languages: Vec<u16>,
    niches: Vec<u16>,
    platforms: Vec<bool>,
    tiers: Vec<bool>,
    country_set: Vec<bool>,
    language_set: Vec<bool>,
    niche_set: Vec<bool>,
    labels: Vec<bool>,
}

impl Wanted {
    fn new(ix: &DiscoveryIndex, q: &DiscoveryQuery) -> Wanted {
        let lookup = |dict: &[String], values: &[String]| -> Vec<u16> {
            values.iter().filter_map(|v| dict.iter().position(|d| d == v)).map(|p| p as u16).collect()
        };
        let table = |size: usize, codes: &mut dyn Iterator<Item = usize>| -> Vec<bool> {
            let mut t = vec![false; size];
            for c in codes {
                if let Some(x) = t.get_mut(c) {
                    *x = true;
                }
            }
            t
        };
        let countries = lookup(&ix.countries, &q.countries);
        let languages = lookup(&ix.languages, &q.languages);
        let niches = lookup(&ix.niche_names, &q.niches);
        let or_empty = |set: bool, t: Vec<bool>| if set { t } else { Vec::new() };
        Wanted {
            platforms: or_empty(
                !q.platforms.is_empty(),
                table(
                    Platform::ALL.len(),
                    &mut q.platforms.iter().filter_map(|p| Platform::ALL.iter().position(|x| x == p)),
                ),
            ),
            tiers: or_empty(!q.tiers.is_empty(), table(Tier::ALL.len(), &mut q.tiers.iter().map(|t| *t as usize))),
            labels: or_empty(
                !q.labels.is_empty(),
                table(
                    EngagementLabel::ALL.len(),
                    &mut q.labels.iter().filter_map(|l| EngagementLabel::ALL.iter().position(|x| x == l)),
                ),
            ),
            country_set: table(ix.countries.len(), &mut countries.iter().map(|&c| c as usize)),
            language_set: table(ix.languages.len(), &mut languages.iter().map(|&c| c as usize)),
            niche_set: table(ix.niche_names.len(), &mut niches.iter().map(|&c| c as usize)),
            countries,
            languages,
            niches,
        }
    }
}
