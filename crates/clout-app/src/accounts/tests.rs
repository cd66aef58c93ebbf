//! Accounts and lists against a real data directory.

use std::path::Path;

use clout_core::Timestamp;

use crate::{Access, Actor, App, Error, ImportOptions, Role, Silent, TokenScope, User};

const NOW: i64 = 1_795_176_000;

fn now() -> Timestamp {
    Timestamp::from_unix(NOW)
}

fn app(dir: &Path) -> App {
    App::open(crate::test_config(dir.join("data")), Access::Write, "test").unwrap()
}

#[test]
fn the_first_account_is_an_admin_and_setup_works_only_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    assert!(app.needs_setup().unwrap());
    let admin = app.setup_admin("ada", "correct horse battery", now()).unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert!(!app.needs_setup().unwrap());
    let again = app.setup_admin("eve", "another long password", now());
    assert!(matches!(again, Err(Error::Forbidden(_))), "{again:?}");
    assert_eq!(app.users().unwrap().len(), 1);
}

#[test]
fn passwords_are_stored_as_argon2id_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.setup_admin("ada", "correct horse battery", now()).unwrap();
    let stored = app.store.user_by_name("ada").unwrap().unwrap().password_hash;
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(!stored.contains("correct horse"));
    assert!(app.login("ada", "wrong password!!", now()).unwrap().is_none());
    assert!(app.login("nobody", "correct horse battery", now()).unwrap().is_none());
    // Names are case-insensitive, passwords are not.
    assert!(app.login("ADA", "Correct horse battery", now()).unwrap().is_none());
    let session = app.login("ADA", "correct horse battery", now()).unwrap().unwrap();
    assert_eq!(session.user.username, "ada");
    assert_eq!(session.token.len(), 64);
    assert_ne!(session.token, session.csrf);
}

#[test]
fn the_timing_decoy_hash_is_a_valid_argon2_hash() {
    // An unknown username must cost a full argon2 verification, like a wrong password.
    assert!(argon2::password_hash::phc::PasswordHash::new(super::DUMMY_HASH).is_ok());
}

#[test]
fn short_passwords_and_odd_usernames_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    assert!(matches!(app.setup_admin("ada", "short", now()), Err(Error::Invalid(_))));
    assert!(matches!(app.setup_admin("a d a", "correct horse battery", now()), Err(Error::Invalid(_))));
    assert!(matches!(app.setup_admin("<script>", "correct horse battery", now()), Err(Error::Invalid(_))));
    assert!(app.needs_setup().unwrap());
}

#[test]
fn sessions_expire_and_end_at_logout_and_only_their_hash_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.setup_admin("ada", "correct horse battery", now()).unwrap();
    let s = app.login("ada", "correct horse battery", now()).unwrap().unwrap();
    let (user, csrf) = app.session_user(&s.token, now()).unwrap().unwrap();
    assert_eq!((user.username.as_str(), csrf.as_str()), ("ada", s.csrf.as_str()));
    // The store never sees the token itself.
    assert!(app.store.session(&s.token, now()).unwrap().is_none());
    let later = Timestamp::from_unix(NOW + crate::SESSION_SECONDS);
    assert!(app.session_user(&s.token, later).unwrap().is_none(), "a session lasts SESSION_SECONDS");
    app.logout(&s.token).unwrap();
    assert!(app.session_user(&s.token, now()).unwrap().is_none());
}

#[test]
fn viewers_cannot_change_anything_and_members_cannot_manage_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let admin = app.setup_admin("ada", "correct horse battery", now()).unwrap();
    let viewer = app.create_user(Actor::User(&admin), "vic", "viewer password 1", Role::Viewer, now()).unwrap();
    let member = app.create_user(Actor::User(&admin), "max", "member password 1", Role::Member, now()).unwrap();
    assert!(matches!(app.create_list(&viewer, "mine", now()), Err(Error::Forbidden(_))));
    assert!(matches!(app.create_token(&viewer, "script", TokenScope::Full, None, now()), Err(Error::Forbidden(_))));
    assert!(matches!(
        app.create_user(Actor::User(&member), "eve", "another password", Role::Admin, now()),
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        app.create_user(Actor::User(&admin), "MAX", "another password", Role::Viewer, now()),
        Err(Error::Exists(_))
    ));
    let list = app.create_list(&member, "Spring launch", now()).unwrap();
    assert!(matches!(app.delete_list(&viewer, list.id), Err(Error::Forbidden(_))));
}

