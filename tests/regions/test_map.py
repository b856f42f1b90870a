"""The prefecture map data (regions.map) and the build script behind it (regions.geodata.build).

Plain functions and a JSON file: no database and no Django settings needed.
"""

import json
import re
from itertools import pairwise

import pytest

from regions import map as region_map
from regions.geodata import build
from regions.map import prefecture_map

CODES = ["630100", "630200", "632200", "632300", "632500", "632600", "632700", "632800"]
COUNTS = {
    "630100": 40,
    "630200": 17,
    "632200": 9,
    "632300": 3,
    "632500": 25,
    "632600": 0,
    "632700": 31,
    "632800": 12,
}
TOKEN = re.compile(r"[MLZ]|\d+(?:\.\d)?")


def parse_path(d):
    """Subpaths of an absolute M/L/Z path as lists of points; fails on anything else."""
    tokens = TOKEN.findall(d)
    assert "".join(tokens) == d.replace(",", ""), f"unexpected characters in {d[:40]}…"
    rings, ring, i = [], None, 0
    while i < len(tokens):
        command = tokens[i]
        if command in "ML":
            assert command == "M" or ring is not None, "L before M"
            x, y = float(tokens[i + 1]), float(tokens[i + 2])
            if command == "M":
                assert ring is None, "M inside an open subpath"
                ring = []
            ring.append((x, y))
            i += 3
        elif command == "Z":
            assert ring is not None and len(ring) >= 3, "Z closes fewer than 3 points"
            rings.append(ring)
            ring, i = None, i + 1
        else:
            pytest.fail(f"number where a command was expected: {command}")
    assert ring is None, "subpath not closed with Z"
    return rings


def inside(x, y, rings):
    """Even-odd point-in-polygon test (holes count as outside)."""
    result = False
    for ring in rings:
        for (x0, y0), (x1, y1) in pairwise(ring + ring[:1]):
            if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
                result = not result
    return result


def view_box_size(view_box):
    min_x, min_y, width, height = (float(v) for v in view_box.split())
    assert (min_x, min_y) == (0, 0)
    return width, height


# --- The shapes ------------------------------------------------------------------------------


def test_eight_prefectures_in_code_order():
    shapes = prefecture_map({})["shapes"]

    assert [shape["code"] for shape in shapes] == CODES
    assert shapes[0]["name"] == "西宁市"
    assert shapes[-1]["name"] == "海西蒙古族藏族自治州"
    assert shapes[-1]["short_name"] == "海西州"


def test_view_box_is_800_wide():
    width, height = view_box_size(prefecture_map({})["view_box"])

    assert width == 800
    # Qinghai is wider than tall: about 11.2 by 7.6 degree-lengths at its mid-latitude.
    assert 450 < height < 650


@pytest.mark.parametrize("code", CODES)
def test_path_parses_and_stays_within_the_view_box(code):
    result = prefecture_map({})
    width, height = view_box_size(result["view_box"])
    shape = next(s for s in result["shapes"] if s["code"] == code)

    assert shape["d"].startswith("M")
    rings = parse_path(shape["d"])
    points = [point for ring in rings for point in ring]
    assert all(0 <= x <= width and 0 <= y <= height for x, y in points)
    # The label point is inside the shape (not in a hole, not in a neighbour).
    assert inside(shape["label_x"], shape["label_y"], rings)


def test_shapes_are_where_they_belong():
    shapes = {s["code"]: s for s in prefecture_map({})["shapes"]}

    def bounds(code):
        points = [p for ring in parse_path(shapes[code]["d"]) for p in ring]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        return min(xs), min(ys), max(xs), max(ys), (max(xs) - min(xs)) * (max(ys) - min(ys))

    # 海西 reaches the northern edge, 玉树 the western and southern ones, 海东 the eastern one;
    # 西宁 lies in the east too, and 海西 is the largest.
    assert bounds("632800")[1] < 15
    assert bounds("632700")[0] < 15
    assert bounds("632700")[3] > 530
    assert bounds("630200")[2] > 785
    assert bounds("630100")[0] > 650
    assert bounds("630200")[0] > 650
    assert max(shapes, key=lambda code: bounds(code)[4]) == "632800"
    # Two exclaves survive: 唐古拉山镇 of 海西 and the piece of 海南 inside 黄南 (a hole there).
    assert len(parse_path(shapes["632800"]["d"])) == 2
    assert len(parse_path(shapes["632500"]["d"])) == 2
    assert len(parse_path(shapes["632300"]["d"])) == 2


