//! Each rule of metrics.md, with the expected values worked out by hand in the comments.

use proptest::prelude::*;

use super::*;
use crate::time::DAY;

const AS_OF: Timestamp = Timestamp::from_unix(1_780_000_000);
const HOUR: i64 = 3_600;

fn post(id: &str, seconds_before: i64, likes: u64, comments: u64) -> PostSnapshot {
    PostSnapshot {
        post_id: id.to_string(),
        published_at: AS_OF.minus_seconds(seconds_before),
        likes: Some(likes),
        comments: Some(comments),
        shares: None,
        views: None,
    }
}

fn metrics(platform: Platform, followers: u64, posts: &[PostSnapshot]) -> ChannelMetrics {
    channel_metrics(&ChannelPosts { platform, followers, as_of: AS_OF, posts, follower_history: &[] })
}

fn window_ids(platform: Platform, posts: &[PostSnapshot]) -> Vec<String> {
    engagement_window(platform, AS_OF, posts).posts.iter().map(|&i| posts[i].post_id.clone()).collect()
}

/// Posts `p0`, `p1`, ... published `first_day`, `first_day + 1`, ... days before as_of.
fn daily_posts(n: usize, first_day: i64) -> Vec<PostSnapshot> {
    (0..n).map(|i| post(&format!("p{i:02}"), (first_day + i as i64) * DAY, 10, 1)).collect()
}

#[test]
fn posts_younger_than_24_hours_are_not_eligible() {
    let posts = vec![post("young", 23 * HOUR, 5, 0), post("exactly_a_day", DAY, 5, 0), post("old", 2 * DAY, 5, 0)];
    assert_eq!(window_ids(Platform::Instagram, &posts), ["exactly_a_day", "old"]);
    assert_eq!(window_ids(Platform::Tiktok, &posts), ["exactly_a_day", "old"]);
}

#[test]
fn bluesky_and_mastodon_posts_count_after_24_hours_like_every_platform_but_youtube() {
    // metrics.md names only YouTube's 7 days; Bluesky and Mastodon (interchange v1.1) take the
    // 24 hours of "every other platform": the six-day post counts, the 23-hour one does not.
    let posts = vec![post("young", 23 * HOUR, 5, 0), post("exactly_a_day", DAY, 5, 0), post("six_days", 6 * DAY, 5, 0)];
    assert_eq!(window_ids(Platform::Bluesky, &posts), ["exactly_a_day", "six_days"]);
    assert_eq!(window_ids(Platform::Mastodon, &posts), ["exactly_a_day", "six_days"]);
    assert_eq!(window_ids(Platform::Youtube, &posts), Vec::<String>::new());
}

#[test]
fn youtube_posts_need_seven_days() {
    let posts = vec![
        post("six_days", 6 * DAY, 5, 0),
        post("almost_seven", 7 * DAY - 1, 5, 0),
        post("seven_days", 7 * DAY, 5, 0),
        post("ten_days", 10 * DAY, 5, 0),
    ];
    assert_eq!(window_ids(Platform::Youtube, &posts), ["seven_days", "ten_days"]);
    // The same posts on Instagram: everything older than a day.
    assert_eq!(window_ids(Platform::Instagram, &posts), ["six_days", "almost_seven", "seven_days", "ten_days"]);
}

#[test]
fn twelve_or_more_posts_in_thirty_days_make_a_time_window() {
    // 15 posts on days 2..=16, plus older ones that must stay out.
    let mut posts = daily_posts(15, 2);
    posts.push(post("day_30_exactly", 30 * DAY, 10, 1));
    posts.push(post("day_45", 45 * DAY, 10, 1));
    let window = engagement_window(Platform::Instagram, AS_OF, &posts);
    assert_eq!(window.rule, WindowRule::LastThirtyDays);
    assert_eq!(window.posts.len(), 15, "the post at exactly as_of - 30 days is outside (bound is exclusive)");
    assert_eq!(window.thirty_days_after, AS_OF.minus_days(30));
}

