#!/usr/bin/env bash
# Load campaign (issue 8): `ketapath serve --demo` on loopback, a staff token, then the campaign client
# (crates/web/examples/campaign_load.rs) at 64 and 256 keep-alive connections for a bounded time against clinic
# search, the self-check POST, FHIR Location?near= and portal writes (assessments). Every answer must be 2xx; p99 is
# reported; afterwards every acknowledged write is read back, and `ketapath audit verify` must pass.
#
# Usage: scripts/campaign/load.sh [--short] [--debug] [--backend sqlite|postgres] [--seconds N]
#   --short     CI: debug build, 64 connections, 3 s per flow (correctness, not figures)
#   --debug     the full campaign on the debug build (when a release build is not at hand)
#   default     release build, 64 and 256 connections, 15 s per flow (the figures in docs/BENCHMARKS.md)
#   postgres    a throw-away database on KETAPATH_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test)
set -euo pipefail
cd "$(dirname "$0")/../.."

short=0 debug=0 backend=sqlite seconds=""
while [ $# -gt 0 ]; do
  case "$1" in
    --short) short=1 ;;
    --debug) debug=1 ;;
    --backend) backend="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$short" = 1 ]; then profile=debug conns_list="64" seconds="${seconds:-3}"; build=()
elif [ "$debug" = 1 ]; then profile=debug conns_list="64 256" seconds="${seconds:-15}"; build=()
else profile=release conns_list="64 256" seconds="${seconds:-15}"; build=(--release); fi
flows="search screening fhir_near assessment"

target="${CARGO_TARGET_DIR:-target}"
echo "command: scripts/campaign/load.sh $([ "$short" = 1 ] && echo --short)$([ "$debug" = 1 ] && echo --debug) --backend $backend --seconds $seconds ($profile build)"
cargo build -q "${build[@]}" -p ketapath
cargo build -q "${build[@]}" -p ketapath-web --example campaign_load
bin="$target/$profile/ketapath" client="$target/$profile/examples/campaign_load"

work="$(mktemp -d "${TMPDIR:-/tmp}/ketapath-load.XXXXXX")"
server="" pg_admin="" pg_name=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$pg_name" ]; then psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_name WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

case "$backend" in
  sqlite) db="sqlite://$work/load.db" ;;
  postgres)
    pg_admin="${KETAPATH_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
    pg_name="ketapath_load_$$_$(date +%s)"
    psql "$pg_admin" -qc "CREATE DATABASE $pg_name" >/dev/null
    db="${pg_admin%/*}/$pg_name" ;;
  *) echo "--backend sqlite|postgres" >&2; exit 2 ;;
esac

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
addr="127.0.0.1:$port"
"$bin" migrate --db "$db" >/dev/null
# The campaign's clients all come from 127.0.0.1: without a higher limit the POST flows would measure the limiter.
"$bin" serve --db "$db" --listen "$addr" --demo --rate-limit-burst 1000000 --rate-limit-per-minute 1000000 \
  2>"$work/serve.log" &
server=$!
for _ in $(seq 1 300); do curl -sf "http://$addr/readyz" >/dev/null && break; sleep 0.2; done
curl -sf "http://$addr/readyz" >/dev/null || { cat "$work/serve.log"; exit 1; }
printf 'a long enough passphrase\n' |
  "$bin" user add --email load@example.org --role nurse --clinic demo-1 --db "$db" >/dev/null
token=$("$bin" token create --email load@example.org --name load-campaign --db "$db" 2>/dev/null)
ulimit -n 4096 2>/dev/null || true

failed=0
results="$work/results.jsonl"
for conns in $conns_list; do
  for flow in $flows; do
    if ! KETAPATH_TOKEN="$token" "$client" run --addr "$addr" --flow "$flow" --connections "$conns" \
        --seconds "$seconds" --ids "$work/acknowledged.txt" >>"$results"; then
      failed=1
      echo "FAILED: $flow at $conns connections (non-2xx answers or transport errors)" >&2
    fi
    tail -n1 "$results"
  done
done

echo "== read back every acknowledged write"
KETAPATH_TOKEN="$token" "$client" readback --addr "$addr" --ids "$work/acknowledged.txt" || failed=1
kill "$server"; wait "$server" 2>/dev/null || true; server=""
echo "== audit chain"
"$bin" audit verify --db "$db" || failed=1

echo
echo "| Backend | Flow | Connections | Requests/s | p50 ms | p99 ms | Max ms | Non-2xx | Acknowledged writes |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
python3 - "$results" "$backend" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(f"| {sys.argv[2]} | {r['flow']} | {r['connections']} | {r['requests_per_second']:,.0f} | {r['p50_ms']:.2f} | "
          f"{r['p99_ms']:.2f} | {r['max_ms']:.2f} | {r['non_2xx'] + r['transport_errors']} | {r['acknowledged_writes']} |")
EOF
if [ "$failed" = 1 ]; then echo "load campaign FAILED" >&2; exit 1; fi
echo "load campaign passed: every answer 2xx, every acknowledged write read back, audit chain intact"
