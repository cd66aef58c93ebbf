//! Writing an import run's batches on PostgreSQL, with the semantics of
//! [`ImportRun::write_batch`] (SQLite's writer's, record for record: the property test
//! `tests::batches` checks any import on both).
//!
//! - A batch is one transaction. New posts, re-observed posts, channel records, follower
//!   counts, follower samples and comments are written set-wise, a statement or two per
//!   kind per batch (`rows::insert_new_posts`, `reobserved`, `bulk`), their outcome
//!   worked out record by record in the batch's order; deals, conversions and posts
//!   observed without a time go one statement per record.
//! - Two nodes importing the same channels at once may take row locks in different
//!   orders; PostgreSQL then aborts one of the two transactions, and that batch
//!   (idempotent, nothing of it kept in memory before its commit) runs again, up to 8
//!   times.
//! - New channels get their ids in the order of their (platform, handle), at the start
//!   of the batch, so that two batches never take two channel keys in opposite orders.
//! - A post's replaced observation is moved into its history by the statement before
//!   the update (no trigger: Citus runs statements on shards, not triggers).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use clout_core::{Platform, Record, Timestamp};
use clout_store::{BatchStats, Checkpoint, Error, ImportRun, ImportStore, Reject, Result, RunId, RunStatus, SourceId};
use postgres::error::SqlState;

use crate::{PgStore, db};

mod bulk;
mod reobserved;
mod rows;

use rows::{Batch, Ctx, channel_id, to_i64, write_post};

/// One import run while it writes, on the connection that holds its lock.
pub(crate) struct PgRun<'s> {
    store: &'s PgStore,
    run: RunId,
    /// The time given to post observations that carry none.
    import_time: Timestamp,
    channels: HashMap<(Platform, String), i64>,
    touched_channels: BTreeSet<i64>,
    touched_posts: BTreeSet<i64>,
    written_posts: BTreeSet<i64>,
    writes: i64,
    /// The batch statements, prepared on the run's connection once.
    prepared: std::cell::RefCell<HashMap<&'static str, postgres::Statement>>,
}

/// A failure inside a batch: the database's (maybe worth a retry) or the store's.
enum Failure {
    Pg(postgres::Error),
    Store(Error),
}

