//! Writing: import runs and their batches.
//!
//! Each batch is one transaction, so a killed import leaves whole batches only, and
//! every write is an idempotent upsert keyed by the observation's identity and time,
//! so running the same import again completes it without duplicating anything.

use std::collections::HashMap;

use clout_core::{ChannelObservation, FollowerObservation, Platform, PostObservation, Record, Timestamp};
use rusqlite::{OptionalExtension, params};

use crate::{Result, Store};

/// An import run's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RunId(pub i64);

/// A source file's id (provenance of every observation read from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Running,
    Completed,
    /// Finished, but some file could not be read (to its end).
    Failed,
    /// The process stopped before the run finished (killed, crashed); its committed batches stay.
    Interrupted,
}

impl RunStatus {
    pub(crate) fn parse(raw: &str) -> Option<RunStatus> {
        [RunStatus::Running, RunStatus::Completed, RunStatus::Failed, RunStatus::Interrupted]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Completed => "completed",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
        }
    }
}

/// A rejected record, kept with the batch it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub file: String,
    pub line: u64,
    /// The first field at fault, if any.
    pub field: Option<String>,
    /// Every problem, `field: reason` joined by `; `.
    pub reason: String,
    pub raw: Vec<u8>,
}

/// What one batch changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchStats {
    /// Observations that were new or changed a stored one.
    pub written: u64,
    /// Observations identical to what the store already held.
    pub unchanged: u64,
}

/// Writes one import run. Caches channel ids across batches.
pub struct Writer<'s> {
    store: &'s mut Store,
    run: RunId,
    /// The time given to post observations that carry none.
    import_time: Timestamp,
    channels: HashMap<(Platform, String), i64>,
}

impl Store {
    /// Starts an import run.
    pub fn begin_run(&mut self, started_at: Timestamp, files: &[String]) -> Result<Writer<'_>> {
        // Only one writer exists (the lock), so a run still marked running was cut short.
        self.conn.execute("UPDATE import_runs SET status = 'interrupted' WHERE status = 'running'", [])?;
        self.conn.execute(
            "INSERT INTO import_runs (started_at, status, files) VALUES (?1, 'running', ?2)",
            params![started_at.unix(), files.join("\n")],
        )?;
        let run = RunId(self.conn.last_insert_rowid());
        Ok(Writer { store: self, run, import_time: started_at, channels: HashMap::new() })
    }

    /// The id of a source path, created on first use.
    pub fn source_id(&mut self, path: &str) -> Result<SourceId> {
        self.conn.execute("INSERT INTO sources (path) VALUES (?1) ON CONFLICT (path) DO NOTHING", [path])?;
        Ok(SourceId(self.conn.query_row("SELECT id FROM sources WHERE path = ?1", [path], |r| r.get(0))?))
    }
}

fn opt_i64(v: Option<u64>) -> Option<i64> {
    v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Writer<'_> {
    pub fn run(&self) -> RunId {
        self.run
    }

    /// The id of a source path, created on first use.
    pub fn source_id(&mut self, path: &str) -> Result<SourceId> {
        self.store.source_id(path)
    }

    /// Writes accepted records and rejects in one transaction.
    pub fn write_batch(&mut self, records: &[(Record, SourceId)], rejects: &[Reject]) -> Result<BatchStats> {
        let tx = self.store.conn.transaction()?;
        let mut stats = BatchStats::default();
        for (record, source) in records {
            let key = (record.platform(), record.handle().as_str().to_string());
            let channel_id = match self.channels.get(&key) {
                Some(&id) => id,
                None => {
                    tx.prepare_cached(
                        "INSERT INTO channels (platform, handle) VALUES (?1, ?2) ON CONFLICT (platform, handle) DO NOTHING",
                    )?
                    .execute(params![key.0.as_str(), key.1])?;
                    let id: i64 = tx
                        .prepare_cached("SELECT id FROM channels WHERE platform = ?1 AND handle = ?2")?
                        .query_row(params![key.0.as_str(), key.1], |r| r.get(0))?;
                    self.channels.insert(key, id);
                    id
                }
            };
            let changed = match record {
                Record::Channel(c) => write_channel(&tx, self.run, channel_id, c, *source)?,
                Record::Post(p) => write_post(&tx, self.run, self.import_time, channel_id, p, *source)?,
                Record::Followers(f) => write_followers(&tx, self.run, channel_id, f, *source)?,
            };
            if changed {
                stats.written += 1;
            } else {
                stats.unchanged += 1;
            }
        }
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO import_rejects (run_id, file, line, field, reason, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for r in rejects {
                insert.execute(params![self.run.0, r.file, r.line as i64, r.field, r.reason, r.raw])?;
            }
        }
        // The run's totals move with its batches, so an interrupted run says exactly what it committed.
        tx.prepare_cached("UPDATE import_runs SET accepted = accepted + ?2, rejected = rejected + ?3 WHERE id = ?1")?
            .execute(params![self.run.0, records.len() as i64, rejects.len() as i64])?;
        tx.commit()?;
        Ok(stats)
    }

    /// Closes the run.
    pub fn finish(self, status: RunStatus, finished_at: Timestamp, rejects_file: Option<&str>) -> Result<()> {
        self.store.conn.execute(
            "UPDATE import_runs SET status = ?2, finished_at = ?3, rejects_file = ?4 WHERE id = ?1",
            params![self.run.0, status.as_str(), finished_at.unix(), rejects_file],
        )?;
        Ok(())
    }
}

