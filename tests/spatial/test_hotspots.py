"""Local Moran and Getis–Ord: esda's reference values, labels, graph forms and errors.

Reference values: ``tests/reference/pysal/`` (libpysal example data, esda 2.9.0 results; see
its README). Most tests use ``permutations=0`` (normal approximation), which needs no numba
compilation; the permutation tests are marked slow because esda compiles its numba kernels
(about 40 s) on first use.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import esda
import libpysal
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from grappes.errors import InvalidInputError, MissingColumnsError
from grappes.spatial.hotspots import getis_ord, graph_neighbours, local_moran
from grappes.spatial.multiple_testing import benjamini_hochberg
from tests.conftest import ATOL, REFERENCE, RTOL

PYSAL = REFERENCE / "pysal"


def _expected() -> dict[str, Any]:
    return json.loads((PYSAL / "esda_expected.json").read_text(encoding="utf-8"))


def _gal(path: Path) -> pd.DataFrame:
    """A .gal file as an edge list (the format's own reading, not libpysal's)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    pairs: list[tuple[str, str]] = []
    i = 1
    while i < len(lines) and lines[i].strip():
        unit, _count = lines[i].split()
        pairs.extend((unit, other) for other in lines[i + 1].split())
        i += 2
    return pd.DataFrame(pairs, columns=["code_a", "code_b"])


def _desmith() -> pd.DataFrame:
    table = pd.read_csv(PYSAL / "desmith.txt", skiprows=1, dtype={"id": str})
    return table.rename(columns={"id": "region", "z": "value"})


def _stl() -> pd.DataFrame:
    table = pd.read_csv(PYSAL / "stl_hom.txt", skiprows=1, dtype={"FIPSNO": str})
    return table.rename(columns={"FIPSNO": "region", "HR8893": "value"})


def _stl_edges() -> pd.DataFrame:
    # stl.gal numbers the counties 1..78 in the order of stl_hom.txt
    edges = _gal(PYSAL / "stl.gal")
    codes = _stl()["region"].tolist()
    return edges.apply(lambda col: col.map(lambda k: codes[int(k) - 1]))


