#!/usr/bin/env python3
"""Splits a load trace at a moment of S2 and gives each page kind's p99.

Usage: bench/trace_split.py TRACE [MS]

TRACE is the file `RELAIS_LOAD_TRACE=TRACE bench/proving.sh measure …`
wrote (one line per answered request: scenario, label, kind, start and
duration in µs). For S2's 64-client run ("measure" label) it prints, per
kind, the p50 and p99 of all requests, the p99 of those begun MS
milliseconds (150 by default) or more after S2's first request, and the
slowest of the first wave (begun within 2 ms of the first): what S2's
start costs, apart from the rest.
"""
import sys


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] / 1000 if values else float("nan")


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    after_us = int(sys.argv[2] if len(sys.argv) == 3 else 150) * 1000
    rows = []
    with open(sys.argv[1]) as trace:
        for n, line in enumerate(trace, 1):
            parts = line.split()
            if len(parts) != 5:
                sys.exit(f"{sys.argv[1]}:{n}: expected 5 fields, found {len(parts)}")
            if parts[0] == "S2" and parts[1] == "measure":
                rows.append((parts[2], int(parts[3]), int(parts[4])))
    if not rows:
        sys.exit(f"{sys.argv[1]}: no S2 'measure' requests")
    t0 = min(start for _, start, _ in rows)
    for kind in sorted({k for k, _, _ in rows}):
        mine = [(start - t0, took) for k, start, took in rows if k == kind]
        every = [took for _, took in mine]
        later = [took for at, took in mine if at >= after_us]
        first = [took for at, took in mine if at < 2000]
        print(
            f"{kind:10} {len(every):6} requests  p50 {quantile(every, .5):6.1f}  "
            f"p99 {quantile(every, .99):6.1f}  p99 from {after_us // 1000} ms {quantile(later, .99):6.1f}  "
            f"first wave max {max(first, default=0) / 1000:6.1f} ms"
        )


if __name__ == "__main__":
    main()
