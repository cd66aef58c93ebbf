//! The Sources page of a real `clout serve`: channels added by handle or URL and a
//! discovery run in the background against the local replay AppView, their progress and
//! reports on the page, the CLI's errors word for word, and viewers kept out.

use clout_replay::bluesky::{self, World};

use crate::accounts::form;
use crate::server::{Client, Server, admin, user};
use crate::util::Dir;

/// The Sources page once no fetch is running any more.
fn settled(client: &Client) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let page = client.get("/sources");
        assert_eq!(page.status, 200, "{}", page.body);
        if !page.body.contains("running…") {
            return page.body;
        }
        assert!(std::time::Instant::now() < deadline, "a fetch never finished:\n{}", page.body);
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn the_sources_page_fetches_and_discovers_in_the_background_and_says_what_the_cli_says() {
    let replay = bluesky::start(bluesky::with_follower_accounts(World::fixtures()));
    let server = Server::start_with(
        Dir::new(),
        &[],
        &[("CLOUT_BLUESKY_API", &replay.base), ("CLOUT_YOUTUBE_API_KEY", ""), ("CLOUT_CREDENTIALS", "/nonexistent")],
    );
    let client = admin(&server);
    let page = client.get("/sources");
    assert!(page.body.contains("Add channels") && page.body.contains("no API key"), "{}", page.body);
    assert!(page.body.contains("No account fetched yet."));

    let r = form(
        &client,
        "/sources/fetch",
        &[("platform", "bluesky"), ("accounts", "https://bsky.app/profile/fern-bakes.test\nnobody.test")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = settled(&client);
    assert!(
        page.contains("fetch bluesky: https:&#x2f;&#x2f;bsky.app&#x2f;profile&#x2f;fern-bakes.test, nobody.test"),
        "{page}"
    );
    assert!(page.contains("<td>read</td>"), "{page}");
    assert!(!page.contains("quota left"), "Bluesky has no quota: {page}");
    assert!(page.contains(r#"<a href="/channels/bluesky/fern-bakes.test">@fern-bakes.test</a>"#), "{page}");
    assert!(page.contains("not found") && page.contains("no Bluesky account is nobody.test"), "{page}");
    assert!(page.contains("15 records kept"), "{page}");
    assert!(page.contains("<h2>Kept fresh</h2>") && page.contains("today"), "{page}");
    // The channel is in the Directory.
    assert!(client.get("/directory").body.contains(">@fern-bakes.test<"));

    // The CLI's errors, word for word: YouTube without a key.
    form(&client, "/sources/fetch", &[("platform", "youtube"), ("accounts", "@loomandlathe")]);
    let page = settled(&client);
    assert!(page.contains("YouTube needs an API key: set CLOUT_YOUTUBE_API_KEY"), "{page}");

    // A discovery by whom a seed follows, kept to micro accounts.
    let r = form(
        &client,
        "/sources/discover",
        &[("platform", "bluesky"), ("via_follows", "bread-club.test"), ("min_followers", "2,500"), ("limit", "10")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = settled(&client);
    assert!(page.contains("discover bluesky: accounts bread-club.test follows"), "{page}");
    assert!(page.contains("outside the follower range"), "quiet-loom has 2,400 followers: {page}");

    // A viewer reads the page but cannot start a fetch.
    let viewer = user(&server, &client, "vic", "viewer");
    assert!(viewer.get("/sources").body.contains("Viewers cannot start fetches"));
    let r = form(&viewer, "/sources/fetch", &[("platform", "bluesky"), ("accounts", "fern-bakes.test")]);
    assert_eq!(r.status, 403, "{}", r.body);
}
