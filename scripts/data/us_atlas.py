#!/usr/bin/env python3
"""Regenerates crates/web/src/map/us_states.tsv (and its test fixture state_centroids.tsv) from npm us-atlas@3.0.1.

Usage (from the repository root): python3 scripts/data/us_atlas.py [--tarball us-atlas-3.0.1.tgz]
Standard library only; the output is byte for byte the checked-in file.

The input is TopoJSON already projected by d3.geoAlbersUsa().scale(1300).translate([487.5, 305]) into a
975x610 viewport. Each arc is decoded (quantized, delta-encoded integers times the transform scale plus its
translate) and simplified once with Douglas-Peucker. Simplifying shared arcs rather than finished rings keeps
neighbouring states' borders identical, so no slivers open between them. Rings whose simplified area is below
MIN_RING_AREA (tiny islands, invisible at any zoom the site uses) are dropped, but a state always keeps its
largest ring. Coordinates are rounded to one decimal first; the path then uses relative `l` segments between
those rounded points, so the deltas are exact and no rounding error accumulates.

Output: one line per state sorted by FIPS code, three tab-separated columns: FIPS, state name, SVG path `d`.

Test fixture: state_centroids.tsv holds, per state, the planar centroid (in degrees) of the state's largest ring in the
unprojected states-10m.json of the same package: FIPS, latitude, longitude with four decimals. The Rust tests project
these with their own d3.geoAlbersUsa port and check that each lands inside its state's box in us_states.tsv, which ties
the projection to the data it is drawn on.
"""

import argparse
import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # Leave no __pycache__ in the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from npm_fetch import fetch_member  # noqa: E402

SPEC = "us-atlas@3.0.1"
SHA1 = "367d64e4b31d3f945827710f1a43813c38e17d6b"
MEMBER = "package/states-albers-10m.json"
UNPROJECTED = "package/states-10m.json"
OUT_DIR = Path(__file__).resolve().parents[2] / "crates/web/src/map"

# Douglas-Peucker tolerance in viewport pixels (the map is 975 px wide): small enough that coastlines keep
# their shape when the page zooms in on one metro area, large enough to keep the layer near 30 KB.
TOLERANCE = 0.7
# The viewport d3.geoAlbersUsa().scale(1300).translate([487.5, 305]) fills.
WIDTH, HEIGHT = 975, 610
# Rings smaller than this many square pixels are dropped (a square under 1.5 px on a side at full zoom).
MIN_RING_AREA = 2.0


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Turns the quantized, delta-encoded arcs into absolute viewport coordinates."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def perpendicular(p, a, b) -> float:
    """Distance from p to the segment a-b."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        return ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    cx, cy = ax + t * dx, ay + t * dy
    return ((px - cx) ** 2 + (py - cy) ** 2) ** 0.5


def douglas_peucker(points: list, tolerance: float) -> list:
    """Keeps both ends and every point farther than `tolerance` from the simplified line (iterative)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = perpendicular(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index >= 0 and best > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep) if k]


def simplify_arc(points: list, tolerance: float) -> list:
    """Simplifies one arc; a closed arc (an island) is split at its farthest point so it keeps an area."""
    if len(points) > 3 and points[0] == points[-1]:
        start = points[0]
        far = max(range(len(points)), key=lambda i: (points[i][0] - start[0]) ** 2 + (points[i][1] - start[1]) ** 2)
        head = douglas_peucker(points[: far + 1], tolerance)
        tail = douglas_peucker(points[far:], tolerance)
        return head + tail[1:]
    return douglas_peucker(points, tolerance)


def ring_points(ring: list[int], arcs: list) -> list:
    """Concatenates a ring's arcs (a negative index ~i means arc i reversed), dropping the shared joints."""
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def area(points: list) -> float:
    """Unsigned shoelace area of a closed ring."""
    total = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        total += x0 * y1 - x1 * y0
    return abs(total) / 2.0


