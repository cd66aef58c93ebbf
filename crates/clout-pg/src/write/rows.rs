//! The batch's transaction, new channels' ids, a batch's new posts in one statement, and
//! a post observation written on its own (one without a time of its own), each with the
//! semantics of `ImportRun::write_batch` for its kind.

use clout_core::{Platform, PostObservation, Timestamp};
use clout_store::Error;
use std::collections::{HashMap, HashSet};

use postgres::types::ToSql;
use postgres::{Row, Statement, Transaction};

use super::Failure;

/// What every write of a batch shares.
pub(super) struct Ctx {
    pub(super) run: i64,
    pub(super) source: i64,
    pub(super) import_time: Timestamp,
}

/// A batch's transaction, with the run's statements prepared once on its connection:
/// each statement then costs one round trip instead of a parse and an execution.
pub(super) struct Batch<'c, 'm> {
    pub(super) tx: Transaction<'c>,
    pub(super) prepared: &'m mut HashMap<&'static str, Statement>,
}

pub(super) type Tx<'a, 'c, 'm> = &'a mut Batch<'c, 'm>;

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl Batch<'_, '_> {
    fn statement(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(st) = self.prepared.get(sql) {
            return Ok(st.clone());
        }
        let st = self.tx.prepare(sql)?;
        self.prepared.insert(sql, st.clone());
        Ok(st)
    }

    pub(super) fn execute(&mut self, sql: &'static str, params: Params<'_>) -> Result<u64, postgres::Error> {
        let st = self.statement(sql)?;
        self.tx.execute(&st, params)
    }

    pub(super) fn query_opt(&mut self, sql: &'static str, params: Params<'_>) -> Result<Option<Row>, postgres::Error> {
        let st = self.statement(sql)?;
        self.tx.query_opt(&st, params)
    }

    pub(super) fn query(&mut self, sql: &'static str, params: Params<'_>) -> Result<Vec<Row>, postgres::Error> {
        let st = self.statement(sql)?;
        self.tx.query(&st, params)
    }

    pub(super) fn query_one(&mut self, sql: &'static str, params: Params<'_>) -> Result<Row, postgres::Error> {
        let st = self.statement(sql)?;
        self.tx.query_one(&st, params)
    }
}

