//! Disjunctive facets in one pass against their definition (each chosen group's counts
//! under the query with that group's filter cleared), by hand and over random indexes.

use std::collections::HashMap;

use clout_core::discovery::{Bounds, DiscoveryQuery, Facets, SortKey};
use clout_core::{Platform, Tier};
use proptest::prelude::*;

use crate::tests::{arb_query_with, arb_row, facet_maps, reference_facets};
use crate::{DiscoveryIndex, IndexedChannel};

fn channel(
    id: i64,
    platform: Platform,
    country: &str,
    niches: &[&str],
    followers: u64,
    er: Option<f64>,
) -> IndexedChannel {
    IndexedChannel {
        channel_id: id,
        platform,
        followers: Some(followers),
        country: Some(country.to_string()),
        language: Some(if country == "FR" { "fr" } else { "en" }.to_string()),
        niches: niches.iter().map(|n| n.to_string()).collect(),
        engagement_rate: er,
        median_rate: None,
        label: None,
        engagement_index: None,
        growth: None,
        posts_per_week: None,
        quality: None,
        verified: None,
        has_email: false,
        as_of: None,
    }
}

fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(v, n)| (v.to_string(), *n)).collect()
}

#[test]
fn a_chosen_group_counts_the_channels_failing_only_its_own_filter() {
    use Platform::{Instagram, Tiktok, Youtube};
    let index = DiscoveryIndex::build(vec![
        channel(1, Instagram, "US", &["vegan"], 5_000, Some(3.0)),
        channel(2, Instagram, "FR", &["food"], 20_000, Some(4.0)),
        channel(3, Tiktok, "US", &["vegan", "food"], 1_500, Some(2.5)),
        channel(4, Tiktok, "FR", &["fitness"], 60_000, Some(5.0)),
        channel(5, Youtube, "US", &["travel"], 300_000, Some(1.0)),
        channel(6, Instagram, "US", &["food"], 3_000, None),
    ]);
    // Instagram, US, engagement rate at least 2. Channels 5 (rate 1) and 6 (no rate)
    // fail the rate, so count nowhere. Channel 1 passes everything: the one match, counted
    // in every group. Channel 2 fails only the country (FR): counted under country.
    // Channel 3 fails only the platform (TikTok): counted under platform. Channel 4 fails
    // both: nowhere. Tier, language and niche have no choice: channel 1's values alone.
    let q = DiscoveryQuery {
        platforms: vec![Instagram],
        countries: vec!["US".to_string()],
        engagement_rate: Bounds { min: Some(2.0), max: None },
        sort: SortKey::Followers,
        facets: Facets::Disjunctive,
        ..DiscoveryQuery::everything()
    };
    let page = index.search(&q, None);
    assert_eq!(page.total, 1);
    assert_eq!(page.hits.iter().map(|h| h.channel_id).collect::<Vec<_>>(), [1]);
    let f = page.facets.unwrap();
    assert_eq!(f.platform, counts(&[("instagram", 1), ("tiktok", 1)]));
    assert_eq!(f.country, counts(&[("FR", 1), ("US", 1)]));
    assert_eq!(f.tier, counts(&[("micro", 1)]));
    assert_eq!(f.language, counts(&[("en", 1)]));
    assert_eq!(f.niche, counts(&[("vegan", 1)]));
    // The same query's conjunctive facets count channel 1 alone in every group.
    let conjunctive = index.search(&DiscoveryQuery { facets: Facets::Conjunctive, ..q.clone() }, None);
    assert_eq!(conjunctive.total, 1);
    assert_eq!(conjunctive.facets.unwrap().platform, counts(&[("instagram", 1)]));

    // A text query matching channels 2, 3 and 4 only: 2 counts under country (FR), 3
    // under platform (TikTok), 4 nowhere, and nothing matches.
    let text: HashMap<i64, f64> = [(2, 1.0), (3, 1.0), (4, 1.0)].into_iter().collect();
    let page = index.search(&q, Some(&text));
    assert_eq!(page.total, 0);
    let f = page.facets.unwrap();
    assert_eq!(f.platform, counts(&[("tiktok", 1)]));
    assert_eq!(f.country, counts(&[("FR", 1)]));
    assert!(f.tier.is_empty() && f.niche.is_empty());

    // Instagram alone: the platform counts every channel (3 Instagram, 2 TikTok, 1
    // YouTube); the other groups count Instagram's channels 1, 2 and 6: US 2, FR 1; micro
    // 3 (5,000, 20,000 and 3,000 followers); food 2 (2 and 6), vegan 1.
    let q = DiscoveryQuery { platforms: vec![Instagram], facets: Facets::Disjunctive, ..DiscoveryQuery::everything() };
    let page = index.search(&q, None);
    assert_eq!(page.total, 3);
    let f = page.facets.unwrap();
    assert_eq!(f.platform, counts(&[("instagram", 3), ("tiktok", 2), ("youtube", 1)]));
    assert_eq!(f.country, counts(&[("US", 2), ("FR", 1)]));
    assert_eq!(f.tier, counts(&[("micro", 3)]));
    assert_eq!(f.niche, counts(&[("food", 2), ("vegan", 1)]));

    // Micro tier and the food niche, with three groups' worth of values: channel 2
    // (micro, food) and 6 (micro, food) match; 1 (micro, vegan) fails only the niche; 3
    // (nano; vegan and food) fails only the tier; 4 (mid, fitness) and 5 (mega, travel)
    // fail both. Tiers: micro 2 + nano 1; niches: food 2 + vegan 1.
    let q = DiscoveryQuery {
        tiers: vec![Tier::Micro],
        niches: vec!["food".to_string()],
        facets: Facets::Disjunctive,
        ..DiscoveryQuery::everything()
    };
    let f = index.search(&q, None).facets.unwrap();
    assert_eq!(f.tier, counts(&[("micro", 2), ("nano", 1)]));
    assert_eq!(f.niche, counts(&[("food", 2), ("vegan", 1)]));
    assert_eq!(f.platform, counts(&[("instagram", 2)]));

    // Nothing chosen: disjunctive facets are the conjunctive ones, here over everything.
    let everything = DiscoveryQuery { facets: Facets::Disjunctive, ..DiscoveryQuery::everything() };
    let f = index.search(&everything, None).facets.unwrap();
    assert_eq!(f.platform, counts(&[("instagram", 3), ("tiktok", 2), ("youtube", 1)]));
    assert_eq!(f.country, counts(&[("US", 4), ("FR", 2)]));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// On one thread and two, through the answers computed at build when they apply.
    #[test]
    fn one_pass_disjunctive_facets_equal_each_groups_counts_with_its_own_filter_cleared(
        mut rows in prop::collection::vec(arb_row(), 0..120),
        q in arb_query_with(0.4),
        texted in any::<bool>(),
        groups_only in any::<bool>(),
    ) {
        for (i, r) in rows.iter_mut().enumerate() {
            r.channel_id = i as i64 * 7 + 3;
        }
        // Half the queries filter on facet groups only (a lone group's counts then come
        // from the build; no group at all is the unfiltered query).
        let q = if groups_only {
            DiscoveryQuery {
                platforms: q.platforms,
                tiers: q.tiers,
                preset: q.preset,
                countries: q.countries,
                languages: q.languages,
                niches: q.niches,
                sort: q.sort,
                limit: q.limit,
                offset: q.offset,
                facets: Facets::Disjunctive,
                ..DiscoveryQuery::everything()
            }
        } else {
            DiscoveryQuery { facets: Facets::Disjunctive, ..q }
        };
        // A text query matching every third channel, with made-up scores.
        let text: Option<HashMap<i64, f64>> = texted.then(|| {
            rows.iter().filter(|r| r.channel_id % 3 == 0).map(|r| (r.channel_id, (r.channel_id % 11) as f64 + 0.5)).collect()
        });
        let index = DiscoveryIndex::build(rows.clone());
        let hits = text.as_ref().map(|t| index.text_hits(t.iter().map(|(id, s)| (*id, *s))));
        let want_facets = reference_facets(&rows, &q, text.as_ref());
        let want = index.search(&DiscoveryQuery { facets: Facets::Conjunctive, ..q.clone() }, text.as_ref());
        for page in [
            index.search(&q, text.as_ref()),
            index.scanned_from(&q, hits.as_deref(), usize::MAX),
            index.scanned_from(&q, hits.as_deref(), 0),
        ] {
            prop_assert_eq!(page.total, want.total);
            prop_assert_eq!(&page.hits, &want.hits);
            prop_assert_eq!(facet_maps(page.facets.as_ref().unwrap()), want_facets.clone());
        }
    }
}
