//! Every page says when its numbers are stale: another process's import has written
//! observations that the metrics do not include yet. The notice shows while it runs and
//! goes once its recompute completes.

use std::time::{Duration, Instant};

use clout_app::{Access, App, ImportOptions, ImportProgress};

use crate::support::{Client, World, channel, now, shut_down, small_world};

/// The notice's words (templates/base.html).
const NOTICE: &str = "do not include its newest observations yet";

/// Waits for the server to follow the store (it looks every second) until `page` shows the
/// notice or not, as `wanted`.
fn until_notice(client: &Client, page: &str, wanted: bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = client.get(page).body.contains(NOTICE);
        if shown == wanted || Instant::now() > deadline {
            return shown;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Looks at the pages when the other process's first batch is committed, before its recompute.
struct LookWhileWriting<'a> {
    client: &'a Client,
    seen_during: Vec<bool>,
}

impl ImportProgress for LookWhileWriting<'_> {
    fn batch_committed(&mut self, _file: &str, _accepted: u64, _rejected: u64, in_run: u64) {
        if in_run == 1 {
            for page in ["/directory", "/channels/instagram/ada_cooks", "/lists"] {
                self.seen_during.push(until_notice(self.client, page, true));
            }
        }
    }
}

#[test]
fn pages_say_the_numbers_are_stale_while_another_process_imports_and_not_after() {
    let world = World::with(&small_world());
    let server = world.serve();
    let client = Client::signed_in(&server);
    assert!(!client.get("/directory").body.contains(NOTICE), "a fresh import's numbers are current");

    // `clout import` in another process, one record per transaction.
    let file = world.tmp.path().join("more.ndjson");
    let lines = [channel("instagram", "dee_draws", 3_000), channel("instagram", "eve_eats", 4_000)];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let mut other = App::open(world.app_config(), Access::Write, "clout import").unwrap();
    let options = ImportOptions {
        clock: now,
        strict: false,
        batch_size: 1,
        limits: Default::default(),
        max_decompressed_bytes: None,
        answers_observed_at: None,
        csv_map: None,
    };
    let mut look = LookWhileWriting { client: &client, seen_during: Vec::new() };
    other.import(&[file], &options, &mut look).unwrap();
    assert_eq!(look.seen_during, [true, true, true], "every page showed the notice while the import wrote");

    // Its recompute completed: the notice goes, and the Directory holds the new channels.
    assert!(!until_notice(&client, "/directory", false), "the notice stays after the recompute");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !client.get("/directory").body.contains("eve_eats") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(client.get("/directory").body.contains("eve_eats"), "the Directory follows the other process");
    shut_down(server);
}
