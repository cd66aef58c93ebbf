//! The Bluesky mapping on answers written from the `app.bsky.*` lexicons.

use serde_json::{Value, json};

use super::*;
use crate::Limits;
use crate::api::{Outcome, map, recognise};
use clout_core::Record;

fn record(m: &Mapped) -> Record {
    let (_, parsed) = m.parse(&Limits::default()).expect("not skipped");
    parsed.expect("a record")
}

fn feed_post(uri: &str, author_did: &str, created: &str, indexed: &str, counts: Value) -> Value {
    let mut post = json!({
        "uri": uri,
        "cid": "bafyreib2rxk3rh6kzwq",
        "author": {"did": author_did, "handle": "fern-bakes.test"},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": "Rye sourdough, day two #baking with @oat-mill.test",
            "createdAt": created,
            "langs": ["en"],
            "facets": [
                {"index": {"byteStart": 23, "byteEnd": 30},
                 "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "baking"}]},
                {"index": {"byteStart": 36, "byteEnd": 50},
                 "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:oatmill"}]}
            ]
        },
        "indexedAt": indexed,
    });
    post.as_object_mut().unwrap().extend(counts.as_object().unwrap().clone());
    json!({"post": post})
}

#[test]
fn a_profile_is_a_channel_with_its_counts_and_did() {
    let p = json!({
        "did": "did:plc:fern", "handle": "Fern-Bakes.test", "displayName": "Fern Bakes",
        "description": "Bread, mostly.", "avatar": "https://cdn.example/avatar.jpg",
        "followersCount": 4210, "followsCount": 312, "postsCount": 1804,
        "createdAt": "2023-05-01T10:00:00.000Z", "indexedAt": "2023-05-01T10:00:01.000Z"
    });
    assert_eq!(recognise(&p), Some(Answer::BlueskyProfile));
    let Record::Channel(c) = record(&map(Answer::BlueskyProfile, &p, "2026-12-01T00:00:00Z")[0]) else { panic!() };
    assert_eq!(c.handle.as_str(), "fern-bakes.test");
    assert_eq!((c.followers, c.following, c.posts_count), (4210, Some(312), Some(1804)));
    assert_eq!(c.name.as_deref(), Some("Fern Bakes"));
    assert_eq!(c.url.as_deref(), Some("https://bsky.app/profile/fern-bakes.test"));
    let extra: Value = serde_json::from_str(c.extra.as_deref().unwrap()).unwrap();
    assert_eq!(extra["did"], "did:plc:fern");
    assert_eq!(extra["avatar"], "https://cdn.example/avatar.jpg");
}

#[test]
fn a_profile_without_a_follower_count_is_refused_and_an_invalid_handle_is_its_did() {
    let p = json!({"did": "did:plc:gone", "handle": "handle.invalid", "postsCount": 3});
    let m = profile(&p, "", "2026-12-01T00:00:00Z");
    let Outcome::Refused(issue, raw) = &m.outcome else { panic!("{m:?}") };
    assert_eq!(issue.field.as_deref(), Some("followers"));
    assert!(raw.contains("did:plc:gone"));
    let p = json!({"did": "did:plc:gone", "handle": "handle.invalid", "followersCount": 9});
    let Record::Channel(c) = record(&profile(&p, "", "2026-12-01T00:00:00Z")) else { panic!() };
    assert_eq!(c.handle.as_str(), "did:plc:gone");
}

