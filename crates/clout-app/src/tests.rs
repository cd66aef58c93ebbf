//! Scenarios against a real data directory: import, rejects, re-import, and the
//! metrics that come out, checked against values worked out by hand.

use std::io::Write;
use std::path::{Path, PathBuf};

use clout_core::{NullReason, Platform, Tier, TierPreset, Timestamp};

use super::*;

/// 2026-11-20T12:00:00Z.
const AS_OF: i64 = 1_795_176_000;
const DAY: i64 = 86_400;

fn app(dir: &Path) -> App {
    App::open(crate::test_config(dir.join("data")), Access::Write, "test").unwrap()
}

/// The data directory of `app(dir)` as a catalogue: what the edges hold.
fn catalogue(dir: &Path) -> Catalogue {
    let config = crate::test_config(dir.join("data"));
    Catalogue::open(config, CatalogueOptions { readers: 1, ..CatalogueOptions::write("test") }).unwrap()
}

fn options() -> ImportOptions {
    import_options(|| Timestamp::from_unix(AS_OF + 3 * DAY), 3)
}

/// Import options for the crate's tests: this clock, batches of this size, nothing else.
pub(crate) fn import_options(clock: fn() -> Timestamp, batch_size: usize) -> ImportOptions {
    ImportOptions {
        clock,
        strict: false,
        batch_size,
        limits: Default::default(),
        max_decompressed_bytes: None,
        answers_observed_at: None,
        csv_map: None,
    }
}