def test_neighbours_share_their_borders_exactly():
    shapes = {s["code"]: s for s in prefecture_map({})["shapes"]}
    points = {
        code: {p for ring in parse_path(shape["d"]) for p in ring} for code, shape in shapes.items()
    }

    # Simplification keeps the vertices of shared borders identical on both sides.
    assert len(points["630100"] & points["632200"]) > 10
    assert len(points["632700"] & points["632800"]) > 50
    assert len(points["632300"] & points["632500"]) > 30


# --- Shades, highlight and legend ------------------------------------------------------------


def test_shades_follow_counts():
    result = prefecture_map(COUNTS)
    shapes = {s["code"]: s for s in result["shapes"]}

    assert shapes["632600"]["shade"] == 0
    assert shapes["630100"]["shade"] == 5
    assert all(0 <= s["shade"] <= 5 for s in shapes.values())
    by_count = sorted(shapes.values(), key=lambda s: s["count"])
    assert [s["shade"] for s in by_count] == sorted(s["shade"] for s in by_count)
    assert all(s["dark"] == (s["shade"] >= 4) for s in shapes.values())
    assert {code: s["count"] for code, s in shapes.items()} == COUNTS


def test_missing_codes_count_zero_and_unknown_codes_are_ignored():
    shapes = prefecture_map({"632800": 3, "999999": 100})["shapes"]

    assert [s["count"] for s in shapes] == [0] * 7 + [3]
    assert [s["shade"] for s in shapes] == [0] * 7 + [5]


def test_all_zero_counts():
    result = prefecture_map({})

    assert {s["shade"] for s in result["shapes"]} == {0}
    assert result["legend"] == [{"shade": 0, "low": 0, "high": 0}]


def test_negative_count_is_an_error():
    with pytest.raises(ValueError):
        prefecture_map({"630100": -1})


@pytest.mark.parametrize("maximum", [*range(1, 41), 97, 100, 1234])
def test_shade_is_monotonic_and_ends_at_five(maximum):
    shades = [region_map.shade_for(count, maximum) for count in range(0, maximum + 1)]

    assert shades[0] == 0
    assert shades[-1] == 5
    assert all(1 <= shade <= 5 for shade in shades[1:])
    assert shades == sorted(shades)


@pytest.mark.parametrize("maximum", [*range(1, 41), 97, 100, 1234])
def test_legend_covers_one_to_maximum_without_gaps(maximum):
    legend = region_map.legend_for(maximum)

    assert legend[0] == {"shade": 0, "low": 0, "high": 0}
    rows = legend[1:]
    assert rows[0]["low"] == 1
    assert rows[-1] == {"shade": 5, "low": rows[-1]["low"], "high": maximum}
    for before, after in pairwise(rows):
        assert after["low"] == before["high"] + 1
        assert after["shade"] > before["shade"]
    for row in rows:
        assert row["low"] <= row["high"]
        # Every count in a row gets that row's shade.
        for count in range(row["low"], row["high"] + 1):
            assert region_map.shade_for(count, maximum) == row["shade"]


def test_legend_of_the_map_uses_its_maximum():
    legend = prefecture_map(COUNTS)["legend"]

    assert legend == [
        {"shade": 0, "low": 0, "high": 0},
        {"shade": 1, "low": 1, "high": 8},
        {"shade": 2, "low": 9, "high": 16},
        {"shade": 3, "low": 17, "high": 24},
        {"shade": 4, "low": 25, "high": 32},
        {"shade": 5, "low": 33, "high": 40},
    ]


def test_highlight_flags_exactly_one_prefecture():
    shapes = prefecture_map(COUNTS, highlight="632300")["shapes"]

    assert [s["code"] for s in shapes if s["highlighted"]] == ["632300"]


@pytest.mark.parametrize("highlight", [None, "", "630000", "632321"])
def test_nothing_highlighted_without_a_prefecture_code(highlight):
    drawn = prefecture_map(COUNTS, highlight=highlight, unit="天峻县")

    assert not any(s["highlighted"] for s in drawn["shapes"])
    assert drawn["highlighted"] is None


def test_a_unit_is_named_in_its_outlined_prefecture():
    outlined = prefecture_map(COUNTS, highlight="632800", unit="天峻县")["highlighted"]

    assert (outlined["code"], outlined["short_name"], outlined["unit"]) == (
        "632800",
        "海西州",
        "天峻县",
    )
    assert outlined["count"] == COUNTS["632800"]
    assert prefecture_map(COUNTS, highlight="632800")["highlighted"]["unit"] is None


