#!/usr/bin/env bash
# The S1 registration burst against pretix's order API and against Relais, in one
# run, and the ratio of their throughputs (issue 4, item 8).
#
# Usage: bench/compare/pretix.sh [all|install|start|burst|check|stop|relais|ratio|reset]
#   all (default)  install, start, burst, check, stop, then Relais' S1, then the ratio
#   install        venv + pretix from PyPI, redis if missing, database, migrations,
#                  organizer, team and API token (idempotent; the first time ~6 min)
#   start          redis (own instance), celery worker, gunicorn, on 127.0.0.1
#   burst          a fresh event (ITEMS products, one quota of SEATS each), the plan
#                  of BUYERS orders, the load driver, then `check` on that event
#   check [SLUG]   counts from pretix's database: orders, positions per quota, oversold
#   stop           stops what `start` started (by pid files)
#   relais         Relais' S1 on SQLite (bench/proving.sh s1 sqlite)
#   ratio          prints the last pretix and Relais RESULT lines and their ratio
#   reset          stop, then drop the pretix database (the next install recreates it)
#
# pretix is AGPL-licensed: it is installed into PRETIX_HOME, outside the repository,
# and none of its code is ever committed here. Only loopback is loaded, and every
# burst is bounded by REQUESTS and TIME_LIMIT.
#
# Environment (defaults in brackets):
#   PRETIX_HOME [/var/tmp/relais-pretix]  venv, pretix.cfg, data dir, redis dir, runs/
#   PRETIX_VERSION [2026.8.0]    PORT [18790] (gunicorn)    REDIS_PORT [6391]
#   PG_HOST [127.0.0.1] PG_PORT [5432] PG_USER [postgres] PG_DB [pretix_bench]
#   WORKERS [3]      gunicorn sync workers (pretix's docs run gunicorn sync workers)
#   CELERY [worker]  worker: a celery worker with CELERY_CONCURRENCY [1] processes, as
#                    pretix recommends for production; eager: no broker, tasks run
#                    inside the web request (pretix's fallback without [celery])
#   BUYERS [10000] ITEMS [50] SEATS [100] CONCURRENCY [64]
#   REQUESTS [BUYERS]   TIME_LIMIT [2400] seconds for the pretix burst
#   REQUEST_TIMEOUT [120] seconds before the driver gives up on one request (64 clients
#                    queue behind a few sync workers, so waits are long)
#   RELAIS_LOAD [/var/tmp/relais-target/release/relais-load] (needs its `replay`)
#   DRIVER [auto]    rust: relais-load replay; python: replay_fallback.py; auto: rust
#                    when relais-load knows `replay`, else python (said in the output)
#   RELAIS_CMD ["bench/proving.sh s1 sqlite"]  the Relais side; SKIP_RELAIS=1 skips it
#   KEEP_RUNNING=1   `all` leaves pretix running afterwards
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PRETIX_HOME=${PRETIX_HOME:-/var/tmp/relais-pretix}
PRETIX_VERSION=${PRETIX_VERSION:-2026.8.0}
PORT=${PORT:-18790}
REDIS_PORT=${REDIS_PORT:-6391}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
PG_DB=${PG_DB:-pretix_bench}
WORKERS=${WORKERS:-3}
CELERY=${CELERY:-worker}
CELERY_CONCURRENCY=${CELERY_CONCURRENCY:-1}
BUYERS=${BUYERS:-10000}
ITEMS=${ITEMS:-50}
SEATS=${SEATS:-100}
CONCURRENCY=${CONCURRENCY:-64}
REQUESTS=${REQUESTS:-$BUYERS}
TIME_LIMIT=${TIME_LIMIT:-2400}
REQUEST_TIMEOUT=${REQUEST_TIMEOUT:-120}
RELAIS_LOAD=${RELAIS_LOAD:-/var/tmp/relais-target/release/relais-load}
DRIVER=${DRIVER:-auto}
RELAIS_CMD=${RELAIS_CMD:-bench/proving.sh s1 sqlite}
ORG=relais
VENV=$PRETIX_HOME/venv
PY=$VENV/bin/python
CFG=$PRETIX_HOME/pretix.cfg
RUN=$PRETIX_HOME/run
BASE=http://127.0.0.1:$PORT
export PRETIX_CONFIG_FILE=$CFG
PSQL=(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -v ON_ERROR_STOP=1 -qAt)

say() { printf '== %s\n' "$*" >&2; }

