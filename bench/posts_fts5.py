#!/usr/bin/env python3
"""The FTS5 baseline of `cargo bench -p clout-app --bench posts`: the same posts in
SQLite's own full-text engine, as a skilled SQLite user would index and query them.

Usage: posts_fts5.py CLOUT_DB OUT_DB AS_OF ROUNDS QUERY...

Builds OUT_DB from the posts of CLOUT_DB (read only): a contentless FTS5 table over each
post's caption, hashtags and mentions (porter stemming over Unicode words, as the store's
channel text), with the hashtags and mentions a caption writes added to its lists as the
post index does, and a typed table of what the queries filter on (channel, platform,
publication time, sponsored), rowid = the post's row id. Then runs each query ROUNDS
times, as the benchmark's Rust side does: a page of 20 by relevance (bm25) with the total,
the newest 20 of the last 90 days with the total, each page's posts read from CLOUT_DB;
and the channels with at least 2 matching posts in the last 90 days (without ranking them
or reading them: less work than the Directory does with them).
"""

import math
import os
import re
import sqlite3
import sys
import time

MENTION = re.compile(r"(?<![\w.])@([\w.]*\w)")
HASHTAG = re.compile(r"(?<![\w.])#(\w+)")


def fts_query(text):
    """The query's parts as FTS5 syntax, every part quoted."""
    parts, rest = [], text.strip()
    while rest:
        if rest.startswith('"'):
            end = rest.find('"', 1)
            phrase, rest = rest[1:end], rest[end + 1:].strip()
            parts.append('{caption hashtags} : "%s"' % phrase.replace('"', '""'))
            continue
        word, _, rest = rest.partition(" ")
        rest = rest.strip()
        if word.startswith("#"):
            parts.append('hashtags : "%s"' % word[1:].lower())
        elif word.startswith("@"):
            parts.append('mentions : "%s"' % word[1:].lower())
        else:
            parts.append('{caption hashtags} : "%s"' % word)
    return " AND ".join(parts)


def spread(times):
    times = sorted(times)
    at = lambda p: times[max(1, min(len(times), math.ceil(len(times) * p))) - 1]
    return "p50 %7.1f ms   p99 %7.1f ms   max %7.1f ms" % (at(0.5) * 1e3, at(0.99) * 1e3, times[-1] * 1e3)


def build(source, out):
    if os.path.exists(out):
        os.remove(out)
    db = sqlite3.connect(out)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("CREATE TABLE meta (id INTEGER PRIMARY KEY, channel_id INTEGER NOT NULL, platform TEXT NOT NULL, published INTEGER NOT NULL, sponsored INTEGER NOT NULL)")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(caption, hashtags, mentions, content='', tokenize='porter unicode61 remove_diacritics 2')")
    src = sqlite3.connect("file:%s?mode=ro" % source, uri=True)
    rows = src.execute(
        "SELECT p.id, p.channel_id, c.platform, p.published_at, coalesce(p.sponsored, 0), coalesce(p.caption, ''), coalesce(p.hashtags, ''), coalesce(p.mentions, '') FROM posts p JOIN channels c ON c.id = p.channel_id ORDER BY p.id"
    )
    start, n = time.time(), 0
    db.execute("BEGIN")
    while True:
        batch = rows.fetchmany(50_000)
        if not batch:
            break
        meta, text = [], []
        for pid, ch, platform, published, sponsored, caption, tags, mentions in batch:
            tags = " ".join(sorted(set(t.lstrip("#").lower() for t in re.split(r"[ ,]+", tags) if t) | set(h.lower() for h in HASHTAG.findall(caption))))
            mentions = " ".join(sorted(set(m.lstrip("@").lower() for m in re.split(r"[ ,]+", mentions) if m) | set(m.lower() for m in MENTION.findall(caption))))
            meta.append((pid, ch, platform, published, sponsored))
            text.append((pid, caption, tags, mentions))
        db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?, ?)", meta)
        db.executemany("INSERT INTO fts (rowid, caption, hashtags, mentions) VALUES (?, ?, ?, ?)", text)
        n += len(batch)
    db.execute("COMMIT")
    db.execute("CREATE INDEX meta_published ON meta (published)")
    db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    db.commit()
    took = time.time() - start
    size = os.path.getsize(out)
    print("FTS5: %d posts indexed in %.1f s (%.0f posts/s, one thread), %.0f MB on disk (%.0f bytes per post)" % (n, took, n / took, size / 1e6, size / max(n, 1)))
    db.close()


def main():
    source, out, as_of, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    queries = sys.argv[5:]
    build(source, out)
    since = as_of - 90 * 86_400
    relevance, newest, posted, totals = [], [], [], []
    for r in range(rounds):
        db = sqlite3.connect("file:%s?mode=ro" % out, uri=True)
        db.execute("ATTACH DATABASE ? AS store", ("file:%s?mode=ro" % source,))
        read = lambda ids: db.execute(
            "SELECT p.id, c.handle, p.caption, p.likes, p.comments, p.shares FROM store.posts p JOIN store.channels c ON c.id = p.channel_id WHERE p.id IN (%s)" % ",".join("?" * len(ids)), ids
        ).fetchall()
        for q in queries:
            m = fts_query(q)
            t = time.time()
            ids = [row[0] for row in db.execute("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 20", (m,))]
            total = db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (m,)).fetchone()[0]
            read(ids)
            relevance.append(time.time() - t)
            if r == 0:
                totals.append(total)
            t = time.time()
            ids = [row[0] for row in db.execute("SELECT m.id FROM fts JOIN meta m ON m.id = fts.rowid WHERE fts MATCH ? AND m.published >= ? ORDER BY m.published DESC, m.id DESC LIMIT 20", (m, since))]
            db.execute("SELECT count(*) FROM fts JOIN meta m ON m.id = fts.rowid WHERE fts MATCH ? AND m.published >= ?", (m, since)).fetchone()
            read(ids)
            newest.append(time.time() - t)
            t = time.time()
            db.execute("SELECT m.channel_id FROM fts JOIN meta m ON m.id = fts.rowid WHERE fts MATCH ? AND m.published >= ? GROUP BY m.channel_id HAVING count(*) >= 2", (m, since)).fetchall()
            posted.append(time.time() - t)
        db.close()
    totals.sort()
    print("FTS5, the same queries, %d rounds:" % rounds)
    print("  posts by relevance, 20 with the total      " + spread(relevance))
    print("  newest posts of the last 90 days, 20       " + spread(newest))
    print("  channels that posted it twice in 90 d      " + spread(posted) + "   (the set only)")
    print("  matching posts per query: min %d, median %d, max %d" % (totals[0], totals[len(totals) // 2], totals[-1]))


if __name__ == "__main__":
    main()
