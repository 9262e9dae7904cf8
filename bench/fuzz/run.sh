#!/usr/bin/env bash
# Fuzzes the JSON API with schemathesis against /api/openapi.json of a running
# demo, once with the demo agent's token and once with the demo training
# officer's, with every check schemathesis has (no 5xx, statuses, content
# types, headers and bodies as documented, bad input refused, good input
# accepted, stateful sequences following the document's links). Exits non-zero
# on any failure, saying which run failed.
#
# Usage:
#   bench/fuzz/run.sh [--bin PATH]
#       starts `relais demo` on a free loopback port in a temporary folder,
#       fuzzes it and stops it. PATH defaults to $CARGO_TARGET_DIR/debug/relais.
#   bench/fuzz/run.sh --url http://127.0.0.1:PORT --database-url URL [--bin PATH]
#       fuzzes a demo already running there; URL is its RELAIS_DATABASE_URL,
#       used with `relais admin token` to make the two tokens.
#
# Environment:
#   RELAIS_FUZZ_EXAMPLES  examples per operation and phase (default 20: about
#                         a minute and a half for both runs on 2 cores)
#   RELAIS_FUZZ_SEED      schemathesis seed (default 1, so CI runs repeat;
#                         "random" for a new one each time)
#   RELAIS_FUZZ_VENV      virtual environment for schemathesis
#                         (default /var/tmp/relais-fuzz-venv, created if missing)
#   RELAIS_FUZZ_PORT      first port tried for the demo (default 18950)
#   RELAIS_FUZZ_REPORTS   if set, a folder for JUnit reports of both runs
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SCHEMATHESIS_VERSION=4.32.5
EXAMPLES=${RELAIS_FUZZ_EXAMPLES:-20}
SEED=${RELAIS_FUZZ_SEED:-1}
VENV=${RELAIS_FUZZ_VENV:-/var/tmp/relais-fuzz-venv}
AGENT_EMAIL=agent@demo.relais.test
OFFICER_EMAIL=formation@demo.relais.test
SERVER_WAIT_SECONDS=300

BIN=
BASE_URL=
DATABASE_URL=
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin) BIN=$2; shift 2 ;;
    --url) BASE_URL=${2%/}; shift 2 ;;
    --database-url) DATABASE_URL=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -n $BASE_URL && -z $DATABASE_URL ]]; then
  echo "--url needs --database-url (the running demo's RELAIS_DATABASE_URL, to make tokens)" >&2
  exit 2
fi
BIN=${BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/relais}
[[ -x $BIN ]] || { echo "relais binary not found at $BIN (build it, or pass --bin)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/relais-fuzz.XXXXXX)
SERVER_PID=
SERVER_LOG=$WORK/relais-demo.log

stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}

on_exit() {
  local rc=$?
  set +e
  if [[ $rc -ne 0 && -n $SERVER_PID && -f $SERVER_LOG ]]; then
    echo "---- last 40 lines of the relais demo log ----"
    tail -n 40 "$SERVER_LOG"
    echo "---- end of relais demo log ----"
  fi
  stop_server
  rm -rf "$WORK"
  exit "$rc"
}
trap on_exit EXIT

