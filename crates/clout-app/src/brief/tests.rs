//! Briefs on hand-made creators: every fit below is worked out by hand from the module's
//! formula. All channels have 10,000 followers and the same engagement on every post, so
//! their merit is the same and the order is the fit's.

use clout_core::Timestamp;

use super::*;
use crate::{Access, AppConfig, Silent};

const AS_OF: i64 = 1_795_176_000;
const DAY: i64 = 86_400;

/// (handle, country, bio, posts: (type, caption))
type Channel = (&'static str, &'static str, &'static str, &'static [(&'static str, &'static str)]);

const WORLD: &[Channel] = &[
    (
        "veggiebudget",
        "AU",
        "Vegan home cook sharing budget recipes",
        &[
            ("reel", "Budget vegan lentil curry for the week"),
            ("reel", "Vegan meals under 5 dollars"),
            ("image", "Cheap vegan pantry staples"),
        ],
    ),
    (
        "plantplates",
        "AU",
        "Dinner recipes from my kitchen",
        &[("reel", "Plant-based dinner ideas"), ("image", "vegan cake")],
    ),
    ("sydneyeats", "AU", "Sydney in bites", &[("reel", "Best burgers in Sydney"), ("reel", "Budget travel hacks")]),
    (
        "ukvegan",
        "GB",
        "Vegan home cook",
        &[
            ("reel", "Vegan budget meals every week"),
            ("reel", "Vegan budget meals again"),
            ("reel", "More vegan budget meals"),
        ],
    ),
    ("ausfitness", "AU", "Personal trainer, gym and workout tips", &[("reel", "Leg day at the gym")]),
];

fn app(dir: &std::path::Path, vectors: Option<std::path::PathBuf>) -> App {
    let mut lines = Vec::new();
    for (handle, country, bio, posts) in WORLD {
        lines.push(format!(
            r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","followers":10000,"country":"{country}","bio":"{bio}","observed_at":{AS_OF}}}"#
        ));
        for (i, (kind, caption)) in posts.iter().enumerate() {
            let published = AS_OF - (i as i64 + 2) * DAY;
            lines.push(format!(
                r#"{{"kind":"post","platform":"instagram","handle":"{handle}","post_id":"{handle}{i}","type":"{kind}","published_at":{published},"caption":"{caption}","likes":500,"comments":20,"observed_at":{AS_OF}}}"#
            ));
        }
    }
    let file = dir.join("world.ndjson");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let config = AppConfig {
        data_dir: dir.join("data"),
        niches_file: None,
        rate_card_file: None,
        vectors_file: vectors,
        store: crate::test_store(&dir.join("data")),
    };
    let mut app = App::open(config, Access::Write, "test").unwrap();
    let options = crate::tests::import_options(|| Timestamp::from_unix(AS_OF + DAY), 100);
    let summary = app.import(&[file], &options, &mut Silent).unwrap();
    assert_eq!(summary.rejected, 0);
    app
}

fn ask(app: &App, text: &str) -> BriefResults {
    let (directory, _) = app.load_directory().unwrap();
    let request = BriefRequest { text: text.to_string(), limit: 20, offset: 0 };
    app.brief_with(&directory, &request, Timestamp::from_unix(AS_OF + DAY)).unwrap()
}

fn handles(r: &BriefResults) -> Vec<&str> {
    r.creators.iter().map(|c| c.channel.row.handle.as_str()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-4
}

const BRIEF: &str = "vegan home cooks in Australia who post reels about budget meals";

#[test]
fn the_issues_brief_ranks_by_topics_in_reels_and_the_niche_with_reasons_and_posts() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), None);
    let r = ask(&app, BRIEF);
    assert_eq!(r.brief.countries, ["AU"]);
    assert_eq!(r.directory, [("country".to_string(), "AU".to_string())]);
    assert_eq!(r.niches.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(), ["food"], "'home cook' is a food keyword");
    // Evidence, 5 channels: vegan in the reels and bios of veggiebudget and ukvegan; home
    // and cooks in their bios ("home cook"); budget in 3 channels' reels (+ sydneyeats) and
    // veggiebudget's bio; meals in 2 channels' reels.
    let channels: Vec<u64> = r.topics.iter().map(|t| t.channels).collect();
    assert_eq!(channels, [2, 2, 2, 3, 2]);
    let w = |c: f64| (1.0 + 5.0 / (1.0 + c)).ln();
    let total = 4.0 * w(2.0) + w(3.0);
    // veggiebudget: vegan in 2 reels + bio (evidence 4), home and cooks in its bio (2 each),
    // budget in 1 reel + bio (3), meals in 1 reel; labelled food.
    let earned = w(2.0) * (0.9375 + 0.75 + 0.75 + 0.5) + w(3.0) * 0.875;
    let veggie = 0.8 * earned / total + 0.2;
    // plantplates: no topic in its reel; labelled food. sydneyeats: budget once, not food.
    let plant = 0.2;
    let sydney = 0.8 * (0.5 * w(3.0)) / total;
    // ukvegan is in Britain; ausfitness matches nothing.
    assert_eq!(handles(&r), ["veggiebudget", "plantplates", "sydneyeats"]);
    assert_eq!(r.total, 3);
    let fits: Vec<f64> = r.creators.iter().map(|c| c.fit).collect();
    assert!(close(fits[0], veggie) && close(fits[1], plant) && close(fits[2], sydney), "{fits:?}");
    // By hand: w(2) = 0.980829, w(3) = 0.810930; total 4.734246; earned 3.590749.
    assert!(close(veggie, 0.80677), "worked out by hand: {veggie}");
    let top = &r.creators[0];
    assert_eq!(top.topic_posts, [2, 0, 0, 1, 1]);
    assert_eq!(top.format_posts, Some(2));
    assert_eq!(
        top.reason,
        "5 of 5 topics; posted about vegan (2 posts), budget (1 post), meals (1 post); profile says vegan, home, \
         cooks, budget; labelled Food & cooking; 2 posts of the formats asked for (reel); micro, 10,000 followers, in Australia"
    );
    // The two reels are cited (the image is not a reel), each with the topics it matched.
    let mut cited: Vec<(String, Vec<String>)> =
        top.posts.iter().map(|p| (p.post.found.post.caption.clone().unwrap_or_default(), p.topics.clone())).collect();
    cited.sort();
    assert_eq!(
        cited,
        [
            ("Budget vegan lentil curry for the week".to_string(), vec!["vegan".to_string(), "budget".into()]),
            ("Vegan meals under 5 dollars".to_string(), vec!["vegan".to_string(), "meals".into()]),
        ]
    );
    assert_eq!(
        r.creators[1].reason,
        "No topic matched; labelled Food & cooking; 1 post of the formats asked for (reel); micro, 10,000 followers, in Australia"
    );
}

