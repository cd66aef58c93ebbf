//! Tests of the demo world: determinism, the interchange format, and the statistical
//! properties the metrics rely on (size tiers, engagement falling with size, bought
//! followers, pods, inactivity, history depth).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use crate::ids::{self, COMBOS, STYLES, SURNAME_STYLES, SURNAMES_PER_SLOT};
use crate::vocab::{FIRST_NAMES, HANDLE_WORDS, NICHE_TABLE, SURNAMES};
use crate::{NICHES, WorldOptions, WorldStats, write_world};

/// 2026-11-25T09:46:40Z.
const AS_OF: i64 = 1_795_600_000;
const DAY: i64 = 86_400;

fn generate(seed: u64, channels: usize) -> (Vec<u8>, WorldStats) {
    let mut out = Vec::new();
    let options = WorldOptions { seed, channels, as_of: AS_OF };
    let stats = write_world(&mut out, &options).unwrap();
    (out, stats)
}

/// A time field: RFC 3339 text or Unix seconds.
fn time(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().filter(|t| *t >= 0),
        Value::String(s) => s.parse::<jiff::Timestamp>().ok().map(|t| t.as_second()),
        _ => None,
    }
}

#[derive(Debug, Deserialize)]
struct Truth {
    niches: Vec<String>,
    bought_followers: bool,
    pod: bool,
    inactive: bool,
}

#[derive(Debug, Deserialize)]
struct Record {
    kind: String,
    platform: String,
    handle: String,
    followers: Option<u64>,
    observed_at: Option<Value>,
    published_at: Option<Value>,
    post_id: Option<String>,
    likes: Option<u64>,
    comments: Option<u64>,
    shares: Option<u64>,
    creator_id: Option<String>,
    username: Option<String>,
    demo_truth: Option<Value>,
}

#[derive(Debug)]
struct Post {
    id: String,
    published: i64,
    observed: i64,
    engagements: u64,
    likes: u64,
    comments: u64,
}

/// One channel as read back from the output.
#[derive(Debug)]
struct Channel {
    platform: String,
    handle: String,
    followers: u64,
    truth: Truth,
    creator_id: Option<String>,
    /// Follower observations from `followers` records, in file order.
    history: Vec<(i64, u64)>,
    /// Observation times of the channel's `channel` records.
    channel_records: Vec<i64>,
    posts: Vec<Post>,
    /// The true kinds of the followers in its sample (`follower` records).
    sample: Vec<String>,
    /// Their usernames, in the same order.
    usernames: Vec<String>,
}

impl Channel {
    /// Newest observation of each post.
    fn latest_posts(&self) -> impl Iterator<Item = &Post> {
        self.posts.iter().filter(|p| p.observed == AS_OF)
    }

    /// Mean engagements per follower over posts old enough to count in the metrics.
    fn mean_rate(&self) -> Option<(usize, f64)> {
        let min_age = if self.platform == "youtube" { 7 * DAY } else { DAY };
        let rates: Vec<f64> = self
            .latest_posts()
            .filter(|p| p.published <= AS_OF - min_age)
            .map(|p| p.engagements as f64 / self.followers as f64)
            .collect();
        (!rates.is_empty()).then(|| (rates.len(), rates.iter().sum::<f64>() / rates.len() as f64))
    }

    fn comments_per_100_likes(&self) -> f64 {
        let likes: u64 = self.latest_posts().map(|p| p.likes).sum();
        let comments: u64 = self.latest_posts().map(|p| p.comments).sum();
        100.0 * comments as f64 / likes.max(1) as f64
    }

    /// The largest week-over-week growth factor in the `followers` history.
    fn largest_weekly_jump(&self) -> f64 {
        self.history.windows(2).map(|w| w[1].1 as f64 / w[0].1 as f64).fold(0.0, f64::max)
    }
}

