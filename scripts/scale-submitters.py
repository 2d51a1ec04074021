#!/usr/bin/env python3
"""50 residents submitting requests through the JSON API, each one a second (a new
Idempotency-Key each time), for $SECONDS_ seconds: the writes scripts/scale-load.sh runs
beside the directory search. Prints how many were made, their answers and latency."""
import collections, json, os, threading, time, urllib.error, urllib.request, uuid

base, token, body, seconds = os.environ["BASE"], os.environ["TOKEN"], os.environ["BODY"].encode(), float(os.environ["SECONDS_"])
CLIENTS = 50
statuses, latencies, lock = collections.Counter(), [], threading.Lock()


def client(n):
    next_at = time.monotonic() + n / CLIENTS  # spread over the second
    end = time.monotonic() + seconds
    while next_at < end:
        time.sleep(max(0.0, next_at - time.monotonic()))
        req = urllib.request.Request(base + "/api/v1/requests", method="POST", data=body)
        req.add_header("Content-Type", "application/json")
        req.add_header("Authorization", "Bearer " + token)
        req.add_header("Idempotency-Key", str(uuid.uuid4()))
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(req) as r:
                r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        with lock:
            statuses[status] += 1
            latencies.append((time.perf_counter() - started) * 1000)
        next_at += 1.0


threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
latencies.sort()
p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))]
print(f"{len(latencies)} submissions ({len(latencies) / seconds:.0f}/s): "
      + ", ".join(f"{k}×{v}" for k, v in sorted(statuses.items()))
      + f"; p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms")
