//! The stream of every channel's stored derived state (metrics, growth check, comments
//! summary, follower verdicts and score), from which a recompute after an import compares
//! every channel with its peers again without reading the posts, comments and follower
//! samples of the channels the import did not touch; and the follower verdicts themselves.
//!
//! Each table is read once, in its own key order, and merged by channel id: a join would
//! seek every table for every channel (1.9 s at a million channels, against 0.7 s).

use clout_core::authenticity::{CommentSummary, GrowthCheck};
use clout_core::{Bucket, Platform};
use rusqlite::{Row, Rows, Statement, params};

use crate::channels::{metric_f64, quality_record};
use crate::columns::{SqliteRow, platform_col, u64_col};
use crate::growth::{anomaly, decode_summary};
use crate::{Channels, QualityRecord, Result, Store, StoredNumbers};

/// How a channel's follower sample was judged: the verdicts of each audience type (in
/// the order of `clout_core::follower::AudienceType::ALL`) and the model that gave them
/// (a fingerprint: verdicts of another model are judged again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowerVerdicts {
    pub model: String,
    pub types: [u32; 5],
}

/// One channel's derived state as stored.
#[derive(Debug)]
pub struct StoredChannel<'a> {
    pub channel_id: i64,
    pub platform: Platform,
    pub followers: Option<u64>,
    /// `None` without metrics (no `channel` record).
    pub metrics: Option<StoredNumbers>,
    pub quality: Option<QualityRecord>,
    /// `None` when the history was too short to check.
    pub growth: Option<&'a GrowthCheck>,
    /// `None` without comments.
    pub comments: Option<CommentSummary>,
    /// `None` without a follower sample.
    pub verdicts: Option<FollowerVerdicts>,
}

/// A table's rows by ascending channel id, read beside the channels'.
struct Side<'s, T> {
    rows: Rows<'s>,
    next: Option<(i64, T)>,
    read: fn(&Row<'_>) -> Result<T>,
}