/// Reads an output back into channels, checking that each channel's records are
/// contiguous and in the documented order: channel records, followers, posts.
fn read_channels(bytes: &[u8]) -> Vec<Channel> {
    let text = std::str::from_utf8(bytes).unwrap();
    let mut channels: Vec<Channel> = Vec::new();
    let mut stage = 0;
    for line in text.lines() {
        let r: Record = serde_json::from_str(line).unwrap();
        let same = channels.last().is_some_and(|c| c.platform == r.platform && c.handle == r.handle);
        match r.kind.as_str() {
            "channel" => {
                let observed = time(r.observed_at.as_ref().unwrap()).unwrap();
                if same && stage == 0 {
                    let c = channels.last_mut().unwrap();
                    assert!(c.truth.niches.is_empty(), "truth only on the newest record: {line}");
                    c.channel_records.push(observed);
                    c.followers = r.followers.unwrap();
                    c.truth = serde_json::from_value(r.demo_truth.unwrap()).unwrap();
                } else {
                    assert!(!same, "channel record after other records: {line}");
                    let truth = r.demo_truth.map(|t| serde_json::from_value(t).unwrap()).unwrap_or(Truth {
                        niches: Vec::new(),
                        bought_followers: false,
                        pod: false,
                        inactive: false,
                    });
                    channels.push(Channel {
                        platform: r.platform,
                        handle: r.handle,
                        followers: r.followers.unwrap(),
                        truth,
                        creator_id: r.creator_id,
                        history: Vec::new(),
                        channel_records: vec![observed],
                        posts: Vec::new(),
                        sample: Vec::new(),
                        usernames: Vec::new(),
                    });
                    stage = 0;
                }
            }
            "followers" => {
                assert!(same && stage <= 1, "followers record out of place: {line}");
                stage = 1;
                let observed = time(r.observed_at.as_ref().unwrap()).unwrap();
                channels.last_mut().unwrap().history.push((observed, r.followers.unwrap()));
            }
            "follower" => {
                assert!(same && stage <= 1, "follower record out of place: {line}");
                stage = 1;
                let kind = r.demo_truth.as_ref().and_then(|t| t["type"].as_str()).unwrap().to_string();
                channels.last_mut().unwrap().sample.push(kind);
                channels.last_mut().unwrap().usernames.push(r.username.clone().unwrap());
            }
            "post" => {
                assert!(same, "post record out of place: {line}");
                stage = 2;
                let likes = r.likes.unwrap();
                let comments = r.comments.unwrap();
                channels.last_mut().unwrap().posts.push(Post {
                    id: r.post_id.unwrap(),
                    published: time(r.published_at.as_ref().unwrap()).unwrap(),
                    observed: time(r.observed_at.as_ref().unwrap()).unwrap(),
                    engagements: likes + comments + r.shares.unwrap_or(0),
                    likes,
                    comments,
                });
            }
            // A pod's comments follow the post they are on.
            "comment" => assert!(same && stage == 2, "a comment outside its channel's posts: {line}"),
            other => panic!("unknown kind {other}"),
        }
    }
    channels
}

/// The world most tests look at: 2,000 channels, generated and read once.
fn world() -> &'static (Vec<u8>, WorldStats, Vec<Channel>) {
    static WORLD: OnceLock<(Vec<u8>, WorldStats, Vec<Channel>)> = OnceLock::new();
    WORLD.get_or_init(|| {
        let (bytes, stats) = generate(2026, 2_000);
        let channels = read_channels(&bytes);
        (bytes, stats, channels)
    })
}

fn channels() -> &'static [Channel] {
    &world().2
}

fn share(channels: &[Channel], f: impl Fn(&Channel) -> bool) -> f64 {
    channels.iter().filter(|c| f(c)).count() as f64 / channels.len() as f64
}

#[test]
fn the_same_options_give_identical_bytes() {
    let (a, stats_a) = generate(7, 300);
    let (b, stats_b) = generate(7, 300);
    assert_eq!(stats_a, stats_b);
    assert!(a == b, "two runs with the same options differ");
    assert!(!a.is_empty());
}

#[test]
fn a_different_seed_gives_different_bytes() {
    let (a, _) = generate(7, 300);
    let (b, _) = generate(8, 300);
    assert!(a != b);
}

