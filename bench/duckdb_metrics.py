"""The full-recompute baseline of bench/scale.sh: DuckDB computing every channel's metrics of
docs/metrics.md (v2) from the typed tables bench/scale_duckdb.py loaded (`channels`, `posts`,
`follower_history`), as a DuckDB user would write them: one SQL statement per step, window
functions and QUALIFY, 2 threads.

    duckdb_metrics.py DB [NEW_POSTS_FILE]

Steps, each timed:
  (a) per-channel metrics (as_of, followers, the engagement window, rates, averages, cadence,
      growth) into the table `channel_metrics`, one row per channel with a channel record;
  (b) peers (benchmark bucket, percentile, label, the per-platform size fit and engagement
      index) into `channel_peers`, over every channel;
  with NEW_POSTS_FILE (the "1 % new posts" file of bench/scale_one_percent.py), the
  incremental step Clout's import of that file does: its post records appended to `records`
  (typed; times as RFC 3339 or Unix seconds; a post without `observed_at` is observed now,
  without Clout's exception for counts already stored), merged into `posts` (a newer
  observation replaces the current row; at the same instant the one already stored stays),
  the per-channel metrics of the channels they touch recomputed, and the peers over all
  channels. Other kinds of record in that file are not read.

bench/duckdb_metrics_check.py compares the result with `clout channels --json`.
Where docs/metrics.md leaves a choice open, this follows what Clout does (and the checker
holds it to that): the averages and comments per 100 likes are null with the rates when the
window has fewer than 5 posts; `avg_likes`, `avg_comments`, `avg_shares` and `avg_views` are
means over the window posts that have the count (null when none has it); the engagement index
is given to every channel with a median rate and followers, the fit's 1,000-follower floor
applying to the fit only. Ties in `published_at` are broken by `post_id` descending as text
(Clout compares two all-digit ids as numbers; the demo's are all 19 digits, the same order).
"""
import sys
import time

import duckdb

# The per-channel metrics of the channels `scope` selects from `channels` (a SQL fragment
# after FROM channels: empty for all of them).
PER_CHANNEL = """
WITH ch AS (
    SELECT platform, handle, observed_at AS as_of, followers,
           observed_at - CASE WHEN platform = 'youtube' THEN INTERVAL 7 DAY ELSE INTERVAL 24 HOUR END AS eligible_until
    FROM channels {scope}
),
win AS (  -- the window: eligible posts, newest first; the last 30 days' if 12 or more, else the last 12
    SELECT ch.platform, ch.handle, p.likes, p.comments, p.shares, p.views,
           coalesce(p.likes, 0) + coalesce(p.comments, 0) + coalesce(p.shares, 0) AS e,
           e::DOUBLE / nullif(ch.followers, 0) * 100 AS r,
           CASE WHEN p.views > 0 THEN e::DOUBLE / p.views * 100 END AS rv,
           count(*) FILTER (WHERE p.published_at > ch.as_of - INTERVAL 30 DAY)
               OVER (PARTITION BY ch.platform, ch.handle) AS n30
    FROM ch JOIN posts p ON p.platform = ch.platform AND p.handle = ch.handle AND p.published_at <= ch.eligible_until
    QUALIFY row_number() OVER (PARTITION BY ch.platform, ch.handle ORDER BY p.published_at DESC, p.post_id DESC)
        <= greatest(n30, 12)
),
agg AS (
    SELECT platform, handle, count(*) AS n, any_value(n30) AS n30,
           avg(r) AS mean_r, median(r) AS median_r, stddev_pop(r) AS sd_r, avg(rv) AS mean_rv, count(rv) AS n_rv,
           avg(likes) AS avg_likes, avg(comments) AS avg_comments, avg(shares) AS avg_shares, avg(views) AS avg_views,
           sum(coalesce(likes, 0)) AS sum_likes, sum(coalesce(comments, 0)) AS sum_comments
    FROM win GROUP BY platform, handle
),
cadence AS (
    SELECT ch.platform, ch.handle, count(*) AS n90
    FROM ch JOIN posts p ON p.platform = ch.platform AND p.handle = ch.handle
        AND p.published_at > ch.as_of - INTERVAL 90 DAY AND p.published_at <= ch.as_of
    GROUP BY ch.platform, ch.handle
),
base AS (  -- f0: the newest follower observation at or before as_of - 30 days
    SELECT ch.platform, ch.handle, arg_max(h.followers, h.observed_at) AS f0
    FROM ch JOIN follower_history h ON h.platform = ch.platform AND h.handle = ch.handle
        AND h.observed_at <= ch.as_of - INTERVAL 30 DAY
    GROUP BY ch.platform, ch.handle
)
SELECT ch.platform, ch.handle, ch.as_of, ch.followers,
       CASE WHEN a.n30 >= 12 THEN 'last_30_days' ELSE 'last_12_posts' END AS window_rule,
       coalesce(a.n, 0) AS posts_in_window,
       CASE WHEN a.n >= 5 THEN a.mean_r END AS engagement_rate,
       CASE WHEN a.n >= 5 THEN a.median_r END AS median_engagement_rate,
       CASE WHEN a.n >= 5 AND a.n_rv >= 5 THEN a.mean_rv END AS engagement_rate_by_views,
       CASE WHEN a.n >= 5 THEN a.mean_r > 1.5 * a.median_r END AS viral_skew,
       CASE WHEN a.n >= 5 AND a.mean_r > 0 THEN a.sd_r / a.mean_r END AS engagement_cv,
       CASE WHEN a.n >= 5 THEN a.avg_likes END AS avg_likes,
       CASE WHEN a.n >= 5 THEN a.avg_comments END AS avg_comments,
       CASE WHEN a.n >= 5 THEN a.avg_shares END AS avg_shares,
       CASE WHEN a.n >= 5 THEN a.avg_views END AS avg_views,
       CASE WHEN a.n >= 5 AND a.sum_likes > 0 THEN 100 * a.sum_comments::DOUBLE / a.sum_likes END
           AS comments_per_100_likes,
       coalesce(c.n90, 0) / (90 / 7) AS posts_per_week,
       CASE WHEN b.f0 > 0 THEN (ch.followers - b.f0)::DOUBLE / b.f0 * 100 END AS follower_growth_30d
FROM ch
LEFT JOIN agg a ON a.platform = ch.platform AND a.handle = ch.handle
LEFT JOIN cadence c ON c.platform = ch.platform AND c.handle = ch.handle
LEFT JOIN base b ON b.platform = ch.platform AND b.handle = ch.handle
"""

