//! The recompute's tests: several threads and one agree, and an import's recompute of what it
//! touched agrees with recomputing everything.

use super::{Scope, ranges};
use crate::{Access, App, Silent};

/// Everything a recompute writes, as comparable rows.
fn derived(app: &App) -> (String, String) {
    let rows = app.store.channels(&Default::default()).unwrap();
    let niches = app.store.niches_by_channel().unwrap();
    let mut niches: Vec<_> = niches.into_iter().collect();
    niches.sort_by_key(|(id, _)| *id);
    let mut tags = app.store.hashtags_by_channel().unwrap();
    tags.sort();
    let fits = app.store.platform_fits().unwrap();
    let buckets = app.store.bucket_stats().unwrap();
    let mut growth = Vec::new();
    app.store
        .for_each_stored(&mut |s| {
            growth.push((s.channel_id, format!("{:?} {:?} {:?} {:?}", s.growth, s.comments, s.verdicts, s.quality)))
        })
        .unwrap();
    (format!("{rows:?}"), format!("{niches:?}{tags:?}{fits:?}{buckets:?}{growth:?}"))
}

#[test]
fn recomputing_what_an_import_touched_writes_what_recomputing_everything_writes() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world.ndjson");
    let as_of = 1_795_176_000;
    crate::write_demo_world(std::fs::File::create(&world).unwrap(), 11, 400, clout_core::Timestamp::from_unix(as_of))
        .unwrap();
    let config = crate::test_config(dir.path().join("data"));
    let mut app = App::open(config, Access::Write, "test").unwrap();
    let options = crate::tests::import_options(|| clout_core::Timestamp::from_unix(1_795_176_000 + 86_400), 5_000);
    app.import(std::slice::from_ref(&world), &options, &mut Silent).unwrap();
    let before = derived(&app);

    // A day later: a viral post on five channels (their rates, the peers and the fit
    // move), a new bio on one (its text and labels), and a channel never seen.
    let text = std::fs::read_to_string(&world).unwrap();
    let mut channels: Vec<serde_json::Value> = Vec::new();
    for v in text.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()) {
        let known = channels.iter().any(|c| c["handle"] == v["handle"] && c["platform"] == v["platform"]);
        if v["kind"] == "channel" && v["followers"].as_u64().unwrap_or(0) > 2_000 && !known && channels.len() < 5 {
            channels.push(v);
        }
    }
    let mut lines = Vec::new();
    for (i, c) in channels.iter().enumerate() {
        lines.push(format!(
            r#"{{"kind":"post","platform":{},"handle":{},"post_id":"late-{i}","published_at":{},"likes":{},"comments":40,"caption":"A sourdough loaf, finally","observed_at":{}}}"#,
            c["platform"],
            c["handle"],
            as_of + 3_600,
            c["followers"].as_u64().unwrap() / 2,
            as_of + 86_400
        ));
    }
    lines.push(format!(
        r#"{{"kind":"channel","platform":{},"handle":{},"followers":{},"bio":"Espresso, latte art and pour over coffee","observed_at":{}}}"#,
        channels[0]["platform"],
        channels[0]["handle"],
        channels[0]["followers"],
        as_of + 86_400
    ));
    lines.push(format!(
        r#"{{"kind":"channel","platform":"instagram","handle":"newcomer","followers":12000,"bio":"Trail running and ultramarathons","observed_at":{}}}"#,
        as_of + 86_400
    ));
    for (i, who) in ["ana", "ana", "bo.b"].iter().enumerate() {
        lines.push(format!(
            r#"{{"kind":"comment","platform":{},"handle":{},"post_id":"late-1","comment_id":"late-c{i}","author":"{who}","text":"nice\npic"}}"#,
            channels[1]["platform"], channels[1]["handle"]
        ));
    }
    // Two followers sampled on a channel that had none.
    for who in [
        r#""username":"anna.bakes","followers":420,"following":380,"posts_count":95,"has_profile_pic":true"#,
        r#""username":"user83920417","followers":3,"following":4100,"posts_count":0,"has_profile_pic":false"#,
    ] {
        lines.push(format!(
            r#"{{"kind":"follower","platform":{},"handle":{},{who}}}"#,
            channels[2]["platform"], channels[2]["handle"]
        ));
    }
    let file = dir.path().join("later.ndjson");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let s = app.import(&[file], &options, &mut Silent).unwrap();
    assert_eq!(s.niches.map(|n| n.channels), Some(6), "only the touched channels were read again");
    let touched = derived(&app);
    assert_ne!(touched, before, "the import changed what is derived");
    assert_eq!((s.accepted, s.rejected), (lines.len() as u64, 0), "every record is taken");
    let commented = id_of(&app, &channels[1]);
    let mut summary = None;
    app.store
        .for_each_stored(&mut |c| {
            if c.channel_id == commented {
                summary = c.comments.clone()
            }
        })
        .unwrap();
    assert!(summary.is_some_and(|c| c.comments >= 3), "the new comments are summarised");
    // The full recompute streams the comments channel by channel: the same as by channel.
    let mut streamed = std::collections::HashMap::new();
    app.store
        .for_each_channel_comments(clout_store::Channels::Range(i64::MIN, i64::MAX), &mut |id, c| {
            assert!(streamed.insert(id, c.to_vec()).is_none())
        })
        .unwrap();
    let by_channel = app.store.comments_by_channel().unwrap();
    assert!(by_channel.len() >= 2 && by_channel.contains_key(&commented), "{} channels", by_channel.len());
    assert_eq!(streamed, by_channel);
    let sampled = verdicts(&app);
    let newly = id_of(&app, &channels[2]);
    assert_eq!(sampled.get(&newly).map(|t| t.iter().sum::<u32>()), Some(2), "the new sample is judged");
    assert!(sampled.len() >= 3, "the world and the import sampled followers: {sampled:?}");

    app.derive_with(Scope::All, 1).unwrap();
    assert_eq!(touched, derived(&app), "an import's recompute equals recomputing everything");
    let before_model = touched;

    // The user's own model, so strict that every sampled follower is suspicious: an
    // import that touches one channel judges every sample again.
    let model = crate::quality::DEFAULT_FOLLOWER_MODEL
        .lines()
        .map(|l| if l.starts_with("threshold") { "threshold = 0.0" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::create_dir_all(dir.path().join("data/models")).unwrap();
    std::fs::write(dir.path().join("data/models/follower.toml"), model).unwrap();
    let file = dir.path().join("latest.ndjson");
    std::fs::write(&file, &lines[0]).unwrap();
    let s = app.import(&[file], &options, &mut Silent).unwrap();
    assert_eq!(s.niches.map(|n| n.channels), Some(1), "one channel was read again");
    let strict = verdicts(&app);
    assert_eq!(strict.keys().collect::<Vec<_>>(), sampled.keys().collect::<Vec<_>>());
    for (id, types) in &strict {
        let all: u32 = sampled[id].iter().sum();
        assert_eq!(*types, [0, 0, 0, 0, all], "channel {id}: every follower judged suspicious");
    }
    let touched = derived(&app);
    assert_ne!(touched.1, before_model.1, "the scores moved with the verdicts");
    app.derive_with(Scope::All, 1).unwrap();
    assert_eq!(touched, derived(&app), "an import's recompute under a new model equals recomputing everything");
}

/// The store's id of a channel record of the demo world.
fn id_of(app: &App, channel: &serde_json::Value) -> i64 {
    let platform = clout_core::Platform::parse(channel["platform"].as_str().unwrap()).unwrap();
    app.store.channel_id(platform, channel["handle"].as_str().unwrap()).unwrap().unwrap()
}

/// Each sampled channel's verdicts (real, influencer, mass follower, inactive, suspicious).
fn verdicts(app: &App) -> std::collections::BTreeMap<i64, [u32; 5]> {
    let mut out = std::collections::BTreeMap::new();
    app.store
        .for_each_stored(&mut |s| {
            if let Some(v) = s.verdicts {
                out.insert(s.channel_id, v.types);
            }
        })
        .unwrap();
    out
}

#[test]
fn a_recompute_on_several_threads_writes_what_one_thread_writes() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world.ndjson");
    let as_of = clout_core::Timestamp::from_unix(1_795_176_000);
    crate::write_demo_world(std::fs::File::create(&world).unwrap(), 7, 400, as_of).unwrap();
    let open = |name: &str| {
        let config = crate::test_config(dir.path().join(name));
        App::open(config, Access::Write, "test").unwrap()
    };
    let options = crate::tests::import_options(|| clout_core::Timestamp::from_unix(1_795_176_000), 5_000);
    let (mut one, mut many) = (open("one"), open("many"));
    for app in [&mut one, &mut many] {
        app.import(std::slice::from_ref(&world), &options, &mut Silent).unwrap();
    }
    let (m1, n1, q1) = one.derive_with(Scope::All, 1).unwrap();
    let (m3, n3, q3) = many.derive_with(Scope::All, 3).unwrap();
    assert_eq!(
        (m1.channels, m1.with_rate, n1.channels, n1.labelled, q1),
        (m3.channels, m3.with_rate, n3.channels, n3.labelled, q3)
    );
    assert_eq!(n1.channels, 400);
    let (rows, rest) = derived(&one);
    assert!(rows.contains("engagement_percentile: Ok("), "the world has peers");
    assert_eq!((rows, rest), derived(&many));
    // Again with nothing changed: the text is kept, the numbers are the same.
    many.derive_with(Scope::All, 2).unwrap();
    assert_eq!(derived(&one), derived(&many));
    // A recompute of some channels (read again in pieces of 16 on three connections, or on
    // one) reads every other one back as stored: both write the same.
    let mut some = Vec::new();
    one.store
        .for_each_stored(&mut |s| {
            if s.channel_id % 7 == 0 {
                some.push(s.channel_id)
            }
        })
        .unwrap();
    assert!(some.len() > 40, "{} channels", some.len());
    one.derive_with(Scope::Touched(&some), 1).unwrap();
    many.derive_with(Scope::Touched(&some), 3).unwrap();
    assert_eq!(derived(&one), derived(&many));
}

