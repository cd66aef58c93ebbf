#!/usr/bin/env bash
# End-to-end scale benchmark (not a test): a store of N demo channels built and used
# through the `clout` binary, every figure wall-clock time with peak memory.
#
#   bench/scale.sh [CHANNELS]            (default 100000; 1000000 needs about 45 GB of disk)
#
# Prints, for N channels: writing the world; importing it (gzip NDJSON, with the
# recompute at its end); a full recompute; importing 1 % new posts (50 posts on each of 1 %
# of the channels, a day later) with the recompute of what that touched; the first search
# from the command line without the Directory snapshot (built from the store) and with it;
# and `clout serve` answering its first request without and with the snapshot; then, over
# HTTP (bench/scale_http.py): Directory searches per query family and lookalikes (p50 / p99,
# one connection), keywords the server has not searched before, searches per second at 16
# connections (wrk, when installed) and the server's peak memory.
# With DuckDB (DUCKDB=1, the default; bench/.venv is made on first use) it also loads the
# same file into DuckDB's own table format with typed columns (the import baseline,
# bench/scale_duckdb.py), then computes every channel's metrics of docs/metrics.md in SQL
# (bench/duckdb_metrics.py, the full-recompute baseline): the per-channel metrics, the
# peers (percentiles, labels, size fits, index) and the total; then the same 1 % new posts
# appended and merged, the channels they touch recomputed and the peers again. (To check
# DuckDB's figures against Clout's: bench/duckdb_metrics_check.py DB CLOUT_CHANNELS_JSON.)
#
# Env: WORK (where the world and the store go; default target/scale), THREADS
# (CLOUT_THREADS for the recomputes; default: every core), DUCKDB=0 to skip DuckDB.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
channels=${1:-100000}
work=${WORK:-$root/target/scale}
mkdir -p "$work"
world="$work/world-$channels.ndjson.gz"
data="$work/data-$channels"
clout="$root/target/release/clout"
(cd "$root" && cargo build --release -q -p clout-cli)
[ -n "${THREADS:-}" ] && export CLOUT_THREADS=$THREADS
timed() {  # label command...: runs it, prints its wall time and peak memory
    local label=$1; shift
    /usr/bin/time -f '%e %M' -o "$work/last.time" "$@" > "$work/last.out" 2> "$work/last.err" \
        || { echo "$label: failed"; tail -5 "$work/last.err"; exit 1; }
    local secs kb
    read -r secs kb < "$work/last.time"
    printf '%-52s %9.2f s   peak %6d MB\n' "$label" "$secs" "$((kb / 1024))"
}

echo "scale benchmark: $channels channels, $(nproc) cores, threads ${CLOUT_THREADS:-all}"
[ -f "$world" ] || timed "write the demo world (gzip)" "$clout" demo --write "$world" --channels "$channels"
rm -rf "$data"
timed "import the world (with its recompute)" "$clout" --data "$data" import "$world"
grep -E "imported|recomputed" "$work/last.out" | sed 's/^/    /'
timed "full recompute (text unchanged)" "$clout" --data "$data" recompute
python3 "$here/scale_one_percent.py" "$world" "$work/one-percent-$channels.ndjson" "$((channels / 100))"
timed "import 1 % new posts (recompute what it touched)" "$clout" --data "$data" import "$work/one-percent-$channels.ndjson"
grep -E "imported" "$work/last.out" | sed 's/^/    /'
rm -f "$data/directory.snapshot"
timed "first search, no snapshot (builds the Directory)" "$clout" --data "$data" search vegan --limit 3
timed "first search, from the snapshot" "$clout" --data "$data" search vegan --limit 3
python3 - "$clout" "$data" <<'EOF'
import subprocess, sys, time, urllib.request, os
clout, data = sys.argv[1], sys.argv[2]
def start(label):
    t0 = time.time()
    p = subprocess.Popen([clout, "--data", data, "serve", "--addr", "127.0.0.1:18481", "--no-request-log"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            if urllib.request.urlopen("http://127.0.0.1:18481/login", timeout=1).status == 200:
                break
        except Exception:
            if p.poll() is not None:
                raise SystemExit(f"clout serve exited with {p.returncode}")
            time.sleep(0.02)
    print(f"{label:<48} {time.time() - t0:9.2f} s")
    p.terminate(); p.wait()
os.remove(os.path.join(data, "directory.snapshot"))
start("serve: first answer, no snapshot")
start("serve: first answer, from the snapshot")
EOF
echo "clout serve over HTTP:"
python3 "$here/scale_http.py" "$clout" "$data"
if [ "${DUCKDB:-1}" = 1 ]; then
    venv="$here/.venv"
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import duckdb' 2>/dev/null; then
        python3 -m venv "$venv" >&2 && "$venv/bin/pip" install --quiet duckdb >&2
    fi
    rm -f "$work/duck-$channels.db"
    timed "DuckDB: load the same file, typed, own format" "$venv/bin/python" "$here/scale_duckdb.py" "$world" "$work/duck-$channels.db"
    sed 's/^/    /' "$work/last.out"
    timed "DuckDB: full recompute in SQL, then 1 % new posts" "$venv/bin/python" "$here/duckdb_metrics.py" \
        "$work/duck-$channels.db" "$work/one-percent-$channels.ndjson"
    sed 's/^/    /' "$work/last.out"
fi
