"""The import baseline of bench/scale.sh: the same interchange file loaded into DuckDB's own
table format with typed columns (ENUM platform, TIMESTAMP times, integer counts), then each
channel's and post's current row (its newest observation), as Clout's import keeps them.
Prints the time of each step and the row counts."""
import sys
import time

import duckdb

src, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
con.execute("SET threads = 2")
con.execute("CREATE TYPE platform AS ENUM ('instagram', 'tiktok', 'youtube', 'x', 'twitch', 'bluesky', 'mastodon')")
columns = {
    "kind": "VARCHAR", "platform": "VARCHAR", "handle": "VARCHAR", "observed_at": "TIMESTAMPTZ",
    "followers": "BIGINT", "following": "BIGINT", "posts_count": "BIGINT", "name": "VARCHAR", "bio": "VARCHAR",
    "url": "VARCHAR", "country": "VARCHAR", "language": "VARCHAR", "verified": "BOOLEAN", "creator_id": "VARCHAR",
    "post_id": "VARCHAR", "published_at": "TIMESTAMPTZ", "type": "VARCHAR", "likes": "BIGINT", "comments": "BIGINT",
    "shares": "BIGINT", "views": "BIGINT", "caption": "VARCHAR", "hashtags": "VARCHAR[]", "mentions": "VARCHAR[]",
    "sponsored": "BOOLEAN", "comment_id": "VARCHAR", "author": "VARCHAR", "text": "VARCHAR", "username": "VARCHAR",
}
spec = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
t = time.time()
con.execute(f"""CREATE TABLE records AS SELECT * REPLACE (platform::platform AS platform)
    FROM read_json('{src}', format = 'newline_delimited', columns = {spec}, ignore_errors = true)""")
load = time.time() - t
t = time.time()
con.execute("""CREATE TABLE channels AS SELECT * FROM records WHERE kind = 'channel'
    QUALIFY row_number() OVER (PARTITION BY platform, handle ORDER BY observed_at DESC) = 1""")
con.execute("""CREATE TABLE posts AS SELECT platform, handle, post_id, published_at, observed_at, likes, comments,
    shares, views, caption, hashtags FROM records WHERE kind = 'post'
    QUALIFY row_number() OVER (PARTITION BY platform, handle, post_id ORDER BY observed_at DESC) = 1""")
current = time.time() - t
con.execute("CHECKPOINT")
n = {k: con.execute(f"SELECT count(*) FROM {k}").fetchone()[0] for k in ("records", "channels", "posts")}
print(f"read_json into a typed table {load:.1f} s, current rows {current:.1f} s;"
      f" {n['records']:,} records, {n['channels']:,} channels, {n['posts']:,} posts")
