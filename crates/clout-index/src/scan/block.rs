//! The conjunctive scan, a block of candidates at a time: the query's filters compiled
//! once into checks on one column each ([`Check`]), each check run over the whole block
//! in a tight loop that keeps the candidates passing it (branch-free), then the total,
//! the facet counts (a loop per column) and the top-k offers (a loop per sort key) over
//! what is left.
//!
//! Checking candidate by candidate, every candidate asked the query which filters it
//! sets, and read the columns of several filters at once; a column at a time, a filter
//! the query does not set costs nothing and the loops stay small enough to be fast.

use clout_core::TierPreset;
use clout_core::discovery::{DiscoveryQuery, SortKey};

use super::{Candidates, Partial, Want, Wanted};
use crate::DiscoveryIndex;
use crate::MAX_NICHES;
use crate::counts::Counts;
use crate::topk::{Ranked, TopK};

/// Candidates per block: enough that a loop's set-up is nothing beside its work, few
/// enough that a block's columns stay in the first-level cache. Tests use a small one
/// so that every test crosses blocks.
#[cfg(not(test))]
pub(crate) const BLOCK: usize = 1024;
#[cfg(test)]
pub(crate) const BLOCK: usize = 7;

/// One filter of a query, as a check of one column.
enum Check<'a> {
    /// A one-byte code among the chosen ones (platform, tier, engagement label).
    Code8(&'a [u8], &'a [bool]),
    /// A two-byte code among the chosen ones (country, language).
    Code16(&'a [u16], &'a [bool]),
    /// Any of a channel's niches among the chosen ones.
    Niches(&'a [[u16; MAX_NICHES]], &'a [bool]),
    /// A follower count, not null, within inclusive bounds.
    Followers(&'a [u64], u64, u64),
    /// A metric within inclusive bounds (an open side is infinite): `NaN` (null) fails.
    Between(&'a [f64], f64, f64),
    /// Verified (0 false, 1 true, 2 unknown) equal to a value.
    Equals(&'a [u8], u8),
    HasEmail(&'a [bool], bool),
    /// Data read at or after a time.
    Since(&'a [i64], i64),
}

/// The candidates of one block still passing every check applied so far, with their
/// text scores when the candidates are text matches.
struct Selection {
    ords: Vec<u32>,
    texts: Vec<f64>,
    texted: bool,
}

impl Selection {
    fn clear(&mut self) {
        self.ords.clear();
        self.texts.clear();
    }

    /// Keeps the candidates for which `keep` holds, in order.
    #[inline(always)]
    fn retain(&mut self, keep: impl Fn(usize) -> bool) {
        let n = self.ords.len();
        let mut k = 0;
        if self.texted {
            for j in 0..n {
                let (o, t) = (self.ords[j], self.texts[j]);
                self.ords[k] = o;
                self.texts[k] = t;
                k += usize::from(keep(o as usize));
            }
            self.texts.truncate(k);
        } else {
            for j in 0..n {
                let o = self.ords[j];
                self.ords[k] = o;
                k += usize::from(keep(o as usize));
            }
        }
        self.ords.truncate(k);
    }

    fn apply(&mut self, check: &Check<'_>) {
        let allowed = |set: &[bool], code: usize| set.get(code).copied().unwrap_or(false);
        match *check {
            Check::Code8(col, set) => self.retain(|i| allowed(set, usize::from(col[i]))),
            Check::Code16(col, set) => self.retain(|i| allowed(set, usize::from(col[i]))),
            Check::Niches(col, set) => {
                self.retain(|i| col[i].iter().fold(false, |any, &n| any | allowed(set, usize::from(n))))
            }
            Check::Followers(col, min, max) => self.retain(|i| {
                let f = col[i];
                (f != u64::MAX) & (f >= min) & (f <= max)
            }),
            Check::Between(col, min, max) => self.retain(|i| {
                let v = col[i];
                (v >= min) & (v <= max)
            }),
            Check::Equals(col, value) => self.retain(|i| col[i] == value),
            Check::HasEmail(col, value) => self.retain(|i| col[i] == value),
            Check::Since(col, since) => self.retain(|i| col[i] >= since),
        }
    }
}

impl Candidates<'_> {
    /// Fills `sel` with up to [`BLOCK`] candidates at a time, in ascending ordinals, and
    /// calls `visit` with each block.
    fn for_each_block(self, sel: &mut Selection, mut visit: impl FnMut(&mut Selection)) {
        match self {
            Candidates::Text(hits) => {
                for chunk in hits.chunks(BLOCK) {
                    sel.clear();
                    sel.ords.extend(chunk.iter().map(|h| h.0));
                    sel.texts.extend(chunk.iter().map(|h| h.1));
                    visit(sel);
                }
            }
            Candidates::List(list) => {
                for chunk in list.chunks(BLOCK) {
                    sel.clear();
                    sel.ords.extend_from_slice(chunk);
                    visit(sel);
                }
            }
            // Only the disjunctive pass reads bitmaps today; decoded as `for_each` does.
            bits @ Candidates::Bits(..) => {
                sel.clear();
                bits.for_each(|o, _| {
                    sel.ords.push(o as u32);
                    if sel.ords.len() == BLOCK {
                        visit(sel);
                        sel.clear();
                    }
                });
                if !sel.ords.is_empty() {
                    visit(sel);
                }
            }
            Candidates::Range(from, to) => {
                let mut at = from;
                while at < to {
                    let end = to.min(at + BLOCK);
                    sel.clear();
                    sel.ords.extend(at as u32..end as u32);
                    visit(sel);
                    at = end;
                }
            }
        }
    }
}

fn bump(counts: &mut [u64], code: usize) {
    if let Some(x) = counts.get_mut(code) {
        *x += 1;
    }
}

impl DiscoveryIndex {
    /// The tier column of the query's preset.
    fn tier_column(&self, q: &DiscoveryQuery) -> &[u8] {
        match q.preset {
            TierPreset::Scrunch => &self.cols.tier_scrunch,
            TierPreset::Industry => &self.cols.tier_industry,
        }
    }

    /// The checks `q` sets, each on its column (none for a filter it leaves open).
    fn checks<'a>(&'a self, q: &DiscoveryQuery, w: &'a Wanted) -> Vec<Check<'a>> {
        let c = &self.cols;
        let mut checks = Vec::new();
        if !w.platforms.is_empty() {
            checks.push(Check::Code8(&c.platform, &w.platforms));
        }
        if !w.tiers.is_empty() {
            checks.push(Check::Code8(self.tier_column(q), &w.tiers));
        }
        if !q.countries.is_empty() {
            checks.push(Check::Code16(&c.country, &w.country_set));
        }
        if !q.languages.is_empty() {
            checks.push(Check::Code16(&c.language, &w.language_set));
        }
        if !q.niches.is_empty() {
            checks.push(Check::Niches(&c.niches, &w.niche_set));
        }
        if !w.labels.is_empty() {
            checks.push(Check::Code8(&c.label, &w.labels));
        }
        if q.min_followers.is_some() || q.max_followers.is_some() {
            checks.push(Check::Followers(
                &c.followers,
                q.min_followers.unwrap_or(0),
                q.max_followers.unwrap_or(u64::MAX),
            ));
        }
        for (bounds, col) in [
            (&q.engagement_rate, &c.engagement_rate),
            (&q.engagement_index, &c.engagement_index),
            (&q.growth, &c.growth),
            (&q.posts_per_week, &c.posts_per_week),
            (&q.quality, &c.quality),
        ] {
            if !bounds.is_open() {
                checks.push(Check::Between(
                    col,
                    bounds.min.unwrap_or(f64::NEG_INFINITY),
                    bounds.max.unwrap_or(f64::INFINITY),
                ));
            }
        }
        if let Some(v) = q.verified {
            checks.push(Check::Equals(&c.verified, u8::from(v)));
        }
        if let Some(e) = q.has_email {
            checks.push(Check::HasEmail(&c.has_email, e));
        }
        if let Some(s) = q.data_since {
            checks.push(Check::Since(&c.as_of, s));
        }
        checks
    }

    /// One conjunctive pass over some candidates: total, facet counts and what `want`
    /// asks of the matches.
    pub(crate) fn scan(&self, q: &DiscoveryQuery, w: &Wanted, candidates: Candidates<'_>, want: Want) -> Partial {
        let checks = self.checks(q, w);
        let (keep, cap) = match want {
            Want::Top(keep) => (keep, 0),
            Want::Matches(cap) => (0, cap),
        };
        let mut part = Partial::new(self, q.facets.wanted(), keep);
        if cap > 0 {
            part.found = Some(Vec::new());
        }
        let texted = matches!(candidates, Candidates::Text(_));
        let mut sel = Selection { ords: Vec::with_capacity(BLOCK), texts: Vec::with_capacity(BLOCK), texted };
        candidates.for_each_block(&mut sel, |sel| {
            for check in &checks {
                sel.apply(check);
            }
            if sel.ords.is_empty() {
                return;
            }
            part.total += sel.ords.len() as u64;
            if let Some(found) = &mut part.found {
                if part.total <= cap as u64 {
                    found.extend_from_slice(&sel.ords);
                } else {
                    part.found = None;
                }
            }
            if let Some(f) = &mut part.facets {
                self.count_block(f, &sel.ords, q);
            }
            if keep > 0 {
                self.offer_block(&mut part.top, sel, q);
            }
        });
        part
    }

    /// Counts the values of every group (and the label) of the ordinals `ords`, a
    /// column at a time; a null value counts nowhere.
    fn count_block(&self, f: &mut Counts, ords: &[u32], q: &DiscoveryQuery) {
        let c = &self.cols;
        let tiers = self.tier_column(q);
        for &o in ords {
            bump(&mut f.platform, usize::from(c.platform[o as usize]));
        }
        for &o in ords {
            bump(&mut f.tier, usize::from(tiers[o as usize]));
        }
        for &o in ords {
            bump(&mut f.country, usize::from(c.country[o as usize]));
        }
        for &o in ords {
            bump(&mut f.language, usize::from(c.language[o as usize]));
        }
        for &o in ords {
            for &n in &c.niches[o as usize] {
                bump(&mut f.niche, usize::from(n));
            }
        }
        for &o in ords {
            bump(&mut f.label, usize::from(c.label[o as usize]));
        }
    }

    /// Offers the selection's matches to the best ones kept, scored by the query's sort
    /// (as [`DiscoveryIndex::score`] scores them), with the sort chosen once per block.
    fn offer_block(&self, top: &mut TopK, sel: &Selection, q: &DiscoveryQuery) {
        let c = &self.cols;
        match q.sort {
            SortKey::Relevance if sel.texted => {
                self.offer_all(top, &sel.ords, |j, i| sel.texts[j] * (0.5 + 0.5 * self.merits[i]))
            }
            SortKey::Relevance => self.offer_all(top, &sel.ords, |_, i| self.merits[i]),
            SortKey::Followers => self.offer_all(top, &sel.ords, |_, i| {
                if c.followers[i] == u64::MAX { f64::NAN } else { c.followers[i] as f64 }
            }),
            SortKey::EngagementRate => self.offer_all(top, &sel.ords, |_, i| c.engagement_rate[i]),
            SortKey::EngagementIndex => self.offer_all(top, &sel.ords, |_, i| c.engagement_index[i]),
            SortKey::Growth => self.offer_all(top, &sel.ords, |_, i| c.growth[i]),
        }
    }

    #[inline(always)]
    fn offer_all(&self, top: &mut TopK, ords: &[u32], score: impl Fn(usize, usize) -> f64) {
        for (j, &o) in ords.iter().enumerate() {
            let i = o as usize;
            let s = score(j, i);
            // Most matches lose to the worst kept one on score alone; only the rest
            // need their id (a tie-break) read from memory.
            if !top.beaten(s) {
                top.offer(Ranked { score: s, id: self.ids[i], ordinal: o });
            }
        }
    }
}

impl DiscoveryIndex {
    /// The first `keep` channels passing every filter of `q` (text aside) in the order of
    /// its sort over every channel, computed at build: read a block at a time, so a query
    /// matching many channels reads few of them to fill its page. `None` once more than
    /// `budget` channels were read without filling it: the matches lie late in the order
    /// (a filter working against the sort, `tier=nano` by followers), and scoring the
    /// candidates costs less.
    pub(crate) fn walk(&self, q: &DiscoveryQuery, w: &Wanted, keep: usize, budget: usize) -> Option<Vec<u32>> {
        let checks = self.checks(q, w);
        let mut out = Vec::with_capacity(keep);
        let mut sel = Selection { ords: Vec::with_capacity(BLOCK), texts: Vec::new(), texted: false };
        let mut read = 0;
        for chunk in self.unfiltered.order(q.sort).chunks(BLOCK) {
            if out.len() >= keep {
                break;
            }
            if read >= budget {
                return None;
            }
            read += chunk.len();
            sel.clear();
            sel.ords.extend_from_slice(chunk);
            for check in &checks {
                sel.apply(check);
            }
            let room = keep - out.len();
            out.extend(sel.ords.iter().take(room));
        }
        Some(out)
    }

    /// The best `keep` of the matches `ords` (in any order) by the query's sort.
    pub(crate) fn rank(&self, q: &DiscoveryQuery, ords: Vec<u32>, keep: usize) -> TopK {
        let mut top = TopK::new(keep);
        if keep > 0 {
            let sel = Selection { ords, texts: Vec::new(), texted: false };
            self.offer_block(&mut top, &sel, q);
        }
        top
    }
}

#[cfg(test)]
mod tests {
    use super::{BLOCK, Candidates, Selection};

    /// Every ordinal `for_each_block` hands over, with each block's size.
    fn blocks(c: Candidates<'_>) -> (Vec<u32>, Vec<usize>) {
        let mut sel = Selection { ords: Vec::new(), texts: Vec::new(), texted: matches!(c, Candidates::Text(_)) };
        let (mut all, mut sizes) = (Vec::new(), Vec::new());
        c.for_each_block(&mut sel, |s| {
            all.extend_from_slice(&s.ords);
            sizes.push(s.ords.len());
        });
        (all, sizes)
    }

    #[test]
    fn every_kind_of_candidates_comes_in_blocks_of_at_most_block_in_ascending_order() {
        let ords: Vec<u32> = (0..40).map(|i| i * 5 + 70).collect();
        let text: Vec<(u32, f64)> = ords.iter().map(|&o| (o, 1.0)).collect();
        let mut bits = vec![0u64; 5];
        for &o in &ords {
            bits[o as usize / 64 - 1] |= 1 << (o % 64);
        }
        for c in [Candidates::List(&ords), Candidates::Text(&text), Candidates::Bits(&bits, 1)] {
            let (all, sizes) = blocks(c);
            assert_eq!(all, ords);
            assert!(sizes.iter().all(|&n| n > 0 && n <= BLOCK), "{sizes:?}");
        }
        let (all, sizes) = blocks(Candidates::Range(3, 3 + 3 * BLOCK + 1));
        assert_eq!(all, (3..3 + 3 * BLOCK as u32 + 1).collect::<Vec<_>>());
        assert_eq!(sizes, [BLOCK, BLOCK, BLOCK, 1]);
    }
}
