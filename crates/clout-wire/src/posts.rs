//! Post search: the posts that matched, each with its channel and numbers.

use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{Instant, PlatformName};
use crate::{round2, time};

/// A post a search found, with its channel and its current numbers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FoundPost {
    #[schema(value_type = PlatformName)]
    pub platform: &'static str,
    /// The channel's handle.
    pub handle: String,
    /// The channel's display name.
    pub name: Option<String>,
    /// The channel's followers now.
    pub followers: Option<u64>,
    /// The platform's id of the post.
    pub post_id: String,
    #[schema(value_type = Instant)]
    pub published_at: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub caption: Option<String>,
    /// Without `#`.
    pub hashtags: Vec<String>,
    /// Mentioned accounts as imported, without `@`.
    pub mentions: Vec<String>,
    pub url: Option<String>,
    /// A paid partnership or disclosed ad, as the source said (`null`: not said).
    pub sponsored: Option<bool>,
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub views: Option<u64>,
    pub saves: Option<u64>,
    /// Likes, comments and shares (those the platform exposes): measured.
    pub engagements: u64,
    /// Engagements per 100 of the channel's followers now: derived.
    pub engagement_rate: Option<f64>,
    #[schema(value_type = Instant)]
    pub observed_at: String,
    /// How well the post matches the words (relevance order); 0 in date order.
    pub score: f64,
}

impl From<&clout_app::PostView> for FoundPost {
    fn from(v: &clout_app::PostView) -> FoundPost {
        let (f, p) = (&v.found, &v.found.post);
        FoundPost {
            platform: f.platform.as_str(),
            handle: f.handle.clone(),
            name: f.name.clone(),
            followers: f.followers,
            post_id: p.snapshot.post_id.clone(),
            published_at: time(p.snapshot.published_at),
            kind: p.post_type.clone(),
            caption: p.caption.clone(),
            hashtags: p.hashtags.clone(),
            mentions: p.mentions.clone(),
            url: p.url.clone(),
            sponsored: p.sponsored,
            likes: p.snapshot.likes,
            comments: p.snapshot.comments,
            shares: p.snapshot.shares,
            views: p.snapshot.views,
            saves: p.saves,
            engagements: v.engagements,
            engagement_rate: v.rate.and_then(round2),
            observed_at: time(p.observed_at),
            score: round2(v.score).unwrap_or(0.0),
        }
    }
}

/// A page of a post search.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostPage {
    /// How many posts match in all.
    pub total: u64,
    /// Whether every post the store holds was searched: `false` while an import's posts
    /// are still being indexed (or after one was cut short, until the next recompute).
    pub complete: bool,
    pub posts: Vec<FoundPost>,
}

impl From<&clout_app::PostResults> for PostPage {
    fn from(r: &clout_app::PostResults) -> PostPage {
        PostPage { total: r.total, complete: r.current, posts: r.posts.iter().map(FoundPost::from).collect() }
    }
}
