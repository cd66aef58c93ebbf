//! `clout safety`: brand safety (a channel's screening, the list, the audit record); and
//! `clout overlap`, the audience overlap of a shortlist.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub(crate) enum SafetyCommand {
    /// A channel's brand-safety screening: its level in each category (none, low,
    /// moderate, high) and every post or comment that matched, with the terms.
    Show(SafetyShowArgs),
    /// Print the list screened against (TOML), to copy and edit for `set-list`.
    List {
        /// Print Clout's default list instead of the active one.
        #[arg(long)]
        default: bool,
    },
    /// Screen every channel against this list (TOML, the format of `clout safety list`)
    /// from now on; every channel is screened again at once.
    SetList {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// The audit record: who was screened, when, against which list version, and what
    /// matched; CSV (one row per match, and one per category without a match) or JSON.
    Audit(SafetyAuditArgs),
}

#[derive(Debug, Args)]
pub(crate) struct SafetyShowArgs {
    /// PLATFORM/HANDLE, such as instagram/glowwithmaya.
    #[arg(value_name = "PLATFORM/HANDLE")]
    pub(crate) channel: String,
    /// One JSON object, as `GET /api/v1/channels/{platform}/{handle}/safety` answers.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SafetyAuditArgs {
    /// The channels of this saved list (its number), with any named by --channel.
    #[arg(long, value_name = "ID")]
    pub(crate) list: Option<i64>,
    /// This channel (repeat for several); without --list or --channel, every channel.
    #[arg(long, value_name = "PLATFORM/HANDLE")]
    pub(crate) channel: Vec<String>,
    /// JSON (as `GET /api/v1/safety/audit` answers) instead of CSV.
    #[arg(long)]
    pub(crate) json: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct OverlapArgs {
    /// The channels to compare (PLATFORM/HANDLE), with a saved list's if --list is given.
    #[arg(value_name = "PLATFORM/HANDLE")]
    pub(crate) channels: Vec<String>,
    /// The channels of this saved list (its number).
    #[arg(long, value_name = "ID")]
    pub(crate) list: Option<i64>,
    /// One JSON object, as `GET /api/v1/overlap` answers.
    #[arg(long)]
    pub(crate) json: bool,
}
