#!/usr/bin/env bash
# The proving ground (issue 4): loads Relais on loopback and checks, from the
# database itself, that nothing was lost, doubled or overbooked.
#
# Usage: bench/proving.sh MODE
#   measure [sqlite|postgres|both]  S0 ceiling, S1 burst, S2 reads on the demo, one
#                                   instance: the figures of docs/performance.md.
#                                   S2 runs right after S1 (label measure), again
#                                   at once (measure-warm), after one audited
#                                   change (measure-changed), and with 1 client
#   s1 sqlite|postgres              S1 alone, with its RESULT line (bench/compare uses it)
#   scaleout                        PostgreSQL, two instances, S1 split over both;
#                                   a session signed in on one is used on the other
#   crash sqlite|postgres           kill -9 an instance in the middle of S1 and
#                                   restart it (PostgreSQL: two instances, one killed)
#   ci                              what .ci/run calls: a short scale-out run and a
#                                   short crash run on PostgreSQL, debug build
# Every run: a fresh database with the demo, AGENTS agents with their own token,
# SESSIONS webinar sessions of CAPACITY seats, an SMTP listener (aiosmtpd) that
# records each Message-ID, `relais-load burst`, then `relais-bench check`; any
# broken invariant or any 5xx fails the script.
#
# Environment: BUILD (release | debug; ci defaults to debug), AGENTS (10000),
#   SESSIONS (50), CAPACITY (100), CONCURRENCY (64), TIME_LIMIT (180 s per run),
#   S2_REQUESTS (9000: S2's requests among CONCURRENCY clients, a third each),
#   KILL_AFTER (seconds into S1 before kill -9, default 1.5), PORT (18712, and the
#   next ones), RELAIS_BENCH_PG (postgres://postgres@127.0.0.1:5432),
#   PG_OPTS (sslmode=disable), KEEP (set: keep the work folder and database),
#   PERF (a file: `perf record -g` of instance a during S1, PERF_SECS seconds, 3;
#   PERF_PHASE=S2: from the start of S2's first 64-client pass instead;
#   PERF_ALL=1: of the whole machine, driver and SMTP listener included;
#   PERF_CALLS='--call-graph dwarf' for whole stacks, PERF_HZ (999)),
#   CARGO_TARGET_DIR, BENCH_VENV (/var/tmp/relais-bench-venv),
#   RELAIS_BIN (another `relais` binary to run, e.g. a copy of an earlier build
#   for an A/B comparison; the driver and checker stay those of this tree),
#   NO_BUILD (set: run the binaries already built, so that the sources can
#   change during a series of A/B runs), RELAIS_LOAD_TRACE (a file: the driver
#   appends one line per S0/S2 request, "scenario label kind began_us took_us",
#   to see when in a run the slow requests came; bench/trace_split.py reads
#   it).
# Only loopback addresses are used; every run is bounded in requests and time.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-}
ARG=${2:-}
case $MODE in
  ci) BUILD=${BUILD:-debug} ;;
  measure | s1 | scaleout | crash) BUILD=${BUILD:-release} ;;
  *)
    sed -n '2,41p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
