//! The full recompute: one pass over the store, on every core.
//!
//! The channels are cut into ranges of ids; each worker thread reads its ranges through
//! its own read connection ([`clout_store::Store::reader`]) and makes of each channel
//! what depends on the channel alone: its metrics before any comparison, its
//! follower-growth check, its searchable text and its niche labels. The calling thread
//! writes each range's text and labels as it arrives, while the workers read on. Once
//! every channel is read, the peer statistics (percentiles, labels, the size fit, comments
//! per like among peers) are computed in memory, then each channel's audience-quality
//! score, and the metrics and scores are written.
//!
//! A store in memory has no second connection: the same steps run on the calling thread.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use clout_core::authenticity::GrowthCheck;
use clout_core::engagement::{ChannelPosts, channel_metrics};
use clout_core::{PeerInput, Platform, benchmark};
use clout_store::{ChannelInput, ChannelStore, Channels, MetricsRecord, QualityRecord, SearchText, StoredNiche};

use crate::metrics::{RecomputeSummary, record_of};
use crate::niches::{NicheClassifier, NicheSummary};
use crate::quality::{comment_stats, growth_of, inputs_with, summarise};
use crate::{App, Error, Result};

/// Ranges per worker: enough that a worker with dense ranges does not finish long after
/// the others.
const RANGES_PER_WORKER: usize = 16;
/// At most this many worker threads, whatever the machine has.
const MAX_WORKERS: usize = 32;

/// What the recompute keeps of one channel until every channel's rate is known.
struct Derived {
    id: i64,
    platform: Platform,
    /// `(followers, metrics)`: only a channel with a `channel` record has metrics.
    metrics: Option<(u64, MetricsRecord)>,
    growth: Option<GrowthCheck>,
}

/// A piece of a recompute's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Work {
    /// The channels with ids in `(after, up_to]`: their numbers, and their text when
    /// every channel's text is recomputed.
    Range(i64, i64),
    /// The text alone of `ids[start..end]` (the channels an import touched).
    Text(usize, usize),
}

/// What a worker made of one piece of work.
struct Part {
    work: Work,
    derived: Vec<Derived>,
    texts: Vec<SearchText>,
    labels: Vec<(i64, Vec<StoredNiche>)>,
}

/// Does one piece of work: the numbers of a range's channels (and their text with
/// `classifier`), or the text of some channels.
fn scan(store: &dyn ChannelStore, work: Work, ids: &[i64], classifier: Option<&NicheClassifier>) -> Result<Part> {
    let mut part = Part { work, derived: Vec::new(), texts: Vec::new(), labels: Vec::new() };
    let (which, numbers) = match work {
        Work::Range(after, up_to) => (Channels::Range(after, up_to), true),
        Work::Text(start, end) => (Channels::Ids(&ids[start..end]), false),
    };
    store.for_each_channel_input(which, classifier.is_some(), &mut |input: ChannelInput<'_>| {
        if numbers {
            let metrics = match (input.as_of, input.followers) {
                (Some(as_of), Some(followers)) => {
                    let m = channel_metrics(&ChannelPosts {
                        platform: input.platform,
                        followers,
                        as_of,
                        posts: input.posts,
                        follower_history: input.history,
                    });
                    Some((followers, record_of(&m)))
                }
                _ => None,
            };
            part.derived.push(Derived {
                id: input.channel_id,
                platform: input.platform,
                metrics,
                growth: growth_of(input.followers.unwrap_or(0), input.history, input.posts),
            });
        }
        if let Some(classifier) = classifier {
            let (text, labels) = classifier.read_channel(
                input.channel_id,
                input.handle,
                input.name,
                input.bio,
                input.category,
                input.texts,
            );
            part.texts.push(text);
            if let Some(labels) = labels {
                part.labels.push((input.channel_id, labels));
            }
        }
    })?;
    Ok(part)
}

