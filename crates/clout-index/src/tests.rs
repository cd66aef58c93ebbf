//! The index against a brute-force scan of the same rows: every result satisfies every
//! filter, and totals and facet counts are exact.

use std::collections::{BTreeMap, HashMap};

use clout_core::discovery::{Bounds, DiscoveryQuery, Facets, SortKey};
use clout_core::{EngagementLabel, Platform, Tier, TierPreset};
use proptest::prelude::*;

use super::*;

const COUNTRIES: [&str; 4] = ["US", "FR", "BR", "JP"];
const LANGUAGES: [&str; 3] = ["en", "fr", "pt"];
pub(crate) const NICHES: [&str; 4] = ["vegan", "food", "fitness", "travel"];

/// Values drawn from small sets, tier edges included, so that bounds often fall exactly
/// on a value (where inclusive and exclusive differ).
fn follower_count() -> impl Strategy<Value = u64> {
    prop::sample::select(vec![0u64, 999, 1_000, 2_000, 9_999, 10_000, 49_999, 50_000, 100_000, 250_000, 1_000_000])
}

fn metric() -> impl Strategy<Value = f64> {
    prop::sample::select(vec![-5.0, 0.0, 0.5, 1.0, 2.5, 3.0, 6.0, 12.0])
}

pub(crate) fn arb_row() -> impl Strategy<Value = IndexedChannel> {
    (
        (0usize..3, prop::option::of(follower_count()), prop::option::of(0usize..4), prop::option::of(0usize..3)),
        (prop::collection::vec(0usize..4, 0..3), prop::option::of(metric()), prop::option::of(0usize..4)),
        (prop::option::of(metric()), prop::option::of(metric()), prop::option::of(metric())),
        (prop::option::of(any::<bool>()), any::<bool>(), prop::option::of(metric()), prop::option::of(0i64..5)),
    )
        .prop_map(
            |((p, followers, c, l), (n, er, label), (index, growth, ppw), (verified, has_email, quality, as_of))| {
                let mut niches: Vec<String> = n.into_iter().map(|i| NICHES[i].to_string()).collect();
                niches.dedup();
                IndexedChannel {
                    channel_id: 0,
                    platform: [Platform::Instagram, Platform::Tiktok, Platform::Youtube][p],
                    followers,
                    country: c.map(|i| COUNTRIES[i].to_string()),
                    language: l.map(|i| LANGUAGES[i].to_string()),
                    niches,
                    engagement_rate: er,
                    median_rate: None,
                    label: label.map(|i| EngagementLabel::ALL[i]),
                    engagement_index: index,
                    growth,
                    posts_per_week: ppw,
                    quality,
                    verified,
                    has_email,
                    as_of,
                }
            },
        )
}

/// Each filter is set on its own with a small probability, so that a query usually has
/// one or two filters and still matches a fair share of the rows.
const P: f64 = 0.15;

fn arb_bounds() -> impl Strategy<Value = Bounds> {
    prop::option::weighted(P, (prop::option::of(metric()), prop::option::of(metric())))
        .prop_map(|b| b.map(|(min, max)| Bounds { min, max }).unwrap_or_default())
}

/// One to two of `values` with probability `p`, else none.
fn any_of<T: Clone + std::fmt::Debug + 'static>(p: f64, values: Vec<T>) -> impl Strategy<Value = Vec<T>> {
    prop::option::weighted(p, prop::collection::vec(prop::sample::select(values), 1..3))
        .prop_map(Option::unwrap_or_default)
}

fn arb_query() -> impl Strategy<Value = DiscoveryQuery> {
    arb_query_with(P)
}

