//! Brand safety on hand-made posts whose matches were worked out by hand: levels, the
//! evidence behind them, the Directory filter, a list of the user's, an import that
//! screens only what it touched, and the audit record.

use clout_core::Timestamp;
use clout_core::discovery::{DiscoveryQuery, SafetyFilter};
use clout_core::safety::SafetyLevel;

use crate::{Access, App, Error, Silent};

const AS_OF: i64 = 1_795_176_000;
const DAY: i64 = 86_400;

fn channel(handle: &str) -> String {
    format!(r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","followers":5000,"observed_at":{AS_OF}}}"#)
}

fn post(handle: &str, id: &str, days_before: i64, caption: &str) -> String {
    format!(
        r#"{{"kind":"post","platform":"instagram","handle":"{handle}","post_id":"{id}","published_at":{},"caption":"{caption}","url":"https://www.instagram.com/p/{id}/","likes":100,"comments":5,"observed_at":{AS_OF}}}"#,
        AS_OF - days_before * DAY
    )
}

fn import(app: &mut App, dir: &std::path::Path, name: &str, lines: &[String]) {
    let file = dir.join(name);
    std::fs::write(&file, lines.join("\n")).unwrap();
    let options = crate::tests::import_options(|| Timestamp::from_unix(AS_OF + DAY), 100);
    let summary = app.import(&[file], &options, &mut Silent).unwrap();
    assert_eq!(summary.rejected, 0);
}

/// `partier`: 10 posts, 3 about drinks (tequila; beer; a cocktail), 1 at a casino.
/// `clean`: 5 posts about hiking, and a comment that swears.
/// `classy`: words that hold a term inside them (class, better, alphabet, #betterwithfriends).
fn world(dir: &std::path::Path) -> App {
    let config = crate::test_config(dir.join("data"));
    let mut app = App::open(config, Access::Write, "test").unwrap();
    let mut lines = vec![channel("partier"), channel("clean"), channel("classy")];
    let partier = [
        "Tequila night with the crew",
        "Ice cold BEER after the match",
        "my favourite cocktails this summer",
        "Lucky night at the casino",
        "Sunday brunch",
        "Morning run",
        "New shoes",
        "Beach day",
        "Coffee time",
        "Reading list",
    ];
    for (i, caption) in partier.iter().enumerate() {
        lines.push(post("partier", &format!("p{i}"), i as i64 + 1, caption));
    }
    for i in 0..5 {
        lines.push(post("clean", &format!("h{i}"), i + 1, "A long hike up the ridge"));
    }
    lines.push(
        r#"{"kind":"comment","platform":"instagram","handle":"clean","post_id":"h0","comment_id":"c1","author":"troll","text":"what the fuck is this"}"#
            .to_string(),
    );
    lines.push(post("classy", "k0", 1, "A class better than the alphabet #betterwithfriends"));
    import(&mut app, dir, "world.ndjson", &lines);
    app
}

fn partier_id(app: &App) -> i64 {
    app.store.channel_id(clout_core::Platform::Instagram, "partier").unwrap().unwrap()
}

fn level(app: &App, handle: &str, category: &str) -> (SafetyLevel, u64, u64) {
    let s = app.channel_safety(&format!("instagram/{handle}")).unwrap();
    let c = s.categories.iter().find(|c| c.id == category).unwrap();
    (c.level, c.posts, c.comments)
}

fn directory(app: &App, max: SafetyLevel, categories: &[&str]) -> crate::Result<Vec<String>> {
    let mut q = DiscoveryQuery::everything();
    q.safety = Some(SafetyFilter { max, categories: categories.iter().map(|c| c.to_string()).collect() });
    let directory = app.directory()?;
    let mut found: Vec<String> = app.search_with(&directory, &q)?.channels.into_iter().map(|c| c.row.handle).collect();
    found.sort();
    Ok(found)
}

#[test]
fn the_default_list_is_valid() {
    let default = super::ActiveList::default_list().unwrap();
    assert_eq!(default.list.categories.len(), 8);
    assert_eq!(default.list.name, "Clout default");
}

#[test]
fn an_import_screens_every_post_and_comment_and_keeps_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(dir.path());
    // 3 of 10 posts: at least 3 and at least 10 %: high. One casino post: low.
    assert_eq!(level(&app, "partier", "drugs_alcohol"), (SafetyLevel::High, 3, 0));
    assert_eq!(level(&app, "partier", "gambling"), (SafetyLevel::Low, 1, 0));
    assert_eq!(level(&app, "partier", "adult"), (SafetyLevel::None, 0, 0));
    // A swearing comment alone: low.
    assert_eq!(level(&app, "clean", "profanity"), (SafetyLevel::Low, 0, 1));
    assert_eq!(level(&app, "clean", "drugs_alcohol"), (SafetyLevel::None, 0, 0));
    // Terms inside longer words match nothing.
    assert_eq!(app.channel_safety("instagram/classy").unwrap().overall, SafetyLevel::None);

    let s = app.channel_safety("instagram/partier").unwrap();
    assert_eq!((s.posts, s.comments, s.overall), (10, 0, SafetyLevel::High));
    assert_eq!((s.list.name.as_str(), s.current), ("Clout default", true));
    // The evidence: each post with the terms it matched, newest first within a category.
    let evidence: Vec<(&str, &str, &str)> =
        s.evidence.iter().map(|e| (e.category.as_str(), e.post_id.as_deref().unwrap(), e.term.as_str())).collect();
    assert_eq!(
        evidence,
        [
            ("drugs_alcohol", "p0", "tequila"),
            ("drugs_alcohol", "p1", "beer*"),
            ("drugs_alcohol", "p2", "cocktail*"),
            ("gambling", "p3", "casino*")
        ]
    );
    assert_eq!(s.evidence[0].post_url.as_deref(), Some("https://www.instagram.com/p/p0/"));
    let clean = app.channel_safety("instagram/clean").unwrap();
    let comment = &clean.evidence[0];
    assert_eq!(comment.comment, Some(("c1".to_string(), "troll".to_string())));
    assert_eq!((comment.post_id.as_deref(), comment.term.as_str()), (Some("h0"), "fuck*"));
}

