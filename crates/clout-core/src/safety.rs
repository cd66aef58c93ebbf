//! Brand safety: screening what a creator posts (and what their audience comments) against
//! categories of words and phrases a brand would not want beside its name.
//!
//! A [`SafetyList`] names categories (adult, violence, …), each with terms. A term is a
//! word (`casino`), a phrase (`place your bets`, its words one after the other), or a
//! word or phrase whose last word ends in `*` (`gambl*`: gamble, gambling, gambler). A
//! term matches whole words only: `ass` does not match in `class`, and `#bet` matches the
//! word `bet` but `#betterwithfriends` does not. Case and accents are ignored on both
//! sides (`Cocaína` matches `cocaina`).
//!
//! Terms are listed for every post or for one language (ISO 639-1): a language's terms
//! apply to the posts of channels in that language, or whose language is not known, so
//! that a word harmless in one language (German `Gift`, "poison") is not looked for in
//! another (English "gift").
//!
//! A channel's level in a category ([`Levels::level`]) reads how many of its screened
//! posts matched: `none` when none did, `high` or `moderate` past the list's thresholds
//! (a count of posts *and* a share of the posts screened), else `low`. Comments are other
//! people's words: matching comments alone make a category `low`, never more.
//!
//! Every match is kept as evidence (the post or comment, the term), so a level always
//! links to the posts that caused it.

// Keys are the list's words; posts' words are only looked up: a fast hash is safe.
use rustc_hash::FxHashMap as HashMap;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// How much of a category a channel's posts show, from none to high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SafetyLevel {
    None,
    Low,
    Moderate,
    High,
}

impl SafetyLevel {
    pub const ALL: [SafetyLevel; 4] = [SafetyLevel::None, SafetyLevel::Low, SafetyLevel::Moderate, SafetyLevel::High];

    pub fn as_str(self) -> &'static str {
        match self {
            SafetyLevel::None => "none",
            SafetyLevel::Low => "low",
            SafetyLevel::Moderate => "moderate",
            SafetyLevel::High => "high",
        }
    }

    pub fn parse(s: &str) -> Option<SafetyLevel> {
        SafetyLevel::ALL.into_iter().find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Its number in the store (0 to 3).
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: i64) -> Option<SafetyLevel> {
        usize::try_from(code).ok().and_then(|c| SafetyLevel::ALL.get(c)).copied()
    }
}

impl std::fmt::Display for SafetyLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A level's threshold: at least `posts` matching posts that are at least `share` (0–1)
/// of the posts screened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub posts: u64,
    pub share: f64,
}

/// Where `moderate` and `high` start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    pub moderate: Threshold,
    pub high: Threshold,
}

impl Default for Levels {
    fn default() -> Levels {
        Levels { moderate: Threshold { posts: 2, share: 0.02 }, high: Threshold { posts: 3, share: 0.10 } }
    }
}

impl Levels {
    /// A category's level when `posts` of a channel's `screened` posts and `comments` of
    /// the comments on them matched it.
    pub fn level(&self, posts: u64, screened: u64, comments: u64) -> SafetyLevel {
        let past = |t: Threshold| posts >= t.posts.max(1) && posts as f64 >= t.share * screened as f64;
        if past(self.high) {
            SafetyLevel::High
        } else if past(self.moderate) {
            SafetyLevel::Moderate
        } else if posts > 0 || comments > 0 {
            SafetyLevel::Low
        } else {
            SafetyLevel::None
        }
    }
}

/// One category of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// Lower case letters, digits and `_` (`drugs_alcohol`).
    pub id: String,
    /// What a person reads (`Drugs and alcohol`).
    pub label: String,
    /// Terms looked for in every post.
    pub terms: Vec<String>,
    /// Terms looked for in one language's posts, by ISO 639-1 code.
    pub languages: Vec<(String, Vec<String>)>,
}

/// A list of categories to screen against, with its name and version (kept in every
/// audit record).
#[derive(Debug, Clone, PartialEq)]
pub struct SafetyList {
    pub name: String,
    pub version: String,
    pub levels: Levels,
    pub categories: Vec<Category>,
}

/// Why a list cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidList(pub String);

