//! The Posts page: what creators said. A GET form (the URL is the query) over every post's
//! caption, hashtags and mentions, with each post's channel and engagement, best match or
//! newest first, and pages.

use super::*;

/// How far back the form offers to look, as `since` values.
const SINCE: &[(&str, &str)] =
    &[("", "Any time"), ("7d", "Last 7 days"), ("30d", "Last 30 days"), ("90d", "Last 90 days"), ("365d", "Last year")];

/// A Posts URL with some keys replaced.
fn url_with(pairs: &[(String, String)], set: &[(&str, String)]) -> String {
    page_url("/posts", pairs, set)
}

pub(super) async fn posts(state: St, Page(auth): Page, RawQuery(raw): RawQuery) -> Response {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    let single = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let (q, since, sponsored, sort) = (single("q"), single("since"), single("sponsored"), single("sort"));
    let platforms: Vec<String> =
        pairs.iter().filter(|(k, v)| k == "platform" && !v.is_empty()).map(|(_, v)| v.to_ascii_lowercase()).collect();
    let mut since_options: Vec<Value> =
        SINCE.iter().map(|(v, l)| json!({"value": v, "label": l, "selected": *v == since})).collect();
    // A moment from a shared URL stays chosen.
    if !SINCE.iter().any(|(v, _)| *v == since) {
        since_options.push(json!({"value": since, "label": format!("Since {since}"), "selected": true}));
    }
    let mut ctx = json!({
        "query": {"q": q, "since": since, "sponsored": sponsored, "newest": sort == "newest"},
        "since_options": since_options,
        "platforms": clout_core::Platform::ALL.iter().map(|p| json!({"value": p.as_str(), "selected": platforms.iter().any(|s| s == p.as_str())})).collect::<Vec<_>>(),
        "posts": [],
    });
    let mut status = StatusCode::OK;
    if q.trim().is_empty() {
        return render("posts.html", page_context(&auth, "posts", ctx), status);
    }
    // A page's URL may carry keys of its own: they are ignored, as on the Directory.
    let known: Vec<(String, String)> =
        pairs.iter().filter(|(k, _)| clout_app::POST_KEYS.contains(&k.as_str())).cloned().collect();
    match params::post_query(&known, state.now()) {
        Err(e) => {
            status = StatusCode::BAD_REQUEST;
            ctx["error"] = json!({"code": e.code, "message": e.message});
        }
        Ok(query) => {
            let (offset, limit) = (query.offset, query.limit);
            match state.read(move |app, _| app.search_posts(&query)).await {
                Err(e) => {
                    status = e.status;
                    ctx["error"] = json!({"code": e.code, "message": e.message});
                }
                Ok(r) => {
                    let rows: Vec<Value> = r
                        .posts
                        .iter()
                        .map(|v| {
                            let w = clout_wire::FoundPost::from(v);
                            json!({
                                "platform": w.platform, "handle": w.handle, "name": w.name, "followers": w.followers,
                                "published_at": w.published_at, "type": w.kind, "caption": w.caption,
                                "hashtags": w.hashtags, "mentions": w.mentions,
                                // Only web links: an imported `javascript:` URL is not a link.
                                "url": w.url.filter(|u| u.starts_with("https://") || u.starts_with("http://")),
                                "sponsored": w.sponsored, "engagements": w.engagements, "rate": w.engagement_rate,
                                "views": w.views,
                            })
                        })
                        .collect();
                    let shown = rows.len();
                    ctx["posts"] = rows.into();
                    ctx["total"] = r.total.into();
                    ctx["complete"] = r.current.into();
                    ctx["first"] = (if shown == 0 { 0 } else { offset + 1 }).into();
                    ctx["last"] = (offset + shown).into();
                    if offset > 0 {
                        ctx["previous"] =
                            url_with(&pairs, &[("offset", offset.saturating_sub(limit).to_string())]).into();
                    }
                    if (offset + shown) < r.total as usize && offset + limit <= clout_app::MAX_OFFSET {
                        ctx["next"] = url_with(&pairs, &[("offset", (offset + limit).to_string())]).into();
                    }
                    // The channels that said it, as a Directory search.
                    let mut directory = form_urlencoded::Serializer::new(String::new());
                    directory.append_pair("posted", &q);
                    if let Some(s) = SINCE.iter().find(|(v, _)| !v.is_empty() && *v == since) {
                        directory.append_pair("posted_since", s.0);
                    }
                    ctx["directory"] = format!("/directory?{}", directory.finish()).into();
                }
            }
        }
    }
    render("posts.html", page_context(&auth, "posts", ctx), status)
}
