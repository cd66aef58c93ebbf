//! Derived metrics: what the metrics engine reads of every channel, the metrics, size
//! fits, peer groups and audience-quality scores it writes back, and the derived-state
//! phase that says whether they match the observations.

use clout_core::benchmark::{BucketStats, Peers};
use clout_core::{Bucket, EngagementLabel, Metric, Platform, PostSnapshot, SizeFit, Timestamp, WindowRule};
use rusqlite::{Row, params};

use crate::columns::{platform_col, u64_col};
use crate::{Error, Result, Store};

/// A stored audience-quality score (derived).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QualityRecord {
    pub score: f64,
    pub low: f64,
    pub high: f64,
    /// Two kinds of evidence or more behind the score.
    pub enough_evidence: bool,
}

/// The derived metrics of one channel as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsRecord {
    pub window_rule: WindowRule,
    pub eligible_until: Timestamp,
    pub thirty_days_after: Timestamp,
    pub posts_in_window: u32,
    pub engagement_rate: Metric<f64>,
    pub median_engagement_rate: Metric<f64>,
    pub engagement_rate_by_views: Metric<f64>,
    pub viral_skew: Metric<bool>,
    pub engagement_cv: Metric<f64>,
    pub avg_likes: Metric<f64>,
    pub avg_comments: Metric<f64>,
    pub avg_shares: Metric<f64>,
    pub avg_views: Metric<f64>,
    pub comments_per_100_likes: Metric<f64>,
    pub posts_per_week: f64,
    pub follower_growth_30d: Metric<f64>,
    /// The standing among peers: the bucket is kept, the rest is computed from the peer
    /// tables whenever a row is read (what is given here is not written).
    pub bucket: Option<Bucket>,
    pub engagement_percentile: Metric<f64>,
    pub engagement_label: Metric<EngagementLabel>,
    pub engagement_index: Metric<f64>,
}

/// A platform's size fit as stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlatformFit {
    pub platform: Platform,
    pub fit: SizeFit,
}

/// What the metrics engine needs of one channel.
#[derive(Debug)]
pub struct MetricsInput<'a> {
    pub channel_id: i64,
    pub platform: Platform,
    pub followers: Option<u64>,
    pub as_of: Option<Timestamp>,
    pub posts: &'a [PostSnapshot],
    pub history: &'a [(Timestamp, u64)],
}

fn split_metric<T: Copy>(m: &Metric<T>) -> (Option<T>, Option<&'static str>) {
    match m {
        Ok(v) => (Some(*v), None),
        Err(r) => (None, Some(r.code())),
    }
}

/// The peer groups as stored: each platform's size fit, and each group's
/// `(platform, bucket, rates)` with its rates as little-endian `f64`s.
pub fn peers_from(fits: Vec<PlatformFit>, groups: Vec<(String, String, Option<Vec<u8>>)>) -> Result<Peers> {
    let mut by_group = std::collections::BTreeMap::new();
    for (p, b, bytes) in groups {
        let bucket = Bucket::parse(&b).ok_or_else(|| Error::Corrupt(format!("bucket '{b}'")))?;
        let rates: Vec<f64> = bytes
            .unwrap_or_default()
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect();
        by_group.insert((platform_col(&p)?, bucket), rates);
    }
    Ok(Peers { groups: by_group, fits: fits.into_iter().map(|f| (f.platform, f.fit)).collect() })
}

