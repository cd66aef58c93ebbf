//! The post index: every post's caption, hashtags and mentions in a tantivy index on
//! disk, with what a post search filters and sorts on beside them (channel, platform,
//! publication time, the paid-partnership flag), answering "which posts say this" and
//! "which channels said it at least N times".
//!
//! It is a projection like the channels' text index (`text`): the store keeps the posts,
//! and each commit carries a stamp the caller chooses, so a reader can tell what the
//! index holds. A post is one document, found again by the store's row id (or all of a
//! channel's by the channel).
//!
//! Words are analysed as in the channels' index (Unicode words, folded to ASCII, English
//! stemming, no stop words). A query matches a post when every part does: a word (or a
//! word that analyses into several, as a phrase) or a phrase in the caption or the
//! hashtags; a `#hashtag` among the hashtags only; an `@mention` among the mentioned
//! accounts only, compared whole and without case. A post's hashtags and mentions are
//! those imported with it and those its caption writes (`#run`, `@nike`), so a post whose
//! source gave only a caption is found by both.

use std::path::Path;

use clout_core::text::{TextQuery, hashtags_in, mentions_in};
use tantivy::directory::MmapDirectory;
use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Executor, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::text::{ANALYSER, TextError, TextResult, WRITER_HEAP_PER_THREAD, analyser};

mod collect;
#[cfg(test)]
mod tests;

use collect::{AllFacts, Matches, PerChannel, Tallies};

/// The tokenizer of the mentions field: each mention is one token, as given.
const WHOLE: &str = "raw";

/// One post as the store keeps it (hashtags and mentions separated by spaces or commas,
/// with or without their `#` and `@`).
#[derive(Debug, Clone, Copy)]
pub struct PostDoc<'a> {
    /// The store's id of the post's row.
    pub post_id: i64,
    pub channel_id: i64,
    /// The platform's code (`clout_core::Platform::code`).
    pub platform: u8,
    /// Unix seconds.
    pub published_at: i64,
    /// A paid partnership or disclosed ad.
    pub sponsored: bool,
    /// `likes + comments + shares` as last observed.
    pub engagements: u64,
    /// The post's format: 0 when unknown, else 1 + its place in `clout_core::PostType::ALL`.
    pub kind: u8,
    pub caption: &'a str,
    pub hashtags: &'a str,
    pub mentions: &'a str,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    post: Field,
    channel: Field,
    platform: Field,
    published: Field,
    sponsored: Field,
    engagements: Field,
    kind: Field,
    caption: Field,
    hashtags: Field,
    /// The hashtags whole (lowercased), for brand reports: `#nike` is not `#nikes`.
    tags: Field,
    mentions: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let post = b.add_u64_field("post", INDEXED | FAST);
    let channel = b.add_u64_field("channel", INDEXED | FAST);
    let platform = b.add_u64_field("platform", FAST);
    let published = b.add_i64_field("published", FAST);
    let sponsored = b.add_u64_field("sponsored", FAST);
    let engagements = b.add_u64_field("engagements", FAST);
    // Indexed too: "every post of these formats" is a term lookup, not a scan of every post.
    let kind = b.add_u64_field("kind", INDEXED | FAST);
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(ANALYSER).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let caption = b.add_text_field("caption", words.clone());
    let hashtags = b.add_text_field("hashtags", words);
    let whole = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(WHOLE).set_index_option(IndexRecordOption::WithFreqs),
    );
    let mentions = b.add_text_field("mentions", whole.clone());
    let tags = b.add_text_field("tags", whole);
    (
        b.build(),
        Fields { post, channel, platform, published, sponsored, engagements, kind, caption, hashtags, tags, mentions },
    )
}

/// Which posts a search keeps, besides matching its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostFilter {
    /// Platform codes; any platform when empty.
    pub platforms: Vec<u8>,
    /// Published at or after (Unix seconds).
    pub since: Option<i64>,
    /// Published before (Unix seconds).
    pub until: Option<i64>,
    /// Only sponsored posts (`true`) or only organic ones (`false`).
    pub sponsored: Option<bool>,
    /// Post formats (as [`PostDoc::kind`]); any format when empty.
    pub kinds: Vec<u8>,
}

