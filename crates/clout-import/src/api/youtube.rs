//! YouTube Data API v3 answers onto interchange records.
//!
//! - A channel (`channels.list` item, parts `snippet`, `statistics`, `contentDetails`) is a
//!   `channel`: its handle is `snippet.customUrl` without the `@` (the channel id when it
//!   has none), followers `statistics.subscriberCount`, `posts_count` `videoCount`. YouTube
//!   rounds subscriber counts (to three significant figures above 1,000): the record says
//!   so (`subscribers_rounded` in its unknown fields). A channel that hides its count
//!   (`hiddenSubscriberCount`) cannot be a `channel` record (the format needs a count): it
//!   is a reject saying why, and its videos are kept, so its rates are null for want of a
//!   follower count, never computed from 0.
//! - A video (`videos.list` item, parts `snippet`, `statistics`, `contentDetails`) is a
//!   `post`: likes `likeCount`, comments `commentCount`, views `viewCount`, no shares (the
//!   API has none). A count the channel hides is absent from the answer and stays null.
//!   Type: `live` for a live or upcoming broadcast, `short` for 60 seconds or less, else
//!   `video`. Caption: the title; hashtags: the `#words` of the description.
//! - A top-level comment (`commentThreads.list` item) is a `comment`.
//!
//! Counts come as decimal strings; each is read digit by digit.

use serde_json::{Map, Value, json};

use super::{Mapped, at, text};

pub const PLATFORM: &str = "youtube";

/// A count as YouTube sends it (a decimal string, or a number), `null` when absent.
fn count(v: Option<&Value>) -> Value {
    match v {
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse::<u64>().map_or(Value::String(s.clone()), |n| json!(n))
        }
        Some(Value::String(s)) => Value::String(s.clone()),
        Some(Value::Number(n)) => Value::Number(n.clone()),
        _ => Value::Null,
    }
}

pub(super) fn recognise(object: &Map<String, Value>) -> Option<super::Answer> {
    match object.get("kind").and_then(Value::as_str)? {
        "youtube#channelListResponse" => Some(super::Answer::YoutubeChannels),
        "youtube#videoListResponse" => Some(super::Answer::YoutubeVideos),
        "youtube#commentThreadListResponse" => Some(super::Answer::YoutubeCommentThreads),
        _ => None,
    }
}

/// The handle of a channel item: its custom URL without `@`, else its id.
pub fn handle_of(channel: &Value) -> Option<String> {
    let custom = channel["snippet"]["customUrl"].as_str().map(|h| h.trim_start_matches('@').to_lowercase());
    custom.filter(|h| !h.is_empty()).or_else(|| channel["id"].as_str().map(str::to_string))
}

/// A `channels.list` answer: one `channel` record per item.
pub fn channels(doc: &Value, observed_at: &str) -> Vec<Mapped> {
    let items = doc.get("items").and_then(Value::as_array).into_iter().flatten().enumerate();
    items.map(|(i, c)| channel(c, &at("/items", i), observed_at)).collect()
}

