"""Creates a fresh pretix event for one burst through pretix's own REST API,
and writes the request plan for `relais-load replay`.

  python3 pretix_event.py BASE TOKEN ORGANIZER EVENT_SLUG PLAN_FILE BUYERS ITEMS SEATS

The event has ITEMS free products ("sessions"), each with its own quota of
SEATS ("seats"). The plan has BUYERS lines, one order with one position each,
buyer i (distinct email) asking for product i mod ITEMS, so every quota gets
BUYERS/ITEMS requests spread over the whole burst and they all run out at about
the same time: many buyers race for the last seats of each quota.

Prints `EVENT slug`, `ITEMS id,id,...` and `QUOTAS id,id,...`. Only talks to
loopback. Standard library only (runs with any python3).
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

base, token, org, slug, plan_file = sys.argv[1:6]
buyers, n_items, seats = (int(x) for x in sys.argv[6:9])

host = urllib.parse.urlparse(base).hostname
if host not in ("127.0.0.1", "localhost", "::1"):
    sys.exit(f"refusing a non-loopback base: {base}")

HEADERS = {"Authorization": f"Token {token}", "Content-Type": "application/json"}


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers=HEADERS)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path} answered {e.code}: {e.read()[:500]!r}")


ev = f"/api/v1/organizers/{org}/events"
call("POST", f"{ev}/", {
    "name": {"en": f"Relais S1 comparison {slug}"},
    "slug": slug,
    "currency": "EUR",
    "date_from": "2027-03-01T09:00:00Z",
    "date_to": "2027-03-01T17:00:00Z",
    "is_public": True,
    "testmode": False,
    "has_subevents": False,
})
items, quotas = [], []
for n in range(1, n_items + 1):
    item = call("POST", f"{ev}/{slug}/items/", {
        "name": {"en": f"Session {n}"},
        "default_price": "0.00",
        "active": True,
        "admission": True,
        "personalized": False,
    })
    items.append(item["id"])
    quota = call("POST", f"{ev}/{slug}/quotas/", {
        "name": f"Session {n}",
        "size": seats,
        "items": [item["id"]],
        "variations": [],
        "subevent": None,
    })
    quotas.append(quota["id"])
call("PATCH", f"{ev}/{slug}/", {"live": True})

path = f"{ev}/{slug}/orders/"
with open(plan_file, "w") as f:
    for i in range(buyers):
        body = {
            "email": f"buyer{i:05d}@bench.relais.test",
            "locale": "en",
            "sales_channel": "web",
            "status": "p",
            "payment_provider": "free",
            "send_email": False,
            "positions": [{"item": items[i % n_items], "price": "0.00"}],
        }
        f.write(json.dumps({
            "method": "POST",
            "path": path,
            "headers": HEADERS,
            "body": json.dumps(body, separators=(",", ":")),
        }, separators=(",", ":")) + "\n")

print("EVENT", slug)
print("ITEMS", ",".join(map(str, items)))
print("QUOTAS", ",".join(map(str, quotas)))
