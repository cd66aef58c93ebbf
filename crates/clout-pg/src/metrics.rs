//! Derived writes on PostgreSQL: metrics with the peer tables, audience-quality scores,
//! growth checks, comment summaries and follower verdicts (inherent methods behind
//! `ChannelStore`, see `channel_api.rs`); reading them back is in `stored`.
//!
//! Each is SQLite's statement by statement (`clout-store`'s `metrics.rs`, `growth.rs` and
//! `stored.rs`): the same chunks of [`CHUNK`] channels per transaction by ascending ranges
//! of ids, the same rows. A chunk's rows go in one `INSERT … SELECT FROM unnest(…)` of
//! column arrays instead of one statement a row (one round trip a chunk).

mod stored;

use clout_core::Metric;
use clout_core::authenticity::{CommentSummary, GrowthCheck};
use clout_core::benchmark::Peers;
use clout_store::decode::{id_ranges_by, in_range};
use clout_store::{Channels, FollowerVerdicts, MetricsRecord, QualityRecord, Result};
use postgres::Transaction;
use postgres::types::ToSql;

use crate::derived::CHUNK;
use crate::{PgStore, db};

type Sql = std::result::Result<(), postgres::Error>;

/// [`clout_store::decode::id_ranges_by`] with this backend's chunk.
fn id_ranges(ids: &[i64]) -> Option<Vec<(i64, i64)>> {
    id_ranges_by(ids, CHUNK)
}

/// A count as a `bigint` (saturating, as SQLite's writes do).
fn big(n: u64) -> i64 {
    n.min(i64::MAX as u64) as i64
}

/// A float as SQLite keeps it: NaN becomes `NULL` (read back as NaN).
fn real(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// A metric's value and reason columns, one entry per row.
struct MetricColumns<T> {
    values: Vec<Option<T>>,
    reasons: Vec<Option<&'static str>>,
}

impl<T: Copy> MetricColumns<T> {
    fn new(n: usize) -> Self {
        MetricColumns { values: Vec::with_capacity(n), reasons: Vec::with_capacity(n) }
    }

    fn push(&mut self, m: &Metric<T>) {
        match m {
            Ok(v) => {
                self.values.push(Some(*v));
                self.reasons.push(None);
            }
            Err(r) => {
                self.values.push(None);
                self.reasons.push(Some(r.code()));
            }
        }
    }
}

/// Inserts these channels' metrics (the standing among peers is not kept, as on SQLite).
fn insert_metrics(tx: &mut Transaction<'_>, metrics: &[(i64, MetricsRecord)]) -> Sql {
    if metrics.is_empty() {
        return Ok(());
    }
    let n = metrics.len();
    let mut ids = Vec::with_capacity(n);
    let mut rules = Vec::with_capacity(n);
    let mut eligible = Vec::with_capacity(n);
    let mut thirty = Vec::with_capacity(n);
    let mut in_window = Vec::with_capacity(n);
    let mut per_week = Vec::with_capacity(n);
    let mut buckets = Vec::with_capacity(n);
    let mut skew = MetricColumns::<bool>::new(n);
    // engagement_rate, median_engagement_rate, engagement_rate_by_views, engagement_cv,
    // avg_likes, avg_comments, avg_shares, avg_views, comments_per_100_likes,
    // follower_growth_30d.
    let mut reals: [MetricColumns<f64>; 10] = std::array::from_fn(|_| MetricColumns::new(n));
    for (id, m) in metrics {
        ids.push(*id);
        rules.push(m.window_rule.as_str());
        eligible.push(m.eligible_until.unix());
        thirty.push(m.thirty_days_after.unix());
        in_window.push(i64::from(m.posts_in_window));
        per_week.push(m.posts_per_week);
        buckets.push(m.bucket.map(clout_core::Bucket::as_str));
        skew.push(&m.viral_skew);
        let each = [
            &m.engagement_rate,
            &m.median_engagement_rate,
            &m.engagement_rate_by_views,
            &m.engagement_cv,
            &m.avg_likes,
            &m.avg_comments,
            &m.avg_shares,
            &m.avg_views,
            &m.comments_per_100_likes,
            &m.follower_growth_30d,
        ];
        for (column, metric) in reals.iter_mut().zip(each) {
            column.push(metric);
        }
    }
    let [rate, median, by_views, cv, likes, comments, shares, views, c100, growth] = &reals;
    let params: [&(dyn ToSql + Sync); 29] = [
        &ids,
        &rules,
        &eligible,
        &thirty,
        &in_window,
        &rate.values,
        &rate.reasons,
        &median.values,
        &median.reasons,
        &by_views.values,
        &by_views.reasons,
        &skew.values,
        &skew.reasons,
        &cv.values,
        &cv.reasons,
        &likes.values,
        &likes.reasons,
        &comments.values,
        &comments.reasons,
        &shares.values,
        &shares.reasons,
        &views.values,
        &views.reasons,
        &c100.values,
        &c100.reasons,
        &per_week,
        &growth.values,
        &growth.reasons,
        &buckets,
    ];
    tx.execute(
        "INSERT INTO channel_metrics (channel_id, window_rule, eligible_until, thirty_days_after, posts_in_window,
            engagement_rate, engagement_rate_reason, median_engagement_rate, median_engagement_rate_reason,
            engagement_rate_by_views, engagement_rate_by_views_reason, viral_skew, viral_skew_reason,
            engagement_cv, engagement_cv_reason, avg_likes, avg_likes_reason, avg_comments, avg_comments_reason,
            avg_shares, avg_shares_reason, avg_views, avg_views_reason,
            comments_per_100_likes, comments_per_100_likes_reason, posts_per_week,
            follower_growth_30d, follower_growth_30d_reason, benchmark_bucket)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[],
            $6::float8[], $7::text[], $8::float8[], $9::text[], $10::float8[], $11::text[], $12::boolean[], $13::text[],
            $14::float8[], $15::text[], $16::float8[], $17::text[], $18::float8[], $19::text[], $20::float8[],
            $21::text[], $22::float8[], $23::text[], $24::float8[], $25::text[], $26::float8[], $27::float8[],
            $28::text[], $29::text[])",
        &params,
    )?;
    Ok(())
}

