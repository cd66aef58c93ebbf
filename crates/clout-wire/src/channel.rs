//! Channels: one in a list (every metric of the catalogue), a profile with every number's
//! provenance, lookalikes, the audience-quality score, a search page with facet counts and
//! saved lists.

use clout_app::{ChannelProfile, ChannelRow, ChannelView};
use clout_core::NullReason;
use clout_core::metric::{METRICS, MetricValue, Unit};
use serde::Serialize;
use serde::ser::SerializeMap;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{RefOr, SchemaFormat};

use crate::schema::{BucketName, Instant, MethodName, PlatformName, PresetName, ReasonCode, TierName, WindowRuleName};
use crate::{split, time};

/// A niche label with its confidence (0 to 1); a profile adds its score and the words that
/// decided it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NicheLabel {
    pub niche: String,
    pub confidence: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<MethodName>)]
    pub method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<NicheEvidence>>,
}

/// One channel as `clout channels --json` prints it and the API lists it: the profile's
/// facts, the niches, and every metric of the catalogue with its window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Channel {
    #[schema(value_type = PlatformName)]
    pub platform: &'static str,
    pub handle: String,
    #[schema(value_type = Option<TierName>)]
    pub tier: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<ReasonCode>)]
    pub tier_reason: Option<&'static str>,
    /// When the newest channel record was observed.
    #[schema(value_type = Option<Instant>)]
    pub as_of: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<ReasonCode>)]
    pub as_of_reason: Option<&'static str>,
    pub name: Option<String>,
    pub country: Option<String>,
    pub language: Option<String>,
    pub category: Option<String>,
    pub verified: Option<bool>,
    pub creator_id: Option<String>,
    /// The audience-quality score, 0 to 100.
    pub quality_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<ReasonCode>)]
    pub quality_score_reason: Option<&'static str>,
    pub quality_low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<ReasonCode>)]
    pub quality_low_reason: Option<&'static str>,
    pub quality_high: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<ReasonCode>)]
    pub quality_high_reason: Option<&'static str>,
    /// False when the score rests on fewer than two kinds of evidence (it is then mostly
    /// the prior of 70: "not enough evidence"); null when no score is computed.
    pub quality_enough_evidence: Option<bool>,
    pub niches: Vec<NicheLabel>,
    #[serde(flatten)]
    pub metrics: ChannelMetrics,
}

impl Channel {
    pub fn from(v: &ChannelView) -> Channel {
        let r = &v.row;
        let no_record = NullReason::NoChannelRecord;
        let not_computed = NullReason::NotComputed;
        let (tier, tier_reason) = split(v.tier.map(|t| t.as_str()).ok_or(no_record));
        let (as_of, as_of_reason) = split(r.as_of.map(time).ok_or(no_record));
        let (quality_score, quality_score_reason) = split(r.quality.map(|q| q.score).ok_or(not_computed));
        let (quality_low, quality_low_reason) = split(r.quality.map(|q| q.low).ok_or(not_computed));
        let (quality_high, quality_high_reason) = split(r.quality.map(|q| q.high).ok_or(not_computed));
        Channel {
            platform: r.platform.as_str(),
            handle: r.handle.clone(),
            tier,
            tier_reason,
            as_of,
            as_of_reason,
            name: r.name.clone(),
            country: r.country.clone(),
            language: r.language.clone(),
            category: r.category.clone(),
            verified: r.verified,
            creator_id: r.creator_id.clone(),
            quality_score,
            quality_score_reason,
            quality_low,
            quality_low_reason,
            quality_high,
            quality_high_reason,
            quality_enough_evidence: r.quality.map(|q| q.enough_evidence),
            niches: v
                .niches
                .iter()
                .map(|n| NicheLabel {
                    niche: n.niche.clone(),
                    confidence: n.confidence,
                    score: None,
                    method: None,
                    evidence: None,
                })
                .collect(),
            metrics: ChannelMetrics::from(r),
        }
    }
}

/// The engagement window and every metric of the catalogue (`clout_core::metric::METRICS`),
/// each a value or `null` with `<name>_reason` beside it. Its fields and their schema are
/// made from the catalogue, so a new metric is in every body and in the OpenAPI document.
#[derive(Debug, Clone)]
pub struct ChannelMetrics {
    pub window: Result<Window, NullReason>,
    /// In the order of [`METRICS`].
    pub values: Vec<clout_core::Metric<MetricValue>>,
}

