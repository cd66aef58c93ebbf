"""The discovery benchmark's queries in DuckDB, on the rows the Rust benchmark wrote:
typed columns (ENUMs), DuckDB's own table format, and one statement per query with its
facets.

Prints one JSON object per query: {"name", "p50_ms", "p99_ms", "total"}. Each query
computes what Clout's index computes for it: the total, the top 50 and, where asked,
the facet counts. Text matches arrive precomputed as columns (text_hit, text_score),
as they do for Clout's index, so both sides are timed on the same work.
"""
import json
import sys
import time

import duckdb

TOP = 50
RUNS = 15


def case(where, order, with_facets):
    """One statement per query, as a skilled DuckDB user would write it: the matching rows
    once (a materialized CTE), then the total, the top 50 and, where asked, every facet's
    counts, together."""
    parts = [
        "SELECT 'total' AS part, NULL AS k, count(*)::DOUBLE AS v FROM m",
        f"(SELECT 'top', channel_id::VARCHAR, s FROM m ORDER BY s DESC NULLS LAST, channel_id LIMIT {TOP})",
    ]
    if with_facets:
        parts += [
            "SELECT 'platform', platform::VARCHAR, count(*) FROM m GROUP BY platform",
            "SELECT 'tier', tier::VARCHAR, count(*) FROM m WHERE tier IS NOT NULL GROUP BY tier",
            "SELECT 'country', country::VARCHAR, count(*) FROM m WHERE country IS NOT NULL GROUP BY country",
            "SELECT 'language', language::VARCHAR, count(*) FROM m WHERE language IS NOT NULL GROUP BY language",
            "SELECT 'niche', n::VARCHAR, count(*) FROM (SELECT unnest([niche1, niche2]) AS n FROM m) "
            "WHERE n IS NOT NULL GROUP BY n",
        ]
    return (f"WITH m AS MATERIALIZED (SELECT *, {order} AS s FROM t WHERE {where}) "
            + " UNION ALL ".join(parts))


CASES = [
    ("filters: instagram, micro, AU, er >= 3, top 50 by index",
     case("platform = 'instagram' AND tier = 'micro' AND country = 'AU' AND er >= 3", "idx", False)),
    ("broad: micro tier, facets", case("tier = 'micro'", "idx", True)),
    ("keyword (1 %) + instagram + er >= 2, by relevance",
     case("text_hit AND platform = 'instagram' AND er >= 2",
          "text_score * (0.5 + 0.5 * least(greatest(coalesce(idx, 1.0), 0.0), 3.0))", False)),
    ("niche vegan, sort by engagement rate", case("(niche1 = 'vegan' OR niche2 = 'vegan')", "er", False)),
    ("everything, facets, by followers", case("true", "followers", True)),
]


def main():
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv_auto('{sys.argv[1]}', header = true)")
    # Typed as a skilled user would: every categorical column an ENUM of its values (the
    # niches share one), in DuckDB's own table format.
    for col in ("platform", "tier", "country", "language"):
        con.execute(f"CREATE TYPE {col}_t AS ENUM (SELECT DISTINCT {col} FROM raw WHERE {col} IS NOT NULL)")
    con.execute("""CREATE TYPE niche_t AS ENUM (SELECT DISTINCT n FROM (SELECT niche1 AS n FROM raw UNION
        SELECT niche2 FROM raw) WHERE n IS NOT NULL)""")
    con.execute("""CREATE TABLE t AS SELECT * REPLACE (platform::platform_t AS platform, tier::tier_t AS tier,
        country::country_t AS country, language::language_t AS language, niche1::niche_t AS niche1,
        niche2::niche_t AS niche2) FROM raw""")
    con.execute("DROP TABLE raw")
    for name, sql in CASES:
        times = []
        total = None
        for _ in range(RUNS):
            start = time.perf_counter()
            rows = con.execute(sql).fetchall()
            times.append((time.perf_counter() - start) * 1000.0)
            total = next(int(v) for part, _, v in rows if part == "total")
        times.sort()
        print(json.dumps({"name": name, "p50_ms": times[len(times) // 2], "p99_ms": times[-1], "total": total}),
              flush=True)


if __name__ == "__main__":
    main()