# ---------------------------------------------------------------- install
write_cfg() {
  mkdir -p "$PRETIX_HOME/data" "$PRETIX_HOME/redis" "$RUN" "$PRETIX_HOME/runs"
  {
    cat <<EOF
; written by bench/compare/pretix.sh; rewritten at every install/start
[pretix]
instance_name=Relais comparison bench
url=$BASE
currency=EUR
datadir=$PRETIX_HOME/data
[locale]
default=en
timezone=Europe/Paris
[database]
backend=postgresql
name=$PG_DB
user=$PG_USER
host=$PG_HOST
port=$PG_PORT
[redis]
location=redis://127.0.0.1:$REDIS_PORT/0
sessions=true
[mail]
from=bench@relais.invalid
host=127.0.0.1
port=2525
[django]
debug=off
EOF
    if [[ $CELERY == worker ]]; then
      printf '[celery]\nbackend=redis://127.0.0.1:%s/1\nbroker=redis://127.0.0.1:%s/2\n' "$REDIS_PORT" "$REDIS_PORT"
    fi
  } >"$CFG"
}

ensure_system() {
  local need=()
  command -v redis-server >/dev/null || need+=(redis-server)
  command -v psql >/dev/null || need+=(postgresql-client)
  python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
  if ((${#need[@]})); then
    say "apt-get install ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

install() {
  ensure_system
  write_cfg
  if ! "$PY" -c "import pretix, sys; sys.exit(pretix.__version__ != '$PRETIX_VERSION')" 2>/dev/null; then
    say "installing pretix $PRETIX_VERSION into $VENV (outside the repository)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip wheel
    "$VENV/bin/pip" install -q "pretix==$PRETIX_VERSION" gunicorn
  fi
  start_redis
  if [[ -z $("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") ]]; then
    "${PSQL[@]}" -d postgres -c "CREATE DATABASE $PG_DB"
  fi
  say "pretix migrate (the first time takes minutes)"
  "$PY" -m pretix migrate --noinput >"$PRETIX_HOME/migrate.log" 2>&1 || {
    tail -20 "$PRETIX_HOME/migrate.log"
    exit 1
  }
  token >/dev/null
  say "pretix $("$PY" -c 'import pretix; print(pretix.__version__)') installed in $VENV"
}

token() {
  if [[ ! -s $PRETIX_HOME/token ]]; then
    "$PY" "$HERE/pretix_bootstrap.py" "$ORG" 2>/dev/null | tail -1 >"$PRETIX_HOME/token.new"
    mv "$PRETIX_HOME/token.new" "$PRETIX_HOME/token"
  fi
  cat "$PRETIX_HOME/token"
}

# ---------------------------------------------------------------- start/stop
alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_redis() {
  mkdir -p "$PRETIX_HOME/redis" "$RUN"
  if ! alive "$RUN/redis.pid"; then
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
      --dir "$PRETIX_HOME/redis" --daemonize yes --pidfile "$RUN/redis.pid" \
      --logfile "$PRETIX_HOME/redis/redis.log"
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  redis-cli -p "$REDIS_PORT" ping >/dev/null
}

start() {
  write_cfg
  start_redis
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
  # The programs daemonize themselves and write their own pid files, so that
  # `stop` ends exactly the processes `start` started.
  if [[ $CELERY == worker ]] && ! alive "$RUN/celery.pid"; then
    (cd "$PRETIX_HOME" && "$VENV/bin/celery" -A pretix.celery_app worker --detach -l warning \
      --concurrency "$CELERY_CONCURRENCY" --pidfile "$RUN/celery.pid" --logfile "$PRETIX_HOME/celery.log")
  fi
  if ! alive "$RUN/gunicorn.pid"; then
    if curl -s -o /dev/null "$BASE/"; then
      echo "port $PORT is already served by something this script did not start" >&2
      exit 1
    fi
    # pretix's own systemd unit runs gunicorn this way (sync workers, max-requests).
    "$VENV/bin/gunicorn" pretix.wsgi --name pretix --chdir "$PRETIX_HOME" --daemon \
      --pid "$RUN/gunicorn.pid" --error-logfile "$PRETIX_HOME/gunicorn.log" \
      --workers "$WORKERS" --bind "127.0.0.1:$PORT" --max-requests 1200 \
      --max-requests-jitter 50 --log-level warning
  fi
  for _ in $(seq 120); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthcheck/" || true) == 200 ]] && break
    sleep 0.5
  done
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthcheck/") == 200 ]] || {
    tail -20 "$PRETIX_HOME/gunicorn.log"
    exit 1
  }
  say "pretix on $BASE: gunicorn $WORKERS sync workers, celery $CELERY$([[ $CELERY == worker ]] && echo " ($CELERY_CONCURRENCY process)")"
}

stop_pid() {
  local f=$RUN/$1.pid
  if alive "$f"; then
    local pid
    pid=$(cat "$f")
    kill -TERM "$pid"
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$f"
}

stop() {
  stop_pid gunicorn
  stop_pid celery
  stop_pid redis
  say "pretix stopped"
}

# ---------------------------------------------------------------- burst/check
driver_kind() {
  case $DRIVER in
    rust | python) echo "$DRIVER" ;;
    *) if [[ -x $RELAIS_LOAD ]] && "$RELAIS_LOAD" replay --help >/dev/null 2>&1; then echo rust; else echo python; fi ;;
  esac
}

check() {
  local slug=$1
  local ev
  ev=$("${PSQL[@]}" -d "$PG_DB" -c "SELECT e.id FROM pretixbase_event e JOIN pretixbase_organizer o ON o.id = e.organizer_id WHERE o.slug = '$ORG' AND e.slug = '$slug'")
  [[ -n $ev ]] || { echo "no event $slug" >&2; return 1; }
  local orders positions oversold emails
  orders=$("${PSQL[@]}" -d "$PG_DB" -c "SELECT count(*) FILTER (WHERE status = 'p') || ' paid, ' || count(*) FILTER (WHERE status = 'n') || ' pending, ' || count(*) FILTER (WHERE status NOT IN ('p', 'n')) || ' other' FROM pretixbase_order WHERE event_id = $ev")
  positions=$("${PSQL[@]}" -d "$PG_DB" -c "SELECT count(*) FROM pretixbase_orderposition p JOIN pretixbase_order o ON o.id = p.order_id WHERE o.event_id = $ev AND o.status IN ('p', 'n') AND NOT p.canceled")
  # Seats taken per quota against its size: a quota counts its items' positions
  # in paid and pending orders.
  oversold=$("${PSQL[@]}" -d "$PG_DB" -c "
    SELECT count(*) FILTER (WHERE taken > size) || ' quotas over size, ' || coalesce(sum(taken), 0) || ' seats taken of ' || coalesce(sum(size), 0) || ', ' || count(*) FILTER (WHERE taken = size) || ' quotas full'
    FROM (SELECT q.id, q.size, count(p.id) AS taken
          FROM pretixbase_quota q
          JOIN pretixbase_quota_items qi ON qi.quota_id = q.id
          LEFT JOIN pretixbase_orderposition p ON p.item_id = qi.item_id AND NOT p.canceled
            AND p.order_id IN (SELECT id FROM pretixbase_order WHERE event_id = $ev AND status IN ('p', 'n'))
          WHERE q.event_id = $ev GROUP BY q.id, q.size) t")
  local over
  over=$("${PSQL[@]}" -d "$PG_DB" -c "
    SELECT count(*) FROM (SELECT q.id FROM pretixbase_quota q
      JOIN pretixbase_quota_items qi ON qi.quota_id = q.id
      JOIN pretixbase_orderposition p ON p.item_id = qi.item_id AND NOT p.canceled
      JOIN pretixbase_order o ON o.id = p.order_id AND o.status IN ('p', 'n')
      WHERE q.event_id = $ev GROUP BY q.id, q.size HAVING count(p.id) > q.size) t")
  emails=$("${PSQL[@]}" -d "$PG_DB" -c "SELECT count(*) - count(DISTINCT email) FROM pretixbase_order WHERE event_id = $ev")
  echo "CHECK event=$slug orders: $orders; positions held: $positions; $oversold; duplicate buyers: $emails"
  if ((over > 0)); then
    echo "CHECK FAILED: $over quota(s) oversold"
    return 1
  fi
  echo "CHECK ok: no quota oversold"
}

burst() {
  local slug kind dir queued
  slug=s1-$(date -u +%Y%m%d-%H%M%S)
  dir=$PRETIX_HOME/runs/$slug
  mkdir -p "$dir"
  say "event $slug: $ITEMS products with a quota of $SEATS each, plan of $BUYERS orders"
  "$PY" "$HERE/pretix_event.py" "$BASE" "$(token)" "$ORG" "$slug" "$dir/plan.jsonl" "$BUYERS" "$ITEMS" "$SEATS" >"$dir/event.txt"
  kind=$(driver_kind)
  say "burst: $CONCURRENCY clients, $REQUESTS requests, time limit ${TIME_LIMIT}s, driver $kind, gunicorn $WORKERS workers, celery $CELERY"
  if [[ $kind == rust ]]; then
    "$RELAIS_LOAD" --base "$BASE" replay --plan "$dir/plan.jsonl" --concurrency "$CONCURRENCY" \
      --requests "$REQUESTS" --time-limit "$TIME_LIMIT" --request-timeout "$REQUEST_TIMEOUT" --label "pretix-$slug" | tee "$dir/load.txt"
  else
    python3 "$HERE/replay_fallback.py" "$BASE" "$dir/plan.jsonl" "$CONCURRENCY" "$REQUESTS" "$TIME_LIMIT" "pretix-$slug" "$REQUEST_TIMEOUT" | tee "$dir/load.txt"
  fi
  # Let the celery worker drain what the burst queued before counting.
  if [[ $CELERY == worker ]]; then
    for _ in $(seq 120); do
      queued=0
      for q in default checkout mail notifications background; do
        queued=$((queued + $(redis-cli -p "$REDIS_PORT" -n 2 llen "$q")))
      done
      queued=$((queued + $(redis-cli -p "$REDIS_PORT" -n 2 hlen unacked)))
      ((queued == 0)) && break
      sleep 1
    done
  fi
  check "$slug" | tee "$dir/check.txt"
  {
    echo "PRETIX slug=$slug version=$PRETIX_VERSION workers=$WORKERS celery=$CELERY driver=$kind"
    grep '^RESULT' "$dir/load.txt"
    grep '^CHECK' "$dir/check.txt"
  } >"$dir/summary.txt"
  echo "$dir" >"$PRETIX_HOME/last_run"
}

# ---------------------------------------------------------------- Relais
# The Relais half: S1 of issue 4, through the lead engineer's bench/proving.sh.
# >>> RELAIS SIDE: depends on bench/proving.sh (prints `RESULT scenario=S1 ... rps=...`).
relais() {
  rm -f "$PRETIX_HOME/relais.txt"
  if [[ -n ${SKIP_RELAIS:-} ]]; then
    say "SKIP_RELAIS set: Relais' S1 not run"
    return 0
  fi
  local script=${RELAIS_CMD%% *}
  if [[ ! -x $REPO/$script && ! -f $REPO/$script ]]; then
    say "TODO: $script is not in this tree yet; Relais' S1 not run"
    return 0
  fi
  say "Relais: $RELAIS_CMD"
  (cd "$REPO" && bash $RELAIS_CMD) | tee "$PRETIX_HOME/relais.txt"
}
# <<< RELAIS SIDE

field() { grep -o "$2=[^ ]*" <<<"$1" | head -1 | cut -d= -f2 || true; }

ratio() {
  local p r prps rrps
  p=$(grep -h '^RESULT' "$(cat "$PRETIX_HOME/last_run")/load.txt" 2>/dev/null | tail -1 || true)
  # S1 mixes cancellations and acceptances into the burst: compare registrations
  # per second (op=register, counted over the whole burst) with orders per second.
  r=$(grep -h '^RESULT.*scenario=S1.* op=register ' "$PRETIX_HOME/relais.txt" 2>/dev/null | tail -1 || true)
  [[ -n $r ]] || r=$(grep -h '^RESULT.*scenario=S1' "$PRETIX_HOME/relais.txt" 2>/dev/null | tail -1 || true)
  echo
  echo "pretix: ${p:-none}"
  echo "Relais: ${r:-none}"
  prps=$(field "$p" rps)
  rrps=$(field "$r" rps)
  if [[ -n $prps && -n $rrps ]]; then
    awk -v r="$rrps" -v p="$prps" 'BEGIN { printf "RATIO relais_rps=%s pretix_rps=%s relais/pretix=%.1f (goal >= 50)\n", r, p, r / p }'
  else
    echo "RATIO not computed (a side is missing)"
  fi
}

# ---------------------------------------------------------------- main
case ${1:-all} in
  install) install ;;
  start) start ;;
  stop) stop ;;
  burst) burst ;;
  check) check "${2:-$(basename "$(cat "$PRETIX_HOME/last_run")")}" ;;
  relais) relais ;;
  ratio) ratio ;;
  reset)
    stop
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $PG_DB"
    rm -f "$PRETIX_HOME/token"
    ;;
  all)
    install
    [[ -n ${KEEP_RUNNING:-} ]] || trap stop EXIT
    start
    burst
    [[ -n ${KEEP_RUNNING:-} ]] || { stop; trap - EXIT; }
    relais
    ratio
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d'
    exit 2
    ;;
esac
