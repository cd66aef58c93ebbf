//! `clout posts search`, `GET /api/v1/posts` and the Directory's "posted about" filter on
//! hand-made posts; every expected hit was worked out by reading the posts below.

use serde_json::Value;

use crate::server::{Server, admin};
use crate::util::{AS_OF, DAY, Dir};

/// One post: (id, days before AS_OF, caption, hashtags, mentions, sponsored, likes, comments, shares).
type P = (&'static str, i64, &'static str, &'static str, &'static str, bool, u64, u64, u64);

fn post_line(platform: &str, handle: &str, p: &P, observed: i64) -> String {
    let (id, days, caption, tags, mentions, sponsored, likes, comments, shares) = *p;
    format!(
        r#"{{"kind":"post","platform":"{platform}","handle":"{handle}","post_id":"{id}","published_at":{},"observed_at":{observed},"caption":"{caption}","hashtags":[{tags}],"mentions":[{mentions}],"sponsored":{sponsored},"likes":{likes},"comments":{comments},"shares":{shares}}}"#,
        AS_OF - days * DAY
    )
}

/// lifter (instagram, 10,000), runner (tiktok, 4,000), baker (instagram, 20,000). Brands:
/// @fitfuel in a3 (sponsored, a mention) and b2 (organic, in the caption); #brewhaus in c3.
fn world(dir: &Dir) {
    let channels: [(&str, &str, u64, &[P]); 3] = [
        (
            "instagram",
            "lifter",
            10_000,
            &[
                ("a1", 40, "Creatine every morning before my workouts #gym", "", "", false, 100, 10, 0),
                ("a2", 20, "Leg day. No supplements today", "", "", false, 50, 0, 0),
                ("a3", 5, "Switched my creatine brand, thanks", "", r#""fitfuel""#, true, 300, 20, 10),
            ],
        ),
        (
            "tiktok",
            "runner",
            4_000,
            &[
                ("b1", 10, "Morning run then a creatine shake", "", "", false, 40, 4, 0),
                ("b2", 3, "Race day! Fuelled by @FitFuel", r#""marathon""#, "", false, 80, 0, 0),
            ],
        ),
        (
            "instagram",
            "baker",
            20_000,
            &[
                ("c1", 30, "Sourdough loaf with seeds", r#""bread""#, "", false, 500, 0, 0),
                ("c2", 1, "creatine cookies? creatine brownies!", "", "", false, 200, 0, 0),
                ("c3", 8, "Brunch with friends", r#""brewhaus""#, "", false, 100, 0, 0),
            ],
        ),
    ];
    let mut lines = Vec::new();
    for (platform, handle, followers, posts) in channels {
        lines.push(format!(
            r#"{{"kind":"channel","platform":"{platform}","handle":"{handle}","followers":{followers},"observed_at":{AS_OF}}}"#
        ));
        lines.extend(posts.iter().map(|p| post_line(platform, handle, p, AS_OF)));
    }
    dir.write("posts.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "posts.ndjson"]);
}

fn search(dir: &Dir, args: &[&str]) -> Value {
    let mut all = vec!["posts", "search", "--json"];
    all.extend_from_slice(args);
    dir.json_lines(&all).remove(0)
}

fn ids(page: &Value) -> Vec<String> {
    page["posts"].as_array().unwrap().iter().map(|p| p["post_id"].as_str().unwrap().to_string()).collect()
}

fn channels(dir: &Dir, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search", "--json", "--sort", "followers"];
    all.extend_from_slice(args);
    dir.json_lines(&all).iter().filter_map(|o| o["handle"].as_str().map(str::to_string)).collect()
}

#[test]
fn post_search_finds_words_phrases_hashtags_and_mentions_within_dates_platforms_and_sponsorship() {
    let dir = Dir::new();
    world(&dir);
    // "creatine" is in a1, a3, b1 and c2; newest first: c2 (1 day before), a3 (5), b1 (10), a1 (40).
    let page = search(&dir, &["creatine", "--newest"]);
    assert_eq!(ids(&page), ["c2", "a3", "b1", "a1"]);
    assert_eq!((page["total"].as_u64(), page["complete"].as_bool()), (Some(4), Some(true)));
    // a3: 300 + 20 + 10 engagements, per 100 of lifter's 10,000 followers: 3.3.
    let a3 = &page["posts"][1];
    assert_eq!((a3["handle"].as_str(), a3["platform"].as_str()), (Some("lifter"), Some("instagram")));
    assert_eq!((a3["engagements"].as_u64(), a3["engagement_rate"].as_f64()), (Some(330), Some(3.3)));
    assert_eq!((a3["sponsored"].as_bool(), a3["mentions"][0].as_str()), (Some(true), Some("fitfuel")));
    // AS_OF is 2026-11-20 12:00 UTC: since 2026-11-12 leaves c2 (11-19) and a3 (11-15);
    // until then leaves b1 (11-10) and a1 (10-11).
    assert_eq!(ids(&search(&dir, &["creatine", "--newest", "--since", "2026-11-12"])), ["c2", "a3"]);
    assert_eq!(ids(&search(&dir, &["creatine", "--newest", "--until", "2026-11-12"])), ["b1", "a1"]);
    assert_eq!(ids(&search(&dir, &["creatine", "--platform", "tiktok"])), ["b1"]);
    assert_eq!(ids(&search(&dir, &["creatine", "--sponsored", "true"])), ["a3"]);
    assert_eq!(search(&dir, &["creatine", "--sponsored", "false"])["total"], 3);
    // @fitfuel: a3 names it among its mentions, b2 in its caption (as @FitFuel).
    assert_eq!(ids(&search(&dir, &["@fitfuel", "--newest"])), ["b2", "a3"]);
    // #gym is written in a1's caption; #marathon is b2's hashtag; a phrase is side by side.
    assert_eq!(ids(&search(&dir, &["#gym"])), ["a1"]);
    assert_eq!(ids(&search(&dir, &["#marathon"])), ["b2"]);
    assert_eq!(ids(&search(&dir, &["\"creatine shake\""])), ["b1"]);
    // Stemming: "workout" finds a1's "workouts"; a page past the first keeps the total.
    assert_eq!(ids(&search(&dir, &["workout"])), ["a1"]);
    let second = search(&dir, &["creatine", "--newest", "--limit", "2", "--offset", "2"]);
    assert_eq!((ids(&second), second["total"].as_u64()), (vec!["b1".to_string(), "a1".to_string()], Some(4)));
    // For people: a table with the channel, the count and the caption.
    let table = dir.stdout(&["posts", "search", "creatine", "--sponsored", "true"]);
    assert!(table.contains("instagram/lifter") && table.contains("Switched my creatine brand"), "{table}");
    assert!(table.contains("1 of 1 matching posts"), "{table}");
    // Refusals name the flag.
    let refused = dir.run(&["posts", "search", "creatine", "--since", "lately"]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && err.contains("--since: 'lately' is not a date"), "{err}");
}

#[test]
fn the_directory_keeps_channels_that_posted_about_something_often_enough_lately() {
    let dir = Dir::new();
    world(&dir);
    // Posts about creatine: lifter 2 (a1, a3), runner 1 (b1), baker 1 (c2). By followers.
    assert_eq!(channels(&dir, &["--posted", "creatine"]), ["baker", "lifter", "runner"]);
    assert_eq!(channels(&dir, &["--posted", "creatine", "--posted-min", "2"]), ["lifter"]);
    // Since 2026-11-12: lifter's a3 and baker's c2 only.
    assert_eq!(channels(&dir, &["--posted", "creatine", "--posted-since", "2026-11-12"]), ["baker", "lifter"]);
    assert!(channels(&dir, &["--posted", "creatine", "--posted-min", "2", "--posted-since", "2026-11-12"]).is_empty());
    // With every other filter: on TikTok, only runner.
    assert_eq!(channels(&dir, &["--posted", "creatine", "--platform", "tiktok"]), ["runner"]);
    assert_eq!(channels(&dir, &["--posted", "@fitfuel"]), ["lifter", "runner"]);
    let refused = dir.run(&["search", "--posted-min", "2"]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && err.contains("--posted <TEXT>"), "{err}");
}

#[test]
fn an_import_replaces_the_posts_it_touched_and_a_missing_index_is_built_on_first_search() {
    let dir = Dir::new();
    world(&dir);
    // runner posts about creatine again; a1's caption is corrected (a later observation).
    let a1 = ("a1", 40, "Coffee every morning before my workouts #gym", "", "", false, 100, 10, 0);
    let b3 = ("b3", 0, "creatine gummies review", "", "", false, 60, 6, 0);
    let lines = [post_line("instagram", "lifter", &a1, AS_OF + DAY), post_line("tiktok", "runner", &b3, AS_OF)];
    dir.write("more.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "more.ndjson"]);
    assert_eq!(ids(&search(&dir, &["creatine", "--newest"])), ["b3", "c2", "a3", "b1"]);
    assert_eq!(ids(&search(&dir, &["coffee"])), ["a1"]);
    assert_eq!(channels(&dir, &["--posted", "creatine", "--posted-min", "2"]), ["runner"]);
    // The index is a cache: without it (a store from before it), the first search builds it.
    std::fs::remove_dir_all(dir.data().join("post-index")).unwrap();
    assert_eq!(ids(&search(&dir, &["creatine", "--newest"])), ["b3", "c2", "a3", "b1"]);
    assert!(dir.data().join("post-index").join("meta.json").is_file());
}

#[test]
fn the_api_answers_a_post_search_as_the_cli_does_and_refuses_bad_parameters_with_a_code() {
    let dir = Dir::new();
    world(&dir);
    let cli = search(&dir, &["@fitfuel", "--newest"]);
    let server = Server::start(dir);
    let admin = admin(&server);
    let r = admin.get("/api/v1/posts?q=%40fitfuel&sort=newest");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), cli);
    let page = admin.get("/api/v1/posts?q=creatine&platform=instagram&since=2026-11-12").json();
    assert_eq!(ids(&page), ["c2", "a3"]);
    admin.get("/api/v1/posts").error(400, "invalid_parameter");
    admin.get("/api/v1/posts?q=creatine&since=lately").error(400, "invalid_parameter");
    admin.get("/api/v1/posts?q=creatine&sort=likes").error(400, "invalid_parameter");
    // A period that ends before it starts holds no post.
    assert_eq!(admin.get("/api/v1/posts?q=creatine&since=2026-11-12&until=2026-11-01").json()["total"], 0);
    admin.get("/api/v1/posts?q=%20%20").error(400, "invalid_parameter");
    admin.get("/api/v1/posts?q=creatine&colour=red").error(400, "unknown_parameter");
    // The Directory's filter over HTTP.
    let r = admin.get("/api/v1/search?posted=creatine&posted_min=2");
    let body = r.json();
    let found: Vec<&str> = body["results"].as_array().unwrap().iter().map(|c| c["handle"].as_str().unwrap()).collect();
    assert_eq!(found, ["lifter"]);
    admin.get("/api/v1/search?posted=creatine&posted_since=lately").error(400, "invalid_parameter");
    // The Posts page: the posts, their channels, the sponsored badge and a link to the
    // channels that said it; a bad value is said on the page.
    let page = admin.get("/posts?q=%40fitfuel&sort=newest");
    assert_eq!(page.status, 200, "{}", page.body);
    let (b2, a3) = (page.body.find("Race day!").unwrap(), page.body.find("Switched my creatine brand").unwrap());
    assert!(b2 < a3, "newest first");
    assert!(page.body.contains(r#"href="/channels/tiktok/runner""#) && page.body.contains(">Sponsored<"));
    // (The template escapes `/` as `&#x2f;`, which the browser reads back.)
    assert!(page.body.contains(r#"href="&#x2f;directory?posted=%40fitfuel""#), "the channels that posted this");
    let bad = admin.get("/posts?q=creatine&since=lately");
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("&#x27;lately&#x27; is not a date") || bad.body.contains("'lately' is not a date"),
        "{}",
        bad.body
    );
    let directory = admin.get("/directory?posted=creatine&posted_min=2");
    assert!(directory.body.contains(">@lifter<") && !directory.body.contains(">@runner<"));
}

#[test]
fn a_brand_report_counts_sponsored_and_organic_posts_by_creator_and_month_against_competitors() {
    let dir = Dir::new();
    world(&dir);
    let report = dir.json_lines(&["brand", "@FitFuel", "--vs", "brewhaus", "--json"]).remove(0);
    // a3: lifter, sponsored, 300 + 20 + 10; b2: runner, organic, 80. Both in November 2026.
    assert_eq!(report["brand"], "fitfuel");
    let totals = |v: &Value| {
        ["posts", "sponsored_posts", "organic_posts", "engagements", "sponsored_engagements", "organic_engagements"]
            .map(|k| v[k].as_u64().unwrap())
    };
    assert_eq!(totals(&report), [2, 1, 1, 410, 330, 80]);
    let creators: Vec<(&str, u64)> = report["creators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["handle"].as_str().unwrap(), c["engagements"].as_u64().unwrap()))
        .collect();
    assert_eq!(creators, [("lifter", 330), ("runner", 80)], "as many posts each: more engagements first");
    assert_eq!(report["creators"][0]["last_post"], "2026-11-15T12:00:00Z");
    assert_eq!(report["months"].as_array().unwrap().len(), 1);
    assert_eq!(
        (report["months"][0]["month"].as_str(), totals(&report["months"][0])),
        (Some("2026-11"), [2, 1, 1, 410, 330, 80])
    );
    // #brewhaus: c3 only (a hashtag, no mention). Shares: 2 of 3 posts, 410 of 510 engagements.
    let voices = report["share_of_voice"].as_array().unwrap();
    assert_eq!((voices[1]["brand"].as_str(), voices[1]["posts"].as_u64()), (Some("brewhaus"), Some(1)));
    assert_eq!(voices[0]["share_of_posts"], 66.67);
    assert_eq!(voices[1]["share_of_posts"], 33.33);
    assert_eq!(voices[0]["share_of_engagements"], 80.39);
    assert_eq!(voices[1]["share_of_engagements"], 19.61);
    // A period: since 2026-11-16 leaves b2 only.
    let later = dir.json_lines(&["brand", "@fitfuel", "--since", "2026-11-16", "--json"]).remove(0);
    assert_eq!(totals(&later), [1, 0, 1, 80, 0, 80]);
    // For people.
    let table = dir.stdout(&["brand", "@fitfuel", "--vs", "@brewhaus"]);
    assert!(table.contains("@fitfuel: 2 posts by 2 creators (1 sponsored, 1 organic), 410 engagements"), "{table}");
    assert!(table.contains("Share of voice") && table.contains("66.7 %"), "{table}");
    assert!(table.lines().any(|l| l.starts_with("Nov 2026 ")) && !table.contains("2026-11"), "months: {table}");
    let refused = dir.run(&["brand", "not a brand"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not an account name"));
    // Over HTTP, the same; and the page.
    let server = Server::start(dir);
    let admin = admin(&server);
    // The CLI lists 20 creators unless told; the API 50.
    let api = admin.get("/api/v1/brands/fitfuel?vs=brewhaus&limit=20");
    assert_eq!(api.status, 200, "{}", api.body);
    assert_eq!(api.json(), report);
    admin.get("/api/v1/brands/fitfuel?colour=red").error(400, "unknown_parameter");
    admin.get("/api/v1/brands/fitfuel?since=lately").error(400, "invalid_parameter");
    admin.get("/api/v1/brands/%20").error(400, "invalid_parameter");
    let page = admin.get("/brands?brand=%40fitfuel&vs=%40brewhaus");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(r#"data-handle="lifter""#) && page.body.contains("66.7 %"), "{}", page.body);
    assert!(page.body.contains("November 2026"), "months for people");
    // The creator's side: lifter's a3 mentions @fitfuel, sponsored, 330 engagements.
    let profile = admin.get("/api/v1/channels/instagram/lifter").json();
    let history = &profile["brand_history"];
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    assert_eq!(
        (history[0]["account"].as_str(), history[0]["posts"].as_u64(), history[0]["sponsored_posts"].as_u64()),
        (Some("fitfuel"), Some(1), Some(1))
    );
    assert_eq!(history[0]["engagements"], 330);
    let runner = admin.get("/channels/tiktok/runner").body;
    assert!(runner.contains(r#"<tr class="mentioned">"#) && runner.contains(">@fitfuel<"), "written in b2's caption");
}

#[test]
fn a_brand_report_pages_through_its_creators_in_order_ties_by_handle() {
    let dir = Dir::new();
    // Every post mentions @acme. zed: 2 posts; dan: 1 post, 9 engagements; amy, bob and
    // cat: 1 post, 5 engagements each (a tie: by handle). So zed, dan, amy, bob, cat.
    let posts: [(&str, &[u64]); 5] = [("cat", &[5]), ("amy", &[5]), ("zed", &[1, 1]), ("bob", &[5]), ("dan", &[9])];
    let mut lines = Vec::new();
    for (handle, likes) in posts {
        lines.push(crate::util::channel("instagram", handle, 5_000));
        for (n, l) in likes.iter().enumerate() {
            let id = format!("{handle}{n}");
            lines.push(format!(
                r#"{{"kind":"post","platform":"instagram","handle":"{handle}","post_id":"{id}","published_at":{},"observed_at":{AS_OF},"caption":"Thanks @acme","likes":{l},"comments":0}}"#,
                AS_OF - DAY
            ));
        }
    }
    dir.write("acme.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "acme.ndjson"]);
    let page = |args: &[&str]| {
        let mut all = vec!["brand", "@acme", "--json"];
        all.extend_from_slice(args);
        let r = dir.json_lines(&all).remove(0);
        let handles: Vec<String> =
            r["creators"].as_array().unwrap().iter().map(|c| c["handle"].as_str().unwrap().to_string()).collect();
        (r["creator_count"].as_u64().unwrap(), handles)
    };
    assert_eq!(page(&[]), (5, vec!["zed".into(), "dan".into(), "amy".into(), "bob".into(), "cat".into()]));
    assert_eq!(page(&["--limit", "2"]).1, ["zed", "dan"]);
    // Pages that start or end inside the tie.
    assert_eq!(page(&["--limit", "2", "--offset", "2"]).1, ["amy", "bob"]);
    assert_eq!(page(&["--limit", "2", "--offset", "3"]).1, ["bob", "cat"]);
    assert_eq!(page(&["--limit", "1", "--offset", "4"]).1, ["cat"]);
    assert_eq!(page(&["--offset", "5"]), (5, vec![]), "past the end: no creator, the count still");
    // For people: how many more, and how to see them.
    let table = dir.stdout(&["brand", "@acme", "--limit", "2"]);
    assert!(
        table.contains("@acme: 6 posts by 5 creators") && table.contains("… and 3 more creators (--offset 2)"),
        "{table}"
    );
    let refused = dir.run(&["brand", "@acme", "--limit", "0"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--limit"), "{refused:?}");
    // Over HTTP: the same pages; the page of the report links to the next.
    let server = Server::start(dir);
    let admin = admin(&server);
    let api = admin.get("/api/v1/brands/acme?limit=2&offset=3").json();
    assert_eq!(
        (api["creator_count"].as_u64(), api["offset"].as_u64(), api["limit"].as_u64()),
        (Some(5), Some(3), Some(2))
    );
    assert_eq!(api["creators"][0]["handle"], "bob");
    admin.get("/api/v1/brands/acme?limit=201").error(400, "invalid_parameter");
    admin.get("/api/v1/brands/acme?offset=-1").error(400, "invalid_parameter");
    let first = admin.get("/brands?brand=%40acme");
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains(r#"data-handle="cat""#) && !first.body.contains(r#"rel="next""#), "{}", first.body);
    let later = admin.get("/brands?brand=%40acme&offset=3");
    assert!(later.body.contains("4–5 of 5") && later.body.contains(r#"rel="prev""#), "{}", later.body);
    assert!(!later.body.contains(r#"data-handle="amy""#) && later.body.contains(r#"data-handle="bob""#));
    let past = admin.get("/brands?brand=%40acme&offset=900");
    assert!(past.body.contains("past the last of the 5 creators"), "{}", past.body);
}
