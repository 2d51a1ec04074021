#!/usr/bin/env bash
# Refreshes docs/screenshots/: every resident page at 360 × 780, normal and elder mode,
# from a release build over the demo data, in Debian's chromium (with its CJK fonts, so
# the Chinese renders as a resident's phone shows it).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_rust_tools
ensure_node_packages
ensure_chromium
fc-list | grep -qi "Noto Sans CJK" || { apt-get update -qq && apt-get install -y -qq fonts-noto-cjk fonts-noto-color-emoji; }
cargo leptos build --release
work="$(mktemp -d)"
port="$(free_port)"
bin="$CARGO_TARGET_DIR/release/doorstep"
export DATABASE_URL="sqlite://$work/shots.db?mode=rwc"
"$bin" demo-data >/dev/null
DOORSTEP_ADDR="127.0.0.1:$port" RUST_LOG=warn "$bin" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
wait_for_health "http://127.0.0.1:$port" 30
(cd "$ROOT/end2end" && node screenshots.mjs "http://127.0.0.1:$port" "$ROOT/docs/screenshots")
log "screenshots in docs/screenshots/"
