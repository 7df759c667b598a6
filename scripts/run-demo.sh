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
DATA_DIR="${CCC_DATA_DIR:-data}"
case "$DATA_DIR" in /*) ;; *) DATA_DIR="$ROOT/$DATA_DIR" ;; esac
MAIL_DIR="$DATA_DIR/mail"
MAIL_PORT="${CCC_DEMO_SMTP_PORT:-2525}"
MAIL_PID="$(start_mail_sink "$MAIL_DIR" "$MAIL_PORT")"
# Text messages go to a stand-in of GOV.UK Notify's API on loopback, which
# keeps each as a file in data/sms.
SMS_DIR="$DATA_DIR/sms"
SMS_PORT="${CCC_DEMO_SMS_PORT:-2526}"
DEMO_NOTIFY_KEY="demo-11111111-2222-4333-8444-555555555555-66666666-7777-4888-9999-000000000000"
python3 "$ROOT/scripts/notify_standin.py" "$SMS_PORT" "$SMS_DIR" "$DEMO_NOTIFY_KEY" &
SMS_PID=$!
trap 'kill "$MAIL_PID" "$SMS_PID" 2>/dev/null' EXIT
say "Mail the demo sends is kept in $MAIL_DIR/Maildir/new, and its text messages in $SMS_DIR (one file a message)"
say "Starting the demo centre at http://127.0.0.1:3000 (sign-ins below; password contact-demo)"
# In a subshell, so that this script outlives the server and stops the mail server after it.
(CCC_DEMO=true CCC_CENTRE_NAME="${CCC_CENTRE_NAME:-Riverside Child Contact Centre (demo)}" \
  CCC_MAIL_FROM="${CCC_MAIL_FROM:-Riverside Child Contact Centre <bookings@riverside.example>}" \
  CCC_SMTP_URL="${CCC_SMTP_URL:-smtp://127.0.0.1:$MAIL_PORT}" \
  CCC_NOTIFY_URL="http://127.0.0.1:$SMS_PORT" CCC_NOTIFY_API_KEY="$DEMO_NOTIFY_KEY" \
  CCC_NOTIFY_SMS_TEMPLATE="demo-template" run_server "$@")
