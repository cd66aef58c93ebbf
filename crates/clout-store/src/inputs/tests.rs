//! A scan's channels by range and by id, with posts whose text lies in one byte arena: a
//! channel with more posts than are handed over, one without posts between two with, a
//! post with hashtags and no caption, one with neither.

use clout_core::{FollowerObservation, Handle, Platform, PostObservation, Record, Timestamp, Words};

use crate::{Access, Channels, RunStatus, Store};

fn post(handle: &str, id: &str, at: i64, caption: Option<&str>, tags: &[&str]) -> Record {
    Record::Post(PostObservation {
        platform: Platform::Instagram,
        handle: Handle::parse(handle).unwrap(),
        post_id: id.to_string(),
        published_at: Timestamp::from_unix(at),
        observed_at: Some(Timestamp::from_unix(2_000_000)),
        likes: Some(10),
        comments: Some(1),
        shares: None,
        views: None,
        saves: None,
        post_type: None,
        caption: caption.map(str::to_string),
        hashtags: Words::from_words(tags.iter().copied()),
        mentions: Default::default(),
        url: None,
        sponsored: None,
        extra: None,
    })
}

/// `(handle, [(caption, hashtags)], posts)` of each channel a scan hands over.
type Seen = Vec<(String, Vec<(Option<String>, Option<String>)>, usize)>;

fn scan(store: &Store, which: Channels<'_>, captions: usize) -> Seen {
    let mut seen = Vec::new();
    store
        .for_each_channel_input(which, captions, &mut |c| {
            let texts = c.texts.iter().map(|(a, b)| (a.map(str::to_string), b.map(str::to_string))).collect();
            seen.push((c.handle.to_string(), texts, c.posts.len()))
        })
        .unwrap();
    seen
}

#[test]
fn a_scan_hands_over_each_channels_newest_texts_whatever_lies_between() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), Access::Write, "test").unwrap();
    // "many": 35 posts, post k published at 1000 + k with caption "caption k é" and the
    // hashtag "tag{k}"; every fifth has no caption. "none": no post. "few": a post with
    // hashtags only and a later one with nothing.
    let mut records: Vec<Record> = (0..35)
        .map(|k| {
            let caption = format!("caption {k} é");
            let tag = format!("tag{k}");
            post("many", &format!("m{k:02}"), 1_000 + k, (k % 5 != 0).then_some(caption.as_str()), &[tag.as_str()])
        })
        .collect();
    records.push(Record::Followers(FollowerObservation {
        platform: Platform::Instagram,
        handle: Handle::parse("none").unwrap(),
        followers: 50,
        observed_at: Timestamp::from_unix(1_500),
        extra: None,
    }));
    records.push(post("few", "f1", 900, None, &["vegan", "baking"]));
    records.push(post("few", "f2", 950, None, &[]));
    let mut w = store.begin_run(Timestamp::from_unix(2_000_000), &["t.ndjson".to_string()]).unwrap();
    let source = w.source_id("t.ndjson").unwrap();
    w.write_batch(&records, source, &[]).unwrap();
    w.finish(RunStatus::Completed, Timestamp::from_unix(2_000_000), None).unwrap();

    // The 30 newest of "many", newest first: posts 34 down to 5.
    let expected_many: Vec<(Option<String>, Option<String>)> =
        (5..35).rev().map(|k| ((k % 5 != 0).then(|| format!("caption {k} é")), Some(format!("tag{k}")))).collect();
    let (low, high) = store.channel_id_bounds().unwrap().unwrap();
    let by_range = scan(&store, Channels::Range(low - 1, high), 30);
    assert_eq!(
        by_range,
        vec![
            ("many".to_string(), expected_many, 35),
            ("none".to_string(), vec![], 0),
            ("few".to_string(), vec![(None, None), (None, Some("vegan baking".to_string()))], 2),
        ]
    );
    // The same channels by id, one at a time, and a range cut between them.
    let ids: Vec<i64> = (low..=high).collect();
    assert_eq!(scan(&store, Channels::Ids(&ids), 30), by_range);
    let mut cut = scan(&store, Channels::Range(low - 1, low), 30);
    cut.extend(scan(&store, Channels::Range(low, high), 30));
    assert_eq!(cut, by_range);
    // Without texts: the same posts, no text.
    let numbers = scan(&store, Channels::Range(low - 1, high), 0);
    let counts: Vec<(&str, usize, usize)> = numbers.iter().map(|(h, t, n)| (h.as_str(), t.len(), *n)).collect();
    assert_eq!(counts, [("many", 0, 35), ("none", 0, 0), ("few", 0, 2)]);
}