/// Which posts the engagement window holds.
#[derive(Debug, Clone)]
pub struct Window {
    pub rule: &'static str,
    pub eligible_until: String,
    pub after: String,
}

impl ChannelMetrics {
    pub fn from(r: &ChannelRow) -> ChannelMetrics {
        ChannelMetrics {
            window: r
                .metrics
                .as_ref()
                .map(|m| Window {
                    rule: m.window_rule.as_str(),
                    eligible_until: time(m.eligible_until),
                    after: time(m.thirty_days_after),
                })
                .ok_or(NullReason::NoChannelRecord),
            values: METRICS.iter().map(|def| clout_app::metric_value(r, def.key)).collect(),
        }
    }
}

const WINDOW_FIELDS: [(&str, &str); 3] = [
    ("window_rule", "Which posts the engagement window holds"),
    ("window_eligible_until", "Posts published up to this instant are old enough to count"),
    ("window_after", "The window's 30 days start after this instant"),
];

impl Serialize for ChannelMetrics {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        fn entry<M: SerializeMap, T: Serialize>(
            map: &mut M,
            name: &str,
            value: Result<T, NullReason>,
        ) -> Result<(), M::Error> {
            match value {
                Ok(v) => map.serialize_entry(name, &v),
                Err(reason) => {
                    map.serialize_entry(name, &())?;
                    map.serialize_entry(&format!("{name}_reason"), reason.code())
                }
            }
        }
        let w = self.window.as_ref().map_err(|r| *r);
        entry(&mut map, "window_rule", w.map(|w| w.rule))?;
        entry(&mut map, "window_eligible_until", w.map(|w| w.eligible_until.as_str()))?;
        entry(&mut map, "window_after", w.map(|w| w.after.as_str()))?;
        for (def, value) in METRICS.iter().zip(&self.values) {
            match value {
                Ok(MetricValue::Count(n)) => entry(&mut map, def.name, Ok::<_, NullReason>(n))?,
                Ok(MetricValue::Number(x)) => entry(&mut map, def.name, Ok::<_, NullReason>(x))?,
                Ok(MetricValue::Flag(b)) => entry(&mut map, def.name, Ok::<_, NullReason>(b))?,
                Ok(MetricValue::Name(n)) => entry(&mut map, def.name, Ok::<_, NullReason>(n))?,
                Err(reason) => entry(&mut map, def.name, Err::<(), _>(*reason))?,
            }
        }
        map.end()
    }
}

fn nullable(schema: ObjectBuilder, types: Type) -> ObjectBuilder {
    schema.schema_type(SchemaType::from_iter([types, Type::Null]))
}

impl utoipa::PartialSchema for ChannelMetrics {
    fn schema() -> RefOr<Schema> {
        let mut o = ObjectBuilder::new().schema_type(SchemaType::Type(Type::Object)).description(Some(
            "The engagement window and every metric of docs/metrics.md: a value, or null with <name>_reason beside it",
        ));
        let reason = <ReasonCode as utoipa::PartialSchema>::schema;
        let window: [RefOr<Schema>; 3] = [
            <WindowRuleName as utoipa::PartialSchema>::schema(),
            <Instant as utoipa::PartialSchema>::schema(),
            <Instant as utoipa::PartialSchema>::schema(),
        ];
        for ((name, description), schema) in WINDOW_FIELDS.iter().zip(window) {
            let schema = match schema {
                RefOr::T(Schema::Object(mut s)) => {
                    s.schema_type = SchemaType::from_iter([Type::String, Type::Null]);
                    s.description = Some(description.to_string());
                    s.enum_values = s.enum_values.map(|mut v| {
                        v.push(serde_json::Value::Null);
                        v
                    });
                    RefOr::T(Schema::Object(s))
                }
                other => other,
            };
            o = o.property(*name, schema).required(*name).property(format!("{name}_reason"), reason());
        }
        for def in METRICS {
            let description =
                format!("{} ({}). {}", def.title, if def.measured() { "measured" } else { "derived" }, def.formula);
            let value = match def.unit {
                Unit::Count => nullable(ObjectBuilder::new(), Type::Integer).minimum(Some(0)),
                Unit::Flag => nullable(ObjectBuilder::new(), Type::Boolean),
                Unit::Name => {
                    let names: Vec<&str> = match def.key {
                        clout_core::metric::MetricKey::BenchmarkBucket => {
                            clout_core::Bucket::ALL.iter().map(|b| b.as_str()).collect()
                        }
                        _ => clout_core::EngagementLabel::ALL.iter().map(|l| l.as_str()).collect(),
                    };
                    nullable(ObjectBuilder::new(), Type::String).enum_values(Some(
                        names.into_iter().map(serde_json::Value::from).chain([serde_json::Value::Null]),
                    ))
                }
                _ => nullable(ObjectBuilder::new(), Type::Number)
                    .format(Some(SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Double))),
            };
            o = o
                .property(def.name, value.description(Some(description)))
                .required(def.name)
                .property(format!("{}_reason", def.name), reason());
        }
        o.into()
    }
}

