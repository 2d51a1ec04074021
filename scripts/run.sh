#!/usr/bin/env bash
# Builds Doorstep (release), creates the SQLite database under data/ with the demo data,
# and serves it on http://127.0.0.1:3000 (set DOORSTEP_ADDR to change).
# Installs what is missing first: the wasm32 target, cargo-leptos, wasm-bindgen, npm packages.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_rust_tools
ensure_node_packages

log "building (release)"
cargo leptos build --release

bin="$CARGO_TARGET_DIR/release/doorstep"
log "loading demo data (idempotent)"
"$bin" demo-data
log "serving on http://${DOORSTEP_ADDR:-127.0.0.1:3000}"
exec "$bin"
