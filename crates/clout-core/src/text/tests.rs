use proptest::prelude::*;

use super::*;

fn parsed(text: &str) -> TextQuery {
    TextQuery::parse(text).unwrap().unwrap()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn words_phrases_and_hashtags_are_told_apart() {
    let q = parsed(r#"vegan "meal prep" #PlantBased"#);
    assert_eq!(q.words(), strings(&["vegan"]));
    assert_eq!(q.phrases(), strings(&["meal prep"]));
    assert_eq!(q.hashtags(), strings(&["plantbased"]));
    assert_eq!(q.parts(), 3);
}

#[test]
fn search_syntax_a_user_types_stays_plain_words() {
    // FTS5 operators, prefixes, column filters and anchors: words like any other.
    let q = parsed("a OR b* bio:vegan NEAR(yoga ^start");
    assert_eq!(q.words(), strings(&["a", "OR", "b*", "bio:vegan", "NEAR(yoga", "^start"]));
    assert!(q.phrases().is_empty() && q.hashtags().is_empty());
}

#[test]
fn a_hashtag_is_lowercased_and_keeps_its_inner_punctuation() {
    assert_eq!(parsed("#Self_Care").hashtags(), strings(&["self_care"]));
}

#[test]
fn a_phrase_is_trimmed_and_parts_without_a_letter_or_digit_are_dropped() {
    let q = parsed(r#"vegan "  meal prep " "!!" # ..."#);
    assert_eq!(q.words(), strings(&["vegan"]));
    assert_eq!(q.phrases(), strings(&["meal prep"]));
    assert!(q.hashtags().is_empty());
}

#[test]
fn a_nul_separates_words_like_a_space() {
    assert_eq!(parsed("a\0b").words(), strings(&["a", "b"]));
}

#[test]
fn a_blank_query_asks_for_nothing() {
    assert_eq!(TextQuery::parse(""), Ok(None));
    assert_eq!(TextQuery::parse("   "), Ok(None));
    assert_eq!(TextQuery::parse(" \0 "), Ok(None));
}

#[test]
fn punctuation_alone_is_refused_with_the_query_in_the_message() {
    let e = TextQuery::parse("  # !! ").unwrap_err();
    assert_eq!(e, TextQueryError::NoWord("  # !! ".to_string()));
    assert_eq!(e.to_string(), "the query '  # !! ' has no word to search for");
}

#[test]
fn an_unclosed_quote_is_refused() {
    let e = TextQuery::parse(r#"open "quote"#).unwrap_err();
    assert_eq!(e.to_string(), r#"the query has an unclosed quote: open "quote"#);
}

#[test]
fn a_query_is_kept_to_a_sentence() {
    let words = |n: usize| vec!["vegan"; n].join(" ");
    assert_eq!(parsed(&words(MAX_QUERY_PARTS)).parts(), 24);
    let e = TextQuery::parse(&words(MAX_QUERY_PARTS + 1)).unwrap_err();
    assert_eq!(e.to_string(), "the query has 25 words, phrases, hashtags and mentions: at most 24");
    // Phrases and hashtags count too: 12 + 12 + 1.
    let mixed = format!("{} {} #one", ["\"a b\""; 12].join(" "), ["c"; 12].join(" "));
    assert_eq!(TextQuery::parse(&mixed), Err(TextQueryError::TooManyParts(25)));
    assert_eq!(parsed(&"x".repeat(MAX_QUERY_CHARS)).words()[0].len(), 500);
    let e = TextQuery::parse(&"x".repeat(MAX_QUERY_CHARS + 1)).unwrap_err();
    assert_eq!(e.to_string(), "the query is too long: at most 500 characters");
}

#[test]
fn the_normal_form_lists_words_then_phrases_then_hashtags_then_mentions() {
    let q = parsed(r#"@NikeRunning #Yoga "meal  prep" Vegan"#);
    assert_eq!(q.to_string(), r#"Vegan "meal  prep" #yoga @nikerunning"#);
    assert_eq!(parsed(&q.to_string()), q);
}

#[test]
fn a_mention_is_the_account_without_its_at_sign_or_the_sentence_around_it() {
    let q = parsed("thanks @Nike.Running, and @glowlab! @ @@");
    assert_eq!(q.mentions(), strings(&["nike.running", "glowlab"]));
    assert_eq!(q.words(), strings(&["thanks", "and"]));
    assert_eq!(q.parts(), 4);
    // A lone `@` holds no account: with nothing else, there is nothing to search for.
    assert_eq!(TextQuery::parse("@"), Err(TextQueryError::NoWord("@".into())));
}

proptest! {
    #[test]
    fn every_parsed_query_keeps_its_rules_and_reads_back_from_its_normal_form(
        text in r##"[a-zA-Z0-9 "#@:*^()_.,!\-\x00\t]{0,80}"##
    ) {
        if let Ok(Some(q)) = TextQuery::parse(&text) {
            let all = q.words().iter().chain(q.phrases()).chain(q.hashtags()).chain(q.mentions());
            for part in all {
                prop_assert!(part.chars().any(char::is_alphanumeric), "{part:?}");
                prop_assert!(!part.contains(['\0', '"']), "{part:?}");
            }
            for part in q.words().iter().chain(q.hashtags()).chain(q.mentions()) {
                prop_assert!(!part.contains(char::is_whitespace), "{part:?}");
            }
            prop_assert!((1..=MAX_QUERY_PARTS).contains(&q.parts()));
            prop_assert_eq!(TextQuery::parse(&q.to_string()), Ok(Some(q)));
        }
    }
}

#[test]
fn a_caption_mentions_the_accounts_its_at_signs_start_and_no_email_address() {
    let caption = "New drop with @Nike.Running and (@glowlab)! Write to me@mail.com, thanks @northpeak.co. @ @_";
    assert_eq!(mentions_in(caption), strings(&["nike.running", "glowlab", "northpeak.co"]));
    assert_eq!(
        hashtags_in("#Vegan dinner, #self_care! not#this #123 # ##double"),
        strings(&["vegan", "self_care", "123", "double"])
    );
}