/// A query whose facet groups (platforms, tiers, countries, languages, niches) are each
/// chosen with probability `p_groups`, every other filter with [`P`]; conjunctive facets.
pub(crate) fn arb_query_with(p_groups: f64) -> impl Strategy<Value = DiscoveryQuery> {
    (
        (
            any_of(p_groups, vec![Platform::Instagram, Platform::Tiktok, Platform::Youtube]),
            any_of(p_groups, Tier::ALL.to_vec()),
            any::<bool>(),
            any_of(p_groups, COUNTRIES.iter().map(|c| c.to_string()).collect()),
            any_of(p_groups, LANGUAGES.iter().map(|c| c.to_string()).collect()),
            any_of(p_groups, NICHES.iter().map(|c| c.to_string()).collect()),
        ),
        (prop::option::weighted(P, follower_count()), prop::option::weighted(P, follower_count()), arb_bounds()),
        (any_of(P, EngagementLabel::ALL.to_vec()), arb_bounds(), arb_bounds(), arb_bounds(), arb_bounds()),
        (
            prop::option::weighted(P, any::<bool>()),
            (prop::option::weighted(P, any::<bool>()), prop::option::weighted(P, 0i64..5)),
            0usize..5,
            1usize..15,
            0usize..10,
        ),
    )
        .prop_map(
            |(
                (platforms, tiers, industry, countries, languages, niches),
                (min_followers, max_followers, engagement_rate),
                (labels, engagement_index, growth, posts_per_week, quality),
                (verified, (has_email, data_since), sort, limit, offset),
            )| DiscoveryQuery {
                text: None,
                platforms,
                tiers,
                preset: if industry { TierPreset::Industry } else { TierPreset::Scrunch },
                countries,
                languages,
                niches,
                min_followers,
                max_followers,
                engagement_rate,
                labels,
                engagement_index,
                growth,
                posts_per_week,
                quality,
                verified,
                has_email,
                data_since,
                posted: None,
                safety: None,
                sort: [
                    SortKey::Relevance,
                    SortKey::Followers,
                    SortKey::EngagementRate,
                    SortKey::EngagementIndex,
                    SortKey::Growth,
                ][sort],
                limit,
                offset,
                facets: Facets::Conjunctive,
            },
        )
}

/// The filters, written out plainly over one row.
pub(crate) fn brute_admits(r: &IndexedChannel, q: &DiscoveryQuery) -> bool {
    let in_bounds = |b: &Bounds, v: Option<f64>| match (b.min, b.max, v) {
        (None, None, _) => true,
        (_, _, None) => false,
        (min, max, Some(v)) => min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m),
    };
    let tier = r.followers.map(|f| Tier::for_followers(f, q.preset));
    (q.platforms.is_empty() || q.platforms.contains(&r.platform))
        && (q.tiers.is_empty() || tier.is_some_and(|t| q.tiers.contains(&t)))
        && q.min_followers.is_none_or(|m| r.followers.is_some_and(|f| f >= m))
        && q.max_followers.is_none_or(|m| r.followers.is_some_and(|f| f <= m))
        && (q.countries.is_empty() || r.country.as_ref().is_some_and(|c| q.countries.contains(c)))
        && (q.languages.is_empty() || r.language.as_ref().is_some_and(|l| q.languages.contains(l)))
        && (q.niches.is_empty() || r.niches.iter().any(|n| q.niches.contains(n)))
        && in_bounds(&q.engagement_rate, r.engagement_rate)
        && (q.labels.is_empty() || r.label.is_some_and(|l| q.labels.contains(&l)))
        && in_bounds(&q.engagement_index, r.engagement_index)
        && in_bounds(&q.growth, r.growth)
        && in_bounds(&q.posts_per_week, r.posts_per_week)
        && in_bounds(&q.quality, r.quality)
        && q.verified.is_none_or(|v| r.verified == Some(v))
        && q.has_email.is_none_or(|e| r.has_email == e)
        && q.data_since.is_none_or(|s| r.as_of.is_some_and(|a| a >= s))
}

fn count<'a>(values: impl Iterator<Item = &'a str>) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for v in values {
        *m.entry(v.to_string()).or_default() += 1;
    }
    m
}

/// Counts per value of platform, tier, country, language and niche, in that order.
pub(crate) type FacetMaps = [BTreeMap<String, u64>; 6];

/// The (conjunctive) facet counts of `q` over `rows`, brute force: the rows matching the
/// text (when there is one) and every filter, counted value by value.
pub(crate) fn brute_facets(rows: &[IndexedChannel], q: &DiscoveryQuery, text: Option<&HashMap<i64, f64>>) -> FacetMaps {
    let matching: Vec<&IndexedChannel> = rows
        .iter()
        .filter(|r| text.is_none_or(|t| t.contains_key(&r.channel_id)))
        .filter(|r| brute_admits(r, q))
        .collect();
    [
        count(matching.iter().map(|r| r.platform.as_str())),
        count(matching.iter().filter_map(|r| r.followers.map(|f| Tier::for_followers(f, q.preset).as_str()))),
        count(matching.iter().filter_map(|r| r.country.as_deref())),
        count(matching.iter().filter_map(|r| r.language.as_deref())),
        count(matching.iter().flat_map(|r| r.niches.iter().map(String::as_str))),
        count(matching.iter().filter_map(|r| r.label.map(|l| l.as_str()))),
    ]
}

