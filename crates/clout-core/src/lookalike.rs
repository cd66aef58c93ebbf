//! Lookalikes: channels most like a given one, by niche, content and size.
//!
//! `similarity = 0.5 × niches + 0.3 × hashtags + 0.2 × size`, each part in `0..=1`:
//! - niches: weighted Jaccard of the niche confidences (`Σ min / Σ max` over both sets);
//! - hashtags: Jaccard of the sets of their most used hashtags (the [`TOP_HASHTAGS`] most
//!   frequent in their recent posts, ties by name);
//! - size: `exp(-|ln f_a − ln f_b| / ln 10)`: 1 for the same size, 0.37 for ten times
//!   bigger or smaller.
//!
//! A channel without any niche in common and without any hashtag in common is not a
//! lookalike, however close in size.

use std::collections::{BTreeMap, BTreeSet};

/// Hashtags per channel that count for similarity: its most used ones.
pub const TOP_HASHTAGS: usize = 8;

/// The `TOP_HASHTAGS` most frequent of `tags` (repeats count), ties broken by name.
pub fn top_hashtags<'a>(tags: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let tags: Vec<&str> = tags.into_iter().collect();
    if tags.len() <= TOP_HASHTAGS {
        // Every one of them is kept: no counting needed.
        let mut all: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
        all.sort();
        all.dedup();
        return all;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for t in tags {
        *counts.entry(t).or_default() += 1;
    }
    let mut v: Vec<(&str, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v.into_iter().take(TOP_HASHTAGS).map(|(t, _)| t.to_string()).collect()
}

/// The weighted sum of the three parts.
pub fn combine(niches: f64, hashtags: f64, size: f64) -> f64 {
    0.5 * niches + 0.3 * hashtags + 0.2 * size
}

#[cfg(test)]
mod tests;

/// What similarity needs of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub channel_id: i64,
    pub followers: Option<u64>,
    /// Niche id → confidence.
    pub niches: BTreeMap<String, f64>,
    pub hashtags: BTreeSet<String>,
}

/// One lookalike and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookalike {
    pub channel_id: i64,
    pub similarity: f64,
    pub niches: f64,
    pub hashtags: f64,
    pub size: f64,
}

fn niche_similarity(a: &BTreeMap<String, f64>, b: &BTreeMap<String, f64>) -> f64 {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let (mut min, mut max) = (0.0, 0.0);
    for k in keys {
        let (x, y) = (a.get(k).copied().unwrap_or(0.0), b.get(k).copied().unwrap_or(0.0));
        min += x.min(y);
        max += x.max(y);
    }
    if max > 0.0 { min / max } else { 0.0 }
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 { 0.0 } else { a.intersection(b).count() as f64 / union as f64 }
}

/// `exp(-|ln a − ln b| / ln 10)`; 0 when either size is unknown or zero.
pub fn size_similarity(a: Option<u64>, b: Option<u64>) -> f64 {
    match (a, b) {
        (Some(a), Some(b)) if a > 0 && b > 0 => {
            (-((a as f64).ln() - (b as f64).ln()).abs() / std::f64::consts::LN_10).exp()
        }
        _ => 0.0,
    }
}

/// The `limit` channels of `candidates` most like `of`, most similar first (ties: lower
/// channel id first). `of` itself is never among them.
pub fn lookalikes(of: &Profile, candidates: &[Profile], limit: usize) -> Vec<Lookalike> {
    let mut found: Vec<Lookalike> = candidates
        .iter()
        .filter(|c| c.channel_id != of.channel_id)
        .filter_map(|c| {
            let niches = niche_similarity(&of.niches, &c.niches);
            let hashtags = jaccard(&of.hashtags, &c.hashtags);
            if niches == 0.0 && hashtags == 0.0 {
                return None;
            }
            let size = size_similarity(of.followers, c.followers);
            Some(Lookalike {
                channel_id: c.channel_id,
                similarity: combine(niches, hashtags, size),
                niches,
                hashtags,
                size,
            })
        })
        .collect();
    found.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.channel_id.cmp(&b.channel_id)));
    found.truncate(limit);
    found
}
