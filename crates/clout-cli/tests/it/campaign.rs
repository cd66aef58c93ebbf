//! A campaign from plan to report, every figure checked against values worked out by hand.

use serde_json::Value;

use crate::util::{AS_OF, DAY, Dir};

/// Six posts of `per_post` engagements for a channel with `followers`, 2 to 7 days old.
fn channel(handle: &str, followers: u64, per_post: u64) -> Vec<String> {
    let mut lines = vec![format!(
        r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","followers":{followers},"observed_at":{AS_OF}}}"#
    )];
    for i in 0..6 {
        lines.push(format!(
            r#"{{"kind":"post","platform":"instagram","handle":"{handle}","post_id":"{handle}{i}","published_at":{},"likes":{},"comments":{},"observed_at":{AS_OF}}}"#,
            AS_OF - (2 + i) * DAY,
            per_post - per_post / 10,
            per_post / 10
        ));
    }
    lines
}

fn run_as(dir: &Dir, user: &str, args: &[&str]) -> String {
    let out = dir.command(args).env("USER", user).output().unwrap();
    assert!(
        out.status.success(),
        "clout {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(dir: &Dir, args: &[&str], expected: &str) {
    let out = dir.run(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(err.contains(expected), "{args:?}: '{expected}' not in {err}");
}

fn close(a: &Value, b: f64) {
    let a = a.as_f64().unwrap_or_else(|| panic!("not a number: {a}"));
    assert!((a - b).abs() < 1e-6, "{a} != {b}");
}

#[test]
fn a_campaign_goes_from_plan_to_report_and_every_figure_is_checked_by_hand() {
    let dir = Dir::new();
    let mut world = channel("chef", 10_000, 300);
    world.extend(channel("baker", 20_000, 400));
    world.extend(channel("cook", 5_000, 50));
    dir.write("world.ndjson", &world.join("\n"));
    dir.stdout(&["import", "world.ndjson"]);

    // The plan: $1,000 buys all three (prices $102, $150 and $51; see docs/pricing.md).
    let plan = dir.stdout(&["plan", "--budget", "1000", "--json"]);
    let p: Value = serde_json::from_str(plan.trim()).unwrap();
    assert_eq!(p["picks"].as_array().unwrap().len(), 3, "{p}");
    dir.write("plan.json", &plan);
    run_as(
        &dir,
        "ana",
        &[
            "campaign",
            "create",
            "Spring launch",
            "--from-plan",
            "plan.json",
            "--messages",
            "New oven",
            "--disclosure",
            "#ad",
        ],
    );
    fails(&dir, &["campaign", "create", "spring LAUNCH", "--budget", "5"], "exists");

    // The pipeline, with fees; contracting needs an agreed fee first.
    for s in ["contacted", "negotiating"] {
        run_as(&dir, "ana", &["campaign", "stage", "Spring launch", "instagram/chef", s]);
    }
    fails(&dir, &["campaign", "stage", "Spring launch", "instagram/chef", "contracted"], "agree instagram/chef's fee");
    fails(&dir, &["campaign", "fee", "Spring launch", "instagram/chef", "150.005"], "more decimals");
    run_as(&dir, "ana", &["campaign", "fee", "Spring launch", "instagram/chef", "150.00"]);
    for s in ["contracted", "content_live"] {
        run_as(&dir, "ana", &["campaign", "stage", "Spring launch", "instagram/chef", s]);
    }
    run_as(&dir, "bob", &["campaign", "stage", "Spring launch", "instagram/chef", "paid"]);
    run_as(&dir, "ana", &["campaign", "stage", "Spring launch", "instagram/baker", "declined"]);
    run_as(&dir, "ana", &["campaign", "fee", "Spring launch", "instagram/cook", "80.50"]);
    run_as(&dir, "ana", &["campaign", "stage", "Spring launch", "instagram/cook", "contracted"]);
    fails(&dir, &["campaign", "stage", "Spring launch", "instagram/cook", "signed"], "unknown stage 'signed'");

    // Deliverables, linked by post id or URL before their posts are imported.
    let d1 =
        run_as(&dir, "ana", &["campaign", "deliverable", "Spring launch", "instagram/chef", "--due", "2026-11-25"]);
    let d2 = run_as(&dir, "ana", &["campaign", "deliverable", "Spring launch", "instagram/chef", "--type", "reel"]);
    let d3 =
        run_as(&dir, "ana", &["campaign", "deliverable", "Spring launch", "instagram/cook", "--due", "2020-01-01"]);
    let d4 = run_as(&dir, "ana", &["campaign", "deliverable", "Spring launch", "instagram/cook"]);
    let (d1, d2, d3, d4) = (d1.trim(), d2.trim(), d3.trim(), d4.trim());
    run_as(&dir, "ana", &["campaign", "cancel", "Spring launch", d4]);
    run_as(&dir, "ana", &["campaign", "link", "Spring launch", d1, "sp1"]);
    run_as(&dir, "ana", &["campaign", "link", "Spring launch", d2, "https://instagram.com/p/sp2"]);
    let before = &dir.json_lines(&["campaign", "report", "Spring launch", "--json"])[0];
    let awaiting: Vec<bool> =
        before["deliverables"].as_array().unwrap().iter().map(|d| d["awaiting_data"].as_bool().unwrap()).collect();
    assert_eq!(awaiting, [true, true, false, false], "linked but not imported yet");
    assert_eq!(before["deliverables"][2]["overdue"], true, "due in 2020, not delivered");
    run_as(&dir, "ana", &["campaign", "link", "Spring launch", d3, "sp3"]);

    // New observations: the delivered posts, then a later reading of one; conversions.
    let t1 = AS_OF + 2 * DAY;
    let t2 = AS_OF + 5 * DAY;
    let published = AS_OF + DAY;
    let lines = [
        format!(
            r##"{{"kind":"post","platform":"instagram","handle":"chef","post_id":"sp1","published_at":{published},"likes":400,"comments":50,"caption":"Loving the new oven #ad","observed_at":{t1}}}"##
        ),
        format!(
            r##"{{"kind":"post","platform":"instagram","handle":"chef","post_id":"sp2","url":"https://instagram.com/p/sp2","published_at":{published},"likes":200,"comments":10,"views":5000,"caption":"my #adventure in baking","observed_at":{t1}}}"##
        ),
        format!(
            r##"{{"kind":"post","platform":"instagram","handle":"cook","post_id":"sp3","published_at":{published},"likes":100,"comments":20,"hashtags":["ad","oven"],"observed_at":{t1}}}"##
        ),
        format!(
            r#"{{"kind":"conversion","campaign":"spring launch","code":"CHEF10","platform":"instagram","handle":"chef","orders":12,"revenue":"600.00","currency":"USD","observed_at":{t1}}}"#
        ),
        format!(
            r#"{{"kind":"conversion","campaign":"Spring launch","link":"https://shop.example/oven?utm=spring","orders":3,"revenue":"90.00","currency":"USD","observed_at":{t1}}}"#
        ),
        format!(
            r#"{{"kind":"conversion","campaign":"Spring launch","code":"EURO","orders":1,"revenue":"50.00","currency":"EUR","observed_at":{t1}}}"#
        ),
    ];
    dir.write("week1.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "week1.ndjson"]);
    let lines = [
        format!(
            r##"{{"kind":"post","platform":"instagram","handle":"chef","post_id":"sp1","published_at":{published},"likes":500,"comments":60,"caption":"Loving the new oven #ad","observed_at":{t2}}}"##
        ),
        format!(
            r#"{{"kind":"conversion","campaign":"Spring launch","code":"chef10","platform":"instagram","handle":"chef","orders":15,"revenue":"750.00","currency":"USD","observed_at":{t2}}}"#
        ),
    ];
    dir.write("week2.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "week2.ndjson"]);

    let r = &dir.json_lines(&["campaign", "report", "Spring launch", "--json"])[0];
    let member = |h: &str| r["members"].as_array().unwrap().iter().find(|m| m["handle"] == h).unwrap().clone();
    let chef = member("chef");
    // chef: paid, $150; posts sp1 (newest: 500 + 60) and sp2 (200 + 10, 5,000 views).
    assert_eq!(chef["stage"], "paid");
    assert_eq!(chef["cost_minor"], 15_000);
    assert_eq!((chef["delivered"].as_u64(), chef["planned_deliverables"].as_u64()), (Some(2), Some(2)));
    assert_eq!(chef["engagements"], 770);
    assert_eq!(chef["views"], 5_000);
    close(&chef["cost_per_engagement"], (150.0f64 / 770.0 * 10_000.0).round() / 10_000.0);
    close(&chef["cpm"], 30.0);
    // EMV (built-in value table): 500 × 0.21 + 60 × 3.17 + 200 × 0.21 + 10 × 3.17 + 5,000 × 0.02
    // = 105 + 190.2 + 42 + 31.7 + 100 = 468.9.
    close(&chef["emv"], 468.9);
    // CHEF10's newest figures: 15 orders, $750; ROI (750 − 150) / 150 = 4.
    assert_eq!(chef["revenue_minor"], 75_000);
    assert_eq!(chef["orders"], 15);
    close(&chef["roi"], 4.0);
    // The plan expected 300 per post (all six window posts had 300); 385 per post is above.
    assert_eq!(chef["expected_engagements"]["p50"], 300.0);
    assert_eq!(chef["versus_plan"]["verdict"], "above");
    close(&chef["versus_plan"]["engagements_per_post"], 385.0);
    assert_eq!(chef["planned_price_minor"], 10_200);
    // sp2 says "#adventure", not "#ad": flagged.
    assert_eq!(chef["undisclosed_posts"], 1);

    let baker = member("baker");
    assert_eq!((baker["stage"].as_str(), baker["cost_minor"].as_i64()), (Some("declined"), Some(0)));
    let cook = member("cook");
    // cook: contracted at $80.50; sp3: 100 + 20; the hashtag #ad discloses it.
    assert_eq!(cook["cost_minor"], 8_050);
    assert_eq!((cook["engagements"].as_u64(), cook["views"].is_null()), (Some(120), true));
    close(&cook["cost_per_engagement"], (80.5f64 / 120.0 * 10_000.0).round() / 10_000.0);
    assert!(cook["cpm"].is_null() && cook["roi"].is_null());
    close(&cook["emv"], 84.4);
    assert_eq!((cook["planned_deliverables"].as_u64(), cook["undisclosed_posts"].as_u64()), (Some(1), Some(0)));

    let t = &r["totals"];
    assert_eq!(t["budget_minor"], 100_000, "the plan's budget");
    assert_eq!(t["cost_minor"], 23_050);
    assert_eq!(t["left_minor"], 76_950);
    assert_eq!((t["planned_deliverables"].as_u64(), t["delivered"].as_u64()), (Some(3), Some(3)));
    assert_eq!(t["engagements"], 890);
    assert_eq!(t["views"], 5_000);
    close(&t["cost_per_engagement"], (230.5f64 / 890.0 * 10_000.0).round() / 10_000.0);
    close(&t["cpm"], 46.1);
    close(&t["emv"], 553.3);
    // $750 (CHEF10) + $90 (the campaign's link); the euro code is left out.
    assert_eq!(t["revenue_minor"], 84_000);
    assert_eq!(t["orders"], 18);
    close(&t["roi"], ((840.0f64 - 230.5) / 230.5 * 10_000.0).round() / 10_000.0);
    assert_eq!(r["excluded_conversions"].as_array().unwrap().len(), 1);
    assert!(r["excluded_conversions"][0]["reason"].as_str().unwrap().contains("not mixed without a rate"));
    assert_eq!(r["unattributed_conversions"].as_array().unwrap().len(), 1);
    assert!(r["emv_label"].as_str().unwrap().contains("not revenue, not ROI"));
    // Results over time: 450 + 210 + 120 after week 1, 560 + 210 + 120 after week 2.
    let timeline: Vec<u64> =
        r["timeline"].as_array().unwrap().iter().map(|p| p["engagements"].as_u64().unwrap()).collect();
    assert_eq!(timeline, [780, 890]);

    // The stage history names who moved whom.
    let show = &dir.json_lines(&["campaign", "show", "Spring launch", "--json"])[0];
    let chef_moves: Vec<(String, String)> = show["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["channel"] == "instagram/chef")
        .map(|h| (h["to"].as_str().unwrap().to_string(), h["by"].as_str().unwrap().to_string()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("prospect", "cli:ana"),
        ("contacted", "cli:ana"),
        ("negotiating", "cli:ana"),
        ("contracted", "cli:ana"),
        ("content_live", "cli:ana"),
        ("paid", "cli:bob"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(chef_moves, expected);

    // The CSV: a line per member and the totals.
    let csv = dir.stdout(&["campaign", "report", "Spring launch", "--csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("platform,handle,stage,fee,currency"), "{csv}");
    assert_eq!(lines.len(), 5);
    assert!(lines[4].starts_with("total,,,230.50,USD,3,3,890,5000,"), "{}", lines[4]);

    // The text report flags the missing disclosure.
    let text = dir.stdout(&["campaign", "report", "Spring launch"]);
    assert!(
        text.contains("missing disclosure: deliverable #") && text.contains("https://instagram.com/p/sp2"),
        "{text}"
    );
    assert!(text.contains("EMV") && text.contains("not revenue"), "{text}");
}

#[test]
fn creators_keep_contacts_tags_and_dated_notes_and_bad_input_is_refused() {
    let dir = Dir::new();
    dir.write("world.ndjson", &channel("chef", 10_000, 300).join("\n"));
    dir.stdout(&["import", "world.ndjson"]);
    run_as(
        &dir,
        "ana",
        &["creator", "set", "instagram/chef", "--email", "chef@example.com", "--tags", "Baking, #oven, baking"],
    );
    run_as(&dir, "ana", &["creator", "note", "instagram/chef", "Prefers reels; replies on Mondays"]);
    let c = &dir.json_lines(&["creator", "show", "instagram/chef", "--json"])[0];
    assert_eq!(c["email"], "chef@example.com");
    assert_eq!(c["tags"], serde_json::json!(["baking", "oven"]));
    assert_eq!(c["notes"][0]["body"], "Prefers reels; replies on Mondays");
    assert_eq!(c["notes"][0]["by"], "cli:ana");
    fails(&dir, &["creator", "set", "instagram/chef", "--email", "not-an-address"], "not an email address");
    fails(&dir, &["creator", "note", "instagram/nobody", "hi"], "no channel instagram/nobody");
    fails(&dir, &["campaign", "create", "X", "--budget", "0"], "more than zero");
    fails(&dir, &["campaign", "create", "X"], "needs a --budget");
    fails(
        &dir,
        &["campaign", "create", "X", "--budget", "100", "--starts", "2026-12-01", "--ends", "2026-11-01"],
        "ends before it starts",
    );
    fails(&dir, &["campaign", "create", "X", "--budget", "100", "--starts", "soon"], "not a date");
    run_as(&dir, "ana", &["campaign", "create", "Euro", "--budget", "100", "--currency", "EUR"]);
    fails(&dir, &["campaign", "add", "Euro", "instagram/chef", "--fee", "1.001"], "more decimals");
    fails(&dir, &["campaign", "add", "Nope", "instagram/chef"], "no campaign 'Nope'");
    fails(&dir, &["campaign", "deliverable", "Euro", "instagram/chef"], "is not in campaign 'Euro'");
    fails(&dir, &["campaign", "link", "Euro", "99", "p1"], "no deliverable #99");
    // A contracted creator always has a fee: not added without one, and not cleared.
    fails(&dir, &["campaign", "add", "Euro", "instagram/chef", "--stage", "contracted"], "agree instagram/chef's fee");
    run_as(&dir, "ana", &["campaign", "add", "Euro", "instagram/chef", "--stage", "contracted", "--fee", "90"]);
    let show = &dir.json_lines(&["campaign", "show", "Euro", "--json"])[0];
    assert_eq!(
        (show["members"][0]["stage"].as_str(), show["members"][0]["fee_text"].as_str()),
        (Some("contracted"), Some("90.00"))
    );
    // The brief changes; its currency only while no fee is recorded in the old one.
    run_as(
        &dir,
        "ana",
        &["campaign", "edit", "Euro", "--budget", "250.50", "--messages", "Winter menu", "--ends", "2026-12-24"],
    );
    let show = &dir.json_lines(&["campaign", "show", "Euro", "--json"])[0];
    assert_eq!(
        (show["campaign"]["budget_minor"].as_i64(), show["campaign"]["key_messages"].as_str()),
        (Some(25_050), Some("Winter menu"))
    );
    assert_eq!(show["campaign"]["ends_on"], "2026-12-24T00:00:00Z");
    fails(&dir, &["campaign", "edit", "Euro", "--currency", "USD", "--budget", "300"], "cannot change to USD");
    fails(&dir, &["campaign", "edit", "Euro", "--starts", "2027-01-01"], "ends before it starts");
    // An export with one row per order: the orders add up (and importing it again changes
    // nothing); beside it, a running total of a link, whose newest figure counts.
    let orders: Vec<String> = [("o1", "10.00", 1), ("o2", "20.50", 2), ("o3", "30.00", 3)]
        .iter()
        .map(|(id, revenue, day)| {
            format!(
                r#"{{"kind":"conversion","campaign":"euro","code":"CHEF","platform":"instagram","handle":"chef","order_id":"{id}","orders":1,"revenue":"{revenue}","currency":"EUR","observed_at":{}}}"#,
                AS_OF + day * DAY
            )
        })
        .chain([
            format!(r#"{{"kind":"conversion","campaign":"Euro","link":"https://shop.example/e","orders":4,"revenue":"80","currency":"EUR","observed_at":{}}}"#, AS_OF + DAY),
            format!(r#"{{"kind":"conversion","campaign":"Euro","link":"https://shop.example/e","orders":6,"revenue":"120","currency":"EUR","observed_at":{}}}"#, AS_OF + 2 * DAY),
        ])
        .collect();
    dir.write("orders.ndjson", &orders.join("\n"));
    dir.stdout(&["import", "orders.ndjson"]);
    dir.stdout(&["import", "orders.ndjson"]);
    let r = &dir.json_lines(&["campaign", "report", "Euro", "--json"])[0];
    assert_eq!((r["members"][0]["orders"].as_u64(), r["members"][0]["revenue_minor"].as_i64()), (Some(3), Some(6_050)));
    assert_eq!((r["totals"]["orders"].as_u64(), r["totals"]["revenue_minor"].as_i64()), (Some(9), Some(18_050)));
    fails(&dir, &["plan", "--budget", "100000000000000"], "beyond what Clout plans");
    fails(&dir, &["campaign", "create", "Huge", "--budget", "100000000000000"], "beyond what Clout tracks");
}

#[test]
fn a_post_published_outside_the_campaigns_dates_is_not_counted_as_delivered() {
    let dir = Dir::new();
    // chef's own posts are 2 to 7 days old (13 to 18 November); two more: one on
    // 10 November, before the campaign, and one on 20 November, inside it.
    let mut world = channel("chef", 10_000, 300);
    for (id, days_before, likes) in [("early", 10, 900), ("inside", 0, 400)] {
        world.push(format!(
            r#"{{"kind":"post","platform":"instagram","handle":"chef","post_id":"{id}","published_at":{},"likes":{likes},"comments":0,"observed_at":{AS_OF}}}"#,
            AS_OF - days_before * DAY - 3_600
        ));
    }
    dir.write("world.ndjson", &world.join("\n"));
    dir.stdout(&["import", "world.ndjson"]);
    run_as(
        &dir,
        "ana",
        &["campaign", "create", "Dated", "--budget", "500", "--starts", "2026-11-15", "--ends", "2026-11-30"],
    );
    run_as(&dir, "ana", &["campaign", "add", "Dated", "instagram/chef"]);
    let early = run_as(&dir, "ana", &["campaign", "deliverable", "Dated", "instagram/chef"]);
    let inside = run_as(&dir, "ana", &["campaign", "deliverable", "Dated", "instagram/chef"]);
    run_as(&dir, "ana", &["campaign", "link", "Dated", early.trim(), "early"]);
    run_as(&dir, "ana", &["campaign", "link", "Dated", inside.trim(), "inside"]);
    let r = &dir.json_lines(&["campaign", "report", "Dated", "--json"])[0];
    let flags: Vec<bool> =
        r["deliverables"].as_array().unwrap().iter().map(|d| d["outside_dates"].as_bool().unwrap()).collect();
    assert_eq!(flags, [true, false], "10 November is before the 15th: {r}");
    // Only the post inside the dates counts: one delivered, its 400 engagements.
    assert_eq!(r["members"][0]["delivered"], 1, "{r}");
    assert_eq!(r["members"][0]["engagements"], 400, "{r}");
    assert_eq!(r["totals"]["engagements"], 400);
}