#[test]
fn api_tokens_are_shown_once_stored_hashed_and_revocable() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let admin = app.setup_admin("ada", "correct horse battery", now()).unwrap();
    let (row, secret) = app.create_token(&admin, "nightly", TokenScope::Full, None, now()).unwrap();
    assert!(secret.starts_with("clout_") && secret.len() == 6 + 64, "{secret}");
    assert!(secret.starts_with(&row.prefix));
    assert_eq!(app.token_user(&secret, now()).unwrap().unwrap().username, "ada");
    assert!(app.store.token_user(&secret, now()).unwrap().is_none(), "the store holds only the hash");
    assert_eq!(app.tokens(&admin).unwrap().len(), 1);
    app.revoke_token(Actor::User(&admin), row.id).unwrap();
    assert!(app.token_user(&secret, now()).unwrap().is_none());
    assert!(matches!(app.revoke_token(Actor::User(&admin), row.id), Err(Error::NotFound(_))));
}

#[test]
fn lists_keep_channels_with_notes_and_export_them_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let admin = app.setup_admin("ada", "correct horse battery", now()).unwrap();
    let input = dir.path().join("in.ndjson");
    std::fs::write(
        &input,
        concat!(
            r#"{"kind":"channel","platform":"instagram","handle":"veganvibes","followers":12500,"observed_at":1795176000,"name":"Vegan, \"Vibes\"","country":"AU"}"#,
            "\n",
            r#"{"kind":"channel","platform":"tiktok","handle":"plantchef","followers":3000,"observed_at":1795176000}"#,
            "\n"
        ),
    )
    .unwrap();
    app.import(
        &[input],
        &ImportOptions {
            clock: now,
            strict: false,
            batch_size: 10,
            limits: Default::default(),
            max_decompressed_bytes: None,
            answers_observed_at: None,
            csv_map: None,
        },
        &mut Silent,
    )
    .unwrap();
    let list = app.create_list(&admin, "Spring launch", now()).unwrap();
    assert!(matches!(app.create_list(&admin, "spring LAUNCH", now()), Err(Error::Exists(_))));
    app.add_to_list(&admin, list.id, "instagram/@VeganVibes", "asked for rates", now()).unwrap();
    app.add_to_list(&admin, list.id, "tiktok/plantchef", "", now()).unwrap();
    // Adding again replaces the note, it does not duplicate the channel.
    app.add_to_list(&admin, list.id, "instagram/veganvibes", "quoted $120", now()).unwrap();
    assert!(matches!(app.add_to_list(&admin, list.id, "instagram/nobody", "", now()), Err(Error::NotFound(_))));
    assert!(matches!(app.add_to_list(&admin, 999, "instagram/veganvibes", "", now()), Err(Error::NotFound(_))));
    let (row, entries) = app.list(list.id, clout_core::TierPreset::Scrunch).unwrap();
    assert_eq!(row.members, 2);
    assert_eq!(entries[0].channel.row.handle, "veganvibes");
    assert_eq!(entries[0].note, "quoted $120");
    let csv = app.list_csv(list.id).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    let get =
        |r: &csv::StringRecord, name: &str| r.get(headers.iter().position(|h| h == name).unwrap()).unwrap().to_string();
    assert_eq!(get(&rows[0], "name"), "Vegan, \"Vibes\"", "commas and quotes survive the CSV");
    assert_eq!(get(&rows[0], "followers"), "12500");
    assert_eq!(get(&rows[0], "tier"), "micro");
    assert_eq!(get(&rows[0], "note"), "quoted $120");
    assert_eq!(get(&rows[0], "added_by"), "ada");
    assert_eq!(get(&rows[1], "platform"), "tiktok");
    app.remove_from_list(&admin, list.id, "tiktok/plantchef").unwrap();
    assert_eq!(app.list(list.id, clout_core::TierPreset::Scrunch).unwrap().1.len(), 1);
    app.delete_list(&admin, list.id).unwrap();
    assert!(matches!(app.list(list.id, clout_core::TierPreset::Scrunch), Err(Error::NotFound(_))));
}

