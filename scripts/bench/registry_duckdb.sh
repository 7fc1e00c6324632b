#!/usr/bin/env bash
# Registry statistics over N synthetic patients with K PHQ-9s each on SQLite and on PostgreSQL, compared with the same
# aggregation done by DuckDB (PyPI `duckdb`) over the exported CSV, in one run. Prints a side-by-side table.
#
# Usage: scripts/bench/registry_duckdb.sh [PATIENTS=100000] [ASSESSMENTS_PER_PATIENT=40]
# PostgreSQL: KETAPATH_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test); a fresh database is
# created next to it and dropped at the end. Set it to "none" to skip PostgreSQL.
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
"$BIN" --db "sqlite://$WORK/bench.db" --patients "$PATIENTS" --assessments "$ASSESSMENTS" --out "$WORK/csv" > "$WORK/sqlite.json"
if [ "$PG_ADMIN" != none ]; then
    psql -q "$PG_ADMIN" -c "CREATE DATABASE $PG_DB" >/dev/null
    "$BIN" --db "${PG_ADMIN%/*}/$PG_DB" --patients "$PATIENTS" --assessments "$ASSESSMENTS" --out "$WORK/csv-pg" > "$WORK/postgres.json"
else
    echo '{}' > "$WORK/postgres.json"
fi
"$VENV/bin/python" "$ROOT/scripts/bench/registry_duckdb.py" "$WORK/csv" > "$WORK/duckdb.json"

"$VENV/bin/python" - "$WORK/sqlite.json" "$WORK/postgres.json" "$WORK/duckdb.json" <<'PY'
import json, sys
runs = [json.load(open(p)) for p in sys.argv[1:]]
sqlite, pg, duck = runs
print(f"patients {sqlite['patients']}, assessments {sqlite['assessments']}, consenting {sqlite['consenting']}, "
      f"DuckDB {duck['duckdb_version']}")
print("| Step | SQLite | PostgreSQL | DuckDB over CSV |")
print("|---|---:|---:|---:|")
def f(run, key):
    return f"{run[key]:.2f} s" if key in run else "–"
print(f"| bulk seed (not timed by DuckDB) | {f(sqlite, 'seed_s')} | {f(pg, 'seed_s')} | – |")
print(f"| research read (consenting patients) | {f(sqlite, 'read_s')} | {f(pg, 'read_s')} | – |")
print(f"| aggregation in Rust | {f(sqlite, 'aggregate_s')} | {f(pg, 'aggregate_s')} | – |")
print(f"| registry total | {f(sqlite, 'registry_s')} | {f(pg, 'registry_s')} | {f(duck, 'registry_s')} |")
print(f"| de-identified CSV export | {f(sqlite, 'export_csv_s')} | {f(pg, 'export_csv_s')} | – |")
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
