#!/usr/bin/env bash
# The training office's crisis figures in docs/performance.md ("Training office
# in a crisis"), release build, loopback only. It loads the demo (15,000 people,
# a year of trainings and the March-2020 scenario), then, as the national
# training officer, applies one disruption to every in-person session of the
# next eight weeks (every fifth moved online, every seventh cancelled, the rest
# postponed) through POST /api/v1/disruptions, with no undo delay, and measures:
#   1. the apply request (one transaction);
#   2. from the apply to every notice queued (goal: 10 s);
#   3. delivery of those notices to a real SMTP listener (aiosmtpd) on loopback
#      (goal: 500 mails/s), each Message-ID exactly once.
# Usage: bench/crisis.sh [sqlite|postgres]   (PostgreSQL from RELAIS_BENCH_PG,
# default postgres://postgres@127.0.0.1:5432; or the whole URL in RELAIS_BENCH_PG_URL, e.g.
# postgres://postgres@localhost/relais_bench_crisis?host=/var/run/postgresql for the Unix socket).
# Knobs: PORT=18795 SMTP_PORT=18796 BUILD=release RELAIS_LOG=warn KEEP_LOG=FILE (the server's log)
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-sqlite}
PG=${RELAIS_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18795} SMTP_PORT=${SMTP_PORT:-18796} BUILD=${BUILD:-release}
VENV=${BENCH_VENV:-/var/tmp/relais-bench-venv}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
if [[ $BUILD == release ]]; then cargo build --release --locked -p relais >/dev/null; else cargo build --locked -p relais >/dev/null; fi
RELAIS=$CARGO_TARGET_DIR/$BUILD/relais
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [[ -n ${KEEP_LOG:-} ]] && cp "$WORK/demo.log" "$KEEP_LOG"; rm -rf "$WORK"; }
trap cleanup EXIT
die() { echo "crisis bench: $*" >&2; exit 1; }

if ! { [[ -x $VENV/bin/python ]] && "$VENV/bin/python" -c 'import aiosmtpd' 2>/dev/null; }; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q 'aiosmtpd==1.4.6'
fi
: >"$WORK/sink.txt"
"$VENV/bin/python" bench/smtp_sink.py "$SMTP_PORT" "$WORK/sink.txt" >"$WORK/sink.log" 2>&1 &
PIDS+=($!)

case $DB in
  sqlite) export RELAIS_DATABASE_URL="sqlite://$WORK/relais.db" ;;
  postgres)
    psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS relais_bench_crisis WITH (FORCE)' -c 'CREATE DATABASE relais_bench_crisis' >/dev/null
    export RELAIS_DATABASE_URL="${RELAIS_BENCH_PG_URL:-$PG/relais_bench_crisis}" ;;
  *) die "usage: bench/crisis.sh [sqlite|postgres]" ;;
esac
export RELAIS_LOG=${RELAIS_LOG:-warn} RELAIS_DISRUPTION_UNDO_MINUTES=0 RELAIS_MAIL_FOLDER="$WORK/mail"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); database: $DB; build: $BUILD"
start=$(date +%s.%N)
RELAIS_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" RELAIS_LISTEN="127.0.0.1:$PORT" RELAIS_PUBLIC_URL="http://127.0.0.1:$PORT" \
  "$RELAIS" demo >"$WORK/demo.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 3000); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break
  kill -0 "${PIDS[-1]}" 2>/dev/null || { tail -20 "$WORK/demo.log"; die "the demo exited"; }
  sleep 0.1
done
echo "demo loaded and serving in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $start}") s"
TOKEN=$("$RELAIS" admin token --email formation@demo.relais.test)
[[ -n ${BEFORE_DRIVER:-} ]] && eval "$BEFORE_DRIVER"
"$VENV/bin/python" bench/crisis_driver.py "http://127.0.0.1:$PORT" "$TOKEN" "$WORK/sink.txt"
