//! The facts the interchange format carries, as validated domain values.
//!
//! Each record is one *observation*: what a platform showed at `observed_at`.
//! Observations are never overwritten by older ones; the newest becomes current and
//! the rest stay as history.

use crate::handle::Handle;
use crate::platform::Platform;
use crate::time::Timestamp;

/// How a stored value came to be (metrics.md, "Provenance").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Read from the platform.
    Measured,
    /// Computed here from measured facts.
    Derived,
    /// A model's guess, such as a price. Never shown as measured.
    Estimated,
}

impl Method {
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Measured => "measured",
            Method::Derived => "derived",
            Method::Estimated => "estimated",
        }
    }

    pub fn parse(raw: &str) -> Option<Method> {
        match raw {
            "measured" => Some(Method::Measured),
            "derived" => Some(Method::Derived),
            "estimated" => Some(Method::Estimated),
            _ => None,
        }
    }
}

/// The kind of a post (interchange `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PostType {
    Image,
    Carousel,
    Video,
    Reel,
    Short,
    Story,
    Text,
    Live,
}

impl PostType {
    pub const ALL: [PostType; 8] = [
        PostType::Image,
        PostType::Carousel,
        PostType::Video,
        PostType::Reel,
        PostType::Short,
        PostType::Story,
        PostType::Text,
        PostType::Live,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            PostType::Image => "image",
            PostType::Carousel => "carousel",
            PostType::Video => "video",
            PostType::Reel => "reel",
            PostType::Short => "short",
            PostType::Story => "story",
            PostType::Text => "text",
            PostType::Live => "live",
        }
    }

    pub fn parse(raw: &str) -> Option<PostType> {
        let trimmed = raw.trim();
        PostType::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(trimmed))
    }
}

/// A list of words (hashtags, mentions) kept as one space-separated string: a post has a
/// handful, and one allocation per list instead of one per word keeps imports fast.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words(String);

impl Words {
    /// Builds the list from words, dropping empty ones; words must not contain spaces.
    pub fn from_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Words {
        let mut joined = String::new();
        for w in words.into_iter().filter(|w| !w.is_empty()) {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(w);
        }
        Words(joined)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split(' ').filter(|w| !w.is_empty())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The words joined by single spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One observation of an account (`kind: channel`). It also counts as a follower
/// observation.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelObservation {
    pub platform: Platform,
    pub handle: Handle,
    pub followers: u64,
    pub observed_at: Timestamp,
    pub name: Option<String>,
    pub bio: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: Option<String>,
    /// ISO 639-1, lower case.
    pub language: Option<String>,
    pub category: Option<String>,
    pub following: Option<u64>,
    pub posts_count: Option<u64>,
    pub verified: Option<bool>,
    pub is_business: Option<bool>,
    pub is_private: Option<bool>,
    pub creator_id: Option<String>,
    /// Fields this version does not know, kept aside verbatim as a JSON object.
    pub extra: Option<String>,
}

/// One observation of a post's public counts (`kind: post`).
#[derive(Debug, Clone, PartialEq)]
pub struct PostObservation {
    pub platform: Platform,
    pub handle: Handle,
    pub post_id: String,
    pub published_at: Timestamp,
    /// `None` when the record had none: the import then uses its own observation time.
    pub observed_at: Option<Timestamp>,
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub views: Option<u64>,
    pub saves: Option<u64>,
    pub post_type: Option<PostType>,
    pub caption: Option<String>,
    /// Without the leading `#`.
    pub hashtags: Words,
    /// Without the leading `@`.
    pub mentions: Words,
    pub url: Option<String>,
    pub sponsored: Option<bool>,
    pub extra: Option<String>,
}

/// A follower count at one moment (`kind: followers`), for the growth history.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowerObservation {
    pub platform: Platform,
    pub handle: Handle,
    pub observed_at: Timestamp,
    pub followers: u64,
    /// Fields this version does not know, kept aside verbatim as a JSON object.
    pub extra: Option<String>,
}

/// One account that follows a channel (`kind: follower`): a sample of its audience.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowerSample {
    pub platform: Platform,
    /// The channel followed.
    pub handle: Handle,
    pub username: String,
    pub followers: Option<u64>,
    pub following: Option<u64>,
    pub posts_count: Option<u64>,
    pub has_profile_pic: Option<bool>,
    pub is_private: Option<bool>,
    /// From `bio_length`, or the length in characters of `bio`.
    pub bio_length: Option<u64>,
    pub full_name: Option<String>,
    pub has_external_url: Option<bool>,
    pub verified: Option<bool>,
    pub observed_at: Option<Timestamp>,
    pub extra: Option<String>,
}

impl FollowerSample {
    /// The classifier's view of this account.
    pub fn profile(&self) -> crate::follower::FollowerProfile {
        crate::follower::SampledAccount {
            username: &self.username,
            followers: self.followers,
            following: self.following,
            posts: self.posts_count,
            has_profile_pic: self.has_profile_pic,
            is_private: self.is_private,
            bio_length: self.bio_length,
        }
        .profile()
    }
}

/// One comment on a post (`kind: comment`).
#[derive(Debug, Clone, PartialEq)]
pub struct CommentRecord {
    pub platform: Platform,
    /// The channel whose post it is.
    pub handle: Handle,
    pub post_id: String,
    pub comment_id: String,
    /// The commenting account, without `@`.
    pub author: String,
    pub text: Option<String>,
    pub published_at: Option<Timestamp>,
    pub extra: Option<String>,
}

/// One of the user's own deals with a creator (`kind: deal`), for fitting price estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct DealRecord {
    pub platform: Platform,
    pub handle: Handle,
    pub deliverable: crate::price::Deliverable,
    /// The agreed fee, exact.
    pub fee: crate::money::Money,
    pub agreed_at: Timestamp,
    pub extra: Option<String>,
}

/// Sales attributed to a campaign by a promo code or a link (`kind: conversion`), from a
/// shop's or a link tracker's export.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversionRecord {
    /// The campaign's name, as in Clout.
    pub campaign: String,
    pub code: Option<String>,
    pub link: Option<String>,
    /// The creator the code or link belongs to, when known.
    pub channel: Option<(Platform, Handle)>,
    pub orders: u64,
    pub revenue: crate::money::Money,
    pub observed_at: Timestamp,
    /// Set when the record is one order (summed with the others) rather than a running
    /// total of its code or link (of which the newest counts).
    pub order_id: Option<String>,
    pub extra: Option<String>,
}

/// Any interchange record.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Channel(ChannelObservation),
    Post(PostObservation),
    Followers(FollowerObservation),
    Follower(FollowerSample),
    Comment(CommentRecord),
    Deal(DealRecord),
    Conversion(ConversionRecord),
}

impl Record {
    /// The channel the record is about; `None` for a conversion without one.
    pub fn channel(&self) -> Option<(Platform, &Handle)> {
        match self {
            Record::Channel(c) => Some((c.platform, &c.handle)),
            Record::Post(p) => Some((p.platform, &p.handle)),
            Record::Followers(f) => Some((f.platform, &f.handle)),
            Record::Follower(f) => Some((f.platform, &f.handle)),
            Record::Comment(c) => Some((c.platform, &c.handle)),
            Record::Deal(d) => Some((d.platform, &d.handle)),
            Record::Conversion(c) => c.channel.as_ref().map(|(p, h)| (*p, h)),
        }
    }
}
