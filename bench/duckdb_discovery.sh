#!/usr/bin/env bash
# Runs the discovery benchmark's queries in DuckDB on the same rows, for comparison.
# Usage: bench/duckdb_discovery.sh ROWS.csv
# Makes its own virtual environment (bench/.venv) with DuckDB from PyPI on first use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import duckdb' 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet duckdb >&2
fi
exec "$venv/bin/python" "$here/duckdb_discovery.py" "$@"
