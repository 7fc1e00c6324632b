#!/usr/bin/env bash
# PostgreSQL restart campaign (issue 19, item 4): two `ketapath serve` processes on a throw-away database take
# assessment writes over HTTP (every 201's id recorded) while the PostgreSQL cluster itself is restarted with
# `pg_ctlcluster … restart`, and the load goes on. Then it checks: every failing answer during the outage was a 503
# with Retry-After or a refused connection, never a 500; the writes succeed again within RESUME_LIMIT seconds of the
# restart with no operator action; /readyz said not ready during the outage and ready after it; every acknowledged
# write reads back (each server's through the other); `ketapath audit verify` passes.
#
# It restarts the PostgreSQL cluster that KETAPATH_TEST_POSTGRES_URL points at (default
# postgres://postgres@127.0.0.1:5432/test), which must run on this machine under pg_ctlcluster (Debian), with the
# right to restart it (root or postgres). Every other client of that cluster sees the restart too.
#
# Usage: scripts/campaign/pg_restart.sh [--short] [--servers 1|2] [--seconds N]
#   --short     CI: debug build, 12 s of load with the restart after 4 s
#   default     release build, 40 s of load with the restart after 12 s
# Last line: "restart ok: N writes acknowledged, 0 lost, outage X s, 5xx other than 503: 0", or a FAILED line (exit 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/campaign/lib.sh

short=0 servers=2 seconds=""
while [ $# -gt 0 ]; do
  case "$1" in
    --short) short=1 ;;
    --servers) servers="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
case "$servers" in 1|2) ;; *) echo "--servers 1|2" >&2; exit 2 ;; esac
if [ "$short" = 1 ]; then profile=debug seconds="${seconds:-12}" build=()
else profile=release seconds="${seconds:-40}" build=(--release); fi
restart_after=$((seconds / 3))
# The longest the writes may keep failing after the restart command returns: the pool's acquire timeout (1 s here)
# plus the reconnection, with a wide margin for a loaded CI machine.
RESUME_LIMIT=15
connections=16

failed() { echo "FAILED: $*"; exit 1; }

# The cluster serving the URL's port, as "VERSION CLUSTER" for pg_ctlcluster.
pg_admin="${KETAPATH_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
pg_port=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlparse(sys.argv[1]).port or 5432)' "$pg_admin")
command -v pg_lsclusters >/dev/null 2>&1 || failed "no pg_lsclusters here: this campaign restarts a local Debian PostgreSQL cluster"
cluster=$(pg_lsclusters -h | awk -v port="$pg_port" '$3 == port && $4 == "online" { print $1, $2; exit }')
[ -n "$cluster" ] || failed "no online PostgreSQL cluster on port $pg_port (pg_lsclusters) to restart"
[ "$(id -u)" = 0 ] || [ "$(id -un)" = postgres ] || failed "restarting PostgreSQL needs root or the postgres user"

target="${CARGO_TARGET_DIR:-target}"
echo "command: scripts/campaign/pg_restart.sh$([ "$short" = 1 ] && echo ' --short') --servers $servers --seconds $seconds ($profile build); cluster $cluster on port $pg_port"
cargo build -q "${build[@]}" -p ketapath
cargo build -q "${build[@]}" -p ketapath-web --example campaign_load
bin="$target/$profile/ketapath" client="$target/$profile/examples/campaign_load"

work="$(mktemp -d "${TMPDIR:-/tmp}/ketapath-restart.XXXXXX")"
server="" server2="" pollers=""
cleanup() {
  for pid in $pollers $server $server2; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pg_drop_db
  rm -rf "$work"
}
trap cleanup EXIT

pg_throwaway_db restart
"$bin" migrate --db "$db" >/dev/null
# The example listings, not the demo: the campaign needs one clinic for its nurse, and no demo year to wait for
# (the file holds an invalid row on purpose, left out here).
"$bin" clinics import --db "$db" --skip-invalid "$work/rejects.csv" examples/listings.csv >/dev/null
# A 1 s acquire timeout: a request that finds no database answers 503 after 1 s rather than 5 s, so that the
# outage is visible in the answers and in /readyz even when the restart itself takes only a second or two.
read -r server addr < <(start_server 1 --db-acquire-timeout-secs 1)
addrs="$addr"
if [ "$servers" = 2 ]; then read -r server2 addr2 < <(start_server 2 --db-acquire-timeout-secs 1); addrs="$addr $addr2"; fi
# shellcheck disable=SC2086 # the addresses are one word each
wait_ready $addrs
token=$(campaign_token restart@example.org example-1)
now_ms() { date +%s%3N; }

# Each server's /readyz every 0.1 s, as "UNIX_MS STATUS" lines (000: no answer within 5 s).
i=0
for a in $addrs; do
  i=$((i + 1))
  while true; do
    echo "$(now_ms) $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$a/readyz")"; sleep 0.1
  done >"$work/readyz-$i.txt" &
  pollers="$pollers $!"
done

