//! [`TextSearch`]: the channels whose text matches a parsed query, with the contract a
//! backend meets; implemented here for SQLite's [`Store`] (FTS5, in `crate::text`).

use std::collections::HashMap;

use clout_core::text::TextQuery;

use crate::{Result, SearchText, Store};

/// Full-text search over each channel's searchable text: its handle, name, bio,
/// captions and hashtags as last written by [`crate::ChannelStore::replace_niches`] (or
/// `replace_niches_of`).
///
/// This is the source a full-text index beside the store is built from (the app keeps
/// one, stamped with [`TextSearch::text_version`]), and the search used while that index
/// does not hold the same text. The two agree on every query's parts and on English
/// words, but not on every word: the index stems with Porter's second version (Snowball
/// English: "news" stays "news", "communication" is not "community") and folds letters
/// FTS5 keeps (ß, ø, ł: "strasse" finds "Straße" there only).
///
/// A channel matches a [`TextQuery`] when its text holds every one of the query's words,
/// every phrase (its words side by side, in order) and every hashtag (among its hashtags
/// only). Words are compared after English (Porter) stemming, ignoring case and
/// diacritics; punctuation separates words. Nothing in a query is syntax: `OR`, `NEAR(`,
/// `*`, `^` or `bio:` are words like any other. The set of matches is the contract;
/// scores only rank the matches of one call.
pub trait TextSearch {
    /// Every matching channel with its score: higher is more relevant, and a match in the
    /// handle, name or bio weighs more than one in captions or hashtags (SQLite: the
    /// negated BM25 rank, columns weighted 4, 3, 2, 1 and 1.5).
    fn text_matches(&self, query: &TextQuery) -> Result<HashMap<i64, f64>>;

    /// The same channels as [`TextSearch::text_matches`], each scored 0: for a search not
    /// sorted by relevance, where a backend may skip ranking (five times cheaper in SQLite).
    fn text_matches_unranked(&self, query: &TextQuery) -> Result<HashMap<i64, f64>>;

    /// The version of the searchable text: every write that changes some bumps it, so a
    /// copy kept elsewhere (a full-text index) holds the same text exactly when it was made
    /// at the same version.
    fn text_version(&self) -> Result<i64>;

    /// Every channel's searchable text, by ascending id, and the version it is; `None`
    /// instead when the text changed while it was read, so the copy made from it may mix
    /// two versions.
    fn for_each_search_text(&self, f: &mut dyn FnMut(SearchText)) -> Result<Option<i64>>;
}

/// SQLite: each method is the inherent one of the same name.
impl TextSearch for Store {
    fn text_matches(&self, query: &TextQuery) -> Result<HashMap<i64, f64>> {
        Store::text_matches(self, query)
    }

    fn text_matches_unranked(&self, query: &TextQuery) -> Result<HashMap<i64, f64>> {
        Store::text_matches_unranked(self, query)
    }

    fn text_version(&self) -> Result<i64> {
        Store::text_version(self)
    }

    fn for_each_search_text(&self, f: &mut dyn FnMut(SearchText)) -> Result<Option<i64>> {
        Store::for_each_search_text(self, f)
    }
}
