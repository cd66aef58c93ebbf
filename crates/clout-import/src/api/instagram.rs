//! Instagram Graph API business discovery answers onto interchange records.
//!
//! `GET /{your-ig-user-id}?fields=business_discovery.username(NAME){…}` answers with
//! another business or creator account's profile and its media:
//! - the profile is a `channel`: followers `followers_count`, following `follows_count`,
//!   posts `media_count`, `name`, `biography`; the account's id, picture and website are
//!   kept in its unknown fields (`ig_id`, `avatar`, `website`);
//! - each media item is a `post`: likes `like_count`, comments `comments_count`. An owner
//!   may hide like counts: `like_count` is then absent and stays null, never 0. Type:
//!   `reel` for `media_product_type` REELS, `story` for STORY, else by `media_type`
//!   (`carousel`, `video`, `image`). Hashtags and mentions are the caption's `#` and `@`
//!   words. Times come as `2026-11-20T10:00:00+0000` and are read as RFC 3339.

use serde_json::{Map, Value, json};

use super::{Mapped, at, count, text};

pub const PLATFORM: &str = "instagram";

pub(super) fn recognise(object: &Map<String, Value>) -> Option<super::Answer> {
    object.get("business_discovery").filter(|b| b.is_object()).map(|_| super::Answer::InstagramBusinessDiscovery)
}

/// `+0000` at the end of a Graph API time as `+00:00`.
fn rfc3339(v: &Value) -> Value {
    match v.as_str() {
        Some(s) if s.len() > 5 && (s.as_bytes()[s.len() - 5] == b'+' || s.as_bytes()[s.len() - 5] == b'-') => {
            let (head, zone) = s.split_at(s.len() - 5);
            if zone[1..].bytes().all(|b| b.is_ascii_digit()) {
                json!(format!("{head}{}:{}", &zone[..3], &zone[3..]))
            } else {
                v.clone()
            }
        }
        _ => v.clone(),
    }
}

/// The `#` or `@` words of a caption.
fn words(caption: &str, mark: char) -> Vec<String> {
    let mut out: Vec<String> = caption
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter_map(|w| w.strip_prefix(mark))
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_' && c != '.').trim_end_matches('.').to_string()
        })
        .filter(|w| !w.is_empty())
        .collect();
    out.dedup();
    out
}

/// A business discovery answer: the profile (when `with_profile`) and the page of media.
pub fn business_discovery(doc: &Value, observed_at: &str, with_profile: bool) -> Vec<Mapped> {
    let b = &doc["business_discovery"];
    let Some(username) = b["username"].as_str().map(str::to_lowercase) else {
        return vec![Mapped::refused("/business_discovery".into(), "handle", "the answer has no username", b)];
    };
    let mut out = Vec::new();
    if with_profile {
        let at = "/business_discovery".to_string();
        if b.get("followers_count").is_none_or(Value::is_null) {
            out.push(Mapped::refused(at, "followers", "the answer has no followers_count (ask for it in fields)", b));
        } else {
            let mut o = json!({
                "kind": "channel",
                "platform": PLATFORM,
                "handle": username,
                "followers": count(b.get("followers_count")),
                "following": count(b.get("follows_count")),
                "posts_count": count(b.get("media_count")),
                "name": text(b.get("name")),
                "bio": text(b.get("biography")),
                "url": format!("https://www.instagram.com/{username}/"),
                "observed_at": observed_at,
                "ig_id": b["id"],
                "avatar": b["profile_picture_url"],
                "website": b["website"],
            });
            let mut object = o.as_object_mut().map(std::mem::take).unwrap_or_default();
            for k in ["ig_id", "avatar", "website"] {
                if object.get(k).is_some_and(Value::is_null) {
                    object.remove(k);
                }
            }
            out.push(Mapped::ok(at, object));
        }
    }
    let media = b["media"]["data"].as_array().into_iter().flatten().enumerate();
    for (i, m) in media {
        let at = at("/business_discovery/media/data", i);
        let Some(id) = m["id"].as_str() else {
            out.push(Mapped::refused(at, "post_id", "the media item has no id", m));
            continue;
        };
        let kind = match (m["media_product_type"].as_str(), m["media_type"].as_str()) {
            (Some("REELS"), _) => "reel",
            (Some("STORY"), _) => "story",
            (_, Some("CAROUSEL_ALBUM")) => "carousel",
            (_, Some("VIDEO")) => "video",
            _ => "image",
        };
        let caption = m["caption"].as_str().unwrap_or("");
        let mut o = json!({
            "kind": "post",
            "platform": PLATFORM,
            "handle": username,
            "post_id": id,
            "published_at": rfc3339(&m["timestamp"]),
            "observed_at": observed_at,
            "likes": count(m.get("like_count")),
            "comments": count(m.get("comments_count")),
            "type": kind,
            "caption": text(m.get("caption")),
            "hashtags": words(caption, '#'),
            "mentions": words(caption, '@'),
            "url": m["permalink"],
        });
        out.push(Mapped::ok(at, o.as_object_mut().map(std::mem::take).unwrap_or_default()));
    }
    out
}

/// The cursor to the next page of media, if any.
pub fn next_cursor(doc: &Value) -> Option<String> {
    let paging = &doc["business_discovery"]["media"]["paging"];
    paging["next"].as_str()?;
    paging["cursors"]["after"].as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;
    use clout_core::Record;

    #[test]
    fn a_business_discovery_answer_is_a_channel_and_its_posts_with_hidden_likes_null() {
        let doc = json!({"business_discovery": {
            "id": "17841400000000001", "username": "Olive.Grove.Kitchen", "name": "Olive Grove", "biography": "Recipes",
            "followers_count": 8200, "follows_count": 410, "media_count": 312,
            "media": {"data": [
                {"id": "1801", "caption": "Lemon tart #baking with @flour.co.", "comments_count": 12, "like_count": 340,
                 "timestamp": "2026-11-20T10:00:00+0000", "media_type": "CAROUSEL_ALBUM", "media_product_type": "FEED",
                 "permalink": "https://www.instagram.com/p/abc/"},
                {"id": "1802", "comments_count": 3, "timestamp": "2026-11-18T10:00:00+0100", "media_type": "VIDEO",
                 "media_product_type": "REELS"}
            ], "paging": {"cursors": {"after": "QVFI"}, "next": "https://graph.example/next"}}
        }, "id": "17841400000000000"});
        assert_eq!(super::super::recognise(&doc), Some(super::super::Answer::InstagramBusinessDiscovery));
        let mapped = business_discovery(&doc, "2026-12-01T00:00:00Z", true);
        let records: Vec<Record> = mapped.iter().map(|m| m.parse(&Limits::default()).unwrap().1.unwrap()).collect();
        let Record::Channel(c) = &records[0] else { panic!() };
        assert_eq!((c.handle.as_str(), c.followers, c.posts_count), ("olive.grove.kitchen", 8200, Some(312)));
        let Record::Post(p) = &records[1] else { panic!() };
        assert_eq!((p.likes, p.comments, p.post_type), (Some(340), Some(12), Some(clout_core::PostType::Carousel)));
        assert_eq!((p.hashtags.as_str(), p.mentions.as_str()), ("baking", "flour.co"));
        let Record::Post(p) = &records[2] else { panic!() };
        assert_eq!((p.likes, p.post_type), (None, Some(clout_core::PostType::Reel)));
        assert_eq!(p.published_at.date_time(), "2026-11-18 09:00:00");
        assert_eq!(next_cursor(&doc).as_deref(), Some("QVFI"));
    }
}