#[test]
fn word_vectors_widen_a_topic_to_its_similar_words() {
    let dir = tempfile::tempdir().unwrap();
    // vegan·plant-based = 0.9 / √0.82 = 0.9939; vegan·vegetarian = 0.8; car is orthogonal.
    let file = dir.path().join("vectors.txt");
    std::fs::write(&file, "4 3\nvegan 1 0 0\nplant-based 0.9 0.1 0\nvegetarian 0.8 0.6 0\ncar 0 0 1\n").unwrap();
    let app = app(dir.path(), Some(file));
    let r = ask(&app, BRIEF);
    assert_eq!(r.vectors, Some((4, 3)));
    let similar: Vec<(&str, bool)> = r.topics[0].similar.iter().map(|(w, c)| (w.as_str(), c > &0.79)).collect();
    assert_eq!(similar, [("plant-based", true), ("vegetarian", true)]);
    assert!(close(f64::from(r.topics[0].similar[0].1), 0.9 / 0.82f64.sqrt()));
    // plantplates's reel says "plant-based": vegan is now in 3 channels' reels.
    assert_eq!(r.topics[0].channels, 3);
    let w = |c: f64| (1.0 + 5.0 / (1.0 + c)).ln();
    let total = 2.0 * w(3.0) + 3.0 * w(2.0);
    let plant = 0.8 * (0.5 * w(3.0)) / total + 0.2;
    let veggie = 0.8 * (w(3.0) * (0.9375 + 0.875) + w(2.0) * (0.75 + 0.75 + 0.5)) / total + 0.2;
    // By hand: total 4.564347, plant 0.271066, veggie 0.801438.
    assert!(close(plant, 0.27107) && close(veggie, 0.80144));
    assert_eq!(handles(&r), ["veggiebudget", "plantplates", "sydneyeats"]);
    assert!(close(r.creators[0].fit, veggie) && close(r.creators[1].fit, plant), "{:?}", r.creators[1].fit);
    let cited = &r.creators[1].posts;
    assert_eq!(cited.len(), 1);
    assert_eq!(cited[0].post.found.post.caption.as_deref(), Some("Plant-based dinner ideas"));
    assert_eq!(cited[0].topics, ["vegan"]);
}

#[test]
fn a_brief_without_topics_is_its_filters_and_formats_alone() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), None);
    // Filters only: every Australian channel, fit 1 each.
    let r = ask(&app, "micro creators in Australia");
    assert_eq!(r.total, 4);
    assert!(r.creators.iter().all(|c| c.fit == 1.0 && c.posts.is_empty()));
    assert!(!handles(&r).contains(&"ukvegan"));
    // A format: 1 − 0.5ⁿ for n reels; sydneyeats and veggiebudget have 2, the others 1.
    let r = ask(&app, "who post reels from Australia");
    let mut fits: Vec<(&str, f64)> = r.creators.iter().map(|c| (c.channel.row.handle.as_str(), c.fit)).collect();
    fits.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(fits, [("ausfitness", 0.5), ("plantplates", 0.5), ("sydneyeats", 0.75), ("veggiebudget", 0.75)]);
    // Nothing to read is the user's to fix.
    let (directory, _) = app.load_directory().unwrap();
    let empty = BriefRequest { text: " !! ".into(), limit: 20, offset: 0 };
    assert!(matches!(app.brief_with(&directory, &empty, Timestamp::from_unix(AS_OF)), Err(Error::Invalid(_))));
}

#[test]
fn a_vectors_file_that_is_not_one_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.txt");
    std::fs::write(&file, "vegan 1 0 0\nvegetarian 0.8 x 0\n").unwrap();
    let err = WordVectors::load(&file).unwrap_err().to_string();
    assert!(err.contains("line 2") && err.contains("'x' is not a number"), "{err}");
    std::fs::write(&file, "vegan 1 0 0\nvegetarian 0.8 0.6\n").unwrap();
    let err = WordVectors::load(&file).unwrap_err().to_string();
    assert!(err.contains("line 2") && err.contains("2 numbers where the file's vectors have 3"), "{err}");
    // Only words are kept: punctuation and numbers are skipped, not errors.
    std::fs::write(&file, ", 1 0\n2024 0 1\ncoffee 1 1\n").unwrap();
    assert_eq!(WordVectors::load(&file).unwrap().len(), 1);
}

#[test]
fn countries_are_named_for_people() {
    assert_eq!(country_name("AU"), "Australia");
    assert_eq!(country_name("GB"), "United Kingdom");
    assert_eq!(country_name("US"), "United States");
    assert_eq!(country_name("DE"), "Germany");
    assert_eq!(country_name("ZZ"), "ZZ");
}
