//! Briefs read by hand: each expected reading follows from the rules in the module's
//! header.

use super::*;

fn lex() -> Lexicon {
    Lexicon::new(
        [
            ("AU", "AUS", vec!["Australia"]),
            ("NZ", "NZL", vec!["New Zealand"]),
            ("GB", "GBR", vec!["The United Kingdom Of Great Britain And Northern Ireland", "UnitedKingdom", "England"]),
            ("US", "USA", vec!["The United States Of America", "UnitedStates", "America"]),
            ("ES", "ESP", vec!["Spain"]),
            ("TR", "TUR", vec!["Turkey"]),
        ],
        [("Spanish", "es"), ("English", "en"), ("German", "de")],
    )
}

fn read(text: &str) -> Brief {
    Brief::parse(text, &lex()).unwrap()
}

#[test]
fn the_issues_example_reads_as_a_place_a_format_and_topics() {
    let b = read("vegan home cooks in Australia who post reels about budget meals");
    assert_eq!(b.countries, ["AU"]);
    assert_eq!(b.formats, [PostType::Reel]);
    // "cooks" names people but also what their posts say ("cooking"): a topic; "who",
    // "post", "about" are the vocabulary of asking.
    assert_eq!(b.topics, ["vegan", "home", "cooks", "budget", "meals"]);
    assert!(b.platforms.is_empty() && b.tiers.is_empty() && b.languages.is_empty());
    let country = b.readings.iter().find(|r| r.meaning == Meaning::Country("AU".into())).unwrap();
    assert_eq!(country.words, "in Australia");
}

#[test]
fn places_need_in_from_or_based_and_otherwise_stay_topics() {
    // "Turkey recipes": a topic; "from Turkey": a place.
    assert_eq!(read("turkey recipes").topics, ["turkey", "recipes"]);
    assert_eq!(read("bakers from Turkey").countries, ["TR"]);
    // Names of several words, with or without "the", and lists of places.
    assert_eq!(read("travel in the United Kingdom").countries, ["GB"]);
    assert_eq!(read("surfers in Australia or New Zealand").countries, ["AU", "NZ"]);
    assert_eq!(read("chefs in the UK").countries, ["GB"], "UK is what people write");
    assert_eq!(read("Australia-based yoga teachers").countries, ["AU"]);
    // A nationality is a place only before people (or a tier).
    assert_eq!(read("Australian mums").countries, ["AU"]);
    assert_eq!(read("Australian micro-influencers").tiers, [Tier::Micro]);
    let mexican_food = read("mexican food");
    assert!(mexican_food.countries.is_empty());
    assert_eq!(mexican_food.topics, ["mexican", "food"]);
    // "plant-based" is not a place: a topic as written.
    assert_eq!(read("plant-based snacks").topics, ["plant-based", "snacks"]);
    // "us" is a word, not the country; "US" written so is.
    assert!(read("tell us about coffee in cafés").countries.is_empty());
    assert_eq!(read("gamers in the US").countries, ["US"]);
}

#[test]
fn languages_need_in_or_speaking() {
    let b = read("Spanish-speaking fitness coaches");
    assert_eq!(b.languages, ["es"]);
    assert_eq!(b.topics, ["fitness", "coaches"]);
    assert_eq!(read("tech reviews in German").languages, ["de"]);
    // A place wins after "in" when the word is one; "in Spain" is a country.
    let spain = read("food in Spain");
    assert_eq!((spain.countries.as_slice(), spain.languages.len()), (&["ES".to_string()][..], 0));
    // Alone, a language's name is a topic (cuisine, lessons, …).
    assert_eq!(read("german beer").topics, ["german", "beer"]);
}

