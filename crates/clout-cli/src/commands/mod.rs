//! One module per subcommand; `run` dispatches.

mod brief;
mod campaign;
mod channels;
mod demo;
mod fetch;
mod import;
mod money;
mod posts;
pub(crate) mod quality;
mod safety;
mod search;
mod show;
mod users;

use std::process::ExitCode;

use anyhow::Result;
use clout_app::{Access, App, AppConfig, Catalogue, CatalogueOptions, Reader};
use clout_core::TierPreset;

use crate::cli::{Cli, Command, PostsCommand, SafetyCommand, TierPresetArg};

pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    let config = AppConfig {
        data_dir: cli.data.clone(),
        niches_file: cli.niches.clone(),
        rate_card_file: cli.rate_card.clone(),
        vectors_file: cli.vectors.clone(),
        store: cli.store.as_deref().map(clout_app::StoreUrl::parse).transpose()?,
    };
    match cli.command {
        Command::Import(args) => import::run(config, args),
        Command::Fetch(cmd) => fetch::fetch(config, cmd),
        Command::Discover(cmd) => fetch::discover(config, cmd),
        Command::Refresh(args) => fetch::refresh(config, args),
        Command::Channels(args) => open_read(config)?.read(|r| channels::run(r, args)),
        Command::Show(args) => open_read(config)?.read(|r| show::run(r, args)),
        Command::Search(args) => open_read(config)?.read(|r| search::run(r, *args)),
        Command::Similar(args) => open_read(config)?.read(|r| search::similar(r, args)),
        Command::Posts(PostsCommand::Search(args)) => open_read(config)?.read(|r| posts::search(r, args)),
        Command::Brand(args) => open_read(config)?.read(|r| posts::brand(r, args)),
        Command::Brief(args) => open_read(config)?.read(|r| brief::run(r, args)),
        Command::Overlap(args) => open_read(config)?.read(|r| safety::overlap(r, args)),
        Command::Safety(SafetyCommand::Show(args)) => open_read(config)?.read(|r| safety::show(r, args)),
        Command::Safety(SafetyCommand::List { default }) => open_read(config)?.read(|r| safety::list(r, default)),
        Command::Safety(SafetyCommand::Audit(args)) => open_read(config)?.read(|r| safety::audit(r, args)),
        Command::Safety(SafetyCommand::SetList { file }) => {
            open_write(config, "clout safety set-list")?.write(|app| safety::set_list(app, &file))
        }
        Command::Price(args) => open_read(config)?.read(|r| money::price(r, args)),
        Command::Plan(args) => open_read(config)?.read(|r| money::plan(r, *args)),
        Command::Campaign(cmd) => campaign::run(config, cmd),
        Command::Creator(cmd) => campaign::creator(config, cmd),
        Command::RateCard => {
            crate::output::emit(clout_app::DEFAULT_RATE_CARD)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Benchmarks(args) => open_read(config)?.read(|r| channels::benchmarks(r, args.json)),
        Command::Demo(args) => demo::run(config, args),
        Command::Recompute => open_write(config, "clout recompute")?.write(|app| -> Result<ExitCode> {
            let (s, n, q) = app.recompute_all(now())?;
            println!("recomputed the metrics of {} channels ({} with an engagement rate)", s.channels, s.with_rate);
            println!("labelled {} of {} channels with niches", n.labelled, n.channels);
            println!("scored the audience quality of {q} channels");
            Ok(ExitCode::SUCCESS)
        }),
        Command::Status(args) => open_read(config)?.read(|r| status(r, args.json)),
        Command::Backup { dest } => {
            let app = App::open(config, Access::Read, "")?;
            let b = app.backup(&dest)?;
            println!(
                "backed up to {} (schema {}, {} other file{}); restore with `clout restore {}`",
                b.dir.display(),
                b.schema_version,
                b.files,
                if b.files == 1 { "" } else { "s" },
                b.dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::MigrateStore { to } => {
            let to = clout_app::StoreUrl::parse(&to)?;
            // Opened for writing only so that an older store's schema is brought up to date
            // first; the move itself only reads it.
            let app = App::open(config, Access::Write, "clout migrate-store")?;
            let moved = app.migrate_store(&to)?;
            let rows: Vec<Vec<String>> = moved
                .tables
                .iter()
                .filter(|t| t.rows > 0)
                .map(|t| vec![t.table.clone(), clout_core::metric::thousands(t.rows)])
                .collect();
            print!("{}", crate::output::table(&["TABLE", "ROWS"], &rows, &[1]));
            println!(
                "moved {} rows of {} tables into PostgreSQL {}; the counts and the derived state match. \
                 From now on run clout with --store (or CLOUT_STORE) set to that database.",
                clout_core::metric::thousands(moved.rows()),
                moved.tables.len(),
                moved.to
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { src } => {
            let holder = format!("clout restore, pid {}", std::process::id());
            let b = clout_app::restore(&config, &src, &holder)?;
            println!(
                "restored {} into {} (schema {}, {} other file{} copied)",
                src.display(),
                b.dir.display(),
                b.schema_version,
                b.files,
                if b.files == 1 { "" } else { "s" }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(args) => serve(config, &args),
        Command::User(cmd) => users::user(config, cmd),
        Command::Token(cmd) => users::token(config, cmd),
        Command::Index(crate::cli::IndexCommand::Rebuild) => {
            open_write(config, "clout index rebuild")?.write(|app| -> Result<ExitCode> {
                let n = app.recompute_niches()?;
                println!("rebuilt the discovery index: {} channels, {} with niche labels", n.channels, n.labelled);
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::Quality(crate::cli::QualityArgs { command: None, channel, json }) => {
            let Some(channel) = channel else {
                anyhow::bail!("name a channel (clout quality PLATFORM/HANDLE) or use `clout quality train` / `check`");
            };
            open_read(config)?.read(|app| -> Result<ExitCode> {
                let r = app.quality(&channel, TierPreset::Scrunch)?;
                let q = &r.score;
                let mut text = String::new();
                if json {
                    text.push_str(&format!("{}\n", clout_wire::line(&clout_wire::Quality::from(&r))));
                } else {
                    text.push_str(&format!(
                        "{}/{}: audience quality {:.0} (range {:.0}-{:.0}; 100 = nothing suspicious){}\n",
                        r.view.row.platform,
                        r.view.row.handle,
                        q.score,
                        q.low,
                        q.high,
                        if q.not_enough_evidence {
                            "\n  NOT ENOUGH EVIDENCE: fewer than two kinds of evidence; the score is mostly the prior of 70"
                        } else {
                            ""
                        }
                    ));
                    for c in &q.components {
                        // A component with nothing wrong shows "ok", never a loss of 0.
                        let mark = if !c.available {
                            "  n/a".to_string()
                        } else if c.penalty > 0.0 {
                            format!("{:>5.0}", -c.penalty)
                        } else {
                            "   ok".to_string()
                        };
                        text.push_str(&format!("{mark}  {:<24} {}\n", c.name, c.explanation));
                        for e in &c.evidence {
                            text.push_str(&format!("         - {e}\n"));
                        }
                    }
                }
                crate::output::emit(&text)?;
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::Quality(crate::cli::QualityArgs {
            command: Some(crate::cli::QualityCommand::Train { labels, platform, all_features, json }),
            ..
        }) => {
            let platform =
                platform.as_deref().map(clout_core::Platform::parse).transpose().map_err(|e| anyhow::anyhow!("{e}"))?;
            open_write(config, "clout quality train")?.write(|app| -> Result<ExitCode> {
                let s = app.train_follower_model(&labels, platform, all_features)?;
                crate::output::emit(&crate::commands::quality::trained(&s, json))?;
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::Quality(crate::cli::QualityArgs {
            command: Some(crate::cli::QualityCommand::Check { file, json }),
            ..
        }) => open_read(config)?.read(|app| -> Result<ExitCode> {
            let check = app.check_followers(&file)?;
            for (line, reason) in &check.rejects {
                eprintln!("rejected {}:{line}: {reason}", file.display());
            }
            crate::output::emit(&crate::commands::quality::checked(&check.followers, json))?;
            Ok(ExitCode::SUCCESS)
        }),
        Command::Niches => {
            crate::output::emit(clout_app::DEFAULT_TAXONOMY)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What a user reads when the derived state lags the observations.
pub(crate) fn stale_message(since: clout_core::Timestamp) -> String {
    format!(
        "the metrics, audience quality and niche labels are STALE: observations imported since {} are not in \
         them (an import or a recompute was cut short). Run `clout recompute`; the next import or `clout serve` \
         also does it.",
        clout_wire::dates::for_terminal(since)
    )
}

fn status(app: &Reader<'_>, as_json: bool) -> Result<ExitCode> {
    use std::fmt::Write as _;
    let mut text = String::new();
    let s = app.store_stats()?;
    let runs = app.runs()?;
    let stale = app.derived_stale_since()?;
    if as_json {
        let mut o = clout_wire::Status::from(&s, &runs, stale, &|p| p.to_string());
        o.data_dir = Some(app.data_dir().display().to_string());
        o.store = Some(app.store_location());
        let o = clout_wire::line(&o);
        let _ = writeln!(text, "{o}");
        crate::output::emit(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let _ = writeln!(text, "data directory {}", app.data_dir().display());
    let _ = writeln!(text, "store {}", app.store_location());
    match stale {
        None => {
            let _ = writeln!(text, "metrics, audience quality and niche labels are current");
        }
        Some(since) => {
            let _ = writeln!(text, "{}", stale_message(since));
        }
    }
    let _ = writeln!(
        text,
        "{} channels ({} channel records, {} follower counts), {} posts ({} observations), {} rejects kept",
        clout_core::metric::thousands(s.channels),
        clout_core::metric::thousands(s.channel_observations),
        clout_core::metric::thousands(s.follower_observations),
        clout_core::metric::thousands(s.posts),
        clout_core::metric::thousands(s.post_observations),
        clout_core::metric::thousands(s.rejects)
    );
    let rows: Vec<Vec<String>> = runs
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                clout_wire::dates::for_terminal(r.started_at),
                r.status.as_str().to_string(),
                clout_core::metric::thousands(r.accepted),
                clout_core::metric::thousands(r.rejected),
                r.files.join(", "),
            ]
        })
        .collect();
    let _ = write!(
        text,
        "{}",
        crate::output::table(&["RUN", "STARTED", "STATUS", "ACCEPTED", "REJECTED", "FILES"], &rows, &[0, 3, 4])
    );
    crate::output::emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Opens the data directory to read; says on stderr when its derived numbers are stale,
/// so that no table or JSON is taken for current when it is not.
fn open_read(config: AppConfig) -> Result<Catalogue> {
    let catalogue = Catalogue::open(config, CatalogueOptions::read())?;
    if let Ok(Some(since)) = catalogue.read(|r| r.derived_stale_since()) {
        eprintln!("warning: {}", stale_message(since));
    }
    Ok(catalogue)
}

/// Opens the data directory to write, as `command` for a process waiting on the lock.
fn open_write(config: AppConfig, command: &str) -> Result<Catalogue> {
    let holder = format!("{command}, pid {}", std::process::id());
    Ok(Catalogue::open(config, CatalogueOptions::write(holder))?)
}

/// The wall clock, read in one place: the app and core take time as a parameter.
#[allow(clippy::disallowed_methods)]
fn now() -> clout_core::Timestamp {
    clout_core::Timestamp::from_unix(jiff::Timestamp::now().as_second())
}

fn preset(arg: TierPresetArg) -> TierPreset {
    match arg {
        TierPresetArg::Scrunch => TierPreset::Scrunch,
        TierPresetArg::Industry => TierPreset::Industry,
    }
}

/// Serves the web app until Ctrl-C; the first line on stdout is the address. While no
/// account exists, the one-time setup code the first admin needs goes to stderr (the
/// operator's terminal) just before, and nowhere else.
pub(crate) fn serve(config: AppConfig, args: &crate::cli::ServeArgs) -> Result<ExitCode> {
    let mut serve_config = clout_web::ServeConfig::new(config, now);
    serve_config.secure_cookies = args.secure_cookies;
    serve_config.allowed_hosts = args.allowed_hosts.clone();
    serve_config.keep_uploads_days = args.keep_uploads_days;
    serve_config.log_requests = !args.no_request_log;
    if let Some(every) = &args.refresh_every {
        let every = crate::cli::parse_age(every).map_err(|e| anyhow::anyhow!("--refresh-every {e}"))?;
        let config = serve_config.app.clone();
        // A writer of its own, as another process would be: the server follows what it writes.
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(std::time::Duration::from_secs(every as u64));
                eprintln!("refresh: re-fetching accounts older than {every} s");
                if let Err(e) = fetch::refresh_once(&config, every, &[], fetch::Output::Log) {
                    eprintln!("refresh: {e}");
                }
            }
        });
    }
    clout_web::run(serve_config, &args.addr, |bound, setup_code| {
        if let Some(code) = setup_code {
            eprintln!("Setup code: {code} (the setup page asks for it once, to create the admin account)");
        }
        println!("Clout is serving on http://{bound}/ (Ctrl-C to stop)");
        use std::io::Write;
        std::io::stdout().flush().ok();
    })
    .map_err(|e| anyhow::anyhow!(e))?;
    Ok(ExitCode::SUCCESS)
}
