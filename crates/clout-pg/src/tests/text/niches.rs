//! Niche labels and the searchable text written with them, on both backends: what
//! `replace_niches`, `replace_niches_of` and `replace_niches_in` keep and return, labels
//! read back in order, and each channel's most used hashtags.

use std::collections::HashMap;

use clout_store::{SearchText, StoredNiche, TextChanges};

use super::{found, more_channels, text};
use crate::tests::{Backend, backends};

fn niche(id: &str, confidence: f64, evidence: &[(&str, u32, &str)]) -> StoredNiche {
    StoredNiche {
        niche: id.into(),
        confidence,
        score: confidence * 10.0,
        evidence: evidence.iter().map(|(f, n, t)| (f.to_string(), *n, t.to_string())).collect(),
    }
}

fn changes(removed: &[i64], written: &[i64], versions: i64) -> TextChanges {
    TextChanges { removed: removed.to_vec(), written: written.to_vec(), versions }
}

/// `removed` in ascending order: the contract promises none.
fn sorted(mut c: TextChanges) -> TextChanges {
    c.removed.sort_unstable();
    c
}

fn texts_of(s: &dyn Backend) -> Vec<SearchText> {
    let mut all = Vec::new();
    s.for_each_search_text(&mut |t| all.push(t)).unwrap();
    all
}

fn tags_of(s: &dyn Backend) -> Vec<(i64, String)> {
    let mut tags = s.hashtags_by_channel().unwrap();
    tags.sort();
    tags
}

#[test]
fn labels_read_back_most_confident_first_ties_by_niche_with_their_evidence() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        // A term's tab or line break is stored as a space.
        let yoga = niche("yoga", 0.9, &[("bio", 2, "yoga"), ("hashtags", 1, "hot\tyoga\nflow")]);
        let labels = vec![
            (chef, vec![niche("fitness", 0.5, &[]), yoga.clone(), niche("baking", 0.5, &[("captions", 3, "bread")])]),
            (baker, vec![niche("baking", 0.8, &[])]),
        ];
        s.replace_niches(&labels, &[]).unwrap();
        let stored_yoga = StoredNiche {
            evidence: vec![("bio".into(), 2, "yoga".into()), ("hashtags".into(), 1, "hot yoga flow".into())],
            ..yoga
        };
        let chef_labels =
            vec![stored_yoga, niche("baking", 0.5, &[("captions", 3, "bread")]), niche("fitness", 0.5, &[])];
        assert_eq!(s.niches_of(chef).unwrap(), chef_labels, "{name}");
        assert_eq!(s.niches_of(9_999).unwrap(), [], "{name}");
        let want: HashMap<i64, Vec<StoredNiche>> =
            HashMap::from([(chef, chef_labels.clone()), (baker, vec![niche("baking", 0.8, &[])])]);
        assert_eq!(s.niches_by_channel().unwrap(), want, "{name}");
        let confidences = HashMap::from([
            (chef, vec![("yoga".to_string(), 0.9), ("baking".into(), 0.5), ("fitness".into(), 0.5)]),
            (baker, vec![("baking".to_string(), 0.8)]),
        ]);
        assert_eq!(s.niche_confidences_by_channel().unwrap(), confidences, "{name}");
        // An unknown channel, or one without labels, is absent.
        let of_chef = s.niches_of_many(&[chef, 9_999]).unwrap();
        assert_eq!(of_chef, HashMap::from([(chef, chef_labels)]), "{name}");
        assert_eq!(s.niches_of_many(&[]).unwrap(), HashMap::new(), "{name}");
        // Labels alone change no text.
        assert_eq!(s.text_version().unwrap(), 0, "{name}");
    }
}

