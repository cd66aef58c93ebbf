//! Full-text search over channels' text: a parsed [`TextQuery`] becomes an FTS5 MATCH
//! expression on the `channel_text` table (porter stemming, written with the niche
//! labels), and its matches come back as channel ids with a relevance score.
//!
//! FTS5 syntax stays in this file: every part of a query is quoted, so nothing a user
//! typed (`OR`, `NEAR(`, `*`, `^`, `bio:`) is read as an operator.

use std::collections::HashMap;

use clout_core::text::TextQuery;

use crate::{Result, SearchText, Store};

#[cfg(test)]
mod tests;

/// The FTS5 MATCH expression of `query`: its words, phrases and hashtags each quoted (a
/// `"` doubled inside), hashtags limited to the `hashtags` column, all ANDed.
///
/// Public for the `search_query` fuzz target only, which runs it on SQLite; not part of
/// the store's interface.
#[doc(hidden)]
pub fn fts5_query(query: &TextQuery) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    // A hashtag as the user typed it: FTS5 splits `self_care` into the same words in the
    // query as in the stored hashtags, so it matches as a phrase.
    // A channel's text has no mentions of their own: `@nike` matches the word `nike`.
    let words = query.words().iter().chain(query.mentions()).map(|w| quote(w));
    let phrases = query.phrases().iter().map(|p| quote(p));
    let hashtags = query.hashtags().iter().map(|t| format!("hashtags : {}", quote(t)));
    words.chain(phrases).chain(hashtags).collect::<Vec<_>>().join(" AND ")
}

impl Store {
    /// Channels whose text matches `query`, with their text score (higher is better:
    /// the negated BM25 rank, where matches in the handle, name and bio weigh more).
    pub(crate) fn text_matches(&self, query: &TextQuery) -> Result<HashMap<i64, f64>> {
        let mut stmt = self.conn.prepare(
            "SELECT rowid, -bm25(channel_text, 4.0, 3.0, 2.0, 1.0, 1.5) FROM channel_text WHERE channel_text MATCH ?1",
        )?;
        let rows = stmt.query_map([fts5_query(query)], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, f64>(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<HashMap<_, _>>>()?)
    }

    /// The channels matching `query`, without scoring them (five times cheaper than bm25
    /// on common words): for searches not sorted by relevance. Scores are 0.
    pub(crate) fn text_matches_unranked(&self, query: &TextQuery) -> Result<HashMap<i64, f64>> {
        let mut stmt = self.conn.prepare_cached("SELECT rowid FROM channel_text WHERE channel_text MATCH ?1")?;
        let rows = stmt.query_map([fts5_query(query)], |r| Ok((r.get::<_, i64>(0)?, 0.0)))?;
        Ok(rows.collect::<rusqlite::Result<HashMap<_, _>>>()?)
    }

    /// The version of the searchable text: bumped by every transaction that changes it.
    pub(crate) fn text_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT text_version FROM derived_state WHERE id = 1", [], |r| r.get(0))?)
    }

    /// Every channel's searchable text, by ascending id, read in one statement, with the
    /// text version it is: `None` when the text changed while it was read (read again).
    pub(crate) fn for_each_search_text(&self, f: &mut dyn FnMut(SearchText)) -> Result<Option<i64>> {
        let before = self.text_version()?;
        let mut stmt = self
            .conn
            .prepare("SELECT rowid, handle, name, bio, captions, hashtags FROM channel_text ORDER BY rowid")?;
        let mut rows = stmt.query([])?;
        let text = |r: &rusqlite::Row<'_>, i: usize| -> rusqlite::Result<String> {
            Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
        };
        while let Some(r) = rows.next()? {
            f(SearchText {
                channel_id: r.get(0)?,
                handle: text(r, 1)?,
                name: text(r, 2)?,
                bio: text(r, 3)?,
                captions: text(r, 4)?,
                hashtags: text(r, 5)?,
            });
        }
        let after = self.text_version()?;
        Ok((before == after).then_some(after))
    }
}
