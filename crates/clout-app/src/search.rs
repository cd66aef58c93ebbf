//! The Directory search: text through the full-text index (or the store's table), "posted
//! about" through the post index, brand safety through the store's screenings, everything else through the columnar discovery index,
//! results as channel views.

use std::collections::HashMap;

use clout_core::discovery::{DiscoveryQuery, SearchPage};
use clout_core::text::TextQuery;
use clout_index::{DiscoveryIndex, IndexedChannel};

use crate::channels::{ChannelView, view};
use crate::{App, Error, Result};

/// A page of results with the channels behind it, in result order.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub page: SearchPage,
    pub channels: Vec<ChannelView>,
}

/// The columnar discovery index over every channel of the store, built once and
/// searched many times (the server keeps one and rebuilds it after each import).
///
/// It also remembers the channels that recent keywords matched: a marketer pages, sorts
/// and adds filters around the same words, and the full-text match is most of a keyword
/// search's cost. The memory dies with the index, so an import never serves stale matches.
#[derive(Debug, Default)]
pub struct Directory {
    pub(crate) index: DiscoveryIndex,
    text_cache: std::sync::Mutex<TextCache>,
    /// Peers' comments per like, for audience-quality scores; filled on first use.
    pub(crate) peer_comments: std::sync::OnceLock<crate::scores::PeerComments>,
    /// The full-text index, when it held the store's text as the Directory was loaded;
    /// else keywords are matched by the store.
    pub(crate) text: Option<clout_index::text::TextReader>,
}

impl Directory {
    pub(crate) fn new(index: DiscoveryIndex) -> Directory {
        Directory { index, text_cache: Default::default(), peer_comments: Default::default(), text: None }
    }

    pub fn channels(&self) -> usize {
        self.index.len()
    }
}

/// A keyword's matches as index ordinals with their text scores.
type Hits = std::sync::Arc<Vec<(u32, f64)>>;

/// Recent keyword matches, least recently used evicted first, bounded by total matches.
#[derive(Debug, Default)]
struct TextCache {
    /// (the query's normal form, scored) → (matches, last use).
    entries: HashMap<(String, bool), (Hits, u64)>,
    clock: u64,
    held: usize,
}

/// What the memory may hold: matches (12 bytes each) plus, per entry, its key's bytes
/// and a fixed overhead, in match-sized units; and at most this many entries.
const TEXT_CACHE_MATCHES: usize = 4_000_000;
const TEXT_CACHE_ENTRIES: usize = 4_096;
/// Longer queries are not kept (they are rarely repeated).
const TEXT_CACHE_KEY_BYTES: usize = 256;

fn cost(key: &(String, bool), matches: &[(u32, f64)]) -> usize {
    matches.len() + key.0.len() / 12 + 8
}

impl TextCache {
    fn get(&mut self, key: &(String, bool)) -> Option<Hits> {
        self.clock += 1;
        let clock = self.clock;
        self.entries.get_mut(key).map(|(m, used)| {
            *used = clock;
            m.clone()
        })
    }

    fn put(&mut self, key: (String, bool), matches: Hits) {
        if key.0.len() > TEXT_CACHE_KEY_BYTES || matches.len() > TEXT_CACHE_MATCHES / 4 {
            return;
        }
        self.clock += 1;
        self.held += cost(&key, &matches);
        if let Some((old, _)) = self.entries.insert(key.clone(), (matches, self.clock)) {
            self.held -= cost(&key, &old);
        }
        while self.held > TEXT_CACHE_MATCHES || self.entries.len() > TEXT_CACHE_ENTRIES {
            let Some(oldest) = self.entries.iter().min_by_key(|(_, (_, used))| *used).map(|(k, _)| k.clone()) else {
                break;
            };
            if let Some((m, _)) = self.entries.remove(&oldest) {
                self.held -= cost(&oldest, &m);
            }
        }
    }
}

