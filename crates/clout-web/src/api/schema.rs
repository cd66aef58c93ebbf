//! What the OpenAPI document says about values and errors beyond what utoipa derives:
//! the closed vocabularies (platforms, tiers, labels, ...) taken from the domain's own
//! lists so the document cannot drift from the parsers, the shapes of handles, amounts
//! and codes, and the error statuses every endpoint shares (401 for a missing sign-in,
//! 403 for a viewer's write, 400 for a malformed parameter, ...).

use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{RefOr, ResponseBuilder};
use utoipa::{PartialSchema, ToSchema};

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::String))
}

fn one_of<'a>(values: impl IntoIterator<Item = &'a str>, description: &str) -> RefOr<Schema> {
    string().enum_values(Some(values.into_iter().map(str::to_string))).description(Some(description)).into()
}

/// Declares a string schema type: `name => expression building its schema`.
macro_rules! string_schema {
    ($(#[$doc:meta])* $name:ident => $schema:expr) => {
        $(#[$doc])*
        pub(crate) struct $name;
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $schema
            }
        }
        impl ToSchema for $name {}
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
    GoalName => one_of(["engagements", "reach", "views", "value"], "What to maximise (default engagements)"));
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
            "Words, \"quoted phrases\" and #hashtags, all of which must match: at most 24 of them, at least one with a letter or digit",
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

/// Adds the error answers every operation shares to each operation of `doc`, beside those
/// its annotation lists: 401 when it needs a caller, 403 when it changes something (a
/// viewer, or a session without its CSRF token), 400 when it takes parameters or a body,
/// 404 when its path names something, 413 and 415 when it takes a body.
pub(crate) fn complete_errors(doc: &mut utoipa::openapi::OpenApi) {
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build()
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [
            ("get", item.get.as_mut()),
            ("put", item.put.as_mut()),
            ("post", item.post.as_mut()),
            ("delete", item.delete.as_mut()),
            ("patch", item.patch.as_mut()),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            // `security(())` (an empty requirement) marks the public operations.
            let public = op.security.as_ref().is_some_and(|s| {
                serde_json::to_value(s).ok().is_some_and(|v| {
                    v.as_array().is_some_and(|a| a.iter().all(|r| r.as_object().is_some_and(|o| o.is_empty())))
                })
            });
            let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let has_body = op.request_body.is_some();
            let mut add = |status: &str, description: &str| {
                op.responses.responses.entry(status.to_string()).or_insert_with(|| error(description).into());
            };
            if !public {
                add("401", "No sign-in or API token (unauthenticated, invalid_token)");
                if method != "get" {
                    add("403", "A viewer, or a session without its X-CSRF-Token (forbidden, csrf_failed)");
                }
            }
            if has_params || has_body {
                add(
                    "400",
                    "A malformed or invalid parameter or body (invalid_parameter, invalid, malformed_json, ...)",
                );
            }
            if path.contains('{') {
                add("404", "Nothing by that name or id (not_found)");
            }
            if has_body {
                add("413", "The body is over the server's limit (too_large)");
                add("415", "The body is not of the declared content type (unsupported_media_type)");
            }
        }
    }
}

/// Sets the schema of the `currency` parameters of a plan and a price to the currencies
/// the rate card prices in (`codes`: its own first, then those it has exchange rates for).
pub(crate) fn rate_card_currencies(doc: &mut utoipa::openapi::OpenApi, codes: &[String]) {
    for path in ["/api/v1/plan", "/api/v1/channels/{platform}/{handle}/price"] {
        let Some(op) = doc.paths.paths.get_mut(path).and_then(|item| item.get.as_mut()) else { continue };
        for parameter in op.parameters.iter_mut().flatten() {
            if let RefOr::T(p) = parameter
                && p.name == "currency"
            {
                p.schema = Some(one_of(
                    codes.iter().map(String::as_str),
                    "The rate card's currency (the default) or one it has an exchange rate for",
                ));
            }
        }
    }
}