#[test]
fn ranges_cover_every_id_once() {
    for (low, high, n) in [(1, 1, 4), (1, 10, 3), (5, 1_000_003, 64), (1, 2, 10)] {
        let r = ranges(low, high, n);
        assert_eq!(r[0].0, low - 1);
        assert_eq!(r[r.len() - 1].1, high);
        for w in r.windows(2) {
            assert_eq!(w[0].1, w[1].0, "{r:?}");
        }
        assert!(r.iter().all(|(a, b)| a < b), "{r:?}");
        assert!(r.len() <= n);
    }
}

#[test]
fn a_broken_follower_model_stops_only_the_stores_that_have_follower_samples() {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::test_config(dir.path().join("data"));
    std::fs::create_dir_all(dir.path().join("data/models")).unwrap();
    std::fs::write(dir.path().join("data/models/follower.toml"), "threshold = \"not a number\"").unwrap();
    let mut app = App::open(config, Access::Write, "test").unwrap();
    let options = crate::tests::import_options(|| clout_core::Timestamp::from_unix(1_795_176_000), 5_000);
    let file = dir.path().join("one.ndjson");
    let channel = r#"{"kind":"channel","platform":"instagram","handle":"greens","followers":12000,"bio":"Vegan baking","observed_at":1795176000}"#;
    std::fs::write(&file, channel).unwrap();
    let s = app.import(std::slice::from_ref(&file), &options, &mut Silent).unwrap();
    assert_eq!(s.metrics.map(|m| m.channels), Some(1), "no sample: the model is not read");
    let follower =
        r#"{"kind":"follower","platform":"instagram","handle":"greens","username":"anna.bakes","followers":420}"#;
    std::fs::write(&file, follower).unwrap();
    let err = app.import(&[file], &options, &mut Silent).unwrap_err();
    assert!(err.to_string().contains("follower model"), "{err}");
}

#[test]
fn the_built_in_model_counts_each_follower_as_the_type_its_verdict_gives() {
    // The recompute counts `kind`; `clout quality check` shows `judge`: on the built-in
    // model they agree for bots, people, influencers, mass followers and quiet accounts.
    let dir = tempfile::tempdir().unwrap();
    let config = crate::test_config(dir.path().join("data"));
    let app = App::open(config, Access::Write, "test").unwrap();
    let model = app.follower_model(None).unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    for followers in [None, Some(0), Some(3), Some(150), Some(900), Some(6_000), Some(2_000_000)] {
        for following in [None, Some(0), Some(120), Some(1_400), Some(7_500)] {
            for posts in [None, Some(0), Some(4), Some(60)] {
                for pic in [None, Some(false), Some(true)] {
                    let p = clout_core::follower::FollowerProfile {
                        followers,
                        following,
                        posts,
                        has_profile_pic: pic,
                        ..Default::default()
                    }
                    .with_username("user83920417");
                    let kind = model.kind(&p);
                    assert_eq!(kind, model.judge(&p).kind, "{p:?}");
                    kinds.insert(kind);
                }
            }
        }
    }
    assert_eq!(kinds.len(), 5, "every type is reached: {kinds:?}");
}