/// Replaces the size fits and peer groups (each group's rates as little-endian `f64`s)
/// and says they changed: [`PgStore::peers`] reads them again from then on.
fn write_peers(tx: &mut Transaction<'_>, peers: &Peers) -> Sql {
    tx.execute("DELETE FROM platform_fits", &[])?;
    tx.execute("DELETE FROM bucket_stats", &[])?;
    let insert = tx.prepare("INSERT INTO platform_fits (platform, a, b, n) VALUES ($1, $2, $3, $4)")?;
    for (platform, fit) in &peers.fits {
        tx.execute(&insert, &[&platform.as_str(), &fit.a, &fit.b, &big(fit.n as u64)])?;
    }
    let insert = tx.prepare(
        "INSERT INTO bucket_stats (platform, bucket, channels, median_rate, rates) VALUES ($1, $2, $3, $4, $5)",
    )?;
    for (b, rates) in peers.buckets().iter().zip(peers.groups.values()) {
        let bytes: Vec<u8> = rates.iter().flat_map(|r| r.to_le_bytes()).collect();
        tx.execute(
            &insert,
            &[&b.platform.as_str(), &b.bucket.as_str(), &big(b.channels as u64), &b.median_rate, &bytes],
        )?;
    }
    tx.execute("UPDATE derived_state SET peers_version = peers_version + 1 WHERE id = 1", &[])?;
    Ok(())
}

/// Inserts these channels' scores.
fn insert_quality(tx: &mut Transaction<'_>, scores: &[(i64, QualityRecord)]) -> Sql {
    if scores.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = scores.iter().map(|(id, _)| *id).collect();
    let score: Vec<f64> = scores.iter().map(|(_, q)| q.score).collect();
    let low: Vec<f64> = scores.iter().map(|(_, q)| q.low).collect();
    let high: Vec<f64> = scores.iter().map(|(_, q)| q.high).collect();
    let enough: Vec<bool> = scores.iter().map(|(_, q)| q.enough_evidence).collect();
    tx.execute(
        "INSERT INTO channel_quality (channel_id, score, low, high, enough_evidence)
         SELECT * FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::float8[], $5::boolean[])",
        &[&ids, &score, &low, &high, &enough],
    )?;
    Ok(())
}

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