# Peers, over every channel: compared by the median rate (metrics v2).
PEERS = """
CREATE OR REPLACE TABLE channel_peers AS
WITH m AS (
    SELECT platform, handle, followers, median_engagement_rate AS m,
           CASE WHEN followers >= 5000000 THEN '5M+' WHEN followers >= 1000000 THEN '1-5M'
                WHEN followers >= 500000 THEN '500K-1M' WHEN followers >= 250000 THEN '250-500K'
                WHEN followers >= 100000 THEN '100-250K' WHEN followers >= 50000 THEN '50-100K'
                WHEN followers >= 20000 THEN '20-50K' WHEN followers >= 10000 THEN '10-20K'
                WHEN followers >= 5000 THEN '5-10K' WHEN followers >= 2000 THEN '2-5K'
                WHEN followers >= 1000 THEN '1-2K' END AS bucket
    FROM channel_metrics
),
fit AS (  -- ln(m) = a + b ln(followers) per platform, over m > 0 and followers >= 1000 (at least 30)
    SELECT platform, regr_intercept(ln(m), ln(followers)) AS a, regr_slope(ln(m), ln(followers)) AS b
    FROM m WHERE m > 0 AND followers >= 1000
    GROUP BY platform HAVING count(*) >= 30 AND min(followers) < max(followers)
),
pct AS (  -- rank() - 1 is the number of the group's channels with a lower median rate
    SELECT platform, handle,
           CASE WHEN count(*) OVER (PARTITION BY platform, bucket) >= 30
                THEN 100 * (rank() OVER (PARTITION BY platform, bucket ORDER BY m) - 1)
                     / count(*) OVER (PARTITION BY platform, bucket) END AS p
    FROM m WHERE m IS NOT NULL AND bucket IS NOT NULL
)
SELECT m.platform, m.handle, m.bucket AS benchmark_bucket, pct.p AS engagement_percentile,
       CASE WHEN m.m IS NULL THEN NULL
            WHEN pct.p IS NOT NULL THEN CASE WHEN pct.p < 25 THEN 'low' WHEN pct.p < 75 THEN 'good'
                                             WHEN pct.p < 90 THEN 'high' ELSE 'very_high' END
            ELSE CASE WHEN m.m < 1 THEN 'low' WHEN m.m < 3.5 THEN 'good' WHEN m.m < 6 THEN 'high'
                      ELSE 'very_high' END END AS engagement_label,
       CASE WHEN m.followers > 0 AND isfinite(m.m / exp(fit.a + fit.b * ln(m.followers)))
            THEN m.m / exp(fit.a + fit.b * ln(m.followers)) END AS engagement_index
FROM m LEFT JOIN pct ON pct.platform = m.platform AND pct.handle = m.handle
LEFT JOIN fit ON fit.platform = m.platform
"""