#[test]
fn fewer_than_twelve_posts_in_thirty_days_fall_back_to_the_last_twelve() {
    // 3 recent posts (days 2, 3, 4) and 20 older ones (days 40..59).
    let mut posts = daily_posts(3, 2);
    posts.extend((0..20).map(|i| post(&format!("old{i:02}"), (40 + i) * DAY, 10, 1)));
    let window = engagement_window(Platform::Instagram, AS_OF, &posts);
    assert_eq!(window.rule, WindowRule::LastTwelvePosts);
    let ids: Vec<&str> = window.posts.iter().map(|&i| posts[i].post_id.as_str()).collect();
    assert_eq!(
        ids,
        ["p00", "p01", "p02", "old00", "old01", "old02", "old03", "old04", "old05", "old06", "old07", "old08"]
    );
}

#[test]
fn with_fewer_than_twelve_eligible_posts_the_window_is_all_of_them() {
    let mut posts = daily_posts(8, 50);
    posts.push(post("too_young", HOUR, 10, 1));
    let window = engagement_window(Platform::Instagram, AS_OF, &posts);
    assert_eq!(window.rule, WindowRule::LastTwelvePosts);
    assert_eq!(window.posts.len(), 8);
}

#[test]
fn ties_in_published_at_are_broken_by_post_id_descending() {
    // 11 posts on days 40..50, then two posts at the same instant on day 60: only one fits.
    let mut posts = daily_posts(11, 40);
    posts.push(post("a_tied", 60 * DAY, 10, 1));
    posts.push(post("b_tied", 60 * DAY, 10, 1));
    let ids = window_ids(Platform::Instagram, &posts);
    assert_eq!(ids.len(), 12);
    assert_eq!(ids.last().map(String::as_str), Some("b_tied"));
    assert!(!ids.contains(&"a_tied".to_string()));
    // The order of the input does not matter.
    posts.reverse();
    assert_eq!(window_ids(Platform::Instagram, &posts).last().map(String::as_str), Some("b_tied"));
}

#[test]
fn numeric_post_ids_tie_break_as_numbers() {
    // 11 posts on days 40..50, then "9" and "10" at the same instant: "10" is the larger id.
    let mut posts = daily_posts(11, 40);
    posts.push(post("9", 60 * DAY, 10, 1));
    posts.push(post("10", 60 * DAY, 10, 1));
    let ids = window_ids(Platform::Instagram, &posts);
    assert_eq!(ids.last().map(String::as_str), Some("10"));
    assert_eq!(compare_post_ids("10", "9"), std::cmp::Ordering::Greater);
    assert_eq!(compare_post_ids("b", "a10"), std::cmp::Ordering::Greater);
    assert_eq!(compare_post_ids("0010", "9"), std::cmp::Ordering::Greater);
    assert_ne!(compare_post_ids("007", "7"), std::cmp::Ordering::Equal, "a total order");
}

#[test]
fn mixed_post_ids_are_in_a_total_order() {
    use std::cmp::Ordering::{Greater, Less};
    // Byte order alone would give "10" < "1a" < "9" and numbers "9" < "10": a cycle.
    assert_eq!(compare_post_ids("9", "10"), Less);
    assert_eq!(compare_post_ids("10", "1a"), Less);
    assert_eq!(compare_post_ids("9", "1a"), Less, "an all-digit id comes before any other");
    assert_eq!(compare_post_ids("1a", "9"), Greater);
    // Transitive and antisymmetric over every triple of a mixed set.
    let ids = ["9", "10", "1a", "", "007", "7", "a", "0", "00", "b9", "99"];
    for a in ids {
        assert_eq!(compare_post_ids(a, a), std::cmp::Ordering::Equal);
        for b in ids {
            assert_eq!(compare_post_ids(a, b), compare_post_ids(b, a).reverse(), "{a} vs {b}");
            for c in ids {
                if compare_post_ids(a, b) == Less && compare_post_ids(b, c) == Less {
                    assert_eq!(compare_post_ids(a, c), Less, "{a} < {b} < {c}");
                }
            }
        }
    }
}

