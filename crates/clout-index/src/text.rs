//! The full-text index: every channel's handle, name, bio, captions and hashtags in a
//! tantivy index on disk, answering a [`TextQuery`] with every matching channel and its
//! BM25 score.
//!
//! It is a projection, like the Directory: the store keeps the text it is built from
//! (`channel_text`), and each commit carries a stamp, a string the caller chooses (the
//! store's text version), so a reader can tell whether the index holds what the store
//! holds and fall back to the store's own search when it does not.
//!
//! Text is analysed the way the store's FTS5 table does it: words are runs of Unicode
//! letters and digits (everything else separates them), lowercased, folded to ASCII where
//! a letter has a plain form (`café` is `cafe`) and stemmed with the English Snowball
//! stemmer (Porter's second version: `workouts` and `workout` are one word). There are no
//! stop words: `and` is a word a query may require.
//!
//! A query matches a channel when every part does: a word (or a word that analyses into
//! several, like `e-mail`, as a phrase) in any of the five fields, a phrase as consecutive
//! words in one field, a hashtag among the hashtags only. Fields weigh 4 (handle), 3
//! (name), 2 (bio), 1 (captions) and 1.5 (hashtags) in the score, as in the store.

use std::path::Path;

use clout_core::text::TextQuery;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{AsciiFoldingFilter, Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader, TantivyDocument, Term};

#[cfg(test)]
mod tests;

/// The analyser's name in the index's schema.
pub(crate) const ANALYSER: &str = "clout_en";

/// Indexing memory per writer thread (tantivy's minimum is 15 MB).
pub(crate) const WRITER_HEAP_PER_THREAD: usize = 96 << 20;

/// Why the text index failed: its files could not be read or written.
#[derive(Debug)]
pub struct TextError(pub(crate) tantivy::TantivyError);

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "full-text index: {}", self.0)
    }
}

impl std::error::Error for TextError {}

impl From<tantivy::TantivyError> for TextError {
    fn from(e: tantivy::TantivyError) -> TextError {
        TextError(e)
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for TextError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> TextError {
        TextError(e.into())
    }
}

pub type TextResult<T> = Result<T, TextError>;

/// One channel's searchable text, as the store keeps it (hashtags space-separated,
/// without `#`).
#[derive(Debug, Clone, Copy)]
pub struct TextDoc<'a> {
    pub channel_id: i64,
    pub handle: &'a str,
    pub name: &'a str,
    pub bio: &'a str,
    pub captions: &'a str,
    pub hashtags: &'a str,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    /// handle, name, bio, captions, hashtags.
    text: [Field; 5],
}

/// The fields' weights, in [`Fields::text`] order.
const WEIGHTS: [Score; 5] = [4.0, 3.0, 2.0, 1.0, 1.5];
const NAME: usize = 1;
const BIO: usize = 2;
const HASHTAGS: usize = 4;

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let id = builder.add_u64_field("channel_id", INDEXED | FAST);
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(ANALYSER).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let mut field = |name: &str| builder.add_text_field(name, text.clone());
    let text = [field("handle"), field("name"), field("bio"), field("captions"), field("hashtags")];
    (builder.build(), Fields { id, text })
}

pub(crate) fn analyser() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The full-text index in one directory.
pub struct TextIndex {
    index: Index,
    fields: Fields,
}

impl std::fmt::Debug for TextIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextIndex").finish_non_exhaustive()
    }
}

impl TextIndex {
    /// Opens the index in `dir`, creating the directory and an empty index when there is
    /// none. An index this version cannot read (another schema) is replaced by an empty
    /// one: it is derived, and its stamp would not match anyway.
    pub fn open(dir: &Path) -> TextResult<TextIndex> {
        let (schema, fields) = schema();
        std::fs::create_dir_all(dir).map_err(|e| TextError(e.into()))?;
        let index = match Index::open_or_create(MmapDirectory::open(dir)?, schema.clone()) {
            Ok(index) => index,
            Err(_) => {
                std::fs::remove_dir_all(dir).map_err(|e| TextError(e.into()))?;
                std::fs::create_dir_all(dir).map_err(|e| TextError(e.into()))?;
                Index::create(MmapDirectory::open(dir)?, schema, Default::default())?
            }
        };
        index.tokenizers().register(ANALYSER, analyser());
        Ok(TextIndex { index, fields })
    }

