use clout_core::text::TextQuery;

use super::*;

fn query(text: &str) -> TextQuery {
    TextQuery::parse(text).unwrap().unwrap()
}

struct Owned {
    id: i64,
    handle: String,
    name: &'static str,
    bio: &'static str,
    captions: &'static str,
    hashtags: &'static str,
}

fn index_with(texts: &[Owned]) -> TextIndex {
    let index = TextIndex::in_memory();
    let mut w = index.writer(1).unwrap();
    for t in texts {
        w.add(&TextDoc {
            channel_id: t.id,
            handle: &t.handle,
            name: t.name,
            bio: t.bio,
            captions: t.captions,
            hashtags: t.hashtags,
        })
        .unwrap();
    }
    w.commit("v1").unwrap();
    index
}

fn text(id: i64, name: &'static str, bio: &'static str, captions: &'static str, hashtags: &'static str) -> Owned {
    Owned { id, handle: format!("c{id}"), name, bio, captions, hashtags }
}

fn matches(index: &TextIndex, text: &str) -> Vec<i64> {
    let reader = index.reader().unwrap().unwrap();
    let q = query(text);
    let mut ranked: Vec<i64> = reader.search(&q, true).unwrap().into_iter().map(|(id, _)| id).collect();
    ranked.sort();
    let unranked = reader.search(&q, false).unwrap();
    assert!(unranked.iter().all(|&(_, score)| score == 0.0), "{text}: unranked scores are 0");
    let mut unranked: Vec<i64> = unranked.into_iter().map(|(id, _)| id).collect();
    unranked.sort();
    assert_eq!(ranked, unranked, "{text}: the same channels with or without scores");
    ranked
}

// Hostile queries, and agreement with the store's FTS5 table on them, are tested with
// both engines side by side: `clout_app::text_index::tests`.

#[test]
fn words_are_stemmed_folded_and_split_on_punctuation() {
    let index = index_with(&[
        text(1, "", "Daily workouts at the café", "", ""),
        text(2, "", "", "e-mail me for collabs", ""),
        text(3, "", "Crème brûlée every Sunday", "", ""),
        text(4, "", "emails only", "", ""),
    ]);
    assert_eq!(matches(&index, "workout"), [1], "plural and singular are one word");
    assert_eq!(matches(&index, "WORKOUTS"), [1], "case does not matter");
    assert_eq!(matches(&index, "cafe"), [1], "diacritics fold");
    assert_eq!(matches(&index, "creme brulee"), [3]);
    // "e-mail" is the phrase "e mail": channel 2 only, not channel 4's "emails".
    assert_eq!(matches(&index, "e-mail"), [2]);
    assert_eq!(matches(&index, "collab"), [2]);
}

#[test]
fn matches_in_the_name_score_above_matches_in_captions() {
    let index = index_with(&[
        text(1, "", "", "kombucha", ""),
        text(2, "kombucha", "", "", ""),
        text(3, "tea", "", "", ""),
        text(4, "", "", "tea", ""),
        text(5, "", "", "", ""),
    ]);
    let reader = index.reader().unwrap().unwrap();
    let scores: std::collections::HashMap<i64, f64> =
        reader.search(&query("kombucha"), true).unwrap().into_iter().collect();
    assert_eq!(scores.len(), 2);
    assert!(scores[&2] > scores[&1], "{scores:?}");
}

#[test]
fn a_removed_or_replaced_channel_is_found_by_its_new_text_only() {
    let dir = tempfile::tempdir().unwrap();
    let index = TextIndex::open(dir.path()).unwrap();
    assert_eq!(index.stamp().unwrap(), None, "a new index has no stamp");
    let doc =
        |id: i64, bio: &'static str| TextDoc { channel_id: id, handle: "h", name: "", bio, captions: "", hashtags: "" };
    let mut w = index.writer(2).unwrap();
    for id in 1..=50 {
        w.add(&doc(id, "sourdough bread")).unwrap();
    }
    w.commit("one").unwrap();
    let mut w = index.writer(1).unwrap();
    for id in 1..=10 {
        w.remove(id);
        w.add(&doc(id, "kefir")).unwrap();
    }
    w.remove(50);
    w.remove(999); // not there: nothing happens
    w.commit("two").unwrap();

    // Reopened from disk: the last commit, with its stamp.
    drop(index);
    let index = TextIndex::open(dir.path()).unwrap();
    let reader = index.reader().unwrap().unwrap();
    assert_eq!(reader.stamp(), Some("two"));
    assert_eq!(reader.channels(), 49);
    let mut kefir: Vec<i64> = reader.search(&query("kefir"), false).unwrap().into_iter().map(|m| m.0).collect();
    kefir.sort();
    assert_eq!(kefir, (1..=10).collect::<Vec<_>>());
    let sourdough = reader.search(&query("sourdough"), true).unwrap();
    assert_eq!(sourdough.len(), 39, "11 to 49: replaced and removed channels are gone");
    assert!(sourdough.iter().all(|(id, _)| (11..=49).contains(id)));

    // A writer dropped without a commit changes nothing.
    let mut w = index.writer(1).unwrap();
    w.clear().unwrap();
    drop(w);
    let reader = index.reader().unwrap().unwrap();
    assert_eq!((reader.stamp(), reader.channels()), (Some("two"), 49));

    // Cleared and committed: empty, with the new stamp.
    let mut w = index.writer(1).unwrap();
    w.clear().unwrap();
    w.commit("three").unwrap();
    let reader = index.reader().unwrap().unwrap();
    assert_eq!((reader.stamp(), reader.channels()), (Some("three"), 0));
}

#[test]
fn a_second_writer_is_refused_while_one_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let index = TextIndex::open(dir.path()).unwrap();
    let first = index.writer(1).unwrap();
    let other = TextIndex::open(dir.path()).unwrap();
    assert!(other.writer(1).is_err());
    drop(first);
    assert!(other.writer(1).is_ok());
}

#[test]
fn an_unreadable_index_is_replaced_by_an_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("meta.json"), b"{ not json").unwrap();
    let index = TextIndex::open(dir.path()).unwrap();
    assert_eq!(index.stamp().unwrap(), None);
    assert_eq!(index.reader().unwrap().unwrap().channels(), 0);
}

#[test]
fn a_profile_match_reads_the_name_and_bio_only() {
    let index = index_with(&[
        text(1, "Vegan Kitchen", "", "", ""),
        text(2, "", "Home cook, vegan since 2019", "", ""),
        text(3, "", "", "vegan curry tonight", "vegan"),
        text(4, "", "Cooking at home", "", ""),
    ]);
    let reader = index.reader().unwrap().unwrap();
    let profile = |q: &str| {
        let mut ids = reader.profile_matches(&query(q)).unwrap();
        ids.sort_unstable();
        ids
    };
    // 3 says vegan only in a caption and a hashtag: not what it says it is.
    assert_eq!(profile("vegan"), [1, 2]);
    // Stemmed, every word required, a phrase in one field: "home cook" is 2's.
    assert_eq!(profile("home cooks"), [2, 4]);
    assert_eq!(profile("\"home cook\""), [2]);
    assert_eq!(profile("vegan home"), [2]);
    // A hashtag alone is not a profile's.
    assert!(profile("#vegan").is_empty());
}