/// `(low - 1, high]` cut into `n` ranges of about equal spans of ids.
fn ranges(low: i64, high: i64, n: usize) -> Vec<(i64, i64)> {
    let start = low.saturating_sub(1);
    let span = (high - start).max(1) as u64;
    let n = (n as u64).clamp(1, span);
    (0..n)
        .map(|k| {
            let after = start + (span * k / n) as i64;
            let up_to = if k + 1 == n { high } else { start + (span * (k + 1) / n) as i64 };
            (after, up_to)
        })
        .collect()
}

/// How many workers read at once: the machine's cores, or `CLOUT_THREADS`.
pub(crate) fn workers() -> usize {
    std::env::var("CLOUT_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(MAX_WORKERS)
}

/// Which channels' text (and niche labels) a recompute rewrites.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TextScope<'a> {
    All,
    /// Only these (ascending ids): a channel's text and labels depend on it alone, so
    /// after an import only the channels it touched can change.
    Of(&'a [i64]),
}

/// Channels per piece of text-only work.
const TEXT_CHUNK: usize = 500;

impl App {
    /// Recomputes every channel's metrics and audience-quality score, and the text and
    /// niche labels of `text`; the caller marks the derived state current.
    pub(crate) fn derive_all(&mut self, text: TextScope<'_>) -> Result<(RecomputeSummary, NicheSummary, u64)> {
        self.derive_with(text, workers())
    }

    /// [`App::derive_all`] with `workers` threads reading at once.
    fn derive_with(&mut self, text: TextScope<'_>, workers: usize) -> Result<(RecomputeSummary, NicheSummary, u64)> {
        let Some((low, high)) = self.store.channel_id_bounds()? else {
            self.store.replace_metrics(&[], &[], &[])?;
            self.store.replace_quality(&[])?;
            self.store.replace_niches(&[], &[])?;
            let empty = RecomputeSummary { channels: 0, with_rate: 0, fits: Vec::new() };
            return Ok((empty, NicheSummary { channels: 0, labelled: 0 }, 0));
        };
        let mut readers = Vec::new();
        for _ in 0..workers {
            match self.store.reader()? {
                Some(r) => readers.push(r),
                None => break,
            }
        }
        let (all_text, ids) = match text {
            TextScope::All => (true, &[][..]),
            TextScope::Of(ids) => (false, ids),
        };
        let mut work: Vec<Work> = ranges(low, high, workers.max(1) * RANGES_PER_WORKER)
            .into_iter()
            .map(|(after, up_to)| Work::Range(after, up_to))
            .collect();
        work.extend(
            (0..ids.len()).step_by(TEXT_CHUNK).map(|start| Work::Text(start, (start + TEXT_CHUNK).min(ids.len()))),
        );
        let with_text = |w: &Work| all_text || matches!(w, Work::Text(..));

        let mut derived: Vec<Derived> = Vec::new();
        let mut niches = NicheSummary { channels: 0, labelled: 0 };
        let mut absorb = |store: &mut clout_store::Store, part: Part| -> Result<()> {
            match part.work {
                Work::Range(after, up_to) if all_text => {
                    store.replace_niches_in((after, up_to), &part.labels, &part.texts)?
                }
                Work::Range(..) => {}
                Work::Text(start, end) => store.replace_niches_of(&ids[start..end], &part.labels, &part.texts)?,
            }
            niches.channels += part.texts.len() as u64;
            niches.labelled += part.labels.len() as u64;
            derived.extend(part.derived);
            Ok(())
        };
        if readers.len() < workers || workers == 1 {
            let classifier = self.niche_classifier()?;
            for w in &work {
                let part = scan(&self.store, *w, ids, with_text(w).then_some(&classifier))?;
                absorb(&mut self.store, part)?;
            }
        } else {
            let classifiers = readers.iter().map(|_| self.niche_classifier()).collect::<Result<Vec<_>>>()?;
            let next = AtomicUsize::new(0);
            let store = &mut self.store;
            std::thread::scope(|scope| -> Result<()> {
                // A bounded queue: workers wait for the writer rather than pile up text.
                let (send, receive) = mpsc::sync_channel::<Result<Part>>(readers.len() * 2);
                for (reader, classifier) in readers.into_iter().zip(classifiers) {
                    let (send, next, work) = (send.clone(), &next, &work);
                    scope.spawn(move || {
                        loop {
                            let k = next.fetch_add(1, Ordering::Relaxed);
                            let Some(w) = work.get(k) else { break };
                            let part = scan(&reader, *w, ids, with_text(w).then_some(&classifier));
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
        }
        derived.sort_by_key(|d| d.id);
        let summary = self.finish(derived)?;
        Ok((summary.0, niches, summary.1))
    }

    /// Compares every channel with its peers, scores its audience, and writes the
    /// metrics and scores.
    fn finish(&mut self, mut derived: Vec<Derived>) -> Result<(RecomputeSummary, u64)> {
        // Metrics v2: peers are compared by their median rate, so one viral post cannot buy
        // a percentile, a label or an index.
        let peers: Vec<PeerInput> = derived
            .iter()
            .filter_map(|d| {
                let (followers, m) = d.metrics.as_ref()?;
                Some(PeerInput { platform: d.platform, followers: *followers, rate: m.median_engagement_rate })
            })
            .collect();
        let b = benchmark::benchmarks(&peers);
        let mut compared = b.channels.iter();
        for (_, record) in derived.iter_mut().filter_map(|d| d.metrics.as_mut()) {
            let peer = compared.next().ok_or_else(|| Error::Internal("a channel lost its peers".to_string()))?;
            record.bucket = peer.bucket;
            record.engagement_percentile = peer.engagement_percentile;
            record.engagement_label = peer.engagement_label;
            record.engagement_index = peer.engagement_index;
        }

        let comments_peers = comment_stats(derived.iter().filter_map(|d| {
            let (_, m) = d.metrics.as_ref()?;
            m.comments_per_100_likes.ok().map(|c| (d.platform, m.bucket, c))
        }));
        let samples = self.store.follower_samples_by_channel()?;
        let mut models = std::collections::HashMap::new();
        if !samples.is_empty() {
            for platform in Platform::ALL {
                models.insert(platform, self.follower_model(Some(platform))?);
            }
        }
        let comments = self.store.comments_by_channel()?;
        let mut scores: Vec<(i64, QualityRecord)> = Vec::with_capacity(derived.len());
        let mut records: Vec<(i64, MetricsRecord)> = Vec::with_capacity(peers.len());
        for d in derived {
            let sample = match (models.get(&d.platform), samples.get(&d.id)) {
                (Some(m), Some(s)) => Some(summarise(m, s)),
                _ => None,
            };
            let m = d.metrics.as_ref().map(|(_, m)| m);
            let q = clout_core::authenticity::quality_score(&inputs_with(
                d.platform,
                m,
                d.growth,
                &comments_peers,
                sample,
                comments.get(&d.id),
            ));
            scores.push((
                d.id,
                QualityRecord { score: q.score, low: q.low, high: q.high, enough_evidence: !q.not_enough_evidence },
            ));
            if let Some((_, m)) = d.metrics {
                records.push((d.id, m));
            }
        }
        self.store.replace_metrics(&records, &b.fits, &b.buckets)?;
        self.store.replace_quality(&scores)?;
        let summary = RecomputeSummary {
            channels: records.len() as u64,
            with_rate: peers.iter().filter(|p| p.rate.is_ok()).count() as u64,
            fits: b.fits,
        };
        Ok((summary, scores.len() as u64))
    }
}

impl App {
    /// After a run's batches (an import or a fetch): recomputes what they made stale.
    /// `stale_before` and `writes_at_start` are the derived state's phase and write count
    /// read before the run began; `touched` the channels it named.
    pub(crate) fn refresh_derived(
        &mut self,
        stale_before: Option<clout_core::Timestamp>,
        writes_at_start: i64,
        touched: &[i64],
        progress: &mut dyn crate::ImportProgress,
    ) -> Result<(Option<RecomputeSummary>, Option<crate::NicheSummary>)> {
        // No batch reached the store (every file unreadable or empty), here or in another
        // process: the derived numbers stay as they are, current as they were.
        if stale_before.is_none() && self.store.derived_writes()? == writes_at_start {
            return Ok((None, None));
        }
        progress.recomputing();
        // Every batch this run wrote is counted by now: the state is current after the
        // recompute unless another process writes meanwhile.
        let writes_before = self.store.derived_writes()?;
        // Labels depend on a channel's own text only: relabel what this run touched,
        // or everything when that is most of the store anyway (one scan beats many
        // lookups), or when an earlier run was cut short (its channels are not known).
        let total = self.store.channel_count()?;
        let scope = if stale_before.is_some() || touched.len() as u64 * 4 > total {
            TextScope::All
        } else {
            TextScope::Of(touched)
        };
        let (metrics, niches, _) = self.derive_all(scope)?;
        self.store.mark_derived_current(writes_before)?;
        Ok((Some(metrics), Some(niches)))
    }
}

#[cfg(test)]
mod tests {
    use super::{TextScope, ranges};
    use crate::{Access, App, AppConfig, ImportOptions, Silent};
    use clout_store::ChannelStore;

    /// Everything a recompute writes, as comparable rows.
    fn derived(app: &App) -> (String, String) {
        let rows = app.store.channels(&Default::default()).unwrap();
        let niches = app.store.niches_by_channel().unwrap();
        let mut niches: Vec<_> = niches.into_iter().collect();
        niches.sort_by_key(|(id, _)| *id);
        let mut tags = app.store.hashtags_by_channel().unwrap();
        tags.sort();
        let fits = app.store.platform_fits().unwrap();
        let buckets = app.store.bucket_stats().unwrap();
        (format!("{rows:?}"), format!("{niches:?}{tags:?}{fits:?}{buckets:?}"))
    }

    #[test]
    fn a_recompute_on_several_threads_writes_what_one_thread_writes() {
        let dir = tempfile::tempdir().unwrap();
        let world = dir.path().join("world.ndjson");
        let as_of = clout_core::Timestamp::from_unix(1_795_176_000);
        crate::write_demo_world(std::fs::File::create(&world).unwrap(), 7, 400, as_of).unwrap();
        let open = |name: &str| {
            let config = AppConfig { data_dir: dir.path().join(name), niches_file: None, rate_card_file: None };
            App::open(config, Access::Write, "test").unwrap()
        };
        let options = ImportOptions {
            clock: || clout_core::Timestamp::from_unix(1_795_176_000),
            strict: false,
            batch_size: 5_000,
            limits: Default::default(),
            max_decompressed_bytes: None,
            answers_observed_at: None,
            csv_map: None,
        };
        let (mut one, mut many) = (open("one"), open("many"));
        for app in [&mut one, &mut many] {
            app.import(std::slice::from_ref(&world), &options, &mut Silent).unwrap();
        }
        let (m1, n1, q1) = one.derive_with(TextScope::All, 1).unwrap();
        let (m3, n3, q3) = many.derive_with(TextScope::All, 3).unwrap();
        assert_eq!(
            (m1.channels, m1.with_rate, n1.channels, n1.labelled, q1),
            (m3.channels, m3.with_rate, n3.channels, n3.labelled, q3)
        );
        assert_eq!(n1.channels, 400);
        let (rows, rest) = derived(&one);
        assert!(rows.contains("engagement_percentile: Ok("), "the world has peers");
        assert_eq!((rows, rest), derived(&many));
        // Again with nothing changed: the text is kept, the numbers are the same.
        many.derive_with(TextScope::All, 2).unwrap();
        assert_eq!(derived(&one), derived(&many));
    }

    #[test]
    fn ranges_cover_every_id_once() {
        for (low, high, n) in [(1, 1, 4), (1, 10, 3), (5, 1_000_003, 64), (1, 2, 10)] {
            let r = ranges(low, high, n);
            assert_eq!(r[0].0, low - 1);
            assert_eq!(r[r.len() - 1].1, high);
            for w in r.windows(2) {
                assert_eq!(w[0].1, w[1].0, "{r:?}");
            }
            assert!(r.iter().all(|(a, b)| a < b), "{r:?}");
            assert!(r.len() <= n);
        }
    }
}
