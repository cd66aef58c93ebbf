//! Channels as they are read: the current profile with its metrics and audience-quality
//! score, lists of channels, one channel with its posts and follower history, the
//! current posts of many channels, and what the discovery index needs of each.

use std::collections::HashMap;

use clout_core::benchmark::Peers;
use clout_core::{Bucket, EngagementLabel, Metric, NullReason, Platform, PostSnapshot, Timestamp, WindowRule};
use rusqlite::{OptionalExtension, params};

use crate::columns::{Cells, SqliteRow, platform_col, u32_col, u64_col};
use crate::metrics::{MetricsRecord, QualityRecord};
use crate::{Error, Result, Store};

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
    /// Mentioned accounts as imported (without `@`).
    pub mentions: Vec<String>,
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
    /// What channels are compared by (metrics v2).
    pub median_engagement_rate: Option<f64>,
    pub engagement_label: Option<EngagementLabel>,
    pub engagement_index: Option<f64>,
    pub follower_growth_30d: Option<f64>,
    pub posts_per_week: Option<f64>,
    pub quality_score: Option<f64>,
    /// When the channel's current data was read (its newest channel record).
    pub as_of: Option<Timestamp>,
}

pub(crate) fn metric_f64(value: Option<f64>, reason: Option<String>) -> Result<Metric<f64>> {
    match (value, reason) {
        (Some(v), _) => Ok(Ok(v)),
        (None, Some(code)) => {
            Ok(Err(NullReason::from_code(&code).ok_or_else(|| Error::Corrupt(format!("reason '{code}'")))?))
        }
        (None, None) => Err(Error::Corrupt("a null metric without a reason".to_string())),
    }
}

pub const CHANNEL_COLUMNS: &str =
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
    q.score, q.low, q.high, q.enough_evidence";

/// How many columns [`CHANNEL_COLUMNS`] selects (a query may add its own after them).
pub(crate) fn channel_column_count() -> usize {
    CHANNEL_COLUMNS.split(',').count()
}

pub const CHANNEL_FROM: &str =
    "FROM channels c LEFT JOIN sources s ON s.id = c.source_id LEFT JOIN channel_metrics m ON m.channel_id = c.id
     LEFT JOIN channel_quality q ON q.channel_id = c.id";

/// A channel row of [`CHANNEL_COLUMNS`], compared with `peers`.
pub fn channel_row<R: Cells + ?Sized>(r: &R, peers: &Peers) -> Result<ChannelRow> {
    let platform = platform_col(&r.text_req(1)?)?;
    let followers = u64_col(r.int(3)?);
    let metrics = match r.int(19)? {
        None => None,
        Some(_) => Some(metrics_record(r, 20, platform, followers.unwrap_or(0), peers)?),
    };
    Ok(ChannelRow {
        id: r.int_req(0)?,
        platform,
        handle: r.text_req(2)?,
        followers,
        as_of: r.int(4)?.map(Timestamp::from_unix),
        name: r.text(5)?,
        bio: r.text(6)?,
        url: r.text(7)?,
        email: r.text(8)?,
        country: r.text(9)?,
        language: r.text(10)?,
        category: r.text(11)?,
        following: u64_col(r.int(12)?),
        posts_count: u64_col(r.int(13)?),
        verified: r.flag(14)?,
        is_business: r.flag(15)?,
        is_private: r.flag(16)?,
        creator_id: r.text(17)?,
        source: r.text(18)?,
        metrics,
        quality: quality_record(r, 48)?,
    })
}

