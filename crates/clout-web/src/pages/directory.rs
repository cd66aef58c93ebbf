//! The Directory page: a GET form (the URL is the query), results with sort links and
//! pages, and disjunctive facets (a group with a choice counts its values under the rest
//! of the query, so one can widen a search).

use super::*;

/// A Directory URL with some keys replaced.
fn url_with(pairs: &[(String, String)], set: &[(&str, String)]) -> String {
    page_url("/directory", pairs, set)
}

pub(super) async fn directory(state: St, Page(auth): Page, RawQuery(raw): RawQuery) -> Response {
    let state = state.0;
    let pairs = params::pairs(raw.as_deref());
    let single = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut ctx = json!({});
    let mut query_ctx = serde_json::Map::new();
    for k in [
        "q",
        "min_followers",
        "max_followers",
        "min_er",
        "max_er",
        "min_index",
        "min_growth",
        "min_quality",
        "data_since",
        "posted",
        "posted_min",
    ] {
        query_ctx.insert(k.to_string(), single(k).into());
    }
    let posted_since = single("posted_since");
    let mut since_options: Vec<Value> =
        [("", "any time"), ("30d", "the last 30 days"), ("90d", "the last 90 days"), ("365d", "the last year")]
            .iter()
            .map(|(v, l)| json!({"value": v, "label": l, "selected": *v == posted_since}))
            .collect();
    // A moment from a shared URL or the API stays chosen.
    if !since_options.iter().any(|o| o["selected"] == true) {
        since_options.push(json!({"value": posted_since, "label": format!("since {posted_since}"), "selected": true}));
    }
    ctx["posted_since"] = since_options.into();
    // Brand safety: a level, and the active list's categories to hold it to (all when none is ticked).
    let safety_max = single("safety_max");
    ctx["safety_levels"] =
        [("", "any"), ("none", "nothing matched"), ("low", "low at most"), ("moderate", "moderate at most")]
            .iter()
            .map(|(v, l)| json!({"value": v, "label": l, "selected": *v == safety_max}))
            .collect::<Vec<_>>()
            .into();
    let chosen_categories: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "safety_in")
        .flat_map(|(_, v)| v.split(',').map(|c| c.trim().to_string()).collect::<Vec<_>>())
        .collect();
    let categories = state
        .read(|app, _| Ok(app.safety_list()?.list.categories.into_iter().map(|c| (c.id, c.label)).collect::<Vec<_>>()))
        .await
        .unwrap_or_default();
    ctx["safety_categories"] = categories
        .iter()
        .map(|(id, label)| json!({"id": id, "label": label, "checked": chosen_categories.contains(id)}))
        .collect::<Vec<_>>()
        .into();
    ctx["query"] = Value::Object(query_ctx);
    let sort = single("sort");
    let sort = if sort.is_empty() { "relevance".to_string() } else { sort };
    ctx["sorts"] = [
        ("relevance", "Relevance"),
        ("followers", "Followers"),
        ("er", "Engagement rate"),
        ("index", "Engagement index"),
        ("growth", "Growth"),
    ]
    .iter()
    .map(|(v, l)| json!({"value": v, "label": l, "selected": *v == sort}))
    .collect::<Vec<_>>()
    .into();
    let mut sort_links = serde_json::Map::new();
    for key in ["followers", "er", "index", "growth"] {
        sort_links
            .insert(key.to_string(), url_with(&pairs, &[("sort", key.to_string()), ("offset", String::new())]).into());
    }
    ctx["sort_links"] = Value::Object(sort_links);
    let chosen_labels = selected(&pairs, "label");

    let mut status = StatusCode::OK;
    // Disjunctive facets, counted by the index in the same pass: a group with a choice
    // counts its values under the rest of the query, so the other values stay visible to add.
    let parsed = params::search_query(&pairs, false, state.now()).map(|mut q| {
        q.facets = clout_core::discovery::Facets::Disjunctive;
        q
    });
    // The taxonomy's display names, read with the search: rows and the niche facet show
    // "Beauty & makeup", the URL keeps the id.
    let mut names = std::sync::Arc::default();
    let (results, total, facets, offset, limit) = match parsed {
        Err(e) => {
            status = StatusCode::BAD_REQUEST;
            ctx["error"] = json!({"code": e.code, "message": e.message});
            // The saved searches stay at hand to go back to one.
            if let Ok(saved) = state.read(|app, _| app.saved_searches()).await {
                ctx["saved"] = saved
                    .iter()
                    .map(|s| json!({"id": s.id, "name": s.name, "url": saved_url(&s.query), "by": s.created_by}))
                    .collect::<Vec<_>>()
                    .into();
            }
            (Vec::new(), 0, None, 0, 20)
        }
        Ok(q) => {
            let (offset, limit) = (q.offset, q.limit);
            let today = state.now();
            match state
                .read(move |app, _| {
                    let r = app.search(&q)?;
                    let pictures: Vec<bool> =
                        r.channels.iter().map(|c| app.picture(c.row.platform, &c.row.handle).is_some()).collect();
                    Ok((r, pictures, app.niche_names()?, app.saved_searches()?, app.lists()?))
                })
                .await
            {
                Ok((r, pictures, found, saved, lists)) => {
                    names = found;
                    ctx["saved"] = saved
                        .iter()
                        .map(|s| {
                            json!({"id": s.id, "name": s.name, "url": saved_url(&s.query), "by": s.created_by,
                            "current": same_search(&s.query, &pairs)})
                        })
                        .collect::<Vec<_>>()
                        .into();
                    ctx["lists"] = lists
                        .iter()
                        .map(|l| json!({"id": l.id, "name": l.name, "members": l.members}))
                        .collect::<Vec<_>>()
                        .into();
                    let rows: Vec<Value> = r
                        .channels
                        .iter()
                        .zip(&pictures)
                        .map(|(c, picture)| {
                            let m = c.row.metrics.as_ref();
                            let warnings = clout_core::authenticity::rate_warnings(
                                m.and_then(|m| m.engagement_rate.ok()),
                                m.and_then(|m| m.median_engagement_rate.ok()),
                                m.and_then(|m| m.viral_skew.ok()).unwrap_or(false),
                            );
                            json!({
                                "platform": c.row.platform.as_str(), "handle": c.row.handle, "name": c.row.name,
                                "picture": picture,
                                "country": c.row.country,
                                "tier": c.tier.map(|t| t.as_str()), "followers": c.row.followers,
                                "er": m.and_then(|m| m.engagement_rate.ok()),
                                "label": m.and_then(|m| m.engagement_label.ok()).map(|l| l.as_str()),
                                "index": m.and_then(|m| m.engagement_index.ok()),
                                "growth": m.and_then(|m| m.follower_growth_30d.ok()),
                                "quality": c.row.quality.map(|q| q.score),
                                "quality_unsure": c.row.quality.is_some_and(|q| !q.enough_evidence),
                                "data_date": c.row.as_of.map(|t| t.date()),
                                "data_age": c.row.as_of.map(|t| age(today, t)),
                                "niches": c.niches.iter().map(|n| names.get(&n.niche).cloned().unwrap_or_else(|| n.niche.clone())).collect::<Vec<_>>(),
                                "warnings": warnings.iter().map(|w| json!({"text": w.text(), "title": w.explanation()})).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    (rows, r.page.total, r.page.facets, offset, limit)
                }
                Err(e) => {
                    status = e.status;
                    ctx["error"] = json!({"code": e.code, "message": e.message});
                    (Vec::new(), 0, None, offset, limit)
                }
            }
        }
    };
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let facet = |key: &str, title: &str, counts: Option<&Vec<(String, u64)>>, max: usize| {
        let chosen = selected(&pairs, key);
        let mut values: Vec<Value> = counts
            .map(|c| {
                c.iter()
                    .take(max)
                    .map(|(v, n)| {
                        let label = if key == "niche" { name_of(v) } else { v.clone() };
                        json!({"value": v, "label": label, "count": n, "selected": chosen.contains(&v.to_lowercase())})
                    })
                    .collect()
            })
            .unwrap_or_default();
        // A chosen value stays visible (with its count) even past the top ones.
        for c in &chosen {
            if !values.iter().any(|v| v["value"].as_str().is_some_and(|s| s.eq_ignore_ascii_case(c))) {
                let n = counts
                    .and_then(|cs| cs.iter().find(|(v, _)| v.eq_ignore_ascii_case(c)))
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                let label = if key == "niche" { name_of(c) } else { c.clone() };
                values.push(json!({"value": c, "label": label, "count": n, "selected": true}));
            }
        }
        json!({"key": key, "title": title, "values": values})
    };
    let f = facets.as_ref();
    // Every label, in its order (very high first), with its count under the rest of the query.
    let label_counts = f.map(|f| &f.label);
    ctx["labels"] = clout_core::EngagementLabel::ALL
        .iter()
        .map(|l| {
            let n = label_counts.and_then(|c| c.iter().find(|(v, _)| v == l.as_str())).map_or(0, |(_, n)| *n);
            json!({"value": l.as_str(), "count": n, "selected": chosen_labels.contains(&l.as_str().to_string())})
        })
        .collect::<Vec<_>>()
        .into();
    ctx["facet_groups"] = json!([
        facet("platform", "Platform", f.map(|f| &f.platform), 20),
        facet("tier", "Tier", f.map(|f| &f.tier), 10),
        facet("niche", "Niche", f.map(|f| &f.niche), 40),
        facet("country", "Country", f.map(|f| &f.country), 30),
        facet("language", "Language", f.map(|f| &f.language), 20),
    ]);
    let shown = results.len();
    ctx["results"] = results.into();
    ctx["total"] = total.into();
    ctx["first"] = (offset + 1).into();
    ctx["last"] = (offset + shown).into();
    if offset > 0 {
        ctx["prev_url"] = url_with(&pairs, &[("offset", offset.saturating_sub(limit).to_string())]).into();
    }
    if ((offset + shown) as u64) < total && offset + limit <= params::MAX_OFFSET {
        ctx["next_url"] = url_with(&pairs, &[("offset", (offset + limit).to_string())]).into();
    }
    ctx["pages"] = page_links(total, offset, limit)
        .into_iter()
        .map(|p| match p {
            None => json!(null),
            Some(n) => json!({"n": n, "current": (n - 1) * limit == offset,
                "url": url_with(&pairs, &[("offset", ((n - 1) * limit).to_string())])}),
        })
        .collect::<Vec<_>>()
        .into();
    ctx["raw_query"] = raw.unwrap_or_default().into();
    render("directory.html", page_context(&auth, "directory", ctx), status)
}

fn saved_url(query: &str) -> String {
    if query.is_empty() { "/directory".to_string() } else { format!("/directory?{query}") }
}

/// Whether a saved query is the search on screen (the same filters, in any order, on any page).
fn same_search(saved: &str, pairs: &[(String, String)]) -> bool {
    let norm = |mut v: Vec<(String, String)>| {
        v.retain(|(k, val)| k != "offset" && k != "page" && !val.is_empty());
        v.sort();
        v
    };
    norm(params::pairs(Some(saved))) == norm(pairs.to_vec())
}

/// Saves the search on screen under a name, for the whole team, and shows it.
pub(super) async fn save_search(state: St, Posted(auth, f): Posted) -> Response {
    let state = state.0;
    let (name, query) = (field(&f, "name").to_string(), field(&f, "query").to_string());
    let user = auth.user.clone();
    match state.write(move |app, s| app.save_search(&user, &name, &query, s.now())).await {
        Ok(saved) => see_other(&saved_url(&saved.query)),
        Err(e) => error_page_for(&auth, e),
    }
}

pub(super) async fn delete_search(state: St, UrlPath(id): UrlPath<String>, Posted(auth, _): Posted) -> Response {
    let state = state.0;
    let id = page!(path_id(&id).map_err(|e| error_page_for(&auth, e)));
    let user = auth.user.clone();
    match state.write(move |app, _| app.delete_saved_search(&user, id)).await {
        Ok(()) => see_other("/directory"),
        Err(e) => error_page_for(&auth, e),
    }
}

/// The page numbers to link to: the first, the last, and two either side of the current
/// one, with `None` for a gap ("…"); pages past [`params::MAX_OFFSET`] are not offered.
/// Nothing when everything fits on one page.
fn page_links(total: u64, offset: usize, limit: usize) -> Vec<Option<usize>> {
    if limit == 0 {
        return Vec::new();
    }
    let reachable = params::MAX_OFFSET / limit + 1;
    let pages = (total.div_ceil(limit as u64) as usize).min(reachable);
    if pages <= 1 {
        return Vec::new();
    }
    let current = offset / limit + 1;
    let mut out = Vec::new();
    for n in 1..=pages {
        if n == 1 || n == pages || n.abs_diff(current) <= 2 {
            out.push(Some(n));
        } else if out.last().is_some_and(Option::is_some) {
            out.push(None);
        }
    }
    out
}

/// How long ago `then` was, for people: `today`, `1 day`, `12 days`.
pub(crate) fn age(now: clout_core::Timestamp, then: clout_core::Timestamp) -> String {
    let days = (now.unix() - then.unix()).max(0) / clout_core::time::DAY;
    match days {
        0 => "today".to_string(),
        1 => "1 day ago".to_string(),
        n => format!("{} days ago", clout_core::metric::thousands(n as u64)),
    }
}

#[cfg(test)]
mod tests {
    use super::page_links;

    #[test]
    fn page_numbers_show_the_ends_and_the_neighbourhood_with_gaps() {
        // 250 results, 20 a page: 13 pages; on page 7 (offset 120).
        assert_eq!(
            page_links(250, 120, 20),
            [Some(1), None, Some(5), Some(6), Some(7), Some(8), Some(9), None, Some(13)]
        );
        // On the first page: 1, 2, 3, gap, 13.
        assert_eq!(page_links(250, 0, 20), [Some(1), Some(2), Some(3), None, Some(13)]);
        // One page: no numbers.
        assert!(page_links(20, 0, 20).is_empty());
        // 3 pages: all of them, no gap.
        assert_eq!(page_links(41, 20, 20), [Some(1), Some(2), Some(3)]);
    }
}