impl std::fmt::Display for InvalidList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidList {}

/// The most categories a list may have and the most terms in all.
pub const MAX_CATEGORIES: usize = 64;
pub const MAX_TERMS: usize = 20_000;
/// The most words a term may have, and the fewest letters before a `*`.
pub const MAX_TERM_WORDS: usize = 8;
pub const MIN_PREFIX_CHARS: usize = 3;

/// A term as matched: its words, the last one a prefix when it ended in `*`.
#[derive(Debug, Clone, PartialEq)]
struct Pattern {
    words: Vec<String>,
    prefix: bool,
    category: u16,
    /// The term's number in [`Screener::terms`].
    term: u32,
    /// `None`: every post; else only a channel in this language (or of unknown language).
    language: Option<String>,
}

/// A post's or comment's match: which category, which term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Match {
    pub category: u16,
    pub term: u32,
}

/// A list made ready to screen text quickly: patterns looked up by their first word (or,
/// for a one-word prefix, by its first three letters).
#[derive(Debug, Clone)]
pub struct Screener {
    /// Each term as written in the list, with its category.
    terms: Vec<(u16, String)>,
    by_word: HashMap<String, Vec<Pattern>>,
    by_stem: HashMap<String, Vec<Pattern>>,
}

impl SafetyList {
    /// Checks the list: ids, labels, terms (words, a `*` only at the end of the last word,
    /// at least three letters before it), thresholds; and compiles it.
    pub fn screener(&self) -> Result<Screener, InvalidList> {
        let bad = |what: String| Err(InvalidList(what));
        if self.name.trim().is_empty() || self.version.trim().is_empty() {
            return bad("a list needs a name and a version".to_string());
        }
        for (what, t) in [("moderate", self.levels.moderate), ("high", self.levels.high)] {
            if !(0.0..=1.0).contains(&t.share) || t.share.is_nan() {
                return bad(format!("levels.{what}.share: {} is not a share between 0 and 1", t.share));
            }
        }
        if self.levels.high.posts < self.levels.moderate.posts || self.levels.high.share < self.levels.moderate.share {
            return bad("levels: high must start at or above moderate".to_string());
        }
        if self.categories.is_empty() || self.categories.len() > MAX_CATEGORIES {
            return bad(format!("a list has 1 to {MAX_CATEGORIES} categories, this one {}", self.categories.len()));
        }
        let mut screener = Screener { terms: Vec::new(), by_word: HashMap::default(), by_stem: HashMap::default() };
        for (c, category) in self.categories.iter().enumerate() {
            let id = &category.id;
            if id.is_empty() || !id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_') {
                return bad(format!("category {id:?}: an id is lower case letters, digits and _"));
            }
            if self.categories[..c].iter().any(|o| &o.id == id) {
                return bad(format!("category {id}: listed twice"));
            }
            if category.label.trim().is_empty() {
                return bad(format!("category {id}: a label is needed"));
            }
            let all = category.terms.iter().map(|t| (None, t));
            let by_language =
                category.languages.iter().flat_map(|(l, terms)| terms.iter().map(move |t| (Some(l.as_str()), t)));
            for (language, term) in all.chain(by_language) {
                if let Some(l) = language
                    && (l.len() != 2 || !l.chars().all(|ch| ch.is_ascii_lowercase()))
                {
                    return bad(format!(
                        "category {id}: {l:?} is not an ISO 639-1 language code (two lower case letters)"
                    ));
                }
                let pattern =
                    compile(term).map_err(|why| InvalidList(format!("category {id}: term {term:?}: {why}")))?;
                if screener.terms.len() >= MAX_TERMS {
                    return bad(format!("a list has at most {MAX_TERMS} terms"));
                }
                let pattern = Pattern {
                    category: c as u16,
                    term: screener.terms.len() as u32,
                    language: language.map(str::to_string),
                    ..pattern
                };
                screener.terms.push((c as u16, term.trim().to_string()));
                if pattern.prefix && pattern.words.len() == 1 {
                    let stem: String = pattern.words[0].chars().take(MIN_PREFIX_CHARS).collect();
                    screener.by_stem.entry(stem).or_default().push(pattern);
                } else {
                    screener.by_word.entry(pattern.words[0].clone()).or_default().push(pattern);
                }
            }
        }
        Ok(screener)
    }
}

