//! Writing an import run's batches on PostgreSQL, with the semantics of
//! [`ImportRun::write_batch`] (the same as SQLite's writer, statement for statement).
//!
//! - A batch is one transaction. Its records are written channel by channel in the order
//!   of channel ids, so that two nodes importing at once take row locks in one order;
//!   should PostgreSQL still abort one of two deadlocked transactions, the batch
//!   (idempotent, and nothing of it kept in memory before its commit) runs again, up to 8
//!   times.
//! - New channels get their ids in the order of their (platform, handle), at the start
//!   of the batch, so that two batches never take two channel keys in opposite orders.
//! - A post's replaced observation is moved into its history by the statement before
//!   the update (no trigger: Citus runs statements on shards, not triggers).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use clout_core::{ChannelObservation, Platform, PostObservation, Record, Timestamp};
use clout_store::{BatchStats, Checkpoint, Error, ImportRun, ImportStore, Reject, Result, RunId, RunStatus, SourceId};
use postgres::Transaction;
use postgres::error::SqlState;

use crate::{PgStore, db};

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

/// What every write of a batch shares.
struct Ctx {
    run: i64,
    source: i64,
    import_time: Timestamp,
}

type Tx<'a, 'b> = &'a mut Transaction<'b>;

fn opt_i64(v: Option<u64>) -> Option<i64> {
    v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
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
        let mut tx = client.transaction()?;
        let mut out = Outcome::default();
        let ctx = Ctx { run: self.run.0, source: source.0, import_time: self.import_time };
        // New channels first, in key order.
        let mut ids: BTreeMap<(Platform, String), i64> = BTreeMap::new();
        for record in records {
            if let Some((platform, handle)) = record.channel() {
                let key = (platform, handle.as_str().to_string());
                if let Some(id) = self.channels.get(&key) {
                    ids.insert(key, *id);
                } else {
                    ids.entry(key).or_insert(0);
                }
            }
        }
        for ((platform, handle), id) in ids.iter_mut().filter(|(_, id)| **id == 0) {
            *id = channel_id(&mut tx, *platform, handle)?;
            out.channels.push(((*platform, handle.clone()), *id));
        }
        // Per-channel rows are written in the order of their channels (a stable sort keeps
        // each channel's records in the order given, which decides what stays), so two
        // batches lock rows in one order and do not deadlock; conversions go last.
        let mut order: Vec<&Record> = records.iter().collect();
        order.sort_by_key(|r| r.channel().map(|(p, h)| ids[&(p, h.as_str().to_string())]).unwrap_or(i64::MAX));
        for record in order {
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
                    (Record::Channel(c), Some(id)) => write_channel(&mut tx, &ctx, id, c)?,
                    (Record::Post(p), Some(id)) => {
                        let (changed, post) = write_post(&mut tx, &ctx, id, p)?;
                        out.touched_posts.push(post);
                        if changed {
                            out.written_posts.push(post);
                        }
                        changed
                    }
                    (Record::Follower(f), Some(id)) => write_follower_sample(&mut tx, &ctx, id, f)?,
                    (Record::Comment(c), Some(id)) => {
                        tx.execute(
                            "INSERT INTO comments (channel_id, comment_id, post_id, author, text, published_at, extra,
                            source_id, run_id)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (channel_id, comment_id) DO NOTHING",
                            &[
                                &id,
                                &c.comment_id,
                                &c.post_id,
                                &c.author,
                                &c.text,
                                &c.published_at.map(Timestamp::unix),
                                &c.extra,
                                &ctx.source,
                                &ctx.run,
                            ],
                        )? > 0
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
                    (Record::Followers(f), Some(id)) => {
                        follower_point(&mut tx, &ctx, id, f.observed_at, f.followers, false, f.extra.as_deref())?
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
        tx.commit()?;
        Ok(out)
    }
}

/// The id of a channel, made (with its key) when it is new.
fn channel_id(tx: Tx<'_, '_>, platform: Platform, handle: &str) -> std::result::Result<i64, Failure> {
    let made = tx.query_opt(
        "INSERT INTO channel_keys (handle, platform, channel_id) VALUES ($1, $2, nextval('channel_ids'))
         ON CONFLICT DO NOTHING RETURNING channel_id",
        &[&handle, &platform.as_str()],
    )?;
    if let Some(row) = made {
        let id: i64 = row.get(0);
        tx.execute(
            "INSERT INTO channels (id, platform, handle) VALUES ($1, $2, $3)",
            &[&id, &platform.as_str(), &handle],
        )?;
        return Ok(id);
    }
    let row = tx.query_one(
        "SELECT channel_id FROM channel_keys WHERE handle = $1 AND platform = $2",
        &[&handle, &platform.as_str()],
    )?;
    Ok(row.get(0))
}

fn write_channel(tx: Tx<'_, '_>, ctx: &Ctx, id: i64, c: &ChannelObservation) -> std::result::Result<bool, Failure> {
    let (observed_at, followers) = (c.observed_at.unix(), to_i64(c.followers));
    let (following, posts_count) = (opt_i64(c.following), opt_i64(c.posts_count));
    // The current profile: a strictly newer record wins; a field it leaves out keeps its value.
    tx.execute(
        "UPDATE channels SET as_of = $2, followers = $3, name = coalesce($4, name), bio = coalesce($5, bio),
            url = coalesce($6, url), email = coalesce($7, email), country = coalesce($8, country),
            language = coalesce($9, language), category = coalesce($10, category),
            following = coalesce($11, following), posts_count = coalesce($12, posts_count),
            verified = coalesce($13, verified), is_business = coalesce($14, is_business),
            is_private = coalesce($15, is_private), creator_id = coalesce($16, creator_id),
            extra = coalesce($17, extra), source_id = $18
         WHERE id = $1 AND (as_of IS NULL OR as_of < $2)",
        &[
            &id,
            &observed_at,
            &followers,
            &c.name,
            &c.bio,
            &c.url,
            &c.email,
            &c.country,
            &c.language,
            &c.category,
            &following,
            &posts_count,
            &c.verified,
            &c.is_business,
            &c.is_private,
            &c.creator_id,
            &c.extra,
            &ctx.source,
        ],
    )?;
    let changed = tx.execute(
        "INSERT INTO channel_observations (channel_id, observed_at, followers, name, bio, url, email, country, language,
            category, following, posts_count, verified, is_business, is_private, creator_id, extra, source_id, run_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         ON CONFLICT (channel_id, observed_at) DO NOTHING",
        &[
            &id,
            &observed_at,
            &followers,
            &c.name,
            &c.bio,
            &c.url,
            &c.email,
            &c.country,
            &c.language,
            &c.category,
            &following,
            &posts_count,
            &c.verified,
            &c.is_business,
            &c.is_private,
            &c.creator_id,
            &c.extra,
            &ctx.source,
            &ctx.run,
        ],
    )? > 0;
    follower_point(tx, ctx, id, c.observed_at, c.followers, true, None)?;
    Ok(changed)
}

/// A follower count: a channel record's replaces a `followers` record's at the same
/// instant, never the reverse; otherwise the first one written stays.
fn follower_point(
    tx: Tx<'_, '_>,
    ctx: &Ctx,
    id: i64,
    observed_at: Timestamp,
    followers: u64,
    from_channel_record: bool,
    extra: Option<&str>,
) -> std::result::Result<bool, Failure> {
    let values: [&(dyn postgres::types::ToSql + Sync); 7] =
        [&id, &observed_at.unix(), &to_i64(followers), &from_channel_record, &ctx.source, &ctx.run, &extra];
    let inserted = tx.execute(
        "INSERT INTO follower_observations (channel_id, observed_at, followers, from_channel_record, source_id, run_id,
            extra)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (channel_id, observed_at) DO NOTHING",
        &values,
    )?;
    if inserted > 0 {
        return Ok(true);
    }
    Ok(tx.execute(
        "UPDATE follower_observations SET followers = $3, from_channel_record = $4, source_id = $5, run_id = $6,
            extra = $7
         WHERE channel_id = $1 AND observed_at = $2 AND $4 AND NOT from_channel_record",
        &values,
    )? > 0)
}

