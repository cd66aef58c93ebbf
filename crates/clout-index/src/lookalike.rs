//! Lookalikes in memory: `clout_core::lookalike`'s similarity over every channel sharing a
//! niche or a hashtag with the reference, read in three passes, best first, each skipped
//! or narrowed by a bound on what it could still add.

use std::collections::HashMap;

use clout_core::lookalike::{Lookalike, TOP_HASHTAGS, combine, size_similarity};

use crate::columns::NONE16;
use crate::lists::{PARALLEL_FROM, intersect, post};
use crate::{DiscoveryIndex, MAX_NICHES};

#[cfg(test)]
mod tests;

/// What lookalike scoring reads of one candidate, in one cache line.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
pub(crate) struct LookRow {
    pub(crate) followers: u64,
    /// Niche confidences aligned with `niches` (`f32`: shown to two decimals).
    pub(crate) conf: [f32; MAX_NICHES],
    pub(crate) niches: [u16; MAX_NICHES],
    /// Hashtag codes, ascending; `u32::MAX` pads.
    pub(crate) tags: [u32; TOP_HASHTAGS],
}

impl DiscoveryIndex {
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

    /// The `limit` lookalikes to show, in the order to show them: the 3 × `limit` most
    /// similar (as [`DiscoveryIndex::lookalikes`]), ordered by similarity × (0.7 + 0.3 ×
    /// min(merit, 1)) (`clout_core::discovery::merit`), so that among channels about as
    /// similar, consistent engagement from an authentic audience in the micro range comes
    /// first, and an outlier does not; ties by lower id.
    pub fn lookalikes_ranked(&self, id: i64, limit: usize) -> Vec<Lookalike> {
        let mut found = self.lookalikes(id, limit.saturating_mul(3));
        let rank = |l: &Lookalike| {
            let merit = self.ordinal(l.channel_id).map_or(0.0, |o| self.merit(o as usize));
            l.similarity * (0.7 + 0.3 * merit.min(1.0))
        };
        found.sort_by(|a, b| rank(b).total_cmp(&rank(a)).then(a.channel_id.cmp(&b.channel_id)));
        found.truncate(limit);
        found
    }

    /// The best `limit` lookalikes among the candidates of `lists` (in any order), on
    /// every core when there are many: each takes a slice of every list, and the slices'
    /// best merge.
    fn lookalikes_over(&self, of: usize, lists: &[&[u32]], limit: usize) -> Vec<Lookalike> {
        use rayon::prelude::*;
        let n = self.ids.len();
        let work: usize = lists.iter().map(|l| l.len()).sum();
        if work < PARALLEL_FROM {
            return self.lookalikes_in(of, lists, 0..n, limit);
        }
        let parts = rayon::current_num_threads().max(2);
        let slices: Vec<Vec<&[u32]>> = (0..parts)
            .map(|k| lists.iter().map(|l| &l[l.len() * k / parts..l.len() * (k + 1) / parts]).collect())
            .collect();
        let found: Vec<Vec<Lookalike>> =
            slices.par_iter().map(|part| self.lookalikes_in(of, part, 0..n, limit)).collect();
        let mut best: Vec<Lookalike> = found.into_iter().flatten().collect();
        best.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.channel_id.cmp(&b.channel_id)));
        best.dedup_by_key(|l| l.channel_id);
        best.truncate(limit);
        best
    }

    /// The best `limit` lookalikes of ordinal `of` among the candidates of `lists` whose
    /// ordinals fall in `range`.
    pub(crate) fn lookalikes_in(
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
}

/// A channel's hashtag codes (ascending; the padding left out).
pub(crate) fn tag_slice(tags: &[u32; TOP_HASHTAGS]) -> &[u32] {
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