/// A term's words, folded as text is.
fn compile(term: &str) -> Result<Pattern, &'static str> {
    let term = term.trim();
    let prefix = term.ends_with('*');
    let body = term.strip_suffix('*').unwrap_or(term);
    if body.contains('*') {
        return Err("a * may only end the term");
    }
    let mut words = Vec::new();
    let mut buf = String::new();
    for_each_word(body, &mut buf, &mut |w| words.push(w.to_string()));
    if words.is_empty() {
        return Err("a term needs a word");
    }
    if words.len() > MAX_TERM_WORDS {
        return Err("a term has at most 8 words");
    }
    // The words must be all the term says: `*` only at the end, nothing but separators.
    if prefix
        && (body.ends_with(|c: char| !c.is_alphanumeric())
            || words.last().is_some_and(|w| w.chars().count() < MIN_PREFIX_CHARS))
    {
        return Err("a * follows at least three letters");
    }
    Ok(Pattern { words, prefix, category: 0, term: 0, language: None })
}

/// Calls `f` with each word of `text`, lower case and without accents: the runs of letters
/// and digits, with their accents (`don't` is `don` and `t`, `#Bet` is `bet`).
pub fn for_each_word(text: &str, buf: &mut String, f: &mut dyn FnMut(&str)) {
    // An ASCII character is never a combining mark, and is alphanumeric exactly when it is
    // an ASCII letter or digit: most text is ASCII, and the mark table is a lookup.
    let between =
        |c: char| if c.is_ascii() { !c.is_ascii_alphanumeric() } else { !c.is_alphanumeric() && !is_combining_mark(c) };
    for word in text.split(between).filter(|w| !w.is_empty()) {
        buf.clear();
        if word.is_ascii() {
            buf.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
        } else {
            for c in word.nfd().filter(|c| !is_combining_mark(*c)) {
                buf.extend(c.to_lowercase());
            }
        }
        f(buf);
    }
}

impl Screener {
    /// The term numbered `term`: its category's number and the term as the list writes it.
    pub fn term(&self, term: u32) -> Option<(u16, &str)> {
        self.terms.get(term as usize).map(|(c, t)| (*c, t.as_str()))
    }

    /// The terms `text` matches, each once, in order, for a channel in `language` (ISO
    /// 639-1; `None` when not known). `words` is a buffer the caller may keep between calls.
    pub fn screen(&self, text: &str, language: Option<&str>, words: &mut Vec<String>) -> Vec<Match> {
        let mut n = 0;
        let mut buf = String::new();
        for_each_word(text, &mut buf, &mut |w| {
            match words.get_mut(n) {
                Some(slot) => {
                    slot.clear();
                    slot.push_str(w);
                }
                None => words.push(w.to_string()),
            }
            n += 1;
        });
        let words = &words[..n];
        let mut found = Vec::new();
        let applies = |p: &Pattern| p.language.as_deref().is_none_or(|l| language.is_none_or(|have| have == l));
        let fits = |p: &Pattern, at: usize| -> bool {
            let k = p.words.len();
            at + k <= words.len()
                && p.words.iter().enumerate().all(|(j, want)| {
                    let have = &words[at + j];
                    if p.prefix && j + 1 == k { have.starts_with(want.as_str()) } else { have == want }
                })
        };
        for (at, word) in words.iter().enumerate() {
            if let Some(patterns) = self.by_word.get(word.as_str()) {
                found.extend(
                    patterns
                        .iter()
                        .filter(|p| applies(p) && fits(p, at))
                        .map(|p| Match { category: p.category, term: p.term }),
                );
            }
            if !self.by_stem.is_empty() {
                let end = word.char_indices().nth(MIN_PREFIX_CHARS).map_or(word.len(), |(i, _)| i);
                if let Some(patterns) = self.by_stem.get(&word[..end]) {
                    found.extend(
                        patterns
                            .iter()
                            .filter(|p| applies(p) && fits(p, at))
                            .map(|p| Match { category: p.category, term: p.term }),
                    );
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

#[cfg(test)]
mod tests;
