"""The discovery benchmark's queries in DuckDB, on the rows the Rust benchmark wrote.

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


def facets(where):
    return [
        f"SELECT platform, count(*) FROM t WHERE {where} GROUP BY platform",
        f"SELECT tier, count(*) FROM t WHERE {where} AND tier IS NOT NULL GROUP BY tier",
        f"SELECT country, count(*) FROM t WHERE {where} AND country IS NOT NULL GROUP BY country",
        f"SELECT language, count(*) FROM t WHERE {where} AND language IS NOT NULL GROUP BY language",
        f"SELECT n, count(*) FROM (SELECT niche1 AS n FROM t WHERE {where} UNION ALL "
        f"SELECT niche2 FROM t WHERE {where}) WHERE n IS NOT NULL GROUP BY n",
    ]


def case(where, order, with_facets):
    statements = [
        f"SELECT count(*) FROM t WHERE {where}",
        f"SELECT channel_id FROM t WHERE {where} ORDER BY {order} DESC NULLS LAST, channel_id LIMIT {TOP}",
    ]
    if with_facets:
        statements += facets(where)
    return statements


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
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv_auto('{sys.argv[1]}', header = true)")
    for name, statements in CASES:
        times = []
        total = None
        for _ in range(RUNS):
            start = time.perf_counter()
            for i, sql in enumerate(statements):
                rows = con.execute(sql).fetchall()
                if i == 0:
                    total = rows[0][0]
            times.append((time.perf_counter() - start) * 1000.0)
        times.sort()
        print(json.dumps({"name": name, "p50_ms": times[len(times) // 2], "p99_ms": times[-1], "total": total}),
              flush=True)


if __name__ == "__main__":
    main()