echo "== $connections connections per server writing assessments for $seconds s; PostgreSQL restarts after $restart_after s"
pids="" i=0
for a in $addrs; do
  i=$((i + 1))
  KETAPATH_TOKEN="$token" "$client" run --addr "$a" --flow assessment --connections "$connections" \
    --seconds "$seconds" --ids "$work/acknowledged-$i.txt" --outage true >"$work/result-$i.json" &
  pids="$pids $!"
done
sleep "$restart_after"
restart_started=$(now_ms)
pg_ctlcluster --skip-systemctl-redirect $cluster restart
restart_done=$(now_ms)
echo "PostgreSQL restarted in $(( (restart_done - restart_started) )) ms ($(date -u +%H:%M:%S) UTC)"
load_failed=0
for pid in $pids; do wait "$pid" || load_failed=1; done
sleep 1
for pid in $pollers; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
pollers=""
cat "$work"/result-*.json

problems="$work/problems.txt"
: >"$problems"
for pid in $server $server2; do kill -0 "$pid" 2>/dev/null || echo "a server (pid $pid) died during the restart" >>"$problems"; done
[ "$load_failed" = 0 ] || echo "the load saw answers other than 2xx, 503 with Retry-After or a refused connection" >>"$problems"
summary=$(python3 - "$restart_started" "$restart_done" "$RESUME_LIMIT" "$problems" "$work"/result-*.json <<'PY'
import glob, json, os, sys
started, done, limit, problems = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
out = open(problems, "a")
acknowledged = server_errors = unavailable = 0
firsts, lasts, successes = [], [], []
for path in sys.argv[5:]:
    r = json.loads(open(path).read().splitlines()[-1])
    o = r["outage"]
    acknowledged += r["acknowledged_writes"]
    server_errors += o["server_errors_other_than_503"]
    unavailable += o["unavailable_with_retry_after"]
    if o["first_failure_unix_ms"] is not None:
        firsts.append(o["first_failure_unix_ms"]); lasts.append(o["last_failure_unix_ms"])
    successes.append(o["last_success_unix_ms"] or 0)
if server_errors:
    print(f"{server_errors} answers were a 5xx other than 503", file=out)
if not firsts:
    print("no request failed at all: the restart was not seen by the load", file=out)
    outage = 0.0
else:
    outage = (max(lasts) - min(firsts)) / 1000
    if max(lasts) > done + limit * 1000:
        print(f"writes still failed {(max(lasts) - done) / 1000:.1f} s after the restart (limit {limit} s)", file=out)
    if min(successes) <= max(lasts):
        print("a server answered no write successfully after the outage", file=out)
# /readyz: never a 5xx other than 503, ready at the end, and not ready at some point from the restart on when the
# clients saw the database gone for longer than the 1 s acquire timeout plus two polls. A shorter outage can fall
# between polls: a /readyz sent while connections are refused waits for the pool and then answers ready.
for path in sorted(glob.glob(os.path.join(os.path.dirname(problems), "readyz-*.txt"))):
    lines = [l.split() for l in open(path) if len(l.split()) == 2]
    during = [s for t, s in lines if started <= int(t) <= done + limit * 1000]
    not_ready = sum(s != "200" for s in during)
    print(f"{os.path.basename(path)}: /readyz not ready {not_ready} times of {len(during)} during the restart", file=sys.stderr)
    if not not_ready and outage > 1.2:
        print(f"{os.path.basename(path)}: /readyz never said not ready during a {outage:.1f} s outage", file=out)
    bad = sorted({s for _, s in lines if s.startswith("5") and s != "503"})
    if bad:
        print(f"{os.path.basename(path)}: /readyz answered {', '.join(bad)}", file=out)
    if not lines or lines[-1][1] != "200":
        print(f"{os.path.basename(path)}: /readyz was not ready again at the end", file=out)
print(acknowledged, f"{outage:.1f}", server_errors, unavailable)
PY
)
read -r acknowledged outage server_errors unavailable <<<"$summary"
echo "$unavailable answers were 503 with Retry-After; outage seen by the clients: $outage s"

echo "== read back every acknowledged write$([ "$servers" = 2 ] && echo ', each through the other server')"
readback() { KETAPATH_TOKEN="$token" "$client" readback --addr "$1" --ids "$2" >>"$work/readback.txt" || echo "acknowledged writes were lost (read through $1)" >>"$problems"; }
if [ "$servers" = 2 ]; then
  readback "$addr2" "$work/acknowledged-1.txt"
  readback "$addr" "$work/acknowledged-2.txt"
else
  readback "$addr" "$work/acknowledged-1.txt"
fi
cat "$work/readback.txt"
lost=$(python3 -c 'import json,sys; print(sum(json.loads(l)["lost"] for l in open(sys.argv[1])))' "$work/readback.txt")
for pid in $server $server2; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
server="" server2=""
echo "== audit chain"
"$bin" audit verify --db "$db" || echo "ketapath audit verify failed" >>"$problems"

if [ -s "$problems" ]; then
  sed 's/^/problem: /' "$problems"
  echo "FAILED: restart campaign: $(wc -l <"$problems") problems; $acknowledged writes acknowledged, $lost lost, outage $outage s, 5xx other than 503: $server_errors"
  exit 1
fi
echo "restart ok: $acknowledged writes acknowledged, $lost lost, outage $outage s, 5xx other than 503: $server_errors"
