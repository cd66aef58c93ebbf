//! TikTok Research API video query results onto interchange records.
//!
//! `POST /v2/research/video/query/` answers `{"data": {"videos": [...], "cursor",
//! "has_more"}, "error": {...}}`; each video is a `post` of `username`: likes
//! `like_count`, comments `comment_count`, shares `share_count`, views `view_count`,
//! published `create_time` (Unix seconds), caption `video_description`, hashtags
//! `hashtag_names`. The answer holds no follower counts (those are in
//! `research/user/info`, whose answer does not name the user, so it cannot be imported on
//! its own): the channels it names have posts but no follower count until a `channel`
//! record gives one.

use serde_json::{Map, Value, json};

use super::{Mapped, at, count, text};

pub const PLATFORM: &str = "tiktok";

pub(super) fn recognise(object: &Map<String, Value>) -> Option<super::Answer> {
    object.get("data")?.get("videos")?.is_array().then_some(super::Answer::TiktokVideoQuery)
}

pub fn videos(doc: &Value, observed_at: &str) -> Vec<Mapped> {
    let items = doc["data"]["videos"].as_array().into_iter().flatten().enumerate();
    items
        .map(|(i, v)| {
            let at = at("/data/videos", i);
            let id = match &v["id"] {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                _ => return Mapped::refused(at, "post_id", "the video has no id", v),
            };
            let Some(user) = v["username"].as_str().map(str::to_lowercase) else {
                return Mapped::refused(at, "handle", "the video has no username (ask for the username field)", v);
            };
            let mut o = json!({
                "kind": "post",
                "platform": PLATFORM,
                "handle": user,
                "post_id": id,
                "published_at": v["create_time"],
                "observed_at": observed_at,
                "likes": count(v.get("like_count")),
                "comments": count(v.get("comment_count")),
                "shares": count(v.get("share_count")),
                "views": count(v.get("view_count")),
                "type": "video",
                "caption": text(v.get("video_description")),
                "hashtags": v.get("hashtag_names").filter(|h| h.is_array()).cloned().unwrap_or(json!([])),
                "url": format!("https://www.tiktok.com/@{user}/video/{id}"),
                "region_code": v["region_code"],
            });
            let mut object = o.as_object_mut().map(std::mem::take).unwrap_or_default();
            if object.get("region_code").is_some_and(Value::is_null) {
                object.remove("region_code");
            }
            Mapped::ok(at, object)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;
    use clout_core::Record;

    #[test]
    fn a_video_without_a_share_count_keeps_it_null_and_ids_stay_exact() {
        let doc = json!({"data": {"videos": [{"id": 7_301_000_000_000_000_002_u64, "username": "Clay.Corner",
            "create_time": 1_779_900_000, "like_count": 200, "comment_count": 8, "view_count": 4100}]}});
        assert_eq!(super::super::recognise(&doc), Some(super::super::Answer::TiktokVideoQuery));
        let Some((_, Ok(Record::Post(p)))) = videos(&doc, "2026-12-01T00:00:00Z")[0].parse(&Limits::default()) else {
            panic!()
        };
        assert_eq!(p.post_id, "7301000000000000002");
        assert_eq!((p.likes, p.comments, p.shares, p.views), (Some(200), Some(8), None, Some(4100)));
        assert_eq!(p.url.as_deref(), Some("https://www.tiktok.com/@clay.corner/video/7301000000000000002"));
    }
}
