"""Ripley's K and L: brute-force formulas, spatstat's conventions, polygon windows, errors.

Reference values: the estimators of Baddeley, Rubak & Turner (2015, ch. 7) written
directly below; the isotropic weight of a point at mid-edge and at a corner worked by hand;
the polygon code against the rectangle code (rotated and axis-aligned rectangles). spatstat's
values on polygon windows are checked in test_reference_r.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import affinity

from grappes.data.boundaries import boundaries
from grappes.errors import InvalidInputError
from grappes.spatial import ripley_k, ripley_l
from grappes.spatial.isotropic import bounding_radius
from grappes.spatial.points import Window, prepare_points
from grappes.spatial.ripley import _k_values


def _pattern(n: int, seed: int, width: float = 2.0, height: float = 1.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.uniform(0, width, n),
            "y": rng.uniform(0, height, n),
            "sector": rng.choice(["A", "B"], n),
        }
    )


def _pairs(pts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    xy = pts[["x", "y"]].to_numpy()
    i, j = np.nonzero(~np.eye(len(pts), dtype=bool))
    dx = xy[i, 0] - xy[j, 0]
    dy = xy[i, 1] - xy[j, 1]
    return i, j, np.hypot(dx, dy), np.column_stack([dx, dy])


R = np.linspace(0, 0.3, 31)


def test_none_and_translate_match_formula() -> None:
    pts = _pattern(150, 1)
    n, area = len(pts), 2.0
    _, _, d, v = _pairs(pts)
    e = 1 / ((1 - np.abs(v[:, 0]) / 2.0) * (1 - np.abs(v[:, 1]) / 1.0))
    for correction, weights in (("none", np.ones_like(d)), ("translate", e)):
        res = ripley_k(pts, window=(0, 2, 0, 1), distances=R, correction=correction)
        expected = [area / (n * (n - 1)) * weights[(d <= rk) & (d < R[-1])].sum() for rk in R]
        np.testing.assert_allclose(res.curve["k"], expected, rtol=1e-12)


def test_border_matches_formula() -> None:
    pts = _pattern(150, 2)
    xy = pts[["x", "y"]].to_numpy()
    b = np.minimum.reduce([xy[:, 0], 2 - xy[:, 0], xy[:, 1], 1 - xy[:, 1]])
    i, _, d, _ = _pairs(pts)
    lam = len(pts) / 2.0
    res = ripley_k(pts, window=(0, 2, 0, 1), distances=R, correction="border")
    expected = []
    for rk in R:
        denom = (b > rk).sum()
        numer = ((d <= rk) & (b[i] > rk) & (d < R[-1])).sum()
        expected.append(numer / (lam * denom) if denom else np.nan)
    np.testing.assert_allclose(res.curve["k"], expected, rtol=1e-12, equal_nan=True)


def test_isotropic_weight_at_mid_edge() -> None:
    # Point i at (1, 0.1), j at distance 0.2 straight up: the circle of radius 0.2 around i
    # crosses the bottom edge over an angle 2·acos(0.1/0.2) = 2π/3: weight 1/(1 − 1/3).
    pts = pd.DataFrame({"x": [1.0, 1.0], "y": [0.1, 0.3]})
    res = ripley_k(pts, window=(0, 2, 0, 1), distances=[0, 0.25, 0.5], correction="isotropic")
    # Pair (i, j): weight 1.5; pair (j, i): j is 0.3 from the bottom, circle inside: 1.
    assert res.curve["k"].iloc[1] == pytest.approx(2.0 / 2 * (1.5 + 1.0), rel=1e-12)


def test_isotropic_is_nan_beyond_half_diagonal() -> None:
    pts = _pattern(50, 3)
    r = np.linspace(0, 1.5, 7)
    res = ripley_k(pts, window=(0, 2, 0, 1), distances=r, correction="isotropic")
    half_diagonal = np.hypot(2, 1) / 2
    assert res.curve["k"][r >= half_diagonal].isna().all()
    assert res.curve["k"][r < half_diagonal].notna().all()


def test_csr_k_is_near_pi_r_squared() -> None:
    pts = _pattern(4000, 4, width=1.0, height=1.0)
    r = np.array([0.0, 0.05, 0.1])
    for correction in ("border", "isotropic", "translate"):
        k = ripley_k(pts, window=(0, 1, 0, 1), distances=r, correction=correction).curve["k"]
        np.testing.assert_allclose(k[1:], np.pi * r[1:] ** 2, rtol=0.05)


def test_l_is_sqrt_k_over_pi() -> None:
    pts = _pattern(100, 5)
    k = ripley_k(pts, window=(0, 2, 0, 1), distances=R).curve["k"]
    lval = ripley_l(pts, window=(0, 2, 0, 1), distances=R).curve["l"]
    np.testing.assert_allclose(lval, np.sqrt(k / np.pi), rtol=1e-15)


def test_cross_type_none() -> None:
    pts = _pattern(120, 6)
    i, j, d, _ = _pairs(pts)
    t = pts["sector"].to_numpy()
    sel = (t[i] == "A") & (t[j] == "B")
    n_a, n_b = (t == "A").sum(), (t == "B").sum()
    res = ripley_k(
        pts, window=(0, 2, 0, 1), distances=R, correction="none", mark="sector",
        reference="A", neighbor="B",
    )  # fmt: skip
    expected = [2.0 / (n_a * n_b) * (sel & (d <= rk) & (d < R[-1])).sum() for rk in R]
    np.testing.assert_allclose(res.curve["k"], expected, rtol=1e-12)


def test_rotated_rectangle_translate_matches_closed_form() -> None:
    # Rotated 2×1 rectangle: |W ∩ (W + v)| = (2 − |v·u1|)(1 − |v·u2|) with u1, u2 its axes.
    angle = 30.0
    window = affinity.rotate(shapely.box(0, 0, 2, 1), angle, origin=(0, 0))
    rng = np.random.default_rng(7)
    local = np.column_stack([rng.uniform(0, 2, 80), rng.uniform(0, 1, 80)])
    c, s = np.cos(np.deg2rad(angle)), np.sin(np.deg2rad(angle))
    xy = local @ np.array([[c, s], [-s, c]])
    pts = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]})
    res = ripley_k(pts, window=window, distances=R, correction="translate")
    _, _, d, v = _pairs(pts)
    u1, u2 = np.array([c, s]), np.array([-s, c])
    overlap = (2 - np.abs(v @ u1)) * (1 - np.abs(v @ u2))
    e = np.minimum(2.0 / overlap, 100.0)
    expected = [2.0 / (80 * 79) * e[(d <= rk) & (d < R[-1])].sum() for rk in R]
    np.testing.assert_allclose(res.curve["k"], expected, rtol=1e-9)


def test_isotropic_weight_at_a_corner() -> None:
    # spatstat (Kest and edge.Ripley, rectangle or polygon) gives K(0.25) = 1 here: the pair
    # centred on the corner (0, 0) has weight 4 (a quarter of the circle inside), the pair
    # centred on (0.2, 0), on the bottom edge, weight 2: K = 1 × (4 + 2) / (3 × 2).
    pts = pd.DataFrame({"x": [0.0, 0.2, 0.5], "y": [0.0, 0.0, 0.5]})
    square = ripley_k(pts, window=(0, 1, 0, 1), distances=[0, 0.25, 0.3])
    np.testing.assert_allclose(square.curve["k"], [0.0, 1.0, 1.0], rtol=1e-12)
    diamond = affinity.rotate(shapely.box(0, 0, 1, 1), 45, origin=(0, 0))
    turned = pts.assign(
        x=(pts["x"] - pts["y"]) * np.sqrt(0.5), y=(pts["x"] + pts["y"]) * np.sqrt(0.5)
    )
    res = ripley_k(turned, window=diamond, distances=[0, 0.25, 0.3])
    np.testing.assert_allclose(res.curve["k"], [0.0, 1.0, 1.0], rtol=1e-12)


@pytest.mark.parametrize("angle", [0.0, 30.0, 90.0, 211.0])
def test_rotated_rectangle_isotropic_matches_the_rectangle(angle: float) -> None:
    # A rotated rectangle goes through the polygon code; K does not change under rotation.
    pts = _pattern(120, 9)
    r = np.linspace(0, 1.3, 27)
    expected = ripley_k(pts, window=(0, 2, 0, 1), distances=r, correction="isotropic")
    c, s = np.cos(np.deg2rad(angle)), np.sin(np.deg2rad(angle))
    turned = pts.assign(x=c * pts["x"] - s * pts["y"], y=s * pts["x"] + c * pts["y"])
    window = affinity.rotate(shapely.box(0, 0, 2, 1), angle, origin=(0, 0))
    for kwargs in ({}, {"mark": "sector", "reference": "A", "neighbor": "B"}):
        want = ripley_k(pts, window=(0, 2, 0, 1), distances=r, **kwargs)  # type: ignore[arg-type]
        got = ripley_k(turned, window=window, distances=r, **kwargs)  # type: ignore[arg-type]
        np.testing.assert_allclose(
            got.curve["k"], want.curve["k"], rtol=1e-10, equal_nan=True, err_msg=str(kwargs)
        )
    assert expected.curve["k"].isna().sum() == (r >= np.hypot(2, 1) / 2).sum() > 0


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), width=st.floats(0.5, 5), height=st.floats(0.5, 5))
def test_rectangle_as_polygon_gives_the_rectangle_values(
    seed: int, width: float, height: float
) -> None:
    # The same box through the polygon code (a Window not marked as a rectangle) and
    # through the rectangle code: same weights, same K, same NaN.
    pts = _pattern(60, seed % 1000, width=width, height=height)
    pattern = prepare_points(pts, who="test")
    box = shapely.box(0, 0, width, height)
    # No r falls on half the diagonal, where rounding decides between a value and NaN.
    r = np.linspace(0, 0.71 * np.hypot(width, height), 15)
    every = np.ones(pattern.n, dtype=bool)
    as_rectangle = _k_values(
        pattern, Window(box, is_rectangle=True), every, every, False, r, "isotropic"
    )
    as_polygon = _k_values(
        pattern, Window(box, is_rectangle=False), every, every, False, r, "isotropic"
    )
    np.testing.assert_allclose(as_polygon, as_rectangle, rtol=1e-10, equal_nan=True)


def test_polygon_isotropic_undefined_from_bounding_radius_or_half_diameter() -> None:
    # An L: bounding radius (Kest) and half the diameter (Kcross) differ.
    ell = shapely.Polygon([(0, 0), (4, 0), (4, 1), (1, 1), (1, 4), (0, 4)])
    rng = np.random.default_rng(10)
    xy = rng.uniform(0, 4, (600, 2))
    xy = xy[shapely.contains_xy(ell, xy[:, 0], xy[:, 1])][:150]
    pts = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "sector": np.resize(["A", "B"], len(xy))})
    r = np.linspace(0, 3, 61)
    k = ripley_k(pts, window=ell, distances=r).curve["k"]
    cross = ripley_k(pts, window=ell, distances=r, mark="sector", reference="A", neighbor="B")
    half_diameter = np.hypot(4, 4) / 2
    assert bounding_radius(ell) > half_diameter
    np.testing.assert_array_equal(k.isna(), r >= bounding_radius(ell))
    np.testing.assert_array_equal(cross.curve["k"].isna(), r >= half_diameter)


def test_polygon_csr_k_is_near_pi_r_squared() -> None:
    # 3,000 points uniform in a real region (Rabat-Salé-Kénitra, km): K(r) ≈ πr².
    frame = boundaries(country="MA")
    frame = frame[frame["code"] == "MA-04"]
    centre = frame.geometry.iloc[0].centroid
    crs = f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=km +no_defs"
    region = frame.to_crs(crs).geometry.iloc[0]
    rng = np.random.default_rng(11)
    xmin, ymin, xmax, ymax = region.bounds
    xy = np.column_stack([rng.uniform(xmin, xmax, 9000), rng.uniform(ymin, ymax, 9000)])
    xy = xy[shapely.contains_xy(region, xy[:, 0], xy[:, 1])][:3000]
    pts = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]})
    r = np.array([0.0, 5.0, 10.0, 20.0])
    iso = ripley_k(pts, window=region, distances=r).curve["k"].to_numpy()
    none = ripley_k(pts, window=region, distances=r, correction="none").curve["k"].to_numpy()
    np.testing.assert_allclose(iso[1:], np.pi * r[1:] ** 2, rtol=0.05)
    assert (none[1:] < iso[1:]).all()  # without correction, K is biased low
    assert none[-1] < 0.9 * iso[-1]


def test_default_distances_follow_spatstat_rule() -> None:
    pts = _pattern(100, 8)
    res = ripley_k(pts, window=(0, 2, 0, 1))
    assert len(res.curve) == 513
    rmax = min(1 / 4, np.sqrt(1000 / (np.pi * 50)))
    assert res.curve["distance"].iloc[-1] == pytest.approx(rmax)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"correction": "ripley"}, "correction must be"),
        ({"window": (0, 1, 0, 1)}, "outside it"),
        ({"reference": "A"}, "need a mark column"),
        ({"mark": "sector"}, "give the reference type"),
    ],
)
def test_errors(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"window": (0, 0, 2, 1), "distances": [0, 0.1]} | kwargs
    with pytest.raises(InvalidInputError, match=message):
        ripley_k(_pattern(50, 1), **args)  # type: ignore[arg-type]
