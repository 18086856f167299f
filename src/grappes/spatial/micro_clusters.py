"""Point micro-clusters: small dense groups of one sector's geocoded establishments.

:func:`micro_clusters` clusters the establishments of a sector with DBSCAN or HDBSCAN and
measures, around each cluster, how much more the sector weighs there than in the whole pattern
(a location quotient of the cluster's area). Its twin for counts per unit (communes) is
:func:`grappes.spatial.areal_clusters.areal_micro_clusters`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pyproj
import shapely
from sklearn.cluster import DBSCAN, HDBSCAN

from grappes.errors import InvalidInputError, MissingColumnsError, check_choice

#: Mean Earth radius in kilometres (IUGG), the radius of sklearn's haversine distances here.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class MicroClusters:
    """Clusters of one sector's establishments found by :func:`micro_clusters`.

    Attributes
    ----------
    members
        One row per establishment of the sector: ``id`` and ``cluster`` (int, ``-1`` for
        noise), in the order of the input.
    clusters
        One row per cluster, largest first: ``cluster``, ``size`` (establishments of the
        sector in the cluster), the centroid in the input's coordinates (columns named as
        the ``x`` and ``y`` arguments), ``radius_km`` (largest distance from the centroid to
        a member), ``area_establishments`` and ``area_sector_establishments`` (all
        establishments, and those of the sector, within the cluster's area) and
        ``location_quotient`` of the sector in that area.
    """

    members: pd.DataFrame
    clusters: pd.DataFrame


def micro_clusters(
    points: pd.DataFrame,
    *,
    sector: str,
    mark: str = "sector",
    method: Literal["dbscan", "hdbscan"] = "dbscan",
    eps_km: float = 1.0,
    min_samples: int = 5,
    min_cluster_size: int | None = None,
    x: str = "x",
    y: str = "y",
    id: str | None = None,
    crs: str | None = None,
) -> MicroClusters:
    """Return the micro-clusters of one sector's establishments and their location quotients.

    Parameters
    ----------
    points
        pandas table with one row per establishment of **every** sector (the others are
        the reference for the location quotient): coordinates and a sector column.
    sector
        The sector whose establishments are clustered (a value of the ``mark`` column).
    mark
        Name of the sector column (strings).
    method
        ``"dbscan"`` (default; Ester et al. 1996) or ``"hdbscan"`` (Campello, Moulavi &
        Sander 2013), both from scikit-learn, both deterministic.
    eps_km
        For DBSCAN, the neighbourhood radius in kilometres; for both methods, the buffer
        around a cluster's convex hull that makes its area (see Notes). A scale to choose
        for the question asked — 1 km (default) for urban blocks and industrial estates —
        not a universal value.
    min_samples
        Number of establishments within ``eps_km`` (the point itself included) that makes a
        DBSCAN core point; for HDBSCAN, the ``min_samples`` of its core distances.
    min_cluster_size
        HDBSCAN's smallest cluster (5 when ``None``). With DBSCAN, when given, clusters with
        fewer members become noise.
    x, y
        Names of the coordinate columns: longitude and latitude in degrees with a
        geographic ``crs`` (``"EPSG:4326"``); planar coordinates in kilometres with
        ``crs=None``; planar coordinates in the CRS's unit with a projected CRS.
    id
        Name of a column of unique identifiers for ``members``; ``None`` uses the index.
    crs
        Coordinate reference system of ``x`` and ``y`` (anything pyproj reads), or ``None``.

    Returns
    -------
    MicroClusters
        ``members`` and ``clusters`` (see :class:`MicroClusters`). Clusters are numbered by
        size, largest first (ties by their smallest member id), so that the numbering does
        not depend on the row order.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-numeric or non-finite coordinates, longitudes or latitudes out of range,
        non-string sectors, duplicate ids, a sector with no establishment, an unknown or
        unsupported ``crs``, or an invalid option.

    Notes
    -----
    Distances are great-circle (haversine, on a sphere of radius 6371.0088 km) for a
    geographic ``crs``, with scikit-learn's ``metric="haversine"`` on radians and
    ``eps = eps_km / 6371.0088``; Euclidean in kilometres otherwise.

    **Area and location quotient of a cluster.** The area :math:`A_c` of cluster :math:`c`
    is the convex hull of its members buffered by ``eps_km`` (in an azimuthal equidistant
    projection centred on the cluster for geographic coordinates). With :math:`n_s(A_c)` and
    :math:`n(A_c)` the establishments of the sector and of all sectors within :math:`A_c`
    (the boundary included), and :math:`N_s`, :math:`N` the same counts over the whole table,

    .. math:: LQ_c = \\frac{n_s(A_c) / n(A_c)}{N_s / N}

    Above 1, the sector is over-represented around the cluster: a specialised micro-cluster
    rather than a mere piece of a dense city. :math:`n_s(A_c)` may exceed the cluster's size,
    since noise establishments of the sector can lie within the area.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> blob = rng.normal(0.0, 0.1, size=(20, 2))
    >>> pts = pd.DataFrame({"x": np.r_[blob[:, 0], [5.0, 9.0]],
    ...                     "y": np.r_[blob[:, 1], [5.0, 9.0]],
    ...                     "sector": ["C"] * 20 + ["G", "C"]})
    >>> res = micro_clusters(pts, sector="C", eps_km=0.5, min_samples=5)
    >>> res.clusters[["cluster", "size"]].to_dict("records")
    [{'cluster': 0, 'size': 20}]
    """
    who = "micro_clusters"
    check_choice(who, "method", method, ("dbscan", "hdbscan"))
    _check_positive_number(who, "eps_km", eps_km)
    _check_count(who, "min_samples", min_samples, minimum=1)
    if min_cluster_size is not None:
        _check_count(who, "min_cluster_size", min_cluster_size, minimum=2)
    frame = _Frame.make(who, crs)
    ids, px, py, marks = _check_points(who, points, x=x, y=y, mark=mark, id=id, frame=frame)
    in_sector = marks == sector
    if not in_sector.any():
        raise InvalidInputError(
            f"{who}: sector {sector!r} has no establishment in column {mark!r}; "
            f"got sectors {sorted(set(marks.tolist()))[:10]}"
        )
    labels = _cluster(
        frame,
        px[in_sector],
        py[in_sector],
        method=method,
        eps_km=eps_km,
        min_samples=min_samples,
        min_cluster_size=min_cluster_size,
    )
    labels = _renumber(labels, ids[in_sector])
    members = pd.DataFrame(
        {"id": ids[in_sector], "cluster": labels.astype(np.int64)},
    ).reset_index(drop=True)
    rows = []
    overall = float(in_sector.sum()) / float(in_sector.size)
    sx, sy = px[in_sector], py[in_sector]
    for c in range(int(labels.max()) + 1 if labels.size else 0):
        chosen = labels == c
        cx, cy, radius, inside = frame.area(sx[chosen], sy[chosen], px, py, eps_km)
        n_area = int(inside.sum())
        n_sector_area = int((inside & in_sector).sum())
        rows.append(
            {
                "cluster": c,
                "size": int(chosen.sum()),
                x: cx,
                y: cy,
                "radius_km": radius,
                "area_establishments": n_area,
                "area_sector_establishments": n_sector_area,
                "location_quotient": (n_sector_area / n_area) / overall,
            }
        )
    columns = [
        "cluster",
        "size",
        x,
        y,
        "radius_km",
        "area_establishments",
        "area_sector_establishments",
        "location_quotient",
    ]
    clusters = pd.DataFrame(rows, columns=columns).astype(
        {"cluster": "int64", "size": "int64", x: "float64", y: "float64"}
    )
    return MicroClusters(members=members, clusters=clusters)


@dataclass(frozen=True)
class _Frame:
    """How coordinates become distances: geographic (haversine) or planar (km)."""

    geographic: bool
    km_per_unit: float

    @classmethod
    def make(cls, who: str, crs: str | None) -> _Frame:
        if crs is None:
            return cls(geographic=False, km_per_unit=1.0)
        try:
            parsed = pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError as error:
            raise InvalidInputError(
                f"{who}: crs {crs!r} is not a CRS pyproj reads: {error}"
            ) from None
        if parsed.is_geographic:
            return cls(geographic=True, km_per_unit=float("nan"))
        if parsed.is_projected:
            factor = parsed.axis_info[0].unit_conversion_factor
            return cls(geographic=False, km_per_unit=float(factor) / 1000.0)
        raise InvalidInputError(
            f"{who}: crs must be geographic (longitude, latitude) or projected; got {crs!r}"
        )

    def to_model(self, px: np.ndarray, py: np.ndarray) -> np.ndarray:
        """Coordinates as scikit-learn sees them: radians (lat, lon), or km (x, y)."""
        if self.geographic:
            return np.radians(np.column_stack([py, px]))
        return np.column_stack([px, py]) * self.km_per_unit

    def area(
        self,
        mx: np.ndarray,
        my: np.ndarray,
        px: np.ndarray,
        py: np.ndarray,
        eps_km: float,
    ) -> tuple[float, float, float, np.ndarray]:
        """Centroid, radius (km) and which of all points lie in the buffered hull."""
        if self.geographic:
            return self._area_geographic(mx, my, px, py, eps_km)
        k = self.km_per_unit
        cx, cy = float(mx.mean()), float(my.mean())
        radius = float(np.hypot((mx - cx) * k, (my - cy) * k).max())
        hull = shapely.MultiPoint(np.column_stack([mx * k, my * k])).convex_hull.buffer(eps_km)
        inside = _within(hull, px * k, py * k)
        return cx, cy, radius, inside

    def _area_geographic(
        self,
        mx: np.ndarray,
        my: np.ndarray,
        px: np.ndarray,
        py: np.ndarray,
        eps_km: float,
    ) -> tuple[float, float, float, np.ndarray]:
        lon, lat = np.radians(mx), np.radians(my)
        vector = np.array(
            [np.mean(np.cos(lat) * np.cos(lon)), np.mean(np.cos(lat) * np.sin(lon)),
             np.mean(np.sin(lat))]
        )  # fmt: skip
        clat = float(np.degrees(np.arctan2(vector[2], np.hypot(vector[0], vector[1]))))
        clon = float(np.degrees(np.arctan2(vector[1], vector[0])))
        radius = float(_haversine_km(clon, clat, mx, my).max())
        # the buffered hull lies within radius + eps of the centre; a 1 % margin covers the
        # sphere-versus-ellipsoid difference between haversine and the projection
        near = _haversine_km(clon, clat, px, py) <= (radius + eps_km) * 1.01 + 1e-9
        project = pyproj.Transformer.from_crs(
            "EPSG:4326",
            f"+proj=aeqd +lat_0={clat} +lon_0={clon} +datum=WGS84 +units=km",
            always_xy=True,
        )
        hx, hy = project.transform(mx, my)
        hull = shapely.MultiPoint(np.column_stack([hx, hy])).convex_hull.buffer(eps_km)
        inside = np.zeros(px.shape, dtype=bool)
        nx_, ny_ = project.transform(px[near], py[near])
        inside[near] = _within(hull, np.asarray(nx_), np.asarray(ny_))
        return clon, clat, radius, inside


def _within(area: shapely.Geometry, qx: np.ndarray, qy: np.ndarray) -> np.ndarray:
    return np.asarray(shapely.intersects_xy(area, qx, qy), dtype=bool)


def _haversine_km(lon0: float, lat0: float, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    p0, p = np.radians(lat0), np.radians(lat)
    dlat = p - p0
    dlon = np.radians(lon) - np.radians(lon0)
    h = np.sin(dlat / 2) ** 2 + np.cos(p0) * np.cos(p) * np.sin(dlon / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def _cluster(
    frame: _Frame,
    px: np.ndarray,
    py: np.ndarray,
    *,
    method: str,
    eps_km: float,
    min_samples: int,
    min_cluster_size: int | None,
) -> np.ndarray:
    data = frame.to_model(px, py)
    metric = "haversine" if frame.geographic else "euclidean"
    if method == "dbscan":
        eps = eps_km / EARTH_RADIUS_KM if frame.geographic else eps_km
        labels = DBSCAN(
            eps=eps, min_samples=min_samples, metric=metric, algorithm="ball_tree"
        ).fit_predict(data)
        if min_cluster_size is not None:
            found, sizes = np.unique(labels[labels >= 0], return_counts=True)
            small = found[sizes < min_cluster_size]
            labels = np.where(np.isin(labels, small), -1, labels)
        return np.asarray(labels, dtype=np.int64)
    if data.shape[0] < 2:
        return np.full(data.shape[0], -1, dtype=np.int64)
    model = HDBSCAN(
        min_cluster_size=5 if min_cluster_size is None else min_cluster_size,
        min_samples=min(min_samples, data.shape[0]),
        metric=metric,
        copy=True,
    )
    return np.asarray(model.fit_predict(data), dtype=np.int64)


def _renumber(labels: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Number clusters by size, largest first, ties by smallest member id (as a string)."""
    found = [int(c) for c in np.unique(labels) if c >= 0]
    keys = []
    for c in found:
        chosen = labels == c
        keys.append((-int(chosen.sum()), min(str(i) for i in ids[chosen]), c))
    new = {c: rank for rank, (_, _, c) in enumerate(sorted(keys))}
    return np.array([new.get(int(c), -1) for c in labels], dtype=np.int64)


def _check_points(
    who: str,
    points: object,
    *,
    x: str,
    y: str,
    mark: str,
    id: str | None,
    frame: _Frame,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    if not isinstance(points, pd.DataFrame):
        raise InvalidInputError(
            f"{who}: points must be a pandas DataFrame; got {type(points).__name__}"
        )
    wanted = [c for c in (x, y, mark, id) if c is not None]
    missing = [c for c in wanted if c not in points.columns]
    if missing:
        raise MissingColumnsError(
            f"{who}: points lack column(s) {missing}; got columns {list(points.columns)}"
        )
    ids = np.asarray(points.index if id is None else points[id], dtype=object)
    duplicated = pd.Series(ids).duplicated().to_numpy()
    if duplicated.any():
        raise InvalidInputError(
            f"{who}: establishment ids must be unique; got {int(duplicated.sum())} duplicates "
            f"(first: id={ids[duplicated][0]!r})"
        )
    coordinates = []
    for name in (x, y):
        col = points[name]
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            raise InvalidInputError(f"{who}: column {name!r} must be numeric; got {col.dtype}")
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isfinite(values)
        if bad.any():
            raise InvalidInputError(
                f"{who}: column {name!r} must be finite; got NaN or infinity in "
                f"{int(bad.sum())} rows (first: id={ids[bad][0]!r})"
            )
        coordinates.append(values)
    px, py = coordinates
    if frame.geographic:
        for name, values, limit in ((x, px, 180.0), (y, py, 90.0)):
            bad = np.abs(values) > limit
            if bad.any():
                raise InvalidInputError(
                    f"{who}: with a geographic crs, column {name!r} must hold degrees within "
                    f"±{limit:g}; got {float(values[bad][0])!r} in {int(bad.sum())} rows "
                    f"(first: id={ids[bad][0]!r})"
                )
    marks = points[mark]
    not_string = ~marks.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if not_string.any():
        raise InvalidInputError(
            f"{who}: column {mark!r} must hold string codes; got {marks[not_string].iloc[0]!r} "
            f"in {int(not_string.sum())} rows (first: id={ids[not_string][0]!r})"
        )
    return ids, px, py, np.asarray(marks, dtype=object)


def _check_positive_number(who: str, name: str, got: object) -> None:
    if (
        isinstance(got, bool)
        or not isinstance(got, int | float | np.integer | np.floating)
        or not np.isfinite(float(got))
        or float(got) <= 0
    ):
        raise InvalidInputError(f"{who}: {name} must be a positive number; got {got!r}")


def _check_count(who: str, name: str, got: object, *, minimum: int) -> None:
    if isinstance(got, bool) or not isinstance(got, int | np.integer) or int(got) < minimum:
        raise InvalidInputError(f"{who}: {name} must be an integer >= {minimum}; got {got!r}")
