#!/usr/bin/env python3
"""Regenerates crates/directory/data/iso639_1.tsv (code, English name) from npm iso-639-1@3.1.6 (MIT).

Usage (from the repository root): python3 scripts/data/iso639_1.py [--tarball iso-639-1-3.1.6.tgz]
Standard library only; the output is byte for byte the checked-in file. The package's `src/data.js` is a
JavaScript object literal (`aa: { name: 'Afar', nativeName: '…' }`); only codes and English names are kept.
"""

import argparse
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # Leave no __pycache__ in the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from npm_fetch import fetch_member  # noqa: E402

SPEC = "iso-639-1@3.1.6"
SHA1 = "19f3edfc0ad105fe5d6b95c24572142ec4332141"
MEMBER = "package/src/data.js"
OUT = Path(__file__).resolve().parents[2] / "crates/directory/data/iso639_1.tsv"
ENTRY = re.compile(r"^  ([a-z]{2}): \{\n    name: (?:'([^']*)'|\"([^\"]*)\"),", re.MULTILINE)


def convert(text: str) -> str:
    rows = {}
    for match in ENTRY.finditer(text):
        rows[match.group(1)] = match.group(2) if match.group(2) is not None else match.group(3)
    declared = len(re.findall(r"^  [a-z]{2}: \{", text, re.MULTILINE))
    if declared != len(rows):
        raise SystemExit(f"{MEMBER}: parsed {len(rows)} of {declared} entries; the file format changed")
    return "code\tname\n" + "".join(f"{code}\t{rows[code]}\n" for code in sorted(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", help="use this iso-639-1-3.1.6.tgz instead of running npm pack")
    parser.add_argument("--out", default=str(OUT), help="output path (default: the checked-in file)")
    args = parser.parse_args()
    out = convert(fetch_member(SPEC, SHA1, MEMBER, args.tarball).decode("utf-8"))
    Path(args.out).write_text(out, encoding="utf-8", newline="\n")
    print(f"{args.out}: {out.count(chr(10)) - 1} rows")


if __name__ == "__main__":
    main()
