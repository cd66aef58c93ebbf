//! Bluesky's AppView answers (`app.bsky.*` lexicons) onto interchange records.
//!
//! - A profile (`app.bsky.actor.defs#profileViewDetailed`) is a `channel`: `followersCount`,
//!   `followsCount`, `postsCount`, `displayName`, `description`; the DID, avatar and
//!   account creation time are kept in its unknown fields (`did`, `avatar`, `created_at`).
//! - A post of the author feed (`feedViewPost`) is a `post`: likes `likeCount`, comments
//!   `replyCount`, shares `repostCount + quoteCount` (both kept apart as `reposts` and
//!   `quotes`), saves `bookmarkCount`; no views (Bluesky shows none). Its `published_at` is
//!   the earlier of the record's `createdAt` (which the client writes, and may set in the
//!   future) and the AppView's `indexedAt`. A count the answer leaves out is null, never 0.
//! - Reposts of other accounts' posts (`reason` `#reasonRepost`) and pinned copies
//!   (`#reasonPin`) are skipped: they are not posts of the channel, or repeat one.
//! - A direct reply in a thread (`getPostThread`) is a `comment`, keyed by its AT URI.
//! - A follower (`getFollowers`, with its counts from `getProfiles` when given) is a
//!   `follower` sample record.
//!
//! A handle that no longer resolves (`handle.invalid`) is replaced by the account's DID.

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::{Answer, Mapped, at, count, text};

/// The platform name in interchange records.
pub const PLATFORM: &str = "bluesky";

const REPOST: &str = "app.bsky.feed.defs#reasonRepost";
const PIN: &str = "app.bsky.feed.defs#reasonPin";
const THREAD_POST: &str = "app.bsky.feed.defs#threadViewPost";

pub(super) fn recognise(object: &Map<String, Value>) -> Option<Answer> {
    let is_array = |key: &str| object.get(key).is_some_and(Value::is_array);
    if is_array("feed") {
        return Some(Answer::BlueskyAuthorFeed);
    }
    if is_array("profiles") {
        return Some(Answer::BlueskyProfiles);
    }
    if is_array("followers") && object.get("subject").is_some_and(Value::is_object) {
        return Some(Answer::BlueskyFollowers);
    }
    if object.get("thread").and_then(|t| t.get("post")).is_some_and(Value::is_object) {
        return Some(Answer::BlueskyPostThread);
    }
    let did = object.get("did").and_then(Value::as_str).is_some_and(|d| d.starts_with("did:"));
    if did && object.contains_key("handle") {
        return Some(Answer::BlueskyProfile);
    }
    None
}

/// The handle a profile (any `profileView*`) is known by: its handle, or its DID when the
/// handle no longer resolves.
pub fn handle_of(profile: &Value) -> Option<String> {
    let handle = profile.get("handle").and_then(Value::as_str).filter(|h| !h.is_empty() && *h != "handle.invalid");
    // Handles are case-insensitive (domain names); DIDs are not.
    handle.map(str::to_ascii_lowercase).or_else(|| profile.get("did").and_then(Value::as_str).map(str::to_string))
}

/// The web address of a profile.
pub fn profile_url(handle: &str) -> String {
    format!("https://bsky.app/profile/{handle}")
}

/// One profile (`profileViewDetailed`) as a `channel` record at `at`.
pub fn profile(p: &Value, at: &str, observed_at: &str) -> Mapped {
    let Some(handle) = handle_of(p) else {
        return Mapped::refused(at.to_string(), "handle", "the profile has neither a handle nor a DID", p);
    };
    let Some(followers) = p.get("followersCount").filter(|v| v.is_u64()) else {
        return Mapped::refused(
            at.to_string(),
            "followers",
            "the answer has no followersCount for this account (a channel needs its follower count)",
            p,
        );
    };
    let verified =
        p.get("verification").map(|v| Value::Bool(v.get("verifiedStatus").and_then(Value::as_str) == Some("valid")));
    let mut extra = Map::new();
    for (key, from) in [("did", "did"), ("avatar", "avatar"), ("created_at", "createdAt")] {
        if let Some(v) = p.get(from).filter(|v| v.is_string()) {
            extra.insert(key.to_string(), v.clone());
        }
    }
    let mut o = json!({
        "kind": "channel",
        "platform": PLATFORM,
        "handle": handle,
        "followers": followers,
        "following": count(p.get("followsCount")),
        "posts_count": count(p.get("postsCount")),
        "name": text(p.get("displayName")),
        "bio": text(p.get("description")),
        "url": profile_url(&handle),
        "observed_at": observed_at,
        "verified": verified.unwrap_or(Value::Null),
    });
    let object = o.as_object_mut().map(std::mem::take).unwrap_or_default();
    let mut object = object;
    object.extend(extra);
    Mapped::ok(at.to_string(), object)
}

