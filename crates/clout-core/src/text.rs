//! What a user types into a search box, parsed into the words, "quoted phrases",
//! #hashtags and @mentions a channel's (or a post's) text must all contain.
//!
//! The parse knows no search engine: the store turns a [`TextQuery`] into its own
//! query language (FTS5 for SQLite) and quotes every part there, so nothing a user types
//! is ever read as that language's syntax.

use std::fmt;

#[cfg(test)]
mod tests;

/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// The most words, phrases, hashtags and mentions in one query: each is a full-text lookup ANDed
/// with the others, and thousands of them would keep a database busy for minutes, so a
/// query is kept to a sentence.
pub const MAX_QUERY_PARTS: usize = 24;

/// A parsed text query: every part must match (AND).
///
/// Only [`TextQuery::parse`] makes one, so every value keeps its rules: at least one
/// part and at most [`MAX_QUERY_PARTS`]; each part holds a letter or digit and no NUL;
/// words, hashtags and mentions hold no whitespace and no `"`; phrases hold no `"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextQuery {
    words: Vec<String>,
    phrases: Vec<String>,
    hashtags: Vec<String>,
    mentions: Vec<String>,
}

/// Why a query was refused. The messages are fit to show the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextQueryError {
    /// More than [`MAX_QUERY_CHARS`] characters.
    TooLong,
    /// A `"` opens a phrase that nothing closes; holds the query as typed.
    UnclosedQuote(String),
    /// More than [`MAX_QUERY_PARTS`] parts; holds how many there were.
    TooManyParts(usize),
    /// Only punctuation (a lone `#`, `!!`): holds the query as typed.
    NoWord(String),
}

impl fmt::Display for TextQueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextQueryError::TooLong => write!(f, "the query is too long: at most {MAX_QUERY_CHARS} characters"),
            TextQueryError::UnclosedQuote(text) => write!(f, "the query has an unclosed quote: {text}"),
            TextQueryError::TooManyParts(n) => {
                write!(f, "the query has {n} words, phrases, hashtags and mentions: at most {MAX_QUERY_PARTS}")
            }
            TextQueryError::NoWord(text) => write!(f, "the query '{text}' has no word to search for"),
        }
    }
}

impl std::error::Error for TextQueryError {}

impl TextQuery {
    /// Parses what a user typed: whitespace separates words, `"…"` holds a phrase, a word
    /// starting with `#` is a hashtag and one starting with `@` a mention (each lowercased,
    /// without its `#` or `@`, and with a trailing `.`, `,`, `:`, `;`, `!` or `?` dropped
    /// from a mention, so `@nike,` is `nike` and `@nike.running` stays whole). A part without
    /// a letter or digit is dropped; a NUL counts as a space. `None` when the text is
    /// blank.
    pub fn parse(text: &str) -> Result<Option<TextQuery>, TextQueryError> {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(TextQueryError::TooLong);
        }
        let mut query =
            TextQuery { words: Vec::new(), phrases: Vec::new(), hashtags: Vec::new(), mentions: Vec::new() };
        // A NUL would end the query early inside a database written in C.
        let cleaned = text.replace('\0', " ");
        let mut rest = cleaned.trim();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('"') {
                let Some(end) = after.find('"') else {
                    return Err(TextQueryError::UnclosedQuote(text.to_string()));
                };
                let phrase = after[..end].trim();
                if phrase.chars().any(char::is_alphanumeric) {
                    query.phrases.push(phrase.to_string());
                }
                rest = after[end + 1..].trim_start();
                continue;
            }
            let end = rest.find(|c: char| c.is_whitespace() || c == '"').unwrap_or(rest.len());
            let word = &rest[..end];
            rest = rest[end..].trim_start();
            if let Some(tag) = word.strip_prefix('#') {
                // The tag keeps its inner punctuation (`self_care`): the store splits it
                // into words the same way as the stored hashtags.
                if tag.chars().any(char::is_alphanumeric) {
                    query.hashtags.push(tag.to_lowercase());
                }
            } else if let Some(name) = word.strip_prefix('@') {
                let name = name.trim_end_matches(['.', ',', ':', ';', '!', '?']);
                if name.chars().any(char::is_alphanumeric) {
                    query.mentions.push(name.to_lowercase());
                }
            } else if word.chars().any(char::is_alphanumeric) {
                query.words.push(word.to_string());
            }
        }
        let parts = query.parts();
        if parts > MAX_QUERY_PARTS {
            return Err(TextQueryError::TooManyParts(parts));
        }
        if parts == 0 && cleaned.chars().any(|c| !c.is_whitespace()) {
            return Err(TextQueryError::NoWord(text.to_string()));
        }
        Ok((parts > 0).then_some(query))
    }

    /// The single words, as typed (punctuation and case kept), in the order typed.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The quoted phrases, without their quotes and trimmed, in the order typed.
    pub fn phrases(&self) -> &[String] {
        &self.phrases
    }

    /// The hashtags, lowercased and without `#`, in the order typed.
    pub fn hashtags(&self) -> &[String] {
        &self.hashtags
    }

    /// The mentioned accounts, lowercased and without `@`, in the order typed. A channel's
    /// text has no mentions of its own: a channel search matches a mention as a word.
    pub fn mentions(&self) -> &[String] {
        &self.mentions
    }

    /// How many words, phrases, hashtags and mentions the query holds.
    pub fn parts(&self) -> usize {
        self.words.len() + self.phrases.len() + self.hashtags.len() + self.mentions.len()
    }
}

/// The query in a normal form: its words, then its phrases in quotes, then its hashtags
/// with `#`, then its mentions with `@`, separated by spaces. Parsing it again gives the
/// same query.
impl fmt::Display for TextQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words = self.words.iter().cloned();
        let phrases = self.phrases.iter().map(|p| format!("\"{p}\""));
        let hashtags = self.hashtags.iter().map(|t| format!("#{t}"));
        let mentions = self.mentions.iter().map(|m| format!("@{m}"));
        f.write_str(&words.chain(phrases).chain(hashtags).chain(mentions).collect::<Vec<_>>().join(" "))
    }
}

/// The accounts a caption mentions: each `@` that starts a word (at the start, or after a
/// character that is not a letter, digit, `_` or `.`, so `me@mail.com` mentions no one),
/// followed by letters, digits, `_` and `.`, lowercased, without a trailing `.`.
pub fn mentions_in(caption: &str) -> Vec<String> {
    tagged_in(caption, '@', |c| c.is_alphanumeric() || c == '_' || c == '.')
        .map(|m| m.trim_end_matches('.').to_lowercase())
        .filter(|m| !m.is_empty())
        .collect()
}

/// The hashtags a caption holds, the same way: `#` starting a word, then letters, digits
/// and `_`, lowercased.
pub fn hashtags_in(caption: &str) -> Vec<String> {
    tagged_in(caption, '#', |c| c.is_alphanumeric() || c == '_').map(str::to_lowercase).collect()
}

fn tagged_in(text: &str, sign: char, inside: impl Fn(char) -> bool + Copy) -> impl Iterator<Item = &str> {
    let mut previous: Option<char> = None;
    text.char_indices().filter_map(move |(at, c)| {
        let starts = c == sign && previous.is_none_or(|p| !(p.is_alphanumeric() || p == '_' || p == '.'));
        previous = Some(c);
        if !starts {
            return None;
        }
        let rest = &text[at + c.len_utf8()..];
        let end = rest.find(|c: char| !inside(c)).unwrap_or(rest.len());
        let tag = &rest[..end];
        tag.chars().any(char::is_alphanumeric).then_some(tag)
    })
}