impl Store {
    /// Calls `f` once per channel, in id order, with everything its metrics need.
    pub(crate) fn for_each_metrics_input(&self, mut f: impl FnMut(MetricsInput<'_>)) -> Result<()> {
        let mut channels = self.conn.prepare("SELECT id, platform, followers, as_of FROM channels ORDER BY id")?;
        let mut channel_rows = channels.query([])?;
        let mut posts_stmt = self.conn.prepare(
            "SELECT channel_id, post_id, published_at, likes, comments, shares, views FROM posts ORDER BY channel_id",
        )?;
        let mut post_rows = posts_stmt.query([])?;
        let mut history_stmt = self
            .conn
            .prepare("SELECT channel_id, observed_at, followers FROM follower_observations ORDER BY channel_id")?;
        let mut history_rows = history_stmt.query([])?;

        // A merge join over three streams sorted by channel id.
        let mut next_post: Option<(i64, PostSnapshot)> = read_post(post_rows.next()?)?;
        let mut next_point: Option<(i64, (Timestamp, u64))> = read_point(history_rows.next()?)?;
        let mut posts: Vec<PostSnapshot> = Vec::new();
        let mut history: Vec<(Timestamp, u64)> = Vec::new();
        while let Some(r) = channel_rows.next()? {
            let id: i64 = r.get(0)?;
            posts.clear();
            history.clear();
            while let Some((cid, _)) = &next_post {
                if *cid > id {
                    break;
                }
                if let Some((cid, post)) = next_post.take()
                    && cid == id
                {
                    posts.push(post);
                }
                next_post = read_post(post_rows.next()?)?;
            }
            while let Some((cid, _)) = &next_point {
                if *cid > id {
                    break;
                }
                if let Some((cid, point)) = next_point.take()
                    && cid == id
                {
                    history.push(point);
                }
                next_point = read_point(history_rows.next()?)?;
            }
            f(MetricsInput {
                channel_id: id,
                platform: platform_col(&r.get::<_, String>(1)?)?,
                followers: u64_col(r.get(2)?),
                as_of: r.get::<_, Option<i64>>(3)?.map(Timestamp::from_unix),
                posts: &posts,
                history: &history,
            });
        }
        Ok(())
    }

    /// Replaces every channel's metrics, [`crate::DERIVED_CHUNK`] channels per transaction
    /// (in one when the rows are not in id order), and the peer tables with the last.
    pub(crate) fn replace_metrics(&mut self, metrics: &[(i64, MetricsRecord)], peers: &Peers) -> Result<()> {
        let ids: Vec<i64> = metrics.iter().map(|(id, _)| *id).collect();
        let ranges = crate::id_ranges(&ids).unwrap_or_else(|| vec![(i64::MIN, i64::MAX)]);
        let sorted = ranges.len() > 1 || ids.is_sorted();
        for (k, &(after, up_to)) in ranges.iter().enumerate() {
            let part = if sorted { crate::in_range(metrics, |(id, _)| *id, (after, up_to)) } else { metrics };
            let tx = self.conn.transaction()?;
            tx.execute(
                "DELETE FROM channel_metrics WHERE channel_id > ?1 AND channel_id <= ?2",
                params![after, up_to],
            )?;
            insert_metrics(&tx, part)?;
            if k + 1 == ranges.len() {
                write_peers(&tx, peers)?;
            }
            tx.commit()?;
        }
        Ok(())
    }

    /// Replaces the metrics of the channels `ids` (ascending) with those given (an id
    /// without has none after), every other channel's stay, and the peer tables, in
    /// chunks like [`Store::replace_metrics`].
    pub(crate) fn replace_metrics_of(
        &mut self,
        ids: &[i64],
        metrics: &[(i64, MetricsRecord)],
        peers: &Peers,
    ) -> Result<()> {
        let in_order = ids.is_sorted() && metrics.is_sorted_by_key(|(id, _)| *id);
        let ranges = match crate::id_ranges(ids) {
            Some(r) if in_order => r,
            _ => vec![(i64::MIN, i64::MAX)],
        };
        for (k, &range) in ranges.iter().enumerate() {
            let (ids, part) = if in_order {
                (crate::in_range(ids, |&id| id, range), crate::in_range(metrics, |(id, _)| *id, range))
            } else {
                (ids, metrics)
            };
            let tx = self.conn.transaction()?;
            {
                let mut delete = tx.prepare_cached("DELETE FROM channel_metrics WHERE channel_id = ?1")?;
                for id in ids {
                    delete.execute([id])?;
                }
            }
            insert_metrics(&tx, part)?;
            if k + 1 == ranges.len() {
                write_peers(&tx, peers)?;
            }
            tx.commit()?;
        }
        Ok(())
    }

    /// What every comparison with peers reads (cached until a recompute writes new ones).
    pub(crate) fn peers(&self) -> Result<std::sync::Arc<Peers>> {
        let version: i64 =
            self.conn.query_row("SELECT peers_version FROM derived_state WHERE id = 1", [], |r| r.get(0))?;
        if let Some((v, peers)) = self.peers.borrow().as_ref()
            && *v == version
        {
            return Ok(peers.clone());
        }
        let mut groups = Vec::new();
        let mut stmt = self.conn.prepare_cached("SELECT platform, bucket, rates FROM bucket_stats")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            groups.push((r.get(0)?, r.get(1)?, r.get(2)?));
        }
        let peers = std::sync::Arc::new(peers_from(self.platform_fits()?, groups)?);
        *self.peers.borrow_mut() = Some((version, peers.clone()));
        Ok(peers)
    }