impl<'s, T> Side<'s, T> {
    /// `stmt` selects `channel_id` first, ordered by it.
    fn new(stmt: &'s mut Statement<'_>, read: fn(&Row<'_>) -> Result<T>) -> Result<Self> {
        let mut side = Side { rows: stmt.query([])?, next: None, read };
        side.advance()?;
        Ok(side)
    }

    fn advance(&mut self) -> Result<()> {
        self.next = match self.rows.next()? {
            Some(r) => Some((r.get(0)?, (self.read)(r)?)),
            None => None,
        };
        Ok(())
    }

    /// Channel `id`'s row, if it has one; rows of channels before it (none, unless a row
    /// outlived its channel) are passed over.
    fn take(&mut self, id: i64) -> Result<Option<T>> {
        while let Some((cid, _)) = &self.next {
            if *cid > id {
                break;
            }
            let found = (*cid == id).then(|| self.next.take().map(|(_, v)| v)).flatten();
            self.advance()?;
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }
}

/// A text column read in place (a million rows: no copy each).
fn text<'r>(r: &'r Row<'_>, at: usize) -> Result<Option<&'r str>> {
    r.get_ref(at)?.as_str_or_null().map_err(|e| crate::Error::Corrupt(format!("column {at}: {e}")))
}

/// A metric and its reason (only a missing metric's reason is read).
fn metric(r: &Row<'_>, at: usize) -> Result<clout_core::Metric<f64>> {
    match r.get::<_, Option<f64>>(at)? {
        Some(v) => Ok(Ok(v)),
        None => metric_f64(None, text(r, at + 1)?.map(str::to_string)),
    }
}

fn numbers(r: &Row<'_>) -> Result<StoredNumbers> {
    Ok(StoredNumbers {
        posts_in_window: r.get(1)?,
        median_engagement_rate: metric(r, 2)?,
        engagement_cv: metric(r, 4)?,
        comments_per_100_likes: metric(r, 6)?,
        bucket: text(r, 8)?.and_then(Bucket::parse),
    })
}

fn verdicts(r: &Row<'_>) -> Result<FollowerVerdicts> {
    let mut types = [0u32; 5];
    for (k, t) in types.iter_mut().enumerate() {
        *t = r.get::<_, i64>(2 + k)?.clamp(0, i64::from(u32::MAX)) as u32;
    }
    Ok(FollowerVerdicts { model: r.get(1)?, types })
}

impl Store {
    /// Calls `f` once per channel, by ascending id, with its stored derived state.
    pub(crate) fn for_each_stored(&self, f: &mut dyn FnMut(StoredChannel<'_>)) -> Result<()> {
        let c = &self.conn;
        let mut channels = c.prepare("SELECT id, platform, followers FROM channels ORDER BY id")?;
        let mut metrics = c.prepare(
            "SELECT channel_id, posts_in_window, median_engagement_rate, median_engagement_rate_reason,
                engagement_cv, engagement_cv_reason, comments_per_100_likes, comments_per_100_likes_reason,
                benchmark_bucket
             FROM channel_metrics ORDER BY channel_id",
        )?;
        let mut quality =
            c.prepare("SELECT channel_id, score, low, high, enough_evidence FROM channel_quality ORDER BY channel_id")?;
        let mut growth = c.prepare("SELECT channel_id, intervals FROM channel_growth ORDER BY channel_id")?;
        let mut anomalies = c.prepare(
            "SELECT channel_id, from_at, to_at, followers_before, followers_after, change, z,
                viral_post_id, viral_published_at, viral_times_median
             FROM growth_anomalies ORDER BY channel_id, k",
        )?;
        let mut comments = c.prepare(
            "SELECT channel_id, comments, generic, posts, examples, regulars FROM comment_summaries ORDER BY channel_id",
        )?;
        let mut judged = c.prepare(
            "SELECT channel_id, model, real, influencer, mass_follower, inactive, suspicious
             FROM follower_verdicts ORDER BY channel_id",
        )?;
        let mut metrics = Side::new(&mut metrics, numbers)?;
        let mut quality = Side::new(&mut quality, |r| quality_record(&SqliteRow(r), 1))?;
        let mut growth = Side::new(&mut growth, |r| Ok(r.get::<_, i64>(1)?.max(0) as usize))?;
        let mut anomalies = Side::new(&mut anomalies, |r| Ok(anomaly(r)?.1))?;
        let mut comments = Side::new(&mut comments, |r| decode_summary(r, 1))?;
        let mut judged = Side::new(&mut judged, verdicts)?;
        let mut check = GrowthCheck { intervals: 0, anomalies: Vec::new() };
        let mut rows = channels.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            check.anomalies.clear();
            while let Some(a) = anomalies.take(id)? {
                check.anomalies.push(a);
            }
            let intervals = growth.take(id)?;
            if let Some(n) = intervals {
                check.intervals = n;
            }
            f(StoredChannel {
                channel_id: id,
                platform: platform_col(text(r, 1)?.unwrap_or_default())?,
                followers: u64_col(r.get(2)?),
                metrics: metrics.take(id)?,
                quality: quality.take(id)?.flatten(),
                growth: intervals.map(|_| &check),
                comments: comments.take(id)?.flatten(),
                verdicts: judged.take(id)?,
            });
        }
        Ok(())
    }

    /// Replaces the follower verdicts of the channels of `which` with `rows` (a channel of
    /// `which` without a row has none after), in chunks like the metrics.
    pub(crate) fn replace_follower_verdicts(
        &mut self,
        which: Channels<'_>,
        rows: &[(i64, FollowerVerdicts)],
    ) -> Result<()> {
        self.replace_per_channel(which, rows, &["follower_verdicts"], &|tx, part| {
            let mut insert = tx.prepare_cached(
                "INSERT INTO follower_verdicts (channel_id, model, real, influencer, mass_follower, inactive, suspicious)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (id, v) in part {
                let t = v.types;
                insert.execute(params![id, v.model, t[0], t[1], t[2], t[3], t[4]])?;
            }
            Ok(())
        })
    }
}
