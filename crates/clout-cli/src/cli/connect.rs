//! The arguments of the connectors: `clout fetch` and `clout discover`.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub(crate) enum FetchCommand {
    /// Bluesky accounts by handle, DID or profile URL: profile, recent posts with their
    /// like, repost, quote and reply counts, and on request replies and a followers sample.
    /// Public API, no key needed.
    Bluesky(BlueskyFetchArgs),
    /// YouTube channels by id (`UC…`), handle (`@name`) or URL, with your API key
    /// ($CLOUT_YOUTUBE_API_KEY or the credentials file): channel statistics, recent videos
    /// with views, likes and comment counts, and on request their comments. Counts the
    /// daily quota and stops before it.
    Youtube(YoutubeFetchArgs),
    /// Instagram business and creator accounts by username, through the Graph API's
    /// business discovery, with your access token ($CLOUT_INSTAGRAM_ACCESS_TOKEN) and your
    /// own business account's id ($CLOUT_INSTAGRAM_USER_ID), or the credentials file:
    /// profile, and recent posts with likes (null where hidden) and comment counts.
    Instagram(InstagramFetchArgs),
}

#[derive(Debug, Args)]
pub(crate) struct InstagramFetchArgs {
    /// Usernames (`name`, `@name`) or profile URLs.
    #[arg(required = true, value_name = "USERNAME")]
    pub(crate) usernames: Vec<String>,
    #[command(flatten)]
    pub(crate) fetch: FetchArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DiscoverCommand {
    /// Bluesky accounts whose handle, name or bio match QUERY (or, with --via-follows, the
    /// accounts a seed account follows), then fetched as `clout fetch bluesky` does.
    Bluesky(BlueskyDiscoverArgs),
    /// YouTube channels matching QUERY (`search.list`: 100 quota units per 50 channels),
    /// then fetched as `clout fetch youtube` does.
    Youtube(YoutubeDiscoverArgs),
}

#[derive(Debug, Args)]
pub(crate) struct YoutubeFetchArgs {
    /// Channel ids (`UC…`), handles (`@name`) or channel URLs.
    #[arg(required = true, value_name = "CHANNEL_ID_OR_HANDLE")]
    pub(crate) channels: Vec<String>,
    /// The quota units Clout may use in a day (YouTube's default is 10,000 a project).
    #[arg(long, default_value_t = clout_connect::youtube::DEFAULT_DAILY_QUOTA, value_name = "UNITS")]
    pub(crate) quota: u64,
    #[command(flatten)]
    pub(crate) fetch: FetchArgs,
}

#[derive(Debug, Args)]
pub(crate) struct YoutubeDiscoverArgs {
    /// Words to search channels by.
    #[arg(value_name = "QUERY")]
    pub(crate) query: String,
    /// The most channels to find (and fetch).
    #[arg(long, default_value_t = 25, value_name = "N")]
    pub(crate) limit: usize,
    /// Keep only channels with at least this many subscribers.
    #[arg(long, value_name = "N")]
    pub(crate) min_followers: Option<u64>,
    /// Keep only channels with at most this many subscribers.
    #[arg(long, value_name = "N")]
    pub(crate) max_followers: Option<u64>,
    /// The quota units Clout may use in a day (YouTube's default is 10,000 a project).
    #[arg(long, default_value_t = clout_connect::youtube::DEFAULT_DAILY_QUOTA, value_name = "UNITS")]
    pub(crate) quota: u64,
    #[command(flatten)]
    pub(crate) fetch: FetchArgs,
}

#[derive(Debug, Args)]
pub(crate) struct BlueskyFetchArgs {
    /// Handles (`name.bsky.social`), DIDs (`did:plc:…`) or profile URLs.
    #[arg(required = true, value_name = "HANDLE_OR_DID")]
    pub(crate) accounts: Vec<String>,
    #[command(flatten)]
    pub(crate) fetch: FetchArgs,
}

#[derive(Debug, Args)]
pub(crate) struct BlueskyDiscoverArgs {
    /// Words to search accounts by (handle, display name, bio).
    #[arg(value_name = "QUERY", required_unless_present = "via_follows", conflicts_with = "via_follows")]
    pub(crate) query: Option<String>,
    /// Instead of searching, take the accounts this one follows.
    #[arg(long, value_name = "HANDLE")]
    pub(crate) via_follows: Option<String>,
    /// The most accounts to find (and fetch).
    #[arg(long, default_value_t = 25, value_name = "N")]
    pub(crate) limit: usize,
    /// Keep only accounts with at least this many followers (e.g. 2000 for micro).
    #[arg(long, value_name = "N")]
    pub(crate) min_followers: Option<u64>,
    /// Keep only accounts with at most this many followers.
    #[arg(long, value_name = "N")]
    pub(crate) max_followers: Option<u64>,
    #[command(flatten)]
    pub(crate) fetch: FetchArgs,
}

/// What every fetch reads, and where from.
#[derive(Debug, Args)]
pub(crate) struct FetchArgs {
    /// The most posts read per account in one fetch.
    #[arg(long, default_value_t = clout_app::FetchOptions::DEFAULT_MAX_POSTS, value_name = "N")]
    pub(crate) max_posts: u64,
    /// How far back a first fetch reads, in days (at least 12 posts when there are).
    #[arg(long, default_value_t = clout_app::FetchOptions::DEFAULT_SINCE_DAYS, value_name = "DAYS")]
    pub(crate) since_days: i64,
    /// Also read the replies the account wrote, as posts.
    #[arg(long)]
    pub(crate) replies: bool,
    /// Also read the replies to the account's posts of the last 30 days, as comments
    /// (one request per post with replies): evidence for audience quality.
    #[arg(long)]
    pub(crate) comments: bool,
    /// Also read the newest N followers with their own counts (one request per 100, and
    /// one per 25 for their counts): evidence for audience quality.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) followers_sample: u64,
    /// Do not download the accounts' profile pictures (by default each is downloaded once,
    /// from the platform's own image hosts, into DATA/pictures/, and again only when it changes).
    #[arg(long)]
    pub(crate) no_pictures: bool,
    /// The API host [default: the platform's public host].
    #[arg(long, value_name = "URL")]
    pub(crate) api_base: Option<String>,
    /// The longest wait for a rate limit, in seconds; a longer one stops the fetch (run it
    /// again later: it continues where it stopped).
    #[arg(long, default_value_t = 900, value_name = "SECONDS")]
    pub(crate) max_wait: u64,
    /// Print one JSON summary object at the end.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RefreshArgs {
    /// Re-fetch the accounts whose last complete fetch is older than this (`7d`, `24h`,
    /// `90m`, or seconds).
    #[arg(long, default_value = "7d", value_name = "AGE")]
    pub(crate) older_than: String,
    /// Only these platforms (bluesky, youtube, instagram) [default: all].
    #[arg(long, value_name = "PLATFORM")]
    pub(crate) platform: Vec<String>,
    /// Print one JSON report per platform.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `7d`, `24h`, `90m`, `30s` or plain seconds, as seconds.
pub(crate) fn parse_age(raw: &str) -> Result<i64, String> {
    let raw = raw.trim();
    let (number, unit) = match raw.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => raw.split_at(i),
        None => (raw, "s"),
    };
    let n: i64 = number.parse().map_err(|_| format!("{raw:?} is not an age such as 7d, 24h or 90m"))?;
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(format!("{raw:?}: the unit is one of s, m, h, d, w")),
    };
    n.checked_mul(unit).filter(|s| *s > 0).ok_or_else(|| format!("{raw:?} is not a positive age"))
}