impl App {
    /// Builds the discovery index from the store (the [`crate::Catalogue`] keeps one).
    pub(crate) fn directory(&self) -> Result<Directory> {
        let rows = self.store.discovery_rows()?;
        let confidences = self.store.niche_confidences_by_channel()?;
        let mut niches: HashMap<i64, Vec<String>> =
            confidences.iter().map(|(id, n)| (*id, n.iter().map(|(niche, _)| niche.clone()).collect())).collect();
        let indexed = rows.into_iter().map(|r| IndexedChannel {
            channel_id: r.id,
            platform: r.platform,
            followers: r.followers,
            country: r.country,
            language: r.language,
            niches: niches.remove(&r.id).unwrap_or_default(),
            engagement_rate: r.engagement_rate,
            median_rate: r.median_engagement_rate,
            label: r.engagement_label,
            engagement_index: r.engagement_index,
            growth: r.follower_growth_30d,
            posts_per_week: r.posts_per_week,
            quality: r.quality_score,
            verified: r.verified,
            has_email: r.has_email,
            as_of: r.as_of.map(clout_core::Timestamp::unix),
        });
        let mut index = DiscoveryIndex::build(indexed);
        let mut confidences = confidences;
        let profiles = self.store.hashtags_by_channel()?.into_iter().map(|(id, tags)| {
            let top = clout_core::lookalike::top_hashtags(tags.split_whitespace());
            (id, confidences.remove(&id).unwrap_or_default(), top)
        });
        // Channels without text still have niches (none, in practice): give them too.
        let profiles: Vec<clout_index::LookalikeProfile> = profiles.collect();
        let rest: Vec<clout_index::LookalikeProfile> =
            confidences.into_iter().map(|(id, n)| (id, n, Vec::new())).collect();
        index.set_lookalike_profiles(profiles.into_iter().chain(rest));
        Ok(Directory::new(index))
    }

    /// Runs a Directory search on `directory`; text goes through the store's full-text
    /// search. Edges call it as [`crate::Reader::search`].
    pub(crate) fn search_with(&self, directory: &Directory, query: &DiscoveryQuery) -> Result<SearchResults> {
        self.search_within(directory, query, None)
    }

    /// [`App::search_with`] among the channels `within` only (a list's, for a plan from a
    /// list), when given.
    pub(crate) fn search_within(
        &self,
        directory: &Directory,
        query: &DiscoveryQuery,
        within: Option<&std::collections::HashSet<i64>>,
    ) -> Result<SearchResults> {
        let text = match query.text.as_deref().map(TextQuery::parse).transpose()?.flatten() {
            Some(words) => {
                // Only the relevance sort reads the text score.
                let key = (words.to_string(), query.sort == clout_core::discovery::SortKey::Relevance);
                let cached = directory.text_cache.lock().ok().and_then(|mut c| c.get(&key));
                match cached {
                    Some(m) => Some(m),
                    None => {
                        let matches = match directory.text.as_ref().filter(|r| self.text_is_current(r)) {
                            Some(text) => directory.index.text_hits(
                                text.search(&words, key.1)
                                    .map_err(|e| Error::Internal(format!("searching the full-text index: {e}")))?,
                            ),
                            None if key.1 => directory.index.text_hits(self.store.text_matches(&words)?),
                            None => directory.index.text_hits(self.store.text_matches_unranked(&words)?),
                        };
                        let matches = std::sync::Arc::new(matches);
                        if let Ok(mut c) = directory.text_cache.lock() {
                            c.put(key, matches.clone());
                        }
                        Some(matches)
                    }
                }
            }
            None => None,
        };
        // "Posted about" is a restriction too: the channels with enough matching posts.
        let posted = query.posted.as_ref().map(|p| self.channels_posting(p)).transpose()?;
        let within = match (within, posted) {
            (None, posted) => posted.map(std::borrow::Cow::Owned),
            (Some(w), None) => Some(std::borrow::Cow::Borrowed(w)),
            (Some(w), Some(p)) => Some(std::borrow::Cow::Owned(w.intersection(&p).copied().collect())),
        };
        // A restriction is a text match of every channel it allows (scored 1, so the
        // relevance order is the channels' merit), or the text matches among them.
        let text = match (within.as_deref(), text) {
            (None, text) => text,
            (Some(ids), Some(hits)) => {
                let allowed: std::collections::HashSet<u32> =
                    ids.iter().filter_map(|id| directory.index.ordinal(*id)).collect();
                Some(std::sync::Arc::new(hits.iter().filter(|(o, _)| allowed.contains(o)).copied().collect()))
            }
            (Some(ids), None) => {
                let all: HashMap<i64, f64> = ids.iter().map(|id| (*id, 1.0)).collect();
                Some(std::sync::Arc::new(directory.index.text_hits(all)))
            }
        };
        // Brand safety leaves out the channels screened above its level: every other
        // channel, or the text matches, less those.
        let text = match query.safety.as_ref().map(|f| self.safety_excluded(f)).transpose()? {
            None => text,
            Some(excluded) => {
                let excluded: std::collections::HashSet<u32> =
                    excluded.iter().filter_map(|id| directory.index.ordinal(*id)).collect();
                let kept: Vec<(u32, f64)> = match text {
                    Some(hits) => hits.iter().filter(|(o, _)| !excluded.contains(o)).copied().collect(),
                    None => {
                        (0..directory.channels() as u32).filter(|o| !excluded.contains(o)).map(|o| (o, 1.0)).collect()
                    }
                };
                Some(std::sync::Arc::new(kept))
            }
        };
        let page = directory.index.search_hits(query, text.as_deref().map(Vec::as_slice));
        // Only the page's channels are read in full.
        let ids: Vec<i64> = page.hits.iter().map(|h| h.channel_id).collect();
        let mut channels = Vec::with_capacity(ids.len());
        let mut niches = self.store.niches_of_many(&ids)?;
        for row in self.store.channels_by_ids(&ids)? {
            let labels = niches.remove(&row.id).unwrap_or_default();
            channels.push(view(row, query.preset, labels));
        }
        Ok(SearchResults { page, channels })
    }
}