fn write_channel(
    tx: &rusqlite::Transaction<'_>,
    run: RunId,
    channel_id: i64,
    c: &ChannelObservation,
    source: SourceId,
) -> Result<bool> {
    // The observation: same channel and time with the same values changes nothing.
    let changed =
        tx.prepare_cached(
            "INSERT INTO channel_observations (channel_id, observed_at, followers, name, bio, url, email, country,
                language, category, following, posts_count, verified, is_business, is_private, creator_id, extra,
                source_id, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
             ON CONFLICT (channel_id, observed_at) DO UPDATE SET
                followers = excluded.followers, name = excluded.name, bio = excluded.bio, url = excluded.url,
                email = excluded.email, country = excluded.country, language = excluded.language,
                category = excluded.category, following = excluded.following, posts_count = excluded.posts_count,
                verified = excluded.verified, is_business = excluded.is_business, is_private = excluded.is_private,
                creator_id = excluded.creator_id, extra = excluded.extra, source_id = excluded.source_id,
                run_id = excluded.run_id
             WHERE followers IS NOT excluded.followers OR name IS NOT excluded.name OR bio IS NOT excluded.bio
                OR url IS NOT excluded.url OR email IS NOT excluded.email OR country IS NOT excluded.country
                OR language IS NOT excluded.language OR category IS NOT excluded.category
                OR following IS NOT excluded.following OR posts_count IS NOT excluded.posts_count
                OR verified IS NOT excluded.verified OR is_business IS NOT excluded.is_business
                OR is_private IS NOT excluded.is_private OR creator_id IS NOT excluded.creator_id
                OR extra IS NOT excluded.extra",
        )?
        .execute(params![
            channel_id,
            c.observed_at.unix(),
            to_i64(c.followers),
            c.name,
            c.bio,
            c.url,
            c.email,
            c.country,
            c.language,
            c.category,
            opt_i64(c.following),
            opt_i64(c.posts_count),
            c.verified,
            c.is_business,
            c.is_private,
            c.creator_id,
            c.extra,
            source.0,
            run.0
        ])? > 0;
    upsert_follower_point(tx, run, channel_id, c.observed_at, c.followers, true, source)?;
    // The current profile: the newest channel record wins (ties: the last one written).
    tx.prepare_cached(
        "UPDATE channels SET as_of = ?2, followers = ?3, name = ?4, bio = ?5, url = ?6, email = ?7, country = ?8,
            language = ?9, category = ?10, following = ?11, posts_count = ?12, verified = ?13, is_business = ?14,
            is_private = ?15, creator_id = ?16, extra = ?17, source_id = ?18
         WHERE id = ?1 AND (as_of IS NULL OR as_of <= ?2)",
    )?
    .execute(params![
        channel_id,
        c.observed_at.unix(),
        to_i64(c.followers),
        c.name,
        c.bio,
        c.url,
        c.email,
        c.country,
        c.language,
        c.category,
        opt_i64(c.following),
        opt_i64(c.posts_count),
        c.verified,
        c.is_business,
        c.is_private,
        c.creator_id,
        c.extra,
        source.0
    ])?;
    Ok(changed)
}

