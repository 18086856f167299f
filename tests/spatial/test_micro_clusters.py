"""Micro-clusters from points (DBSCAN, HDBSCAN)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyproj
import pytest

from grappes.errors import InvalidInputError, MissingColumnsError
from grappes.spatial.micro_clusters import micro_clusters


def _blobs() -> pd.DataFrame:
    """Two blobs of sector C (30 and 20 points, km), 10 scattered G, a lone C far away."""
    rng = np.random.default_rng(42)
    a = rng.normal([0.0, 0.0], 0.1, size=(30, 2))
    b = rng.normal([10.0, 0.0], 0.1, size=(20, 2))
    g = rng.uniform(-20, 20, size=(10, 2))
    xy = np.vstack([a, b, g, [[50.0, 50.0]]])
    sectors = ["C"] * 50 + ["G"] * 10 + ["C"]
    return pd.DataFrame(
        {"x": xy[:, 0], "y": xy[:, 1], "sector": sectors},
        index=pd.Index([f"e{i:03d}" for i in range(len(xy))]),
    )


def test_dbscan_finds_the_two_blobs() -> None:
    points = _blobs()
    result = micro_clusters(points, sector="C", eps_km=0.5, min_samples=5)
    assert result.clusters["size"].tolist() == [30, 20]
    members = result.members.set_index("id")["cluster"]
    assert (members[[f"e{i:03d}" for i in range(30)]] == 0).all()
    assert (members[[f"e{i:03d}" for i in range(30, 50)]] == 1).all()
    assert members["e060"] == -1
    assert len(result.members) == 51  # the sector's establishments only
    centre = result.clusters.loc[0, ["x", "y"]].to_numpy(dtype=float)
    np.testing.assert_allclose(centre, points.iloc[:30][["x", "y"]].mean(), atol=1e-12)


def test_location_quotient_of_a_cluster_by_hand() -> None:
    # cluster of 5 C at the corners and centre of a 0.2 km square; within its hull buffered
    # by eps = 0.5 km: 5 C and 2 G; overall: 6 C of 10. LQ = (5/7) / (6/10) = 25/21
    points = pd.DataFrame(
        {
            "x": [0.0, 0.2, 0.0, 0.2, 0.1, 0.5, -0.3, 5.0, 6.0, 7.0],
            "y": [0.0, 0.0, 0.2, 0.2, 0.1, 0.1, 0.1, 5.0, 6.0, 7.0],
            "sector": ["C"] * 5 + ["G", "G", "C", "G", "G"],
        }
    )
    result = micro_clusters(points, sector="C", eps_km=0.5, min_samples=5)
    row = result.clusters.iloc[0]
    assert row["size"] == 5
    assert row["area_establishments"] == 7
    assert row["area_sector_establishments"] == 5
    assert row["location_quotient"] == pytest.approx(25 / 21, rel=1e-12)
    assert row["radius_km"] == pytest.approx(np.hypot(0.1, 0.1), rel=1e-12)


def test_haversine_on_degrees_agrees_with_planar_kilometres() -> None:
    # Casablanca-like coordinates: the same points in degrees and in a local km projection
    points = _blobs()
    to_degrees = pyproj.Transformer.from_crs(
        "+proj=aeqd +lat_0=33.59 +lon_0=-7.62 +datum=WGS84 +units=km", "EPSG:4326", always_xy=True
    )
    lon, lat = to_degrees.transform(points["x"].to_numpy(), points["y"].to_numpy())
    geo = points.assign(x=lon, y=lat)
    planar = micro_clusters(points, sector="C", eps_km=0.5, min_samples=5)
    spherical = micro_clusters(geo, sector="C", eps_km=0.5, min_samples=5, crs="EPSG:4326")
    pd.testing.assert_frame_equal(planar.members, spherical.members)
    pd.testing.assert_series_equal(planar.clusters["size"], spherical.clusters["size"])
    np.testing.assert_allclose(
        planar.clusters["radius_km"], spherical.clusters["radius_km"], rtol=0.01
    )
    np.testing.assert_allclose(
        planar.clusters["location_quotient"], spherical.clusters["location_quotient"]
    )


def test_projected_crs_in_metres() -> None:
    points = _blobs()
    metres = points.assign(x=points["x"] * 1000, y=points["y"] * 1000)
    km = micro_clusters(points, sector="C", eps_km=0.5)
    m = micro_clusters(metres, sector="C", eps_km=0.5, crs="EPSG:26191")
    pd.testing.assert_frame_equal(km.members, m.members)
    np.testing.assert_allclose(km.clusters["radius_km"], m.clusters["radius_km"], rtol=1e-12)


def test_hdbscan_finds_the_two_blobs() -> None:
    result = micro_clusters(_blobs(), sector="C", method="hdbscan", min_cluster_size=10)
    assert result.clusters["size"].tolist() == [30, 20]


def test_dbscan_min_cluster_size_turns_small_clusters_into_noise() -> None:
    result = micro_clusters(_blobs(), sector="C", eps_km=0.5, min_cluster_size=25)
    assert result.clusters["size"].tolist() == [30]
    assert (result.members["cluster"] == -1).sum() == 21


def test_row_order_and_numbering_do_not_depend_on_input_order() -> None:
    points = _blobs()
    reference = micro_clusters(points, sector="C", eps_km=0.5)
    shuffled = micro_clusters(points.sample(frac=1.0, random_state=3), sector="C", eps_km=0.5)
    pd.testing.assert_frame_equal(reference.clusters, shuffled.clusters)
    pd.testing.assert_frame_equal(
        reference.members.sort_values("id", ignore_index=True),
        shuffled.members.sort_values("id", ignore_index=True),
    )


def test_id_column() -> None:
    points = _blobs().reset_index(names="siret")
    result = micro_clusters(points, sector="C", eps_km=0.5, id="siret")
    assert result.members["id"].iloc[0] == "e000"


@pytest.mark.parametrize(
    ("change", "options", "error", "match"),
    [
        (lambda p: p.drop(columns="y"), {}, MissingColumnsError, r"lack column\(s\) \['y'\]"),
        (lambda p: p.assign(x=np.nan), {}, InvalidInputError, "'x' must be finite"),
        (lambda p: p.assign(sector=1), {}, InvalidInputError, "must hold string codes"),
        (lambda p: p, {"sector": "F"}, InvalidInputError, "sector 'F' has no establishment"),
        (lambda p: p, {"eps_km": 0}, InvalidInputError, "eps_km must be a positive number"),
        (lambda p: p, {"min_samples": 0}, InvalidInputError, "min_samples must be"),
        (lambda p: p, {"method": "optics"}, InvalidInputError, "method must be one of"),
        (lambda p: p, {"crs": "EPSG:nope"}, InvalidInputError, "is not a CRS"),
        (lambda p: p, {"crs": "EPSG:4326"}, InvalidInputError, "within ±90"),
        (
            lambda p: p.set_axis(["a"] * len(p)),
            {},
            InvalidInputError,
            "ids must be unique",
        ),
    ],
)
def test_bad_points(change: Any, options: dict[str, Any], error: type, match: str) -> None:
    points = change(_blobs())
    if options.get("crs") == "EPSG:4326":
        points = points.assign(y=points["y"] * 10)
    kwargs: dict[str, Any] = {"sector": "C", **options}
    with pytest.raises(error, match=match):
        micro_clusters(points, **kwargs)
