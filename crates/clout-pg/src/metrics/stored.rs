//! Every channel's stored derived state read back on PostgreSQL (metrics' numbers,
//! score, growth check, comments summary, follower verdicts), by ascending channel id.
//!
//! As SQLite does, each table is read in channel-id order and merged by channel id (no
//! join), but a chunk of up to [`CHUNK`] channels at a time: the chunk's channels by id,
//! then each table's rows of that id range, in one read-only snapshot. Memory holds one
//! chunk, and the connection is free again while the caller's function runs.

use clout_core::authenticity::{CommentSummary, GrowthAnomaly, GrowthCheck, ViralPost};
use clout_core::{Bucket, Metric, NullReason, Platform, Timestamp};
use clout_store::decode::Cells;
use clout_store::{Error, FollowerVerdicts, QualityRecord, Result, StoredChannel, StoredNumbers};
use postgres::{IsolationLevel, Transaction};

use crate::derived::CHUNK;
use crate::{PgRow, PgStore, db};

/// A channel's row: id, platform, followers.
type Head = (i64, Platform, Option<u64>);

/// One chunk of channels (ascending ids) and their rows of each table (each by
/// ascending channel id).
struct Chunk {
    channels: Vec<Head>,
    metrics: Side<StoredNumbers>,
    quality: Side<Option<QualityRecord>>,
    growth: Side<usize>,
    anomalies: Side<GrowthAnomaly>,
    comments: Side<Option<CommentSummary>>,
    verdicts: Side<FollowerVerdicts>,
}

/// A table's rows by ascending channel id, merged with the channels'.
struct Side<T> {
    rows: std::iter::Peekable<std::vec::IntoIter<(i64, T)>>,
}

