//! The command line, as clap derive structs; doc comments become `--help`.
//!
//! Here: the top level ([`Cli`], its global options and [`Command`], one variant per
//! subcommand, in the order `--help` lists them) and the arguments several families
//! share. Each family's arguments are in a module of their own: `data` (import, demo,
//! index), `search` (channels, show, search, similar, quality), `price` (price, plan),
//! `campaign` (campaigns and creators) and `web` (serve, users, tokens). Every type is
//! re-exported here, so the commands name them as `crate::cli::...`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod campaign;
mod connect;
mod data;
mod price;
mod safety;
mod search;
mod web;

pub(crate) use campaign::{CampaignCommand, CampaignCreateArgs, CreatorCommand};
pub(crate) use connect::{DiscoverCommand, FetchArgs, FetchCommand, RefreshArgs, parse_age};
pub(crate) use data::{DemoArgs, ImportArgs, IndexCommand};
pub(crate) use price::{DeliverableArg, GoalArg, PlanArgs, PriceArgs};
pub(crate) use safety::{OverlapArgs, SafetyAuditArgs, SafetyCommand, SafetyShowArgs};
pub(crate) use search::{
    BrandArgs, BriefArgs, ChannelsArgs, FilterArgs, PostSearchArgs, PostsCommand, QualityArgs, QualityCommand,
    SearchArgs, ShowArgs, SimilarArgs, SortArg,
};
pub(crate) use web::{RoleArg, ServeArgs, TokenCommand, UserCommand};

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

    /// A rate card (TOML) to price with instead of the built-in one (see `clout rate-card`).
    #[arg(long, global = true, value_name = "FILE", env = "CLOUT_RATE_CARD")]
    pub(crate) rate_card: Option<PathBuf>,

    /// Word vectors (the text format of word2vec, GloVe and fastText) that widen a brief's
    /// topics with similar words (`clout brief`, the server's briefs). Read from disk only.
    #[arg(long, global = true, value_name = "FILE", env = "CLOUT_VECTORS")]
    pub(crate) vectors: Option<PathBuf>,

    /// A PostgreSQL database to keep the store in (postgres://user:password@host:port/db)
    /// instead of SQLite in the data directory, for a team server or several nodes; the
    /// data directory then keeps only each node's indexes and rejects (docs/deploy.md).
    #[arg(long, global = true, value_name = "URL", env = "CLOUT_STORE", hide_env_values = true)]
    pub(crate) store: Option<String>,

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
    /// Read creators from a platform's API into the store, then recompute.
    ///
    /// Each page read is committed with a checkpoint: a fetch that is killed or stopped
    /// continues where it was when run again, and a fetch of an account read before reads
    /// only its new posts and fresh counts for the last 30 days. Records that do not fit
    /// are rejected as in an import. Exit status: 0 when every account was read, 1 when
    /// any was not found or failed, or the fetch stopped (rate limited for too long).
    #[command(subcommand)]
    Fetch(FetchCommand),
    /// Find creators you do not know yet on a platform, and fetch them.
    #[command(subcommand)]
    Discover(DiscoverCommand),
    /// Re-fetch the accounts fetched before whose data is older than --older-than (7 days
    /// by default): new posts, and fresh counts for the last 30 days. Keys as for `fetch`;
    /// hosts from CLOUT_BLUESKY_API, CLOUT_YOUTUBE_API, CLOUT_INSTAGRAM_API.
    Refresh(RefreshArgs),
    /// List every channel with its metrics.
    Channels(ChannelsArgs),
    /// Show one channel: metrics with provenance, window posts, follower history.
    Show(ShowArgs),
    /// Search the Directory: text, filters, sorting, pages and facet counts.
    ///
    /// Repeating a filter flag means "any of"; --min-* and --max-* bounds are inclusive;
    /// a channel whose filtered metric is null does not match a bound on it.
    Search(Box<SearchArgs>),
    /// Lookalikes: the channels most like one, by shared niches, shared hashtags and size.
    Similar(SimilarArgs),
    /// What creators said: search every post's caption, hashtags and mentions.
    #[command(subcommand)]
    Posts(PostsCommand),
    /// A brief in plain words turned into a ranked list of creators, each with the reason
    /// it fits and the posts that show it; how the brief was read comes first.
    ///
    /// No hosted model: places, languages, platforms, tiers, follower bounds, formats and
    /// a window are read by rules and filter exactly; the other words are topics searched
    /// in every post (and, with --vectors, their similar words). See docs/brief.md.
    Brief(BriefArgs),
    /// Who posted about a brand (its @account or #name): sponsored versus organic, by
    /// month, with the engagements, and its share of voice against competitors (--vs).
    Brand(BrandArgs),
    /// Brand safety: what each channel's posts and comments show of categories a brand
    /// avoids (adult, violence, hate, drugs and alcohol, gambling, profanity, politics,
    /// medical claims, or your own list), with the posts behind every level, and the audit record.
    #[command(subcommand)]
    Safety(SafetyCommand),
    /// Audience overlap of a shortlist: followers each pair shares (estimated from the
    /// imported follower samples, with 95 % ranges), commenters they share, each channel's
    /// unique share, and the list's unique reach.
    Overlap(OverlapArgs),
    /// Audience quality: a channel's score with its components (`clout quality P/H`), or the
    /// follower classifier (`train`, `check`).
    Quality(QualityArgs),
    /// A channel's price estimate per deliverable, with the rule of thumb, a quote's
    /// fairness and the expected results (P10 / P50 / P90 from its post history).
    Price(PriceArgs),
    /// Pick the creators that maximise an expected goal within a budget (--compare: micro
    /// versus top tier versus unconstrained, side by side).
    ///
    /// Candidates are the Directory's matches for the filters (the first 20,000 in sort
    /// order), of the micro tier unless --tier says otherwise (--tier any: every tier). Prices are the rate card's point estimates; the optimisation is exact
    /// (branch and bound) unless --time-limit stops it, which the output then says,
    /// with the optimality gap.
    Plan(Box<PlanArgs>),
    /// Print the built-in rate card (TOML, sources in comments), to copy and edit for --rate-card.
    RateCard,
    /// Campaigns: the brief, creators through the pipeline, fees, deliverables, linked posts
    /// and the report (engagements, cost per engagement, CPM, EMV, ROI).
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// A creator's relationship: contacts, tags and dated notes, and their campaigns.
    #[command(subcommand)]
    Creator(CreatorCommand),
    /// Per-platform size fits and peer groups (the benchmarks behind labels and index).
    Benchmarks(JsonArg),
    /// Generate a deterministic demo world and import it (or write it with --write).
    Demo(DemoArgs),
    /// Recompute every derived metric and niche label from the store.
    Recompute,
    /// Print the built-in niche taxonomy (TOML), to copy and edit for --niches.
    Niches,
    /// The discovery index (niche labels and the full-text table; derived from the store).
    #[command(subcommand)]
    Index(IndexCommand),
    /// What the data directory holds: row counts and every import run.
    Status(JsonArg),
    /// Copy the data directory, consistent as of one moment, to DEST (new or empty); safe
    /// while `clout serve` runs and while an import writes.
    Backup {
        /// The backup directory; it is a data directory of its own.
        #[arg(value_name = "DEST")]
        dest: PathBuf,
    },
    /// Move the data directory's SQLite store into an empty PostgreSQL database: every
    /// row with its ids, as of one moment, in one transaction (safe while other processes
    /// write; a move cut short leaves the database empty); then both are compared. Run
    /// with `--store URL` (or CLOUT_STORE) afterwards.
    MigrateStore {
        /// The PostgreSQL database (postgres://user:password@host:port/db), empty.
        #[arg(long = "to", value_name = "URL", env = "CLOUT_MIGRATE_TO", hide_env_values = true)]
        to: String,
    },
    /// Put a backup back as the data directory (stop `clout serve` first).
    Restore {
        /// A directory written by `clout backup`.
        #[arg(value_name = "SRC")]
        src: PathBuf,
    },
    /// Serve the web app and the JSON API (http://127.0.0.1:8080 by default).
    Serve(ServeArgs),
    /// The web app's accounts, managed as the operator (who holds the data directory):
    /// list, create, set or reset a password, disable, enable, delete, change a role.
    ///
    /// Passwords are read from standard input (one line), never from the command line.
    /// The last active admin cannot be disabled, deleted or demoted.
    #[command(subcommand)]
    User(UserCommand),
    /// The web app's API tokens: list (never the secrets) and revoke.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum TierPresetArg {
    /// Scrunch's bounds: micro = 2,000 to 49,999 followers.
    Scrunch,
    /// HypeAuditor's report bounds: micro = 10,000 to 49,999 followers.
    Industry,
}

#[derive(Debug, Args)]
pub(crate) struct JsonArg {
    /// JSON output.
    #[arg(long)]
    pub(crate) json: bool,
}
