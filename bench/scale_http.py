"""The HTTP part of bench/scale.sh: `clout serve` on the store the script built, driven the
way users drive it. Prints:
  - Directory searches over HTTP, one connection, per query family (the families of
    `cargo bench -p clout-web --bench load`, each with varied values): p50 / p99;
  - keywords the server has not searched before (30 words, one search each, top 50 by
    relevance with the total): p50 / p99;
  - requests per second at 16 connections for 20 s with wrk (Debian's package), when
    it is installed, with its p50 / p99;
  - the server's peak memory (VmHWM).

    scale_http.py CLOUT DATA
"""
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

clout, data = sys.argv[1], sys.argv[2]
PORT = 18482
USER, PASSWORD = "scale-bench", "scale bench password 1"

# The account of an earlier run stays (it may be the store's only admin, which cannot be
# deleted): its password is set again.
made = subprocess.run([clout, "--data", data, "user", "create", USER, "--role", "admin"],
                      input=PASSWORD + "\n", text=True, capture_output=True)
if made.returncode != 0:
    subprocess.run([clout, "--data", data, "user", "passwd", USER],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)
server = subprocess.Popen([clout, "--data", data, "serve", "--addr", f"127.0.0.1:{PORT}", "--no-request-log"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def connect():
    return http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)


def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    return r.status, r.getheaders(), r.read()


try:
    while True:
        try:
            conn = connect()
            if call(conn, "GET", "/login")[0] == 200:
                break
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"clout serve exited with {server.returncode}")
            time.sleep(0.05)
    status, headers, body = call(conn, "POST", "/api/v1/login", json.dumps({"username": USER, "password": PASSWORD}),
                                 {"Content-Type": "application/json"})
    assert status == 200, body
    cookie = "; ".join(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie")
    csrf = json.loads(body)["csrf_token"]
    status, _, body = call(conn, "POST", "/api/v1/tokens", json.dumps({"name": "scale bench", "scope": "read"}),
                           {"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": csrf})
    assert status == 201, body
    auth = {"Authorization": "Bearer " + json.loads(body)["token"]}

    def ms(sorted_times, p):
        return sorted_times[min(len(sorted_times) - 1, max(0, int(len(sorted_times) * p + 0.999) - 1))] * 1000

    def timed(paths):
        times = []
        for path in paths:
            t = time.perf_counter()
            status, _, body = call(conn, "GET", path, headers=auth)
            times.append(time.perf_counter() - t)
            assert status == 200, (path, body[:200])
        return sorted(times)

    # Keywords first, while the server's memory of keywords is empty.
    # The words of `cargo bench -p clout-app --bench text`: from words nearly every
    # channel says to words a few do.
    cold = ["day", "love", "new", "today", "morning", "best", "tips", "home", "weekend", "family", "workout",
            "makeup", "recipe", "travel", "coffee", "skincare", "budget", "hiking", "podcast", "routine", "vegan",
            "sourdough", "tutorial", "gaming", "photography", "parenting", "deadlift", "eyeliner", "espresso",
            "kombucha"]
    t = timed([f"/api/v1/search?q={w}&limit=50" for w in cold])
    print(f"    {'keywords not searched before (30)':<40} p50 {ms(t, .5):7.1f} ms   p99 {ms(t, .99):7.1f} ms")

    rng = random.Random(7)
    platforms, tiers = ["instagram", "tiktok", "youtube", "x"], ["nano", "micro", "mid", "macro"]
    countries, niches = ["US", "GB", "DE", "BR", "IN", "AU"], ["fitness", "beauty", "food", "travel", "gaming", "parenting"]
    sorts, words = ["er", "followers", "index", "growth"], ["vegan", "workout", "coffee", "makeup", "recipe", "hiking"]
    families = {
        "filters": lambda: f"platform={rng.choice(platforms)}&tier={rng.choice(tiers)}&min_er={rng.randint(1, 6)}",
        "keyword + filters": lambda: f"q={rng.choice(words)}&platform={rng.choice(platforms)}&tier={rng.choice(tiers)}",
        "broad with facets": lambda: f"tier={rng.choice(tiers)}&country={rng.choice(countries)}&facets=true",
        "niche by a metric": lambda: f"niche={rng.choice(niches)}&sort={rng.choice(sorts)}",
        "ranges + facets": lambda: (f"platform={rng.choice(platforms)}&min_followers={1000 * rng.randint(2, 9)}"
                                    f"&max_followers={10000 * rng.randint(2, 6)}&label=high&facets=true"),
        "lookalikes": None,
    }
    # Lookalikes of channels found by a search.
    _, _, body = call(conn, "GET", "/api/v1/search?tier=micro&limit=60", headers=auth)
    refs = [f"{c['platform']}/{urllib.parse.quote(c['handle'])}" for c in json.loads(body)["results"]]
    print("    Directory over HTTP, one connection, 60 varied searches per family:")
    for name, make in families.items():
        if make is None:
            paths = [f"/api/v1/channels/{r}/similar?limit=20" for r in refs]
        else:
            paths = [f"/api/v1/search?{make()}&offset={50 * rng.randint(0, 3)}" for _ in range(60)]
        t = timed(paths)
        print(f"      {name:<38} p50 {ms(t, .5):7.1f} ms   p99 {ms(t, .99):7.1f} ms")

    if shutil.which("wrk"):
        paths = [f"/api/v1/search?{families[n]()}" for n in list(families)[:5] for _ in range(400)]
        rng.shuffle(paths)
        script = ("local paths = {" + ", ".join(json.dumps(p) for p in paths) + "}\nlocal i = 0\n"
                  "request = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1], "
                  "{[\"Authorization\"] = \"" + auth["Authorization"] + "\"})\nend\n")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(script)
        out = subprocess.run(["wrk", "-t2", "-c16", "-d20s", "--latency", "--timeout", "10s", "-s", f.name,
                              f"http://127.0.0.1:{PORT}"], capture_output=True, text=True).stdout
        os.unlink(f.name)
        field = {l.split()[0]: l.split()[1] for l in out.splitlines() if l.strip() and l.split()[0] in ("50%", "99%")}
        rps = next((l.split()[1] for l in out.splitlines() if l.startswith("Requests/sec:")), "?")
        non2xx = next((l.split()[-1] for l in out.splitlines() if "Non-2xx" in l), "0")
        print(f"    {'16 connections for 20 s (wrk)':<40} {rps} searches/s   p50 {field.get('50%')}   "
              f"p99 {field.get('99%')}   non-2xx {non2xx}")
    else:
        print("    16 connections: wrk is not installed (apt-get install wrk)")
    with open(f"/proc/{server.pid}/status") as f:
        hwm = next(l.split()[1] for l in f if l.startswith("VmHWM"))
    print(f"    {'clout serve peak memory':<40} {int(hwm) // 1024} MB")
finally:
    server.terminate()
    server.wait()
    subprocess.run([clout, "--data", data, "user", "delete", USER], capture_output=True)