impl<T> Side<T> {
    /// The rows of channels `[first, last]` of the table that `select` reads (its first
    /// column `channel_id`; `$1` and `$2` the bounds; ordered by channel id).
    fn read(
        tx: &mut Transaction<'_>,
        select: &str,
        (first, last): (i64, i64),
        decode: fn(&PgRow<'_>) -> Result<T>,
    ) -> Result<Side<T>> {
        let mut rows = Vec::new();
        for r in tx.query(select, &[&first, &last]).map_err(db)? {
            let r = PgRow(&r);
            rows.push((r.int_req(0)?, decode(&r)?));
        }
        Ok(Side { rows: rows.into_iter().peekable() })
    }

    /// Channel `id`'s next row, if it has one; rows of channels before it (none, unless a
    /// row outlived its channel) are passed over.
    fn take(&mut self, id: i64) -> Option<T> {
        while let Some((cid, value)) = self.rows.next_if(|(cid, _)| *cid <= id) {
            if cid == id {
                return Some(value);
            }
        }
        None
    }
}

fn platform(raw: &str) -> Result<Platform> {
    Platform::parse(raw).map_err(|e| Error::Corrupt(e.to_string()))
}

fn count(v: Option<i64>) -> Option<u64> {
    v.map(|n| n.max(0) as u64)
}

/// A metric and its reason (only a missing metric's reason is read).
fn metric(r: &PgRow<'_>, at: usize) -> Result<Metric<f64>> {
    if let Some(v) = r.real(at)? {
        return Ok(Ok(v));
    }
    match r.text(at + 1)? {
        Some(code) => Ok(Err(NullReason::from_code(&code).ok_or_else(|| Error::Corrupt(format!("reason '{code}'")))?)),
        None => Err(Error::Corrupt("a null metric without a reason".to_string())),
    }
}

fn numbers(r: &PgRow<'_>) -> Result<StoredNumbers> {
    let posts = r.int_req(1)?;
    Ok(StoredNumbers {
        posts_in_window: u32::try_from(posts).map_err(|_| Error::Corrupt(format!("{posts} is out of range")))?,
        median_engagement_rate: metric(r, 2)?,
        engagement_cv: metric(r, 4)?,
        comments_per_100_likes: metric(r, 6)?,
        bucket: r.text(8)?.as_deref().and_then(Bucket::parse),
    })
}

fn quality(r: &PgRow<'_>) -> Result<Option<QualityRecord>> {
    Ok(match (r.real(1)?, r.real(2)?, r.real(3)?) {
        (Some(score), Some(low), Some(high)) => {
            Some(QualityRecord { score, low, high, enough_evidence: r.flag(4)?.unwrap_or(true) })
        }
        _ => None,
    })
}

/// A float that is kept as `NULL` when it was not a number.
fn float(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

fn anomaly(r: &PgRow<'_>) -> Result<GrowthAnomaly> {
    let viral_post = match r.text(7)? {
        Some(post_id) => Some(ViralPost {
            post_id,
            published_at: Timestamp::from_unix(r.int(8)?.unwrap_or(0)),
            times_median: float(r.real(9)?),
        }),
        None => None,
    };
    Ok(GrowthAnomaly {
        from: Timestamp::from_unix(r.int_req(1)?),
        to: Timestamp::from_unix(r.int_req(2)?),
        followers_before: count(r.int(3)?).unwrap_or(0),
        followers_after: count(r.int(4)?).unwrap_or(0),
        change: float(r.real(5)?),
        z: float(r.real(6)?),
        viral_post,
    })
}

/// A comments summary: comments, generic, posts, examples (one a line) and regulars
/// (`who\tposts` a line).
fn summary(r: &PgRow<'_>) -> Result<Option<CommentSummary>> {
    let Some(comments) = r.int(1)? else { return Ok(None) };
    let examples = r.text_req(4)?;
    let regulars = r.text_req(5)?;
    Ok(Some(CommentSummary {
        comments: comments.max(0) as usize,
        generic: r.int_req(2)?.max(0) as usize,
        posts: r.int_req(3)?.max(0) as usize,
        examples: if examples.is_empty() { Vec::new() } else { examples.split('\n').map(str::to_string).collect() },
        regulars: regulars
            .lines()
            .filter_map(|l| {
                let (who, n) = l.rsplit_once('\t')?;
                Some((who.to_string(), n.parse().ok()?))
            })
            .collect(),
    }))
}

fn verdicts(r: &PgRow<'_>) -> Result<FollowerVerdicts> {
    let mut types = [0u32; 5];
    for (k, t) in types.iter_mut().enumerate() {
        *t = r.int_req(2 + k)?.clamp(0, i64::from(u32::MAX)) as u32;
    }
    Ok(FollowerVerdicts { model: r.text_req(1)?, types })
}

impl PgStore {
    /// Calls `f` once per channel, by ascending id, with its stored derived state.
    pub(crate) fn for_each_stored(&self, f: &mut dyn FnMut(StoredChannel<'_>)) -> Result<()> {
        let mut check = GrowthCheck { intervals: 0, anomalies: Vec::new() };
        let mut after = None;
        loop {
            let Some(Chunk {
                channels,
                mut metrics,
                mut quality,
                mut growth,
                mut anomalies,
                mut comments,
                mut verdicts,
            }) = self.stored_chunk(after)?
            else {
                return Ok(());
            };
            let last = channels[channels.len() - 1].0;
            let full = channels.len() == CHUNK;
            for (id, platform, followers) in channels {
                check.anomalies.clear();
                while let Some(a) = anomalies.take(id) {
                    check.anomalies.push(a);
                }
                let intervals = growth.take(id);
                if let Some(n) = intervals {
                    check.intervals = n;
                }
                f(StoredChannel {
                    channel_id: id,
                    platform,
                    followers,
                    metrics: metrics.take(id),
                    quality: quality.take(id).flatten(),
                    growth: intervals.map(|_| &check),
                    comments: comments.take(id).flatten(),
                    verdicts: verdicts.take(id),
                });
            }
            if !full {
                return Ok(());
            }
            after = Some(last);
        }
    }

    /// The first [`CHUNK`] channels with ids above `after` (from the first without) and
    /// their stored rows, read in one snapshot; `None` when no channel is left.
    fn stored_chunk(&self, after: Option<i64>) -> Result<Option<Chunk>> {
        let mut client = self.client();
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(db)?;
        let limit = CHUNK as i64;
        let rows = match after {
            Some(after) => tx.query(
                "SELECT id, platform, followers FROM channels WHERE id > $1 ORDER BY id LIMIT $2",
                &[&after, &limit],
            ),
            None => tx.query("SELECT id, platform, followers FROM channels ORDER BY id LIMIT $1", &[&limit]),
        }
        .map_err(db)?;
        let mut channels = Vec::with_capacity(rows.len());
        for r in &rows {
            let r = PgRow(r);
            channels.push((r.int_req(0)?, platform(&r.text(1)?.unwrap_or_default())?, count(r.int(2)?)));
        }
        // Rows of the ids between the first channel and the last (those of none read are
        // passed over, like SQLite's rows that outlived their channel).
        let span = match (channels.first(), channels.last()) {
            (Some(first), Some(last)) => (first.0, last.0),
            _ => {
                tx.commit().map_err(db)?;
                return Ok(None);
            }
        };
        let within = "channel_id >= $1 AND channel_id <= $2";
        let chunk = Chunk {
            metrics: Side::read(
                &mut tx,
                &format!(
                    "SELECT channel_id, posts_in_window, median_engagement_rate, median_engagement_rate_reason,
                        engagement_cv, engagement_cv_reason, comments_per_100_likes, comments_per_100_likes_reason,
                        benchmark_bucket
                     FROM channel_metrics WHERE {within} ORDER BY channel_id"
                ),
                span,
                numbers,
            )?,
            quality: Side::read(
                &mut tx,
                &format!(
                    "SELECT channel_id, score, low, high, enough_evidence FROM channel_quality
                     WHERE {within} ORDER BY channel_id"
                ),
                span,
                quality,
            )?,
            growth: Side::read(
                &mut tx,
                &format!("SELECT channel_id, intervals FROM channel_growth WHERE {within} ORDER BY channel_id"),
                span,
                |r| Ok(r.int_req(1)?.max(0) as usize),
            )?,
            anomalies: Side::read(
                &mut tx,
                &format!(
                    "SELECT channel_id, from_at, to_at, followers_before, followers_after, change, z,
                        viral_post_id, viral_published_at, viral_times_median
                     FROM growth_anomalies WHERE {within} ORDER BY channel_id, k"
                ),
                span,
                anomaly,
            )?,
            comments: Side::read(
                &mut tx,
                &format!(
                    "SELECT channel_id, comments, generic, posts, examples, regulars FROM comment_summaries
                     WHERE {within} ORDER BY channel_id"
                ),
                span,
                summary,
            )?,
            verdicts: Side::read(
                &mut tx,
                &format!(
                    "SELECT channel_id, model, real, influencer, mass_follower, inactive, suspicious
                     FROM follower_verdicts WHERE {within} ORDER BY channel_id"
                ),
                span,
                verdicts,
            )?,
            channels,
        };
        tx.commit().map_err(db)?;
        Ok(Some(chunk))
    }
}