impl From<postgres::Error> for Failure {
    fn from(e: postgres::Error) -> Failure {
        Failure::Pg(e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Store(e)
    }
}

/// What one attempt at a batch found, kept only once it commits.
#[derive(Default)]
struct Outcome {
    stats: BatchStats,
    channels: Vec<((Platform, String), i64)>,
    touched_channels: Vec<i64>,
    touched_posts: Vec<i64>,
    written_posts: Vec<i64>,
}

impl<'s> PgRun<'s> {
    pub(crate) fn new(store: &'s PgStore, run: RunId, import_time: Timestamp) -> PgRun<'s> {
        PgRun {
            store,
            run,
            import_time,
            channels: HashMap::new(),
            touched_channels: BTreeSet::new(),
            touched_posts: BTreeSet::new(),
            written_posts: BTreeSet::new(),
            writes: 0,
            prepared: Default::default(),
        }
    }

    fn attempt(
        &self,
        records: &[Record],
        source: SourceId,
        rejects: &[Reject],
        checkpoints: &[Checkpoint],
    ) -> std::result::Result<Outcome, Failure> {
        let mut client = self.store.client();
        let mut prepared = self.prepared.borrow_mut();
        let mut tx = Batch { tx: client.transaction()?, prepared: &mut prepared };
        let mut out = Outcome::default();
        let ctx = Ctx { run: self.run.0, source: source.0, import_time: self.import_time };
        // New channels first: ids in the order the records name them (as SQLite gives
        // rowids), keys taken in key order (so two batches never wait on each other's).
        let mut ids: BTreeMap<(Platform, String), i64> = BTreeMap::new();
        let mut new: Vec<(Platform, String)> = Vec::new();
        for record in records {
            if let Some((platform, handle)) = record.channel() {
                let key = (platform, handle.as_str().to_string());
                if let std::collections::btree_map::Entry::Vacant(slot) = ids.entry(key) {
                    let known = self.channels.get(slot.key()).copied();
                    if known.is_none() {
                        new.push(slot.key().clone());
                    }
                    slot.insert(known.unwrap_or(0));
                }
            }
        }
        // Channels this run has not met may be in the store already: their ids are read,
        // so that ids are drawn for new channels only (dense, as SQLite's rowids).
        if !new.is_empty() {
            let platforms: Vec<&str> = new.iter().map(|(p, _)| p.as_str()).collect();
            let handles: Vec<&str> = new.iter().map(|(_, h)| h.as_str()).collect();
            let found = tx.query(
                "SELECT k.platform, k.handle, k.channel_id FROM channel_keys k
                 JOIN unnest($1::text[], $2::text[]) AS n(platform, handle)
                   ON k.handle = n.handle AND k.platform = n.platform",
                &[&platforms, &handles],
            )?;
            for row in &found {
                let (platform, handle, id): (String, String, i64) = (row.get(0), row.get(1), row.get(2));
                if let Ok(platform) = Platform::parse(&platform)
                    && let Some(slot) = ids.get_mut(&(platform, handle.clone()))
                {
                    *slot = id;
                    out.channels.push(((platform, handle), id));
                }
            }
            new.retain(|key| ids[key] == 0);
        }
        if !new.is_empty() {
            let fresh = tx.query(
                "SELECT nextval('channel_ids') FROM generate_series(1, $1::bigint) ORDER BY 1",
                &[&(new.len() as i64)],
            )?;
            let proposed: HashMap<&(Platform, String), i64> =
                new.iter().zip(fresh.iter().map(|r| r.get::<_, i64>(0))).collect();
            for ((platform, handle), id) in ids.iter_mut().filter(|(_, id)| **id == 0) {
                let key = (*platform, handle.clone());
                *id = channel_id(&mut tx, *platform, handle, proposed[&key])?;
                out.channels.push((key, *id));
            }
        }
        // Records in the order of their channels (a stable sort keeps each channel's
        // records in the order given, which decides what stays); conversions go last.
        let mut order: Vec<&Record> = records.iter().collect();
        order.sort_by_key(|r| r.channel().map(|(p, h)| ids[&(p, h.as_str().to_string())]).unwrap_or(i64::MAX));
        // New posts first, in one statement; the rest record by record, in order.
        let posts: Vec<(usize, Option<i64>, &clout_core::PostObservation)> = order
            .iter()
            .enumerate()
            .filter_map(|(at, r)| match r {
                Record::Post(p) => Some((at, r.channel().map(|(pl, h)| ids[&(pl, h.as_str().to_string())]), p)),
                _ => None,
            })
            .collect();
        let fresh = rows::insert_new_posts(&mut tx, &ctx, &posts)?;
        // Then each other kind set-wise (bulk.rs, reobserved.rs), with the outcome of
        // writing the records one by one; the rest record by record, in order.
        let placed = |at: usize, r: &Record| r.channel().map(|(p, h)| (at, ids[&(p, h.as_str().to_string())]));
        let later: Vec<(usize, i64, &clout_core::PostObservation)> = posts
            .iter()
            .filter(|(at, _, _)| !fresh.contains_key(at))
            .filter_map(|&(at, channel, p)| Some((at, channel?, p)))
            .collect();
        let reobserved = reobserved::write(&mut tx, &ctx, &later)?;
        let mut profiles = Vec::new();
        let mut samples = Vec::new();
        let mut comments = Vec::new();
        for (at, record) in order.iter().enumerate() {
            match (record, placed(at, record)) {
                (Record::Channel(c), Some((at, id))) => profiles.push((at, id, c)),
                (Record::Follower(f), Some((at, id))) => samples.push((at, id, f)),
                (Record::Comment(c), Some((at, id))) => comments.push((at, id, c)),
                _ => {}
            }
        }
        let (mut done, channel_points) = bulk::channel_records(&mut tx, &ctx, &profiles)?;
        // Follower counts in the batch's order, a channel record's where the record is.
        let mut channel_points = channel_points.into_iter();
        let mut points = Vec::new();
        for (at, record) in order.iter().enumerate() {
            match (record, placed(at, record)) {
                (Record::Channel(_), Some(_)) => points.extend(channel_points.next()),
                (Record::Followers(f), Some((at, channel))) => points.push(bulk::Point {
                    at: Some(at),
                    channel,
                    observed_at: f.observed_at.unix(),
                    followers: to_i64(f.followers),
                    from_channel_record: false,
                    extra: f.extra.as_deref(),
                }),
                _ => {}
            }
        }
        done.extend(bulk::follower_points(&mut tx, &ctx, &points)?);
        done.extend(bulk::follower_samples(&mut tx, &ctx, &samples)?);
        done.extend(bulk::comments(&mut tx, &ctx, &comments)?);
        for (at, record) in order.into_iter().enumerate() {
            let channel = record.channel().map(|(p, h)| ids[&(p, h.as_str().to_string())]);
            if let Some(id) = channel {
                out.touched_channels.push(id);
            }
            let changed =
                match (record, channel) {
                    (Record::Conversion(c), _) => {
                        let attribution = match (&c.code, &c.link) {
                            (Some(code), _) => format!("code:{}", code.to_lowercase()),
                            (None, Some(link)) => format!("link:{link}"),
                            (None, None) => String::new(),
                        };
                        tx.execute(
                        "INSERT INTO conversions (campaign, attribution, code, link, channel_id, orders, revenue_minor,
                            currency, observed_at, extra, source_id, run_id, order_id)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING",
                        &[
                            &c.campaign,
                            &attribution,
                            &c.code,
                            &c.link,
                            &channel,
                            &to_i64(c.orders),
                            &c.revenue.minor,
                            &c.revenue.currency.as_str(),
                            &c.observed_at.unix(),
                            &c.extra,
                            &ctx.source,
                            &ctx.run,
                            &c.order_id,
                        ],
                    )? > 0
                    }
                    // Every other kind names its channel.
                    (_, None) => continue,
                    (Record::Post(p), Some(id)) => {
                        let (changed, post) = match (fresh.get(&at), reobserved.written.get(&at)) {
                            (Some(post), _) => (true, *post),
                            (None, Some(written)) => *written,
                            (None, None) => write_post(&mut tx, &ctx, id, p)?,
                        };
                        out.touched_posts.push(post);
                        if changed {
                            out.written_posts.push(post);
                        }
                        changed
                    }
                    (Record::Deal(d), Some(id)) => tx.execute(
                        "INSERT INTO deals (channel_id, deliverable, fee_minor, currency, agreed_at, extra, source_id,
                            run_id)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                         ON CONFLICT (channel_id, deliverable, agreed_at, fee_minor, currency) DO NOTHING",
                        &[
                            &id,
                            &d.deliverable.as_str(),
                            &d.fee.minor,
                            &d.fee.currency.as_str(),
                            &d.agreed_at.unix(),
                            &d.extra,
                            &ctx.source,
                            &ctx.run,
                        ],
                    )? > 0,
                    (Record::Channel(_) | Record::Follower(_) | Record::Comment(_) | Record::Followers(_), Some(_)) => {
                        done.get(&at).copied().unwrap_or(false)
                    }
                };
            if changed {
                out.stats.written += 1;
            } else {
                out.stats.unchanged += 1;
            }
        }
        for r in rejects {
            tx.execute(
                "INSERT INTO import_rejects (run_id, file, line, field, reason, raw) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&ctx.run, &r.file, &to_i64(r.line), &r.field, &r.reason, &r.raw.as_slice()],
            )?;
        }
        // The run's totals move with its batches, so an interrupted run says exactly what it committed.
        tx.execute(
            "UPDATE import_runs SET accepted = accepted + $2, rejected = rejected + $3 WHERE id = $1",
            &[&ctx.run, &(records.len() as i64), &(rejects.len() as i64)],
        )?;
        for c in checkpoints {
            tx.execute(
                "INSERT INTO fetch_checkpoints (connector, target, state, run_id, updated_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (connector, target) DO UPDATE SET state = excluded.state, run_id = excluded.run_id,
                    updated_at = excluded.updated_at",
                &[&c.connector, &c.target, &c.state, &ctx.run, &c.at.unix()],
            )?;
        }
        if !records.is_empty() {
            tx.execute(
                "UPDATE derived_state SET stale_since = coalesce(stale_since, $1), writes = writes + 1 WHERE id = 1",
                &[&self.import_time.unix()],
            )?;
        }
        tx.tx.commit()?;
        Ok(out)
    }
}

