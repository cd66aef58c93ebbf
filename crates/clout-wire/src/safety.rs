//! Brand safety: a channel's screening with the evidence behind each level, and the
//! audit record (the same, for many channels).

use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{Instant, PlatformName};
use crate::time;

/// The list a channel was screened against.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SafetyListInfo {
    pub name: String,
    pub version: String,
    /// Hex SHA-256 of the list's TOML, as stored (`clout safety list` prints the active one).
    pub sha256: String,
}

/// A channel's level in one category, from how many of its posts (and comments on them)
/// matched the category's terms.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SafetyCategory {
    pub id: String,
    pub label: String,
    /// `none`, `low`, `moderate` or `high`.
    pub level: String,
    pub posts: u64,
    pub comments: u64,
}

/// One match: the post (or the comment, with the post it is on) and the terms matched.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SafetyMatch {
    pub category: String,
    /// The list's terms the text matched, comma-separated, as the list writes them.
    pub terms: String,
    /// `post` or `comment`.
    pub matched_in: String,
    /// The platform's id of the post matched, or of the post the comment is on.
    pub post_id: Option<String>,
    pub post_url: Option<String>,
    #[schema(value_type = Option<Instant>)]
    pub published_at: Option<String>,
    pub sponsored: Option<bool>,
    /// The caption, or the comment's text.
    pub text: Option<String>,
    pub comment_id: Option<String>,
    pub comment_author: Option<String>,
}

/// A channel's brand-safety screening (derived from its posts and comments).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChannelSafety {
    #[schema(value_type = PlatformName)]
    pub platform: String,
    pub handle: String,
    pub name: Option<String>,
    pub list: SafetyListInfo,
    /// Whether that list is the active one; if not, the next recompute screens again.
    pub current: bool,
    #[schema(value_type = Instant)]
    pub screened_at: String,
    pub posts_screened: u64,
    pub comments_screened: u64,
    /// The highest level of any category.
    pub overall: String,
    /// Every category of the list, in its order.
    pub categories: Vec<SafetyCategory>,
    /// Every match, by category, posts newest first, then comments.
    pub matches: Vec<SafetyMatch>,
}

impl From<&clout_app::ChannelSafety> for ChannelSafety {
    fn from(s: &clout_app::ChannelSafety) -> ChannelSafety {
        let at = |t: i64| time(clout_core::Timestamp::from_unix(t));
        ChannelSafety {
            platform: s.platform.to_string(),
            handle: s.handle.clone(),
            name: s.name.clone(),
            list: SafetyListInfo {
                name: s.list.name.clone(),
                version: s.list.version.clone(),
                sha256: s.list.sha256.clone(),
            },
            current: s.current,
            screened_at: at(s.screened_at),
            posts_screened: s.posts,
            comments_screened: s.comments,
            overall: s.overall.to_string(),
            categories: s
                .categories
                .iter()
                .map(|c| SafetyCategory {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    level: c.level.to_string(),
                    posts: c.posts,
                    comments: c.comments,
                })
                .collect(),
            matches: s
                .evidence
                .iter()
                .map(|e| SafetyMatch {
                    category: e.category.clone(),
                    terms: e.term.clone(),
                    matched_in: if e.comment.is_some() { "comment" } else { "post" }.to_string(),
                    post_id: e.post_id.clone(),
                    post_url: e.post_url.clone(),
                    published_at: e.published_at.map(at),
                    sponsored: e.sponsored,
                    text: e.text.clone(),
                    comment_id: e.comment.as_ref().map(|c| c.0.clone()),
                    comment_author: e.comment.as_ref().map(|c| c.1.clone()),
                })
                .collect(),
        }
    }
}

/// The audit record: each channel screened, with the list, the time and every match.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SafetyAudit {
    pub channels: Vec<ChannelSafety>,
}