/// A follower sample: the newest observation of an account stays (one without a time
/// counts as the oldest); at the same time the first one written stays.
fn write_follower_sample(
    tx: Tx<'_, '_>,
    ctx: &Ctx,
    id: i64,
    f: &clout_core::FollowerSample,
) -> std::result::Result<bool, Failure> {
    let values: [&(dyn postgres::types::ToSql + Sync); 15] = [
        &id,
        &f.username,
        &opt_i64(f.followers),
        &opt_i64(f.following),
        &opt_i64(f.posts_count),
        &f.has_profile_pic,
        &f.is_private,
        &opt_i64(f.bio_length),
        &f.full_name,
        &f.has_external_url,
        &f.verified,
        &f.observed_at.map(Timestamp::unix),
        &f.extra,
        &ctx.source,
        &ctx.run,
    ];
    let inserted = tx.execute(
        "INSERT INTO follower_samples (channel_id, username, followers, following, posts_count, has_profile_pic,
            is_private, bio_length, full_name, has_external_url, verified, observed_at, extra, source_id, run_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (channel_id, username) DO NOTHING",
        &values,
    )?;
    if inserted > 0 {
        return Ok(true);
    }
    Ok(tx.execute(
        "UPDATE follower_samples SET followers = $3, following = $4, posts_count = $5, has_profile_pic = $6,
            is_private = $7, bio_length = $8, full_name = $9, has_external_url = $10, verified = $11,
            observed_at = $12, extra = $13, source_id = $14, run_id = $15
         WHERE channel_id = $1 AND username = $2 AND coalesce(observed_at, -1) < coalesce($12, -1)",
        &values,
    )? > 0)
}

