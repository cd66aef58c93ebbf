"""Checks the DuckDB baseline against Clout: every channel's metrics as bench/duckdb_metrics.py
left them in DB (`channel_metrics` joined with `channel_peers`) beside the same channel's in
`clout channels --json` (NDJSON, one object per channel), field by field.

    duckdb_metrics_check.py DB CLOUT_JSON [--show N]

Floats agree within a relative tolerance of 1e-9; counts, booleans, labels, buckets, times
and nulls must be equal. Prints, per field, how many channels agree, and the first N (3)
disagreements with both values. Exits 1 when any field disagrees or a channel is missing
on one side.
"""
import json
import math
import sys
from datetime import datetime, timezone

import duckdb

FLOATS = [
    "engagement_rate", "median_engagement_rate", "engagement_rate_by_views", "engagement_cv", "avg_likes",
    "avg_comments", "avg_shares", "avg_views", "comments_per_100_likes", "posts_per_week", "follower_growth_30d",
    "engagement_percentile", "engagement_index",
]
EXACT = ["as_of", "followers", "window_rule", "posts_in_window", "viral_skew", "benchmark_bucket", "engagement_label"]
FIELDS = EXACT[:4] + FLOATS[:3] + ["viral_skew"] + FLOATS[3:11] + ["benchmark_bucket", "engagement_percentile",
                                                                   "engagement_label", "engagement_index"]


def agree(field, a, b):
    if a is None or b is None:
        return a is None and b is None
    if field in FLOATS:
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)
    return a == b


def main():
    db, clout_json = sys.argv[1], sys.argv[2]
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 3
    con = duckdb.connect(db, read_only=True)
    cur = con.execute("""SELECT m.* REPLACE (platform::VARCHAR AS platform, epoch(as_of)::BIGINT AS as_of),
            p.benchmark_bucket, p.engagement_percentile, p.engagement_label, p.engagement_index
        FROM channel_metrics m JOIN channel_peers p USING (platform, handle)""")
    names = [d[0] for d in cur.description]
    duck = {(r["platform"], r["handle"]): r for r in (dict(zip(names, row)) for row in cur.fetchall())}
    clout = {}
    with open(clout_json) as f:
        for line in f:
            v = json.loads(line)
            if v.get("as_of") is not None:
                v["as_of"] = int(datetime.fromisoformat(v["as_of"].replace("Z", "+00:00"))
                                 .astimezone(timezone.utc).timestamp())
            clout[(v["platform"], v["handle"])] = v
    both = sorted(duck.keys() & clout.keys())
    only_duck, only_clout = sorted(duck.keys() - clout.keys()), sorted(clout.keys() - duck.keys())
    print(f"{len(both):,} channels on both sides, {len(only_duck):,} only in DuckDB, {len(only_clout):,} only in Clout")
    for side, keys in (("DuckDB", only_duck), ("Clout", only_clout)):
        for key in keys[:show]:
            print(f"    only in {side}: {key[0]}/{key[1]}")
    failed = bool(only_duck or only_clout)
    for field in FIELDS:
        bad = [k for k in both if not agree(field, duck[k].get(field), clout[k].get(field))]
        nulls = sum(1 for k in both if clout[k].get(field) is None)
        spread = ""
        if field in FLOATS:
            diffs = [abs(duck[k][field] - clout[k][field]) / max(abs(clout[k][field]), 1e-300) for k in both
                     if k not in bad and clout[k].get(field) is not None]
            spread = f", largest relative difference {max(diffs, default=0.0):.1e}"
        print(f"{field:<26} {len(both) - len(bad):>7,} / {len(both):,} agree   ({nulls:,} null in Clout{spread})")
        for k in bad[:show]:
            reason = clout[k].get(field + "_reason")
            print(f"    {k[0]}/{k[1]}: DuckDB {duck[k].get(field)!r}, Clout {clout[k].get(field)!r}"
                  + (f" ({reason})" if reason else ""))
        failed |= bool(bad)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