#[test]
fn fewer_than_five_window_posts_leave_every_rate_null() {
    let posts = daily_posts(4, 2);
    let m = metrics(Platform::Instagram, 1_000, &posts);
    assert_eq!(m.posts_in_window, 4);
    for rate in [
        m.engagement_rate,
        m.median_engagement_rate,
        m.engagement_rate_by_views,
        m.engagement_cv,
        m.avg_likes,
        m.avg_comments,
        m.comments_per_100_likes,
    ] {
        assert_eq!(rate, Err(NullReason::InsufficientPosts));
    }
    assert_eq!(m.viral_skew, Err(NullReason::InsufficientPosts));
    // Cadence does not depend on the window: 4 posts in 90 days.
    assert!((m.posts_per_week - 4.0 / (90.0 / 7.0)).abs() < 1e-12);
}

#[test]
fn rates_mean_median_skew_and_cv_by_hand() {
    // Followers 1,000; engagements 10, 20, 30, 40, 100 → per-post rates 1, 2, 3, 4, 10 %.
    // Mean 4, median 3, skew: 4 > 4.5 is false.
    // CV: squared deviations 9, 4, 1, 0, 36 → variance 10 → sd √10 → cv √10 / 4.
    let posts: Vec<_> = [10, 20, 30, 40, 100]
        .iter()
        .enumerate()
        .map(|(i, &e)| post(&format!("p{i}"), (i as i64 + 2) * DAY, e - 1, 1))
        .collect();
    let m = metrics(Platform::Instagram, 1_000, &posts);
    assert_eq!(m.posts_in_window, 5);
    assert!((m.engagement_rate.unwrap() - 4.0).abs() < 1e-12);
    assert!((m.median_engagement_rate.unwrap() - 3.0).abs() < 1e-12);
    assert_eq!(m.viral_skew, Ok(false));
    assert!((m.engagement_cv.unwrap() - 10f64.sqrt() / 4.0).abs() < 1e-12);
    // Likes 9+19+29+39+99 = 195 over 5 posts; comments 1 each.
    assert!((m.avg_likes.unwrap() - 39.0).abs() < 1e-12);
    assert!((m.avg_comments.unwrap() - 1.0).abs() < 1e-12);
    assert!((m.comments_per_100_likes.unwrap() - 100.0 * 5.0 / 195.0).abs() < 1e-12);
    assert_eq!(m.avg_shares, Err(NullReason::NotExposed));
    assert_eq!(m.avg_views, Err(NullReason::NoViews));
    assert_eq!(m.engagement_rate_by_views, Err(NullReason::NoViews));
}

#[test]
fn one_viral_post_sets_viral_skew() {
    // Rates 1, 2, 3, 4, 20 → mean 6 > 1.5 × median 3 = 4.5.
    let posts: Vec<_> = [10, 20, 30, 40, 200]
        .iter()
        .enumerate()
        .map(|(i, &e)| post(&format!("p{i}"), (i as i64 + 2) * DAY, e, 0))
        .collect();
    let m = metrics(Platform::Instagram, 1_000, &posts);
    assert!((m.engagement_rate.unwrap() - 6.0).abs() < 1e-12);
    assert_eq!(m.viral_skew, Ok(true));
}

#[test]
fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
    // Rates 1, 2, 3, 4, 5, 100 → median (3 + 4) / 2.
    let posts: Vec<_> = [10, 20, 30, 40, 50, 1000]
        .iter()
        .enumerate()
        .map(|(i, &e)| post(&format!("p{i}"), (i as i64 + 2) * DAY, e, 0))
        .collect();
    let m = metrics(Platform::Instagram, 1_000, &posts);
    assert!((m.median_engagement_rate.unwrap() - 3.5).abs() < 1e-12);
}

