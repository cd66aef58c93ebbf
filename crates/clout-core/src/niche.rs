//! Niches: which topic areas a channel is about, with the words that decided it.
//!
//! A [`Taxonomy`] lists niches with keywords (matched as stemmed words or phrases in
//! the profile and captions) and hashtags (matched exactly). [`Taxonomy::classify`]
//! scores each niche from a channel's text and keeps the evidence, so a label can
//! always be explained. Stemming is a parameter (the app passes an English Snowball
//! stemmer), which keeps this module free of language data and dependencies.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use std::fmt;

#[cfg(test)]
mod tests;

/// A niche as configured (for example from a TOML file).
#[derive(Debug, Clone, PartialEq)]
pub struct NicheSpec {
    pub id: String,
    pub name: String,
    pub keywords: Vec<String>,
    pub hashtags: Vec<String>,
}

/// A niche of a validated taxonomy.
#[derive(Debug, Clone, PartialEq)]
pub struct Niche {
    /// Stable identifier: lowercase letters, digits, `-` and `_`.
    pub id: String,
    pub name: String,
}

/// Why a taxonomy was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaxonomyError {
    Empty,
    BadId(String),
    DuplicateId(String),
    NoTerms(String),
}

impl fmt::Display for TaxonomyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaxonomyError::Empty => f.write_str("the taxonomy has no niches"),
            TaxonomyError::BadId(id) => {
                write!(f, "niche id '{id}' must be lowercase letters, digits, '-' or '_'")
            }
            TaxonomyError::DuplicateId(id) => write!(f, "niche id '{id}' appears twice"),
            TaxonomyError::NoTerms(id) => write!(f, "niche '{id}' has no keywords and no hashtags"),
        }
    }
}

impl std::error::Error for TaxonomyError {}

/// Where in a channel's text a term was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TextField {
    /// Name, bio or category.
    Profile,
    Caption,
    Hashtag,
}

impl TextField {
    pub const fn as_str(self) -> &'static str {
        match self {
            TextField::Profile => "profile",
            TextField::Caption => "caption",
            TextField::Hashtag => "hashtag",
        }
    }

    /// How much one occurrence counts: the profile says what a channel is about, a
    /// hashtag is chosen on purpose, a caption word may be incidental.
    const fn weight(self) -> f64 {
        match self {
            TextField::Profile => 3.0,
            TextField::Hashtag => 1.5,
            TextField::Caption => 1.0,
        }
    }
}

/// A channel's text, as the classifier reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelText<'a> {
    pub name: Option<&'a str>,
    pub bio: Option<&'a str>,
    pub category: Option<&'a str>,
    pub captions: Vec<&'a str>,
    /// Hashtags without `#`, one entry per use (a tag on ten posts appears ten times).
    pub hashtags: Vec<&'a str>,
}

/// One term that counted for a niche.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The keyword or hashtag as configured.
    pub term: String,
    pub field: TextField,
    pub count: u32,
}

/// A niche a channel is about.
#[derive(Debug, Clone, PartialEq)]
pub struct NicheLabel {
    /// Index into [`Taxonomy::niches`].
    pub niche: usize,
    /// The niche's share of all niche evidence in the channel's text, damped when the
    /// evidence is thin: `score / (sum of scores + 2)`, in `0..1`.
    pub confidence: f64,
    pub score: f64,
    /// The strongest evidence first.
    pub evidence: Vec<Evidence>,
}

/// Labels need at least this score (about two distinct profile words, or several
/// caption words) and this confidence; a channel gets at most `MAX_LABELS`.
pub const MIN_SCORE: f64 = 2.0;
pub const MIN_CONFIDENCE: f64 = 0.25;
pub const MAX_LABELS: usize = 3;
/// Evidence items kept per label.
const EVIDENCE_KEPT: usize = 6;

/// A term of the taxonomy: which niche, and its text as configured.
#[derive(Debug, Clone, PartialEq)]
struct Term {
    niche: usize,
    text: String,
}

/// A validated taxonomy, ready to classify.
#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    niches: Vec<Niche>,
    terms: Vec<Term>,
    /// Every stem some keyword uses → its id.
    stem_ids: HashMap<String, u32>,
    /// A keyword as the ids of its stemmed words → term indices.
    keywords: HashMap<Vec<u32>, Vec<usize>>,
    /// Lowercase hashtag → term indices.
    hashtags: HashMap<String, Vec<usize>>,
    /// The longest keyword, in words.
    longest: usize,
}

/// Lowercase words of `text`: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

impl Taxonomy {
    /// Validates `specs` and indexes their terms, stemming keywords with `stem`.
    pub fn new(specs: Vec<NicheSpec>, stem: &dyn Fn(&str) -> String) -> Result<Taxonomy, TaxonomyError> {
        if specs.is_empty() {
            return Err(TaxonomyError::Empty);
        }
        let mut tax = Taxonomy {
            niches: Vec::new(),
            terms: Vec::new(),
            stem_ids: HashMap::default(),
            keywords: HashMap::default(),
            hashtags: HashMap::default(),
            longest: 1,
        };
        for spec in specs {
            let id = spec.id.trim().to_string();
            let valid = !id.is_empty()
                && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if !valid {
                return Err(TaxonomyError::BadId(id));
            }
            if tax.niches.iter().any(|n| n.id == id) {
                return Err(TaxonomyError::DuplicateId(id));
            }
            let niche = tax.niches.len();
            let mut any = false;
            for keyword in &spec.keywords {
                let ids: Vec<u32> = words(keyword)
                    .map(|w| {
                        let next = tax.stem_ids.len() as u32;
                        *tax.stem_ids.entry(stem(&w)).or_insert(next)
                    })
                    .collect();
                if ids.is_empty() {
                    continue;
                }
                tax.longest = tax.longest.max(ids.len());
                let t = tax.terms.len();
                tax.terms.push(Term { niche, text: keyword.trim().to_string() });
                tax.keywords.entry(ids).or_default().push(t);
                any = true;
            }
            for tag in &spec.hashtags {
                let tag = tag.trim().trim_start_matches('#').to_lowercase();
                if tag.is_empty() {
                    continue;
                }
                let t = tax.terms.len();
                tax.terms.push(Term { niche, text: format!("#{tag}") });
                tax.hashtags.entry(tag).or_default().push(t);
                any = true;
            }
            if !any {
                return Err(TaxonomyError::NoTerms(id));
            }
            tax.niches.push(Niche { id, name: spec.name.trim().to_string() });
        }
        Ok(tax)
    }

