"""1 % new posts for bench/scale.sh: 50 new posts on each of the first N channels of a demo
world (a day's refresh of some accounts), published on the world's last day and observed
a day after it."""
import gzip
import json
import sys

src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
as_of = 1_795_176_000  # the demo world's reference time, 2026-11-20T12:00:00Z
seen, lines = set(), []
opener = gzip.open if src.endswith(".gz") else open
with opener(src, "rt") as f:
    for line in f:
        if '"kind":"channel"' not in line:
            continue
        v = json.loads(line)
        key = (v["platform"], v["handle"])
        if key in seen:
            continue
        seen.add(key)
        followers = v.get("followers", 1000)
        for i in range(50):
            lines.append(json.dumps({
                "kind": "post", "platform": v["platform"], "handle": v["handle"], "post_id": f"fresh-{i}",
                "published_at": as_of - 3600 * (i % 20), "likes": max(1, followers // 40 + i),
                "comments": 3 + i % 7, "caption": f"Fresh post number {i}", "observed_at": as_of + 86400,
            }))
        if len(seen) >= n:
            break
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
