//! What a row and a profile say, for people: the Directory warns beside a rate that an
//! outlier carries (above 100 %, or a mean far above the median), and labels, tiers and
//! quality components read as words, with no zero penalty shown as a loss; each row says
//! when its data was read, and the Directory filters on it.

use crate::support::{Client, World, channel, post, shut_down};

/// Three channels of five posts each. steady: 3 % a post. spiky: four posts at 1 % and one
/// at 60 %: mean 12.8 %, median 1 %, 12.8 times. tiny: 150 engagements on 100 followers,
/// 150 %.
fn world() -> World {
    let mut lines = vec![channel("instagram", "steady", 10_000), channel("instagram", "spiky", 10_000)];
    lines.push(channel("tiktok", "tiny", 100));
    for i in 0..5 {
        lines.push(post("instagram", "steady", &format!("s{i}"), 2 + i, 290, 10));
        let likes = if i == 0 { 5_990 } else { 90 };
        lines.push(post("instagram", "spiky", &format!("p{i}"), 2 + i, likes, 10));
        lines.push(post("tiktok", "tiny", &format!("t{i}"), 2 + i, 140, 10));
    }
    World::with(&lines)
}

#[test]
fn the_directory_flags_a_rate_above_followers_and_a_skewed_mean() {
    let world = world();
    let server = world.serve();
    let client = Client::signed_in(&server);
    let page = client.get("/directory?sort=followers");
    assert_eq!(page.status, 200, "{}", page.body);
    let row = |handle: &str| {
        let start = page.body.find(&format!(">@{handle}<")).unwrap_or_else(|| panic!("no row for {handle}"));
        let end = page.body[start..].find("</tr>").unwrap() + start;
        page.body[start..end].to_string()
    };
    assert!(row("spiky").contains("mean 12.8× median"), "{}", row("spiky"));
    assert!(row("tiny").contains("above 100 %"), "{}", row("tiny"));
    assert!(!row("steady").contains("badge warning"), "{}", row("steady"));
    shut_down(server);
}

#[test]
fn pages_name_labels_tiers_and_components_in_words_and_show_no_zero_as_a_loss() {
    let world = world();
    let server = world.serve();
    let client = Client::signed_in(&server);
    let directory = client.get("/directory").body;
    // tiny's 150 % is very_high by the fixed bands; its tier is below nano.
    assert!(directory.contains(">very high<"), "{directory}");
    assert!(!directory.contains(">very_high<") && !directory.contains(">none<"), "{directory}");
    assert!(directory.contains("under 1,000"), "{directory}");
    let profile = client.get("/channels/instagram/spiky").body;
    assert!(profile.contains("comments per 100 likes"), "components in words");
    assert!(!profile.contains(">comments_per_100_likes<"), "no snake_case");
    assert!(!profile.contains("−0<"), "a zero penalty is not a loss");
    assert!(profile.contains("no penalty") || profile.contains("not enough data"));
    shut_down(server);
}

#[test]
fn a_score_without_enough_evidence_says_so_and_its_colour_follows_its_value() {
    let world = world();
    let server = world.serve();
    let client = Client::signed_in(&server);
    // steady: nothing wrong, but no follower history and too few channels for peers: no
    // evidence at all. The prior, 70, in grey with the notice; never a green 100.
    let steady = client.get("/channels/instagram/steady").body;
    assert!(steady.contains(r#"class="score score-unknown" id="quality-score">70<"#), "{steady}");
    assert!(steady.contains("Not enough evidence"), "{steady}");
    assert!(!steady.contains(">100<"), "{steady}");
    // The Directory marks it too: "70?", explained on hover.
    let directory = client.get("/directory").body;
    let start = directory.find(">@steady<").unwrap();
    let row = &directory[start..start + directory[start..].find("</tr>").unwrap()];
    assert!(row.contains(r#"title="Not enough evidence: the score is mostly the prior of 70">70?</span>"#), "{row}");
    shut_down(server);
}

#[test]
fn the_directory_says_when_each_channels_data_was_read_and_filters_on_it() {
    let world = world();
    let server = world.serve();
    let client = Client::signed_in(&server);
    // Every observation is at the server's clock, 2026-11-20.
    let page = client.get("/directory");
    assert!(page.body.contains("<th scope=\"col\">Data from</th>"), "{}", page.body);
    assert!(page.body.contains(r#"<time datetime="2026-11-20" title="2026-11-20">today</time>"#), "{}", page.body);
    let same_day = client.get("/directory?data_since=2026-11-20");
    assert!(same_day.body.contains(">@steady<"), "{}", same_day.body);
    let later = client.get("/directory?data_since=2026-11-21");
    assert!(later.body.contains("No channel matches every filter."), "{}", later.body);
    assert!(later.body.contains(r#"name="data_since" value="2026-11-21""#), "the form keeps the date");
    let api = client.get("/api/v1/search?data_since=2026-11-21");
    assert_eq!(api.status, 200, "{}", api.body);
    assert!(api.body.contains(r#""total":0"#), "{}", api.body);
    let bad = client.get("/api/v1/search?data_since=yesterday");
    assert_eq!(bad.status, 400, "{}", bad.body);
    // The profile says it too.
    let profile = client.get("/channels/instagram/steady").body;
    assert!(
        profile
            .contains(r#"Data read <time datetime="2026-11-20" title="2026-11-20 12:00:00 UTC">today</time>, from "#),
        "{profile}"
    );
    shut_down(server);
}

#[test]
fn the_directory_numbers_its_pages() {
    let world = world();
    let server = world.serve();
    let client = Client::signed_in(&server);
    // The world's three channels, one a page: pages 1, 2, 3 with the second current.
    let page = client.get("/directory?limit=1&offset=1").body;
    assert!(page.contains(r#"<span class="page current" aria-current="page">2</span>"#), "{page}");
    assert!(page.contains(r#"<a class="page" href="&#x2f;directory?limit=1&amp;offset=0">1</a>"#), "{page}");
    assert!(page.contains(r#"<a class="page" href="&#x2f;directory?limit=1&amp;offset=2">3</a>"#), "{page}");
    shut_down(server);
}

#[test]
fn a_bulk_add_with_a_hostile_field_name_is_a_4xx_or_ignored_never_a_crash() {
    let world = world();
    let server = world.serve();
    let client = Client::signed_in(&server);
    let csrf = client.csrf.clone().unwrap();
    let form = |path: &str, body: &str| {
        let body = format!("csrf={csrf}&{body}");
        client.send("POST", path, Some("application/x-www-form-urlencoded"), body.into_bytes())
    };
    let created = form("/lists", "name=hostile");
    assert_eq!(created.status, 303, "{}", created.body);
    let list = created.header("location").unwrap().to_string();
    let id = list.rsplit('/').next().unwrap();
    // usize::MAX as a position: nothing to add, said so.
    let r = form("/lists/add", &format!("list={id}&channel_18446744073709551615=instagram%2Fsteady"));
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("select at least one creator"), "{}", r.body);
    // Beside a sound one, it is ignored and the sound one is added.
    let r = form("/lists/add", &format!("list={id}&channel_18446744073709551615=x&channel_0=instagram%2Fsteady"));
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(client.get(&list).body.contains(">@steady<"));
    shut_down(server);
}
