//! Comment authenticity: stock phrases and emoji-only comments, and accounts that comment
//! on most posts (an engagement pod).

/// What a channel's imported comments show.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentSummary {
    pub comments: usize,
    /// Comments with no words (emoji or punctuation only) or only a stock phrase.
    pub generic: usize,
    /// Posts with at least one comment.
    pub posts: usize,
    /// A few generic comments, as evidence.
    pub examples: Vec<String>,
    /// Accounts that commented on at least half of the commented posts, with their post
    /// counts, most frequent first.
    pub regulars: Vec<(String, usize)>,
}

/// Stock phrases that say nothing about the post (compared after lowercasing and keeping
/// only letters and single spaces).
const STOCK_PHRASES: &[&str] = &[
    "nice",
    "nice pic",
    "nice post",
    "nice one",
    "great",
    "great post",
    "great pic",
    "great content",
    "love it",
    "love this",
    "lovely",
    "amazing",
    "awesome",
    "wow",
    "cool",
    "beautiful",
    "so cute",
    "cute",
    "perfect",
    "gorgeous",
    "stunning",
    "super",
    "fire",
    "goals",
    "yes",
    "omg",
    "follow me",
    "follow back",
    "check my page",
    "dm me",
    "dm us",
    "check dm",
    "nice feed",
    "love your feed",
    "keep it up",
    "keep going",
];

/// Whether a comment says nothing specific: no letters at all, or only a stock phrase.
pub fn is_generic(text: &str) -> bool {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    words.is_empty() || STOCK_PHRASES.contains(&words.join(" ").as_str())
}

/// Summarises comments given as `(post_id, author, text)`.
pub fn comment_summary(comments: &[(String, String, Option<String>)]) -> CommentSummary {
    use std::collections::{BTreeMap, BTreeSet};
    let mut by_author: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut posts: BTreeSet<&str> = BTreeSet::new();
    let mut generic = 0;
    let mut examples = Vec::new();
    for (post, author, text) in comments {
        posts.insert(post);
        by_author.entry(author).or_default().insert(post);
        if is_generic(text.as_deref().unwrap_or("")) {
            generic += 1;
            if examples.len() < 3 {
                examples.push(text.clone().unwrap_or_default());
            }
        }
    }
    let mut regulars: Vec<(String, usize)> = by_author
        .into_iter()
        .filter(|(_, p)| posts.len() >= 2 && 2 * p.len() >= posts.len())
        .map(|(a, p)| (a.to_string(), p.len()))
        .collect();
    regulars.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    CommentSummary { comments: comments.len(), generic, posts: posts.len(), examples, regulars }
}