/// The facet counts of `q` in its mode, by definition: conjunctive, [`brute_facets`];
/// disjunctive, for each group with a choice, that group's conjunctive counts under `q`
/// with the group's filter cleared, and for each group without one, `q`'s own.
pub(crate) fn reference_facets(
    rows: &[IndexedChannel],
    q: &DiscoveryQuery,
    text: Option<&HashMap<i64, f64>>,
) -> FacetMaps {
    let mut maps = brute_facets(rows, q, text);
    if q.facets != Facets::Disjunctive {
        return maps;
    }
    // Each group's filter, cleared; `true` when it had a choice.
    let clear: [fn(&mut DiscoveryQuery) -> bool; 6] = [
        |q| !std::mem::take(&mut q.platforms).is_empty(),
        |q| !std::mem::take(&mut q.tiers).is_empty(),
        |q| !std::mem::take(&mut q.countries).is_empty(),
        |q| !std::mem::take(&mut q.languages).is_empty(),
        |q| !std::mem::take(&mut q.niches).is_empty(),
        |q| !std::mem::take(&mut q.labels).is_empty(),
    ];
    for (k, clear) in clear.iter().enumerate() {
        let mut rest = q.clone();
        if clear(&mut rest) {
            maps[k] = brute_facets(rows, &rest, text)[k].clone();
        }
    }
    maps
}