    /// Every platform's size fit.
    pub(crate) fn platform_fits(&self) -> Result<Vec<PlatformFit>> {
        let mut stmt = self.conn.prepare("SELECT platform, a, b, n FROM platform_fits ORDER BY platform")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (p, a, b, n) = row?;
            out.push(PlatformFit { platform: platform_col(&p)?, fit: SizeFit { a, b, n: n as usize } });
        }
        Ok(out)
    }

    /// Every benchmark group.
    pub(crate) fn bucket_stats(&self) -> Result<Vec<BucketStats>> {
        let mut stmt = self.conn.prepare("SELECT platform, bucket, channels, median_rate FROM bucket_stats")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get(3)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (p, b, n, median_rate) = row?;
            out.push(BucketStats {
                platform: platform_col(&p)?,
                bucket: Bucket::parse(&b).ok_or_else(|| Error::Corrupt(format!("bucket '{b}'")))?,
                channels: n as usize,
                median_rate,
            });
        }
        out.sort_by_key(|b| (b.platform, b.bucket));
        Ok(out)
    }

    /// Replaces every audience-quality score, [`crate::DERIVED_CHUNK`] channels per transaction.
    pub(crate) fn replace_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()> {
        let ids: Vec<i64> = scores.iter().map(|(id, _)| *id).collect();
        let ranges = crate::id_ranges(&ids).unwrap_or_else(|| vec![(i64::MIN, i64::MAX)]);
        let sorted = ranges.len() > 1 || ids.is_sorted();
        for range in ranges {
            let part = if sorted { crate::in_range(scores, |(id, _)| *id, range) } else { scores };
            let tx = self.conn.transaction()?;
            tx.execute(
                "DELETE FROM channel_quality WHERE channel_id > ?1 AND channel_id <= ?2",
                params![range.0, range.1],
            )?;
            {
                let mut insert =
                    tx.prepare("INSERT INTO channel_quality (channel_id, score, low, high, enough_evidence) VALUES (?1, ?2, ?3, ?4, ?5)")?;
                for (id, q) in part {
                    insert.execute(params![id, q.score, q.low, q.high, q.enough_evidence])?;
                }
            }
            tx.commit()?;
        }
        Ok(())
    }

    /// When derived state (metrics, quality, niche labels) stopped matching the observations:
    /// `None` when it is current.
    pub(crate) fn derived_stale_since(&self) -> Result<Option<Timestamp>> {
        let since: Option<i64> =
            self.conn.query_row("SELECT stale_since FROM derived_state WHERE id = 1", [], |r| r.get(0))?;
        Ok(since.map(Timestamp::from_unix))
    }

    /// The phase and the write count, read together (one statement sees one state).
    pub(crate) fn derived_phase(&self) -> Result<(Option<Timestamp>, i64)> {
        let (since, writes): (Option<i64>, i64) =
            self.conn.query_row("SELECT stale_since, writes FROM derived_state WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok((since.map(Timestamp::from_unix), writes))
    }

    /// The count of committed import batches, read before a recompute starts.
    pub(crate) fn derived_writes(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT writes FROM derived_state WHERE id = 1", [], |r| r.get(0))?)
    }

    /// The store's random identity (schema 23).
    pub(crate) fn store_id(&self) -> Result<String> {
        Ok(self.conn.query_row("SELECT store_id FROM derived_state WHERE id = 1", [], |r| r.get(0))?)
    }

    /// The count of completed recomputes: a server rebuilds its index when it changes.
    pub(crate) fn derived_generation(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT generation FROM derived_state WHERE id = 1", [], |r| r.get(0))?)
    }

    /// Marks derived state current after a recompute that started when [`Store::derived_writes`]
    /// was `writes_before`. When another process committed a batch meanwhile, the state
    /// stays stale (that import's own recompute follows): returns whether it is current.
    pub(crate) fn mark_derived_current(&self, writes_before: i64) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE derived_state SET stale_since = NULL, generation = generation + 1 WHERE id = 1 AND writes = ?1",
            [writes_before],
        )?;
        Ok(n == 1)
    }

    /// Counts a generation, leaving the stale phase as it is.
    pub(crate) fn count_derived_generation(&self) -> Result<()> {
        self.conn.execute("UPDATE derived_state SET generation = generation + 1 WHERE id = 1", [])?;
        Ok(())
    }
}

