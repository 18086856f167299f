"""Local spatial statistics on areal data: local Moran (LISA) and Getis–Ord Gi / Gi*.

Both functions take a table with one row per unit (a commune, a province) and the
contiguity graph of the units, compute the statistic with esda (the PySAL reference
implementation), draw pseudo p-values from conditional permutations with a reproducible seed,
correct them for multiple testing and label every unit.

Graphs
------
``graph`` says which units neighbour which; it may be

- a ``networkx.Graph`` whose nodes are the region codes (edge attributes are ignored);
- a libpysal ``W`` or ``libpysal.graph.Graph`` whose ids are the region codes (only *who*
  neighbours whom is used: the weights come from ``transform``);
- a pandas edge list with columns ``code_a`` and ``code_b`` (as
  ``grappes.data.communes_graph.contiguity()`` returns and a CSV file holds), one row per pair;
  a pair listed in both directions, or twice, is the same edge. A unit of the table that
  appears in no pair has no neighbour.

A networkx graph or a libpysal weights object must cover exactly the units of the table;
an edge list must name only units of the table.

Islands
-------
A unit with no neighbour has no spatial lag: its local statistic means nothing. With
``islands="raise"`` (default) such a unit is an error; with ``islands="drop"`` it is left out
of the computation and of the output (and of the multiple-testing family), repeatedly if
leaving it out leaves another unit without a neighbour.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias

import esda
import libpysal
import networkx as nx
import numpy as np
import pandas as pd
from scipy import stats

from grappes.errors import InvalidInputError, MissingColumnsError, check_choice
from grappes.spatial.multiple_testing import Correction, adjust_p_values

#: What may be passed as ``graph``.
GraphLike: TypeAlias = nx.Graph | libpysal.weights.W | libpysal.graph.Graph | pd.DataFrame
#: What may be passed as ``seed``.
SeedLike: TypeAlias = int | np.integer | np.random.Generator | None
Islands = Literal["raise", "drop"]
Transform = Literal["r", "b"]

#: esda's names of the Moran scatterplot quadrants, 1 to 4.
QUADRANTS: dict[int, str] = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
#: The label of a significant unit in each quadrant.
MORAN_LABELS: dict[str, str] = {
    "HH": "hot_spot",
    "LL": "cold_spot",
    "HL": "high_low_outlier",
    "LH": "low_high_outlier",
}
NOT_SIGNIFICANT = "not_significant"

_EDGE_COLUMNS = ("code_a", "code_b")


def local_moran(
    table: pd.DataFrame,
    *,
    region: str = "region",
    value: str = "value",
    graph: GraphLike,
    permutations: int = 999,
    seed: SeedLike = None,
    alpha: float = 0.05,
    correction: Correction = "fdr",
    transform: Transform = "r",
    islands: Islands = "raise",
) -> pd.DataFrame:
    """Return the local Moran statistic of every unit with its quadrant and label (LISA).

    Parameters
    ----------
    table
        pandas table with one row per unit: a region code column and a value column.
    region, value
        Names of the region code (strings, unique) and value (finite numbers) columns.
    graph
        Contiguity of the units: a ``networkx.Graph``, a libpysal ``W`` or ``Graph``, or an
        edge list with columns ``code_a`` and ``code_b`` (see the module's notes).
    permutations
        Number of conditional permutations for the pseudo p-values (999 by default, so the
        smallest possible p-value is 0.001). ``0`` gives the normal approximation of ``z``
        instead: fast and deterministic, but poor for local Moran (Anselin 1995).
    seed
        Seed of the permutations: an int in [0, 2**32), a numpy ``Generator`` (one int is
        drawn from it) or ``None`` (fresh entropy). The same seed gives the same answer.
    alpha
        Level at which an adjusted p-value is significant (``p_adjusted <= alpha``).
    correction
        Multiple-testing correction across units: ``"fdr"`` (Benjamini–Hochberg, default),
        ``"bonferroni"`` or ``"none"``.
    transform
        ``"r"`` (default): row-standardised weights; ``"b"``: binary weights.
    islands
        Units without a neighbour: ``"raise"`` (default) or ``"drop"`` them.

    Returns
    -------
    pandas.DataFrame
        One row per unit, sorted by region: ``region`` (named as the ``region`` argument),
        ``statistic`` (I_i), ``z`` (standardised I_i under total randomisation, from esda's
        analytical ``EI`` and ``VI``), ``p_value`` (one-sided pseudo p-value from the
        permutations: (number at least as extreme + 1) / (permutations + 1)), ``p_adjusted``,
        ``quadrant`` (``HH``, ``LH``, ``LL``, ``HL``: the unit's value, then its spatial lag,
        above or below the mean), ``significant`` and ``label``: ``hot_spot`` (significant
        HH), ``cold_spot`` (LL), ``high_low_outlier`` (HL), ``low_high_outlier`` (LH) or
        ``not_significant``. A high-high unit is a hot spot only if it is significant.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For a table that is not pandas, non-string, missing or duplicate codes, non-finite
        values, a constant value, a graph that does not match the table's units, an island
        under ``islands="raise"``, fewer than three units, or an invalid option.

    Notes
    -----
    With :math:`z_i = (x_i - \\bar x)/s` (``s`` the population standard deviation) and
    weights :math:`w_{ij}`,

    .. math:: I_i = \\frac{(n - 1)\\, z_i \\sum_j w_{ij} z_j}{\\sum_k z_k^2}

    Anselin (1995), *Local indicators of spatial association — LISA*, Geographical Analysis
    27(2), 93–115; esda's ``Moran_Local`` (conditional randomisation, moments from Sokal,
    Oden & Thomson 1998). With row-standardised weights the I_i sum to :math:`(n - 1) I`,
    with I the global Moran's I. Pseudo p-values of neighbouring units are dependent, so the
    Benjamini–Hochberg FDR is an approximation here; Bonferroni is valid but conservative.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": list("abcdef"), "value": [9.0, 8, 7, 1, 2, 1]})
    >>> edges = pd.DataFrame({"code_a": list("abcde"), "code_b": list("bcdef")})
    >>> out = local_moran(t, graph=edges, permutations=99, seed=0)
    >>> out["quadrant"].tolist()
    ['HH', 'HH', 'HL', 'LL', 'LL', 'LL']
    """
    who = "local_moran"
    _check_options(who, permutations, alpha, correction, transform, islands)
    esda_seed = _esda_seed(who, seed)
    codes, y = _check_table(who, table, region, value)
    neighbours = _neighbours(who, graph, codes)
    codes, y, neighbours = _handle_islands(who, codes, y, neighbours, islands)
    if np.ptp(y) == 0:
        raise InvalidInputError(
            f"{who}: column {value!r} must vary across units; got the constant {float(y[0])!r}"
        )
    w = _weights(codes, neighbours, self_weight=False)
    with warnings.catch_warnings():
        _silence_esda()
        lisa = esda.Moran_Local(
            y,
            w,
            transformation=transform,
            permutations=permutations,
            n_jobs=1,
            keep_simulations=True,
            seed=esda_seed,
        )
    z = (lisa.Is - lisa.EI) / np.sqrt(lisa.VI)
    p_value = _p_value(lisa, z, permutations)
    p_adjusted = adjust_p_values(p_value, correction=correction)
    significant = p_adjusted <= alpha
    quadrant = np.array([QUADRANTS[int(q)] for q in lisa.q], dtype=object)
    label = np.array(
        [
            MORAN_LABELS[q] if s else NOT_SIGNIFICANT
            for q, s in zip(quadrant, significant, strict=True)
        ],
        dtype=object,
    )
    out = pd.DataFrame(
        {
            region: pd.array(codes, dtype="str"),
            "statistic": np.asarray(lisa.Is, dtype=np.float64),
            "z": z,
            "p_value": p_value,
            "p_adjusted": p_adjusted,
            "quadrant": pd.array(quadrant, dtype="str"),
            "significant": significant,
            "label": pd.array(label, dtype="str"),
        }
    )
    return out.sort_values(region, ignore_index=True)


def getis_ord(
    table: pd.DataFrame,
    *,
    region: str = "region",
    value: str = "value",
    graph: GraphLike,
    kind: Literal["gi", "gi_star"] = "gi_star",
    permutations: int = 999,
    seed: SeedLike = None,
    alpha: float = 0.05,
    correction: Correction = "fdr",
    transform: Transform = "b",
    islands: Islands = "raise",
) -> pd.DataFrame:
    """Return the Getis–Ord local statistic of every unit, with its hot- or cold-spot label.

    Parameters
    ----------
    table
        pandas table with one row per unit: a region code column and a value column.
    region, value
        Names of the region code (strings, unique) and value (finite numbers, meant to be
        non-negative: counts, rates, location quotients) columns.
    graph
        Contiguity of the units: a ``networkx.Graph``, a libpysal ``W`` or ``Graph``, or an
        edge list with columns ``code_a`` and ``code_b`` (see the module's notes).
    kind
        ``"gi_star"`` (default): the unit counts in its own neighbourhood (Ord & Getis 1995,
        self-weight 1 before ``transform``); ``"gi"``: it does not (Getis & Ord 1992).
    permutations
        Number of conditional permutations for the pseudo p-values (999 by default). ``0``
        gives the normal approximation of ``z`` instead (deterministic).
    seed
        Seed of the permutations: an int in [0, 2**32), a numpy ``Generator`` or ``None``.
    alpha
        Level at which an adjusted p-value is significant (``p_adjusted <= alpha``).
    correction
        ``"fdr"`` (Benjamini–Hochberg, default), ``"bonferroni"`` or ``"none"``.
    transform
        ``"b"`` (default): binary weights, as Ord & Getis (1995) define Gi* and as hot-spot
        tools (ArcGIS' Hot Spot Analysis) use it; ``"r"``: row-standardised weights, esda's
        ``G_Local`` default. With row-standardised weights the analytical z of Gi* loses its
        meaning at the edges of a map (a corner unit and a centre unit of the same block get
        the same z), so binary is the default here.
    islands
        Units without a neighbour: ``"raise"`` (default) or ``"drop"`` them.

    Returns
    -------
    pandas.DataFrame
        One row per unit, sorted by region: ``region`` (named as the ``region`` argument),
        ``statistic`` (G_i or G_i*), ``z`` (its analytical z-score, Ord & Getis 1995),
        ``p_value`` (one-sided pseudo p-value from the permutations), ``p_adjusted``,
        ``significant`` and ``label``: ``hot_spot`` (significant with z > 0), ``cold_spot``
        (significant with z < 0) or ``not_significant``.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For a table that is not pandas, non-string, missing or duplicate codes, non-finite
        values, values that sum to zero (G is a share of the total), a graph that does not
        match the table's units, an island under ``islands="raise"``, fewer than three units,
        or an invalid option.

    Notes
    -----
    .. math:: G_i = \\frac{\\sum_{j \\ne i} w_{ij} x_j}{\\sum_{j \\ne i} x_j}, \\qquad
              G_i^* = \\frac{\\sum_j w_{ij} x_j}{\\sum_j x_j}

    Getis & Ord (1992), Geographical Analysis 24(3), 189–206; Ord & Getis (1995),
    Geographical Analysis 27(4), 286–306; esda's ``G_Local``. G is defined for variables with
    a natural origin (non-negative); negative values are accepted, as in esda, but the
    ratio then loses its reading as a share.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": list("abcdef"), "value": [9.0, 8, 7, 1, 2, 1]})
    >>> edges = pd.DataFrame({"code_a": list("abcde"), "code_b": list("bcdef")})
    >>> out = getis_ord(t, graph=edges, permutations=99, seed=0)
    >>> (out["z"] > 0).tolist()
    [True, True, True, False, False, False]
    """
    who = "getis_ord"
    if kind not in ("gi", "gi_star"):
        raise InvalidInputError(f"{who}: kind must be 'gi' or 'gi_star'; got {kind!r}")
    _check_options(who, permutations, alpha, correction, transform, islands)
    esda_seed = _esda_seed(who, seed)
    codes, y = _check_table(who, table, region, value)
    neighbours = _neighbours(who, graph, codes)
    codes, y, neighbours = _handle_islands(who, codes, y, neighbours, islands)
    star = kind == "gi_star"
    total = float(y.sum())
    denominators = np.full(y.shape, total) if star else total - y
    if np.any(denominators == 0):
        first = codes[int(np.flatnonzero(denominators == 0)[0])]
        raise InvalidInputError(
            f"{who}: G divides by the total of {value!r} "
            f"{'' if star else 'outside each unit '}and it is 0 (first: {region}={first!r})"
        )
    w = _weights(codes, neighbours, self_weight=star)
    with warnings.catch_warnings():
        _silence_esda()
        g = esda.G_Local(
            y,
            w,
            transform=transform.upper(),
            permutations=permutations,
            star=star,
            keep_simulations=True,
            n_jobs=1,
            seed=esda_seed,
        )
    z = np.asarray(g.Zs, dtype=np.float64)
    p_value = _p_value(g, z, permutations)
    p_adjusted = adjust_p_values(p_value, correction=correction)
    significant = p_adjusted <= alpha
    label = np.full(z.shape, NOT_SIGNIFICANT, dtype=object)
    label[significant & (z > 0)] = "hot_spot"
    label[significant & (z < 0)] = "cold_spot"
    out = pd.DataFrame(
        {
            region: pd.array(codes, dtype="str"),
            "statistic": np.asarray(g.Gs, dtype=np.float64),
            "z": z,
            "p_value": p_value,
            "p_adjusted": p_adjusted,
            "significant": significant,
            "label": pd.array(label, dtype="str"),
        }
    )
    return out.sort_values(region, ignore_index=True)


def graph_neighbours(
    graph: GraphLike, codes: Sequence[str], *, who: str = "graph_neighbours"
) -> dict[str, list[str]]:
    """Return the neighbours of each code, checked against the codes of a table.

    The common reading of every ``graph`` form :func:`local_moran` accepts (see the module's
    notes); used by :mod:`grappes.spatial.areal_clusters` too.

    Parameters
    ----------
    graph
        A ``networkx.Graph``, a libpysal ``W`` or ``Graph``, or an edge list.
    codes
        The units' codes, unique strings.
    who
        Name of the calling function, for error messages.

    Returns
    -------
    dict
        Each code (in the order of ``codes``) to the sorted list of its neighbours.

    Raises
    ------
    InvalidInputError
        When the graph's ids are not strings, include a self-neighbour, or do not match
        ``codes``.

    Examples
    --------
    >>> import pandas as pd
    >>> graph_neighbours(pd.DataFrame({"code_a": ["a"], "code_b": ["b"]}), ["a", "b", "c"])
    {'a': ['b'], 'b': ['a'], 'c': []}
    """
    return _neighbours(who, graph, list(codes))


def _check_options(
    who: str,
    permutations: object,
    alpha: object,
    correction: object,
    transform: object,
    islands: object,
) -> None:
    if isinstance(permutations, bool) or not isinstance(permutations, int | np.integer):
        raise InvalidInputError(
            f"{who}: permutations must be an integer >= 0; got {permutations!r}"
        )
    if permutations < 0:
        raise InvalidInputError(f"{who}: permutations must be >= 0; got {permutations}")
    if (
        isinstance(alpha, bool)
        or not isinstance(alpha, int | float | np.floating)
        or not 0 < float(alpha) < 1
    ):
        raise InvalidInputError(f"{who}: alpha must be a number in (0, 1); got {alpha!r}")
    check_choice(who, "correction", correction, ("fdr", "bonferroni", "none"))
    check_choice(who, "transform", transform, ("r", "b"))
    check_choice(who, "islands", islands, ("raise", "drop"))


def _esda_seed(who: str, seed: object) -> int:
    """The int esda's numba permutations are seeded with (they take no Generator)."""
    if seed is None:
        return int(np.random.default_rng().integers(0, 2**32 - 1))
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**32 - 1))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InvalidInputError(
            f"{who}: seed must be an int, a numpy Generator or None; got {type(seed).__name__}"
        )
    if not 0 <= int(seed) < 2**32:
        raise InvalidInputError(f"{who}: an int seed must be in [0, 2**32); got {seed}")
    return int(seed)


