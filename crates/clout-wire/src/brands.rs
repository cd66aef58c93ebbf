//! A brand report: who posted about a brand, sponsored or organic, over time, and its
//! share of voice against competitors.

use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{Instant, PlatformName};
use crate::{round2, time};

/// Posts split into sponsored and organic, with their engagements (likes, comments and
/// shares as last observed: measured).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BrandSplit {
    pub posts: u64,
    pub sponsored_posts: u64,
    pub organic_posts: u64,
    pub engagements: u64,
    pub sponsored_engagements: u64,
    pub organic_engagements: u64,
}

impl From<&clout_app::BrandSplit> for BrandSplit {
    fn from(s: &clout_app::BrandSplit) -> BrandSplit {
        BrandSplit {
            posts: s.posts,
            sponsored_posts: s.sponsored,
            organic_posts: s.organic(),
            engagements: s.engagements,
            sponsored_engagements: s.sponsored_engagements,
            organic_engagements: s.organic_engagements(),
        }
    }
}

/// A creator who posted about the brand in the period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BrandCreator {
    #[schema(value_type = PlatformName)]
    pub platform: &'static str,
    pub handle: String,
    pub name: Option<String>,
    pub followers: Option<u64>,
    #[serde(flatten)]
    pub split: BrandSplit,
    /// The first and last post about the brand in the period.
    #[schema(value_type = Instant)]
    pub first_post: String,
    #[schema(value_type = Instant)]
    pub last_post: String,
}

/// A calendar month (UTC) of posts about the brand.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BrandMonth {
    /// `2026-11`.
    pub month: String,
    #[serde(flatten)]
    pub split: BrandSplit,
}

/// One brand's voice among those compared.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BrandVoice {
    /// The account, without `@`.
    pub brand: String,
    #[serde(flatten)]
    pub split: BrandSplit,
    pub creators: u64,
    /// Percent of the compared brands' posts (`null` when none has any).
    pub share_of_posts: Option<f64>,
    /// Percent of the compared brands' engagements.
    pub share_of_engagements: Option<f64>,
}

/// Who posted about a brand, and how it compares.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BrandReport {
    /// The account, without `@`.
    pub brand: String,
    #[schema(value_type = Option<Instant>)]
    pub since: Option<String>,
    #[schema(value_type = Option<Instant>)]
    pub until: Option<String>,
    #[serde(flatten)]
    pub split: BrandSplit,
    /// How many creators posted about the brand in the period.
    pub creator_count: u64,
    /// Where this page of creators starts, and its most.
    pub offset: usize,
    pub limit: usize,
    /// The page of creators: most posts first, then most engagements, then by handle.
    pub creators: Vec<BrandCreator>,
    /// Oldest first; months without posts are left out.
    pub months: Vec<BrandMonth>,
    /// The brand, then each competitor in the order asked.
    pub share_of_voice: Vec<BrandVoice>,
    /// Whether every post the store holds was searched (see `GET /api/v1/posts`).
    pub complete: bool,
}

impl From<&clout_app::BrandReport> for BrandReport {
    fn from(r: &clout_app::BrandReport) -> BrandReport {
        let at = |t: Option<i64>| t.map(|t| time(clout_core::Timestamp::from_unix(t)));
        BrandReport {
            brand: r.query.brand.clone(),
            since: at(r.query.since),
            until: at(r.query.until),
            split: BrandSplit::from(&r.split),
            creator_count: r.creator_count,
            offset: r.query.offset,
            limit: r.query.limit,
            creators: r
                .creators
                .iter()
                .map(|c| BrandCreator {
                    platform: c.channel.platform.as_str(),
                    handle: c.channel.handle.clone(),
                    name: c.channel.name.clone(),
                    followers: c.channel.followers,
                    split: BrandSplit::from(&c.split),
                    first_post: time(c.first),
                    last_post: time(c.last),
                })
                .collect(),
            months: r.months.iter().map(|(m, s)| BrandMonth { month: m.clone(), split: BrandSplit::from(s) }).collect(),
            share_of_voice: r
                .voices
                .iter()
                .map(|v| BrandVoice {
                    brand: v.brand.clone(),
                    split: BrandSplit::from(&v.split),
                    creators: v.creators,
                    share_of_posts: v.share_of_posts.and_then(round2),
                    share_of_engagements: v.share_of_engagements.and_then(round2),
                })
                .collect(),
            complete: r.complete,
        }
    }
}
