#!/usr/bin/env bash
# Registrations under load, on SQLite then PostgreSQL, with a release build:
#   1. starts `relais demo` (15,000 people, ~400 sessions) in a temporary folder,
#      on a loopback port;
#   2. gives ACCOUNTS demo people a password and an API token (the CLI, two at a time);
#   3. reads the catalogue page (/training, signed in as agent@demo.relais.test)
#      and /api/v1/sessions?open=true, with the demo's sessions;
#   4. as the training officer, creates 50 webinar sessions of 100 seats;
#   5. CONCURRENCY clients POST /api/v1/sessions/{id}/registrations, REQUESTS in
#      all (no (person, session) pair twice), then the first 1,000 of them again (409s);
#   6. checks in the database that no session holds more seats than its capacity
#      nor has a waitlist beside a free seat, that nobody is registered twice,
#      that the database agrees with the 201 answers, and that the audit chain is
#      intact; then counts the notices still waiting for the mail worker.
# Everything stays on 127.0.0.1, and every run is bounded in requests and time.
# Usage: bench/registrations.sh [sqlite|postgres|both]
# Environment: RELAIS_BENCH_PG (default postgres://postgres@127.0.0.1:5432),
#   ACCOUNTS (1000), CONCURRENCY (64), REQUESTS (6000), TIME_LIMIT (seconds per run, 180),
#   PORT (18712), KEEP (set: keep the temporary folder and the PostgreSQL database),
#   PG_OPTS (query string added to the server's PostgreSQL URL, e.g. sslmode=disable).
# The CLI that makes the accounts reaches PostgreSQL with sslmode=disable: over
# loopback a TLS handshake costs it ~0.2 s a call, and it makes 2,000 calls.
set -euo pipefail
cd "$(dirname "$0")/.."
WHICH=${1:-both}
PG=${RELAIS_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
ACCOUNTS=${ACCOUNTS:-1000}
CONCURRENCY=${CONCURRENCY:-64}
REQUESTS=${REQUESTS:-6000}
TIME_LIMIT=${TIME_LIMIT:-180}
PORT=${PORT:-18712}
PG_OPTS=${PG_OPTS:-}
SESSIONS=50
CAPACITY=100
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --locked -p relais -p relais-bench >/dev/null
BIN=$CARGO_TARGET_DIR/release
RELAIS=$BIN/relais
LOAD=$BIN/relais-load
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d)
SERVER=
PG_MADE=
stop_server() {
  if [[ -n $SERVER ]] && kill -0 "$SERVER" 2>/dev/null; then
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
  fi
  SERVER=
}
# KEEP=1 keeps the folder (databases, server logs, tokens) and prints where it is.
drop_pg() {
  if [[ -n $PG_MADE ]]; then psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS relais_bench_reg' >/dev/null || true; fi
}
if [[ -n ${KEEP:-} ]]; then
  trap 'stop_server; echo "kept $WORK (and the database relais_bench_reg, if made)"' EXIT
else
  trap 'stop_server; drop_pg; rm -rf "$WORK"' EXIT
fi
export RELAIS_LOG=warn LANG=C

if curl -s -o /dev/null "$BASE/readyz"; then
  echo "something already answers on $BASE; set PORT" >&2
  exit 1
fi

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
echo "date: $(date -u +%Y-%m-%d)"
busy() { # percentage of all cores busy over 2 s (anything else running shares them)
  local a b
  read -ra a </proc/stat
  sleep 2
  read -ra b </proc/stat
  local total=0 idle i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  idle=$((b[4] - a[4] + b[5] - a[5]))
  echo "$((100 * (total - idle) / (total > 0 ? total : 1)))%"
}
echo "CPU busy before the runs: $(busy)"
echo "accounts: $ACCOUNTS, concurrency: $CONCURRENCY, requests: $REQUESTS, sessions: $SESSIONS x $CAPACITY seats"

SUMMARY=$WORK/summary.txt
: >"$SUMMARY"

# sql BACKEND QUERY: prints rows, columns separated by '|'.
sql() {
  if [[ $1 == sqlite ]]; then
    python3 - "$DIR/relais-demo.db" "$2" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30)
for row in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
EOF
  else
    psql "$PG/relais_bench_reg" -qAtF'|' -c "$2"
  fi
}

# cpu_ticks PID…: user + system clock ticks used so far by these processes.
cpu_ticks() {
  local t=0 p n
  for p in "$@"; do
    n=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null) || n=0
    t=$((t + ${n:-0}))
  done
  echo "$t"
}
TICK=$(getconf CLK_TCK)

# field NAME LINE: the value of NAME=… in a RESULT line.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

