//! A brief in plain words ("vegan home cooks in Australia who post reels about budget
//! meals"), read into what the Directory can filter on and the topics a creator's posts
//! should be about.
//!
//! Reading is by rules a person can predict, with no model: a country after "in", "from"
//! or "based in" (or before "-based", or a nationality before "creators", "mums", …); a
//! language after "in" or before "-speaking"; a platform, a tier or a number of followers
//! by name ("on Instagram", "micro", "under 50k followers"); a post format when it can
//! only be one ("reels") or after a verb of posting ("who post videos"); a window ("in
//! the last 3 months"). Quoted phrases, #hashtags and @mentions are topics as written;
//! every other word is a topic unless it is grammar or the vocabulary of asking for
//! creators. Each reading is kept with the words it came from, so the brief can be shown
//! back as understood and a misreading corrected by rephrasing.

use std::collections::HashMap;

use crate::Platform;
use crate::record::PostType;
use crate::tier::Tier;

#[cfg(test)]
mod tests;
mod words;

use words::*;

/// The longest brief, in characters.
pub const MAX_BRIEF_CHARS: usize = 500;
/// The most topics a brief keeps (each is a lookup in the post index).
pub const MAX_TOPICS: usize = 12;

/// The places and languages a brief can name, by their English names: built by the caller
/// from its tables (ISO 3166-1 names and aliases, ISO 639-1 names).
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// A name folded by [`fold`] → ISO 3166-1 alpha-2.
    countries: HashMap<String, String>,
    /// An alpha-2 or alpha-3 code, upper case → alpha-2.
    codes: HashMap<String, String>,
    /// A language's name folded → ISO 639-1.
    languages: HashMap<String, String>,
    /// The longest name, in words.
    longest: usize,
}

/// A name as compared: lowercase letters and digits only ("United Kingdom",
/// "UnitedKingdom" and "united-kingdom" are all `unitedkingdom`).
pub fn fold(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

impl Lexicon {
    /// A lexicon of `countries` (each: alpha-2, alpha-3, and its names) and `languages`
    /// (English name, ISO 639-1 code).
    pub fn new<'a>(
        countries: impl IntoIterator<Item = (&'a str, &'a str, Vec<&'a str>)>,
        languages: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Lexicon {
        let mut lex = Lexicon::default();
        for (alpha2, alpha3, names) in countries {
            let code = alpha2.to_ascii_uppercase();
            lex.codes.insert(alpha3.to_ascii_uppercase(), code.clone());
            lex.codes.insert(code.clone(), code.clone());
            for name in names {
                lex.longest = lex.longest.max(name.split_whitespace().count());
                lex.countries.insert(fold(name), code.clone());
            }
        }
        // "UK" is what people write; it is not an ISO code.
        lex.codes.insert("UK".into(), "GB".into());
        for (name, code) in languages {
            lex.languages.insert(fold(name), code.to_ascii_lowercase());
        }
        lex.longest = lex.longest.clamp(3, 8);
        lex
    }
}

/// What a part of a brief was read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meaning {
    /// ISO 3166-1 alpha-2.
    Country(String),
    /// ISO 639-1.
    Language(String),
    Platform(Platform),
    Tier(Tier),
    /// At least or at most so many followers.
    MinFollowers(u64),
    MaxFollowers(u64),
    Formats(Vec<PostType>),
    /// Posts of the last so many days.
    WithinDays(u32),
    /// A topic, in the post search's syntax: a word, a "phrase", a #hashtag or an @mention.
    Topic(String),
}

/// One reading: the words of the brief and what they became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// As written.
    pub words: String,
    pub meaning: Meaning,
}

/// A brief as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Brief {
    pub countries: Vec<String>,
    pub languages: Vec<String>,
    pub platforms: Vec<Platform>,
    pub tiers: Vec<Tier>,
    pub min_followers: Option<u64>,
    pub max_followers: Option<u64>,
    pub formats: Vec<PostType>,
    pub within_days: Option<u32>,
    /// In the order written, each once, at most [`MAX_TOPICS`].
    pub topics: Vec<String>,
    /// Every reading, in the order written (topics past [`MAX_TOPICS`] are left out).
    pub readings: Vec<Reading>,
}