/// The order of a page of posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostSort {
    /// Best match first (BM25), then newest.
    Relevance,
    /// Newest first.
    Newest,
}

/// A post a search found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PostHit {
    pub post_id: i64,
    pub channel_id: i64,
    pub published_at: i64,
    /// The text score (higher is better); 0 when sorted by time.
    pub score: f64,
}

/// What a matching post contributes to a report on who posted about something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostFacts {
    pub post_id: i64,
    pub channel_id: i64,
    pub published_at: i64,
    pub sponsored: bool,
    pub engagements: u64,
}

/// Posts counted: how many, how many of them sponsored, the engagements of each kind, and
/// the first and last publication times (`i64::MAX` and `i64::MIN` when none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostTally {
    pub posts: u64,
    pub sponsored: u64,
    pub engagements: u64,
    pub sponsored_engagements: u64,
    pub first: i64,
    pub last: i64,
}

impl Default for PostTally {
    fn default() -> PostTally {
        PostTally { posts: 0, sponsored: 0, engagements: 0, sponsored_engagements: 0, first: i64::MAX, last: i64::MIN }
    }
}

impl PostTally {
    /// Counts one post.
    pub fn add(&mut self, sponsored: bool, engagements: u64, published_at: i64) {
        self.posts += 1;
        self.engagements += engagements;
        if sponsored {
            self.sponsored += 1;
            self.sponsored_engagements += engagements;
        }
        self.first = self.first.min(published_at);
        self.last = self.last.max(published_at);
    }

    /// Counts another tally's posts too.
    pub fn merge(&mut self, other: &PostTally) {
        self.posts += other.posts;
        self.sponsored += other.sponsored;
        self.engagements += other.engagements;
        self.sponsored_engagements += other.sponsored_engagements;
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
    }
}

/// The posts a report counts, per channel (by id) and per UTC day (days since
/// 1970-01-01): a report on hundreds of thousands of posts without a list of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrandTally {
    pub channels: std::collections::HashMap<i64, PostTally>,
    pub days: std::collections::HashMap<i64, PostTally>,
}

/// A page of a post search: how many posts match in all, and the page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostPage {
    pub total: u64,
    pub hits: Vec<PostHit>,
}

/// The post index in one directory.
pub struct PostIndex {
    index: Index,
    fields: Fields,
    /// Names the index in the process's cache of opened columns: its directory, or a
    /// number for one in memory.
    key: std::sync::Arc<str>,
}

impl std::fmt::Debug for PostIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostIndex").finish_non_exhaustive()
    }
}

/// The threads a search shares its segments between: one per core, one pool for every
/// index this process opens (a query over millions of matching posts reads each segment
/// on its own core).
fn executor() -> Executor {
    static POOL: std::sync::OnceLock<Executor> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        Executor::multi_thread(cores, "clout-posts-").unwrap_or(Executor::SingleThread)
    })
    .clone()
}

/// An index's name in the cache of opened columns: its directory, as absolute as it can be
/// made.
fn key_of(dir: &Path) -> std::sync::Arc<str> {
    dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()).to_string_lossy().into()
}

fn io(e: std::io::Error) -> TextError {
    TextError(e.into())
}

impl PostIndex {
    /// Opens the index in `dir`, creating it empty when there is none; one this version
    /// cannot read (another schema, or damaged) is replaced by an empty one (it is
    /// derived). A directory without an index yet (another process may be creating one)
    /// is never removed.
    pub fn open(dir: &Path) -> TextResult<PostIndex> {
        let (schema, fields) = schema();
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut index = if dir.join("meta.json").is_file() {
            match Index::open(MmapDirectory::open(dir)?) {
                Ok(index) if index.schema() == schema => index,
                _ => {
                    std::fs::remove_dir_all(dir).map_err(io)?;
                    std::fs::create_dir_all(dir).map_err(io)?;
                    Index::create(MmapDirectory::open(dir)?, schema, Default::default())?
                }
            }
        } else {
            Index::open_or_create(MmapDirectory::open(dir)?, schema)?
        };
        index.tokenizers().register(ANALYSER, analyser());
        index.set_executor(executor());
        Ok(PostIndex { index, fields, key: key_of(dir) })
    }

