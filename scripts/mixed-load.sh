#!/usr/bin/env bash
# Issue 9's mixed load: 50 clients search at the middle ring of the generated city while a
# writer edits offerings through the JSON API (RATE edits a second, default 20). Prints
# search throughput and latency without and with the writer, the writer's own answers,
# and what /metrics says about deltas applied, snapshot rebuilds and reads that fell back
# to SQL; then the time from an edit's commit to its visibility on a second instance.
#   ENGINES="sqlite postgres" DURATION=10s RATE=20 scripts/mixed-load.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_rust_tools
ensure_postgres
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

DURATION="${DURATION:-10s}"
RATE="${RATE:-20}"
ENGINES="${ENGINES:-sqlite postgres}"
cargo leptos build --release
bin="$CARGO_TARGET_DIR/release/doorstep"
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
middle="lat=30.6900&lon=104.1000"

for engine in $ENGINES; do
  if [ "$engine" = postgres ]; then
    psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS doorstep_mixed" -c "CREATE DATABASE doorstep_mixed"
    url="postgres://postgres@127.0.0.1:5432/doorstep_mixed"
  else
    url="sqlite://$work/city.db?mode=rwc"
  fi
  export DATABASE_URL="$url"
  log "$engine: generating the city"
  RUST_LOG=warn "$bin" generate --seed 1 --residents 0 --requests 0 --needs 0 >/dev/null
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  DOORSTEP_ADDR="127.0.0.1:$port" RUST_LOG=warn DOORSTEP_DB_MAX_CONNECTIONS=16 DOORSTEP_METRICS_TOKEN=mixed "$bin" &
  pids+=($!)
  wait_for_health "$base" 30
  for _ in $(seq 1 600); do curl -fsS "$base/healthz" | grep -q "search index at version" && break; sleep 0.1; done

  log "$engine: an organization of the middle ring, verified, with 40 offerings, and its staff's API token"
  token="$(BASE="$base" BIN="$bin" python3 - <<'PY'
import json, math, os, random, subprocess, urllib.request
base, bin_ = os.environ["BASE"], os.environ["BIN"]
def call(method, path, body=None, token=None, cookie=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token: req.add_header("Authorization", "Bearer " + token)
    if cookie: req.add_header("Cookie", cookie)
    with urllib.request.urlopen(req) as r:
        return r.headers, json.loads(r.read() or b"null")
login = "139%08d" % random.randrange(10**8)
_, reg = call("POST", "/api/v1/auth/register", {"login": login, "display_name": "压测", "password": "mixed-load-2026", "consent": True})
code = [l.split("\t")[1] for l in subprocess.check_output([bin_, "outbox"], text=True).splitlines() if l.startswith(login + "\t")][-1]
code = "".join(c for c in code if c.isdigit())[:6]
headers, _ = call("POST", "/api/v1/auth/login", {"login": login, "code": code, "registration": reg["registration"]})
cookie = headers["Set-Cookie"].split(";")[0]
_, tok = call("POST", "/api/v1/me/tokens", {"name": "mixed"}, cookie=cookie)
token = tok["token"]
_, grid = call("GET", "/api/v1/grid")
communities = []
def walk(units):
    for u in units:
        if u["kind"] == "community": communities.append(u)
        walk(u.get("children", []))
walk(grid)
c = min(communities, key=lambda u: (u["latitude"] - 30.69) ** 2 + (u["longitude"] - 104.10) ** 2)
weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
body = "9151010" + "".join(random.choice("0123456789") for _ in range(10))
credit = body + alphabet[(31 - sum(alphabet.index(ch) * w for ch, w in zip(body, weights)) % 31) % 31]
_, org = call("POST", "/api/v1/organizations", {"name": "压测机构", "kind": "social-organization", "credit_code": credit,
              "contact_name": "压测", "contact_phone": login, "communities": [c["id"]]}, token=token)
staff = "138%08d" % random.randrange(10**8)
subprocess.run([bin_, "create-staff", "--login", staff, "--community", str(c["id"]), "--name", "社区"], input="staff-password-2026\n", text=True, check=True, capture_output=True)
headers, _ = call("POST", "/api/v1/auth/login", {"login": staff, "password": "staff-password-2026"})
call("POST", f"/api/v1/organizations/{org['id']}/verify", cookie=headers["Set-Cookie"].split(";")[0])
ids = []
for i in range(40):
    _, o = call("POST", f"/api/v1/organizations/{org['id']}/offerings", {
        "category": "meal-assistance", "name_zh": f"压测助餐{i}", "description_zh": "压测", "delivery": "on-site",
        "place_id": c["id"], "cost": "free", "phone": "028-85550000"}, token=token)
    ids.append(o["id"])
with open(os.path.join(os.path.dirname(bin_), "mixed-ids.json"), "w") as f:
    json.dump(ids, f)
print(token)
PY
)"
  # The setup's writes made the snapshot stale: wait until searches are answered from a
  # fresh one again (three quick answers in a row) before measuring.
  quick=0
  for _ in $(seq 1 600); do
    t="$(curl -fsS -o /dev/null -w '%{time_total}' "$base/api/v1/services?$middle&radius_m=3000")"
    if awk -v t="$t" 'BEGIN { exit !(t < 0.02) }'; then quick=$((quick + 1)); else quick=0; fi
    [ "$quick" -ge 3 ] && break
    sleep 0.2
  done
  search="$base/api/v1/services?$middle&radius_m=3000"
  echo
  echo "### $engine"
  echo "| load | search req/s | p50 | p99 |"
  echo "| --- | --- | --- | --- |"
  runs() { wrk -t2 -c50 -d"$DURATION" --latency "$search" 2>&1; }
  summary() { awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {printf "%.0f | %s | %s", r, p50, p99}'; }
  echo "| search alone | $(runs | summary) |"
  before="$(curl -fsS -H 'Authorization: Bearer mixed' "$base/metrics")"
  BASE="$base" TOKEN="$token" RATE="$RATE" IDS="$(dirname "$bin")/mixed-ids.json" SECONDS_="${DURATION%s}" python3 - >"$work/writer.txt" <<'PY' &
import json, os, random, time, urllib.request, collections
base, token, rate = os.environ["BASE"], os.environ["TOKEN"], float(os.environ["RATE"])
ids = json.load(open(os.environ["IDS"]))
end = time.monotonic() + float(os.environ["SECONDS_"]) + 1
statuses, n = collections.Counter(), 0
next_at = time.monotonic()
while time.monotonic() < end:
    req = urllib.request.Request(f"{base}/api/v1/offerings/{random.choice(ids)}", method="PATCH",
                                 data=json.dumps({"capacity": random.randrange(1, 500)}).encode())
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req) as r: statuses[r.status] += 1
    except urllib.error.HTTPError as e:
        statuses[e.code] += 1
    n += 1
    next_at += 1 / rate
    time.sleep(max(0, next_at - time.monotonic()))