#[test]
fn hidden_counts_count_as_zero_and_shares_add_in() {
    // Likes hidden on every post, 4 comments and 6 shares each → 10 engagements = 1 % of 1,000.
    let posts: Vec<_> = (0..5)
        .map(|i| PostSnapshot { likes: None, shares: Some(6), ..post(&format!("p{i}"), (i + 2) * DAY, 0, 4) })
        .collect();
    let m = metrics(Platform::Tiktok, 1_000, &posts);
    assert!((m.engagement_rate.unwrap() - 1.0).abs() < 1e-12);
    assert_eq!(m.avg_likes, Err(NullReason::NotExposed));
    assert!((m.avg_shares.unwrap() - 6.0).abs() < 1e-12);
    assert_eq!(m.comments_per_100_likes, Err(NullReason::NoLikes));
}

#[test]
fn the_rate_by_views_uses_only_posts_with_views_and_needs_five() {
    // Six posts: 50 engagements each; views 1000, 2000, 500, 1000, 0, 1000 (one with zero).
    // Five with views > 0: 5 %, 2.5 %, 10 %, 5 %, 5 % → mean 5.5 %.
    let views = [Some(1000), Some(2000), Some(500), Some(1000), Some(0), Some(1000)];
    let posts: Vec<_> = views
        .iter()
        .enumerate()
        .map(|(i, &v)| PostSnapshot { views: v, ..post(&format!("p{i}"), (i as i64 + 2) * DAY, 40, 10) })
        .collect();
    let m = metrics(Platform::Youtube, 10_000, &shift_for_youtube(&posts));
    assert!((m.engagement_rate_by_views.unwrap() - 5.5).abs() < 1e-12);
    // avg_views counts every post with a views count, zero included: 5500 / 6.
    assert!((m.avg_views.unwrap() - 5500.0 / 6.0).abs() < 1e-9);

    let mut four = posts.clone();
    four[0].views = None;
    let m = metrics(Platform::Youtube, 10_000, &shift_for_youtube(&four));
    assert_eq!(m.engagement_rate_by_views, Err(NullReason::NoViews));
}

fn shift_for_youtube(posts: &[PostSnapshot]) -> Vec<PostSnapshot> {
    posts.iter().map(|p| PostSnapshot { published_at: p.published_at.minus_days(7), ..p.clone() }).collect()
}

#[test]
fn zero_followers_leave_rates_null_with_their_reason() {
    let m = metrics(Platform::Instagram, 0, &daily_posts(6, 2));
    assert_eq!(m.engagement_rate, Err(NullReason::NoFollowers));
    assert_eq!(m.viral_skew, Err(NullReason::NoFollowers));
    assert_eq!(m.engagement_cv, Err(NullReason::NoFollowers));
    // Averages are counts, not rates: still there.
    assert!((m.avg_likes.unwrap() - 10.0).abs() < 1e-12);
}

#[test]
fn zero_engagement_gives_a_zero_rate_and_no_cv() {
    let posts: Vec<_> = (0..5).map(|i| post(&format!("p{i}"), (i + 2) * DAY, 0, 0)).collect();
    let m = metrics(Platform::Instagram, 500, &posts);
    assert_eq!(m.engagement_rate, Ok(0.0));
    assert_eq!(m.engagement_cv, Err(NullReason::ZeroEngagement));
    assert_eq!(m.viral_skew, Ok(false));
}

#[test]
fn posts_per_week_counts_ninety_days_including_young_posts() {
    // In (as_of - 90 d, as_of]: the 1-hour-old post, day 10, day 89. Not day 90, not a future post.
    let posts = vec![
        post("young", HOUR, 1, 0),
        post("d10", 10 * DAY, 1, 0),
        post("d89", 89 * DAY, 1, 0),
        post("d90", 90 * DAY, 1, 0),
        post("future", -HOUR, 1, 0),
    ];
    assert!((posts_per_week(AS_OF, &posts) - 3.0 * 7.0 / 90.0).abs() < 1e-12);
}

