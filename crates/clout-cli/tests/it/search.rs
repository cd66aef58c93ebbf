//! `clout search`: the JSON shape, any-of filters, inclusive bounds, facets and errors.

use crate::util::{AS_OF, DAY, Dir};

/// Four channels with bios, enough posts for a rate, in two countries.
fn world(dir: &Dir) {
    let mut lines = Vec::new();
    // (handle, platform, followers, country, bio, likes per post, hashtags)
    let channels = [
        ("greens", "instagram", 5_000, "AU", "Vegan recipes and meal prep", 150, r#"["vegan","plantbased"]"#),
        ("tofu.fan", "instagram", 12_000, "FR", "Vegan comfort food", 240, r#"["vegan"]"#),
        ("lifts", "tiktok", 20_000, "AU", "Strength workouts and gym tips", 200, r#"["gym"]"#),
        ("bigvegan", "youtube", 300_000, "AU", "Vegan food documentaries", 3_000, r#"["vegan","plantbased"]"#),
    ];
    for (handle, platform, followers, country, bio, likes, tags) in channels {
        lines.push(format!(
            r#"{{"kind":"channel","platform":"{platform}","handle":"{handle}","followers":{followers},"observed_at":{AS_OF},"country":"{country}","bio":"{bio}"}}"#
        ));
        for i in 0..6 {
            lines.push(format!(
                r#"{{"kind":"post","platform":"{platform}","handle":"{handle}","post_id":"p{i}","published_at":{},"likes":{likes},"comments":0,"observed_at":{AS_OF},"hashtags":{tags}}}"#,
                AS_OF - (8 + i) * DAY
            ));
        }
    }
    dir.write("world.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "world.ndjson"]);
}

fn handles(lines: &[serde_json::Value]) -> Vec<String> {
    lines.iter().filter_map(|o| o["handle"].as_str().map(str::to_string)).collect()
}

#[test]
fn json_results_carry_channel_fields_score_and_niches_then_facets_and_total() {
    let dir = Dir::new();
    world(&dir);
    let lines = dir.json_lines(&["search", "vegan", "--sort", "followers", "--facets", "--json"]);
    assert_eq!(handles(&lines), ["bigvegan", "tofu.fan", "greens"]);
    let first = &lines[0];
    for key in ["platform", "handle", "followers", "tier", "as_of", "engagement_rate", "niches", "score"] {
        assert!(first.get(key).is_some(), "{key} missing in {first}");
    }
    assert_eq!(first["score"], 300_000.0, "sorting by followers scores by followers");
    let last = lines.last().unwrap();
    assert_eq!(last["total"], 3);
    assert_eq!(last["facets"]["country"]["AU"], 2);
    assert_eq!(last["facets"]["country"]["FR"], 1);
    assert_eq!(last["facets"]["platform"]["youtube"], 1);
}

#[test]
fn repeated_flags_mean_any_of_and_bounds_are_inclusive() {
    let dir = Dir::new();
    world(&dir);
    let found = |args: &[&str]| {
        let mut all = vec!["search", "--json", "--sort", "followers"];
        all.extend_from_slice(args);
        handles(&dir.json_lines(&all))
    };
    assert_eq!(found(&["--platform", "tiktok", "--platform", "youtube"]), ["bigvegan", "lifts"]);
    assert_eq!(found(&["--min-followers", "12000", "--max-followers", "20000"]), ["lifts", "tofu.fan"]);
    // greens: 150 likes / 5,000 = 3 % per post; tofu.fan: 240 / 12,000 = 2 %; lifts: 1 %; bigvegan: 1 %.
    assert_eq!(found(&["--min-er", "2", "--max-er", "3"]), ["tofu.fan", "greens"]);
    assert_eq!(found(&["--country", "fr", "vegan"]), ["tofu.fan"]);
    assert_eq!(found(&["--tier", "mega"]), ["bigvegan"]);
    assert_eq!(found(&["--offset", "1", "--limit", "2"]), ["lifts", "tofu.fan"]);
}

#[test]
fn bad_search_flags_are_refused_with_a_reason() {
    let dir = Dir::new();
    world(&dir);
    let out = dir.run(&["search", "--label", "amazing"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown label 'amazing'"));
    // The same rules as the API and the Directory page, named by the flag.
    let out = dir.run(&["search", "--country", "AUS"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--country: 'AUS' is not a two-letter country code"));
    let out = dir.run(&["search", "--min-followers", "5000", "--max-followers", "100"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--min-followers: 5000 is above max_followers 100"));
    let out = dir.run(&["search", "\"unclosed"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unclosed quote"));
    let out = dir.run(&["search", "--sort", "popularity"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses an unknown sort");
}

#[test]
fn index_rebuild_relabels_with_the_current_taxonomy_and_text_search_still_works() {
    let dir = Dir::new();
    world(&dir);
    assert_eq!(handles(&dir.json_lines(&["search", "--niche", "fitness", "--json"])), ["lifts"]);
    dir.write("mine.toml", "[[niche]]\nid = \"iron\"\nname = \"Iron\"\nkeywords = [\"gym\", \"strength\"]\n");
    dir.stdout(&["--niches", "mine.toml", "index", "rebuild"]);
    assert!(handles(&dir.json_lines(&["search", "--niche", "fitness", "--json"])).is_empty());
    assert_eq!(handles(&dir.json_lines(&["search", "--niche", "iron", "--json"])), ["lifts"]);
    assert_eq!(handles(&dir.json_lines(&["search", "gym", "--json"])), ["lifts"]);
}

#[test]
fn similar_lists_lookalikes_with_their_similarity_and_never_the_channel_itself() {
    let dir = Dir::new();
    world(&dir);
    let lines = dir.json_lines(&["similar", "instagram/greens", "--json"]);
    let found = handles(&lines);
    assert!(found.contains(&"tofu.fan".to_string()) && found.contains(&"bigvegan".to_string()), "{found:?}");
    assert!(!found.contains(&"greens".to_string()));
    assert!(!found.contains(&"lifts".to_string()), "no niche or hashtag in common: {found:?}");
    let scores: Vec<f64> = lines.iter().map(|o| o["similarity"]["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let out = dir.run(&["similar", "instagram/nobody"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no channel instagram/nobody"));
}

#[test]
fn data_since_keeps_the_channels_read_on_or_after_a_date() {
    let dir = Dir::new();
    world(&dir);
    // A newer reading of one channel, a day after the others (AS_OF is 2026-11-20 12:00 UTC).
    dir.write(
        "newer.ndjson",
        &format!(
            r#"{{"kind":"channel","platform":"instagram","handle":"greens","followers":5100,"observed_at":{}}}"#,
            AS_OF + DAY
        ),
    );
    dir.stdout(&["import", "newer.ndjson"]);
    let found =
        |since: &str| handles(&dir.json_lines(&["search", "--json", "--sort", "followers", "--data-since", since]));
    assert_eq!(found("2026-11-20"), ["bigvegan", "lifts", "tofu.fan", "greens"], "the day includes its start");
    assert_eq!(found("2026-11-21"), ["greens"]);
    assert_eq!(found("2026-11-21T12:00:01Z"), Vec::<String>::new());
    let out = dir.run(&["search", "--data-since", "last week"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--data-since: 'last week' is not a date"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
