//! The classifier on small hand-made texts; its accuracy on a whole world is measured
//! by the `niches` benchmark of `clout-app`.

use super::*;

/// A toy stemmer: drops a final "s" (enough to show that stems, not surface forms, match).
fn stem(w: &str) -> String {
    w.strip_suffix('s').filter(|s| s.len() > 2).unwrap_or(w).to_string()
}

fn spec(id: &str, keywords: &[&str], hashtags: &[&str]) -> NicheSpec {
    NicheSpec {
        id: id.to_string(),
        name: id.to_string(),
        keywords: keywords.iter().map(|s| s.to_string()).collect(),
        hashtags: hashtags.iter().map(|s| s.to_string()).collect(),
    }
}

fn taxonomy() -> Taxonomy {
    Taxonomy::new(
        vec![
            spec("vegan", &["vegan", "plant based", "tofu"], &["vegan", "plantbased"]),
            spec("fitness", &["workout", "gym", "leg day"], &["fitness"]),
            spec("food", &["recipe", "dinner"], &["foodie"]),
        ],
        &stem,
    )
    .unwrap()
}

/// Classifies with the toy stemmer.
fn classify(tax: &Taxonomy, text: &ChannelText<'_>) -> Vec<NicheLabel> {
    tax.classify(text, &mut |w| tax.stem_id(&stem(w)))
}

fn ids(tax: &Taxonomy, labels: &[NicheLabel]) -> Vec<String> {
    labels.iter().map(|l| tax.niches()[l.niche].id.clone()).collect()
}

#[test]
fn a_clear_profile_and_captions_give_one_label_with_its_evidence() {
    let tax = taxonomy();
    let text = ChannelText {
        bio: Some("Plant-based recipes, vegan since 2015"),
        captions: vec!["Crispy tofu tonight", "Another vegan week"],
        hashtags: vec!["vegan", "vegan", "#PlantBased"],
        ..ChannelText::default()
    };
    let labels = classify(&tax, &text);
    assert_eq!(ids(&tax, &labels), ["vegan"]);
    let evidence: Vec<(&str, TextField, u32)> =
        labels[0].evidence.iter().map(|e| (e.term.as_str(), e.field, e.count)).collect();
    // "vegan" in the bio (weight 3) and "plant based" in the bio (3) come first, then the
    // #vegan hashtag used twice (1.5 × 2 = 3); ties are ordered by term, then field.
    assert_eq!(evidence[0], ("#vegan", TextField::Hashtag, 2));
    assert!(evidence.contains(&("plant based", TextField::Profile, 1)), "{evidence:?}");
    assert!(evidence.contains(&("tofu", TextField::Caption, 1)), "{evidence:?}");
    assert!(labels[0].confidence > 0.5 && labels[0].confidence < 1.0);
}

#[test]
fn phrases_match_as_consecutive_stemmed_words() {
    let tax = taxonomy();
    let text = ChannelText { bio: Some("Leg days and gyms"), ..ChannelText::default() };
    let labels = classify(&tax, &text);
    assert_eq!(ids(&tax, &labels), ["fitness"]);
    let terms: Vec<&str> = labels[0].evidence.iter().map(|e| e.term.as_str()).collect();
    assert_eq!(terms, ["gym", "leg day"]);
    // "day leg" is not the phrase.
    let labels = classify(&tax, &ChannelText { bio: Some("day leg"), ..ChannelText::default() });
    assert!(labels.is_empty());
}

#[test]
fn thin_evidence_gives_no_label() {
    let tax = taxonomy();
    // One caption word: ln(2) < MIN_SCORE.
    let text = ChannelText { captions: vec!["what a dinner"], ..ChannelText::default() };
    assert!(classify(&tax, &text).is_empty());
    assert!(classify(&tax, &ChannelText::default()).is_empty());
}

#[test]
fn two_strong_niches_both_get_labels() {
    let tax = taxonomy();
    let text = ChannelText {
        bio: Some("Vegan recipes and dinner ideas"),
        captions: vec!["tofu dinner recipe", "plant based dinner"],
        hashtags: vec!["vegan", "foodie"],
        ..ChannelText::default()
    };
    let labels = classify(&tax, &text);
    let mut found = ids(&tax, &labels);
    found.sort();
    assert_eq!(found, ["food", "vegan"]);
    assert!(labels.windows(2).all(|w| w[0].confidence >= w[1].confidence));
}

#[test]
fn a_bad_taxonomy_is_refused_with_its_reason() {
    assert_eq!(Taxonomy::new(vec![], &stem), Err(TaxonomyError::Empty));
    assert_eq!(
        Taxonomy::new(vec![spec("Bad Id", &["x"], &[])], &stem),
        Err(TaxonomyError::BadId("Bad Id".to_string()))
    );
    assert_eq!(
        Taxonomy::new(vec![spec("a", &["x"], &[]), spec("a", &["y"], &[])], &stem),
        Err(TaxonomyError::DuplicateId("a".to_string()))
    );
    assert_eq!(Taxonomy::new(vec![spec("a", &[" "], &["#"])], &stem), Err(TaxonomyError::NoTerms("a".to_string())));
}
