#!/usr/bin/env bash
# Runs every test: formatting and lints, unit and integration tests (on SQLite
# and PostgreSQL), then the release build and the end-to-end tests in headless
# Chromium at a phone's viewport. Ends with one line: "N passed, N failed".
source "$(dirname "$0")/tools.sh"
install_rust_tools
install_node_tools
install_mail_tools
install_browser

LOGS="$(mktemp -d)"
passed=0
failed=0
broken_steps=()

count_cargo() {
  # Adds up cargo's "test result:" lines.
  local p f
  p=$(grep -Eo '^test result: .* ([0-9]+) passed' "$1" | grep -Eo '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
  f=$(grep -Eo '^test result: .* ([0-9]+) failed' "$1" | grep -Eo '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p))
  failed=$((failed + f))
}

# PostgreSQL: on these machines it listens on 127.0.0.1:5432 (trust auth,
# database "test"). Start it if it is installed but stopped.
PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
  say "Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  sleep 2
fi
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  export TEST_POSTGRES_URL="$PG_URL"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable on 127.0.0.1:5432; CI runs every test on both databases." >&2
  exit 1
else
  unset TEST_POSTGRES_URL
  say "PostgreSQL not reachable: the PostgreSQL integration tests will say they were SKIPPED"
fi

say "Formatting and lints"
if ! (cd "$ROOT" && cargo fmt --all --check); then broken_steps+=("cargo fmt"); fi
if ! (cd "$ROOT" && cargo clippy -p server --all-targets -- -D warnings); then broken_steps+=("clippy (server)"); fi
if ! (cd "$ROOT" && cargo clippy -p app --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings); then
  broken_steps+=("clippy (browser bundle)")
fi

say "Unit and integration tests (SQLite${TEST_POSTGRES_URL:+ and PostgreSQL})"
set +e
(cd "$ROOT" && cargo test --workspace 2>&1) | tee "$LOGS/cargo.log"
cargo_status=${PIPESTATUS[0]}
set -e
count_cargo "$LOGS/cargo.log"
[ "$cargo_status" -eq 0 ] || broken_steps+=("cargo test")
if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  echo "NOTE: the PostgreSQL half of the integration tests was skipped (no PostgreSQL on 127.0.0.1:5432)."
fi

build_release
for wasm in "$ROOT"/target/site/pkg/*.wasm; do
  echo "Browser bundle: $(basename "$wasm") $(stat -c %s "$wasm") bytes, $(stat -c %s "$wasm.br" 2>/dev/null || echo "?") bytes brotli (as sent), $(gzip -9c "$wasm" | wc -c) bytes gzip -9"
done

say "End-to-end tests in headless Chromium at 390x844"
PORT="${E2E_PORT:-$(free_port)}"
DATA="$(mktemp -d)"
CCC_DEMO=true CCC_DATA_DIR="$DATA" CCC_ADDR="127.0.0.1:$PORT" CCC_LOG=warn run_server > "$LOGS/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/sign-in" >/dev/null 2>&1 && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "The server did not start:"; cat "$LOGS/server.log"; break
  fi
  sleep 0.2
done
set +e
# Session-mode specs start and stop servers of their own with these.
export E2E_SERVER_BIN="$CARGO_TARGET_DIR/release/contact-centre"
export E2E_SITE_ROOT="$ROOT/target/site"
(cd "$ROOT/end2end" && E2E_BASE_URL="http://127.0.0.1:$PORT" node --test --test-concurrency=1 --test-reporter=spec tests/ 2>&1) | tee "$LOGS/e2e.log"
e2e_status=${PIPESTATUS[0]}
set -e
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
e2e_pass=$(grep -Eo '^ℹ pass [0-9]+' "$LOGS/e2e.log" | awk '{print $3}' | tail -1)
e2e_fail=$(grep -Eo '^ℹ fail [0-9]+' "$LOGS/e2e.log" | awk '{print $3}' | tail -1)
passed=$((passed + ${e2e_pass:-0}))
failed=$((failed + ${e2e_fail:-0}))
if [ "$e2e_status" -ne 0 ]; then
  broken_steps+=("end-to-end")
  echo "--- server log ---"; tail -50 "$LOGS/server.log"
fi
echo "Screenshots: $ROOT/end2end/screenshots/"

# The record path under faults, short: the full run is
# `bash scripts/faults.sh` (1,000 trials).
set +e
FAULTS_NO_BUILD=1 bash "$ROOT/scripts/faults.sh" 50 10 2>&1 | tee "$LOGS/faults.log"
faults_status=${PIPESTATUS[0]}
set -e
if [ "$faults_status" -eq 0 ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  broken_steps+=("fault injection")
fi

echo
if [ ${#broken_steps[@]} -gt 0 ]; then
  echo "Failed steps: ${broken_steps[*]}"
  [ "$failed" -gt 0 ] || failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
