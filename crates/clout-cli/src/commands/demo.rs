//! `clout demo`: the deterministic demo world, written to a file or imported.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clout_app::{AppConfig, ImportOptions};
use clout_core::Timestamp;

use super::{now, open_write};
use crate::cli::DemoArgs;

pub(crate) fn run(config: AppConfig, args: DemoArgs) -> Result<ExitCode> {
    let as_of: jiff::Timestamp =
        args.as_of.parse().map_err(|e| anyhow!("--as-of '{}' is not an RFC 3339 time: {e}", args.as_of))?;
    let as_of = Timestamp::from_unix(as_of.as_second());
    if let Some(path) = &args.write {
        let stats = write(path, args.seed, args.channels, as_of)?;
        eprintln!(
            "wrote {} channels, {} posts, {} follower counts ({} records) to {}",
            stats.channels,
            stats.posts,
            stats.follower_points,
            stats.records,
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let dir = config.data_dir.join("demo");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("world-seed{}-{}.ndjson.gz", args.seed, args.channels));
    let stats = write(&path, args.seed, args.channels, as_of)?;
    eprintln!("generated {} channels and {} posts in {}", stats.channels, stats.posts, path.display());
    let options = ImportOptions {
        clock: now,
        strict: false,
        batch_size: args.batch_size,
        limits: Default::default(),
        max_decompressed_bytes: None,
        answers_observed_at: None,
        csv_map: None,
    };
    let mut progress = super::import::Progress::new();
    let catalogue = open_write(config.clone(), "clout demo")?;
    let summary = catalogue.import(|app| app.import(&[path], &options, &mut progress))?;
    drop(catalogue);
    super::import::report(&summary, false);
    if args.serve {
        println!();
        println!("Open the address below and create the admin account with the setup code printed here.");
        let serve = crate::cli::ServeArgs {
            addr: args.addr.clone(),
            secure_cookies: false,
            allowed_hosts: Vec::new(),
            keep_uploads_days: 30,
            no_request_log: false,
            refresh_every: None,
        };
        return super::serve(config, &serve);
    }
    println!();
    println!("The demo world is in {}. Try:", config.data_dir.display());
    println!("  clout channels --platform instagram --tier micro");
    println!("  clout show PLATFORM/HANDLE        (a handle from the list)");
    println!("  clout benchmarks");
    println!("  clout price PLATFORM/HANDLE --quote 150");
    println!("  clout plan --compare --budget 10000 --niche fitness");
    println!("  clout serve                       (the web app on http://{})", clout_web::DEFAULT_ADDR);
    Ok(super::import::exit_code(&summary))
}

fn write(path: &std::path::Path, seed: u64, channels: usize, as_of: Timestamp) -> Result<clout_app::DemoStats> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let gz = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let stats = if gz {
        let mut enc = flate2::write::GzEncoder::new(BufWriter::new(file), flate2::Compression::fast());
        let stats = clout_app::write_demo_world(&mut enc, seed, channels, as_of)?;
        enc.finish().and_then(|mut w| w.flush()).with_context(|| format!("writing {}", path.display()))?;
        stats
    } else {
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let stats = clout_app::write_demo_world(&mut out, seed, channels, as_of)?;
        out.flush().with_context(|| format!("writing {}", path.display()))?;
        stats
    };
    Ok(stats)
}