    pub fn niches(&self) -> &[Niche] {
        &self.niches
    }

    /// The id of a stem that some keyword uses; `None` for any other stem. Callers map
    /// each (lowercased) word of a text to this, usually through a memo, since a world
    /// has millions of words but a small vocabulary.
    pub fn stem_id(&self, stem: &str) -> Option<u32> {
        self.stem_ids.get(stem).copied()
    }

    /// The index of the niche with this id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.niches.iter().position(|n| n.id == id)
    }

    /// Scores every niche on `text` and returns the labels, most confident first.
    ///
    /// A term's weighted count `c` (profile ×3, hashtag ×1.5, caption ×1 per occurrence)
    /// adds `ln(1 + c)` to its niche's score: many different words weigh more than one
    /// word repeated.
    ///
    /// `word_id` maps a lowercased word to [`Taxonomy::stem_id`] of its stem.
    pub fn classify(&self, text: &ChannelText<'_>, word_id: &mut dyn FnMut(&str) -> Option<u32>) -> Vec<NicheLabel> {
        // (term, field) → occurrences. Ordered maps keep the floating-point sums below in
        // a fixed order, so the same text always gives bit-identical confidences.
        let mut hits: BTreeMap<(usize, TextField), u32> = BTreeMap::new();
        // A word outside the taxonomy is `NO_WORD`, so a phrase is a plain slice of ids.
        const NO_WORD: u32 = u32::MAX;
        let mut ids: Vec<u32> = Vec::new();
        let mut lower = String::new();
        let mut scan = |text: &str, field: TextField, word_id: &mut dyn FnMut(&str) -> Option<u32>| {
            ids.clear();
            for token in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
                let id = if !token.is_ascii() {
                    word_id(&token.to_lowercase())
                } else if token.bytes().any(|b| b.is_ascii_uppercase()) {
                    lower.clear();
                    lower.push_str(token);
                    lower.make_ascii_lowercase();
                    word_id(&lower)
                } else {
                    word_id(token)
                };
                ids.push(id.unwrap_or(NO_WORD));
            }
            for start in 0..ids.len() {
                for len in 1..=self.longest.min(ids.len() - start) {
                    if ids[start + len - 1] == NO_WORD {
                        break;
                    }
                    if let Some(terms) = self.keywords.get(&ids[start..start + len]) {
                        for &t in terms {
                            *hits.entry((t, field)).or_default() += 1;
                        }
                    }
                }
            }
        };
        for profile in [text.name, text.bio, text.category].into_iter().flatten() {
            scan(profile, TextField::Profile, word_id);
        }
        for caption in &text.captions {
            scan(caption, TextField::Caption, word_id);
        }
        let mut lower = String::new();
        let mut folded;
        for tag in &text.hashtags {
            let tag = tag.trim_start_matches('#');
            let tag: &str = if !tag.is_ascii() {
                folded = tag.to_lowercase();
                &folded
            } else if tag.bytes().any(|b| b.is_ascii_uppercase()) {
                lower.clear();
                lower.push_str(tag);
                lower.make_ascii_lowercase();
                &lower
            } else {
                tag
            };
            if let Some(terms) = self.hashtags.get(tag) {
                for &t in terms {
                    *hits.entry((t, TextField::Hashtag)).or_default() += 1;
                }
            }
        }

        let mut weighted: BTreeMap<usize, f64> = BTreeMap::new();
        for (&(t, field), &n) in &hits {
            *weighted.entry(t).or_default() += field.weight() * f64::from(n);
        }
        let mut scores = vec![0.0; self.niches.len()];
        for (&t, &c) in &weighted {
            scores[self.terms[t].niche] += (1.0 + c).ln();
        }
        let total: f64 = scores.iter().sum();
        let mut labels: Vec<NicheLabel> = scores
            .iter()
            .enumerate()
            .filter(|&(_, &score)| score >= MIN_SCORE)
            .map(|(niche, &score)| NicheLabel { niche, confidence: score / (total + 2.0), score, evidence: Vec::new() })
            .filter(|l| l.confidence >= MIN_CONFIDENCE)
            .collect();
        labels.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then(a.niche.cmp(&b.niche)));
        labels.truncate(MAX_LABELS);
        for label in &mut labels {
            let mut evidence: Vec<(f64, Evidence)> = hits
                .iter()
                .filter(|((t, _), _)| self.terms[*t].niche == label.niche)
                .map(|(&(t, field), &count)| {
                    (field.weight() * f64::from(count), Evidence { term: self.terms[t].text.clone(), field, count })
                })
                .collect();
            evidence.sort_by(|a, b| {
                b.0.total_cmp(&a.0).then_with(|| a.1.term.cmp(&b.1.term)).then(a.1.field.cmp(&b.1.field))
            });
            label.evidence = evidence.into_iter().take(EVIDENCE_KEPT).map(|(_, e)| e).collect();
        }
        labels
    }
}
