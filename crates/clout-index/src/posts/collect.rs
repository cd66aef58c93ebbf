//! The post index's collectors: one pass over a query's matches reading the fast fields,
//! keeping those that pass the filter, for a page (counted, the best kept), per-channel
//! counts, every match's facts, or tallies per channel and day.

use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentReader};

use super::{BrandTally, PostFacts, PostFilter, PostHit, PostSort, PostTally};

/// A segment's fast fields a filter reads.
#[derive(Clone)]
pub(super) struct Columns {
    post: Column<u64>,
    channel: Column<u64>,
    platform: Column<u64>,
    published: Column<i64>,
    sponsored: Column<u64>,
    engagements: Column<u64>,
    kind: Column<u64>,
}

/// Each segment's opened columns, by segment, with the index each segment is part of.
///
/// Opening a column reads its whole block table (a blockwise-linear column of a segment
/// of millions of posts has thousands of blocks): done per search, it cost about half of
/// a brief's time, which cites posts with a search per creator. A segment never changes,
/// so its columns are opened once per process; [`keep_segments`] forgets those an index
/// no longer has (merged away), so that their files are not held open.
type Cache = Mutex<HashMap<SegmentId, (Arc<str>, Columns)>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Cache::default)
}

/// Opens the columns of `segments` (of the index `key`) that are not open yet, and forgets
/// those of the index's other segments.
pub(super) fn keep_segments(key: &Arc<str>, segments: &[SegmentReader]) -> tantivy::Result<()> {
    let ids: std::collections::HashSet<SegmentId> = segments.iter().map(SegmentReader::segment_id).collect();
    let missing: Vec<&SegmentReader> = {
        let Ok(mut cached) = cache().lock() else { return Ok(()) };
        cached.retain(|id, (k, _)| k != key || ids.contains(id));
        segments.iter().filter(|s| !cached.contains_key(&s.segment_id())).collect()
    };
    for segment in missing {
        let columns = Columns::open(segment)?;
        if let Ok(mut cached) = cache().lock() {
            cached.insert(segment.segment_id(), (key.clone(), columns));
        }
    }
    Ok(())
}

impl Columns {
    /// The segment's columns, opened once (see [`Cache`]).
    fn of(segment: &SegmentReader) -> tantivy::Result<Columns> {
        if let Some((_, c)) = cache().lock().ok().and_then(|c| c.get(&segment.segment_id()).cloned()) {
            return Ok(c);
        }
        Columns::open(segment)
    }

    fn open(segment: &SegmentReader) -> tantivy::Result<Columns> {
        let ff = segment.fast_fields();
        Ok(Columns {
            post: ff.u64("post")?,
            channel: ff.u64("channel")?,
            platform: ff.u64("platform")?,
            published: ff.i64("published")?,
            sponsored: ff.u64("sponsored")?,
            engagements: ff.u64("engagements")?,
            kind: ff.u64("kind")?,
        })
    }

    /// The document's channel when it passes `filter` (its time read only when the filter
    /// bounds it).
    fn channel_if(&self, doc: DocId, filter: &PostFilter) -> Option<u64> {
        if filter.since.is_some() || filter.until.is_some() {
            let published = self.published.first(doc)?;
            if filter.since.is_some_and(|s| published < s) || filter.until.is_some_and(|u| published >= u) {
                return None;
            }
        }
        if !filter.platforms.is_empty() {
            let platform = self.platform.first(doc)?;
            if !filter.platforms.iter().any(|&p| u64::from(p) == platform) {
                return None;
            }
        }
        if let Some(wanted) = filter.sponsored
            && (self.sponsored.first(doc)? == 1) != wanted
        {
            return None;
        }
        if !filter.kinds.is_empty() {
            let kind = self.kind.first(doc)?;
            if !filter.kinds.iter().any(|&k| u64::from(k) == kind) {
                return None;
            }
        }
        self.channel.first(doc)
    }

    /// The document's channel and publication time when it passes `filter`.
    fn passing(&self, doc: DocId, filter: &PostFilter) -> Option<(u64, i64)> {
        let channel = self.channel_if(doc, filter)?;
        Some((channel, self.published.first(doc)?))
    }
}

/// A hit with its sort key, ordered best first by `Ord` (greater is better).
#[derive(Debug, Clone, Copy)]
pub(super) struct Keyed {
    key: (f64, i64, i64),
    pub(super) hit: PostHit,
}

