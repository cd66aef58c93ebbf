//! `clout brief`, `GET /api/v1/brief` and the Brief page on hand-made creators; every fit
//! was worked out by hand from the formula in `docs/brief.md`.

use crate::server::{Server, admin};
use crate::util::{AS_OF, Dir};

/// (handle, country, bio, posts: (type, caption))
type Creator = (&'static str, &'static str, &'static str, &'static [(&'static str, &'static str)]);

/// Four creators with 10,000 followers each and the same engagement on every post.
fn world(dir: &Dir) {
    let creators: [Creator; 4] = [
        (
            "runfuel",
            "US",
            "Electrolytes and long miles",
            &[("video", "Creatine before my long run"), ("video", "My electrolytes mix"), ("image", "Coffee stop")],
        ),
        ("liftlab", "US", "Strength coach", &[("reel", "Creatine myths"), ("image", "Deadlift day")]),
        ("yogini", "DE", "Yoga teacher", &[("video", "Creatine for yoga?")]),
        ("quietchef", "US", "Home cook", &[("image", "Creatine in pasta?")]),
    ];
    let mut lines = Vec::new();
    for (handle, country, bio, posts) in creators {
        lines.push(format!(
            r#"{{"kind":"channel","platform":"instagram","handle":"{handle}","name":"{handle} name","followers":10000,"country":"{country}","bio":"{bio}","observed_at":{AS_OF}}}"#
        ));
        for (i, (kind, caption)) in posts.iter().enumerate() {
            lines.push(format!(
                r#"{{"kind":"post","platform":"instagram","handle":"{handle}","post_id":"{handle}{i}","type":"{kind}","published_at":{},"caption":"{caption}","url":"https://www.instagram.com/p/{handle}{i}/","likes":400,"comments":10,"observed_at":{AS_OF}}}"#,
                AS_OF - (i as i64 + 2) * 86_400
            ));
        }
    }
    dir.write("world.ndjson", &lines.join("\n"));
    dir.stdout(&["import", "world.ndjson"]);
}

const BRIEF: &str = "creatine electrolytes creators in the US who make videos";

#[test]
fn a_brief_reads_its_filters_and_ranks_creators_by_their_posts_and_profiles() {
    let dir = Dir::new();
    world(&dir);
    let b = dir.json_lines(&["brief", BRIEF, "--json"]).remove(0);
    let kinds: Vec<(&str, &str)> = b["understood"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["kind"].as_str().unwrap(), r["value"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("topic", "creatine"), ("topic", "electrolytes"), ("country", "US"), ("formats", "video,reel,short")]
    );
    assert_eq!(b["directory_query"], "country=US");
    // Videos, reels and shorts only. creatine: runfuel, liftlab, yogini (quietchef's is an
    // image): 3 of 4 channels, weight ln(1 + 4/4) = 0.693147; electrolytes: runfuel's video
    // and bio: 1, weight ln 3 = 1.098612.
    assert_eq!(
        (b["topics"][0]["channels"].as_u64(), b["topics"][0]["weight"].as_f64()),
        (Some(3), Some((2f64.ln() * 1e4).round() / 1e4))
    );
    assert_eq!((b["topics"][1]["channels"].as_u64(), b["topics"][1]["weight"].as_f64()), (Some(1), Some(1.0986)));
    // runfuel: creatine once (0.5 × 0.693147), electrolytes in a video and its bio (evidence
    // 3: 0.875 × 1.098612): 1.307860 / 1.791759 = 0.7299. liftlab: 0.346574 / 1.791759 =
    // 0.1934. yogini is in Germany; quietchef posted no video.
    let creators = b["creators"].as_array().unwrap();
    let fits: Vec<(&str, f64)> =
        creators.iter().map(|c| (c["handle"].as_str().unwrap(), c["fit"].as_f64().unwrap())).collect();
    assert_eq!(fits, [("runfuel", 0.7299), ("liftlab", 0.1934)]);
    assert_eq!(b["total"], 2);
    assert_eq!(
        creators[0]["reason"],
        "2 of 2 topics; posted about creatine (1 post), electrolytes (1 post); profile says electrolytes; \
         2 posts of the formats asked for (video, reel, short); micro, 10,000 followers, in United States"
    );
    let cited: Vec<(&str, &str)> = creators[0]["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["caption"].as_str().unwrap(), p["topics"][0].as_str().unwrap()))
        .collect();
    assert_eq!(cited.len(), 2);
    assert!(
        cited.contains(&("Creatine before my long run", "creatine"))
            && cited.contains(&("My electrolytes mix", "electrolytes"))
    );
    // For people: how it was read, then each creator with its reason and posts.
    let text = dir.stdout(&["brief", BRIEF]);
    assert!(text.contains(r#""in the US" → country United States"#), "{text}");
    assert!(text.contains("1. runfuel name (instagram/runfuel) · fit 0.73 · 10,000 followers"), "{text}");
    assert!(text.contains("My electrolytes mix") && text.contains("https://www.instagram.com/p/runfuel1/"), "{text}");
    assert!(text.contains("2 of 2 creators (from 1)"), "{text}");
    // Every post is older than a week: nothing in the window.
    let recent = dir.json_lines(&["brief", "creatine in the last 7 days", "--json"]).remove(0);
    assert_eq!(recent["total"], 0);
    // Bad input is the user's to fix.
    let empty = dir.run(&["brief", "!!"]);
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("no words"), "{}", String::from_utf8_lossy(&empty.stderr));
}

#[test]
fn the_api_and_the_page_answer_as_the_cli_does() {
    let dir = Dir::new();
    world(&dir);
    let cli = dir.json_lines(&["brief", BRIEF, "--json"]).remove(0);
    let server = Server::start(dir);
    let admin = admin(&server);
    let q = BRIEF.replace(' ', "+");
    let r = admin.get(&format!("/api/v1/brief?q={q}"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), cli);
    let page = admin.get(&format!("/brief?q={q}"));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Understood as") && page.body.contains(r#"<strong id="brief-total">2</strong>"#),
        "{}",
        page.body
    );
    assert!(page.body.contains("profile says electrolytes"), "{}", page.body);
    assert!(page.body.contains(r#"href="&#x2f;directory?country=US""#), "{}", page.body);
    // The Directory offers the box.
    assert!(admin.get("/directory").body.contains(r#"id="brief-box""#));
    admin.get("/api/v1/brief").error(400, "invalid_parameter");
    admin.get("/api/v1/brief?q=coffee&limit=0").error(400, "invalid_parameter");
    admin.get("/api/v1/brief?q=coffee&colour=red").error(400, "unknown_parameter");
    assert_eq!(admin.get(&format!("/api/v1/brief?q={}", "a".repeat(501))).status, 400);
}
