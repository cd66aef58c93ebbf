//! Channels as they are read on PostgreSQL, the derived-state phase, and the size fits
//! and peer groups (inherent methods behind `ChannelStore`, see `channel_api.rs`).

use std::collections::HashMap;

use clout_core::benchmark::BucketStats;
use clout_core::{Bucket, Metric, NullReason, Platform, PostSnapshot, SizeFit, Timestamp};
use clout_store::decode::{CHANNEL_COLUMNS, CHANNEL_FROM, Cells, channel_row};
use clout_store::{
    ChannelDetail, ChannelFilter, ChannelRow, DiscoveryRow, Error, FollowerPoint, PlatformFit, PostRow, Result,
    StoreStats,
};

use crate::{PgRow, PgStore, db};

fn platform(raw: &str) -> Result<Platform> {
    Platform::parse(raw).map_err(|e| Error::Corrupt(e.to_string()))
}

fn count(v: Option<i64>) -> Option<u64> {
    v.map(|n| n.max(0) as u64)
}

/// A post of a channel's page: `p.post_id, p.published_at, p.likes, p.comments, p.shares,
/// p.views, p.saves, p.observed_at`, its count of observations, `p.type, p.caption,
/// p.hashtags, p.url, p.sponsored, s.path, p.mentions`.
fn post_row(r: &PgRow<'_>) -> Result<PostRow> {
    Ok(PostRow {
        snapshot: PostSnapshot {
            post_id: r.text_req(0)?,
            published_at: Timestamp::from_unix(r.int_req(1)?),
            likes: count(r.int(2)?),
            comments: count(r.int(3)?),
            shares: count(r.int(4)?),
            views: count(r.int(5)?),
        },
        saves: count(r.int(6)?),
        observed_at: Timestamp::from_unix(r.int_req(7)?),
        observations: u32::try_from(r.int_req(8)?).map_err(|_| Error::Corrupt("a count of observations".into()))?,
        post_type: r.text(9)?,
        caption: r.text(10)?,
        hashtags: r.text(11)?.map(|h| h.split(' ').map(str::to_string).collect()).unwrap_or_default(),
        mentions: r
            .text(15)?
            .map(|h| h.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect())
            .unwrap_or_default(),
        url: r.text(12)?,
        sponsored: r.flag(13)?,
        source: r.text_req(14)?,
    })
}