impl ToSchema for ChannelMetrics {}

/// A word behind a niche label: where it was found and how often.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NicheEvidence {
    pub term: String,
    pub field: String,
    pub count: u32,
}

/// Where a measured value came from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Measured {
    #[schema(value_type = MethodName)]
    pub method: &'static str,
    /// The file the observation was imported from.
    pub source: Option<String>,
    #[schema(value_type = Option<Instant>)]
    pub observed_at: Option<String>,
}

/// How the tier was derived.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TierProvenance {
    #[schema(value_type = MethodName)]
    pub method: &'static str,
    pub from: &'static str,
    #[schema(value_type = PresetName)]
    pub preset: String,
}

/// How the window's metrics were derived.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MetricsProvenance {
    #[schema(value_type = MethodName)]
    pub method: &'static str,
    pub from: &'static str,
    #[schema(value_type = Option<WindowRuleName>)]
    pub window_rule: Option<&'static str>,
    pub posts_in_window: Option<u32>,
}

/// The peer group behind the percentile and the label.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Peers {
    #[schema(value_type = PlatformName)]
    pub platform: &'static str,
    #[schema(value_type = BucketName)]
    pub bucket: &'static str,
    pub channels: usize,
    pub median_engagement_rate: f64,
}

/// How the percentile was derived.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PercentileProvenance {
    #[schema(value_type = MethodName)]
    pub method: &'static str,
    pub peers: Option<Peers>,
}

/// The platform's size fit `rate = a * followers^b`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SizeFit {
    pub a: f64,
    pub b: f64,
    pub n: usize,
}

/// How the engagement index was derived.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndexProvenance {
    #[schema(value_type = MethodName)]
    pub method: &'static str,
    pub size_fit: Option<SizeFit>,
}

/// How each group of numbers of a profile was obtained.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Provenance {
    pub followers: Measured,
    pub profile: Measured,
    pub tier: TierProvenance,
    pub metrics: MetricsProvenance,
    pub engagement_percentile: PercentileProvenance,
    pub engagement_index: IndexProvenance,
}

/// A post of the engagement window with its measured counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WindowPost {
    pub post_id: String,
    #[schema(value_type = Instant)]
    pub published_at: String,
    #[schema(value_type = Instant)]
    pub observed_at: String,
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub views: Option<u64>,
    pub saves: Option<u64>,
    /// Likes, comments and shares (those the platform exposes).
    pub engagements: u64,
    /// Engagements per 100 followers.
    pub engagement_rate: Option<f64>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub url: Option<String>,
    pub sponsored: Option<bool>,
    pub observations: u32,
    #[schema(value_type = MethodName)]
    pub method: &'static str,
    pub source: String,
}

/// A follower count as observed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryPoint {
    #[schema(value_type = Instant)]
    pub observed_at: String,
    pub followers: u64,
    /// `channel` (a channel record) or `followers` (a follower count record).
    #[schema(pattern = "^(channel|followers)$")]
    pub record: &'static str,
    #[schema(value_type = MethodName)]
    pub method: &'static str,
    pub source: String,
}

/// One channel as `clout show --json` prints it and the API serves it: every metric with
/// its provenance, the window's posts and the follower history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Profile {
    #[serde(flatten)]
    pub channel: Channel,
    pub tier_preset: String,
    pub bio: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    pub following: Option<u64>,
    pub posts_count: Option<u64>,
    pub is_business: Option<bool>,
    pub is_private: Option<bool>,
    pub posts_stored: usize,
    pub provenance: Provenance,
    pub window_posts: Vec<WindowPost>,
    pub follower_history: Vec<HistoryPoint>,
    /// The accounts (brands, usually) its posts mention, most posts first.
    pub brand_history: Vec<MentionedAccount>,
}