#[test]
fn a_bigger_world_starts_with_the_same_channels() {
    // Channel i depends only on (seed, i), except the creator link to channel i + 1.
    let (small, _) = generate(11, 100);
    let (big, _) = generate(11, 400);
    let small = String::from_utf8(small).unwrap();
    let big = String::from_utf8(big).unwrap();
    let first_handle = |text: &str, n: usize| {
        text.lines()
            .filter(|l| l.contains("\"demo_truth\""))
            .nth(n)
            .map(|l| l.split("\"handle\":").nth(1).unwrap().split(',').next().unwrap().to_string())
            .unwrap()
    };
    for n in [0, 10, 50, 98] {
        assert_eq!(first_handle(&small, n), first_handle(&big, n));
    }
}

#[test]
fn zero_channels_write_nothing() {
    let (bytes, stats) = generate(1, 0);
    assert!(bytes.is_empty());
    assert_eq!(stats, WorldStats::default());
}

#[test]
fn the_stats_count_what_was_written() {
    let (bytes, stats, channels) = world();
    let lines = bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count() as u64;
    assert_eq!(stats.records, lines);
    assert_eq!(stats.channels, 2_000);
    assert_eq!(channels.len(), 2_000);
    let posts: usize = channels.iter().map(|c| c.latest_posts().count()).sum();
    assert_eq!(stats.posts, posts as u64);
    let points: usize = channels.iter().map(|c| c.history.len()).sum();
    assert_eq!(stats.follower_points, points as u64);
}

#[test]
fn every_line_is_a_valid_interchange_record() {
    // Interchange v1.1's platforms.
    const PLATFORMS: &[&str] = &[
        "instagram",
        "tiktok",
        "youtube",
        "x",
        "facebook",
        "twitch",
        "pinterest",
        "linkedin",
        "threads",
        "snapchat",
        "bluesky",
        "mastodon",
    ];
    const TYPES: &[&str] = &["image", "carousel", "video", "reel", "short", "story", "text", "live"];
    let text = std::str::from_utf8(&world().0).unwrap();
    assert!(text.ends_with('\n'));
    let count = |v: &Value, field: &str, line: &str| {
        assert!(v.is_u64(), "{field} is not a non-negative integer: {line}");
    };
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let obj = v.as_object().unwrap_or_else(|| panic!("not an object: {line}"));
        let platform = obj["platform"].as_str().unwrap();
        assert!(PLATFORMS.contains(&platform), "{line}");
        let handle = obj["handle"].as_str().unwrap();
        assert!(!handle.is_empty() && !handle.contains(char::is_whitespace), "{line}");
        assert!(!handle.starts_with('@') && handle == handle.to_lowercase(), "{line}");
        let observed = obj.get("observed_at").map(|t| time(t).unwrap_or_else(|| panic!("bad time: {line}")));
        match obj["kind"].as_str().unwrap() {
            "channel" => {
                count(&obj["followers"], "followers", line);
                assert_eq!(observed.map(|t| t <= AS_OF), Some(true), "{line}");
                for field in ["following", "posts_count"] {
                    if let Some(c) = obj.get(field) {
                        count(c, field, line);
                    }
                }
                if let Some(country) = obj.get("country") {
                    let c = country.as_str().unwrap();
                    assert!(c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()), "{line}");
                }
                if let Some(lang) = obj.get("language") {
                    let l = lang.as_str().unwrap();
                    assert!(l.len() == 2 && l.bytes().all(|b| b.is_ascii_lowercase()), "{line}");
                }
                if let Some(email) = obj.get("email") {
                    let e = email.as_str().unwrap();
                    let (local, domain) = e.split_once('@').unwrap();
                    assert!(!local.is_empty() && domain.contains('.') && !e.contains(' '), "{line}");
                }
                for field in ["verified", "is_business", "is_private"] {
                    if let Some(b) = obj.get(field) {
                        assert!(b.is_boolean(), "{line}");
                    }
                }
                for field in ["name", "bio", "url", "category", "creator_id"] {
                    if let Some(s) = obj.get(field) {
                        assert!(!s.as_str().unwrap().is_empty(), "{line}");
                    }
                }
            }
            "followers" => {
                count(&obj["followers"], "followers", line);
                assert!(observed.unwrap() < AS_OF, "{line}");
                assert_eq!(obj.len(), 5, "unexpected fields: {line}");
            }
            "post" => {
                assert!(!obj["post_id"].as_str().unwrap().is_empty(), "{line}");
                let published = time(&obj["published_at"]).unwrap_or_else(|| panic!("{line}"));
                let observed = observed.unwrap();
                assert!(published < observed && observed <= AS_OF, "{line}");
                count(&obj["likes"], "likes", line);
                count(&obj["comments"], "comments", line);
                for field in ["shares", "views", "saves"] {
                    if let Some(c) = obj.get(field) {
                        count(c, field, line);
                    }
                }
                let post_type = obj["type"].as_str().unwrap();
                assert!(TYPES.contains(&post_type), "{line}");
                match platform {
                    "instagram" => {
                        assert!(obj.get("shares").is_none(), "{line}");
                        assert_eq!(obj.contains_key("views"), post_type == "reel", "{line}");
                    }
                    "tiktok" | "x" => assert!(obj.contains_key("shares") && obj.contains_key("views"), "{line}"),
                    _ => assert!(!obj.contains_key("shares") && obj.contains_key("views"), "{line}"),
                }
                if let Some(tags) = obj.get("hashtags") {
                    for tag in tags.as_array().unwrap() {
                        let t = tag.as_str().unwrap();
                        assert!(!t.is_empty() && !t.starts_with('#') && !t.contains(' '), "{line}");
                    }
                }
            }
            "comment" => {
                for field in ["post_id", "comment_id", "author", "text"] {
                    assert!(obj[field].as_str().is_some_and(|s| !s.is_empty()), "{field}: {line}");
                }
            }
            "follower" => {
                assert!(obj["username"].as_str().is_some_and(|s| !s.is_empty()), "{line}");
                for field in ["followers", "following", "posts_count", "bio_length"] {
                    count(&obj[field], field, line);
                }
                for field in ["has_profile_pic", "is_private"] {
                    assert!(obj[field].is_boolean(), "{line}");
                }
            }
            other => panic!("unknown kind {other}: {line}"),
        }
    }
}

