//! What the OpenAPI document says about errors beyond what utoipa derives: the error
//! statuses every endpoint shares (401 for a missing sign-in, 403 for a viewer's write,
//! 400 for a malformed parameter, ...), and the rate card's currencies. The vocabularies
//! of parameters and bodies (platforms, tiers, handles, amounts, ...) are the wire's
//! (`clout_wire::schema`).

use clout_wire::schema::one_of;
pub(crate) use clout_wire::schema::{
    Amount, AuditFormat, BrandName, BriefText, ChannelRef, CountryCode, CurrencyCode, DateText, DeliverableName,
    GoalName, HandleText, LabelName, ManagementCost, PlatformName, PostQueryText, PostSortName, PresetName, QueryText,
    RoleName, SafetyCategoryId, SafetyLevelName, ScopeName, SinceDate, SinceWhen, SortName, StageName, TierName,
    UploadFile,
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

/// Links from the answers that create something to the operations on it (OpenAPI 3 link
/// objects), so a client, or a fuzzer's stateful phase, can follow a new campaign, list or
/// deliverable to what acts on it.
pub(crate) fn add_links(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::link::LinkBuilder;
    let from_body = "$response.body#/id";
    let path = |name: &str| format!("$request.path.{name}");
    let campaign = [
        "campaign",
        "update_campaign",
        "delete_campaign",
        "campaign_report",
        "campaign_report_csv",
        "add_deliverable",
        "put_campaign_member",
    ];
    let list = ["list", "delete_list", "export_list", "put_member"];
    // (path, method, status, [(target operation, [(parameter, expression)])])
    type Links<'a> = Vec<(&'a str, Vec<(&'a str, String)>)>;
    let mut table: Vec<(&str, &str, &str, Links<'_>)> = vec![
        (
            "/api/v1/campaigns",
            "post",
            "201",
            campaign.iter().map(|op| (*op, vec![("id", from_body.to_string())])).collect(),
        ),
        ("/api/v1/lists", "post", "201", list.iter().map(|op| (*op, vec![("id", from_body.to_string())])).collect()),
        (
            "/api/v1/campaigns/{id}/deliverables",
            "post",
            "201",
            ["link_deliverable", "cancel_deliverable"]
                .iter()
                .map(|op| (*op, vec![("id", path("id")), ("deliverable", from_body.to_string())]))
                .collect(),
        ),
    ];
    let member = |op| (op, vec![("id", path("id")), ("platform", path("platform")), ("handle", path("handle"))]);
    table.push((
        "/api/v1/campaigns/{id}/members/{platform}/{handle}",
        "put",
        "200",
        vec![member("delete_campaign_member"), ("add_deliverable", vec![("id", path("id"))])],
    ));
    table.push(("/api/v1/lists/{id}/members/{platform}/{handle}", "put", "204", vec![member("delete_member")]));
    for (at, method, status, links) in table {
        let Some(item) = doc.paths.paths.get_mut(at) else { continue };
        let op = match method {
            "post" => item.post.as_mut(),
            "put" => item.put.as_mut(),
            _ => None,
        };
        let Some(RefOr::T(response)) = op.and_then(|op| op.responses.responses.get_mut(status)) else { continue };
        for (target, parameters) in links {
            let mut link = LinkBuilder::new().operation_id(target);
            for (name, expression) in parameters {
                link = link.parameter(name, expression);
            }
            response.links.insert(target.to_string(), link.build().into());
        }
    }
}