/// An account a channel's posts mention.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentionedAccount {
    /// Without `@`.
    pub account: String,
    pub posts: u64,
    /// Of those posts, how many were sponsored.
    pub sponsored_posts: u64,
    /// The engagements those posts earned (measured).
    pub engagements: u64,
    #[schema(value_type = Instant)]
    pub last_post: String,
}

impl Profile {
    pub fn from(p: &ChannelProfile, preset: &str) -> Profile {
        let r = &p.view.row;
        let measured = || Measured { method: "measured", source: r.source.clone(), observed_at: r.as_of.map(time) };
        let m = r.metrics.as_ref();
        let mut channel = Channel::from(&p.view);
        // A profile's niches carry their score and evidence.
        channel.niches = p
            .view
            .niches
            .iter()
            .map(|n| NicheLabel {
                niche: n.niche.clone(),
                confidence: n.confidence,
                score: Some(n.score),
                method: Some("derived"),
                evidence: Some(
                    n.evidence
                        .iter()
                        .map(|(field, count, term)| NicheEvidence {
                            term: term.clone(),
                            field: field.clone(),
                            count: *count,
                        })
                        .collect(),
                ),
            })
            .collect();
        Profile {
            channel,
            tier_preset: preset.to_string(),
            bio: r.bio.clone(),
            url: r.url.clone(),
            email: r.email.clone(),
            following: r.following,
            posts_count: r.posts_count,
            is_business: r.is_business,
            is_private: r.is_private,
            posts_stored: p.posts.len(),
            provenance: Provenance {
                followers: measured(),
                profile: measured(),
                tier: TierProvenance { method: "derived", from: "followers", preset: preset.to_string() },
                metrics: MetricsProvenance {
                    method: "derived",
                    from: "the current observation of each window post, and the follower history",
                    window_rule: m.map(|m| m.window_rule.as_str()),
                    posts_in_window: m.map(|m| m.posts_in_window),
                },
                engagement_percentile: PercentileProvenance {
                    method: "derived",
                    peers: p.peers.as_ref().map(|b| Peers {
                        platform: b.platform.as_str(),
                        bucket: b.bucket.as_str(),
                        channels: b.channels,
                        median_engagement_rate: b.median_rate,
                    }),
                },
                engagement_index: IndexProvenance {
                    method: "derived",
                    size_fit: p.fit.map(|f| SizeFit { a: f.a, b: f.b, n: f.n }),
                },
            },
            window_posts: p
                .posts
                .iter()
                .filter(|post| post.in_window)
                .map(|post| {
                    let s = &post.post.snapshot;
                    WindowPost {
                        post_id: s.post_id.clone(),
                        published_at: time(s.published_at),
                        observed_at: time(post.post.observed_at),
                        likes: s.likes,
                        comments: s.comments,
                        shares: s.shares,
                        views: s.views,
                        saves: post.post.saves,
                        engagements: s.engagements(),
                        engagement_rate: post.rate,
                        kind: post.post.post_type.clone(),
                        url: post.post.url.clone(),
                        sponsored: post.post.sponsored,
                        observations: post.post.observations,
                        method: "measured",
                        source: post.post.source.clone(),
                    }
                })
                .collect(),
            follower_history: p
                .history
                .iter()
                .map(|h| HistoryPoint {
                    observed_at: time(h.observed_at),
                    followers: h.followers,
                    record: if h.from_channel_record { "channel" } else { "followers" },
                    method: "measured",
                    source: h.source.clone(),
                })
                .collect(),
            brand_history: p
                .mentioned
                .iter()
                .map(|m| MentionedAccount {
                    account: m.account.clone(),
                    posts: m.posts,
                    sponsored_posts: m.sponsored,
                    engagements: m.engagements,
                    last_post: time(m.last),
                })
                .collect(),
        }
    }

    /// Rewrites every `source` (the file an observation came from) with `show`.
    pub fn map_sources(&mut self, show: impl Fn(&str) -> String) {
        let p = &mut self.provenance;
        for s in [&mut p.followers.source, &mut p.profile.source].into_iter().flatten() {
            *s = show(s);
        }
        for post in &mut self.window_posts {
            post.source = show(&post.source);
        }
        for h in &mut self.follower_history {
            h.source = show(&h.source);
        }
    }
}
