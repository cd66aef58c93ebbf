//! The Brief page: a brief in plain words (a GET form, so the URL is the brief), how it
//! was read, and the creators who fit it, each with its fit, the reason and the posts that
//! show it, with pages. The Directory's box posts here.

use super::*;

pub(super) async fn brief(state: St, Page(auth): Page, RawQuery(raw): RawQuery) -> Response {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    let q = pairs.iter().rev().find(|(k, _)| k == "q").map(|(_, v)| v.clone()).unwrap_or_default();
    let mut ctx = json!({ "query": {"q": q}, "creators": [] });
    let mut status = StatusCode::OK;
    if q.trim().is_empty() {
        return render("brief.html", page_context(&auth, "directory", ctx), status);
    }
    // A page's URL may carry keys of its own: they are ignored, as on the Directory.
    let known: Vec<(String, String)> =
        pairs.iter().filter(|(k, _)| clout_app::BRIEF_KEYS.contains(&k.as_str())).cloned().collect();
    let request = match params::brief_query(&known) {
        Ok(r) => r,
        Err(e) => {
            ctx["error"] = json!({"code": e.code, "message": e.message});
            return render("brief.html", page_context(&auth, "directory", ctx), StatusCode::BAD_REQUEST);
        }
    };
    let (offset, limit) = (request.offset, request.limit);
    let now = state.now();
    match state.read(move |app, _| app.brief(&request, now)).await {
        Err(e) => {
            status = e.status;
            ctx["error"] = json!({"code": e.code, "message": e.message});
        }
        Ok(r) => {
            let w = clout_wire::Brief::from(&r);
            let web = |u: Option<String>| u.filter(|u| u.starts_with("https://") || u.starts_with("http://"));
            let creators: Vec<Value> = w
                .creators
                .into_iter()
                .zip(&r.creators)
                .map(|(c, of)| {
                    let posts: Vec<Value> = c
                        .posts
                        .into_iter()
                        .map(|p| {
                            json!({
                                "published_at": p.post.published_at, "type": p.post.kind, "caption": p.post.caption,
                                "url": web(p.post.url), "engagements": p.post.engagements,
                                "sponsored": p.post.sponsored, "topics": p.topics,
                            })
                        })
                        .collect();
                    json!({
                        "platform": c.channel.platform, "handle": c.channel.handle, "name": c.channel.name,
                        "followers": of.channel.row.followers, "fit": (c.fit * 100.0).round(), "reason": c.reason,
                        "posts": posts,
                    })
                })
                .collect();
            let shown = creators.len();
            ctx["understood"] = serde_json::to_value(&w.understood).unwrap_or_default();
            ctx["niches"] = serde_json::to_value(&w.niches).unwrap_or_default();
            ctx["similar"] = w
                .topics
                .iter()
                .filter(|t| !t.similar.is_empty())
                .map(|t| json!({"topic": t.topic, "words": t.similar}))
                .collect::<Vec<_>>()
                .into();
            ctx["creators"] = creators.into();
            ctx["total"] = w.total.into();
            ctx["complete"] = w.complete.into();
            ctx["has_topics"] = (!r.brief.topics.is_empty() || !r.brief.formats.is_empty()).into();
            ctx["first"] = (if shown == 0 { 0 } else { offset + 1 }).into();
            ctx["last"] = (offset + shown).into();
            if !w.directory_query.is_empty() {
                ctx["directory"] = format!("/directory?{}", w.directory_query).into();
            }
            let url_with = |set: &[(&str, String)]| page_url("/brief", &pairs, set);
            if offset > 0 {
                ctx["previous"] = url_with(&[("offset", offset.saturating_sub(limit).to_string())]).into();
            }
            if (offset + shown) < w.total as usize && offset + limit <= clout_app::MAX_OFFSET {
                ctx["next"] = url_with(&[("offset", (offset + limit).to_string())]).into();
            }
        }
    }
    render("brief.html", page_context(&auth, "directory", ctx), status)
}
