//! Recomputing derived state: every channel from its posts, or, after an import, only the
//! channels it touched.
//!
//! **Everything** ([`Scope::All`]): the channels are cut into ranges of ids; each worker
//! thread reads its ranges through its own read connection ([`clout_store::Store::reader`])
//! and makes of each channel what depends on it alone: its metrics, its follower-growth
//! check, its searchable text and its niche labels. The calling thread writes each range's
//! text and labels as it arrives, while the workers read on.
//!
//! **What an import touched** ([`Scope::Touched`]): the workers read those channels alone
//! (by id); every other channel's metrics and growth check are read back as stored, since
//! nothing of theirs changed.
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

use clout_core::authenticity::GrowthCheck;
use clout_core::benchmark::Peers;
use clout_core::engagement::{ChannelPosts, channel_metrics};
use clout_core::{PeerInput, Platform};
use clout_store::{ChannelInput, ChannelStore, Channels, MetricsRecord, QualityRecord, SearchText, StoredNiche};

use crate::metrics::{RecomputeSummary, record_of};
use crate::niches::{NicheClassifier, NicheSummary};
use crate::scores::{comment_stats, growth_of, inputs_with, summarise};
use crate::{App, Result};

/// Ranges per worker: enough that a worker with dense ranges does not finish long after
/// the others.
const RANGES_PER_WORKER: usize = 16;
/// At most this many worker threads, whatever the machine has.
const MAX_WORKERS: usize = 32;
/// Channels per piece of work when reading channels by id.
const IDS_CHUNK: usize = 500;

/// What the recompute keeps of one channel until every channel's rate is known.
struct Derived {
    id: i64,
    platform: Platform,
    /// `(followers, metrics)`: only a channel with a `channel` record has metrics.
    metrics: Option<(u64, MetricsRecord)>,
    growth: Option<GrowthCheck>,
    /// Read again from its posts (else read back as stored, with its stored score).
    fresh: bool,
    stored_quality: Option<QualityRecord>,
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

/// Reads the channels of `work` and makes of each what depends on it alone.
fn scan(store: &dyn ChannelStore, work: Work, ids: &[i64], classifier: &NicheClassifier) -> Result<Part> {
    let mut part = Part { work, derived: Vec::new(), texts: Vec::new(), labels: Vec::new() };
    let which = match work {
        Work::Range(after, up_to) => Channels::Range(after, up_to),
        Work::Ids(start, end) => Channels::Ids(&ids[start..end]),
    };
    store.for_each_channel_input(which, true, &mut |input: ChannelInput<'_>| {
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
            fresh: true,
            stored_quality: None,
        });
        let (text, labels) =
            classifier.read_channel(input.channel_id, input.handle, input.name, input.bio, input.category, input.texts);
        part.texts.push(text);
        if let Some(labels) = labels {
            part.labels.push((input.channel_id, labels));
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
}

impl App {
    /// Recomputes the derived state of `scope`; the caller marks it current.
    pub(crate) fn derive_all(&mut self, scope: Scope<'_>) -> Result<(RecomputeSummary, NicheSummary, u64)> {
        self.derive_with(scope, workers())
    }

