//! Writing: import runs and their batches.
//!
//! Each batch is one transaction, so a killed import leaves whole batches only, and
//! every write is an idempotent upsert keyed by the observation's identity and time,
//! so running the same import again completes it without duplicating anything.

use std::collections::HashMap;

use clout_core::{ChannelObservation, Platform, PostObservation, Record, Timestamp};
use rusqlite::{OptionalExtension, params};

use crate::{BatchStats, Checkpoint, Reject, Result, RunId, RunStatus, SourceId, Store};

/// Writes one import run. Caches channel ids across batches.
pub(crate) struct Writer<'s> {
    store: &'s mut Store,
    run: RunId,
    /// The time given to post observations that carry none.
    import_time: Timestamp,
    /// Channel ids by platform and handle: records arrive grouped by channel, so most
    /// lookups hit, and a borrowed `&str` finds them without allocating.
    channels: HashMap<Platform, HashMap<String, i64>>,
    /// Distinct channels and posts this run has written to, as bitsets over their row
    /// ids (dense integers), which is far cheaper per record than a hash set.
    touched_channels: IdSet,
    touched_posts: IdSet,
    /// Posts this run inserted or changed (their text may be new).
    written_posts: IdSet,
    /// Batches of this run that counted a write in the derived state.
    writes: i64,
    _run_lock: Option<std::fs::File>,
}

mod followers;

use followers::{follower_point, write_follower_sample};

impl Store {
    /// Starts an import run.
    pub(crate) fn begin_run(&mut self, started_at: Timestamp, files: &[String]) -> Result<Writer<'_>> {
        self.mark_dead_runs()?;
        self.conn.execute(
            "INSERT INTO import_runs (started_at, status, files) VALUES (?1, 'running', ?2)",
            params![started_at.unix(), files.join("\n")],
        )?;
        let run = RunId(self.conn.last_insert_rowid());
        // Held while the run lives: another process tells a live run from a killed one by it.
        let run_lock = self.lock_run(run.0)?;
        Ok(Writer {
            _run_lock: run_lock,
            store: self,
            run,
            import_time: started_at,
            channels: HashMap::new(),
            touched_channels: IdSet::default(),
            writes: 0,
            touched_posts: IdSet::default(),
            written_posts: IdSet::default(),
        })
    }

    /// The id of a source path, created on first use.
    pub(crate) fn source_id(&mut self, path: &str) -> Result<SourceId> {
        self.conn.execute("INSERT INTO sources (path) VALUES (?1) ON CONFLICT (path) DO NOTHING", [path])?;
        Ok(SourceId(self.conn.query_row("SELECT id FROM sources WHERE path = ?1", [path], |r| r.get(0))?))
    }
}

/// A set of row ids.
#[derive(Default)]
struct IdSet {
    bits: Vec<u64>,
}

impl IdSet {
    fn insert(&mut self, id: i64) {
        let id = id.max(0) as usize;
        let word = id / 64;
        if word >= self.bits.len() {
            self.bits.resize(word + 1, 0);
        }
        self.bits[word] |= 1 << (id % 64);
    }

