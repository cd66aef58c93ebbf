//! Facet counts by dictionary code, as a scan accumulates them, and their naming into
//! the [`FacetCounts`] a search returns (most frequent first); the facet groups.

use clout_core::discovery::{DiscoveryQuery, FacetCounts};
use clout_core::{EngagementLabel, Platform, Tier};

use crate::DiscoveryIndex;

/// A facet group: a categorical filter (any of the chosen values) whose values are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Platform,
    Tier,
    Country,
    Language,
    Niche,
}

impl Group {
    /// In the order a query's filters are checked.
    pub(crate) const ALL: [Group; 5] = [Group::Platform, Group::Tier, Group::Country, Group::Language, Group::Niche];

    /// Whether `q` chooses values of this group (filters on it).
    pub(crate) fn chosen(self, q: &DiscoveryQuery) -> bool {
        match self {
            Group::Platform => !q.platforms.is_empty(),
            Group::Tier => !q.tiers.is_empty(),
            Group::Country => !q.countries.is_empty(),
            Group::Language => !q.languages.is_empty(),
            Group::Niche => !q.niches.is_empty(),
        }
    }

    /// Clears the group's choice in `q`.
    pub(crate) fn clear(self, q: &mut DiscoveryQuery) {
        match self {
            Group::Platform => q.platforms.clear(),
            Group::Tier => q.tiers.clear(),
            Group::Country => q.countries.clear(),
            Group::Language => q.languages.clear(),
            Group::Niche => q.niches.clear(),
        }
    }
}

/// Facet counts by code (the groups', and the engagement label's).
#[derive(Debug, Clone, Default)]
pub(crate) struct Counts {
    pub(crate) platform: Vec<u64>,
    pub(crate) tier: Vec<u64>,
    pub(crate) country: Vec<u64>,
    pub(crate) language: Vec<u64>,
    pub(crate) niche: Vec<u64>,
    pub(crate) label: Vec<u64>,
}

impl Counts {
    /// Zero for every code of the index's dictionaries.
    pub(crate) fn zeroed(ix: &DiscoveryIndex) -> Counts {
        Counts {
            platform: vec![0; Platform::ALL.len()],
            tier: vec![0; Tier::ALL.len()],
            country: vec![0; ix.countries.len()],
            language: vec![0; ix.languages.len()],
            niche: vec![0; ix.niche_names.len()],
            label: vec![0; EngagementLabel::ALL.len()],
        }
    }

    /// One group's counts.
    pub(crate) fn of(&self, g: Group) -> &Vec<u64> {
        match g {
            Group::Platform => &self.platform,
            Group::Tier => &self.tier,
            Group::Country => &self.country,
            Group::Language => &self.language,
            Group::Niche => &self.niche,
        }
    }

    /// One group's counts, to change.
    pub(crate) fn of_mut(&mut self, g: Group) -> &mut Vec<u64> {
        match g {
            Group::Platform => &mut self.platform,
            Group::Tier => &mut self.tier,
            Group::Country => &mut self.country,
            Group::Language => &mut self.language,
            Group::Niche => &mut self.niche,
        }
    }

    pub(crate) fn add(&mut self, other: &Counts) {
        for (a, b) in [
            (&mut self.platform, &other.platform),
            (&mut self.tier, &other.tier),
            (&mut self.country, &other.country),
            (&mut self.language, &other.language),
            (&mut self.niche, &other.niche),
            (&mut self.label, &other.label),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

/// Counts per code, then `(name, count)` most frequent first (ties by name).
fn named_counts(counts: &[u64], name: impl Fn(usize) -> String) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> =
        counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(c, n)| (name(c), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

impl DiscoveryIndex {
    /// Counts ordinal `i`'s values in every group.
    #[inline(always)]
    pub(crate) fn count_all(&self, f: &mut Counts, i: usize, q: &DiscoveryQuery) {
        self.count_in(f, Group::Platform, i, q);
        self.count_in(f, Group::Tier, i, q);
        self.count_in(f, Group::Country, i, q);
        self.count_in(f, Group::Language, i, q);
        self.count_in(f, Group::Niche, i, q);
        self.count_label(f, i);
    }

    /// Counts ordinal `i`'s engagement label. The label is counted like a group's values
    /// but is not a [`Group`]: it has no posting lists (four values, each held by a large
    /// share of the channels: a list would narrow little and cost 4 bytes a channel), and
    /// the scans check it apart (see `facets.rs`), which keeps their per-group loops as
    /// tight as they were.
    ///
    /// Not inlined: inlined into the scans' loops it made the disjunctive pass of
    /// `cargo bench -p clout-index --bench discovery` (a million channels) take 5.4 ms
    /// instead of 3.3 ms without label counts, a cost of the loop's code size rather than
    /// of counting (19,000 matches); a call costs less (4.3 to 5.7 ms, on a noisy machine).
    #[inline(never)]
    pub(crate) fn count_label(&self, f: &mut Counts, i: usize) {
        if let Some(x) = f.label.get_mut(self.cols.label[i] as usize) {
            *x += 1;
        }
    }

    /// Counts ordinal `i`'s value (its niches) in group `g`; a null value counts nowhere.
    #[inline(always)]
    pub(crate) fn count_in(&self, f: &mut Counts, g: Group, i: usize, q: &DiscoveryQuery) {
        let c = &self.cols;
        let code = match g {
            Group::Platform => c.platform[i] as usize,
            Group::Tier => self.tier(i, q) as usize,
            Group::Country => c.country[i] as usize,
            Group::Language => c.language[i] as usize,
            Group::Niche => {
                for &n in &c.niches[i] {
                    if let Some(x) = f.niche.get_mut(n as usize) {
                        *x += 1;
                    }
                }
                return;
            }
        };
        if let Some(x) = f.of_mut(g).get_mut(code) {
            *x += 1;
        }
    }

    pub(crate) fn facet_counts(&self, f: &Counts) -> FacetCounts {
        FacetCounts {
            platform: named_counts(&f.platform, |c| Platform::ALL[c].as_str().to_string()),
            tier: named_counts(&f.tier, |c| Tier::ALL[c].as_str().to_string()),
            country: named_counts(&f.country, |c| self.countries[c].clone()),
            language: named_counts(&f.language, |c| self.languages[c].clone()),
            niche: named_counts(&f.niche, |c| self.niche_names[c].clone()),
            label: named_counts(&f.label, |c| EngagementLabel::ALL[c].as_str().to_string()),
        }
    }
}
