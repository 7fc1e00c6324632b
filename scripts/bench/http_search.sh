#!/usr/bin/env bash
# Search API budget (DESIGN.md): GET /api/v1/clinics at 100,000 clinics keeps at least 40 % of a bare axum JSON
# route's requests/s in the same run, with p99 under 10 ms. Both routes are served by one process (two ports);
# wrk runs each for the same time with the same connections, one after the other.
#
# Usage: scripts/bench/http_search.sh [CLINICS] [SECONDS] [CONNECTIONS]     (defaults 100000 10 64)
set -euo pipefail
cd "$(dirname "$0")/../.."
clinics="${1:-100000}" seconds="${2:-10}" conns="${3:-64}"
echo "command: scripts/bench/http_search.sh $clinics $seconds $conns"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
cargo build --release -q -p ketapath-web --example search_load
target/release/examples/search_load "$clinics" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18312/healthz >/dev/null && break; sleep 0.2; done
run() { wrk -t2 -c"$conns" -d"${seconds}s" --latency "$@"; }
echo "== bare axum JSON route (same Lua request hook as the search run)"
bare=$(run -s scripts/bench/http_bare.lua http://127.0.0.1:18311); echo "$bare"
echo "== GET /api/v1/clinics (full app: edge layers, parsing, search, JSON)"
app=$(run -s scripts/bench/http_search.lua http://127.0.0.1:18312); echo "$app"
rps() { awk '/Requests\/sec/ {print $2}'; }
p99() { awk '$1 == "99%" {print $2}'; }
b=$(echo "$bare" | rps) a=$(echo "$app" | rps)
errors=$(echo "$app" | awk '/Non-2xx|Socket errors/' || true)
printf '\nbare %s req/s; search %s req/s; ratio %.2f (budget >= 0.40); search p99 %s (budget < 10ms)\n' \
  "$b" "$a" "$(echo "$a / $b" | bc -l)" "$(echo "$app" | p99)"
[ -z "$errors" ] || echo "errors: $errors"
