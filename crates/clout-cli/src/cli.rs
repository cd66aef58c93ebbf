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

    /// A rate card (TOML) to price with instead of the built-in one (see `clout rate-card`).
    #[arg(long, global = true, value_name = "FILE", env = "CLOUT_RATE_CARD")]
    pub(crate) rate_card: Option<PathBuf>,

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
    /// Search the Directory: text, filters, sorting, pages and facet counts.
    ///
    /// Repeating a filter flag means "any of"; --min-* and --max-* bounds are inclusive;
    /// a channel whose filtered metric is null does not match a bound on it.
    Search(Box<SearchArgs>),
    /// Lookalikes: the channels most like one, by shared niches, shared hashtags and size.
    Similar(SimilarArgs),
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
    /// order). Prices are the rate card's point estimates; the optimisation is exact
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
pub(crate) enum RoleArg {
    Admin,
    Member,
    Viewer,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Every account with its role and whether it is disabled.
    List(JsonArg),
    /// Create an account; its password is read from standard input.
    Create {
        name: String,
        #[arg(long, value_enum, default_value = "member")]
        role: RoleArg,
    },
    /// Set an account's password, read from standard input; its sessions end.
    Passwd { name: String },
    /// Give an account a new random password, printed once; its sessions end.
    Reset { name: String },
    /// Disable an account: it cannot sign in, its sessions end, its tokens stop working.
    Disable { name: String },
    /// Enable a disabled account again.
    Enable { name: String },
    /// Delete an account with its sessions and tokens (what it wrote stays, without an author).
    Delete { name: String },
    /// Change an account's role.
    Role {
        name: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Every API token (or one account's): name, owner, scope, created, expiry.
    List {
        /// Only this account's tokens.
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
        /// JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by its id (from `clout token list`).
    Revoke { id: i64 },
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The address to listen on; loopback only by default. Port 0 picks a free port.
    #[arg(long, default_value = clout_web::DEFAULT_ADDR, value_name = "HOST:PORT")]
    pub(crate) addr: String,
    /// Mark cookies Secure (when a TLS proxy sits in front).
    #[arg(long)]
    pub(crate) secure_cookies: bool,
    /// Another host name the server answers to (a proxy's or the machine's name on the
    /// network); repeatable. The loopback names and the host of --addr always are; a
    /// request naming any other Host is refused (a guard against DNS rebinding).
    #[arg(long = "allowed-host", value_name = "NAME", env = "CLOUT_ALLOWED_HOSTS", value_delimiter = ',')]
    pub(crate) allowed_hosts: Vec<String>,
    /// Days an uploaded file is kept after its import; older uploads are removed at start
    /// and after each import (their observations and rejects stay). 0 removes them at once.
    #[arg(long, default_value_t = 30, value_name = "DAYS")]
    pub(crate) keep_uploads_days: u32,
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

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum SortArg {
    /// Text match blended with the engagement index (the engagement index without text).
    Relevance,
    Followers,
    /// Engagement rate.
    Er,
    /// Engagement index.
    Index,
    /// Follower growth over 30 days.
    Growth,
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    #[command(flatten)]
    pub(crate) filters: FilterArgs,
    #[arg(long, value_enum, default_value = "relevance")]
    pub(crate) sort: SortArg,
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub(crate) limit: usize,
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) offset: usize,
    /// Count results per platform, tier, country, language and niche.
    #[arg(long)]
    pub(crate) facets: bool,
    /// NDJSON: one object per result, then `{"facets": ..., "total": N}` with --facets.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum IndexCommand {
    /// Rebuild the niche labels and the full-text table of every channel from the store.
    Rebuild,
}

#[derive(Debug, Args)]
pub(crate) struct SimilarArgs {
    /// The channel, as PLATFORM/HANDLE.
    #[arg(value_name = "PLATFORM/HANDLE")]
    pub(crate) channel: String,
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub(crate) limit: usize,
    /// The tier bounds to use.
    #[arg(long, value_enum, default_value = "scrunch")]
    pub(crate) tiers: TierPresetArg,
    /// NDJSON: one object per lookalike with the fields of `clout channels --json` and
    /// `similarity` with its parts.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct QualityArgs {
    #[command(subcommand)]
    pub(crate) command: Option<QualityCommand>,
    /// The channel, as PLATFORM/HANDLE: prints its audience-quality score, range, components
    /// and evidence.
    #[arg(value_name = "PLATFORM/HANDLE")]
    pub(crate) channel: Option<String>,
    /// One JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum QualityCommand {
    /// Fit the follower classifier on labelled followers and make it this data directory's.
    ///
    /// The CSV holds follower fields (followers, following, posts_count, has_profile_pic,
    /// is_private, bio_length or bio, username) and is_fake; InstaFake's columns work too.
    /// Prints stratified 5-fold cross-validated precision, recall and F1.
    Train {
        #[arg(long, value_name = "FILE")]
        labels: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Score every `follower` record of an interchange file: NDJSON
    /// `{"username", "channel", "fake_probability", "fake", "reasons"}`.
    Check {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

/// The Directory's filters, shared by `clout search` and `clout plan`.
#[derive(Debug, Args)]
pub(crate) struct FilterArgs {
    /// Words, "quoted phrases" and #hashtags, all of which must match (handle, name, bio,
    /// recent captions and hashtags; words are stemmed).
    #[arg(value_name = "QUERY")]
    pub(crate) query: Vec<String>,
    #[arg(long, value_name = "P")]
    pub(crate) platform: Vec<String>,
    #[arg(long, value_name = "T")]
    pub(crate) tier: Vec<String>,
    /// The tier bounds to use.
    #[arg(long, value_enum, default_value = "scrunch")]
    pub(crate) tiers: TierPresetArg,
    /// ISO 3166-1 alpha-2 country code.
    #[arg(long, value_name = "CC")]
    pub(crate) country: Vec<String>,
    /// ISO 639-1 language code.
    #[arg(long, value_name = "L")]
    pub(crate) language: Vec<String>,
    /// Niche id (see `clout niches`).
    #[arg(long, value_name = "N")]
    pub(crate) niche: Vec<String>,
    #[arg(long, value_name = "N")]
    pub(crate) min_followers: Option<u64>,
    #[arg(long, value_name = "N")]
    pub(crate) max_followers: Option<u64>,
    /// Minimum engagement rate, in percent.
    #[arg(long, value_name = "X")]
    pub(crate) min_er: Option<f64>,
    #[arg(long, value_name = "X")]
    pub(crate) max_er: Option<f64>,
    /// Engagement label: low, good, high, very_high.
    #[arg(long, value_name = "L")]
    pub(crate) label: Vec<String>,
    #[arg(long, value_name = "X")]
    pub(crate) min_index: Option<f64>,
    #[arg(long, value_name = "X")]
    pub(crate) max_index: Option<f64>,
    /// Minimum follower growth over 30 days, in percent.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub(crate) min_growth: Option<f64>,
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub(crate) max_growth: Option<f64>,
    #[arg(long, value_name = "X")]
    pub(crate) min_posts_per_week: Option<f64>,
    #[arg(long, value_name = "X")]
    pub(crate) max_posts_per_week: Option<f64>,
    /// Minimum audience-quality score (0-100).
    #[arg(long, value_name = "X")]
    pub(crate) min_quality: Option<f64>,
    #[arg(long, value_name = "X")]
    pub(crate) max_quality: Option<f64>,
    /// Only verified (true) or unverified (false) channels.
    #[arg(long, value_name = "BOOL")]
    pub(crate) verified: Option<bool>,
    /// Only channels with (true) or without (false) a contact email.
    #[arg(long, value_name = "BOOL")]
    pub(crate) has_email: Option<bool>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum DeliverableArg {
    Post,
    /// A video or reel.
    #[value(alias = "reel")]
    Video,
    Story,
    Short,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum GoalArg {
    Engagements,
    Reach,
    Views,
    /// Earned media value, from the rate card's value table.
    Value,
}

#[derive(Debug, Args)]
pub(crate) struct PriceArgs {
    /// The channel, as PLATFORM/HANDLE.
    #[arg(value_name = "PLATFORM/HANDLE")]
    pub(crate) channel: String,
    #[arg(long, value_enum, default_value = "post")]
    pub(crate) deliverable: DeliverableArg,
    /// A quote to judge: fair within the estimate's range, high above it, low below.
    #[arg(long, value_name = "AMOUNT")]
    pub(crate) quote: Option<String>,
    /// The quote's currency (default: the rate card's).
    #[arg(long, value_name = "C")]
    pub(crate) currency: Option<String>,
    /// The tier bounds to use.
    #[arg(long, value_enum, default_value = "scrunch")]
    pub(crate) tiers: TierPresetArg,
    /// One JSON object, with `engagements`, `views` and `reach` as {p10, p50, p90}.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    /// The budget, such as 10000 or 2500.50.
    #[arg(long, value_name = "AMOUNT")]
    pub(crate) budget: String,
    /// The budget's currency (default: the rate card's).
    #[arg(long, value_name = "C")]
    pub(crate) currency: Option<String>,
    #[arg(long, value_enum, default_value = "engagements")]
    pub(crate) goal: GoalArg,
    #[arg(long, value_enum, default_value = "post")]
    pub(crate) deliverable: DeliverableArg,
    /// No creator may take more than this percentage of the budget.
    #[arg(long, value_name = "PCT")]
    pub(crate) max_share: Option<f64>,
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) min_creators: usize,
    #[arg(long, value_name = "N")]
    pub(crate) max_creators: Option<usize>,
    /// A channel never to pick (PLATFORM/HANDLE); repeat for more.
    #[arg(long, value_name = "PLATFORM/HANDLE")]
    pub(crate) exclude: Vec<String>,
    /// Spend the budget three ways: micro only, at most 3 macro or mega, unconstrained.
    #[arg(long)]
    pub(crate) compare: bool,
    /// Seconds for finding, pricing and optimising; when they run out, the best plan so far
    /// is printed with its optimality gap.
    #[arg(long, default_value_t = 1.0, value_name = "SECS")]
    pub(crate) time_limit: f64,
    /// The most matches considered as candidates, first in --sort order (at most 20,000).
    #[arg(long, default_value_t = clout_app::MAX_CANDIDATES, value_name = "N")]
    pub(crate) candidates: usize,
    #[arg(long, value_enum, default_value = "relevance")]
    pub(crate) sort: SortArg,
    #[command(flatten)]
    pub(crate) filters: FilterArgs,
    /// One JSON object: `picks` (each with `platform`, `handle`, `price` and expected
    /// results) and `totals`; with --compare, one per scenario.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CampaignCommand {
    /// Create a campaign, from scratch or from `clout plan --json` output (--from-plan).
    Create(Box<CampaignCreateArgs>),
    /// Every campaign.
    List(JsonArg),
    /// One campaign: brief, members with stage and fee, deliverables, stage history.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Add a creator (at `prospect`, or --stage).
    Add {
        name: String,
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        /// The agreed fee, in the campaign's currency.
        #[arg(long, value_name = "AMOUNT")]
        fee: Option<String>,
        #[arg(long, value_name = "STAGE")]
        stage: Option<String>,
    },
    /// Take a creator out of the campaign.
    Remove {
        name: String,
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
    },
    /// Move a creator to a stage: prospect, contacted, negotiating, contracted, content_live,
    /// paid or declined (contracted and later need an agreed fee).
    Stage {
        name: String,
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        stage: String,
    },
    /// Set a creator's agreed fee (in the campaign's currency).
    Fee {
        name: String,
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        #[arg(value_name = "AMOUNT")]
        fee: String,
    },
    /// Add a deliverable for a creator; prints its id.
    Deliverable {
        name: String,
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        #[arg(long = "type", value_enum, default_value = "post")]
        kind: DeliverableArg,
        /// Due date (YYYY-MM-DD or RFC 3339).
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
    },
    /// Link a deliverable to its post, by post id or URL; its counts come from imports.
    Link {
        name: String,
        #[arg(value_name = "DELIVERABLE")]
        deliverable: i64,
        #[arg(value_name = "POST_ID_OR_URL")]
        post: String,
    },
    /// Cancel a deliverable.
    Cancel {
        name: String,
        #[arg(value_name = "DELIVERABLE")]
        deliverable: i64,
    },
    /// The report: per creator and in total.
    Report {
        name: String,
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// One CSV line per creator, then a totals line.
        #[arg(long)]
        csv: bool,
    },
    /// Change the brief: only the fields given change.
    Edit(Box<CampaignEditArgs>),
    /// Delete a campaign with its members and deliverables (conversions stay).
    Delete { name: String },
}

#[derive(Debug, Args)]
pub(crate) struct CampaignCreateArgs {
    pub(crate) name: String,
    /// The budget (default: the plan's, with --from-plan).
    #[arg(long, value_name = "AMOUNT")]
    pub(crate) budget: Option<String>,
    /// Default: the plan's, else the rate card's.
    #[arg(long, value_name = "C")]
    pub(crate) currency: Option<String>,
    #[arg(long, value_enum, default_value = "engagements")]
    pub(crate) goal: GoalArg,
    #[arg(long, value_name = "N")]
    pub(crate) niche: Option<String>,
    /// First day (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub(crate) starts: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub(crate) ends: Option<String>,
    /// Key messages of the brief.
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub(crate) messages: String,
    /// What every delivered post must carry; posts without it are flagged.
    #[arg(long, value_name = "TEXT", default_value = "#ad")]
    pub(crate) disclosure: String,
    /// A plan (`clout plan --json` output): its picks become prospects with their price and
    /// expected engagements.
    #[arg(long, value_name = "FILE")]
    pub(crate) from_plan: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CreatorCommand {
    /// Contacts, tags, notes and campaigns of a creator.
    Show {
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        #[arg(long)]
        json: bool,
    },
    /// Save contacts and tags (only the fields given change).
    Set {
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        agent: Option<String>,
        /// Comma-separated tags (replaces the tags).
        #[arg(long)]
        tags: Option<String>,
    },
    /// Add a dated note.
    Note {
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        text: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct CampaignEditArgs {
    pub(crate) name: String,
    /// A new name.
    #[arg(long, value_name = "NAME")]
    pub(crate) rename: Option<String>,
    #[arg(long, value_name = "AMOUNT")]
    pub(crate) budget: Option<String>,
    /// A new currency (only while no fee is recorded in the old one).
    #[arg(long, value_name = "C")]
    pub(crate) currency: Option<String>,
    #[arg(long, value_enum)]
    pub(crate) goal: Option<GoalArg>,
    #[arg(long, value_name = "N")]
    pub(crate) niche: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub(crate) starts: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub(crate) ends: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub(crate) messages: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub(crate) disclosure: Option<String>,
}
