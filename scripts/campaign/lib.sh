#!/usr/bin/env bash
# Shell functions the campaigns share (scripts/campaign/load.sh, pg_restart.sh): a throw-away PostgreSQL database,
# free ports, `ketapath serve` started and waited for, and the campaign's staff account with its token.
# Sourced, not run. The functions read the caller's `bin` (the ketapath binary), `db` (its URL) and `work` (the
# run's temporary folder), and `pg_admin`/`pg_name` for the database they create and drop.

# Creates a throw-away database on KETAPATH_TEST_POSTGRES_URL's server and sets `db` to its URL; `$1` names it.
pg_throwaway_db() {
  pg_admin="${KETAPATH_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
  pg_name="ketapath_$1_$$_$(date +%s)"
  psql "$pg_admin" -qc "CREATE DATABASE $pg_name" >/dev/null
  db="${pg_admin%/*}/$pg_name"
}

# Drops the database pg_throwaway_db created (with FORCE: servers may still hold connections); for `trap … EXIT`.
pg_drop_db() {
  if [ -n "${pg_name:-}" ]; then psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_name WITH (FORCE)" >/dev/null 2>&1 || true; fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts `serve` on a free loopback port, logging to $work/serve-$1.log, with any further arguments as more serve
# flags (`--demo`); prints "PID ADDRESS". The campaigns' clients all come from 127.0.0.1: without a higher limit the
# POST flows would measure the limiter.
start_server() {
  local addr="127.0.0.1:$(free_port)" log="$work/serve-$1.log"
  "$bin" serve --db "$db" --listen "$addr" --rate-limit-burst 1000000 --rate-limit-per-minute 1000000 \
    "${@:2}" 2>"$log" &
  echo "$! $addr"
}

# Waits up to 60 s for every address in "$@" to answer /readyz.
wait_ready() {
  local a
  for a in "$@"; do
    for _ in $(seq 1 300); do curl -sf "http://$a/readyz" >/dev/null && break; sleep 0.2; done
    curl -sf "http://$a/readyz" >/dev/null || { cat "$work"/serve-*.log; return 1; }
  done
}

# Waits for the demo year `serve --demo` writes in the background once it answers, so that neither the campaign's
# accounts nor its measured load meet the seeding's transactions.
wait_demo_year() {
  for _ in $(seq 1 1500); do
    grep -qs -e "seeded a demo year" -e "demo year was not seeded" "$work"/serve-*.log && break; sleep 0.2
  done
  grep -qs "seeded a demo year" "$work"/serve-*.log ||
    { echo "the demo year was not seeded within 300 s" >&2; cat "$work"/serve-*.log; return 1; }
}

# Adds the nurse account `$1` at the clinic `$2` and prints a new API token of theirs.
campaign_token() {
  printf 'a long enough passphrase\n' | "$bin" user add --email "$1" --role nurse --clinic "$2" --db "$db" >/dev/null
  "$bin" token create --email "$1" --name campaign --db "$db" 2>/dev/null
}