fn invalid_message<T: std::fmt::Debug>(r: crate::Result<T>) -> String {
    match r {
        Err(Error::Invalid(m)) => m,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn common_and_patterned_passwords_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    for weak in ["1234567890", "password12"] {
        let m = invalid_message(app.setup_admin("ada", weak, now()));
        assert!(m.contains("most common passwords"), "{weak}: {m}");
    }
    for weak in ["password1234", "Password1234!", "qwertyuiop12", "Dragon2024!!"] {
        let m = invalid_message(app.setup_admin("ada", weak, now()));
        assert!(m.contains("common"), "{weak}: {m}");
    }
    for pattern in ["zzzzzzzzzzzzzz", "xyzxyzxyzxyzxyz", "12893476502913", "abcdefghijklmno", "9876543210987"] {
        let m = invalid_message(app.setup_admin("ada", pattern, now()));
        assert!(m.contains("guessed quickly"), "{pattern}: {m}");
    }
    let m = invalid_message(app.setup_admin("ada", "tulip kayak", now()));
    assert_eq!(m, format!("a password needs at least {} characters", crate::MIN_PASSWORD_CHARS));
    assert!(app.needs_setup().unwrap());
    for fine in ["correct horse battery", "plant based tacos on sundays"] {
        assert_eq!(crate::password_weakness(fine), None, "{fine}");
    }
    app.setup_admin("ada", "plant based tacos on sundays", now()).unwrap();
}

fn people(app: &mut App) -> (User, User, User) {
    let admin = app.setup_admin("ada", "correct horse battery", now()).unwrap();
    let member = app.create_user(Actor::User(&admin), "max", "member password 1", Role::Member, now()).unwrap();
    let viewer = app.create_user(Actor::User(&admin), "vic", "viewer password 1", Role::Viewer, now()).unwrap();
    (admin, member, viewer)
}

#[test]
fn changing_ones_password_needs_the_current_one_and_ends_the_other_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let (_, _, viewer) = people(&mut app);
    let here = app.login("vic", "viewer password 1", now()).unwrap().unwrap();
    let elsewhere = app.login("vic", "viewer password 1", now()).unwrap().unwrap();
    // A wrong current password is refused as forbidden: the request is well formed.
    match app.change_password(&viewer, "not my password", "a brand new secret", Some(&here.token)) {
        Err(Error::Forbidden(m)) => assert_eq!(m, "the current password is wrong"),
        other => panic!("expected Forbidden, got {other:?}"),
    }
    let m = invalid_message(app.change_password(&viewer, "viewer password 1", "password12", Some(&here.token)));
    assert!(m.contains("common"), "{m}");
    // A viewer may change their own password.
    app.change_password(&viewer, "viewer password 1", "a brand new secret", Some(&here.token)).unwrap();
    assert!(app.session_user(&here.token, now()).unwrap().is_some(), "the session that changed it stays");
    assert!(app.session_user(&elsewhere.token, now()).unwrap().is_none(), "every other session ends");
    assert!(app.login("vic", "viewer password 1", now()).unwrap().is_none());
    assert!(app.login("vic", "a brand new secret", now()).unwrap().is_some());
}

