//! `clout safety`, the Directory's brand-safety filter and the API's screening and audit
//! record, on hand-made posts whose matches were worked out by reading them.

use serde_json::Value;

use crate::server::{Server, admin};
use crate::util::{AS_OF, DAY, Dir};

/// bartender (instagram, 8,000): 4 posts, 2 about drinks ("Negroni cocktails", "#beer
/// garden"): 2 of 4 is 50 %, but not 3 posts: moderate. Also "poker" once: gambling low.
/// gardener (instagram, 12,000): 3 posts, none matching; a comment "absolute bullshit":
/// profanity low (comments alone).
/// preacher (tiktok, 3,000): 3 posts, all about the election: politics high.
/// A channel: platform, handle, followers, posts as (id, caption, hashtags).
type Channel<'a> = (&'a str, &'a str, u64, &'a [(&'a str, &'a str, &'a str)]);

fn world(dir: &Dir) {
    let channels: [Channel<'_>; 3] = [
        (
            "instagram",
            "bartender",
            8_000,
            &[
                ("t1", "Negroni cocktails for the weekend", ""),
                ("t2", "Summer evenings", r#""beer""#),
                ("t3", "Poker night with the staff", ""),
                ("t4", "New menu cards", ""),
            ],
        ),
        (
            "instagram",
            "gardener",
            12_000,
            &[("g1", "Pulling weeds today", ""), ("g2", "Tomatoes are in", ""), ("g3", "Class on composting", "")],
        ),
        (
            "tiktok",
            "preacher",
            3_000,
            &[
                ("e1", "Why the election matters", ""),
                ("e2", "Election day tips", ""),
                ("e3", "Talking politics with my dad", ""),
            ],
        ),
    ];
    let mut lines = Vec::new();
    for (platform, handle, followers, posts) in channels {
        lines.push(format!(
            r#"{{"kind":"channel","platform":"{platform}","handle":"{handle}","followers":{followers},"observed_at":{AS_OF}}}"#
        ));
        for (i, (id, caption, tags)) in posts.iter().enumerate() {
            lines.push(format!(
                r#"{{"kind":"post","platform":"{platform}","handle":"{handle}","post_id":"{id}","published_at":{},"observed_at":{AS_OF},"caption":"{caption}","hashtags":[{tags}],"url":"https://example.com/{id}","likes":50,"comments":5}}"#,
                AS_OF - (i as i64 + 1) * DAY
            ));
        }
    }
    lines.push(
        r#"{"kind":"comment","platform":"instagram","handle":"gardener","post_id":"g1","comment_id":"x1","author":"grump","text":"absolute bullshit"}"#
            .to_string(),
    );
    dir.write("world.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "world.ndjson"]);
}

fn show(dir: &Dir, channel: &str) -> Value {
    dir.json_lines(&["safety", "show", channel, "--json"]).remove(0)
}

fn level(s: &Value, category: &str) -> (String, u64, u64) {
    let c = s["categories"].as_array().unwrap().iter().find(|c| c["id"] == category).unwrap();
    (c["level"].as_str().unwrap().to_string(), c["posts"].as_u64().unwrap(), c["comments"].as_u64().unwrap())
}

fn channels(dir: &Dir, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search", "--json", "--sort", "followers"];
    all.extend_from_slice(args);
    dir.json_lines(&all).iter().filter_map(|o| o["handle"].as_str().map(str::to_string)).collect()
}

#[test]
fn each_channel_gets_a_level_per_category_with_the_posts_behind_it() {
    let dir = Dir::new();
    world(&dir);
    let b = show(&dir, "instagram/bartender");
    assert_eq!(level(&b, "drugs_alcohol"), ("moderate".to_string(), 2, 0));
    assert_eq!(level(&b, "gambling"), ("low".to_string(), 1, 0));
    assert_eq!(level(&b, "adult"), ("none".to_string(), 0, 0));
    assert_eq!((b["overall"].as_str(), b["posts_screened"].as_u64()), (Some("moderate"), Some(4)));
    assert_eq!((b["list"]["name"].as_str(), b["current"].as_bool()), (Some("Clout default"), Some(true)));
    let matches: Vec<(&str, &str, &str)> = b["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["category"].as_str().unwrap(), m["post_id"].as_str().unwrap(), m["terms"].as_str().unwrap()))
        .collect();
    // Newest first within a category: t1 was published a day before AS_OF, t2 two.
    assert_eq!(
        matches,
        [("drugs_alcohol", "t1", "cocktail*"), ("drugs_alcohol", "t2", "beer*"), ("gambling", "t3", "poker")]
    );
    assert_eq!(b["matches"][0]["post_url"], "https://example.com/t1");
    // "weeds" and "Class" hold no term as a whole word; the comment swears.
    let g = show(&dir, "instagram/gardener");
    assert_eq!(level(&g, "profanity"), ("low".to_string(), 0, 1));
    assert_eq!(
        (g["matches"][0]["matched_in"].as_str(), g["matches"][0]["comment_author"].as_str()),
        (Some("comment"), Some("grump"))
    );
    assert_eq!(level(&show(&dir, "tiktok/preacher"), "politics"), ("high".to_string(), 3, 0));
    // For people: a table of categories and what matched.
    let table = dir.stdout(&["safety", "show", "instagram/bartender"]);
    assert!(table.contains("brand safety moderate") && table.contains("Drugs and alcohol"), "{table}");
    assert!(table.contains("Negroni cocktails for the weekend") && table.contains("https://example.com/t1"), "{table}");
    let missing = dir.run(&["safety", "show", "instagram/nobody"]);
    assert!(!missing.status.success());
}

#[test]
fn the_directory_leaves_out_channels_above_a_level_and_a_users_list_screens_again() {
    let dir = Dir::new();
    world(&dir);
    assert_eq!(channels(&dir, &["--safety-max", "high"]), ["gardener", "bartender", "preacher"]);
    assert_eq!(channels(&dir, &["--safety-max", "low"]), ["gardener"]);
    assert_eq!(channels(&dir, &["--safety-max", "none", "--safety-in", "politics,gambling"]), ["gardener"]);
    assert_eq!(channels(&dir, &["--safety-max", "low", "--safety-in", "politics"]), ["gardener", "bartender"]);
    assert_eq!(
        channels(&dir, &["--safety-max", "none", "--platform", "instagram", "--safety-in", "drugs_alcohol"]),
        ["gardener"]
    );
    let refused = dir.run(&["search", "--safety-max", "low", "--safety-in", "pets"]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && err.contains("no category \"pets\""), "{err}");
    let refused = dir.run(&["search", "--safety-in", "adult"]);
    assert!(!refused.status.success(), "--safety-in needs --safety-max");

    // A list of the user's: one category, "tomato*".
    dir.write("mine.toml", "name = \"Seed brand\"\nversion = \"2\"\n[[category]]\nid = \"rivals\"\nlabel = \"Rival produce\"\nterms = [\"tomato*\"]\n");
    let out = dir.stdout(&["safety", "set-list", "mine.toml"]);
    assert!(out.contains("screened 3 channels (10 posts, 1 comments) against Seed brand 2"), "{out}");
    assert_eq!(level(&show(&dir, "instagram/gardener"), "rivals"), ("low".to_string(), 1, 0));
    assert_eq!(channels(&dir, &["--safety-max", "none"]), ["bartender", "preacher"]);
    assert!(dir.stdout(&["safety", "list"]).contains("Seed brand"));
    assert!(dir.stdout(&["safety", "list", "--default"]).contains("name = \"Clout default\""));
    dir.write("bad.toml", "name = \"x\"\nversion = \"1\"\n[[category]]\nid = \"a\"\nlabel = \"A\"\nterms = [\"t*\"]\n");
    let refused = dir.run(&["safety", "set-list", "bad.toml"]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && err.contains("a * follows at least three letters"), "{err}");
}

#[test]
fn the_audit_record_and_the_screening_over_the_api_are_the_clis() {
    let dir = Dir::new();
    world(&dir);
    let cli = show(&dir, "instagram/bartender");
    let csv = dir.stdout(&["safety", "audit", "--channel", "instagram/bartender", "--channel", "tiktok/preacher"]);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("channel,name,screened_at_utc,list,list_version,list_sha256,"), "{}", rows[0]);
    // bartender: 3 matches and 6 categories without one; preacher: 3 and 7.
    assert_eq!(rows.len(), 1 + 9 + 10, "{csv}");
    assert!(
        rows.iter()
            .any(|r| r.starts_with("instagram/bartender,")
                && r.contains(",gambling,low,post,t3,https://example.com/t3,"))
    );
    let server = Server::start(dir);
    let admin = admin(&server);
    let r = admin.get("/api/v1/channels/instagram/bartender/safety");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), cli);
    let audit = admin.get("/api/v1/safety/audit?channel=tiktok/preacher").json();
    assert_eq!(audit["channels"].as_array().unwrap().len(), 1);
    assert_eq!(audit["channels"][0]["overall"], "high");
    let csv = admin.get("/api/v1/safety/audit?format=csv");
    assert_eq!(csv.status, 200);
    assert_eq!(csv.body.lines().filter(|l| l.starts_with("instagram/gardener,")).count(), 8);
    admin.get("/api/v1/safety/audit?format=pdf").error(400, "invalid_parameter");
    admin.get("/api/v1/safety/audit?list=9").error(404, "not_found");
    admin.get("/api/v1/channels/instagram/nobody/safety").error(404, "not_found");
    let found = admin.get("/api/v1/search?safety_max=low&sort=followers").json();
    let handles: Vec<&str> =
        found["results"].as_array().unwrap().iter().map(|c| c["handle"].as_str().unwrap()).collect();
    assert_eq!(handles, ["gardener"]);
    admin.get("/api/v1/search?safety_max=safe").error(400, "invalid_parameter");
    // The channel page: each category's level and the posts behind them, linked; the
    // audit record of the channel to download.
    let page = admin.get("/channels/instagram/bartender");
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"<tr class="safety-category" data-category="drugs_alcohol"><td>Drugs and alcohol</td><td><span class="safety safety-moderate">moderate</span>"#), "{}", page.body);
    assert!(
        page.body.contains("Negroni cocktails for the weekend")
            && page.body.contains(r#"href="https:&#x2f;&#x2f;example.com&#x2f;t1""#)
    );
    assert!(page.body.contains("format=csv") && page.body.contains("Audit record (CSV)"));
    // The Directory page: the level and the categories in the form, the filter applied.
    let directory = admin.get("/directory?safety_max=low&safety_in=drugs_alcohol");
    assert!(directory.body.contains(">@gardener<") && directory.body.contains(">@preacher<"));
    assert!(!directory.body.contains(">@bartender<"));
    assert!(
        directory.body.contains(r#"<input type="checkbox" name="safety_in" value="drugs_alcohol" checked>"#),
        "{}",
        directory.body
    );
    admin.get("/api/v1/search?safety_max=low&safety_in=pets").error(404, "not_found");
}