/// A `getProfiles` answer: one `channel` record per profile.
pub fn profiles(doc: &Value, observed_at: &str) -> Vec<Mapped> {
    items(doc, "profiles").map(|(i, p)| profile(p, &at("/profiles", i), observed_at)).collect()
}

fn items<'a>(doc: &'a Value, key: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    doc.get(key).and_then(Value::as_array).into_iter().flatten().enumerate()
}

/// The account an author feed belongs to, when known (a live fetch knows it; a saved
/// answer does not, and each post's author is used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub did: String,
    pub handle: String,
}

/// An author feed's posts, observed at `observed_at`, skipping reposts of other accounts.
pub fn author_feed(doc: &Value, account: Option<&Account>, observed_at: &str) -> Vec<Mapped> {
    items(doc, "feed").map(|(i, item)| feed_item(item, &at("/feed", i), account, observed_at)).collect()
}

fn feed_item(item: &Value, at: &str, account: Option<&Account>, observed_at: &str) -> Mapped {
    match item.get("reason").and_then(|r| r.get("$type")).and_then(Value::as_str) {
        Some(REPOST) => return Mapped::skipped(at.to_string(), "a repost of another post"),
        Some(PIN) => return Mapped::skipped(at.to_string(), "a pinned copy of a post"),
        _ => {}
    }
    let Some(post) = item.get("post") else {
        return Mapped::refused(at.to_string(), "post", "the feed item has no post", item);
    };
    let author = post.get("author").unwrap_or(&Value::Null);
    let handle = match account {
        Some(account) => {
            if author.get("did").and_then(Value::as_str).is_some_and(|d| d != account.did) {
                return Mapped::skipped(at.to_string(), "a post by another account");
            }
            account.handle.clone()
        }
        None => match handle_of(author) {
            Some(handle) => handle,
            None => return Mapped::refused(at.to_string(), "handle", "the post has no author handle or DID", item),
        },
    };
    post_object(post, &handle, at, observed_at)
}

/// The last segment of an AT URI (`at://did/collection/rkey`), the post's id within its
/// account.
pub fn rkey(uri: &str) -> Option<&str> {
    let rest = uri.strip_prefix("at://")?;
    let mut parts = rest.split('/');
    let (_repo, collection, key) = (parts.next()?, parts.next()?, parts.next()?);
    (!collection.is_empty() && !key.is_empty() && parts.next().is_none()).then_some(key)
}

fn post_object(post: &Value, handle: &str, at: &str, observed_at: &str) -> Mapped {
    let uri = post.get("uri").and_then(Value::as_str).unwrap_or("");
    let Some(id) = rkey(uri) else {
        return Mapped::refused(at.to_string(), "post_id", format!("the post's uri {uri:?} is not an AT URI"), post);
    };
    let record = post.get("record").unwrap_or(&Value::Null);
    let published = published_at(record.get("createdAt"), post.get("indexedAt"));
    let shares = match (post.get("repostCount").and_then(Value::as_u64), post.get("quoteCount")) {
        (Some(reposts), Some(Value::Number(q))) => q.as_u64().map_or(Value::Null, |q| json!(reposts.saturating_add(q))),
        (Some(reposts), None) => json!(reposts),
        _ => Value::Null,
    };
    let text_value = record.get("text").and_then(Value::as_str).unwrap_or("");
    let (hashtags, mentions) = facets(record, text_value);
    let mut extra = Map::new();
    extra.insert("uri".into(), json!(uri));
    for (key, from) in [("cid", "cid"), ("indexed_at", "indexedAt")] {
        if let Some(v) = post.get(from).filter(|v| v.is_string()) {
            extra.insert(key.into(), v.clone());
        }
    }
    extra.insert("reposts".into(), count(post.get("repostCount")));
    extra.insert("quotes".into(), count(post.get("quoteCount")));
    if let Some(langs) = record.get("langs").filter(|v| v.is_array()) {
        extra.insert("langs".into(), langs.clone());
    }
    if record.get("reply").is_some() {
        extra.insert("reply".into(), Value::Bool(true));
    }
    let mut o = json!({
        "kind": "post",
        "platform": PLATFORM,
        "handle": handle,
        "post_id": id,
        "published_at": published,
        "observed_at": observed_at,
        "likes": count(post.get("likeCount")),
        "comments": count(post.get("replyCount")),
        "shares": shares,
        "saves": count(post.get("bookmarkCount")),
        "type": post_type(post.get("embed").or_else(|| record.get("embed"))),
        "caption": text(record.get("text")),
        "hashtags": hashtags,
        "mentions": mentions,
        "url": format!("{}/post/{id}", profile_url(handle)),
    });
    let mut object = o.as_object_mut().map(std::mem::take).unwrap_or_default();
    object.extend(extra);
    Mapped::ok(at.to_string(), object)
}