pub fn channel(c: &Value, at: &str, observed_at: &str) -> Mapped {
    let Some(handle) = handle_of(c) else {
        return Mapped::refused(at.to_string(), "handle", "the channel has neither a custom URL nor an id", c);
    };
    let stats = &c["statistics"];
    if stats["hiddenSubscriberCount"].as_bool() == Some(true) {
        return Mapped::refused(
            at.to_string(),
            "followers",
            "the channel hides its subscriber count (hiddenSubscriberCount): its videos are kept, its rates stay \
             null for want of a follower count",
            c,
        );
    }
    let followers = count(stats.get("subscriberCount"));
    if followers.is_null() {
        return Mapped::refused(
            at.to_string(),
            "followers",
            "the answer has no subscriberCount (ask for part=statistics)",
            c,
        );
    }
    let snippet = &c["snippet"];
    let url = match snippet["customUrl"].as_str() {
        Some(custom) if !custom.is_empty() => format!("https://www.youtube.com/{}", custom),
        _ => format!("https://www.youtube.com/channel/{}", c["id"].as_str().unwrap_or_default()),
    };
    let mut o = json!({
        "kind": "channel",
        "platform": PLATFORM,
        "handle": handle,
        "followers": followers,
        "posts_count": count(stats.get("videoCount")),
        "name": text(snippet.get("title")),
        "bio": text(snippet.get("description")),
        "country": text(snippet.get("country")),
        "language": text(snippet.get("defaultLanguage")),
        "url": url,
        "observed_at": observed_at,
        "channel_id": c["id"],
        "subscribers_rounded": true,
        "channel_views": count(stats.get("viewCount")),
        "uploads_playlist": c["contentDetails"]["relatedPlaylists"]["uploads"],
        "avatar": snippet["thumbnails"]["default"]["url"],
        "created_at": snippet["publishedAt"],
    });
    let mut object = o.as_object_mut().map(std::mem::take).unwrap_or_default();
    object.retain(|_, v| !v.is_null());
    Mapped::ok(at.to_string(), object)
}

/// Seconds of an ISO 8601 duration as YouTube writes them (`PT1H2M3S`, `P1DT2H`).
pub fn duration_seconds(iso: &str) -> Option<u64> {
    let rest = iso.strip_prefix('P')?;
    let (mut total, mut number, mut in_time) = (0u64, String::new(), false);
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' => number.push(c),
            unit => {
                let n: u64 = number.parse().ok()?;
                number.clear();
                total += n * match (unit, in_time) {
                    ('W', false) => 604_800,
                    ('D', false) => 86_400,
                    ('H', true) => 3_600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
            }
        }
    }
    number.is_empty().then_some(total)
}

/// A `videos.list` answer: one `post` per video, of the channel `handle` (default: the
/// video's channel id).
pub fn videos(doc: &Value, handle: Option<&str>, observed_at: &str) -> Vec<Mapped> {
    let items = doc.get("items").and_then(Value::as_array).into_iter().flatten().enumerate();
    items.map(|(i, v)| video(v, &at("/items", i), handle, observed_at)).collect()
}