impl PgStore {
    /// Replaces every channel's metrics, [`CHUNK`] channels per transaction (in one when
    /// the rows are not in id order), and the peer tables with the last.
    pub(crate) fn replace_metrics(&mut self, metrics: &[(i64, MetricsRecord)], peers: &Peers) -> Result<()> {
        let ids: Vec<i64> = metrics.iter().map(|(id, _)| *id).collect();
        let ranges = id_ranges(&ids).unwrap_or_else(|| vec![(i64::MIN, i64::MAX)]);
        let sorted = ranges.len() > 1 || ids.is_sorted();
        let mut client = self.client();
        for (k, &(after, up_to)) in ranges.iter().enumerate() {
            let part = if sorted { in_range(metrics, |(id, _)| *id, (after, up_to)) } else { metrics };
            let mut tx = client.transaction().map_err(db)?;
            tx.execute("DELETE FROM channel_metrics WHERE channel_id > $1 AND channel_id <= $2", &[&after, &up_to])
                .map_err(db)?;
            insert_metrics(&mut tx, part).map_err(db)?;
            if k + 1 == ranges.len() {
                write_peers(&mut tx, peers).map_err(db)?;
            }
            tx.commit().map_err(db)?;
        }
        Ok(())
    }

    /// Replaces the metrics of the channels `ids` (ascending) with those given (an id
    /// without has none after), every other channel's stay, and the peer tables, in
    /// chunks like [`PgStore::replace_metrics`].
    pub(crate) fn replace_metrics_of(
        &mut self,
        ids: &[i64],
        metrics: &[(i64, MetricsRecord)],
        peers: &Peers,
    ) -> Result<()> {
        let in_order = ids.is_sorted() && metrics.is_sorted_by_key(|(id, _)| *id);
        let ranges = match id_ranges(ids) {
            Some(r) if in_order => r,
            _ => vec![(i64::MIN, i64::MAX)],
        };
        let mut client = self.client();
        for (k, &range) in ranges.iter().enumerate() {
            let (ids, part) = if in_order {
                (in_range(ids, |&id| id, range), in_range(metrics, |(id, _)| *id, range))
            } else {
                (ids, metrics)
            };
            let mut tx = client.transaction().map_err(db)?;
            if !ids.is_empty() {
                tx.execute("DELETE FROM channel_metrics WHERE channel_id = ANY($1)", &[&ids]).map_err(db)?;
            }
            insert_metrics(&mut tx, part).map_err(db)?;
            if k + 1 == ranges.len() {
                write_peers(&mut tx, peers).map_err(db)?;
            }
            tx.commit().map_err(db)?;
        }
        Ok(())
    }

