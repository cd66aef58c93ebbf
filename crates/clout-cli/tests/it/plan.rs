//! `clout price` and `clout plan`: JSON shapes, figures checked by hand, constraints,
//! the micro-versus-top-tier comparison on the demo world, and errors.

use crate::util::{AS_OF, DAY, Dir};

/// One Instagram channel of 10,000 followers whose six posts have 300 engagements each.
fn chef(dir: &Dir) {
    let mut lines = vec![format!(
        r#"{{"kind":"channel","platform":"instagram","handle":"chef","followers":10000,"observed_at":{AS_OF}}}"#
    )];
    for i in 0..6 {
        lines.push(format!(
            r#"{{"kind":"post","platform":"instagram","handle":"chef","post_id":"p{i}","published_at":{},"likes":280,"comments":20,"observed_at":{AS_OF}}}"#,
            AS_OF - (2 + i) * DAY
        ));
    }
    dir.write("chef.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "chef.ndjson"]);
}

#[test]
fn price_json_gives_the_range_the_quote_verdict_and_expected_results() {
    let dir = Dir::new();
    chef(&dir);
    let out = dir.json_lines(&["price", "instagram/@Chef", "--quote", "120", "--json"]);
    let r = &out[0];
    // 10,000 × 30–38 % reach × $30 CPM = $90–$114 (built-in card).
    assert_eq!(r["estimate"]["low"], 90.0);
    assert_eq!(r["estimate"]["point"], 102.0);
    assert_eq!(r["estimate"]["high"], 114.0);
    assert_eq!(r["estimate"]["method"], "estimated");
    assert_eq!(r["estimate"]["rule_of_thumb"], 100.0);
    assert_eq!(r["quote"]["verdict"], "high");
    assert_eq!((r["low"].as_f64(), r["point"].as_f64(), r["high"].as_f64()), (Some(90.0), Some(102.0), Some(114.0)));
    assert_eq!(r["verdict"], "high");
    for key in ["engagements", "views", "reach"] {
        for q in ["p10", "p50", "p90"] {
            assert!(r[key][q].is_number(), "{key}.{q} in {r}");
        }
    }
    assert_eq!(r["engagements"]["p50"], 300.0);
    assert_eq!(r["reach"]["p50"], 3400.0);
    assert_eq!(r["reach"]["method"], "estimated");

    let reel = &dir.json_lines(&["price", "instagram/chef", "--deliverable", "reel", "--json"])[0];
    assert_eq!(reel["deliverable"], "video", "a reel is sold as a video");
    let text = dir.stdout(&["price", "instagram/chef", "--deliverable", "story", "--quote", "40"]);
    // A story: a fifth of the reach at twice the CPM: $36–$45.60.
    assert!(text.contains("36.00 USD to 45.60 USD"), "{text}");
    assert!(text.contains("Quote 40.00 USD: fair"), "{text}");
    assert!(text.contains("Rule of thumb"), "{text}");
}

#[test]
fn price_and_plan_refuse_bad_input_with_a_reason() {
    let dir = Dir::new();
    chef(&dir);
    for (args, expected) in [
        (vec!["price", "instagram/nobody"], "no channel instagram/nobody"),
        (vec!["price", "instagram/chef", "--quote", "12.345"], "more decimals than USD"),
        (vec!["price", "instagram/chef", "--quote", "100", "--currency", "EUR"], "no exchange rate for EUR"),
        (vec!["plan", "--budget", "lots"], "'lots' is not an amount"),
        (vec!["plan", "--budget", "100", "--currency", "GBP"], "no exchange rate for GBP"),
        (vec!["plan", "--budget", "100", "--max-share", "150"], "--max-share"),
        (vec!["plan", "--budget", "100", "--min-creators", "3", "--max-creators", "2"], "cannot both hold"),
        (vec!["plan", "--budget", "0"], "more than zero"),
        // The bounds of the API's plan (one reading of a plan for every edge), with a
        // terminal's longer time limit.
        (vec!["plan", "--budget", "100", "--max-creators", "0"], "--max-creators: 0 is out of range (1 to 10000)"),
        (vec!["plan", "--budget", "100", "--candidates", "20001"], "--candidates: 20001 is out of range"),
        (vec!["plan", "--budget", "100", "--time-limit", "0"], "--time-limit: 0 is out of range"),
        (vec!["plan", "--budget", "100", "--time-limit", "3601"], "at most 3600 seconds"),
        (vec!["plan", "--budget", "100", "--country", "AUS"], "--country: 'AUS' is not a two-letter country code"),
    ] {
        let out = dir.run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(err.contains(expected), "{args:?}: {expected} not in {err}");
    }
}

#[test]
fn plans_on_the_demo_world_keep_to_the_budget_and_micro_wins_on_engagements_per_dollar() {
    let dir = Dir::new();
    dir.stdout(&["demo", "--channels", "3000"]);
    let plan = &dir.json_lines(&[
        "plan",
        "--budget",
        "2000",
        "--niche",
        "fitness",
        "--max-creators",
        "6",
        "--max-share",
        "30",
        "--exclude",
        "youtube/gains.jonas",
        "--json",
    ])[0];
    let picks = plan["picks"].as_array().unwrap();
    assert!(!picks.is_empty() && picks.len() <= 6, "{}", picks.len());
    let mut cost = 0i64;
    for p in picks {
        let minor = p["price_minor"].as_i64().unwrap();
        assert_eq!(p["price"].as_f64().unwrap(), minor as f64 / 100.0, "the number and the minor units agree");
        assert_eq!(p["currency"], "USD");
        assert!(minor <= 60_000, "30 % of $2,000: {p}");
        assert_ne!(p["handle"], "gains.jonas");
        for key in ["platform", "handle", "why"] {
            assert!(p[key].is_string(), "{key} in {p}");
        }
        assert!(p["engagements"]["p10"].as_f64() <= p["engagements"]["p90"].as_f64());
        cost += minor;
    }
    assert_eq!(plan["cost_minor"].as_i64().unwrap(), cost);
    assert!(plan["cost"].as_f64().unwrap() <= plan["budget"].as_f64().unwrap());
    assert_eq!(plan["budget_minor"], 200_000);
    assert!(cost <= 200_000);
    assert_eq!(plan["optimal"], true);
    let t = &plan["totals"];
    assert!(t["engagements"]["p10"].as_f64() <= t["engagements"]["p50"].as_f64());
    assert!(t["engagements"]["p50"].as_f64() <= t["engagements"]["p90"].as_f64());

    // The README's plan: micro creators only (the default audience), none paid below the
    // rate card's minimum fee, and what is left is explained.
    let plan = &dir.json_lines(&["plan", "--budget", "10000", "--niche", "fitness", "--json"])[0];
    let picks = plan["picks"].as_array().unwrap();
    assert!(!picks.is_empty());
    for p in picks {
        assert_eq!(p["tier"], "micro", "{p}");
        let minimum = match p["platform"].as_str().unwrap() {
            "tiktok" => 5.0,
            "youtube" => 20.0,
            _ => 10.0,
        };
        assert!(p["price"].as_f64().unwrap() >= minimum, "{p}");
        assert_eq!(p["estimate"]["minimum_fee"].as_f64(), Some(minimum));
    }
    assert!(plan["left_minor"].as_i64().unwrap() > 0, "a 3,000-channel world has too few micro fitness creators");
    let why = plan["left_reason"].as_str().unwrap();
    assert!(why.contains("every one of the") && why.contains("widen the filters"), "{why}");
    // `--tier any` plans every tier.
    let any = &dir.json_lines(&["plan", "--budget", "10000", "--niche", "fitness", "--tier", "any", "--json"])[0];
    assert!(any["picks"].as_array().unwrap().iter().any(|p| p["tier"] != "micro"), "{any}");

    // The issue's own comparison.
    let c = &dir.json_lines(&["plan", "--compare", "--budget", "10000", "--niche", "fitness", "--json"])[0];
    let per_dollar = |s: &str| c[s]["totals"]["engagements_per_unit"].as_f64().unwrap();
    assert!(per_dollar("micro") > per_dollar("top_tier"), "{c}");
    assert!(c["top_tier"]["picks"].as_array().unwrap().len() <= 3);
    for p in c["micro"]["picks"].as_array().unwrap() {
        assert_eq!(p["tier"], "micro");
    }
    for p in c["top_tier"]["picks"].as_array().unwrap() {
        assert!(p["tier"] == "macro" || p["tier"] == "mega", "{p}");
    }
    // The unconstrained plan is at least as good as either constrained one.
    let mean = |s: &str| c[s]["totals"]["engagements"]["mean"].as_f64().unwrap();
    let best = |s: &str| {
        c[s]["picks"].as_array().unwrap().iter().map(|p| p["engagements"]["mean"].as_f64().unwrap()).sum::<f64>()
    };
    assert!(best("unconstrained") >= best("micro") - 1e-6 && best("unconstrained") >= best("top_tier") - 1e-6);
    assert!(mean("unconstrained") > 0.0);

    let text = dir.stdout(&["plan", "--compare", "--budget", "10000", "--niche", "fitness"]);
    assert!(text.contains("MICRO") && text.contains("TOP TIER") && text.contains("engagements per USD"), "{text}");
}

#[test]
fn the_rate_card_prints_and_a_copy_can_be_edited() {
    let dir = Dir::new();
    chef(&dir);
    let card = dir.stdout(&["rate-card"]);
    assert!(card.contains("[platform.instagram]") && card.contains("Minter.io"), "sources are cited");
    dir.write("mine.toml", &card.replace("cpm = 30.0", "cpm = 15.0"));
    let r = &dir.json_lines(&["--rate-card", "mine.toml", "price", "instagram/chef", "--json"])[0];
    assert_eq!(r["estimate"]["point"], 51.0, "half the CPM, half the price");
    dir.write("broken.toml", &card.replace("min_deals = 5", "min_deals = \"five\""));
    let out = dir.run(&["--rate-card", "broken.toml", "price", "instagram/chef"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("rate card broken.toml"));
}

/// alpha (10,000 followers), beta (9,000) and gamma (6,000), each with six posts of 300
/// engagements; alpha's and beta's follower samples are the same 100 accounts, gamma's are
/// 100 others with the same profiles.
fn overlapping(dir: &Dir) {
    let mut lines = Vec::new();
    for (handle, followers, prefix) in [("alpha", 10_000, "fan"), ("beta", 9_000, "fan"), ("gamma", 6_000, "gam")] {
        lines.push(format!(
            r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","followers":{followers},"observed_at":{AS_OF}}}"#
        ));
        for i in 0..6 {
            lines.push(format!(
                r#"{{"kind":"post","platform":"instagram","handle":"{handle}","post_id":"p{i}","published_at":{},"likes":280,"comments":20,"observed_at":{AS_OF}}}"#,
                AS_OF - (2 + i) * DAY
            ));
        }
        for i in 0..100u8 {
            let user = format!("{prefix}{}{}", char::from(b'a' + i / 26), char::from(b'a' + i % 26));
            lines.push(format!(
                r#"{{"kind":"follower","platform":"instagram","handle":"{handle}","username":"{user}","followers":500,"following":300,"posts_count":100,"has_profile_pic":true,"observed_at":{AS_OF}}}"#
            ));
        }
    }
    dir.write("overlap.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "overlap.ndjson"]);
}

#[test]
fn a_plan_for_unique_reach_does_not_pay_twice_for_the_same_audience() {
    let dir = Dir::new();
    overlapping(&dir);
    let args = |goal: &str| {
        let args = ["plan", "--budget", "200", "--management-cost", "0", "--tier", "any", "--goal", goal, "--json"];
        dir.json_lines(&args).remove(0)
    };
    let handles = |plan: &serde_json::Value| {
        let mut h: Vec<String> =
            plan["picks"].as_array().unwrap().iter().map(|p| p["handle"].as_str().unwrap().to_string()).collect();
        h.sort();
        h
    };
    // For reach, alpha and beta reach the most within $200, though beta's audience is
    // inside alpha's.
    let reach = args("reach");
    assert_eq!(handles(&reach), ["alpha", "beta"]);
    assert_eq!(reach["method"], "branch_and_bound");
    // Their samples share all 100 accounts: beta's 9,000 followers all follow alpha, so the
    // two reach 10,000 people, not 19,000.
    assert_eq!((reach["followers"].as_u64(), reach["unique_reach"].as_f64()), (Some(19_000), Some(10_000.0)));
    // For unique reach gamma's own audience is worth more than beta's.
    let unique = args("unique_reach");
    let picked = handles(&unique);
    assert!(picked.contains(&"gamma".to_string()) && picked.len() == 2, "{picked:?}");
    assert!(!(picked.contains(&"alpha".to_string()) && picked.contains(&"beta".to_string())));
    assert_eq!(unique["method"], "greedy_unique_reach");
    let gamma = unique["picks"].as_array().unwrap().iter().find(|p| p["handle"] == "gamma").unwrap();
    assert_eq!(gamma["unique_share"], 100.0);
    assert!(gamma["why"].as_str().unwrap().contains("100 % of its followers follow none of the other picks"));
    // The gap is to the plan with overlaps ignored (alpha + beta), an upper bound.
    assert!(unique["gap"].as_f64().unwrap() > 0.0 && !unique["optimal"].as_bool().unwrap());
    // gamma shares no follower with either: the picks' audiences add up.
    assert_eq!(unique["unique_reach"].as_f64(), unique["followers"].as_f64());
    let reached = unique["unique_reach"].as_f64().unwrap() as u64;
    let text =
        dir.stdout(&["plan", "--budget", "200", "--management-cost", "0", "--tier", "any", "--goal", "unique-reach"]);
    let expected = format!("unique reach {},{:03}", reached / 1000, reached % 1000);
    assert!(text.contains("Planned for unique reach") && text.contains(&expected), "{text}");
}