#[test]
fn the_directory_leaves_out_channels_above_the_level_in_the_categories_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(dir.path());
    assert_eq!(directory(&app, SafetyLevel::High, &[]).unwrap(), ["classy", "clean", "partier"]);
    assert_eq!(directory(&app, SafetyLevel::Low, &[]).unwrap(), ["classy", "clean"]);
    assert_eq!(directory(&app, SafetyLevel::None, &[]).unwrap(), ["classy"]);
    // Only gambling: partier's is low.
    assert_eq!(directory(&app, SafetyLevel::Low, &["gambling"]).unwrap(), ["classy", "clean", "partier"]);
    assert_eq!(directory(&app, SafetyLevel::None, &["gambling", "adult"]).unwrap(), ["classy", "clean"]);
    match directory(&app, SafetyLevel::Low, &["pets"]) {
        Err(Error::NotFound(m)) => {
            assert!(m.starts_with("safety_in: no category \"pets\" in the list Clout default"), "{m}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_users_list_screens_everything_again_and_until_then_the_filter_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = world(dir.path());
    let mine = r#"
        name = "Pet brand"
        version = "3"
        [[category]]
        id = "rivals"
        label = "Rival brands"
        terms = ["hike", "coffee time"]
    "#;
    // Set in the store without screening (as a crash between the two would leave it):
    // the filter refuses rather than answer from screenings against another list.
    let sha = super::sha256_hex(mine);
    app.store.set_safety_list("Pet brand", "3", &sha, mine, AS_OF).unwrap();
    assert!(matches!(directory(&app, SafetyLevel::Low, &[]), Err(Error::Conflict(_))));
    assert!(!app.channel_safety("instagram/partier").unwrap().current);

    let summary = app.set_safety_list(mine, "mine.toml", Timestamp::from_unix(AS_OF)).unwrap();
    assert_eq!((summary.channels, summary.posts, summary.comments), (3, 16, 1));
    // clean: 5 of 5 posts say "hike": high. partier: "Coffee time": low.
    assert_eq!(summary.levels, [("rivals".to_string(), [1, 1, 0, 1])]);
    assert_eq!(directory(&app, SafetyLevel::Low, &["rivals"]).unwrap(), ["classy", "partier"]);
    let s = app.channel_safety("instagram/partier").unwrap();
    assert_eq!((s.list.name.as_str(), s.list.version.as_str(), s.current), ("Pet brand", "3", true));
    assert_eq!(s.categories.len(), 1);

    let bad = app.set_safety_list(
        "name = \"x\"\nversion = \"1\"\n[[category]]\nid = \"A\"\nlabel = \"a\"\n",
        "bad.toml",
        Timestamp::from_unix(AS_OF),
    );
    match bad {
        Err(Error::Invalid(m)) => {
            assert_eq!(m, "safety list bad.toml: category \"A\": an id is lower case letters, digits and _")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(app.safety_list().unwrap().list.name, "Pet brand", "a refused list changes nothing");
}

#[test]
fn an_import_screens_the_channels_it_touched_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = world(dir.path());
    let before = app.store.safety_of(partier_id(&app)).unwrap().unwrap().screened_at;
    // Two poker posts for clean: 2 of 7, at least 2 and 2 %: moderate.
    import(
        &mut app,
        dir.path(),
        "more.ndjson",
        &[post("clean", "h8", 1, "Poker with friends"), post("clean", "h9", 2, "more POKER")],
    );
    assert_eq!(level(&app, "clean", "gambling"), (SafetyLevel::Moderate, 2, 0));
    assert_eq!(app.channel_safety("instagram/clean").unwrap().posts, 7);
    let after = app.store.safety_of(partier_id(&app)).unwrap().unwrap().screened_at;
    assert_eq!(before, after, "partier was not touched: its screening stays as it was");
    assert_eq!(level(&app, "partier", "drugs_alcohol"), (SafetyLevel::High, 3, 0));
}

#[test]
fn the_audit_record_names_every_channel_category_list_and_match() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(dir.path());
    let audit = app.safety_audit(None).unwrap();
    assert_eq!(audit.len(), 3);
    let csv = crate::audit_csv(&audit).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], crate::AUDIT_COLUMNS.join(","));
    // 8 categories per channel: one row per match, one per category without one.
    // partier: 3 drink posts + 1 casino + 6 categories without: 10; clean: 1 + 7; classy: 8.
    assert_eq!(rows.len(), 1 + 10 + 8 + 8);
    let tequila = rows.iter().find(|r| r.contains(",tequila,")).unwrap();
    assert!(tequila.starts_with("instagram/partier,,"), "{tequila}");
    assert!(tequila.contains(",Clout default,2026.12.1,"), "{tequila}");
    assert!(tequila.contains(",drugs_alcohol,high,post,p0,https://www.instagram.com/p/p0/,"), "{tequila}");
    assert!(tequila.ends_with(",tequila,Tequila night with the crew"), "{tequila}");
    let swear = rows.iter().find(|r| r.contains(",comment,")).unwrap();
    assert!(swear.contains(",profanity,low,comment,h0,"), "{swear}");
    let none = rows.iter().filter(|r| r.starts_with("instagram/classy,")).count();
    assert_eq!(none, 8);
}