    /// Opens the index in `dir` when there is one this version can read; creates,
    /// replaces or changes nothing.
    pub fn open_existing(dir: &Path) -> TextResult<Option<PostIndex>> {
        if !dir.join("meta.json").is_file() {
            return Ok(None);
        }
        let (schema, fields) = schema();
        let mut index = Index::open(MmapDirectory::open(dir)?)?;
        if index.schema() != schema {
            return Ok(None);
        }
        index.tokenizers().register(ANALYSER, analyser());
        index.set_executor(executor());
        Ok(Some(PostIndex { index, fields, key: key_of(dir) }))
    }

    /// An index in memory (tests).
    pub fn in_memory() -> PostIndex {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(ANALYSER, analyser());
        static MEMORY: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = MEMORY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        PostIndex { index, fields, key: format!("memory {n}").into() }
    }

    /// The stamp of the last commit, `None` before the first.
    pub fn stamp(&self) -> TextResult<Option<String>> {
        Ok(self.index.load_metas()?.payload)
    }

    /// A reader of the last commit with its stamp; `None` when another process committed
    /// while it was opened.
    pub fn reader(&self) -> TextResult<Option<PostReader>> {
        let before = self.stamp()?;
        let reader = self.index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let after = self.stamp()?;
        collect::keep_segments(&self.key, reader.searcher().segment_readers())?;
        Ok((before == after).then(|| PostReader {
            reader,
            fields: self.fields,
            stamp: after,
            index: self.index.clone(),
        }))
    }

    /// A writer on `threads` threads; one at a time in any process (a second gets an error).
    pub fn writer(&self, threads: usize) -> TextResult<PostWriter> {
        let threads = threads.clamp(1, 8);
        let writer = self.index.writer_with_num_threads(threads, threads * WRITER_HEAP_PER_THREAD)?;
        Ok(PostWriter { writer, fields: self.fields, added: 0 })
    }
}

/// Changes to the index, visible after [`PostWriter::commit`]; dropped without one, it
/// changes nothing.
pub struct PostWriter {
    writer: IndexWriter,
    fields: Fields,
    added: u64,
}

impl std::fmt::Debug for PostWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostWriter").field("added", &self.added).finish_non_exhaustive()
    }
}

/// The parts of a stored list of hashtags or mentions (spaces or commas between them,
/// each with or without its sign), lowercased.
fn listed(list: &str, sign: char) -> impl Iterator<Item = String> + '_ {
    list.split([' ', ',', '\t', '\n'])
        .map(move |s| s.trim().trim_start_matches(sign).trim_end_matches('.'))
        .filter(|s| s.chars().any(char::is_alphanumeric))
        .map(str::to_lowercase)
}

impl PostWriter {
    /// Removes every post.
    pub fn clear(&mut self) -> TextResult<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Removes the post with the row id `post_id` (nothing when it is not there).
    pub fn remove_post(&mut self, post_id: i64) {
        self.writer.delete_term(Term::from_field_u64(self.fields.post, post_id as u64));
    }

    /// Removes every post of the channel `channel_id`.
    pub fn remove_channel(&mut self, channel_id: i64) {
        self.writer.delete_term(Term::from_field_u64(self.fields.channel, channel_id as u64));
    }