    fn len(&self) -> u64 {
        self.bits.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    fn ids(&self) -> Vec<i64> {
        let mut out = Vec::new();
        for (word_index, &word) in self.bits.iter().enumerate() {
            let mut w = word;
            while w != 0 {
                let bit = w.trailing_zeros() as usize;
                out.push((word_index * 64 + bit) as i64);
                w &= w - 1;
            }
        }
        out
    }
}

fn opt_i64(v: Option<u64>) -> Option<i64> {
    v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The statements of one batch, prepared once per transaction: rusqlite's statement
/// cache would otherwise hash each long SQL text on every record.
struct Statements<'t> {
    conn: &'t rusqlite::Connection,
    insert_channel: rusqlite::CachedStatement<'t>,
    select_channel: rusqlite::CachedStatement<'t>,
    channel_observation: rusqlite::CachedStatement<'t>,
    follower_insert: rusqlite::CachedStatement<'t>,
    follower_update: rusqlite::CachedStatement<'t>,
    current_channel: rusqlite::CachedStatement<'t>,
    post_current: rusqlite::CachedStatement<'t>,
    post_seen: rusqlite::CachedStatement<'t>,
    post_insert: rusqlite::CachedStatement<'t>,
    post_update: rusqlite::CachedStatement<'t>,
    post_history: rusqlite::CachedStatement<'t>,
}

impl<'t> Statements<'t> {
    fn prepare(tx: &'t rusqlite::Transaction<'_>) -> Result<Statements<'t>> {
        Ok(Statements {
            conn: tx,
            insert_channel: tx.prepare_cached(
                "INSERT INTO channels (platform, handle) VALUES (?1, ?2) ON CONFLICT (platform, handle) DO NOTHING",
            )?,
            select_channel: tx.prepare_cached("SELECT id FROM channels WHERE platform = ?1 AND handle = ?2")?,
            channel_observation: tx.prepare_cached(
                "INSERT INTO channel_observations (channel_id, observed_at, followers, name, bio, url, email, country,
                    language, category, following, posts_count, verified, is_business, is_private, creator_id, extra,
                    source_id, run_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
                 ON CONFLICT (channel_id, observed_at) DO NOTHING",
            )?,
            // A `channel` record's count is authoritative at its `observed_at` (it is the
            // channel's `followers` there), so it replaces a `followers` record at the same
            // instant and is never replaced by one; otherwise the first write wins. Insert
            // first, then update:
            // SQLite runs an upsert's DO UPDATE on a WITHOUT ROWID table through an
            // ephemeral table, which made every follower count cost three times as much.
            follower_insert: tx.prepare_cached(
                "INSERT INTO follower_observations (channel_id, observed_at, followers, from_channel_record, source_id,
                    run_id, extra)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (channel_id, observed_at) DO NOTHING",
            )?,
            follower_update: tx.prepare_cached(
                "UPDATE follower_observations SET followers = ?3, from_channel_record = ?4, source_id = ?5, run_id = ?6,
                    extra = ?7
                 WHERE channel_id = ?1 AND observed_at = ?2 AND ?4 AND NOT from_channel_record",
            )?,
            // The current profile: a strictly newer channel record wins (at the same instant
            // the first one stays, so re-importing never changes anything). A field the
            // newer record leaves out was not observed, so the previous value stays.
            current_channel: tx.prepare_cached(
                "UPDATE channels SET as_of = ?2, followers = ?3, name = coalesce(?4, name), bio = coalesce(?5, bio),
                    url = coalesce(?6, url), email = coalesce(?7, email), country = coalesce(?8, country),
                    language = coalesce(?9, language), category = coalesce(?10, category),
                    following = coalesce(?11, following), posts_count = coalesce(?12, posts_count),
                    verified = coalesce(?13, verified), is_business = coalesce(?14, is_business),
                    is_private = coalesce(?15, is_private), creator_id = coalesce(?16, creator_id),
                    extra = coalesce(?17, extra), source_id = ?18
                 WHERE id = ?1 AND (as_of IS NULL OR as_of < ?2)",
            )?,
            post_current: tx.prepare_cached(
                "SELECT id, observed_at, likes, comments, shares, views, saves FROM posts
                 WHERE channel_id = ?1 AND post_id = ?2",
            )?,
            post_seen: tx.prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM post_observations WHERE post_ref = ?1 AND likes IS ?2
                    AND comments IS ?3 AND shares IS ?4 AND views IS ?5 AND saves IS ?6)",
            )?,
            // The post row holds the current observation. A new post is one insert (the
            // common case, and the fast path: no RETURNING, no conflict handling).
            post_insert: tx.prepare_cached(
                "INSERT INTO posts (channel_id, post_id, published_at, observed_at, likes, comments, shares, views, saves,
                    type, caption, hashtags, mentions, url, sponsored, extra, time_defaulted, source_id, run_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
                 ON CONFLICT (channel_id, post_id) DO NOTHING",
            )?,
            // A newer observation replaces the current one (the trigger `posts_keep_history`
            // moves the replaced one into the history). At the same instant the first one
            // written stays: re-importing never changes stored data, and a correction is
            // exported with a later `observed_at`.
            post_update: tx.prepare_cached(
                "UPDATE posts SET published_at = ?2, observed_at = ?3, likes = ?4, comments = ?5, shares = ?6,
                    views = ?7, saves = ?8, type = ?9, caption = ?10, hashtags = ?11, mentions = ?12, url = ?13,
                    sponsored = ?14, extra = ?15, time_defaulted = ?16, source_id = ?17, run_id = ?18
                 WHERE id = ?1 AND observed_at < ?3",
            )?,
            post_history: tx.prepare_cached(
                "INSERT INTO post_observations (post_ref, observed_at, likes, comments, shares, views, saves,
                    time_defaulted, source_id, run_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (post_ref, observed_at) DO NOTHING",
            )?,
        })
    }
}

