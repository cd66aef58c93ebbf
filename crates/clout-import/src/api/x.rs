//! X API v2 user and tweet lookups onto interchange records.
//!
//! - A user (`GET /2/users`, `/2/users/by`, with `user.fields=public_metrics`) is a
//!   `channel`: followers `public_metrics.followers_count`, following `following_count`,
//!   posts `tweet_count`, `name`, `description`, `verified`.
//! - A tweet (`GET /2/tweets`, `/2/users/:id/tweets`, with `tweet.fields=public_metrics,
//!   created_at,author_id`) is a `post`: likes `like_count`, comments `reply_count`,
//!   shares `retweet_count + quote_count` (kept apart too), views `impression_count`, saves
//!   `bookmark_count`. Its channel is the author's username from `includes.users`
//!   (`expansions=author_id`), else the author's id.
//!
//! Users in `includes.users` with `public_metrics` are channels too.

use serde_json::{Map, Value, json};

use super::{Mapped, at, count, text};

pub const PLATFORM: &str = "x";

pub(super) fn recognise(object: &Map<String, Value>) -> Option<super::Answer> {
    let data = object.get("data")?;
    let first = match data {
        Value::Array(items) => items.first()?,
        Value::Object(_) => data,
        _ => return None,
    };
    let metrics = first.get("public_metrics")?;
    if metrics.get("followers_count").is_some() {
        Some(super::Answer::XUsers)
    } else if metrics.get("like_count").is_some() || metrics.get("retweet_count").is_some() {
        Some(super::Answer::XTweets)
    } else {
        None
    }
}

fn items(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![v],
        _ => Vec::new(),
    }
}

fn user(u: &Value, at: String, observed_at: &str) -> Mapped {
    let Some(handle) = u["username"].as_str().map(str::to_lowercase) else {
        return Mapped::refused(at, "handle", "the user has no username", u);
    };
    let m = &u["public_metrics"];
    if m.get("followers_count").is_none_or(Value::is_null) {
        return Mapped::refused(
            at,
            "followers",
            "the user has no public_metrics.followers_count (ask for user.fields=public_metrics)",
            u,
        );
    }
    let mut o = json!({
        "kind": "channel",
        "platform": PLATFORM,
        "handle": handle,
        "followers": count(m.get("followers_count")),
        "following": count(m.get("following_count")),
        "posts_count": count(m.get("tweet_count")),
        "name": text(u.get("name")),
        "bio": text(u.get("description")),
        "verified": u.get("verified").filter(|v| v.is_boolean()).cloned().unwrap_or(Value::Null),
        "url": format!("https://x.com/{handle}"),
        "observed_at": observed_at,
        "x_id": u["id"],
    });
    Mapped::ok(at, o.as_object_mut().map(std::mem::take).unwrap_or_default())
}

/// A users lookup: one `channel` per user.
pub fn users(doc: &Value, observed_at: &str) -> Vec<Mapped> {
    let single = doc["data"].is_object();
    items(&doc["data"])
        .into_iter()
        .enumerate()
        .map(|(i, u)| user(u, if single { "/data".into() } else { at("/data", i) }, observed_at))
        .collect()
}

/// A tweets lookup: one `post` per tweet, and a `channel` per included user with metrics.
pub fn tweets(doc: &Value, observed_at: &str) -> Vec<Mapped> {
    let included: Vec<&Value> = doc["includes"]["users"].as_array().into_iter().flatten().collect();
    let single = doc["data"].is_object();
    let mut out: Vec<Mapped> = items(&doc["data"])
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let at = if single { "/data".to_string() } else { at("/data", i) };
            let Some(id) = t["id"].as_str() else { return Mapped::refused(at, "post_id", "the tweet has no id", t) };
            let author = t["author_id"].as_str();
            let handle = included
                .iter()
                .find(|u| u["id"].as_str() == author && author.is_some())
                .and_then(|u| u["username"].as_str())
                .map(str::to_lowercase)
                .or_else(|| author.map(str::to_string));
            let Some(handle) = handle else {
                return Mapped::refused(at, "handle", "the tweet has no author_id (ask for tweet.fields=author_id)", t);
            };
            let m = &t["public_metrics"];
            let shares = match (m["retweet_count"].as_u64(), m["quote_count"].as_u64()) {
                (Some(r), Some(q)) => json!(r.saturating_add(q)),
                (Some(r), None) => json!(r),
                _ => Value::Null,
            };
            let (mut tags, mut mentions) = (Vec::new(), Vec::new());
            for (key, list) in [("hashtags", &mut tags), ("mentions", &mut mentions)] {
                for e in t["entities"][key].as_array().into_iter().flatten() {
                    if let Some(w) = e["tag"].as_str().or_else(|| e["username"].as_str()) {
                        list.push(json!(w));
                    }
                }
            }
            let mut o = json!({
                "kind": "post",
                "platform": PLATFORM,
                "handle": handle,
                "post_id": id,
                "published_at": t["created_at"],
                "observed_at": observed_at,
                "likes": count(m.get("like_count")),
                "comments": count(m.get("reply_count")),
                "shares": shares,
                "views": count(m.get("impression_count")),
                "saves": count(m.get("bookmark_count")),
                "type": "text",
                "caption": text(t.get("text")),
                "hashtags": tags,
                "mentions": mentions,
                "url": format!("https://x.com/{handle}/status/{id}"),
                "retweets": count(m.get("retweet_count")),
                "quotes": count(m.get("quote_count")),
            });
            Mapped::ok(at, o.as_object_mut().map(std::mem::take).unwrap_or_default())
        })
        .collect();
    for (i, u) in included.iter().enumerate() {
        if u.get("public_metrics").is_some() {
            out.push(user(u, at("/includes/users", i), observed_at));
        }
    }
    out
}