#[test]
fn an_admin_resets_disables_enables_deletes_and_changes_roles() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let (admin, member, _) = people(&mut app);
    let by = Actor::User(&admin);
    let session = app.login("max", "member password 1", now()).unwrap().unwrap();
    let (_, token) = app.create_token(&member, "script", TokenScope::Full, None, now()).unwrap();

    app.reset_password(by, "max", "reset by the admin").unwrap();
    assert!(app.session_user(&session.token, now()).unwrap().is_none(), "a reset ends the sessions");
    assert!(app.login("max", "member password 1", now()).unwrap().is_none());
    let session = app.login("max", "reset by the admin", now()).unwrap().unwrap();

    let disabled = app.disable_user(by, "MAX", now()).unwrap();
    assert!(disabled.disabled);
    assert!(app.session_user(&session.token, now()).unwrap().is_none(), "disabling ends the sessions");
    assert!(app.token_user(&token, now()).unwrap().is_none(), "a disabled user's tokens fail");
    assert!(app.login("max", "reset by the admin", now()).unwrap().is_none(), "and they cannot sign in");
    assert!(app.users().unwrap().iter().any(|u| u.username == "max" && u.disabled));
    app.enable_user(by, "max").unwrap();
    assert!(app.token_user(&token, now()).unwrap().is_some());
    assert!(app.login("max", "reset by the admin", now()).unwrap().is_some());

    assert_eq!(app.set_role(by, "max", Role::Viewer).unwrap().role, Role::Viewer);
    let max = app.token_user(&token, now()).unwrap().unwrap();
    assert!(matches!(app.create_list(&max, "now a viewer", now()), Err(Error::Forbidden(_))));

    app.delete_user(by, "max").unwrap();
    assert!(app.token_user(&token, now()).unwrap().is_none(), "a deleted user's tokens fail");
    assert!(matches!(app.delete_user(by, "max"), Err(Error::NotFound(_))));
    assert!(app.users().unwrap().iter().all(|u| u.username != "max"));
}

#[test]
fn the_last_active_admin_stays_an_admin() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let (admin, member, _) = people(&mut app);
    let by = Actor::User(&admin);
    for r in [
        app.disable_user(by, "ada", now()).map(|_| ()),
        app.delete_user(by, "ada"),
        app.set_role(by, "ada", Role::Member).map(|_| ()),
        app.delete_user(Actor::Operator("root"), "ada"),
    ] {
        match r {
            Err(Error::Conflict(m)) => assert!(m.contains("last active admin"), "{m}"),
            other => panic!("expected a conflict, got {other:?}"),
        }
    }
    // A member cannot manage accounts at all.
    assert!(matches!(app.set_role(Actor::User(&member), "max", Role::Admin), Err(Error::Forbidden(_))));
    // With a second admin, the first may step down; a disabled admin does not count.
    app.set_role(by, "max", Role::Admin).unwrap();
    app.disable_user(by, "max", now()).unwrap();
    assert!(matches!(app.set_role(by, "ada", Role::Viewer), Err(Error::Conflict(_))));
    app.enable_user(by, "max").unwrap();
    app.set_role(by, "ada", Role::Viewer).unwrap();
    assert_eq!(app.users().unwrap().iter().filter(|u| u.role == Role::Admin).count(), 1);
}

#[test]
fn tokens_expire_and_read_only_tokens_never_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let (admin, member, viewer) = people(&mut app);
    let (row, week) = app.create_token(&member, "a week", TokenScope::Full, Some(7), now()).unwrap();
    assert_eq!(row.expires_at, Some(Timestamp::from_unix(NOW + 7 * 86_400)));
    let day_six = Timestamp::from_unix(NOW + 6 * 86_400);
    let day_seven = Timestamp::from_unix(NOW + 7 * 86_400);
    assert!(app.token_user(&week, day_six).unwrap().is_some());
    assert!(app.token_user(&week, day_seven).unwrap().is_none(), "an expired token fails");
    assert!(matches!(app.create_token(&member, "x", TokenScope::Full, Some(0), now()), Err(Error::Invalid(_))));

    // A viewer may create a read-only token, not a full one.
    let refused = app.create_token(&viewer, "dash", TokenScope::Full, None, now());
    assert!(matches!(&refused, Err(Error::Forbidden(m)) if m.contains("read-only")), "{refused:?}");
    let (_, viewer_token) = app.create_token(&viewer, "dash", TokenScope::Read, None, now()).unwrap();
    assert!(app.token_user(&viewer_token, now()).unwrap().unwrap().read_only);

    // An admin's read-only token reads, and writes nothing.
    let (_, ro) = app.create_token(&admin, "reporting", TokenScope::Read, None, now()).unwrap();
    let ro_admin = app.token_user(&ro, now()).unwrap().unwrap();
    assert!(ro_admin.read_only && ro_admin.role == Role::Admin);
    assert!(matches!(app.create_list(&ro_admin, "nope", now()), Err(Error::Forbidden(_))));
    assert!(matches!(app.create_token(&ro_admin, "more", TokenScope::Read, None, now()), Err(Error::Forbidden(_))));
    assert!(matches!(app.disable_user(Actor::User(&ro_admin), "max", now()), Err(Error::Forbidden(_))));
    assert!(matches!(
        app.add_creator_note(Actor::User(&ro_admin), "instagram/anyone", "a note", now()),
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(app.revoke_token(Actor::User(&ro_admin), row.id), Err(Error::Forbidden(_))));
    assert_eq!(app.all_tokens(Actor::User(&ro_admin)).unwrap().len(), 3, "reading every token is a read");
}