    /// Opens the index in `dir` when there is one this version can read; creates,
    /// replaces or changes nothing.
    pub fn open_existing(dir: &Path) -> TextResult<Option<TextIndex>> {
        if !dir.join("meta.json").is_file() {
            return Ok(None);
        }
        let (schema, fields) = schema();
        let index = Index::open(MmapDirectory::open(dir)?)?;
        if index.schema() != schema {
            return Ok(None);
        }
        index.tokenizers().register(ANALYSER, analyser());
        Ok(Some(TextIndex { index, fields }))
    }

    /// An index in memory (tests).
    pub fn in_memory() -> TextIndex {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(ANALYSER, analyser());
        TextIndex { index, fields }
    }

    /// The stamp of the last commit, `None` before the first.
    pub fn stamp(&self) -> TextResult<Option<String>> {
        Ok(self.index.load_metas()?.payload)
    }

    /// A reader of the last commit, with its stamp: the stamp is read before and after the
    /// reader is opened, so a commit from another process in between is noticed (`None`).
    pub fn reader(&self) -> TextResult<Option<TextReader>> {
        let before = self.stamp()?;
        let reader = self.index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let after = self.stamp()?;
        Ok((before == after).then(|| TextReader {
            reader,
            fields: self.fields,
            stamp: after,
            index: self.index.clone(),
        }))
    }

    /// A writer on `threads` threads. Only one may be open at a time, in any process: a
    /// second gets an error (tantivy's lock file).
    pub fn writer(&self, threads: usize) -> TextResult<TextWriter> {
        let threads = threads.clamp(1, 8);
        let writer = self.index.writer_with_num_threads(threads, threads * WRITER_HEAP_PER_THREAD)?;
        Ok(TextWriter { writer, fields: self.fields })
    }
}

/// Changes to the index, visible to readers opened after [`TextWriter::commit`]. Dropped
/// without a commit, it changes nothing.
pub struct TextWriter {
    writer: IndexWriter,
    fields: Fields,
}

impl std::fmt::Debug for TextWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextWriter").finish_non_exhaustive()
    }
}

impl TextWriter {
    /// Removes every channel.
    pub fn clear(&mut self) -> TextResult<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Removes the channel `channel_id` (nothing when it is not there).
    pub fn remove(&mut self, channel_id: i64) {
        self.writer.delete_term(Term::from_field_u64(self.fields.id, channel_id as u64));
    }

    /// Adds a channel's text; [`TextWriter::remove`] it first when it may be there.
    pub fn add(&mut self, doc: &TextDoc<'_>) -> TextResult<()> {
        let mut d = TantivyDocument::default();
        d.add_u64(self.fields.id, doc.channel_id as u64);
        for (field, text) in self.fields.text.iter().zip([doc.handle, doc.name, doc.bio, doc.captions, doc.hashtags]) {
            if !text.is_empty() {
                d.add_text(*field, text);
            }
        }
        self.writer.add_document(d)?;
        Ok(())
    }

    /// Drops every change since the last commit (documents still in memory included).
    pub fn rollback(&mut self) -> TextResult<()> {
        self.writer.rollback()?;
        Ok(())
    }

    /// Commits everything with `stamp`, then waits for the segments to be merged.
    pub fn commit(mut self, stamp: &str) -> TextResult<()> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(stamp);
        prepared.commit()?;
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

/// A reader of one commit of the index.
pub struct TextReader {
    reader: IndexReader,
    index: Index,
    fields: Fields,
    stamp: Option<String>,
}

impl std::fmt::Debug for TextReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextReader").field("stamp", &self.stamp).finish_non_exhaustive()
    }
}