fn retryable(e: &postgres::Error) -> bool {
    matches!(e.code(), Some(c) if *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE)
}

impl ImportRun for PgRun<'_> {
    fn run(&self) -> RunId {
        self.run
    }

    fn source_id(&mut self, path: &str) -> Result<SourceId> {
        self.store.execute("INSERT INTO sources (path) VALUES ($1) ON CONFLICT (path) DO NOTHING", &[&path])?;
        Ok(SourceId(self.store.int("SELECT id FROM sources WHERE path = $1", &[&path])?))
    }

    fn write_batch(&mut self, records: &[Record], source: SourceId, rejects: &[Reject]) -> Result<BatchStats> {
        self.write_batch_at(records, source, rejects, &[])
    }

    fn write_batch_at(
        &mut self,
        records: &[Record],
        source: SourceId,
        rejects: &[Reject],
        checkpoints: &[Checkpoint],
    ) -> Result<BatchStats> {
        let mut tries = 0;
        let out = loop {
            tries += 1;
            match self.attempt(records, source, rejects, checkpoints) {
                Ok(out) => break out,
                Err(Failure::Pg(e)) if retryable(&e) && tries < 8 => {
                    std::thread::sleep(std::time::Duration::from_millis(10 * tries));
                }
                Err(Failure::Pg(e)) => return Err(db(e)),
                Err(Failure::Store(e)) => return Err(e),
            }
        };
        self.channels.extend(out.channels);
        self.touched_channels.extend(out.touched_channels);
        self.touched_posts.extend(out.touched_posts);
        self.written_posts.extend(out.written_posts);
        if !records.is_empty() {
            self.writes += 1;
        }
        Ok(out.stats)
    }

    fn checkpoint(&self, connector: &str, target: &str) -> Result<Option<Checkpoint>> {
        ImportStore::checkpoint(self.store, connector, target)
    }

    fn touched(&self) -> (u64, u64) {
        (self.touched_channels.len() as u64, self.touched_posts.len() as u64)
    }

    fn touched_channel_ids(&self) -> Vec<i64> {
        self.touched_channels.iter().copied().collect()
    }

    fn written_post_ids(&self, at_most: u64) -> Option<Vec<i64>> {
        (self.written_posts.len() as u64 <= at_most).then(|| self.written_posts.iter().copied().collect())
    }

    fn writes(&self) -> i64 {
        self.writes
    }

    fn finish(self: Box<Self>, status: RunStatus, finished_at: Timestamp, rejects_file: Option<&str>) -> Result<()> {
        self.store.execute(
            "UPDATE import_runs SET status = $2, finished_at = $3, rejects_file = $4 WHERE id = $1",
            &[&self.run.0, &status.as_str(), &finished_at.unix(), &rejects_file],
        )?;
        // Dropping the run releases its lock.
        Ok(())
    }
}

impl Drop for PgRun<'_> {
    fn drop(&mut self) {
        // The run is over: finished, or dropped without `finish` (an error, a panic), then
        // its status stays running until a later run marks it interrupted.
        if let Ok(mut client) = self.store.client.try_borrow_mut() {
            client.execute("SELECT pg_advisory_unlock($1, ($2::bigint)::int)", &[&crate::RUN_LOCKS, &self.run.0]).ok();
        }
    }
}
