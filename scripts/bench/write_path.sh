#!/usr/bin/env bash
# Write path (issue 19, item 2), measuring only: what share of its database engine's own write rate KetaPath
# acknowledges over HTTP. First the engine alone on the same machine and disk:
#   postgres  pgbench -i -s 10, then TPC-B (-c 16 -j 2) for the run's seconds;
#   sqlite    one writer committing fsynced transactions of two inserts each (WAL, synchronous=FULL) on the disk
#             that holds the benchmark's database.
# Then KetaPath on that backend: `ketapath serve` (N servers on PostgreSQL), 50 clinics with one nurse token each,
# 64 connections writing assessments (scripts/campaign campaign_load's `assessment` flow, connection i signing as
# clinic i mod 50), every acknowledged write read back (lost = those missing), and `ketapath audit verify`.
#
# The LAST line of standard output is exactly
#   write ratio R (KetaPath K/s, engine E/s), p99 P ms, lost L
# with R = K / E (two decimals), K the acknowledged writes per second, E the engine's transactions per second.
#
# Usage: scripts/bench/write_path.sh --backend sqlite|postgres [--servers N] [--seconds S]   (defaults 1, 20)
#   postgres uses KETAPATH_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) and starts the
#   local cluster if it does not answer.
set -euo pipefail
cd "$(dirname "$0")/../.."

backend="" servers=1 seconds=20 conns=64 clinics=50
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) backend="$2"; shift ;;
    --servers) servers="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    *) echo "unknown argument $1; usage: --backend sqlite|postgres [--servers N] [--seconds S]" >&2; exit 2 ;;
  esac
  shift
done
case "$backend" in
  sqlite) [ "$servers" = 1 ] || { echo "--servers N needs --backend postgres (SQLite is one process's file)" >&2; exit 2; } ;;
  postgres) ;;
  *) echo "--backend sqlite|postgres" >&2; exit 2 ;;
esac
echo "command: scripts/bench/write_path.sh --backend $backend --servers $servers --seconds $seconds"

target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/ketapath" client="$target/release/examples/campaign_load"
# Builds only when a binary is missing or older than the sources (cargo decides; it is quick when up to date).
CARGO_INCREMENTAL=0 cargo build -q --release -p ketapath
CARGO_INCREMENTAL=0 cargo build -q --release -p ketapath-web --example campaign_load

work="$(mktemp -d "${TMPDIR:-/tmp}/ketapath-write.XXXXXX")"
pids="" pg_admin="${KETAPATH_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}" pg_dbs=""
cleanup() {
  for pid in $pids; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  for name in $pg_dbs; do psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# A throw-away PostgreSQL database; prints its URL.
pg_database() {
  local name="ketapath_write_$1_$$"
  psql "$pg_admin" -qc "CREATE DATABASE $name" >/dev/null
  pg_dbs="$pg_dbs $name"
  echo "${pg_admin%/*}/$name"
}

echo "== engine"
case "$backend" in
  postgres)
    if ! pg_isready -q -d "$pg_admin"; then
      pg_ctlcluster "$(pg_lsclusters -h | awk 'NR==1 {print $1}')" main start 2>/dev/null || service postgresql start
      for _ in $(seq 1 50); do pg_isready -q -d "$pg_admin" && break; sleep 0.2; done
    fi
    engine_url=$(pg_database engine)
    pgbench -i -s 10 -q "$engine_url" >/dev/null 2>&1
    engine_out=$(pgbench -c 16 -j 2 -T "$seconds" "$engine_url" 2>&1)
    echo "$engine_out" | grep -E "^(tps|latency|number of (transactions|failed))"
    engine=$(echo "$engine_out" | awk '/^tps/ {print $3; exit}') ;;
  sqlite)
    engine=$(python3 - "$work/engine.db" "$seconds" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
db.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL, body TEXT NOT NULL)")
n, end = 0, time.monotonic() + float(sys.argv[2])
start = time.monotonic()
while time.monotonic() < end:
    db.execute("BEGIN IMMEDIATE")
    cur = db.execute("INSERT INTO a (body) VALUES (?)", ("x" * 200,))
    db.execute("INSERT INTO b (a_id, body) VALUES (?, ?)", (cur.lastrowid, "y" * 100))
    db.execute("COMMIT")
    n += 1
print(f"{n / (time.monotonic() - start):.1f}")
PY
)
    echo "one writer, WAL, synchronous=FULL, two inserts a transaction: $engine transactions/s" ;;
esac

