//! `clout search`: flags to a `DiscoveryQuery`, results as a table or NDJSON.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clout_app::Reader;
use clout_core::discovery::{DiscoveryQuery, Facets, SortKey};

use super::preset;
use crate::cli::{FilterArgs, SearchArgs, SimilarArgs, SortArg};
use crate::output::{emit, fixed2, table, thousands};

/// The filters as a query, by relevance, 20 at a time. The flags are written as the
/// pairs of a URL and read by `clout_app::search_query`, so the CLI refuses exactly what the
/// API and the Directory page refuse.
pub(crate) fn filters(args: &FilterArgs) -> Result<DiscoveryQuery> {
    let pairs = search_pairs(args);
    let mut q = clout_app::search_query(&pairs, true, super::now()).map_err(|e| flag_error(&e))?;
    q.preset = preset(args.tiers);
    Ok(q)
}

/// The filter flags as the pairs of a URL (`--min-er 3` is `min_er=3`).
pub(crate) fn search_pairs(args: &FilterArgs) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut add = |key: &str, value: String| pairs.push((key.to_string(), value));
    let text = args.query.join(" ");
    if !text.trim().is_empty() {
        add("q", text);
    }
    for (key, values) in [
        ("platform", &args.platform),
        ("tier", &args.tier),
        ("country", &args.country),
        ("language", &args.language),
        ("niche", &args.niche),
        ("label", &args.label),
    ] {
        for v in values {
            add(key, v.clone());
        }
    }
    for (key, value) in [("min_followers", args.min_followers), ("max_followers", args.max_followers)] {
        if let Some(v) = value {
            add(key, v.to_string());
        }
    }
    for (key, value) in [
        ("min_er", args.min_er),
        ("max_er", args.max_er),
        ("min_index", args.min_index),
        ("max_index", args.max_index),
        ("min_growth", args.min_growth),
        ("max_growth", args.max_growth),
        ("min_posts_per_week", args.min_posts_per_week),
        ("max_posts_per_week", args.max_posts_per_week),
        ("min_quality", args.min_quality),
        ("max_quality", args.max_quality),
    ] {
        if let Some(v) = value {
            // `Display` of an f64 is the shortest text that reads back as the same number.
            add(key, v.to_string());
        }
    }
    for (key, value) in [("verified", args.verified), ("has_email", args.has_email)] {
        if let Some(v) = value {
            add(key, v.to_string());
        }
    }
    if let Some(v) = &args.data_since {
        add("data_since", v.clone());
    }
    if let Some(v) = &args.posted {
        add("posted", v.clone());
    }
    if let Some(v) = args.posted_min {
        add("posted_min", v.to_string());
    }
    if let Some(v) = &args.posted_since {
        add("posted_since", v.clone());
    }
    if let Some(v) = &args.safety_max {
        add("safety_max", v.clone());
    }
    for v in &args.safety_in {
        add("safety_in", v.clone());
    }
    pairs
}

/// A refused pair as the flag it came from: `--min-er: ...`, or `the query: ...`.
pub(crate) fn flag_error(e: &clout_app::QueryError) -> anyhow::Error {
    match e.key.as_str() {
        "q" => anyhow!("the query: {}", e.message),
        key => anyhow!("--{}: {}", key.replace('_', "-"), e.message),
    }
}

pub(crate) fn sort_key(sort: SortArg) -> SortKey {
    match sort {
        SortArg::Relevance => SortKey::Relevance,
        SortArg::Followers => SortKey::Followers,
        SortArg::Er => SortKey::EngagementRate,
        SortArg::Index => SortKey::EngagementIndex,
        SortArg::Growth => SortKey::Growth,
    }
}

fn query(args: &SearchArgs) -> Result<DiscoveryQuery> {
    Ok(DiscoveryQuery {
        sort: sort_key(args.sort),
        limit: args.limit,
        offset: args.offset,
        facets: if args.facets { Facets::Conjunctive } else { Facets::None },
        ..filters(&args.filters)?
    })
}

