//! Reading: channel lists and details, the inputs of the metrics engine, and the
//! derived metrics it writes back.

use std::collections::HashMap;

use clout_core::benchmark::BucketStats;
use clout_core::{Bucket, EngagementLabel, Metric, NullReason, Platform, PostSnapshot, SizeFit, Timestamp, WindowRule};
use rusqlite::{Row, params};

use crate::{Error, Result, RunStatus, Store};

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
    pub bucket: Option<Bucket>,
    pub engagement_percentile: Metric<f64>,
    pub engagement_label: Metric<EngagementLabel>,
    pub engagement_index: Metric<f64>,
}

/// A channel with its current profile and metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelRow {
    pub id: i64,
    pub platform: Platform,
    pub handle: String,
    /// `None` until a `channel` record has been imported.
    pub followers: Option<u64>,
    pub as_of: Option<Timestamp>,
    pub name: Option<String>,
    pub bio: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    pub country: Option<String>,
    pub language: Option<String>,
    pub category: Option<String>,
    pub following: Option<u64>,
    pub posts_count: Option<u64>,
    pub verified: Option<bool>,
    pub is_business: Option<bool>,
    pub is_private: Option<bool>,
    pub creator_id: Option<String>,
    /// The file the current channel record came from.
    pub source: Option<String>,
    pub metrics: Option<MetricsRecord>,
    /// The audience-quality score and its range, once computed.
    pub quality: Option<QualityRecord>,
}

/// A stored audience-quality score (derived).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QualityRecord {
    pub score: f64,
    pub low: f64,
    pub high: f64,
}

/// Which channels to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelFilter {
    pub platform: Option<Platform>,
    /// Inclusive lower bound on followers.
    pub min_followers: Option<u64>,
    /// Exclusive upper bound on followers.
    pub below_followers: Option<u64>,
}

/// A post with its current observation and provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct PostRow {
    pub snapshot: PostSnapshot,
    pub saves: Option<u64>,
    pub observed_at: Timestamp,
    pub observations: u32,
    pub post_type: Option<String>,
    pub caption: Option<String>,
    pub hashtags: Vec<String>,
    pub url: Option<String>,
    pub sponsored: Option<bool>,
    pub source: String,
}

/// One follower observation.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowerPoint {
    pub observed_at: Timestamp,
    pub followers: u64,
    pub from_channel_record: bool,
    pub source: String,
}

/// Everything known about one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelDetail {
    pub channel: ChannelRow,
    pub posts: Vec<PostRow>,
    pub history: Vec<FollowerPoint>,
}

/// A platform's size fit as stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlatformFit {
    pub platform: Platform,
    pub fit: SizeFit,
}

/// Row counts, for summaries and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    pub channels: u64,
    pub channel_observations: u64,
    pub follower_observations: u64,
    pub posts: u64,
    pub post_observations: u64,
    pub import_runs: u64,
    pub rejects: u64,
}

/// One import run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub id: i64,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub status: RunStatus,
    pub files: Vec<String>,
    /// Records accepted in committed batches.
    pub accepted: u64,
    pub rejected: u64,
    pub rejects_file: Option<String>,
}

/// A stored comment: `(post_id, author, text)`.
pub type CommentRow = (String, String, Option<String>);

/// One stored follower sample.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRow {
    pub username: String,
    pub followers: Option<u64>,
    pub following: Option<u64>,
    pub posts_count: Option<u64>,
    pub has_profile_pic: Option<bool>,
    pub is_private: Option<bool>,
    pub bio_length: Option<u64>,
}

