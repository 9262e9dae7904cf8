#!/usr/bin/env bash
# Counts the instructions a `relais` binary spends on S2's reads (catalogue,
# course pages, calendar feeds), one client, under valgrind's callgrind:
# unlike throughput, the count is the same from one run to the next whatever
# else the machine is doing, so two builds compare on a noisy machine.
#
# Usage: bench/reads_callgrind.sh WORK BIN [REQUESTS]
#   WORK      a folder kept by `KEEP=1 AGENTS=2000 bench/proving.sh s1 sqlite`
#             (its relais.db, with the demo and S1's registrations, and tokens.txt)
#   BIN       the `relais` binary to measure (release build)
#   REQUESTS  S2 requests, a third of each kind (900)
# Prints the program's total instructions; run it again with REQUESTS=3 for
# what starting, signing in and stopping cost, and subtract. The database is
# copied first, so runs start from the same state. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:?WORK}
BIN=${2:?BIN}
REQUESTS=${3:-900}
PORT=${PORT:-18800}
LOAD=${CARGO_TARGET_DIR:-target}/release/relais-load
[[ -x $LOAD ]] || cargo build --release -p relais-bench
OUT=$(mktemp -d /tmp/relais-callgrind.XXXXXX)
cp "$WORK/relais.db" "$OUT/relais.db"
head -n 300 "$WORK/tokens.txt" >"$OUT/tokens.txt"
export RELAIS_DATABASE_URL="sqlite://$OUT/relais.db" RELAIS_SMTP_URL="smtp://127.0.0.1:1" \
  RELAIS_PUBLIC_URL="http://127.0.0.1:$PORT"
valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" "$BIN" serve --listen "127.0.0.1:$PORT" \
  >"$OUT/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 240); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  sleep 1
done
courses=$(python3 - "$OUT/relais.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(",".join(str(r[0]) for r in c.execute(
    "SELECT c.id FROM courses c WHERE EXISTS (SELECT 1 FROM training_sessions s WHERE s.course_id = c.id) ORDER BY c.id LIMIT 20")))
PY
)
"$LOAD" --base "http://127.0.0.1:$PORT" reads --label callgrind --email agent@demo.relais.test --password relais-demo \
  --tokens "$OUT/tokens.txt" --courses "$courses" --concurrency 1 --requests "$REQUESTS" --time-limit 600 \
  >"$OUT/load.txt"
kill -TERM "$server"
wait "$server" || true
grep '^RESULT.*op=all' "$OUT/load.txt"
callgrind_annotate "$OUT/callgrind.out" 2>/dev/null | grep 'PROGRAM TOTALS'
echo "callgrind output kept in $OUT (callgrind_annotate --inclusive=yes $OUT/callgrind.out)"
