//! Overlap from imported follower samples and comments, worked out by hand.

use clout_core::Timestamp;

use crate::{Access, App, Error, Silent};

const AS_OF: i64 = 1_795_176_000;

/// a and b: 4 followers each, sampled whole (a: u1–u4, b: u3–u6); c: 1,000 followers, a
/// sample of 10 (u1, u5 and 8 others). Comments: a by u1 and u2, b by u2.
fn world(dir: &std::path::Path) -> App {
    let mut lines = Vec::new();
    for (handle, followers) in [("a", 4), ("b", 4), ("c", 1000)] {
        lines.push(format!(
            r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","followers":{followers},"observed_at":{AS_OF}}}"#
        ));
    }
    let mut follow = |channel: &str, user: &str| {
        lines.push(format!(
            r#"{{"kind":"follower","platform":"instagram","handle":"{channel}","username":"{user}","followers":10,"following":10,"posts_count":5,"observed_at":{AS_OF}}}"#
        ));
    };
    for u in ["u1", "u2", "u3", "u4"] {
        follow("a", u);
    }
    for u in ["u3", "u4", "u5", "u6"] {
        follow("b", u);
    }
    for u in ["u1", "u5", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"] {
        follow("c", u);
    }
    for (channel, id, author) in [("a", "c1", "u1"), ("a", "c2", "u2"), ("b", "c3", "u2")] {
        lines.push(format!(
            r#"{{"kind":"comment","platform":"instagram","handle":"{channel}","post_id":"p","comment_id":"{id}","author":"{author}","text":"nice"}}"#
        ));
    }
    let file = dir.join("world.ndjson");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let config = crate::test_config(dir.join("data"));
    let mut app = App::open(config, Access::Write, "test").unwrap();
    let options = crate::tests::import_options(|| Timestamp::from_unix(AS_OF + 86_400), 100);
    let summary = app.import(&[file], &options, &mut Silent).unwrap();
    assert_eq!(summary.rejected, 0);
    app
}

#[test]
fn the_overlap_of_channels_reads_their_samples_and_commenters() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(dir.path());
    let refs = ["instagram/a", "instagram/b", "instagram/c"].map(String::from);
    let r = crate::overlap_of(&app, None, &refs).unwrap();
    assert_eq!(r.channels.iter().map(|c| (c.sampled, c.commenters)).collect::<Vec<_>>(), [(4, 2), (4, 1), (10, 0)]);
    let o = &r.overlap;
    // a and b share u3 and u4, both sampled whole: exactly 2.
    let ab = o.pairs[0].followers.unwrap();
    assert_eq!((ab.value, ab.low, ab.high), (2.0, 2.0, 2.0));
    assert_eq!(o.pairs[0].shared_commenters, 1);
    // a and c share u1: c's sample is a hundredth, so 1 × 1 × 100 = 100, at most a's 4.
    assert_eq!(o.pairs[1].followers.unwrap().value, 4.0);
    // Reach: 1,008 − 2 − 4 − 4 = 998, but never below c's own 1,000.
    assert_eq!(o.unique_reach, Some(1000.0));
    assert_eq!(o.total_followers, 1008);
    // One channel: its own audience.
    let one = crate::overlap_of(&app, None, &["instagram/c".to_string()]).unwrap();
    assert_eq!((one.overlap.pairs.len(), one.overlap.unique_reach), (0, Some(1000.0)));
    let too_many: Vec<i64> = (1..=201).collect();
    assert!(matches!(app.overlap(&too_many), Err(Error::Invalid(_))));
}
