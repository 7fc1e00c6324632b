#!/usr/bin/env bash
# Load campaign (issue 8): `ketapath serve --demo` on loopback, a staff token, then the campaign client
# (crates/web/examples/campaign_load.rs) at 64 and 256 keep-alive connections for a bounded time against clinic
# search, the self-check POST, FHIR Location?near= and portal writes (assessments, observations during sessions). Every answer must be 2xx; p99 is
# reported; afterwards every acknowledged write is read back, and `ketapath audit verify` must pass.
#
# With --servers 2 (PostgreSQL only) two servers share the database: every flow runs against both at once, each
# server's acknowledged writes are read back through the OTHER server, and both must answer the same search
# queries with the same clinics in the same order, before and after a listing changes under load.
#
# Usage: scripts/campaign/load.sh [--short] [--debug] [--backend sqlite|postgres] [--servers 1|2] [--seconds N]
#   --short     CI: debug build, 64 connections, 3 s per flow (correctness, not figures)
#   --debug     the full campaign on the debug build (when a release build is not at hand)
#   default     release build, 64 and 256 connections, 15 s per flow (the figures in docs/BENCHMARKS.md)
#   postgres    a throw-away database on KETAPATH_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/campaign/lib.sh

short=0 debug=0 backend=sqlite seconds="" servers=1
while [ $# -gt 0 ]; do
  case "$1" in
    --short) short=1 ;;
    --debug) debug=1 ;;
    --backend) backend="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --servers) servers="$2"; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$short" = 1 ]; then profile=debug conns_list="64" seconds="${seconds:-3}"; build=()
elif [ "$debug" = 1 ]; then profile=debug conns_list="64 256" seconds="${seconds:-15}"; build=()
else profile=release conns_list="64 256" seconds="${seconds:-15}"; build=(--release); fi
flows="search screening fhir_near assessment observation"
case "$servers" in
  1) ;;
  2) [ "$backend" = postgres ] || { echo "--servers 2 needs --backend postgres (SQLite is one process's file)" >&2; exit 2; } ;;
  *) echo "--servers 1|2" >&2; exit 2 ;;
esac

target="${CARGO_TARGET_DIR:-target}"
echo "command: scripts/campaign/load.sh $([ "$short" = 1 ] && echo --short)$([ "$debug" = 1 ] && echo --debug) --backend $backend --servers $servers --seconds $seconds ($profile build)"
cargo build -q "${build[@]}" -p ketapath
cargo build -q "${build[@]}" -p ketapath-web --example campaign_load
bin="$target/$profile/ketapath" client="$target/$profile/examples/campaign_load"

work="$(mktemp -d "${TMPDIR:-/tmp}/ketapath-load.XXXXXX")"
server="" server2="" pg_admin="" pg_name=""
cleanup() {
  for pid in $server $server2; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pg_drop_db
  rm -rf "$work"
}
trap cleanup EXIT

case "$backend" in
  sqlite) db="sqlite://$work/load.db" ;;
  postgres) pg_throwaway_db load ;;
  *) echo "--backend sqlite|postgres" >&2; exit 2 ;;
esac

"$bin" migrate --db "$db" >/dev/null
read -r server addr < <(start_server 1 --demo)
addrs="$addr"
if [ "$servers" = 2 ]; then read -r server2 addr2 < <(start_server 2 --demo); addrs="$addr $addr2"; fi
# shellcheck disable=SC2086 # the addresses are one word each
wait_ready $addrs
wait_demo_year
token=$(campaign_token load@example.org demo-1)
ulimit -n 4096 2>/dev/null || true

