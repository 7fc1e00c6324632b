#!/usr/bin/env bash
# Registry statistics over N synthetic patients with K PHQ-9s each on SQLite and on PostgreSQL, compared with the same
# aggregation done by DuckDB (PyPI `duckdb`) over the exported CSV, in one run. KetaPath streams both the registry and
# the export a page of patients at a time; each step's peak resident memory is measured by the benchmark itself.
# Before the registry, the stored statistics records of the patients changed since the last refresh are rebuilt
# (after a seed: every patient), timed on their own as "Refresh s"; the registry then reads one record per patient.
# Prints one table row per backend, with the load average before and after.
#
# Usage: scripts/bench/registry_duckdb.sh [PATIENTS=100000] [ASSESSMENTS_PER_PATIENT=40]
# PostgreSQL: KETAPATH_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test); a fresh database is
# created next to it and dropped at the end. Set it to "none" to skip PostgreSQL.
# KETAPATH_BENCH_SQLITE=FILE keeps the SQLite database in FILE; a FILE that exists is reused without seeding again
# (its seed time then shows as "–").
set -euo pipefail

PATIENTS=${1:-100000}
ASSESSMENTS=${2:-40}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
PG_ADMIN=${KETAPATH_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ketapath-registry-bench.XXXXXX")
PG_DB="ketapath_bench_$$"
cleanup() {
    rm -rf "$WORK"
    if [ "$PG_ADMIN" != none ]; then psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

VENV="$TARGET/bench-venv"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q duckdb
fi

(cd "$ROOT" && cargo build --release -q -p ketapath-store --example registry_bench)
BIN="$TARGET/release/examples/registry_bench"

echo "registry benchmark: $PATIENTS patients x $ASSESSMENTS PHQ-9s" >&2
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
SQLITE_DB=${KETAPATH_BENCH_SQLITE:-$WORK/bench.db}
SEEDED=()
if [ -e "$SQLITE_DB" ]; then SEEDED=(--seeded); fi
"$BIN" --db "sqlite://$SQLITE_DB" --patients "$PATIENTS" --assessments "$ASSESSMENTS" --out "$WORK/csv" "${SEEDED[@]}" > "$WORK/sqlite.json"
if [ "$PG_ADMIN" != none ]; then
    psql -q "$PG_ADMIN" -c "CREATE DATABASE $PG_DB" >/dev/null
    "$BIN" --db "${PG_ADMIN%/*}/$PG_DB" --patients "$PATIENTS" --assessments "$ASSESSMENTS" --out "$WORK/csv-pg" > "$WORK/postgres.json"
else
    echo '{}' > "$WORK/postgres.json"
fi
"$VENV/bin/python" "$ROOT/scripts/bench/registry_duckdb.py" "$WORK/csv" > "$WORK/duckdb.json"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

"$VENV/bin/python" - "$WORK/sqlite.json" "$WORK/postgres.json" "$WORK/duckdb.json" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import json, sys
runs = [json.load(open(p)) for p in sys.argv[1:4]]
sqlite, pg, duck = runs
print(f"consenting {sqlite['consenting']}, page {sqlite['page']} patients, DuckDB {duck['duckdb_version']}, "
      f"load average before {sys.argv[4]}, after {sys.argv[5]}")
print("| Backend | Patients | Assessments | Seed s | Refresh s (records rebuilt) | Registry s | Export s "
      "| Peak RSS MB (registry / export) | DuckDB s | Registry / DuckDB |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
def s(run, key):
    return f"{run[key]:.1f}" if run.get(key) is not None else "–"
for name, run in (("SQLite", sqlite), ("PostgreSQL", pg)):
    if not run:
        continue
    ratio = run["registry_s"] / duck["registry_s"]
    print(f"| {name} | {run['patients']:,} | {run['assessments']:,} | {s(run, 'seed_s')} "
          f"| {s(run, 'refresh_s')} ({run['refreshed']:,}) | {s(run, 'registry_s')} "
          f"| {s(run, 'export_csv_s')} | {s(run, 'registry_peak_rss_mb')} / {s(run, 'export_peak_rss_mb')} "
          f"| {s(duck, 'registry_s')} | {ratio:.2f} |")
def key(cells):
    return {c["modality"]: (c["patients"], c["responders"], c["remitters"]) for c in cells}
same = key(sqlite["cells"]) == key(duck["cells"]) and (not pg or key(pg["cells"]) == key(sqlite["cells"]))
print()
for c in sqlite["cells"]:
    d = next((x for x in duck["cells"] if x["modality"] == c["modality"]), {})
    print(f"{c['modality']}: KetaPath {c['patients']} patients, {c['responders']} responders, {c['remitters']} remitters; "
          f"DuckDB {d.get('patients')}, {d.get('responders')}, {d.get('remitters')}")
backends = "SQLite, PostgreSQL and DuckDB" if pg else "SQLite and DuckDB (PostgreSQL skipped)"
print(f"PHQ-9 cells agree across {backends}" if same else "PHQ-9 CELLS DIFFER")
PY
