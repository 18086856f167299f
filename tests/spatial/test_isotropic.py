"""The circle-in-window geometry of Ripley's isotropic correction.

Independent checks: spatstat's closed form for rectangles (``rectangle_angles``, itself
checked against spatstat in test_reference_r.py), the share of the circle counted on many
points of it (shapely point-in-polygon), additivity over disjoint parts and holes, invariance
under rotation, and brute force over a grid for the bounding radius.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import affinity

from grappes.spatial.isotropic import (
    bounding_radius,
    diameter,
    isotropic_weights,
    polygon_angles,
    rectangle_angles,
    undefined_from,
)
from grappes.spatial.points import Window

FOLDER = Path(__file__).resolve().parents[1] / "reference" / "spatial"

C_SHAPE = shapely.Polygon([(0, 0), (4, 0), (4, 1), (1, 1), (1, 3), (4, 3), (4, 4), (0, 4)])
FRAME = shapely.Polygon([(5, 0), (8, 0), (8, 4), (5, 4)], holes=[[(6, 1), (6, 3), (7, 3), (7, 1)]])
ISLAND = shapely.box(6.4, 1.8, 6.6, 2.2)
#: Non-convex, a hole with an island in it, three parts.
WINDOW = shapely.MultiPolygon([C_SHAPE, FRAME, ISLAND])


def _inside_points(window: shapely.Geometry, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = window.bounds
    found = np.empty((0, 2))
    while len(found) < n:
        xy = np.column_stack([rng.uniform(xmin, xmax, 4 * n), rng.uniform(ymin, ymax, 4 * n)])
        found = np.vstack([found, xy[shapely.contains_xy(window, xy[:, 0], xy[:, 1])]])
    return found[:n]


def _sampled_angles(
    window: shapely.Geometry, xy: np.ndarray, centre: np.ndarray, radius: np.ndarray, m: int
) -> np.ndarray:
    # Share of m evenly spaced points of each circle that fall in the window, times 2π.
    phi = (np.arange(m) + 0.5) / m * 2 * np.pi
    shapely.prepare(window)
    out = np.empty(radius.size)
    for k in range(radius.size):
        c, r = xy[centre[k]], radius[k]
        inside = shapely.contains_xy(window, c[0] + r * np.cos(phi), c[1] + r * np.sin(phi))
        out[k] = inside.mean() * 2 * np.pi
    return out


def test_angles_match_points_counted_on_the_circle() -> None:
    xy = np.vstack([_inside_points(WINDOW, 60, 1), [[6.5, 2.0], [0.5, 2.0], [4.0, 0.5]]])
    rng = np.random.default_rng(2)
    centre = np.repeat(np.arange(len(xy)), 3)
    radius = rng.uniform(0.05, 6.0, centre.size)
    got = polygon_angles(WINDOW, xy[:, 0], xy[:, 1], centre, radius)
    m = 40_000
    sampled = _sampled_angles(WINDOW, xy, centre, radius, m)
    # Each crossing of the boundary shifts the count by at most half a step (π / m); a
    # circle here crosses it at most 24 times.
    np.testing.assert_allclose(got, sampled, rtol=0, atol=24 * np.pi / m)
    assert np.ptp(got) > 5  # circles from nearly all inside to nearly all outside


def test_circle_inside_the_hole_around_an_island_is_wholly_outside() -> None:
    # Island 6.4–6.6 × 1.8–2.2 in a hole 6–7 × 1–3: circles of radius 0.3–0.45 around its
    # centre lie in the hole; that of radius 0.1 touches the island's sides from inside.
    xy = np.array([[6.5, 2.0]])
    centre = np.zeros(4, dtype=int)
    radius = np.array([0.1, 0.3, 0.45, 0.9])
    got = polygon_angles(WINDOW, xy[:, 0], xy[:, 1], centre, radius)
    # 6.4 - 6.5 rounds to -0.09999999999999964: the circle crosses the island's sides by
    # 4e-16 and leaves it over 4·sqrt(2 × 4e-16 / 0.1) ≈ 3.4e-7 radians.
    assert got[0] == pytest.approx(2 * np.pi, abs=1e-6)
    np.testing.assert_allclose(got[1:3], 0.0, atol=1e-12)
    # Radius 0.9: in the frame beyond x = 6 and x = 7 (0.5 away), over 2·acos(0.5/0.9) each.
    assert got[3] == pytest.approx(4 * math.acos(0.5 / 0.9), rel=1e-12)
    window = Window(geometry=WINDOW, is_rectangle=False)
    weights = isotropic_weights(window, xy[:, 0], xy[:, 1], centre, radius, max_weight=100.0)
    np.testing.assert_array_equal(weights[1:3], [100.0, 100.0])
    assert weights[0] == pytest.approx(1.0, rel=1e-6)


def test_circles_touching_the_boundary() -> None:
    # (0.5, 2) in the C's left bar (0 < x < 1): the circle of radius 0.2 is inside, that of
    # radius 0.5 touches both sides. (4, 0.5) on the C's right edge: radius 0 counts as
    # inside; the circle of radius 0.5 has its left half in the bar 0 < y < 1, and passes
    # through the corners (4, 0) and (4, 1).
    xy = np.array([[0.5, 2.0], [4.0, 0.5]])
    centre = np.array([0, 0, 1, 1])
    radius = np.array([0.2, 0.5, 0.0, 0.5])
    got = polygon_angles(WINDOW, xy[:, 0], xy[:, 1], centre, radius)
    assert got[0] == 2 * np.pi
    assert got[1] == pytest.approx(2 * np.pi, abs=1e-9)
    assert got[2] == 2 * np.pi
    assert got[3] == pytest.approx(np.pi, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    width=st.floats(0.5, 20),
    height=st.floats(0.5, 20),
    seed=st.integers(0, 2**32 - 1),
)
def test_box_as_polygon_matches_the_rectangle_formula(
    width: float, height: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    n = 30
    xy = np.column_stack([rng.uniform(0, width, n), rng.uniform(0, height, n)])
    xy[:3] = np.array([[0, 0], [width, height / 2], [width / 3, 0]])  # a corner, two edges
    centre = rng.integers(0, n, 200)
    radius = rng.uniform(0, 1.2 * math.hypot(width, height), 200)
    box = shapely.box(0, 0, width, height)
    got = polygon_angles(box, xy[:, 0], xy[:, 1], centre, radius)
    expected = rectangle_angles(xy[centre, 0], xy[centre, 1], radius, (0, 0, width, height))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    as_polygon = Window(geometry=box, is_rectangle=False)
    as_rectangle = Window(geometry=box, is_rectangle=True)
    for cross in (False, True):
        assert undefined_from(as_polygon, cross=cross) == pytest.approx(
            undefined_from(as_rectangle, cross=cross), rel=1e-12
        )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), angle=st.floats(0, 360))
def test_angles_add_over_parts_and_subtract_holes(seed: int, angle: float) -> None:
    # θ(A ∪ B) = θ(A) + θ(B) for disjoint A, B; θ(A \ H) = θ(A) − θ(H) for a hole H in A.

    def rotate(g: shapely.Geometry) -> shapely.Geometry:
        return affinity.rotate(g, angle, origin=(0, 0))

    window, c_shape, frame = rotate(WINDOW), rotate(C_SHAPE), rotate(FRAME)
    outer = rotate(shapely.Polygon(FRAME.exterior))
    hole = rotate(shapely.Polygon(FRAME.interiors[0]))
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = window.bounds
    xy = np.column_stack([rng.uniform(xmin, xmax, 40), rng.uniform(ymin, ymax, 40)])
    centre = rng.integers(0, 40, 120)
    radius = rng.uniform(0.01, 8, 120)

    def theta(g: shapely.Geometry) -> np.ndarray:
        return polygon_angles(g, xy[:, 0], xy[:, 1], centre, radius)

    island = rotate(ISLAND)
    np.testing.assert_allclose(
        theta(window), theta(c_shape) + theta(frame) + theta(island), rtol=0, atol=1e-11
    )
    np.testing.assert_allclose(theta(frame), theta(outer) - theta(hole), rtol=0, atol=1e-11)


@settings(max_examples=40, deadline=None)
@given(angle=st.floats(0, 360), dx=st.floats(-1e3, 1e3), dy=st.floats(-1e3, 1e3))
def test_angles_do_not_change_when_window_and_points_move(
    angle: float, dx: float, dy: float
) -> None:
    xy = _inside_points(WINDOW, 40, 3)
    rng = np.random.default_rng(4)
    centre = rng.integers(0, 40, 150)
    radius = rng.uniform(0.01, 8, 150)
    base = polygon_angles(WINDOW, xy[:, 0], xy[:, 1], centre, radius)
    moved = affinity.translate(affinity.rotate(WINDOW, angle, origin=(0, 0)), dx, dy)
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    mx = c * xy[:, 0] - s * xy[:, 1] + dx
    my = s * xy[:, 0] + c * xy[:, 1] + dy
    np.testing.assert_allclose(polygon_angles(moved, mx, my, centre, radius), base, atol=1e-9)


def _brute_bounding_radius(window: shapely.Geometry, step: float) -> float:
    xmin, ymin, xmax, ymax = window.bounds
    gx, gy = np.meshgrid(np.arange(xmin, xmax + step, step), np.arange(ymin, ymax + step, step))
    keep = shapely.covers(window, shapely.points(gx.ravel(), gy.ravel()))
    grid = np.column_stack([gx.ravel()[keep], gy.ravel()[keep]])
    hull = shapely.get_coordinates(shapely.convex_hull(window))
    far = np.sqrt(((grid[:, None, :] - hull[None, :, :]) ** 2).sum(axis=2)).max(axis=1)
    return float(far.min())


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (shapely.box(0, 0, 2, 1), math.hypot(2, 1) / 2),
        (affinity.rotate(shapely.box(0, 0, 2, 1), 30, origin=(0, 0)), math.hypot(2, 1) / 2),
        # Two parts: the smallest enclosing circle is centred at (4, 2), between them; the
        # best centre in W is (4, 1) (or (4, 3)), at distance 5 from (0, 4) and (8, 4).
        (WINDOW, 5.0),
    ],
)
def test_bounding_radius_known_values(window: shapely.Geometry, expected: float) -> None:
    assert bounding_radius(window) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("window", [C_SHAPE, WINDOW, affinity.rotate(WINDOW, 17)])
def test_bounding_radius_matches_a_grid_search(window: shapely.Geometry) -> None:
    exact = bounding_radius(window)
    step = 0.01
    brute = _brute_bounding_radius(window, step)
    # The grid's best point is in W, so it is no better; and within a step of the best.
    assert exact <= brute + 1e-12
    assert brute - exact < step * math.sqrt(2)


def test_diameter_is_the_largest_distance_between_vertices() -> None:
    coords = shapely.get_coordinates(WINDOW)
    d = np.sqrt(((coords[:, None, :] - coords[None, :, :]) ** 2).sum(axis=2)).max()
    assert diameter(WINDOW) == pytest.approx(d, rel=1e-15)
    assert diameter(WINDOW) == pytest.approx(math.hypot(8, 4))


@pytest.mark.skipif(
    not (FOLDER / "polygon_cases.json").exists(), reason="no polygon reference windows"
)
@pytest.mark.parametrize("s", ["d", "e"])
def test_bounding_radius_against_spatstat_pixel_grid(s: str) -> None:
    # spatstat's boundingradius is the same minimum over the centres of a 128 x 128 pixel
    # grid: no smaller than the exact value, larger by at most half a pixel's diagonal.
    windows = json.loads((FOLDER / "polygon_windows.json").read_text(encoding="utf-8"))
    cases = json.loads((FOLDER / "polygon_cases.json").read_text())
    parts = [shapely.Polygon(p["outer"], holes=p["holes"]) for p in windows[s]["parts"]]
    window = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    xmin, ymin, xmax, ymax = window.bounds
    half_pixel = math.hypot((xmax - xmin) / 128, (ymax - ymin) / 128) / 2
    exact = bounding_radius(window)
    assert exact <= cases[s]["boundingradius"] <= exact + half_pixel
    assert diameter(window) / 2 == pytest.approx(cases[s]["half_diameter"], rel=1e-14)