failed=0
results="$work/results.jsonl"
# Search answers of every server for the same queries, compared as JSON: the same clinics in the same order.
same_search() {
  local label="$1" first="" q body
  for q in "zip=10001&limit=10" "zip=60601&limit=10&offers=esketamine_nasal" "near=34.05,-118.24&radius_km=200&limit=20"; do
    first=""
    for a in $addrs; do
      body=$(curl -sf "http://$a/api/v1/clinics?$q") || { echo "search failed on $a ($label)" >&2; return 1; }
      body=$(printf '%s' "$body" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps([[r.get("id"), r.get("name")] for r in d.get("results", [])]))')
      if [ -z "$first" ]; then first="$body"
      elif [ "$body" != "$first" ]; then echo "servers disagree on ?$q ($label): $first vs $body" >&2; return 1; fi
    done
  done
  echo "servers agree on 3 searches ($label)"
}
if [ "$servers" = 2 ]; then same_search "before load" || failed=1; fi
n=0
for conns in $conns_list; do
  for flow in $flows; do
    pids=""
    i=0
    for a in $addrs; do
      i=$((i + 1))
      KETAPATH_TOKEN="$token" "$client" run --addr "$a" --flow "$flow" --connections "$conns" \
        --seconds "$seconds" --ids "$work/acknowledged-$i.txt" >>"$results.$i" &
      pids="$pids $!"
    done
    for pid in $pids; do
      if ! wait "$pid"; then
        failed=1
        echo "FAILED: $flow at $conns connections (non-2xx answers or transport errors)" >&2
      fi
    done
    for f in "$results".*; do tail -n1 "$f"; done
    n=$((n + 1))
    # After the first flow, a listing changes under load (renamed through the CLI's import): both servers must
    # show the new name once their refreshers have run (PostgreSQL LISTEN/NOTIFY).
    if [ "$servers" = 2 ] && [ "$n" = 1 ]; then
      "$bin" clinics export --db "$db" --format csv --out "$work/clinics.csv"
      changed=$(python3 - "$work/clinics.csv" "$work/changed.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
row = next(r for r in rows if r["zip"].startswith("100")) if any(r["zip"].startswith("100") for r in rows) else rows[0]
row["name"] = row["name"] + " (renamed under load)"
with open(sys.argv[2], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerow(row)
print(row["id"])
PY
)
      "$bin" clinics import --db "$db" "$work/changed.csv" >/dev/null
      echo "renamed clinic $changed under load"
    fi
  done
done
if [ "$servers" = 2 ]; then
  # Each server shows the rename once its refresher has run; under the write flows a refresh can wait for a pooled
  # connection, so the check waits up to 20 s (a stalled refresher still fails) and says how long it took.
  shows_rename() {
    local a
    for a in $addrs; do curl -sf "http://$a/api/v1/clinics/$changed" | grep -q "renamed under load" || return 1; done
  }
  waited=0
  until shows_rename || [ "$waited" -ge 40 ]; do sleep 0.5; waited=$((waited + 1)); done
  [ "$waited" -lt 40 ] && echo "both servers showed the renamed clinic $changed within $(((waited + 1) / 2)) s after the flows"
  same_search "after load" || failed=1
  for a in $addrs; do
    curl -sf "http://$a/api/v1/clinics/$changed" | grep -q "renamed under load" ||
      { echo "$a does not show the renamed clinic $changed after 20 s" >&2; failed=1; }
  done
fi

echo "== read back every acknowledged write$([ "$servers" = 2 ] && echo ', each through the other server')"
if [ "$servers" = 2 ]; then
  KETAPATH_TOKEN="$token" "$client" readback --addr "$addr2" --ids "$work/acknowledged-1.txt" || failed=1
  KETAPATH_TOKEN="$token" "$client" readback --addr "$addr" --ids "$work/acknowledged-2.txt" || failed=1
else
  KETAPATH_TOKEN="$token" "$client" readback --addr "$addr" --ids "$work/acknowledged-1.txt" || failed=1
fi
for pid in $server $server2; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
server="" server2=""
echo "== audit chain"
"$bin" audit verify --db "$db" || failed=1

echo
echo "| Backend | Server | Flow | Connections | Requests/s | p50 ms | p99 ms | Max ms | Non-2xx | Acknowledged writes |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"
python3 - "$backend" "$results".* <<'EOF'
import json, sys
for server, path in enumerate(sys.argv[2:], start=1):
    for line in open(path):
        r = json.loads(line)
        print(f"| {sys.argv[1]} | {server} | {r['flow']} | {r['connections']} | {r['requests_per_second']:,.0f} | "
              f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['max_ms']:.2f} | {r['non_2xx'] + r['transport_errors']} | "
              f"{r['acknowledged_writes']} |")
EOF
if [ "$failed" = 1 ]; then echo "load campaign FAILED" >&2; exit 1; fi
echo "load campaign passed: every answer 2xx, every acknowledged write read back, audit chain intact"