#[test]
fn a_feed_post_counts_reposts_and_quotes_as_shares_and_keeps_hidden_counts_null() {
    let account = Account { did: "did:plc:fern".into(), handle: "fern-bakes.test".into() };
    let doc = json!({"feed": [
        feed_post("at://did:plc:fern/app.bsky.feed.post/3kabc", "did:plc:fern",
            "2026-11-20T09:00:00.123Z", "2026-11-20T09:00:02.000Z",
            json!({"likeCount": 40, "replyCount": 5, "repostCount": 3, "quoteCount": 2})),
        feed_post("at://did:plc:fern/app.bsky.feed.post/3kdef", "did:plc:fern",
            // Claims to be from the future: the AppView's indexing time is used.
            "2030-01-01T00:00:00Z", "2026-11-21T12:00:00.000Z",
            json!({"replyCount": 1, "repostCount": 0})),
        {"post": {"uri": "at://did:plc:other/app.bsky.feed.post/3kzzz", "author": {"did": "did:plc:other"}},
         "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": {"did": "did:plc:fern"}}},
    ]});
    assert_eq!(recognise(&doc), Some(Answer::BlueskyAuthorFeed));
    let mapped = author_feed(&doc, Some(&account), "2026-12-01T00:00:00Z");
    let Record::Post(p) = record(&mapped[0]) else { panic!() };
    assert_eq!(p.post_id, "3kabc");
    assert_eq!(p.published_at.date_time(), "2026-11-20 09:00:00");
    assert_eq!((p.likes, p.comments, p.shares, p.views), (Some(40), Some(5), Some(5), None));
    assert_eq!(p.hashtags.as_str(), "baking");
    assert_eq!(p.mentions.as_str(), "oat-mill.test");
    assert_eq!(p.url.as_deref(), Some("https://bsky.app/profile/fern-bakes.test/post/3kabc"));
    let Record::Post(p) = record(&mapped[1]) else { panic!() };
    assert_eq!(p.published_at.date_time(), "2026-11-21 12:00:00");
    assert_eq!((p.likes, p.comments, p.shares), (None, Some(1), Some(0)), "a hidden like count is null, not 0");
    assert_eq!(mapped[2].outcome, Outcome::Skipped("a repost of another post"));
}

#[test]
fn direct_replies_are_comments_and_followers_are_samples_with_their_counts() {
    let thread = json!({"thread": {
        "$type": "app.bsky.feed.defs#threadViewPost",
        "post": {"uri": "at://did:plc:fern/app.bsky.feed.post/3kabc", "author": {"did": "did:plc:fern", "handle": "fern-bakes.test"}},
        "replies": [
            {"$type": "app.bsky.feed.defs#threadViewPost",
             "post": {"uri": "at://did:plc:ann/app.bsky.feed.post/3kr1", "author": {"did": "did:plc:ann", "handle": "Ann.test"},
                      "record": {"text": "Looks great!", "createdAt": "2026-11-20T10:00:00Z"}}},
            {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://did:plc:x/app.bsky.feed.post/1", "notFound": true}
        ]
    }});
    assert_eq!(recognise(&thread), Some(Answer::BlueskyPostThread));
    let mapped = post_thread(&thread, None);
    let Record::Comment(c) = record(&mapped[0]) else { panic!() };
    assert_eq!((c.post_id.as_str(), c.author.as_str()), ("3kabc", "ann.test"));
    assert_eq!(c.comment_id, "at://did:plc:ann/app.bsky.feed.post/3kr1");
    assert!(matches!(mapped[1].outcome, Outcome::Skipped(_)));

    let followers_doc = json!({
        "subject": {"did": "did:plc:fern", "handle": "fern-bakes.test"},
        "followers": [{"did": "did:plc:ann", "handle": "ann.test", "description": "hi"}]
    });
    let details = [json!({"did": "did:plc:ann", "handle": "ann.test", "followersCount": 12, "followsCount": 4000,
        "postsCount": 0, "description": "hi"})];
    let Record::Follower(f) = record(&followers(&followers_doc, None, &details, "2026-12-01T00:00:00Z")[0]) else {
        panic!()
    };
    assert_eq!(
        (f.username.as_str(), f.followers, f.following, f.posts_count),
        ("ann.test", Some(12), Some(4000), Some(0))
    );
    assert_eq!((f.has_profile_pic, f.bio_length), (Some(false), Some(2)));
}

#[test]
fn an_interchange_record_is_not_an_answer() {
    assert_eq!(recognise(&json!({"kind": "channel", "did": "did:plc:x", "handle": "x"})), None);
    assert_eq!(rkey("at://did:plc:x/app.bsky.feed.post/3k"), Some("3k"));
    assert_eq!(rkey("https://bsky.app/x"), None);
}
