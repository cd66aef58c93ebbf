//! The discovery index: every channel's filterable facts in columns, answering a
//! [`DiscoveryQuery`] with exact totals, facet counts and a sorted page.
//!
//! It is derived (built from the store's rows) and holds nothing that cannot be rebuilt.
//! Text matching is done elsewhere (the store's full-text table); the caller passes the
//! matching channels and their text scores in.

use std::collections::{BTreeMap, HashMap};

use clout_core::discovery::{DiscoveryQuery, FacetCounts, Hit, SearchPage, SortKey};
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
    pub niches: Vec<String>,
    pub engagement_rate: Option<f64>,
    pub label: Option<EngagementLabel>,
    pub engagement_index: Option<f64>,
    pub growth: Option<f64>,
    pub posts_per_week: Option<f64>,
    pub verified: Option<bool>,
    pub has_email: bool,
}

/// The channels of a store, column by column.
#[derive(Debug, Clone, Default)]
pub struct DiscoveryIndex {
    ids: Vec<i64>,
    platform: Vec<Platform>,
    followers: Vec<Option<u64>>,
    /// Dictionary codes into `countries` / `languages` / `niche_names`.
    country: Vec<Option<u16>>,
    language: Vec<Option<u16>>,
    niches: Vec<Vec<u16>>,
    countries: Vec<String>,
    languages: Vec<String>,
    niche_names: Vec<String>,
    engagement_rate: Vec<Option<f64>>,
    label: Vec<Option<EngagementLabel>>,
    engagement_index: Vec<Option<f64>>,
    growth: Vec<Option<f64>>,
    posts_per_week: Vec<Option<f64>>,
    verified: Vec<Option<bool>>,
    has_email: Vec<bool>,
}

fn code(dict: &mut Vec<String>, lookup: &mut HashMap<String, u16>, value: &str) -> u16 {
    if let Some(&c) = lookup.get(value) {
        return c;
    }
    let c = dict.len() as u16;
    dict.push(value.to_string());
    lookup.insert(value.to_string(), c);
    c
}

