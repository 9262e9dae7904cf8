#!/usr/bin/env python3
"""The officer's side of bench/crisis.sh: select every in-person session of the
next eight weeks, apply one disruption, wait for its notices to be queued and
delivered, print the figures, and fail on any lost or repeated mail.

Usage: crisis_driver.py BASE_URL TOKEN SINK_FILE
"""
import datetime
import json
import sys
import time
import urllib.request

base, token, sink = sys.argv[1], sys.argv[2], sys.argv[3]


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read() or b"null")


def lines():
    with open(sink, encoding="ascii", errors="replace") as f:
        return [l.strip() for l in f if l.strip()]


now = datetime.datetime.now(datetime.timezone.utc)
frm, to = now.strftime("%Y-%m-%dT%H:%M:%SZ"), (now + datetime.timedelta(days=56)).strftime("%Y-%m-%dT%H:%M:%SZ")
ids, page = [], 1
while True:
    got = call("GET", f"/api/v1/sessions?from={frm}&to={to}&per_page=100&page={page}")
    ids += [s["id"] for s in got["items"] if s["format"] in ("in_person", "workshop") and s["status"] not in ("cancelled", "postponed")]
    if page * got["per_page"] >= got["total"]:
        break
    page += 1
changes = []
for i, s in enumerate(ids):
    if i % 5 == 0:
        changes.append({"session": s, "action": "online", "video_link": f"https://visio.demo.relais.test/s{s}"})
    elif i % 7 == 0:
        changes.append({"session": s, "action": "cancel"})
body = {"sessions": ids, "action": "postpone", "changes": changes}
before = len(lines())
t0 = time.monotonic()
preview = call("POST", "/api/v1/disruptions/preview", body)
t_preview = time.monotonic() - t0
t0 = time.monotonic()
applied = call("POST", "/api/v1/disruptions", body)
t_apply = time.monotonic() - t0
expected = applied["notices"]
while True:
    d = call("GET", f"/api/v1/disruptions/{applied['id']}")
    if d["status"] == "sent":
        break
    if time.monotonic() - t0 > 120:
        sys.exit("the notices were not queued within 120 s")
    time.sleep(0.05)
t_queued = time.monotonic() - t0
parse = lambda x: datetime.datetime.fromisoformat(x.replace("Z", "+00:00"))
t_claimed = (parse(d["sent_at"]) - parse(d["created_at"])).total_seconds()
first = last = None
while True:
    n = len(lines()) - before
    t = time.monotonic()
    if n > 0 and first is None:
        first = t
    if n >= expected:
        last = t
        break
    if t - t0 > 600:
        sys.exit(f"only {n} of {expected} mails delivered after 600 s")
    time.sleep(0.02)
time.sleep(2)
got = lines()[before:]
rate = expected / (last - first) if last > first else float("inf")
print(f"sessions: {len(ids)} ({len(changes)} with their own action); registrations told: {len(preview['people'])}; "
      f"people: {preview['people_count']}; providers: {len(preview['providers'])}; cost: {preview['cost_cents'] / 100:.2f} EUR")
print(f"preview: {t_preview:.2f} s; apply (one transaction): {t_apply:.2f} s; apply to every notice queued: {t_queued:.2f} s (goal 10 s), "
      f"of which {t_claimed:.2f} s before the worker took the notify job up")
print(f"delivered: {len(got)} mails to the SMTP listener in {last - first:.2f} s after the first: {rate:.0f} mails/s (goal 500); "
      f"end to end from apply: {last - t0:.2f} s")
dupes = len(got) - len(set(got))
if len(got) != expected or dupes:
    sys.exit(f"FAILED: expected {expected} mails, got {len(got)}, {dupes} repeated")
print("every notice delivered exactly once")

# Re-plan the postponed sessions into this year's plan and the next.
plans = call("GET", "/api/v1/plans")
year = str(now.year)
plan = next(p for p in plans if year in p["name"])
t0 = time.monotonic()
replan = call("POST", f"/api/v1/plans/{plan['id']}/replan", {})
t_replan = time.monotonic() - t0
reasons = {}
for p in replan["proposals"]:
    for r in p["reasons"]:
        key = r.split(" ")[0:3]
        reasons[" ".join(key)] = reasons.get(" ".join(key), 0) + 1
print(f"re-plan of {replan['placed'] + replan['unplaced']} postponed sessions: {replan['placed']} placed, {replan['unplaced']} without a date; "
      f"gap to the LP bound {replan['gap'] * 100:.2f} %; planner {replan['millis'] / 1000:.2f} s, request {t_replan:.2f} s (goal 2 s for 300)")
print(f"method: {replan['method']}")
