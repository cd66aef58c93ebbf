//! The post-search and brand-safety interfaces' contracts on both backends (see the
//! parent module): posts' text streamed for the post index, found posts read back, safety
//! lists, screenings with their evidence, and what screening reads.

use clout_core::{CommentRecord, Handle, Platform, PostObservation, PostType, Record, Words};
use clout_store::{CategoryLevel, ChannelScreen, Channels, PostSet, PostText, RunStatus, SafetyHit};

use super::{Backend, backends, t};

fn post(handle: &str, id: &str, at: i64, likes: u64) -> Record {
    Record::Post(PostObservation {
        platform: Platform::Instagram,
        handle: Handle::parse(handle).unwrap(),
        post_id: id.to_string(),
        published_at: t(100),
        observed_at: Some(t(at)),
        likes: Some(likes),
        comments: Some(2),
        shares: None,
        views: None,
        saves: Some(1),
        post_type: Some(PostType::Reel),
        caption: Some(format!("caption of {id}")),
        hashtags: Words::from_words(["vegan", "food"]),
        mentions: Words::from_words(["glowlab"]),
        url: Some(format!("https://example.com/{id}")),
        sponsored: Some(true),
        extra: None,
    })
}

fn comment(id: &str, text: Option<&str>) -> Record {
    Record::Comment(CommentRecord {
        platform: Platform::Instagram,
        handle: Handle::parse("chef").unwrap(),
        post_id: "p1".into(),
        comment_id: id.into(),
        author: "fan".into(),
        text: text.map(str::to_string),
        published_at: Some(t(150)),
        extra: None,
    })
}

/// Imports the posts and comments the tests read: chef's p1 (observed twice) and c1, c2
/// (c2 without text), baker's p2. Returns the posts' text, all of them.
fn seed(s: &mut dyn Backend) -> Vec<PostText> {
    let mut run = s.begin_run(t(1_000), &["posts.ndjson".into()]).unwrap();
    let source = run.source_id("posts.ndjson").unwrap();
    run.write_batch(&[post("chef", "p1", 200, 10), post("baker", "p2", 200, 5)], source, &[]).unwrap();
    run.write_batch(&[post("chef", "p1", 300, 20), comment("c2", None), comment("c1", Some("great"))], source, &[])
        .unwrap();
    run.finish(RunStatus::Completed, t(1_001), None).unwrap();
    let mut all = Vec::new();
    s.for_each_post_text(PostSet::All, &mut |p| all.push(p)).unwrap();
    all
}

#[test]
fn every_posts_text_streams_in_row_order_and_found_posts_come_back_in_the_order_asked() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let all = seed(s.as_mut());
        let summary: Vec<(i64, String, String, String, Option<u64>, bool)> = all
            .iter()
            .map(|p| (p.channel_id, p.caption.clone(), p.hashtags.clone(), p.mentions.clone(), p.likes, p.sponsored))
            .collect();
        assert_eq!(
            summary,
            [
                (chef, "caption of p1".into(), "vegan food".into(), "glowlab".into(), Some(20), true),
                (baker, "caption of p2".into(), "vegan food".into(), "glowlab".into(), Some(5), true),
            ],
            "{name}"
        );
        assert_eq!(all[0].post_type, Some(PostType::Reel), "{name}");
        let (p1, p2) = (all[0].post_id, all[1].post_id);
        assert!(p1 < p2, "{name}");
        let of = |s: &dyn Backend, which: PostSet<'_>| {
            let mut got = Vec::new();
            let version = s.for_each_post_text(which, &mut |p| got.push(p.post_id)).unwrap();
            (got, version)
        };
        // The seed's two batches plus the channels' import: three batches written.
        assert_eq!(of(s.as_ref(), PostSet::Rows(&[p2])), (vec![p2], Some(3)), "{name}");
        assert_eq!(of(s.as_ref(), PostSet::Channels(&[baker])).0, [p2], "{name}");
        assert_eq!(of(s.as_ref(), PostSet::ChannelRange(chef - 1, chef)).0, [p1], "{name}");
        let found = s.found_posts(&[p2, 9_999, p1]).unwrap();
        let rows: Vec<(i64, String, u32, Vec<String>, String)> = found
            .into_iter()
            .map(|f| (f.post_id, f.handle, f.post.observations, f.post.mentions, f.post.source))
            .collect();
        assert_eq!(
            rows,
            [
                (p2, "baker".into(), 1, vec!["glowlab".into()], "posts.ndjson".into()),
                (p1, "chef".into(), 2, vec!["glowlab".into()], "posts.ndjson".into()),
            ],
            "{name}"
        );
    }
}

