//! The arguments of the commands that fill and maintain the data directory: `clout
//! import`, `clout demo` and `clout index`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

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
    /// The longest line (and CSV record) read, in bytes; a longer one is rejected and
    /// reading goes on at the next line.
    #[arg(long, default_value_t = clout_app::ImportLimits::DEFAULT_MAX_LINE_BYTES, value_name = "BYTES")]
    pub(crate) max_line_bytes: usize,
    /// The most text one field may hold, in bytes; a record with a longer field is rejected.
    #[arg(long, default_value_t = clout_app::ImportLimits::DEFAULT_MAX_FIELD_BYTES, value_name = "BYTES")]
    pub(crate) max_field_bytes: usize,
    /// The most bytes a gzip file may expand to [default: 100 times its size, at least 1 GiB].
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_decompressed_bytes: Option<u64>,
    /// When saved API answers among the files were read from their platform (RFC 3339 or
    /// Unix seconds) [default: each file's modification time].
    #[arg(long, value_name = "TIME")]
    pub(crate) observed_at: Option<String>,
    /// Read CSV files through a map from their columns to interchange fields: a TOML file,
    /// or a built-in map (apify-instagram-profiles, youtube-studio-content); see
    /// docs/interchange.md.
    #[arg(long, value_name = "MAP")]
    pub(crate) map: Option<PathBuf>,
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
    #[arg(long, value_name = "FILE", conflicts_with = "serve")]
    pub(crate) write: Option<PathBuf>,
    /// After importing, serve the web app on this data directory (as `clout serve`).
    #[arg(long)]
    pub(crate) serve: bool,
    /// The address for --serve.
    #[arg(long, default_value = clout_web::DEFAULT_ADDR, value_name = "HOST:PORT", requires = "serve")]
    pub(crate) addr: String,
    /// Records per transaction when importing.
    #[arg(long, default_value_t = 50_000, value_name = "N")]
    pub(crate) batch_size: usize,
}

#[derive(Debug, Subcommand)]
pub(crate) enum IndexCommand {
    /// Rebuild the niche labels and the full-text table of every channel from the store.
    Rebuild,
}
