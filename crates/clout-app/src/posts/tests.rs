//! "Posted about" is exact like every other Directory filter: on a random world of posts,
//! the channels, the total and the platform counts are those a brute-force count of each
//! channel's matching posts gives, whatever else the query filters.

use std::collections::BTreeMap;

use clout_core::Timestamp;
use clout_core::discovery::{DiscoveryQuery, Facets, PostedAbout, SortKey};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};

use crate::{Access, App, Silent};

const AS_OF: i64 = 1_795_176_000;
const DAY: i64 = 86_400;
const WORDS: [&str; 5] = ["alpha", "beta", "gamma", "delta", "omega"];
const PLATFORMS: [&str; 3] = ["instagram", "tiktok", "youtube"];

/// A channel's platform and its posts: (published, caption words).
type World = BTreeMap<String, (&'static str, Vec<(i64, Vec<&'static str>)>)>;

fn world() -> World {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
    let mut world = World::new();
    for c in 0..45 {
        let platform = PLATFORMS[c % 3];
        let posts = (0..rng.random_range(0..9))
            .map(|_| {
                let words = (0..rng.random_range(1..4)).map(|_| WORDS[rng.random_range(0..WORDS.len())]).collect();
                (AS_OF - rng.random_range(0..60) * DAY - rng.random_range(0..DAY), words)
            })
            .collect();
        world.insert(format!("ch{c}"), (platform, posts));
    }
    world
}

fn import(world: &World, dir: &std::path::Path) -> App {
    let mut lines = Vec::new();
    for (handle, (platform, posts)) in world {
        lines.push(format!(
            r#"{{"kind":"channel","platform":"{platform}","handle":"{handle}","followers":5000,"observed_at":{AS_OF}}}"#
        ));
        for (i, (published, words)) in posts.iter().enumerate() {
            lines.push(format!(
                r#"{{"kind":"post","platform":"{platform}","handle":"{handle}","post_id":"p{i}","published_at":{published},"caption":"{}","likes":10,"comments":1,"observed_at":{AS_OF}}}"#,
                words.join(" ")
            ));
        }
    }
    let file = dir.join("world.ndjson");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let config = crate::test_config(dir.join("data"));
    let mut app = App::open(config, Access::Write, "test").unwrap();
    let options = crate::tests::import_options(|| Timestamp::from_unix(AS_OF + DAY), 100);
    let summary = app.import(&[file], &options, &mut Silent).unwrap();
    assert_eq!(summary.rejected, 0);
    app
}

#[test]
fn posted_about_matches_a_brute_force_count_of_each_channels_posts_with_every_other_filter() {
    let world = world();
    let dir = tempfile::tempdir().unwrap();
    let app = import(&world, dir.path());
    let (directory, _) = app.load_directory().unwrap();
    let strategy = (0..WORDS.len(), 1u32..4, prop::option::of(0i64..60), prop::option::of(0..PLATFORMS.len()));
    proptest!(ProptestConfig::with_cases(64), |((word, min, days, platform) in strategy)| {
        let since = days.map(|d| AS_OF - d * DAY);
        let mut expected: Vec<String> = Vec::new();
        let mut per_platform: BTreeMap<String, u64> = BTreeMap::new();
        for (handle, (p, posts)) in &world {
            let n = posts.iter().filter(|(t, w)| w.contains(&WORDS[word]) && since.is_none_or(|s| *t >= s)).count();
            if n as u32 >= min && platform.is_none_or(|i| PLATFORMS[i] == *p) {
                expected.push(handle.clone());
                *per_platform.entry(p.to_string()).or_default() += 1;
            }
        }
        let query = DiscoveryQuery {
            posted: Some(PostedAbout { text: WORDS[word].to_string(), min_posts: min, since }),
            platforms: platform.map(|i| vec![clout_core::Platform::parse(PLATFORMS[i]).unwrap()]).unwrap_or_default(),
            sort: SortKey::Followers,
            limit: 200,
            facets: Facets::Conjunctive,
            ..DiscoveryQuery::everything()
        };
        let found = app.search_with(&directory, &query).unwrap();
        let mut handles: Vec<String> = found.channels.iter().map(|c| c.row.handle.clone()).collect();
        handles.sort();
        expected.sort();
        prop_assert_eq!(found.page.total, expected.len() as u64);
        prop_assert_eq!(handles, expected);
        let counted: BTreeMap<String, u64> =
            found.page.facets.unwrap().platform.into_iter().filter(|(_, n)| *n > 0).collect();
        prop_assert_eq!(counted, per_platform);
    });
}