    /// Adds a post; remove its channel first when it may be there.
    pub fn add(&mut self, post: &PostDoc<'_>) -> TextResult<()> {
        let f = self.fields;
        let mut d = TantivyDocument::default();
        d.add_u64(f.post, post.post_id as u64);
        d.add_u64(f.channel, post.channel_id as u64);
        d.add_u64(f.platform, u64::from(post.platform));
        d.add_i64(f.published, post.published_at);
        d.add_u64(f.sponsored, u64::from(post.sponsored));
        d.add_u64(f.engagements, post.engagements);
        d.add_u64(f.kind, u64::from(post.kind));
        if !post.caption.is_empty() {
            d.add_text(f.caption, post.caption);
        }
        let mut tags: Vec<String> = listed(post.hashtags, '#').collect();
        tags.extend(hashtags_in(post.caption));
        tags.sort_unstable();
        tags.dedup();
        if !tags.is_empty() {
            d.add_text(f.hashtags, tags.join(" "));
        }
        for t in &tags {
            d.add_text(f.tags, t);
        }
        let mut mentions: Vec<String> = listed(post.mentions, '@').collect();
        mentions.extend(mentions_in(post.caption));
        mentions.sort_unstable();
        mentions.dedup();
        for m in &mentions {
            d.add_text(f.mentions, m);
        }
        self.writer.add_document(d)?;
        self.added += 1;
        Ok(())
    }

    /// Drops every change since the last commit.
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
pub struct PostReader {
    reader: IndexReader,
    index: Index,
    fields: Fields,
    stamp: Option<String>,
}

impl std::fmt::Debug for PostReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostReader").field("stamp", &self.stamp).finish_non_exhaustive()
    }
}

impl PostReader {
    /// The stamp of the commit this reader reads.
    pub fn stamp(&self) -> Option<&str> {
        self.stamp.as_deref()
    }