/// An index's facet counts in the shape of [`brute_facets`].
pub(crate) fn facet_maps(f: &clout_core::discovery::FacetCounts) -> FacetMaps {
    [&f.platform, &f.tier, &f.country, &f.language, &f.niche, &f.label].map(|v| v.iter().cloned().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_precomputed_unfiltered_answers_equal_a_full_scan(
        mut rows in prop::collection::vec(arb_row(), 0..150),
        sort in 0usize..5,
        industry in any::<bool>(),
        offset in 0usize..40,
        limit in 1usize..30,
        facets in prop::sample::select(vec![Facets::None, Facets::Conjunctive, Facets::Disjunctive]),
    ) {
        for (i, r) in rows.iter_mut().enumerate() {
            r.channel_id = (i as i64 * 13) % 151 + 1;
        }
        rows.sort_by_key(|r| r.channel_id);
        rows.dedup_by_key(|r| r.channel_id);
        let index = DiscoveryIndex::build(rows.clone());
        let mut q = DiscoveryQuery::everything();
        q.sort = [SortKey::Relevance, SortKey::Followers, SortKey::EngagementRate, SortKey::EngagementIndex, SortKey::Growth][sort];
        q.preset = if industry { TierPreset::Industry } else { TierPreset::Scrunch };
        q.offset = offset;
        q.limit = limit;
        q.facets = facets;
        prop_assert_eq!(index.search(&q, None), index.scanned(&q, None));
    }

    #[test]
    fn results_totals_and_facets_equal_a_brute_force_scan(
        mut rows in prop::collection::vec(arb_row(), 0..120),
        q in arb_query(),
        texted in any::<bool>(),
    ) {
        for (i, r) in rows.iter_mut().enumerate() {
            r.channel_id = i as i64 * 7 + 3;
        }
        // A text query matching every third channel, with made-up scores.
        let text: Option<HashMap<i64, f64>> = texted.then(|| {
            rows.iter().filter(|r| r.channel_id % 3 == 0).map(|r| (r.channel_id, (r.channel_id % 11) as f64 + 0.5)).collect()
        });
        let index = DiscoveryIndex::build(rows.clone());
        let page = index.search(&q, text.as_ref());

        let expected: Vec<&IndexedChannel> = rows
            .iter()
            .filter(|r| text.as_ref().is_none_or(|t| t.contains_key(&r.channel_id)))
            .filter(|r| brute_admits(r, &q))
            .collect();
        prop_assert_eq!(page.total, expected.len() as u64);
        prop_assert_eq!(page.hits.len(), expected.len().saturating_sub(q.offset).min(q.limit));
        let by_id: HashMap<i64, &IndexedChannel> = rows.iter().map(|r| (r.channel_id, r)).collect();
        for hit in &page.hits {
            prop_assert!(brute_admits(by_id[&hit.channel_id], &q), "a hit fails a filter");
        }
        // Scores never increase down the page, and nulls come last.
        for w in page.hits.windows(2) {
            match (w[0].score, w[1].score) {
                (Some(a), Some(b)) => prop_assert!(a >= b),
                (None, Some(_)) => prop_assert!(false, "a null score before a value"),
                _ => {}
            }
        }
        prop_assert_eq!(facet_maps(&page.facets.unwrap()), brute_facets(&rows, &q, text.as_ref()));
    }
}

#[test]
fn relevance_blends_the_text_score_with_the_engagement_index() {
    let row = |id: i64, index: Option<f64>| IndexedChannel {
        channel_id: id,
        platform: Platform::Instagram,
        followers: Some(5_000),
        country: None,
        language: None,
        niches: vec![],
        engagement_rate: Some(3.0),
        median_rate: None,
        label: None,
        engagement_index: index,
        growth: None,
        posts_per_week: None,
        quality: None,
        verified: None,
        has_email: false,
        as_of: None,
    };
    // merit = 3 tanh(index / 3) (no index: 0.5) × quality (none: 0.7) × tier (5,000
    // followers: 1): 0.19972 × 0.7, 1.74835 × 0.7 and 0.35. Text scores 10, 8, 8 ×
    // (0.5 + 0.5 × merit): channel 1 → 5.699, 2 → 8.895, 3 → 5.4.
    let index = DiscoveryIndex::build(vec![row(1, Some(0.2)), row(2, Some(2.0)), row(3, None)]);
    let text: HashMap<i64, f64> = [(1, 10.0), (2, 8.0), (3, 8.0)].into_iter().collect();
    let page = index.search(&DiscoveryQuery::everything(), Some(&text));
    let got: Vec<i64> = page.hits.iter().map(|h| h.channel_id).collect();
    assert_eq!(got, [2, 1, 3]);
    for (hit, expected) in page.hits.iter().zip([8.895_376_74, 5.698_964_80, 5.4]) {
        assert!((hit.score.unwrap() - expected).abs() < 1e-8, "{:?}", page.hits);
    }
}

#[test]
fn the_first_page_puts_consistent_micro_channels_from_real_audiences_above_outliers() {
    let row = |id: i64, followers: u64, mean: f64, median: f64, index: f64, quality: f64| IndexedChannel {
        channel_id: id,
        platform: Platform::Instagram,
        followers: Some(followers),
        country: None,
        language: None,
        niches: vec![],
        engagement_rate: Some(mean),
        median_rate: Some(median),
        label: None,
        engagement_index: Some(index),
        growth: None,
        posts_per_week: None,
        quality: Some(quality),
        verified: None,
        has_email: false,
        as_of: None,
    };
    let index = DiscoveryIndex::build(vec![
        // 1,000 followers at 125 %: more engagements than followers; index 9 saturates:
        // 3 tanh(3) = 2.985 × 0.9 × 0.8 (1,000–1,999) × 0.25 (above 100 %) = 0.537.
        row(1, 1_000, 125.0, 120.0, 9.0, 90.0),
        // One 620 % post carries a 63 % mean (median 11.5 %): 3 tanh(4/3) = 2.610 × 0.9 ×
        // 0.3 (under 1,000) × 0.6 (skewed) = 0.423.
        row(2, 900, 63.0, 11.5, 4.0, 90.0),
        // A steady micro channel, twice the rate its size predicts, a clean audience:
        // 3 tanh(2/3) = 1.748 × 0.9 × 1 = 1.574.
        row(3, 12_000, 4.1, 4.0, 2.0, 90.0),
        // The same with a doubtful audience: 1.748 × 0.45 = 0.787.
        row(4, 12_000, 4.1, 4.0, 2.0, 45.0),
        // Typical for its size, micro, clean: 0.965 × 0.9 = 0.868; a macro one: 0.738.
        row(5, 30_000, 2.0, 2.0, 1.0, 90.0),
        row(6, 200_000, 1.0, 1.0, 1.0, 90.0),
    ]);
    let page = index.search(&DiscoveryQuery::everything(), None);
    let got: Vec<i64> = page.hits.iter().map(|h| h.channel_id).collect();
    assert_eq!(got[0], 3, "{:?}", page.hits);
    assert_eq!(&got[3..], [6, 1, 2], "the outliers come last: {:?}", page.hits);
    // The same order when the query is filtered (a scan, not the precomputed order).
    let mut q = DiscoveryQuery::everything();
    q.platforms = vec![Platform::Instagram];
    let scanned: Vec<i64> = index.search(&q, None).hits.iter().map(|h| h.channel_id).collect();
    assert_eq!(scanned, got);
}

#[test]
fn a_peer_group_is_its_channels_median_rates() {
    let row = |id: i64, platform: Platform, followers: u64, mean: f64, median: Option<f64>| IndexedChannel {
        channel_id: id,
        platform,
        followers: Some(followers),
        country: None,
        language: None,
        niches: vec![],
        engagement_rate: Some(mean),
        median_rate: median,
        label: None,
        engagement_index: None,
        growth: None,
        posts_per_week: None,
        quality: None,
        verified: None,
        has_email: false,
        as_of: None,
    };
    let index = DiscoveryIndex::build(vec![
        // Instagram 2–5K: two channels with a median rate, one without.
        row(1, Platform::Instagram, 2_500, 12.8, Some(1.0)),
        row(2, Platform::Instagram, 4_000, 3.0, Some(2.5)),
        row(3, Platform::Instagram, 3_000, 4.0, None),
        // Other buckets and platforms are not peers.
        row(4, Platform::Instagram, 6_000, 5.0, Some(5.0)),
        row(5, Platform::Tiktok, 2_500, 7.0, Some(7.0)),
    ]);
    let mut rates = index.peer_rates(Platform::Instagram, clout_core::Bucket::for_followers(2_500).unwrap());
    rates.sort_by(f64::total_cmp);
    assert_eq!(rates, [1.0, 2.5], "the medians, not the means 12.8 and 3.0");
}

#[test]
fn large_indexes_scanned_on_every_core_agree_with_the_brute_force_scan() {
    // 300,000 rows: enough for every query below to be shared between the cores.
    let rows: Vec<IndexedChannel> = (0..300_000u64)
        .map(|i| IndexedChannel {
            channel_id: i as i64,
            platform: [Platform::Instagram, Platform::Tiktok, Platform::Youtube][(i % 3) as usize],
            followers: Some(500 + (i * 7_919) % 400_000),
            country: Some(COUNTRIES[(i % 4) as usize].to_string()),
            language: (i % 5 != 0).then(|| LANGUAGES[(i % 3) as usize].to_string()),
            niches: vec![NICHES[(i % 4) as usize].to_string()],
            engagement_rate: (i % 11 != 0).then(|| (i % 97) as f64 / 10.0),
            median_rate: None,
            label: None,
            engagement_index: (i % 13 != 0).then(|| (i % 37) as f64 / 10.0),
            growth: None,
            posts_per_week: Some((i % 20) as f64 / 2.0),
            quality: Some((i % 101) as f64),
            verified: Some(i % 50 == 0),
            has_email: i % 3 == 0,
            as_of: None,
        })
        .collect();
    let index = DiscoveryIndex::build(rows.clone());
    let text: HashMap<i64, f64> = (0..300_000i64).filter(|i| i % 4 != 3).map(|i| (i, (i % 17) as f64)).collect();
    let queries = [
        DiscoveryQuery {
            facets: Facets::Conjunctive,
            sort: SortKey::Followers,
            limit: 25,
            offset: 10,
            ..DiscoveryQuery::everything()
        },
        DiscoveryQuery {
            platforms: vec![Platform::Instagram, Platform::Youtube],
            engagement_rate: Bounds { min: Some(2.0), max: Some(8.0) },
            facets: Facets::Conjunctive,
            sort: SortKey::EngagementRate,
            limit: 40,
            ..DiscoveryQuery::everything()
        },
        // Disjunctive facets with two groups chosen: the candidates are the channels on
        // Instagram or YouTube or in the US (225,000), marked in a bitmap.
        DiscoveryQuery {
            platforms: vec![Platform::Instagram, Platform::Youtube],
            countries: vec!["US".to_string()],
            engagement_rate: Bounds { min: Some(2.0), max: Some(8.0) },
            facets: Facets::Disjunctive,
            sort: SortKey::EngagementRate,
            limit: 40,
            ..DiscoveryQuery::everything()
        },
    ];
    for (q, text) in queries.iter().flat_map(|q| [(q, None), (q, Some(&text))]) {
        let page = index.search(q, text);
        let mut expected: Vec<&IndexedChannel> = rows
            .iter()
            .filter(|r| text.is_none_or(|t| t.contains_key(&r.channel_id)))
            .filter(|r| brute_admits(r, q))
            .collect();
        assert_eq!(page.total, expected.len() as u64);
        assert_eq!(facet_maps(&page.facets.unwrap()), reference_facets(&rows, q, text));
        // The page is exactly the brute-force order's slice.
        let key = |r: &IndexedChannel| -> Option<f64> {
            match q.sort {
                SortKey::Followers => r.followers.map(|f| f as f64),
                SortKey::EngagementRate => r.engagement_rate,
                _ => unreachable!(),
            }
        };
        expected.sort_by(|a, b| match (key(a), key(b)) {
            (Some(x), Some(y)) => y.total_cmp(&x).then(a.channel_id.cmp(&b.channel_id)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.channel_id.cmp(&b.channel_id),
        });
        let want: Vec<i64> = expected.iter().skip(q.offset).take(q.limit).map(|r| r.channel_id).collect();
        let got: Vec<i64> = page.hits.iter().map(|h| h.channel_id).collect();
        assert_eq!(got, want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Text matches become ordinals in ascending order with their scores, whether few
    /// (sorted) or most (placed by ordinal) channels match; unknown ids are dropped.
    #[test]
    fn text_matches_become_ascending_ordinals_with_their_scores(
        mut rows in prop::collection::vec(arb_row(), 1..200),
        share in 0u32..=16,
        seed in any::<u64>(),
    ) {
        for (i, r) in rows.iter_mut().enumerate() {
            r.channel_id = 3 * i as i64 + 7;
        }
        let index = DiscoveryIndex::build(rows.clone());
        // Roughly share/16 of the channels match, in a scrambled order, plus ids the index lacks.
        let mut matches: Vec<(i64, f64)> = rows
            .iter()
            .filter(|r| (r.channel_id as u64 ^ seed) % 16 < u64::from(share))
            .map(|r| (r.channel_id, (r.channel_id % 13) as f64 - 2.5))
            .collect();
        matches.reverse();
        matches.push((1, 9.0));
        matches.push((-4, 1.0));
        let hits = index.text_hits(matches.iter().copied());
        let mut want: Vec<(u32, f64)> =
            matches.iter().filter_map(|&(id, s)| index.ordinal(id).map(|o| (o, s))).collect();
        want.sort_by_key(|h| h.0);
        prop_assert_eq!(hits, want);
    }
}

/// `q`'s page by brute force: every matching row scored by the sort, best first (null
/// last, then by id), from the offset.
fn brute_page(rows: &[IndexedChannel], q: &DiscoveryQuery) -> Vec<i64> {
    let score = |r: &IndexedChannel| -> f64 {
        let v = match q.sort {
            SortKey::Relevance => Some(clout_core::discovery::merit(&clout_core::discovery::MeritInputs {
                followers: r.followers,
                engagement_rate: r.engagement_rate,
                median_rate: r.median_rate,
                engagement_index: r.engagement_index,
                quality: r.quality,
            })),
            SortKey::Followers => r.followers.map(|f| f as f64),
            SortKey::EngagementRate => r.engagement_rate,
            SortKey::EngagementIndex => r.engagement_index,
            SortKey::Growth => r.growth,
        };
        v.unwrap_or(f64::NAN)
    };
    let mut matching: Vec<(f64, i64)> =
        rows.iter().filter(|r| brute_admits(r, q)).map(|r| (score(r), r.channel_id)).collect();
    matching.sort_by(|a, b| match (a.0.is_nan(), b.0.is_nan()) {
        (false, false) => b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)),
        (x, y) => x.cmp(&y).then(a.1.cmp(&b.1)),
    });
    matching.into_iter().skip(q.offset).take(q.limit).map(|m| m.1).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The page is exactly the best matches, whichever way it was found: ranked among
    /// the matches (few) or read off the sort's order (many; tests collect at most 4), with
    /// a platform and a tier that narrow each other by runs of ordinals.
    #[test]
    fn pages_are_the_brute_force_best_matches(
        mut rows in prop::collection::vec(arb_row(), 0..150),
        mut q in arb_query(),
        platform in prop::option::of(0usize..3),
        tier in prop::option::of(0usize..Tier::ALL.len()),
    ) {
        for (i, r) in rows.iter_mut().enumerate() {
            r.channel_id = i as i64 * 5 + 2;
        }
        if let Some(p) = platform {
            q.platforms = vec![[Platform::Instagram, Platform::Tiktok, Platform::Youtube][p]];
        }
        if let Some(t) = tier {
            q.tiers = vec![Tier::ALL[t]];
        }
        let index = DiscoveryIndex::build(rows.clone());
        let page = index.search(&q, None);
        prop_assert_eq!(page.hits.iter().map(|h| h.channel_id).collect::<Vec<_>>(), brute_page(&rows, &q));
        prop_assert_eq!(page.total, rows.iter().filter(|r| brute_admits(r, &q)).count() as u64);
    }
}
