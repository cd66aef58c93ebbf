//! The channel interface's contract on both backends (see the parent module): text search
//! (`clout_store::api::text`) here, niche labels and the searchable text they are written
//! with in `text/niches.rs`.
//!
//! Words are chosen that both stemmers reduce alike: SQLite's FTS5 stems with Porter's
//! first version, PostgreSQL with Snowball's English (Porter's second), and the two differ
//! on words such as `news`, `generously`, `communication`, `dying` or `skies`.

use std::collections::HashMap;

use clout_core::text::TextQuery;
use clout_core::{FollowerObservation, Handle, Platform, Record};
use clout_store::{RunStatus, SearchText};

use super::{Backend, backends, t};

mod niches;

fn query(text: &str) -> TextQuery {
    TextQuery::parse(text).unwrap().unwrap()
}

/// Imports more channels by follower counts; their ids, in the order named.
fn more_channels(s: &mut dyn Backend, handles: &[&str]) -> Vec<i64> {
    let mut run = s.begin_run(t(2_000), &["more.ndjson".to_string()]).unwrap();
    let source = run.source_id("more.ndjson").unwrap();
    let records: Vec<Record> = handles
        .iter()
        .map(|h| {
            Record::Followers(FollowerObservation {
                platform: Platform::Instagram,
                handle: Handle::parse(h).unwrap(),
                observed_at: t(1_900),
                followers: 1_000,
                extra: None,
            })
        })
        .collect();
    run.write_batch(&records, source, &[]).unwrap();
    let ids = run.touched_channel_ids();
    run.finish(RunStatus::Completed, t(2_000), None).unwrap();
    assert_eq!(ids.len(), handles.len());
    ids
}

/// A channel's searchable text: `[handle, name, bio, captions, hashtags]`.
fn text(channel_id: i64, [handle, name, bio, captions, hashtags]: [&str; 5]) -> SearchText {
    SearchText {
        channel_id,
        handle: handle.into(),
        name: name.into(),
        bio: bio.into(),
        captions: captions.into(),
        hashtags: hashtags.into(),
    }
}

/// The channels matching `q`, ascending; checks that the unranked search finds the same,
/// each scored 0.
fn found(name: &str, s: &dyn Backend, q: &str) -> Vec<i64> {
    let ranked = s.text_matches(&query(q)).unwrap();
    let unranked = s.text_matches_unranked(&query(q)).unwrap();
    let mut ids: Vec<i64> = ranked.keys().copied().collect();
    ids.sort_unstable();
    let mut same: Vec<i64> = unranked.keys().copied().collect();
    same.sort_unstable();
    assert_eq!(same, ids, "{name}: unranked {q:?}");
    assert!(unranked.values().all(|v| *v == 0.0), "{name}: {unranked:?}");
    ids
}

#[test]
fn a_word_matches_its_other_english_forms_in_any_field_ignoring_case() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let more = more_channels(s.as_mut(), &["grill", "pantry"]);
        let (grill, pantry) = (more[0], more[1]);
        let texts = [
            text(chef, ["chef", "Running Club", "", "", ""]),
            text(baker, ["baker", "", "I bake every morning", "cooking classes", ""]),
            text(grill, ["grill", "", "", "", "cooks bbq"]),
            text(pantry, ["pantry", "", "", "RECIPES for weeknights", ""]),
        ];
        s.replace_niches(&[], &texts).unwrap();
        let want: [(&str, Vec<i64>); 9] = [
            ("runs", vec![chef]),
            ("RUN", vec![chef]),
            ("cooked", vec![baker, grill]),
            ("recipe", vec![pantry]),
            ("Every", vec![baker]),
            ("baking", vec![baker]),
            ("grill", vec![grill]),
            // Every word is required.
            ("cook morning", vec![baker]),
            ("cook club", vec![]),
        ];
        for (q, ids) in want {
            assert_eq!(found(name, s.as_ref(), q), ids, "{name}: {q}");
        }
    }
}

#[test]
fn a_phrase_matches_its_words_side_by_side_in_order_within_one_field() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let more = more_channels(s.as_mut(), &["split", "sunday"]);
        let (split, sunday) = (more[0], more[1]);
        let texts = [
            text(chef, ["chef", "", "Plant based meal prep for busy people", "", ""]),
            text(baker, ["baker", "", "prep your meal with plants", "", ""]),
            // The name ends with one word, the bio starts with the next.
            text(split, ["split", "my meal", "prep daily", "", ""]),
            // Punctuation separates words.
            text(sunday, ["sunday", "", "", "Meal-prep Sunday!\nsecond line", ""]),
        ];
        s.replace_niches(&[], &texts).unwrap();
        let want: [(&str, Vec<i64>); 10] = [
            ("\"meal prep\"", vec![chef, sunday]),
            ("\"Meal  PREP\"", vec![chef, sunday]),
            ("\"prep meal\"", vec![]),
            ("meal prep", vec![chef, baker, split, sunday]),
            // Words of a phrase are stemmed too.
            ("\"plants based\"", vec![chef]),
            ("\"based plant\"", vec![]),
            ("\"meal prep\" busy", vec![chef]),
            // A word holding punctuation is its words side by side.
            ("meal-prep", vec![chef, sunday]),
            ("busy.people", vec![chef]),
            ("people.busy", vec![]),
        ];
        for (q, ids) in want {
            assert_eq!(found(name, s.as_ref(), q), ids, "{name}: {q}");
        }
    }
}

