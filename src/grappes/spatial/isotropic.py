"""Ripley's isotropic edge correction: how much of a circle lies inside the window.

The weight of a pair (i, j) at distance d is 2π over the angle of the circle of radius d
centred on point i that lies inside the window W (Ripley 1977). This module computes that
angle exactly for a rectangle (closed form) and for any polygon, with holes and several
parts, and the distance from which spatstat leaves the isotropic estimate undefined.

Polygons: the trapezium decomposition
--------------------------------------
With its outer rings anticlockwise and its holes clockwise, a polygon's indicator function is
a signed sum over its edges e of the indicators of the trapeziums T_e under them (the points
whose x lies between the edge's ends and that lie below it): +1 for an edge running towards
smaller x, −1 towards larger x. The angle of the circle inside W is therefore

.. math::

    \\theta(c, r) = \\sum_e s_e \\, |\\{\\phi : c + r(\\cos\\phi, \\sin\\phi) \\in T_e\\}|,

and each term is the overlap, on the circle, of the arc below the edge's line (an arc of
half-width acos(h/r) around the direction of the line's downward normal, h the signed
distance from c to the line) with the two arcs over the edge's x-range (angles between
acos(x_1/r) and acos(x_0/r), above and below the centre). This is spatstat's decomposition
(``edge.Ripley``, C code ``ripleypoly``); it is evaluated here with closed-form overlaps of
arcs rather than by listing crossing points, so the angle is a continuous function of the
geometry (a circle tangent to an edge or through a vertex needs no special case).

Only the part of W within the circle's bounding square matters: W is first intersected with
the square of half-side max(d) around each centre, so each circle meets the few edges near
it, whatever the size of the window's boundary. Circles closer to i than the boundary (d
below the distance from i to the boundary) lie inside and get 2π without any work, as in
spatstat.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from numba import njit, prange
from shapely.geometry.base import BaseGeometry

from grappes.spatial.points import Window

_TWO_PI = 2.0 * math.pi
#: The square each window is cut to is this much larger than the largest circle, so that the
#: circles never touch its sides (the result would be the same; the margin spares the edges).
_SQUARE_MARGIN = 1.0 + 1e-6
#: Golden-section steps on each boundary segment for the bounding radius: the bracket shrinks
#: by 0.618 a step, below one ulp of the segment's parameter after about 80.
_GOLDEN_STEPS = 90


def isotropic_weights(
    window: Window,
    px: np.ndarray,
    py: np.ndarray,
    centre: np.ndarray,
    d: np.ndarray,
    *,
    max_weight: float,
) -> np.ndarray:
    """Return Ripley's weight 2π / θ of each pair, between 1 and ``max_weight``.

    θ is the angle of the circle of radius ``d`` centred on point ``centre`` that lies
    inside the window. As spatstat's ``edge.Ripley``, weights are kept between 1 and
    ``max_weight`` (spatstat's ``maxedgewt``); a circle wholly outside the window (θ = 0)
    gets ``max_weight``.
    """
    if window.is_rectangle:
        angles = rectangle_angles(px[centre], py[centre], d, window.bounds)
    else:
        angles = polygon_angles(window.geometry, px, py, centre, d)
    with np.errstate(divide="ignore"):
        weights = np.where(angles > 0, _TWO_PI / np.where(angles > 0, angles, 1.0), max_weight)
    return np.asarray(np.clip(weights, 1.0, max_weight), dtype=np.float64)


def undefined_from(window: Window, *, cross: bool) -> float:
    """Return the distance from which spatstat gives no isotropic estimate (NA).

    ``Kest``: the window's bounding radius (half the diagonal of a rectangle); ``Kcross``:
    half the window's diameter (the same for a rectangle).
    """
    if window.is_rectangle:
        xmin, ymin, xmax, ymax = window.bounds
        return float(np.hypot(xmax - xmin, ymax - ymin) / 2)
    return diameter(window.geometry) / 2 if cross else bounding_radius(window.geometry)


def rectangle_angles(
    xi: np.ndarray, yi: np.ndarray, d: np.ndarray, bounds: tuple[float, float, float, float]
) -> np.ndarray:
    """Return the angle (radians) of each circle (centre (xi, yi), radius d) inside a rectangle.

    spatstat's closed form (``ripleybox``): the circle leaves the rectangle over
    2 acos(e / d) at each side at distance e < d, each half capped by the angle to the
    corner, so that an arc beyond a corner is counted once; a centre on a corner (two of
    the distances to the sides below ``DBL_EPSILON``, as spatstat) loses π/2 more, and a
    circle of radius 0 is inside.
    """
    xmin, ymin, xmax, ymax = bounds
    d_l, d_r, d_d, d_u = xi - xmin, xmax - xi, yi - ymin, ymax - yi
    with np.errstate(invalid="ignore", divide="ignore"):

        def half(dist: np.ndarray) -> np.ndarray:
            return np.where(dist < d, np.arccos(np.clip(dist / d, -1, 1)), 0.0)

        a_l, a_r, a_d, a_u = half(d_l), half(d_r), half(d_d), half(d_u)
    c_l = np.minimum(a_l, np.arctan2(d_u, d_l)) + np.minimum(a_l, np.arctan2(d_d, d_l))
    c_r = np.minimum(a_r, np.arctan2(d_u, d_r)) + np.minimum(a_r, np.arctan2(d_d, d_r))
    c_u = np.minimum(a_u, np.arctan2(d_l, d_u)) + np.minimum(a_u, np.arctan2(d_r, d_u))
    c_d = np.minimum(a_d, np.arctan2(d_l, d_d)) + np.minimum(a_d, np.arctan2(d_r, d_d))
    near_sides = sum(np.abs(e) < np.finfo(np.float64).eps for e in (d_l, d_r, d_d, d_u))
    corner = np.where(near_sides >= 2, np.pi / 2, 0.0)
    angles = np.where(d == 0, _TWO_PI, _TWO_PI - (c_l + c_r + c_u + c_d + corner))
    return np.asarray(angles, dtype=np.float64)


def polygon_angles(
    geometry: BaseGeometry,
    px: np.ndarray,
    py: np.ndarray,
    centre: np.ndarray,
    radius: np.ndarray,
) -> np.ndarray:
    """Return the angle (radians, 0 to 2π) of each circle inside a polygon window.

    Parameters
    ----------
    geometry
        A shapely Polygon or MultiPolygon (holes and several parts allowed).
    px, py
        Coordinates of the points that circles are centred on (in the window or not).
    centre
        For each circle, the index of its centre in ``px``/``py``.
    radius
        For each circle, its radius.

    Returns
    -------
    numpy.ndarray
        One angle per circle: 2π for a circle inside the window (and for a radius of 0), 0
        for one wholly outside it (around a centre on an island in a hole, or on one part of
        a window in several).
    """
    centre = np.asarray(centre, dtype=np.int64)
    radius = np.asarray(radius, dtype=np.float64)
    out = np.full(radius.shape, _TWO_PI)
    if radius.size == 0:
        return out
    used = np.unique(centre)
    clearance = np.zeros(px.shape[0])
    clearance[used] = shapely.distance(geometry.boundary, shapely.points(px[used], py[used]))
    # As spatstat: a circle smaller than the distance from its centre to the boundary lies
    # inside (and so does one of radius 0), or outside when its centre does.
    outside = np.zeros(px.shape[0], dtype=bool)
    outside[used] = ~shapely.covers(geometry, shapely.points(px[used], py[used]))
    out[outside[centre] & (radius < clearance[centre])] = 0.0
    crossing = np.flatnonzero((radius >= clearance[centre]) & (radius > 0))
    if crossing.size == 0:
        return out
    # Circles grouped by centre, by increasing radius within a group.
    order = crossing[np.lexsort((radius[crossing], centre[crossing]))]
    group_of, starts = np.unique(centre[order], return_index=True)
    stops = np.append(starts[1:], order.size)
    reach = radius[order][stops - 1] * _SQUARE_MARGIN
    cx, cy = px[group_of], py[group_of]
    squares = shapely.box(cx - reach, cy - reach, cx + reach, cy + reach)
    edges, first_edge = _oriented_edges(shapely.intersection(geometry, squares))
    angles = np.empty(order.size)
    _angles_by_centre(cx, cy, starts, stops, radius[order], edges, first_edge, angles)
    out[order] = angles
    return out


def _oriented_edges(pieces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Edges (x0, y0, x1, y1) of each geometry, outer rings anticlockwise and holes clockwise,
    # with the offsets of each geometry's edges. Lines or points left by an intersection that
    # only touches the square have no area and no edge.
    parts, owner = shapely.get_parts(pieces, return_index=True)
    keep = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
    parts, owner = parts[keep], owner[keep]
    parts = shapely.orient_polygons(parts, exterior_cw=False)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    same = ring_of[1:] == ring_of[:-1]
    edges = np.column_stack([coords[:-1][same], coords[1:][same]])
    edge_owner = owner[ring_part[ring_of[:-1][same]]]
    first_edge = np.searchsorted(edge_owner, np.arange(pieces.size + 1), side="left")
    return np.ascontiguousarray(edges, dtype=np.float64), first_edge.astype(np.int64)


@njit(cache=True)
def _half_angle(u: float, r: float) -> float:  # pragma: no cover - numba
    # acos(u / r) for any u, in a form accurate near ±r (a tangent circle).
    if u >= r:
        return 0.0
    if u <= -r:
        return math.pi
    return math.atan2(math.sqrt((r - u) * (r + u)), u)


@njit(cache=True)
def _overlap(lo: float, hi: float, lo2: float, hi2: float) -> float:  # pragma: no cover - numba
    return max(0.0, min(hi, hi2) - max(lo, lo2))


@njit(cache=True, parallel=True)
def _angles_by_centre(
    cx: np.ndarray,
    cy: np.ndarray,
    starts: np.ndarray,
    stops: np.ndarray,
    radius: np.ndarray,
    edges: np.ndarray,
    first_edge: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - numba
    """Angle inside the window of circles[starts[g]:stops[g]], centred on (cx[g], cy[g]).

    The radii of a group increase; ``edges[first_edge[g]:first_edge[g + 1]]`` are the
    oriented edges of the window cut to the square around centre g.
    """
    for g in prange(starts.shape[0]):
        radii = radius[starts[g] : stops[g]]
        for k in range(starts[g], stops[g]):
            out[k] = 0.0
        for e in range(first_edge[g], first_edge[g + 1]):
            x0 = edges[e, 0] - cx[g]
            y0 = edges[e, 1] - cy[g]
            x1 = edges[e, 2] - cx[g]
            y1 = edges[e, 3] - cy[g]
            dx = x1 - x0
            if dx == 0.0:
                continue  # a vertical edge bounds a trapezium of no width
            dy = y1 - y0
            sign = 1.0 if dx < 0.0 else -1.0
            a, b = (x1, x0) if dx < 0.0 else (x0, x1)
            # Downward unit normal of the edge's line; below it: (p - p0)·n > 0.
            length = math.hypot(dx, dy)
            nx = -sign * dy / length
            ny = -abs(dx) / length
            h = nx * x0 + ny * y0
            phi = math.atan2(ny, nx)
            # Nearest and farthest points of the edge from the centre; the edge's height at
            # the x of its nearest point to the centre's vertical.
            t = min(1.0, max(0.0, -(x0 * dx + y0 * dy) / (length * length)))
            near = math.hypot(x0 + t * dx, y0 + t * dy)
            far = max(math.hypot(x0, y0), math.hypot(x1, y1))
            above = y0 + (min(b, max(a, 0.0)) - x0) * dy / dx > 0.0
            # Circles no larger than this miss the trapezium: beside it, above it, or (when
            # the edge passes below the centre) inside it without reaching the edge.
            misses = max(-b, a, -max(y0, y1))
            if not above:
                misses = max(misses, near)
            first = starts[g] + np.searchsorted(radii, misses, side="right")
            for k in range(first, stops[g]):
                r = radius[k]
                beta_a = _half_angle(a, r)
                beta_b = _half_angle(b, r)
                if r < near:
                    # The edge passes above the circle: the arcs over [a, b] lie below it.
                    out[k] += sign * 2.0 * (beta_a - beta_b)
                elif r > far:
                    # The edge lies inside the circle: only the lower arc is below it.
                    out[k] += sign * (beta_a - beta_b)
                else:
                    w = _half_angle(h, r)
                    arc = _overlap(phi - w, phi + w, -beta_a, -beta_b)
                    arc += _overlap(phi - w, phi + w, beta_b, beta_a)
                    arc += _overlap(phi - w + _TWO_PI, phi + w + _TWO_PI, beta_b, beta_a)
                    out[k] += sign * arc


def bounding_radius(geometry: BaseGeometry) -> float:
    """Return the radius of the smallest circle centred in the window that contains it.

    spatstat's ``boundingradius``: min over x in W of the largest distance from x to W.
    For a rectangle, half its diagonal. When the centre of the smallest enclosing circle of
    W lies in W this is that circle's radius; otherwise (a window in two parts, a crescent)
    the minimum lies on W's boundary, found on each edge by golden-section search (the
    largest distance is convex along an edge).
    """
    hull = shapely.get_coordinates(shapely.convex_hull(geometry))[:-1]
    circle = shapely.minimum_bounding_circle(geometry)
    centre = np.asarray(shapely.get_coordinates(shapely.centroid(circle))[0])
    if shapely.covers(geometry, shapely.points(*centre)):
        return float(np.sqrt(((hull - centre) ** 2).sum(axis=1).max()))
    rings = shapely.get_rings(shapely.get_parts(geometry))
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    same = ring_of[1:] == ring_of[:-1]
    start, stop = coords[:-1][same], coords[1:][same]
    radius = float(shapely.minimum_bounding_radius(geometry))
    # Over an edge at distance δ from the centre, the farthest distance is at least
    # sqrt(R² + δ²) (the centre lies in the hull of the circle's support points): keep the
    # edges that can beat the best of their points nearest the centre.
    t_near = np.clip(
        ((centre - start) * (stop - start)).sum(axis=1)
        / np.maximum(((stop - start) ** 2).sum(axis=1), np.finfo(float).tiny),
        0.0,
        1.0,
    )
    near = start + t_near[:, None] * (stop - start)
    best = _farthest(near, hull).min()
    delta2 = ((near - centre) ** 2).sum(axis=1)
    keep = np.sqrt(radius**2 + delta2) <= best
    start, stop = start[keep], stop[keep]
    lo, hi = np.zeros(start.shape[0]), np.ones(start.shape[0])
    inv_phi = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(_GOLDEN_STEPS):
        t1 = hi - inv_phi * (hi - lo)
        t2 = lo + inv_phi * (hi - lo)
        f1 = _farthest(start + t1[:, None] * (stop - start), hull)
        f2 = _farthest(start + t2[:, None] * (stop - start), hull)
        left = f1 <= f2
        hi = np.where(left, t2, hi)
        lo = np.where(left, lo, t1)
    found = _farthest(start + ((lo + hi) / 2)[:, None] * (stop - start), hull)
    return float(min(best, found.min(initial=np.inf)))


def _farthest(points: np.ndarray, hull: np.ndarray) -> np.ndarray:
    # Largest distance from each point to the hull's vertices (= to the window).
    d2 = ((points[:, None, :] - hull[None, :, :]) ** 2).sum(axis=2)
    return np.asarray(np.sqrt(d2.max(axis=1)), dtype=np.float64)


def diameter(geometry: BaseGeometry) -> float:
    """Return the largest distance between two points of the window (spatstat ``diameter``)."""
    hull = shapely.get_coordinates(shapely.convex_hull(geometry))[:-1]
    d2 = ((hull[:, None, :] - hull[None, :, :]) ** 2).sum(axis=2)
    return float(np.sqrt(d2.max()))
