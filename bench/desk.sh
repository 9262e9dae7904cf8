#!/usr/bin/env bash
# The IT desk's figures in docs/performance.md ("IT service desk"), release build, loopback only:
#   1. knowledge-base search over 10,000 articles, SQLite then PostgreSQL (p99 goal: 10 ms);
#   2. ticket creation through POST /api/v1/tickets, 64 clients, on `relais serve`, SQLite then PostgreSQL;
#   3. `relais mailgate`, one process per message (goal: 100 messages/s), SQLite then PostgreSQL.
# Usage: bench/desk.sh   (PostgreSQL from RELAIS_BENCH_PG, default postgres://postgres@127.0.0.1:5432)
# Knobs: PARTS="kb tickets mailgate" ARTICLES=10000 QUERIES=2000 REQUESTS=5000 CONCURRENCY=64 MESSAGES=1000 PARALLEL=2 PORT=18791
set -euo pipefail
cd "$(dirname "$0")/.."
PG=${RELAIS_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
ARTICLES=${ARTICLES:-10000} QUERIES=${QUERIES:-2000} REQUESTS=${REQUESTS:-5000} CONCURRENCY=${CONCURRENCY:-64}
MESSAGES=${MESSAGES:-1000} PARALLEL=${PARALLEL:-2} PORT=${PORT:-18791} ACCOUNTS=${ACCOUNTS:-200}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --locked -p relais -p relais-bench >/dev/null
BIN=$CARGO_TARGET_DIR/release
WORK=$(mktemp -d)
SERVER=
cleanup() { [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export RELAIS_LOG=warn LANG=C
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"

PARTS=${PARTS:-kb tickets mailgate}
if [[ " $PARTS " == *" kb "* ]]; then
echo "== knowledge-base search, SQLite"
"$BIN/relais-desk-bench" kb "sqlite://$WORK/kb.db" --articles "$ARTICLES" --queries "$QUERIES"
if psql "$PG/postgres" -qc 'SELECT 1' >/dev/null 2>&1; then
  echo "== knowledge-base search, PostgreSQL"
  psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS relais_bench_desk' -c 'CREATE DATABASE relais_bench_desk' >/dev/null
  "$BIN/relais-desk-bench" kb "$PG/relais_bench_desk" --articles "$ARTICLES" --queries "$QUERIES"
fi

fi

# Ticket creation on `relais serve` over one backend: DB-URL LABEL COUNT-COMMAND…
tickets_on() {
  local url=$1 label=$2
  shift 2
  echo "== ticket creation, $label, $CONCURRENCY clients"
  export RELAIS_DATABASE_URL=$url
  "$BIN/relais" import units "$WORK/people/units.csv" >/dev/null
  "$BIN/relais" import people "$WORK/people/people.csv" >/dev/null
  : >"$WORK/tokens"
  while read -r email; do
    # A token acts for a person with an account.
    echo "bench password $RANDOM$RANDOM" | "$BIN/relais" admin create-user --email "$email" >/dev/null
    "$BIN/relais" admin token --email "$email" --expires 1 >>"$WORK/tokens"
  done <"$WORK/emails"
  "$BIN/relais" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 300); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  "$BIN/relais-desk-bench" tickets --base "http://127.0.0.1:$PORT" --tokens "$WORK/tokens" --concurrency "$CONCURRENCY" --requests "$REQUESTS"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
  echo "tickets in the database: $("$@")"
  unset RELAIS_DATABASE_URL
}

if [[ " $PARTS " == *" tickets "* ]]; then
"$BIN/relais-bench" gen "$WORK/people" 1000 >/dev/null
cut -d';' -f2 "$WORK/people/people.csv" | sed -n "2,$((ACCOUNTS + 1))p" >"$WORK/emails"
tickets_on "sqlite://$WORK/tickets.db" SQLite \
  python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM desk_tickets').fetchone()[0])" "$WORK/tickets.db"
if psql "$PG/postgres" -qc 'SELECT 1' >/dev/null 2>&1; then
  psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS relais_bench_tickets' -c 'CREATE DATABASE relais_bench_tickets' >/dev/null
  tickets_on "$PG/relais_bench_tickets?sslmode=disable" "PostgreSQL" \
    psql "$PG/relais_bench_tickets" -tAc 'SELECT COUNT(*) FROM desk_tickets'
fi
fi

if [[ " $PARTS " == *" mailgate "* ]]; then
echo "== relais mailgate, one process per message, SQLite"
"$BIN/relais" --version >/dev/null
RELAIS_DATABASE_URL="sqlite://$WORK/mail.db" "$BIN/relais" migrate >/dev/null
"$BIN/relais-desk-bench" mailgate --relais "$BIN/relais" "sqlite://$WORK/mail.db" --messages "$MESSAGES" --parallel 1
"$BIN/relais-desk-bench" mailgate --relais "$BIN/relais" "sqlite://$WORK/mail.db" --messages "$MESSAGES" --parallel "$PARALLEL"
if psql "$PG/postgres" -qc 'SELECT 1' >/dev/null 2>&1; then
  echo "== relais mailgate, one process per message, PostgreSQL"
  psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS relais_bench_mail' -c 'CREATE DATABASE relais_bench_mail' >/dev/null
  RELAIS_DATABASE_URL="$PG/relais_bench_mail" "$BIN/relais" migrate >/dev/null
  "$BIN/relais-desk-bench" mailgate --relais "$BIN/relais" "$PG/relais_bench_mail" --messages "$MESSAGES" --parallel "$PARALLEL"
fi
fi
