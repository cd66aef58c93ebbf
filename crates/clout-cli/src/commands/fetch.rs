//! `clout fetch` and `clout discover`: progress on stderr, a table of accounts (JSON with
//! `--json`) on stdout.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clout_app::{
    AccountFetch, AccountStatus, AppConfig, Connect, Discovery, FetchOptions, FetchProgress, FetchSummary,
};
use clout_connect::youtube;
use clout_core::metric::thousands;

use super::{now, open_write};
use crate::cli::{DiscoverCommand, FetchArgs, FetchCommand, RefreshArgs};

struct Progress;

impl FetchProgress for Progress {
    fn step(&mut self, target: &str, message: &str) {
        eprintln!("{target}: {message}");
    }

    fn recomputing(&mut self) {
        eprintln!("recomputing metrics");
    }
}

fn options(args: &FetchArgs) -> FetchOptions {
    FetchOptions {
        max_posts: args.max_posts.max(1),
        since_days: args.since_days.max(1),
        replies: args.replies,
        comments: args.comments,
        followers_sample: args.followers_sample,
        pictures: !args.no_pictures,
        ..FetchOptions::new(now)
    }
}

fn connect(args: &FetchArgs, quota: u64) -> Connect {
    Connect { api_base: args.api_base.clone(), max_wait: Duration::from_secs(args.max_wait), quota }
}

/// One fetch or discovery, with the summary printed: `found` is `None` for a fetch.
fn run(
    config: AppConfig,
    holder: &str,
    args: &FetchArgs,
    go: impl FnOnce(&mut clout_app::App, &FetchOptions, &mut Progress) -> clout_app::Result<(Option<usize>, FetchSummary)>,
) -> Result<ExitCode> {
    let options = options(args);
    let catalogue = open_write(config, holder)?;
    let (found, summary) = catalogue.import(|app| go(app, &options, &mut Progress))?;
    report(&summary, found, args.json);
    Ok(exit_code(&summary))
}

pub(crate) fn fetch(config: AppConfig, command: FetchCommand) -> Result<ExitCode> {
    let (platform, targets, args, quota) = match command {
        FetchCommand::Bluesky(a) => ("bluesky", a.accounts, a.fetch, youtube::DEFAULT_DAILY_QUOTA),
        FetchCommand::Youtube(a) => ("youtube", a.channels, a.fetch, a.quota),
        FetchCommand::Instagram(a) => ("instagram", a.usernames, a.fetch, youtube::DEFAULT_DAILY_QUOTA),
    };
    let connect = connect(&args, quota);
    run(config, "clout fetch", &args, |app, options, progress| {
        Ok((None, app.fetch_from(platform, &targets, options, &connect, progress)?))
    })
}

pub(crate) fn discover(config: AppConfig, command: DiscoverCommand) -> Result<ExitCode> {
    let (platform, discovery, limit, range, args, quota) = match command {
        DiscoverCommand::Bluesky(a) => {
            let discovery = match (&a.via_follows, &a.query) {
                (Some(seed), _) => Discovery::ViaFollows(seed.clone()),
                (None, Some(q)) => Discovery::Words(q.clone()),
                (None, None) => anyhow::bail!("give a QUERY or --via-follows HANDLE"),
            };
            ("bluesky", discovery, a.limit, (a.min_followers, a.max_followers), a.fetch, youtube::DEFAULT_DAILY_QUOTA)
        }
        DiscoverCommand::Youtube(a) => {
            ("youtube", Discovery::Words(a.query), a.limit, (a.min_followers, a.max_followers), a.fetch, a.quota)
        }
    };
    let connect = connect(&args, quota);
    run(config, "clout discover", &args, |app, options, progress| {
        let options =
            FetchOptions { followers_range: (range.0.unwrap_or(0), range.1.unwrap_or(u64::MAX)), ..options.clone() };
        let (found, summary) = app.discover_on(platform, &discovery, limit, &options, &connect, progress)?;
        Ok((Some(found.len()), summary))
    })
}