impl PartialEq for Keyed {
    fn eq(&self, other: &Keyed) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Keyed {}
impl PartialOrd for Keyed {
    fn partial_cmp(&self, other: &Keyed) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Keyed {
    fn cmp(&self, other: &Keyed) -> std::cmp::Ordering {
        self.key.0.total_cmp(&other.key.0).then(self.key.1.cmp(&other.key.1)).then(self.key.2.cmp(&other.key.2))
    }
}

/// Counts every match passing the filter and keeps the best `keep`.
pub(super) struct Matches<'a> {
    pub(super) filter: &'a PostFilter,
    pub(super) sort: PostSort,
    pub(super) keep: usize,
}

pub(super) struct SegmentMatches {
    columns: Columns,
    filter: PostFilter,
    sort: PostSort,
    keep: usize,
    total: u64,
    /// The best `keep`, worst on top (`Reverse`).
    best: BinaryHeap<std::cmp::Reverse<Keyed>>,
}

impl Collector for Matches<'_> {
    type Fruit = (u64, Vec<Keyed>);
    type Child = SegmentMatches;

    fn for_segment(&self, _ordinal: u32, segment: &SegmentReader) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            columns: Columns::of(segment)?,
            filter: self.filter.clone(),
            sort: self.sort,
            keep: self.keep,
            total: 0,
            best: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == PostSort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<(u64, Vec<Keyed>)>) -> tantivy::Result<(u64, Vec<Keyed>)> {
        let total = fruits.iter().map(|f| f.0).sum();
        let mut all: Vec<Keyed> = fruits.into_iter().flat_map(|f| f.1).collect();
        all.sort_by(|a, b| b.cmp(a));
        all.truncate(self.keep);
        Ok((total, all))
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = (u64, Vec<Keyed>);

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some((channel, published)) = self.columns.passing(doc, &self.filter) else { return };
        self.total += 1;
        if self.keep == 0 {
            return;
        }
        let post = self.columns.post.first(doc).unwrap_or(0) as i64;
        let score = if self.sort == PostSort::Relevance { f64::from(score) } else { 0.0 };
        let keyed = Keyed {
            key: (score, published, post),
            hit: PostHit { post_id: post, channel_id: channel as i64, published_at: published, score },
        };
        if self.best.len() < self.keep {
            self.best.push(std::cmp::Reverse(keyed));
        } else if self.best.peek().is_some_and(|w| keyed > w.0) {
            self.best.pop();
            self.best.push(std::cmp::Reverse(keyed));
        }
    }

    fn harvest(self) -> (u64, Vec<Keyed>) {
        (self.total, self.best.into_iter().map(|r| r.0).collect())
    }
}

/// Counts the matches passing the filter per channel: in a dense array over the segment's
/// channel ids (a hash map insert per match cost more than the match itself), sparse
/// when the ids are spread too far for one.
pub(super) struct PerChannel<'a> {
    pub(super) filter: &'a PostFilter,
}

/// The most channel ids a segment counts in a dense array (16 MB of counts).
const DENSE_CHANNELS: u64 = 4 << 20;

pub(super) enum Counts {
    Dense(Vec<u32>),
    Sparse(HashMap<u64, u32>),
}

impl Counts {
    pub(super) fn into_pairs(self) -> Vec<(u64, u32)> {
        match self {
            Counts::Dense(v) => v.into_iter().enumerate().filter(|(_, n)| *n > 0).map(|(c, n)| (c as u64, n)).collect(),
            Counts::Sparse(m) => m.into_iter().collect(),
        }
    }
}

pub(super) struct SegmentPerChannel {
    columns: Columns,
    filter: PostFilter,
    counts: Counts,
}

