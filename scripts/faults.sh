#!/usr/bin/env bash
# Fault injection for session mode's sync: TRIALS trials (default 1000), of
# which BROWSER_TRIALS (default a tenth: 100) in headless Chromium with the real
# service worker and IndexedDB, the rest as phones over HTTP. Duplicate and
# reordered delivery, lost replies, the server aborting before and after a
# batch commits (CCC_FAULTS), two phones, a shared phone, skewed clocks, the
# network dropping mid-save, reloads and a service worker upgrade.
# Ends with "N trials, N lost, N duplicated, N misattributed" and exits
# non-zero if any is not 0 or the harness failed.
#
#   bash scripts/faults.sh [TRIALS] [BROWSER_TRIALS]
#   FAULTS_NO_BUILD=1   use the release already built
#   FAULTS_SEED=n       replay a run's choices
source "$(dirname "$0")/tools.sh"

TRIALS="${1:-1000}"
BROWSER_TRIALS="${2:-$((TRIALS / 10))}"
if [ "$BROWSER_TRIALS" -gt "$TRIALS" ]; then BROWSER_TRIALS="$TRIALS"; fi

install_node_tools
install_browser
if [ "${FAULTS_NO_BUILD:-}" != "1" ]; then
  install_rust_tools
  build_release
fi

export E2E_SERVER_BIN="${E2E_SERVER_BIN:-$CARGO_TARGET_DIR/release/contact-centre}"
export E2E_SITE_ROOT="${E2E_SITE_ROOT:-$ROOT/target/site}"
say "Fault injection: $TRIALS trials, $BROWSER_TRIALS of them in Chromium"
cd "$ROOT/end2end"
node faults/harness.mjs "$TRIALS" "$BROWSER_TRIALS"
