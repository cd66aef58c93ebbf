//! A channel's profile page: every metric with its formula, window and provenance, the
//! charts, niches, lookalikes, audience quality, prices and the relationship card.

use super::*;

fn pct(m: clout_core::Metric<f64>) -> String {
    match m {
        Ok(v) => format!("{v:.2} %"),
        Err(r) => format!("– ({})", r.explanation()),
    }
}

fn num(m: clout_core::Metric<f64>, digits: usize) -> String {
    match m {
        Ok(v) => format!("{v:.digits$}"),
        Err(r) => format!("– ({})", r.explanation()),
    }
}

pub(super) async fn channel(
    state: St,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    UrlPath((platform, handle)): UrlPath<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    let state = state.0;
    let auth = page!(page_auth(&state, &headers, &uri).await);
    let reference = format!("{platform}/{handle}");
    // A quote to judge, from the price form (`?quote=250&deliverable=video#price`).
    let pairs = params::pairs(raw.as_deref());
    let single = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_string());
    let quote_text = single("quote").filter(|q| !q.is_empty());
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
                    Ok(r) => rows.push(clout_wire::price_json(&r)),
                    Err(clout_app::Error::Invalid(_)) if quote.is_none() => return Ok(Vec::new()),
                    Err(e) => return Err(e),
                }
            }
            Ok(rows)
        })
        .await;
    let loaded = state
        .read(move |app, _| {
            let profile = app.channel_profile(&reference, TierPreset::Scrunch)?;
            let quality = app.quality(&reference, TierPreset::Scrunch).ok();
            let similar = app.similar(&reference, 8, TierPreset::Scrunch)?;
            let peers = match &profile.peers {
                Some(p) => app.peer_rates(p)?,
                None => Vec::new(),
            };
            let lists = app.lists()?;
            let relationship = app.relationship(&reference, TierPreset::Scrunch)?;
            let campaigns = app.campaigns()?;
            Ok((profile, quality, similar, peers, lists, (relationship, campaigns)))
        })
        .await;
    let (profile, quality, similar, peer_rates, lists, (relationship, campaigns)) = match loaded {
        Ok(v) => v,
        Err(e) => return error_page_for(&auth, e),
    };
    let (prices, price_error) = match prices {
        Ok(p) => (p, None),
        Err(e) => (Vec::new(), Some(json!({"code": e.code, "message": e.message}))),
    };
    let r = &profile.view.row;
    let m = r.metrics.as_ref();
    let source = r.source.clone().unwrap_or_else(|| "unknown file".to_string());
    let observed = r.as_of.map(clout_wire::time).unwrap_or_else(|| "never".to_string());
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
    let no_metrics = || Err(clout_core::NullReason::NoChannelRecord);
    let derived = "derived: computed by Clout from the measured posts and follower counts".to_string();
    let metric = |key: &str, title: &str, value: String, formula: &str, window: &str, provenance: &str| json!({"key": key, "title": title, "value": value, "formula": formula, "window": window, "provenance": provenance});
    let peers_text = match &profile.peers {
        Some(p) => {
            format!("{} {} channels, median rate {:.2} %", p.platform.as_str(), p.bucket.as_str(), p.median_rate)
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
    let metrics = vec![
        metric(
            "followers",
            "Followers",
            r.followers.map(templates::thousands_u64).unwrap_or_else(|| "–".into()),
            "the follower count of the newest channel record",
            "as of the newest channel record",
            &measured,
        ),
        metric(
            "engagement_rate",
            "Engagement rate",
            pct(m.map_or_else(no_metrics, |m| m.engagement_rate)),
            "mean over window posts of (likes + comments + shares) / followers × 100",
            &window,
            &derived,
        ),
        metric(
            "median_engagement_rate",
            "Median rate",
            pct(m.map_or_else(no_metrics, |m| m.median_engagement_rate)),
            "median of the per-post rates",
            &window,
            &derived,
        ),
        metric(
            "engagement_label",
            "Label",
            m.map_or(Err(clout_core::NullReason::NoChannelRecord), |m| m.engagement_label)
                .map(|l| l.as_str().to_string())
                .unwrap_or_else(|r| format!("– ({})", r.explanation())),
            "from the percentile among peers: low < 25, good < 75, high < 90, very high ≥ 90 (fixed rate bands without 30 peers)",
            &peers_text,
            &derived,
        ),
        metric(
            "engagement_percentile",
            "Percentile among peers",
            num(m.map_or_else(no_metrics, |m| m.engagement_percentile), 0),
            "100 × peers with a lower rate / peers (same platform and size bucket)",
            &peers_text,
            &derived,
        ),
        metric(
            "engagement_index",
            "Engagement index",
            num(m.map_or_else(no_metrics, |m| m.engagement_index), 2),
            "rate / exp(a + b × ln(followers)): 1.0 is typical for the size",
            &fit_text,
            &derived,
        ),
        metric(
            "follower_growth_30d",
            "Growth, 30 days",
            pct(m.map_or_else(no_metrics, |m| m.follower_growth_30d)),
            "(followers − f0) / f0 × 100, f0 the newest count at least 30 days before as of",
            "the follower history",
            &derived,
        ),
        metric(
            "posts_per_week",
            "Posts per week",
            m.map(|m| format!("{:.2}", m.posts_per_week)).unwrap_or_else(|| "–".into()),
            "posts in the last 90 days / (90 / 7)",
            "90 days to as of",
            &derived,
        ),
        metric(
            "comments_per_100_likes",
            "Comments per 100 likes",
            num(m.map_or_else(no_metrics, |m| m.comments_per_100_likes), 2),
            "100 × sum(comments) / sum(likes)",
            &window,
            &derived,
        ),
        metric(
            "engagement_cv",
            "Consistency (CV)",
            num(m.map_or_else(no_metrics, |m| m.engagement_cv), 2),
            "standard deviation of per-post rates / their mean (lower is steadier)",
            &window,
            &derived,
        ),
        metric(
            "avg_likes",
            "Average likes",
            num(m.map_or_else(no_metrics, |m| m.avg_likes), 0),
            "mean likes of window posts",
            &window,
            &derived,
        ),
        metric(
            "avg_views",
            "Average views",
            num(m.map_or_else(no_metrics, |m| m.avg_views), 0),
            "mean views of window posts with views",
            &window,
            &derived,
        ),
    ];
    // Charts.
    let rates: Vec<f64> = profile.posts.iter().filter_map(|p| p.rate).collect();
    let median = {
        let mut s = rates.clone();
        s.sort_by(f64::total_cmp);
        if s.is_empty() {
            None
        } else if s.len() % 2 == 1 {
            Some(s[s.len() / 2])
        } else {
            Some((s[s.len() / 2 - 1] + s[s.len() / 2]) / 2.0)
        }
    };
    let points: Vec<charts::PostPoint> = profile
        .posts
        .iter()
        .filter(|p| p.eligible)
        .filter_map(|p| {
            let rate = p.rate?;
            Some(charts::PostPoint {
                day: charts::day(p.post.snapshot.published_at),
                rate,
                viral: median.is_some_and(|md| md > 0.0 && rate >= 3.0 * md),
            })
        })
        .collect();
    let window_span = m.map(|m| {
        (
            charts::day(m.thirty_days_after).min(
                profile
                    .posts
                    .iter()
                    .filter(|p| p.in_window)
                    .map(|p| charts::day(p.post.snapshot.published_at))
                    .fold(f64::INFINITY, f64::min),
            ),
            charts::day(m.eligible_until),
        )
    });
    let engagement_svg = if points.is_empty() { None } else { charts::engagement(&points, window_span).ok() };
    let history: Vec<(f64, u64)> = profile.history.iter().map(|h| (charts::day(h.observed_at), h.followers)).collect();
    let followers_svg = if history.len() < 2 { None } else { charts::followers(&history).ok() };
    let marker = m.and_then(|m| m.engagement_rate.ok());
    let peers_svg = if peer_rates.is_empty() { None } else { charts::peers(&peer_rates, marker).ok() };
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
        .map(|n| json!({"niche": n.niche, "confidence": n.confidence, "evidence": n.evidence.iter().map(|(field, count, term)| json!({"field": field, "count": count, "term": term})).collect::<Vec<_>>()}))
        .collect();
    let lookalikes: Vec<Value> = similar
        .iter()
        .map(|s| json!({"platform": s.channel.row.platform.as_str(), "handle": s.channel.row.handle, "followers": s.channel.row.followers, "score": s.lookalike.similarity,
            "parts": format!("niches {:.2}, hashtags {:.2}, size {:.2}", s.lookalike.niches, s.lookalike.hashtags, s.lookalike.size),
            "niches": s.channel.niches.iter().map(|n| n.niche.clone()).collect::<Vec<_>>()}))
        .collect();
    let ctx = json!({
        "c": c, "metrics": metrics, "niches": niches, "posts": posts, "lookalikes": lookalikes,
        "quality": quality.as_ref().map(clout_wire::quality_json),
        "prices": prices, "price_error": price_error,
        "relationship": clout_wire::relationship_json(&relationship),
        "campaigns": campaigns.iter().map(|c| json!({"id": c.id, "name": c.brief.name})).collect::<Vec<_>>(),
        "quote": single("quote").unwrap_or_default(), "quote_deliverable": quote_deliverable.as_str(),
        "window_text": window, "peers_text": peers_text,
        "growth_text": m.and_then(|m| m.follower_growth_30d.ok()).map(|g| format!("{g:+.1} %")),
        "lists": lists.iter().map(|l| json!({"id": l.id, "name": l.name, "members": l.members})).collect::<Vec<_>>(),
        "charts": {"engagement_points": points.len(), "follower_points": history.len(), "peer_count": peer_rates.len()},
    });
    let mut ctx = page_context(&auth, "directory", ctx);
    ctx["svg"] = json!({"engagement": engagement_svg, "followers": followers_svg, "peers": peers_svg});
    render("channel.html", ctx, StatusCode::OK)
}