def _check_table(who: str, table: object, region: str, value: str) -> tuple[list[str], np.ndarray]:
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(
            f"{who}: table must be a pandas DataFrame (convert an Ibis table with "
            f".to_pandas()); got {type(table).__name__}"
        )
    missing = [c for c in (region, value) if c not in table.columns]
    if missing:
        raise MissingColumnsError(
            f"{who}: table lacks column(s) {missing}; got columns {list(table.columns)}"
        )
    raw = table[region]
    not_string = ~raw.map(lambda c: isinstance(c, str)).to_numpy(dtype=bool)
    if not_string.any():
        first = raw[not_string].iloc[0]
        raise InvalidInputError(
            f"{who}: column {region!r} must hold string codes; got {first!r} "
            f"({type(first).__name__}) in {int(not_string.sum())} rows"
        )
    codes = [str(c) for c in raw]
    duplicated = raw.duplicated()
    if duplicated.any():
        raise InvalidInputError(
            f"{who}: table must have one row per unit; got {int(duplicated.sum())} duplicate "
            f"codes (first: {region}={raw[duplicated].iloc[0]!r})"
        )
    col = table[value]
    if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        raise InvalidInputError(f"{who}: column {value!r} must be numeric; got {col.dtype}")
    y = col.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(y)
    if bad.any():
        first = codes[int(np.flatnonzero(bad)[0])]
        raise InvalidInputError(
            f"{who}: column {value!r} must be finite; got NaN or infinity in "
            f"{int(bad.sum())} rows (first: {region}={first!r})"
        )
    return codes, y


