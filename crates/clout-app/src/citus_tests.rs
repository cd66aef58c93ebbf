//! Every statement the application runs on PostgreSQL, checked against Citus's rules: a
//! demo world imported twice (each import recomputing what it touched), a full
//! recompute, accounts, sessions, tokens and failed sign-ins, lists, a campaign through
//! its pipeline and report, the Directory with keyword searches, channel pages with
//! lookalikes and quality, post searches and brand safety, all on a database whose
//! statements `pg_stat_statements` records; then each recorded statement is parsed and
//! held to the rules of `clout_pg::citus_check` (docs/deploy.md).

use clout_core::Timestamp;
use clout_core::campaign::Stage;
use clout_core::discovery::{DiscoveryQuery, SortKey};

use crate::import::Silent;
use crate::tests::import_options;
use crate::{Access, Actor, App, AppConfig, Prospect, StoreUrl, TokenScope};

const AS_OF: i64 = 1_795_176_000;

fn at(s: i64) -> Timestamp {
    Timestamp::from_unix(AS_OF + s)
}

#[test]
fn every_statement_the_application_runs_keeps_to_what_citus_runs_across_nodes() {
    let tmp = tempfile::tempdir().unwrap();
    let url = clout_pg::testing::database();
    clout_pg::testing::record_statements(&url);
    let config = AppConfig {
        data_dir: tmp.path().join("data"),
        niches_file: None,
        rate_card_file: None,
        vectors_file: None,
        store: Some(StoreUrl::parse(&url).unwrap()),
    };
    let mut app = App::open(config.clone(), Access::Write, "test").unwrap();
    fn day_0() -> Timestamp {
        at(60)
    }
    fn day_2() -> Timestamp {
        at(2 * 86_400 + 60)
    }
    for (i, clock) in [day_0 as fn() -> Timestamp, day_2].into_iter().enumerate() {
        let world = tmp.path().join(format!("world-{i}.ndjson"));
        crate::write_demo_world(std::fs::File::create(&world).unwrap(), 3, 60 + 10 * i, clock()).unwrap();
        app.import(std::slice::from_ref(&world), &import_options(clock, 200), &mut Silent).unwrap();
    }
    app.recompute_all(at(3 * 86_400)).unwrap();

    // Accounts.
    let admin = app.setup_admin("ada", "correct horse battery", at(0)).unwrap();
    let session = app.start_session(&admin, at(1)).unwrap();
    assert!(app.session_user(&session.token, at(2)).unwrap().is_some());
    let (_, secret) = app.create_token(&admin, "scripts", TokenScope::Full, None, at(0)).unwrap();
    assert!(app.token_user(&secret, at(1)).unwrap().is_some());
    assert!(app.sign_in_attempt("10.0.0.1", "eve", at(3)).unwrap());
    app.sign_in_succeeded("10.0.0.1", "eve").unwrap();
    app.logout(&session.token).unwrap();

    // Lists and a campaign through its pipeline.
    let channels = app.store.channels(&clout_store::ChannelFilter::default()).unwrap();
    let picks: Vec<String> = channels.iter().take(4).map(|c| format!("{}/{}", c.platform, c.handle)).collect();
    let list = app.create_list(&admin, "Picks", at(0)).unwrap();
    for p in &picks {
        app.add_to_list(&admin, list.id, p, "", at(0)).unwrap();
    }
    app.list(list.id, clout_core::TierPreset::Scrunch).unwrap();
    let brief = crate::Brief {
        name: "Spring".to_string(),
        goal: "engagements".to_string(),
        niche: None,
        starts_on: None,
        ends_on: None,
        budget: clout_core::money::Money::parse("5000", clout_core::money::Currency::USD).unwrap(),
        key_messages: String::new(),
        disclosure: String::new(),
    };
    let prospects: Vec<Prospect> =
        picks.iter().map(|p| Prospect { reference: p.clone(), planned: None, expected: None }).collect();
    app.create_campaign(Actor::User(&admin), &brief, &prospects, None, at(0)).unwrap();
    app.set_stage(Actor::User(&admin), "Spring", &picks[0], Stage::Contacted, at(5)).unwrap();
    let fee = clout_core::money::Money::parse("150", clout_core::money::Currency::USD).unwrap();
    app.set_fee(Actor::User(&admin), "Spring", &picks[0], Some(fee)).unwrap();
    app.add_creator_note(Actor::User(&admin), &picks[1], "met at the fair", at(6)).unwrap();
    app.campaign_report("Spring", at(7)).unwrap();

    // Reading, as the server does: the Directory with keywords, channel pages with their
    // lookalikes and quality, post searches, brand safety.
    drop(app);
    let catalogue = crate::Catalogue::open(config, crate::CatalogueOptions::read()).unwrap();
    catalogue
        .read(|r| -> crate::Result<()> {
            for words in ["fitness", "vegan recipes", "travel"] {
                let query = DiscoveryQuery {
                    text: Some(words.to_string()),
                    sort: SortKey::Relevance,
                    limit: 20,
                    ..DiscoveryQuery::everything()
                };
                r.search(&query)?;
            }
            for p in &picks {
                r.channel_page(p, clout_core::TierPreset::Scrunch)?;
                r.channel_safety(p)?;
            }
            let pairs = vec![("q".to_string(), "coffee".to_string())];
            r.search_posts(&crate::post_query(&pairs, true, at(0))?)?;
            r.safety_audit(None)?;
            Ok(())
        })
        .unwrap();

    let (checked, broken) = clout_pg::testing::statements_breaking_citus_rules(&url);
    assert!(checked > 100, "the statements were recorded: {checked}");
    assert!(
        broken.is_empty(),
        "{} of {checked} statements break Citus's rules:\n{}",
        broken.len(),
        broken.join("\n\n")
    );
}
