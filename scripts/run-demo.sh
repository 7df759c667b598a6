#!/usr/bin/env bash
# Builds the app and serves it at http://127.0.0.1:3000 on an SQLite file in
# ./data, with the demo centre seeded on first start. Ctrl-C stops it.
source "$(dirname "$0")/tools.sh"
install_rust_tools
install_node_tools
build_release
say "Starting the demo centre at http://127.0.0.1:3000 (sign-ins below; password contact-demo)"
CCC_DEMO=true run_server "$@"
