# Shared by scripts/run.sh and scripts/test.sh: paths, and installing what is missing.
# Sourced, not run. Every install step is skipped when its tool is already there.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Builds are cached outside the clone so a fresh clone (and CI) reuses them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/doorstep/target}"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
# cargo-leptos downloads wasm-opt unless it finds one; binaryen from npm is version 132.
# (Debian's binaryen 108 produces wasm that fails to hydrate: never put it first.)
export PATH="$ROOT/end2end/node_modules/binaryen/bin:$PATH"
# The site folder cargo-leptos writes and the server reads.
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$ROOT/target/site}"

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

wasm_bindgen_version() {
  # The version Cargo.lock pins; the CLI must match it exactly.
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! command -v cargo-leptos >/dev/null; then
    log "installing cargo-leptos (about 12 minutes, once)"
    # --ignore-rust-version: one of its dependencies asks for a newer rustc than needed.
    cargo install cargo-leptos --version 0.3.11 --locked --ignore-rust-version
  fi
  local want
  want="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    log "installing wasm-bindgen-cli $want (about 2 minutes, once)"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_node_packages() {
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || [ ! -x "$ROOT/end2end/node_modules/binaryen/bin/wasm-opt" ] \
     || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    log "installing npm packages (Playwright, axe-core, binaryen)"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund)
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    log "installing Debian's chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
}

ensure_postgres() {
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
}

# Waits until $1/healthz answers 200, or fails after $2 seconds.
wait_for_health() {
  local url="$1" seconds="${2:-60}"
  for _ in $(seq 1 $((seconds * 20))); do
    curl -fsS "$url/healthz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "server at $url did not become healthy in ${seconds}s" >&2
  return 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

ensure_schemathesis() {
  local venv="$HOME/.cache/doorstep/venv"
  if [ ! -x "$venv/bin/schemathesis" ]; then
    log "installing schemathesis (PyPI) into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'schemathesis>=4,<5'
  fi
  export SCHEMATHESIS="$venv/bin/schemathesis"
}
