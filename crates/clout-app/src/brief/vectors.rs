//! Optional semantic matching for briefs: word vectors the user points to (a file on disk,
//! in the text format word2vec, GloVe and fastText publish: `word v1 v2 … vD` per line,
//! with or without a `count dimensions` first line). A brief's single-word topics are
//! widened with their nearest words by cosine similarity, so "vegan" also finds posts
//! saying "plant-based". Nothing is downloaded and nothing is sent anywhere.
//!
//! Published files list words by frequency, so the first [`MAX_VECTOR_WORDS`] hold the
//! useful vocabulary; the rest is not read, which bounds memory (300 dimensions: 240 MB).

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use crate::{Error, Result};

/// The most words read from a vectors file.
pub const MAX_VECTOR_WORDS: usize = 200_000;
/// A word is a topic's neighbour at this cosine similarity or above…
pub const MIN_SIMILARITY: f32 = 0.6;
/// …and a topic takes at most this many.
pub const MAX_NEIGHBOURS: usize = 3;
/// The most dimensions a vector may have.
const MAX_DIMENSIONS: usize = 4_096;

/// Unit-length word vectors, in the file's order.
#[derive(Debug)]
pub struct WordVectors {
    words: Vec<String>,
    by_word: HashMap<String, u32>,
    dimensions: usize,
    /// `words.len() × dimensions`, each row of length 1.
    data: Vec<f32>,
}

fn bad(path: &Path, line: usize, why: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("word vectors {}, line {line}: {why}", path.display()))
}

impl WordVectors {
    /// Reads a vectors file (see the module's header). Lines whose word is not a plain
    /// word (has no letter, or a character other than letters, digits, `-`, `'` and `_`)
    /// are skipped; a line with another number of values than the first is an error.
    pub fn load(path: &Path) -> Result<WordVectors> {
        let file =
            std::fs::File::open(path).map_err(|e| Error::Invalid(format!("word vectors {}: {e}", path.display())))?;
        let mut v = WordVectors { words: Vec::new(), by_word: HashMap::new(), dimensions: 0, data: Vec::new() };
        let mut line = String::new();
        let mut reader = std::io::BufReader::new(file);
        let mut number = 0;
        while v.words.len() < MAX_VECTOR_WORDS {
            line.clear();
            let read = reader.read_line(&mut line).map_err(|e| bad(path, number + 1, e))?;
            if read == 0 {
                break;
            }
            number += 1;
            let mut parts = line.split_ascii_whitespace();
            let Some(word) = parts.next() else { continue };
            let values: Vec<&str> = parts.collect();
            // The optional header: two integers.
            if number == 1 && values.len() == 1 && word.parse::<u64>().is_ok() && values[0].parse::<u64>().is_ok() {
                continue;
            }
            if values.is_empty() || values.len() > MAX_DIMENSIONS {
                return Err(bad(path, number, format!("expected a word and 1 to {MAX_DIMENSIONS} numbers")));
            }
            if v.dimensions == 0 {
                v.dimensions = values.len();
            } else if values.len() != v.dimensions {
                return Err(bad(
                    path,
                    number,
                    format!("{} numbers where the file's vectors have {}", values.len(), v.dimensions),
                ));
            }
            let mut row = Vec::with_capacity(v.dimensions);
            for value in values {
                let x: f32 = value.parse().map_err(|_| bad(path, number, format!("'{value}' is not a number")))?;
                if !x.is_finite() {
                    return Err(bad(path, number, format!("'{value}' is not a finite number")));
                }
                row.push(x);
            }
            let word = word.to_lowercase();
            let plain = word.chars().any(char::is_alphabetic)
                && word.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '\'' | '_'));
            let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt();
            if !plain || norm == 0.0 || v.by_word.contains_key(&word) {
                continue;
            }
            v.by_word.insert(word.clone(), v.words.len() as u32);
            v.words.push(word);
            v.data.extend(row.iter().map(|x| x / norm));
        }
        if v.words.is_empty() {
            return Err(Error::Invalid(format!("word vectors {}: no word with a vector", path.display())));
        }
        Ok(v)
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn dimensions(&self) -> usize {
        self.dimensions
    }

    fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dimensions..(i + 1) * self.dimensions]
    }

    /// The words nearest to `word` (lowercased), most similar first: at most
    /// [`MAX_NEIGHBOURS`], each at [`MIN_SIMILARITY`] or above, leaving out the word itself
    /// and its plural or singular (the post index stems those already) and any word
    /// `skip` refuses. None when the file has no vector for it.
    pub fn neighbours(&self, word: &str, skip: &dyn Fn(&str) -> bool) -> Vec<(String, f32)> {
        let word = word.to_lowercase();
        let Some(&at) = self.by_word.get(&word) else { return Vec::new() };
        let me = self.row(at as usize);
        let same = |w: &str| {
            w == word
                || w.strip_suffix('s') == Some(word.as_str())
                || word.strip_suffix('s') == Some(w)
                || w.strip_suffix("es") == Some(word.as_str())
        };
        let mut best: Vec<(f32, u32)> = Vec::new();
        for (i, w) in self.words.iter().enumerate() {
            if i == at as usize {
                continue;
            }
            let cos: f32 = self.row(i).iter().zip(me).map(|(a, b)| a * b).sum();
            if cos < MIN_SIMILARITY || same(w) || skip(w) {
                continue;
            }
            best.push((cos, i as u32));
            if best.len() > 4 * MAX_NEIGHBOURS {
                best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                best.truncate(MAX_NEIGHBOURS);
            }
        }
        best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        best.into_iter().take(MAX_NEIGHBOURS).map(|(cos, i)| (self.words[i as usize].clone(), cos)).collect()
    }
}
