#!/usr/bin/env bash
# Compares two builds of `relais` on S1, run alternately so that a drifting
# machine touches both alike: the figures behind "before / after" in
# docs/performance.md.
#
# Usage: bench/ab.sh BACKEND RUNS BIN_A BIN_B
#   BACKEND  sqlite | postgres
#   RUNS     pairs of runs (each `bench/proving.sh s1 BACKEND`, about a minute)
#   BIN_A/B  two `relais` binaries, e.g. copies of target/release/relais made
#            before and after a change
# Prints one line per run: the binary, registrations/s, p99, server CPU.
# The driver and checker are those already built in this tree (NO_BUILD).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# == 4 ]] || { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
backend=$1 runs=$2
for ((i = 1; i <= runs; i++)); do
  for bin in "$3" "$4"; do
    result=$(NO_BUILD=1 RELAIS_BIN=$bin bench/proving.sh s1 "$backend" 2>&1 | grep -E '^RESULT|^PROVING') ||
      { echo "$bin: the run failed" >&2; exit 1; }
    echo "$bin $(grep -oE 'rps=[0-9.]+|p99_ms=[0-9.]+|server_cpu_s=[0-9.]+' <<<"$result" | tr '\n' ' ')$(grep -oE 'PROVING [A-Z]+' <<<"$result")"
  done
done
