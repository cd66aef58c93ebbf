//! `clout import`: progress on a terminal, plain lines otherwise, rejects on stderr,
//! and a summary (JSON with `--json`).

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;
use clout_app::{AppConfig, ImportOptions, ImportProgress, ImportSummary, RejectReport};
use clout_core::metric::thousands;
use indicatif::{ProgressBar, ProgressStyle};

use super::{now, open_write};
use crate::cli::ImportArgs;

/// Rejects printed one by one before the rest are only counted.
const REJECTS_SHOWN: u64 = 50;

pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    shown_rejects: u64,
    hidden_rejects: u64,
}

impl Progress {
    pub(crate) fn new() -> Progress {
        Progress { bar: None, shown_rejects: 0, hidden_rejects: 0 }
    }

    fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }
}

impl ImportProgress for Progress {
    fn file_started(&mut self, file: &str, size: Option<u64>) {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(size.unwrap_or(0));
            bar.set_style(
                ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_message(file.to_string());
            self.bar = Some(bar);
        } else {
            eprintln!("importing {file}");
        }
    }

    fn bytes_read(&mut self, _file: &str, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
        }
    }

    fn batch_committed(&mut self, file: &str, accepted: u64, rejected: u64, _records_in_run: u64) {
        if self.bar.is_none() {
            let rejected =
                if rejected > 0 { format!(" ({} rejected so far)", thousands(rejected)) } else { String::new() };
            eprintln!("committed {} records of {file}{rejected}", thousands(accepted));
        }
    }

    fn reject(&mut self, r: &RejectReport) {
        if self.shown_rejects < REJECTS_SHOWN {
            self.shown_rejects += 1;
            for issue in &r.issues {
                let field = issue.field.as_deref().map(|f| format!(" field {f}:")).unwrap_or_default();
                self.say(&format!("rejected {}:{}:{field} {}", r.file, r.line, issue.reason));
            }
        } else {
            self.hidden_rejects += 1;
        }
    }

    fn file_finished(&mut self, file: &str, accepted: u64, rejected: u64) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        eprintln!("{file}: {accepted} accepted, {rejected} rejected");
    }

    fn recomputing(&mut self) {
        if self.hidden_rejects > 0 {
            eprintln!(
                "... and {} more rejects (all are listed in reasons.tsv beside the rejects file)",
                self.hidden_rejects
            );
        }
        eprintln!("recomputing metrics");
    }
}

pub(crate) fn run(config: AppConfig, args: ImportArgs) -> Result<ExitCode> {
    let limits = clout_app::ImportLimits {
        max_line_bytes: args.max_line_bytes.max(1),
        max_field_bytes: args.max_field_bytes,
        ..Default::default()
    };
    let options = ImportOptions {
        clock: now,
        strict: args.strict,
        batch_size: args.batch_size,
        limits,
        max_decompressed_bytes: args.max_decompressed_bytes,
        answers_observed_at: args.observed_at.as_deref().map(parse_time).transpose()?,
        csv_map: args.map.as_deref().map(clout_app::csv_map).transpose()?,
    };
    let mut progress = Progress::new();
    let catalogue = open_write(config, "clout import")?;
    let summary = catalogue.import(|app| app.import(&args.files, &options, &mut progress))?;
    report(&summary, args.json);
    Ok(exit_code(&summary))
}

/// An RFC 3339 time or Unix seconds, as `--observed-at` takes it.
fn parse_time(raw: &str) -> Result<clout_core::Timestamp> {
    let seconds = match raw.trim().parse::<i64>() {
        Ok(s) => s,
        Err(_) => raw
            .trim()
            .parse::<jiff::Timestamp>()
            .map_err(|e| anyhow::anyhow!("--observed-at {raw:?}: not an RFC 3339 time or Unix seconds ({e})"))?
            .as_second(),
    };
    Ok(clout_core::Timestamp::from_unix(seconds))
}

pub(crate) fn exit_code(summary: &ImportSummary) -> ExitCode {
    if !summary.file_errors.is_empty() {
        ExitCode::from(1)
    } else if summary.strict_refused {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

pub(crate) fn report(summary: &ImportSummary, as_json: bool) {
    for e in &summary.file_errors {
        eprintln!("error: {}: {}", e.file, e.message);
    }
    if as_json {
        println!("{}", clout_wire::line(&clout_wire::ImportSummary::from(summary, &|p| p.to_string())));
        return;
    }
    if summary.strict_refused {
        println!(
            "--strict: {} records rejected{}; nothing was imported",
            summary.rejected,
            if summary.file_errors.is_empty() { "" } else { " and some files unreadable" }
        );
        return;
    }
    println!(
        "imported {} records ({} new or changed, {} already stored): {} channels, {} posts",
        summary.accepted, summary.written, summary.unchanged, summary.channels, summary.posts
    );
    if summary.rejected > 0 {
        let file = summary.rejects_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        println!("rejected {} records, kept verbatim in {file}; fix them and import that file again", summary.rejected);
    }
    if let Some(m) = &summary.metrics {
        println!("metrics recomputed for {} channels ({} with an engagement rate)", m.channels, m.with_rate);
    }
    if let Some(n) = &summary.niches {
        println!("niches: {} of {} channels labelled", n.labelled, n.channels);
    }
}