print(f"{n} edits: " + ", ".join(f"{k}×{v}" for k, v in sorted(statuses.items())))
PY
  writer=$!
  sleep 0.5
  echo "| search while $RATE edits a second land | $(runs | summary) |"
  wait "$writer"
  after="$(curl -fsS -H 'Authorization: Bearer mixed' "$base/metrics")"
  echo
  echo "writer: $(cat "$work/writer.txt")"
  count() { awk -v m="$1" '$1 ~ "^"m {s += $NF} END {print s + 0}' <<<"$2"; }
  echo "during the writer: $(( $(count directory_sql_fallbacks_total "$after") - $(count directory_sql_fallbacks_total "$before") )) reads fell back to SQL, $(( $(count directory_full_rebuilds_total "$after") - $(count directory_full_rebuilds_total "$before") )) full snapshot rebuilds, $(( $(count directory_deltas_applied_total "$after") - $(count directory_deltas_applied_total "$before") )) deltas applied"
  # How long searches waited for each change applied during the writer: the histogram's
  # growth between the two scrapes.
  grown() { awk -v m="$1" 'NR == FNR { if ($1 == m) b = $NF; next } $1 == m { print $NF - b }' <(echo "$before") <(echo "$after"); }
  n="$(grown directory_delta_seconds_count)"
  echo "applying a change (searches wait for it): $(awk -v s="$(grown directory_delta_seconds_sum)" -v n="${n:-0}" 'BEGIN { if (n > 0) printf "%.2f ms mean over %d", 1000 * s / n, n; else print "none" }')," \
    "within 1 / 2 / 5 / 10 / 20 ms: $(for le in 0.001 0.002 0.005 0.01 0.02; do printf '%s ' "$(grown "directory_delta_seconds_bucket{le=\"$le\"}")"; done)"
  echo "RSS after: $(ps -o rss= -p "${pids[-1]}") KB"

  # From an edit's commit to its visibility on a second instance of the same database:
  # each edit through instance one (its answer comes after the commit), then instance
  # two's service API polled until it shows the edit.
  port2="$(free_port)"
  base2="http://127.0.0.1:$port2"
  DOORSTEP_ADDR="127.0.0.1:$port2" RUST_LOG=warn DOORSTEP_DB_MAX_CONNECTIONS=16 "$bin" &
  pids+=($!)
  wait_for_health "$base2" 30
  for _ in $(seq 1 600); do curl -fsS "$base2/healthz" | grep -q "search index at version" && break; sleep 0.1; done
  BASE="$base" BASE2="$base2" TOKEN="$token" IDS="$(dirname "$bin")/mixed-ids.json" python3 - <<'PY'
import json, os, random, statistics, time, urllib.request
base, base2, token = os.environ["BASE"], os.environ["BASE2"], os.environ["TOKEN"]
ids = json.load(open(os.environ["IDS"]))
def patch(id_, capacity):
    req = urllib.request.Request(f"{base}/api/v1/offerings/{id_}", method="PATCH", data=json.dumps({"capacity": capacity}).encode())
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", "Bearer " + token)
    urllib.request.urlopen(req).read()
def shown(id_):
    with urllib.request.urlopen(f"{base2}/api/v1/services/{id_}") as r:
        return json.loads(r.read())["capacity"]
lags, polls = [], []
for n in range(200):
    id_, capacity = random.choice(ids), 1000 + n
    patch(id_, capacity)
    committed = time.perf_counter()
    tries = 1
    while shown(id_) != capacity:
        tries += 1
    lags.append((time.perf_counter() - committed) * 1000)
    polls.append(tries)
lags.sort()
print(f"commit to visible on the second instance, 200 edits: median {statistics.median(lags):.1f} ms, "
      f"p99 {lags[int(len(lags) * 0.99) - 1]:.1f} ms; seen by the first read after the commit in {polls.count(1)} of 200")
PY
  kill "${pids[-1]}" "${pids[-2]}"
done
