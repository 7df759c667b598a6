#!/usr/bin/env bash
# Prints session mode's figures in one run (nothing here passes or fails):
# server ingest beside a plain batched insert (SQLite, and PostgreSQL when
# reachable), offline save and sync in headless Chromium, and the gzip size
# of the browser bundle.
source "$(dirname "$0")/tools.sh"
install_rust_tools
install_node_tools
install_browser

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
fi

# The bench first: `cargo bench` also builds the server binary (into the
# same release folder, without cargo-leptos's settings); build_release then
# relinks the real one.
say "Server ingest"
(cd "$ROOT" && cargo bench -p server --bench ingest 2>/dev/null | grep -E '^ingest')
build_release

say "Offline save and sync in Chromium"
export E2E_SERVER_BIN="$CARGO_TARGET_DIR/release/contact-centre"
export E2E_SITE_ROOT="$ROOT/target/site"
(cd "$ROOT/end2end" && node bench/session_bench.mjs)

say "Browser bundle"
for wasm in "$ROOT"/target/site/pkg/*.wasm; do
  echo "hydrate bundle: $(basename "$wasm") $(stat -c %s "$wasm") bytes, $(gzip -9c "$wasm" | wc -c) bytes gzipped"
done
js="$ROOT/target/site/pkg/contact-centre.js"
[ -f "$js" ] && echo "its JavaScript: $(gzip -9c "$js" | wc -c) bytes gzipped"
