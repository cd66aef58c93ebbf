//! What a user types into the Directory's search box, parsed into the words, "quoted
//! phrases" and #hashtags a channel's text must all contain.
//!
//! The parse knows no search engine: the store turns a [`TextQuery`] into its own
//! query language (FTS5 for SQLite) and quotes every part there, so nothing a user types
//! is ever read as that language's syntax.

use std::fmt;

#[cfg(test)]
mod tests;

/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// The most words, phrases and hashtags in one query: each is a full-text lookup ANDed
/// with the others, and thousands of them would keep a database busy for minutes, so a
/// query is kept to a sentence.
pub const MAX_QUERY_PARTS: usize = 24;

/// A parsed text query: every part must match (AND).
///
/// Only [`TextQuery::parse`] makes one, so every value keeps its rules: at least one
/// part and at most [`MAX_QUERY_PARTS`]; each part holds a letter or digit and no NUL;
/// words and hashtags hold no whitespace and no `"`; phrases hold no `"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextQuery {
    words: Vec<String>,
    phrases: Vec<String>,
    hashtags: Vec<String>,
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
                write!(f, "the query has {n} words, phrases and hashtags: at most {MAX_QUERY_PARTS}")
            }
            TextQueryError::NoWord(text) => write!(f, "the query '{text}' has no word to search for"),
        }
    }
}

impl std::error::Error for TextQueryError {}

impl TextQuery {
    /// Parses what a user typed: whitespace separates words, `"…"` holds a phrase and a
    /// word starting with `#` is a hashtag (lowercased, without the `#`). A part without
    /// a letter or digit is dropped; a NUL counts as a space. `None` when the text is
    /// blank.
    pub fn parse(text: &str) -> Result<Option<TextQuery>, TextQueryError> {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(TextQueryError::TooLong);
        }
        let mut query = TextQuery { words: Vec::new(), phrases: Vec::new(), hashtags: Vec::new() };
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

    /// How many words, phrases and hashtags the query holds.
    pub fn parts(&self) -> usize {
        self.words.len() + self.phrases.len() + self.hashtags.len()
    }
}

/// The query in a normal form: its words, then its phrases in quotes, then its hashtags
/// with `#`, separated by spaces. Parsing it again gives the same query.
impl fmt::Display for TextQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words = self.words.iter().cloned();
        let phrases = self.phrases.iter().map(|p| format!("\"{p}\""));
        let hashtags = self.hashtags.iter().map(|t| format!("#{t}"));
        f.write_str(&words.chain(phrases).chain(hashtags).collect::<Vec<_>>().join(" "))
    }
}