#[test]
fn rfc3339_times_match_jiff() {
    let mut buf = Vec::new();
    for t in [0, 1, 59, 86_399, 951_782_400, 1_709_164_800, AS_OF, 4_102_444_800, 253_402_207_200] {
        buf.clear();
        crate::json::push_rfc3339(&mut buf, t);
        let text = std::str::from_utf8(&buf).unwrap();
        let expected = jiff::Timestamp::from_second(t).unwrap().to_string();
        assert_eq!(text, expected);
        assert_eq!(text.parse::<jiff::Timestamp>().unwrap().as_second(), t);
    }
}

#[test]
fn strings_are_escaped_as_json() {
    let mut buf = Vec::new();
    crate::json::push_string(&mut buf, "a \"quote\", a \\ and\na line\u{1}: ✨");
    let back: String = serde_json::from_slice(&buf).unwrap();
    assert_eq!(back, "a \"quote\", a \\ and\na line\u{1}: ✨");
}

#[test]
fn a_few_times_are_written_as_unix_seconds() {
    let text = std::str::from_utf8(&world().0).unwrap();
    let posts = text.lines().filter(|l| l.starts_with("{\"kind\":\"post\"")).count();
    let numeric =
        text.lines().filter(|l| l.starts_with("{\"kind\":\"post\"") && l.contains("\"published_at\":1")).count();
    let fraction = numeric as f64 / posts as f64;
    assert!((0.005..0.05).contains(&fraction), "{fraction}");
}

#[test]
fn most_channels_are_under_50000_followers_and_some_are_mega() {
    let channels = channels();
    let small = share(channels, |c| c.followers < 50_000);
    assert!(small > 0.7, "{small}");
    assert!(channels.iter().any(|c| c.followers >= 250_000));
    assert!(channels.iter().all(|c| c.followers <= 20_000_000));
    let micro = share(channels, |c| (2_000..50_000).contains(&c.followers));
    assert!(micro > 0.3, "micro share {micro}");
}

#[test]
fn the_platform_mix_is_realistic() {
    let channels = channels();
    let mix = |p: &str| share(channels, |c| c.platform == p);
    assert!((0.35..0.55).contains(&mix("instagram")), "{}", mix("instagram"));
    assert!((0.18..0.32).contains(&mix("tiktok")), "{}", mix("tiktok"));
    assert!((0.13..0.27).contains(&mix("youtube")), "{}", mix("youtube"));
    assert!((0.05..0.16).contains(&mix("x")), "{}", mix("x"));
}