#[test]
fn replacing_all_niches_rewrites_only_changed_text_and_says_what_changed() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let chef_text = text(chef, ["chef", "Chef Ana", "pasta", "", "pasta food"]);
        let baker_text = text(baker, ["baker", "", "sourdough", "", ""]);
        let first = vec![(chef, vec![niche("food", 0.7, &[])])];
        // Out of order: written by id all the same.
        let c = s.replace_niches(&first, &[baker_text.clone(), chef_text.clone()]).unwrap();
        assert_eq!(sorted(c), changes(&[], &[chef, baker], 1), "{name}");
        assert_eq!(s.text_version().unwrap(), 1, "{name}");
        // The same text again: nothing to write, the version stays; labels are replaced.
        let second = vec![(baker, vec![niche("baking", 0.6, &[])])];
        let c = s.replace_niches(&second, &[chef_text.clone(), baker_text.clone()]).unwrap();
        assert_eq!(sorted(c), changes(&[], &[], 0), "{name}");
        assert_eq!(s.text_version().unwrap(), 1, "{name}");
        assert_eq!(s.niches_of(chef).unwrap(), [], "{name}");
        assert_eq!(s.niches_of(baker).unwrap(), [niche("baking", 0.6, &[])], "{name}");
        // Chef's text goes, baker's changes.
        let new_baker = text(baker, ["baker", "", "rye", "", "rye"]);
        let c = s.replace_niches(&[], std::slice::from_ref(&new_baker)).unwrap();
        assert_eq!(sorted(c), changes(&[chef], &[baker], 1), "{name}");
        assert_eq!(s.text_version().unwrap(), 2, "{name}");
        assert_eq!(texts_of(s.as_ref()), [new_baker], "{name}");
        assert_eq!(found(name, s.as_ref(), "pasta"), [], "{name}");
        assert_eq!(found(name, s.as_ref(), "sourdough"), [], "{name}");
        assert_eq!(found(name, s.as_ref(), "rye"), [baker], "{name}");
        assert_eq!(tags_of(s.as_ref()), [(baker, "rye".to_string())], "{name}");
        assert_eq!(s.niches_by_channel().unwrap(), HashMap::new(), "{name}");
    }
}

#[test]
fn replacing_the_niches_of_some_channels_or_a_range_leaves_every_other_channels() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let cook = more_channels(s.as_mut(), &["cook"])[0];
        let label = |id: i64, n: &str| (id, vec![niche(n, 0.5, &[])]);
        let texts = [
            text(chef, ["chef", "", "pasta", "", ""]),
            text(baker, ["baker", "", "bread", "", ""]),
            text(cook, ["cook", "", "soup", "", ""]),
        ];
        let labels = [label(chef, "italian"), label(baker, "baking"), label(cook, "soups")];
        assert_eq!(s.replace_niches(&labels, &texts).unwrap(), changes(&[], &[chef, baker, cook], 1), "{name}");
        // Baker's labels and text; chef's and cook's stay.
        let new_baker = text(baker, ["baker", "", "rye", "", ""]);
        let c = s.replace_niches_of(&[baker], &[label(baker, "rye")], std::slice::from_ref(&new_baker)).unwrap();
        assert_eq!(c, changes(&[], &[baker], 1), "{name}");
        assert_eq!(found(name, s.as_ref(), "pasta"), [chef], "{name}");
        assert_eq!(found(name, s.as_ref(), "rye"), [baker], "{name}");
        assert_eq!(s.niches_of(chef).unwrap(), [niche("italian", 0.5, &[])], "{name}");
        assert_eq!(s.niches_of(baker).unwrap(), [niche("rye", 0.5, &[])], "{name}");
        // Cook's, given none: its labels and text go.
        assert_eq!(s.replace_niches_of(&[cook], &[], &[]).unwrap(), changes(&[cook], &[], 1), "{name}");
        assert_eq!(s.niches_of(cook).unwrap(), [], "{name}");
        assert_eq!(found(name, s.as_ref(), "soup"), [], "{name}");
        // Chef's text unchanged: labels only, no new version.
        let c = s.replace_niches_of(&[chef], &[label(chef, "pasta")], &texts[..1]).unwrap();
        assert_eq!(c, changes(&[], &[], 0), "{name}");
        assert_eq!(s.niches_of(chef).unwrap(), [niche("pasta", 0.5, &[])], "{name}");
        assert_eq!(s.text_version().unwrap(), 3, "{name}");

        // The range (chef, cook]: baker and cook. Chef's rows given are ignored.
        let range_texts = [text(chef, ["chef", "", "ignored", "", ""]), text(cook, ["cook", "", "stew", "", ""])];
        let range_labels = [label(chef, "ignored"), label(cook, "stews")];
        let c = s.replace_niches_in((chef, cook), &range_labels, &range_texts).unwrap();
        assert_eq!(sorted(c), changes(&[baker], &[cook], 1), "{name}");
        assert_eq!(s.niches_of(chef).unwrap(), [niche("pasta", 0.5, &[])], "{name}");
        assert_eq!(s.niches_of(baker).unwrap(), [], "{name}");
        assert_eq!(s.niches_of(cook).unwrap(), [niche("stews", 0.5, &[])], "{name}");
        let read: Vec<(i64, String)> = texts_of(s.as_ref()).into_iter().map(|t| (t.channel_id, t.bio)).collect();
        assert_eq!(read, [(chef, "pasta".to_string()), (cook, "stew".to_string())], "{name}");
        // An empty range writes nothing.
        assert_eq!(s.replace_niches_in((cook, cook), &[], &[]).unwrap(), changes(&[], &[], 0), "{name}");
        assert_eq!(s.text_version().unwrap(), 4, "{name}");
        assert_eq!(found(name, s.as_ref(), "ignored"), [], "{name}");
    }
}

