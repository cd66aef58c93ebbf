//! Post search: what creators said, found in the post index (`post_index`), and the
//! Directory's "posted about" filter.
//!
//! A post search is read from pairs by [`post_query`], the one reading every edge shares
//! (`clout posts search`, `GET /api/v1/posts`, the Posts page). Its page shows each post
//! with its channel and numbers read from the store when asked, so they are current even
//! while the index lags an import.

use std::collections::HashSet;

use clout_core::discovery::PostedAbout;
use clout_core::text::TextQuery;
use clout_core::{Platform, Timestamp};
use clout_index::posts::{PostFilter, PostSort};
use clout_store::FoundPost;

use crate::query::{QueryError, boolean, invalid, limit, moment, offset, unknown};
use crate::{App, Error, Result};

/// The keys a post search takes.
pub const POST_KEYS: &[&str] = &["q", "platform", "since", "until", "sponsored", "sort", "limit", "offset"];

/// A post search.
#[derive(Debug, Clone, PartialEq)]
pub struct PostQuery {
    /// Words, "phrases", #hashtags and @mentions; every one must match.
    pub text: String,
    /// Any of these; every platform when empty.
    pub platforms: Vec<Platform>,
    /// Published at or after (Unix seconds).
    pub since: Option<i64>,
    /// Published before (Unix seconds).
    pub until: Option<i64>,
    /// Only sponsored posts, or only organic ones.
    pub sponsored: Option<bool>,
    /// Newest first, or best match first.
    pub newest: bool,
    pub limit: usize,
    pub offset: usize,
}

/// A post search from pairs: `q` (required), `platform` (repeatable), `since` and `until`
/// (a date, an RFC 3339 time, or `90d`: that many days before `now`), `sponsored`,
/// `sort` (`relevance` or `newest`), `limit`, `offset`. Empty values are ignored; unknown
/// keys are refused when `strict`.
pub fn post_query(pairs: &[(String, String)], strict: bool, now: Timestamp) -> Result<PostQuery, QueryError> {
    let mut q = PostQuery {
        text: String::new(),
        platforms: Vec::new(),
        since: None,
        until: None,
        sponsored: None,
        newest: false,
        limit: 20,
        offset: 0,
    };
    let mut text = Vec::new();
    for (key, value) in pairs {
        let key = key.as_str();
        if value.trim().is_empty() {
            continue;
        }
        match key {
            "q" => text.push(value.as_str()),
            "platform" => q.platforms.push(Platform::parse(value).map_err(|e| invalid(key, e.to_string()))?),
            "since" => q.since = Some(moment(key, value, now)?),
            "until" => q.until = Some(moment(key, value, now)?),
            "sponsored" => q.sponsored = Some(boolean(key, value)?),
            "sort" => {
                q.newest = match value.trim().to_ascii_lowercase().as_str() {
                    "relevance" => false,
                    "newest" | "date" => true,
                    _ => return Err(invalid(key, format!("unknown sort '{value}' (expected relevance or newest)"))),
                }
            }
            "limit" => q.limit = limit(key, value)?,
            "offset" => q.offset = offset(key, value)?,
            other if strict => return Err(unknown(other)),
            _ => {}
        }
    }
    // A period that ends before it starts holds no post: an empty answer, not an error
    // (as a minimum above its maximum in a search).
    q.text = text.join(" ");
    if TextQuery::parse(&q.text).map_err(|e| invalid("q", e.to_string()))?.is_none() {
        return Err(invalid("q", "a post search needs words, a \"phrase\", a #hashtag or an @mention"));
    }
    Ok(q)
}

/// A post found, with its channel and numbers as the store holds them now.
#[derive(Debug, Clone, PartialEq)]
pub struct PostView {
    pub found: FoundPost,
    /// `likes + comments + shares` (metrics contract).
    pub engagements: u64,
    /// `engagements / followers × 100`, with the channel's followers now: derived.
    pub rate: Option<f64>,
    /// The text score (relevance order); 0 when sorted by time.
    pub score: f64,
}

impl PostView {
    /// A found post with its engagements and its rate on the channel's followers now.
    pub(crate) fn of(found: FoundPost, score: f64) -> PostView {
        let engagements = found.post.snapshot.engagements();
        let rate = found.followers.and_then(|f| found.post.snapshot.rate(f));
        PostView { found, engagements, rate, score }
    }
}

/// A page of a post search.
#[derive(Debug, Clone, PartialEq)]
pub struct PostResults {
    /// How many posts match in all.
    pub total: u64,
    pub posts: Vec<PostView>,
    /// Whether the index holds every post the store holds (else an import is running or
    /// was cut short, and posts it brought are not searched yet).
    pub current: bool,
}

impl App {
    /// The post index's reader, built first when there is none (a store from before it).
    /// One behind the store is read as it is (its answers say they are not complete;
    /// `clout recompute`, an import's end or the server's start bring it in step). A
    /// conflict when there is none and it cannot be built now (an import is running, or
    /// another process is building it).
    pub(crate) fn posts_or_build(&self) -> Result<crate::post_index::Posts> {
        if let Some(p) = self.post_reader() {
            return Ok(p);
        }
        let busy = || {
            Error::Conflict(
                "the post index is being built (an import is running, or another process is building it); try again in a minute"
                    .into(),
            )
        };
        match self.build_post_index() {
            Ok(_) => self.post_reader().ok_or_else(busy),
            // tantivy's lock: another process holds the index's writer.
            Err(e) if e.to_string().contains("Lock") => Err(busy()),
            Err(e) => Err(Error::Internal(format!("building the post index failed: {e}"))),
        }
    }

    /// A post search.
    pub(crate) fn search_posts(&self, q: &PostQuery) -> Result<PostResults> {
        let Some(text) = TextQuery::parse(&q.text)? else {
            return Err(Error::Invalid("a post search needs words, a #hashtag or an @mention".into()));
        };
        let posts = self.posts_or_build()?;
        let filter = PostFilter {
            platforms: q.platforms.iter().map(|p| p.code()).collect(),
            since: q.since,
            until: q.until,
            sponsored: q.sponsored,
            kinds: Vec::new(),
        };
        let sort = if q.newest { PostSort::Newest } else { PostSort::Relevance };
        let page = posts
            .reader
            .search(&text, &filter, sort, q.offset, q.limit)
            .map_err(|e| Error::Internal(format!("searching the post index: {e}")))?;
        let ids: Vec<i64> = page.hits.iter().map(|h| h.post_id).collect();
        let mut found: std::collections::HashMap<i64, FoundPost> =
            self.store.found_posts(&ids)?.into_iter().map(|f| (f.post_id, f)).collect();
        let views = page.hits.iter().filter_map(|h| Some(PostView::of(found.remove(&h.post_id)?, h.score))).collect();
        Ok(PostResults { total: page.total, posts: views, current: posts.current })
    }

    /// The channels that posted about `posted.text` at least `posted.min_posts` times
    /// since `posted.since`.
    pub(crate) fn channels_posting(&self, posted: &PostedAbout) -> Result<HashSet<i64>> {
        let Some(text) = TextQuery::parse(&posted.text)? else {
            return Err(Error::Invalid("posted: there is nothing to search for".into()));
        };
        let posts = self.posts_or_build()?;
        let filter = PostFilter { since: posted.since, ..PostFilter::default() };
        let found = posts
            .reader
            .channels_posting(&text, &filter, posted.min_posts)
            .map_err(|e| Error::Internal(format!("searching the post index: {e}")))?;
        Ok(found.into_iter().map(|(c, _)| c).collect())
    }
}

#[cfg(test)]
mod tests;
