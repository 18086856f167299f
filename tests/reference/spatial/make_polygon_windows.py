"""Write ``polygon_windows.json``: the two polygon windows of the isotropic-correction references.

Run from the repository root (``.venv/bin/python tests/reference/spatial/make_polygon_windows.py``);
``make_reference.R`` then reads the file. See README.md in this folder.

- ``d``: the outline of Tanger-Tétouan-Al Hoceïma (MA-01) from Grappes' bundled OpenStreetMap
  boundaries (ODbL 1.0, © OpenStreetMap contributors), projected to kilometres (azimuthal
  equidistant, centred on the region's centroid), simplified to 2 km, with a synthetic
  hexagonal hole of radius 12 km: non-convex, with a hole.
- ``e``: synthetic, two parts 10 km apart: a C-shaped polygon and a square with a square
  hole; the centre of the smallest circle around the window lies between the parts.

Coordinates are rounded to 1 m (3 decimals of a km). Outer rings run anticlockwise and holes
clockwise, without repeating the first vertex, as spatstat's ``owin(poly = ...)`` takes them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.polygon import orient

from grappes.data.boundaries import boundaries

FOLDER = Path(__file__).resolve().parent


def _ring(coords: object) -> list[list[float]]:
    xy = np.round(np.asarray(coords, dtype=float)[:-1], 3)
    return [[float(x), float(y)] for x, y in xy]


def _parts(geometry: shapely.Polygon | shapely.MultiPolygon) -> list[dict[str, object]]:
    parts = []
    for poly in shapely.get_parts(geometry):
        poly = orient(poly, sign=1.0)
        parts.append(
            {
                "outer": _ring(poly.exterior.coords),
                "holes": [_ring(hole.coords) for hole in poly.interiors],
            }
        )
    return parts


def _region() -> shapely.Polygon:
    frame = boundaries(country="MA")
    frame = frame[frame["code"] == "MA-01"]
    centre = frame.geometry.iloc[0].centroid
    crs = f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=km +no_defs"
    outline = frame.to_crs(crs).geometry.iloc[0].simplify(2.0)
    angles = np.arange(6) * np.pi / 3 + 0.2
    hole = shapely.Polygon(np.column_stack([10 + 12 * np.cos(angles), 5 + 12 * np.sin(angles)]))
    assert outline.contains(hole)
    return shapely.Polygon(outline.exterior.coords, holes=[hole.exterior.coords])


def _two_parts() -> shapely.MultiPolygon:
    c_shape = shapely.Polygon(
        [(0, 0), (30, 0), (30, 10), (12, 10), (12, 30), (30, 30), (30, 40), (0, 40)]
    )
    ring = shapely.Polygon(
        [(40, 5), (75, 5), (75, 35), (40, 35)], holes=[[(50, 12), (50, 28), (65, 28), (65, 12)]]
    )
    return shapely.MultiPolygon([c_shape, ring])


def main() -> None:
    windows = {
        "d": {
            "description": "Tanger-Tétouan-Al Hoceïma (MA-01), km, simplified to 2 km, "
            "with a synthetic hexagonal hole",
            "parts": _parts(_region()),
        },
        "e": {
            "description": "synthetic, km: a C-shaped part and a square with a square hole",
            "parts": _parts(_two_parts()),
        },
    }
    text = json.dumps(windows, indent=1, ensure_ascii=False)
    (FOLDER / "polygon_windows.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
