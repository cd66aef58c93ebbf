//! Accounts and lists against a real data directory.

use std::path::Path;

use clout_core::Timestamp;

use crate::{Access, App, AppConfig, Error, ImportOptions, Role, Silent};

const NOW: i64 = 1_795_176_000;

fn now() -> Timestamp {
    Timestamp::from_unix(NOW)
}

fn app(dir: &Path) -> App {
    App::open(AppConfig { data_dir: dir.join("data"), niches_file: None, rate_card_file: None }, Access::Write, "test")
        .unwrap()
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
    let viewer = app.create_user(&admin, "vic", "viewer password 1", Role::Viewer, now()).unwrap();
    let member = app.create_user(&admin, "max", "member password 1", Role::Member, now()).unwrap();
    assert!(matches!(app.create_list(&viewer, "mine", now()), Err(Error::Forbidden(_))));
    assert!(matches!(app.create_token(&viewer, "script", now()), Err(Error::Forbidden(_))));
    assert!(matches!(
        app.create_user(&member, "eve", "another password", Role::Admin, now()),
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(app.create_user(&admin, "MAX", "another password", Role::Viewer, now()), Err(Error::Exists(_))));
    let list = app.create_list(&member, "Spring launch", now()).unwrap();
    assert!(matches!(app.delete_list(&viewer, list.id), Err(Error::Forbidden(_))));
}

#[test]
fn api_tokens_are_shown_once_stored_hashed_and_revocable() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let admin = app.setup_admin("ada", "correct horse battery", now()).unwrap();
    let (row, secret) = app.create_token(&admin, "nightly", now()).unwrap();
    assert!(secret.starts_with("clout_") && secret.len() == 6 + 64, "{secret}");
    assert!(secret.starts_with(&row.prefix));
    assert_eq!(app.token_user(&secret).unwrap().unwrap().username, "ada");
    assert!(app.store.token_user(&secret).unwrap().is_none(), "the store holds only the hash");
    assert_eq!(app.tokens(&admin).unwrap().len(), 1);
    app.revoke_token(&admin, row.id).unwrap();
    assert!(app.token_user(&secret).unwrap().is_none());
    assert!(matches!(app.revoke_token(&admin, row.id), Err(Error::NotFound(_))));
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
