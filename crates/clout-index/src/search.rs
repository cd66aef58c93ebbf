//! Answering a [`DiscoveryQuery`]: the unfiltered query from the answers computed at
//! build, every other one by scanning the candidates its posting lists (or text matches)
//! allow, or in disjunctive mode those of `facets`, on every core when there are many,
//! with the parts merged; without text, the page of a query matching many channels is read
//! off its sort's order over every channel.

use std::collections::HashMap;

use std::borrow::Cow;

use clout_core::discovery::{DiscoveryQuery, Facets, Hit, SearchPage};

use crate::DiscoveryIndex;
use crate::counts::Group;
use crate::lists::{PARALLEL_FROM, gallop};
use crate::scan::{Candidates, Partial, Want, Wanted};
use crate::topk::Ranked;

impl DiscoveryIndex {
    /// Answers `q`. `text` is `None` without a text query, else the channels the text
    /// matched with their text scores (higher is better).
    pub fn search(&self, q: &DiscoveryQuery, text: Option<&HashMap<i64, f64>>) -> SearchPage {
        let hits = text.map(|t| self.text_hits(t.iter().map(|(id, s)| (*id, *s))));
        self.search_hits(q, hits.as_deref())
    }

    /// Text matches (channel id → text score) as this index's ordinals, ascending: what
    /// [`DiscoveryIndex::search_hits`] takes. Worth keeping when the same words come back.
    ///
    /// A common word matches most channels: past one in 16 the matches are put in place
    /// by ordinal (one pass over a bitmap) instead of sorted, which at a million channels
    /// and 700,000 matches is several times cheaper.
    pub fn text_hits(&self, text: impl IntoIterator<Item = (i64, f64)>) -> Vec<(u32, f64)> {
        let mut v: Vec<(u32, f64)> = text.into_iter().filter_map(|(id, s)| self.ordinal(id).map(|o| (o, s))).collect();
        if v.len() <= self.len() / 16 {
            v.sort_unstable_by_key(|h| h.0);
            return v;
        }
        let mut present = vec![0u64; self.len().div_ceil(64)];
        let mut scores = vec![0f64; self.len()];
        for &(o, s) in &v {
            present[o as usize / 64] |= 1 << (o % 64);
            scores[o as usize] = s;
        }
        v.clear();
        for (w, &bits) in present.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let o = w * 64 + bits.trailing_zeros() as usize;
                v.push((o as u32, scores[o]));
                bits &= bits - 1;
            }
        }
        v
    }

    /// [`DiscoveryIndex::search`] with the text matches already as ordinals.
    pub fn search_hits(&self, q: &DiscoveryQuery, text_hits: Option<&[(u32, f64)]>) -> SearchPage {
        if text_hits.is_none() && Self::is_unfiltered(q) {
            let u = &self.unfiltered;
            let hits = u.order(q.sort).iter().skip(q.offset).take(q.limit).map(|&o| self.hit(o, q, None)).collect();
            let counts = u.counts(q.preset);
            return SearchPage {
                total: self.ids.len() as u64,
                hits,
                facets: q.facets.wanted().then(|| self.facet_counts(counts)),
            };
        }
        self.scanned(q, text_hits)
    }

    /// Answers `q` by scanning its candidates (every query but the unfiltered one).
    pub(crate) fn scanned(&self, q: &DiscoveryQuery, text_hits: Option<&[(u32, f64)]>) -> SearchPage {
        self.scanned_from(q, text_hits, PARALLEL_FROM)
    }

    /// [`DiscoveryIndex::scanned`], on every core from `parallel_from` candidates (a
    /// parameter so that tests take both paths on small indexes).
    pub(crate) fn scanned_from(
        &self,
        q: &DiscoveryQuery,
        text_hits: Option<&[(u32, f64)]>,
        parallel_from: usize,
    ) -> SearchPage {
        let w = Wanted::new(self, q);
        let keep = q.offset.saturating_add(q.limit);
        // Disjunctive facets need their own pass unless no group is chosen (then they are
        // the conjunctive ones) or one group is and nothing else filters (then that group
        // counts over everything, as computed at build, and the others are conjunctive).
        let lone = if q.facets == Facets::Disjunctive { Self::lone_group(q, &w, text_hits.is_some()) } else { None };
        let chosen = !w.chosen.is_empty() || !w.labels.is_empty();
        let disjunctive = q.facets == Facets::Disjunctive && chosen && lone.is_none();
        let (list, bits) = match (text_hits, disjunctive) {
            (Some(_), _) => (None, None),
            (None, false) => (self.candidate_list(q, &w), None),
            (None, true) => (None, self.disjunctive_candidates(q, &w)),
        };
        let candidates = match (text_hits, &list, &bits) {
            (Some(hits), _, _) => Candidates::Text(hits),
            (None, Some(list), _) => Candidates::List(list),
            (None, None, Some(bits)) => Candidates::Bits(bits, 0),
            (None, None, None) => Candidates::Range(0, self.ids.len()),
        };
        // Without text, every sort's order over all channels is known from the build: the
        // scan counts the matches and collects them while they are few (then they are
        // ranked), and past that the page is read off that order (see `walk`), which
        // spares scoring every match. The limit balances the two: ranking `cap` matches
        // costs about what walking to the `keep`-th match costs when `cap` channels match.
        let ordered = text_hits.is_none() && !disjunctive && keep > 0;
        let cap = collect_cap(keep, self.ids.len());
        let want = if ordered { Want::Matches(cap) } else { Want::Top(keep) };
        let scan = |want: Want| -> Vec<Partial> {
            let pass = |c: Candidates<'_>| {
                if disjunctive { self.scan_disjunctive(q, &w, c, keep) } else { self.scan(q, &w, c, want) }
            };
            if candidates.len() >= parallel_from {
                use rayon::prelude::*;
                candidates.split(rayon::current_num_threads().max(2)).into_par_iter().map(pass).collect()
            } else {
                vec![pass(candidates)]
            }
        };
        let parts = scan(want);
        let mut merged = Partial::new(self, q.facets.wanted(), keep);
        let mut found = Some(Vec::new());
        for p in parts {
            merged.total += p.total;
            if let (Some(m), Some(f)) = (&mut merged.facets, p.facets) {
                m.add(&f);
            }
            for r in p.top.items {
                merged.top.offer(r);
            }
            found = found.zip(p.found).map(|(mut all, part)| {
                all.extend(part);
                all
            });
        }
        if let (Some(g), Some(m)) = (lone, &mut merged.facets) {
            m.of_mut(g).clone_from(self.unfiltered.counts(q.preset).of(g));
        }
        // The walk may read about as many channels as there are candidates; past that a
        // second scan, scoring them, costs less.
        let walked = match (ordered, &found) {
            (true, None) => Some(self.walk(q, &w, keep, candidates.len().max(4 * crate::scan::BLOCK_SIZE))),
            _ => None,
        };
        let hits: Vec<Hit> = match (walked, found) {
            (Some(Some(page)), _) => page.into_iter().skip(q.offset).map(|o| self.hit(o, q, None)).collect(),
            (Some(None), _) => {
                let mut top = crate::topk::TopK::new(keep);
                for r in scan(Want::Top(keep)).into_iter().flat_map(|p| p.top.items) {
                    top.offer(r);
                }
                self.best(top, q)
            }
            (None, Some(matches)) if ordered => self.best(self.rank(q, matches, keep), q),
            _ => self.best(merged.top, q),
        };
        let facets = merged.facets.map(|f| self.facet_counts(&f));
        SearchPage { total: merged.total, hits, facets }
    }

    /// The page of a query's best matches.
    fn best(&self, top: crate::topk::TopK, q: &DiscoveryQuery) -> Vec<Hit> {
        let mut best = top.items;
        best.sort_unstable_by(Ranked::order);
        best.iter()
            .skip(q.offset)
            .take(q.limit)
            .map(|r| Hit { channel_id: r.id, score: (!r.score.is_nan()).then_some(r.score) })
            .collect()
    }

    /// Ordinal `o` as a hit of `q`, scored by its sort.
    fn hit(&self, o: u32, q: &DiscoveryQuery, text: Option<f64>) -> Hit {
        let score = self.score(o as usize, q, text);
        Hit { channel_id: self.ids[o as usize], score: (!score.is_nan()).then_some(score) }
    }

    /// The group whose disjunctive counts are the unfiltered ones computed at build: the
    /// only group `q` chooses, when nothing else filters (no other filter, no text).
    fn lone_group(q: &DiscoveryQuery, w: &Wanted, text: bool) -> Option<Group> {
        let [g] = w.chosen[..] else { return None };
        let mut rest = q.clone();
        g.clear(&mut rest);
        (!text && Self::is_unfiltered(&rest)).then_some(g)
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
            && q.data_since.is_none()
    }

    /// The candidates the categorical filters allow: the intersection of their posting
    /// lists (a union of lists for an any-of filter), smallest first. Every candidate is
    /// still checked against every filter. `None` when no categorical filter is set.
    fn candidate_list<'a>(&'a self, q: &DiscoveryQuery, wanted: &Wanted) -> Option<Cow<'a, [u32]>> {
        let mut options: Vec<Vec<&[u32]>> = wanted.chosen.iter().map(|&g| self.group_lists(g, q, wanted)).collect();
        options.sort_by_key(|lists| lists.iter().map(|l| l.len()).sum::<usize>());
        let mut out: Option<Cow<'a, [u32]>> = None;
        for union in options {
            out = Some(match out {
                // One list is used as it is (no copy); a union is merged.
                None => match union[..] {
                    [one] => Cow::Borrowed(one),
                    _ => {
                        let mut first: Vec<u32> = union.iter().copied().flatten().copied().collect();
                        first.sort_unstable();
                        first.dedup();
                        Cow::Owned(first)
                    }
                },
                // A run of consecutive ordinals (a platform's; a platform's tier: the build
                // clusters them) narrows a single list to a slice of it, found by binary
                // search, without reading the rest.
                Some(current) if union.len() == 1 && (is_run(&current) || is_run(union[0])) => {
                    narrow_by_run(current, union[0])
                }
                // Narrowing by galloping costs about log(list / result) per candidate:
                // worth it only while the result is much smaller than this filter's lists;
                // otherwise the scan checks this filter on each candidate anyway.
                Some(current) if current.len().saturating_mul(16) > union.iter().map(|l| l.len()).sum::<usize>() => {
                    current
                }
                Some(current) => {
                    let mut cursors = vec![0usize; union.len()];
                    Cow::Owned(
                        current
                            .iter()
                            .copied()
                            .filter(|&o| union.iter().zip(cursors.iter_mut()).any(|(list, at)| gallop(list, at, o)))
                            .collect(),
                    )
                }
            });
            if out.as_ref().is_some_and(|c| c.is_empty()) {
                break;
            }
        }
        out
    }
}