type Counts = (Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

/// One post observation; whether it changed the store, and the post's row id.
fn write_post(tx: Tx<'_, '_>, ctx: &Ctx, id: i64, p: &PostObservation) -> std::result::Result<(bool, i64), Failure> {
    let counts: Counts = (opt_i64(p.likes), opt_i64(p.comments), opt_i64(p.shares), opt_i64(p.views), opt_i64(p.saves));
    let current = |tx: Tx<'_, '_>| -> std::result::Result<Option<(i64, i64, Counts)>, Failure> {
        let row = tx.query_opt(
            "SELECT id, observed_at, likes, comments, shares, views, saves FROM posts
             WHERE channel_id = $1 AND post_id = $2",
            &[&id, &p.post_id],
        )?;
        Ok(row.map(|r| (r.get(0), r.get(1), (r.get(2), r.get(3), r.get(4), r.get(5), r.get(6)))))
    };
    let observed_at = match p.observed_at {
        Some(t) => t,
        None => {
            // Without its own time an observation takes the import's; seen before with the
            // same counts (now or in the history) it adds nothing.
            if let Some((post, _, now)) = current(tx)? {
                let seen = now == counts
                    || tx
                        .query_one(
                            "SELECT EXISTS (SELECT 1 FROM post_observations WHERE channel_id = $1 AND post_ref = $2
                                AND likes IS NOT DISTINCT FROM $3 AND comments IS NOT DISTINCT FROM $4
                                AND shares IS NOT DISTINCT FROM $5 AND views IS NOT DISTINCT FROM $6
                                AND saves IS NOT DISTINCT FROM $7)",
                            &[&id, &post, &counts.0, &counts.1, &counts.2, &counts.3, &counts.4],
                        )?
                        .get::<_, bool>(0);
                if seen {
                    return Ok((false, post));
                }
            }
            ctx.import_time
        }
    };
    let hashtags = (!p.hashtags.is_empty()).then(|| p.hashtags.as_str());
    let mentions = (!p.mentions.is_empty()).then(|| p.mentions.as_str());
    let post_type = p.post_type.map(|t| t.as_str());
    let defaulted = p.observed_at.is_none();
    let inserted = tx.query_opt(
        "INSERT INTO posts (channel_id, id, post_id, published_at, observed_at, likes, comments, shares, views, saves,
            type, caption, hashtags, mentions, url, sponsored, extra, time_defaulted, source_id, run_id)
         VALUES ($1, nextval('post_ids'), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
            $19)
         ON CONFLICT (channel_id, post_id) DO NOTHING RETURNING id",
        &[
            &id,
            &p.post_id,
            &p.published_at.unix(),
            &observed_at.unix(),
            &counts.0,
            &counts.1,
            &counts.2,
            &counts.3,
            &counts.4,
            &post_type,
            &p.caption,
            &hashtags,
            &mentions,
            &p.url,
            &p.sponsored,
            &p.extra,
            &defaulted,
            &ctx.source,
            &ctx.run,
        ],
    )?;
    if let Some(row) = inserted {
        return Ok((true, row.get(0)));
    }
    let Some((post, current_at, _)) = current(tx)? else {
        return Err(Failure::Store(Error::Corrupt(format!("post {} vanished during its upsert", p.post_id))));
    };
    if observed_at.unix() == current_at {
        // The same instant as the current observation: the first one written stays.
        return Ok((false, post));
    }
    if observed_at.unix() > current_at {
        // The current observation joins the history, then the newer one replaces it.
        tx.execute(
            "INSERT INTO post_observations (channel_id, post_ref, observed_at, likes, comments, shares, views, saves,
                time_defaulted, source_id, run_id)
             SELECT channel_id, id, observed_at, likes, comments, shares, views, saves, time_defaulted, source_id, run_id
             FROM posts WHERE channel_id = $1 AND id = $2
             ON CONFLICT (channel_id, post_ref, observed_at) DO NOTHING",
            &[&id, &post],
        )?;
        let updated = tx.execute(
            "UPDATE posts SET published_at = $3, observed_at = $4, likes = $5, comments = $6, shares = $7, views = $8,
                saves = $9, type = $10, caption = $11, hashtags = $12, mentions = $13, url = $14, sponsored = $15,
                extra = $16, time_defaulted = $17, source_id = $18, run_id = $19
             WHERE channel_id = $1 AND id = $2 AND observed_at < $4",
            &[
                &id,
                &post,
                &p.published_at.unix(),
                &observed_at.unix(),
                &counts.0,
                &counts.1,
                &counts.2,
                &counts.3,
                &counts.4,
                &post_type,
                &p.caption,
                &hashtags,
                &mentions,
                &p.url,
                &p.sponsored,
                &p.extra,
                &defaulted,
                &ctx.source,
                &ctx.run,
            ],
        )?;
        return Ok((updated > 0, post));
    }
    // Older than the current observation: history only.
    let changed = tx.execute(
        "INSERT INTO post_observations (channel_id, post_ref, observed_at, likes, comments, shares, views, saves,
            time_defaulted, source_id, run_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (channel_id, post_ref, observed_at) DO NOTHING",
        &[
            &id,
            &post,
            &observed_at.unix(),
            &counts.0,
            &counts.1,
            &counts.2,
            &counts.3,
            &counts.4,
            &defaulted,
            &ctx.source,
            &ctx.run,
        ],
    )? > 0;
    Ok((changed, post))
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
            client
                .execute("SELECT pg_advisory_unlock($1, ($2::bigint)::int)", &[&crate::imports::RUN_LOCKS, &self.run.0])
                .ok();
        }
    }
}