#[test]
fn users_see_and_revoke_their_own_tokens_and_admins_anyones() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let (admin, member, viewer) = people(&mut app);
    let (mine, _) = app.create_token(&member, "mine", TokenScope::Full, None, now()).unwrap();
    let (theirs, _) = app.create_token(&viewer, "theirs", TokenScope::Read, Some(30), now()).unwrap();
    let listed = app.tokens(&member).unwrap();
    assert_eq!(listed.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["mine"]);
    assert!(matches!(app.all_tokens(Actor::User(&member)), Err(Error::Forbidden(_))));
    let all = app.all_tokens(Actor::User(&admin)).unwrap();
    assert_eq!(
        all.iter().map(|t| (t.username.as_str(), t.scope.as_str())).collect::<Vec<_>>(),
        [("max", "full"), ("vic", "read")]
    );
    // Another's token is not there for a member.
    assert!(matches!(app.revoke_token(Actor::User(&member), theirs.id), Err(Error::NotFound(_))));
    app.revoke_token(Actor::User(&viewer), theirs.id).unwrap();
    app.revoke_token(Actor::User(&admin), mine.id).unwrap();
    assert!(app.all_tokens(Actor::Operator("root")).unwrap().is_empty());
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

#[test]
fn a_share_link_opens_its_campaign_until_it_expires_or_is_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let (admin, member, viewer) = people(&mut app);
    let c = app.create_campaign(Actor::User(&admin), &brief("Spring"), &[], None, now()).unwrap();
    let other = app.create_campaign(Actor::User(&admin), &brief("Autumn"), &[], None, now()).unwrap();
    // A viewer may not hand out the report; a member may.
    assert!(matches!(app.create_share(&viewer, c.id, 30, now()), Err(Error::Forbidden(_))));
    let (row, secret) = app.create_share(&member, c.id, 7, now()).unwrap();
    assert_eq!(row.expires_at, Timestamp::from_unix(NOW + 7 * 86_400));
    assert_eq!(row.created_by.as_deref(), Some("max"));
    assert!(secret.len() >= 64 && secret.starts_with(&row.prefix));
    assert_eq!(row.prefix.len(), 8, "only a few characters of the secret are kept, to tell links apart");
    assert_eq!(app.shared_campaign(&secret, now()).unwrap(), Some(c.id));
    // One second before it expires it opens; at its expiry it does not.
    assert_eq!(app.shared_campaign(&secret, Timestamp::from_unix(NOW + 7 * 86_400 - 1)).unwrap(), Some(c.id));
    assert_eq!(app.shared_campaign(&secret, Timestamp::from_unix(NOW + 7 * 86_400)).unwrap(), None);
    // A wrong or empty secret opens nothing.
    assert_eq!(app.shared_campaign("", now()).unwrap(), None);
    assert_eq!(app.shared_campaign(&secret.replace('a', "b").replace('1', "2"), now()).unwrap(), None);
    // Revoked: closed at once; revoking twice, or through another campaign, is refused.
    assert!(matches!(app.revoke_share(&admin, other.id, row.id, now()), Err(Error::NotFound(_))));
    app.revoke_share(&admin, c.id, row.id, now()).unwrap();
    assert_eq!(app.shared_campaign(&secret, now()).unwrap(), None);
    assert!(matches!(app.revoke_share(&admin, c.id, row.id, now()), Err(Error::NotFound(_))));
    let listed = app.shares(c.id).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].revoked_at, Some(now()));
    // Out-of-range lifetimes and unknown campaigns are refused.
    assert!(matches!(app.create_share(&admin, c.id, 0, now()), Err(Error::Invalid(_))));
    assert!(matches!(app.create_share(&admin, c.id, 366, now()), Err(Error::Invalid(_))));
    assert!(matches!(app.create_share(&admin, 999, 30, now()), Err(Error::NotFound(_))));
    // Deleting the campaign deletes its links.
    let (_, live) = app.create_share(&admin, other.id, 30, now()).unwrap();
    app.delete_campaign(Actor::User(&admin), &other.id.to_string()).unwrap();
    assert_eq!(app.shared_campaign(&live, now()).unwrap(), None);
    assert!(app.shares(other.id).unwrap().is_empty());
}

