//! Screening worked out by hand: whole words, phrases, prefixes, accents, languages, and
//! the levels' thresholds.

use super::*;

fn list(terms: &[&str], languages: &[(&str, &[&str])]) -> SafetyList {
    SafetyList {
        name: "test".to_string(),
        version: "1".to_string(),
        levels: Levels::default(),
        categories: vec![
            Category {
                id: "gambling".to_string(),
                label: "Gambling".to_string(),
                terms: terms.iter().map(|t| t.to_string()).collect(),
                languages: languages
                    .iter()
                    .map(|(l, t)| (l.to_string(), t.iter().map(|x| x.to_string()).collect()))
                    .collect(),
            },
            Category {
                id: "profanity".to_string(),
                label: "Profanity".to_string(),
                terms: vec!["ass".to_string()],
                languages: Vec::new(),
            },
        ],
    }
}

/// The terms (as written) that `text` matches for a channel in `language`.
fn hits(s: &Screener, text: &str, language: Option<&str>) -> Vec<String> {
    s.screen(text, language, &mut Vec::new()).iter().map(|m| s.term(m.term).unwrap().1.to_string()).collect()
}

#[test]
fn a_term_matches_whole_words_only() {
    let s = list(&["bet", "casino"], &[]).screener().unwrap();
    assert_eq!(hits(&s, "Place a BET tonight", None), ["bet"]);
    assert_eq!(hits(&s, "#bet #casino", None), ["bet", "casino"]);
    // Inside a longer word, nothing: "better", "alphabet", "class", "#betterwithfriends".
    assert!(hits(&s, "Better than the alphabet in class #betterwithfriends", None).is_empty());
    // A word once, however often it appears.
    assert_eq!(hits(&s, "bet bet bet", None), ["bet"]);
    assert_eq!(hits(&s, "what an ass. Kick-ass!", None), ["ass"]);
}

#[test]
fn a_phrase_matches_its_words_one_after_the_other() {
    let s = list(&["place your bets"], &[]).screener().unwrap();
    assert_eq!(hits(&s, "Ladies, PLACE your... bets!", None), ["place your bets"]);
    assert!(hits(&s, "place all your bets", None).is_empty());
    assert!(hits(&s, "place your", None).is_empty(), "a phrase cut short by the end of the text");
}

#[test]
fn a_star_matches_every_word_starting_so() {
    let s = list(&["gambl*", "sports bet*"], &[]).screener().unwrap();
    assert_eq!(hits(&s, "Gambling is fun", None), ["gambl*"]);
    assert_eq!(hits(&s, "a gambler", None), ["gambl*"]);
    assert_eq!(hits(&s, "gamble", None), ["gambl*"]);
    assert!(hits(&s, "a gambit", None).is_empty());
    assert_eq!(hits(&s, "my sports betting tips", None), ["sports bet*"]);
    assert!(hits(&s, "sports are my bet", None).is_empty());
}

#[test]
fn case_and_accents_are_ignored_on_both_sides() {
    let s = list(&["cocaína", "Apuesta"], &[]).screener().unwrap();
    assert_eq!(hits(&s, "COCAINA y apuestas no; una APUESTA sí", None), ["cocaína", "Apuesta"]);
    // The decomposed form of í matches too.
    assert_eq!(hits(&s, "coca\u{0069}\u{0301}na", None), ["cocaína"]);
}

#[test]
fn a_languages_terms_apply_to_its_channels_and_to_channels_of_unknown_language() {
    let s = list(&["casino"], &[("de", &["gift"])]).screener().unwrap();
    assert_eq!(hits(&s, "Gift und Casino", Some("de")), ["casino", "gift"]);
    assert_eq!(hits(&s, "a gift from the casino", Some("en")), ["casino"]);
    assert_eq!(hits(&s, "a gift", None), ["gift"], "language not known: every term is looked for");
}

#[test]
fn a_list_that_cannot_be_used_says_where() {
    let refused = |terms: &[&str]| list(terms, &[]).screener().unwrap_err().0;
    assert_eq!(refused(&["ga*"]), "category gambling: term \"ga*\": a * follows at least three letters");
    assert_eq!(refused(&["g*mble"]), "category gambling: term \"g*mble\": a * may only end the term");
    assert_eq!(refused(&["  ,, "]), "category gambling: term \"  ,, \": a term needs a word");
    let mut l = list(&["bet"], &[("deu", &["gift"])]);
    assert!(l.screener().unwrap_err().0.contains("\"deu\" is not an ISO 639-1 language code"));
    l = list(&["bet"], &[]);
    l.categories[1].id = "gambling".to_string();
    assert_eq!(l.screener().unwrap_err().0, "category gambling: listed twice");
    l = list(&["bet"], &[]);
    l.levels.high.share = 0.01;
    assert_eq!(l.screener().unwrap_err().0, "levels: high must start at or above moderate");
}

#[test]
fn levels_read_a_count_and_a_share_of_the_posts_screened() {
    let l = Levels::default(); // moderate: 2 posts and 2 %; high: 3 posts and 10 %.
    assert_eq!(l.level(0, 50, 0), SafetyLevel::None);
    assert_eq!(l.level(1, 50, 0), SafetyLevel::Low, "one post is never more than low");
    assert_eq!(l.level(2, 50, 0), SafetyLevel::Moderate, "2 of 50 is 4 %");
    assert_eq!(l.level(2, 200, 0), SafetyLevel::Low, "2 of 200 is 1 %");
    assert_eq!(l.level(4, 200, 0), SafetyLevel::Moderate, "4 of 200 is exactly 2 %");
    assert_eq!(l.level(5, 50, 0), SafetyLevel::High, "5 of 50 is exactly 10 %");
    assert_eq!(l.level(2, 5, 0), SafetyLevel::Moderate, "40 %, but two posts are not three");
    assert_eq!(l.level(0, 50, 9), SafetyLevel::Low, "comments alone: low, never more");
    assert_eq!(l.level(2, 50, 9), SafetyLevel::Moderate);
}

proptest::proptest! {
    /// The ASCII shortcut in `for_each_word` cuts every text where the plain rule does:
    /// between runs of letters, digits and combining marks.
    #[test]
    fn words_are_cut_where_the_plain_rule_cuts_them(text in "(?s)[a-zA-Z0-9 #'.,!é\u{301}\u{0627}\u{4e2d}ß😀İ_-]{0,40}") {
        let plain: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(c))
            .filter(|w| !w.is_empty())
            .map(|w| {
                use unicode_normalization::UnicodeNormalization;
                w.nfd()
                    .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
                    .flat_map(char::to_lowercase)
                    .collect()
            })
            .collect();
        let mut got = Vec::new();
        for_each_word(&text, &mut String::new(), &mut |w| got.push(w.to_string()));
        proptest::prop_assert_eq!(got, plain);
    }
}