def test_calls_do_not_share_mutable_state():
    first = prefecture_map({"630100": 5}, highlight="630100")
    prefecture_map({"632800": 9}, highlight="632800")

    assert first["shapes"][0]["count"] == 5
    assert first["shapes"][0]["highlighted"]
    assert "count" not in region_map.load_geodata()["prefectures"][0]


# --- The build script ------------------------------------------------------------------------


def encode_ring(points, offset):
    """The inverse of ECharts' decodePolygon: zigzag-encoded deltas, each plus 64, as characters."""
    chars = []
    x, y = offset
    for px, py in points:
        for delta in (px - x, py - y):
            chars.append(chr(((delta << 1) ^ (delta >> 31)) + 64))
        x, y = px, py
    return "".join(chars)


def test_decode_hand_made_ring():
    # "@" is 64, a zero delta; "A" is zigzag 1 = -1; "B" is zigzag 2 = +1; "D" is +2; "E" is -3.
    assert build.decode_ring("@@ABDE", [100, 200]) == [(100, 200), (99, 201), (101, 198)]


def test_decode_round_trips_encode():
    offset = (102400, 36864)
    points = [(102400, 36864), (102410, 36850), (102000, 37000), (104000, 35000), (102400, 36864)]

    encoded = encode_ring(points, offset)

    assert build.decode_ring(encoded, list(offset)) == points
    # 2,000 units is about two degrees: still a single UTF-16 code unit per coordinate.
    assert len(encoded) == 2 * len(points)


def square(x0, y0, size):
    # Clockwise with y up, like the ECharts source.
    return [(x0, y0), (x0, y0 + size), (x0 + size, y0 + size), (x0 + size, y0), (x0, y0)]


def feature(code, name, polygons):
    """An encoded feature; several polygons make a MultiPolygon."""
    offsets = [[list(polygon[0])] for polygon in polygons]
    coordinates = [[encode_ring(polygon, polygon[0])] for polygon in polygons]
    if len(polygons) == 1:
        geometry = {"type": "Polygon", "coordinates": coordinates[0], "encodeOffsets": offsets[0]}
    else:
        geometry = {"type": "MultiPolygon", "coordinates": coordinates, "encodeOffsets": offsets}
    return {"id": code, "type": "Feature", "properties": {"name": name}, "geometry": geometry}


def tiny_collection():
    unit = 512  # half a degree
    west = feature("990100", "West", [square(100 * 1024, 35 * 1024, 2 * unit)])
    # The eastern square arrives as two touching halves, like 黄南 in the real source.
    east_x = 100 * 1024 + 2 * unit
    south = [(east_x, 35 * 1024), (east_x, 35 * 1024 + unit)]
    south += [(east_x + 2 * unit, 35 * 1024 + unit), (east_x + 2 * unit, 35 * 1024), south[0]]
    north = [(east_x, 35 * 1024 + unit), (east_x, 35 * 1024 + 2 * unit)]
    north += [(east_x + 2 * unit, 35 * 1024 + 2 * unit), (east_x + 2 * unit, 35 * 1024 + unit)]
    north.append(north[0])
    east = feature("990200", "East", [south, north])
    return {"type": "FeatureCollection", "UTF8Encoding": True, "features": [east, west]}


def test_build_is_deterministic_and_merges_touching_polygons():
    first = build.dumps(build.build(tiny_collection()))
    second = build.dumps(build.build(tiny_collection()))

    assert first == second
    assert first.endswith("}\n")
    document = json.loads(first)
    # Two by one degree at 35.5°N: 780 units wide inside the margins, 780 / 2 / cos(35.5°) high.
    assert document["viewBox"] == "0 0 800 500"
    west, east = document["prefectures"]
    assert (west["code"], east["code"]) == ("990100", "990200")
    assert west["d"] == "M10,489.5L10,10.5L400,10.5L400,489.5Z"
    assert (west["label_x"], west["label_y"]) == (205.0, 250.0)
    # The two halves become one rectangle: no border is drawn across it.
    [ring] = parse_path(east["d"])
    assert {x for x, _ in ring} == {400, 790}
    assert {y for _, y in ring} >= {10.5, 489.5}
    assert abs(build.signed_area(ring + ring[:1])) == pytest.approx(390 * 479)
    assert (east["label_x"], east["label_y"]) == (595.0, 250.0)


def test_committed_file_is_in_canonical_form():
    text = region_map.GEODATA.read_text(encoding="utf-8")
    document = json.loads(text)

    assert build.dumps(document) == text
    assert document["licence"] == "Apache-2.0"
    assert "echarts@4.9.0" in document["source"]
    assert "map/json/province/qinghai.json" in document["source"]