pub(super) fn opt_i64(v: Option<u64>) -> Option<i64> {
    v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

pub(super) fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The id of a channel, made with id `proposed` (and its key) when it is new.
pub(super) fn channel_id(
    tx: Tx<'_, '_, '_>,
    platform: Platform,
    handle: &str,
    proposed: i64,
) -> std::result::Result<i64, Failure> {
    let made = tx.query_opt(
        "INSERT INTO channel_keys (handle, platform, channel_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING channel_id",
        &[&handle, &platform.as_str(), &proposed],
    )?;
    if made.is_some() {
        tx.execute(
            "INSERT INTO channels (id, platform, handle) VALUES ($1, $2, $3)",
            &[&proposed, &platform.as_str(), &handle],
        )?;
        return Ok(proposed);
    }
    // Another node made it first (its id stays; the proposed one is never used).
    let row = tx.query_one(
        "SELECT channel_id FROM channel_keys WHERE handle = $1 AND platform = $2",
        &[&handle, &platform.as_str()],
    )?;
    Ok(row.get(0))
}

type Counts = (Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

/// One post observation; whether it changed the store, and the post's row id.
pub(super) fn write_post(
    tx: Tx<'_, '_, '_>,
    ctx: &Ctx,
    id: i64,
    p: &PostObservation,
) -> std::result::Result<(bool, i64), Failure> {
    let counts: Counts = (opt_i64(p.likes), opt_i64(p.comments), opt_i64(p.shares), opt_i64(p.views), opt_i64(p.saves));
    let current = |tx: Tx<'_, '_, '_>| -> std::result::Result<Option<(i64, i64, Counts)>, Failure> {
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

/// New posts of a batch in one statement: the first observation (with its own time) of
/// each post the batch names is inserted where the store has no such post; returns, by
/// index into `order`, the row id of each record written so. Every other post record
/// (posts the store has, later observations of one post, observations without their
/// own time) goes through [`write_post`] in order, as before. Rows are inserted in
/// record order, so ids grow as the records come.
pub(super) fn insert_new_posts(
    tx: Tx<'_, '_, '_>,
    ctx: &Ctx,
    order: &[(usize, Option<i64>, &PostObservation)],
) -> std::result::Result<HashMap<usize, i64>, Failure> {
    let mut seen: HashSet<(i64, &str)> = HashSet::new();
    let mut picked: Vec<(usize, i64, &PostObservation)> = Vec::new();
    for &(at, channel, p) in order {
        if let Some(channel) = channel
            && seen.insert((channel, p.post_id.as_str()))
            && p.observed_at.is_some()
        {
            picked.push((at, channel, p));
        }
    }
    if picked.is_empty() {
        return Ok(HashMap::new());
    }
    let col = |f: &dyn Fn(&PostObservation) -> Option<i64>| picked.iter().map(|(_, _, p)| f(p)).collect::<Vec<_>>();
    let channels: Vec<i64> = picked.iter().map(|(_, c, _)| *c).collect();
    let post_ids: Vec<&str> = picked.iter().map(|(_, _, p)| p.post_id.as_str()).collect();
    let published = col(&|p| Some(p.published_at.unix()));
    let observed = col(&|p| p.observed_at.map(Timestamp::unix));
    let (likes, comments, shares) =
        (col(&|p| opt_i64(p.likes)), col(&|p| opt_i64(p.comments)), col(&|p| opt_i64(p.shares)));
    let (views, saves) = (col(&|p| opt_i64(p.views)), col(&|p| opt_i64(p.saves)));
    let types: Vec<Option<&str>> = picked.iter().map(|(_, _, p)| p.post_type.map(|t| t.as_str())).collect();
    let captions: Vec<Option<&str>> = picked.iter().map(|(_, _, p)| p.caption.as_deref()).collect();
    let hashtags: Vec<Option<&str>> =
        picked.iter().map(|(_, _, p)| (!p.hashtags.is_empty()).then(|| p.hashtags.as_str())).collect();
    let mentions: Vec<Option<&str>> =
        picked.iter().map(|(_, _, p)| (!p.mentions.is_empty()).then(|| p.mentions.as_str())).collect();
    let urls: Vec<Option<&str>> = picked.iter().map(|(_, _, p)| p.url.as_deref()).collect();
    let sponsored: Vec<Option<bool>> = picked.iter().map(|(_, _, p)| p.sponsored).collect();
    let extras: Vec<Option<&str>> = picked.iter().map(|(_, _, p)| p.extra.as_deref()).collect();
    let rows = tx.query(
        "INSERT INTO posts (channel_id, id, post_id, published_at, observed_at, likes, comments, shares, views, saves,
            type, caption, hashtags, mentions, url, sponsored, extra, time_defaulted, source_id, run_id)
         SELECT c, nextval('post_ids'), p, pub, obs, l, cm, sh, v, sv, ty, cap, h, m, u, sp, ex, false, $17, $18
         FROM (SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
                   $7::bigint[], $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[],
                   $14::text[], $15::boolean[], $16::text[])
                   WITH ORDINALITY AS n(c, p, pub, obs, l, cm, sh, v, sv, ty, cap, h, m, u, sp, ex, ord)
               ORDER BY ord) s
         ON CONFLICT (channel_id, post_id) DO NOTHING RETURNING channel_id, post_id, id",
        &[
            &channels,
            &post_ids,
            &published,
            &observed,
            &likes,
            &comments,
            &shares,
            &views,
            &saves,
            &types,
            &captions,
            &hashtags,
            &mentions,
            &urls,
            &sponsored,
            &extras,
            &ctx.source,
            &ctx.run,
        ],
    )?;
    let inserted: HashMap<(i64, String), i64> =
        rows.iter().map(|r| ((r.get::<_, i64>(0), r.get::<_, String>(1)), r.get::<_, i64>(2))).collect();
    Ok(picked
        .iter()
        .filter_map(|(at, channel, p)| inserted.get(&(*channel, p.post_id.clone())).map(|id| (*at, *id)))
        .collect())
}
