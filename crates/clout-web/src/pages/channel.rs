//! A channel's profile page: every metric with its formula, window and provenance, the
//! charts, niches, lookalikes, audience quality, prices and the relationship card.

use super::*;
use clout_core::metric::Basis;

/// The columns the lookalikes table sorts by.
const LOOKALIKE_SORTS: [&str; 4] = ["followers", "er", "quality", "score"];

/// A channel's profile picture, as kept in the data directory by a fetch: the page never
/// calls the platform. Not found when the source named none.
pub(super) async fn picture(
    state: St,
    Page(auth): Page,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
) -> Response {
    let state = state.0;
    let Ok(platform) = clout_core::Platform::parse(&platform) else {
        return error_page_for(&auth, ApiError::not_found(format!("no platform '{platform}'")));
    };
    let found = state.read(move |app, _| Ok(app.picture(platform, &handle))).await;
    let Ok(Some((path, mime))) = found else {
        return error_page_for(&auth, ApiError::not_found("this channel has no profile picture"));
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "private, max-age=3600")], bytes).into_response()
        }
        Err(_) => error_page_for(&auth, ApiError::not_found("this channel has no profile picture")),
    }
}

pub(super) async fn channel(
    state: St,
    Page(auth): Page,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    let state = state.0;
    let reference = format!("{platform}/{handle}");
    // A quote to judge, from the price form (`?quote=250&deliverable=video#price`).
    let pairs = params::pairs(raw.as_deref());
    let single = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_string());
    let quote_text = single("quote").filter(|q| !q.is_empty());
    // The lookalikes' order: by one column (`?lookalikes=followers#lookalikes`), else ranked.
    let lookalike_sort = single("lookalikes").filter(|k| LOOKALIKE_SORTS.contains(&k.as_str()));
    let quote_deliverable = single("deliverable")
        .and_then(|d| clout_core::price::Deliverable::parse(&d))
        .unwrap_or(clout_core::price::Deliverable::Post);
    let price_reference = reference.clone();
    let prices = state
        .read(move |app, _| {
            let card = app.rate_card()?;
            let mut rows = Vec::new();
            for d in clout_core::price::Deliverable::ALL {
                let quote = match (&quote_text, d == quote_deliverable) {
                    (Some(q), true) => Some(
                        clout_core::money::Money::parse(q.trim_start_matches('$'), card.currency)
                            .map_err(|e| clout_app::Error::Invalid(format!("quote: {e}")))?,
                    ),
                    _ => None,
                };
                match app.price(&price_reference, d, quote, TierPreset::Scrunch) {
                    Ok(r) => rows.push(clout_wire::Price::from(&r)),
                    Err(clout_app::Error::Invalid(_)) if quote.is_none() => return Ok(Vec::new()),
                    Err(e) => return Err(e),
                }
            }
            Ok(rows)
        })
        .await;
    let loaded = state
        .read(move |app, _| {
            let page = app.channel_page(&reference, TierPreset::Scrunch)?;
            let lists = app.lists()?;
            let relationship = app.relationship(&reference, TierPreset::Scrunch)?;
            let campaigns = app.campaigns()?;
            let names = app.niche_names()?;
            let picture = app.picture(page.profile.view.row.platform, &page.profile.view.row.handle).is_some();
            // Not screened yet (a store from before brand safety, until its recompute): said so.
            let safety = match app.channel_safety(&reference) {
                Ok(s) => Some(s),
                Err(clout_app::Error::Conflict(_)) => None,
                Err(e) => return Err(e),
            };
            Ok((page, lists, relationship, campaigns, (names, picture, safety)))
        })
        .await;
    let (page, lists, relationship, campaigns, (names, picture, safety)) = match loaded {
        Ok(v) => v,
        Err(e) => return error_page_for(&auth, e),
    };
    let profile = &page.profile;
    let (prices, price_error) = match prices {
        Ok(p) => (p, None),
        Err(e) => (Vec::new(), Some(json!({"code": e.code, "message": e.message}))),
    };
    let r = &profile.view.row;
    let m = r.metrics.as_ref();
    // The file's name, not where it lay on the server.
    let source = r
        .source
        .as_deref()
        .map(|s| {
            std::path::Path::new(s).file_name().map_or_else(|| s.to_string(), |f| f.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "an unknown file".to_string());
    // Written for the reader here: the provenance line holds a file's name, which no date
    // rewriting may touch.
    let reader = (Style::of(&auth.locale), clout_wire::dates::zone(auth.user.timezone.as_deref()));
    let observed = r
        .as_of
        .and_then(|t| jiff::Timestamp::from_second(t.unix()).ok())
        .map(|t| reader.0.date_time(t, &reader.1))
        .unwrap_or_else(|| "never".to_string());
    let measured = format!("measured: read from {source}, observed {observed}");
    let window = match m {
        Some(m) => format!(
            "{} posts ({}) published after {} and by {}",
            m.posts_in_window,
            m.window_rule.as_str().replace('_', " "),
            clout_wire::time(m.thirty_days_after),
            clout_wire::time(m.eligible_until)
        ),
        None => "no window: no channel record yet".to_string(),
    };
    let derived = "derived: computed by Clout from the measured posts and follower counts".to_string();
    let peers_text = match &profile.peers {
        Some(p) => {
            format!(
                "{} {} channels, compared by their median rates (median {:.2} %)",
                p.platform.as_str(),
                p.bucket.as_str(),
                p.median_rate
            )
        }
        None => "no peer group".to_string(),
    };
    let fit_text = match profile.fit {
        Some(f) => format!(
            "fit over {} {} channels: ln(rate) = {:.3} + {:.3} × ln(followers)",
            f.n,
            r.platform.as_str(),
            f.a,
            f.b
        ),
        None => "no size fit for this platform yet (needs 30 channels)".to_string(),
    };
    // A card per metric of the catalogue, with what it is computed over and where it came from.
    let metrics: Vec<Value> = page
        .cards
        .iter()
        .map(|card| {
            let d = card.def;
            let over = match d.basis {
                Basis::ChannelRecord => "as of the newest channel record",
                Basis::Window => &window,
                Basis::NinetyDays => "90 days to as of",
                Basis::History => "the follower history",
                Basis::Peers => &peers_text,
                Basis::SizeFit => &fit_text,
            };
            let value = match card.value {
                Ok(v) => v.display(d.unit),
                Err(r) => format!("– ({})", r.explanation()),
            };
            json!({"key": d.name, "title": d.title, "value": value, "formula": d.formula, "window": over,
                "provenance": if d.measured() { &measured } else { &derived }})
        })
        .collect();
    // Charts: the series come from the page model.
    let points: Vec<charts::PostPoint> = page
        .engagement
        .iter()
        .map(|p| charts::PostPoint { day: charts::day(p.published_at), rate: p.rate, viral: p.viral })
        .collect();
    let window_span = page.window_span.map(|(from, to)| (charts::day(from), charts::day(to)));
    let engagement_svg =
        if points.is_empty() { None } else { charts::engagement(&points, window_span, Style::of(&auth.locale)).ok() };
    let history: Vec<(f64, u64)> = page.followers.iter().map(|(t, f)| (charts::day(*t), *f)).collect();
    let followers_svg =
        if history.len() < 2 { None } else { charts::followers(&history, Style::of(&auth.locale)).ok() };
    let peer_rates = &page.peer_rates;
    let peers_svg = if peer_rates.is_empty() { None } else { charts::peers(peer_rates, page.rate).ok() };
    let posts: Vec<Value> = profile
        .posts
        .iter()
        .take(20)
        .map(|p| {
            let s = &p.post.snapshot;
            json!({"published": clout_wire::time(s.published_at), "type": p.post.post_type, "likes": s.likes, "comments": s.comments,
                "views": s.views, "rate": p.rate, "in_window": p.in_window, "caption": p.post.caption})
        })
        .collect();
    let c = json!({
        "platform": r.platform.as_str(), "handle": r.handle, "name": r.name, "bio": r.bio,
        "url": r.url.as_deref().filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        "tier": profile.view.tier.map(|t| t.as_str()), "label": m.and_then(|m| m.engagement_label.ok()).map(|l| l.as_str()),
        "verified": r.verified, "country": r.country, "language": r.language,
    });
    let niches: Vec<Value> = profile
        .view
        .niches
        .iter()
        .map(|n| json!({"niche": n.niche, "name": names.get(&n.niche).unwrap_or(&n.niche), "confidence": n.confidence, "evidence": n.evidence.iter().map(|(field, count, term)| json!({"field": field, "count": count, "term": term})).collect::<Vec<_>>()}))
        .collect();
    let mut lookalikes: Vec<Value> = page
        .similar
        .iter()
        .map(|s| {
            let row = &s.channel.row;
            let m = row.metrics.as_ref();
            json!({"platform": row.platform.as_str(), "handle": row.handle, "name": row.name, "followers": row.followers,
                "tier": s.channel.tier.map(|t| t.as_str()), "country": row.country,
                "er": m.and_then(|m| m.engagement_rate.ok()), "median": m.and_then(|m| m.median_engagement_rate.ok()),
                "label": m.and_then(|m| m.engagement_label.ok()).map(|l| l.as_str()),
                "quality": row.quality.map(|q| q.score), "quality_unsure": row.quality.is_some_and(|q| !q.enough_evidence),
                "score": s.lookalike.similarity,
                "parts": format!("niches {:.2}, hashtags {:.2}, size {:.2}", s.lookalike.niches, s.lookalike.hashtags, s.lookalike.size),
                "niches": s.channel.niches.iter().map(|n| names.get(&n.niche).cloned().unwrap_or_else(|| n.niche.clone())).collect::<Vec<_>>()})
        })
        .collect();
    if let Some(key) = &lookalike_sort {
        // Highest first; a missing value last; ties keep the ranked order.
        let value = |v: &Value| v[key.as_str()].as_f64().unwrap_or(f64::NEG_INFINITY);
        lookalikes.sort_by(|a, b| value(b).total_cmp(&value(a)));
    }
    let ctx = json!({
        "c": c, "metrics": metrics, "niches": niches, "posts": posts, "lookalikes": lookalikes,
        "lookalike_sort": lookalike_sort,
        "quality": page.quality.as_ref().map(clout_wire::Quality::from),
        "prices": prices, "price_error": price_error,
        "relationship": clout_wire::Relationship::from(&relationship),
        "campaigns": campaigns.iter().map(|c| json!({"id": c.id, "name": c.brief.name})).collect::<Vec<_>>(),
        "quote": single("quote").unwrap_or_default(), "quote_deliverable": quote_deliverable.as_str(),
        "window_text": window, "peers_text": peers_text,
        "brand_history": profile.mentioned.iter().map(|m| json!({"account": m.account, "posts": m.posts,
            "sponsored_posts": m.sponsored, "engagements": m.engagements, "last_post": clout_wire::time(m.last)})).collect::<Vec<_>>(),
        "data_age": r.as_of.map(|t| super::directory::age(state.now(), t)),
        "data_date": r.as_of.map(|t| t.date()), "data_read_at": r.as_of.map(|t| t.date_time()), "data_source": source,
        "growth_text": m.and_then(|m| m.follower_growth_30d.ok()).map(|g| format!("{g:+.1} %")),
        "lists": lists.iter().map(|l| json!({"id": l.id, "name": l.name, "members": l.members})).collect::<Vec<_>>(),
        "picture": picture,
        "safety": safety.as_ref().map(|s| {
            let mut view = clout_wire::ChannelSafety::from(s);
            // Only web links are links.
            for m in &mut view.matches {
                m.post_url = m.post_url.take().filter(|u| u.starts_with("https://") || u.starts_with("http://"));
            }
            view
        }),
        "charts": {"engagement_points": points.len(), "follower_points": history.len(), "peer_count": peer_rates.len()},
    });
    let mut ctx = page_context(&auth, "directory", ctx);
    ctx["svg"] = json!({"engagement": engagement_svg, "followers": followers_svg, "peers": peers_svg});
    render("channel.html", ctx, StatusCode::OK)
}