/// The metrics columns of [`CHANNEL_COLUMNS`] from `m.window_rule` (at `at`) to
/// `m.benchmark_bucket`, with the channel's standing among `peers`.
pub(crate) fn metrics_record<R: Cells + ?Sized>(
    r: &R,
    at: usize,
    platform: Platform,
    followers: u64,
    peers: &Peers,
) -> Result<MetricsRecord> {
    let f = |i: usize| -> Result<Metric<f64>> { metric_f64(r.real(at + i)?, r.text(at + i + 1)?) };
    let rule = r.text(at)?.unwrap_or_default();
    let viral_skew =
        metric_f64(r.flag(at + 10)?.map(|b| if b { 1.0 } else { 0.0 }), r.text(at + 11)?)?.map(|v| v != 0.0);
    let median_engagement_rate = f(6)?;
    let compared = peers.compare(platform, followers, median_engagement_rate);
    Ok(MetricsRecord {
        window_rule: if rule == WindowRule::LastThirtyDays.as_str() {
            WindowRule::LastThirtyDays
        } else {
            WindowRule::LastTwelvePosts
        },
        eligible_until: Timestamp::from_unix(r.int_req(at + 1)?),
        thirty_days_after: Timestamp::from_unix(r.int_req(at + 2)?),
        posts_in_window: u32_col(r.int_req(at + 3)?)?,
        engagement_rate: f(4)?,
        median_engagement_rate,
        engagement_rate_by_views: f(8)?,
        viral_skew,
        engagement_cv: f(12)?,
        avg_likes: f(14)?,
        avg_comments: f(16)?,
        avg_shares: f(18)?,
        avg_views: f(20)?,
        comments_per_100_likes: f(22)?,
        posts_per_week: r.real(at + 24)?.ok_or_else(|| Error::Corrupt("posts_per_week is null".to_string()))?,
        follower_growth_30d: f(25)?,
        bucket: r.text(at + 27)?.as_deref().and_then(Bucket::parse),
        engagement_percentile: compared.engagement_percentile,
        engagement_label: compared.engagement_label,
        engagement_index: compared.engagement_index,
    })
}

/// `q.score, q.low, q.high, q.enough_evidence` from column `at` on.
pub(crate) fn quality_record<R: Cells + ?Sized>(r: &R, at: usize) -> Result<Option<QualityRecord>> {
    Ok(match (r.real(at)?, r.real(at + 1)?, r.real(at + 2)?) {
        (Some(score), Some(low), Some(high)) => {
            Some(QualityRecord { score, low, high, enough_evidence: r.flag(at + 3)?.unwrap_or(true) })
        }
        _ => None,
    })
}