#[test]
fn saved_searches_are_the_teams_named_queries_and_a_name_saved_again_is_updated() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let (admin, member, viewer) = people(&mut app);
    let s = app
        .save_search(&member, "  Micro fitness UK ", "niche=fitness&tier=micro&offset=40&country=GB&q=", now())
        .unwrap();
    // Trimmed; the page and empty fields are not part of a search.
    assert_eq!((s.name.as_str(), s.query.as_str()), ("Micro fitness UK", "niche=fitness&tier=micro&country=GB"));
    assert_eq!(s.created_by.as_deref(), Some("max"));
    // Values are kept exactly, encoded.
    let t = app.save_search(&admin, "vegan", "q=%22plant+based%22+%23vegan", now()).unwrap();
    assert_eq!(t.query, "q=%22plant+based%22+%23vegan");
    // The same name (any case) replaces the search: the query is now the admin's.
    let again = app.save_search(&admin, "MICRO fitness uk", "niche=fitness&tier=nano", now()).unwrap();
    assert_eq!(
        (again.id, again.query.as_str(), again.created_by.as_deref()),
        (s.id, "niche=fitness&tier=nano", Some("ada"))
    );
    let names: Vec<String> = app.saved_searches().unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Micro fitness UK", "vegan"]);
    // Viewers read them but cannot save or delete.
    assert!(matches!(app.save_search(&viewer, "x", "tier=micro", now()), Err(Error::Forbidden(_))));
    assert!(matches!(app.delete_saved_search(&viewer, s.id), Err(Error::Forbidden(_))));
    assert!(matches!(app.save_search(&admin, " ", "tier=micro", now()), Err(Error::Invalid(_))));
    app.delete_saved_search(&member, s.id).unwrap();
    assert!(matches!(app.delete_saved_search(&member, s.id), Err(Error::NotFound(_))));
    assert_eq!(app.saved_searches().unwrap().len(), 1);
}

#[test]
fn a_users_timezone_is_an_iana_name_spelt_canonically_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let (admin, _, viewer) = people(&mut app);
    assert_eq!(app.set_timezone(&admin, "europe/berlin").unwrap().as_deref(), Some("Europe/Berlin"));
    assert!(matches!(app.set_timezone(&admin, "Mars/Olympus"), Err(Error::Invalid(_))));
    // A viewer chooses their own timezone too: it changes no shared data.
    assert_eq!(app.set_timezone(&viewer, "America/New_York").unwrap().as_deref(), Some("America/New_York"));
    let session = app.login("ada", "correct horse battery", now()).unwrap().unwrap();
    let (user, _) = app.session_user(&session.token, now()).unwrap().unwrap();
    assert_eq!(user.timezone.as_deref(), Some("Europe/Berlin"));
    // Empty: back to UTC.
    assert_eq!(app.set_timezone(&admin, "").unwrap(), None);
    let (user, _) = app.session_user(&session.token, now()).unwrap().unwrap();
    assert_eq!(user.timezone, None);
}