def _neighbours(who: str, graph: object, codes: list[str]) -> dict[str, list[str]]:
    known = set(codes)
    if isinstance(graph, pd.DataFrame):
        return _from_edges(who, graph, codes, known)
    if isinstance(graph, nx.Graph):
        if graph.is_directed():
            raise InvalidInputError(
                f"{who}: a networkx graph must be undirected (contiguity is symmetric); "
                f"got a {type(graph).__name__}"
            )
        ids = list(graph.nodes)
        lists: Mapping[Any, Any] = {n: list(graph.neighbors(n)) for n in ids}
    elif isinstance(graph, libpysal.weights.W):
        ids = list(graph.id_order)
        lists = graph.neighbors
    elif isinstance(graph, libpysal.graph.Graph):
        ids = list(graph.unique_ids)
        lists = {k: list(v) for k, v in graph.neighbors.items()}
    else:
        raise InvalidInputError(
            f"{who}: graph must be a networkx Graph, a libpysal W or Graph, or a DataFrame "
            f"with columns {list(_EDGE_COLUMNS)}; got {type(graph).__name__}"
        )
    not_string = [i for i in ids if not isinstance(i, str)]
    if not_string:
        raise InvalidInputError(
            f"{who}: the graph's ids must be string codes like the table's; got "
            f"{not_string[0]!r} ({type(not_string[0]).__name__}) and "
            f"{len(not_string) - 1} more"
        )
    extra = sorted(set(ids) - known)
    absent = [c for c in codes if c not in set(ids)]
    if extra or absent:
        raise InvalidInputError(
            f"{who}: the graph must cover exactly the table's units; got "
            f"{len(absent)} units missing from the graph (first: {absent[:1]}) and "
            f"{len(extra)} graph ids not in the table (first: {extra[:1]}). Pass "
            "graph.subgraph(codes) or filter the table."
        )
    out: dict[str, list[str]] = {}
    for c in codes:
        nbrs = [str(n) for n in lists[c]]
        if c in nbrs:
            raise InvalidInputError(
                f"{who}: a unit cannot neighbour itself; got a self-loop at {c!r}"
            )
        out[c] = sorted(set(nbrs))
    return out


