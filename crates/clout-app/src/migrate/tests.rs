//! A demo world's SQLite store moved to PostgreSQL reads back the same, row for row:
//! channels with every metric and standing, scores, labels, peer groups, Directory rows,
//! screenings, accounts, lists and campaigns; and the moved store goes on taking imports
//! and accounts without reusing an id.

use clout_core::Timestamp;
use clout_store::ChannelFilter;

use crate::import::Silent;
use crate::tests::import_options;
use clout_core::TierPreset;

use crate::{Access, Actor, App, AppConfig, Prospect, StoreUrl, TokenScope};

/// 2026-11-20T12:00:00Z, the demo world's "now".
const AS_OF: i64 = 1_795_176_000;

fn at(s: i64) -> Timestamp {
    Timestamp::from_unix(AS_OF + s)
}

fn brief(name: &str) -> crate::Brief {
    crate::Brief {
        name: name.to_string(),
        goal: "engagements".to_string(),
        niche: None,
        starts_on: None,
        ends_on: None,
        budget: clout_core::money::Money::parse("1000", clout_core::money::Currency::USD).unwrap(),
        key_messages: String::new(),
        disclosure: String::new(),
    }
}

/// The accounts without their passwords' hashes.
fn users(app: &App) -> Vec<String> {
    let users = app.store.users().unwrap();
    users
        .iter()
        .map(|u| format!("{} {} {} {:?} {:?} {:?}", u.id, u.username, u.role, u.created_at, u.disabled_at, u.timezone))
        .collect()
}

/// Everything a user reads of a store, by interface.
fn everything(app: &App) -> impl PartialEq + std::fmt::Debug {
    let s = &*app.store;
    let channels = s.channels(&ChannelFilter::default()).unwrap();
    let safety: Vec<_> = channels
        .iter()
        .map(|c| {
            s.safety_of(c.id).unwrap().map(|x| (x.screen.posts, x.screen.comments, x.screen.levels, x.evidence.len()))
        })
        .collect();
    let lists: Vec<_> = app.lists().unwrap().iter().map(|l| app.list(l.id, TierPreset::Scrunch).unwrap()).collect();
    let campaigns: Vec<_> = app.campaigns().unwrap().iter().map(|c| format!("{c:?}")).collect();
    (
        (s.stats().unwrap(), s.derived_stale_since().unwrap(), s.derived_generation().unwrap()),
        channels,
        (s.platform_fits().unwrap(), s.bucket_stats().unwrap(), s.discovery_rows().unwrap()),
        (
            s.niches_by_channel().unwrap().into_iter().collect::<std::collections::BTreeMap<_, _>>(),
            s.follower_samples_by_channel().unwrap().into_iter().collect::<std::collections::BTreeMap<_, _>>(),
            safety,
        ),
        // Passwords' hashes are compared right after the move (a new account's salt is random).
        (users(app), s.all_tokens().unwrap(), format!("{lists:?}"), campaigns, s.runs().unwrap()),
    )
}

/// The two stores read the same; else where they first differ.
fn assert_same(moved: &App, source: &App) {
    let (a, b) = (format!("{:?}", everything(moved)), format!("{:?}", everything(source)));
    if a != b {
        let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        let around = |s: &str| s.chars().skip(at.saturating_sub(300)).take(500).collect::<String>();
        panic!("the moved store differs, from byte {at}:\nmoved:  {}\nsource: {}", around(&a), around(&b));
    }
}

#[test]
fn a_demo_world_moved_to_postgresql_reads_back_row_for_row_and_takes_new_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let world = tmp.path().join("world.ndjson");
    crate::write_demo_world(std::fs::File::create(&world).unwrap(), 5, 60, at(0)).unwrap();
    let config = |dir: &str, store: Option<StoreUrl>| AppConfig {
        data_dir: tmp.path().join(dir),
        niches_file: None,
        rate_card_file: None,
        vectors_file: None,
        store,
    };
    // The source: SQLite, with a world imported, accounts, a list and a campaign.
    let mut sqlite = App::open(config("sqlite", None), Access::Write, "test").unwrap();
    sqlite.import(std::slice::from_ref(&world), &import_options(|| at(3_600), 500), &mut Silent).unwrap();
    let admin = sqlite.setup_admin("ada", "correct horse battery", at(0)).unwrap();
    let (_, secret) = sqlite.create_token(&admin, "scripts", TokenScope::Full, None, at(0)).unwrap();
    let list = sqlite.create_list(&admin, "Bakers", at(0)).unwrap();
    let picks: Vec<String> = sqlite
        .store
        .channels(&ChannelFilter::default())
        .unwrap()
        .iter()
        .take(3)
        .map(|c| format!("{}/{}", c.platform, c.handle))
        .collect();
    for p in &picks {
        sqlite.add_to_list(&admin, list.id, p, "note\twith a tab\nand a line", at(0)).unwrap();
    }
    let prospects: Vec<Prospect> =
        picks.iter().map(|p| Prospect { reference: p.clone(), planned: None, expected: None }).collect();
    sqlite.create_campaign(Actor::User(&admin), &brief("Spring"), &prospects, None, at(0)).unwrap();

    let url = StoreUrl::parse(&clout_pg::testing::database()).unwrap();
    let moved = sqlite.migrate_store(&url).unwrap();
    assert!(moved.rows() > 5_000, "{moved:?}");
    let mut postgres = App::open(config("postgres", Some(url.clone())), Access::Write, "test").unwrap();
    assert_same(&postgres, &sqlite);
    assert_eq!(postgres.store.users().unwrap(), sqlite.store.users().unwrap(), "with the passwords' hashes");
    assert!(postgres.token_user(&secret, at(1)).unwrap().is_some(), "the token works on the moved store");
    assert!(postgres.check_password("ada", "correct horse battery").unwrap().is_some());

    // A second move into the same database is refused: it is not empty.
    let again = sqlite.migrate_store(&url).unwrap_err().to_string();
    assert!(again.contains("not empty"), "{again}");

    // Both go on: the same new observations, a new account and list on each, give the same
    // stores again (the moved one's sequences start past the ids it received).
    let later = tmp.path().join("later.ndjson");
    crate::write_demo_world(std::fs::File::create(&later).unwrap(), 5, 70, at(2 * 86_400)).unwrap();
    for app in [&mut sqlite, &mut postgres] {
        app.import(std::slice::from_ref(&later), &import_options(|| at(2 * 86_400), 500), &mut Silent).unwrap();
        let admin = app.check_password("ada", "correct horse battery").unwrap().unwrap();
        app.create_user(Actor::User(&admin), "max", "another good password", crate::Role::Member, at(5)).unwrap();
        let list = app.create_list(&admin, "Cooks", at(5)).unwrap();
        app.add_to_list(&admin, list.id, &picks[0], "", at(5)).unwrap();
    }
    assert_same(&postgres, &sqlite);
}