fn video(v: &Value, at: &str, handle: Option<&str>, observed_at: &str) -> Mapped {
    let snippet = &v["snippet"];
    let Some(id) = v["id"].as_str() else {
        return Mapped::refused(at.to_string(), "post_id", "the video has no id", v);
    };
    let handle = match handle.map(str::to_string).or_else(|| snippet["channelId"].as_str().map(str::to_string)) {
        Some(h) => h,
        None => return Mapped::refused(at.to_string(), "handle", "the video names no channel", v),
    };
    let seconds = v["contentDetails"]["duration"].as_str().and_then(duration_seconds);
    let live = matches!(snippet["liveBroadcastContent"].as_str(), Some("live" | "upcoming"))
        || v.get("liveStreamingDetails").is_some();
    let kind = if live {
        "live"
    } else if seconds.is_some_and(|s| s <= 60) {
        "short"
    } else {
        "video"
    };
    let description = snippet["description"].as_str().unwrap_or("");
    let mut hashtags: Vec<String> = description
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter_map(|w| w.strip_prefix('#'))
        .map(|w| w.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_').to_string())
        .filter(|w| !w.is_empty())
        .collect();
    hashtags.dedup();
    let url = if kind == "short" {
        format!("https://www.youtube.com/shorts/{id}")
    } else {
        format!("https://www.youtube.com/watch?v={id}")
    };
    let stats = &v["statistics"];
    let mut o = json!({
        "kind": "post",
        "platform": PLATFORM,
        "handle": handle,
        "post_id": id,
        "published_at": snippet["publishedAt"],
        "observed_at": observed_at,
        "likes": count(stats.get("likeCount")),
        "comments": count(stats.get("commentCount")),
        "views": count(stats.get("viewCount")),
        "type": kind,
        "caption": text(snippet.get("title")),
        "hashtags": hashtags,
        "url": url,
        "duration_seconds": seconds,
        "channel_id": snippet["channelId"],
    });
    let mut object = o.as_object_mut().map(std::mem::take).unwrap_or_default();
    for optional in ["duration_seconds", "channel_id"] {
        if object.get(optional).is_some_and(Value::is_null) {
            object.remove(optional);
        }
    }
    Mapped::ok(at.to_string(), object)
}

/// A `commentThreads.list` answer: each top-level comment as a `comment` on its video, of
/// the channel `handle` (default: the video's channel id).
pub fn comment_threads(doc: &Value, handle: Option<&str>) -> Vec<Mapped> {
    let items = doc.get("items").and_then(Value::as_array).into_iter().flatten().enumerate();
    items
        .map(|(i, t)| {
            let at = at("/items", i);
            let top = &t["snippet"]["topLevelComment"];
            let s = &top["snippet"];
            let video = t["snippet"]["videoId"].as_str().or_else(|| s["videoId"].as_str());
            let channel = handle.map(str::to_string).or_else(|| t["snippet"]["channelId"].as_str().map(str::to_string));
            let author = s["authorChannelId"]["value"].as_str().or_else(|| s["authorDisplayName"].as_str());
            let id = top["id"].as_str().or_else(|| t["id"].as_str());
            let (Some(video), Some(channel), Some(author), Some(id)) = (video, channel, author, id) else {
                return Mapped::refused(at, "comment_id", "the comment has no id, video, channel or author", t);
            };
            let mut o = json!({
                "kind": "comment",
                "platform": PLATFORM,
                "handle": channel,
                "post_id": video,
                "comment_id": id,
                "author": author.trim_start_matches('@'),
                "text": text(s.get("textOriginal").or_else(|| s.get("textDisplay"))),
                "published_at": s["publishedAt"],
            });
            Mapped::ok(at, o.as_object_mut().map(std::mem::take).unwrap_or_default())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;
    use clout_core::Record;

    #[test]
    fn durations_and_counts_read_as_youtube_writes_them() {
        assert_eq!(duration_seconds("PT1M3S"), Some(63));
        assert_eq!(duration_seconds("PT59S"), Some(59));
        assert_eq!(duration_seconds("P1DT2H"), Some(93_600));
        assert_eq!(duration_seconds("PT"), Some(0));
        assert_eq!(duration_seconds("1M"), None);
        assert_eq!(count(Some(&json!("1204"))), json!(1204));
        assert_eq!(count(None), Value::Null);
    }

    #[test]
    fn a_hidden_subscriber_count_is_a_reject_and_a_hidden_like_count_is_null() {
        let c = json!({"id": "UCx", "snippet": {"title": "T", "customUrl": "@Maker"},
            "statistics": {"hiddenSubscriberCount": true, "videoCount": "3"}});
        let m = channel(&c, "/items/0", "2026-12-01T00:00:00Z");
        let Some((_, Err(issues))) = m.parse(&Limits::default()) else { panic!("{m:?}") };
        assert!(issues[0].reason.contains("hides its subscriber count"), "{issues:?}");
        let doc = json!({"kind": "youtube#videoListResponse", "items": [{"id": "v1",
            "snippet": {"publishedAt": "2026-11-01T10:00:00Z", "channelId": "UCx", "title": "Knots #craft",
                        "description": "How to #knit, #craft."},
            "contentDetails": {"duration": "PT45S"},
            "statistics": {"viewCount": "1000", "commentCount": "4"}}]});
        let Some((_, Ok(Record::Post(p)))) =
            videos(&doc, Some("maker"), "2026-12-01T00:00:00Z")[0].parse(&Limits::default())
        else {
            panic!()
        };
        assert_eq!((p.likes, p.comments, p.views, p.shares), (None, Some(4), Some(1000), None));
        assert_eq!(p.post_type, Some(clout_core::PostType::Short));
        assert_eq!(p.hashtags.as_str(), "knit craft");
    }
}
