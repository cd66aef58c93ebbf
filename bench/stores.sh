#!/usr/bin/env bash
# SQLite beside PostgreSQL on the same demo world, end to end through the `clout` binary
# (not a test): import (with its recompute), a full recompute, importing 1 % new posts
# (with the recompute of what that touched), `clout serve` answering its first request
# without and with the Directory's snapshot, then over HTTP (bench/scale_http.py):
# Directory searches per query family p50 / p99, cold keywords, searches per second
# (with wrk), and the server's peak memory. Every figure wall-clock, with peak memory.
#
#   bench/stores.sh [CHANNELS]          (default 20000)
#
# PostgreSQL: a private server is started in $WORK/pg on a free port (initdb and pg_ctl
# from Debian's postgresql package, as the `postgres` user when run as root), set up as
# an operator would for a machine of this size (shared_buffers 4 GB, max_wal_size 4 GB,
# work_mem 64 MB, maintenance_work_mem 1 GB), with fsync off like the tests' (so the
# figures are the database's work, not this disk's); or PG_URL=postgres://user@host:port/db
# uses an empty database you give it.
# Each store is deleted once its figures are taken (a million channels take about 20 GB
# on SQLite and 33 GB on PostgreSQL); KEEP=1 keeps them. The figures are printed as they
# come, then side by side.
# Env: WORK (default target/stores), KEEP.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
channels=${1:-20000}
work=${WORK:-$root/target/stores}
mkdir -p "$work"
world="$work/world-$channels.ndjson.gz"
clout="$root/target/release/clout"
(cd "$root" && cargo build --release -q -p clout-cli)

timed() {  # label command...: runs it, prints its wall time and peak memory
    local label=$1; shift
    /usr/bin/time -f '%e %M' -o "$work/last.time" "$@" > "$work/last.out" 2> "$work/last.err" \
        || { echo "$label: failed"; tail -5 "$work/last.err"; exit 1; }
    local secs kb
    read -r secs kb < "$work/last.time"
    printf '  %-50s %9.2f s   peak %6d MB\n' "$label" "$secs" "$((kb / 1024))"
}

start_postgres() {  # sets PG_URL to an empty database on a private server, stopped at exit
    local bin dir port as
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    dir="$work/pg"
    rm -rf "$dir"; mkdir -p "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as=""
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as="runuser -u postgres --"; fi
    $as "$bin/initdb" -D "$dir/data" -U clout --auth=trust >/dev/null
    $as "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=4GB -c max_wal_size=4GB -c work_mem=64MB -c maintenance_work_mem=1GB -c effective_cache_size=12GB" \
        start >/dev/null
    trap "$as $bin/pg_ctl -D $dir/data -m fast stop >/dev/null 2>&1 || true; [ -n \"\${KEEP:-}\" ] || rm -rf $dir" EXIT
    psql -h 127.0.0.1 -p "$port" -U clout -d postgres -qc "CREATE DATABASE clout_bench" >/dev/null
    PG_URL="postgres://clout@127.0.0.1:$port/clout_bench"
}

echo "stores benchmark: $channels demo channels, $(nproc) cores"
[ -f "$world" ] || timed "write the demo world (gzip)" "$clout" demo --write "$world" --channels "$channels"
python3 "$here/scale_one_percent.py" "$world" "$work/one-percent-$channels.ndjson" "$((channels / 100))"

run() {  # label: the same steps on the store CLOUT_STORE names (SQLite when unset)
    local data="$work/data-$1-$channels"
    rm -rf "$data"
    echo "$1:"
    timed "import the world (with its recompute)" "$clout" --data "$data" import "$world"
    grep -E "imported|recomputed" "$work/last.out" | sed 's/^/      /'
    timed "full recompute" "$clout" --data "$data" recompute
    timed "import 1 % new posts (recompute what it touched)" "$clout" --data "$data" import "$work/one-percent-$channels.ndjson"
    python3 - "$clout" "$data" <<'PY'
import subprocess, sys, time, urllib.request, os
clout, data = sys.argv[1], sys.argv[2]
def start(label):
    t0 = time.time()
    p = subprocess.Popen([clout, "--data", data, "serve", "--addr", "127.0.0.1:18483", "--no-request-log"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            if urllib.request.urlopen("http://127.0.0.1:18483/login", timeout=1).status == 200:
                break
        except Exception:
            if p.poll() is not None:
                raise SystemExit(f"clout serve exited with {p.returncode}")
            time.sleep(0.02)
    print(f"  {label:<50} {time.time() - t0:9.2f} s")
    p.terminate(); p.wait()
snapshot = os.path.join(data, "directory.snapshot")
if os.path.exists(snapshot):
    os.remove(snapshot)
start("serve: first answer, no snapshot")
start("serve: first answer, from the snapshot")
PY
    echo "  over HTTP:"
    python3 "$here/scale_http.py" "$clout" "$data" | sed 's/^/  /'
    [ -n "${KEEP:-}" ] || rm -rf "$data"
}

( unset CLOUT_STORE; run sqlite ) | tee "$work/report-sqlite.txt"
[ -n "${PG_URL:-}" ] || start_postgres
( export CLOUT_STORE="$PG_URL"; run postgres ) | tee "$work/report-postgres.txt"

echo
echo "side by side, $channels demo channels:"
python3 - "$work/report-sqlite.txt" "$work/report-postgres.txt" <<'PY'
import re, sys
# Each figure line is a label, then its figures from the first number on.
def figures(path):
    out = []
    for line in open(path):
        line = line.rstrip()
        m = re.match(r"^(\s*)(\S.*?)\s{2,}((p50|peak|\d).*)$", line)
        if m and not line.lstrip().startswith(("imported", "metrics", "niches")):
            out.append((m.group(2).strip(), re.sub(r"\s+", " ", m.group(3))))
    return out
a, b = figures(sys.argv[1]), figures(sys.argv[2])
width = max([len(l) for l, _ in a] + [10])
print(f"  {'':<{width}}  {'SQLite':<52} PostgreSQL")
for (label, x), (_, y) in zip(a, b):
    print(f"  {label:<{width}}  {x:<52} {y}")
PY
