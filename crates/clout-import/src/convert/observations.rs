//! The kinds that observe a channel: `channel`, `post`, `followers` (a count at a time),
//! `follower` (one account following it) and `comment`.

use clout_core::{ChannelObservation, CommentRecord, FollowerObservation, FollowerSample, PostObservation, Record};

use super::Check;
use super::parse::{country, email, language, post_id, post_type};
use crate::value;

pub(super) fn channel(c: &mut Check<'_, '_>) -> Option<Record> {
    let (platform, handle) = c.identity();
    let followers = c.required("followers", value::count);
    let observed_at = c.required("observed_at", value::time);
    let observation = ChannelObservation {
        platform: platform?,
        handle: handle?,
        followers: followers?,
        observed_at: observed_at?,
        name: c.optional("name", value::text),
        bio: c.optional("bio", value::text),
        url: c.optional("url", value::text),
        email: c.optional("email", email),
        country: c.optional("country", country),
        language: c.optional("language", language),
        category: c.optional("category", value::text),
        following: c.optional("following", value::count),
        posts_count: c.optional("posts_count", value::count),
        verified: c.optional("verified", value::boolean),
        is_business: c.optional("is_business", value::boolean),
        is_private: c.optional("is_private", value::boolean),
        creator_id: c.optional("creator_id", value::text),
        extra: None,
    };
    Some(Record::Channel(ChannelObservation { extra: c.extra(), ..observation }))
}

pub(super) fn post(c: &mut Check<'_, '_>) -> Option<Record> {
    let (platform, handle) = c.identity();
    let post_id = c.required("post_id", post_id);
    let published_at = c.required("published_at", value::time);
    let likes = c.present("likes", value::count);
    let comments = c.present("comments", value::count);
    let observation = PostObservation {
        platform: platform?,
        handle: handle?,
        post_id: post_id?,
        published_at: published_at?,
        observed_at: c.optional("observed_at", value::time),
        likes,
        comments,
        shares: c.optional("shares", value::count),
        views: c.optional("views", value::count),
        saves: c.optional("saves", value::count),
        post_type: c.optional("type", post_type),
        caption: c.optional("caption", value::text),
        hashtags: c.optional("hashtags", |v| value::word_list(v, '#').map(Some)).unwrap_or_default(),
        mentions: c.optional("mentions", |v| value::word_list(v, '@').map(Some)).unwrap_or_default(),
        url: c.optional("url", value::text),
        sponsored: c.optional("sponsored", value::boolean),
        extra: None,
    };
    Some(Record::Post(PostObservation { extra: c.extra(), ..observation }))
}

pub(super) fn followers(c: &mut Check<'_, '_>) -> Option<Record> {
    let (platform, handle) = c.identity();
    let observed_at = c.required("observed_at", value::time);
    let followers = c.required("followers", value::count);
    let observation = FollowerObservation {
        platform: platform?,
        handle: handle?,
        observed_at: observed_at?,
        followers: followers?,
        extra: None,
    };
    Some(Record::Followers(FollowerObservation { extra: c.extra(), ..observation }))
}

pub(super) fn follower(c: &mut Check<'_, '_>) -> Option<Record> {
    let (platform, handle) = c.identity();
    let username = c.required("username", |v| {
        Ok(value::text(v)?.map(|s| s.trim().trim_start_matches('@').to_string()).filter(|s| !s.is_empty()))
    });
    let bio_length = c.optional("bio_length", value::count);
    let bio = c.optional("bio", value::text);
    let sample = FollowerSample {
        platform: platform?,
        handle: handle?,
        username: username?,
        followers: c.optional("followers", value::count),
        following: c.optional("following", value::count),
        posts_count: c.optional("posts_count", value::count),
        has_profile_pic: c.optional("has_profile_pic", value::boolean),
        is_private: c.optional("is_private", value::boolean),
        bio_length: bio_length.or(bio.map(|b| b.chars().count() as u64)),
        full_name: c.optional("full_name", value::text),
        has_external_url: c.optional("has_external_url", value::boolean),
        verified: c.optional("verified", value::boolean),
        observed_at: c.optional("observed_at", value::time),
        extra: None,
    };
    Some(Record::Follower(FollowerSample { extra: c.extra(), ..sample }))
}

pub(super) fn comment(c: &mut Check<'_, '_>) -> Option<Record> {
    let (platform, handle) = c.identity();
    let on_post = c.required("post_id", post_id);
    let comment_id = c.required("comment_id", post_id);
    let author = c.required("author", |v| {
        Ok(value::text(v)?.map(|s| s.trim().trim_start_matches('@').to_lowercase()).filter(|s| !s.is_empty()))
    });
    let record = CommentRecord {
        platform: platform?,
        handle: handle?,
        post_id: on_post?,
        comment_id: comment_id?,
        author: author?,
        text: c.optional("text", value::text),
        published_at: c.optional("published_at", value::time),
        extra: None,
    };
    Some(Record::Comment(CommentRecord { extra: c.extra(), ..record }))
}