echo "== KetaPath"
case "$backend" in
  sqlite) db="sqlite://$work/ketapath.db" ;;
  postgres) db=$(pg_database app) ;;
esac
"$bin" migrate --db "$db" >/dev/null
python3 - "$work/clinics.csv" "$clinics" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("id,name,street,city,state,zip,lat,lon,phone,website,offers,payment,telehealth,languages,"
            "accepting_new_patients,rems_certified,last_verified\n")
    for i in range(1, int(sys.argv[2]) + 1):
        f.write(f"w-{i},Write Clinic {i},{i} Main St,New York,NY,10001,{40 + i / 1000:.4f},-73.9857,212-555-0101,,"
                "iv_ketamine,self_pay,false,en,true,true,2026-10-01\n")
PY
"$bin" clinics import "$work/clinics.csv" --db "$db" >/dev/null
for i in $(seq 1 "$clinics"); do
  printf 'a long enough passphrase\n' |
    "$bin" user add --email "nurse@w-$i.example" --role nurse --clinic "w-$i" --db "$db" >/dev/null
  "$bin" token create --email "nurse@w-$i.example" --name write-path --db "$db" 2>/dev/null >>"$work/tokens.txt"
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
addrs=""
for s in $(seq 1 "$servers"); do
  addr="127.0.0.1:$(free_port)"
  # Every client comes from 127.0.0.1: without a higher limit the run would measure the rate limiter.
  "$bin" serve --db "$db" --listen "$addr" --rate-limit-burst 1000000 --rate-limit-per-minute 1000000 \
    2>"$work/serve-$s.log" &
  pids="$pids $!" addrs="$addrs $addr"
done
for a in $addrs; do
  for _ in $(seq 1 300); do curl -sf "http://$a/readyz" >/dev/null && break; sleep 0.2; done
  curl -sf "http://$a/readyz" >/dev/null || { cat "$work"/serve-*.log; exit 1; }
done
ulimit -n 4096 2>/dev/null || true

# The 64 connections are shared out over the servers, and together they cover the 50 clinics as one client would:
# connection j of all 64 signs as clinic j mod 50. Each client process signs its connection i with line i mod 50 of
# its own token list, so server s's list starts where the previous server's connections ended. (Giving every client
# the same list made the two servers' connections i write to the same clinic, so that on two servers every write
# waited for another on its clinic's audit chain, and only 32 of the 50 clinics were written to.)
per=$((conns / servers)) s=0 clients=""
for a in $addrs; do
  s=$((s + 1))
  skip=$(( (s - 1) * per % clinics ))
  { tail -n "+$((skip + 1))" "$work/tokens.txt"; head -n "$skip" "$work/tokens.txt"; } >"$work/tokens-$s.txt"
  "$client" run --addr "$a" --flow assessment --connections "$per" --seconds "$seconds" --tokens "$work/tokens-$s.txt" \
    --ids "$work/acknowledged-$s.txt" >"$work/result-$s.json" &
  clients="$clients $!"
done
failed=0
for pid in $clients; do wait "$pid" || failed=1; done
cat "$work"/result-*.json
lost=0
s=0
for a in $addrs; do
  s=$((s + 1))
  out=$("$client" readback --addr "$a" --tokens "$work/tokens-$s.txt" --ids "$work/acknowledged-$s.txt") || failed=1
  echo "$out"
  lost=$((lost + $(echo "$out" | jq '.lost')))
done
for pid in $pids; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
pids=""
"$bin" audit verify --db "$db" | tail -n 3 || failed=1

# Acknowledged assessment writes per second (read from the acknowledged-id files, so the one patient each
# connection creates first is left out), and the worst server's p99.
read -r ketapath p99 < <(python3 - "$seconds" "$work" "$servers" <<'PY'
import json, sys
seconds, work, servers = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])
writes, p99 = 0, 0.0
for s in range(1, servers + 1):
    writes += sum(1 for line in open(f"{work}/acknowledged-{s}.txt") if line.startswith("assessment "))
    p99 = max(p99, json.loads(open(f"{work}/result-{s}.json").read().strip().splitlines()[-1])["p99_ms"])
print(f"{writes / seconds:.0f} {p99:.1f}")
PY
)
[ "$failed" = 0 ] || echo "write path run FAILED: non-2xx answers, a failed read-back or a broken audit chain" >&2
ratio=$(python3 -c "print(f'{$ketapath / $engine:.2f}')")
printf 'write ratio %s (KetaPath %s/s, engine %.0f/s), p99 %s ms, lost %s\n' "$ratio" "$ketapath" "$engine" "$p99" "$lost"