# --- schemathesis in a virtual environment outside the repository ----------
if [[ ! -x $VENV/bin/schemathesis ]] \
  || [[ $("$VENV/bin/python" -m pip show schemathesis 2>/dev/null | sed -n 's/^Version: //p') != "$SCHEMATHESIS_VERSION" ]]; then
  command -v python3 >/dev/null 2>&1 || { echo "python3 is needed (apt-get install python3)" >&2; exit 2; }
  if [[ ! -x $VENV/bin/python ]] && ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    # Debian keeps ensurepip, which venv needs, in python3-venv.
    rm -rf "$VENV"
    SUDO=
    [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1 && SUDO=sudo
    PYVER=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    echo "python3 -m venv failed: installing python3-venv"
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv </dev/null \
      || $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "python$PYVER-venv" </dev/null
    python3 -m venv "$VENV"
  fi
  echo "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
ST=$VENV/bin/schemathesis

# --- the server ---------------------------------------------------------------
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [[ -z $BASE_URL ]]; then
  PORT=${RELAIS_FUZZ_PORT:-18950}
  for ((tries = 0; tries < 100; tries++)); do
    port_open "$PORT" || break
    PORT=$((PORT + 1))
  done
  port_open "$PORT" && { echo "no free port from ${RELAIS_FUZZ_PORT:-18950} to $PORT" >&2; exit 1; }
  BASE_URL=http://127.0.0.1:$PORT
  DATABASE_URL=sqlite://$WORK/relais-demo.db
  echo "starting $BIN demo --listen 127.0.0.1:$PORT in $WORK"
  (
    cd "$WORK"
    exec env RELAIS_DATABASE_URL="$DATABASE_URL" "$BIN" demo --listen "127.0.0.1:$PORT" \
      </dev/null >"$SERVER_LOG" 2>&1
  ) &
  SERVER_PID=$!
  READY=0
  for ((i = 0; i < SERVER_WAIT_SECONDS; i++)); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID" && rc=0 || rc=$?
      SERVER_PID=
      echo "relais demo exited (code $rc) before answering; its log:" >&2
      tail -n 40 "$SERVER_LOG" >&2
      exit 1
    fi
    if curl -fsS -o /dev/null --max-time 5 "$BASE_URL/readyz" 2>/dev/null; then
      READY=1
      break
    fi
    sleep 1
  done
  [[ $READY -eq 1 ]] || { echo "$BASE_URL/readyz did not answer within ${SERVER_WAIT_SECONDS}s" >&2; exit 1; }
fi
curl -fsS -o "$WORK/openapi.json" --max-time 10 "$BASE_URL/api/openapi.json" \
  || { echo "cannot read $BASE_URL/api/openapi.json" >&2; exit 1; }

token() { # EMAIL: prints a one-day token for the demo person
  local t
  t=$(RELAIS_DATABASE_URL=$DATABASE_URL RELAIS_LOG=warn RUST_BACKTRACE=0 "$BIN" admin token \
    --email "$1" --expires 1 --label "bench/fuzz" 2>"$WORK/token.err" | tail -n 1) || true
  if [[ $t != rls_* ]]; then
    echo "could not make a token for $1 with '$BIN admin token' on $DATABASE_URL:" >&2
    head -n 3 "$WORK/token.err" >&2
    return 1
  fi
  echo "$t"
}
AGENT_TOKEN=$(token "$AGENT_EMAIL")
OFFICER_TOKEN=$(token "$OFFICER_EMAIL")

# --- the two runs -------------------------------------------------------------
[[ $SEED == random ]] && SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
FAILED=()
fuzz() { # NAME TOKEN
  local name=$1 token=$2 start=$SECONDS rc=0
  local reports=()
  if [[ -n ${RELAIS_FUZZ_REPORTS:-} ]]; then
    mkdir -p "$RELAIS_FUZZ_REPORTS"
    reports=(--report junit --report-junit-path "$RELAIS_FUZZ_REPORTS/schemathesis-$name.xml")
  fi
  echo ""
  echo "==> schemathesis as the demo $name ($EXAMPLES examples per operation, seed $SEED)"
  (
    cd "$WORK"
    "$ST" --config-file "$HERE/schemathesis.toml" run "$BASE_URL/api/openapi.json" \
      --header "Authorization: Bearer $token" \
      --checks all \
      --max-examples "$EXAMPLES" \
      --seed "$SEED" \
      --generation-database none \
      --request-timeout 30 \
      --no-color \
      "${reports[@]}"
  ) || rc=$?
  echo "<== schemathesis as the $name: exit $rc in $((SECONDS - start))s"
  [[ $rc -eq 0 ]] || FAILED+=("$name (exit $rc)")
}
fuzz agent "$AGENT_TOKEN"
fuzz officer "$OFFICER_TOKEN"

if [[ ${#FAILED[@]} -gt 0 ]]; then
  echo ""
  echo "FUZZ FAILED: schemathesis found failures as: $(IFS=';'; echo "${FAILED[*]}") against $BASE_URL (seed $SEED); each is listed above with a curl line to reproduce it" >&2
  exit 1
fi
echo ""
echo "FUZZ PASSED: no 5xx and no answer outside the OpenAPI document, as agent and as training officer (seed $SEED, $EXAMPLES examples per operation)"
