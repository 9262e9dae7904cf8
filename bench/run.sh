#!/usr/bin/env bash
# Measures what docs/performance.md reports, on this machine, with a release build:
#   1. importing 27,000 people from CSV into an empty database (SQLite, then PostgreSQL);
#   2. `relais serve` with the demo loaded: time from start to /readyz answering, and RSS at rest.
# Usage: bench/run.sh [PEOPLE]   (PostgreSQL from RELAIS_BENCH_PG, default postgres://postgres@127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."
PEOPLE=${1:-27000}
PG=${RELAIS_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --locked -p relais -p relais-bench >/dev/null
BIN=$CARGO_TARGET_DIR/release
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$BIN/relais-bench" gen "$OUT" "$PEOPLE" >/dev/null
export RELAIS_LOG=warn LANG=C

seconds() { # runs a command, prints its wall time in seconds
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
echo "date: $(date -u +%Y-%m-%d)"
for run in 1 2 3; do
  rm -f "$OUT"/s.db*
  export RELAIS_DATABASE_URL="sqlite://$OUT/s.db"
  "$BIN/relais" import units "$OUT/units.csv" >/dev/null
  echo "sqlite import of $PEOPLE people, run $run: $(seconds "$BIN/relais" import people "$OUT/people.csv") s"
done
if psql "$PG/postgres" -qc 'SELECT 1' >/dev/null 2>&1; then
  for run in 1 2 3; do
    psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS relais_bench' -c 'CREATE DATABASE relais_bench' >/dev/null
    export RELAIS_DATABASE_URL="$PG/relais_bench"
    "$BIN/relais" import units "$OUT/units.csv" >/dev/null
    echo "postgresql import of $PEOPLE people, run $run: $(seconds "$BIN/relais" import people "$OUT/people.csv") s"
  done
else
  echo "postgresql: not reachable at $PG, skipped"
fi

# Start-up and memory at rest, with the demo loaded (15,000 people).
cd "$OUT"
unset RELAIS_DATABASE_URL
PORT=18711
"$BIN/relais" demo --listen 127.0.0.1:$PORT >demo.log 2>&1 &
PID=$!
for _ in $(seq 600); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
kill "$PID"; wait "$PID" 2>/dev/null || true
for run in 1 2 3; do
  start=$(date +%s%N)
  RELAIS_DATABASE_URL="sqlite://$OUT/relais-demo.db" "$BIN/relais" serve --listen 127.0.0.1:$PORT >serve.log 2>&1 &
  PID=$!
  until curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.005; done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  # A few pages, then rest.
  for p in / /login /healthz /api/openapi.json; do curl -fsS -o /dev/null "http://127.0.0.1:$PORT$p" || true; done
  sleep 2
  rss=$(awk '/VmRSS/{print $2}' /proc/$PID/status)
  echo "serve with the demo loaded, run $run: ready in ${ready} ms, RSS at rest $((rss / 1024)) MiB"
  kill "$PID"; wait "$PID" 2>/dev/null || true
done
