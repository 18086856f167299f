"""Ripley's K and L: brute-force formulas, spatstat's conventions, polygon windows, errors.

Reference values: the estimators of Baddeley, Rubak & Turner (2015, ch. 7) written
directly below; the isotropic weight of a point at mid-edge worked by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import affinity

from grappes.errors import InvalidInputError
from grappes.spatial import ripley_k, ripley_l


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


def test_polygon_isotropic_is_refused() -> None:
    tri = shapely.Polygon([(0, 0), (2, 0), (0, 2)])
    pts = pd.DataFrame({"x": [0.1, 0.5, 0.3], "y": [0.1, 0.2, 0.6]})
    with pytest.raises(
        InvalidInputError, match="isotropic correction is implemented for rectangular"
    ):
        ripley_k(pts, window=tri, correction="isotropic")
    assert ripley_k(pts, window=tri, correction="border", distances=[0, 0.1]).curve.shape == (2, 2)


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