fn upsert_follower_point(
    tx: &rusqlite::Transaction<'_>,
    run: RunId,
    channel_id: i64,
    observed_at: Timestamp,
    followers: u64,
    from_channel_record: bool,
    source: SourceId,
) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO follower_observations (channel_id, observed_at, followers, from_channel_record, source_id, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (channel_id, observed_at) DO UPDATE SET
                followers = excluded.followers, from_channel_record = excluded.from_channel_record,
                source_id = excluded.source_id, run_id = excluded.run_id
             WHERE followers IS NOT excluded.followers OR from_channel_record IS NOT excluded.from_channel_record",
        )?
        .execute(params![channel_id, observed_at.unix(), to_i64(followers), from_channel_record, source.0, run.0])?
        > 0)
}

fn write_followers(
    tx: &rusqlite::Transaction<'_>,
    run: RunId,
    channel_id: i64,
    f: &FollowerObservation,
    source: SourceId,
) -> Result<bool> {
    upsert_follower_point(tx, run, channel_id, f.observed_at, f.followers, false, source)
}

fn write_post(
    tx: &rusqlite::Transaction<'_>,
    run: RunId,
    import_time: Timestamp,
    channel_id: i64,
    p: &PostObservation,
    source: SourceId,
) -> Result<bool> {
    let counts = (opt_i64(p.likes), opt_i64(p.comments), opt_i64(p.shares), opt_i64(p.views), opt_i64(p.saves));
    let observed_at = match p.observed_at {
        Some(t) => t,
        None => {
            // Without its own time an observation takes the import's. Seen again with the
            // same counts it adds nothing, so re-importing such a file changes nothing.
            let current = tx
                .prepare_cached(
                    "SELECT likes, comments, shares, views, saves FROM posts WHERE channel_id = ?1 AND post_id = ?2",
                )?
                .query_row(params![channel_id, p.post_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .optional()?;
            if current == Some(counts) {
                return Ok(false);
            }
            import_time
        }
    };
    let hashtags = (!p.hashtags.is_empty()).then(|| p.hashtags.join(" "));
    let mentions = (!p.mentions.is_empty()).then(|| p.mentions.join(" "));
    // The post row holds the current observation: a newer or equally new one replaces it.
    let post_ref: Option<i64> = tx
        .prepare_cached(
            "INSERT INTO posts (channel_id, post_id, published_at, observed_at, likes, comments, shares, views, saves,
                type, caption, hashtags, mentions, url, sponsored, extra, source_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
             ON CONFLICT (channel_id, post_id) DO UPDATE SET
                published_at = excluded.published_at, observed_at = excluded.observed_at,
                likes = excluded.likes, comments = excluded.comments, shares = excluded.shares,
                views = excluded.views, saves = excluded.saves, type = excluded.type, caption = excluded.caption,
                hashtags = excluded.hashtags, mentions = excluded.mentions, url = excluded.url,
                sponsored = excluded.sponsored, extra = excluded.extra, source_id = excluded.source_id
             WHERE excluded.observed_at >= posts.observed_at
             RETURNING id",
        )?
        .query_row(
            params![
                channel_id,
                p.post_id,
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
                source.0
            ],
            |r| r.get(0),
        )
        .optional()?;
    let post_ref = match post_ref {
        Some(id) => id,
        // An older observation than the current one: history only.
        None => tx
            .prepare_cached("SELECT id FROM posts WHERE channel_id = ?1 AND post_id = ?2")?
            .query_row(params![channel_id, p.post_id], |r| r.get(0))?,
    };
    Ok(tx
        .prepare_cached(
            "INSERT INTO post_observations (post_ref, observed_at, likes, comments, shares, views, saves,
                time_defaulted, source_id, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (post_ref, observed_at) DO UPDATE SET
                likes = excluded.likes, comments = excluded.comments, shares = excluded.shares,
                views = excluded.views, saves = excluded.saves, source_id = excluded.source_id,
                run_id = excluded.run_id
             WHERE likes IS NOT excluded.likes OR comments IS NOT excluded.comments
                OR shares IS NOT excluded.shares OR views IS NOT excluded.views OR saves IS NOT excluded.saves",
        )?
        .execute(params![
            post_ref,
            observed_at.unix(),
            counts.0,
            counts.1,
            counts.2,
            counts.3,
            counts.4,
            p.observed_at.is_none(),
            source.0,
            run.0
        ])?
        > 0)
}
