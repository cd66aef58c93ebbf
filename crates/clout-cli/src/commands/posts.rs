//! `clout posts search` (what creators said, as a table of posts with their channel and
//! engagement) and `clout brand` (who posted about a brand); or the API's JSON.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clout_app::Reader;
use clout_wire::dates::for_terminal as time;

use crate::cli::{BrandArgs, PostSearchArgs};
use crate::output::{emit, one_line, table, thousands};

/// The flags as the pairs of a URL, read by `clout_app::post_query`: the CLI refuses
/// what the API and the Posts page refuse.
fn pairs(args: &PostSearchArgs) -> Vec<(String, String)> {
    let mut pairs = vec![("q".to_string(), args.query.join(" "))];
    let mut add = |k: &str, v: String| pairs.push((k.to_string(), v));
    for p in &args.platform {
        add("platform", p.clone());
    }
    if let Some(v) = &args.since {
        add("since", v.clone());
    }
    if let Some(v) = &args.until {
        add("until", v.clone());
    }
    if let Some(v) = args.sponsored {
        add("sponsored", v.to_string());
    }
    add("sort", if args.newest { "newest" } else { "relevance" }.to_string());
    add("limit", args.limit.to_string());
    add("offset", args.offset.to_string());
    pairs
}

pub(crate) fn search(app: &Reader<'_>, args: PostSearchArgs) -> Result<ExitCode> {
    let query = clout_app::post_query(&pairs(&args), true, super::now()).map_err(|e| match e.key.as_str() {
        "q" => anyhow!("the query: {}", e.message),
        "sort" => anyhow!("--newest: {}", e.message),
        key => anyhow!("--{}: {}", key.replace('_', "-"), e.message),
    })?;
    let results = app.search_posts(&query)?;
    if args.json {
        emit(&format!("{}\n", clout_wire::line(&clout_wire::PostPage::from(&results))))?;
        return Ok(ExitCode::SUCCESS);
    }
    let na = || "-".to_string();
    let rows: Vec<Vec<String>> = results
        .posts
        .iter()
        .map(|v| {
            let (f, p) = (&v.found, &v.found.post);
            vec![
                time(p.snapshot.published_at),
                format!("{}/{}", f.platform, f.handle),
                f.followers.map(thousands).unwrap_or_else(na),
                thousands(v.engagements),
                v.rate.map(|r| format!("{r:.2}")).unwrap_or_else(na),
                match p.sponsored {
                    Some(true) => "yes".into(),
                    Some(false) => "no".into(),
                    None => na(),
                },
                one_line(p.caption.as_deref(), 60),
            ]
        })
        .collect();
    let mut text =
        table(&["PUBLISHED", "CHANNEL", "FOLLOWERS", "ENGAGEMENTS", "ER %", "SPONSORED", "CAPTION"], &rows, &[2, 3, 4]);
    let shown = results.posts.len();
    let _ = writeln!(
        text,
        "{} of {} matching posts (from {})",
        shown,
        thousands(results.total),
        if shown == 0 { 0 } else { args.offset + 1 }
    );
    if !results.current {
        let _ = writeln!(
            text,
            "The post index does not hold every post yet (an import is running or was cut short, or updating the index failed): `clout recompute` brings it in step."
        );
    }
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// A share, `66.7 %`, or `-`.
fn share(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.1} %")).unwrap_or_else(|| "-".into())
}

/// `2026-11` as people write it: `Nov 2026`.
fn month(m: &str) -> String {
    const NAMES: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match m.split_once('-').and_then(|(y, n)| Some((y, n.parse::<usize>().ok()?))) {
        Some((year, n)) if (1..=12).contains(&n) => format!("{} {year}", NAMES[n - 1]),
        _ => m.to_string(),
    }
}

