//! Prices, deals and plans against a real data directory, checked by hand.

use std::path::Path;
use std::time::Duration;

use clout_core::discovery::DiscoveryQuery;
use clout_core::money::{Currency, Money};
use clout_core::price::{Deliverable, Verdict};
use clout_core::{TierPreset, Timestamp};

use super::*;

/// 2026-11-20T12:00:00Z.
const AS_OF: i64 = 1_795_176_000;
const DAY: i64 = 86_400;

fn app(dir: &Path, rate_card_file: Option<std::path::PathBuf>) -> App {
    App::open(
        AppConfig {
            data_dir: dir.join("data"),
            niches_file: None,
            rate_card_file,
            vectors_file: None,
            store: crate::test_store(&dir.join("data")),
        },
        Access::Write,
        "test",
    )
    .unwrap()
}

fn options() -> ImportOptions {
    ImportOptions {
        clock: || Timestamp::from_unix(AS_OF + DAY),
        strict: false,
        batch_size: 100,
        limits: Default::default(),
        max_decompressed_bytes: None,
        answers_observed_at: None,
        csv_map: None,
    }
}

fn import(app: &mut App, dir: &Path, name: &str, lines: &[String]) -> ImportSummary {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    app.import(&[path], &options(), &mut Silent).unwrap()
}

/// A channel with `followers` and six posts of `likes` + `comments` each, 2 to 7 days old.
fn channel(handle: &str, followers: u64, likes: u64, comments: u64) -> Vec<String> {
    let mut lines = vec![format!(
        r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","followers":{followers},"observed_at":{AS_OF}}}"#
    )];
    for i in 0..6 {
        lines.push(format!(
            r#"{{"kind":"post","platform":"instagram","handle":"{handle}","post_id":"{handle}{i}","published_at":{},"likes":{likes},"comments":{comments},"observed_at":{AS_OF}}}"#,
            AS_OF - (2 + i) * DAY
        ));
    }
    lines
}

fn deal(handle: &str, fee: &str, currency: &str, day: i64) -> String {
    format!(
        r#"{{"kind":"deal","platform":"instagram","handle":"{handle}","deliverable":"post","fee":"{fee}","currency":"{currency}","agreed_at":{}}}"#,
        AS_OF - day * DAY
    )
}

fn usd(raw: &str) -> Money {
    Money::parse(raw, Currency::USD).unwrap()
}

