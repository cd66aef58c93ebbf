//! Facet counts by dictionary code, as a scan accumulates them, and their naming into
//! the [`FacetCounts`] a search returns (most frequent first).

use clout_core::discovery::FacetCounts;
use clout_core::{Platform, Tier};

use crate::DiscoveryIndex;

/// Facet counts by code.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counts {
    pub(crate) platform: Vec<u64>,
    pub(crate) tier: Vec<u64>,
    pub(crate) country: Vec<u64>,
    pub(crate) language: Vec<u64>,
    pub(crate) niche: Vec<u64>,
}

impl Counts {
    pub(crate) fn add(&mut self, other: &Counts) {
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

/// Counts per code, then `(name, count)` most frequent first (ties by name).
fn named_counts(counts: &[u64], name: impl Fn(usize) -> String) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> =
        counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(c, n)| (name(c), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

impl DiscoveryIndex {
    pub(crate) fn facet_counts(&self, f: &Counts) -> FacetCounts {
        FacetCounts {
            platform: named_counts(&f.platform, |c| Platform::ALL[c].as_str().to_string()),
            tier: named_counts(&f.tier, |c| Tier::ALL[c].as_str().to_string()),
            country: named_counts(&f.country, |c| self.countries[c].clone()),
            language: named_counts(&f.language, |c| self.languages[c].clone()),
            niche: named_counts(&f.niche, |c| self.niche_names[c].clone()),
        }
    }
}
