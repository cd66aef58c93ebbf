//! How well the niche classifier labels channels (not a test; run with
//! `cargo bench -p clout-app --bench niches`).
//!
//! 1. On the demo world, whose generator records each channel's true niches: precision
//!    and recall per niche and overall, and the time to label every channel.
//! 2. On a few bios written by hand for this benchmark, in styles the generator does not
//!    use, as a first look at text from elsewhere.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use clout_app::NicheClassifier;
use clout_core::Timestamp;
use clout_core::niche::ChannelText;

#[derive(Default)]
struct Channel {
    name: Option<String>,
    bio: Option<String>,
    category: Option<String>,
    truth: Vec<String>,
    posts: Vec<(String, String, Vec<String>)>,
}

fn main() {
    let channels: usize = std::env::var("CLOUT_BENCH_CHANNELS").ok().and_then(|s| s.parse().ok()).unwrap_or(3_000);
    let mut world = Vec::new();
    clout_app::write_demo_world(&mut world, 42, channels, Timestamp::from_unix(1_795_176_000)).unwrap();
    let mut by_key: HashMap<(String, String), Channel> = HashMap::new();
    for line in world.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let v: serde_json::Value = serde_json::from_slice(line).unwrap();
        let key = (v["platform"].as_str().unwrap().to_string(), v["handle"].as_str().unwrap().to_lowercase());
        let c = by_key.entry(key).or_default();
        let text = |f: &str| v[f].as_str().map(str::to_string);
        match v["kind"].as_str().unwrap() {
            "channel" => {
                if let Some(truth) = v["demo_truth"]["niches"].as_array() {
                    c.truth = truth.iter().map(|t| t.as_str().unwrap().to_string()).collect();
                    (c.name, c.bio, c.category) = (text("name"), text("bio"), text("category"));
                }
            }
            "post" => {
                let tags =
                    v["hashtags"].as_array().map(|a| a.iter().map(|t| t.as_str().unwrap().to_string()).collect());
                let published = v["published_at"].to_string();
                c.posts.push((published, text("caption").unwrap_or_default(), tags.unwrap_or_default()));
            }
            _ => {}
        }
    }
    let classifier = NicheClassifier::built_in().unwrap();
    let niches = classifier.taxonomy().niches();
    // Per niche: (true positives, false positives, false negatives).
    let mut counts: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
    let mut unlabelled = 0;
    let start = Instant::now();
    for c in by_key.values_mut().filter(|c| !c.truth.is_empty()) {
        c.posts.sort_by(|a, b| b.0.cmp(&a.0));
        let recent = &c.posts[..c.posts.len().min(30)];
        let text = ChannelText {
            name: c.name.as_deref(),
            bio: c.bio.as_deref(),
            category: c.category.as_deref(),
            captions: recent.iter().map(|p| p.1.as_str()).collect(),
            hashtags: recent.iter().flat_map(|p| p.2.iter().map(String::as_str)).collect(),
        };
        let found: HashSet<String> =
            classifier.classify(&text).into_iter().map(|l| niches[l.niche].id.clone()).collect();
        unlabelled += u32::from(found.is_empty());
        let truth: HashSet<String> = c.truth.iter().cloned().collect();
        for n in &found {
            let e = counts.entry(n.clone()).or_default();
            if truth.contains(n) { e.0 += 1 } else { e.1 += 1 }
        }
        for n in truth.difference(&found) {
            counts.entry(n.clone()).or_default().2 += 1;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let labelled_channels = by_key.values().filter(|c| !c.truth.is_empty()).count();
    println!("demo world: {labelled_channels} channels labelled in {elapsed:.2} s ({unlabelled} got no label)");
    println!("{:<12} {:>9} {:>7} {:>5} {:>5} {:>5}", "niche", "precision", "recall", "tp", "fp", "fn");
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for (niche, (t, f, n)) in &counts {
        let p = f64::from(*t) / f64::from((t + f).max(1));
        let r = f64::from(*t) / f64::from((t + n).max(1));
        println!("{niche:<12} {:>8.1}% {:>6.1}% {t:>5} {f:>5} {n:>5}", p * 100.0, r * 100.0);
        (tp, fp, fn_) = (tp + t, fp + f, fn_ + n);
    }
    println!(
        "overall      {:>8.1}% {:>6.1}% {tp:>5} {fp:>5} {fn_:>5}",
        100.0 * f64::from(tp) / f64::from(tp + fp),
        100.0 * f64::from(tp) / f64::from(tp + fn_)
    );

    // Bios written for this benchmark, not by the generator: (text, expected niche).
    let outside: &[(&str, &str)] = &[
        ("Marathoner chasing a sub-3. Coffee-powered long runs and track Tuesdays.", "sport"),
        ("Mum of three little ones, surviving on naps and school runs", "parenting"),
        ("I paint moody seascapes in oil. Commissions open.", "art"),
        ("Full-stack developer shipping side projects in Rust and TypeScript", "tech"),
        ("Weekly index fund updates and how I paid off 40k of debt", "finance"),
        ("Sourdough nerd. Bread, pastry and the occasional pie.", "food"),
        ("Rescue greyhound dad. Walks, naps, zoomies.", "pets"),
        ("Solo female traveller, 48 countries and counting, hotel reviews", "travel"),
        ("Ceramicist and pottery teacher, wheel-thrown mugs", "diy"),
        ("Daily skincare routines for sensitive, acne-prone skin. SPF always.", "skincare"),
        ("Let's play every Zelda game, live on Twitch three nights a week", "gaming"),
        ("Birder and wildlife photographer, Canon R5, long lenses", "photography"),
        ("Plant-based athlete, tofu scrambles and protein without meat", "vegan"),
        ("Bride-to-be documenting wedding planning on a budget", "wedding"),
        ("Ballet and contemporary dancer, choreography reels", "dance"),
        ("Astrophysics PhD student explaining black holes", "science"),
        ("Home barista: espresso shots, latte art fails", "coffee"),
        ("Vintage Porsche restoration in my garage", "cars"),
        ("Thru-hiker: Appalachian Trail 2024, camping gear reviews", "outdoors"),
        ("Stand-up comedian, clips from my shows and sketches", "comedy"),
    ];
    let mut right = 0;
    for (bio, expected) in outside {
        let text = ChannelText { bio: Some(bio), ..ChannelText::default() };
        let found: Vec<&str> = classifier.classify(&text).iter().map(|l| niches[l.niche].id.as_str()).collect();
        let ok = found.first() == Some(expected);
        right += u32::from(ok);
        println!("{} {expected:<12} {found:?}  {bio}", if ok { "ok  " } else { "MISS" });
    }
    println!("hand-written bios: {right} of {} labelled with the expected niche first", outside.len());
}
