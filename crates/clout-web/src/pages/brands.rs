//! The Brands page: who posted about a brand, sponsored or organic, by month, with the
//! engagements, and its share of voice against competitors. A GET form: the URL is the
//! report.

use super::*;

/// Creators on a page of the report.
const PAGE: usize = 50;

fn url_with(pairs: &[(String, String)], set: &[(&str, String)]) -> String {
    page_url("/brands", pairs, set)
}

/// How far back the form offers to look, as `since` values.
const SINCE: &[(&str, &str)] =
    &[("", "Any time"), ("30d", "Last 30 days"), ("90d", "Last 90 days"), ("365d", "Last year")];

/// `2026-04` as people read it: `April 2026`.
fn month_name(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match month.split_once('-').and_then(|(y, m)| Some((y, m.parse::<usize>().ok()?))) {
        Some((year, m)) if (1..=12).contains(&m) => format!("{} {year}", NAMES[m - 1]),
        _ => month.to_string(),
    }
}

fn split_json(s: &clout_wire::BrandSplit) -> Value {
    json!({"posts": s.posts, "sponsored": s.sponsored_posts, "organic": s.organic_posts, "engagements": s.engagements,
        "sponsored_engagements": s.sponsored_engagements, "organic_engagements": s.organic_engagements})
}

pub(super) async fn brands(state: St, Page(auth): Page, RawQuery(raw): RawQuery) -> Response {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    let single = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let (brand, since) = (single("brand"), single("since"));
    // Competitors: one field, separated by spaces or commas (or `vs` repeated in the URL).
    let competitors: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "vs")
        .flat_map(|(_, v)| {
            v.split([' ', ',']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>()
        })
        .collect();
    let mut since_options: Vec<Value> =
        SINCE.iter().map(|(v, l)| json!({"value": v, "label": l, "selected": *v == since})).collect();
    // A moment from a shared URL stays chosen.
    if !SINCE.iter().any(|(v, _)| *v == since) {
        since_options.push(json!({"value": since, "label": format!("Since {since}"), "selected": true}));
    }
    let mut ctx = json!({
        "query": {"brand": brand, "vs": competitors.join(" ")},
        "since_options": since_options,
    });
    if brand.trim().is_empty() {
        return render("brands.html", page_context(&auth, "brands", ctx), StatusCode::OK);
    }
    let mut known: Vec<(String, String)> = vec![("brand".into(), brand.clone())];
    known.extend(competitors.iter().map(|c| ("vs".to_string(), c.clone())));
    if !since.is_empty() {
        known.push(("since".into(), since.clone()));
    }
    known.push(("limit".into(), PAGE.to_string()));
    let offset = single("offset");
    if !offset.is_empty() {
        known.push(("offset".into(), offset));
    }
    let mut status = StatusCode::OK;
    match params::brand_query(&known, state.now()) {
        Err(e) => {
            status = StatusCode::BAD_REQUEST;
            ctx["error"] = json!({"code": e.code, "message": e.message});
        }
        Ok(query) => match state.read(move |app, _| app.brand_report(&query)).await {
            Err(e) => {
                status = e.status;
                ctx["error"] = json!({"code": e.code, "message": e.message});
            }
            Ok(report) => {
                let w = clout_wire::BrandReport::from(&report);
                let (offset, shown) = (w.offset, w.creators.len());
                if offset > 0 {
                    ctx["previous"] = url_with(&pairs, &[("offset", offset.saturating_sub(PAGE).to_string())]).into();
                }
                if ((offset + shown) as u64) < w.creator_count && offset + PAGE <= clout_app::MAX_OFFSET {
                    ctx["next"] = url_with(&pairs, &[("offset", (offset + PAGE).to_string())]).into();
                }
                ctx["first_page"] = url_with(&pairs, &[("offset", String::new())]).into();
                ctx["first"] = (if shown == 0 { 0 } else { offset + 1 }).into();
                ctx["last"] = (offset + shown).into();
                ctx["report"] = json!({
                    "brand": w.brand,
                    "totals": split_json(&w.split),
                    "creators": w.creators.iter().map(|c| json!({
                        "platform": c.platform, "handle": c.handle, "name": c.name, "followers": c.followers,
                        "split": split_json(&c.split), "last": c.last_post,
                    })).collect::<Vec<_>>(),
                    "creator_count": w.creator_count,
                    "months": w.months.iter().map(|m| json!({
                        "month": m.month, "label": month_name(&m.month), "split": split_json(&m.split),
                    })).collect::<Vec<_>>(),
                    "voices": w.share_of_voice.iter().map(|v| json!({
                        "brand": v.brand, "split": split_json(&v.split), "creators": v.creators,
                        "share_of_posts": v.share_of_posts, "share_of_engagements": v.share_of_engagements,
                    })).collect::<Vec<_>>(),
                    "complete": w.complete,
                });
            }
        },
    }
    render("brands.html", page_context(&auth, "brands", ctx), status)
}