impl TextReader {
    /// The stamp of the commit this reader reads.
    pub fn stamp(&self) -> Option<&str> {
        self.stamp.as_deref()
    }

    /// How many channels the commit holds.
    pub fn channels(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Every channel matching `query`, with its score when `ranked` (else 0): higher is
    /// more relevant. In no particular order.
    pub fn search(&self, query: &TextQuery, ranked: bool) -> TextResult<Vec<(i64, f64)>> {
        let query = self.compile(query);
        let searcher = self.reader.searcher();
        Ok(searcher.search(&*query, &AllMatches { ranked })?)
    }

    /// Every channel whose name or bio holds all of `query`'s words and phrases, in no
    /// particular order (what a channel says it is, not what it posted); none when the
    /// query has only hashtags or mentions.
    pub fn profile_matches(&self, query: &TextQuery) -> TextResult<Vec<i64>> {
        let texts: Vec<&String> = query.words().iter().chain(query.phrases()).collect();
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let parts: Vec<(Occur, Box<dyn Query>)> = texts
            .into_iter()
            .map(|text| {
                let words = self.words(text);
                let any: Vec<(Occur, Box<dyn Query>)> =
                    [NAME, BIO].into_iter().map(|f| (Occur::Should, self.in_field(f, &words))).collect();
                (Occur::Must, Box::new(BooleanQuery::new(any)) as Box<dyn Query>)
            })
            .collect();
        let found = self.reader.searcher().search(&BooleanQuery::new(parts), &AllMatches { ranked: false })?;
        Ok(found.into_iter().map(|(id, _)| id).collect())
    }

    /// The analysed words of `text`.
    fn words(&self, text: &str) -> Vec<String> {
        let mut analyser = self.index.tokenizers().get(ANALYSER).unwrap_or_else(analyser);
        let mut stream = analyser.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    /// `text`'s words in `field`: one term, or a phrase of several; nothing matches when
    /// the text has no word.
    fn in_field(&self, field: usize, words: &[String]) -> Box<dyn Query> {
        let f = self.fields.text[field];
        let query: Box<dyn Query> = match words {
            [] => Box::new(EmptyQuery),
            [word] => Box::new(TermQuery::new(Term::from_field_text(f, word), IndexRecordOption::WithFreqs)),
            _ => Box::new(PhraseQuery::new(words.iter().map(|w| Term::from_field_text(f, w)).collect())),
        };
        Box::new(BoostQuery::new(query, WEIGHTS[field]))
    }

    fn compile(&self, query: &TextQuery) -> Box<dyn Query> {
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // A channel's text has no mentions of their own: `@nike` matches the word `nike`.
        for text in query.words().iter().chain(query.phrases()).chain(query.mentions()) {
            let words = self.words(text);
            let any: Vec<(Occur, Box<dyn Query>)> =
                (0..self.fields.text.len()).map(|f| (Occur::Should, self.in_field(f, &words))).collect();
            parts.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        for tag in query.hashtags() {
            parts.push((Occur::Must, self.in_field(HASHTAGS, &self.words(tag))));
        }
        Box::new(BooleanQuery::new(parts))
    }
}

/// Collects every match: channel id and score.
struct AllMatches {
    ranked: bool,
}

struct SegmentMatches {
    ids: Column<u64>,
    out: Vec<(i64, f64)>,
}

impl Collector for AllMatches {
    type Fruit = Vec<(i64, f64)>;
    type Child = SegmentMatches;

    fn for_segment(&self, _ordinal: u32, segment: &SegmentReader) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches { ids: segment.fast_fields().u64("channel_id")?, out: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        self.ranked
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(i64, f64)>>) -> tantivy::Result<Vec<(i64, f64)>> {
        let mut all = Vec::with_capacity(fruits.iter().map(Vec::len).sum());
        for f in fruits {
            all.extend(f);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<(i64, f64)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(id) = self.ids.first(doc) {
            self.out.push((id as i64, f64::from(score)));
        }
    }

    fn harvest(self) -> Vec<(i64, f64)> {
        self.out
    }
}
