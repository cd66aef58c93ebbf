//! The post index on hand-made posts, each expected hit worked out by reading them.

use super::*;

const DAY: i64 = 86_400;
const T0: i64 = 1_790_000_000;

/// (post id, channel, platform, days after T0, sponsored, caption, hashtags, mentions)
type Row = (i64, i64, u8, i64, bool, &'static str, &'static str, &'static str);

const POSTS: &[Row] = &[
    (1, 10, 0, 0, false, "Creatine before my morning workouts", "gym fitness", ""),
    (2, 10, 0, 10, true, "Loving these running shoes, thanks @Nike.Running!", "ad", ""),
    (3, 10, 0, 20, false, "Post-workout shake with creatine and oats", "", ""),
    (4, 11, 1, 5, false, "Meal prep for the week #mealprep #Self_Care", "", ""),
    (5, 11, 1, 15, true, "Our new serum", "skincare glowlab", "glowlab"),
    (6, 12, 0, 25, false, "creatine creatine creatine", "", ""),
    (7, 12, 0, 30, false, "Write to me@mail.com about creatine", "", "fitfuel,@brewhaus"),
    (8, 13, 2, 1, false, "", "creatine", ""),
];

fn index() -> PostIndex {
    let index = PostIndex::in_memory();
    let mut w = index.writer(1).unwrap();
    for &(post_id, channel_id, platform, day, sponsored, caption, hashtags, mentions) in POSTS {
        let doc = PostDoc {
            post_id,
            channel_id,
            platform,
            published_at: T0 + day * DAY,
            sponsored,
            engagements: post_id as u64 * 10,
            kind: (post_id % 3) as u8,
            caption,
            hashtags,
            mentions,
        };
        w.add(&doc).unwrap();
    }
    w.commit("v1").unwrap();
    index
}

fn q(text: &str) -> TextQuery {
    TextQuery::parse(text).unwrap().unwrap()
}

fn ids(page: &PostPage) -> Vec<i64> {
    page.hits.iter().map(|h| h.post_id).collect()
}

fn search(index: &PostIndex, text: &str, filter: &PostFilter, sort: PostSort) -> PostPage {
    index.reader().unwrap().unwrap().search(&q(text), filter, sort, 0, 50).unwrap()
}

#[test]
fn words_match_captions_and_hashtags_stemmed_and_newest_first_when_asked() {
    let index = index();
    let all = PostFilter::default();
    // "creatine" is in the captions of 1, 3, 6 and 7 and the hashtags of 8; the
    // newest first: 7 (day 30), 6 (25), 3 (20), 8 (1), 1 (0).
    let page = search(&index, "creatine", &all, PostSort::Newest);
    assert_eq!(page.total, 5);
    assert_eq!(ids(&page), [7, 6, 3, 8, 1]);
    // "workout" stems "workouts" (1) and "Post-workout" (3).
    assert_eq!(ids(&search(&index, "workout creatine", &all, PostSort::Newest)), [3, 1]);
    // A phrase is its words side by side: only 1 has "morning workouts".
    assert_eq!(ids(&search(&index, "\"morning workout\"", &all, PostSort::Newest)), [1]);
    // Relevance: among the captions, 6 says it three times in three words, so it ranks
    // above 1, 3 and 7, which say it once in five or more.
    let ranked = ids(&search(&index, "creatine", &all, PostSort::Relevance));
    let at = |id: i64| ranked.iter().position(|&p| p == id).unwrap();
    assert!(at(6) < at(1) && at(6) < at(3) && at(6) < at(7), "{ranked:?}");
}

#[test]
fn hashtags_and_mentions_match_only_their_own_lists_including_the_captions_own() {
    let index = index();
    let all = PostFilter::default();
    // #mealprep and #self_care are written in 4's caption only.
    assert_eq!(ids(&search(&index, "#mealprep", &all, PostSort::Newest)), [4]);
    assert_eq!(ids(&search(&index, "#self_care", &all, PostSort::Newest)), [4]);
    // "creatine" is a hashtag of 8 only, though four captions say it.
    assert_eq!(ids(&search(&index, "#creatine", &all, PostSort::Newest)), [8]);
    // @nike.running is written in 2's caption; @glowlab is 5's mention (and hashtag).
    assert_eq!(ids(&search(&index, "@nike.running", &all, PostSort::Newest)), [2]);
    assert_eq!(ids(&search(&index, "@NIKE.RUNNING", &all, PostSort::Newest)), [2]);
    assert_eq!(ids(&search(&index, "@glowlab", &all, PostSort::Newest)), [5]);
    // A mention is whole: @nike is not @nike.running; an email address mentions no one.
    assert_eq!(search(&index, "@nike", &all, PostSort::Newest).total, 0);
    assert_eq!(search(&index, "@mail.com", &all, PostSort::Newest).total, 0);
    // Stored mentions are split on commas and lose their `@`.
    assert_eq!(ids(&search(&index, "@brewhaus", &all, PostSort::Newest)), [7]);
    assert_eq!(ids(&search(&index, "@fitfuel creatine", &all, PostSort::Newest)), [7]);
}

#[test]
fn platform_dates_and_the_sponsored_flag_filter_and_the_total_counts_every_match() {
    let index = index();
    let days = |from: i64, to: i64| PostFilter {
        since: Some(T0 + from * DAY),
        until: Some(T0 + to * DAY),
        ..PostFilter::default()
    };
    // Days 10 to 25 (25 excluded): of the creatine posts only 3 (day 20).
    assert_eq!(ids(&search(&index, "creatine", &days(10, 25), PostSort::Newest)), [3]);
    // Since day 20 (inclusive): 3, 6, 7.
    let since = PostFilter { since: Some(T0 + 20 * DAY), ..PostFilter::default() };
    assert_eq!(search(&index, "creatine", &since, PostSort::Newest).total, 3);
    // Platform 2 only: 8.
    let platform = PostFilter { platforms: vec![2], ..PostFilter::default() };
    assert_eq!(ids(&search(&index, "creatine", &platform, PostSort::Newest)), [8]);
    let sponsored = PostFilter { sponsored: Some(true), ..PostFilter::default() };
    assert_eq!(ids(&search(&index, "thanks", &sponsored, PostSort::Newest)), [2]);
    let organic = PostFilter { sponsored: Some(false), ..PostFilter::default() };
    assert_eq!(search(&index, "thanks", &organic, PostSort::Newest).total, 0);
    // A page past the first: the total is all five, the page the last two.
    let reader = index.reader().unwrap().unwrap();
    let page = reader.search(&q("creatine"), &PostFilter::default(), PostSort::Newest, 3, 10).unwrap();
    assert_eq!((page.total, ids(&page)), (5, vec![8, 1]));
}

#[test]
fn channels_posting_count_their_matching_posts_within_the_filter() {
    let index = index();
    let reader = index.reader().unwrap().unwrap();
    let at_least = |min: u32, filter: &PostFilter| {
        let mut c = reader.channels_posting(&q("creatine"), filter, min).unwrap();
        c.sort_unstable();
        c
    };
    let all = PostFilter::default();
    // Channel 10: posts 1 and 3; 12: 6 and 7; 13: 8.
    assert_eq!(at_least(1, &all), [(10, 2), (12, 2), (13, 1)]);
    assert_eq!(at_least(2, &all), [(10, 2), (12, 2)]);
    assert_eq!(at_least(3, &all), []);
    // Since day 20: channel 10 keeps only 3, channel 12 both.
    let since = PostFilter { since: Some(T0 + 20 * DAY), ..PostFilter::default() };
    assert_eq!(at_least(2, &since), [(12, 2)]);
}

#[test]
fn a_channels_posts_are_replaced_together_and_a_commit_carries_its_stamp() {
    let index = index();
    let mut w = index.writer(1).unwrap();
    w.remove_channel(12);
    // Post 1's caption changes: removed by its id and added again.
    w.remove_post(1);
    let changed = PostDoc {
        post_id: 1,
        channel_id: 10,
        platform: 0,
        published_at: T0,
        sponsored: false,
        engagements: 5,
        kind: 0,
        caption: "Coffee first",
        hashtags: "",
        mentions: "",
    };
    w.add(&changed).unwrap();
    let doc = PostDoc {
        post_id: 9,
        channel_id: 12,
        platform: 0,
        published_at: T0,
        sponsored: false,
        engagements: 0,
        kind: 0,
        caption: "no more supplements",
        hashtags: "",
        mentions: "",
    };
    w.add(&doc).unwrap();
    w.commit("v2").unwrap();
    let reader = index.reader().unwrap().unwrap();
    assert_eq!(reader.stamp(), Some("v2"));
    assert_eq!(reader.posts(), 7);
    assert_eq!(ids(&search(&index, "creatine", &PostFilter::default(), PostSort::Newest)), [3, 8]);
    assert_eq!(ids(&search(&index, "coffee", &PostFilter::default(), PostSort::Newest)), [1]);
    assert_eq!(ids(&search(&index, "supplements", &PostFilter::default(), PostSort::Newest)), [9]);
}

#[test]
fn the_facts_of_every_match_carry_channel_time_sponsorship_and_engagements() {
    let index = index();
    let reader = index.reader().unwrap().unwrap();
    let since = PostFilter { since: Some(T0 + 20 * DAY), ..PostFilter::default() };
    let mut facts = reader.facts(&q("creatine"), &since).unwrap();
    facts.sort_by_key(|f| f.post_id);
    // Posts 3 (channel 10, day 20), 6 and 7 (channel 12, days 25 and 30); engagements are
    // ten times the id in this index.
    let got: Vec<(i64, i64, i64, bool, u64)> = facts
        .iter()
        .map(|f| (f.post_id, f.channel_id, (f.published_at - T0) / DAY, f.sponsored, f.engagements))
        .collect();
    assert_eq!(got, [(3, 10, 20, false, 30), (6, 12, 25, false, 60), (7, 12, 30, false, 70)]);
    let sponsored = reader.facts(&q("@nike.running"), &PostFilter::default()).unwrap();
    assert_eq!(sponsored.iter().map(|f| (f.post_id, f.sponsored)).collect::<Vec<_>>(), [(2, true)]);
}

#[test]
fn channels_far_apart_are_counted_too() {
    // Channel ids too spread for a dense array of counts in one segment.
    let index = PostIndex::in_memory();
    let mut w = index.writer(1).unwrap();
    for (post_id, channel_id) in [(1, 5), (2, 9_000_000), (3, 9_000_000)] {
        let doc = PostDoc {
            post_id,
            channel_id,
            platform: 0,
            published_at: T0,
            sponsored: false,
            engagements: 0,
            kind: 0,
            caption: "creatine",
            hashtags: "",
            mentions: "",
        };
        w.add(&doc).unwrap();
    }
    w.commit("v").unwrap();
    let reader = index.reader().unwrap().unwrap();
    let mut found = reader.channels_posting(&q("creatine"), &PostFilter::default(), 1).unwrap();
    found.sort_unstable();
    assert_eq!(found, [(5, 1), (9_000_000, 2)]);
}

#[test]
fn a_brand_is_its_account_or_its_whole_hashtag_never_a_longer_one() {
    let index = PostIndex::in_memory();
    let mut w = index.writer(1).unwrap();
    // (id, caption, hashtags, mentions)
    let posts = [
        (1, "New shoes from @Nike!", "", ""),
        (2, "Race day", "nike", ""),
        (3, "Race day", "nikes", ""),
        (4, "Glow", "glow lab", ""),
        (5, "Both", "nike", "nike"),
        (6, "Running", "", "nike.running"),
    ];
    for (post_id, caption, hashtags, mentions) in posts {
        let doc = PostDoc {
            post_id,
            channel_id: post_id,
            platform: 0,
            published_at: T0,
            sponsored: false,
            engagements: 1,
            kind: 0,
            caption,
            hashtags,
            mentions,
        };
        w.add(&doc).unwrap();
    }
    w.commit("v").unwrap();
    let reader = index.reader().unwrap().unwrap();
    // Each post is its own channel here, with one engagement.
    let brand = |account: &str, tag: &str| {
        let tally = reader.brand_tally(account, tag, &PostFilter::default()).unwrap();
        let mut ids: Vec<i64> = tally.channels.keys().copied().collect();
        ids.sort_unstable();
        let posts: u64 = tally.channels.values().map(|t| t.posts).sum();
        (ids, posts)
    };
    // 1 mentions @nike in its caption, 2 and 5 tag #nike (5 also mentions it: counted
    // once); #nikes and @nike.running are other names.
    assert_eq!(brand("nike", "nike"), (vec![1, 2, 5], 3));
    assert_eq!(brand("glow_lab", "glow_lab"), (vec![], 0), "#glow #lab is not #glow_lab");
}

#[test]
fn a_brand_tally_adds_up_per_channel_and_per_day_across_segments() {
    let index = PostIndex::in_memory();
    // (post, channel, day, sponsored, engagements, mentions), in two commits: two segments.
    let first = [(1, 7, 0, true, 10, "acme"), (2, 7, 3, false, 5, "acme"), (3, 8, 3, true, 2, "acme")];
    let second = [(4, 7, 0, false, 3, "acme"), (5, 7, 1, true, 100, "other"), (6, 9, 40, false, 1, "acme")];
    for batch in [first, second] {
        let mut w = index.writer(1).unwrap();
        for (post_id, channel_id, day, sponsored, engagements, mentions) in batch {
            let doc = PostDoc {
                post_id,
                channel_id,
                platform: 0,
                published_at: T0 + day * DAY + 60,
                sponsored,
                engagements,
                kind: 0,
                caption: "",
                hashtags: "",
                mentions,
            };
            w.add(&doc).unwrap();
        }
        w.commit("v").unwrap();
    }
    let reader = index.reader().unwrap().unwrap();
    let all = reader.brand_tally("acme", "acme", &PostFilter::default()).unwrap();
    // Channel 7: posts 1, 2 and 4 (5 is about another brand): 1 sponsored with 10 of the
    // 18 engagements, from day 0 to day 3.
    let t = PostTally {
        posts: 3,
        sponsored: 1,
        engagements: 18,
        sponsored_engagements: 10,
        first: T0 + 60,
        last: T0 + 3 * DAY + 60,
    };
    assert_eq!(all.channels[&7], t);
    assert_eq!((all.channels[&8].posts, all.channels[&8].sponsored_engagements), (1, 2));
    assert_eq!(all.channels.len(), 3);
    // T0 is 2026-09-21T14:13:20Z, so post times fall on day T0 / DAY + n.
    let day = |n: i64| (T0 + 60).div_euclid(DAY) + n;
    assert_eq!((all.days[&day(0)].posts, all.days[&day(0)].engagements), (2, 13));
    assert_eq!((all.days[&day(3)].posts, all.days[&day(3)].sponsored), (2, 1));
    assert_eq!(all.days[&day(40)].posts, 1);
    assert_eq!(all.days.len(), 3);
    // A period: from day 1 on, channel 7 keeps post 2 only.
    let since = PostFilter { since: Some(T0 + DAY), ..PostFilter::default() };
    let later = reader.brand_tally("acme", "acme", &since).unwrap();
    assert_eq!((later.channels[&7].posts, later.channels[&7].engagements), (1, 5));
}

#[test]
fn any_of_several_queries_counts_per_channel_and_a_channels_own_posts_are_found_by_format_too() {
    let index = index();
    let reader = index.reader().unwrap().unwrap();
    let all = PostFilter::default();
    let sorted = |mut v: Vec<(i64, u32)>| {
        v.sort_unstable();
        v
    };
    // "creatine" is in 1 and 3 (channel 10), 6 and 7 (12), 8 (13); #mealprep in 4 (11).
    let any = [q("creatine"), q("#mealprep")];
    assert_eq!(sorted(reader.channels_posting_any(&any, &all).unwrap()), [(10, 2), (11, 1), (12, 2), (13, 1)]);
    // Formats are post id % 3 here: format 1 is posts 1, 4 and 7, one per channel 10, 11, 12.
    let format1 = PostFilter { kinds: vec![1], ..PostFilter::default() };
    assert_eq!(sorted(reader.channels_posting_any(&any, &format1).unwrap()), [(10, 1), (11, 1), (12, 1)]);
    // No query: every post of the format (2, 5, 8: channels 10, 11, 13).
    let format2 = PostFilter { kinds: vec![2], ..PostFilter::default() };
    assert_eq!(sorted(reader.channels_posting_any(&[], &format2).unwrap()), [(10, 1), (11, 1), (13, 1)]);
    // Channel 12's creatine posts: 6 says it three times, so it comes before 7.
    let page = reader.search_channel(12, &[q("creatine")], &all, 5).unwrap();
    assert_eq!((page.total, ids(&page)), (2, vec![6, 7]));
    // Channel 10: "workout" (1 and 3) or "shoes" (2): all three; the best one only.
    let page = reader.search_channel(10, &[q("workout"), q("shoes")], &all, 1).unwrap();
    assert_eq!((page.total, page.hits.len()), (3, 1));
    // Another channel's posts never come with it.
    assert_eq!(reader.search_channel(13, &[q("workout")], &all, 5).unwrap().total, 0);
}