fn file(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn channel(handle: &str, followers: u64, at: i64) -> String {
    format!(
        r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","followers":{followers},"observed_at":{at}}}"#
    )
}

fn post(handle: &str, id: &str, days_before: i64, likes: u64, comments: u64, observed_at: i64) -> String {
    format!(
        r#"{{"kind":"post","platform":"instagram","handle":"{handle}","post_id":"{id}","published_at":{},"likes":{likes},"comments":{comments},"observed_at":{observed_at}}}"#,
        AS_OF - days_before * DAY
    )
}

fn metrics(app: &App, reference: &str) -> MetricsRecord {
    app.channel_profile(reference, TierPreset::Scrunch).unwrap().view.row.metrics.unwrap()
}

/// A channel of 1,000 followers with five posts of 10, 20, 30, 40, 100 engagements:
/// rates 1, 2, 3, 4, 10 % → mean 4 %, median 3 %.
fn five_posts(handle: &str) -> Vec<String> {
    let mut lines = vec![channel(handle, 1_000, AS_OF)];
    for (i, e) in [10, 20, 30, 40, 100].iter().enumerate() {
        lines.push(post(handle, &format!("p{i}"), 2 + i as i64, e - 2, 2, AS_OF));
    }
    lines
}

#[test]
fn good_records_import_and_each_bad_one_is_rejected_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = five_posts("@Chef");
    lines.insert(2, "{not json".to_string());
    lines
        .insert(4, r#"{"kind":"channel","platform":"myspace","handle":"x","followers":1,"observed_at":1}"#.to_string());
    lines.push(r#"{"kind":"story","platform":"instagram","handle":"chef"}"#.to_string());
    lines.push(r#"{"kind":"post","platform":"instagram","handle":"chef","post_id":"n","published_at":1,"likes":-1,"comments":0}"#.to_string());
    lines.push(r#"{"kind":"channel","platform":"instagram","handle":"chef","observed_at":1795176000}"#.to_string());
    lines.push(
        r#"{"kind":"channel","platform":"instagram","handle":"chef","followers":5,"observed_at":"noon"}"#.to_string(),
    );
    lines.push(r#"{"kind":"post","platform":"instagram","handle":"chef","post_id":"t","publ"#.to_string());
    let input = file(dir.path(), "mixed.ndjson", &(lines.join("\n") + "\n"));
    let mut app = app(dir.path());
    let s = app.import(&[input], &options(), &mut Silent).unwrap();
    assert_eq!((s.accepted, s.rejected), (6, 7));
    assert_eq!((s.channels, s.posts), (1, 5));
    let rejects_file = s.rejects_file.clone().unwrap();
    let kept = std::fs::read_to_string(&rejects_file).unwrap();
    assert_eq!(kept.lines().count(), 7);
    assert_eq!(kept.lines().next(), Some("{not json"), "rejected lines are kept verbatim");
    let reasons = std::fs::read_to_string(rejects_file.with_file_name("reasons.tsv")).unwrap();
    for expected in [
        "mixed.ndjson\t3\t\tinvalid JSON",
        "\t5\tplatform\tunknown platform 'myspace'",
        "\t9\tkind\tunknown kind 'story'",
        "\t10\tlikes\tnegative count -1",
        "\t11\tfollowers\tmissing required field",
        "\t12\tobserved_at\t'noon' is not an RFC 3339 time",
        "\t13\t\ttruncated JSON",
    ] {
        assert!(reasons.contains(expected), "reasons.tsv lacks {expected:?}:\n{reasons}");
    }
    // The good records made a channel with metrics: 4 % mean, 3 % median.
    let m = metrics(&app, "instagram/chef");
    assert_eq!(m.posts_in_window, 5);
    assert!((m.engagement_rate.unwrap() - 4.0).abs() < 1e-9);
    assert!((m.median_engagement_rate.unwrap() - 3.0).abs() < 1e-9);

    // Fixed, the rejects file imports cleanly.
    let fixed: Vec<String> = kept
        .lines()
        .map(|line| match line {
            "{not json" => channel("chef", 1_000, AS_OF),
            l if l.contains("myspace") => l.replace("myspace", "tiktok"),
            l if l.contains(r#""kind":"story""#) => post("chef", "c1", 3, 1, 1, AS_OF),
            l if l.contains(r#""likes":-1"#) => l.replace(r#""likes":-1"#, r#""likes":1"#),
            l if l.contains(r#""noon""#) => l.replace(r#""noon""#, "1795176000"),
            l if l.ends_with(r#""publ"#) => post("chef", "t", 8, 1, 0, AS_OF),
            l => l.replace(r#""handle":"chef","#, r#""handle":"chef","followers":1000,"#),
        })
        .collect();
    let fixed = fixed.join("\n");
    let fixed_path = file(dir.path(), "fixed.ndjson", &fixed);
    let s = app.import(&[fixed_path], &options(), &mut Silent).unwrap();
    assert_eq!((s.accepted, s.rejected), (7, 0), "{fixed}");
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = file(dir.path(), "a.ndjson", &five_posts("chef").join("\n"));
    let mut app = app(dir.path());
    let first = app.import(std::slice::from_ref(&input), &options(), &mut Silent).unwrap();
    assert_eq!(first.written, 6);
    let before = app.store_stats().unwrap();
    let m_before = metrics(&app, "instagram/chef");
    let second = app.import(&[input], &options(), &mut Silent).unwrap();
    assert_eq!((second.accepted, second.written, second.unchanged), (6, 0, 6));
    let after = app.store_stats().unwrap();
    assert_eq!(
        (
            before.channels,
            before.channel_observations,
            before.follower_observations,
            before.posts,
            before.post_observations
        ),
        (after.channels, after.channel_observations, after.follower_observations, after.posts, after.post_observations)
    );
    assert_eq!(metrics(&app, "instagram/chef"), m_before);
}

#[test]
fn the_newest_observation_of_a_post_counts_and_the_older_stays_in_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = five_posts("chef");
    // p4 (100 engagements) was seen earlier with 10 and later with 200: 200 counts,
    // so rates are 1, 2, 3, 4, 20 → mean 6 %. The earlier observation comes last in the file.
    lines[5] = post("chef", "p4", 6, 198, 2, AS_OF);
    lines.push(post("chef", "p4", 6, 8, 2, AS_OF - DAY));
    let input = file(dir.path(), "a.ndjson", &lines.join("\n"));
    let mut app = app(dir.path());
    app.import(&[input], &options(), &mut Silent).unwrap();
    let m = metrics(&app, "instagram/chef");
    assert!((m.engagement_rate.unwrap() - 6.0).abs() < 1e-9);
    assert_eq!(m.viral_skew, Ok(true));
    let profile = app.channel_profile("instagram/chef", TierPreset::Scrunch).unwrap();
    let p4 = profile.posts.iter().find(|p| p.post.snapshot.post_id == "p4").unwrap();
    assert_eq!(p4.post.observations, 2);
}

#[test]
fn csv_with_abbreviated_counts_and_handles_with_at_and_capitals() {
    let dir = tempfile::tempdir().unwrap();
    let channels = file(
        dir.path(),
        "channels.csv",
        &format!("platform,handle,followers,observed_at,country\ninstagram,@Big.Chef,12.5k,{AS_OF},fr\n"),
    );
    let mut posts = String::from("platform,handle,post_id,published_at,likes,comments\n");
    // 250 engagements each on 12,500 followers: 2 % per post.
    for i in 0..6 {
        posts.push_str(&format!("instagram,BIG.CHEF,p{i},{},0.2k,50\n", AS_OF - (2 + i) * DAY));
    }
    let posts = file(dir.path(), "posts.csv", &posts);
    let mut app = app(dir.path());
    let s = app.import(&[channels, posts], &options(), &mut Silent).unwrap();
    assert_eq!((s.accepted, s.rejected, s.channels), (7, 0, 1));
    let profile = app.channel_profile("Instagram/@big.chef", TierPreset::Scrunch).unwrap();
    assert_eq!(profile.view.row.followers, Some(12_500));
    assert_eq!(profile.view.row.country.as_deref(), Some("FR"));
    assert_eq!(profile.view.tier, Some(Tier::Micro));
    let m = profile.view.row.metrics.unwrap();
    assert!((m.engagement_rate.unwrap() - 2.0).abs() < 1e-9);
    assert!((m.comments_per_100_likes.unwrap() - 25.0).abs() < 1e-9);
}

#[test]
fn csv_rejects_keep_the_header_and_import_again_once_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let input = file(
        dir.path(),
        "c.csv",
        &format!(
            "platform,handle,followers,observed_at\ninstagram,a,100,{AS_OF}\ninstagram,b,-5,{AS_OF}\ninstagram,c,7\n"
        ),
    );
    let mut app = app(dir.path());
    let s = app.import(&[input], &options(), &mut Silent).unwrap();
    assert_eq!((s.accepted, s.rejected), (1, 2));
    let path = s.rejects_file.unwrap();
    assert_eq!(path.extension().unwrap(), "csv");
    let kept = std::fs::read_to_string(&path).unwrap();
    assert_eq!(kept, format!("platform,handle,followers,observed_at\ninstagram,b,-5,{AS_OF}\ninstagram,c,7\n"));
    let fixed = file(dir.path(), "fixed.csv", &kept.replace("-5", "5").replace(",7\n", &format!(",7,{AS_OF}\n")));
    let s = app.import(&[fixed], &options(), &mut Silent).unwrap();
    assert_eq!((s.accepted, s.rejected), (2, 0));
}

#[test]
fn gzip_files_import_like_plain_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.ndjson.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&path).unwrap(), flate2::Compression::fast());
    enc.write_all(five_posts("chef").join("\n").as_bytes()).unwrap();
    enc.finish().unwrap();
    let mut app = app(dir.path());
    let s = app.import(&[path], &options(), &mut Silent).unwrap();
    assert_eq!((s.accepted, s.rejected, s.posts), (6, 0, 5));
}

#[test]
fn an_unreadable_file_is_a_file_error_and_the_others_still_import() {
    let dir = tempfile::tempdir().unwrap();
    let good = file(dir.path(), "a.ndjson", &five_posts("chef").join("\n"));
    let mut app = app(dir.path());
    let s = app.import(&[dir.path().join("missing.ndjson"), good], &options(), &mut Silent).unwrap();
    assert_eq!(s.file_errors.len(), 1);
    assert!(s.file_errors[0].file.ends_with("missing.ndjson"));
    assert_eq!(s.accepted, 6);
}

#[test]
fn strict_mode_writes_nothing_when_anything_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = five_posts("chef");
    lines.push("oops".to_string());
    let input = file(dir.path(), "a.ndjson", &lines.join("\n"));
    let mut app = app(dir.path());
    let strict = ImportOptions { strict: true, ..options() };
    let s = app.import(&[input], &strict, &mut Silent).unwrap();
    assert!(s.strict_refused);
    assert_eq!(s.rejected, 1);
    assert_eq!(app.store_stats().unwrap().channels, 0);
}

#[test]
fn growth_uses_follower_history_and_is_null_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = five_posts("grower");
    lines.push(format!(
        r#"{{"kind":"followers","platform":"instagram","handle":"grower","followers":800,"observed_at":{}}}"#,
        AS_OF - 31 * DAY
    ));
    lines.extend(five_posts("newcomer"));
    let input = file(dir.path(), "a.ndjson", &lines.join("\n"));
    let mut app = app(dir.path());
    app.import(&[input], &options(), &mut Silent).unwrap();
    // (1000 - 800) / 800 = 25 %.
    assert!((metrics(&app, "instagram/grower").follower_growth_30d.unwrap() - 25.0).abs() < 1e-9);
    assert_eq!(metrics(&app, "instagram/newcomer").follower_growth_30d, Err(NullReason::NoHistory));
}

#[test]
fn posts_without_a_channel_record_make_a_channel_without_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = five_posts("ghost").into_iter().skip(1).collect();
    let input = file(dir.path(), "a.ndjson", &lines.join("\n"));
    let mut app = app(dir.path());
    app.import(&[input], &options(), &mut Silent).unwrap();
    let channels = app
        .channels(&ChannelQuery { platform: Some(Platform::Instagram), tier: None, preset: TierPreset::Scrunch })
        .unwrap();
    assert_eq!(channels.len(), 1);
    assert_eq!(channels[0].row.followers, None);
    assert_eq!(channels[0].row.metrics, None);
}

#[test]
fn tiers_filter_by_the_chosen_preset() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [channel("small", 5_000, AS_OF), channel("mid", 60_000, AS_OF), channel("big", 300_000, AS_OF)];
    let input = file(dir.path(), "a.ndjson", &lines.join("\n"));
    let mut app = app(dir.path());
    app.import(&[input], &options(), &mut Silent).unwrap();
    let handles = |tier, preset| -> Vec<String> {
        app.channels(&ChannelQuery { platform: None, tier: Some(tier), preset })
            .unwrap()
            .into_iter()
            .map(|c| c.row.handle)
            .collect()
    };
    assert_eq!(handles(Tier::Micro, TierPreset::Scrunch), ["small"]);
    assert_eq!(handles(Tier::Nano, TierPreset::Industry), ["small"]);
    assert_eq!(handles(Tier::Mega, TierPreset::Scrunch), ["big"]);
    assert_eq!(handles(Tier::Mid, TierPreset::Industry), ["big", "mid"]);
}

#[test]
fn a_channel_reference_needs_a_known_platform_and_a_handle() {
    assert!(matches!(parse_channel_ref("instagram"), Err(Error::Invalid(_))));
    assert!(matches!(parse_channel_ref("myspace/tom"), Err(Error::Invalid(_))));
    assert_eq!(parse_channel_ref("YouTube/@Chef").unwrap().1.as_str(), "chef");
}

#[test]
fn an_import_relabels_the_niches_of_the_channels_it_touches_and_keeps_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let profile = |handle: &str, bio: &str, at: i64| {
        format!(
            r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","followers":5000,"observed_at":{at},"bio":"{bio}"}}"#
        )
    };
    let mut lines = vec![profile("lifter", "Personal trainer. Strength training, gym workouts and leg day.", AS_OF)];
    for i in 0..5 {
        lines.push(profile(&format!("cook{i}"), "Home cook: dinner recipes, sourdough bread and baking.", AS_OF));
    }
    let mut app = app(dir.path());
    app.import(&[file(dir.path(), "a.ndjson", &lines.join("\n"))], &options(), &mut Silent).unwrap();
    let niche_of = |app: &App, handle: &str| -> Vec<String> {
        let profile = app.channel_profile(&format!("instagram/{handle}"), TierPreset::Scrunch).unwrap();
        profile.view.niches.iter().map(|n| n.niche.clone()).collect()
    };
    assert_eq!(niche_of(&app, "lifter"), ["fitness"]);
    assert_eq!(niche_of(&app, "cook0"), ["food"]);

    // A newer profile for one channel of six: only it is relabelled, the others keep theirs.
    let newer = profile("lifter", "Home barista: espresso, latte art and pour over coffee.", AS_OF + DAY);
    let s = app.import(&[file(dir.path(), "b.ndjson", &newer)], &options(), &mut Silent).unwrap();
    assert_eq!(s.niches.map(|n| n.channels), Some(1), "one channel relabelled");
    assert_eq!(niche_of(&app, "lifter"), ["coffee"]);
    for i in 0..5 {
        assert_eq!(niche_of(&app, &format!("cook{i}")), ["food"]);
    }
}