impl Store {
    /// Channels matching `filter`, ordered by platform and handle.
    pub(crate) fn channels(&self, filter: &ChannelFilter) -> Result<Vec<ChannelRow>> {
        let peers = self.peers()?;
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
            out.push(channel_row(&SqliteRow(r), &peers)?);
        }
        Ok(out)
    }

    /// Every channel's filterable facts, for the discovery index.
    pub(crate) fn discovery_rows(&self) -> Result<Vec<DiscoveryRow>> {
        let peers = self.peers()?;
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.platform, c.followers, c.country, c.language, c.email IS NOT NULL, c.verified,
                m.engagement_rate, m.median_engagement_rate, m.median_engagement_rate_reason, m.channel_id IS NOT NULL,
                m.follower_growth_30d, m.posts_per_week, q.score, c.as_of
             FROM channels c LEFT JOIN channel_metrics m ON m.channel_id = c.id
             LEFT JOIN channel_quality q ON q.channel_id = c.id ORDER BY c.id",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let platform = platform_col(&r.get::<_, String>(1)?)?;
            let followers = u64_col(r.get(2)?);
            let median: Option<f64> = r.get(8)?;
            // A channel's standing among its peers, as its row would say.
            let (label, index) = if r.get::<_, bool>(10)? {
                let compared = peers.compare(platform, followers.unwrap_or(0), metric_f64(median, r.get(9)?)?);
                (compared.engagement_label.ok(), compared.engagement_index.ok())
            } else {
                (None, None)
            };
            out.push(DiscoveryRow {
                id: r.get(0)?,
                platform,
                followers,
                country: r.get(3)?,
                language: r.get(4)?,
                has_email: r.get(5)?,
                verified: r.get(6)?,
                engagement_rate: r.get(7)?,
                median_engagement_rate: median,
                engagement_label: label,
                engagement_index: index,
                follower_growth_30d: r.get(11)?,
                posts_per_week: r.get(12)?,
                quality_score: r.get(13)?,
                as_of: r.get::<_, Option<i64>>(14)?.map(Timestamp::from_unix),
            });
        }
        Ok(out)
    }

    /// The channels with these ids, in the order given (unknown ids are left out).
    pub(crate) fn channels_by_ids(&self, ids: &[i64]) -> Result<Vec<ChannelRow>> {
        let peers = self.peers()?;
        // One statement per page of results (a page is at most a few hundred ids), then
        // the rows in the order asked for.
        let mut by_id: std::collections::HashMap<i64, ChannelRow> = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(200) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!("SELECT {CHANNEL_COLUMNS} {CHANNEL_FROM} WHERE c.id IN ({marks})");
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(chunk))?;
            while let Some(r) = rows.next()? {
                let row = channel_row(&SqliteRow(r), &peers)?;
                by_id.insert(row.id, row);
            }
        }
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// One channel with its posts and follower history, or `None` when unknown.
    pub(crate) fn channel_detail(&self, platform: Platform, handle: &str) -> Result<Option<ChannelDetail>> {
        let peers = self.peers()?;
        let sql = format!("SELECT {CHANNEL_COLUMNS} {CHANNEL_FROM} WHERE c.platform = ?1 AND c.handle = ?2");
        let channel = {
            let mut stmt = self.conn.prepare(&sql)?;
            let mut rows = stmt.query(params![platform.as_str(), handle])?;
            match rows.next()? {
                None => return Ok(None),
                Some(r) => channel_row(&SqliteRow(r), &peers)?,
            }
        };
        let mut stmt = self.conn.prepare(
            "SELECT p.post_id, p.published_at, p.likes, p.comments, p.shares, p.views, p.saves, p.observed_at,
                1 + (SELECT count(*) FROM post_observations o WHERE o.post_ref = p.id),
                p.type, p.caption, p.hashtags, p.url, p.sponsored, s.path, p.mentions
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
                    mentions: r
                        .get::<_, Option<String>>(15)?
                        .map(|h| h.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect())
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

    /// How many channels the store knows.
    pub(crate) fn channel_count(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT count(*) FROM channels", [], |r| r.get::<_, i64>(0))? as u64)
    }

    pub(crate) fn stats(&self) -> Result<StoreStats> {
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

    /// A channel's id by platform and handle.
    pub(crate) fn channel_id(&self, platform: Platform, handle: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM channels WHERE platform = ?1 AND handle = ?2",
                params![platform.as_str(), handle],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// A channel row by id.
    pub(crate) fn channel_row_by_id(&self, id: i64) -> Result<Option<ChannelRow>> {
        let peers = self.peers()?;
        let sql = format!("SELECT {CHANNEL_COLUMNS} {CHANNEL_FROM} WHERE c.id = ?1");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([id])?;
        match rows.next()? {
            Some(r) => Ok(Some(channel_row(&SqliteRow(r), &peers)?)),
            None => Ok(None),
        }
    }

    /// The current snapshot of every post of these channels.
    pub(crate) fn posts_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<PostSnapshot>>> {
        let mut out: HashMap<i64, Vec<PostSnapshot>> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT channel_id, post_id, published_at, likes, comments, shares, views
                 FROM posts WHERE channel_id IN ({marks})"
            ))?;
            let mut rows = stmt.query(rusqlite::params_from_iter(chunk))?;
            while let Some(r) = rows.next()? {
                let count = |i: usize| -> rusqlite::Result<Option<u64>> {
                    Ok(r.get::<_, Option<i64>>(i)?.map(|v| v.max(0) as u64))
                };
                let snapshot = PostSnapshot {
                    post_id: r.get(1)?,
                    published_at: Timestamp::from_unix(r.get(2)?),
                    likes: count(3)?,
                    comments: count(4)?,
                    shares: count(5)?,
                    views: count(6)?,
                };
                out.entry(r.get(0)?).or_default().push(snapshot);
            }
        }
        Ok(out)
    }
}
