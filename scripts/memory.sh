#!/usr/bin/env bash
# Reproduces the memory, start-up and text-search figures of docs/PERFORMANCE.md (issue 9):
# the 100,000-offering city on SQLite and PostgreSQL, a release server over each, the idle
# resident set 12 s after the directory snapshot is ready, the search index's bytes from
# /metrics, and wrk against the middle-ring searches with and without text.
#   RUNS=3 scripts/memory.sh          (RUNS: servers started per engine, default 3)
#   SEARCH=0 scripts/memory.sh        (memory only)
# The city is generated once into ~/.cache/doorstep/memory-city.db and the PostgreSQL
# database doorstep_memory, and reused (delete them to regenerate).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_rust_tools
ensure_postgres
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

RUNS="${RUNS:-3}"
SEARCH="${SEARCH:-1}"
cargo leptos build --release
bin="$CARGO_TARGET_DIR/release/doorstep"
city="$HOME/.cache/doorstep/memory-city.db"
sqlite_url="sqlite://$city?mode=rwc"
pg_url="postgres://postgres@127.0.0.1:5432/doorstep_memory"

if [ ! -f "$city" ]; then
  log "generating the city into SQLite"
  DATABASE_URL="$sqlite_url" RUST_LOG=warn "$bin" generate --seed 1 --residents 0 --requests 0 --needs 0
fi
if ! psql -h 127.0.0.1 -U postgres -d doorstep_memory -qtAc "SELECT 1 FROM services LIMIT 1" >/dev/null 2>&1; then
  log "generating the city into PostgreSQL"
  psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS doorstep_memory" -c "CREATE DATABASE doorstep_memory"
  DATABASE_URL="$pg_url" RUST_LOG=warn "$bin" generate --seed 1 --residents 0 --requests 0 --needs 0
fi

middle="lat=30.6900&lon=104.1000&radius_m=3000"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
for engine in sqlite postgres; do
  url="$sqlite_url"; [ "$engine" = postgres ] && url="$pg_url"
  for run in $(seq 1 "$RUNS"); do
    port="$(free_port)"
    start=$(date +%s%N)
    DATABASE_URL="$url" DOORSTEP_ADDR="127.0.0.1:$port" RUST_LOG=warn DOORSTEP_METRICS_TOKEN=memory \
      DOORSTEP_DB_MAX_CONNECTIONS=16 "$bin" &
    pid=$!
    wait_for_health "http://127.0.0.1:$port" 30
    for _ in $(seq 1 600); do
      curl -fsS "http://127.0.0.1:$port/healthz" | grep -q "search index at version" && break
      sleep 0.1
    done
    ready=$(( ($(date +%s%N) - start) / 1000000 ))
    sleep 12
    metrics="$(curl -fsS -H "Authorization: Bearer memory" "http://127.0.0.1:$port/metrics")"
    gauge() { awk -v n="$1" '$1 == n { printf "%.1f", $2 / 1048576 }' <<<"$metrics"; }
    echo "$engine run $run: snapshot ready after $ready ms; idle RSS $(( $(ps -o rss= -p "$pid") / 1024 )) MB;" \
      "search index $(gauge directory_search_index_bytes) MB, of which text $(gauge directory_text_index_bytes) MB"
    if [ "$SEARCH" = 1 ] && [ "$run" = 1 ]; then
      for route in "/api/v1/version" "/api/v1/services?$middle" "/api/v1/services?$middle&q=%E5%8A%A9%E9%A4%90" \
        "/api/v1/services?$middle&q=%E9%A4%90" "/api/v1/services?$middle&q=meal"; do
        echo "  $route: $(wrk -t2 -c50 -d5s --latency "http://127.0.0.1:$port$route" |
          awk '/Requests\/sec/ { r = $2 } $1 == "99%" { p = $2 } END { print r " req/s, p99 " p }')"
      done
    fi
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
  done
done
