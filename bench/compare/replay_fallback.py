"""Fallback replayer, used by pretix.sh only when `relais-load replay` is not
built (DRIVER=python forces it). Same plan format and the same RESULT line as
`relais-load replay`: CONCURRENCY threads, one keep-alive connection each,
bounded by a request count and a time limit, loopback only. Standard library.

  python3 replay_fallback.py BASE PLAN CONCURRENCY REQUESTS TIME_LIMIT LABEL [REQUEST_TIMEOUT]
"""
import http.client
import json
import math
import sys
import threading
import time
import urllib.parse
from collections import Counter

base, plan_file, conc, total, limit, label = sys.argv[1:7]
conc, total, limit = int(conc), int(total), float(limit)
req_timeout = float(sys.argv[7]) if len(sys.argv) > 7 else 30.0
u = urllib.parse.urlparse(base)
if u.hostname not in ("127.0.0.1", "localhost", "::1"):
    sys.exit(f"refusing a non-loopback base: {base}")
plan = [json.loads(line) for line in open(plan_file) if line.strip()]
total = min(total, len(plan))

lock = threading.Lock()
nxt = [0]
lat, statuses, samples = [], Counter(), {}
start = time.monotonic()
deadline = start + limit


def worker():
    conn = None
    while time.monotonic() < deadline:
        with lock:
            i = nxt[0]
            nxt[0] += 1
        if i >= total:
            break
        p = plan[i]
        t0 = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=req_timeout)
            conn.request(p["method"], p["path"], body=p.get("body", "").encode(), headers=p.get("headers", {}))
            r = conn.getresponse()
            body = r.read()
            key = str(r.status)
            ms = (time.monotonic() - t0) * 1000
            with lock:
                lat.append(ms)
                statuses[key] += 1
                if r.status not in (200, 201) and key not in samples:
                    samples[key] = body[:300].decode(errors="replace")
            if r.getheader("connection", "").lower() == "close":
                conn.close()
                conn = None
        except Exception as e:  # noqa: BLE001 - counted, like the Rust driver
            key = "timeout" if isinstance(e, TimeoutError) else "error"
            with lock:
                statuses[key] += 1
                samples.setdefault(key, repr(e))
            if conn is not None:
                conn.close()
            conn = None


threads = [threading.Thread(target=worker) for _ in range(conc)]
for t in threads:
    t.start()
for t in threads:
    t.join()
secs = time.monotonic() - start
lat.sort()


def pct(p):
    if not lat:
        return float("nan")
    return lat[min(len(lat), max(1, math.ceil(p * len(lat)))) - 1]


sent = sum(statuses.values())
st = ",".join(f"{k}:{v}" for k, v in sorted(statuses.items()))
stopped = " (stopped by the time limit)" if sent < total else ""
print(f"replay [{label}] (python fallback): {sent} of {total} requests, {conc} clients, {secs:.2f} s{stopped}")
print(f"  throughput  {sent / secs:.1f} requests/s")
print(f"  latency ms  p50 {pct(.5):.2f}  p95 {pct(.95):.2f}  p99 {pct(.99):.2f}  max {lat[-1] if lat else float('nan'):.2f}")
print(f"  statuses    {st}")
for k, v in samples.items():
    print(f"  first {k}: {v}")
print(f"RESULT label={label} mode=replay driver=python requests={sent} concurrency={conc} seconds={secs:.2f} "
      f"rps={sent / secs:.1f} p50_ms={pct(.5):.2f} p95_ms={pct(.95):.2f} p99_ms={pct(.99):.2f} "
      f"max_ms={lat[-1] if lat else float('nan'):.2f} statuses={st}")