pub(crate) fn run(app: &Reader<'_>, args: SearchArgs) -> Result<ExitCode> {
    let q = query(&args)?;
    let results = app.search(&q)?;
    let mut text = String::new();
    if args.json {
        for (hit, channel) in results.page.hits.iter().zip(&results.channels) {
            let hit = clout_wire::SearchHit { channel: clout_wire::Channel::from(channel), score: hit.score };
            let _ = writeln!(text, "{}", clout_wire::line(&hit));
        }
        if let Some(f) = &results.page.facets {
            let _ = writeln!(
                text,
                "{}",
                clout_wire::line(&clout_wire::FacetsLine {
                    facets: clout_wire::Facets::from(f),
                    total: results.page.total
                })
            );
        }
        emit(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = results
        .page
        .hits
        .iter()
        .zip(&results.channels)
        .map(|(hit, c)| {
            let m = c.row.metrics.as_ref();
            let na = || "-".to_string();
            vec![
                c.row.platform.to_string(),
                c.row.handle.clone(),
                c.row.followers.map(thousands).unwrap_or_else(na),
                c.tier.map(|t| t.as_str().to_string()).unwrap_or_else(na),
                m.map(|m| fixed2(m.engagement_rate)).unwrap_or_else(na),
                m.and_then(|m| m.engagement_label.ok()).map(|l| l.as_str().to_string()).unwrap_or_else(na),
                m.map(|m| fixed2(m.engagement_index)).unwrap_or_else(na),
                m.map(|m| fixed2(m.follower_growth_30d)).unwrap_or_else(na),
                c.niches.iter().map(|n| n.niche.as_str()).collect::<Vec<_>>().join(","),
                hit.score.map(|s| format!("{s:.2}")).unwrap_or_else(na),
            ]
        })
        .collect();
    text.push_str(&table(
        &["PLATFORM", "HANDLE", "FOLLOWERS", "TIER", "ER %", "LABEL", "INDEX", "GROWTH %", "NICHES", "SCORE"],
        &rows,
        &[2, 4, 6, 7, 9],
    ));
    let shown = results.page.hits.len();
    let _ = writeln!(
        text,
        "{} of {} matching channels (from {})",
        shown,
        results.page.total,
        if shown == 0 { 0 } else { args.offset + 1 }
    );
    if let Some(f) = &results.page.facets {
        for (name, values) in [
            ("platform", &f.platform),
            ("tier", &f.tier),
            ("country", &f.country),
            ("language", &f.language),
            ("niche", &f.niche),
            ("label", &f.label),
        ] {
            let list: Vec<String> = values.iter().take(12).map(|(k, n)| format!("{k} {n}")).collect();
            let _ = writeln!(text, "{name}: {}", list.join(" · "));
        }
    }
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn similar(app: &Reader<'_>, args: SimilarArgs) -> Result<ExitCode> {
    let found = app.similar(&args.channel, args.limit, preset(args.tiers))?;
    let mut text = String::new();
    if args.json {
        for s in &found {
            let _ = writeln!(text, "{}", clout_wire::line(&clout_wire::SimilarChannel::from(s)));
        }
        emit(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|s| {
            let (c, l) = (&s.channel, &s.lookalike);
            vec![
                c.row.platform.to_string(),
                c.row.handle.clone(),
                c.row.followers.map(thousands).unwrap_or_else(|| "-".into()),
                c.niches.iter().map(|n| n.niche.as_str()).collect::<Vec<_>>().join(","),
                format!("{:.2}", l.similarity),
                format!("{:.2}", l.niches),
                format!("{:.2}", l.hashtags),
                format!("{:.2}", l.size),
            ]
        })
        .collect();
    text.push_str(&table(
        &["PLATFORM", "HANDLE", "FOLLOWERS", "NICHES", "SIMILARITY", "NICHE", "HASHTAGS", "SIZE"],
        &rows,
        &[2, 4, 5, 6, 7],
    ));
    let _ = writeln!(text, "similarity = 0.5 × shared niches + 0.3 × shared hashtags + 0.2 × similar size");
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