#[test]
fn a_hashtag_matches_only_among_the_hashtags() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let more = more_channels(s.as_mut(), &["dinner"]);
        let dinner = more[0];
        let texts = [
            text(chef, ["chef", "", "vegan recipes", "", "food"]),
            text(baker, ["baker", "", "", "", "vegan self_care"]),
            // A caption's `#vegan` is caption text, not a hashtag.
            text(dinner, ["dinner", "", "", "#vegan dinner", ""]),
        ];
        s.replace_niches(&[], &texts).unwrap();
        let want: [(&str, Vec<i64>); 7] = [
            ("#vegan", vec![baker]),
            ("#VEGAN", vec![baker]),
            ("vegan", vec![chef, baker, dinner]),
            ("#Self_Care", vec![baker]),
            ("#self_care #vegan", vec![baker]),
            ("#food vegan", vec![chef]),
            ("#dinner", vec![]),
        ];
        for (q, ids) in want {
            assert_eq!(found(name, s.as_ref(), q), ids, "{name}: {q}");
        }
    }
}

#[test]
fn diacritics_and_case_are_ignored_on_both_sides() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let texts = [text(chef, ["chef", "Café Crème", "", "", ""]), text(baker, ["baker", "", "NAIVE art", "", ""])];
        s.replace_niches(&[], &texts).unwrap();
        let want: [(&str, Vec<i64>); 6] = [
            ("cafe", vec![chef]),
            ("CAFÉ", vec![chef]),
            ("crème", vec![chef]),
            ("naïve", vec![baker]),
            ("Naive", vec![baker]),
            ("\"cafe creme\"", vec![chef]),
        ];
        for (q, ids) in want {
            assert_eq!(found(name, s.as_ref(), q), ids, "{name}: {q}");
        }
    }
}

#[test]
fn nothing_a_user_types_is_query_or_sql_syntax() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let texts = [
            text(chef, ["chef", "", "rock & roll or jazz! what's new: it's 100% live", "", ""]),
            text(baker, ["baker", "", "rock music", "", ""]),
        ];
        s.replace_niches(&[], &texts).unwrap();
        let want: [(&str, Vec<i64>); 15] = [
            // `or` is a word, and every word is required.
            ("OR", vec![chef]),
            ("rock OR music", vec![]),
            ("rock or jazz", vec![chef]),
            // `&`, `|` and `!` are no operators: `jazz|rock` is two words side by side.
            ("rock & roll", vec![chef]),
            ("\"rock & roll\"", vec![chef]),
            ("jazz|rock", vec![]),
            ("!jazz", vec![chef]),
            ("!music", vec![baker]),
            // No prefix search: `ro:*` is the word `ro`.
            ("ro:*", vec![]),
            ("roll:*", vec![chef]),
            ("what's", vec![chef]),
            ("'rock'", vec![chef, baker]),
            ("100%", vec![chef]),
            ("it's'); DROP TABLE channel_text; --", vec![]),
            ("bio:rock NEAR(rock music) music*", vec![]),
        ];
        for (q, ids) in want {
            assert_eq!(found(name, s.as_ref(), q), ids, "{name}: {q}");
        }
        // The table is still there, and so is its text.
        assert_eq!(found(name, s.as_ref(), "rock"), [chef, baker], "{name}");
    }
}

#[test]
fn a_match_in_the_handle_name_or_bio_ranks_above_one_in_captions_or_hashtags() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let more = more_channels(s.as_mut(), &["c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11"]);
        // One word in every field of every channel, so that fields are alike in length;
        // the word searched in one field of five channels, and in none of six others.
        let mut texts = Vec::new();
        for (i, &id) in ids.iter().chain(&more).enumerate() {
            let mut fields = ["tea", "leaf", "green", "cup", "brew"];
            if i < 5 {
                fields[i] = "kombucha";
            }
            texts.push(text(id, fields));
        }
        s.replace_niches(&[], &texts).unwrap();
        let scores: HashMap<i64, f64> = s.text_matches(&query("kombucha")).unwrap();
        let (handle, name_, bio, captions, hashtags) = (chef, baker, more[0], more[1], more[2]);
        let mut matched: Vec<i64> = scores.keys().copied().collect();
        matched.sort_unstable();
        assert_eq!(matched, [handle, name_, bio, captions, hashtags], "{name}");
        for high in [handle, name_, bio] {
            for low in [captions, hashtags] {
                assert!(scores[&high] > scores[&low], "{name}: {high} over {low} in {scores:?}");
            }
        }
    }
}

#[test]
fn the_text_reads_back_by_id_with_the_version_it_is() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        assert_eq!(s.text_version().unwrap(), 0, "{name}");
        let mut none = Vec::new();
        assert_eq!(s.for_each_search_text(&mut |t| none.push(t)).unwrap(), Some(0), "{name}");
        assert_eq!(none, [], "{name}");
        // Given out of order; read back by id.
        let texts = [
            text(baker, ["baker", "Baker's", "bread & ñ", "one\ntwo", "bread sourdough"]),
            text(chef, ["chef", "", "", "", ""]),
        ];
        s.replace_niches(&[], &texts).unwrap();
        let mut read = Vec::new();
        assert_eq!(s.for_each_search_text(&mut |t| read.push(t)).unwrap(), Some(1), "{name}");
        assert_eq!(read, [texts[1].clone(), texts[0].clone()], "{name}");
        assert_eq!(s.text_version().unwrap(), 1, "{name}");
    }
}
