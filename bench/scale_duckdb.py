"""The import baseline of bench/scale.sh: the same interchange file loaded into DuckDB's own
table format with typed columns (ENUM platform, TIMESTAMP times, integer counts), then each
channel's and post's current row (its newest observation) and every channel's follower
history (`channel` and `followers` records, one per instant), as Clout's import keeps them.
At the same instant the first record written stays (file order, `rowid`), and a `channel`
record's count beats a `followers` record's (docs/interchange.md). Times may be RFC 3339
or Unix seconds, as the format allows (macro `ts`; bench/duckdb_metrics.py uses it too).
Prints the time of each step and the row counts; bench/duckdb_metrics.py then computes
the metrics from these tables."""
import sys
import time

import duckdb

src, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
con.execute("SET threads = 2")
con.execute("SET TimeZone = 'UTC'")
con.execute("""CREATE TYPE platform AS ENUM ('instagram', 'tiktok', 'youtube', 'x', 'facebook', 'twitch', 'pinterest',
    'linkedin', 'threads', 'snapchat', 'bluesky', 'mastodon')""")
# A time as RFC 3339 text or Unix seconds, kept to the second (a TIMESTAMPTZ column of read_json
# would read Unix seconds as null).
con.execute("""CREATE MACRO ts(t) AS date_trunc('second',
    coalesce(try_cast(t AS TIMESTAMPTZ), to_timestamp(try_cast(t AS BIGINT))))""")
columns = {
    "kind": "VARCHAR", "platform": "VARCHAR", "handle": "VARCHAR", "observed_at": "VARCHAR",
    "followers": "BIGINT", "following": "BIGINT", "posts_count": "BIGINT", "name": "VARCHAR", "bio": "VARCHAR",
    "url": "VARCHAR", "country": "VARCHAR", "language": "VARCHAR", "verified": "BOOLEAN", "creator_id": "VARCHAR",
    "post_id": "VARCHAR", "published_at": "VARCHAR", "type": "VARCHAR", "likes": "BIGINT", "comments": "BIGINT",
    "shares": "BIGINT", "views": "BIGINT", "caption": "VARCHAR", "hashtags": "VARCHAR[]", "mentions": "VARCHAR[]",
    "sponsored": "BOOLEAN", "comment_id": "VARCHAR", "author": "VARCHAR", "text": "VARCHAR", "username": "VARCHAR",
}
spec = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
t = time.time()
con.execute(f"""CREATE TABLE records AS
    SELECT * REPLACE (platform::platform AS platform, ts(observed_at) AS observed_at, ts(published_at) AS published_at)
    FROM read_json('{src}', format = 'newline_delimited', columns = {spec}, ignore_errors = true)""")
load = time.time() - t
t = time.time()
con.execute("""CREATE TABLE channels AS SELECT * FROM records WHERE kind = 'channel'
    QUALIFY row_number() OVER (PARTITION BY platform, handle ORDER BY observed_at DESC, rowid) = 1""")
con.execute("""CREATE TABLE posts AS SELECT platform, handle, post_id, published_at, observed_at, likes, comments,
    shares, views, caption, hashtags FROM records WHERE kind = 'post'
    QUALIFY row_number() OVER (PARTITION BY platform, handle, post_id ORDER BY observed_at DESC, rowid) = 1""")
con.execute("""CREATE TABLE follower_history AS SELECT platform, handle, observed_at, followers FROM records
    WHERE kind IN ('channel', 'followers')
    QUALIFY row_number() OVER (PARTITION BY platform, handle, observed_at ORDER BY kind = 'channel' DESC, rowid) = 1""")
current = time.time() - t
con.execute("CHECKPOINT")
n = {k: con.execute(f"SELECT count(*) FROM {k}").fetchone()[0] for k in ("records", "channels", "posts", "follower_history")}
print(f"read_json into a typed table {load:.1f} s, current rows {current:.1f} s;"
      f" {n['records']:,} records, {n['channels']:,} channels, {n['posts']:,} posts,"
      f" {n['follower_history']:,} follower counts")