impl Writer<'_> {
    pub(crate) fn run(&self) -> RunId {
        self.run
    }

    /// The id of a source path, created on first use.
    pub(crate) fn source_id(&mut self, path: &str) -> Result<SourceId> {
        self.store.source_id(path)
    }

    pub(crate) fn checkpoint(&self, connector: &str, target: &str) -> Result<Option<Checkpoint>> {
        self.store.checkpoint(connector, target)
    }

    /// Distinct channels and posts the accepted records of this run name.
    pub(crate) fn touched(&self) -> (u64, u64) {
        (self.touched_channels.len(), self.touched_posts.len())
    }

    /// The ids of the channels the accepted records of this run name, ascending.
    pub(crate) fn touched_channel_ids(&self) -> Vec<i64> {
        self.touched_channels.ids()
    }

    /// The row ids of the posts this run inserted or changed, ascending; `None` when they
    /// are more than `at_most`.
    pub(crate) fn written_post_ids(&self, at_most: u64) -> Option<Vec<i64>> {
        (self.written_posts.len() <= at_most).then(|| self.written_posts.ids())
    }

    /// Writes accepted records (all read from `source`) and rejects in one transaction.
    pub(crate) fn write_batch(
        &mut self,
        records: &[Record],
        source: SourceId,
        rejects: &[Reject],
    ) -> Result<BatchStats> {
        self.write_batch_at(records, source, rejects, &[])
    }

    pub(crate) fn write_batch_at(
        &mut self,
        records: &[Record],
        source: SourceId,
        rejects: &[Reject],
        checkpoints: &[Checkpoint],
    ) -> Result<BatchStats> {
        let tx = self.store.conn.transaction()?;
        let mut stats = BatchStats::default();
        {
            let mut st = Statements::prepare(&tx)?;
            let ctx = Ctx { run: self.run, source, import_time: self.import_time };
            for record in records {
                let channel_id = match record.channel() {
                    Some((platform, handle)) => {
                        let handle = handle.as_str();
                        let known = self.channels.get(&platform).and_then(|by_handle| by_handle.get(handle)).copied();
                        let id = match known {
                            Some(id) => id,
                            None => {
                                st.insert_channel.execute(params![platform.as_str(), handle])?;
                                let id: i64 =
                                    st.select_channel.query_row(params![platform.as_str(), handle], |r| r.get(0))?;
                                self.channels.entry(platform).or_default().insert(handle.to_string(), id);
                                id
                            }
                        };
                        self.touched_channels.insert(id);
                        Some(id)
                    }
                    None => None,
                };
                // Conversions: the same moment of the same code or link is stored once.
                if let Record::Conversion(c) = record {
                    let attribution = match (&c.code, &c.link) {
                        (Some(code), _) => format!("code:{}", code.to_lowercase()),
                        (None, Some(link)) => format!("link:{link}"),
                        (None, None) => String::new(),
                    };
                    let changed = tx
                        .prepare_cached(
                            "INSERT INTO conversions (campaign, attribution, code, link, channel_id, orders, revenue_minor,
                                currency, observed_at, extra, source_id, run_id, order_id)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                             ON CONFLICT DO NOTHING",
                        )?
                        .execute(params![
                            c.campaign,
                            attribution,
                            c.code,
                            c.link,
                            channel_id,
                            c.orders as i64,
                            c.revenue.minor,
                            c.revenue.currency.as_str(),
                            c.observed_at.unix(),
                            c.extra,
                            ctx.source.0,
                            ctx.run.0,
                            c.order_id
                        ])?
                        > 0;
                    if changed {
                        stats.written += 1;
                    } else {
                        stats.unchanged += 1;
                    }
                    continue;
                }
                // Every other kind names its channel.
                let Some(channel_id) = channel_id else { continue };
                let changed = match record {
                    Record::Channel(c) => write_channel(&mut st, &ctx, channel_id, c)?,
                    Record::Post(p) => {
                        let (changed, post_ref) = write_post(&mut st, &ctx, channel_id, p)?;
                        self.touched_posts.insert(post_ref);
                        if changed {
                            self.written_posts.insert(post_ref);
                        }
                        changed
                    }
                    Record::Follower(f) => write_follower_sample(&tx, &ctx, channel_id, f)?,
                    // A comment does not change once written: the first copy stays.
                    Record::Comment(c) => {
                        tx.prepare_cached(
                            "INSERT INTO comments (channel_id, comment_id, post_id, author, text, published_at, extra,
                                source_id, run_id)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                             ON CONFLICT (channel_id, comment_id) DO NOTHING",
                        )?
                        .execute(params![
                            channel_id,
                            c.comment_id,
                            c.post_id,
                            c.author,
                            c.text,
                            c.published_at.map(Timestamp::unix),
                            c.extra,
                            ctx.source.0,
                            ctx.run.0
                        ])? > 0
                    }
                    // A deal is a fact of the user's; the same deal imported again changes nothing.
                    Record::Deal(d) => {
                        tx.prepare_cached(
                            "INSERT INTO deals (channel_id, deliverable, fee_minor, currency, agreed_at, extra,
                                source_id, run_id)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                             ON CONFLICT (channel_id, deliverable, agreed_at, fee_minor, currency) DO NOTHING",
                        )?
                        .execute(params![
                            channel_id,
                            d.deliverable.as_str(),
                            d.fee.minor,
                            d.fee.currency.as_str(),
                            d.agreed_at.unix(),
                            d.extra,
                            ctx.source.0,
                            ctx.run.0
                        ])? > 0
                    }
                    Record::Conversion(_) => false,
                    Record::Followers(f) => follower_point(
                        &mut st,
                        &ctx,
                        channel_id,
                        f.observed_at,
                        f.followers,
                        false,
                        f.extra.as_deref(),
                    )?,
                };
                if changed {
                    stats.written += 1;
                } else {
                    stats.unchanged += 1;
                }
            }
            let mut insert = tx.prepare_cached(
                "INSERT INTO import_rejects (run_id, file, line, field, reason, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for r in rejects {
                insert.execute(params![self.run.0, r.file, r.line as i64, r.field, r.reason, r.raw])?;
            }
            // The run's totals move with its batches, so an interrupted run says exactly what it committed.
            tx.prepare_cached(
                "UPDATE import_runs SET accepted = accepted + ?2, rejected = rejected + ?3 WHERE id = ?1",
            )?
            .execute(params![self.run.0, records.len() as i64, rejects.len() as i64])?;
            for c in checkpoints {
                tx.prepare_cached(
                    "INSERT INTO fetch_checkpoints (connector, target, state, run_id, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (connector, target) DO UPDATE SET state = excluded.state,
                        run_id = excluded.run_id, updated_at = excluded.updated_at",
                )?
                .execute(params![c.connector, c.target, c.state, self.run.0, c.at.unix()])?;
            }
            // What this batch wrote is not in the derived state yet.
            if !records.is_empty() {
                tx.prepare_cached(
                    "UPDATE derived_state SET stale_since = coalesce(stale_since, ?1), writes = writes + 1 WHERE id = 1",
                )?
                    .execute(params![self.import_time.unix()])?;
            }
        }
        tx.commit()?;
        if !records.is_empty() {
            self.writes += 1;
        }
        Ok(stats)
    }

    /// How many of this run's batches counted a write in the derived state.
    pub(crate) fn writes(&self) -> i64 {
        self.writes
    }

    /// Closes the run.
    pub(crate) fn finish(self, status: RunStatus, finished_at: Timestamp, rejects_file: Option<&str>) -> Result<()> {
        self.store.conn.execute(
            "UPDATE import_runs SET status = ?2, finished_at = ?3, rejects_file = ?4 WHERE id = ?1",
            params![self.run.0, status.as_str(), finished_at.unix(), rejects_file],
        )?;
        Ok(())
    }
}

