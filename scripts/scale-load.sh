#!/usr/bin/env bash
# Issue 10's scale figures: the generated city with a year of activity (1,000,000 requests
# with their timelines, ~600,000 ratings, follow-ups, 50,000 needs) on SQLite and
# PostgreSQL, and a release server over each:
#   - 20 community staff, each signed in, read their own community's dashboard at once
#     (wrk -c20; the usual 30 days, then a whole year);
#   - the busiest organization's inbox over the API and as a page (wrk -c20);
#   - middle-ring directory search (wrk -c50) alone, then while 50 residents submit
#     requests (each client one a second, through the JSON API with an Idempotency-Key);
#   - then every statement the server sent for a tour of this issue's pages and API
#     (captured from PostgreSQL's statement log, with its parameters) explained on both
#     engines: scripts/explain-activity.py.
#   ENGINES="sqlite postgres" DURATION=10s scripts/scale-load.sh
# The generated databases are kept (~/.cache/doorstep/scale-city.db and PostgreSQL's
# doorstep_scale) and reused; delete them to generate again (the command's time is printed).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_rust_tools
ensure_postgres
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

DURATION="${DURATION:-10s}"
ENGINES="${ENGINES:-sqlite postgres}"
cargo leptos build --release
bin="$CARGO_TARGET_DIR/release/doorstep"
city="$HOME/.cache/doorstep/scale-city.db"
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
middle="lat=30.6900&lon=104.1000&radius_m=3000"
wrk_summary() { awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {bad=$NF} END {printf "%.0f | %s | %s | %s", r, p50, p99, bad + 0}'; }

for engine in $ENGINES; do
  if [ "$engine" = postgres ]; then
    url="postgres://postgres@127.0.0.1:5432/doorstep_scale"
    if ! psql -h 127.0.0.1 -U postgres -d doorstep_scale -qtAc "SELECT 1 FROM data_loads WHERE name = 'generated-activity-seed-1'" 2>/dev/null | grep -q 1; then
      psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS doorstep_scale" -c "CREATE DATABASE doorstep_scale"
      log "postgres: generating the city and its year"
      /usr/bin/time -f "generate (postgres): %e s, max RSS %M KB" env DATABASE_URL="$url" RUST_LOG=info "$bin" generate --seed 1 2>&1 | grep -E "generated|generate \(" || true
    fi
  else
    url="sqlite://$city?mode=rwc"
    if [ ! -f "$city" ]; then
      log "sqlite: generating the city and its year"
      /usr/bin/time -f "generate (sqlite): %e s, max RSS %M KB" env DATABASE_URL="$url" RUST_LOG=info "$bin" generate --seed 1 2>&1 | grep -E "generated|generate \(" || true
    fi
  fi
  export DATABASE_URL="$url"
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  DOORSTEP_ADDR="127.0.0.1:$port" RUST_LOG=warn DOORSTEP_DB_MAX_CONNECTIONS=16 DOORSTEP_TRUST_FORWARDED_FOR=true "$bin" &
  pids+=($!)
  wait_for_health "$base" 60
  for _ in $(seq 1 900); do curl -fsS "$base/healthz" | grep -q "search index at version" && break; sleep 0.1; done

  log "$engine: 20 staff of the busiest communities, the busiest organization's owner, a resident"
  ENGINE="$engine" URL="$url" CITY="$city" BASE="$base" BIN="$bin" OUT="$work" python3 "$ROOT/scripts/scale-setup.py"
  # shellcheck disable=SC1091
  source "$work/setup.env"

  echo
  echo "### $engine"
  echo
  echo "| load | req/s | p50 | p99 | non-2xx |"
  echo "| --- | --- | --- | --- | --- |"
  people() { COOKIES="$COOKIES" PATH_="$1" wrk -t2 -c20 -d"$DURATION" --latency -s "$ROOT/scripts/wrk/as-many-people.lua" "$base" 2>&1 | wrk_summary; }
  echo "| dashboard, 20 staff at once, last 30 days | $(people /api/v1/dashboard) |"
  echo "| dashboard, 20 staff at once, a whole year | $(people "/api/v1/dashboard?from=$YEAR_FROM") |"
  echo "| dashboard page, 20 staff at once, a whole year | $(people "/staff/dashboard?from=$YEAR_FROM") |"
  owner() { TOKEN="$TOKEN" PATH_="$1" wrk -t2 -c20 -d"$DURATION" --latency -s "$ROOT/scripts/wrk/bearer.lua" "$base" 2>&1 | wrk_summary; }
  echo "| inbox API ($INBOX_TOTAL requests in the year), open | $(owner "/api/v1/requests?organization=$ORG&bucket=open") |"
  echo "| inbox API, overdue | $(owner "/api/v1/requests?organization=$ORG&bucket=overdue") |"
  echo "| inbox API, everything, one offering | $(owner "/api/v1/requests?organization=$ORG&service=$ORG_SERVICE") |"
  echo "| inbox page | $(COOKIES="$OWNER_COOKIE" PATH_="/account/organizations/$ORG/requests" wrk -t2 -c20 -d"$DURATION" --latency -s "$ROOT/scripts/wrk/as-many-people.lua" "$base" 2>&1 | wrk_summary) |"
  search() { wrk -t2 -c50 -d"$DURATION" --latency "$base/api/v1/services?$middle" 2>&1 | wrk_summary; }
  echo "| middle-ring search alone | $(search) |"
  BASE="$base" TOKEN="$RESIDENT_TOKEN" BODY="$SUBMIT_BODY" SECONDS_="${DURATION%s}" python3 "$ROOT/scripts/scale-submitters.py" >"$work/submitters.txt" &
  submitters=$!
  sleep 1
  echo "| middle-ring search while 50 residents submit | $(search) |"
  wait "$submitters"
  echo
  echo "submitters: $(cat "$work/submitters.txt")"
  if [ "$engine" = postgres ]; then
    log "the statements of a tour of this issue's pages and API, explained on both engines"
    set -a; source "$work/setup.env"; set +a
    BASE="$base" URL="$url" CITY="$city" python3 "$ROOT/scripts/explain-activity.py"
  fi
  kill "${pids[-1]}"
done