/// Why a brief was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BriefError {
    TooLong,
    Empty,
}

impl std::fmt::Display for BriefError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BriefError::TooLong => write!(f, "the brief is too long: at most {MAX_BRIEF_CHARS} characters"),
            BriefError::Empty => f.write_str("the brief has no words to read"),
        }
    }
}

impl std::error::Error for BriefError {}

/// A token of the brief.
#[derive(Debug, Clone)]
struct Token {
    /// As written (without surrounding punctuation).
    raw: String,
    /// Lowercase.
    low: String,
    /// A "quoted phrase", #hashtag or @mention: a topic as written.
    literal: bool,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        if let Some(inner) = rest.strip_prefix('"').or_else(|| rest.strip_prefix('“')) {
            let end = inner.find(['"', '”']).unwrap_or(inner.len());
            let phrase = inner[..end].trim();
            if phrase.chars().any(char::is_alphanumeric) {
                out.push(Token { raw: phrase.to_string(), low: phrase.to_lowercase(), literal: true });
            }
            let mut after = inner[end..].chars();
            after.next();
            rest = after.as_str();
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        let trimmed = word.trim_matches(|c: char| !(c.is_alphanumeric() || c == '#' || c == '@' || c == '+'));
        let literal = (trimmed.starts_with('#') || trimmed.starts_with('@')) && trimmed.len() > 1;
        // "Spanish-speaking", "Sydney-based", "micro-influencers": the suffix is a word of its own.
        let mut pieces: Vec<&str> = vec![trimmed];
        if !literal {
            for suffix in ["-speaking", "-influencers", "-influencer", "-creators", "-creator"] {
                let head = trimmed.len().saturating_sub(suffix.len());
                if head > 0 && trimmed.is_char_boundary(head) && trimmed[head..].eq_ignore_ascii_case(suffix) {
                    pieces = vec![&trimmed[..head], &trimmed[head + 1..]];
                    break;
                }
            }
        }
        for piece in pieces {
            let piece = piece.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '+'));
            if piece.chars().any(char::is_alphanumeric) {
                out.push(Token { raw: piece.to_string(), low: piece.to_lowercase(), literal });
            }
        }
    }
    out
}

/// A number as people write one: `5000`, `5,000`, `5k`, `1.5m`, `10k+`.
fn number(word: &str) -> Option<u64> {
    let w = word.trim_end_matches('+').replace(',', "").to_lowercase();
    let (digits, scale) = match w.strip_suffix('k') {
        Some(d) => (d.to_string(), 1_000.0),
        None => match w.strip_suffix('m') {
            Some(d) => (d.to_string(), 1_000_000.0),
            None => (w.clone(), 1.0),
        },
    };
    let value: f64 = digits.parse().ok()?;
    (value.is_finite() && value >= 0.0 && value * scale < 1e12).then(|| (value * scale).round() as u64)
}

fn is(word: &str, list: &[&str]) -> bool {
    list.contains(&word)
}

struct Reader<'a> {
    lex: &'a Lexicon,
    t: Vec<Token>,
    brief: Brief,
}

impl Brief {
    /// Reads `text` with the places and languages of `lex`.
    pub fn parse(text: &str, lex: &Lexicon) -> Result<Brief, BriefError> {
        if text.chars().count() > MAX_BRIEF_CHARS {
            return Err(BriefError::TooLong);
        }
        let t = tokens(text);
        if t.is_empty() {
            return Err(BriefError::Empty);
        }
        let mut r = Reader { lex, t, brief: Brief::default() };
        r.read();
        Ok(r.brief)
    }

    /// Whether the brief asks for no topic: its creators are chosen by the filters alone.
    pub fn has_topics(&self) -> bool {
        !self.topics.is_empty()
    }
}

