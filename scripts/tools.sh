# Sourced by the run and test scripts. Installs what building and testing
# need, each only when it is missing or at the wrong version, from the
# registries this machine reaches (crates.io, npm, Debian). Safe to re-run.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
# Build outside the clone, so that a fresh clone on the same machine builds
# incrementally (CI clones afresh every time).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/contact-centre/target}"

CARGO_LEPTOS_VERSION="0.3.10"

say() { printf '\n==> %s\n' "$*"; }

install_rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 25 minutes on 2 cores, once)"
    cargo install "cargo-leptos@$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  # The CLI must match the wasm-bindgen library in Cargo.lock exactly.
  local wanted
  wanted="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wanted\$"; then
    say "Installing wasm-bindgen-cli $wanted (about 4 minutes, once)"
    # Not --locked: its own lock file names a crate version the registry lacks.
    cargo install "wasm-bindgen-cli@$wanted"
  fi
}

install_node_tools() {
  # Playwright (driving Chromium) and wasm-opt (from npm's binaryen) come from
  # the committed lock file. Reinstall only when the lock file changed.
  local stamp="$ROOT/end2end/node_modules/.installed-from"
  local sum
  sum="$(sha256sum "$ROOT/end2end/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    say "Installing end-to-end test and wasm-opt packages from npm"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund)
    echo "$sum" > "$stamp"
  fi
}

# aiosmtpd (PyPI): the real SMTP server the demo and the tests send mail to,
# on loopback, keeping each message in a Maildir.
install_mail_tools() {
  if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "Installing aiosmtpd from PyPI (the demo's and the tests' mail server)"
    python3 -m pip install --user --quiet --disable-pip-version-check "aiosmtpd==1.4.6"
  fi
}

# Starts aiosmtpd on 127.0.0.1:$2, keeping mail in $1/Maildir; prints its pid.
start_mail_sink() {
  mkdir -p "$1"
  python3 -m aiosmtpd -n -l "127.0.0.1:$2" -c aiosmtpd.handlers.Mailbox "$1/Maildir" >/dev/null 2>&1 &
  echo $!
}

install_browser() {
  if [ ! -x /usr/bin/chromium ]; then
    say "Installing Chromium from Debian"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  fi
}

# wrk, the HTTP load generator the bench uses (Debian's package).
install_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    say "Installing wrk from Debian"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y wrk
  fi
}

build_release() {
  say "Building the app (release: server and WebAssembly bundle)"
  # Another checkout sharing the target folder may have left its own binary
  # at target/release/contact-centre; touching the binary's entry point makes
  # cargo link this checkout's again (seconds, not a rebuild).
  touch "$ROOT/server/src/main.rs"
  # --precompress: brotli and gzip copies of every built file, which the
  # server sends as the browser's Accept-Encoding asks.
  # --split: each role's pages other than a worker's into a chunk of their
  # own, fetched when first opened (see app/src/routes.rs).
  (cd "$ROOT" && cargo leptos build --release --precompress --split)
}

# Runs the built server binary, with what it needs to find the built site.
# `exec` makes the server itself the process that was started, so that
# `run_server &` leaves its real pid in $! and killing that stops it.
run_server() {
  cd "$ROOT"
  LEPTOS_ENV=PROD LEPTOS_SITE_ROOT="$ROOT/target/site" exec "$CARGO_TARGET_DIR/release/contact-centre" "$@"
}

# A TCP port on 127.0.0.1 that nothing is listening on.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
