#!/usr/bin/env bash
# Side-by-side: KetaPath's in-process clinic index against PostGIS (GiST on geography, KNN `<->`), on the
# same synthetic clinics and the same query points (DESIGN.md, "Performance budgets").
#
# Usage: scripts/bench/postgis_compare.sh [COUNT] [QUERY_POINTS]      (defaults 1000000 and 1000)
# Env:   PGHOST/PGPORT/PGUSER (default 127.0.0.1, 5432, postgres), PG_PASSES (1), RUST_PASSES (3),
#        WORKDIR (/tmp/ketapath-postgis-bench), KEEP_DB=1 to keep the throwaway database.
# Needs root (or an installed PostGIS) for `apt-get install postgresql-15-postgis-3`.
set -euo pipefail

COUNT="${1:-1000000}"
QUERIES="${2:-1000}"
PG_PASSES="${PG_PASSES:-1}"
RUST_PASSES="${RUST_PASSES:-3}"
WORKDIR="${WORKDIR:-/tmp/ketapath-postgis-bench}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGOPTIONS="${PGOPTIONS:--c client_min_messages=warning}"
DB="ketapath_postgis_bench"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
REPRODUCE="scripts/bench/postgis_compare.sh $COUNT $QUERIES"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

if ! dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1; then
    log "installing postgresql-15-postgis-3"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-postgis-3 >/dev/null
fi

mkdir -p "$WORKDIR"
cd "$ROOT"
log "building the examples (release)"
cargo build --release -q -p ketapath-directory --example synth --example search_compare
log "writing $COUNT clinics and $QUERIES query points"
target/release/examples/synth --count "$COUNT" --out "$WORKDIR/clinics.csv" \
    --queries "$QUERIES" --queries-out "$WORKDIR/queries.csv"

cleanup() { [ "${KEEP_DB:-0}" = 1 ] || psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true; }
trap cleanup EXIT
psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null
psql -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
log "loading into PostGIS (COPY, GiST index; this takes a while at 1,000,000)"
start=$(date +%s)
sed -e "s|@CLINICS_CSV@|$WORKDIR/clinics.csv|" -e "s|@QUERIES_CSV@|$WORKDIR/queries.csv|" \
    "$HERE/postgis_compare.sql" | psql -q -d "$DB" >/dev/null
log "PostGIS loaded and indexed in $(( $(date +%s) - start )) s"

declare -A PG PG_PARTIAL RUST ROWS RUST_HITS
for kind in nearest10 nearest10_f10 nearest10_f1 within50_all; do
    log "PostGIS: $kind"
    read -r median p90 rows < <(psql -qAt -F ' ' -d "$DB" -c "SELECT median_us, p90_us, mean_rows FROM bench('$kind', $PG_PASSES)")
    PG[$kind]="$median"; ROWS[$kind]="$rows"
done

log "PostGIS: partial GiST indexes for the two filters"
psql -q -d "$DB" >/dev/null <<'SQL'
CREATE INDEX clinics_geog_f10 ON clinics USING gist (geog) WHERE offers @> '{im_ketamine}';
CREATE INDEX clinics_geog_f1 ON clinics USING gist (geog)
    WHERE offers @> '{esketamine_nasal}' AND payment @> '{medicaid}' AND languages @> '{es}';
ANALYZE clinics;
SQL
for kind in nearest10_f10 nearest10_f1; do
    log "PostGIS with partial index: $kind"
    read -r median p90 rows < <(psql -qAt -F ' ' -d "$DB" -c "SELECT median_us, p90_us, mean_rows FROM bench('$kind', $PG_PASSES)")
    PG_PARTIAL[$kind]="$median"
done

log "KetaPath: loading the same CSV, building the index, timing the same query points"
RUST_OUT="$(target/release/examples/search_compare --clinics "$WORKDIR/clinics.csv" --queries "$WORKDIR/queries.csv" --passes "$RUST_PASSES")"
while read -r tag name median p90 hits total mean; do
    [ "$tag" = RESULT ] && RUST[$name]="$median" && RUST_HITS[$name]="$hits"
done <<<"$RUST_OUT"
BUILD_MS="$(awk '$1 == "BUILD_MS" {print $2}' <<<"$RUST_OUT")"
SELECTIVITY="$(awk '$1 == "SELECTIVITY" {printf "10%% filter %.2f%%, 1%% combination %.2f%%", 100*$3, 100*$5}' <<<"$RUST_OUT")"

echo
echo "Clinic search, $COUNT synthetic clinics, $QUERIES random US query points; medians in microseconds"
echo "(per query; PostGIS timed inside the server with clock_timestamp, KetaPath in process with Instant)."
echo "Selectivity: $SELECTIVITY. KetaPath index build: ${BUILD_MS} ms. Machine: $(nproc) cores, shared, so figures are noisy."
printf '%-16s %14s %16s %10s %8s %15s %10s %10s\n' query "PostGIS" "PostGIS+partial" "KetaPath" "ratio" "ratio(partial)" "rows(PG)" "rows(KP)"
for kind in nearest10 nearest10_f10 nearest10_f1 within50_all; do
    pg="${PG[$kind]}"; pp="${PG_PARTIAL[$kind]:-}"; rs="${RUST[$kind]}"
    ratio=$(awk -v a="$pg" -v b="$rs" 'BEGIN {printf "%.0fx", a / b}')
    ratio_p=$( [ -n "$pp" ] && awk -v a="$pp" -v b="$rs" 'BEGIN {printf "%.0fx", a / b}' || echo "-")
    pp=$( [ -n "$pp" ] && awk -v a="$pp" 'BEGIN {printf "%.1f", a}' || echo "-")
    printf '%-16s %14.1f %16s %10.2f %8s %15s %10.1f %10s\n' "$kind" "$pg" "$pp" "$rs" "$ratio" "$ratio_p" "${ROWS[$kind]}" "${RUST_HITS[$kind]}"
done
echo
echo "Rows: mean rows returned per query by each side (KetaPath also computes 'total', the count of all matches)."
echo "Reproduce: $REPRODUCE"
