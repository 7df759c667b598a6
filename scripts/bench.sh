#!/usr/bin/env bash
# Prints session mode's figures in one run (nothing here passes or fails):
# server ingest beside a plain batched insert (SQLite, and PostgreSQL when
# reachable), a worker's first visit on a slow line (bytes on the wire,
# time to usable, the session page opened offline) and each other role's
# first load, offline save and sync in headless Chromium (beside PouchDB
# replicating the same documents), pages under
# load (wrk), the server's memory under bursts of password guesses, and the
# size of the browser bundle and its chunks.
source "$(dirname "$0")/tools.sh"
install_rust_tools
install_node_tools
install_browser
install_wrk
# The sync benchmark's peer (PouchDB and express-pouchdb), for the bench only.
say "Installing the PouchDB peer from npm"
(cd "$ROOT/end2end/bench/pouchdb" && npm ci --no-audit --no-fund --ignore-scripts)

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
fi

# The bench first: `cargo bench` also builds the server binary (into the
# same release folder, without cargo-leptos's settings); build_release then
# relinks the real one.
say "Server ingest over HTTP (1, 4 and 16 phones) beside a plain batched insert"
(cd "$ROOT" && cargo bench -p server --bench ingest 2>/dev/null | grep -E '^ingest')
build_release

# The Leptos floor beside the first visits: a minimal Leptos 0.8 app (a
# router, two pages, one server function) built with the same settings.
say "Building the Leptos floor (end2end/bench/floor)"
(cd "$ROOT/end2end/bench/floor" && cargo leptos build --release --precompress)

say "First visits on a slow 4G line with the CPU slowed 4x (a worker's, then each other role's page, beside the Leptos floor)"
(cd "$ROOT/end2end" && E2E_SERVER_BIN="$CARGO_TARGET_DIR/release/contact-centre" E2E_SITE_ROOT="$ROOT/target/site" \
  FLOOR_BIN="$CARGO_TARGET_DIR/release/leptos-floor" FLOOR_SITE="$ROOT/end2end/bench/floor/target/site" \
  node bench/first_visit.mjs 2>/dev/null | grep -v WARN)

say "Offline save and sync in Chromium"
export E2E_SERVER_BIN="$CARGO_TARGET_DIR/release/contact-centre"
export E2E_SITE_ROOT="$ROOT/target/site"
(cd "$ROOT/end2end" && node bench/session_bench.mjs)

# A demo server of its own on a free port (sets port, data, server_pid),
# once it answers; rss_mb reads its resident memory.
start_demo_server() {
  port="$(free_port)"
  data="$(mktemp -d)"
  CCC_DEMO=true CCC_DATA_DIR="$data" CCC_ADDR="127.0.0.1:$port" CCC_LOG=error run_server >/dev/null 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/sign-in" >/dev/null 2>&1 && break; sleep 0.2; done
}
rss_mb() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$server_pid/status"; }
# The most it has held since it started (the kernel's high-water mark).
peak_mb() { awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$server_pid/status"; }

say "Server memory under password guesses"
# Three bursts of 30 concurrent wrong passwords, each burst from its own
# loopback address (the per-address limit would otherwise stop them): the
# server's resident memory idle and after each. The floor beside it: what
# the hashes running at once hold (one per core, at most 4, 19 MB of argon2
# working memory each), let go a minute after the last.
# Argon2's working memory is let go after a minute without a hash (the
# demo's seeding hashed its passwords at start).
start_demo_server
echo "server RSS just started (the demo's passwords just hashed): $(rss_mb)"
sleep 65
echo "server RSS idle, a minute later (target at most 64 MB): $(rss_mb)"
for burst in 2 3 4; do
  guesses=()
  for i in $(seq 1 30); do
    curl -s -o /dev/null --interface "127.0.0.$burst" -H "Origin: http://127.0.0.1:$port" \
      --data "username=nobody$i&password=wrong+guess+$i" "http://127.0.0.1:$port/api/sign_in" &
    guesses+=($!)
  done
  wait "${guesses[@]}"
  echo "server RSS after burst $((burst - 1)) of 30 concurrent wrong passwords: $(rss_mb) (hashing: $(nproc) at once, at most 4, each in 19 MB)"
done
sleep 65
echo "server RSS a minute after the last guess: $(rss_mb); the most it held: $(peak_mb)"
kill "$server_pid" 2>/dev/null || true
rm -rf "$data"

say "Server pages under load (wrk, 64 connections, 10 s each, 3 rounds, on the same 2-core machine as the server)"
# Each page as a phone asks for it (brotli or gzip accepted). The peer in
# the same run: a small static file from the same server, the HTTP stack's
# own limit here. RSS idle and after the runs.
start_demo_server
cookie="$(curl -s -o /dev/null -D - -H "Origin: http://127.0.0.1:$port" \
  --data "username=coordinator&password=contact-demo" "http://127.0.0.1:$port/api/sign_in" |
  grep -i '^set-cookie: ccc_session=' | sed -E 's/^[Ss]et-[Cc]ookie: (ccc_session=[^;]*).*/\1/')"
sleep 65
echo "server RSS idle, a minute after start: $(rss_mb)"
# Three rounds, the pages taking turns within each round (so a drift in the
# machine falls on every page alike); each figure as median [min, max].
LABELS=("peer: /manifest.webmanifest (static)" "sign-in page" "coordinator's case list (signed in)")
PATHS=(/manifest.webmanifest /sign-in /coordinator/cases)
HEADERS=("" "" "Cookie: $cookie")
declare -A RATE P50 P99
in_ms() { awk '{ v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /[0-9]s$/ && $1 !~ /ms$/) v *= 1000; printf "%.1f", v }' <<<"$1"; }
for round in 1 2 3; do
  for i in "${!PATHS[@]}"; do
    out="$(wrk -t2 -c64 -d10s --latency -H "Accept-Encoding: br, gzip" ${HEADERS[$i]:+-H "${HEADERS[$i]}"} "http://127.0.0.1:$port${PATHS[$i]}")"
    RATE[$i]+="$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out") "
    P50[$i]+="$(in_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")") "
    P99[$i]+="$(in_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")") "
  done
done
spread() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%s [%s, %s]", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
for i in "${!PATHS[@]}"; do
  printf '%-40s %s requests/s, p50 %s ms, p99 %s ms\n' "${LABELS[$i]}" "$(spread "${RATE[$i]}")" "$(spread "${P50[$i]}")" "$(spread "${P99[$i]}")"
done
echo "server RSS after the load: $(rss_mb); the most it held during the load: $(peak_mb) (target at most 128 MB)"
kill "$server_pid" 2>/dev/null || true
rm -rf "$data"

say "Browser bundle"
# As sent: the brotli copies the build made (what a browser that accepts
# brotli, as every current one does, downloads), beside the raw files.
for file in "$ROOT"/target/site/pkg/*.wasm "$ROOT"/target/site/pkg/*.js "$ROOT"/target/site/pkg/*.css; do
  [ -f "$file" ] || continue
  sent="$( [ -f "$file.br" ] && stat -c %s "$file.br" || echo "no brotli copy:" )"
  echo "$(basename "$file"): $(stat -c %s "$file") bytes raw, $sent bytes brotli, $(gzip -9c "$file" | wc -c) bytes gzip -9"
done