#[test]
fn the_demo_world_has_a_few_unsafe_creators_each_with_the_posts_that_make_them_so() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world.ndjson");
    crate::write_demo_world(std::fs::File::create(&world).unwrap(), 5, 400, Timestamp::from_unix(AS_OF)).unwrap();
    let config = crate::test_config(dir.path().join("data"));
    let mut app = App::open(config, Access::Write, "test").unwrap();
    let options = crate::tests::import_options(|| Timestamp::from_unix(AS_OF + DAY), 5_000);
    app.import(std::slice::from_ref(&world), &options, &mut Silent).unwrap();
    let audit = app.safety_audit(None).unwrap();
    assert_eq!(audit.len(), 400, "every channel is screened");
    // One channel in twenty writes a theme's phrase in a quarter of its posts: with a few
    // dozen posts, that is moderate or high.
    let flagged: Vec<_> = audit.iter().filter(|s| s.overall >= SafetyLevel::Moderate).collect();
    assert!((8..=40).contains(&flagged.len()), "{} flagged", flagged.len());
    for s in &flagged {
        let high = s.categories.iter().filter(|c| c.level >= SafetyLevel::Moderate).collect::<Vec<_>>();
        for c in high {
            let behind = s.evidence.iter().filter(|e| e.category == c.id && e.comment.is_none()).count() as u64;
            assert_eq!(behind, c.posts, "{}/{} {}: every post counted is shown", s.platform, s.handle, c.id);
        }
    }
    // Most creators are clean.
    let clean = audit.iter().filter(|s| s.overall == SafetyLevel::None).count();
    assert!(clean > 300, "{clean} of 400 clean");
    // Ranges of channels on several connections screen as one pass over every post does.
    let active = app.safety_list().unwrap();
    let all = clout_store::Channels::Range(i64::MIN, i64::MAX);
    let one = super::screen(&*app.store, all, &active).unwrap();
    let readers: Vec<_> = (0..3).map(|_| app.store.reader().unwrap().unwrap()).collect();
    let many = super::screen_with(readers, &*app.store, all, &active).unwrap();
    assert_eq!((many.posts, many.comments), (one.posts, one.comments));
    assert_eq!(many.rows, one.rows);
}
