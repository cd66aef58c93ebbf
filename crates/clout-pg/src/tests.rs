//! The account interface's contract, checked on both backends with the same assertions:
//! SQLite's store in memory and a real PostgreSQL started by the test run. Every
//! expected value follows from the contract in `clout_store::api::accounts`, not from
//! either backend's output.

use clout_core::{FollowerObservation, Handle, Platform, Record, Timestamp};
use clout_store::{
    AccountStore, CampaignStore, ChannelStore, Error, ImportStore, PostSearch, RunStatus, SafetyStore, Store,
    TextSearch, UserChange,
};

use crate::{PgStore, testing};

mod audience;
mod batches;
mod campaigns;
mod channels;
mod derived;
mod imports;
mod layout;
mod search;
mod text;

fn t(s: i64) -> Timestamp {
    Timestamp::from_unix(s)
}

/// What these tests use of a backend.
pub(super) trait Backend:
    AccountStore + CampaignStore + ChannelStore + ImportStore + PostSearch + SafetyStore + TextSearch
{
}

impl<T: AccountStore + CampaignStore + ChannelStore + ImportStore + PostSearch + SafetyStore + TextSearch> Backend
    for T
{
}

/// Both backends with two channels, `instagram/chef` and `instagram/baker`, imported
/// through the interface; their ids are returned in that order.
pub(super) fn backends() -> Vec<(&'static str, Box<dyn Backend>, Vec<i64>)> {
    let sqlite = Store::open_in_memory().unwrap();
    let pg = PgStore::connect(&testing::database()).unwrap();
    let mut out: Vec<(&'static str, Box<dyn Backend>, Vec<i64>)> = Vec::new();
    for (name, mut s) in [("sqlite", Box::new(sqlite) as Box<dyn Backend>), ("postgres", Box::new(pg))] {
        let mut run = s.begin_run(t(1_000), &["a.ndjson".to_string()]).unwrap();
        let source = run.source_id("a.ndjson").unwrap();
        let follower_count = |handle: &str| {
            Record::Followers(FollowerObservation {
                platform: Platform::Instagram,
                handle: Handle::parse(handle).unwrap(),
                observed_at: t(900),
                followers: 5_000,
                extra: None,
            })
        };
        run.write_batch(&[follower_count("chef"), follower_count("baker")], source, &[]).unwrap();
        let ids = run.touched_channel_ids();
        run.finish(RunStatus::Completed, t(1_000), None).unwrap();
        // The first channel named gets the lower id.
        assert_eq!(ids.len(), 2, "{name}");
        out.push((name, s, ids));
    }
    out
}

#[test]
fn users_are_unique_ignoring_ascii_case_and_found_by_any_case() {
    for (name, mut s, _) in backends() {
        assert_eq!(s.user_count().unwrap(), 0, "{name}");
        assert!(s.create_first_user("Ada", "hash-a", t(10)).unwrap(), "{name}");
        // A second first user is refused: one exists.
        assert!(!s.create_first_user("Bob", "hash-b", t(11)).unwrap(), "{name}");
        let bob = s.create_user("Bob", "hash-b", "member", t(12)).unwrap();
        let ada = s.user_by_name("ADA").unwrap().unwrap();
        assert_eq!((ada.username.as_str(), ada.role.as_str(), ada.created_at), ("Ada", "admin", t(10)), "{name}");
        assert!(bob > ada.id, "{name}: ids grow");
        match s.create_user("bOB", "x", "viewer", t(13)) {
            Err(Error::Duplicate(m)) => assert_eq!(m, "a user named 'bOB' exists", "{name}"),
            other => panic!("{name}: {other:?}"),
        }
        // Only ASCII letters fold: "É" and "é" are two names.
        s.create_user("Émile", "x", "viewer", t(14)).unwrap();
        s.create_user("émile", "x", "viewer", t(15)).unwrap();
        let names: Vec<String> = s.users().unwrap().into_iter().map(|u| u.username).collect();
        assert_eq!(names, ["Ada", "Bob", "Émile", "émile"], "{name}");
        assert_eq!(s.user_count().unwrap(), 4, "{name}");
        assert!(s.set_timezone(bob, Some("Europe/Berlin")).unwrap(), "{name}");
        assert_eq!(s.user_by_id(bob).unwrap().unwrap().timezone.as_deref(), Some("Europe/Berlin"), "{name}");
        assert!(!s.set_timezone(9_999, None).unwrap(), "{name}");
    }
}

#[test]
fn the_last_active_admin_cannot_be_removed_and_disabling_ends_sessions() {
    for (name, mut s, _) in backends() {
        s.create_first_user("ada", "h", t(10)).unwrap();
        let ada = s.user_by_name("ada").unwrap().unwrap().id;
        let bob = s.create_user("bob", "h", "member", t(11)).unwrap();
        for change in [UserChange::Role("member"), UserChange::Disable(t(20)), UserChange::Delete] {
            assert!(!s.change_user(ada, change).unwrap(), "{name}: {change:?}");
        }
        assert_eq!(s.user_by_id(ada).unwrap().unwrap().role, "admin", "{name}");
        // With a second admin, the first may go.
        assert!(s.change_user(bob, UserChange::Role("admin")).unwrap(), "{name}");
        s.create_session("sess-a", ada, "csrf-a", t(30), t(100)).unwrap();
        assert_eq!(s.session("sess-a", t(99)).unwrap().map(|(u, c)| (u.id, c)), Some((ada, "csrf-a".into())));
        assert!(s.change_user(ada, UserChange::Disable(t(40))).unwrap(), "{name}");
        assert_eq!(s.session("sess-a", t(41)).unwrap(), None, "{name}: the session ended");
        assert_eq!(s.user_by_id(ada).unwrap().unwrap().disabled_at, Some(t(40)), "{name}");
        // Bob is now the only active admin.
        assert!(!s.change_user(bob, UserChange::Delete).unwrap(), "{name}");
        assert!(s.change_user(ada, UserChange::Enable).unwrap(), "{name}");
        assert!(s.change_user(bob, UserChange::Delete).unwrap(), "{name}");
        assert_eq!(s.user_by_id(bob).unwrap(), None, "{name}");
    }
}

#[test]
fn sessions_live_until_they_expire_and_a_new_password_ends_all_but_one() {
    for (name, mut s, _) in backends() {
        let u = s.create_user("ada", "old", "member", t(1)).unwrap();
        s.create_session("s1", u, "c1", t(10), t(50)).unwrap();
        s.create_session("s2", u, "c2", t(10), t(500)).unwrap();
        assert!(s.session("s1", t(49)).unwrap().is_some(), "{name}");
        assert_eq!(s.session("s1", t(50)).unwrap(), None, "{name}: expired at its expiry");
        // A session started at 60 deletes s1, expired then.
        s.create_session("s3", u, "c3", t(60), t(500)).unwrap();
        s.create_session("s4", u, "c4", t(60), t(500)).unwrap();
        assert!(s.set_password(u, "new", Some("s3")).unwrap(), "{name}");
        let live: Vec<bool> = ["s2", "s3", "s4"].iter().map(|h| s.session(h, t(61)).unwrap().is_some()).collect();
        assert_eq!(live, [false, true, false], "{name}");
        assert_eq!(s.user_by_id(u).unwrap().unwrap().password_hash, "new", "{name}");
        assert!(s.set_password(u, "newer", None).unwrap(), "{name}");
        assert_eq!(s.session("s3", t(61)).unwrap(), None, "{name}: without a session to keep, all end");
        assert!(!s.set_password(9_999, "x", None).unwrap(), "{name}");
        s.create_session("s5", u, "c5", t(70), t(500)).unwrap();
        s.delete_session("s5").unwrap();
        assert_eq!(s.session("s5", t(71)).unwrap(), None, "{name}");
    }
}

#[test]
fn tokens_work_until_they_expire_or_their_user_is_disabled() {
    for (name, mut s, _) in backends() {
        s.create_first_user("ada", "h", t(1)).unwrap();
        let ada = s.user_by_name("ada").unwrap().unwrap().id;
        let bob = s.create_user("bob", "h", "member", t(2)).unwrap();
        let t1 = s.create_token(bob, "ci", "hash1", "clt_ab", "read", t(10), Some(t(100))).unwrap();
        let t2 = s.create_token(ada, "laptop", "hash2", "clt_cd", "full", t(11), None).unwrap();
        let t3 = s.create_token(bob, "script", "hash3", "clt_ef", "full", t(12), None).unwrap();
        assert!(t1 < t2 && t2 < t3, "{name}");
        assert_eq!(s.token_user("hash1", t(99)).unwrap().map(|(u, scope)| (u.id, scope)), Some((bob, "read".into())));
        assert_eq!(s.token_user("hash1", t(100)).unwrap(), None, "{name}: expired");
        assert_eq!(s.token_user("nope", t(1)).unwrap(), None, "{name}");
        let of_bob: Vec<(i64, String)> = s.tokens_of(bob).unwrap().into_iter().map(|t| (t.id, t.name)).collect();
        assert_eq!(of_bob, [(t1, "ci".to_string()), (t3, "script".to_string())], "{name}");
        let all: Vec<(i64, String)> = s.all_tokens().unwrap().into_iter().map(|t| (t.id, t.username)).collect();
        assert_eq!(all, [(t1, "bob".into()), (t2, "ada".into()), (t3, "bob".into())], "{name}");
        let one = s.token(t2).unwrap().unwrap();
        assert_eq!((one.prefix.as_str(), one.scope.as_str(), one.expires_at), ("clt_cd", "full", None), "{name}");
        assert!(s.change_user(bob, UserChange::Disable(t(20))).unwrap(), "{name}");
        assert_eq!(s.token_user("hash3", t(21)).unwrap(), None, "{name}: a disabled user's token fails");
        assert!(s.delete_token(t2).unwrap(), "{name}");
        assert!(!s.delete_token(t2).unwrap(), "{name}");
        assert_eq!(s.token(t2).unwrap(), None, "{name}");
        // Deleting a user deletes their tokens.
        assert!(s.change_user(bob, UserChange::Delete).unwrap(), "{name}");
        assert_eq!(s.all_tokens().unwrap(), [], "{name}");
    }
}

#[test]
fn lists_keep_their_channels_in_order_and_outlive_their_author() {
    for (name, mut s, ids) in backends() {
        let chef = ids[0];
        let bob = s.create_user("bob", "h", "member", t(1)).unwrap();
        let summer = s.create_list("summer", Some(bob), t(10)).unwrap();
        let beta = s.create_list("Beta", None, t(11)).unwrap();
        let alpha = s.create_list("alpha", None, t(12)).unwrap();
        assert!(matches!(s.create_list("SUMMER", None, t(13)), Err(Error::Duplicate(_))), "{name}");
        let order: Vec<String> = s.lists().unwrap().into_iter().map(|l| l.name).collect();
        assert_eq!(order, ["alpha", "Beta", "summer"], "{name}: by name ignoring case");
        s.put_list_member(summer, chef, "first pick", Some(bob), t(20)).unwrap();
        // Again: the note changes, who added it and when stay.
        s.put_list_member(summer, chef, "confirmed", None, t(30)).unwrap();
        let members = s.list_members(summer).unwrap();
        assert_eq!(members.len(), 1, "{name}");
        let m = &members[0];
        // A follower count alone makes a channel without a profile.
        assert_eq!((m.channel.handle.as_str(), m.channel.followers), ("chef", None), "{name}");
        assert_eq!((m.note.as_str(), m.added_by.as_deref(), m.added_at), ("confirmed", Some("bob"), t(20)));
        let listed = s.list(summer).unwrap().unwrap();
        assert_eq!((listed.members, listed.created_by.as_deref()), (1, Some("bob")), "{name}");
        assert_eq!(s.list(beta).unwrap().unwrap().members, 0, "{name}");
        // The author goes; the list stays, without an author.
        s.create_first_user("ada", "h", t(2)).unwrap_or_default();
        s.change_user(bob, UserChange::Delete).unwrap();
        let listed = s.list(summer).unwrap().unwrap();
        assert_eq!(listed.created_by, None, "{name}");
        assert_eq!(s.list_members(summer).unwrap()[0].added_by, None, "{name}");
        assert!(s.delete_list_member(summer, chef).unwrap(), "{name}");
        assert!(!s.delete_list_member(summer, chef).unwrap(), "{name}");
        s.put_list_member(alpha, chef, "", None, t(40)).unwrap();
        assert!(s.delete_list(alpha).unwrap(), "{name}");
        assert!(!s.delete_list(alpha).unwrap(), "{name}");
        assert_eq!(s.list_members(alpha).unwrap(), [], "{name}: its entries went with it");
    }
}

#[test]
fn a_search_saved_again_under_the_same_name_replaces_it() {
    for (name, s, _) in backends() {
        let ada = s.create_user("ada", "h", "member", t(1)).unwrap();
        let fit = s.save_search("Fitness micro", "niche=fitness&tier=micro", Some(ada), t(10)).unwrap();
        let a = s.save_search("a vegan list", "niche=vegan", None, t(11)).unwrap();
        let again = s.save_search("FITNESS MICRO", "niche=fitness", None, t(12)).unwrap();
        assert_eq!(again, fit, "{name}: the same search, replaced");
        let rows: Vec<(i64, String, String, Option<String>, Timestamp)> = s
            .saved_searches()
            .unwrap()
            .into_iter()
            .map(|r| (r.id, r.name, r.query, r.created_by, r.created_at))
            .collect();
        assert_eq!(
            rows,
            [
                (a, "a vegan list".into(), "niche=vegan".into(), None, t(11)),
                (fit, "Fitness micro".into(), "niche=fitness".into(), None, t(12)),
            ],
            "{name}"
        );
        assert!(s.delete_saved_search(a).unwrap(), "{name}");
        assert!(!s.delete_saved_search(a).unwrap(), "{name}");
    }
}

/// Two nodes on one database: of two first-run forms submitted at once, one wins; of two
/// admins each demoting the other, one is refused.
#[test]
fn two_connections_racing_cannot_make_two_first_admins_or_remove_every_admin() {
    let mut url = String::new();
    for round in 0..8 {
        // A fresh database each round: the race is on an empty one.
        url = testing::database();
        let winners: Vec<bool> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..2)
                .map(|i| {
                    let url = url.clone();
                    scope.spawn(move || {
                        let mut s = PgStore::connect(&url).unwrap();
                        s.create_first_user(&format!("admin{round}x{i}"), "h", t(1)).unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(winners.iter().filter(|w| **w).count(), 1, "round {round}: {winners:?}");
    }
    let s = PgStore::connect(&url).unwrap();
    let first = s.users().unwrap()[0].id;
    let second = s.create_user("second", "h", "admin", t(2)).unwrap();
    let changed: Vec<bool> = std::thread::scope(|scope| {
        let handles: Vec<_> = [(first, second), (second, first)]
            .into_iter()
            .map(|(_, target)| {
                let url = url.clone();
                scope.spawn(move || {
                    PgStore::connect(&url).unwrap().change_user(target, UserChange::Disable(t(3))).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(changed.iter().filter(|c| **c).count(), 1, "{changed:?}");
    let active = s.users().unwrap().into_iter().filter(|u| u.role == "admin" && u.disabled_at.is_none()).count();
    assert_eq!(active, 1);
}

#[test]
fn a_database_from_a_newer_clout_is_refused_and_no_message_shows_the_password() {
    let url = testing::database();
    let s = PgStore::connect(&url).unwrap();
    assert_eq!(s.schema_version().unwrap(), crate::SCHEMA_VERSION);
    // Connecting again migrates nothing and keeps the data.
    s.create_user("ada", "h", "admin", t(1)).unwrap();
    drop(s);
    let s = PgStore::connect(&url).unwrap();
    assert_eq!(s.user_count().unwrap(), 1);
    s.execute("UPDATE clout_schema SET version = version + 1", &[]).unwrap();
    match PgStore::connect(&url) {
        Err(Error::TooNew { found, known, .. }) => assert_eq!((found, known), (crate::SCHEMA_VERSION + 1, 1)),
        other => panic!("{other:?}"),
    }
    // The same server with a password, and the port of nothing listening.
    let db = url.rsplit_once('/').unwrap().1;
    let wrong = format!("postgres://clout:s3cret-pw@127.0.0.1:1/{db}");
    let e = PgStore::connect(&wrong).unwrap_err().to_string();
    assert!(!e.contains("s3cret-pw") && e.contains("connecting to PostgreSQL at clout@127.0.0.1"), "{e}");
    let e = PgStore::connect("postgres://clout:s3cret-pw@host:notaport/db").unwrap_err().to_string();
    assert!(!e.contains("s3cret-pw") && e.contains("invalid PostgreSQL URL"), "{e}");
}

/// Two recomputes on one store (two nodes, or the server and `clout import`) take turns:
/// the second waits until the first lets go, on SQLite (a file lock in the data
/// directory) as on PostgreSQL (a session advisory lock).
#[test]
fn a_recompute_waits_until_another_connections_recompute_lets_go() {
    use std::time::{Duration, Instant};
    type Pair = (&'static str, Box<dyn clout_store::Backend>, Box<dyn clout_store::Backend>);
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::open(dir.path(), clout_store::Access::Write, "test").unwrap();
    let sqlite_other = Store::open(dir.path(), clout_store::Access::Write, "test").unwrap();
    let url = testing::database();
    let pg = PgStore::connect(&url).unwrap();
    let pg_other = PgStore::connect(&url).unwrap();
    let pairs: Vec<Pair> =
        vec![("sqlite", Box::new(sqlite), Box::new(sqlite_other)), ("postgres", Box::new(pg), Box::new(pg_other))];
    for (name, first, second) in pairs {
        let held = first.recompute_lock().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let _turn = second.recompute_lock().unwrap();
            tx.send(Instant::now()).unwrap();
        });
        assert!(
            rx.recv_timeout(Duration::from_millis(400)).is_err(),
            "{name}: the second went while the first held it"
        );
        let released = Instant::now();
        drop(held);
        let got = rx.recv_timeout(Duration::from_secs(10)).unwrap_or_else(|_| panic!("{name}: never got its turn"));
        assert!(got >= released, "{name}");
        waiter.join().unwrap();
        // Taken again once both let go.
        drop(first.recompute_lock().unwrap());
    }
}
