//! `clout channels` and `clout show`: every metric under its metrics.md name, a reason
//! beside each null, and readable tables.

use crate::util::{Dir, channel, post};

const METRICS: &[&str] = &[
    "engagement_rate",
    "median_engagement_rate",
    "engagement_rate_by_views",
    "viral_skew",
    "engagement_cv",
    "avg_likes",
    "avg_comments",
    "avg_shares",
    "avg_views",
    "comments_per_100_likes",
    "posts_in_window",
    "posts_per_week",
    "follower_growth_30d",
    "engagement_percentile",
    "engagement_label",
    "engagement_index",
];

/// `chef` has 5 posts (rates 1, 2, 3, 4, 10 % of 1,000 followers); `quiet` has 2.
fn world(dir: &Dir) {
    let mut lines = vec![channel("instagram", "chef", 1_000), channel("tiktok", "quiet", 30_000)];
    for (i, e) in [10u64, 20, 30, 40, 100].iter().enumerate() {
        lines.push(post("instagram", "chef", &format!("p{i}"), 2 + i as i64, e - 1, 1));
    }
    lines.push(post("tiktok", "quiet", "q1", 3, 10, 1));
    lines.push(post("tiktok", "quiet", "q2", 4, 10, 1));
    dir.write("world.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "world.ndjson"]);
}

#[test]
fn channels_json_has_every_metric_and_a_reason_beside_each_null() {
    let dir = Dir::new();
    world(&dir);
    let lines = dir.json_lines(&["channels", "--json"]);
    assert_eq!(lines.len(), 2);
    for obj in &lines {
        for key in ["platform", "handle", "followers", "tier", "as_of"].iter().chain(METRICS) {
            assert!(obj.get(*key).is_some(), "{key} missing in {obj}");
            if obj[*key].is_null() {
                assert!(obj[format!("{key}_reason")].is_string(), "{key} is null without a reason in {obj}");
            }
        }
    }
    let chef = lines.iter().find(|o| o["handle"] == "chef").unwrap();
    assert_eq!(chef["platform"], "instagram");
    assert_eq!(chef["followers"], 1_000);
    assert_eq!(chef["tier"], "nano");
    assert_eq!(chef["as_of"], "2026-11-20T12:00:00Z");
    assert!((chef["engagement_rate"].as_f64().unwrap() - 4.0).abs() < 1e-9);
    assert!((chef["median_engagement_rate"].as_f64().unwrap() - 3.0).abs() < 1e-9);
    assert_eq!(chef["viral_skew"], false);
    assert_eq!(chef["posts_in_window"], 5);
    // One channel per platform: too few peers for a percentile, so the label uses fixed
    // bands on the median rate (metrics v2): 3 % → good (1 to < 3.5). The mean, 4 %, would
    // have said high.
    assert_eq!(chef["engagement_percentile_reason"], "too_few_peers");
    assert_eq!(chef["engagement_label"], "good");
    assert_eq!(chef["follower_growth_30d_reason"], "no_history");
    let quiet = lines.iter().find(|o| o["handle"] == "quiet").unwrap();
    assert_eq!(quiet["engagement_rate_reason"], "insufficient_posts");
    assert_eq!(quiet["posts_in_window"], 2);
    assert_eq!(quiet["tier"], "micro");
}

#[test]
fn channels_filter_by_platform_and_tier_with_either_preset() {
    let dir = Dir::new();
    world(&dir);
    let handles = |args: &[&str]| -> Vec<String> {
        dir.json_lines(args).iter().map(|o| o["handle"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(handles(&["channels", "--json", "--platform", "tiktok"]), ["quiet"]);
    assert_eq!(handles(&["channels", "--json", "--tier", "micro"]), ["quiet"]);
    assert_eq!(handles(&["channels", "--json", "--tier", "micro", "--tiers", "industry"]), ["quiet"]);
    assert_eq!(handles(&["channels", "--json", "--tier", "nano", "--tiers", "industry"]), ["chef"]);
    let out = dir.run(&["channels", "--tier", "huge"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown tier 'huge'"));
}

#[test]
fn the_channels_table_is_aligned() {
    let dir = Dir::new();
    world(&dir);
    let out = dir.stdout(&["channels"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("PLATFORM"));
    // The followers column is right-aligned: the numbers end where the header ends.
    let end = lines[0].find("FOLLOWERS").unwrap() + "FOLLOWERS".len();
    for row in &lines[1..3] {
        let cell_end = row[..end].trim_end().len();
        assert_eq!(cell_end, end, "{row}");
    }
    assert_eq!(lines.last(), Some(&"2 channels"));
}

#[test]
fn show_json_has_window_posts_history_and_provenance() {
    let dir = Dir::new();
    world(&dir);
    let out = dir.stdout(&["show", "Instagram/@CHEF", "--json"]);
    let o: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(o["handle"], "chef");
    assert_eq!(o["window_posts"].as_array().unwrap().len(), 5);
    assert_eq!(o["window_posts"][0]["post_id"], "p0", "newest first");
    assert_eq!(o["window_posts"][0]["engagements"], 10);
    assert_eq!(o["window_posts"][0]["method"], "measured");
    assert!(o["window_posts"][0]["source"].as_str().unwrap().ends_with("world.ndjson"));
    assert_eq!(o["follower_history"].as_array().unwrap().len(), 1);
    assert_eq!(o["provenance"]["followers"]["method"], "measured");
    assert_eq!(o["provenance"]["metrics"]["method"], "derived");
    assert_eq!(o["provenance"]["tier"]["method"], "derived");
}

#[test]
fn every_metric_of_the_catalogue_is_in_show_its_json_and_the_channel_list() {
    let dir = Dir::new();
    world(&dir);
    let text = dir.stdout(&["show", "instagram/chef"]);
    let json: serde_json::Value = serde_json::from_str(&dir.stdout(&["show", "instagram/chef", "--json"])).unwrap();
    let listed = &dir.json_lines(&["channels", "--json"])[0];
    for d in clout_core::metric::METRICS {
        for o in [&json, listed] {
            let o = o.as_object().unwrap();
            assert!(
                o.contains_key(d.name) && (!o[d.name].is_null() || o.contains_key(&format!("{}_reason", d.name))),
                "{} has neither a value nor a reason",
                d.name
            );
        }
        if !matches!(d.key, clout_core::metric::MetricKey::Followers | clout_core::metric::MetricKey::PostsInWindow) {
            assert!(text.lines().any(|l| l.starts_with(d.name)), "clout show has no row for {}:\n{text}", d.name);
        }
    }
    // chef: per-post rates 1, 2, 3, 4 and 10 % of 1,000 followers: a mean of 20 / 5 = 4 %,
    // shown with two decimals; the median is 3 %.
    let row = text.lines().find(|l| l.starts_with("engagement_rate ")).unwrap();
    assert!(row.contains("4.00 %"), "{row}");
    assert!((json["engagement_rate"].as_f64().unwrap() - 4.0).abs() < 1e-9);
    let row = text.lines().find(|l| l.starts_with("median_engagement_rate ")).unwrap();
    assert!(row.contains("3.00 %"), "{row}");
}

#[test]
fn show_text_explains_nulls_and_an_unknown_channel_is_an_error() {
    let dir = Dir::new();
    world(&dir);
    let out = dir.stdout(&["show", "tiktok/quiet"]);
    assert!(out.contains("fewer than 5 posts in the engagement window"), "{out}");
    let out = dir.run(&["show", "tiktok/nobody"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no channel tiktok/nobody"));
    let out = dir.run(&["show", "nobody"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not PLATFORM/HANDLE"));
}

/// A vegan cook: bio and hashtags say so.
fn vegan_world(dir: &Dir) {
    let mut lines = vec![format!(
        r#"{{"kind":"channel","platform":"instagram","handle":"greens","followers":5000,"observed_at":{},"bio":"Plant-based recipes for busy weeknights. Vegan since 2019."}}"#,
        crate::util::AS_OF
    )];
    for i in 0..6 {
        lines.push(format!(
            r#"{{"kind":"post","platform":"instagram","handle":"greens","post_id":"p{i}","published_at":{},"likes":50,"comments":5,"caption":"Crispy tofu bowl","hashtags":["vegan","plantbased"]}}"#,
            crate::util::AS_OF - (i + 2) * crate::util::DAY
        ));
    }
    dir.write("vegan.ndjson", &lines.join("\n"));
}

#[test]
fn channels_get_niche_labels_with_their_evidence() {
    let dir = Dir::new();
    vegan_world(&dir);
    dir.stdout(&["import", "vegan.ndjson"]);
    let lines = dir.json_lines(&["channels", "--json"]);
    assert_eq!(lines[0]["niches"][0]["niche"], "vegan");
    let show: serde_json::Value = serde_json::from_str(&dir.stdout(&["show", "instagram/greens", "--json"])).unwrap();
    let evidence = show["niches"][0]["evidence"].as_array().unwrap();
    assert!(
        evidence.iter().any(|e| e["term"] == "#vegan" && e["field"] == "hashtag" && e["count"] == 6),
        "{evidence:?}"
    );
    assert!(evidence.iter().any(|e| e["field"] == "profile"), "{evidence:?}");
    assert_eq!(show["niches"][0]["method"], "derived");
}

#[test]
fn a_custom_taxonomy_replaces_the_built_in_one_and_a_broken_one_is_refused() {
    let dir = Dir::new();
    vegan_world(&dir);
    dir.write(
        "mine.toml",
        "[[niche]]\nid = \"bowls\"\nname = \"Bowls\"\nkeywords = [\"bowl\", \"tofu\"]\nhashtags = [\"plantbased\"]\n",
    );
    dir.stdout(&["--niches", "mine.toml", "import", "vegan.ndjson"]);
    let lines = dir.json_lines(&["channels", "--json"]);
    assert_eq!(lines[0]["niches"][0]["niche"], "bowls");
    dir.write("broken.toml", "[[niche]]\nid = \"Bad Id\"\nname = \"x\"\nkeywords = [\"x\"]\n");
    let out = dir.run(&["--niches", "broken.toml", "recompute"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("niche taxonomy broken.toml") && stderr.contains("'Bad Id'"), "{stderr}");
    // The built-in taxonomy prints as TOML that loads again.
    dir.write("copy.toml", &dir.stdout(&["niches"]));
    dir.stdout(&["--niches", "copy.toml", "recompute"]);
    assert_eq!(dir.json_lines(&["channels", "--json"])[0]["niches"][0]["niche"], "vegan");
}

#[test]
fn terminal_dates_are_in_the_readers_locale_and_timezone_and_json_keeps_rfc_3339() {
    let dir = Dir::new();
    dir.write("c.ndjson", &channel("instagram", "chef", 1_000));
    dir.stdout(&["import", "c.ndjson"]);
    // Observed at 2026-11-20T12:00:00Z.
    let show = |lang: &str, tz: &str| {
        let out = dir
            .command(&["show", "instagram/chef"])
            .env_remove("LC_ALL")
            .env_remove("LC_TIME")
            .env("LANG", lang)
            .env("TZ", tz)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let us = show("en_US.UTF-8", "America/New_York");
    assert!(us.contains("measured at Nov 20, 2026, 7:00 AM EST"), "{us}");
    let de = show("de_DE.UTF-8", "Europe/Berlin");
    assert!(de.contains("measured at 20 Nov 2026, 13:00 CET"), "{de}");
    let c = show("C", "UTC");
    assert!(c.contains("measured at 20 Nov 2026, 12:00 UTC"), "{c}");
    let json = dir.stdout(&["show", "instagram/chef", "--json"]);
    assert!(json.contains("\"as_of\":\"2026-11-20T12:00:00Z\""), "{json}");
}