/// What the discovery index needs of one channel (no profile text).
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveryRow {
    pub id: i64,
    pub platform: Platform,
    pub followers: Option<u64>,
    pub country: Option<String>,
    pub language: Option<String>,
    pub has_email: bool,
    pub verified: Option<bool>,
    pub engagement_rate: Option<f64>,
    pub engagement_label: Option<EngagementLabel>,
    pub engagement_index: Option<f64>,
    pub follower_growth_30d: Option<f64>,
    pub posts_per_week: Option<f64>,
    pub quality_score: Option<f64>,
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

fn u64_col(v: Option<i64>) -> Option<u64> {
    v.map(|n| n.max(0) as u64)
}

pub(crate) fn platform_col(raw: &str) -> Result<Platform> {
    Platform::parse(raw).map_err(|e| Error::Corrupt(e.to_string()))
}

fn metric_f64(value: Option<f64>, reason: Option<String>) -> Result<Metric<f64>> {
    match (value, reason) {
        (Some(v), _) => Ok(Ok(v)),
        (None, Some(code)) => {
            Ok(Err(NullReason::from_code(&code).ok_or_else(|| Error::Corrupt(format!("reason '{code}'")))?))
        }
        (None, None) => Err(Error::Corrupt("a null metric without a reason".to_string())),
    }
}

fn split_metric<T: Copy>(m: &Metric<T>) -> (Option<T>, Option<&'static str>) {
    match m {
        Ok(v) => (Some(*v), None),
        Err(r) => (None, Some(r.code())),
    }
}

pub(crate) const CHANNEL_COLUMNS: &str =
    "c.id, c.platform, c.handle, c.followers, c.as_of, c.name, c.bio, c.url, c.email, c.country,
    c.language, c.category, c.following, c.posts_count, c.verified, c.is_business, c.is_private, c.creator_id,
    s.path,
    m.channel_id, m.window_rule, m.eligible_until, m.thirty_days_after, m.posts_in_window,
    m.engagement_rate, m.engagement_rate_reason, m.median_engagement_rate, m.median_engagement_rate_reason,
    m.engagement_rate_by_views, m.engagement_rate_by_views_reason, m.viral_skew, m.viral_skew_reason,
    m.engagement_cv, m.engagement_cv_reason, m.avg_likes, m.avg_likes_reason, m.avg_comments, m.avg_comments_reason,
    m.avg_shares, m.avg_shares_reason, m.avg_views, m.avg_views_reason,
    m.comments_per_100_likes, m.comments_per_100_likes_reason, m.posts_per_week,
    m.follower_growth_30d, m.follower_growth_30d_reason, m.benchmark_bucket,
    m.engagement_percentile, m.engagement_percentile_reason, m.engagement_label, m.engagement_label_reason,
    m.engagement_index, m.engagement_index_reason, q.score, q.low, q.high";

/// How many columns [`CHANNEL_COLUMNS`] selects (a query may add its own after them).
pub(crate) fn channel_column_count() -> usize {
    CHANNEL_COLUMNS.split(',').count()
}

pub(crate) const CHANNEL_FROM: &str =
    "FROM channels c LEFT JOIN sources s ON s.id = c.source_id LEFT JOIN channel_metrics m ON m.channel_id = c.id
     LEFT JOIN channel_quality q ON q.channel_id = c.id";

pub(crate) fn channel_row(r: &Row<'_>) -> Result<ChannelRow> {
    let metrics = match r.get::<_, Option<i64>>(19)? {
        None => None,
        Some(_) => {
            let f = |i: usize| -> Result<Metric<f64>> { metric_f64(r.get(i)?, r.get(i + 1)?) };
            let rule: String = r.get(20)?;
            let viral_skew = metric_f64(r.get::<_, Option<bool>>(30)?.map(|b| if b { 1.0 } else { 0.0 }), r.get(31)?)?
                .map(|v| v != 0.0);
            let label = match (r.get::<_, Option<String>>(50)?, r.get::<_, Option<String>>(51)?) {
                (Some(l), _) => Ok(EngagementLabel::parse(&l).ok_or_else(|| Error::Corrupt(format!("label '{l}'")))?),
                (None, reason) => metric_f64(None, reason)?.map(|_| EngagementLabel::Low),
            };
            Some(MetricsRecord {
                window_rule: if rule == WindowRule::LastThirtyDays.as_str() {
                    WindowRule::LastThirtyDays
                } else {
                    WindowRule::LastTwelvePosts
                },
                eligible_until: Timestamp::from_unix(r.get(21)?),
                thirty_days_after: Timestamp::from_unix(r.get(22)?),
                posts_in_window: r.get(23)?,
                engagement_rate: f(24)?,
                median_engagement_rate: f(26)?,
                engagement_rate_by_views: f(28)?,
                viral_skew,
                engagement_cv: f(32)?,
                avg_likes: f(34)?,
                avg_comments: f(36)?,
                avg_shares: f(38)?,
                avg_views: f(40)?,
                comments_per_100_likes: f(42)?,
                posts_per_week: r.get(44)?,
                follower_growth_30d: f(45)?,
                bucket: r.get::<_, Option<String>>(47)?.as_deref().and_then(Bucket::parse),
                engagement_percentile: f(48)?,
                engagement_label: label,
                engagement_index: f(52)?,
            })
        }
    };
    Ok(ChannelRow {
        id: r.get(0)?,
        platform: platform_col(&r.get::<_, String>(1)?)?,
        handle: r.get(2)?,
        followers: u64_col(r.get(3)?),
        as_of: r.get::<_, Option<i64>>(4)?.map(Timestamp::from_unix),
        name: r.get(5)?,
        bio: r.get(6)?,
        url: r.get(7)?,
        email: r.get(8)?,
        country: r.get(9)?,
        language: r.get(10)?,
        category: r.get(11)?,
        following: u64_col(r.get(12)?),
        posts_count: u64_col(r.get(13)?),
        verified: r.get(14)?,
        is_business: r.get(15)?,
        is_private: r.get(16)?,
        creator_id: r.get(17)?,
        source: r.get(18)?,
        metrics,
        quality: match (r.get::<_, Option<f64>>(54)?, r.get::<_, Option<f64>>(55)?, r.get::<_, Option<f64>>(56)?) {
            (Some(score), Some(low), Some(high)) => Some(QualityRecord { score, low, high }),
            _ => None,
        },
    })
}

/// The size fits and peer groups written with the last part of the metrics.
type PeerTables<'a> = (&'a [(Platform, SizeFit)], &'a [BucketStats]);

impl Store {
    /// Channels matching `filter`, ordered by platform and handle.
    pub fn channels(&self, filter: &ChannelFilter) -> Result<Vec<ChannelRow>> {
        let sql = format!(
            "SELECT {CHANNEL_COLUMNS} {CHANNEL_FROM}
             WHERE (?1 IS NULL OR c.platform = ?1)
               AND (?2 IS NULL OR c.followers >= ?2)
               AND (?3 IS NULL OR c.followers < ?3)
             ORDER BY c.platform, c.handle"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params![
            filter.platform.map(Platform::as_str),
            filter.min_followers.map(|n| n as i64),
            filter.below_followers.map(|n| n.min(i64::MAX as u64) as i64)
        ])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(channel_row(r)?);
        }
        Ok(out)
    }

    /// Every channel's filterable facts, for the discovery index.
    pub fn discovery_rows(&self) -> Result<Vec<DiscoveryRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.platform, c.followers, c.country, c.language, c.email IS NOT NULL, c.verified,
                m.engagement_rate, m.engagement_label, m.engagement_index, m.follower_growth_30d, m.posts_per_week, q.score
             FROM channels c LEFT JOIN channel_metrics m ON m.channel_id = c.id
             LEFT JOIN channel_quality q ON q.channel_id = c.id ORDER BY c.id",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(DiscoveryRow {
                id: r.get(0)?,
                platform: platform_col(&r.get::<_, String>(1)?)?,
                followers: u64_col(r.get(2)?),
                country: r.get(3)?,
                language: r.get(4)?,
                has_email: r.get(5)?,
                verified: r.get(6)?,
                engagement_rate: r.get(7)?,
                engagement_label: r.get::<_, Option<String>>(8)?.as_deref().and_then(EngagementLabel::parse),
                engagement_index: r.get(9)?,
                follower_growth_30d: r.get(10)?,
                posts_per_week: r.get(11)?,
                quality_score: r.get(12)?,
            });
        }
        Ok(out)
    }

    /// The channels with these ids, in the order given (unknown ids are left out).
    pub fn channels_by_ids(&self, ids: &[i64]) -> Result<Vec<ChannelRow>> {
        // One statement per page of results (a page is at most a few hundred ids), then
        // the rows in the order asked for.
        let mut by_id: std::collections::HashMap<i64, ChannelRow> = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(200) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!("SELECT {CHANNEL_COLUMNS} {CHANNEL_FROM} WHERE c.id IN ({marks})");
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(chunk))?;
            while let Some(r) = rows.next()? {
                let row = channel_row(r)?;
                by_id.insert(row.id, row);
            }
        }
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// One channel with its posts and follower history, or `None` when unknown.
    pub fn channel_detail(&self, platform: Platform, handle: &str) -> Result<Option<ChannelDetail>> {
        let sql = format!("SELECT {CHANNEL_COLUMNS} {CHANNEL_FROM} WHERE c.platform = ?1 AND c.handle = ?2");
        let channel = {
            let mut stmt = self.conn.prepare(&sql)?;
            let mut rows = stmt.query(params![platform.as_str(), handle])?;
            match rows.next()? {
                None => return Ok(None),
                Some(r) => channel_row(r)?,
            }
        };
        let mut stmt = self.conn.prepare(
            "SELECT p.post_id, p.published_at, p.likes, p.comments, p.shares, p.views, p.saves, p.observed_at,
                1 + (SELECT count(*) FROM post_observations o WHERE o.post_ref = p.id),
                p.type, p.caption, p.hashtags, p.url, p.sponsored, s.path
             FROM posts p JOIN sources s ON s.id = p.source_id
             WHERE p.channel_id = ?1 ORDER BY p.published_at DESC, p.post_id DESC",
        )?;
        let posts = stmt
            .query_map([channel.id], |r| {
                Ok(PostRow {
                    snapshot: PostSnapshot {
                        post_id: r.get(0)?,
                        published_at: Timestamp::from_unix(r.get(1)?),
                        likes: u64_col(r.get(2)?),
                        comments: u64_col(r.get(3)?),
                        shares: u64_col(r.get(4)?),
                        views: u64_col(r.get(5)?),
                    },
                    saves: u64_col(r.get(6)?),
                    observed_at: Timestamp::from_unix(r.get(7)?),
                    observations: r.get(8)?,
                    post_type: r.get(9)?,
                    caption: r.get(10)?,
                    hashtags: r
                        .get::<_, Option<String>>(11)?
                        .map(|h| h.split(' ').map(str::to_string).collect())
                        .unwrap_or_default(),
                    url: r.get(12)?,
                    sponsored: r.get(13)?,
                    source: r.get(14)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT f.observed_at, f.followers, f.from_channel_record, s.path
             FROM follower_observations f JOIN sources s ON s.id = f.source_id
             WHERE f.channel_id = ?1 ORDER BY f.observed_at",
        )?;
        let history = stmt
            .query_map([channel.id], |r| {
                Ok(FollowerPoint {
                    observed_at: Timestamp::from_unix(r.get(0)?),
                    followers: r.get::<_, i64>(1)?.max(0) as u64,
                    from_channel_record: r.get(2)?,
                    source: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(ChannelDetail { channel, posts, history }))
    }

    /// Calls `f` once per channel, in id order, with everything its metrics need.
    pub fn for_each_metrics_input(&self, mut f: impl FnMut(MetricsInput<'_>)) -> Result<()> {
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

    /// Replaces every derived metric in one transaction.
    pub fn replace_metrics(
        &mut self,
        metrics: &[(i64, MetricsRecord)],
        fits: &[(Platform, SizeFit)],
        buckets: &[BucketStats],
    ) -> Result<()> {
        let ids: Vec<i64> = metrics.iter().map(|(id, _)| *id).collect();
        let ranges = crate::id_ranges(&ids).unwrap_or_else(|| vec![(i64::MIN, i64::MAX)]);
        let sorted = ranges.len() > 1 || ids.is_sorted();
        for (k, &range) in ranges.iter().enumerate() {
            let part = if sorted { crate::in_range(metrics, |(id, _)| *id, range) } else { metrics };
            let last = k + 1 == ranges.len();
            self.replace_metrics_part(range, part, last.then_some((fits, buckets)))?;
        }
        Ok(())
    }

    /// One transaction of [`Store::replace_metrics`]: the channels with ids in `range`,
    /// and with `tables`, the size fits and peer groups.
    fn replace_metrics_part(
        &mut self,
        (after, up_to): (i64, i64),
        metrics: &[(i64, MetricsRecord)],
        tables: Option<PeerTables<'_>>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM channel_metrics WHERE channel_id > ?1 AND channel_id <= ?2", params![after, up_to])?;
        if tables.is_some() {
            tx.execute_batch("DELETE FROM platform_fits; DELETE FROM bucket_stats;")?;
        }
        let (fits, buckets): (&[(Platform, SizeFit)], &[BucketStats]) = tables.unwrap_or((&[], &[]));
        {
            let mut insert = tx.prepare(
                "INSERT INTO channel_metrics VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                    ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35)",
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
                let pct = split_metric(&m.engagement_percentile);
                let label = split_metric(&m.engagement_label.map(EngagementLabel::as_str));
                let index = split_metric(&m.engagement_index);
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
                    pct.0,
                    pct.1,
                    label.0,
                    label.1,
                    index.0,
                    index.1,
                ])?;
            }
            let mut insert = tx.prepare("INSERT INTO platform_fits VALUES (?1, ?2, ?3, ?4)")?;
            for (platform, fit) in fits {
                insert.execute(params![platform.as_str(), fit.a, fit.b, fit.n as i64])?;
            }
            let mut insert = tx.prepare("INSERT INTO bucket_stats VALUES (?1, ?2, ?3, ?4)")?;
            for b in buckets {
                insert.execute(params![b.platform.as_str(), b.bucket.as_str(), b.channels as i64, b.median_rate])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every platform's size fit.
    pub fn platform_fits(&self) -> Result<Vec<PlatformFit>> {
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
    pub fn bucket_stats(&self) -> Result<Vec<BucketStats>> {
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

    /// How many channels the store knows.
    pub fn channel_count(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT count(*) FROM channels", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// The follower samples of one channel: `(username, followers, following, posts,
    /// profile picture, private, bio length)`.
    pub fn follower_samples_of(&self, channel_id: i64) -> Result<Vec<SampleRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT username, followers, following, posts_count, has_profile_pic, is_private, bio_length
             FROM follower_samples WHERE channel_id = ?1 ORDER BY username",
        )?;
        let rows = stmt.query_map([channel_id], |r| {
            Ok(SampleRow {
                username: r.get(0)?,
                followers: u64_col(r.get(1)?),
                following: u64_col(r.get(2)?),
                posts_count: u64_col(r.get(3)?),
                has_profile_pic: r.get(4)?,
                is_private: r.get(5)?,
                bio_length: u64_col(r.get(6)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every channel's follower samples, by channel id.
    pub fn follower_samples_by_channel(&self) -> Result<HashMap<i64, Vec<SampleRow>>> {
        let mut stmt = self.conn.prepare(
            "SELECT channel_id, username, followers, following, posts_count, has_profile_pic, is_private, bio_length
             FROM follower_samples ORDER BY channel_id, username",
        )?;
        let mut rows = stmt.query([])?;
        let mut out: HashMap<i64, Vec<SampleRow>> = HashMap::new();
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_default().push(SampleRow {
                username: r.get(1)?,
                followers: u64_col(r.get(2)?),
                following: u64_col(r.get(3)?),
                posts_count: u64_col(r.get(4)?),
                has_profile_pic: r.get(5)?,
                is_private: r.get(6)?,
                bio_length: u64_col(r.get(7)?),
            });
        }
        Ok(out)
    }

    /// Replaces every audience-quality score, [`crate::DERIVED_CHUNK`] channels per transaction.
    pub fn replace_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()> {
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
                    tx.prepare("INSERT INTO channel_quality (channel_id, score, low, high) VALUES (?1, ?2, ?3, ?4)")?;
                for (id, q) in part {
                    insert.execute(params![id, q.score, q.low, q.high])?;
                }
            }
            tx.commit()?;
        }
        Ok(())
    }

    /// Every channel's comments as `(post_id, author, text)`, by channel id.
    /// The comments on one channel's posts, as `(post_id, author, text)`, in comment-id order
    /// (the order [`Store::comments_by_channel`] gives them).
    pub fn comments_of(&self, channel_id: i64) -> Result<Vec<CommentRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT post_id, author, text FROM comments WHERE channel_id = ?1 ORDER BY comment_id")?;
        let rows = stmt.query_map([channel_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn comments_by_channel(&self) -> Result<HashMap<i64, Vec<CommentRow>>> {
        let mut stmt = self
            .conn
            .prepare("SELECT channel_id, post_id, author, text FROM comments ORDER BY channel_id, comment_id")?;
        let mut rows = stmt.query([])?;
        let mut out: HashMap<i64, Vec<CommentRow>> = HashMap::new();
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?, r.get(3)?));
        }
        Ok(out)
    }

    /// How many follower samples the store holds.
    pub fn follower_sample_count(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT count(*) FROM follower_samples", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// When derived state (metrics, quality, niche labels) stopped matching the observations:
    /// `None` when it is current.
    pub fn derived_stale_since(&self) -> Result<Option<Timestamp>> {
        let since: Option<i64> =
            self.conn.query_row("SELECT stale_since FROM derived_state WHERE id = 1", [], |r| r.get(0))?;
        Ok(since.map(Timestamp::from_unix))
    }

    /// Marks derived state stale from `at` (unless it already is).
    pub fn mark_derived_stale(&self, at: Timestamp) -> Result<()> {
        self.conn.execute(
            "UPDATE derived_state SET stale_since = coalesce(stale_since, ?1) WHERE id = 1",
            params![at.unix()],
        )?;
        Ok(())
    }

    /// The count of committed import batches, read before a recompute starts.
    pub fn derived_writes(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT writes FROM derived_state WHERE id = 1", [], |r| r.get(0))?)
    }

    /// The count of completed recomputes: a server rebuilds its index when it changes.
    pub fn derived_generation(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT generation FROM derived_state WHERE id = 1", [], |r| r.get(0))?)
    }

    /// Marks derived state current after a recompute that started when [`Store::derived_writes`]
    /// was `writes_before`. When another process committed a batch meanwhile, the state
    /// stays stale (that import's own recompute follows): returns whether it is current.
    pub fn mark_derived_current(&self, writes_before: i64) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE derived_state SET stale_since = NULL, generation = generation + 1 WHERE id = 1 AND writes = ?1",
            [writes_before],
        )?;
        Ok(n == 1)
    }

    pub fn stats(&self) -> Result<StoreStats> {
        let count = |table: &str| -> Result<u64> {
            Ok(self.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok(StoreStats {
            channels: count("channels")?,
            channel_observations: count("channel_observations")?,
            follower_observations: count("follower_observations")?,
            posts: count("posts")?,
            // The current observation of each post lives in its row; the rest are history.
            post_observations: count("posts")? + count("post_observations")?,
            import_runs: count("import_runs")?,
            rejects: count("import_rejects")?,
        })
    }

    /// Every import run, oldest first.
    pub fn runs(&self) -> Result<Vec<RunRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, started_at, finished_at, status, files, accepted, rejected, rejects_file
             FROM import_runs ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let status: String = r.get(3)?;
            let files: String = r.get(4)?;
            out.push(RunRecord {
                id: r.get(0)?,
                started_at: Timestamp::from_unix(r.get(1)?),
                finished_at: r.get::<_, Option<i64>>(2)?.map(Timestamp::from_unix),
                status: RunStatus::parse(&status).ok_or_else(|| Error::Corrupt(format!("run status '{status}'")))?,
                files: files.split('\n').map(str::to_string).collect(),
                accepted: r.get::<_, i64>(5)?.max(0) as u64,
                rejected: r.get::<_, i64>(6)?.max(0) as u64,
                rejects_file: r.get(7)?,
            });
        }
        Ok(out)
    }
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
