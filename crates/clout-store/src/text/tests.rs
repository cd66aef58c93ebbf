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

// Which channels a query matches, hostile queries included, is tested against both
// engines side by side: `clout_app::text_index::tests`.

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
