//! Recomputing derived state: every channel from its posts, or, after an import, only the
//! channels it touched.
//!
//! **Everything** ([`Scope::All`]): the channels are cut into ranges of ids; each worker
//! thread reads its ranges through its own read connection ([`clout_store::Store::reader`])
//! and makes of each channel what depends on it alone: its metrics, its follower-growth
//! check, its searchable text and its niche labels, its comments summarised and its
//! follower sample judged (streamed a channel at a time: no map of every sample). The
//! calling thread writes each range's text and labels as it arrives, while the workers
//! read on.
//!
//! **What an import touched** ([`Scope::Touched`]): the workers read those channels alone
//! (by id); every other channel's metrics, growth check, comments summary and follower
//! verdicts are read back as stored, since nothing of theirs changed (verdicts given by
//! another follower model than today's are judged again: [`verdicts`]).
//!
//! Then, in memory, the peers (each group's rates, each platform's size fit) and every
//! channel's audience-quality score, which reads its standing among them. The store keeps
//! the peers and compares a channel when it is read, so after an import only the touched
//! channels' metrics and the scores that changed are written: what is written equals what
//! recomputing everything would write (checked by
//! `tests::recomputing_what_an_import_touched_writes_what_recomputing_everything_writes`).
//!
//! A store in memory has no second connection: the same steps run on the calling thread.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use clout_core::authenticity::{CommentSummary, GrowthCheck, comment_summary};
use clout_core::benchmark::Peers;
use clout_core::{PeerInput, Platform};
use clout_store::{
    ChannelInput, ChannelStore, Channels, FollowerVerdicts, MetricsRecord, QualityRecord, SearchText, StoredNiche,
};

use crate::metrics::{RecomputeSummary, metrics_of};
use crate::niches::{NicheClassifier, NicheSummary};
use crate::scores::{Numbers, comment_stats, growth_of, inputs_with};
use crate::{App, Result};

/// Ranges per worker: enough that a worker with dense ranges does not finish long after
/// the others.
const RANGES_PER_WORKER: usize = 16;
/// Channels per piece of work when reading channels by id (tests: few, so that their
/// small stores share the pieces between threads).
const IDS_CHUNK: usize = if cfg!(test) { 16 } else { 500 };

/// What the recompute keeps of one channel until every channel's rate is known.
struct Derived {
    id: i64,
    platform: Platform,
    /// `(followers, what peers and scores read)`: only a channel with a `channel` record
    /// has metrics.
    numbers: Option<(u64, Numbers)>,
    /// The whole metrics of a channel read again from its posts, to be written.
    /// Boxed: a million channels are moved about in one vector.
    record: Option<Box<MetricsRecord>>,
    growth: Option<GrowthCheck>,
    /// Its comments summarised (`None` without comments): read back as stored, or made
    /// before scoring for a channel read again.
    /// Boxed, as `verdicts`: few channels have one, and a million `Derived` are held at once.
    comments: Option<Box<CommentSummary>>,
    /// Read again from its posts (else read back as stored, with its stored score).
    fresh: bool,
    stored_quality: Option<QualityRecord>,
    /// Its follower sample as judged (`None` without one): read back as stored, or judged
    /// again for a channel read again or judged by another model.
    verdicts: Option<Box<FollowerVerdicts>>,
}

/// A piece of a recompute's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Work {
    /// The channels with ids in `(after, up_to]`.
    Range(i64, i64),
    /// The channels `ids[start..end]`.
    Ids(usize, usize),
}

/// What a worker made of one piece of work.
struct Part {
    work: Work,
    derived: Vec<Derived>,
    texts: Vec<SearchText>,
    labels: Vec<(i64, Vec<StoredNiche>)>,
}

/// Each platform's follower model, when the store holds follower samples.
pub(super) type Judges = std::collections::HashMap<Platform, crate::scores::Judge>;

