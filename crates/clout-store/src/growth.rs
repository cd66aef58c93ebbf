//! What a recompute keeps of each channel between runs: the follower-growth check (the
//! part of the audience-quality score that reads posts and history) and the summary of its
//! comments (read back by [`crate::stored`]).

use clout_core::authenticity::{CommentSummary, GrowthAnomaly, GrowthCheck, ViralPost};
use clout_core::{Bucket, Metric, Timestamp};
use rusqlite::params;

use crate::columns::u64_col;
use crate::{Channels, MetricsRecord, QualityRecord, Result, Store};

/// What peers and audience scores read of a channel's stored metrics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredNumbers {
    pub median_engagement_rate: Metric<f64>,
    pub comments_per_100_likes: Metric<f64>,
    pub engagement_cv: Metric<f64>,
    pub posts_in_window: u32,
    pub bucket: Option<Bucket>,
}

impl StoredNumbers {
    /// These numbers of a channel's metrics.
    pub fn of(m: &MetricsRecord) -> StoredNumbers {
        StoredNumbers {
            median_engagement_rate: m.median_engagement_rate,
            comments_per_100_likes: m.comments_per_100_likes,
            engagement_cv: m.engagement_cv,
            posts_in_window: m.posts_in_window,
            bucket: m.bucket,
        }
    }
}

/// Writes some channels' rows in a transaction.
type InsertRows<'a, T> = dyn Fn(&rusqlite::Transaction<'_>, &[(i64, T)]) -> Result<()> + 'a;