#[test]
fn search_finds_words_phrases_and_hashtags_with_stemming_and_filters() {
    use clout_core::discovery::{DiscoveryQuery, Facets, SortKey};
    let dir = tempfile::tempdir().unwrap();
    let channel = |handle: &str, followers: u64, country: &str, bio: &str| {
        format!(
            r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","followers":{followers},"observed_at":{AS_OF},"country":"{country}","bio":"{bio}"}}"#
        )
    };
    let tagged = |handle: &str, id: &str, caption: &str, tag: &str| {
        format!(
            r#"{{"kind":"post","platform":"instagram","handle":"{handle}","post_id":"{id}","published_at":{},"likes":10,"comments":1,"observed_at":{AS_OF},"caption":"{caption}","hashtags":["{tag}"]}}"#,
            AS_OF - 2 * DAY
        )
    };
    let lines = [
        channel("greens", 5_000, "AU", "Vegan recipes and easy meal prep"),
        channel("lifts", 20_000, "AU", "Strength workouts"),
        channel("sydneyvegan", 300_000, "AU", "Vegan food in Sydney"),
        channel("parisveg", 8_000, "FR", "Cuisine vegan"),
        tagged("lifts", "p1", "Post-workout smoothie", "plantbased"),
    ];
    let catalogue = catalogue(dir.path());
    let path = file(dir.path(), "a.ndjson", &lines.join("\n"));
    catalogue.import(|app| app.import(&[path], &options(), &mut Silent)).unwrap();
    let search = |q: &DiscoveryQuery| catalogue.read(|r| r.search(q)).unwrap();
    let handles =
        |q: &DiscoveryQuery| -> Vec<String> { search(q).channels.into_iter().map(|c| c.row.handle).collect() };
    let text = |t: &str| DiscoveryQuery {
        text: Some(t.to_string()),
        sort: SortKey::Followers,
        ..DiscoveryQuery::everything()
    };

    assert_eq!(handles(&text("vegan")), ["sydneyvegan", "parisveg", "greens"]);
    // Stemming: "recipe" finds "recipes", "workout" finds "workouts".
    assert_eq!(handles(&text("recipe")), ["greens"]);
    assert_eq!(handles(&text("workout")), ["lifts"]);
    // A phrase needs its words together; a hashtag matches hashtags only.
    assert_eq!(handles(&text(r#""meal prep""#)), ["greens"]);
    assert!(handles(&text(r#""prep meal""#)).is_empty());
    assert_eq!(handles(&text("#plantbased")), ["lifts"]);
    assert!(handles(&text("#vegan")).is_empty());
    // Text and filters together: vegan, Australia, micro tier.
    let q = DiscoveryQuery {
        countries: vec!["AU".to_string()],
        tiers: vec![Tier::Micro],
        facets: Facets::Conjunctive,
        ..text("vegan")
    };
    let results = search(&q);
    assert_eq!(results.page.total, 1);
    assert_eq!(results.channels[0].row.handle, "greens");
    assert_eq!(results.page.facets.unwrap().country, [("AU".to_string(), 1)]);
}

#[test]
fn follower_records_import_once_and_the_built_in_model_flags_an_obvious_bot() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"kind":"follower","platform":"instagram","handle":"greens","username":"anna.bakes","followers":420,"following":380,"posts_count":95,"has_profile_pic":true,"is_private":true,"bio":"Baker in Leeds"}"#,
        r#"{"kind":"follower","platform":"instagram","handle":"greens","username":"@user83920417","followers":3,"following":4100,"posts_count":0,"has_profile_pic":false,"is_private":false,"bio_length":0}"#,
        r#"{"kind":"follower","platform":"instagram","handle":"greens","followers":3}"#,
    ];
    let path = file(dir.path(), "f.ndjson", &lines.join("\n"));
    let mut app = app(dir.path());
    let s = app.import(std::slice::from_ref(&path), &options(), &mut Silent).unwrap();
    assert_eq!((s.accepted, s.rejected), (2, 1), "a follower without a username is rejected");
    assert_eq!(app.store.follower_sample_count().unwrap(), 2);
    let again = app.import(std::slice::from_ref(&path), &options(), &mut Silent).unwrap();
    assert_eq!(again.written, 0, "re-importing the same samples changes nothing");

    let check = app.check_followers(&path).unwrap();
    assert_eq!(check.rejects.len(), 1);
    assert_eq!(check.rejects[0].0, 3);
    assert!(check.rejects[0].1.contains("username: missing required field"), "{:?}", check.rejects);
    let checked = check.followers;
    assert_eq!(checked.len(), 2);
    assert_eq!(checked[1].username, "user83920417", "the @ is not part of the name");
    assert!(!checked[0].verdict.fake && checked[1].verdict.fake, "{checked:?}");
    assert!(
        checked[1]
            .verdict
            .reasons
            .iter()
            .any(|r| r.text.contains("follows many more accounts than three times its followers")),
        "{checked:?}"
    );
    // anna.bakes: 95 posts, 420 followers, follows 380: an ordinary active account.
    assert_eq!(checked[0].verdict.kind, clout_core::follower::AudienceType::Real);
    assert_eq!(checked[1].verdict.kind, clout_core::follower::AudienceType::Suspicious);
}

#[test]
fn training_on_labels_saves_a_model_that_is_then_used() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv =
        String::from("username,followers,following,posts_count,has_profile_pic,is_private,bio_length,is_fake\n");
    for i in 0..40 {
        csv.push_str(&format!("bot{i}{}77,{},{},0,{},false,0,1\n", i * 3, 5 + i % 9, 3_000 + 41 * i, i % 3 != 0));
    }
    for i in 0..160 {
        csv.push_str(&format!(
            "person.{i},{},{},{},true,{},{},0\n",
            150 + 13 * i,
            120 + 7 * (i % 30),
            10 + i,
            i % 2 == 0,
            20 + i % 50
        ));
    }
    let labels = file(dir.path(), "labels.csv", &csv);
    let mut app = app(dir.path());
    let s = app.train_follower_model(&labels, None, false).unwrap();
    assert_eq!((s.rows, s.fakes), (200, 40));
    let cv = &s.cross_validated.scores;
    assert!(cv.recall > 0.9 && cv.precision > 0.9, "{:?}", s.cross_validated);
    assert!(s.model_file.exists());
    // The data directory's model is the trained one now, with its error rates.
    let trained = app.follower_model(None).unwrap();
    assert_eq!((trained.sensitivity, trained.specificity), (Some(cv.recall), Some(cv.specificity)));
    // One platform's own model applies to that platform only.
    let x = app.train_follower_model(&labels, Some(clout_core::Platform::X), true).unwrap();
    assert!(x.model_file.ends_with("models/follower-x.toml"), "{:?}", x.model_file);
    assert!(x.features.contains(&"log_posts"), "every feature: {:?}", x.features);
    assert_ne!(app.follower_model(Some(clout_core::Platform::X)).unwrap(), trained);
    assert_eq!(app.follower_model(Some(clout_core::Platform::Instagram)).unwrap(), trained);
    assert!(std::fs::read_to_string(&s.model_file).unwrap().contains("labels.csv (200 accounts, 40 fake)"));
    assert_ne!(Some(trained.intercept), parse_default_intercept());
    // Labels without both classes are refused with a reason.
    let one_class = file(dir.path(), "one.csv", "followers,is_fake\n1,0\n2,0\n");
    assert!(
        matches!(app.train_follower_model(&one_class, None, false), Err(Error::Invalid(m)) if m.contains("at least 5 of each"))
    );
}

fn parse_default_intercept() -> Option<f64> {
    DEFAULT_FOLLOWER_MODEL.lines().find_map(|l| l.strip_prefix("intercept = ")?.parse().ok())
}

#[test]
fn a_hashtag_with_inner_punctuation_is_found_as_typed() {
    use clout_core::discovery::DiscoveryQuery;
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        channel("calm", 5_000, AS_OF),
        format!(
            r#"{{"kind":"post","platform":"instagram","handle":"calm","post_id":"p1","published_at":{},"likes":10,"comments":1,"observed_at":{AS_OF},"hashtags":["self_care","k-pop"]}}"#,
            AS_OF - 2 * DAY
        ),
    ];
    let catalogue = catalogue(dir.path());
    let path = file(dir.path(), "a.ndjson", &lines.join("\n"));
    catalogue.import(|app| app.import(&[path], &options(), &mut Silent)).unwrap();
    let total = |q: &str| {
        let query = DiscoveryQuery { text: Some(q.to_string()), ..DiscoveryQuery::everything() };
        catalogue.read(|r| r.search(&query)).unwrap().page.total
    };
    for q in ["#self_care", "#K-Pop"] {
        assert_eq!(total(q), 1, "{q}");
    }
    assert_eq!(total("#selfcare"), 0);
}

#[test]
fn one_channels_quality_is_the_same_as_in_the_all_channel_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = five_posts("podded");
    lines.extend(five_posts("quiet"));
    // Two accounts leave a stock comment on every post of `podded`; `quiet` has no comments.
    for i in 0..5 {
        for (k, author) in ["pod.one", "pod.two"].iter().enumerate() {
            lines.push(format!(
                r#"{{"kind":"comment","platform":"instagram","handle":"podded","post_id":"p{i}","comment_id":"c{i}-{k}","author":"{author}","text":"Nice!"}}"#
            ));
        }
    }
    lines.push(
        r#"{"kind":"follower","platform":"instagram","handle":"podded","username":"user83920417","followers":3,"following":4100,"posts_count":0,"has_profile_pic":false}"#.to_string(),
    );
    let path = file(dir.path(), "q.ndjson", &lines.join("\n"));
    let catalogue = catalogue(dir.path());
    let s = catalogue.import(|app| app.import(&[path], &options(), &mut Silent)).unwrap();
    assert_eq!(s.rejected, 0);
    let all = catalogue.read(|r| r.quality_all()).unwrap();
    assert_eq!(all.len(), 2);
    let quality =
        |handle: &str| catalogue.read(|r| r.quality(&format!("instagram/{handle}"), TierPreset::Scrunch)).unwrap();
    for handle in ["podded", "quiet"] {
        let one = quality(handle);
        let (_, from_all) = all.iter().find(|(id, _)| *id == one.view.row.id).unwrap();
        assert_eq!(&one.score, from_all, "{handle}");
    }
    let podded = quality("podded").score;
    let quiet = quality("quiet").score;
    assert!(podded.score < quiet.score, "the pod and the bot follower cost points: {podded:?} vs {quiet:?}");
}