/// Reads the channels of `work` and makes of each what depends on it alone: its metrics,
/// growth check, text and labels from its posts; its comments summarised; its follower
/// sample judged (with `judges`).
fn scan(
    store: &dyn ChannelStore,
    work: Work,
    ids: &[i64],
    classifier: &NicheClassifier,
    judges: &Judges,
) -> Result<Part> {
    let mut part = Part { work, derived: Vec::new(), texts: Vec::new(), labels: Vec::new() };
    let which = match work {
        Work::Range(after, up_to) => Channels::Range(after, up_to),
        Work::Ids(start, end) => Channels::Ids(&ids[start..end]),
    };
    store.for_each_channel_input(which, crate::niches::POSTS_READ, &mut |input: ChannelInput<'_>| {
        let (numbers, record) =
            match metrics_of(input.platform, input.followers, input.as_of, input.posts, input.history) {
                Some((followers, record)) => (Some((followers, Numbers::of(&record))), Some(Box::new(record))),
                None => (None, None),
            };
        part.derived.push(Derived {
            id: input.channel_id,
            platform: input.platform,
            numbers,
            record,
            growth: growth_of(input.followers.unwrap_or(0), input.history, input.posts),
            comments: None,
            fresh: true,
            stored_quality: None,
            verdicts: None,
        });
        let (text, labels) =
            classifier.read_channel(input.channel_id, input.handle, input.name, input.bio, input.category, input.texts);
        part.texts.push(text);
        if let Some(labels) = labels {
            part.labels.push((input.channel_id, labels));
        }
    })?;
    // `part.derived` ascends by id, as the comments and samples come.
    let derived = &mut part.derived;
    let mut at = 0;
    store.for_each_channel_comments(which, &mut |id, comments| {
        at += derived[at..].partition_point(|d| d.id < id);
        if let Some(d) = derived.get_mut(at).filter(|d| d.id == id) {
            d.comments = Some(Box::new(comment_summary(comments)));
        }
    })?;
    if !judges.is_empty() {
        let mut at = 0;
        store.for_each_channel_samples(which, &mut |id, samples| {
            at += derived[at..].partition_point(|d| d.id < id);
            if let Some(d) = derived.get_mut(at).filter(|d| d.id == id) {
                d.verdicts = judges.get(&d.platform).map(|j| Box::new(j.verdicts(samples)));
            }
        })?;
    }
    Ok(part)
}

use crate::cores::{ranges, workers};

/// Which channels a recompute reads from their posts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope<'a> {
    All,
    /// Only these (ascending ids); every other channel as stored.
    Touched(&'a [i64]),
}

/// What a run knew of the derived state's writes, for [`App::refresh_derived`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunWrites {
    /// The phase read before the run began.
    pub(crate) stale_before: Option<clout_core::Timestamp>,
    /// The write count read before the run began.
    pub(crate) writes_at_start: i64,
    /// The writes the run's own batches counted.
    pub(crate) own_writes: i64,
    /// When the run ended (what a brand-safety screening made after it is dated).
    pub(crate) now: clout_core::Timestamp,
}

/// Where a recompute's time goes, printed on standard error when `CLOUT_TIMINGS` is set.
struct Phases {
    at: Option<std::time::Instant>,
}

impl Phases {
    fn start() -> Phases {
        Phases { at: std::env::var_os("CLOUT_TIMINGS").map(|_| std::time::Instant::now()) }
    }

    fn lap(&mut self, what: &str) {
        if let Some(at) = self.at {
            eprintln!("recompute: {what}: {:.2} s", at.elapsed().as_secs_f64());
            self.at = Some(std::time::Instant::now());
        }
    }
}

impl App {
    /// Recomputes the derived state of `scope`; the caller marks it current.
    pub(crate) fn derive_all(&mut self, scope: Scope<'_>) -> Result<(RecomputeSummary, NicheSummary, u64)> {
        self.derive_with(scope, workers())
    }

