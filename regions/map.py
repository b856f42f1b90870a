"""Data for the schematic map of Qinghai's eight prefectures (templates/regions/_map.html).

The outlines come from geodata/prefectures.json (built by geodata/build.py). This module only
adds the per-page data: counts, shade classes and the highlighted prefecture. Shades are small
integers rendered as CSS classes (``map-shade-3``), because the Content-Security-Policy forbids
inline styles. No Django import, so it can be used and tested without settings.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

GEODATA = Path(__file__).resolve().parent / "geodata" / "prefectures.json"

SHADES = 5
# Labels of two small neighbours (西宁市 and 海东市) that run into each other when the map is
# drawn small with large labels (a phone, map.css): moved apart, one up and one down.
CROWDED_LABELS = {"630100": "up", "630200": "down"}
# Shades from which the fill is dark enough that labels switch to white (see map.css).
DARK_FROM = 4


@functools.cache
def load_geodata() -> dict:
    with GEODATA.open(encoding="utf-8") as f:
        return json.load(f)


def shade_for(count: int, maximum: int) -> int:
    """0 for no measures, else 1..SHADES by equal-width bins of (0, maximum].

    Bin i holds the counts in ((i - 1) * maximum / SHADES, i * maximum / SHADES]; integer
    arithmetic (a ceiling division) keeps the bin edges exact.
    """
    if count <= 0:
        return 0
    return -(-count * SHADES // maximum)


def legend_for(maximum: int) -> list[dict]:
    """The legend rows: shade 0 (none), then every bin that can hold an integer count.

    With a small maximum some bins hold no integer (for a maximum of 2, counts 1 and 2 fall in
    bins 3 and 5); those are left out, so the rows cover 1..maximum without gaps or overlaps.
    """
    rows = [{"shade": 0, "low": 0, "high": 0}]
    for shade in range(1, SHADES + 1):
        low = (shade - 1) * maximum // SHADES + 1
        high = shade * maximum // SHADES
        if low <= high:
            rows.append({"shade": shade, "low": low, "high": high})
    return rows


def prefecture_map(
    counts: dict[str, int],
    *,
    highlight: str | None = None,
    labels: dict[str, str] | None = None,
    unit: str | None = None,
    names: dict[str, str] | None = None,
) -> dict:
    """Shapes, shades and legend for the prefecture map, and what its outline stands for.

    `counts` maps prefecture codes to the number of items there; codes not on the map are
    ignored and prefectures missing from it count 0. `highlight` is the code of the prefecture
    to outline (the one whose page this is, or the one holding it), or None. `labels` maps codes
    to the names to print on the map (in the interface language); the Chinese short names by
    default. `names` maps codes to the names the links and tooltips give (in the interface
    language); the full Chinese names by default. `unit` names the county or town whose page
    this is: the map is drawn at prefecture level, so the unit is named inside its outlined
    prefecture (`highlighted`).
    """
    geodata = load_geodata()
    values = {}
    for prefecture in geodata["prefectures"]:
        value = int(counts.get(prefecture["code"], 0))
        if value < 0:
            raise ValueError(f"negative count {value} for {prefecture['code']}")
        values[prefecture["code"]] = value
    maximum = max(values.values(), default=0)

    shapes = []
    highlighted = None
    for prefecture in geodata["prefectures"]:
        count = values[prefecture["code"]]
        shade = shade_for(count, maximum)
        shapes.append(
            {
                "code": prefecture["code"],
                "name": (names or {}).get(prefecture["code"], prefecture["name"]),
                "short_name": (labels or {}).get(prefecture["code"], prefecture["short_name"]),
                "d": prefecture["d"],
                "label_x": prefecture["label_x"],
                "label_y": prefecture["label_y"],
                "label_nudge": CROWDED_LABELS.get(prefecture["code"]),
                "count": count,
                "shade": shade,
                "dark": shade >= DARK_FROM,
                "highlighted": highlight is not None and prefecture["code"] == highlight,
            }
        )
        if shapes[-1]["highlighted"]:
            highlighted = {**shapes[-1], "unit": unit}
    return {
        "view_box": geodata["viewBox"],
        "shapes": shapes,
        "legend": legend_for(maximum),
        # The outlined prefecture, with the unit named in it; None when nothing is outlined.
        "highlighted": highlighted,
    }