pub(crate) fn brand(app: &Reader<'_>, args: BrandArgs) -> Result<ExitCode> {
    let mut pairs = vec![("brand".to_string(), args.brand.clone())];
    // `--vs @a,@b` names two, as `--vs @a --vs @b` does.
    let competitors = args.competitors.iter().flat_map(|c| c.split(',')).map(str::trim).filter(|c| !c.is_empty());
    pairs.extend(competitors.map(|c| ("vs".to_string(), c.to_string())));
    pairs.extend(args.platform.iter().map(|p| ("platform".to_string(), p.clone())));
    pairs.extend(args.since.iter().map(|s| ("since".to_string(), s.clone())));
    pairs.extend(args.until.iter().map(|u| ("until".to_string(), u.clone())));
    pairs.push(("limit".to_string(), args.limit.to_string()));
    pairs.push(("offset".to_string(), args.offset.to_string()));
    let query = clout_app::brand_query(&pairs, true, super::now()).map_err(|e| match e.key.as_str() {
        "brand" => anyhow!("the brand: {}", e.message),
        key => anyhow!("--{key}: {}", e.message),
    })?;
    let report = app.brand_report(&query)?;
    if args.json {
        emit(&format!("{}\n", clout_wire::line(&clout_wire::BrandReport::from(&report))))?;
        return Ok(ExitCode::SUCCESS);
    }
    let s = &report.split;
    let mut text = format!(
        "@{}: {} posts by {} creators ({} sponsored, {} organic), {} engagements ({} on sponsored posts)\n",
        report.query.brand,
        thousands(s.posts),
        thousands(report.creator_count),
        thousands(s.sponsored),
        thousands(s.organic()),
        thousands(s.engagements),
        thousands(s.sponsored_engagements),
    );
    if report.creator_count > 0 {
        let rows: Vec<Vec<String>> = report
            .creators
            .iter()
            .map(|c| {
                vec![
                    format!("{}/{}", c.channel.platform, c.channel.handle),
                    c.channel.followers.map(thousands).unwrap_or_else(|| "-".into()),
                    thousands(c.split.posts),
                    thousands(c.split.sponsored),
                    thousands(c.split.engagements),
                    time(c.last),
                ]
            })
            .collect();
        if !rows.is_empty() {
            text.push('\n');
            text.push_str(&table(
                &["CREATOR", "FOLLOWERS", "POSTS", "SPONSORED", "ENGAGEMENTS", "LAST POST"],
                &rows,
                &[1, 2, 3, 4],
            ));
        }
        let shown = (args.offset + report.creators.len()) as u64;
        if shown < report.creator_count {
            let _ =
                writeln!(text, "… and {} more creators (--offset {shown})", thousands(report.creator_count - shown));
        }
        let months: Vec<Vec<String>> = report
            .months
            .iter()
            .map(|(m, s)| vec![month(m), thousands(s.sponsored), thousands(s.organic()), thousands(s.engagements)])
            .collect();
        text.push('\n');
        text.push_str(&table(&["MONTH", "SPONSORED", "ORGANIC", "ENGAGEMENTS"], &months, &[1, 2, 3]));
    }
    if report.voices.len() > 1 {
        let rows: Vec<Vec<String>> = report
            .voices
            .iter()
            .map(|v| {
                vec![
                    format!("@{}", v.brand),
                    thousands(v.split.posts),
                    thousands(v.creators),
                    thousands(v.split.engagements),
                    share(v.share_of_posts),
                    share(v.share_of_engagements),
                ]
            })
            .collect();
        text.push_str("\nShare of voice\n");
        text.push_str(&table(
            &["BRAND", "POSTS", "CREATORS", "ENGAGEMENTS", "OF POSTS", "OF ENGAGEMENTS"],
            &rows,
            &[1, 2, 3, 4, 5],
        ));
    }
    if !report.complete {
        text.push_str("The post index does not hold every post yet (an import is running or was cut short, or updating the index failed): `clout recompute` brings it in step.\n");
    }
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