    /// [`App::derive_all`] with `workers` threads reading at once.
    fn derive_with(&mut self, scope: Scope<'_>, workers: usize) -> Result<(RecomputeSummary, NicheSummary, u64)> {
        let mut text = self.text_sync(matches!(scope, Scope::All));
        let Some((low, high)) = self.store.channel_id_bounds()? else {
            self.store.replace_metrics(&[], &Peers::default())?;
            self.store.replace_growth(Channels::Range(i64::MIN, i64::MAX), &[])?;
            self.store.replace_comment_summaries(Channels::Range(i64::MIN, i64::MAX), &[])?;
            self.store.replace_quality(&[])?;
            self.store.replace_follower_verdicts(Channels::Range(i64::MIN, i64::MAX), &[])?;
            text.absorb(&[], &self.store.replace_niches(&[], &[])?);
            text.finish(&*self.store);
            let empty = RecomputeSummary { channels: 0, with_rate: 0, fits: Vec::new() };
            return Ok((empty, NicheSummary { channels: 0, labelled: 0 }, 0));
        };
        let (work, ids): (Vec<Work>, &[i64]) = match scope {
            Scope::All => (
                ranges(low, high, workers.max(1) * RANGES_PER_WORKER)
                    .into_iter()
                    .map(|(after, up_to)| Work::Range(after, up_to))
                    .collect(),
                &[],
            ),
            Scope::Touched(ids) => (
                (0..ids.len())
                    .step_by(IDS_CHUNK)
                    .map(|start| Work::Ids(start, (start + IDS_CHUNK).min(ids.len())))
                    .collect(),
                ids,
            ),
        };
        let mut clock = Phases::start();
        let judges = self.judges()?;
        let (mut derived, niches) = self.read_work(&work, ids, workers, &mut text, &judges)?;
        clock.lap("read channels from their posts (metrics, growth, text, labels written)");
        text.finish(&*self.store);
        clock.lap("full-text index committed");
        derived.sort_by_key(|d| d.id);
        if let Scope::Touched(ids) = scope {
            // Every other channel is as it was: read back what is stored of it, merged in id
            // order with the channels read again.
            let mut fresh = std::mem::take(&mut derived).into_iter().peekable();
            self.store.for_each_stored(&mut |s| {
                while let Some(d) = fresh.next_if(|d| d.id < s.channel_id) {
                    derived.push(d);
                }
                if ids.binary_search(&s.channel_id).is_err() {
                    derived.push(Derived {
                        id: s.channel_id,
                        platform: s.platform,
                        numbers: s.metrics.map(|stored| {
                            let unknown = Err(clout_core::NullReason::TooFewPeers);
                            let n = Numbers {
                                stored,
                                engagement_index: unknown,
                                engagement_label: unknown.map(|_| clout_core::EngagementLabel::Low),
                            };
                            (s.followers.unwrap_or(0), n)
                        }),
                        record: None,
                        growth: s.growth.cloned(),
                        comments: s.comments.map(Box::new),
                        fresh: false,
                        stored_quality: s.quality,
                        verdicts: s.verdicts.map(Box::new),
                    });
                }
            })?;
            derived.extend(fresh);
        }
        clock.lap("read the other channels as stored");
        let (metrics, quality) = self.finish(derived, scope, &judges, &mut clock)?;
        Ok((metrics, niches, quality))
    }