NEW_COLUMNS = {
    "kind": "VARCHAR", "platform": "VARCHAR", "handle": "VARCHAR", "post_id": "VARCHAR", "published_at": "VARCHAR",
    "observed_at": "VARCHAR", "type": "VARCHAR", "likes": "BIGINT", "comments": "BIGINT", "shares": "BIGINT",
    "views": "BIGINT", "caption": "VARCHAR", "hashtags": "VARCHAR[]", "mentions": "VARCHAR[]", "sponsored": "BOOLEAN",
}
POST_COLUMNS = "platform, handle, post_id, published_at, observed_at, likes, comments, shares, views, caption, hashtags"


def main():
    db = sys.argv[1]
    new_file = sys.argv[2] if len(sys.argv) > 2 else None
    con = duckdb.connect(db)
    con.execute("SET threads = 2")
    con.execute("SET TimeZone = 'UTC'")

    t0 = time.time()
    con.execute("CREATE OR REPLACE TABLE channel_metrics AS " + PER_CHANNEL.format(scope=""))
    per_channel = time.time() - t0
    t = time.time()
    con.execute(PEERS)
    peers = time.time() - t
    total = time.time() - t0
    n, rated = con.execute("SELECT count(*), count(engagement_rate) FROM channel_metrics").fetchone()
    fits = con.execute("""SELECT count(*) FROM (SELECT DISTINCT platform FROM channel_peers
        WHERE engagement_index IS NOT NULL)""").fetchone()[0]
    print(f"full recompute in SQL {total:.2f} s: per-channel metrics {per_channel:.2f} s, peers {peers:.2f} s;"
          f" {n:,} channels, {rated:,} with an engagement rate, {fits} platform size fits")

    if new_file:
        incremental(con, new_file)
    con.execute("CHECKPOINT")


def incremental(con, path):
    """Clout's "import 1 % new posts": append, merge, recompute the touched channels, then peers."""
    spec = "{" + ", ".join(f"'{k}': '{v}'" for k, v in NEW_COLUMNS.items()) + "}"
    t0 = time.time()
    con.execute(f"""CREATE OR REPLACE TEMP TABLE new_posts AS
        SELECT * REPLACE (platform::platform AS platform, ts(published_at) AS published_at,
                          coalesce(ts(observed_at), date_trunc('second', get_current_timestamp())) AS observed_at)
        FROM read_json('{path}', format = 'newline_delimited', columns = {spec}, ignore_errors = true)
        WHERE kind = 'post'""")
    con.execute("INSERT INTO records BY NAME SELECT * FROM new_posts")
    # The newest observation in the file per post (the first written at the same instant) replaces
    # the current row when it is strictly newer; a post not seen before is inserted.
    con.execute(f"""MERGE INTO posts USING (
            SELECT {POST_COLUMNS} FROM new_posts
            QUALIFY row_number() OVER (PARTITION BY platform, handle, post_id ORDER BY observed_at DESC, rowid) = 1
        ) AS n ON posts.platform = n.platform AND posts.handle = n.handle AND posts.post_id = n.post_id
        WHEN MATCHED AND n.observed_at > posts.observed_at THEN UPDATE SET
            published_at = n.published_at, observed_at = n.observed_at, likes = n.likes, comments = n.comments,
            shares = n.shares, views = n.views, caption = n.caption, hashtags = n.hashtags
        WHEN NOT MATCHED THEN INSERT ({POST_COLUMNS}) VALUES ({', '.join('n.' + c for c in POST_COLUMNS.split(', '))})""")
    append = time.time() - t0
    t = time.time()
    con.execute("CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT platform, handle FROM new_posts")
    con.execute("""DELETE FROM channel_metrics USING touched
        WHERE channel_metrics.platform = touched.platform AND channel_metrics.handle = touched.handle""")
    con.execute("INSERT INTO channel_metrics "
                + PER_CHANNEL.format(scope="SEMI JOIN touched USING (platform, handle)"))
    per_channel = time.time() - t
    t = time.time()
    con.execute(PEERS)
    peers = time.time() - t
    total = time.time() - t0
    records = con.execute("SELECT count(*) FROM new_posts").fetchone()[0]
    channels = con.execute("SELECT count(*) FROM touched SEMI JOIN channels USING (platform, handle)").fetchone()[0]
    print(f"1 % new posts in SQL {total:.2f} s: append and merge {append:.2f} s, per-channel metrics of the"
          f" {channels:,} channels touched {per_channel:.2f} s, peers {peers:.2f} s; {records:,} post records")


if __name__ == "__main__":
    main()
