//! Finding channels: a page of the Directory with facet counts, lookalikes, and saved lists.

use clout_core::discovery::FacetCounts;
use serde::Serialize;
use serde::ser::SerializeMap;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

use crate::channel::Channel;
use crate::schema::Instant;
use crate::time;

/// A lookalike's similarity and its parts, each 0 to 1.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Similarity {
    pub score: f64,
    pub niches: f64,
    pub hashtags: f64,
    pub size: f64,
}

/// A lookalike: the channel and how like the reference it is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SimilarChannel {
    #[serde(flatten)]
    pub channel: Channel,
    pub similarity: Similarity,
}

impl SimilarChannel {
    pub fn from(s: &clout_app::Similar) -> SimilarChannel {
        let l = &s.lookalike;
        SimilarChannel {
            channel: Channel::from(&s.channel),
            similarity: Similarity { score: l.similarity, niches: l.niches, hashtags: l.hashtags, size: l.size },
        }
    }
}

/// The API's lookalikes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SimilarList {
    pub results: Vec<SimilarChannel>,
}

/// Counts per name, in order: a facet group (`{"instagram": 12, ...}`, the largest first) or a plan's skipped candidates per reason.
#[derive(Debug, Clone, Default)]
pub struct Counts(pub Vec<(String, u64)>);

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, n) in &self.0 {
            map.serialize_entry(k, n)?;
        }
        map.end()
    }
}

impl utoipa::PartialSchema for Counts {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Object))
            .additional_properties(Some(
                ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer)).minimum(Some(0)),
            ))
            .description(Some("A count per name"))
            .into()
    }
}

impl ToSchema for Counts {}

/// Facet counts: for each group, the channels per value.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Facets {
    pub platform: Counts,
    pub tier: Counts,
    pub country: Counts,
    pub language: Counts,
    pub niche: Counts,
    /// Engagement labels.
    pub label: Counts,
}

impl Facets {
    pub fn from(f: &FacetCounts) -> Facets {
        Facets {
            platform: Counts(f.platform.clone()),
            tier: Counts(f.tier.clone()),
            country: Counts(f.country.clone()),
            language: Counts(f.language.clone()),
            niche: Counts(f.niche.clone()),
            label: Counts(f.label.clone()),
        }
    }
}

/// A search result: the channel and its relevance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    #[serde(flatten)]
    pub channel: Channel,
    /// Relevance to the words searched (`null` without words).
    pub score: Option<f64>,
}

/// A page of the Directory: the exact total, the results and, when asked, facet counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchPage {
    pub total: u64,
    pub results: Vec<SearchHit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
}

impl SearchPage {
    pub fn from(r: &clout_app::SearchResults) -> SearchPage {
        SearchPage {
            total: r.page.total,
            results: r
                .page
                .hits
                .iter()
                .zip(&r.channels)
                .map(|(hit, c)| SearchHit { channel: Channel::from(c), score: hit.score })
                .collect(),
            facets: r.page.facets.as_ref().map(Facets::from),
        }
    }
}

/// The last line of `clout search --json --facets`: the facet counts and the total.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FacetsLine {
    pub facets: Facets,
    pub total: u64,
}

/// A saved list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListSummary {
    pub id: i64,
    pub name: String,
    pub created_by: Option<String>,
    #[schema(value_type = Instant)]
    pub created_at: String,
    /// Channels on the list.
    pub members: u64,
}

impl ListSummary {
    pub fn from(l: &clout_app::ListRow) -> ListSummary {
        ListSummary {
            id: l.id,
            name: l.name.clone(),
            created_by: l.created_by.clone(),
            created_at: time(l.created_at),
            members: l.members,
        }
    }
}

/// Every saved list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListList {
    pub lists: Vec<ListSummary>,
}

/// A channel on a list, with its note.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListEntry {
    #[serde(flatten)]
    pub channel: Channel,
    pub note: String,
    pub added_by: Option<String>,
    #[schema(value_type = Instant)]
    pub added_at: String,
}

/// A list with its channels.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListDetail {
    #[serde(flatten)]
    pub list: ListSummary,
    pub channels: Vec<ListEntry>,
}

impl ListDetail {
    pub fn from(row: &clout_app::ListRow, entries: &[clout_app::ListEntry]) -> ListDetail {
        ListDetail {
            list: ListSummary::from(row),
            channels: entries
                .iter()
                .map(|e| ListEntry {
                    channel: Channel::from(&e.channel),
                    note: e.note.clone(),
                    added_by: e.added_by.clone(),
                    added_at: time(e.added_at),
                })
                .collect(),
        }
    }
}
