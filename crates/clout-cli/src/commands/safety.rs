//! `clout safety`: a channel's screening as a table, the list, a new list, and the audit
//! record as CSV or JSON; `clout overlap`: a shortlist's audience overlap as tables.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clout_app::Reader;
use clout_wire::dates::for_terminal as time;

use crate::cli::{OverlapArgs, SafetyAuditArgs, SafetyShowArgs};
use crate::output::{emit, one_line, table, thousands};

pub(crate) fn show(app: &Reader<'_>, args: SafetyShowArgs) -> Result<ExitCode> {
    let s = app.channel_safety(&args.channel)?;
    if args.json {
        emit(&format!("{}\n", clout_wire::line(&clout_wire::ChannelSafety::from(&s))))?;
        return Ok(ExitCode::SUCCESS);
    }
    let at = |t: i64| time(clout_core::Timestamp::from_unix(t));
    let mut text = format!(
        "{}/{}{}: brand safety {} — {} posts and {} comments screened {} against {} {}\n",
        s.platform,
        s.handle,
        s.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default(),
        s.overall,
        thousands(s.posts),
        thousands(s.comments),
        at(s.screened_at),
        s.list.name,
        s.list.version,
    );
    if !s.current {
        text.push_str("That list is no longer the active one: `clout recompute` screens this channel again.\n");
    }
    let rows: Vec<Vec<String>> = s
        .categories
        .iter()
        .map(|c| vec![c.label.clone(), c.level.to_string(), thousands(c.posts), thousands(c.comments)])
        .collect();
    text.push('\n');
    text.push_str(&table(&["CATEGORY", "LEVEL", "POSTS", "COMMENTS"], &rows, &[2, 3]));
    if !s.evidence.is_empty() {
        let label = |id: &str| s.categories.iter().find(|c| c.id == id).map_or(id.to_string(), |c| c.label.clone());
        let rows: Vec<Vec<String>> = s
            .evidence
            .iter()
            .map(|e| {
                vec![
                    label(&e.category),
                    e.published_at.map(at).unwrap_or_else(|| "-".into()),
                    match &e.comment {
                        Some((_, author)) => format!("comment by @{author}"),
                        None => "post".into(),
                    },
                    e.term.clone(),
                    e.post_url.clone().or_else(|| e.post_id.clone()).unwrap_or_else(|| "-".into()),
                    one_line(e.text.as_deref(), 50),
                ]
            })
            .collect();
        text.push_str("\nWhat matched\n");
        text.push_str(&table(&["CATEGORY", "PUBLISHED", "IN", "TERMS", "POST", "TEXT"], &rows, &[]));
    }
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn list(app: &Reader<'_>, default: bool) -> Result<ExitCode> {
    if default {
        emit(clout_app::DEFAULT_SAFETY_LIST)?;
    } else {
        emit(&app.safety_list()?.body)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn set_list(app: &mut clout_app::App, file: &std::path::Path) -> Result<ExitCode> {
    let body = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let s = app.set_safety_list(&body, &file.display().to_string(), super::now())?;
    let mut text = format!(
        "screened {} channels ({} posts, {} comments) against {} {} in {:.1} s\n\n",
        thousands(s.channels),
        thousands(s.posts),
        thousands(s.comments),
        s.list_name,
        s.list_version,
        s.seconds
    );
    let rows: Vec<Vec<String>> = s
        .levels
        .iter()
        .map(|(id, n)| {
            let mut row = vec![id.clone()];
            row.extend(n.iter().map(|c| thousands(*c)));
            row
        })
        .collect();
    text.push_str(&table(&["CATEGORY", "NONE", "LOW", "MODERATE", "HIGH"], &rows, &[1, 2, 3, 4]));
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn audit(app: &Reader<'_>, args: SafetyAuditArgs) -> Result<ExitCode> {
    let audit = clout_app::audit_of(app, args.list, &args.channel)?;
    let mut out = if args.json {
        let channels = audit.iter().map(clout_wire::ChannelSafety::from).collect();
        format!("{}\n", clout_wire::line(&clout_wire::SafetyAudit { channels }))
    } else {
        clout_app::audit_csv(&audit)?
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &out).with_context(|| format!("writing {}", path.display()))?;
            out.clear();
            let _ = writeln!(
                out,
                "wrote the audit record of {} channels to {}",
                thousands(audit.len() as u64),
                path.display()
            );
            eprint!("{out}");
        }
        None => emit(&out)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `12.5 %` (`12.5 – 30.1 %` with a range), or `-`.
fn percent(v: Option<f64>, low: Option<f64>, high: Option<f64>) -> String {
    match (v, low, high) {
        (Some(v), Some(l), Some(h)) if (h - l).abs() >= 0.05 => format!("{v:.1} % ({l:.1}–{h:.1})"),
        (Some(v), _, _) => format!("{v:.1} %"),
        _ => "-".to_string(),
    }
}

/// A count with its range, or `-`.
fn count_range(v: Option<f64>, low: Option<f64>, high: Option<f64>) -> String {
    match (v, low, high) {
        (Some(v), Some(l), Some(h)) if l != h => {
            format!("{} ({}–{})", thousands(v as u64), thousands(l as u64), thousands(h as u64))
        }
        (Some(v), _, _) => thousands(v as u64),
        _ => "-".to_string(),
    }
}

pub(crate) fn overlap(app: &Reader<'_>, args: OverlapArgs) -> Result<ExitCode> {
    let report = clout_app::overlap_of(app, args.list, &args.channels)?;
    let wire = clout_wire::Overlap::from(&report);
    if args.json {
        emit(&format!("{}\n", clout_wire::line(&wire)))?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = wire
        .channels
        .iter()
        .map(|c| {
            vec![
                format!("{}/{}", c.platform, c.handle),
                c.followers.map(thousands).unwrap_or_else(|| "-".into()),
                thousands(c.sampled_followers),
                thousands(c.commenters),
                percent(c.unique_share, c.unique_share_low, c.unique_share_high),
            ]
        })
        .collect();
    let mut text = table(&["CHANNEL", "FOLLOWERS", "SAMPLED", "COMMENTERS", "UNIQUE (95 % RANGE)"], &rows, &[1, 2, 3]);
    let pairs: Vec<Vec<String>> = wire
        .pairs
        .iter()
        .map(|p| {
            vec![
                p.a.clone(),
                p.b.clone(),
                count_range(p.shared_followers, p.shared_followers_low, p.shared_followers_high),
                p.share_of_a.map(|s| format!("{s:.1} %")).unwrap_or_else(|| "-".into()),
                p.share_of_b.map(|s| format!("{s:.1} %")).unwrap_or_else(|| "-".into()),
                thousands(p.shared_in_samples),
                thousands(p.shared_commenters),
            ]
        })
        .collect();
    text.push('\n');
    text.push_str(&table(
        &["A", "B", "SHARED FOLLOWERS (95 %)", "OF A", "OF B", "IN SAMPLES", "SHARED COMMENTERS"],
        &pairs,
        &[2, 3, 4, 5, 6],
    ));
    let reach = match wire.unique_reach {
        Some(r) => format!(
            "{} ({}–{})",
            thousands(r as u64),
            thousands(wire.unique_reach_low as u64),
            thousands(wire.unique_reach_high as u64)
        ),
        None => format!(
            "between {} and {} (some channels have no follower sample)",
            thousands(wire.unique_reach_low as u64),
            thousands(wire.unique_reach_high as u64)
        ),
    };
    let _ = writeln!(
        text,
        "\nUnique reach: {reach} of {} followers in all (estimated from the follower samples)",
        thousands(wire.total_followers)
    );
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