impl DiscoveryIndex {
    pub fn build(rows: impl IntoIterator<Item = IndexedChannel>) -> DiscoveryIndex {
        let mut ix = DiscoveryIndex::default();
        let (mut countries, mut languages, mut niches) = (HashMap::new(), HashMap::new(), HashMap::new());
        for r in rows {
            ix.ids.push(r.channel_id);
            ix.platform.push(r.platform);
            ix.followers.push(r.followers);
            ix.country.push(r.country.as_deref().map(|c| code(&mut ix.countries, &mut countries, c)));
            ix.language.push(r.language.as_deref().map(|l| code(&mut ix.languages, &mut languages, l)));
            let n: Vec<u16> = r.niches.iter().map(|n| code(&mut ix.niche_names, &mut niches, n)).collect();
            ix.niches.push(n);
            ix.engagement_rate.push(r.engagement_rate);
            ix.label.push(r.label);
            ix.engagement_index.push(r.engagement_index);
            ix.growth.push(r.growth);
            ix.posts_per_week.push(r.posts_per_week);
            ix.verified.push(r.verified);
            ix.has_email.push(r.has_email);
        }
        ix
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn tier(&self, i: usize, q: &DiscoveryQuery) -> Option<Tier> {
        self.followers[i].map(|f| Tier::for_followers(f, q.preset))
    }

    /// Whether channel `i` passes every filter of `q` (text aside).
    fn admits(&self, i: usize, q: &DiscoveryQuery, wanted: &Wanted) -> bool {
        (q.platforms.is_empty() || q.platforms.contains(&self.platform[i]))
            && (q.tiers.is_empty() || self.tier(i, q).is_some_and(|t| q.tiers.contains(&t)))
            && (q.min_followers.is_none() || self.followers[i].is_some_and(|f| q.min_followers.is_none_or(|m| f >= m)))
            && (q.max_followers.is_none() || self.followers[i].is_some_and(|f| q.max_followers.is_none_or(|m| f <= m)))
            && (q.countries.is_empty() || self.country[i].is_some_and(|c| wanted.countries.contains(&c)))
            && (q.languages.is_empty() || self.language[i].is_some_and(|l| wanted.languages.contains(&l)))
            && (q.niches.is_empty() || self.niches[i].iter().any(|n| wanted.niches.contains(n)))
            && q.engagement_rate.admits(self.engagement_rate[i])
            && (q.labels.is_empty() || self.label[i].is_some_and(|l| q.labels.contains(&l)))
            && q.engagement_index.admits(self.engagement_index[i])
            && q.growth.admits(self.growth[i])
            && q.posts_per_week.admits(self.posts_per_week[i])
            && q.verified.is_none_or(|v| self.verified[i] == Some(v))
            && q.has_email.is_none_or(|e| self.has_email[i] == e)
    }

    /// Answers `q`. `text` is `None` without a text query, else the channels the text
    /// matched with their text scores (higher is better).
    pub fn search(&self, q: &DiscoveryQuery, text: Option<&HashMap<i64, f64>>) -> SearchPage {
        let lookup = |dict: &[String], values: &[String]| -> Vec<u16> {
            values.iter().filter_map(|v| dict.iter().position(|d| d == v)).map(|p| p as u16).collect()
        };
        let wanted = Wanted {
            countries: lookup(&self.countries, &q.countries),
            languages: lookup(&self.languages, &q.languages),
            niches: lookup(&self.niche_names, &q.niches),
        };
        let mut matches: Vec<(usize, Option<f64>)> = Vec::new();
        for i in 0..self.ids.len() {
            let text_score = match text {
                None => None,
                Some(scores) => match scores.get(&self.ids[i]) {
                    Some(&s) => Some(s),
                    None => continue,
                },
            };
            if !self.admits(i, q, &wanted) {
                continue;
            }
            let score = match q.sort {
                SortKey::Relevance => match text_score {
                    Some(t) => Some(t * (0.5 + 0.5 * self.engagement_index[i].unwrap_or(1.0).clamp(0.0, 3.0))),
                    None => self.engagement_index[i],
                },
                SortKey::Followers => self.followers[i].map(|f| f as f64),
                SortKey::EngagementRate => self.engagement_rate[i],
                SortKey::EngagementIndex => self.engagement_index[i],
                SortKey::Growth => self.growth[i],
            };
            matches.push((i, score));
        }
        let facets = q.facets.then(|| self.facets(q, matches.iter().map(|m| m.0)));
        // Highest first, nulls last, then by channel id so that pages are stable.
        matches.sort_by(|a, b| match (a.1, b.1) {
            (Some(x), Some(y)) => y.total_cmp(&x).then(self.ids[a.0].cmp(&self.ids[b.0])),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => self.ids[a.0].cmp(&self.ids[b.0]),
        });
        let hits = matches
            .iter()
            .skip(q.offset)
            .take(q.limit)
            .map(|&(i, score)| Hit { channel_id: self.ids[i], score })
            .collect();
        SearchPage { total: matches.len() as u64, hits, facets }
    }

    fn facets(&self, q: &DiscoveryQuery, matching: impl Iterator<Item = usize>) -> FacetCounts {
        let mut platform: BTreeMap<String, u64> = BTreeMap::new();
        let mut tier: BTreeMap<String, u64> = BTreeMap::new();
        let mut country: BTreeMap<String, u64> = BTreeMap::new();
        let mut language: BTreeMap<String, u64> = BTreeMap::new();
        let mut niche: BTreeMap<String, u64> = BTreeMap::new();
        for i in matching {
            *platform.entry(self.platform[i].as_str().to_string()).or_default() += 1;
            if let Some(t) = self.tier(i, q) {
                *tier.entry(t.as_str().to_string()).or_default() += 1;
            }
            if let Some(c) = self.country[i] {
                *country.entry(self.countries[c as usize].clone()).or_default() += 1;
            }
            if let Some(l) = self.language[i] {
                *language.entry(self.languages[l as usize].clone()).or_default() += 1;
            }
            for &n in &self.niches[i] {
                *niche.entry(self.niche_names[n as usize].clone()).or_default() += 1;
            }
        }
        // Most frequent first, then by name.
        let ordered = |m: BTreeMap<String, u64>| -> Vec<(String, u64)> {
            let mut v: Vec<(String, u64)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        };
        FacetCounts {
            platform: ordered(platform),
            tier: ordered(tier),
            country: ordered(country),
            language: ordered(language),
            niche: ordered(niche),
        }
    }
}

/// The query's categorical filters as dictionary codes.
struct Wanted {
    countries: Vec<u16>,
    languages: Vec<u16>,
    niches: Vec<u16>,
}
