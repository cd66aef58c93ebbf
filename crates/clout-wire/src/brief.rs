//! A brief in plain words, answered: how it was read, and the creators who fit it, each
//! with the reason and the posts that show it (`clout brief --json`, `GET /api/v1/brief`).

use serde::Serialize;
use utoipa::ToSchema;

use crate::channel::Channel;
use crate::posts::FoundPost;
use crate::round2;
use crate::schema::Instant;

/// One reading of the brief: its words and what they became.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BriefReading {
    /// The words as written.
    pub words: String,
    /// `country`, `language`, `platform`, `tier`, `min_followers`, `max_followers`,
    /// `formats`, `within_days` or `topic`.
    pub kind: &'static str,
    /// What they mean: a country code, a language code, a platform, a tier, a number, post
    /// formats (comma-separated) or a topic in the post search's syntax.
    pub value: String,
    /// The same for people: "country Australia", "posts of type reel".
    pub label: String,
}

/// A topic as searched.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BriefTopic {
    /// A word, a "phrase", a #hashtag or an @mention.
    pub topic: String,
    /// Words the user's word vectors found similar (searched too), with their cosine
    /// similarity.
    pub similar: Vec<BriefSimilar>,
    /// Channels with at least one matching post (of the formats asked for, in the window).
    pub channels: u64,
    /// Its weight in the fit: `ln(1 + N / (1 + channels))` for `N` channels.
    pub weight: f64,
}

/// A similar word.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BriefSimilar {
    pub word: String,
    pub similarity: f64,
}

/// A niche the topics imply.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BriefNiche {
    pub id: String,
    pub name: String,
    /// The taxonomy's terms the brief's words matched.
    pub evidence: Vec<String>,
}

/// A post cited for a creator.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BriefPost {
    #[serde(flatten)]
    pub post: FoundPost,
    /// The brief's topics it matched.
    pub topics: Vec<String>,
}

/// Matching posts per topic.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TopicPosts {
    pub topic: String,
    pub posts: u32,
}

/// A creator who fits the brief.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BriefCreator {
    #[serde(flatten)]
    pub channel: Channel,
    /// The order: `fit × (0.5 + 0.5 × merit)`.
    pub score: Option<f64>,
    /// How well its posts and labels match the brief, 0 to 1 (see `docs/brief.md`).
    pub fit: f64,
    /// The fit in one sentence.
    pub reason: String,
    pub topic_posts: Vec<TopicPosts>,
    /// The implied niches it is labelled with.
    pub matched_niches: Vec<String>,
    /// Its posts of the formats the brief names (`null` when it names none).
    pub format_posts: Option<u32>,
    /// Its best matching posts, best first (at most 3).
    pub posts: Vec<BriefPost>,
}

/// A brief's answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Brief {
    /// How the brief was read, in its order.
    pub understood: Vec<BriefReading>,
    pub topics: Vec<BriefTopic>,
    pub niches: Vec<BriefNiche>,
    /// Posts counted from, when the brief names a window.
    #[schema(value_type = Option<Instant>)]
    pub posts_since: Option<String>,
    /// The brief's filters as Directory URL parameters (`country=AU&tier=micro`).
    pub directory_query: String,
    /// Creators matching in all.
    pub total: u64,
    pub creators: Vec<BriefCreator>,
    /// Whether every post the store holds was searched.
    pub complete: bool,
    /// Words read from the vectors file, when one is set.
    pub vector_words: Option<usize>,
}

fn reading(r: &clout_core::brief::Reading) -> BriefReading {
    use clout_core::brief::Meaning;
    let (kind, value) = match &r.meaning {
        Meaning::Country(c) => ("country", c.clone()),
        Meaning::Language(l) => ("language", l.clone()),
        Meaning::Platform(p) => ("platform", p.as_str().to_string()),
        Meaning::Tier(t) => ("tier", t.as_str().to_string()),
        Meaning::MinFollowers(n) => ("min_followers", n.to_string()),
        Meaning::MaxFollowers(n) => ("max_followers", n.to_string()),
        Meaning::Formats(f) => ("formats", f.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(",")),
        Meaning::WithinDays(d) => ("within_days", d.to_string()),
        Meaning::Topic(t) => ("topic", t.clone()),
    };
    BriefReading { words: r.words.clone(), kind, value, label: clout_app::reading_label(&r.meaning) }
}

impl From<&clout_app::BriefResults> for Brief {
    fn from(r: &clout_app::BriefResults) -> Brief {
        let topics = r
            .topics
            .iter()
            .map(|t| BriefTopic {
                topic: t.topic.clone(),
                similar: t
                    .similar
                    .iter()
                    .map(|(w, s)| BriefSimilar { word: w.clone(), similarity: round2(f64::from(*s)).unwrap_or(0.0) })
                    .collect(),
                channels: t.channels,
                weight: (t.weight * 1e4).round() / 1e4,
            })
            .collect();
        let creators = r
            .creators
            .iter()
            .map(|c| BriefCreator {
                channel: Channel::from(&c.channel),
                score: c.score.map(|s| (s * 1e4).round() / 1e4),
                fit: (c.fit * 1e4).round() / 1e4,
                reason: c.reason.clone(),
                topic_posts: r
                    .topics
                    .iter()
                    .zip(&c.topic_posts)
                    .map(|(t, n)| TopicPosts { topic: t.topic.clone(), posts: *n })
                    .collect(),
                matched_niches: c.niches.clone(),
                format_posts: c.format_posts,
                posts: c
                    .posts
                    .iter()
                    .map(|p| BriefPost { post: FoundPost::from(&p.post), topics: p.topics.clone() })
                    .collect(),
            })
            .collect();
        let directory_query = form_urlencoded::Serializer::new(String::new()).extend_pairs(r.directory.iter()).finish();
        Brief {
            understood: r.brief.readings.iter().map(reading).collect(),
            topics,
            niches: r
                .niches
                .iter()
                .map(|n| BriefNiche { id: n.id.clone(), name: n.name.clone(), evidence: n.evidence.clone() })
                .collect(),
            posts_since: r.since.map(|s| crate::time(clout_core::Timestamp::from_unix(s))),
            directory_query,
            total: r.total,
            creators,
            complete: r.current,
            vector_words: r.vectors.map(|v| v.0),
        }
    }
}
