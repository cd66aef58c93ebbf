//! Profile pictures: `clout fetch` keeps each account's picture in the data directory,
//! downloaded only from the platform's own image hosts (here the replay, which serves the
//! pictures its answers name), not again while it is unchanged, and never at all with
//! `--no-pictures`; the web app shows it from there, so a page never calls the platform.

use clout_replay::bluesky::{self, World};
use serde_json::{Value, json};

use crate::server::{Server, admin};
use crate::util::Dir;

fn fetch(dir: &Dir, base: &str, extra: &[&str]) -> Value {
    let mut args = vec!["fetch", "bluesky", "fern-bakes.test", "quiet-loom.test", "bread-club.test"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--api-base", base, "--json", "--since-days", "100000"]);
    let out = dir.run(&args);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn a_fetch_keeps_profile_pictures_from_the_platforms_hosts_and_pages_serve_them_from_the_data_directory() {
    let mut world = World::fixtures();
    for account in &mut world.accounts {
        let handle = account["profile"]["handle"].as_str().unwrap_or_default().to_string();
        match handle.as_str() {
            // Taken down on the image host since the profile was read.
            "quiet-loom.test" => account["profile"]["avatar"] = json!("https://cdn.example.test/avatar/missing.jpg"),
            // On the image host, but redirected to an address no picture may come from:
            // the redirect is not followed.
            "bread-club.test" => {
                account["profile"]["avatar"] = json!("https://cdn.example.test/avatar/redirect-away.jpg")
            }
            // Redirected on the image host itself: followed.
            "fern-bakes.test" => {
                account["profile"]["avatar"] = json!("https://cdn.example.test/avatar/redirect-home.jpg")
            }
            _ => {}
        }
    }
    let server = bluesky::start(world);
    let dir = Dir::new();
    let report = fetch(&dir, &server.base, &[]);
    assert_eq!(
        (&report["pictures_downloaded"], &report["pictures_unchanged"], &report["pictures_failed"]),
        (&json!(1), &json!(0), &json!(2)),
        "{report}"
    );
    // A picture is cosmetic: the accounts whose picture failed are fetched all the same.
    assert!(report["accounts"].as_array().unwrap().iter().all(|a| a["status"] == "done"), "{report}");
    // One picture (fern-bakes's) and the URL it came from, named by a hash of the handle.
    let folder = dir.data().join("pictures").join("bluesky");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    let kept = files.iter().find(|p| p.extension().is_some_and(|e| e == "png")).expect("a PNG");
    assert_eq!(std::fs::read(kept).unwrap(), clout_replay::PNG, "the replay's PNG, byte for byte");
    let source = std::fs::read_to_string(kept.with_extension("url")).unwrap();
    assert!(
        source.starts_with(&server.base) && source.ends_with("/pictures/cdn.example.test/avatar/redirect-home.jpg"),
        "{source}"
    );
    assert_eq!(kept.file_stem().unwrap().len(), 64);

    // Fetched again: the same URL, so not downloaded again.
    let again = fetch(&dir, &server.base, &[]);
    assert_eq!((&again["pictures_downloaded"], &again["pictures_unchanged"]), (&json!(0), &json!(1)), "{again}");
    let without = fetch(&dir, &server.base, &["--no-pictures"]);
    assert_eq!(
        (&without["pictures_downloaded"], &without["pictures_unchanged"], &without["pictures_failed"]),
        (&json!(0), &json!(0), &json!(0))
    );
    let text =
        String::from_utf8_lossy(&dir.run(&["fetch", "bluesky", "fern-bakes.test", "--api-base", &server.base]).stdout)
            .into_owned();
    assert!(text.contains("profile pictures: 0 downloaded, 1 unchanged"), "{text}");
    drop(server);

    // The pages show it from the data directory, with the platform's server gone.
    let web = Server::start(dir);
    let client = admin(&web);
    let picture = client.get("/channels/bluesky/fern-bakes.test/picture");
    assert_eq!(picture.status, 200);
    assert_eq!(picture.header("content-type"), Some("image/png"));
    assert_eq!(picture.header("content-length"), Some(clout_replay::PNG.len().to_string().as_str()));
    assert_eq!(client.get("/channels/bluesky/quiet-loom.test/picture").status, 404);
    assert_eq!(client.get("/channels/nowhere/fern-bakes.test/picture").status, 404);
    let anonymous = crate::server::Client::anonymous(&web).get("/channels/bluesky/fern-bakes.test/picture");
    assert_eq!(anonymous.status, 303, "a picture is for signed-in users");
    let profile = client.get("/channels/bluesky/fern-bakes.test").body;
    assert!(profile.contains(r#"id="picture" src="/channels/bluesky/fern-bakes.test/picture""#), "{profile}");
    let directory = client.get("/directory?platform=bluesky").body;
    assert_eq!(directory.matches("/picture\"").count(), 1, "only the channel with a picture has one");
}