#[test]
fn a_screening_keeps_its_levels_and_the_posts_and_comments_behind_each_match() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let all = seed(s.as_mut());
        assert_eq!(s.safety_list().unwrap(), None, "{name}");
        let first = s.set_safety_list("default", "1", "sha-a", "[list]", 10).unwrap();
        let other = s.set_safety_list("strict", "2", "sha-b", "[strict]", 20).unwrap();
        // The same list again is the one kept, with its first time, and active again.
        let again = s.set_safety_list("default", "1", "sha-a", "[list]", 30).unwrap();
        assert_eq!((again.id, again.set_at), (first.id, 10), "{name}");
        assert_ne!(other.id, first.id, "{name}");
        assert_eq!(s.safety_list().unwrap().map(|l| l.id), Some(first.id), "{name}");

        let screen = ChannelScreen {
            posts: 1,
            comments: 1,
            levels: vec![
                CategoryLevel { category: "violence".into(), level: 1, posts: 0, comments: 1 },
                CategoryLevel { category: "alcohol".into(), level: 3, posts: 1, comments: 0 },
            ],
            hits: vec![
                SafetyHit {
                    category: "alcohol".into(),
                    post_ref: Some(all[0].post_id),
                    comment_id: None,
                    term: "wine".into(),
                },
                SafetyHit {
                    category: "violence".into(),
                    post_ref: None,
                    comment_id: Some("c1".into()),
                    term: "fight".into(),
                },
            ],
        };
        s.replace_safety(Channels::Range(i64::MIN, i64::MAX), first.id, 500, &[(chef, screen.clone())]).unwrap();
        let stored = s.safety_of(chef).unwrap().unwrap();
        assert_eq!((stored.list.id, stored.screened_at), (first.id, 500), "{name}");
        // Levels by category; hits in the order given.
        let levels: Vec<&str> = stored.screen.levels.iter().map(|l| l.category.as_str()).collect();
        assert_eq!(levels, ["alcohol", "violence"], "{name}");
        assert_eq!(stored.screen.hits, screen.hits, "{name}");
        let post_evidence = &stored.evidence[0];
        assert_eq!(
            (post_evidence.post_id.as_deref(), post_evidence.post_url.as_deref(), post_evidence.text.as_deref()),
            (Some("p1"), Some("https://example.com/p1"), Some("caption of p1")),
            "{name}"
        );
        let comment_evidence = &stored.evidence[1];
        assert_eq!(
            (comment_evidence.post_id.as_deref(), comment_evidence.text.as_deref(), comment_evidence.comment.clone()),
            (Some("p1"), Some("great"), Some(("c1".to_string(), "fan".to_string()))),
            "{name}"
        );
        assert_eq!(s.safety_of(baker).unwrap(), None, "{name}");
        assert!(s.safety_current(first.id).unwrap(), "{name}");
        assert!(!s.safety_current(other.id).unwrap(), "{name}");
        assert_eq!(s.channels_above_safety(2, &[]).unwrap(), [chef], "{name}");
        assert_eq!(s.channels_above_safety(1, &["violence".into()]).unwrap(), Vec::<i64>::new(), "{name}");
        assert_eq!(s.channels_above_safety(0, &["violence".into(), "drugs".into()]).unwrap(), [chef], "{name}");
        // Screening the chef again without matches removes its levels and hits.
        s.replace_safety(Channels::Ids(&[chef]), other.id, 600, &[(chef, ChannelScreen::default())]).unwrap();
        let stored = s.safety_of(chef).unwrap().unwrap();
        assert_eq!((stored.list.id, stored.screen.levels.len(), stored.evidence.len()), (other.id, 0, 0), "{name}");
        assert_eq!(s.channels_above_safety(0, &[]).unwrap(), Vec::<i64>::new(), "{name}");

        // What screening reads: languages (none imported) and comments with text.
        assert_eq!(s.channel_languages(Channels::Ids(&[chef, 9_999])).unwrap(), [(chef, None)], "{name}");
        assert_eq!(s.channel_languages(Channels::Range(chef, i64::MAX)).unwrap(), [(baker, None)], "{name}");
        let mut comments = Vec::new();
        s.for_each_comment_text(Channels::Range(i64::MIN, i64::MAX), &mut |id, c, text| {
            comments.push((id, c.to_string(), text.to_string()))
        })
        .unwrap();
        assert_eq!(comments, [(chef, "c1".to_string(), "great".to_string())], "{name}");
    }
}
