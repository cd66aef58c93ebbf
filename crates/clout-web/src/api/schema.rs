//! What the OpenAPI document says about errors beyond what utoipa derives: the error
//! statuses every endpoint shares (401 for a missing sign-in, 403 for a viewer's write,
//! 400 for a malformed parameter, ...), and the rate card's currencies. The vocabularies
//! of parameters and bodies (platforms, tiers, handles, amounts, ...) are the wire's
//! (`clout_wire::schema`).

use clout_wire::schema::one_of;
pub(crate) use clout_wire::schema::{
    Amount, ChannelRef, CountryCode, CurrencyCode, DateText, DeliverableName, GoalName, HandleText, LabelName,
    PlatformName, PresetName, QueryText, RoleName, ScopeName, SortName, StageName, TierName, UploadFile,
};
use utoipa::openapi::{RefOr, ResponseBuilder};

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