#[test]
fn platforms_tiers_and_numbers_of_followers() {
    let b = read("micro creators on Instagram or TikTok with under 50k followers");
    assert_eq!(b.platforms, [Platform::Instagram, Platform::Tiktok]);
    assert_eq!(b.tiers, [Tier::Micro]);
    assert_eq!(b.max_followers, Some(50_000));
    assert!(b.topics.is_empty(), "{:?}", b.topics);
    let b = read("youtubers between 5,000 and 20,000 subscribers");
    assert_eq!(
        (b.platforms.as_slice(), b.min_followers, b.max_followers),
        (&[Platform::Youtube][..], Some(5_000), Some(20_000))
    );
    let b = read("10k-50k followers skincare");
    assert_eq!(
        (b.min_followers, b.max_followers, b.topics.as_slice()),
        (Some(10_000), Some(50_000), &["skincare".to_string()][..])
    );
    assert_eq!(read("at least 1.5k followers").min_followers, Some(1_500));
    assert_eq!(read("10k+ followers").min_followers, Some(10_000));
    assert_eq!(read("mid-tier travel").tiers, [Tier::Mid]);
    // A number without followers is a topic's business ("under 30 minutes"), not a bound.
    let b = read("meals under 30 minutes");
    assert_eq!((b.max_followers, b.topics.as_slice()), (None, &["meals".to_string(), "minutes".into()][..]));
    // "x" is a letter unless it follows "on".
    assert!(read("x marks the spot").platforms.is_empty());
    assert_eq!(read("crypto on X").platforms, [Platform::X]);
}

#[test]
fn formats_by_name_or_after_a_verb_of_posting() {
    assert_eq!(read("reels about coffee").formats, [PostType::Reel]);
    let b = read("who make videos and shorts about hiking");
    assert_eq!(b.formats, [PostType::Video, PostType::Reel, PostType::Short]);
    assert_eq!(b.topics, ["hiking"]);
    // Without a verb, ordinary words stay topics.
    let b = read("running shorts and stories");
    assert!(b.formats.is_empty());
    assert_eq!(b.topics, ["running", "shorts", "stories"]);
    assert_eq!(read("post video game reviews").topics, ["video", "game", "reviews"]);
    let b = read("YouTube Shorts about chess");
    assert_eq!((b.platforms.as_slice(), b.formats.as_slice()), (&[Platform::Youtube][..], &[PostType::Short][..]));
}

#[test]
fn windows_literals_and_limits() {
    let b = read("posted about creatine in the last 3 months");
    assert_eq!((b.within_days, b.topics.as_slice()), (Some(90), &["creatine".to_string()][..]));
    assert_eq!(read("over the past year espresso").within_days, Some(365));
    assert_eq!(read("sourdough recently").within_days, Some(90));
    // Quotes, #hashtags and @mentions are topics as written, in the post search's syntax.
    let b = read("\"meal prep\" #glutenfree @oatly fans");
    assert_eq!(b.topics, ["\"meal prep\"", "#glutenfree", "@oatly", "fans"]);
    // Each topic once, at most MAX_TOPICS.
    assert_eq!(read("coffee Coffee COFFEE").topics, ["coffee"]);
    let many: Vec<String> = (0..30).map(|i| format!("word{i}x")).collect();
    assert_eq!(read(&many.join(" ")).topics.len(), MAX_TOPICS);
    assert_eq!(Brief::parse(&"a".repeat(MAX_BRIEF_CHARS + 1), &lex()), Err(BriefError::TooLong));
    assert_eq!(Brief::parse("  ,, !! ", &lex()), Err(BriefError::Empty));
    // An unclosed curly quote runs to the end, without losing a byte.
    assert_eq!(read("“slow living").topics, ["\"slow living\""]);
}

proptest::proptest! {
    /// Whatever is typed, a brief reads without panicking, and every topic it keeps is a
    /// valid post search of one part (the post index runs each as its own lookup).
    #[test]
    fn any_text_reads_and_every_topic_is_a_valid_search(text in "[ a-zA-Z0-9\"“”#@+,.'&/ñé-]{0,120}") {
        if let Ok(b) = Brief::parse(&text, &lex()) {
            for topic in &b.topics {
                let q = crate::text::TextQuery::parse(topic).unwrap().unwrap();
                proptest::prop_assert_eq!(q.parts(), 1, "{}", topic);
            }
        }
    }
}
