//! `clout fetch` and `clout discover`: progress on stderr, a table of accounts (JSON with
//! `--json`) on stdout.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clout_app::{AccountFetch, AccountStatus, AppConfig, Discovery, FetchOptions, FetchProgress, FetchSummary};
use clout_connect::bluesky::{self, Bluesky};
use clout_connect::instagram::{self, Instagram};
use clout_connect::youtube::{self, Youtube};
use clout_connect::{Client, ClientConfig};
use clout_core::metric::thousands;

use super::credentials;
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

/// The API host: `--api-base`, else the environment variable, else the public host.
fn base(args: &FetchArgs, env: &str, default: &str) -> String {
    args.api_base
        .clone()
        .or_else(|| std::env::var(env).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| default.to_string())
}

fn options(args: &FetchArgs) -> FetchOptions {
    FetchOptions {
        max_posts: args.max_posts.max(1),
        since_days: args.since_days.max(1),
        replies: args.replies,
        comments: args.comments,
        followers_sample: args.followers_sample,
        ..FetchOptions::new(now)
    }
}

fn bluesky_client(args: &FetchArgs) -> Bluesky {
    let mut config = ClientConfig::new(&base(args, bluesky::ENV_BASE, bluesky::DEFAULT_BASE), now);
    config.max_wait = Duration::from_secs(args.max_wait);
    Bluesky::new(Client::new(config))
}

fn youtube_client(config: &AppConfig, args: &FetchArgs, budget: u64) -> Result<Youtube> {
    if args.followers_sample > 0 || args.replies {
        anyhow::bail!(
            "--followers-sample and --replies are not available for YouTube: its API lists neither subscribers nor replies as posts"
        );
    }
    let key =
        credentials::secret(&config.data_dir, youtube::ENV_KEY, "youtube", "api_key", "YouTube needs an API key")?;
    let mut client = ClientConfig::new(&base(args, youtube::ENV_BASE, youtube::DEFAULT_BASE), now);
    client.max_wait = Duration::from_secs(args.max_wait);
    client.secret_query = vec![("key".to_string(), key)];
    Ok(Youtube::new(Client::new(client), 0, budget))
}

fn instagram_client(config: &AppConfig, args: &FetchArgs) -> Result<Instagram> {
    if args.followers_sample > 0 || args.replies || args.comments {
        anyhow::bail!(
            "--comments, --followers-sample and --replies are not available for Instagram: business discovery reads neither comments nor followers of other accounts"
        );
    }
    let need = "Instagram needs your access token and your own business account's id";
    let token = credentials::secret(&config.data_dir, instagram::ENV_TOKEN, "instagram", "access_token", need)?;
    let user = credentials::secret(&config.data_dir, instagram::ENV_USER_ID, "instagram", "user_id", need)?;
    let mut client = ClientConfig::new(&base(args, instagram::ENV_BASE, instagram::DEFAULT_BASE), now);
    client.max_wait = Duration::from_secs(args.max_wait);
    client.secret_query = vec![("access_token".to_string(), token)];
    client.hidden = vec![user.clone()];
    client.rate_limited = instagram::is_rate_limited;
    Ok(Instagram::new(Client::new(client), user))
}

pub(crate) fn fetch(config: AppConfig, command: FetchCommand) -> Result<ExitCode> {
    match command {
        FetchCommand::Instagram(args) => {
            let mut api = instagram_client(&config, &args.fetch)?;
            let options = options(&args.fetch);
            let catalogue = open_write(config, "clout fetch")?;
            let summary =
                catalogue.import(|app| app.fetch_instagram(&mut api, &args.usernames, &options, &mut Progress))?;
            report(&summary, None, args.fetch.json);
            Ok(exit_code(&summary))
        }
        FetchCommand::Youtube(args) => {
            let mut api = youtube_client(&config, &args.fetch, args.quota)?;
            let options = options(&args.fetch);
            let catalogue = open_write(config, "clout fetch")?;
            let summary =
                catalogue.import(|app| app.fetch_youtube(&mut api, &args.channels, &options, &mut Progress))?;
            report(&summary, None, args.fetch.json);
            Ok(exit_code(&summary))
        }
        FetchCommand::Bluesky(args) => {
            let mut api = bluesky_client(&args.fetch);
            let options = options(&args.fetch);
            let catalogue = open_write(config, "clout fetch")?;
            let summary =
                catalogue.import(|app| app.fetch_bluesky(&mut api, &args.accounts, &options, &mut Progress))?;
            report(&summary, None, args.fetch.json);
            Ok(exit_code(&summary))
        }
    }
}

pub(crate) fn discover(config: AppConfig, command: DiscoverCommand) -> Result<ExitCode> {
    match command {
        DiscoverCommand::Youtube(args) => {
            let mut api = youtube_client(&config, &args.fetch, args.quota)?;
            let mut options = options(&args.fetch);
            options.followers_range = (args.min_followers.unwrap_or(0), args.max_followers.unwrap_or(u64::MAX));
            let catalogue = open_write(config, "clout discover")?;
            let (found, summary) = catalogue
                .import(|app| app.discover_youtube(&mut api, &args.query, args.limit, &options, &mut Progress))?;
            report(&summary, Some(found.len()), args.fetch.json);
            Ok(exit_code(&summary))
        }
        DiscoverCommand::Bluesky(args) => {
            let mut api = bluesky_client(&args.fetch);
            let mut options = options(&args.fetch);
            options.followers_range = (args.min_followers.unwrap_or(0), args.max_followers.unwrap_or(u64::MAX));
            let discovery = match (&args.via_follows, &args.query) {
                (Some(seed), _) => Discovery::ViaFollows(seed.clone()),
                (None, Some(q)) => Discovery::Words(q.clone()),
                (None, None) => anyhow::bail!("give a QUERY or --via-follows HANDLE"),
            };
            let catalogue = open_write(config, "clout discover")?;
            let (found, summary) = catalogue
                .import(|app| app.discover_bluesky(&mut api, &discovery, args.limit, &options, &mut Progress))?;
            report(&summary, Some(found.len()), args.fetch.json);
            Ok(exit_code(&summary))
        }
    }
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
        let summary = match connector {
            "bluesky" => {
                let mut api = bluesky_client(&args);
                catalogue.import(|app| app.fetch_bluesky(&mut api, &due, &options, &mut Progress))
            }
            "youtube" => match youtube_client(config, &args, youtube::DEFAULT_DAILY_QUOTA) {
                Ok(mut api) => catalogue.import(|app| app.fetch_youtube(&mut api, &due, &options, &mut Progress)),
                Err(e) => {
                    eprintln!("error: youtube: {} due, not refreshed: {e}", due.len());
                    complete = false;
                    continue;
                }
            },
            _ => match instagram_client(config, &args) {
                Ok(mut api) => catalogue.import(|app| app.fetch_instagram(&mut api, &due, &options, &mut Progress)),
                Err(e) => {
                    eprintln!("error: instagram: {} due, not refreshed: {e}", due.len());
                    complete = false;
                    continue;
                }
            },
        }?;
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