/// A lookalike with the channel behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    pub lookalike: clout_core::lookalike::Lookalike,
    pub channel: ChannelView,
}

impl App {
    /// The channels most like `reference` (`PLATFORM/HANDLE`): shared niches, shared
    /// hashtags, similar size (see `clout_core::lookalike`). Every channel sharing a niche
    /// or one of the channel's most used hashtags is compared, in memory.
    pub(crate) fn similar_with(
        &self,
        directory: &Directory,
        reference: &str,
        limit: usize,
        preset: clout_core::TierPreset,
    ) -> Result<Vec<Similar>> {
        let (platform, handle) = crate::channels::parse_channel_ref(reference)?;
        let of_id = self
            .store
            .channel_id(platform, handle.as_str())?
            .ok_or_else(|| Error::NotFound(format!("no channel {platform}/{handle} in the store")))?;
        let found = directory.index.lookalikes_ranked(of_id, limit);
        let ids: Vec<i64> = found.iter().map(|l| l.channel_id).collect();
        let mut by_id: HashMap<i64, clout_store::ChannelRow> =
            self.store.channels_by_ids(&ids)?.into_iter().map(|r| (r.id, r)).collect();
        let mut out = Vec::with_capacity(found.len());
        for l in found {
            if let Some(row) = by_id.remove(&l.channel_id) {
                let labels = self.store.niches_of(row.id)?;
                out.push(Similar { lookalike: l, channel: view(row, preset, labels) });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod text_cache_tests {
    use super::*;

    #[test]
    fn the_keyword_memory_stays_bounded_even_for_queries_that_match_nothing() {
        let mut cache = TextCache::default();
        for i in 0..(TEXT_CACHE_ENTRIES + 500) {
            cache.put((format!("word{i}"), true), std::sync::Arc::new(Vec::new()));
        }
        assert_eq!(cache.entries.len(), TEXT_CACHE_ENTRIES);
        // The oldest went first; the newest is there.
        assert!(cache.get(&("word0".to_string(), true)).is_none());
        assert!(cache.get(&(format!("word{}", TEXT_CACHE_ENTRIES + 499), true)).is_some());
        // A huge key is not kept at all.
        cache.put(("x".repeat(TEXT_CACHE_KEY_BYTES + 1), true), std::sync::Arc::new(Vec::new()));
        assert!(cache.get(&("x".repeat(TEXT_CACHE_KEY_BYTES + 1), true)).is_none());
        // Accounting: held is the sum of the costs of what is kept.
        let sum: usize = cache.entries.iter().map(|(k, (m, _))| cost(k, m)).sum();
        assert_eq!(cache.held, sum);
    }

    #[test]
    fn big_match_sets_evict_older_ones_to_stay_under_the_match_budget() {
        let mut cache = TextCache::default();
        let big = std::sync::Arc::new(vec![(0u32, 0.0f64); TEXT_CACHE_MATCHES / 4]);
        for i in 0..6 {
            cache.put((format!("common{i}"), false), big.clone());
        }
        assert!(cache.held <= TEXT_CACHE_MATCHES, "{}", cache.held);
        assert_eq!(cache.entries.len(), 3, "four quarters plus overhead do not fit; three do");
    }
}
