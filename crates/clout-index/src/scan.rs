//! One pass over a query's candidates: the filters checked column by column, the total,
//! facet counts and the bounded top-k of what matches; the candidates themselves (text
//! matches, a posting list, a bitmap or a range of ordinals) and the query's filters as
//! dictionary codes.

use clout_core::discovery::{DiscoveryQuery, SortKey};
use clout_core::{EngagementLabel, Platform, Tier};

use crate::DiscoveryIndex;
use crate::counts::{Counts, Group};
use crate::topk::{Ranked, TopK};

mod block;

pub(crate) use block::BLOCK as BLOCK_SIZE;

/// Where a scan looks.
#[derive(Clone, Copy)]
pub(crate) enum Candidates<'a> {
    Text(&'a [(u32, f64)]),
    List(&'a [u32]),
    /// The set bits of a bitmap over ordinals: words of 64 ordinals, the first one being
    /// word number `.1` of the whole bitmap.
    Bits(&'a [u64], usize),
    Range(usize, usize),
}

impl<'a> Candidates<'a> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Candidates::Text(t) => t.len(),
            Candidates::List(l) => l.len(),
            Candidates::Bits(words, _) => words.iter().map(|w| w.count_ones() as usize).sum(),
            Candidates::Range(a, b) => b - a,
        }
    }

    /// About `n` candidate sets of about as many candidates each (fewer when there are
    /// fewer candidates), together the same candidates: one per thread.
    pub(crate) fn split(self, n: usize) -> Vec<Candidates<'a>> {
        let n = n.max(1);
        match self {
            Candidates::Text(t) => t.chunks(t.len().div_ceil(n).max(1)).map(Candidates::Text).collect(),
            Candidates::List(l) => l.chunks(l.len().div_ceil(n).max(1)).map(Candidates::List).collect(),
            Candidates::Range(from, to) => {
                let step = (to - from).div_ceil(n).max(1);
                (from..to).step_by(step).map(|a| Candidates::Range(a, to.min(a + step))).collect()
            }
            Candidates::Bits(words, first) => {
                let each = self.len().div_ceil(n).max(1);
                let mut parts = Vec::with_capacity(n);
                let (mut start, mut seen) = (0, 0);
                for (k, w) in words.iter().enumerate() {
                    seen += w.count_ones() as usize;
                    if seen >= each {
                        parts.push(Candidates::Bits(&words[start..=k], first + start));
                        (start, seen) = (k + 1, 0);
                    }
                }
                if start < words.len() {
                    parts.push(Candidates::Bits(&words[start..], first + start));
                }
                parts
            }
        }
    }

    /// Calls `visit` with each candidate's ordinal and text score, in ascending ordinals.
    #[inline(always)]
    pub(crate) fn for_each(self, mut visit: impl FnMut(usize, Option<f64>)) {
        match self {
            Candidates::Text(hits) => hits.iter().for_each(|&(o, t)| visit(o as usize, Some(t))),
            Candidates::List(list) => list.iter().for_each(|&o| visit(o as usize, None)),
            Candidates::Bits(words, first) => {
                for (k, &word) in words.iter().enumerate() {
                    let mut rest = word;
                    while rest != 0 {
                        visit((first + k) * 64 + rest.trailing_zeros() as usize, None);
                        rest &= rest - 1;
                    }
                }
            }
            Candidates::Range(from, to) => (from..to).for_each(|o| visit(o, None)),
        }
    }
}

/// What one scan found.
pub(crate) struct Partial {
    pub(crate) total: u64,
    pub(crate) facets: Option<Counts>,
    pub(crate) top: TopK,
    /// Every match's ordinal, when the scan was asked to collect them and found no more
    /// than it was allowed to (see [`Want::Matches`]).
    pub(crate) found: Option<Vec<u32>>,
}

impl Partial {
    pub(crate) fn new(ix: &DiscoveryIndex, facets: bool, keep: usize) -> Partial {
        Partial { total: 0, facets: facets.then(|| Counts::zeroed(ix)), top: TopK::new(keep), found: None }
    }
}

