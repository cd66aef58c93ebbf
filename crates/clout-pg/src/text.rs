//! [`TextSearch`] on PostgreSQL: the channels whose searchable text (`channel_text`,
//! written with the niche labels) matches a parsed query, by PostgreSQL's full-text search.
//!
//! Each row of `channel_text` keeps the text as written and, in `doc`, its words as a
//! `tsvector` of the `clout_english` configuration (`schema/v1.sql`): the handle and name
//! weighted A, the bio B, the hashtags C, the captions D, one empty position between two
//! fields so that no phrase runs from one into the next. Before PostgreSQL sees a text,
//! [`words`] keeps its runs of letters and digits, lowercased, and makes everything else a
//! space (the same on both sides, whatever the server's locale); the configuration then
//! folds diacritics (`unaccent`) and stems with Snowball's English stemmer, with no stop
//! words.
//!
//! A query becomes one `phraseto_tsquery` per part, each a bound parameter, joined by `&&`
//! in the SQL: nothing a user typed is ever read as SQL or as `tsquery` syntax. Hashtags
//! must also match among the hashtags alone (`ts_filter` to weight C).

use std::collections::HashMap;

use clout_core::text::TextQuery;
use clout_store::decode::Cells;
use clout_store::{Result, SearchText, TextSearch};

use crate::{PgRow, PgStore};

/// The text search configuration of `doc` and of every query.
pub(crate) const CONFIG: &str = "clout_english";

/// The words of `text` as the search sees them: letters and digits lowercased, every other
/// character a space (so `self-care`, `nike.com` and `a&b` are two words each, side by
/// side). PostgreSQL's own parser would keep `nike.com` or `self-care` whole, and in the C
/// locale would take any non-ASCII character for a letter.
pub(crate) fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            // Lowercasing may add a combining mark (`İ` is `i̇`): dropped, as `unaccent` would.
            out.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
        } else {
            out.push(' ');
        }
    }
    out
}

/// The condition and rank expression of a query, and its parameters (each part's words).
struct Search {
    /// `doc @@ (…)`, with `ts_filter` for the hashtags when there are some.
    condition: String,
    /// Every part's tsquery ANDed: what the rank is computed on.
    all: String,
    params: Vec<String>,
}

fn search(query: &TextQuery) -> Search {
    let mut params = Vec::with_capacity(query.parts());
    let mut take = |part: &str| {
        params.push(words(part));
        format!("phraseto_tsquery('{CONFIG}', ${})", params.len())
    };
    // A channel's text has no mentions of its own: `@nike` matches the word `nike`.
    let anywhere: Vec<String> =
        query.words().iter().chain(query.mentions()).chain(query.phrases()).map(|p| take(p)).collect();
    let tags: Vec<String> = query.hashtags().iter().map(|t| take(t)).collect();
    let all = anywhere.iter().chain(&tags).cloned().collect::<Vec<_>>().join(" && ");
    let mut condition = format!("doc @@ ({all})");
    if !tags.is_empty() {
        condition.push_str(&format!(" AND ts_filter(doc, '{{c}}') @@ ({})", tags.join(" && ")));
    }
    Search { condition, all, params }
}

impl PgStore {
    /// The channels matching `query`, each with its rank, or 0 when not `ranked`.
    fn matches(&self, query: &TextQuery, ranked: bool) -> Result<HashMap<i64, f64>> {
        let s = search(query);
        let score =
            if ranked { format!("ts_rank(doc, {})::double precision", s.all) } else { "0.0::double precision".into() };
        let sql = format!("SELECT channel_id, {score} FROM channel_text WHERE {}", s.condition);
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
            s.params.iter().map(|p| p as &(dyn postgres::types::ToSql + Sync)).collect();
        let mut out = HashMap::new();
        self.stream(&sql, &params, &mut |r| {
            out.insert(r.int_req(0)?, r.real(1)?.unwrap_or_default());
            Ok(())
        })?;
        Ok(out)
    }
}

impl TextSearch for PgStore {
    /// Scores are `ts_rank` over the weights A (handle, name) 1.0, B (bio) 0.4, C
    /// (hashtags) 0.2 and D (captions) 0.1.
    fn text_matches(&self, query: &TextQuery) -> Result<HashMap<i64, f64>> {
        self.matches(query, true)
    }

    fn text_matches_unranked(&self, query: &TextQuery) -> Result<HashMap<i64, f64>> {
        self.matches(query, false)
    }

    fn text_version(&self) -> Result<i64> {
        self.int("SELECT text_version FROM derived_state WHERE id = 1", &[])
    }

    fn for_each_search_text(&self, f: &mut dyn FnMut(SearchText)) -> Result<Option<i64>> {
        let before = self.text_version()?;
        self.stream(
            "SELECT channel_id, handle, name, bio, captions, hashtags FROM channel_text ORDER BY channel_id",
            &[],
            &mut |r: &PgRow<'_>| {
                f(SearchText {
                    channel_id: r.int_req(0)?,
                    handle: r.text_req(1)?,
                    name: r.text_req(2)?,
                    bio: r.text_req(3)?,
                    captions: r.text_req(4)?,
                    hashtags: r.text_req(5)?,
                });
                Ok(())
            },
        )?;
        let after = self.text_version()?;
        Ok((before == after).then_some(after))
    }
}