PG=${RELAIS_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PG_OPTS=${PG_OPTS:-sslmode=disable}
PG_DB=relais_proving
AGENTS=${AGENTS:-10000}
SESSIONS=${SESSIONS:-50}
CAPACITY=${CAPACITY:-100}
CONCURRENCY=${CONCURRENCY:-64}
TIME_LIMIT=${TIME_LIMIT:-180}
KILL_AFTER=${KILL_AFTER:-1.5}
PORT=${PORT:-18712}
SMTP_PORT=$((PORT + 10))
VENV=${BENCH_VENV:-/var/tmp/relais-bench-venv}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
export RELAIS_LOG=${RELAIS_LOG:-warn} LANG=C

PROFILE_FLAG=--release
[[ $BUILD == debug ]] && PROFILE_FLAG=
if [[ -z ${NO_BUILD:-} ]]; then
  # shellcheck disable=SC2086
  cargo build $PROFILE_FLAG --locked -p relais -p relais-bench >/dev/null
fi
BIN=$CARGO_TARGET_DIR/$BUILD
RELAIS=${RELAIS_BIN:-$BIN/relais}
LOAD=$BIN/relais-load
BENCH=$BIN/relais-bench

WORK=$(mktemp -d /tmp/relais-proving.XXXXXX)
SUMMARY=$WORK/summary.txt
: >"$SUMMARY"
declare -A PIDS=()
SINK_PID=
FAILED=0

log() { printf '%s\n' "$*"; }
die() {
  printf 'PROVING FAILED: %s\n' "$*" >&2
  exit 1
}

stop_instance() { # NAME
  local pid=${PIDS[$1]:-}
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  unset "PIDS[$1]"
}

stop_sink() {
  if [[ -n $SINK_PID ]]; then
    kill -TERM "$SINK_PID" 2>/dev/null || true
    wait "$SINK_PID" 2>/dev/null || true
    SINK_PID=
  fi
}

stop_all() {
  local n
  for n in "${!PIDS[@]}"; do stop_instance "$n"; done
  stop_sink
}

drop_pg() { psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true; }

on_exit() {
  local rc=$?
  set +e
  stop_all
  if [[ $rc -ne 0 ]]; then
    for f in "$WORK"/*.log; do
      [[ -f $f ]] || continue
      log "---- last 30 lines of $f ----"
      tail -n 30 "$f"
    done
  fi
  if [[ -n ${KEEP:-} ]]; then
    log "kept $WORK (and the database $PG_DB, if made)"
  else
    drop_pg
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap on_exit EXIT

# The SMTP listener's Python environment, made once per machine.
ensure_venv() {
  if [[ -x $VENV/bin/python ]] && "$VENV/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
    return
  fi
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    command -v apt-get >/dev/null || die "python3 -m venv fails and apt-get is missing"
    apt-get install -y -q python3-venv </dev/null >/dev/null
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q 'aiosmtpd==1.4.6'
}

start_sink() {
  : >"$WORK/sink.txt"
  "$VENV/bin/python" bench/smtp_sink.py "$SMTP_PORT" "$WORK/sink.txt" >"$WORK/sink.log" 2>&1 &
  SINK_PID=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && return
    sleep 0.1
  done
  die "the SMTP listener did not start; see $WORK/sink.log"
}

wait_ready() { # NAME PORT
  local pid=${PIDS[$1]}
  for _ in $(seq 3000); do
    curl -fsS -o /dev/null "http://127.0.0.1:$2/readyz" 2>/dev/null && return
    kill -0 "$pid" 2>/dev/null || die "instance $1 exited before it was ready; see $WORK/$1.log"
    sleep 0.1
  done
  die "instance $1 not ready after 300 s"
}

start_instance() { # NAME PORT COMMAND (demo | serve)
  if curl -s -o /dev/null "http://127.0.0.1:$2/healthz"; then
    die "something already answers on 127.0.0.1:$2; stop it or set PORT"
  fi
  (exec env RELAIS_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" RELAIS_PUBLIC_URL="http://127.0.0.1:$2" \
    "$RELAIS" "$3" --listen "127.0.0.1:$2" >>"$WORK/$1.log" 2>&1) &
  PIDS[$1]=$!
  wait_ready "$1" "$2"
}

sql() { # QUERY: prints rows, columns separated by '|'
  if [[ $BACKEND == sqlite ]]; then
    "$VENV/bin/python" - "$WORK/relais.db" "$1" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30)
for row in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
EOF
  else
    psql "$PG/$PG_DB" -qAtF'|' -c "$1"
  fi
}

fresh_database() { # BACKEND
  BACKEND=$1
  if [[ $BACKEND == sqlite ]]; then
    rm -f "$WORK"/relais.db*
    export RELAIS_DATABASE_URL="sqlite://$WORK/relais.db"
  else
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB" >/dev/null
    export RELAIS_DATABASE_URL="$PG/$PG_DB${PG_OPTS:+?$PG_OPTS}"
  fi
}

# A session signed in on one instance is valid on the other.
check_shared_session() { # PORT_A PORT_B
  local jar=$WORK/cookies.txt csrf page
  rm -f "$jar"
  page=$(curl -fsS -c "$jar" "http://127.0.0.1:$1/login")
  csrf=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -1)
  curl -fsS -o /dev/null -b "$jar" -c "$jar" --data-urlencode "_csrf=$csrf" \
    --data-urlencode "email=agent@demo.relais.test" --data-urlencode "password=relais-demo" \
    --data-urlencode "next=/training/my" "http://127.0.0.1:$1/login"
  local code
  code=$(curl -sS -o "$WORK/other.html" -w '%{http_code}' -b "$jar" "http://127.0.0.1:$2/training/my")
  if [[ $code == 200 ]] && grep -q 'logout' "$WORK/other.html"; then
    log "CHECK session shared by instances  ok      signed in on :$1, served signed in by :$2"
  else
    log "CHECK session shared by instances  FAILED  :$2 answered $code to a session made on :$1"
    FAILED=1
  fi
}

# A fresh database with the demo, served by INSTANCES instances (a, then b).
setup() { # BACKEND INSTANCES
  local backend=$1 instances=$2
  PORT_A=$PORT PORT_B=$((PORT + 1))
  log ""
  log "== $backend, $instances instance(s): loading the demo"
  fresh_database "$backend"
  local t0=$SECONDS
  start_instance a "$PORT_A" demo
  log "demo loaded and instance a ready in $((SECONDS - t0)) s"
  BASES=(--base "http://127.0.0.1:$PORT_A")
  if [[ $instances == 2 ]]; then
    start_instance b "$PORT_B" serve
    BASES+=(--base "http://127.0.0.1:$PORT_B")
    check_shared_session "$PORT_A" "$PORT_B"
  fi
  OFFICER=$("$RELAIS" admin token --email formation@demo.relais.test)
}

run_load() { # OUTPUT-LABEL ARGS…: runs relais-load, keeps its RESULT lines
  "$LOAD" "$@" >"$WORK/out.txt"
  grep -v '^RESULT' "$WORK/out.txt" || true
  grep '^RESULT' "$WORK/out.txt" | sed "s/^RESULT /RESULT backend=$BACKEND /" >>"$SUMMARY" || true
}

# One burst on the instances of `setup`: new agents, new sessions, a new
# SMTP listener file. KILL: 1 to kill -9 instance a in the middle.
burst() { # LABEL KILL MEASURE
  local label=$1 kill=$2 measure=$3 pids=() ids courses
  log ""
  log "== $label: $BACKEND, ${#PIDS[@]} instance(s)$([[ $kill == 1 ]] && echo ", kill -9 after ${KILL_AFTER}s"), $AGENTS agents, $SESSIONS x $CAPACITY seats, $CONCURRENCY clients"
  start_sink
  "$BENCH" tokens --count "$AGENTS" --out "$WORK/tokens.txt" --people "$WORK/people.txt"
  ids=$("$LOAD" "${BASES[@]:0:2}" sessions --token "$OFFICER" --count "$SESSIONS" --capacity "$CAPACITY" \
    --starts-at "$(date -u -d '+30 days' +%Y-%m-%dT09:00:00Z)" --ends-at "$(date -u -d '+30 days' +%Y-%m-%dT11:00:00Z)")
  for p in "${PIDS[@]}"; do pids+=(--watch-pid "$p"); done
  if [[ $measure == 1 ]]; then
    run_load "${BASES[@]}" "${pids[@]}" ceiling --label "$label" --concurrency "$CONCURRENCY" --requests 100000 --time-limit 20
  fi
  local lenient=()
  [[ $kill == 1 ]] && lenient=(--expect-unanswered)
  # Exit 3: a 5xx, or a request without an answer when none was expected.
  local sink_cpu0
  sink_cpu0=$(cpu_ticks "$SINK_PID")
  "$LOAD" "${BASES[@]}" "${pids[@]}" burst --label "$label" --tokens "$WORK/tokens.txt" --sessions "$ids" \
    --answers "$WORK/answers.jsonl" --concurrency "$CONCURRENCY" --time-limit "$TIME_LIMIT" "${lenient[@]}" >"$WORK/out.txt" &
  local driver=$! rc=0
  [[ ${PERF_PHASE:-S1} == S1 ]] && profile
  if [[ $kill == 1 ]]; then
    sleep "$KILL_AFTER"
    log "kill -9 instance a (pid ${PIDS[a]}) in the middle of S1"
    kill -KILL "${PIDS[a]}"
    wait "${PIDS[a]}" 2>/dev/null || true
    local t0=$SECONDS
    start_instance a "$PORT_A" serve
    log "instance a restarted and ready in $((SECONDS - t0)) s"
  fi
  wait "$driver" || rc=$?
  [[ $rc == 0 || $rc == 3 ]] || die "the load driver failed; see above"
  [[ $rc == 3 ]] && FAILED=1
  log "SMTP listener CPU during the burst: $(echo "scale=2; ($(cpu_ticks "$SINK_PID") - $sink_cpu0) / $(getconf CLK_TCK)" | bc) s"
  grep -v '^RESULT' "$WORK/out.txt" || true
  grep '^RESULT' "$WORK/out.txt" | sed "s/^RESULT /RESULT backend=$BACKEND /" >>"$SUMMARY"
  local allow=0
  [[ $kill == 1 ]] && allow=64
  "$BENCH" check --answers "$WORK/answers.jsonl" --people "$WORK/people.txt" --sessions "$ids" \
    --sink "$WORK/sink.txt" --wait 180 --allow-redelivered "$allow" || FAILED=1
  if [[ $measure == 1 ]]; then
    courses=$(sql "SELECT c.id FROM courses c WHERE EXISTS (SELECT 1 FROM training_sessions s WHERE s.course_id = c.id) ORDER BY c.id LIMIT 200" | paste -sd,)
    head -n 2000 "$WORK/tokens.txt" >"$WORK/feed-tokens.txt"
    [[ ${PERF_PHASE:-S1} == S2 ]] && profile
    local reads=(reads --email agent@demo.relais.test --password relais-demo --tokens "$WORK/feed-tokens.txt"
      --courses "$courses" --time-limit 60)
    local many=(--concurrency "$CONCURRENCY" --requests "${S2_REQUESTS:-9000}")
    # Right after the burst: the kept pages are stale, and PostgreSQL meets
    # S2's statements on connections that have not run them yet.
    run_load "${BASES[@]}" "${pids[@]}" "${reads[@]}" "${many[@]}" --label "$label"
    # Once more at once: kept pages and connections warm, as on an
    # instance that has been up a while and sees no change.
    run_load "${BASES[@]}" "${pids[@]}" "${reads[@]}" "${many[@]}" --label "$label-warm"
    # After one audited change (an agent withdraws): connections
    # warm, every kept page read again, as after any change.
    change_once
    run_load "${BASES[@]}" "${pids[@]}" "${reads[@]}" "${many[@]}" --label "$label-changed"
    run_load "${BASES[@]:0:2}" "${pids[@]}" "${reads[@]}" --concurrency 1 --requests 1500 --label "$label-1client"
  fi
  stop_sink
  if grep -qiE 'panic| ERROR ' "$WORK"/[ab].log; then
    log "server log lines with errors:"
    grep -iE 'panic| ERROR ' "$WORK"/[ab].log | head -20 | sed 's/^/  /'
  fi
}

# One audited change through the API: the last agent S1 put on a waitlist
# withdraws (far down its waitlist, so most likely still waiting), or, when
# S1 filled no waitlist, the last one it confirmed who has not cancelled.
change_once() {
  local agent='' reg='' token status
  read -r agent reg < <("$VENV/bin/python" - "$WORK/answers.jsonl" <<'EOF'
import json, sys
answers = [json.loads(line) for line in open(sys.argv[1])]
cancelled = {a["reg"] for a in answers if a["op"] == "cancel"}
registered = [a for a in answers if a["op"] == "register" and a.get("reg") not in cancelled | {None}]
for status in ("waitlisted", "confirmed"):
    mine = [a for a in registered if a.get("status") == status]
    if mine:
        print(mine[-1]["agent"], mine[-1]["reg"])
        break
EOF
  ) || true
  [[ -n $reg ]] || die "S1 left no registration to withdraw"
  token=$(sed -n "$((agent + 1))p" "$WORK/tokens.txt")
  status=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: Bearer $token" \
    "${BASES[1]}/api/v1/registrations/$reg") || status=000
  [[ $status == 200 ]] || die "withdrawing registration $reg answered $status"
  log "registration $reg withdrawn: every kept page is read again"
}

# With PERF set: `perf record` of instance a (or, PERF_ALL, of the whole
# machine) for PERF_SECS seconds, in the background from now.
profile() {
  [[ -n ${PERF:-} ]] || return 0
  local who=(-p "${PIDS[a]}")
  [[ -n ${PERF_ALL:-} ]] && who=(-a)
  # shellcheck disable=SC2086
  perf record -F "${PERF_HZ:-999}" ${PERF_CALLS:--g} "${who[@]}" -o "$PERF" -- sleep "${PERF_SECS:-3}" >/dev/null 2>&1 &
}

# User plus system CPU time of a process, in clock ticks.
cpu_ticks() { # PID
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  stat=${stat##*) }
  awk '{print $12 + $13}' <<<"$stat"
}

field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

table() {
  log ""
  log "| backend | scenario | label | op | requests | throughput/s | × S0 | p50 ms | p95 ms | p99 ms | max ms | server RSS MiB | statuses |"
  log "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  local line ceiling rps ratio
  while read -r line; do
    [[ $line == RESULT* ]] || continue
    rps=$(field rps "$line")
    ceiling=$(grep "^RESULT backend=$(field backend "$line") scenario=S0 label=$(field label "$line") " "$SUMMARY" | head -1 || true)
    ratio=-
    if [[ -n $ceiling ]]; then ratio=$(echo "scale=3; $rps / $(field rps "$ceiling")" | bc); fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
      "$(field backend "$line")" "$(field scenario "$line")" "$(field label "$line")" "$(field op "$line")" \
      "$(field requests "$line")" "$rps" "$ratio" "$(field p50_ms "$line")" "$(field p95_ms "$line")" \
      "$(field p99_ms "$line")" "$(field max_ms "$line")" "$(field rss_mib "$line")" "$(field statuses "$line")"
  done <"$SUMMARY"
}

ensure_venv
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r); build: $BUILD; date: $(date -u +%Y-%m-%dT%H:%MZ)"

case $MODE in
  measure)
    for b in $([[ ${ARG:-both} == both ]] && echo sqlite postgres || echo "$ARG"); do
      [[ $b == sqlite || $b == postgres ]] || die "measure takes sqlite, postgres or both"
      setup "$b" 1
      burst measure 0 1
      stop_all
    done
    ;;
  s1)
    [[ $ARG == sqlite || $ARG == postgres ]] || die "s1 takes sqlite or postgres"
    setup "$ARG" 1
    burst S1 0 0
    stop_all
    grep 'op=register' "$SUMMARY"
    ;;
  scaleout)
    setup postgres 2
    burst scaleout 0 0
    ;;
  crash)
    case $ARG in
      sqlite) setup sqlite 1 ;;
      postgres) setup postgres 2 ;;
      *) die "crash takes sqlite or postgres" ;;
    esac
    burst crash 1 0
    ;;
  ci)
    AGENTS=${CI_AGENTS:-4000} SESSIONS=${CI_SESSIONS:-40} CAPACITY=${CI_CAPACITY:-50}
    setup postgres 2
    burst scaleout 0 0
    burst crash 1 0
    ;;
esac
stop_all

table
if [[ $FAILED != 0 ]]; then
  die "an invariant broke or a request failed; see the CHECK lines above"
fi
log ""
log "PROVING PASSED ($MODE)"
