#!/usr/bin/env bash
# Reproduces the figures in docs/PERFORMANCE.md: builds the release, generates the
# 100,000-offering city into SQLite and PostgreSQL, with 20,000 residents (one in four
# volunteers) and a year of 50,000 activities and 500,000 sign-ups, and loads the release
# server with wrk (50 connections, 2 threads) on loopback. Prints a table; takes about 8
# minutes.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_rust_tools
ensure_node_packages
ensure_postgres
command -v wrk >/dev/null && command -v brotli >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk brotli; }

DURATION="${DURATION:-10s}"
cargo leptos build --release
bin="$CARGO_TARGET_DIR/release/doorstep"
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

sqlite_url="sqlite://$work/city.db?mode=rwc"
pg_db="doorstep_bench"
psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db"
pg_url="postgres://postgres@127.0.0.1:5432/$pg_db"

for url in "$sqlite_url" "$pg_url"; do
  log "generating the city into ${url%%:*}"
  /usr/bin/time -f "generate: %e s, max RSS %M KB" env DATABASE_URL="$url" RUST_LOG=warn "$bin" generate --seed 1 --residents 20000 --requests 0 --needs 0
done

# The offerings residents can see (active, of verified and unsuspended organizations),
# for the random service pages; the same on both engines (one seed).
export SHOWN_SERVICES="$work/shown-services.txt"
python3 - "$work/city.db" >"$SHOWN_SERVICES" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT s.id FROM services s JOIN organizations o ON o.id = s.organization_id "
    "WHERE s.status = 'active' AND o.verified = 1 AND o.suspended = 0")
print("\n".join(str(id_) for (id_,) in rows))
PY

# Points: the dense centre, a middle ring and the sparse edge of the generated city.
centre="lat=30.6570&lon=104.0650"
middle="lat=30.6900&lon=104.1000"
edge="lat=30.5400&lon=103.9600"

trivial_rps=""
run() { # label url [wrk script]; the first run of each engine is the trivial route, the baseline
  local out
  out="$(wrk -t2 -c50 -d"$DURATION" --latency ${3:+-s "$3"} "$2" 2>&1)"
  local rps p50 p99 non2xx
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
  [ -n "$trivial_rps" ] || trivial_rps="$rps"
  printf '| %s | %.0f | %s | %s | %.1f %% |%s\n' "$1" "$rps" "$p50" "$p99" \
    "$(awk -v a="$rps" -v b="$trivial_rps" 'BEGIN { print 100 * a / b }')" "${non2xx:+ $non2xx non-2xx!}"
}

for engine in sqlite postgres; do
  url="$sqlite_url"; [ "$engine" = postgres ] && url="$pg_url"
  port="$(free_port)"
  start=$(date +%s%N)
  DATABASE_URL="$url" DOORSTEP_ADDR="127.0.0.1:$port" RUST_LOG=warn DOORSTEP_DB_MAX_CONNECTIONS=16 "$bin" &
  pids+=($!)
  wait_for_health "http://127.0.0.1:$port" 30
  echo "start-up to first answer ($engine): $(( ($(date +%s%N) - start) / 1000000 )) ms (includes migration check)"
  echo "idle RSS before the search index is built ($engine): $(ps -o rss= -p "${pids[-1]}") KB"
  # Searches are answered by SQL until the index is built in the background; wait for it.
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$port/healthz" | grep -q "search index at version" && break
    sleep 0.1
  done
  echo "search index built ($engine): $(( ($(date +%s%N) - start) / 1000000 )) ms after start"
  echo "idle RSS with the index ($engine): $(ps -o rss= -p "${pids[-1]}") KB"
  trivial_rps=""
  base="http://127.0.0.1:$port"
  echo
  echo "### $engine"
  echo "| route | req/s | p50 | p99 | ratio to trivial |"
  echo "| --- | --- | --- | --- | --- |"
  run "trivial JSON (/api/v1/version)" "$base/api/v1/version"
  run "search, centre, 3 km" "$base/api/v1/services?$centre&radius_m=3000"
  run "search, middle ring, 3 km" "$base/api/v1/services?$middle&radius_m=3000"
  run "search, edge, 3 km" "$base/api/v1/services?$edge&radius_m=3000"
  run "search, centre, 1 km" "$base/api/v1/services?$centre&radius_m=1000"
  run "search, no position, by name" "$base/api/v1/services"
  run "search, middle, category + cost" "$base/api/v1/services?$middle&category=meal-assistance&cost=subsidized"
  run "search, middle, text 助餐" "$base/api/v1/services?$middle&q=%E5%8A%A9%E9%A4%90"
  # Activities near me (issue 11): the next month's ~4,000 upcoming of the generated year.
  run "activities, centre, 3 km" "$base/api/v1/activities?$centre&radius_m=3000"
  run "activities, middle ring, 3 km" "$base/api/v1/activities?$middle&radius_m=3000"
  run "activities, edge, 3 km" "$base/api/v1/activities?$edge&radius_m=3000"
  run "activities, middle, nearest first" "$base/api/v1/activities?$middle&radius_m=3000&sort=nearest"
  run "activities, middle, kind" "$base/api/v1/activities?$middle&radius_m=3000&kind=elder-visit"
  run "activities, no position" "$base/api/v1/activities"
  run "activities page (SSR), middle ring" "$base/activities?$middle"
  # The same page again and again is answered by the page cache (server::page_cache);
  # a different page each time measures rendering.
  run "home page (SSR), middle ring, cached" "$base/?$middle"
  run "service page (SSR), cached" "$base/services/100"
  run "organization page (SSR), cached" "$base/organizations/100"
  run "place picker (SSR), cached" "$base/places"
  run "home page, a different position each time" "$base" "$ROOT/scripts/wrk/random-positions.lua"
  run "service page, a different one each time" "$base" "$ROOT/scripts/wrk/random-services.lua"
  echo "RSS after load ($engine): $(ps -o rss= -p "${pids[-1]}") KB"
  kill "${pids[-1]}"
  wait "${pids[-1]}" 2>/dev/null || true # so the next start-up is not measured against its exit
done

pkg="$LEPTOS_SITE_ROOT/pkg"
echo
echo "wasm after wasm-opt: raw $(stat -c %s "$pkg/doorstep.wasm") B, gzip -9 $(gzip -9 -c "$pkg/doorstep.wasm" | wc -c) B, brotli $( (command -v brotli >/dev/null && brotli -c -q 11 "$pkg/doorstep.wasm" | wc -c) || echo n/a) B"
echo "JS glue: raw $(stat -c %s "$pkg/doorstep.js") B, gzip -9 $(gzip -9 -c "$pkg/doorstep.js" | wc -c) B; CSS raw $(stat -c %s "$pkg/doorstep.css") B"