impl Collector for PerChannel<'_> {
    type Fruit = Counts;
    type Child = SegmentPerChannel;

    fn for_segment(&self, _ordinal: u32, segment: &SegmentReader) -> tantivy::Result<SegmentPerChannel> {
        let columns = Columns::of(segment)?;
        let top = columns.channel.max_value();
        let counts = if top < DENSE_CHANNELS {
            Counts::Dense(vec![0; top as usize + 1])
        } else {
            Counts::Sparse(HashMap::new())
        };
        Ok(SegmentPerChannel { columns, filter: self.filter.clone(), counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        // Dense arrays add up element by element; any sparse one makes the sum sparse.
        if fruits.iter().all(|f| matches!(f, Counts::Dense(_))) {
            let mut sum: Vec<u32> = Vec::new();
            for f in fruits {
                if let Counts::Dense(v) = f {
                    if v.len() > sum.len() {
                        sum.resize(v.len(), 0);
                    }
                    sum.iter_mut().zip(v).for_each(|(s, n)| *s += n);
                }
            }
            return Ok(Counts::Dense(sum));
        }
        let mut all: HashMap<u64, u32> = HashMap::new();
        for (c, n) in fruits.into_iter().flat_map(Counts::into_pairs) {
            *all.entry(c).or_insert(0) += n;
        }
        Ok(Counts::Sparse(all))
    }
}

impl SegmentCollector for SegmentPerChannel {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(channel) = self.columns.channel_if(doc, &self.filter) {
            match &mut self.counts {
                Counts::Dense(v) => {
                    if let Some(n) = v.get_mut(channel as usize) {
                        *n += 1;
                    }
                }
                Counts::Sparse(m) => *m.entry(channel).or_insert(0) += 1,
            }
        }
    }

    fn harvest(self) -> Counts {
        self.counts
    }
}

/// Collects the facts of every match passing the filter.
pub(super) struct AllFacts<'a> {
    pub(super) filter: &'a PostFilter,
}

pub(super) struct SegmentFacts {
    columns: Columns,
    filter: PostFilter,
    out: Vec<PostFacts>,
}

impl Collector for AllFacts<'_> {
    type Fruit = Vec<PostFacts>;
    type Child = SegmentFacts;

    fn for_segment(&self, _ordinal: u32, segment: &SegmentReader) -> tantivy::Result<SegmentFacts> {
        Ok(SegmentFacts { columns: Columns::of(segment)?, filter: self.filter.clone(), out: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<PostFacts>>) -> tantivy::Result<Vec<PostFacts>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentFacts {
    type Fruit = Vec<PostFacts>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some((channel, published)) = self.columns.passing(doc, &self.filter) else { return };
        let c = &self.columns;
        self.out.push(PostFacts {
            post_id: c.post.first(doc).unwrap_or(0) as i64,
            channel_id: channel as i64,
            published_at: published,
            sponsored: c.sponsored.first(doc) == Some(1),
            engagements: c.engagements.first(doc).unwrap_or(0),
        });
    }

    fn harvest(self) -> Vec<PostFacts> {
        self.out
    }
}

/// Tallies every match passing the filter per channel and per UTC day.
pub(super) struct Tallies<'a> {
    pub(super) filter: &'a PostFilter,
}

pub(super) struct SegmentTallies {
    columns: Columns,
    filter: PostFilter,
    out: BrandTally,
    /// The channel being read and its tally: a segment holds a channel's posts together,
    /// so most matches add to it without a lookup.
    run: Option<(i64, PostTally)>,
}

impl Collector for Tallies<'_> {
    type Fruit = BrandTally;
    type Child = SegmentTallies;

    fn for_segment(&self, _ordinal: u32, segment: &SegmentReader) -> tantivy::Result<SegmentTallies> {
        Ok(SegmentTallies {
            columns: Columns::of(segment)?,
            filter: self.filter.clone(),
            out: BrandTally::default(),
            run: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<BrandTally>) -> tantivy::Result<BrandTally> {
        let mut all = BrandTally::default();
        for fruit in fruits {
            for (channel, t) in fruit.channels {
                all.channels.entry(channel).or_default().merge(&t);
            }
            for (day, t) in fruit.days {
                all.days.entry(day).or_default().merge(&t);
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentTallies {
    type Fruit = BrandTally;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some((channel, published)) = self.columns.passing(doc, &self.filter) else { return };
        let channel = channel as i64;
        let sponsored = self.columns.sponsored.first(doc) == Some(1);
        let engagements = self.columns.engagements.first(doc).unwrap_or(0);
        match &mut self.run {
            Some((c, t)) if *c == channel => t.add(sponsored, engagements, published),
            run => {
                if let Some((c, t)) = run.take() {
                    self.out.channels.entry(c).or_default().merge(&t);
                }
                let mut t = PostTally::default();
                t.add(sponsored, engagements, published);
                *run = Some((channel, t));
            }
        }
        self.out.days.entry(published.div_euclid(86_400)).or_default().add(sponsored, engagements, published);
    }

    fn harvest(mut self) -> BrandTally {
        if let Some((c, t)) = self.run.take() {
            self.out.channels.entry(c).or_default().merge(&t);
        }
        self.out
    }
}
