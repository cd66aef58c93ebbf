//! The arguments of the commands that read channels: `clout channels`, `clout show`,
//! `clout search` (with the Directory's filters, which `clout plan` shares), `clout
//! similar` and `clout quality`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::TierPresetArg;

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
    /// Prints stratified 5-fold cross-validated precision, recall, specificity, F1 and ROC
    /// AUC, overall and per audience type.
    Train {
        #[arg(long, value_name = "FILE")]
        labels: PathBuf,
        /// Make it the model for this platform's followers only (e.g. `x`); without it, the
        /// model for every platform that has no model of its own.
        #[arg(long, value_name = "P")]
        platform: Option<String>,
        /// Use every feature, including how active an account is (posts, followers, bio,
        /// private): only for labels drawn from the very population the model will judge.
        /// Without it, only the marks of bought accounts that hold on every platform.
        #[arg(long)]
        all_features: bool,
        #[arg(long)]
        json: bool,
    },
    /// Judge every `follower` record of an interchange file: its audience type (real,
    /// influencer, mass_follower, inactive or suspicious) with probabilities and reasons.
    /// NDJSON: `{"username", "channel", "type", "probabilities", "fake_probability", "fake",
    /// "reasons"}`; `fake` is true when the type is `suspicious`.
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
    /// Only channels whose data was read on or after this date (2026-11-27) or time.
    #[arg(long, value_name = "DATE")]
    pub(crate) data_since: Option<String>,
    /// Only channels that posted about this (words, "a phrase", #hashtag, @mention) in
    /// their captions, hashtags or mentions; see --posted-min and --posted-since.
    #[arg(long, value_name = "TEXT")]
    pub(crate) posted: Option<String>,
    /// With --posted: at least this many matching posts (default 1).
    #[arg(long, value_name = "N", requires = "posted")]
    pub(crate) posted_min: Option<u32>,
    /// With --posted: count only posts published since this date (2026-09-01), time, or
    /// this many days ago (90d).
    #[arg(long, value_name = "WHEN", requires = "posted")]
    pub(crate) posted_since: Option<String>,
    /// Only channels whose brand safety is at most this level (none, low, moderate, high)
    /// in every category, or in those of --safety-in (see `clout safety`).
    #[arg(long, value_name = "LEVEL")]
    pub(crate) safety_max: Option<String>,
    /// With --safety-max: only these categories (repeat, or comma-separated: adult,gambling).
    #[arg(long, value_name = "CATEGORY", requires = "safety_max")]
    pub(crate) safety_in: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct BriefArgs {
    /// The brief, in plain words: "vegan home cooks in Australia who post reels about
    /// budget meals". Places after "in" or "from", languages after "in" or before
    /// "-speaking", platforms, tiers, "under 50k followers", formats ("reels", "who post
    /// videos"), a window ("in the last 3 months"); every other word is a topic.
    #[arg(value_name = "BRIEF", required = true)]
    pub(crate) brief: Vec<String>,
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub(crate) limit: usize,
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) offset: usize,
    /// One JSON object, as `GET /api/v1/brief` answers.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BrandArgs {
    /// The brand's account, such as @glowlab.
    #[arg(value_name = "@BRAND")]
    pub(crate) brand: String,
    /// A competitor to compare with (repeat for several, up to 10).
    #[arg(long = "vs", value_name = "@BRAND")]
    pub(crate) competitors: Vec<String>,
    /// Only posts published since this date (2026-09-01), time, or this many days ago (90d).
    #[arg(long, value_name = "WHEN")]
    pub(crate) since: Option<String>,
    /// Only posts published before this date, time, or this many days ago.
    #[arg(long, value_name = "WHEN")]
    pub(crate) until: Option<String>,
    /// Only posts on this platform (repeat for any of several).
    #[arg(long, value_name = "PLATFORM")]
    pub(crate) platform: Vec<String>,
    /// How many creators to list (1 to 200).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub(crate) limit: usize,
    /// Where the list of creators starts (the first is 0).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) offset: usize,
    /// One JSON object, as `GET /api/v1/brands/{brand}` answers.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `clout posts`.
#[derive(Debug, Subcommand)]
pub(crate) enum PostsCommand {
    /// Search every post's caption, hashtags and mentions: words, "a phrase", #hashtag and
    /// @mention, all of which must match. Shows each post with its channel and engagement.
    Search(PostSearchArgs),
}

#[derive(Debug, Args)]
pub(crate) struct PostSearchArgs {
    /// What to search for: words, "a phrase", #hashtag, @mention.
    #[arg(value_name = "QUERY", required = true)]
    pub(crate) query: Vec<String>,
    /// Only posts on this platform (repeat for any of several).
    #[arg(long, value_name = "PLATFORM")]
    pub(crate) platform: Vec<String>,
    /// Only posts published since this date (2026-09-01), time, or this many days ago (90d).
    #[arg(long, value_name = "WHEN")]
    pub(crate) since: Option<String>,
    /// Only posts published before this date, time, or this many days ago.
    #[arg(long, value_name = "WHEN")]
    pub(crate) until: Option<String>,
    /// Only sponsored posts (true) or only organic ones (false).
    #[arg(long, value_name = "BOOL")]
    pub(crate) sponsored: Option<bool>,
    /// Newest first instead of best match first.
    #[arg(long)]
    pub(crate) newest: bool,
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub(crate) limit: usize,
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) offset: usize,
    /// One JSON object, as `GET /api/v1/posts` answers: `total`, `complete` and `posts`.
    #[arg(long)]
    pub(crate) json: bool,
}
