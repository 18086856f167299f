"""Point patterns: checked coordinates, marks and weights, in a planar metric frame.

Every distance-based measure of :mod:`grappes.spatial` starts here. A pattern is a pandas
table with one row per establishment; this module checks the columns once, projects
longitude/latitude to a plane where Euclidean distances are (nearly) true distances, and
turns a window given as a tuple or a shapely polygon into one object.

Projection
----------
With ``crs="EPSG:4326"`` (or any geographic CRS) the coordinates are longitude and latitude
in degrees. They are projected to an **azimuthal equidistant** projection centred on the
pattern's centroid (mean longitude and latitude), WGS 84 ellipsoid, **in kilometres**::

    +proj=aeqd +lat_0=<mean lat> +lon_0=<mean lon> +datum=WGS84 +units=km

Distances *from the centre* are exact in that projection; distances between two other points
are distorted by less than 0.1 % within about 500 km of the centre and less than 1 % within
about 1,500 km (all of Morocco from its centroid). A projected CRS is used as it is, with its
linear unit converted to kilometres. ``crs=None`` means the coordinates are already planar
and distances are reported in the coordinates' own unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from grappes.errors import InvalidInputError, MissingColumnsError

#: A window: ``(xmin, xmax, ymin, ymax)`` (spatstat's ``owin(c(xmin, xmax), c(ymin, ymax))``
#: order) or a shapely polygon.
WindowLike = tuple[float, float, float, float] | BaseGeometry


@dataclass(frozen=True)
class PointPattern:
    """Planar coordinates of a pattern with its marks and weights (internal form).

    ``x`` and ``y`` are float64 arrays; ``marks`` is an object array of string codes or
    ``None``; ``weights`` a float64 array (ones when no weight column was named); ``ids``
    labels rows in error messages (the table's index); ``unit`` names the distance unit.
    """

    x: np.ndarray
    y: np.ndarray
    marks: np.ndarray | None
    weights: np.ndarray
    ids: np.ndarray
    unit: str

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self.x.shape[0])


@dataclass(frozen=True)
class Window:
    """An observation window: a rectangle or a polygon (internal form)."""

    geometry: BaseGeometry
    is_rectangle: bool

    @property
    def area(self) -> float:
        """Area of the window."""
        return float(self.geometry.area)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)``."""
        b = self.geometry.bounds
        return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def _first_rows(ids: np.ndarray, bad: np.ndarray) -> str:
    where = np.flatnonzero(bad)
    return f"{where.size} rows (first: id={ids[where[0]]!r})"


def prepare_points(
    points: pd.DataFrame,
    *,
    who: str,
    x: str = "x",
    y: str = "y",
    mark: str | None = None,
    weight: str | None = None,
    crs: str | None = None,
) -> PointPattern:
    """Check a point table and return its planar coordinates, marks and weights.

    Raises :class:`~grappes.errors.MissingColumnsError` for absent columns and
    :class:`~grappes.errors.InvalidInputError` for non-finite coordinates, non-string marks,
    negative or non-finite weights, fewer than two points, or an unknown ``crs``.
    """
    if not isinstance(points, pd.DataFrame):
        raise InvalidInputError(
            f"{who}: points must be a pandas DataFrame; got {type(points).__name__}"
        )
    wanted = [c for c in (x, y, mark, weight) if c is not None]
    missing = [c for c in wanted if c not in points.columns]
    if missing:
        raise MissingColumnsError(
            f"{who}: points lack column(s) {missing}; got columns {list(points.columns)}"
        )
    ids = np.asarray(points.index, dtype=object)
    coords = []
    for name in (x, y):
        col = points[name]
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            raise InvalidInputError(f"{who}: column {name!r} must be numeric; got {col.dtype}")
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isfinite(values)
        if bad.any():
            raise InvalidInputError(
                f"{who}: column {name!r} must be finite; got NaN or infinity in "
                f"{_first_rows(ids, bad)}"
            )
        coords.append(values)
    if len(coords[0]) < 2:
        raise InvalidInputError(f"{who}: needs at least 2 points; got {len(coords[0])}")
    marks = None
    if mark is not None:
        marks = points[mark].to_numpy(dtype=object)
        bad = np.array([not isinstance(v, str) for v in marks])
        if bad.any():
            raise InvalidInputError(
                f"{who}: column {mark!r} must hold string codes; got "
                f"{type(marks[np.flatnonzero(bad)[0]]).__name__} in {_first_rows(ids, bad)}"
            )
    if weight is None:
        weights = np.ones(len(coords[0]))
    else:
        col = points[weight]
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            raise InvalidInputError(f"{who}: column {weight!r} must be numeric; got {col.dtype}")
        weights = col.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isfinite(weights) | (weights < 0)
        if bad.any():
            raise InvalidInputError(
                f"{who}: column {weight!r} must be finite and non-negative; got "
                f"{weights[np.flatnonzero(bad)[0]]} in {_first_rows(ids, bad)}"
            )
    px, py, unit = project(coords[0], coords[1], crs=crs, who=who)
    return PointPattern(x=px, y=py, marks=marks, weights=weights, ids=ids, unit=unit)


def project(
    x: np.ndarray, y: np.ndarray, *, crs: str | None, who: str
) -> tuple[np.ndarray, np.ndarray, str]:
    """Return planar coordinates and their unit (kilometres unless ``crs`` is None).

    Geographic coordinates go to an azimuthal equidistant projection centred on their
    centroid (see the module notes); projected ones are rescaled to kilometres.
    """
    if crs is None:
        return x.astype(np.float64), y.astype(np.float64), "coordinate unit"
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source = CRS.from_user_input(crs)
    except CRSError as exc:
        raise InvalidInputError(f"{who}: crs {crs!r} is not a CRS pyproj knows ({exc})") from exc
    if source.is_geographic:
        to_lonlat = Transformer.from_crs(source, "EPSG:4326", always_xy=True)
        lon, lat = to_lonlat.transform(x, y)
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        if (np.abs(lat) > 90).any() or (np.abs(lon) > 360).any():
            raise InvalidInputError(
                f"{who}: with crs {crs!r} columns hold longitude and latitude in degrees; "
                f"got latitudes up to {np.abs(lat).max():.6g}"
            )
        lat0, lon0 = float(lat.mean()), float(_mean_longitude(lon))
        target = CRS.from_proj4(
            f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=km +no_defs"
        )
        forward = Transformer.from_crs("EPSG:4326", target, always_xy=True)
        px, py = forward.transform(lon, lat)
        return np.asarray(px, dtype=np.float64), np.asarray(py, dtype=np.float64), "km"
    if source.is_projected:
        factor = source.axis_info[0].unit_conversion_factor
        scale = factor / 1000.0
        return x * scale, y * scale, "km"
    raise InvalidInputError(f"{who}: crs {crs!r} is neither geographic nor projected")


def _mean_longitude(lon: np.ndarray) -> float:
    # Circular mean, so that a pattern straddling the antimeridian is centred correctly.
    rad = np.deg2rad(lon)
    return float(np.rad2deg(np.arctan2(np.sin(rad).mean(), np.cos(rad).mean())))


def prepare_window(window: Any, *, who: str) -> Window:
    """Turn ``(xmin, xmax, ymin, ymax)`` or a shapely polygon into a :class:`Window`."""
    if isinstance(window, BaseGeometry):
        if not isinstance(window, Polygon) and window.geom_type != "MultiPolygon":
            raise InvalidInputError(
                f"{who}: window must be a shapely Polygon or MultiPolygon; got {window.geom_type}"
            )
        if window.is_empty or not window.is_valid or window.area <= 0:
            raise InvalidInputError(
                f"{who}: window must be a valid polygon with positive area; "
                f"got {shapely.is_valid_reason(window)}"
            )
        rect = bool(np.isclose(window.area, shapely.envelope(window).area, rtol=1e-12, atol=0))
        if rect:
            window = shapely.envelope(window)
        return Window(geometry=window, is_rectangle=rect)
    try:
        xmin, xmax, ymin, ymax = (float(v) for v in window)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"{who}: window must be (xmin, xmax, ymin, ymax) or a shapely polygon; got {window!r}"
        ) from exc
    if not (np.isfinite([xmin, ymin, xmax, ymax]).all() and xmax > xmin and ymax > ymin):
        raise InvalidInputError(
            f"{who}: window (xmin, xmax, ymin, ymax) must be finite with xmax > xmin and "
            f"ymax > ymin; got {window!r}"
        )
    return Window(geometry=shapely.box(xmin, ymin, xmax, ymax), is_rectangle=True)


