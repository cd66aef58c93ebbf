//! Platforms' own API answers, mapped onto interchange records.
//!
//! A connector (live, `clout fetch`) and an import of a saved answer (`clout import` of
//! the JSON an endpoint returned) read the same answers, so both go through these
//! functions: each item of an answer becomes one interchange object, which is then read
//! by the same parser as a line of an NDJSON file ([`Mapped::parse`]). So a fetched
//! record meets exactly the rules of an imported one, and a record that does not fit is
//! a reject with its reason, never a crash or a silent drop.
//!
//! Nothing here does I/O: the callers fetch or read the answers.

use serde_json::{Map, Value};

use crate::{FieldIssue, Limits, Parsed};

pub use read::{Context, MAX_DOCUMENT_BYTES, Sniff, read_answer_document, read_answer_lines, sniff};

pub mod bluesky;
pub mod instagram;
mod read;
pub mod tiktok;
pub mod x;
pub mod youtube;

/// One item of an API answer, mapped.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    /// Where the item is in the answer, as a JSON pointer (`/feed/3`).
    pub at: String,
    pub outcome: Outcome,
}

/// What became of one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// An interchange object, to read like an NDJSON line.
    Object(Map<String, Value>),
    /// The item cannot become a record: why, and the item's own JSON (to show, and to keep
    /// in the rejects).
    Refused(FieldIssue, String),
    /// The item is not a record of this channel (a repost of someone else's post, a reply
    /// that was deleted or blocked): why.
    Skipped(&'static str),
}

impl Mapped {
    pub(crate) fn ok(at: String, object: Map<String, Value>) -> Mapped {
        Mapped { at, outcome: Outcome::Object(object) }
    }

    pub(crate) fn refused(at: String, field: &str, reason: impl Into<String>, item: &Value) -> Mapped {
        Mapped { at, outcome: Outcome::Refused(FieldIssue::field(field, reason), item.to_string()) }
    }

    pub(crate) fn skipped(at: String, why: &'static str) -> Mapped {
        Mapped { at, outcome: Outcome::Skipped(why) }
    }

    /// The item as an interchange line (what a rejects file keeps) and the record it reads
    /// as, under `limits`; `None` for a skipped item.
    pub fn parse(&self, limits: &Limits) -> Option<(Vec<u8>, Parsed)> {
        match &self.outcome {
            Outcome::Object(object) => {
                let line = Value::Object(object.clone()).to_string().into_bytes();
                let parsed = crate::parse_line_with(&line, limits);
                Some((line, parsed))
            }
            Outcome::Refused(issue, raw) => Some((raw.clone().into_bytes(), Err(vec![issue.clone()]))),
            Outcome::Skipped(_) => None,
        }
    }
}

/// Which answer a JSON document is, recognised by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Bluesky `app.bsky.actor.getProfile` (one `profileViewDetailed`).
    BlueskyProfile,
    /// Bluesky `app.bsky.actor.getProfiles` (`profiles`).
    BlueskyProfiles,
    /// Bluesky `app.bsky.feed.getAuthorFeed` (`feed` of `feedViewPost`).
    BlueskyAuthorFeed,
    /// Bluesky `app.bsky.feed.getPostThread` (`thread`).
    BlueskyPostThread,
    /// Bluesky `app.bsky.graph.getFollowers` (`subject` and `followers`).
    BlueskyFollowers,
    /// YouTube `channels.list` (`youtube#channelListResponse`).
    YoutubeChannels,
    /// YouTube `videos.list` (`youtube#videoListResponse`).
    YoutubeVideos,
    /// YouTube `commentThreads.list` (`youtube#commentThreadListResponse`).
    YoutubeCommentThreads,
    /// Instagram Graph API business discovery (`business_discovery`).
    InstagramBusinessDiscovery,
    /// TikTok Research API video query (`data.videos`).
    TiktokVideoQuery,
    /// X API v2 users lookup (`data` with `public_metrics.followers_count`).
    XUsers,
    /// X API v2 tweets lookup or timeline (`data` with `public_metrics.like_count`).
    XTweets,
}

impl Answer {
    /// The endpoint, as the docs name it.
    pub fn endpoint(self) -> &'static str {
        match self {
            Answer::BlueskyProfile => "app.bsky.actor.getProfile",
            Answer::BlueskyProfiles => "app.bsky.actor.getProfiles",
            Answer::BlueskyAuthorFeed => "app.bsky.feed.getAuthorFeed",
            Answer::BlueskyPostThread => "app.bsky.feed.getPostThread",
            Answer::BlueskyFollowers => "app.bsky.graph.getFollowers",
            Answer::YoutubeChannels => "youtube/v3/channels",
            Answer::YoutubeVideos => "youtube/v3/videos",
            Answer::YoutubeCommentThreads => "youtube/v3/commentThreads",
            Answer::InstagramBusinessDiscovery => "instagram business_discovery",
            Answer::TiktokVideoQuery => "tiktok research/video/query",
            Answer::XUsers => "x 2/users",
            Answer::XTweets => "x 2/tweets",
        }
    }
}

/// Recognises a saved answer by its content; `None` for anything else (an interchange
/// record has a `kind`, which no answer has).
pub fn recognise(doc: &Value) -> Option<Answer> {
    let object = doc.as_object()?;
    // An interchange record's `kind` is one word; YouTube's are `youtube#…`.
    if let Some(kind) = object.get("kind") {
        return youtube::recognise(object).filter(|_| kind.as_str().is_some_and(|k| k.starts_with("youtube#")));
    }
    bluesky::recognise(object)
        .or_else(|| instagram::recognise(object))
        .or_else(|| tiktok::recognise(object))
        .or_else(|| x::recognise(object))
}

/// Maps a recognised answer, observed at `observed_at` (RFC 3339), onto interchange objects.
pub fn map(answer: Answer, doc: &Value, observed_at: &str) -> Vec<Mapped> {
    match answer {
        Answer::BlueskyProfile => vec![bluesky::profile(doc, "", observed_at)],
        Answer::BlueskyProfiles => bluesky::profiles(doc, observed_at),
        Answer::BlueskyAuthorFeed => bluesky::author_feed(doc, None, observed_at),
        Answer::BlueskyPostThread => bluesky::post_thread(doc, None),
        Answer::BlueskyFollowers => bluesky::followers(doc, None, &[], observed_at),
        Answer::YoutubeChannels => youtube::channels(doc, observed_at),
        Answer::YoutubeVideos => youtube::videos(doc, None, observed_at),
        Answer::YoutubeCommentThreads => youtube::comment_threads(doc, None),
        Answer::InstagramBusinessDiscovery => instagram::business_discovery(doc, observed_at, true),
        Answer::TiktokVideoQuery => tiktok::videos(doc, observed_at),
        Answer::XUsers => x::users(doc, observed_at),
        Answer::XTweets => x::tweets(doc, observed_at),
    }
}

/// A count field: a non-negative integer as it is, anything else (absent, null) `null`,
/// so that a hidden count is never read as 0.
pub(crate) fn count(v: Option<&Value>) -> Value {
    match v {
        Some(Value::Number(n)) => Value::Number(n.clone()),
        _ => Value::Null,
    }
}

/// A text field, `null` when absent or empty.
pub(crate) fn text(v: Option<&Value>) -> Value {
    match v.and_then(Value::as_str) {
        Some(s) if !s.trim().is_empty() => Value::String(s.to_string()),
        _ => Value::Null,
    }
}

/// Appends `/key` to a JSON pointer.
pub(crate) fn at(base: &str, key: impl std::fmt::Display) -> String {
    format!("{base}/{key}")
}
