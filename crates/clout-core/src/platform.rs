//! The social platforms a channel can live on.

use std::fmt;

use crate::time::DAY;

/// One of the platforms of the interchange format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Platform {
    Instagram,
    Tiktok,
    Youtube,
    X,
    Facebook,
    Twitch,
    Pinterest,
    Linkedin,
    Threads,
    Snapchat,
    Bluesky,
    Mastodon,
}

/// A platform name that is not one of [`Platform::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPlatform(pub String);

impl fmt::Display for UnknownPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown platform '{}' (expected one of: ", self.0)?;
        for (i, p) in Platform::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(p.as_str())?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for UnknownPlatform {}

impl Platform {
    /// In the order of the interchange format (v1.1 added the last two).
    pub const ALL: [Platform; 12] = [
        Platform::Instagram,
        Platform::Tiktok,
        Platform::Youtube,
        Platform::X,
        Platform::Facebook,
        Platform::Twitch,
        Platform::Pinterest,
        Platform::Linkedin,
        Platform::Threads,
        Platform::Snapchat,
        Platform::Bluesky,
        Platform::Mastodon,
    ];

    /// Parses the interchange name; case and surrounding spaces are ignored.
    /// The platform's position in [`Platform::ALL`], a small code for indexes.
    pub fn code(self) -> u8 {
        Platform::ALL.iter().position(|p| *p == self).unwrap_or(0) as u8
    }

    pub fn parse(raw: &str) -> Result<Platform, UnknownPlatform> {
        let lower = raw.trim().to_ascii_lowercase();
        Platform::ALL.into_iter().find(|p| p.as_str() == lower).ok_or_else(|| UnknownPlatform(raw.to_string()))
    }

    /// The interchange name, also used in `PLATFORM/HANDLE` references.
    pub const fn as_str(self) -> &'static str {
        match self {
            Platform::Instagram => "instagram",
            Platform::Tiktok => "tiktok",
            Platform::Youtube => "youtube",
            Platform::X => "x",
            Platform::Facebook => "facebook",
            Platform::Twitch => "twitch",
            Platform::Pinterest => "pinterest",
            Platform::Linkedin => "linkedin",
            Platform::Threads => "threads",
            Platform::Snapchat => "snapchat",
            Platform::Bluesky => "bluesky",
            Platform::Mastodon => "mastodon",
        }
    }

    /// How old a post must be before it counts in the engagement window, in seconds:
    /// 7 days on YouTube, 24 hours elsewhere (docs/metrics.md, "The engagement window").
    pub const fn min_post_age_seconds(self) -> i64 {
        match self {
            Platform::Youtube => 7 * DAY,
            // The contract names no platform but YouTube: Bluesky and Mastodon (interchange
            // v1.1) fall under its "24 hours for every other platform", as every other does.
            Platform::Instagram
            | Platform::Tiktok
            | Platform::X
            | Platform::Facebook
            | Platform::Twitch
            | Platform::Pinterest
            | Platform::Linkedin
            | Platform::Threads
            | Platform::Snapchat
            | Platform::Bluesky
            | Platform::Mastodon => DAY,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