#[test]
fn a_price_follows_the_built_in_card_and_is_fitted_to_enough_deals() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = app(tmp.path(), None);
    import(&mut app, tmp.path(), "chef.ndjson", &channel("chef", 10_000, 280, 20));

    // Instagram, 10,000 followers: reach 30–38 % → 3,000–3,800 impressions; $30 CPM → $90–$114,
    // point $102. The only channel of its bucket is its own median, so no engagement adjustment.
    let r = app.price("instagram/chef", Deliverable::Post, Some(usd("120")), TierPreset::Scrunch).unwrap();
    let e = &r.estimate;
    assert!((e.low - 90.0).abs() < 1e-9 && (e.high - 114.0).abs() < 1e-9 && (e.point - 102.0).abs() < 1e-9, "{e:?}");
    assert_eq!(e.er_factor, 1.0);
    assert!((e.rule_of_thumb - 100.0).abs() < 1e-9, "$10 per 1,000 followers");
    assert_eq!(r.quote.as_ref().unwrap().verdict, Verdict::High);
    let fair = app.price("instagram/chef", Deliverable::Post, Some(usd("100")), TierPreset::Scrunch).unwrap();
    assert_eq!(fair.quote.unwrap().verdict, Verdict::Fair);
    // Six posts of 300 engagements: every quantile is 300; reach 10,000 × 34 % = 3,400; no
    // views, so views are the reach (estimated).
    let x = r.expected.as_ref().unwrap();
    assert_eq!((x.engagements.p10, x.engagements.p50, x.engagements.p90), (300.0, 300.0, 300.0));
    assert!((x.reach.p50 - 3_400.0).abs() < 1e-6 && (x.views.p50 - 3_400.0).abs() < 1e-6);
    assert_eq!(x.views_method, clout_core::Method::Estimated);

    // A quote in euros without a rate is refused, with what to do.
    let eur = Money::parse("100", Currency::parse("EUR").unwrap()).unwrap();
    let err = app.price("instagram/chef", Deliverable::Post, Some(eur), TierPreset::Scrunch).unwrap_err();
    assert!(err.to_string().contains("no exchange rate for EUR"), "{err}");

    // Four deals are not enough (the card wants 5); a euro deal cannot count without a rate.
    let deals: Vec<String> = [("153", 1), ("204", 2), ("102", 3), ("255", 4)]
        .iter()
        .map(|(fee, day)| deal("chef", fee, "USD", *day))
        .chain([deal("chef", "500", "EUR", 9)])
        .collect();
    import(&mut app, tmp.path(), "deals.ndjson", &deals);
    let r = app.price("instagram/chef", Deliverable::Post, None, TierPreset::Scrunch).unwrap();
    assert_eq!(r.estimate.calibration, None);
    assert_eq!((r.deals, r.unused_deals.len()), (5, 1));
    assert!(r.unused_deals[0].reason.contains("no exchange rate"), "{:?}", r.unused_deals);
    // The fifth: fee / model = 1.5, 2, 1, 2.5, 3 → median 2, quartiles 1.5 and 2.5.
    let s = import(&mut app, tmp.path(), "deal5.ndjson", &[deal("chef", "306", "USD", 5)]);
    assert_eq!(s.accepted, 1);
    let r = app.price("instagram/chef", Deliverable::Post, None, TierPreset::Scrunch).unwrap();
    let k = r.estimate.calibration.expect("five deals fit the estimate");
    assert_eq!((k.factor, k.deals, k.platform), (2.0, 5, Some(clout_core::Platform::Instagram)));
    assert_eq!((k.q1, k.q3), (1.5, 2.5));
    assert!((r.estimate.point - 204.0).abs() < 1e-9 && (r.estimate.low - 180.0).abs() < 1e-9);
    assert!((r.estimate.model_point - 102.0).abs() < 1e-9, "the model stays visible");
    // Re-importing the same deals changes nothing.
    let again = import(&mut app, tmp.path(), "deal5.ndjson", &[deal("chef", "306", "USD", 5)]);
    assert_eq!(again.accepted, 1);
    assert_eq!(app.price("instagram/chef", Deliverable::Post, None, TierPreset::Scrunch).unwrap().deals, 6);
}

#[test]
fn one_viral_post_does_not_raise_a_price() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = app(tmp.path(), None);
    // Two channels of 10,000 followers. Steady: six posts of 300 engagements (3 %). Viral:
    // the same but one post of 30,000 (300 %): mean 52.5 %, median 3 %. The bucket's median
    // of median rates is 3 %, so both have the ratio 1 and the model's $90–$114 (point $102).
    // By the mean, the viral channel's ratio would be clamped to 2 and its price doubled.
    let mut lines = channel("steady", 10_000, 280, 20);
    let mut viral = channel("viral", 10_000, 280, 20);
    viral[1] = viral[1].replace(r#""likes":280"#, r#""likes":29980"#);
    lines.append(&mut viral);
    import(&mut app, tmp.path(), "world.ndjson", &lines);
    for handle in ["steady", "viral"] {
        let r = app.price(&format!("instagram/{handle}"), Deliverable::Post, None, TierPreset::Scrunch).unwrap();
        let e = &r.estimate;
        assert_eq!(e.er_ratio, Some(1.0), "{handle}: {e:?}");
        assert!((e.point - 102.0).abs() < 1e-9, "{handle}: {e:?}");
    }
    let viral = app.channel_profile("instagram/viral", TierPreset::Scrunch).unwrap().view.row.metrics.unwrap();
    assert!((viral.engagement_rate.unwrap() - 52.5).abs() < 1e-9, "the headline rate stays the mean");
}

