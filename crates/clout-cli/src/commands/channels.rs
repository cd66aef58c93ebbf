//! `clout channels` and `clout benchmarks`.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clout_app::{ChannelQuery, Reader};
use clout_core::{Platform, Tier};

use super::preset;
use crate::cli::ChannelsArgs;
use crate::output::{emit, fixed2, table, thousands};

pub(crate) fn run(app: &Reader<'_>, args: ChannelsArgs) -> Result<ExitCode> {
    let platform = args.platform.as_deref().map(Platform::parse).transpose().map_err(|e| anyhow!("{e}"))?;
    let tier = match args.tier.as_deref() {
        None => None,
        Some(t) => Some(
            Tier::parse(t)
                .ok_or_else(|| anyhow!("unknown tier '{t}' (expected one of: none, nano, micro, mid, macro, mega)"))?,
        ),
    };
    let channels = app.channels(&ChannelQuery { platform, tier, preset: preset(args.tiers) })?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        for c in &channels {
            writeln!(out, "{}", clout_wire::line(&clout_wire::Channel::from(c)))?;
        }
    } else {
        let rows: Vec<Vec<String>> = channels
            .iter()
            .map(|c| {
                let m = c.row.metrics.as_ref();
                let na = || "-".to_string();
                vec![
                    c.row.platform.to_string(),
                    c.row.handle.clone(),
                    c.row.followers.map(thousands).unwrap_or_else(na),
                    c.tier.map(|t| t.as_str().to_string()).unwrap_or_else(na),
                    m.map(|m| fixed2(m.engagement_rate)).unwrap_or_else(na),
                    m.map(|m| fixed2(m.median_engagement_rate)).unwrap_or_else(na),
                    m.and_then(|m| m.engagement_label.ok()).map(|l| l.as_str().to_string()).unwrap_or_else(na),
                    m.map(|m| fixed2(m.engagement_index)).unwrap_or_else(na),
                    m.map(|m| fixed2(m.follower_growth_30d)).unwrap_or_else(na),
                    m.map(|m| format!("{:.1}", m.posts_per_week)).unwrap_or_else(na),
                    m.map(|m| m.posts_in_window.to_string()).unwrap_or_else(na),
                ]
            })
            .collect();
        write!(
            out,
            "{}",
            table(
                &[
                    "PLATFORM",
                    "HANDLE",
                    "FOLLOWERS",
                    "TIER",
                    "ER %",
                    "MEDIAN %",
                    "LABEL",
                    "INDEX",
                    "GROWTH %",
                    "POSTS/WK",
                    "WINDOW"
                ],
                &rows,
                &[2, 4, 5, 7, 8, 9, 10],
            )
        )?;
        writeln!(out, "{} channels", channels.len())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn benchmarks(app: &Reader<'_>, as_json: bool) -> Result<ExitCode> {
    use std::fmt::Write as _;
    let (fits, buckets) = app.benchmarks()?;
    let mut text = String::new();
    if as_json {
        let fits: Vec<_> = fits
            .iter()
            .map(|f| serde_json::json!({"platform": f.platform.as_str(), "a": f.fit.a, "b": f.fit.b, "n": f.fit.n}))
            .collect();
        let buckets: Vec<_> = buckets
            .iter()
            .map(|b| {
                serde_json::json!({"platform": b.platform.as_str(), "bucket": b.bucket.as_str(),
                    "channels": b.channels, "median_engagement_rate": b.median_rate})
            })
            .collect();
        let _ = writeln!(text, "{}", serde_json::json!({"size_fits": fits, "buckets": buckets}));
        emit(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let _ = writeln!(
        text,
        "Size fits: ln(median rate) = a + b ln(followers), per platform (b: how fast engagement falls with size)"
    );
    let rows: Vec<Vec<String>> = fits
        .iter()
        .map(|f| {
            vec![f.platform.to_string(), format!("{:.4}", f.fit.a), format!("{:.4}", f.fit.b), f.fit.n.to_string()]
        })
        .collect();
    let _ = write!(text, "{}", table(&["PLATFORM", "A", "B", "CHANNELS"], &rows, &[1, 2, 3]));
    text.push('\n');
    let _ = writeln!(
        text,
        "Peer groups (channels with a median rate, per platform and follower bucket; percentiles need 30; channels are compared by their median rate)"
    );
    let rows: Vec<Vec<String>> = buckets
        .iter()
        .map(|b| {
            vec![
                b.platform.to_string(),
                b.bucket.as_str().to_string(),
                b.channels.to_string(),
                format!("{:.2}", b.median_rate),
            ]
        })
        .collect();
    let _ = write!(text, "{}", table(&["PLATFORM", "BUCKET", "CHANNELS", "MEDIAN ER %"], &rows, &[2, 3]));
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