run_load() { # BACKEND ARGS…: runs relais-load, shows its output, keeps its RESULT line
  local backend=$1
  shift
  local out
  out=$("$LOAD" --base "$BASE" "$@")
  echo "$out" | sed 's/^/  /'
  echo "$out" | sed -n "s/^RESULT /RESULT backend=$backend /p" >>"$SUMMARY"
}

bench() { # BACKEND
  local backend=$1 start ids tokens officer ready emails cli_url pg_pids=()
  DIR=$WORK/$backend
  mkdir -p "$DIR"
  if [[ $backend == sqlite ]]; then
    export RELAIS_DATABASE_URL="sqlite://$DIR/relais-demo.db"
    cli_url=$RELAIS_DATABASE_URL
  else
    psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS relais_bench_reg' -c 'CREATE DATABASE relais_bench_reg' >/dev/null 2>&1
    PG_MADE=1
    export RELAIS_DATABASE_URL="$PG/relais_bench_reg${PG_OPTS:+?$PG_OPTS}"
    cli_url="$PG/relais_bench_reg?sslmode=disable"
    echo "server database: $RELAIS_DATABASE_URL"
  fi
  echo
  echo "== $backend"
  start=$(date +%s)
  (cd "$DIR" && exec "$RELAIS" demo --listen "127.0.0.1:$PORT" >demo.log 2>&1) &
  SERVER=$!
  ready=
  for _ in $(seq 3000); do
    if curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null; then ready=1; break; fi
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z $ready ]]; then
    echo "relais demo did not get ready; its log:" >&2
    cat "$DIR/demo.log" >&2
    exit 1
  fi
  echo "demo loaded and ready in $(($(date +%s) - start)) s"

  # Accounts and tokens for ACCOUNTS people who have none yet.
  emails=$DIR/emails.txt
  tokens=$DIR/tokens.txt
  sql "$backend" "SELECT email FROM people p WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id) ORDER BY id LIMIT $ACCOUNTS" >"$emails"
  start=$(date +%s)
  # shellcheck disable=SC2016
  RELAIS_DATABASE_URL=$cli_url xargs -P2 -I{} sh -c 'echo "bench-password-0123" | "$0" admin create-user --email "$1" >/dev/null && "$0" admin token --email "$1" >>"$2"' \
    "$RELAIS" {} "$tokens" <"$emails"
  echo "$(wc -l <"$tokens") accounts with a token in $(($(date +%s) - start)) s"
  officer=$("$RELAIS" admin token --email formation@demo.relais.test)

  echo "catalogue, with the demo's $(sql "$backend" 'SELECT COUNT(*) FROM training_sessions') sessions:"
  run_load "$backend" read --label "catalogue-1" --path /training --email agent@demo.relais.test --password relais-demo \
    --concurrency 1 --requests 500 --time-limit 60
  run_load "$backend" read --label "catalogue-$CONCURRENCY" --path /training --email agent@demo.relais.test --password relais-demo \
    --concurrency "$CONCURRENCY" --requests 3000 --time-limit 60
  run_load "$backend" read --label "api-open-sessions-$CONCURRENCY" --path '/api/v1/sessions?open=true' --token "$officer" \
    --concurrency "$CONCURRENCY" --requests 3000 --time-limit 60

  ids=$("$LOAD" --base "$BASE" sessions --token "$officer" --count $SESSIONS --capacity $CAPACITY \
    --starts-at "$(date -u -d '+30 days' +%Y-%m-%dT09:00:00Z)" --ends-at "$(date -u -d '+30 days' +%Y-%m-%dT11:00:00Z)")
  echo "created sessions $ids"

  echo "registrations:"
  [[ $backend == postgres ]] && mapfile -t pg_pids < <(pgrep -x postgres)
  local t0 c0 g0 wall
  t0=$(date +%s%N) c0=$(cpu_ticks "$SERVER") g0=$(cpu_ticks "${pg_pids[@]}")
  run_load "$backend" register --label "register" --tokens "$tokens" --sessions "$ids" \
    --concurrency "$CONCURRENCY" --requests "$REQUESTS" --time-limit "$TIME_LIMIT"
  wall=$((($(date +%s%N) - t0) / 10000000))
  echo "  CPU during that run, in seconds: relais $(echo "scale=2; ($(cpu_ticks "$SERVER") - $c0) / $TICK" | bc)," \
    "postgres $(echo "scale=2; ($(cpu_ticks "${pg_pids[@]}") - $g0) / $TICK" | bc)," \
    "over $(echo "scale=2; $wall / 100" | bc) s of wall time on $(nproc) cores"
  run_load "$backend" register --label "register-again" --tokens "$tokens" --sessions "$ids" \
    --concurrency "$CONCURRENCY" --requests $((REQUESTS < 1000 ? REQUESTS : 1000)) --time-limit "$TIME_LIMIT"

  echo "invariants, from the database:"
  local row n cap conf wait over worst idle dups verdict
  row=$(sql "$backend" "WITH c AS (
      SELECT s.id, s.capacity,
        SUM(CASE WHEN r.status IN ('confirmed', 'offered') THEN 1 ELSE 0 END) AS held,
        SUM(CASE WHEN r.status = 'confirmed' THEN 1 ELSE 0 END) AS confirmed,
        SUM(CASE WHEN r.status = 'waitlisted' THEN 1 ELSE 0 END) AS waitlisted
      FROM training_sessions s LEFT JOIN registrations r ON r.session_id = s.id
      WHERE s.id IN ($ids) GROUP BY s.id, s.capacity)
    SELECT COUNT(*), SUM(capacity), SUM(confirmed), SUM(waitlisted),
      SUM(CASE WHEN held > capacity THEN 1 ELSE 0 END), MAX(held - capacity),
      SUM(CASE WHEN waitlisted > 0 AND held < capacity THEN 1 ELSE 0 END)
    FROM c")
  IFS='|' read -r n cap conf wait over worst idle <<<"$row"
  dups=$(sql "$backend" "SELECT COUNT(*) FROM (SELECT session_id, person_id FROM registrations
      WHERE session_id IN ($ids) AND status NOT IN ('cancelled', 'refused')
      GROUP BY session_id, person_id HAVING COUNT(*) > 1) d")
  echo "  $n sessions, $cap seats: $conf confirmed, $wait waitlisted"
  echo "  sessions holding more seats than their capacity: $over (largest seats held minus capacity: $worst)"
  echo "  sessions with a waitlist and a free seat: $idle"
  echo "  people registered twice for a session: $dups"
  local told
  told=$(grep "^RESULT backend=$backend label=register" "$SUMMARY" | tr ' ' '\n' | sed -n 's/^outcomes=//p' | tr ',' '\n' |
    awk -F: 'NF == 2 { n[$1] += $2 } END { for (k in n) printf "%s %s ", n[k], k }')
  echo "  201 answers of both runs said: ${told:-nothing}"
  local told_conf told_wait
  told_conf=$(awk '{ for (i = 1; i < NF; i += 2) if ($(i + 1) == "confirmed") print $i }' <<<"$told")
  told_wait=$(awk '{ for (i = 1; i < NF; i += 2) if ($(i + 1) == "waitlisted") print $i }' <<<"$told")
  echo "  audit: $(RELAIS_DATABASE_URL=$cli_url "$RELAIS" audit verify 2>&1)"
  verdict=ok
  if [[ $over != 0 || $dups != 0 || $idle != 0 ]]; then verdict=VIOLATED; fi
  if [[ ${told_conf:-0} != "$conf" || ${told_wait:-0} != "$wait" ]]; then
    echo "  the database and the 201 answers disagree"
    verdict=VIOLATED
  fi
  echo "  invariant check: $verdict"
  echo "CHECK backend=$backend verdict=$verdict over=$over dups=$dups idle=$idle confirmed=$conf waitlisted=$wait seats=$cap" >>"$SUMMARY"
  local q0 q1
  q0=$(sql "$backend" "SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND state = 'queued'")
  sleep 10
  q1=$(sql "$backend" "SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND state = 'queued'")
  echo "  notices still to mail after the runs: $q0; the job worker sent $((q0 - q1)) in the next 10 s"
  if grep -qi 'panic\|error' "$DIR/demo.log"; then
    echo "  server log has errors:"
    grep -i 'panic\|error' "$DIR/demo.log" | head -20 | sed 's/^/    /'
  fi
  stop_server
  unset RELAIS_DATABASE_URL
}

case $WHICH in
  sqlite) bench sqlite ;;
  postgres) bench postgres ;;
  both)
    bench sqlite
    if psql "$PG/postgres" -qc 'SELECT 1' >/dev/null 2>&1; then
      bench postgres
    else
      echo "postgresql: not reachable at $PG, skipped"
    fi
    ;;
  *) echo "usage: bench/registrations.sh [sqlite|postgres|both]" >&2; exit 2 ;;
esac

echo
echo "| backend | run | clients | requests | throughput/s | p50 ms | p95 ms | p99 ms | max ms | statuses | 201 bodies |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
while read -r line; do
  [[ $line == RESULT* ]] || continue
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
    "$(field backend "$line")" "$(field label "$line")" "$(field concurrency "$line")" "$(field requests "$line")" \
    "$(field rps "$line")" "$(field p50_ms "$line")" "$(field p95_ms "$line")" "$(field p99_ms "$line")" \
    "$(field max_ms "$line")" "$(field statuses "$line")" "$(field outcomes "$line")"
done <"$SUMMARY"
echo
grep '^CHECK' "$SUMMARY" | sed 's/^CHECK /invariants: /'
echo "CPU busy after the runs: $(busy)"
