//! Lookalikes in memory against `clout_core::lookalike` over every channel, and the
//! two-thread pass against one pass over the same candidates.

use clout_core::Platform;
use proptest::prelude::*;

use crate::columns::NONE16;
use crate::lists::PARALLEL_FROM;
use crate::lookalike::tag_slice;
use crate::tests::{NICHES, arb_row};
use crate::{DiscoveryIndex, IndexedChannel};

const TAGS: [&str; 6] = ["vegan", "plantbased", "gym", "travel", "food", "recipe"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The index's lookalikes are `clout_core::lookalike::lookalikes` over every channel.
    #[test]
    fn lookalikes_equal_the_reference_similarity_over_every_channel(
        rows in prop::collection::vec(arb_row(), 1..60),
        // Weights exact in f32, as the index keeps them.
        weights in prop::collection::vec(prop::sample::select(vec![0.25, 0.5, 0.75, 1.0]), 60),
        tags in prop::collection::vec(prop::collection::btree_set(0usize..6, 0..4), 60),
        limit in 1usize..12,
    ) {
        use clout_core::lookalike::{Profile, lookalikes};
        let mut rows = rows;
        for (i, r) in rows.iter_mut().enumerate() {
            r.channel_id = i as i64 * 5 + 2;
            r.niches.sort();
            r.niches.dedup();
        }
        let profiles: Vec<Profile> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| Profile {
                channel_id: r.channel_id,
                followers: r.followers,
                niches: r.niches.iter().enumerate().map(|(k, n)| (n.clone(), weights[(i + k) % 60])).collect(),
                hashtags: tags[i].iter().map(|t| TAGS[*t].to_string()).collect(),
            })
            .collect();
        let mut index = DiscoveryIndex::build(rows.clone());
        index.set_lookalike_profiles(profiles.iter().map(|p| {
            (p.channel_id, p.niches.iter().map(|(n, w)| (n.clone(), *w)).collect(), p.hashtags.iter().cloned().collect())
        }));
        for of in &profiles {
            let got = index.lookalikes(of.channel_id, limit);
            let want = lookalikes(of, &profiles, limit);
            prop_assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                prop_assert!((g.similarity - w.similarity).abs() < 1e-12, "{:?} vs {:?}", g, w);
                prop_assert!((g.niches - w.niches).abs() < 1e-12);
                prop_assert!((g.hashtags - w.hashtags).abs() < 1e-12);
                prop_assert!((g.size - w.size).abs() < 1e-12);
                // Ids agree unless two similarities tie to the last bits.
                if g.channel_id != w.channel_id {
                    prop_assert!((g.similarity - w.similarity).abs() < 1e-12);
                }
            }
        }
    }
}

#[test]
fn lookalikes_found_on_two_threads_equal_one_pass_over_every_candidate() {
    // Two niches over 360,000 channels: well past the two-thread threshold.
    let rows: Vec<IndexedChannel> = (0..360_000)
        .map(|i| IndexedChannel {
            channel_id: i + 1,
            platform: Platform::Instagram,
            followers: Some(1_000 + (i as u64 * 7_919) % 90_000),
            country: None,
            language: None,
            niches: vec![NICHES[(i % 2) as usize].to_string()],
            engagement_rate: None,
            median_rate: None,
            label: None,
            engagement_index: None,
            growth: None,
            posts_per_week: None,
            quality: None,
            verified: None,
            has_email: false,
            as_of: None,
        })
        .collect();
    let mut index = DiscoveryIndex::build(rows.clone());
    index.set_lookalike_profiles(rows.iter().map(|r| {
        let i = r.channel_id as usize;
        (
            r.channel_id,
            vec![(r.niches[0].clone(), [0.25, 0.5, 0.75, 1.0][i % 4])],
            vec![TAGS[i % 6].to_string(), TAGS[(i / 6) % 6].to_string()],
        )
    }));
    for id in [1i64, 777, 180_000, 359_999] {
        let of = index.ordinal(id).unwrap() as usize;
        let row = index.looks[of];
        let lists: Vec<&[u32]> = row
            .niches
            .iter()
            .filter(|&&c| c != NONE16)
            .filter_map(|c| index.by_niche.get(*c as usize))
            .chain(tag_slice(&row.tags).iter().filter_map(|t| index.by_tag.get(*t as usize)))
            .map(Vec::as_slice)
            .collect();
        assert!(lists.iter().map(|l| l.len()).sum::<usize>() >= PARALLEL_FROM);
        let one_pass = index.lookalikes_in(of, &lists, 0..index.len(), 25);
        assert_eq!(index.lookalikes(id, 25), one_pass);
        assert_eq!(one_pass.len(), 25);
    }
}

#[test]
fn among_lookalikes_about_as_similar_an_authentic_consistent_one_comes_first() {
    let row = |id: i64, followers: u64, mean: f64, quality: f64| IndexedChannel {
        channel_id: id,
        platform: Platform::Instagram,
        followers: Some(followers),
        country: None,
        language: None,
        niches: vec!["vegan".to_string()],
        engagement_rate: Some(mean),
        median_rate: Some(mean),
        label: None,
        engagement_index: Some(1.0),
        growth: None,
        posts_per_week: None,
        quality: Some(quality),
        verified: None,
        has_email: false,
        as_of: None,
    };
    // The channel, and three of the same size and niche (similarity 0.5 + 0.2 = 0.7 each),
    // index 1 (3 tanh(1/3) = 0.965): 2 has a doubtful audience (merit 0.965 × 0.3 = 0.289),
    // 3 more engagements than followers (0.965 × 0.9 × 0.25 = 0.217), 4 is clean (0.868). A fifth, 5, shares the niche at 100 times
    // the size: size similarity exp(−2) = 0.135, so 0.5 + 0.2 × 0.135 = 0.527, clean.
    let rows = vec![
        row(1, 10_000, 3.0, 90.0),
        row(2, 10_000, 3.0, 30.0),
        row(3, 10_000, 150.0, 90.0),
        row(4, 10_000, 3.0, 90.0),
        row(5, 1_000_000, 3.0, 90.0),
    ];
    let mut index = DiscoveryIndex::build(rows.clone());
    index.set_lookalike_profiles(
        rows.iter().map(|r| (r.channel_id, vec![("vegan".to_string(), 1.0f64)], Vec::<String>::new())),
    );
    let by_similarity: Vec<i64> = index.lookalikes(1, 4).iter().map(|l| l.channel_id).collect();
    assert_eq!(by_similarity, [2, 3, 4, 5], "ties by lower id");
    // Ranked: 4 → 0.7 × (0.7 + 0.3 × 0.868) = 0.672; 2 → 0.7 × 0.787 = 0.551; 3 → 0.7 ×
    // 0.765 = 0.536; 5 (merit 0.868 × 0.7 over 500,000 followers) → 0.527 × 0.882 = 0.465.
    let ranked: Vec<i64> = index.lookalikes_ranked(1, 4).iter().map(|l| l.channel_id).collect();
    assert_eq!(ranked, [4, 2, 3, 5]);
}