    /// How many posts the commit holds.
    pub fn posts(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The posts matching `query` and `filter`: how many in all, and the page
    /// `offset..offset + limit` in `sort` order (ties: newest, then the higher row id).
    pub fn search(
        &self,
        query: &TextQuery,
        filter: &PostFilter,
        sort: PostSort,
        offset: usize,
        limit: usize,
    ) -> TextResult<PostPage> {
        let compiled = self.compile(query);
        let collector = Matches { filter, sort, keep: offset.saturating_add(limit) };
        let (total, mut hits) = self.reader.searcher().search(&*compiled, &collector)?;
        hits.sort_by(|a, b| b.cmp(a));
        let hits = hits.into_iter().skip(offset).take(limit).map(|k| k.hit).collect();
        Ok(PostPage { total, hits })
    }

    /// The channels with at least `min_posts` posts matching `query` and `filter`, with how
    /// many, in no particular order.
    pub fn channels_posting(
        &self,
        query: &TextQuery,
        filter: &PostFilter,
        min_posts: u32,
    ) -> TextResult<Vec<(i64, u32)>> {
        let compiled = self.compile(query);
        let counts = self.reader.searcher().search(&*compiled, &PerChannel { filter })?;
        Ok(counts
            .into_pairs()
            .into_iter()
            .filter(|&(_, n)| n >= min_posts.max(1))
            .map(|(c, n)| (c as i64, n))
            .collect())
    }

    /// The posts passing `filter` that mention `account` or carry the hashtag `tag` (each
    /// compared whole, lowercased, without `@` or `#`), each counted once, per channel and
    /// per day.
    pub fn brand_tally(&self, account: &str, tag: &str, filter: &PostFilter) -> TextResult<BrandTally> {
        let f = self.fields;
        let term = |field: Field, text: &str| -> (Occur, Box<dyn Query>) {
            let term = Term::from_field_text(field, &text.to_lowercase());
            (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic)))
        };
        let query = BooleanQuery::new(vec![term(f.mentions, account), term(f.tags, tag)]);
        Ok(self.reader.searcher().search(&query, &Tallies { filter })?)
    }

    /// Every post matching `query` and `filter`, with its facts, in no particular order.
    pub fn facts(&self, query: &TextQuery, filter: &PostFilter) -> TextResult<Vec<PostFacts>> {
        let compiled = self.compile(query);
        Ok(self.reader.searcher().search(&*compiled, &AllFacts { filter })?)
    }

    /// Per channel, how many posts passing `filter` match at least one of `any` (every
    /// post passing it when `any` is empty), in no particular order.
    pub fn channels_posting_any(&self, any: &[TextQuery], filter: &PostFilter) -> TextResult<Vec<(i64, u32)>> {
        let compiled = self.compile_any(any, &filter.kinds);
        // Without queries, the query reads the formats' posts: no need to check each again.
        let unchecked;
        let filter = if any.is_empty() && !filter.kinds.is_empty() {
            unchecked = PostFilter { kinds: Vec::new(), ..filter.clone() };
            &unchecked
        } else {
            filter
        };
        let counts = self.reader.searcher().search(&*compiled, &PerChannel { filter })?;
        Ok(counts.into_pairs().into_iter().map(|(c, n)| (c as i64, n)).collect())
    }

    /// The posts of one channel passing `filter` that match at least one of `any` (every
    /// post passing it when `any` is empty): how many, and the best `limit` (best match
    /// first, then newest).
    pub fn search_channel(
        &self,
        channel_id: i64,
        any: &[TextQuery],
        filter: &PostFilter,
        limit: usize,
    ) -> TextResult<PostPage> {
        let channel = Term::from_field_u64(self.fields.channel, channel_id as u64);
        let query = BooleanQuery::new(vec![
            (Occur::Must, Box::new(TermQuery::new(channel, IndexRecordOption::Basic)) as Box<dyn Query>),
            (Occur::Must, self.compile_any(any, &filter.kinds)),
        ]);
        let collector = Matches { filter, sort: PostSort::Relevance, keep: limit };
        let (total, mut hits) = self.reader.searcher().search(&query, &collector)?;
        hits.sort_by(|a, b| b.cmp(a));
        Ok(PostPage { total, hits: hits.into_iter().map(|k| k.hit).collect() })
    }

    /// Posts matching any of `any`; with none, every post, or every post of `kinds` when
    /// some are given (read from their terms).
    fn compile_any(&self, any: &[TextQuery], kinds: &[u8]) -> Box<dyn Query> {
        if any.is_empty() {
            if kinds.is_empty() {
                return Box::new(AllQuery);
            }
            let terms = kinds.iter().map(|&k| {
                let term = Term::from_field_u64(self.fields.kind, u64::from(k));
                (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>)
            });
            return Box::new(BooleanQuery::new(terms.collect()));
        }
        Box::new(BooleanQuery::new(any.iter().map(|q| (Occur::Should, self.compile(q))).collect()))
    }

    fn words(&self, text: &str) -> Vec<String> {
        let mut analyser = self.index.tokenizers().get(ANALYSER).unwrap_or_else(analyser);
        let mut stream = analyser.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    fn in_field(field: Field, words: &[String]) -> Box<dyn Query> {
        match words {
            [] => Box::new(EmptyQuery),
            [word] => Box::new(TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs)),
            _ => Box::new(PhraseQuery::new(words.iter().map(|w| Term::from_field_text(field, w)).collect())),
        }
    }

    fn compile(&self, query: &TextQuery) -> Box<dyn Query> {
        let f = self.fields;
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for text in query.words().iter().chain(query.phrases()) {
            let words = self.words(text);
            let either: Vec<(Occur, Box<dyn Query>)> = vec![
                (Occur::Should, Self::in_field(f.caption, &words)),
                (Occur::Should, Self::in_field(f.hashtags, &words)),
            ];
            parts.push((Occur::Must, Box::new(BooleanQuery::new(either))));
        }
        for tag in query.hashtags() {
            parts.push((Occur::Must, Self::in_field(f.hashtags, &self.words(tag))));
        }
        for mention in query.mentions() {
            let term = Term::from_field_text(f.mentions, &mention.to_lowercase());
            parts.push((Occur::Must, Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
        }
        Box::new(BooleanQuery::new(parts))
    }
}