/// How many matches a scan collects to rank them before the page is read off the sort's
/// order instead (see [`DiscoveryIndex::scanned_from`]). Tests use a tiny one so that
/// their small indexes take both ways.
fn collect_cap(keep: usize, channels: usize) -> usize {
    if cfg!(test) { 4 } else { ((keep as f64 * channels as f64).sqrt() as usize).max(1024) }
}

/// Whether ascending `list` holds every ordinal from its first to its last.
fn is_run(list: &[u32]) -> bool {
    match (list.first(), list.last()) {
        (Some(&a), Some(&b)) => (b - a) as usize + 1 == list.len(),
        _ => false,
    }
}

/// The ordinals in both ascending lists, one of which is a run ([`is_run`]): the other
/// one's slice within the run's bounds.
fn narrow_by_run<'a>(current: Cow<'a, [u32]>, other: &'a [u32]) -> Cow<'a, [u32]> {
    let within = |list: &[u32], run: &[u32]| -> std::ops::Range<usize> {
        match (run.first(), run.last()) {
            (Some(&lo), Some(&hi)) => list.partition_point(|&o| o < lo)..list.partition_point(|&o| o <= hi),
            _ => 0..0,
        }
    };
    if is_run(&current) {
        let r = within(other, &current);
        return Cow::Borrowed(&other[r]);
    }
    let r = within(&current, other);
    match current {
        Cow::Borrowed(c) => Cow::Borrowed(&c[r]),
        Cow::Owned(mut v) => {
            v.truncate(r.end);
            v.drain(..r.start);
            Cow::Owned(v)
        }
    }
}