fn exit_code(summary: &FetchSummary) -> ExitCode {
    if summary.complete() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn status_text(a: &AccountFetch) -> String {
    let mut s = match a.status {
        AccountStatus::Done => "read",
        AccountStatus::NotFound => "not found",
        AccountStatus::OutsideRange => "outside the follower range",
        AccountStatus::Failed => "failed",
        AccountStatus::NotReached => "not reached",
    }
    .to_string();
    if a.resumed {
        s.push_str(" (resumed)");
    } else if a.incremental {
        s.push_str(" (new posts only)");
    }
    s
}

fn report(summary: &FetchSummary, discovered: Option<usize>, as_json: bool) {
    for a in &summary.accounts {
        if let Some(e) = &a.error {
            eprintln!("error: {}: {e}", a.handle.as_deref().unwrap_or(&a.target));
        }
    }
    if let Some(stop) = &summary.stopped {
        eprintln!("stopped: {stop}");
    }
    if as_json {
        println!("{}", clout_wire::line(&clout_wire::FetchReport::from(summary, discovered)));
        return;
    }
    if let Some(n) = discovered {
        println!("found {} account{}", thousands(n as u64), if n == 1 { "" } else { "s" });
    }
    let rows: Vec<[String; 7]> = summary
        .accounts
        .iter()
        .map(|a| {
            [
                a.handle.clone().unwrap_or_else(|| a.target.clone()),
                status_text(a),
                a.followers.map(thousands).unwrap_or_else(|| "—".to_string()),
                thousands(a.posts),
                thousands(a.comments),
                thousands(a.follower_samples),
                thousands(a.rejected),
            ]
        })
        .collect();
    let header = ["account", "status", "followers", "posts", "comments", "followers sampled", "rejected"];
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).chain([header[i].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(c.chars().count());
            if i < 2 {
                out.push_str(c);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(c);
            }
            out.push_str("  ");
        }
        println!("{}", out.trim_end());
    };
    line(&header.map(str::to_string));
    for r in &rows {
        line(r);
    }
    println!(
        "{} records kept, {} rejected; {} requests ({} retried), {:.1} s waiting on rate limits",
        thousands(summary.accepted),
        thousands(summary.rejected),
        thousands(summary.requests),
        thousands(summary.retries),
        summary.waited_seconds
    );
    let p = summary.pictures;
    if p.downloaded + p.kept + p.failed > 0 {
        println!(
            "profile pictures: {} downloaded, {} unchanged{}",
            thousands(p.downloaded),
            thousands(p.kept),
            if p.failed > 0 {
                format!(", {} could not be had (gone, or not an image)", thousands(p.failed))
            } else {
                String::new()
            }
        );
    }
    if let Some((used, budget)) = summary.quota {
        println!(
            "quota: {} of {} units used today, {} left (counted by Clout, from midnight Pacific time)",
            thousands(used),
            thousands(budget),
            thousands(budget.saturating_sub(used))
        );
    }
    if let Some(file) = &summary.rejects_file {
        println!("rejects kept verbatim in {}", file.display());
    }
    if let Some(m) = &summary.metrics {
        println!("metrics recomputed for {} channels ({} with an engagement rate)", m.channels, m.with_rate);
    }
}

/// The settings a refresh fetches with: the defaults of `clout fetch`.
fn refresh_args() -> FetchArgs {
    FetchArgs {
        max_posts: FetchOptions::DEFAULT_MAX_POSTS,
        since_days: FetchOptions::DEFAULT_SINCE_DAYS,
        replies: false,
        comments: false,
        followers_sample: 0,
        no_pictures: false,
        api_base: None,
        max_wait: 900,
        json: false,
    }
}

/// How a refresh reports.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Output {
    Table,
    Json,
    /// One line per platform on stderr (a server's log; its stdout is not read).
    Log,
}

/// One refresh: each platform's accounts older than `older_than` seconds, re-fetched.
/// `Ok(true)` when every due account was read.
pub(crate) fn refresh_once(config: &AppConfig, older_than: i64, platforms: &[String], output: Output) -> Result<bool> {
    let catalogue = open_write(config.clone(), "clout refresh")?;
    let cutoff = now().minus_seconds(older_than);
    let args = refresh_args();
    let options = options(&args);
    let mut complete = true;
    for connector in clout_app::CONNECTORS {
        if !platforms.is_empty() && !platforms.iter().any(|p| p.eq_ignore_ascii_case(connector)) {
            continue;
        }
        let due = catalogue.import(|app| app.refresh_due(connector, cutoff))?;
        if due.is_empty() {
            match output {
                Output::Table => println!("{connector}: nothing to refresh"),
                Output::Log => eprintln!("refresh: {connector}: nothing to refresh"),
                Output::Json => {}
            }
            continue;
        }
        eprintln!("{connector}: refreshing {} account{}", due.len(), if due.len() == 1 { "" } else { "s" });
        let connect = Connect::default();
        let summary = match catalogue.import(|app| app.fetch_from(connector, &due, &options, &connect, &mut Progress)) {
            Ok(summary) => summary,
            // A platform without its key: the others are still refreshed.
            Err(clout_app::Error::Invalid(e)) => {
                eprintln!("error: {connector}: {} due, not refreshed: {e}", due.len());
                complete = false;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        complete &= summary.complete();
        if output == Output::Log {
            let read = summary.accounts.iter().filter(|a| a.status == clout_app::AccountStatus::Done).count();
            eprintln!(
                "refresh: {connector}: {read} of {} accounts read, {} records kept, {} rejected{}",
                due.len(),
                summary.accepted,
                summary.rejected,
                summary.stopped.as_deref().map(|s| format!("; stopped: {s}")).unwrap_or_default()
            );
        } else {
            report(&summary, None, output == Output::Json);
        }
    }
    Ok(complete)
}

pub(crate) fn refresh(config: AppConfig, args: RefreshArgs) -> Result<ExitCode> {
    let older_than = crate::cli::parse_age(&args.older_than).map_err(|e| anyhow::anyhow!("--older-than {e}"))?;
    for p in &args.platform {
        if !clout_app::CONNECTORS.iter().any(|c| c.eq_ignore_ascii_case(p)) {
            anyhow::bail!("--platform {p}: refresh knows {}", clout_app::CONNECTORS.join(", "));
        }
    }
    let output = if args.json { Output::Json } else { Output::Table };
    Ok(if refresh_once(&config, older_than, &args.platform, output)? { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