def check_inside(pattern: PointPattern, window: Window, *, who: str) -> None:
    """Raise unless every point lies in the window (its boundary included)."""
    if window.is_rectangle:
        xmin, ymin, xmax, ymax = window.bounds
        bad = (pattern.x < xmin) | (pattern.x > xmax) | (pattern.y < ymin) | (pattern.y > ymax)
    else:
        pts = shapely.points(pattern.x, pattern.y)
        bad = ~shapely.covers(window.geometry, pts)
    if bad.any():
        raise InvalidInputError(
            f"{who}: every point must lie in the window; got {_first_rows(pattern.ids, bad)} "
            "outside it"
        )


def type_masks(
    pattern: PointPattern, *, who: str, mark: str, reference: str, neighbor: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of the reference and neighbour points; both types must be present."""
    if pattern.marks is None:
        raise InvalidInputError(f"{who}: a mark column is needed to select types")
    if not isinstance(reference, str):
        raise InvalidInputError(
            f"{who}: reference must be a string code; got {type(reference).__name__}"
        )
    if neighbor is not None and not isinstance(neighbor, str):
        raise InvalidInputError(
            f"{who}: neighbor must be a string code or None; got {type(neighbor).__name__}"
        )
    nb = reference if neighbor is None else neighbor
    is_ref = pattern.marks == reference
    is_nb = pattern.marks == nb
    for code, mask, role in ((reference, is_ref, "reference"), (nb, is_nb, "neighbor")):
        if not mask.any():
            raise InvalidInputError(
                f"{who}: {role} type {code!r} is absent from column {mark!r}; "
                f"got types {sorted(set(pattern.marks.tolist()))[:10]}"
            )
    return np.asarray(is_ref, dtype=np.bool_), np.asarray(is_nb, dtype=np.bool_)


def bounding_diameter(pattern: PointPattern) -> float:
    """Diagonal of the points' bounding box (an upper bound of the largest distance)."""
    return float(np.hypot(np.ptp(pattern.x), np.ptp(pattern.y)))