impl PgStore {
    fn channel_rows(
        &self,
        condition: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<ChannelRow>> {
        let peers = self.peers()?;
        self.rows(&format!("SELECT {CHANNEL_COLUMNS} {CHANNEL_FROM} {condition}"), params)?
            .iter()
            .map(|r| channel_row(&PgRow(r), &peers))
            .collect()
    }

    pub(crate) fn stats(&self) -> Result<StoreStats> {
        let row = self
            .client()
            .query_one(
                "SELECT (SELECT count(*) FROM channels), (SELECT count(*) FROM channel_observations),
                    (SELECT count(*) FROM follower_observations), (SELECT count(*) FROM posts),
                    (SELECT count(*) FROM post_observations), (SELECT count(*) FROM import_runs),
                    (SELECT count(*) FROM import_rejects)",
                &[],
            )
            .map_err(db)?;
        let r = PgRow(&row);
        let n = |i: usize| -> Result<u64> { Ok(r.int_req(i)?.max(0) as u64) };
        Ok(StoreStats {
            channels: n(0)?,
            channel_observations: n(1)?,
            follower_observations: n(2)?,
            posts: n(3)?,
            // The current observation of each post lives in its row; the rest are history.
            post_observations: n(3)? + n(4)?,
            import_runs: n(5)?,
            rejects: n(6)?,
        })
    }

    pub(crate) fn channel_count(&self) -> Result<u64> {
        Ok(self.int("SELECT count(*) FROM channels", &[])?.max(0) as u64)
    }

    pub(crate) fn channels(&self, filter: &ChannelFilter) -> Result<Vec<ChannelRow>> {
        self.channel_rows(
            "WHERE ($1::text IS NULL OR c.platform = $1)
               AND ($2::bigint IS NULL OR c.followers >= $2)
               AND ($3::bigint IS NULL OR c.followers < $3)
             ORDER BY c.platform, c.handle",
            &[
                &filter.platform.map(Platform::as_str),
                &filter.min_followers.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
                &filter.below_followers.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
            ],
        )
    }

    pub(crate) fn channels_by_ids(&self, ids: &[i64]) -> Result<Vec<ChannelRow>> {
        let mut by_id: HashMap<i64, ChannelRow> =
            self.channel_rows("WHERE c.id = ANY($1)", &[&ids])?.into_iter().map(|c| (c.id, c)).collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    pub(crate) fn channel_row_by_id(&self, id: i64) -> Result<Option<ChannelRow>> {
        Ok(self.channel_rows("WHERE c.id = $1", &[&id])?.into_iter().next())
    }

    pub(crate) fn channel_id(&self, platform: Platform, handle: &str) -> Result<Option<i64>> {
        self.row(
            "SELECT channel_id FROM channel_keys WHERE handle = $1 AND platform = $2",
            &[&handle, &platform.as_str()],
        )?
        .map(|r| PgRow(&r).int_req(0))
        .transpose()
    }

    pub(crate) fn channel_detail(&self, platform: Platform, handle: &str) -> Result<Option<ChannelDetail>> {
        let Some(id) = self.channel_id(platform, handle)? else { return Ok(None) };
        let Some(channel) = self.channel_row_by_id(id)? else { return Ok(None) };
        let posts = self
            .rows(
                "SELECT p.post_id, p.published_at, p.likes, p.comments, p.shares, p.views, p.saves, p.observed_at,
                    1 + (SELECT count(*) FROM post_observations o WHERE o.channel_id = p.channel_id AND o.post_ref = p.id),
                    p.type, p.caption, p.hashtags, p.url, p.sponsored, s.path, p.mentions
                 FROM posts p JOIN sources s ON s.id = p.source_id
                 WHERE p.channel_id = $1 ORDER BY p.published_at DESC, p.post_id DESC",
                &[&id],
            )?
            .iter()
            .map(|r| post_row(&PgRow(r)))
            .collect::<Result<Vec<_>>>()?;
        let history = self
            .rows(
                "SELECT f.observed_at, f.followers, f.from_channel_record, s.path
                 FROM follower_observations f JOIN sources s ON s.id = f.source_id
                 WHERE f.channel_id = $1 ORDER BY f.observed_at",
                &[&id],
            )?
            .iter()
            .map(|row| {
                let r = PgRow(row);
                Ok(FollowerPoint {
                    observed_at: Timestamp::from_unix(r.int_req(0)?),
                    followers: r.int_req(1)?.max(0) as u64,
                    from_channel_record: r.flag(2)?.unwrap_or(false),
                    source: r.text_req(3)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(ChannelDetail { channel, posts, history }))
    }

    pub(crate) fn discovery_rows(&self) -> Result<Vec<DiscoveryRow>> {
        let peers = self.peers()?;
        let mut out = Vec::new();
        self.stream(
            "SELECT c.id, c.platform, c.followers, c.country, c.language, c.email IS NOT NULL, c.verified,
                m.engagement_rate, m.median_engagement_rate, m.median_engagement_rate_reason, m.channel_id IS NOT NULL,
                m.follower_growth_30d, m.posts_per_week, q.score, c.as_of
             FROM channels c LEFT JOIN channel_metrics m ON m.channel_id = c.id
             LEFT JOIN channel_quality q ON q.channel_id = c.id ORDER BY c.id",
            &[],
            &mut |r| {
                let platform = platform(&r.text_req(1)?)?;
                let followers = count(r.int(2)?);
                let median = r.real(8)?;
                // A channel's standing among its peers, as its row would say.
                let (label, index) = if r.flag(10)?.unwrap_or(false) {
                    let metric: Metric<f64> =
                        match (median, r.text(9)?) {
                            (Some(v), _) => Ok(v),
                            (None, Some(code)) => Err(NullReason::from_code(&code)
                                .ok_or_else(|| Error::Corrupt(format!("reason '{code}'")))?),
                            (None, None) => return Err(Error::Corrupt("a null metric without a reason".to_string())),
                        };
                    let compared = peers.compare(platform, followers.unwrap_or(0), metric);
                    (compared.engagement_label.ok(), compared.engagement_index.ok())
                } else {
                    (None, None)
                };
                out.push(DiscoveryRow {
                    id: r.int_req(0)?,
                    platform,
                    followers,
                    country: r.text(3)?,
                    language: r.text(4)?,
                    has_email: r.flag(5)?.unwrap_or(false),
                    verified: r.flag(6)?,
                    engagement_rate: r.real(7)?,
                    median_engagement_rate: median,
                    engagement_label: label,
                    engagement_index: index,
                    follower_growth_30d: r.real(11)?,
                    posts_per_week: r.real(12)?,
                    quality_score: r.real(13)?,
                    as_of: r.int(14)?.map(Timestamp::from_unix),
                });
                Ok(())
            },
        )?;
        Ok(out)
    }

    pub(crate) fn posts_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<PostSnapshot>>> {
        let mut out: HashMap<i64, Vec<PostSnapshot>> = HashMap::with_capacity(ids.len());
        self.stream(
            "SELECT channel_id, post_id, published_at, likes, comments, shares, views
             FROM posts WHERE channel_id = ANY($1)",
            &[&ids],
            &mut |r| {
                let snapshot = PostSnapshot {
                    post_id: r.text_req(1)?,
                    published_at: Timestamp::from_unix(r.int_req(2)?),
                    likes: count(r.int(3)?),
                    comments: count(r.int(4)?),
                    shares: count(r.int(5)?),
                    views: count(r.int(6)?),
                };
                out.entry(r.int_req(0)?).or_default().push(snapshot);
                Ok(())
            },
        )?;
        Ok(out)
    }

    pub(crate) fn platform_fits(&self) -> Result<Vec<PlatformFit>> {
        self.rows("SELECT platform, a, b, n FROM platform_fits ORDER BY platform", &[])?
            .iter()
            .map(|row| {
                let r = PgRow(row);
                Ok(PlatformFit {
                    platform: platform(&r.text_req(0)?)?,
                    fit: SizeFit {
                        a: r.real(1)?.unwrap_or_default(),
                        b: r.real(2)?.unwrap_or_default(),
                        n: r.int_req(3)?.max(0) as usize,
                    },
                })
            })
            .collect()
    }

    pub(crate) fn bucket_stats(&self) -> Result<Vec<BucketStats>> {
        let mut out = self
            .rows("SELECT platform, bucket, channels, median_rate FROM bucket_stats", &[])?
            .iter()
            .map(|row| {
                let r = PgRow(row);
                let b = r.text_req(1)?;
                Ok(BucketStats {
                    platform: platform(&r.text_req(0)?)?,
                    bucket: Bucket::parse(&b).ok_or_else(|| Error::Corrupt(format!("bucket '{b}'")))?,
                    channels: r.int_req(2)?.max(0) as usize,
                    median_rate: r.real(3)?.unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|b| (b.platform, b.bucket));
        Ok(out)
    }

    pub(crate) fn derived_stale_since(&self) -> Result<Option<Timestamp>> {
        Ok(self.derived_phase()?.0)
    }

    pub(crate) fn derived_writes(&self) -> Result<i64> {
        self.int("SELECT writes FROM derived_state WHERE id = 1", &[])
    }

    pub(crate) fn derived_phase(&self) -> Result<(Option<Timestamp>, i64)> {
        let row =
            self.client().query_one("SELECT stale_since, writes FROM derived_state WHERE id = 1", &[]).map_err(db)?;
        let r = PgRow(&row);
        Ok((r.int(0)?.map(Timestamp::from_unix), r.int_req(1)?))
    }

    pub(crate) fn derived_generation(&self) -> Result<i64> {
        self.int("SELECT generation FROM derived_state WHERE id = 1", &[])
    }

    pub(crate) fn mark_derived_current(&self, writes_before: i64) -> Result<bool> {
        let n = self.execute(
            "UPDATE derived_state SET stale_since = NULL, generation = generation + 1 WHERE id = 1 AND writes = $1",
            &[&writes_before],
        )?;
        Ok(n == 1)
    }

    pub(crate) fn count_derived_generation(&self) -> Result<()> {
        self.execute("UPDATE derived_state SET generation = generation + 1 WHERE id = 1", &[])?;
        Ok(())
    }
}