/// A line of text with its tabs and line breaks as spaces.
fn one_line(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn encode_examples(examples: &[String]) -> String {
    examples.iter().map(|e| one_line(e)).collect::<Vec<_>>().join("\n")
}

fn encode_regulars(regulars: &[(String, usize)]) -> String {
    regulars.iter().map(|(who, n)| format!("{}\t{n}", one_line(who))).collect::<Vec<_>>().join("\n")
}

pub(crate) fn decode_summary(r: &rusqlite::Row<'_>, at: usize) -> Result<Option<CommentSummary>> {
    let Some(comments) = r.get::<_, Option<i64>>(at)? else { return Ok(None) };
    let examples: String = r.get(at + 3)?;
    let regulars: String = r.get(at + 4)?;
    Ok(Some(CommentSummary {
        comments: comments.max(0) as usize,
        generic: r.get::<_, i64>(at + 1)?.max(0) as usize,
        posts: r.get::<_, i64>(at + 2)?.max(0) as usize,
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

/// A float column that SQLite keeps as NULL when it was not a number.
fn float(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

pub(crate) fn anomaly(r: &rusqlite::Row<'_>) -> Result<(i64, GrowthAnomaly)> {
    let viral_post = match r.get::<_, Option<String>>(7)? {
        Some(post_id) => Some(ViralPost {
            post_id,
            published_at: Timestamp::from_unix(r.get::<_, Option<i64>>(8)?.unwrap_or(0)),
            times_median: float(r.get(9)?),
        }),
        None => None,
    };
    Ok((
        r.get(0)?,
        GrowthAnomaly {
            from: Timestamp::from_unix(r.get(1)?),
            to: Timestamp::from_unix(r.get(2)?),
            followers_before: u64_col(r.get(3)?).unwrap_or(0),
            followers_after: u64_col(r.get(4)?).unwrap_or(0),
            change: float(r.get(5)?),
            z: float(r.get(6)?),
            viral_post,
        },
    ))
}

impl Store {
    /// Replaces the growth checks of the channels of `which` with `growth` (a channel of
    /// `which` without one has none after), in chunks like the metrics.
    pub(crate) fn replace_growth(&mut self, which: Channels<'_>, growth: &[(i64, GrowthCheck)]) -> Result<()> {
        self.replace_per_channel(which, growth, &["channel_growth", "growth_anomalies"], &|tx, part| {
            let mut check = tx.prepare_cached("INSERT INTO channel_growth (channel_id, intervals) VALUES (?1, ?2)")?;
            let mut anomaly = tx.prepare_cached(
                "INSERT INTO growth_anomalies (channel_id, k, from_at, to_at, followers_before, followers_after,
                    change, z, viral_post_id, viral_published_at, viral_times_median)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for (id, g) in part {
                check.execute(params![id, g.intervals as i64])?;
                for (k, a) in g.anomalies.iter().enumerate() {
                    let viral = a.viral_post.as_ref();
                    anomaly.execute(params![
                        id,
                        k as i64,
                        a.from.unix(),
                        a.to.unix(),
                        a.followers_before.min(i64::MAX as u64) as i64,
                        a.followers_after.min(i64::MAX as u64) as i64,
                        a.change,
                        a.z,
                        viral.map(|v| v.post_id.as_str()),
                        viral.map(|v| v.published_at.unix()),
                        viral.map(|v| v.times_median),
                    ])?;
                }
            }
            Ok(())
        })
    }

    /// Replaces the rows of `tables` (keyed by `channel_id`) of the channels of `which`
    /// with `rows`, written by `insert`: [`crate::DERIVED_CHUNK`] channels per transaction
    /// (one transaction when a range's rows are not in id order), so another writer waits
    /// for one chunk.
    pub(crate) fn replace_per_channel<T>(
        &mut self,
        which: Channels<'_>,
        rows: &[(i64, T)],
        tables: &[&str],
        insert: &InsertRows<'_, T>,
    ) -> Result<()> {
        match which {
            Channels::Range(low, high) => {
                let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
                let sorted = ids.is_sorted();
                let ranges = if sorted { crate::id_ranges(&ids).unwrap_or_default() } else { Vec::new() };
                let ranges = if ranges.is_empty() { vec![(i64::MIN, i64::MAX)] } else { ranges };
                for (a, b) in ranges {
                    let (after, up_to) = (a.max(low), b.min(high));
                    if after >= up_to {
                        continue;
                    }
                    let tx = self.conn.transaction()?;
                    for table in tables {
                        tx.execute(
                            &format!("DELETE FROM {table} WHERE channel_id > ?1 AND channel_id <= ?2"),
                            [after, up_to],
                        )?;
                    }
                    if sorted {
                        insert(&tx, crate::in_range(rows, |(id, _)| *id, (after, up_to)))?;
                    } else {
                        let inside: Vec<usize> =
                            (0..rows.len()).filter(|&i| rows[i].0 > after && rows[i].0 <= up_to).collect();
                        for i in inside {
                            insert(&tx, std::slice::from_ref(&rows[i]))?;
                        }
                    }
                    tx.commit()?;
                }
            }
            Channels::Ids(ids) => {
                for chunk in ids.chunks(crate::DERIVED_CHUNK) {
                    let tx = self.conn.transaction()?;
                    for table in tables {
                        let mut delete = tx.prepare_cached(&format!("DELETE FROM {table} WHERE channel_id = ?1"))?;
                        for id in chunk {
                            delete.execute([id])?;
                        }
                    }
                    let sorted = chunk.is_sorted();
                    let inside = |id: &i64| if sorted { chunk.binary_search(id).is_ok() } else { chunk.contains(id) };
                    for row in rows.iter().filter(|(id, _)| inside(id)) {
                        insert(&tx, std::slice::from_ref(row))?;
                    }
                    tx.commit()?;
                }
            }
        }
        Ok(())
    }

    /// Replaces the comment summaries of the channels of `which` with `summaries` (a
    /// channel of `which` without one has none after), in chunks like the metrics. Text
    /// is kept on one line (tabs and line breaks as spaces).
    pub(crate) fn replace_comment_summaries(
        &mut self,
        which: Channels<'_>,
        summaries: &[(i64, CommentSummary)],
    ) -> Result<()> {
        self.replace_per_channel(which, summaries, &["comment_summaries"], &|tx, part| {
            let mut insert = tx.prepare_cached(
                "INSERT INTO comment_summaries (channel_id, comments, generic, posts, examples, regulars)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (id, c) in part {
                insert.execute(params![
                    id,
                    c.comments as i64,
                    c.generic as i64,
                    c.posts as i64,
                    encode_examples(&c.examples),
                    encode_regulars(&c.regulars)
                ])?;
            }
            Ok(())
        })
    }

    /// Writes the scores of these channels, leaving every other channel's.
    pub(crate) fn update_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()> {
        for chunk in scores.chunks(crate::DERIVED_CHUNK) {
            let tx = self.conn.transaction()?;
            {
                let mut upsert = tx.prepare_cached(
                    "INSERT INTO channel_quality (channel_id, score, low, high, enough_evidence) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (channel_id) DO UPDATE SET score = excluded.score, low = excluded.low,
                        high = excluded.high, enough_evidence = excluded.enough_evidence",
                )?;
                for (id, q) in chunk {
                    upsert.execute(params![id, q.score, q.low, q.high, q.enough_evidence])?;
                }
            }
            tx.commit()?;
        }
        Ok(())
    }
}