#[test]
fn posts_per_channel_are_in_a_sensible_range() {
    let active: Vec<usize> =
        channels().iter().filter(|c| !c.truth.inactive).map(|c| c.latest_posts().count()).collect();
    let mut sorted = active.clone();
    sorted.sort_unstable();
    let median = sorted[sorted.len() / 2];
    assert!((15..=120).contains(&median), "median {median}");
    assert!(sorted[sorted.len() - 1] <= 400, "max {}", sorted[sorted.len() - 1]);
    // Even slow YouTube channels post a few times over three months.
    assert!(sorted[sorted.len() / 100] >= 3, "1st percentile {}", sorted[sorted.len() / 100]);
}

#[test]
fn inactive_channels_have_no_recent_posts_or_fewer_than_five() {
    let channels = channels();
    let inactive: Vec<&Channel> = channels.iter().filter(|c| c.truth.inactive).collect();
    let fraction = inactive.len() as f64 / channels.len() as f64;
    assert!((0.04..0.14).contains(&fraction), "{fraction}");
    for c in inactive {
        let recent = c.latest_posts().filter(|p| p.published > AS_OF - 60 * DAY).count();
        assert!(recent == 0 || c.latest_posts().count() < 5, "{}", c.handle);
    }
}

#[test]
fn some_posts_are_too_young_for_the_engagement_window() {
    let posts = || channels().iter().flat_map(|c| c.latest_posts().map(move |p| (c, p)));
    assert!(posts().any(|(_, p)| p.published > AS_OF - DAY));
    assert!(posts().any(|(c, p)| c.platform == "youtube" && p.published > AS_OF - 7 * DAY));
}

#[test]
fn every_post_is_observed_at_as_of_and_some_also_a_week_earlier() {
    let mut earlier = 0;
    let mut total = 0;
    for c in channels() {
        let mut latest = HashSet::new();
        for p in &c.posts {
            total += 1;
            if p.observed == AS_OF {
                assert!(latest.insert(p.id.as_str()), "post id repeated: {} {}", c.handle, p.id);
            } else {
                assert_eq!(p.observed, AS_OF - 7 * DAY);
                earlier += 1;
            }
        }
        for p in c.posts.iter().filter(|p| p.observed != AS_OF) {
            assert!(latest.contains(p.id.as_str()), "older observation without a newest one");
        }
    }
    let fraction = earlier as f64 / total as f64;
    assert!((0.01..0.08).contains(&fraction), "{fraction}");
}

#[test]
fn engagement_falls_with_size_on_every_platform() {
    for platform in ["instagram", "tiktok", "youtube", "x"] {
        let points: Vec<(f64, f64)> = channels()
            .iter()
            .filter(|c| c.platform == platform)
            .filter_map(|c| {
                let (n, rate) = c.mean_rate()?;
                (n >= 5 && rate > 0.0).then(|| ((c.followers as f64).ln(), rate.ln()))
            })
            .collect();
        assert!(points.len() >= 30, "{platform}: {} channels", points.len());
        let n = points.len() as f64;
        let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
        let my = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let slope = sxy / sxx;
        assert!((-0.8..-0.1).contains(&slope), "{platform}: slope {slope}");
    }
}