def in_viewport(points: list) -> bool:
    """True when the ring's box reaches into the 975x610 viewport. The westernmost Aleutians (east of the
    antimeridian) come out of the Alaska projection left of x = 0, where no view of the map can show them."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return max(xs) >= 0 and min(xs) <= WIDTH and max(ys) >= 0 and min(ys) <= HEIGHT


def centroid(points: list) -> tuple[float, float]:
    """Planar area centroid of a closed ring."""
    twice_area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (3.0 * twice_area), cy / (3.0 * twice_area)


def state_rings(topology: dict, arcs: list) -> list[tuple[str, str, list]]:
    """Each state's FIPS code, name and rings (outer rings and holes alike), in the file's order.

    Territories (FIPS 60 and above, present only in the unprojected file) are skipped: d3.geoAlbersUsa has no
    inset for them, so the map cannot draw them.
    """
    states = []
    for geometry in topology["objects"]["states"]["geometries"]:
        fips, name = geometry["id"], geometry["properties"]["name"]
        if int(fips) >= 60:
            continue
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            raise SystemExit(f"state {fips} has unexpected geometry {geometry['type']}")
        if "\t" in name or "\n" in name:
            raise SystemExit(f"state {fips} name {name!r} contains a tab or newline")
        states.append((fips, name, [ring_points(ring, arcs) for polygon in polygons for ring in polygon]))
    if len(states) != 51:
        raise SystemExit(f"expected 51 states (50 and DC), found {len(states)}")
    return states


def number(value: int) -> str:
    """Formats tenths of a pixel in the short SVG form: 120 -> 12, 5 -> 0.5, -5 -> -0.5."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    return f"{sign}{whole}.{tenth}" if tenth else f"{sign}{whole}"


def join(values: list[int]) -> str:
    """Joins numbers with a space, except before a minus sign, which already separates them."""
    out = ""
    for value in values:
        text = number(value)
        if out and not text.startswith("-"):
            out += " "
        out += text
    return out


def ring_path(points: list) -> str:
    """One closed subpath: absolute move to the first point, relative lines to the rest, close."""
    tenths = [(round(x * 10), round(y * 10)) for x, y in points]
    deduped = [tenths[0]]
    for p in tenths[1:]:
        if p != deduped[-1]:
            deduped.append(p)
    if len(deduped) > 1 and deduped[-1] == deduped[0]:
        deduped.pop()
    path = "M" + join(list(deduped[0])) + "l"
    deltas = []
    for (x0, y0), (x1, y1) in zip(deduped, deduped[1:]):
        deltas.extend([x1 - x0, y1 - y0])
    return path + join(deltas) + "z"


def convert(text: str) -> str:
    """The states layer: simplified, small islands dropped, one SVG path per state."""
    topology = json.loads(text)
    arcs = [simplify_arc(arc, TOLERANCE) for arc in decode_arcs(topology)]
    lines = []
    for fips, name, rings in state_rings(topology, arcs):
        largest = max(range(len(rings)), key=lambda i: area(rings[i]))
        kept = [
            r
            for i, r in enumerate(rings)
            if i == largest or (len(r) >= 4 and area(r) >= MIN_RING_AREA and in_viewport(r))
        ]
        lines.append(f"{fips}\t{name}\t{''.join(ring_path(r) for r in kept)}\n")
    return "".join(sorted(lines))


def centroids(text: str) -> str:
    """The test fixture: the centroid of each state's largest unprojected ring, in degrees."""
    topology = json.loads(text)
    lines = []
    for fips, _, rings in state_rings(topology, decode_arcs(topology)):
        lon, lat = centroid(max(rings, key=area))
        lines.append(f"{fips}\t{lat:.4f}\t{lon:.4f}\n")
    return "".join(sorted(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", help="use this us-atlas-3.0.1.tgz instead of running npm pack")
    args = parser.parse_args()
    projected = fetch_member(SPEC, SHA1, MEMBER, args.tarball).decode("utf-8")
    unprojected = fetch_member(SPEC, SHA1, UNPROJECTED, args.tarball).decode("utf-8")
    (OUT_DIR / "us_states.tsv").write_text(convert(projected), encoding="utf-8", newline="\n")
    (OUT_DIR / "state_centroids.tsv").write_text(centroids(unprojected), encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()