#[test]
fn a_rate_card_file_replaces_the_built_in_one_and_bad_cards_say_why() {
    let tmp = tempfile::tempdir().unwrap();
    let edited = DEFAULT_RATE_CARD
        .replace("[exchange_rates]", "[exchange_rates]\nEUR = 1.25")
        .replace("cpm = 30.0", "cpm = 60.0");
    let card_path = tmp.path().join("card.toml");
    std::fs::write(&card_path, edited).unwrap();
    let mut app = app(tmp.path(), Some(card_path.clone()));
    import(&mut app, tmp.path(), "chef.ndjson", &channel("chef", 10_000, 280, 20));
    let eur = Money::parse("200", Currency::parse("EUR").unwrap()).unwrap();
    let r = app.price("instagram/chef", Deliverable::Post, Some(eur), TierPreset::Scrunch).unwrap();
    // Twice the CPM: $180–$228. €200 × 1.25 = $250: high.
    assert!((r.estimate.point - 204.0).abs() < 1e-9);
    let q = r.quote.unwrap();
    assert_eq!(q.verdict, Verdict::High);
    assert!((q.ratio - 250.0 / 204.0).abs() < 1e-9);
    assert_eq!(r.card, card_path.display().to_string());

    for (broken, expected) in [
        ("er_clamp = [0.5, 2.0]", "er_clamp = [2.0, 0.5]"),
        ("[deliverable.story]", "[deliverable.stories]"),
        ("{ from = 0, low = 0.30, high = 0.38 }", "{ from = 0, low = 0.40, high = 0.38 }"),
        ("platform.instagram]", "platform.myspace]"),
    ] {
        let text = DEFAULT_RATE_CARD.replace(broken, expected);
        let err = rate_card_from_toml(&text, "mine.toml").unwrap_err().to_string();
        assert!(err.starts_with("rate card mine.toml: "), "{err}");
    }
}

#[test]
fn a_plan_keeps_to_the_budget_and_every_constraint() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = app(tmp.path(), None);
    let mut lines = Vec::new();
    // Ten channels of 5,000 to 50,000 followers with 2 % to 11 % engagement.
    for i in 0..10u64 {
        let followers = 5_000 + i * 5_000;
        let likes = followers * (2 + (i * 7) % 10) / 100;
        lines.extend(channel(&format!("c{i}"), followers, likes, 5));
    }
    import(&mut app, tmp.path(), "world.ndjson", &lines);
    let request = PlanRequest {
        query: DiscoveryQuery::everything(),
        budget: usd("1500"),
        goal: Goal::Engagements,
        deliverable: Deliverable::Post,
        max_share: Some(40.0),
        min_creators: 2,
        max_creators: Some(4),
        exclude: vec!["instagram/c9".to_string()],
        time_limit: Duration::from_secs(5),
        candidates: MAX_CANDIDATES,
        // Fees alone here; managing creators has its own test.
        management_cost: Some(Money::zero(Currency::USD)),
        list: None,
    };
    drop(app);
    let catalogue = Catalogue::open(crate::test_config(tmp.path().join("data")), CatalogueOptions::read()).unwrap();
    let plan = |request: &PlanRequest| catalogue.read(|r| r.plan(request));
    let p = plan(&request).unwrap();
    assert!(p.optimal && p.gap == 0.0);
    assert!(p.cost.minor <= 150_000 && p.cost.minor > 0);
    assert!((2..=4).contains(&p.picks.len()), "{}", p.picks.len());
    assert_eq!(p.skipped.iter().find(|(r, _)| r == "excluded").map(|(_, n)| *n), Some(1));
    for pick in &p.picks {
        assert_ne!(pick.channel.row.handle, "c9");
        assert!(pick.price.minor <= 60_000, "40 % of $1,500");
        assert!(pick.why.starts_with("a typical post brings") && pick.why.contains("engagements"), "{}", pick.why);
    }
    let sum: i64 = p.picks.iter().map(|x| x.price.minor).sum();
    assert_eq!(sum, p.cost.minor, "the cost is the exact sum of the prices");
    let t = p.totals.unwrap();
    // Every channel's posts are all alike, so every draw gives the same total.
    let total: f64 = p.picks.iter().map(|x| x.expected.engagements.mean).sum();
    assert!((t.engagements.p10 - total).abs() < 1e-6 && (t.engagements.p90 - total).abs() < 1e-6);
    assert!((p.cost_per_engagement.unwrap() - p.cost.major() / total).abs() < 1e-9);

    // No plan: nine creators (every one left) cost more than the budget; a euro budget has no rate.
    let none = plan(&PlanRequest { min_creators: 9, max_creators: None, ..request.clone() }).unwrap();
    assert!(none.infeasible.is_some() && none.picks.is_empty());
    let eur = Money::parse("1500", Currency::parse("EUR").unwrap()).unwrap();
    let err = plan(&PlanRequest { budget: eur, ..request.clone() }).unwrap_err();
    assert!(err.to_string().contains("no exchange rate for EUR"), "{err}");
    let err = plan(&PlanRequest { max_share: Some(0.0), ..request.clone() }).unwrap_err();
    assert!(err.to_string().contains("--max-share"), "{err}");
}

