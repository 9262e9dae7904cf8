#!/usr/bin/env bash
# Compares two builds of `relais`, run alternately so that a drifting
# machine touches both alike: the figures behind "before / after" in
# docs/performance.md.
#
# Usage: bench/ab.sh BACKEND RUNS BIN_A BIN_B
#   BACKEND  sqlite | postgres
#   RUNS     pairs of runs
#   BIN_A/B  two `relais` binaries, e.g. copies of target/release/relais made
#            before and after a change
#   AB_MODE  s1 (default): each run is `bench/proving.sh s1 BACKEND`, about a
#            minute; one line per run: registrations/s, p99, server CPU.
#            measure: each run is `bench/proving.sh measure BACKEND` (S0, S1
#            and S2); one line per run: S0/s, S1 registrations/s and p99, S2
#            pages/s, and the catalogue's p99 in S2's first pass (and from its
#            150th ms on, from bench/trace_split.py), warm and changed passes.
# The driver and checker are those already built in this tree (NO_BUILD).
set -euo pipefail
[[ $# == 4 ]] || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
backend=$1 runs=$2 mode=${AB_MODE:-s1}
bins=("$(realpath "$3")" "$(realpath "$4")")
cd "$(dirname "$0")/.."
[[ $backend == sqlite || $backend == postgres ]] || { echo "BACKEND is sqlite or postgres" >&2; exit 2; }
[[ $mode == s1 || $mode == measure ]] || { echo "AB_MODE is s1 or measure" >&2; exit 2; }
trace=$(mktemp)
trap 'rm -f "$trace"' EXIT
# A cell of measure's table (see proving.sh): the row of scenario $1 and
# operation $2 in this run, column $3 counted from 1 (6: per second, 10: p99),
# label $4 (the mode's own by default); "?" when the run has no such row.
cell() {
  awk -F' *[|] *' -v s="$1" -v o="$2" -v c="$3" -v l="${4:-$mode}" \
    '$3 == s && $4 == l && $5 == o { print $(c + 1); found = 1 } END { if (!found) print "?" }' <<<"$result"
}
for ((i = 1; i <= runs; i++)); do
  for bin in "${bins[@]}"; do
    : >"$trace"
    traced=()
    [[ $mode == measure ]] && traced=(RELAIS_LOAD_TRACE="$trace")
    result=$(env "${traced[@]}" NO_BUILD=1 "RELAIS_BIN=$bin" bench/proving.sh "$mode" "$backend" 2>&1 |
      grep -E '^RESULT|^PROVING|^[|] ') || { echo "$bin: the run failed" >&2; exit 1; }
    verdict=$(grep -oE 'PROVING [A-Z]+' <<<"$result" || echo 'PROVING: no verdict')
    if [[ $mode == s1 ]]; then
      echo "$bin $(grep -oE 'rps=[0-9.]+|p99_ms=[0-9.]+|server_cpu_s=[0-9.]+' <<<"$result" | tr '\n' ' ')$verdict"
    else
      late=$(python3 bench/trace_split.py "$trace" | awk '$1 == "catalogue" { print $12 }' || true)
      echo "$bin S0 $(cell S0 healthz 6)/s S1 $(cell S1 register 6)/s p99 $(cell S1 register 10) ms" \
        "S2 $(cell S2 all 6)/s catalogue p99 $(cell S2 catalogue 10) ms (${late:-?} from 150 ms)," \
        "warm $(cell S2 catalogue 10 measure-warm) ms," \
        "changed $(cell S2 catalogue 10 measure-changed) ms $verdict"
    fi
  done
done
