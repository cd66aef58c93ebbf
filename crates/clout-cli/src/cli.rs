//! The command line, as clap derive structs; doc comments become `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Clout: find, judge and plan campaigns with micro-influencers, on your own data.
#[derive(Debug, Parser)]
#[command(name = "clout", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    /// The data directory (store, rejects). Defaults to $CLOUT_DATA, else ./clout-data.
    #[arg(long, global = true, value_name = "DIR", env = "CLOUT_DATA", default_value = "clout-data")]
    pub(crate) data: PathBuf,

    /// A niche taxonomy (TOML) to use instead of the built-in one.
    #[arg(long, global = true, value_name = "FILE", env = "CLOUT_NICHES")]
    pub(crate) niches: Option<PathBuf>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Import interchange files (NDJSON or CSV, plain or gzip) and recompute every metric.
    ///
    /// Bad records are reported with file, line, field and reason, kept verbatim in a
    /// rejects file under the data directory, and the rest imports. Exit status: 0 when
    /// the import ran (even with rejects), 1 on a fatal error (unreadable file, store
    /// failure), 3 when --strict found rejects (then nothing is written).
    Import(ImportArgs),
    /// List every channel with its metrics.
    Channels(ChannelsArgs),
    /// Show one channel: metrics with provenance, window posts, follower history.
    Show(ShowArgs),
    /// Per-platform size fits and peer groups (the benchmarks behind labels and index).
    Benchmarks(JsonArg),
    /// Generate a deterministic demo world and import it (or write it with --write).
    Demo(DemoArgs),
    /// Recompute every derived metric and niche label from the store.
    Recompute,
    /// Print the built-in niche taxonomy (TOML), to copy and edit for --niches.
    Niches,
    /// What the data directory holds: row counts and every import run.
    Status(JsonArg),
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// Files to import.
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Fail (exit 3) on any rejected record, and then import nothing.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Print one JSON summary object at the end.
    #[arg(long)]
    pub(crate) json: bool,
    /// Records per transaction.
    #[arg(long, default_value_t = 50_000, value_name = "N")]
    pub(crate) batch_size: usize,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum TierPresetArg {
    /// Scrunch's bounds: micro = 2,000 to 49,999 followers.
    Scrunch,
    /// HypeAuditor's report bounds: micro = 10,000 to 49,999 followers.
    Industry,
}

#[derive(Debug, Args)]
pub(crate) struct ChannelsArgs {
    /// Only this platform (instagram, tiktok, youtube, x, ...).
    #[arg(long, value_name = "P")]
    pub(crate) platform: Option<String>,
    /// Only this tier (none, nano, micro, mid, macro, mega).
    #[arg(long, value_name = "T")]
    pub(crate) tier: Option<String>,
    /// The tier bounds to use.
    #[arg(long, value_enum, default_value = "scrunch")]
    pub(crate) tiers: TierPresetArg,
    /// NDJSON, one object per channel.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The channel, as PLATFORM/HANDLE (for example instagram/veganvibes).
    #[arg(value_name = "PLATFORM/HANDLE")]
    pub(crate) channel: String,
    /// The tier bounds to use.
    #[arg(long, value_enum, default_value = "scrunch")]
    pub(crate) tiers: TierPresetArg,
    /// One JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct JsonArg {
    /// JSON output.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// The seed: the same seed and options give the same world, byte for byte.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// How many channels.
    #[arg(long, default_value_t = 3_000, value_name = "N")]
    pub(crate) channels: usize,
    /// The world's reference time (RFC 3339); the newest observations are taken then.
    #[arg(long, default_value = "2026-11-20T12:00:00Z", value_name = "TIME")]
    pub(crate) as_of: String,
    /// Write the world as interchange NDJSON to FILE (gzip when it ends in .gz) instead of importing it.
    #[arg(long, value_name = "FILE")]
    pub(crate) write: Option<PathBuf>,
    /// Records per transaction when importing.
    #[arg(long, default_value_t = 50_000, value_name = "N")]
    pub(crate) batch_size: usize,
}