/// The earlier of the record's `createdAt` and the AppView's `indexedAt`, as RFC 3339; a
/// value that does not parse is passed on as it is, for the parser to name.
fn published_at(created: Option<&Value>, indexed: Option<&Value>) -> Value {
    let parse = |v: Option<&Value>| v.and_then(Value::as_str).and_then(|s| s.parse::<Timestamp>().ok());
    match (parse(created), parse(indexed)) {
        (Some(c), Some(i)) => json!(c.min(i).to_string()),
        (Some(t), None) | (None, Some(t)) => json!(t.to_string()),
        (None, None) => created.or(indexed).cloned().unwrap_or(Value::Null),
    }
}

fn post_type(embed: Option<&Value>) -> Value {
    let Some(embed) = embed else { return json!("text") };
    let kind = embed.get("$type").and_then(Value::as_str).unwrap_or("");
    let media = if kind.starts_with("app.bsky.embed.recordWithMedia") { embed.get("media") } else { Some(embed) };
    let Some(media) = media else { return json!("text") };
    let media_kind = media.get("$type").and_then(Value::as_str).unwrap_or("");
    if media_kind.starts_with("app.bsky.embed.images") {
        let n = media.get("images").and_then(Value::as_array).map_or(1, Vec::len);
        json!(if n > 1 { "carousel" } else { "image" })
    } else if media_kind.starts_with("app.bsky.embed.video") {
        json!("video")
    } else {
        json!("text")
    }
}