impl Reader<'_> {
    fn low(&self, i: usize) -> &str {
        self.t.get(i).filter(|t| !t.literal).map_or("", |t| t.low.as_str())
    }

    fn words(&self, from: usize, to: usize) -> String {
        self.t[from..to.min(self.t.len())].iter().map(|t| t.raw.as_str()).collect::<Vec<_>>().join(" ")
    }

    fn note(&mut self, from: usize, to: usize, meaning: Meaning) {
        let words = self.words(from, to);
        let b = &mut self.brief;
        match &meaning {
            Meaning::Country(c) if !b.countries.contains(c) => b.countries.push(c.clone()),
            Meaning::Language(l) if !b.languages.contains(l) => b.languages.push(l.clone()),
            Meaning::Platform(p) if !b.platforms.contains(p) => b.platforms.push(*p),
            Meaning::Tier(t) if !b.tiers.contains(t) => b.tiers.push(*t),
            Meaning::MinFollowers(n) => b.min_followers = Some(*n),
            Meaning::MaxFollowers(n) => b.max_followers = Some(*n),
            Meaning::Formats(f) => {
                for k in f {
                    if !b.formats.contains(k) {
                        b.formats.push(*k);
                    }
                }
            }
            Meaning::WithinDays(d) => b.within_days = Some(*d),
            Meaning::Topic(topic) => {
                // Only what the post search reads as one part (a stray quote inside a word
                // would open a phrase).
                let one_part = crate::text::TextQuery::parse(topic).ok().flatten().is_some_and(|q| q.parts() == 1);
                if !one_part || b.topics.contains(topic) || b.topics.len() >= MAX_TOPICS {
                    return;
                }
                b.topics.push(topic.clone());
            }
            _ => return,
        }
        b.readings.push(Reading { words, meaning });
    }

    /// The longest run of words from `i` that `lookup` knows (joined by spaces), with its
    /// length.
    fn longest<T: Clone>(&self, i: usize, most: usize, lookup: impl Fn(&str) -> Option<T>) -> Option<(T, usize)> {
        (1..=most).rev().find_map(|n| {
            if i + n > self.t.len() || self.t[i..i + n].iter().any(|t| t.literal) {
                return None;
            }
            let joined = self.t[i..i + n].iter().map(|t| t.low.as_str()).collect::<Vec<_>>().join(" ");
            lookup(&joined).map(|v| (v, n))
        })
    }

    fn country_at(&self, i: usize) -> Option<(String, usize)> {
        let lex = self.lex;
        // "the UK", "the United States": the article belongs to the name.
        let skip = usize::from(self.low(i) == "the");
        if let Some(tok) = self.t.get(i + skip)
            && !tok.literal
            && tok.raw.len() <= 3
            && tok.raw.chars().all(|c| c.is_ascii_uppercase())
            && let Some(code) = lex.codes.get(&tok.raw)
        {
            return Some((code.clone(), skip + 1));
        }
        let named = |at: usize| self.longest(at, lex.longest, |w| lex.countries.get(&fold(w)).cloned());
        named(i).or_else(|| named(i + skip).map(|(c, n)| (c, n + skip)).filter(|_| skip == 1))
    }

    fn language_at(&self, i: usize) -> Option<(String, usize)> {
        self.longest(i, 2, |w| self.lex.languages.get(&fold(w)).cloned())
    }

    fn followers_after(&self, i: usize) -> bool {
        is(self.low(i), FOLLOWER_WORDS)
    }

    /// A bound on followers at `i`: "under 50k followers", "10k-50k followers",
    /// "between 5,000 and 20,000 subscribers", "10k+ followers".
    fn followers_at(&mut self, i: usize) -> Option<usize> {
        let w = self.low(i).to_string();
        let two = format!("{w} {}", self.low(i + 1));
        let (upper, lower) = (["under", "below", "max", "maximum"], ["over", "above", "min", "minimum"]);
        let (kind, skip) = if upper.contains(&w.as_str()) {
            (Some(false), 1)
        } else if lower.contains(&w.as_str()) {
            (Some(true), 1)
        } else if ["less than", "fewer than", "up to", "at most"].contains(&two.as_str()) {
            (Some(false), 2)
        } else if ["more than", "at least"].contains(&two.as_str()) {
            (Some(true), 2)
        } else {
            (None, 0)
        };
        if let Some(at_least) = kind {
            let n = number(self.low(i + skip))?;
            if !self.followers_after(i + skip + 1) {
                return None;
            }
            let end = i + skip + 2;
            self.note(i, end, if at_least { Meaning::MinFollowers(n) } else { Meaning::MaxFollowers(n) });
            return Some(end);
        }
        // "between N and M followers"
        if w == "between"
            && let (Some(a), "and", Some(b)) = (number(self.low(i + 1)), self.low(i + 2), number(self.low(i + 3)))
            && self.followers_after(i + 4)
        {
            self.note(i, i + 5, Meaning::MinFollowers(a.min(b)));
            self.note(i, i + 5, Meaning::MaxFollowers(a.max(b)));
            return Some(i + 5);
        }
        // "N-M followers", "N to M followers"
        if let Some((a, b)) = w.split_once('-').and_then(|(a, b)| Some((number(a)?, number(b)?)))
            && self.followers_after(i + 1)
        {
            self.note(i, i + 2, Meaning::MinFollowers(a.min(b)));
            self.note(i, i + 2, Meaning::MaxFollowers(a.max(b)));
            return Some(i + 2);
        }
        if let (Some(a), "to", Some(b)) = (number(&w), self.low(i + 1), number(self.low(i + 2)))
            && self.followers_after(i + 3)
        {
            self.note(i, i + 4, Meaning::MinFollowers(a.min(b)));
            self.note(i, i + 4, Meaning::MaxFollowers(a.max(b)));
            return Some(i + 4);
        }
        // "10k+ followers"
        if w.ends_with('+')
            && let Some(n) = number(&w)
            && self.followers_after(i + 1)
        {
            self.note(i, i + 2, Meaning::MinFollowers(n));
            return Some(i + 2);
        }
        None
    }

    /// "in the last 3 months", "over the past year", "recently".
    fn window_at(&mut self, i: usize) -> Option<usize> {
        let w = self.low(i);
        if w == "recently" || w == "lately" {
            self.note(i, i + 1, Meaning::WithinDays(90));
            return Some(i + 1);
        }
        if w != "last" && w != "past" {
            return None;
        }
        let (count, unit_at) = match number(self.low(i + 1)) {
            Some(n) => (n, i + 2),
            None => (1, i + 1),
        };
        let per = DAYS.iter().find(|(u, _)| *u == self.low(unit_at))?.1;
        let days = u32::try_from(count.clamp(1, 36_500)).unwrap_or(36_500).saturating_mul(per).min(36_500);
        // The words before ("in the", "over the") belong to it when they are there.
        let mut from = i;
        while from > 0 && ["in", "the", "over", "during", "within"].contains(&self.low(from - 1)) {
            from -= 1;
        }
        self.note(from, unit_at + 1, Meaning::WithinDays(days));
        Some(unit_at + 1)
    }

    fn read(&mut self) {
        let mut i = 0;
        // After a verb of posting, and through a list of formats ("post reels and shorts").
        let mut posting = false;
        while i < self.t.len() {
            let tok = self.t[i].clone();
            if tok.literal {
                let raw = tok.raw.replace(['"', '“', '”'], "");
                let topic = if raw.starts_with(['#', '@']) { raw } else { format!("\"{raw}\"") };
                self.note(i, i + 1, Meaning::Topic(topic));
                i += 1;
                posting = false;
                continue;
            }
            let w = tok.low.as_str();
            if let Some(next) = self.followers_at(i).or_else(|| self.window_at(i)) {
                i = next;
                posting = false;
                continue;
            }
            // A place after "in", "from", "based in", "living in"; a language after "in".
            if ["in", "from", "across"].contains(&w) {
                if let Some((code, n)) = self.country_at(i + 1) {
                    self.note(i, i + 1 + n, Meaning::Country(code));
                    i = self.more_countries(i + 1 + n);
                    continue;
                }
                if w == "in"
                    && let Some((code, n)) = self.language_at(i + 1)
                {
                    self.note(i, i + 1 + n, Meaning::Language(code));
                    i += 1 + n;
                    continue;
                }
            }
            // "Spanish-speaking", "Spanish language".
            if let Some((code, n)) = self.language_at(i)
                && ["speaking", "speakers", "language"].contains(&self.low(i + n))
            {
                self.note(i, i + n + 1, Meaning::Language(code));
                i += n + 1;
                continue;
            }
            // "Australia-based" (or "Australia based") is a place; "plant-based" is a topic.
            if let Some(code) = w.strip_suffix("-based").and_then(|head| self.lex.countries.get(&fold(head))) {
                self.note(i, i + 1, Meaning::Country(code.clone()));
                i += 1;
                continue;
            }
            if let Some((code, n)) = self.country_at(i)
                && self.low(i + n) == "based"
            {
                self.note(i, i + n + 1, Meaning::Country(code));
                i += n + 1;
                continue;
            }
            // A nationality before people: "Australian mums", "South African creators".
            if let Some((code, n)) = self.longest(i, 2, |w| DEMONYMS.iter().find(|d| d.0 == w).map(|d| d.1))
                && (is(self.low(i + n), PEOPLE) || self.tier_at(i + n).is_some())
            {
                self.note(i, i + n, Meaning::Country(code.to_string()));
                i += n;
                continue;
            }
            if let Some((platform, n)) = self.platform_at(i) {
                // "YouTube Shorts", "Instagram stories": the format is named by the platform.
                if let Some((formats, m)) = self.longest(i, 2, |w| FORMATS.iter().find(|f| f.0 == w).map(|f| f.1))
                    && m > n
                {
                    self.note(i, i + n, Meaning::Platform(platform));
                    self.note(i, i + m, Meaning::Formats(formats.to_vec()));
                    i += m;
                    continue;
                }
                self.note(i, i + n, Meaning::Platform(platform));
                i += n;
                continue;
            }
            if let Some((tier, n)) = self.tier_at(i) {
                self.note(i, i + n, Meaning::Tier(tier));
                i += n;
                continue;
            }
            let format = self.longest(i, 2, |w| FORMATS.iter().find(|f| f.0 == w).map(|f| f.1)).or_else(|| {
                posting
                    .then(|| self.longest(i, 2, |w| FORMATS_AFTER_VERB.iter().find(|f| f.0 == w).map(|f| f.1)))
                    .flatten()
                    // "video games" is a topic.
                    .filter(|(_, n)| !(self.low(i) == "video" && self.low(i + n).starts_with("game")))
            });
            if let Some((formats, n)) = format {
                self.note(i, i + n, Meaning::Formats(formats.to_vec()));
                i += n;
                posting = true;
                continue;
            }
            if is(w, POSTING_VERBS) {
                posting = true;
            } else if !(posting && ["and", "or", "short", "long", "daily", "weekly"].contains(&w)) {
                posting = false;
            }
            if !is(w, STOP) && w.chars().any(char::is_alphabetic) {
                self.note(i, i + 1, Meaning::Topic(w.replace(['"', '“', '”'], "")));
            }
            i += 1;
        }
    }

    /// After a country, "and New Zealand", "or Canada", "/ UK" name more.
    fn more_countries(&mut self, mut i: usize) -> usize {
        while ["and", "or", "&", "/"].contains(&self.low(i)) {
            let Some((code, n)) = self.country_at(i + 1) else { break };
            self.note(i + 1, i + 1 + n, Meaning::Country(code));
            i += 1 + n;
        }
        i
    }

    fn platform_at(&self, i: usize) -> Option<(Platform, usize)> {
        self.longest(i, 2, |w| {
            PLATFORMS.iter().find(|p| p.0 == w).map(|p| p.1).or_else(|| {
                // The interchange names, except "x", which is a letter (read only after "on").
                Platform::ALL.into_iter().find(|p| p.as_str() == w && *p != Platform::X)
            })
        })
        .or_else(|| (self.low(i) == "on" && self.low(i + 1) == "x").then_some((Platform::X, 2)))
    }

    /// A tier, with "tier", "influencers" or "creators" after it when they are there.
    fn tier_at(&self, i: usize) -> Option<(Tier, usize)> {
        let (tier, n) = self.longest(i, 2, |w| {
            let w = w.replace('-', " ");
            TIERS.iter().find(|t| t.0 == w).map(|t| t.1)
        })?;
        let extra =
            usize::from(["tier", "influencers", "influencer", "creators", "creator"].contains(&self.low(i + n)));
        Some((tier, n + extra))
    }
}
