//! The closed vocabularies and value shapes of the JSON bodies and the API's parameters
//! (platforms, tiers, labels, stages, handles, amounts, ...), each taken from the domain's
//! own list so the OpenAPI document cannot drift from the parsers.

pub use utoipa::openapi::RefOr;
pub use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
pub use utoipa::{PartialSchema, ToSchema};

pub fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::String))
}

pub fn one_of<'a>(values: impl IntoIterator<Item = &'a str>, description: &str) -> RefOr<Schema> {
    string().enum_values(Some(values.into_iter().map(str::to_string))).description(Some(description)).into()
}

/// Declares a string schema type: `name => expression building its schema`.
#[macro_export]
macro_rules! string_schema {
    ($(#[$doc:meta])* $name:ident => $schema:expr) => {
        $(#[$doc])*
        pub struct $name;
        impl $crate::schema::PartialSchema for $name {
            fn schema() -> $crate::schema::RefOr<$crate::schema::Schema> {
                $schema
            }
        }
        impl $crate::schema::ToSchema for $name {}
    };
}

string_schema!(
    /// A platform's interchange name.
    PlatformName => one_of(clout_core::Platform::ALL.iter().map(|p| p.as_str()), "A platform"));
string_schema!(
    /// A follower tier.
    TierName => one_of(clout_core::Tier::ALL.iter().map(|t| t.as_str()), "A follower tier"));
string_schema!(
    /// A tier preset.
    PresetName => one_of(["scrunch", "industry"], "The tier preset (default scrunch)"));
string_schema!(
    /// An engagement label.
    LabelName => one_of(clout_core::EngagementLabel::ALL.iter().map(|l| l.as_str()), "An engagement label"));
string_schema!(
    /// A Directory sort.
    SortName => one_of(["relevance", "followers", "er", "index", "growth"], "The order (default relevance)"));
string_schema!(
/// A kind of deliverable.
DeliverableName => one_of(
    clout_core::price::Deliverable::ALL.iter().map(|d| d.as_str()),
    "A kind of deliverable (default post)",
));
string_schema!(
/// What a plan maximises.
GoalName => one_of(
    ["engagements", "reach", "views", "value", "unique_reach"],
    "What to maximise (default engagements; unique_reach counts a person once across creators whose audiences overlap)"
));
string_schema!(
    /// A campaign member's stage.
    StageName => one_of(clout_core::campaign::Stage::ALL.iter().map(|s| s.as_str()), "A stage"));
string_schema!(
    /// A file of an upload.
    // No `type`: a part of a multipart body is bytes, whatever they spell.
    UploadFile => ObjectBuilder::new()
        .content_media_type("application/octet-stream")
        .min_length(Some(1))
        .description(Some("A file (not empty)"))
        .into());
string_schema!(
    /// An API token's scope.
    ScopeName => one_of(["full", "read"].into_iter(), "full (what the role allows) or read (reads only)"));
string_schema!(
    /// An account's role.
    RoleName => one_of(clout_app::Role::ALL.iter().map(|r| r.as_str()), "A role"));
string_schema!(
    /// A channel's handle as it appears on the platform, with or without its `@`.
    HandleText => string()
        .pattern(Some(r"^@?[A-Za-z0-9_-][A-Za-z0-9._-]*$"))
        .max_length(Some(100))
        .description(Some("A handle, such as veganvibes (letters, digits, '.', '_' and '-')"))
        .into());
string_schema!(
    /// Search words.
    QueryText => string()
        // At most 24 words or "quoted phrases" (so quotes come in pairs). That one of them
        // has a letter or digit (in any script) is in the description: a JSON Schema
        // pattern has no Unicode classes.
        .pattern(Some(r#"^\s*(("[^"]*"|[^\s"]+)\s*){0,24}$"#))
        .max_length(Some(clout_app::MAX_QUERY_CHARS))
        .description(Some(
            "Words, \"quoted phrases\", #hashtags and @mentions, all of which must match: at most 24 of them, at least one with a letter or digit",
        ))
        .into());
string_schema!(
    /// A brand's account, with or without its `@`.
    BrandName => string()
        .pattern(Some(r"^@?[A-Za-z0-9._-]*[A-Za-z0-9][A-Za-z0-9._-]*$"))
        .max_length(Some(100))
        .description(Some("An account, such as glowlab or @northpeak.co (letters, digits, '.', '_' and '-', at least one letter or digit)"))
        .into());
string_schema!(
    /// Search words, at least one part: what a post search looks for.
    PostQueryText => string()
        .pattern(Some(r#"^\s*(("[^"]*"|[^\s"]+)\s*){1,24}$"#))
        .min_length(Some(1))
        .max_length(Some(clout_app::MAX_QUERY_CHARS))
        .description(Some(
            "Words, \"quoted phrases\", #hashtags and @mentions, all of which must match: 1 to 24 of them, at least one with a letter or digit",
        ))
        .into());
string_schema!(
    /// A brief in plain words.
    BriefText => string()
        // Unanchored: something that is not a space. That it holds a letter or digit (in
        // any script) is in the description: a JSON Schema pattern has no Unicode classes.
        .pattern(Some(r"\S"))
        .min_length(Some(1))
        .max_length(Some(clout_core::brief::MAX_BRIEF_CHARS))
        .description(Some(
            "Who you are looking for, in plain words, with at least one letter or digit: vegan home cooks in Australia who post reels about budget meals",
        ))
        .into());
string_schema!(
    /// A channel as PLATFORM/HANDLE.
    ChannelRef => string()
        .pattern(Some(format!(
            "^({})/@?[A-Za-z0-9_-][A-Za-z0-9._-]*$",
            clout_core::Platform::ALL.iter().map(|p| p.as_str()).collect::<Vec<_>>().join("|")
        )))
        .max_length(Some(120))
        .description(Some("PLATFORM/HANDLE, such as instagram/veganvibes"))
        .into());
string_schema!(
    /// An ISO 3166-1 alpha-2 country code.
    CountryCode => string().pattern(Some("^[A-Za-z]{2}$")).description(Some("ISO 3166-1 alpha-2")).into());
string_schema!(
    /// An ISO 4217 currency code.
    CurrencyCode => string().pattern(Some("^[A-Za-z]{3}$")).description(Some("ISO 4217, such as EUR")).into());
string_schema!(
    /// A decimal amount of money.
    Amount => string()
        // Above zero, below 10^11, at most two decimals.
        .pattern(Some(r"^([1-9][0-9]{0,10}(\.[0-9]{1,2})?|0?\.(0[1-9]|[1-9][0-9]?))$"))
        .description(Some("An amount above zero, such as 10000 or 2500.50 (no more decimals than the currency has)"))
        .into());
string_schema!(
    /// A calendar date or an instant.
    DateText => string()
        .pattern(Some(r"^([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]))?$"))
        .description(Some("YYYY-MM-DD (RFC 3339 instants are accepted too); empty for none"))
        .into());
string_schema!(
    /// A calendar date a filter starts from.
    SinceDate => string()
        .pattern(Some(r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"))
        .description(Some("YYYY-MM-DD, from the start of that day in UTC (an RFC 3339 instant is accepted too)"))
        .into());

string_schema!(
    /// A moment a filter starts from, or a number of days back from now.
    SinceWhen => string()
        .pattern(Some(r"^([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|[1-9][0-9]{0,3}d)$"))
        .description(Some(
            "YYYY-MM-DD (from the start of that day in UTC; an RFC 3339 instant is accepted too), or a number of days back from now, such as 90d",
        ))
        .into());
string_schema!(
    /// The order of a post search.
    PostSortName => one_of(["relevance", "newest"].into_iter(), "relevance (best match first, the default) or newest"));

string_schema!(
    /// Why a value is `null`: a code of `docs/json.md`.
    ReasonCode => one_of(crate::reason_codes(), "Why the value beside it is null"));
string_schema!(
    /// A size bucket of the benchmarks.
    BucketName => one_of(clout_core::Bucket::ALL.iter().map(|b| b.as_str()), "A size bucket"));
string_schema!(
    /// An engagement window's rule.
    WindowRuleName => one_of(
        [clout_core::engagement::WindowRule::LastThirtyDays, clout_core::engagement::WindowRule::LastTwelvePosts]
            .iter()
            .map(|r| r.as_str()),
        "Which posts the engagement window holds"));
string_schema!(
    /// How a value was obtained.
    MethodName => one_of(["measured", "derived", "estimated"], "measured (read from the platform), derived (computed here from measurements) or estimated (a model's guess)"));
string_schema!(
    /// An instant, RFC 3339 in UTC.
    Instant => string().format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::DateTime))).description(Some("RFC 3339, UTC")).into());
string_schema!(
    /// An amount of money that may be zero.
    ManagementCost => string()
        .pattern(Some(r"^(0+(\.0{1,2})?|[1-9][0-9]{0,10}(\.[0-9]{1,2})?|0?\.(0[1-9]|[1-9][0-9]?))$"))
        .description(Some("An amount, zero or more, such as 0, 90 or 45.50"))
        .into());

string_schema!(
    /// A brand-safety level.
    SafetyLevelName => one_of(
        clout_core::safety::SafetyLevel::ALL.iter().map(|l| l.as_str()),
        "none, low, moderate or high"));
string_schema!(
    /// A brand-safety category's id, as the list screened against names it (`clout safety list`).
    SafetyCategoryId => string()
        .pattern(Some(r"^[a-z0-9_]+$"))
        .min_length(Some(1))
        .max_length(Some(64))
        .description(Some("A category of the active brand-safety list, such as adult or gambling"))
        .into());
string_schema!(
    /// How the audit record is written.
    AuditFormat => one_of(["json", "csv"].into_iter(), "json (the default) or csv"));
