//! `clout show PLATFORM/HANDLE`: one channel, every number with where it came from.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use clout_app::{ChannelProfile, Reader};
use clout_core::metric::{Basis, METRICS, MetricKey};

use super::preset;
use crate::cli::ShowArgs;
use crate::output::{emit, fixed2, table, thousands};
use clout_wire::dates::for_terminal as time;

pub(crate) fn run(app: &Reader<'_>, args: ShowArgs) -> Result<ExitCode> {
    let preset = preset(args.tiers);
    let profile = app.channel_profile(&args.channel, preset)?;
    if args.json {
        emit(&format!("{}\n", clout_wire::line(&clout_wire::Profile::from(&profile, preset.as_str()))))?;
    } else {
        emit(&profile_text(&profile, preset.as_str()))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn profile_text(p: &ChannelProfile, preset: &str) -> String {
    let r = &p.view.row;
    let mut s = String::new();
    let tier = p.view.tier.map(|t| t.as_str()).unwrap_or("-");
    let label = r.metrics.as_ref().and_then(|m| m.engagement_label.ok()).map(|l| l.as_str()).unwrap_or("-");
    let _ = writeln!(s, "{}/{}  {}", r.platform, r.handle, r.name.as_deref().unwrap_or(""));
    let _ = writeln!(s, "tier {tier} ({preset} preset) · engagement {label}");
    if let Some(bio) = &r.bio {
        let _ = writeln!(s, "bio: {bio}");
    }
    let facts: Vec<String> = [
        r.country.as_ref().map(|c| format!("country {c}")),
        r.language.as_ref().map(|l| format!("language {l}")),
        r.category.as_ref().map(|c| format!("category {c}")),
        r.verified.filter(|v| *v).map(|_| "verified".to_string()),
        r.email.as_ref().map(|e| format!("email {e}")),
        r.creator_id.as_ref().map(|c| format!("creator {c}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !facts.is_empty() {
        let _ = writeln!(s, "{}", facts.join(" · "));
    }
    if !p.view.niches.is_empty() {
        let labels: Vec<String> = p
            .view
            .niches
            .iter()
            .map(|n| {
                let words: Vec<String> = n
                    .evidence
                    .iter()
                    .take(4)
                    .map(|(field, count, term)| format!("{term} ({field} ×{count})"))
                    .collect();
                format!("{} {:.0} % ({})", n.niche, n.confidence * 100.0, words.join(", "))
            })
            .collect();
        let _ = writeln!(s, "niches: {}", labels.join("; "));
    }
    let _ = writeln!(s);
    match (r.followers, r.as_of) {
        (Some(f), Some(as_of)) => {
            let _ = writeln!(
                s,
                "followers  {}  measured at {} (as_of), source {}",
                thousands(f),
                time(as_of),
                r.source.as_deref().unwrap_or("-")
            );
        }
        _ => {
            let _ = writeln!(s, "followers  -  no channel record imported yet: no metrics");
        }
    }
    let Some(m) = &r.metrics else { return s };
    let _ = writeln!(
        s,
        "window     {} posts, rule {} (eligible up to {}; 30-day bound {})",
        m.posts_in_window,
        m.window_rule.as_str(),
        time(m.eligible_until),
        time(m.thirty_days_after)
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Metrics (derived from the window posts' newest observations; docs/metrics.md in Clout's source has every formula)"
    );
    let peers = p
        .peers
        .as_ref()
        .map(|b| format!("among {} {} channels in {}", b.channels, b.platform, b.bucket.as_str()))
        .unwrap_or_else(|| "no peer group".to_string());
    let fit = p
        .fit
        .map(|f| format!("vs the {} size fit, b = {:.3} over {} channels", r.platform, f.b, f.n))
        .unwrap_or_else(|| "no size fit".to_string());
    // Every metric of the catalogue but the two printed above.
    let rows: Vec<Vec<String>> = METRICS
        .iter()
        .filter(|d| !matches!(d.key, MetricKey::Followers | MetricKey::PostsInWindow))
        .map(|d| {
            let value = match clout_app::metric_value(r, d.key) {
                Ok(v) => v.display(d.unit),
                Err(reason) => format!("- ({})", reason.explanation()),
            };
            let how = match d.basis {
                Basis::Peers => format!("{}; {peers}", d.formula),
                Basis::SizeFit => format!("{}; {fit}", d.formula),
                _ => d.formula.to_string(),
            };
            vec![d.name.to_string(), value, how]
        })
        .collect();
    s.push_str(&table(&["METRIC", "VALUE", "HOW"], &rows, &[]));
    let _ = writeln!(s);
    let _ = writeln!(s, "Window posts (measured; newest observation of each)");
    let rows: Vec<Vec<String>> = p
        .posts
        .iter()
        .filter(|post| post.in_window)
        .map(|post| {
            let snap = &post.post.snapshot;
            let opt = |v: Option<u64>| v.map(thousands).unwrap_or_else(|| "-".into());
            vec![
                snap.post_id.clone(),
                time(snap.published_at),
                opt(snap.likes),
                opt(snap.comments),
                opt(snap.shares),
                opt(snap.views),
                fixed2(post.rate.ok_or(clout_core::NullReason::NoFollowers)),
                time(post.post.observed_at),
                post.post.source.clone(),
            ]
        })
        .collect();
    s.push_str(&table(
        &["POST", "PUBLISHED", "LIKES", "COMMENTS", "SHARES", "VIEWS", "ER %", "OBSERVED", "SOURCE"],
        &rows,
        &[2, 3, 4, 5, 6],
    ));
    let _ = writeln!(s);
    let _ = writeln!(s, "Follower history (measured)");
    let rows: Vec<Vec<String>> = p
        .history
        .iter()
        .map(|h| {
            vec![
                time(h.observed_at),
                thousands(h.followers),
                if h.from_channel_record { "channel" } else { "followers" }.to_string(),
                h.source.clone(),
            ]
        })
        .collect();
    s.push_str(&table(&["OBSERVED", "FOLLOWERS", "RECORD", "SOURCE"], &rows, &[1]));
    s
}