    /// Does `work` on `workers` threads (each with its own read connection), writing each
    /// piece's text and labels as it arrives.
    fn read_work(
        &mut self,
        work: &[Work],
        ids: &[i64],
        workers: usize,
        text: &mut crate::text_index::TextSync,
        judges: &Judges,
    ) -> Result<(Vec<Derived>, NicheSummary)> {
        let mut readers = Vec::new();
        for _ in 0..workers {
            match self.store.reader()? {
                Some(r) => readers.push(r),
                None => break,
            }
        }
        let mut derived: Vec<Derived> = Vec::new();
        let mut niches = NicheSummary { channels: 0, labelled: 0 };
        let mut absorb = |store: &mut dyn clout_store::Backend, part: Part| -> Result<()> {
            let changes = match part.work {
                Work::Range(after, up_to) => store.replace_niches_in((after, up_to), &part.labels, &part.texts)?,
                Work::Ids(start, end) => store.replace_niches_of(&ids[start..end], &part.labels, &part.texts)?,
            };
            text.absorb(&part.texts, &changes);
            niches.channels += part.texts.len() as u64;
            niches.labelled += part.labels.len() as u64;
            derived.extend(part.derived);
            Ok(())
        };
        if readers.len() < workers || workers == 1 {
            let classifier = self.niche_classifier()?;
            for &w in work {
                let part = scan(&*self.store, w, ids, &classifier, judges)?;
                absorb(&mut *self.store, part)?;
            }
            return Ok((derived, niches));
        }
        let classifiers = readers.iter().map(|_| self.niche_classifier()).collect::<Result<Vec<_>>>()?;
        let next = AtomicUsize::new(0);
        let store = &mut *self.store;
        std::thread::scope(|scope| -> Result<()> {
            // A bounded queue: workers wait for the writer rather than pile up text.
            let (send, receive) = mpsc::sync_channel::<Result<Part>>(readers.len() * 2);
            for (reader, classifier) in readers.into_iter().zip(classifiers) {
                let (send, next) = (send.clone(), &next);
                scope.spawn(move || {
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&w) = work.get(k) else { break };
                        let part = scan(&*reader, w, ids, &classifier, judges);
                        let failed = part.is_err();
                        // The writer has stopped (it failed): nothing more to do.
                        if send.send(part).is_err() || failed {
                            break;
                        }
                    }
                });
            }
            drop(send);
            for part in receive {
                absorb(store, part?)?;
            }
            Ok(())
        })?;
        Ok((derived, niches))
    }

    /// Compares every channel with its peers, scores its audience, and writes what
    /// changed: with [`Scope::All`] every channel's metrics, growth check and score; with
    /// [`Scope::Touched`] those of the touched channels and the scores that changed.
    fn finish(
        &mut self,
        mut derived: Vec<Derived>,
        scope: Scope<'_>,
        judges: &Judges,
        clock: &mut Phases,
    ) -> Result<(RecomputeSummary, u64)> {
        // Metrics v2: peers are compared by their median rate, so one viral post cannot buy
        // a percentile, a label or an index.
        let inputs: Vec<PeerInput> = derived
            .iter()
            .filter_map(|d| {
                let (followers, n) = d.numbers.as_ref()?;
                Some(PeerInput { platform: d.platform, followers: *followers, rate: n.stored.median_engagement_rate })
            })
            .collect();
        let peers = Peers::of(&inputs);
        clock.lap("peers");
        for d in &mut derived {
            if let Some((followers, n)) = d.numbers.as_mut() {
                let compared = peers.compare(d.platform, *followers, n.stored.median_engagement_rate);
                n.stored.bucket = compared.bucket;
                n.engagement_index = compared.engagement_index;
                n.engagement_label = compared.engagement_label;
                if let Some(record) = d.record.as_mut() {
                    record.bucket = compared.bucket;
                    record.engagement_percentile = compared.engagement_percentile;
                    record.engagement_label = compared.engagement_label;
                    record.engagement_index = compared.engagement_index;
                }
            }
        }
        let comments_peers = comment_stats(derived.iter().filter_map(|d| {
            let (_, n) = d.numbers.as_ref()?;
            n.stored.comments_per_100_likes.ok().map(|c| (d.platform, n.stored.bucket, c))
        }));
        let judged = self.judge_samples(&mut derived, scope, judges)?;
        clock.lap("comment peers, and the follower samples of other models judged");
        // Every channel's score, on every core (a score reads only its own channel and the
        // peers), in id order.
        let score = |d: &Derived| -> QualityRecord {
            let sample = match (judges.get(&d.platform), &d.verdicts) {
                (Some(j), Some(v)) => Some(j.summary(v)),
                _ => None,
            };
            let m = d.numbers.as_ref().map(|(_, n)| n);
            let q = clout_core::authenticity::quality_figures(&inputs_with(
                d.platform,
                m,
                d.growth.clone(),
                &comments_peers,
                sample,
                d.comments.as_deref().cloned(),
            ));
            QualityRecord { score: q.score, low: q.low, high: q.high, enough_evidence: !q.not_enough_evidence }
        };
        let chunk = derived.len().div_ceil(workers().max(1)).max(1);
        let quality: Vec<QualityRecord> = std::thread::scope(|scope| {
            let parts: Vec<_> = derived
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(score).collect::<Vec<_>>()))
                .collect();
            parts.into_iter().map(|h| h.join()).collect::<std::result::Result<Vec<Vec<_>>, _>>()
        })
        .map_err(|_| crate::Error::Internal("scoring audiences failed".to_string()))?
        .into_iter()
        .flatten()
        .collect();

        clock.lap("audience quality scored");
        let all = matches!(scope, Scope::All);
        let (mut scores, mut records, mut growth, mut summaries) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut with_metrics, scored) = (0u64, quality.len() as u64);
        for (d, q) in derived.into_iter().zip(quality) {
            let write = all || d.fresh;
            if let (true, Some(g)) = (write, d.growth) {
                growth.push((d.id, g));
            }
            if let (true, Some(c)) = (write, d.comments) {
                summaries.push((d.id, *c));
            }
            if write || d.stored_quality != Some(q) {
                scores.push((d.id, q));
            }
            with_metrics += u64::from(d.numbers.is_some());
            if let (true, Some(record)) = (write, d.record) {
                records.push((d.id, *record));
            }
        }
        match scope {
            Scope::All => {
                self.store.replace_metrics(&records, &peers)?;
                self.store.replace_growth(Channels::Range(i64::MIN, i64::MAX), &growth)?;
                self.store.replace_comment_summaries(Channels::Range(i64::MIN, i64::MAX), &summaries)?;
                self.store.replace_quality(&scores)?;
                self.store.replace_follower_verdicts(Channels::Range(i64::MIN, i64::MAX), &judged.rows)?;
            }
            Scope::Touched(ids) => {
                self.store.replace_metrics_of(ids, &records, &peers)?;
                self.store.replace_growth(Channels::Ids(ids), &growth)?;
                self.store.replace_comment_summaries(Channels::Ids(ids), &summaries)?;
                self.store.update_quality(&scores)?;
                self.store.replace_follower_verdicts(Channels::Ids(&judged.ids), &judged.rows)?;
            }
        }
        clock.lap("metrics, growth checks and changed scores written");
        let summary = RecomputeSummary {
            channels: with_metrics,
            with_rate: inputs.iter().filter(|p| p.rate.is_ok()).count() as u64,
            fits: peers.fits,
        };
        Ok((summary, scored))
    }

    /// After a run's batches (an import or a fetch): recomputes what they made stale (and
    /// calls `starting` first, unless nothing is to be done), that is the channels
    /// `touched` it named (and, in the post index, the posts it wrote: `written_posts`, or
    /// `None` when it wrote too many to update them one by one), unless they are more than a quarter of the store, the state was
    /// stale before the run (an earlier run was cut short: which channels it touched is not
    /// known) or another process wrote meanwhile: then everything.
    pub(crate) fn refresh_derived(
        &mut self,
        run: RunWrites,
        touched: &[i64],
        written_posts: Option<&[i64]>,
        starting: &mut dyn FnMut(),
    ) -> Result<(Option<RecomputeSummary>, Option<NicheSummary>)> {
        // No batch reached the store (every file unreadable or empty), here or in another
        // process: the derived numbers stay as they are, current as they were.
        if run.stale_before.is_none() && self.store.derived_writes()? == run.writes_at_start {
            return Ok((None, None));
        }
        starting();
        // One recompute at a time on a store, across processes and nodes.
        let _recomputing = self.store.recompute_lock()?;
        // Every batch this run wrote is counted by now: the state is current after the
        // recompute unless another process writes meanwhile.
        let writes_before = self.store.derived_writes()?;
        let others_wrote = writes_before != run.writes_at_start + run.own_writes;
        let total = self.store.channel_count()?;
        let scope = if run.stale_before.is_some() || others_wrote || touched.len() as u64 * 4 > total {
            Scope::All
        } else {
            Scope::Touched(touched)
        };
        // The post index is brought in step only for the posts this run wrote, unless the
        // state was stale before it or another process wrote meanwhile.
        let incremental = run.stale_before.is_none() && !others_wrote;
        let written_posts = written_posts.filter(|_| incremental).map(|ids| (ids, writes_before));
        let (metrics, niches, _) = self.derive_beside(scope, written_posts, run.writes_at_start, run.now)?;
        self.store.mark_derived_current(writes_before)?;
        Ok((Some(metrics), Some(niches)))
    }

    /// Recomputes the derived state of `scope` (see [`App::derive_all`]) while, beside it,
    /// the post index is brought in step (only the posts of `written_posts`, when given)
    /// and brand safety is screened, each on a thread and a read connection of its own
    /// (the recompute's phases use a core or two in turn); then writes the screenings,
    /// dated `now`. The caller marks the state current.
    pub(crate) fn derive_beside(
        &mut self,
        scope: Scope<'_>,
        written_posts: Option<(&[i64], i64)>,
        writes_at_start: i64,
        now: clout_core::Timestamp,
    ) -> Result<(RecomputeSummary, NicheSummary, u64)> {
        let reader = self.store.reader()?;
        let (safety, list_id) = self.stored_safety_list(now)?;
        let screening = match scope {
            Scope::All => Channels::Range(i64::MIN, i64::MAX),
            Scope::Touched(ids) => Channels::Ids(ids),
        };
        let safety_readers = self.screen_readers()?;
        let safety_reader = self.store.reader()?;
        let data_dir = self.data_dir().to_path_buf();
        let data_dir = &data_dir;
        let safety = &safety;
        let (derived, screened) = std::thread::scope(|s| {
            let posts = reader.map(|r| {
                s.spawn(move || {
                    let mut clock = Phases::start();
                    crate::post_index::sync_post_index(&*r, data_dir, written_posts, writes_at_start);
                    clock.lap("post index brought in step (beside the rest)");
                })
            });
            let screens = safety_reader.map(|r| {
                s.spawn(move || {
                    let mut clock = Phases::start();
                    let out = crate::safety::screen_with(safety_readers, &*r, screening, safety);
                    clock.lap("brand safety screened (beside the rest)");
                    out
                })
            });
            let out = self.derive_all(scope);
            match posts {
                Some(thread) => {
                    thread.join().ok();
                }
                None => self.sync_post_index(written_posts, writes_at_start),
            }
            let screened = match screens {
                Some(thread) => thread
                    .join()
                    .map_err(|_| crate::Error::Internal("screening brand safety failed".to_string()))
                    .and_then(|r| r),
                None => crate::safety::screen(&*self.store, screening, safety),
            };
            (out, screened)
        });
        let derived = derived?;
        self.write_screens(screening, list_id, now, &screened?)?;
        Ok(derived)
    }
}

mod verdicts;

#[cfg(test)]
mod tests;
