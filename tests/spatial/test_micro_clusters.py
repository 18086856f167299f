"""Micro-clusters from points (DBSCAN, HDBSCAN) and from areas (hot-spot components)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pyproj
import pytest

from grappes.errors import InvalidInputError, MissingColumnsError
from grappes.spatial.micro_clusters import areal_micro_clusters, micro_clusters


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


# --- areas ------------------------------------------------------------------------------


BLOCK = {f"r{i}{j}" for i in (2, 3, 4) for j in (2, 3, 4)}


def _grid() -> tuple[pd.DataFrame, nx.Graph]:
    """An 8 x 8 rook lattice; sector x has 30 establishments in each cell of a 3 x 3 block
    (rows and columns 2-4) and 1 elsewhere; sector y has 20 everywhere."""
    lattice = nx.grid_2d_graph(8, 8)
    graph = nx.relabel_nodes(lattice, {n: f"r{n[0]}{n[1]}" for n in lattice.nodes})
    rows = []
    for i in range(8):
        for j in range(8):
            code = f"r{i}{j}"
            rows.append(
                {"region": code, "sector": "x", "establishments": 30 if code in BLOCK else 1}
            )
            rows.append({"region": code, "sector": "y", "establishments": 20})
    return pd.DataFrame(rows), graph


def test_areal_micro_cluster_of_a_specialised_block() -> None:
    table, graph = _grid()
    result = areal_micro_clusters(table, graph=graph, permutations=0, correction="none")
    x = result.clusters[result.clusters["sector"] == "x"]
    assert len(x) == 1
    # Gi* (normal approximation, binary self-weight, row-standardised) is significant at 5 %
    # where at least 4 of the 5 cells of the neighbourhood are in the block: the block's
    # centre and the middles of its sides, a plus sign (z = 2.47 and 1.90; corners: 1.32)
    members = result.members[result.members["sector"] == "x"]["region"].tolist()
    assert members == ["r23", "r32", "r33", "r34", "r43"]
    share = (9 * 30 + 55) / (9 * 30 + 55 + 64 * 20)
    assert x["location_quotient"].iloc[0] == pytest.approx((150 / 250) / share, rel=1e-12)
    assert x["establishments"].iloc[0] == 150
    assert x["total_establishments"].iloc[0] == 250
    assert x["n_units"].iloc[0] == 5
    units = result.units[result.units["sector"] == "x"].set_index("region")
    assert units.loc["r33", "cluster"] == 0
    assert units.loc["r33", "z"] == pytest.approx(2.472066, rel=1e-6)
    assert units["cluster"].isna()["r22"]
    assert units.loc["r00", "location_quotient"] == pytest.approx((1 / 21) / share)
    assert result.clusters.query("sector == 'y'").empty  # y is spread evenly


def test_areal_min_location_quotient_keeps_only_specialised_hot_spots() -> None:
    table, graph = _grid()
    options: dict[str, Any] = {"permutations": 0, "correction": "none", "alpha": 0.45}
    everything = areal_micro_clusters(table, graph=graph, min_location_quotient=0.0, **options)
    core = areal_micro_clusters(table, graph=graph, **options)
    hot = set(everything.units.query("sector == 'x' and label == 'hot_spot'")["region"])
    assert set(core.members.query("sector == 'x'")["region"]) == BLOCK
    assert set(everything.members.query("sector == 'x'")["region"]) == hot
    assert hot > BLOCK  # cells next to the block are hot but not specialised (LQ 0.24)


def test_areal_graph_forms_and_local_moran_option() -> None:
    table, graph = _grid()
    edges = pd.DataFrame(list(graph.edges), columns=["code_a", "code_b"])
    first = areal_micro_clusters(
        table, graph=edges, permutations=0, statistic="local_moran", correction="none"
    )
    second = areal_micro_clusters(
        table, graph=graph, permutations=0, statistic="local_moran", correction="none"
    )
    pd.testing.assert_frame_equal(first.clusters, second.clusters)
    pd.testing.assert_frame_equal(first.units, second.units)
    members = set(first.members.query("sector == 'x'")["region"])
    assert members
    assert members <= BLOCK


def test_areal_zero_total_policy_and_progress() -> None:
    table, graph = _grid()
    table.loc[table["region"] == "r55", "establishments"] = 0
    with pytest.raises(InvalidInputError, match=r"got 0 for 1 regions \(first: region='r55'\)"):
        areal_micro_clusters(table, graph=graph, permutations=0)
    calls: list[tuple[int, int]] = []
    result = areal_micro_clusters(
        table,
        graph=graph,
        permutations=0,
        on_zero_total="drop",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert "r55" not in set(result.units["region"])
    assert calls == [(1, 2), (2, 2)]


def test_areal_absent_pair_counts_as_zero() -> None:
    table, graph = _grid()
    zero = table[(table["sector"] == "x") & (table["establishments"] == 1)].index[:3]
    with_zeros = table.assign(establishments=table["establishments"].astype(float))
    with_zeros.loc[zero, "establishments"] = 0.0
    dropped = with_zeros.drop(index=zero)
    a = areal_micro_clusters(with_zeros, graph=graph, permutations=0)
    b = areal_micro_clusters(dropped, graph=graph, permutations=0)
    pd.testing.assert_frame_equal(a.units, b.units)


@pytest.mark.parametrize(
    ("change", "options", "match"),
    [
        (lambda t: pd.concat([t, t.iloc[:1]]), {}, "one row per region x sector"),
        (lambda t: t.assign(establishments=-1), {}, "finite and non-negative"),
        (
            lambda t: t.assign(establishments=np.where(t["sector"] == "x", 0, 1)),
            {},
            "every sector needs a positive total",
        ),
        (lambda t: t, {"statistic": "geary"}, "statistic must be one of"),
        (lambda t: t, {"on_zero_total": "nan"}, "on_zero_total must be one of"),
        (lambda t: t, {"min_location_quotient": -1}, "min_location_quotient must be"),
    ],
)
def test_bad_areal_input(change: Any, options: dict[str, Any], match: str) -> None:
    table, graph = _grid()
    with pytest.raises(InvalidInputError, match=match):
        areal_micro_clusters(change(table), graph=graph, permutations=0, **options)


def test_areal_missing_column() -> None:
    table, graph = _grid()
    with pytest.raises(MissingColumnsError, match="employment"):
        areal_micro_clusters(table, value="employment", graph=graph)


# --- the real data: Moroccan communes, 2024 census ---------------------------------------


@pytest.mark.slow
def test_moroccan_commune_micro_clusters() -> None:
    """Facts from the run documented in docs/micro-clusters-morocco.md (seed 0, 9,999
    permutations, Gi* on establishment LQs, FDR 5 %). The cluster counts per sector were
    11-13 / 14 / 4-7 / 4-6 (commerce / construction / industry / services) over seeds 0-5;
    the ranges below are a little wider so that a change in esda's generator does not break
    them, but narrow enough to catch a change of method."""
    from grappes.data import morocco

    table = morocco.establishments(level="commune")
    graph = morocco.contiguity_graph()
    options: dict[str, Any] = {
        "graph": graph,
        "permutations": 9999,
        "seed": 0,
        "islands": "drop",
        "on_zero_total": "drop",
    }
    result = areal_micro_clusters(table, **options)
    counts = result.clusters.groupby("sector").size().to_dict()
    assert 7 <= counts["commerce"] <= 16
    assert 11 <= counts["construction"] <= 17
    assert 2 <= counts["industry"] <= 9
    assert 2 <= counts["services"] <= 8
    # out: 13 communes without any establishment, the isolated Sidi Mohamed Benmansour
    # (04.281.05.11), and 02.251.01.03, whose only neighbours are among the 13 empty ones
    assert result.units.groupby("sector").size().unique().tolist() == [1503 - 15]
    assert not {"04.281.05.11", "02.251.01.03"} & set(result.units["region"])
    # every cluster is specialised, by construction (each unit has LQ >= 1)
    assert (result.clusters["location_quotient"] >= 1).all()
    # the largest construction cluster, for every seed tried, contains Témara
    top = result.members.query("sector == 'construction' and cluster == 0")["region"]
    assert "04.501.01.07" in set(top)
    # Casablanca (06.141.01.0) is a Gi* hot spot of construction (its neighbours are
    # specialised) but its own construction LQ is 0.77, so it belongs to no cluster
    casablanca = result.units[result.units["region"] == "06.141.01.0"].set_index("sector")
    assert casablanca.loc["construction", "label"] == "hot_spot"
    assert casablanca["location_quotient"]["construction"] < 1
    assert casablanca["cluster"].isna().all()
    again = areal_micro_clusters(table, **options)
    pd.testing.assert_frame_equal(result.clusters, again.clusters)
