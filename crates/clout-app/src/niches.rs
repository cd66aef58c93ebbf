//! Niche labels: the taxonomy file, the stemmer, and labelling every channel.
//!
//! The taxonomy is TOML (`data/niches.toml` is built in; `AppConfig::niches_file` points
//! to the user's own). Keywords and text are stemmed with the English Snowball stemmer,
//! memoised because a world has millions of words but a small vocabulary.

use std::cell::RefCell;
use std::path::Path;

use clout_core::niche::{ChannelText, NicheLabel, NicheSpec, Taxonomy};
use clout_store::{SearchText, StoredNiche};
use serde::Deserialize;

use crate::{App, Error, Result};

/// The built-in taxonomy.
pub const DEFAULT_TAXONOMY: &str = include_str!("../data/niches.toml");

/// Posts per channel whose captions and hashtags are read: the recent ones say what the
/// channel is about now, and reading every post of a long history costs time for little.
pub(crate) const POSTS_READ: usize = 30;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    niche: Vec<RawNiche>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNiche {
    id: String,
    name: String,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    hashtags: Vec<String>,
}

/// A taxonomy with its stemmer.
pub struct NicheClassifier {
    taxonomy: Taxonomy,
    stemmer: rust_stemmers::Stemmer,
    /// Word → id of its stem in the taxonomy (or `None`), memoised.
    cache: RefCell<rustc_hash::FxHashMap<String, Option<u32>>>,
}

impl NicheClassifier {
    /// Parses a taxonomy; `origin` names it in error messages.
    pub fn from_toml(text: &str, origin: &str) -> Result<NicheClassifier> {
        let raw: RawTaxonomy =
            toml::from_str(text).map_err(|e| Error::Invalid(format!("niche taxonomy {origin}: {e}")))?;
        let specs = raw
            .niche
            .into_iter()
            .map(|n| NicheSpec { id: n.id, name: n.name, keywords: n.keywords, hashtags: n.hashtags })
            .collect();
        let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
        let taxonomy = Taxonomy::new(specs, &|w| stemmer.stem(w).into_owned())
            .map_err(|e| Error::Invalid(format!("niche taxonomy {origin}: {e}")))?;
        Ok(NicheClassifier { taxonomy, stemmer, cache: RefCell::new(rustc_hash::FxHashMap::default()) })
    }

    pub fn built_in() -> Result<NicheClassifier> {
        NicheClassifier::from_toml(DEFAULT_TAXONOMY, "(built in)")
    }

    pub fn from_file(path: &Path) -> Result<NicheClassifier> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Invalid(format!("reading the niche taxonomy {}: {e}", path.display())))?;
        NicheClassifier::from_toml(&text, &path.display().to_string())
    }

    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    fn word_id(&self, word: &str) -> Option<u32> {
        if let Some(id) = self.cache.borrow().get(word) {
            return *id;
        }
        let id = self.taxonomy.stem_id(&self.stemmer.stem(word));
        self.cache.borrow_mut().insert(word.to_string(), id);
        id
    }

    pub fn classify(&self, text: &ChannelText<'_>) -> Vec<NicheLabel> {
        self.taxonomy.classify(text, &mut |w| self.word_id(w))
    }

    /// A channel's searchable text and its niche labels (`None` without any), from its
    /// profile and the `(caption, hashtags)` of its newest posts (newest first; only the
    /// first [`POSTS_READ`] are read).
    pub(crate) fn read_channel<S: AsRef<str>>(
        &self,
        channel_id: i64,
        handle: &str,
        name: Option<&str>,
        bio: Option<&str>,
        category: Option<&str>,
        posts: &[(Option<S>, Option<S>)],
    ) -> (SearchText, Option<Vec<StoredNiche>>) {
        let posts = &posts[..posts.len().min(POSTS_READ)];
        // The same text feeds the full-text index of the Directory.
        let mut captions = String::new();
        let mut tags = String::new();
        for (caption, hashtags) in posts {
            if let Some(c) = caption {
                captions.push_str(c.as_ref());
                captions.push('\n');
            }
            if let Some(h) = hashtags {
                tags.push_str(h.as_ref());
                tags.push(' ');
            }
        }
        let text = SearchText {
            channel_id,
            handle: handle.to_string(),
            name: name.unwrap_or_default().to_string(),
            bio: [bio, category].into_iter().flatten().collect::<Vec<_>>().join("\n"),
            captions,
            hashtags: tags,
        };
        let found = self.classify(&ChannelText {
            name,
            bio,
            category,
            captions: posts.iter().filter_map(|(c, _)| c.as_ref().map(AsRef::as_ref)).collect(),
            hashtags: posts
                .iter()
                .filter_map(|(_, h)| h.as_ref().map(AsRef::as_ref))
                .flat_map(|h| h.split(' '))
                .collect(),
        });
        if found.is_empty() {
            return (text, None);
        }
        let stored = found
            .into_iter()
            .map(|l| StoredNiche {
                niche: self.taxonomy.niches()[l.niche].id.clone(),
                confidence: l.confidence,
                score: l.score,
                evidence: l.evidence.into_iter().map(|e| (e.field.as_str().to_string(), e.count, e.term)).collect(),
            })
            .collect();
        (text, Some(stored))
    }
}