/// Hashtags (tag facets and the record's own `tags`) and mentions (the text a mention
/// facet spans) of a post record.
fn facets(record: &Value, text: &str) -> (Vec<String>, Vec<String>) {
    let mut tags = Vec::new();
    let mut mentions = Vec::new();
    for facet in record.get("facets").and_then(Value::as_array).into_iter().flatten() {
        for feature in facet.get("features").and_then(Value::as_array).into_iter().flatten() {
            match feature.get("$type").and_then(Value::as_str) {
                Some("app.bsky.richtext.facet#tag") => {
                    if let Some(tag) = feature.get("tag").and_then(Value::as_str) {
                        tags.push(tag.to_string());
                    }
                }
                Some("app.bsky.richtext.facet#mention") => {
                    let index = facet.get("index");
                    let start = index.and_then(|i| i.get("byteStart")).and_then(Value::as_u64);
                    let end = index.and_then(|i| i.get("byteEnd")).and_then(Value::as_u64);
                    if let (Some(s), Some(e)) = (start, end)
                        && let Some(span) = text.get(s as usize..e as usize)
                    {
                        let name = span.trim().trim_start_matches('@');
                        if !name.is_empty() && !name.contains(char::is_whitespace) {
                            mentions.push(name.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for tag in record.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        tags.push(tag.to_string());
    }
    let norm = |mut v: Vec<String>| {
        v.retain(|t| !t.trim_start_matches('#').is_empty() && !t.contains(char::is_whitespace));
        v.dedup();
        v
    };
    (norm(tags), norm(mentions))
}

/// A `getPostThread` answer: each direct reply to the thread's post as a `comment` on it.
/// `handle` is the channel the post belongs to (default: its author's handle).
pub fn post_thread(doc: &Value, handle: Option<&str>) -> Vec<Mapped> {
    let Some(thread) = doc.get("thread") else { return Vec::new() };
    let Some(root) = thread.get("post") else {
        return vec![Mapped::skipped("/thread".into(), "the post is deleted or blocked")];
    };
    let channel = match handle {
        Some(h) => h.to_string(),
        None => match root.get("author").and_then(handle_of) {
            Some(h) => h,
            None => return vec![Mapped::refused("/thread/post".into(), "handle", "the post has no author", root)],
        },
    };
    let uri = root.get("uri").and_then(Value::as_str).unwrap_or("");
    let Some(post_id) = rkey(uri) else {
        return vec![Mapped::refused("/thread/post".into(), "post_id", "the post's uri is not an AT URI", root)];
    };
    let mut out = Vec::new();
    for (i, reply) in items(thread, "replies") {
        let at = at("/thread/replies", i);
        if reply.get("$type").and_then(Value::as_str).is_some_and(|t| t != THREAD_POST) {
            out.push(Mapped::skipped(at, "a reply that is deleted or blocked"));
            continue;
        }
        let Some(post) = reply.get("post") else {
            out.push(Mapped::skipped(at, "a reply that is deleted or blocked"));
            continue;
        };
        let author = post.get("author").and_then(handle_of);
        let comment_id = post.get("uri").and_then(Value::as_str);
        let (Some(author), Some(comment_id)) = (author, comment_id) else {
            out.push(Mapped::refused(at, "author", "the reply has no author or no uri", post));
            continue;
        };
        let record = post.get("record").unwrap_or(&Value::Null);
        let mut o = json!({
            "kind": "comment",
            "platform": PLATFORM,
            "handle": channel,
            "post_id": post_id,
            "comment_id": comment_id,
            "author": author,
            "text": text(record.get("text")),
            "published_at": published_at(record.get("createdAt"), post.get("indexedAt")),
        });
        out.push(Mapped::ok(at, o.as_object_mut().map(std::mem::take).unwrap_or_default()));
    }
    out
}

/// A `getFollowers` answer: each follower as a `follower` sample of the channel `handle`
/// (default: the answer's `subject`), with its own counts from `details` (profiles from
/// `getProfiles`, matched by DID) when given.
pub fn followers(doc: &Value, handle: Option<&str>, details: &[Value], observed_at: &str) -> Vec<Mapped> {
    let channel = match handle {
        Some(h) => h.to_string(),
        None => match doc.get("subject").and_then(handle_of) {
            Some(h) => h,
            None => return vec![Mapped::refused("/subject".into(), "handle", "the answer has no subject", doc)],
        },
    };
    let mut out = Vec::new();
    for (i, f) in items(doc, "followers") {
        let at = at("/followers", i);
        let did = f.get("did").and_then(Value::as_str);
        let detail = details.iter().find(|d| d.get("did").and_then(Value::as_str) == did && did.is_some()).unwrap_or(f);
        let Some(username) = handle_of(f) else {
            out.push(Mapped::refused(at, "username", "the follower has neither a handle nor a DID", f));
            continue;
        };
        let bio = detail.get("description").or_else(|| f.get("description")).and_then(Value::as_str);
        let verified = detail
            .get("verification")
            .map(|v| Value::Bool(v.get("verifiedStatus").and_then(Value::as_str) == Some("valid")));
        let mut o = json!({
            "kind": "follower",
            "platform": PLATFORM,
            "handle": channel,
            "username": username,
            "followers": count(detail.get("followersCount")),
            "following": count(detail.get("followsCount")),
            "posts_count": count(detail.get("postsCount")),
            "has_profile_pic": detail.get("avatar").or_else(|| f.get("avatar")).is_some_and(Value::is_string),
            "is_private": false,
            "bio_length": bio.map_or(0, |b| b.chars().count()),
            "full_name": text(detail.get("displayName").or_else(|| f.get("displayName"))),
            "verified": verified.unwrap_or(Value::Null),
            "observed_at": observed_at,
        });
        out.push(Mapped::ok(at, o.as_object_mut().map(std::mem::take).unwrap_or_default()));
    }
    out
}

#[cfg(test)]
mod tests;