    /// [`App::derive_all`] with `workers` threads reading at once.
    fn derive_with(&mut self, scope: Scope<'_>, workers: usize) -> Result<(RecomputeSummary, NicheSummary, u64)> {
        let Some((low, high)) = self.store.channel_id_bounds()? else {
            self.store.replace_metrics(&[], &Peers::default())?;
            self.store.replace_growth(Channels::Range(i64::MIN, i64::MAX), &[])?;
            self.store.replace_quality(&[])?;
            self.store.replace_niches(&[], &[])?;
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
        let (mut derived, niches) = self.read_work(&work, ids, workers)?;
        if let Scope::Touched(ids) = scope {
            // Every other channel is as it was: read back what is stored of it.
            self.store.for_each_stored(&mut |s| {
                if ids.binary_search(&s.channel_id).is_err() {
                    derived.push(Derived {
                        id: s.channel_id,
                        platform: s.platform,
                        metrics: s.metrics.map(|m| (s.followers.unwrap_or(0), m)),
                        growth: s.growth.cloned(),
                        fresh: false,
                        stored_quality: s.quality,
                    });
                }
            })?;
        }
        derived.sort_by_key(|d| d.id);
        let (metrics, quality) = self.finish(derived, scope)?;
        Ok((metrics, niches, quality))
    }

    /// Does `work` on `workers` threads (each with its own read connection), writing each
    /// piece's text and labels as it arrives.
    fn read_work(&mut self, work: &[Work], ids: &[i64], workers: usize) -> Result<(Vec<Derived>, NicheSummary)> {
        let mut readers = Vec::new();
        for _ in 0..workers {
            match self.store.reader()? {
                Some(r) => readers.push(r),
                None => break,
            }
        }
        let mut derived: Vec<Derived> = Vec::new();
        let mut niches = NicheSummary { channels: 0, labelled: 0 };
        let mut absorb = |store: &mut clout_store::Store, part: Part| -> Result<()> {
            match part.work {
                Work::Range(after, up_to) => store.replace_niches_in((after, up_to), &part.labels, &part.texts)?,
                Work::Ids(start, end) => store.replace_niches_of(&ids[start..end], &part.labels, &part.texts)?,
            }
            niches.channels += part.texts.len() as u64;
            niches.labelled += part.labels.len() as u64;
            derived.extend(part.derived);
            Ok(())
        };
        if readers.len() < workers || workers == 1 {
            let classifier = self.niche_classifier()?;
            for &w in work {
                let part = scan(&self.store, w, ids, &classifier)?;
                absorb(&mut self.store, part)?;
            }
            return Ok((derived, niches));
        }
        let classifiers = readers.iter().map(|_| self.niche_classifier()).collect::<Result<Vec<_>>>()?;
        let next = AtomicUsize::new(0);
        let store = &mut self.store;
        std::thread::scope(|scope| -> Result<()> {
            // A bounded queue: workers wait for the writer rather than pile up text.
            let (send, receive) = mpsc::sync_channel::<Result<Part>>(readers.len() * 2);
            for (reader, classifier) in readers.into_iter().zip(classifiers) {
                let (send, next) = (send.clone(), &next);
                scope.spawn(move || {
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&w) = work.get(k) else { break };
                        let part = scan(&reader, w, ids, &classifier);
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
    fn finish(&mut self, mut derived: Vec<Derived>, scope: Scope<'_>) -> Result<(RecomputeSummary, u64)> {
        // Metrics v2: peers are compared by their median rate, so one viral post cannot buy
        // a percentile, a label or an index.
        let inputs: Vec<PeerInput> = derived
            .iter()
            .filter_map(|d| {
                let (followers, m) = d.metrics.as_ref()?;
                Some(PeerInput { platform: d.platform, followers: *followers, rate: m.median_engagement_rate })
            })
            .collect();
        let peers = Peers::of(&inputs);
        for d in &mut derived {
            if let Some((followers, m)) = d.metrics.as_mut() {
                let compared = peers.compare(d.platform, *followers, m.median_engagement_rate);
                m.bucket = compared.bucket;
                m.engagement_percentile = compared.engagement_percentile;
                m.engagement_label = compared.engagement_label;
                m.engagement_index = compared.engagement_index;
            }
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
        let all = matches!(scope, Scope::All);
        let (mut scores, mut records, mut growth) = (Vec::new(), Vec::new(), Vec::new());
        let (mut with_metrics, mut scored) = (0u64, 0u64);
        for d in derived {
            let sample = match (models.get(&d.platform), samples.get(&d.id)) {
                (Some(m), Some(s)) => Some(summarise(m, s)),
                _ => None,
            };
            let write = all || d.fresh;
            if let (true, Some(g)) = (write, &d.growth) {
                growth.push((d.id, g.clone()));
            }
            let m = d.metrics.as_ref().map(|(_, m)| m);
            let q = clout_core::authenticity::quality_score(&inputs_with(
                d.platform,
                m,
                d.growth,
                &comments_peers,
                sample,
                comments.get(&d.id),
            ));
            let q = QualityRecord { score: q.score, low: q.low, high: q.high, enough_evidence: !q.not_enough_evidence };
            scored += 1;
            if write || d.stored_quality != Some(q) {
                scores.push((d.id, q));
            }
            if let Some((_, m)) = d.metrics {
                with_metrics += 1;
                if write {
                    records.push((d.id, m));
                }
            }
        }
        match scope {
            Scope::All => {
                self.store.replace_metrics(&records, &peers)?;
                self.store.replace_growth(Channels::Range(i64::MIN, i64::MAX), &growth)?;
                self.store.replace_quality(&scores)?;
            }
            Scope::Touched(ids) => {
                self.store.replace_metrics_of(ids, &records, &peers)?;
                self.store.replace_growth(Channels::Ids(ids), &growth)?;
                self.store.update_quality(&scores)?;
            }
        }
        let summary = RecomputeSummary {
            channels: with_metrics,
            with_rate: inputs.iter().filter(|p| p.rate.is_ok()).count() as u64,
            fits: peers.fits,
        };
        Ok((summary, scored))
    }

    /// After a run's batches (an import or a fetch): recomputes what they made stale (and
    /// calls `starting` first, unless nothing is to be done), that
    /// is the channels `touched` it named, unless they are most of the store, the state
    /// was stale before the run (an earlier run was cut short: which channels it touched
    /// is not known) or another process wrote meanwhile: then everything.
    pub(crate) fn refresh_derived(
        &mut self,
        run: RunWrites,
        touched: &[i64],
        starting: &mut dyn FnMut(),
    ) -> Result<(Option<RecomputeSummary>, Option<NicheSummary>)> {
        // No batch reached the store (every file unreadable or empty), here or in another
        // process: the derived numbers stay as they are, current as they were.
        if run.stale_before.is_none() && self.store.derived_writes()? == run.writes_at_start {
            return Ok((None, None));
        }
        starting();
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
        let (metrics, niches, _) = self.derive_all(scope)?;
        self.store.mark_derived_current(writes_before)?;
        Ok((Some(metrics), Some(niches)))
    }
}

#[cfg(test)]
mod tests {
    use super::{Scope, ranges};
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
        let mut growth = Vec::new();
        app.store.for_each_stored(&mut |s| growth.push((s.channel_id, format!("{:?}", s.growth)))).unwrap();
        (format!("{rows:?}"), format!("{niches:?}{tags:?}{fits:?}{buckets:?}{growth:?}"))
    }

    #[test]
    fn recomputing_what_an_import_touched_writes_what_recomputing_everything_writes() {
        let dir = tempfile::tempdir().unwrap();
        let world = dir.path().join("world.ndjson");
        let as_of = 1_795_176_000;
        crate::write_demo_world(
            std::fs::File::create(&world).unwrap(),
            11,
            400,
            clout_core::Timestamp::from_unix(as_of),
        )
        .unwrap();
        let config = AppConfig { data_dir: dir.path().join("data"), niches_file: None, rate_card_file: None };
        let mut app = App::open(config, Access::Write, "test").unwrap();
        let options = ImportOptions {
            clock: || clout_core::Timestamp::from_unix(1_795_176_000 + 86_400),
            strict: false,
            batch_size: 5_000,
            limits: Default::default(),
            max_decompressed_bytes: None,
            answers_observed_at: None,
            csv_map: None,
        };
        app.import(std::slice::from_ref(&world), &options, &mut Silent).unwrap();
        let before = derived(&app);

        // A day later: a viral post on five channels (their rates, the peers and the fit
        // move), a new bio on one (its text and labels), and a channel never seen.
        let text = std::fs::read_to_string(&world).unwrap();
        let mut channels: Vec<serde_json::Value> = Vec::new();
        for v in text.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()) {
            let known = channels.iter().any(|c| c["handle"] == v["handle"] && c["platform"] == v["platform"]);
            if v["kind"] == "channel" && v["followers"].as_u64().unwrap_or(0) > 2_000 && !known && channels.len() < 5 {
                channels.push(v);
            }
        }
        let mut lines = Vec::new();
        for (i, c) in channels.iter().enumerate() {
            lines.push(format!(
                r#"{{"kind":"post","platform":{},"handle":{},"post_id":"late-{i}","published_at":{},"likes":{},"comments":40,"caption":"A sourdough loaf, finally","observed_at":{}}}"#,
                c["platform"],
                c["handle"],
                as_of + 3_600,
                c["followers"].as_u64().unwrap() / 2,
                as_of + 86_400
            ));
        }
        lines.push(format!(
            r#"{{"kind":"channel","platform":{},"handle":{},"followers":{},"bio":"Espresso, latte art and pour over coffee","observed_at":{}}}"#,
            channels[0]["platform"],
            channels[0]["handle"],
            channels[0]["followers"],
            as_of + 86_400
        ));
        lines.push(format!(
            r#"{{"kind":"channel","platform":"instagram","handle":"newcomer","followers":12000,"bio":"Trail running and ultramarathons","observed_at":{}}}"#,
            as_of + 86_400
        ));
        let file = dir.path().join("later.ndjson");
        std::fs::write(&file, lines.join("\n")).unwrap();
        let s = app.import(&[file], &options, &mut Silent).unwrap();
        assert_eq!(s.niches.map(|n| n.channels), Some(6), "only the touched channels were read again");
        let touched = derived(&app);
        assert_ne!(touched, before, "the import changed what is derived");

        app.derive_with(Scope::All, 1).unwrap();
        assert_eq!(touched, derived(&app), "an import's recompute equals recomputing everything");
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
        let (m1, n1, q1) = one.derive_with(Scope::All, 1).unwrap();
        let (m3, n3, q3) = many.derive_with(Scope::All, 3).unwrap();
        assert_eq!(
            (m1.channels, m1.with_rate, n1.channels, n1.labelled, q1),
            (m3.channels, m3.with_rate, n3.channels, n3.labelled, q3)
        );
        assert_eq!(n1.channels, 400);
        let (rows, rest) = derived(&one);
        assert!(rows.contains("engagement_percentile: Ok("), "the world has peers");
        assert_eq!((rows, rest), derived(&many));
        // Again with nothing changed: the text is kept, the numbers are the same.
        many.derive_with(Scope::All, 2).unwrap();
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