def _in_file_order(result: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    return result.set_index("region").loc[table["region"]].reset_index()


# --- reference values -------------------------------------------------------------------


def test_local_moran_matches_esda_on_de_smith() -> None:
    table = _desmith()
    expected = _expected()["moran_local_desmith_z_rowstd"]
    got = _in_file_order(
        local_moran(table, graph=_gal(PYSAL / "desmith.gal"), permutations=0), table
    )
    np.testing.assert_allclose(got["statistic"], expected["Is"], rtol=RTOL, atol=ATOL)
    names = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
    assert got["quadrant"].tolist() == [names[q] for q in expected["quadrant_q"]]


def test_local_moran_sums_to_global_moran_on_st_louis() -> None:
    # with row-standardised weights, sum(I_i) = (n - 1) I; esda's own test value of I
    table = _stl()
    got = local_moran(table, graph=_stl_edges(), permutations=0)
    expected = _expected()["moran_stl_HR8893_rowstd"]["esda_test_expects_I"]
    assert got["statistic"].sum() / (len(table) - 1) == pytest.approx(expected, rel=1e-12)


def test_gi_matches_esda_on_de_smith() -> None:
    table = _desmith()
    expected = _expected()["getis_ord_Gi_desmith_rowstd_nostar"]
    got = _in_file_order(
        getis_ord(
            table, graph=_gal(PYSAL / "desmith.gal"), kind="gi", transform="r", permutations=0
        ),
        table,
    )
    np.testing.assert_allclose(got["statistic"], expected["Gs"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got["z"], expected["Zs"], rtol=RTOL, atol=ATOL)


def test_gi_star_matches_esda_on_de_smith() -> None:
    table = _desmith()
    expected = _expected()["getis_ord_Gi_star_desmith_binary"]
    got = _in_file_order(
        getis_ord(
            table,
            graph=_gal(PYSAL / "desmith.gal"),
            kind="gi_star",
            transform="b",
            permutations=0,
        ),
        table,
    )
    np.testing.assert_allclose(got["statistic"], expected["Gs"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got["z"], expected["Zs"], rtol=RTOL, atol=ATOL)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:The alternative hypothesis:DeprecationWarning")
def test_permutation_p_values_are_esdas_for_the_same_seed() -> None:
    table = _desmith()
    codes = table["region"].tolist()
    w = libpysal.weights.W(
        graph_neighbours(_gal(PYSAL / "desmith.gal"), codes), id_order=codes, silence_warnings=True
    )
    y = table["value"].to_numpy()
    reference = esda.Moran_Local(y, w, transformation="r", permutations=99, seed=12345)
    # esda's own test (test_moran.py, SEED = 12345, 99 permutations) pins z_sim[0]
    assert reference.z_sim[0] == pytest.approx(-0.6990291160835514, rel=1e-12)
    got = _in_file_order(
        local_moran(table, graph=w, permutations=99, seed=12345, correction="none"), table
    )
    np.testing.assert_array_equal(got["p_value"], reference.p_sim)
    np.testing.assert_array_equal(got["p_adjusted"], reference.p_sim)
    again = _in_file_order(
        local_moran(table, graph=w, permutations=99, seed=12345, correction="none"), table
    )
    pd.testing.assert_frame_equal(got, again)
    g_ref = esda.G_Local(y, w, transform="R", permutations=99, seed=7, n_jobs=1)
    g_got = _in_file_order(
        getis_ord(
            table, graph=w, kind="gi", transform="r", permutations=99, seed=7, correction="none"
        ),
        table,
    )
    np.testing.assert_array_equal(g_got["p_value"], g_ref.p_sim)
    # a Generator seed is reproducible too
    first = getis_ord(table, graph=w, permutations=99, seed=np.random.default_rng(3))
    second = getis_ord(table, graph=w, permutations=99, seed=np.random.default_rng(3))
    pd.testing.assert_frame_equal(first, second)
    assert (first["p_value"] >= 0.01).all()  # the smallest pseudo p-value is 1 / (99 + 1)


# --- labels -----------------------------------------------------------------------------


def _line(values: list[float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = [f"u{i:02d}" for i in range(len(values))]
    table = pd.DataFrame({"region": codes, "value": values})
    edges = pd.DataFrame({"code_a": codes[:-1], "code_b": codes[1:]})
    return table, edges


def test_high_high_is_a_hot_spot_only_when_significant() -> None:
    table, edges = _line([10.0, 9.0, 9.5, 1.0, 1.2, 0.8, 1.1, 0.9, 1.0, 1.3])
    lenient = local_moran(table, graph=edges, permutations=0, correction="none", alpha=0.5)
    strict = local_moran(table, graph=edges, permutations=0, correction="none", alpha=1e-9)
    assert lenient.loc[0, "quadrant"] == "HH"
    assert lenient.loc[0, "label"] == "hot_spot"
    assert strict.loc[0, "quadrant"] == "HH"
    assert strict.loc[0, "label"] == "not_significant"
    assert not strict["significant"].any()


def test_moran_labels_follow_quadrants() -> None:
    table, edges = _line([10.0, 9.0, 9.5, 1.0, 8.0, 1.0, 1.1, 0.9, 1.0, 1.3])
    out = local_moran(table, graph=edges, permutations=0, correction="none", alpha=0.999)
    mapping = {
        "HH": "hot_spot",
        "LL": "cold_spot",
        "HL": "high_low_outlier",
        "LH": "low_high_outlier",
    }
    assert set(out["quadrant"]) == set(mapping)
    assert (out["label"] == out["quadrant"].map(mapping)).all()


def test_getis_ord_labels_follow_the_sign_of_z() -> None:
    table, edges = _line([10.0, 9.0, 9.5, 1.0, 1.2, 0.8, 1.1, 0.9, 1.0, 1.3])
    out = getis_ord(table, graph=edges, permutations=0, correction="none", alpha=0.2)
    assert (out.loc[out["label"] == "hot_spot", "z"] > 0).all()
    assert (out.loc[out["label"] == "cold_spot", "z"] < 0).all()
    assert out.loc[0, "label"] == "hot_spot"
    assert (out["significant"] == (out["label"] != "not_significant")).all()


def test_correction_is_applied() -> None:
    table, edges = _line([10.0, 9.0, 9.5, 1.0, 1.2, 0.8, 1.1, 0.9, 1.0, 1.3])
    none = getis_ord(table, graph=edges, permutations=0, correction="none")
    fdr = getis_ord(table, graph=edges, permutations=0, correction="fdr")
    bonf = getis_ord(table, graph=edges, permutations=0, correction="bonferroni")
    np.testing.assert_allclose(none["p_adjusted"], none["p_value"])
    np.testing.assert_allclose(fdr["p_adjusted"], benjamini_hochberg(fdr["p_value"]))
    assert fdr["p_adjusted"].gt(none["p_adjusted"]).any()
    np.testing.assert_allclose(bonf["p_adjusted"], np.minimum(bonf["p_value"] * 10, 1.0))


# --- graphs, order, islands -------------------------------------------------------------


def _graph_forms() -> list[Any]:
    edges = _gal(PYSAL / "desmith.gal")
    graph = nx.Graph()
    graph.add_nodes_from(_desmith()["region"])
    graph.add_edges_from(edges.itertuples(index=False))
    neighbours = graph_neighbours(edges, _desmith()["region"].tolist())
    w = libpysal.weights.W(neighbours, silence_warnings=True)
    lp_graph = libpysal.graph.Graph.from_W(w)
    # the same edges listed in both directions and in another order are the same graph
    doubled = pd.concat([edges, edges.rename(columns={"code_a": "code_b", "code_b": "code_a"})])
    return [edges, graph, w, lp_graph, doubled.iloc[::-1]]


@pytest.mark.parametrize("form", range(5), ids=["edges", "networkx", "W", "Graph", "doubled"])
def test_every_graph_form_gives_the_same_answer(form: int) -> None:
    table = _desmith()
    reference = local_moran(table, graph=_graph_forms()[0], permutations=0)
    got = local_moran(table, graph=_graph_forms()[form], permutations=0)
    pd.testing.assert_frame_equal(got, reference)


def test_row_order_does_not_matter() -> None:
    table = _stl()
    edges = _stl_edges()
    reference = getis_ord(table, graph=edges, permutations=0)
    shuffled = table.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(getis_ord(shuffled, graph=edges, permutations=0), reference)


def test_input_is_left_untouched() -> None:
    table = _desmith()
    before = table.copy()
    local_moran(table, graph=_gal(PYSAL / "desmith.gal"), permutations=0)
    pd.testing.assert_frame_equal(table, before)


def test_islands_raise_by_default_and_can_be_dropped() -> None:
    table, edges = _line([10.0, 9.0, 9.5, 1.0, 1.2, 0.8])
    table = pd.concat([table, pd.DataFrame({"region": ["alone"], "value": [3.0]})])
    with pytest.raises(InvalidInputError, match=r"got 1 without \(first: 'alone'\)"):
        local_moran(table, graph=edges, permutations=0)
    out = local_moran(table, graph=edges, permutations=0, islands="drop")
    assert "alone" not in set(out["region"])
    assert len(out) == 6


def test_networkx_isolate_is_an_island() -> None:
    table, edges = _line([10.0, 9.0, 9.5, 1.0, 1.2, 0.8])
    graph = nx.Graph(list(edges.itertuples(index=False)))
    graph.add_node("alone")
    table = pd.concat([table, pd.DataFrame({"region": ["alone"], "value": [3.0]})])
    with pytest.raises(InvalidInputError, match="at least one neighbour"):
        getis_ord(table, graph=graph, permutations=0)
    assert len(getis_ord(table, graph=graph, permutations=0, islands="drop")) == 6


def test_output_columns() -> None:
    table, edges = _line([10.0, 9.0, 9.5, 1.0, 1.2, 0.8])
    table = table.rename(columns={"region": "commune", "value": "lq"})
    moran = local_moran(table, region="commune", value="lq", graph=edges, permutations=0)
    assert moran.columns.tolist() == [
        "commune",
        "statistic",
        "z",
        "p_value",
        "p_adjusted",
        "quadrant",
        "significant",
        "label",
    ]
    gi = getis_ord(table, region="commune", value="lq", graph=edges, permutations=0)
    assert gi.columns.tolist() == [
        "commune",
        "statistic",
        "z",
        "p_value",
        "p_adjusted",
        "significant",
        "label",
    ]
    assert gi["significant"].dtype == bool


# --- errors -----------------------------------------------------------------------------


def _small() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _line([10.0, 9.0, 9.5, 1.0, 1.2, 0.8])


def test_missing_column() -> None:
    table, edges = _small()
    with pytest.raises(MissingColumnsError, match=r"lacks column\(s\) \['income'\]"):
        local_moran(table, value="income", graph=edges)


def test_edge_list_missing_column() -> None:
    table, edges = _small()
    with pytest.raises(MissingColumnsError, match="edge list lacks"):
        local_moran(table, graph=edges.rename(columns={"code_a": "a"}))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda t: t.assign(region=range(len(t))), "must hold string codes"),
        (lambda t: t.assign(region="u00"), "one row per unit"),
        (lambda t: t.assign(value=[1.0, np.nan, 1, 2, 3, 4]), "must be finite"),
        (lambda t: t.assign(value="x"), "must be numeric"),
        (lambda t: t.assign(value=2.0), "must vary"),
    ],
)
def test_bad_table(change: Any, match: str) -> None:
    table, edges = _small()
    with pytest.raises(InvalidInputError, match=match):
        local_moran(change(table), graph=edges, permutations=0)


def test_not_a_pandas_table() -> None:
    _, edges = _small()
    with pytest.raises(InvalidInputError, match="must be a pandas DataFrame"):
        getis_ord({"region": ["a"]}, graph=edges)  # type: ignore[arg-type]


def test_g_with_a_zero_total() -> None:
    table, edges = _line([1.0, -1.0, 2.0, -2.0, 0.5, -0.5])
    with pytest.raises(InvalidInputError, match="divides by the total"):
        getis_ord(table, graph=edges, permutations=0)


@pytest.mark.parametrize(
    ("graph", "match"),
    [
        (pd.DataFrame({"code_a": ["u00"], "code_b": ["zz"]}), "not in the table; got 'zz'"),
        (pd.DataFrame({"code_a": ["u00"], "code_b": ["u00"]}), "cannot neighbour itself"),
        (pd.DataFrame({"code_a": [1], "code_b": [2]}), "must hold string codes"),
        (nx.DiGraph([("u00", "u01")]), "must be undirected"),
        (nx.Graph([(0, 1)]), "ids must be string codes"),
        (nx.path_graph([f"u{i:02d}" for i in range(5)]), "1 units missing from the graph"),
        (nx.path_graph([f"u{i:02d}" for i in range(7)]), "1 graph ids not in the table"),
        ({"u00": ["u01"]}, "graph must be a networkx Graph"),
    ],
)
def test_bad_graph(graph: Any, match: str) -> None:
    table, _ = _small()
    with pytest.raises(InvalidInputError, match=match):
        local_moran(table, graph=graph, permutations=0)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"permutations": -1}, "permutations must be >= 0"),
        ({"permutations": 9.5}, "permutations must be an integer"),
        ({"alpha": 0.0}, r"alpha must be a number in \(0, 1\)"),
        ({"alpha": 1.5}, "alpha must be"),
        ({"correction": "holm"}, "correction must be one of"),
        ({"transform": "v"}, "transform must be one of"),
        ({"islands": "keep"}, "islands must be one of"),
        ({"seed": -1}, r"seed must be in \[0, 2\*\*32\)"),
        ({"seed": "0"}, "seed must be an int, a numpy Generator or None"),
    ],
)
def test_bad_options(options: dict[str, Any], match: str) -> None:
    table, edges = _small()
    with pytest.raises(InvalidInputError, match=match):
        local_moran(table, graph=edges, **options)


def test_bad_kind() -> None:
    table, edges = _small()
    with pytest.raises(InvalidInputError, match="kind must be 'gi' or 'gi_star'"):
        getis_ord(table, graph=edges, kind="g")  # type: ignore[arg-type]


def test_too_few_units() -> None:
    table, edges = _line([1.0, 2.0])
    with pytest.raises(InvalidInputError, match="at least 3 units"):
        local_moran(table, graph=edges, permutations=0)