/// What a scan keeps of its matches besides counting them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// The best this many, by the query's sort.
    Top(usize),
    /// Every match's ordinal, as long as there are at most this many (none kept past
    /// that): the caller ranks them, or reads the sort's order over every channel.
    Matches(usize),
}

/// The query's categorical filters as dictionary codes and lookup tables by code.
pub(crate) struct Wanted {
    pub(crate) countries: Vec<u16>,
    pub(crate) languages: Vec<u16>,
    pub(crate) niches: Vec<u16>,
    /// The groups the query chooses values of, in [`Group::ALL`] order.
    pub(crate) chosen: Vec<Group>,
    platforms: Vec<bool>,
    tiers: Vec<bool>,
    country_set: Vec<bool>,
    language_set: Vec<bool>,
    niche_set: Vec<bool>,
    /// By label code; empty when no label is chosen.
    pub(crate) labels: Vec<bool>,
}

impl Wanted {
    pub(crate) fn new(ix: &DiscoveryIndex, q: &DiscoveryQuery) -> Wanted {
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
            chosen: Group::ALL.into_iter().filter(|g| g.chosen(q)).collect(),
        }
    }
}

impl DiscoveryIndex {
    /// Whether ordinal `i` passes the query's filter on group `g` (any of its chosen
    /// values; a group without a choice passes everything).
    #[inline(always)]
    pub(crate) fn passes(&self, g: Group, i: usize, q: &DiscoveryQuery, w: &Wanted) -> bool {
        let allowed = |set: &[bool], code: u16| set.get(code as usize).copied().unwrap_or(false);
        let c = &self.cols;
        match g {
            Group::Platform => w.platforms.is_empty() || allowed(&w.platforms, u16::from(c.platform[i])),
            Group::Tier => w.tiers.is_empty() || allowed(&w.tiers, u16::from(self.tier(i, q))),
            Group::Country => q.countries.is_empty() || allowed(&w.country_set, c.country[i]),
            Group::Language => q.languages.is_empty() || allowed(&w.language_set, c.language[i]),
            Group::Niche => q.niches.is_empty() || c.niches[i].iter().any(|&n| allowed(&w.niche_set, n)),
        }
    }

    /// Whether ordinal `i` has one of the chosen engagement labels (any, with none chosen).
    #[inline(always)]
    pub(crate) fn passes_label(&self, i: usize, w: &Wanted) -> bool {
        w.labels.is_empty() || w.labels.get(usize::from(self.cols.label[i])).copied().unwrap_or(false)
    }

    /// Whether ordinal `i` passes the follower bounds, metric bounds, verified, email and
    /// data age.
    #[inline(always)]
    pub(crate) fn passes_bounds(&self, i: usize, q: &DiscoveryQuery) -> bool {
        let in_bounds = |b: &clout_core::discovery::Bounds, col: &[f64]| {
            b.is_open() || {
                let v = col[i];
                b.min.is_none_or(|m| v >= m) && b.max.is_none_or(|m| v <= m)
            }
        };
        let c = &self.cols;
        q.min_followers.is_none_or(|m| c.followers[i] != u64::MAX && c.followers[i] >= m)
            && q.max_followers.is_none_or(|m| c.followers[i] != u64::MAX && c.followers[i] <= m)
            && in_bounds(&q.engagement_rate, &c.engagement_rate)
            && in_bounds(&q.engagement_index, &c.engagement_index)
            && in_bounds(&q.growth, &c.growth)
            && in_bounds(&q.posts_per_week, &c.posts_per_week)
            && in_bounds(&q.quality, &c.quality)
            && q.verified.is_none_or(|v| c.verified[i] == u8::from(v))
            && q.has_email.is_none_or(|e| c.has_email[i] == e)
            && q.data_since.is_none_or(|s| c.as_of[i] >= s)
    }

