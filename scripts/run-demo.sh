#!/usr/bin/env bash
# Builds the app and serves it at http://127.0.0.1:3000 on an SQLite file in
# ./data, with the demo centre seeded on first start. Ctrl-C stops it.
source "$(dirname "$0")/tools.sh"
install_rust_tools
install_node_tools
install_mail_tools
build_release
# The demo's mail goes to a real SMTP server on loopback and never leaves
# this machine: each message is a file in data/mail/Maildir/new.
MAIL_DIR="$ROOT/${CCC_DATA_DIR:-data}/mail"
MAIL_PORT="${CCC_DEMO_SMTP_PORT:-2525}"
MAIL_PID="$(start_mail_sink "$MAIL_DIR" "$MAIL_PORT")"
trap 'kill "$MAIL_PID" 2>/dev/null' EXIT
say "Mail the demo sends is kept in $MAIL_DIR/Maildir/new (one file a message)"
say "Starting the demo centre at http://127.0.0.1:3000 (sign-ins below; password contact-demo)"
# In a subshell, so that this script outlives the server and stops the mail server after it.
(CCC_DEMO=true CCC_CENTRE_NAME="${CCC_CENTRE_NAME:-Riverside Child Contact Centre (demo)}" \
  CCC_MAIL_FROM="${CCC_MAIL_FROM:-Riverside Child Contact Centre <bookings@riverside.example>}" \
  CCC_SMTP_URL="${CCC_SMTP_URL:-smtp://127.0.0.1:$MAIL_PORT}" run_server "$@")