#[test]
fn one_viral_post_does_not_buy_a_place_in_a_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = app(tmp.path(), None);
    // Same size. Steady: six posts of 400 likes + 20 comments (420 each). Viral: five of
    // 100 + 20 and one of 10,000 + 20: a mean of (5 × 120 + 10,020) / 6 = 1,770 a post,
    // four times the steady one's, but a typical post brings 120.
    let mut lines = channel("steady", 10_000, 400, 20);
    let mut viral = channel("viral", 10_000, 100, 20);
    viral[1] = viral[1].replace(r#""likes":100"#, r#""likes":10000"#);
    lines.extend(viral);
    import(&mut app, tmp.path(), "world.ndjson", &lines);
    let request = PlanRequest {
        query: DiscoveryQuery::everything(),
        budget: usd("1000"),
        goal: Goal::Engagements,
        deliverable: Deliverable::Post,
        max_share: None,
        min_creators: 0,
        max_creators: Some(1),
        exclude: Vec::new(),
        time_limit: Duration::from_secs(5),
        candidates: MAX_CANDIDATES,
        management_cost: Some(Money::zero(Currency::USD)),
        list: None,
    };
    drop(app);
    let catalogue = Catalogue::open(crate::test_config(tmp.path().join("data")), CatalogueOptions::read()).unwrap();
    let p = catalogue.read(|r| r.plan(&request)).unwrap();
    assert_eq!(p.picks.len(), 1);
    let pick = &p.picks[0];
    assert_eq!(pick.channel.row.handle, "steady", "{}", pick.why);
    // Its typical post (420) and the weight of an audience without enough evidence
    // (the score's prior, 70, or the score itself) are in its reason.
    assert!(pick.why.starts_with("a typical post brings 420 engagements"), "{}", pick.why);
    // The totals stay the simulated means: every post alike, 420.
    assert!((p.totals.unwrap().engagements.mean - 420.0).abs() < 1e-6);
}

#[test]
fn managing_each_creator_counts_against_the_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = app(tmp.path(), None);
    // Two channels priced $102 each (10,000 Instagram followers, as in the first test).
    let mut lines = channel("ada", 10_000, 280, 20);
    lines.extend(channel("bo", 10_000, 280, 20));
    import(&mut app, tmp.path(), "world.ndjson", &lines);
    drop(app);
    let catalogue = Catalogue::open(crate::test_config(tmp.path().join("data")), CatalogueOptions::read()).unwrap();
    let request = |management: Option<&str>| PlanRequest {
        query: DiscoveryQuery::everything(),
        budget: usd("250"),
        goal: Goal::Engagements,
        deliverable: Deliverable::Post,
        max_share: None,
        min_creators: 0,
        max_creators: None,
        exclude: Vec::new(),
        time_limit: Duration::from_secs(5),
        candidates: MAX_CANDIDATES,
        management_cost: management.map(|m| if m == "0" { Money::zero(Currency::USD) } else { usd(m) }),
        list: None,
    };
    let plan = |management| catalogue.read(|r| r.plan(&request(management))).unwrap();
    // Fees alone: both fit ($204 of $250).
    let p = plan(Some("0"));
    assert_eq!((p.picks.len(), p.cost.minor, p.management.minor), (2, 20_400, 0));
    // $50 to manage each: two would cost 2 × $152 = $304, so one ($102 + $50), $98 left,
    // and the plan says why.
    let p = plan(Some("50"));
    assert_eq!((p.picks.len(), p.cost.minor, p.management.minor), (1, 10_200, 5_000));
    let why = p.left_reason.unwrap();
    assert!(why.starts_with("98.00 USD is left: no other candidate costs that little"), "{why}");
    assert!(why.contains("102.00 USD and 50.00 USD to manage"), "{why}");
    // The rate card's default: 3 hours at $30, $90 a creator: one creator, $58 left.
    let p = plan(None);
    assert_eq!((p.picks.len(), p.management_per_creator.minor, p.management.minor), (1, 9_000, 9_000));
    // What a result costs counts the management: ($102 + $90) / 300 engagements.
    assert!((p.cost_per_engagement.unwrap() - 192.0 / 300.0).abs() < 1e-9);
}
