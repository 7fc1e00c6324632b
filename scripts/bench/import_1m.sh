#!/usr/bin/env bash
# Import budget (DESIGN.md): 1,000,000 CSV rows into SQLite under 30 s through `ketapath clinics import`, and the search
# index built from the store under 3 s (the store streams every listing, then ClinicIndex::build).
#
# Usage: scripts/bench/import_1m.sh [COUNT]      (default 1000000; writes under target/bench-import/)
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-1000000}"
dir="target/bench-import"
mkdir -p "$dir"
echo "command: scripts/bench/import_1m.sh $count"
cargo build --release -q -p ketapath --bin ketapath
cargo build --release -q -p ketapath-directory --example synth
[ -f "$dir/clinics-$count.csv" ] || target/release/examples/synth --count "$count" --out "$dir/clinics-$count.csv"
rm -f "$dir/k.db" "$dir/k.db-wal" "$dir/k.db-shm"
db="sqlite://$dir/k.db"
target/release/ketapath migrate --db "$db" >/dev/null
start=$(date +%s.%N)
target/release/ketapath clinics import "$dir/clinics-$count.csv" --db "$db"
end=$(date +%s.%N)
printf 'import of %s rows into SQLite: %.2f s (budget 30 s)\n' "$count" "$(echo "$end - $start" | bc)"
# A search loads every listing from the store and builds the index before answering; the search itself is microseconds.
start=$(date +%s.%N)
target/release/ketapath clinics search --zip 10001 --limit 1 --db "$db" >/dev/null
end=$(date +%s.%N)
printf 'load from the store + index build + one search at %s clinics: %.2f s (budget 3 s for the build)\n' "$count" "$(echo "$end - $start" | bc)"