    /// The posting lists whose union is every ordinal passing group `g`'s filter (empty
    /// when the group has no choice; a chosen value the index has never seen has none).
    pub(crate) fn group_lists<'a>(&'a self, g: Group, q: &DiscoveryQuery, w: &Wanted) -> Vec<&'a [u32]> {
        let pick = |lists: &'a [Vec<u32>], codes: &mut dyn Iterator<Item = usize>| -> Vec<&'a [u32]> {
            codes.filter_map(|c| lists.get(c)).map(Vec::as_slice).collect()
        };
        match g {
            Group::Platform => pick(
                &self.by_platform,
                &mut q.platforms.iter().filter_map(|p| Platform::ALL.iter().position(|x| x == p)),
            ),
            Group::Tier => pick(self.tier_lists(q), &mut q.tiers.iter().map(|t| *t as usize)),
            Group::Country => pick(&self.by_country, &mut w.countries.iter().map(|&c| c as usize)),
            Group::Language => pick(&self.by_language, &mut w.languages.iter().map(|&c| c as usize)),
            Group::Niche => pick(&self.by_niche, &mut w.niches.iter().map(|&c| c as usize)),
        }
    }

    /// Channel `i`'s [`clout_core::discovery::merit`], the default order.
    /// Channel `i`'s merit, as computed at build.
    pub(crate) fn merit(&self, i: usize) -> f64 {
        self.merits[i]
    }

    /// Every channel's merit, by ordinal, from its columns.
    pub(crate) fn merits_of_columns(&self) -> Vec<f64> {
        (0..self.ids.len()).map(|i| self.merit_of_columns(i)).collect()
    }

    fn merit_of_columns(&self, i: usize) -> f64 {
        let c = &self.cols;
        let some = |v: f64| (!v.is_nan()).then_some(v);
        clout_core::discovery::merit(&clout_core::discovery::MeritInputs {
            followers: (c.followers[i] != u64::MAX).then_some(c.followers[i]),
            engagement_rate: some(c.engagement_rate[i]),
            median_rate: some(f64::from(c.median_rate[i])),
            engagement_index: some(c.engagement_index[i]),
            quality: some(c.quality[i]),
        })
    }

    pub(crate) fn score(&self, i: usize, q: &DiscoveryQuery, text_score: Option<f64>) -> f64 {
        let c = &self.cols;
        match q.sort {
            SortKey::Relevance => {
                let merit = self.merit(i);
                match text_score {
                    Some(t) => t * (0.5 + 0.5 * merit),
                    None => merit,
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

    /// Offers a match to the best ones kept.
    #[inline(always)]
    pub(crate) fn offer(&self, top: &mut TopK, i: usize, q: &DiscoveryQuery, text: Option<f64>) {
        if top.keep > 0 {
            let score = self.score(i, q, text);
            // Most matches lose to the worst kept one on score alone; only the rest
            // need their id (a tie-break) read from memory.
            if !top.beaten(score) {
                top.offer(Ranked { score, id: self.ids[i], ordinal: i as u32 });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Candidates;

    /// Every candidate's ordinal and text score, in visiting order.
    fn visited(c: Candidates<'_>) -> Vec<(usize, Option<f64>)> {
        let mut out = Vec::new();
        c.for_each(|o, t| out.push((o, t)));
        out
    }

    #[test]
    fn split_candidates_together_are_the_candidates_in_order() {
        let list: Vec<u32> = (0..100).map(|i| i * 3 + 1).collect();
        let text: Vec<(u32, f64)> = list.iter().map(|&o| (o, f64::from(o) / 2.0)).collect();
        // Ordinals 5..70 and 130..131 set, words 0 to 2 of a bitmap starting at word 1.
        let mut bits = vec![0u64; 3];
        for o in (5..70).chain(130..131) {
            bits[o / 64] |= 1 << (o % 64);
        }
        for c in [
            Candidates::List(&list),
            Candidates::Text(&text),
            Candidates::Range(7, 93),
            Candidates::Range(4, 4),
            Candidates::Bits(&bits, 1),
            Candidates::List(&[]),
        ] {
            let whole = visited(c);
            for n in 1..=8 {
                let parts = c.split(n);
                assert!(parts.len() <= n.max(1), "{n} parts at most");
                let joined: Vec<_> = parts.into_iter().flat_map(visited).collect();
                assert_eq!(joined, whole, "split in {n}");
            }
        }
        assert_eq!(visited(Candidates::Bits(&bits, 1))[0].0, 64 + 5, "a bitmap's first word is word 1");
    }
}
