"""Point input: validation, projection of longitude/latitude, windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from grappes.errors import InvalidInputError, MissingColumnsError
from grappes.spatial.points import (
    check_inside,
    prepare_points,
    prepare_window,
    project,
    type_masks,
)


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {"x": [0.0, 1.0, 2.0], "y": [0.0, 1.0, 0.5], "sector": ["A", "B", "A"], "w": [1.0, 2, 3]},
        index=["e1", "e2", "e3"],
    )


def test_aeqd_projection_keeps_geodesic_distances_in_km() -> None:
    # Casablanca, Rabat, Fès, Marrakech: geodesic distances from pyproj.Geod (WGS 84).
    lon = np.array([-7.5898, -6.8498, -5.0078, -7.9811])
    lat = np.array([33.5731, 34.0209, 34.0181, 31.6295])
    px, py, unit = project(lon, lat, crs="EPSG:4326", who="t")
    assert unit == "km"
    geod = Geod(ellps="WGS84")
    for i in range(4):
        for j in range(i + 1, 4):
            _, _, metres = geod.inv(lon[i], lat[i], lon[j], lat[j])
            planar = np.hypot(px[i] - px[j], py[i] - py[j])
            assert planar == pytest.approx(metres / 1000, rel=2e-3)


def test_projected_crs_is_converted_to_km() -> None:
    px, _, unit = project(np.array([0.0, 1000.0]), np.array([0.0, 0.0]), crs="EPSG:3857", who="t")
    assert unit == "km"
    assert px[1] - px[0] == pytest.approx(1.0)


def test_no_crs_keeps_coordinates() -> None:
    pattern = prepare_points(_table(), who="t", mark="sector", weight="w")
    np.testing.assert_array_equal(pattern.x, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(pattern.weights, [1.0, 2.0, 3.0])


def test_missing_column() -> None:
    with pytest.raises(MissingColumnsError, match=r"t: points lack column\(s\) \['z'\]"):
        prepare_points(_table(), who="t", x="z")


def test_nan_coordinate_names_the_row() -> None:
    table = _table()
    table.loc["e2", "x"] = np.nan
    with pytest.raises(
        InvalidInputError, match=r"column 'x' must be finite.*1 rows \(first: id='e2'\)"
    ):
        prepare_points(table, who="t")


def test_non_string_mark() -> None:
    table = _table().assign(sector=[1, 2, 3])
    with pytest.raises(InvalidInputError, match="must hold string codes"):
        prepare_points(table, who="t", mark="sector")


def test_negative_weight() -> None:
    table = _table().assign(w=[1.0, -2.0, 1.0])
    with pytest.raises(InvalidInputError, match="must be finite and non-negative"):
        prepare_points(table, who="t", weight="w")


def test_single_point() -> None:
    with pytest.raises(InvalidInputError, match="at least 2 points"):
        prepare_points(_table().iloc[:1], who="t")


def test_not_a_dataframe() -> None:
    with pytest.raises(InvalidInputError, match="must be a pandas DataFrame"):
        prepare_points({"x": [1]}, who="t")  # type: ignore[arg-type]


def test_bad_latitudes() -> None:
    with pytest.raises(InvalidInputError, match="longitude and latitude in degrees"):
        project(np.array([0.0, 1.0]), np.array([0.0, 95.0]), crs="EPSG:4326", who="t")


def test_unknown_crs() -> None:
    with pytest.raises(InvalidInputError, match="is not a CRS pyproj knows"):
        project(np.array([0.0]), np.array([0.0]), crs="EPSG:not-a-code", who="t")


def test_windows() -> None:
    rect = prepare_window((0, 2, 0, 1), who="t")  # (xmin, xmax, ymin, ymax), as the issue says
    assert rect.is_rectangle and rect.area == 2.0
    assert rect.geometry.bounds == (0.0, 0.0, 2.0, 1.0)
    assert prepare_window(shapely.box(0, 0, 2, 1), who="t").is_rectangle
    tri = prepare_window(shapely.Polygon([(0, 0), (2, 0), (0, 2)]), who="t")
    assert not tri.is_rectangle and tri.area == 2.0
    with pytest.raises(InvalidInputError, match="xmax > xmin"):
        prepare_window((0, -1, 0, 1), who="t")
    with pytest.raises(InvalidInputError, match=r"must be \(xmin, xmax, ymin, ymax\)"):
        prepare_window("square", who="t")
    with pytest.raises(InvalidInputError, match="must be a shapely Polygon"):
        prepare_window(shapely.Point(0, 0), who="t")


def test_point_outside_window() -> None:
    pattern = prepare_points(_table(), who="t")
    with pytest.raises(InvalidInputError, match=r"outside it"):
        check_inside(pattern, prepare_window((0, 1.5, 0, 1), who="t"), who="t")


def test_absent_type() -> None:
    pattern = prepare_points(_table(), who="t", mark="sector")
    with pytest.raises(InvalidInputError, match="reference type 'Z' is absent"):
        type_masks(pattern, who="t", mark="sector", reference="Z", neighbor=None)