/// What labelling produced.
#[derive(Debug, Clone, PartialEq)]
pub struct NicheSummary {
    pub channels: u64,
    pub labelled: u64,
}

impl App {
    /// The classifier for this app's taxonomy.
    pub fn niche_classifier(&self) -> Result<NicheClassifier> {
        match &self.config.niches_file {
            Some(path) => NicheClassifier::from_file(path),
            None => NicheClassifier::built_in(),
        }
    }

    /// The taxonomy's display names by niche id ("beauty" → "Beauty & makeup"), for what
    /// people read; read once per open data directory.
    pub fn niche_names(&self) -> Result<std::sync::Arc<std::collections::BTreeMap<String, String>>> {
        if let Some(names) = self.niche_names.get() {
            return Ok(names.clone());
        }
        let names: std::collections::BTreeMap<String, String> =
            self.niche_classifier()?.taxonomy().niches().iter().map(|n| (n.id.clone(), n.name.clone())).collect();
        Ok(self.niche_names.get_or_init(|| std::sync::Arc::new(names)).clone())
    }

    /// Labels every channel from its profile and recent posts, replacing earlier labels, and
    /// counts a derived generation, so that a server beside it rebuilds its Directory (the
    /// niche facets and lookalikes read the labels).
    pub fn recompute_niches(&mut self) -> Result<NicheSummary> {
        let _recomputing = self.store.recompute_lock()?;
        let summary = self.label_niches(None)?;
        self.store.count_derived_generation()?;
        Ok(summary)
    }

    pub(crate) fn label_niches(&mut self, only: Option<&[i64]>) -> Result<NicheSummary> {
        let classifier = self.niche_classifier()?;
        let mut labels: Vec<(i64, Vec<StoredNiche>)> = Vec::new();
        let mut texts: Vec<SearchText> = Vec::new();
        let mut channels = 0;
        let mut label = |record: clout_store::ChannelTextRecord| {
            channels += 1;
            let (text, found) = classifier.read_channel(
                record.channel_id,
                &record.handle,
                record.name.as_deref(),
                record.bio.as_deref(),
                record.category.as_deref(),
                &record.posts,
            );
            texts.push(text);
            if let Some(found) = found {
                labels.push((record.channel_id, found));
            }
        };
        match only {
            None => {
                // Every text is written: the full-text index is kept in step with it.
                let mut sync = self.text_sync(true);
                self.store.for_each_channel_text(POSTS_READ, &mut label)?;
                sync.absorb(&texts, &self.store.replace_niches(&labels, &texts)?);
                sync.finish(&*self.store);
            }
            Some(ids) => {
                self.store.for_each_channel_text_of(ids, POSTS_READ, &mut label)?;
                self.store.replace_niches_of(ids, &labels, &texts)?;
            }
        }
        Ok(NicheSummary { channels, labelled: labels.len() as u64 })
    }
}