#[test]
fn growth_uses_the_newest_count_at_or_before_thirty_days() {
    let history =
        [(AS_OF.minus_days(40), 800), (AS_OF.minus_days(31), 900), (AS_OF.minus_days(29), 950), (AS_OF, 1_000)];
    // f0 = 900 → (1000 - 900) / 900 × 100.
    assert!((follower_growth(1_000, AS_OF, &history).unwrap() - 100.0 / 9.0).abs() < 1e-12);
    // An observation at exactly as_of - 30 days is used.
    let exact = [(AS_OF.minus_days(30), 1_250), (AS_OF.minus_days(31), 1)];
    assert!((follower_growth(1_000, AS_OF, &exact).unwrap() - -20.0).abs() < 1e-12);
}

#[test]
fn growth_without_old_enough_history_is_null() {
    assert_eq!(follower_growth(1_000, AS_OF, &[]), Err(NullReason::NoHistory));
    let recent = [(AS_OF.minus_days(29), 900), (AS_OF, 1_000)];
    assert_eq!(follower_growth(1_000, AS_OF, &recent), Err(NullReason::NoHistory));
    let zero = [(AS_OF.minus_days(35), 0)];
    assert_eq!(follower_growth(1_000, AS_OF, &zero), Err(NullReason::ZeroBase));
}

fn arb_posts() -> impl Strategy<Value = Vec<PostSnapshot>> {
    prop::collection::vec(
        (0i64..120 * DAY, 0u64..5_000, 0u64..500, prop::option::of(0u64..100), prop::option::of(0u64..50_000)),
        0..60,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (before, likes, comments, shares, views))| PostSnapshot {
                post_id: format!("{i}"),
                published_at: AS_OF.minus_seconds(before),
                likes: Some(likes),
                comments: Some(comments),
                shares,
                views,
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn rates_are_non_negative_and_the_median_lies_between_the_extremes(
        posts in arb_posts(), followers in 1u64..1_000_000,
    ) {
        let m = metrics(Platform::Instagram, followers, &posts);
        let n = m.posts_in_window as usize;
        prop_assert!(n <= posts.len());
        if n < MIN_WINDOW_POSTS {
            prop_assert_eq!(m.engagement_rate, Err(NullReason::InsufficientPosts));
        } else {
            let rates: Vec<f64> = m.window.posts.iter().map(|&i| posts[i].rate(followers).unwrap()).collect();
            let lo = rates.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = rates.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let rate = m.engagement_rate.unwrap();
            let median = m.median_engagement_rate.unwrap();
            prop_assert!(rate >= lo - 1e-9 && rate <= hi + 1e-9);
            prop_assert!(median >= lo && median <= hi);
            if let Ok(cv) = m.engagement_cv { prop_assert!(cv >= 0.0); }
        }
    }

    #[test]
    fn the_window_holds_only_eligible_posts_newest_first(posts in arb_posts()) {
        let w = engagement_window(Platform::Instagram, AS_OF, &posts);
        let eligible = posts.iter().filter(|p| p.published_at <= AS_OF.minus_days(1)).count();
        let recent = posts.iter().filter(|p| p.published_at <= AS_OF.minus_days(1) && p.published_at > AS_OF.minus_days(30)).count();
        prop_assert_eq!(w.posts.len(), if recent >= 12 { recent } else { eligible.min(12) });
        for pair in w.posts.windows(2) {
            let (a, b) = (&posts[pair[0]], &posts[pair[1]]);
            prop_assert!(a.published_at > b.published_at || (a.published_at == b.published_at && a.post_id > b.post_id));
        }
    }
}
