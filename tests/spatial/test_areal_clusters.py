"""Micro-clusters from areas (contiguous components of hot-spot units)."""

from __future__ import annotations

import inspect
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from grappes.errors import InvalidInputError, MissingColumnsError
from grappes.spatial.areal_clusters import DEFAULT_TRANSFORMS, areal_micro_clusters
from grappes.spatial.hotspots import getis_ord, local_moran

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


def _ord_getis_z(lq: pd.Series, graph: nx.Graph) -> pd.Series:
    """Gi*'s z-score by Ord & Getis (1995, eq. for general weights), binary weights with a
    self-weight of 1: (sum_j w_ij x_j - mean W_i) / (s sqrt((n S1_i - W_i^2) / (n - 1)))."""
    codes = list(lq.index)
    position = {c: i for i, c in enumerate(codes)}
    w = np.eye(len(codes))
    for a, b in graph.edges:
        w[position[a], position[b]] = w[position[b], position[a]] = 1.0
    y, n = lq.to_numpy(dtype=float), len(codes)
    w_i, s1_i = w.sum(axis=1), (w**2).sum(axis=1)
    z = (w @ y - y.mean() * w_i) / (y.std() * np.sqrt((n * s1_i - w_i**2) / (n - 1)))
    return pd.Series(z, index=codes)


def test_areal_micro_cluster_of_a_specialised_block() -> None:
    table, graph = _grid()
    result = areal_micro_clusters(table, graph=graph, permutations=0, correction="none")
    assert result.transform == "b"
    x = result.clusters[result.clusters["sector"] == "x"]
    assert len(x) == 1
    # Gi* (normal approximation, binary weights with a self-weight of 1) is significant at
    # 5 % on the whole 3 x 3 block: z = 5.71 at its centre, 4.38 in the middles of its
    # sides, 3.05 at its corners; 0.39 next to the block, where the LQ is 0.24
    members = result.members[result.members["sector"] == "x"]["region"].tolist()
    assert members == sorted(BLOCK)
    share = (9 * 30 + 55) / (9 * 30 + 55 + 64 * 20)
    assert x["location_quotient"].iloc[0] == pytest.approx((270 / 450) / share, rel=1e-12)
    assert x["establishments"].iloc[0] == 270
    assert x["total_establishments"].iloc[0] == 450
    assert x["n_units"].iloc[0] == 9
    units = result.units[result.units["sector"] == "x"].set_index("region")
    assert units.loc["r33", "cluster"] == 0
    expected = _ord_getis_z(units["location_quotient"], graph)
    assert units["z"].to_numpy() == pytest.approx(expected[units.index].to_numpy(), rel=1e-9)
    assert units.loc["r33", "z"] == pytest.approx(5.712015, rel=1e-6)
    assert units.loc["r22", "z"] == pytest.approx(3.053332, rel=1e-6)
    assert units["cluster"].isna()["r21"]
    assert units.loc["r00", "location_quotient"] == pytest.approx((1 / 21) / share)
    assert result.clusters.query("sector == 'y'").empty  # y is spread evenly


def test_areal_row_standardised_gi_star_z_ignores_the_neighbourhood_s_size() -> None:
    # esda's analytical z of Gi* with row-standardised weights is (neighbourhood mean -
    # mean) / s: the block's centre, sides and corners, whose neighbourhoods hold 5, 4 and
    # 3 block cells, get 2.47, 1.90 and 1.32, and only the plus sign is significant at 5 %.
    table, graph = _grid()
    result = areal_micro_clusters(
        table, graph=graph, permutations=0, correction="none", transform="r"
    )
    assert result.transform == "r"
    members = result.members[result.members["sector"] == "x"]["region"].tolist()
    assert members == ["r23", "r32", "r33", "r34", "r43"]
    units = result.units[result.units["sector"] == "x"].set_index("region")
    lq = units["location_quotient"]
    for code, block_cells in (("r33", 5), ("r23", 4), ("r22", 3)):
        mean = (block_cells * lq["r33"] + (5 - block_cells) * lq["r00"]) / 5
        assert units.loc[code, "z"] == pytest.approx((mean - lq.mean()) / lq.std(ddof=0))
    assert units.loc["r33", "z"] == pytest.approx(2.472066, rel=1e-6)


@pytest.mark.parametrize(
    ("statistic", "function"), [("gi_star", getis_ord), ("local_moran", local_moran)]
)
def test_areal_default_weights_are_the_statistic_s_own(statistic: str, function: Any) -> None:
    default = inspect.signature(function).parameters["transform"].default
    assert DEFAULT_TRANSFORMS[statistic] == default
    assert DEFAULT_TRANSFORMS == {"gi_star": "b", "local_moran": "r"}
    table, graph = _grid()
    result = areal_micro_clusters(
        table, graph=graph, permutations=0, correction="none", statistic=statistic
    )
    assert result.transform == default
    # the same z as the statistic called with its own default, on the same LQs
    units = result.units[result.units["sector"] == "x"]
    options: dict[str, Any] = {"kind": "gi_star"} if function is getis_ord else {}
    alone = function(
        units[["region", "location_quotient"]],
        value="location_quotient",
        graph=graph,
        permutations=0,
        correction="none",
        **options,
    )
    for column in ("statistic", "z"):
        assert units[column].to_numpy() == pytest.approx(alone[column].to_numpy(), rel=1e-12)
    # and the other weights give another statistic (a test that can fail)
    other = "r" if default == "b" else "b"
    changed = areal_micro_clusters(
        table,
        graph=graph,
        permutations=0,
        correction="none",
        statistic=statistic,
        transform=other,
    )
    assert changed.units["statistic"].to_numpy() != pytest.approx(
        result.units["statistic"].to_numpy()
    )


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
    from grappes.data import communes_graph, morocco

    table = morocco.establishments(level="commune")
    graph = communes_graph.contiguity_graph()
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