def _from_edges(
    who: str, edges: pd.DataFrame, codes: list[str], known: set[str]
) -> dict[str, list[str]]:
    missing = [c for c in _EDGE_COLUMNS if c not in edges.columns]
    if missing:
        raise MissingColumnsError(
            f"{who}: the edge list lacks column(s) {missing}; got columns {list(edges.columns)}"
        )
    out: dict[str, set[str]] = {c: set() for c in codes}
    for row, (a, b) in enumerate(zip(edges["code_a"], edges["code_b"], strict=True)):
        if not isinstance(a, str) or not isinstance(b, str):
            raise InvalidInputError(
                f"{who}: the edge list must hold string codes; got ({a!r}, {b!r}) at row {row}"
            )
        if a == b:
            raise InvalidInputError(
                f"{who}: a unit cannot neighbour itself; got the pair ({a!r}, {b!r}) at row {row}"
            )
        for c in (a, b):
            if c not in known:
                raise InvalidInputError(
                    f"{who}: the edge list names a unit that is not in the table; got {c!r} "
                    f"at row {row}"
                )
        out[a].add(b)
        out[b].add(a)
    return {c: sorted(v) for c, v in out.items()}


def _handle_islands(
    who: str,
    codes: list[str],
    y: np.ndarray,
    neighbours: dict[str, list[str]],
    islands: Islands,
) -> tuple[list[str], np.ndarray, dict[str, list[str]]]:
    keep = list(codes)
    while True:
        alone = [c for c in keep if not neighbours[c]]
        if not alone:
            break
        if islands == "raise":
            raise InvalidInputError(
                f"{who}: every unit needs at least one neighbour; got {len(alone)} without "
                f"(first: {alone[0]!r}). Pass islands='drop' to leave them out."
            )
        gone = set(alone)
        keep = [c for c in keep if c not in gone]
        neighbours = {c: [n for n in neighbours[c] if n not in gone] for c in keep}
    if len(keep) < 3:
        raise InvalidInputError(
            f"{who}: at least 3 units with neighbours are needed; got {len(keep)}"
        )
    position = {c: i for i, c in enumerate(codes)}
    kept_y = y[[position[c] for c in keep]]
    return keep, kept_y, {c: neighbours[c] for c in keep}


def _weights(
    codes: list[str], neighbours: dict[str, list[str]], *, self_weight: bool
) -> libpysal.weights.W:
    """A binary libpysal W in the table's order (a self-weight of 1 for Gi*)."""
    lists = {c: [*neighbours[c], c] if self_weight else list(neighbours[c]) for c in codes}
    weights = {c: [1.0] * len(v) for c, v in lists.items()}
    return libpysal.weights.W(lists, weights, id_order=list(codes), silence_warnings=True)


def _silence_esda() -> None:
    # esda 2.9 warns on every call that its default alternative will change, and
    # Moran_Local / G_Local give no way to choose it; the p-value we document is the current
    # one-sided ("directed") one.
    warnings.filterwarnings(
        "ignore",
        message="The alternative hypothesis for conditional randomization",
        category=DeprecationWarning,
    )


def _p_value(fitted: Any, z: np.ndarray, permutations: int) -> np.ndarray:
    if permutations == 0:
        return np.asarray(stats.norm.sf(np.abs(z)), dtype=np.float64)
    return np.asarray(fitted.p_sim, dtype=np.float64)
