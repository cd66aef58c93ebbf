use clout_core::text::TextQuery;

use super::*;
use crate::SearchText;

fn query(text: &str) -> TextQuery {
    TextQuery::parse(text).unwrap().unwrap()
}

#[test]
fn every_part_of_a_query_is_quoted_and_anded() {
    assert_eq!(fts5_query(&query("vegan")), r#""vegan""#);
    assert_eq!(
        fts5_query(&query(r#"vegan "meal prep" #PlantBased"#)),
        r#""vegan" AND "meal prep" AND hashtags : "plantbased""#
    );
    // FTS5 operators and punctuation from the user are only words, never syntax.
    assert_eq!(fts5_query(&query("a OR b*")), r#""a" AND "OR" AND "b*""#);
    // A hashtag keeps its inner punctuation, so the stored tag's words match as a phrase.
    assert_eq!(fts5_query(&query("#Self_Care")), r#"hashtags : "self_care""#);
    assert_eq!(fts5_query(&query("a\0b")), r#""a" AND "b""#);
    // Words first, then phrases, then hashtags, whatever order they were typed in.
    assert_eq!(fts5_query(&query(r#"#yoga "a b" c"#)), r#""c" AND "a b" AND hashtags : "yoga""#);
}

fn store_with_texts() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let text = |id: i64, name: &str, bio: &str, captions: &str, hashtags: &str| SearchText {
        channel_id: id,
        handle: format!("c{id}"),
        name: name.to_string(),
        bio: bio.to_string(),
        captions: captions.to_string(),
        hashtags: hashtags.to_string(),
    };
    let texts = [
        text(1, "Ana", "Morning yoga and pilates", "", ""),
        text(2, "bio: vegan recipes", "", "", ""),
        text(3, "", "vegan recipes", "", ""),
        text(4, "", "near yoga studio, pilates classes", "", ""),
        text(5, "", "", "yogalates every day", ""),
        text(6, "", "vegan or yoga, you choose", "", ""),
        text(7, "", "", "", "vegan self_care"),
    ];
    store.replace_niches(&[], &texts).unwrap();
    store
}

fn matches(store: &Store, text: &str) -> Vec<i64> {
    let q = query(text);
    let mut ranked: Vec<i64> = store.text_matches(&q).unwrap().into_keys().collect();
    ranked.sort();
    let unranked = store.text_matches_unranked(&q).unwrap();
    assert!(unranked.values().all(|&score| score == 0.0), "{text}: unranked scores are 0");
    let mut unranked: Vec<i64> = unranked.into_keys().collect();
    unranked.sort();
    assert_eq!(ranked, unranked, "{text}: the same channels with or without scores");
    ranked
}

#[test]
fn a_hostile_query_is_matched_literally() {
    let store = store_with_texts();
    // A column filter is two words side by side: channel 2 has them in its name; channel
    // 3's bio says vegan, which `bio:vegan` as FTS5 syntax would have found.
    assert_eq!(matches(&store, "bio:vegan"), [2]);
    assert_eq!(matches(&store, "hashtags:vegan"), [] as [i64; 0]);
    // NEAR is a word: only channel 4 says "near yoga" (and pilates).
    assert_eq!(matches(&store, "NEAR(yoga pilates)"), [4]);
    // A trailing `*` is no prefix: "yogalates" (channel 5) is not "yoga".
    assert_eq!(matches(&store, "yoga*"), [1, 4, 6]);
    // A leading `^` does not pin the word to the start of a column (none starts with yoga).
    assert_eq!(matches(&store, "^yoga"), [1, 4, 6]);
    assert_eq!(matches(&store, "(yoga"), [1, 4, 6]);
    // OR, AND and NOT are words every match must contain.
    assert_eq!(matches(&store, "vegan OR yoga"), [6]);
    assert_eq!(matches(&store, "yoga AND"), [1]);
    assert_eq!(matches(&store, "vegan NOT recipes"), [] as [i64; 0]);
    // A phrase is its words side by side; a hashtag is looked for among hashtags only.
    assert_eq!(matches(&store, r#""near yoga""#), [4]);
    assert_eq!(matches(&store, "#vegan"), [7]);
    assert_eq!(matches(&store, "#Self_Care"), [7]);
}

#[test]
fn matches_in_the_name_score_above_matches_in_captions() {
    let mut store = Store::open_in_memory().unwrap();
    let text = |id: i64, name: &str, captions: &str| SearchText {
        channel_id: id,
        handle: format!("c{id}"),
        name: name.to_string(),
        captions: captions.to_string(),
        ..SearchText::default()
    };
    // Three channels without the word, so that it is rare enough to score.
    let texts =
        [text(1, "", "kombucha"), text(2, "kombucha", ""), text(3, "tea", ""), text(4, "", "tea"), text(5, "", "")];
    store.replace_niches(&[], &texts).unwrap();
    let scores = store.text_matches(&query("kombucha")).unwrap();
    assert!(scores[&2] > scores[&1], "{scores:?}");
}