#[test]
fn each_channel_keeps_its_eight_most_used_hashtags() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let cook = more_channels(s.as_mut(), &["cook"])[0];
        // Ten tags, two of them used twice: those two, then six more by name.
        let many = "pasta zucchini basil pasta tomato garlic olive basil wine cheese bread oregano";
        let texts = [
            text(chef, ["chef", "", "", "", many]),
            // Eight or fewer: all of them, once each, by name.
            text(baker, ["baker", "", "", "", "sourdough bread sourdough"]),
            text(cook, ["cook", "", "no tags here", "", ""]),
        ];
        s.replace_niches(&[], &texts).unwrap();
        let want = [
            (chef, "basil pasta bread cheese garlic olive oregano tomato".to_string()),
            (baker, "bread sourdough".to_string()),
        ];
        assert_eq!(tags_of(s.as_ref()), want, "{name}");
        // Rewritten with the text; gone with it.
        let c = s.replace_niches_of(&[chef, baker], &[], &[text(baker, ["baker", "", "", "", "rye"])]).unwrap();
        assert_eq!(c, changes(&[chef], &[baker], 1), "{name}");
        assert_eq!(tags_of(s.as_ref()), [(baker, "rye".to_string())], "{name}");
    }
}

#[test]
fn a_replacement_of_more_channels_than_a_chunk_commits_them_by_ascending_ranges() {
    for (name, mut s, ids) in backends() {
        let handles: Vec<String> = (3..=10).map(|i| format!("c{i}")).collect();
        let handles: Vec<&str> = handles.iter().map(String::as_str).collect();
        let all: Vec<i64> = ids.iter().copied().chain(more_channels(s.as_mut(), &handles)).collect();
        let texts: Vec<SearchText> =
            all.iter().map(|&id| text(id, [&format!("h{id}"), "", "tofu", "", "tofu"])).collect();
        let labels: Vec<(i64, Vec<StoredNiche>)> = all.iter().map(|&id| (id, vec![niche("vegan", 0.5, &[])])).collect();
        let c = s.replace_niches(&labels, &texts).unwrap();
        assert_eq!((c.removed.clone(), c.written.clone()), (vec![], all.clone()), "{name}");
        // One version per transaction that changed text: ten channels are two chunks of
        // seven in PostgreSQL's tests; SQLite's store, built for these tests as a
        // dependency, writes up to 1,000 at a time.
        let chunks = if name == "postgres" { all.len().div_ceil(crate::derived::CHUNK) } else { 1 };
        assert_eq!(c.versions, chunks as i64, "{name}");
        assert_eq!(s.text_version().unwrap(), chunks as i64, "{name}");
        assert_eq!(found(name, s.as_ref(), "tofu"), all, "{name}");
        assert_eq!(s.niches_by_channel().unwrap().len(), all.len(), "{name}");
        // The same ids again, a few not in order: one transaction, the same result.
        let mut shuffled = all.clone();
        shuffled.swap(0, 9);
        let c = s.replace_niches_of(&shuffled, &labels, &[]).unwrap();
        assert_eq!(sorted(c), changes(&all, &[], 1), "{name}");
        assert_eq!(texts_of(s.as_ref()), [], "{name}");
        assert_eq!(s.niches_by_channel().unwrap().len(), all.len(), "{name}");
    }
}