    /// Replaces the growth checks of the channels of `which` with `growth` (a channel of
    /// `which` without one has none after), in chunks like the metrics.
    pub(crate) fn replace_growth(&mut self, which: Channels<'_>, growth: &[(i64, GrowthCheck)]) -> Result<()> {
        self.replace_per_channel(which, growth, &["channel_growth", "growth_anomalies"], &mut |tx, part| {
            if part.is_empty() {
                return Ok(());
            }
            let ids: Vec<i64> = part.iter().map(|(id, _)| *id).collect();
            let intervals: Vec<i64> = part.iter().map(|(_, g)| big(g.intervals as u64)).collect();
            tx.execute(
                "INSERT INTO channel_growth (channel_id, intervals) SELECT * FROM unnest($1::bigint[], $2::bigint[])",
                &[&ids, &intervals],
            )?;
            let (mut of, mut k, mut from, mut to, mut before, mut after) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let (mut change, mut z, mut post, mut published, mut times) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for (id, g) in part {
                for (i, a) in g.anomalies.iter().enumerate() {
                    let viral = a.viral_post.as_ref();
                    of.push(*id);
                    k.push(i as i64);
                    from.push(a.from.unix());
                    to.push(a.to.unix());
                    before.push(big(a.followers_before));
                    after.push(big(a.followers_after));
                    change.push(real(a.change));
                    z.push(real(a.z));
                    post.push(viral.map(|v| v.post_id.as_str()));
                    published.push(viral.map(|v| v.published_at.unix()));
                    times.push(viral.and_then(|v| real(v.times_median)));
                }
            }
            if !of.is_empty() {
                tx.execute(
                    "INSERT INTO growth_anomalies (channel_id, k, from_at, to_at, followers_before, followers_after,
                        change, z, viral_post_id, viral_published_at, viral_times_median)
                     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[],
                        $6::bigint[], $7::float8[], $8::float8[], $9::text[], $10::bigint[], $11::float8[])",
                    &[&of, &k, &from, &to, &before, &after, &change, &z, &post, &published, &times],
                )?;
            }
            Ok(())
        })
    }

    /// Replaces the comment summaries of the channels of `which` with `summaries` (a
    /// channel of `which` without one has none after), in chunks like the metrics. Text
    /// is kept on one line (tabs and line breaks as spaces).
    pub(crate) fn replace_comment_summaries(
        &mut self,
        which: Channels<'_>,
        summaries: &[(i64, CommentSummary)],
    ) -> Result<()> {
        self.replace_per_channel(which, summaries, &["comment_summaries"], &mut |tx, part| {
            if part.is_empty() {
                return Ok(());
            }
            let ids: Vec<i64> = part.iter().map(|(id, _)| *id).collect();
            let comments: Vec<i64> = part.iter().map(|(_, c)| big(c.comments as u64)).collect();
            let generic: Vec<i64> = part.iter().map(|(_, c)| big(c.generic as u64)).collect();
            let posts: Vec<i64> = part.iter().map(|(_, c)| big(c.posts as u64)).collect();
            let examples: Vec<String> = part.iter().map(|(_, c)| encode_examples(&c.examples)).collect();
            let regulars: Vec<String> = part.iter().map(|(_, c)| encode_regulars(&c.regulars)).collect();
            tx.execute(
                "INSERT INTO comment_summaries (channel_id, comments, generic, posts, examples, regulars)
                 SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])",
                &[&ids, &comments, &generic, &posts, &examples, &regulars],
            )?;
            Ok(())
        })
    }

    /// Writes the scores of these channels, leaving every other channel's ([`CHUNK`]
    /// scores per transaction; a channel given twice keeps its last).
    pub(crate) fn update_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()> {
        let mut client = self.client();
        for chunk in scores.chunks(CHUNK) {
            let mut tx = client.transaction().map_err(db)?;
            let upsert = tx
                .prepare(
                    "INSERT INTO channel_quality (channel_id, score, low, high, enough_evidence)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (channel_id) DO UPDATE SET score = excluded.score, low = excluded.low,
                        high = excluded.high, enough_evidence = excluded.enough_evidence",
                )
                .map_err(db)?;
            for (id, q) in chunk {
                tx.execute(&upsert, &[id, &q.score, &q.low, &q.high, &q.enough_evidence]).map_err(db)?;
            }
            tx.commit().map_err(db)?;
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
        self.replace_per_channel(which, rows, &["follower_verdicts"], &mut |tx, part| {
            if part.is_empty() {
                return Ok(());
            }
            let ids: Vec<i64> = part.iter().map(|(id, _)| *id).collect();
            let models: Vec<&str> = part.iter().map(|(_, v)| v.model.as_str()).collect();
            let types: [Vec<i64>; 5] = std::array::from_fn(|k| part.iter().map(|(_, v)| i64::from(v.types[k])).collect());
            let [real, influencer, mass, inactive, suspicious] = &types;
            tx.execute(
                "INSERT INTO follower_verdicts (channel_id, model, real, influencer, mass_follower, inactive, suspicious)
                 SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[],
                    $6::bigint[], $7::bigint[])",
                &[&ids, &models, real, influencer, mass, inactive, suspicious],
            )?;
            Ok(())
        })
    }

    /// Replaces every audience-quality score, [`CHUNK`] channels per transaction (in one
    /// when the rows are not in id order).
    pub(crate) fn replace_quality(&mut self, scores: &[(i64, QualityRecord)]) -> Result<()> {
        let ids: Vec<i64> = scores.iter().map(|(id, _)| *id).collect();
        let ranges = id_ranges(&ids).unwrap_or_else(|| vec![(i64::MIN, i64::MAX)]);
        let sorted = ranges.len() > 1 || ids.is_sorted();
        let mut client = self.client();
        for range in ranges {
            let part = if sorted { in_range(scores, |(id, _)| *id, range) } else { scores };
            let mut tx = client.transaction().map_err(db)?;
            tx.execute("DELETE FROM channel_quality WHERE channel_id > $1 AND channel_id <= $2", &[&range.0, &range.1])
                .map_err(db)?;
            insert_quality(&mut tx, part).map_err(db)?;
            tx.commit().map_err(db)?;
        }
        Ok(())
    }
}