#[test]
fn a_5k_instagram_channel_gets_about_5_percent_and_a_1m_one_about_1() {
    let median_rate = |lo: u64, hi: u64| {
        let mut rates: Vec<f64> = channels()
            .iter()
            .filter(|c| c.platform == "instagram" && !c.truth.bought_followers && !c.truth.pod)
            .filter(|c| (lo..hi).contains(&c.followers))
            .filter_map(|c| c.mean_rate().filter(|(n, _)| *n >= 5).map(|(_, r)| r))
            .collect();
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    let small = median_rate(3_500, 7_500);
    assert!((0.035..0.08).contains(&small), "{small}");
    let big = median_rate(100_000, 20_000_001);
    assert!(big < 0.03, "{big}");
}

#[test]
fn bought_follower_channels_jump_at_least_20_percent_in_one_week() {
    let bought: Vec<&Channel> = channels().iter().filter(|c| c.truth.bought_followers).collect();
    assert!(bought.len() >= 50, "{}", bought.len());
    for c in bought {
        let jump = c.largest_weekly_jump();
        assert!(jump >= 1.2, "{}: largest weekly jump {jump}", c.handle);
    }
}

#[test]
fn channels_without_bought_followers_never_jump_20_percent_in_a_week() {
    for c in channels().iter().filter(|c| !c.truth.bought_followers) {
        let jump = c.largest_weekly_jump();
        assert!(jump < 1.2, "{}: weekly jump {jump}", c.handle);
    }
}

#[test]
fn bought_follower_channels_engage_well_below_their_peers() {
    let median = |pick: &dyn Fn(&Channel) -> bool| {
        let mut rates: Vec<f64> = channels()
            .iter()
            .filter(|c| c.platform == "instagram" && pick(c))
            .filter_map(|c| {
                let (n, rate) = c.mean_rate()?;
                // Normalised to the platform's size curve, so sizes are comparable.
                (n >= 5).then(|| rate / (c.followers as f64 / 1_000.0).powf(-0.33))
            })
            .collect();
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    let bought = median(&|c| c.truth.bought_followers);
    let normal = median(&|c| !c.truth.bought_followers && !c.truth.pod && !c.truth.inactive);
    assert!(bought < 0.6 * normal, "bought {bought}, normal {normal}");
}

#[test]
fn pods_comment_far_more_per_like_and_more_steadily() {
    let channels = channels();
    let pods: Vec<&Channel> = channels.iter().filter(|c| c.truth.pod).collect();
    assert!(pods.len() >= 40, "{}", pods.len());
    let mut pod_ratios: Vec<f64> = pods.iter().map(|c| c.comments_per_100_likes()).collect();
    pod_ratios.sort_by(f64::total_cmp);
    assert!(pod_ratios[pod_ratios.len() / 10] > 12.0, "{pod_ratios:?}");

    let cv = |c: &Channel| {
        let rates: Vec<f64> =
            c.latest_posts().filter(|p| p.published < AS_OF - 7 * DAY).map(|p| p.engagements as f64).collect();
        let mean = rates.iter().sum::<f64>() / rates.len() as f64;
        let var = rates.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / rates.len() as f64;
        var.sqrt() / mean
    };
    let median_cv = |group: Vec<&Channel>| {
        let mut cvs: Vec<f64> =
            group.into_iter().filter(|c| c.followers >= 5_000 && c.latest_posts().count() >= 10).map(cv).collect();
        cvs.sort_by(f64::total_cmp);
        cvs[cvs.len() / 2]
    };
    let others = channels.iter().filter(|c| !c.truth.pod && !c.truth.inactive && !c.truth.bought_followers).collect();
    let (pod_cv, other_cv) = (median_cv(pods), median_cv(others));
    assert!(pod_cv < 0.5 * other_cv, "pods {pod_cv}, others {other_cv}");
}

#[test]
fn about_a_tenth_of_channels_have_no_history_older_than_30_days() {
    let channels = channels();
    let fraction = share(channels, |c| {
        let cutoff = AS_OF - 30 * DAY;
        !c.history.iter().any(|(t, _)| *t <= cutoff) && !c.channel_records.iter().any(|t| *t <= cutoff)
    });
    assert!((0.05..0.16).contains(&fraction), "{fraction}");
    let with_old_record = share(channels, |c| c.channel_records.len() == 2);
    assert!((0.05..0.16).contains(&with_old_record), "{with_old_record}");
}

#[test]
fn follower_histories_are_weekly_and_end_before_as_of() {
    for c in channels() {
        for (k, (t, _)) in c.history.iter().rev().enumerate() {
            assert_eq!(*t, AS_OF - 7 * DAY * (k as i64 + 1), "{}", c.handle);
        }
    }
}

#[test]
fn handles_are_unique_per_platform() {
    let mut seen = HashSet::new();
    for c in channels() {
        assert!(seen.insert((c.platform.as_str(), c.handle.as_str())), "{} {}", c.platform, c.handle);
    }
}

#[test]
fn creators_with_two_channels_share_a_creator_id_across_platforms() {
    let channels = channels();
    let mut by_creator: HashMap<&str, Vec<&Channel>> = HashMap::new();
    for c in channels {
        if let Some(id) = &c.creator_id {
            by_creator.entry(id).or_default().push(c);
        }
    }
    let creators = channels.len() - by_creator.len();
    let two = by_creator.len() as f64 / creators as f64;
    assert!((0.10..0.20).contains(&two), "{two}");
    for (id, pair) in by_creator {
        assert_eq!(pair.len(), 2, "{id}");
        assert_ne!(pair[0].platform, pair[1].platform, "{id}");
        assert_eq!(pair[0].truth.niches, pair[1].truth.niches, "{id}");
    }
}

#[test]
fn truth_niches_come_from_the_niche_list() {
    let mut with_second = 0;
    for c in channels() {
        assert!(!c.truth.niches.is_empty() && c.truth.niches.len() <= 2);
        for n in &c.truth.niches {
            assert!(NICHES.contains(&n.as_str()), "{n}");
        }
        with_second += usize::from(c.truth.niches.len() == 2);
    }
    let fraction = with_second as f64 / channels().len() as f64;
    assert!((0.15..0.35).contains(&fraction), "{fraction}");
}

#[test]
fn there_are_about_30_distinct_niches() {
    assert!((25..=40).contains(&NICHES.len()));
    let distinct: HashSet<&str> = NICHES.iter().copied().collect();
    assert_eq!(distinct.len(), NICHES.len());
}

#[test]
fn vocabulary_words_are_plain_and_disjoint() {
    let mut seen = HashSet::new();
    let words = NICHE_TABLE.iter().flat_map(|n| n.words);
    for w in FIRST_NAMES.iter().copied().chain(SURNAMES.iter().copied()).chain(words) {
        assert!(!w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()), "{w}");
        assert!(seen.insert(w), "'{w}' appears twice among names, surnames and handle words");
    }
    for n in &NICHE_TABLE {
        assert_eq!(n.tags.len(), 8, "{}", n.name);
        assert!(!n.topics.is_empty() && !n.roles.is_empty() && !n.emojis.is_empty());
    }
}

/// Every handle base any (first name, style, word index) can produce: different
/// combinations must never give the same text, whatever niche or surname is drawn.
#[test]
#[allow(clippy::needless_range_loop)] // The index itself is part of what is recorded.
fn handle_bases_never_collide_across_combinations() {
    for x in [false, true] {
        let mut owner: HashMap<String, (usize, usize, usize)> = HashMap::new();
        let mut base = String::new();
        for first in 0..FIRST_NAMES.len() {
            for style in 0..STYLES {
                for slot in 0..HANDLE_WORDS {
                    let seconds: Vec<&str> = if SURNAME_STYLES.contains(&style) {
                        (0..SURNAMES_PER_SLOT).map(|r| SURNAMES[slot * SURNAMES_PER_SLOT + r]).collect()
                    } else {
                        NICHE_TABLE.iter().map(|n| n.words[slot]).collect()
                    };
                    for second in seconds {
                        base.clear();
                        ids::handle_base(&mut base, x, FIRST_NAMES[first], style, second, second);
                        assert!(!base.ends_with(['_', '.']) && !base.bytes().any(|b| b.is_ascii_digit()));
                        if x {
                            assert!(base.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{base}");
                        }
                        let prev = owner.entry(base.clone()).or_insert((first, style, slot));
                        assert_eq!(*prev, (first, style, slot), "'{base}' (x: {x})");
                    }
                }
            }
        }
    }
}

#[test]
fn handle_suffixes_differ_for_every_round() {
    for combo in [0, 1, 2, 17, COMBOS - 1] {
        let mut seen = HashSet::new();
        for round in 0..200 {
            let mut s = String::from("mia.bakes");
            ids::handle_suffix(&mut s, combo, round);
            assert!(seen.insert(s), "combo {combo} round {round}");
        }
    }
}

#[test]
fn creator_handles_stay_unique_beyond_one_round_of_combinations() {
    let n = COMBOS + 3_000;
    for x in [false, true] {
        let mut seen = HashSet::new();
        for root in 0..n {
            let handle = crate::world::creator_handle(5, root, x);
            assert!(seen.insert(handle.clone()), "{handle} repeated at {root}");
        }
    }
}

#[test]
fn the_permutation_is_a_bijection() {
    for n in [1u64, 2, 3, 7, 100, 1_000, COMBOS] {
        let mut seen = vec![false; n as usize];
        for x in 0..n {
            let y = ids::permute(x, n, 42);
            assert!(y < n && !seen[y as usize], "n {n}: {x} -> {y}");
            seen[y as usize] = true;
        }
    }
}

#[test]
fn countries_and_languages_are_mixed_and_mostly_consistent() {
    let text = std::str::from_utf8(&world().0).unwrap();
    let mut countries: HashMap<String, usize> = HashMap::new();
    let mut consistent = 0;
    let mut total = 0;
    for line in text.lines().filter(|l| l.contains("\"demo_truth\"")) {
        let v: Value = serde_json::from_str(line).unwrap();
        let (Some(country), Some(lang)) = (v["country"].as_str(), v["language"].as_str()) else {
            continue;
        };
        *countries.entry(country.to_string()).or_default() += 1;
        total += 1;
        let expected = crate::vocab::COUNTRIES.iter().find(|c| c.code == country).unwrap();
        consistent += usize::from(expected.language == lang);
    }
    assert!(countries.len() >= 15, "{countries:?}");
    let us = countries["US"] as f64 / total as f64;
    assert!((0.2..0.4).contains(&us), "{us}");
    assert!(consistent as f64 / total as f64 > 0.8);
}

#[test]
fn a_tenth_of_instagram_and_x_channels_have_a_followers_sample_of_every_kind() {
    let with: Vec<&Channel> = channels().iter().filter(|c| !c.sample.is_empty()).collect();
    assert!(with.iter().all(|c| c.platform == "instagram" || c.platform == "x"));
    assert!(with.iter().all(|c| c.sample.len() == 200));
    let eligible = channels().iter().filter(|c| c.platform == "instagram" || c.platform == "x").count();
    let share = with.len() as f64 / eligible as f64;
    assert!((0.07..0.13).contains(&share), "{share}");
    let kinds = |bought: bool| -> std::collections::HashMap<&str, usize> {
        let mut m = std::collections::HashMap::new();
        for c in with.iter().filter(|c| c.truth.bought_followers == bought) {
            for k in &c.sample {
                *m.entry(k.as_str()).or_insert(0) += 1;
            }
        }
        m
    };
    let clean = kinds(false);
    let total: usize = clean.values().sum();
    let of = |k: &str| clean.get(k).copied().unwrap_or(0) as f64 / total as f64;
    // A clean audience: 5 % bought, then 55/25/12/3 of the remaining 95 %.
    assert!((0.03..0.07).contains(&of("bought")), "{clean:?}");
    assert!((0.20..0.28).contains(&of("inactive")), "{clean:?}");
    assert!((0.09..0.15).contains(&of("mass_follower")), "{clean:?}");
    let bought = kinds(true);
    let total: usize = bought.values().sum::<usize>().max(1);
    assert!(bought.get("bought").copied().unwrap_or(0) as f64 / total as f64 > 0.15, "{bought:?}");
}

#[test]
fn channels_of_a_niche_on_a_platform_share_followers_and_others_share_none() {
    use std::collections::HashSet;
    let with: Vec<&Channel> = channels().iter().filter(|c| !c.usernames.is_empty()).collect();
    assert!(with.iter().all(|c| c.usernames.iter().collect::<HashSet<_>>().len() == c.usernames.len()));
    let (mut same, mut same_pairs, mut other) = (0usize, 0usize, 0usize);
    for (i, a) in with.iter().enumerate() {
        let names: HashSet<&String> = a.usernames.iter().collect();
        for b in &with[i + 1..] {
            let shared = b.usernames.iter().filter(|u| names.contains(u)).count();
            let niche = !a.truth.niches.is_empty() && a.truth.niches.first() == b.truth.niches.first();
            if niche && a.platform == b.platform {
                same += shared;
                same_pairs += 1;
            } else {
                other += shared;
            }
        }
    }
    // A regular appears only among its niche's creators on its platform; the rest of a
    // sample is the channel's own.
    assert_eq!(other, 0);
    assert!(same_pairs > 0 && same as f64 / same_pairs as f64 > 0.3, "{same} shared over {same_pairs} pairs");
}