/// What every write of a batch shares.
struct Ctx {
    run: RunId,
    source: SourceId,
    /// The time given to post observations that carry none.
    import_time: Timestamp,
}

fn write_channel(st: &mut Statements<'_>, ctx: &Ctx, channel_id: i64, c: &ChannelObservation) -> Result<bool> {
    let (observed_at, followers) = (c.observed_at.unix(), to_i64(c.followers));
    let (following, posts_count) = (opt_i64(c.following), opt_i64(c.posts_count));
    // Both statements take the same first 18 parameters: identity, time, count, profile, source.
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![
        &channel_id,
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
        &ctx.source.0,
    ];
    st.current_channel.execute(values.as_slice())?;
    values.push(&ctx.run.0);
    let changed = st.channel_observation.execute(values.as_slice())? > 0;
    // The channel record's unknown fields are kept with its channel observation.
    follower_point(st, ctx, channel_id, c.observed_at, c.followers, true, None)?;
    Ok(changed)
}

type Counts = (Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

/// Writes one post observation; returns whether it changed the store, and the post's row id.
fn write_post(st: &mut Statements<'_>, ctx: &Ctx, channel_id: i64, p: &PostObservation) -> Result<(bool, i64)> {
    let counts: Counts = (opt_i64(p.likes), opt_i64(p.comments), opt_i64(p.shares), opt_i64(p.views), opt_i64(p.saves));
    let current = |st: &mut Statements<'_>| -> Result<Option<(i64, i64, Counts)>> {
        Ok(st
            .post_current
            .query_row(params![channel_id, p.post_id], |r| {
                Ok((r.get(0)?, r.get(1)?, (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
            })
            .optional()?)
    };
    let observed_at = match p.observed_at {
        Some(t) => t,
        None => {
            // Without its own time an observation takes the import's. Seen before with the
            // same counts (now or in the history) it adds nothing, so re-importing such a
            // file changes nothing and never brings an old reading back as current.
            if let Some((id, _, now)) = current(st)? {
                let seen = now == counts
                    || st.post_seen.query_row(params![id, counts.0, counts.1, counts.2, counts.3, counts.4], |r| {
                        r.get::<_, bool>(0)
                    })?;
                if seen {
                    return Ok((false, id));
                }
            }
            ctx.import_time
        }
    };
    let hashtags = (!p.hashtags.is_empty()).then(|| p.hashtags.as_str());
    let mentions = (!p.mentions.is_empty()).then(|| p.mentions.as_str());
    // The hot statement binds each parameter by position with its concrete type:
    // `params!` goes through `dyn ToSql` and re-checks the parameter count on every call,
    // which cost a fifth of the writer's time.
    let ins = &mut st.post_insert;
    ins.raw_bind_parameter(1, channel_id)?;
    ins.raw_bind_parameter(2, p.post_id.as_str())?;
    ins.raw_bind_parameter(3, p.published_at.unix())?;
    ins.raw_bind_parameter(4, observed_at.unix())?;
    ins.raw_bind_parameter(5, counts.0)?;
    ins.raw_bind_parameter(6, counts.1)?;
    ins.raw_bind_parameter(7, counts.2)?;
    ins.raw_bind_parameter(8, counts.3)?;
    ins.raw_bind_parameter(9, counts.4)?;
    ins.raw_bind_parameter(10, p.post_type.map(|t| t.as_str()))?;
    ins.raw_bind_parameter(11, p.caption.as_deref())?;
    ins.raw_bind_parameter(12, hashtags)?;
    ins.raw_bind_parameter(13, mentions)?;
    ins.raw_bind_parameter(14, p.url.as_deref())?;
    ins.raw_bind_parameter(15, p.sponsored)?;
    ins.raw_bind_parameter(16, p.extra.as_deref())?;
    ins.raw_bind_parameter(17, p.observed_at.is_none())?;
    ins.raw_bind_parameter(18, ctx.source.0)?;
    ins.raw_bind_parameter(19, ctx.run.0)?;
    let inserted = ins.raw_execute()?;
    if inserted > 0 {
        return Ok((true, st.conn.last_insert_rowid()));
    }
    let Some((id, current_at, _)) = current(st)? else {
        return Err(crate::Error::Corrupt(format!("post {} vanished during its upsert", p.post_id)));
    };
    if observed_at.unix() == current_at {
        // The same instant as the current observation: the first one written stays.
        return Ok((false, id));
    }
    if observed_at.unix() > current_at {
        let updated = st.post_update.execute(params![
            id,
            p.published_at.unix(),
            observed_at.unix(),
            counts.0,
            counts.1,
            counts.2,
            counts.3,
            counts.4,
            p.post_type.map(|t| t.as_str()),
            p.caption,
            hashtags,
            mentions,
            p.url,
            p.sponsored,
            p.extra,
            p.observed_at.is_none(),
            ctx.source.0,
            ctx.run.0
        ])?;
        return Ok((updated > 0, id));
    }
    // Older than the current observation: history only.
    let changed = st.post_history.execute(params![
        id,
        observed_at.unix(),
        counts.0,
        counts.1,
        counts.2,
        counts.3,
        counts.4,
        p.observed_at.is_none(),
        ctx.source.0,
        ctx.run.0
    ])? > 0;
    Ok((changed, id))
}