fn insert_metrics(tx: &rusqlite::Transaction<'_>, metrics: &[(i64, MetricsRecord)]) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO channel_metrics VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
            ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)",
    )?;
    for (id, m) in metrics {
        let rate = split_metric(&m.engagement_rate);
        let median = split_metric(&m.median_engagement_rate);
        let by_views = split_metric(&m.engagement_rate_by_views);
        let skew = split_metric(&m.viral_skew);
        let cv = split_metric(&m.engagement_cv);
        let likes = split_metric(&m.avg_likes);
        let comments = split_metric(&m.avg_comments);
        let shares = split_metric(&m.avg_shares);
        let views = split_metric(&m.avg_views);
        let c100 = split_metric(&m.comments_per_100_likes);
        let growth = split_metric(&m.follower_growth_30d);
        insert.execute(rusqlite::params![
            id,
            m.window_rule.as_str(),
            m.eligible_until.unix(),
            m.thirty_days_after.unix(),
            m.posts_in_window,
            rate.0,
            rate.1,
            median.0,
            median.1,
            by_views.0,
            by_views.1,
            skew.0,
            skew.1,
            cv.0,
            cv.1,
            likes.0,
            likes.1,
            comments.0,
            comments.1,
            shares.0,
            shares.1,
            views.0,
            views.1,
            c100.0,
            c100.1,
            m.posts_per_week,
            growth.0,
            growth.1,
            m.bucket.map(Bucket::as_str),
        ])?;
    }
    Ok(())
}

/// Replaces the size fits and peer groups (with their rates), and says they changed.
fn write_peers(tx: &rusqlite::Transaction<'_>, peers: &Peers) -> Result<()> {
    tx.execute_batch("DELETE FROM platform_fits; DELETE FROM bucket_stats;")?;
    let mut insert = tx.prepare_cached("INSERT INTO platform_fits VALUES (?1, ?2, ?3, ?4)")?;
    for (platform, fit) in &peers.fits {
        insert.execute(params![platform.as_str(), fit.a, fit.b, fit.n as i64])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO bucket_stats (platform, bucket, channels, median_rate, rates) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (b, ((_, _), rates)) in peers.buckets().iter().zip(&peers.groups) {
        let bytes: Vec<u8> = rates.iter().flat_map(|r| r.to_le_bytes()).collect();
        insert.execute(params![b.platform.as_str(), b.bucket.as_str(), b.channels as i64, b.median_rate, bytes])?;
    }
    tx.execute("UPDATE derived_state SET peers_version = peers_version + 1 WHERE id = 1", [])?;
    Ok(())
}

fn read_post(row: Option<&Row<'_>>) -> Result<Option<(i64, PostSnapshot)>> {
    let Some(r) = row else { return Ok(None) };
    Ok(Some((
        r.get(0)?,
        PostSnapshot {
            post_id: r.get(1)?,
            published_at: Timestamp::from_unix(r.get(2)?),
            likes: u64_col(r.get(3)?),
            comments: u64_col(r.get(4)?),
            shares: u64_col(r.get(5)?),
            views: u64_col(r.get(6)?),
        },
    )))
}

fn read_point(row: Option<&Row<'_>>) -> Result<Option<(i64, (Timestamp, u64))>> {
    let Some(r) = row else { return Ok(None) };
    Ok(Some((r.get(0)?, (Timestamp::from_unix(r.get(1)?), r.get::<_, i64>(2)?.max(0) as u64))))
}
