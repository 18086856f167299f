"""Areal micro-clusters: contiguous groups of units that are hot spots of a sector's LQ.

Where establishments are known only as counts per unit (communes), :func:`areal_micro_clusters`
finds the units that are significant hot spots of a sector's location quotient (Getis–Ord Gi*
or local Moran, with a multiple-testing correction) and joins contiguous hot-spot units into
clusters. Its twin for geocoded points is :func:`grappes.spatial.micro_clusters.micro_clusters`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

import networkx as nx
import numpy as np
import pandas as pd

from grappes.errors import InvalidInputError, MissingColumnsError, check_choice
from grappes.spatial.hotspots import (
    GraphLike,
    Islands,
    SeedLike,
    Transform,
    _check_options,
    _esda_seed,
    getis_ord,
    graph_neighbours,
    local_moran,
)
from grappes.spatial.multiple_testing import Correction

#: Each statistic's own default weights, used when ``transform`` is not given: binary for
#: Gi* (:func:`getis_ord`, Ord & Getis 1995), row-standardised for local Moran
#: (:func:`local_moran`, Anselin 1995). A test checks they are those functions' defaults.
DEFAULT_TRANSFORMS: Final[dict[str, Transform]] = {"gi_star": "b", "local_moran": "r"}


@dataclass(frozen=True)
class AreaMicroClusters:
    """Contiguous groups of hot-spot units found by :func:`areal_micro_clusters`.

    Attributes
    ----------
    clusters
        One row per sector x cluster: ``sector``, ``cluster`` (0 for the sector's largest by
        establishments), ``n_units``, ``establishments`` (the sector's, summed over the
        units), ``total_establishments`` (all sectors) and ``location_quotient`` (pooled over
        the units); sorted by sector, then establishments, largest first.
    members
        One row per unit of a cluster: ``sector``, ``cluster`` and the region code.
    units
        One row per sector x unit analysed: ``sector``, the region code, ``location_quotient``,
        the local statistic's ``statistic``, ``z``, ``p_value``, ``p_adjusted``,
        ``significant``, ``label`` and ``cluster`` (nullable integer, missing outside
        clusters).
    transform
        The weights the local statistic used: ``"b"`` (binary) or ``"r"``
        (row-standardised).
    """

    clusters: pd.DataFrame
    members: pd.DataFrame
    units: pd.DataFrame
    transform: Transform


def areal_micro_clusters(
    table: pd.DataFrame,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "establishments",
    graph: GraphLike,
    permutations: int = 999,
    seed: SeedLike = None,
    alpha: float = 0.05,
    correction: Correction = "fdr",
    statistic: Literal["gi_star", "local_moran"] = "gi_star",
    transform: Transform | None = None,
    islands: Islands = "raise",
    on_zero_total: Literal["raise", "drop"] = "raise",
    min_location_quotient: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
) -> AreaMicroClusters:
    """Return, per sector, the contiguous groups of units that are hot spots of its LQ.

    Parameters
    ----------
    table
        Long pandas table, one row per region x sector: codes and a count (establishments,
        employment). A region x sector pair with no row counts as zero. For several years,
        pass one year at a time.
    region, sector, value
        Names of the region code, sector code and value (finite, non-negative) columns.
    graph
        Contiguity of the regions (a ``networkx.Graph``, a libpysal ``W`` or ``Graph``, or an
        edge list ``code_a``, ``code_b``); used as undirected.
    permutations, seed, alpha, correction
        As in :func:`getis_ord` and :func:`local_moran`. An int seed (or one int drawn from a
        Generator) seeds every sector's permutations alike, so that a sector's result does
        not depend on the other sectors of the table.
    statistic
        ``"gi_star"`` (default): hot spots are units with a significant positive Gi*
        z-score; ``"local_moran"``: significant high-high units.
    transform
        The weights: ``"b"`` (binary) or ``"r"`` (row-standardised). ``None`` (default)
        takes the statistic's own default (:data:`DEFAULT_TRANSFORMS`): binary for Gi*, as
        Ord & Getis (1995) define it and as :func:`getis_ord` does, row-standardised for
        local Moran, as :func:`local_moran` does.
    islands
        Units with no neighbour (after ``on_zero_total`` dropped some): ``"raise"`` or
        ``"drop"`` them.
    on_zero_total
        Units whose total over all sectors is zero have no LQ: ``"raise"`` (default) or
        ``"drop"`` them (they then break contiguity: neighbours across them are no longer
        joined).
    min_location_quotient
        A hot-spot unit joins a cluster only if its own LQ is at least this (1 by default:
        the unit is itself specialised). Gi* flags a unit whose *neighbourhood* is
        specialised, so a unit with no establishment of the sector can be a hot spot next to
        specialised ones; pass 0 to keep every hot spot.
    progress
        Called as ``progress(done, total)`` after each sector.

    Returns
    -------
    AreaMicroClusters
        ``clusters``, ``members``, ``units`` and the ``transform`` used (see
        :class:`AreaMicroClusters`).

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, duplicate region x sector rows, negative or non-finite values,
        a sector with a zero total, a unit with a zero total under ``on_zero_total="raise"``,
        a graph that does not match the regions, islands under ``islands="raise"``, or an
        invalid option.

    Notes
    -----
    For sector :math:`s`, the location quotient of unit :math:`r` is
    :math:`LQ_{rs} = (E_{rs}/E_r)/(E_s/E)` (Isard 1960); the local statistic (Ord & Getis
    1995 or Anselin 1995) is computed on the LQs of all units, its pseudo p-values corrected
    across units (Benjamini & Hochberg 1995 by default), and the hot-spot units whose own
    LQ is at least ``min_location_quotient`` are grouped into the connected
    components of the graph restricted to them. A cluster's pooled LQ is

    .. math:: LQ_c = \\frac{\\sum_{r \\in c} E_{rs} / \\sum_{r \\in c} E_r}{E_s / E}

    LQs of units with few establishments are noisy; Gi* on LQs smooths them with their
    neighbours but a very small unit next to a specialised one can still be carried along.

    Gi*'s weights are binary by default: Ord & Getis' z-score of Gi* is unchanged when a row
    of weights is scaled, so row-standardising cannot change it, but esda's analytical z
    with row-standardised weights treats every neighbourhood as one unit of weight and
    ignores its size (see :func:`getis_ord`). The permutation p-values of a unit compare
    statistics scaled by the same constant, so they, and the hot spots, are the same
    with either weights, up to ties broken by rounding.

    Examples
    --------
    >>> import pandas as pd
    >>> regions = [f"r{i:02d}" for i in range(12)]
    >>> x = [20, 20, 20, 20] + [1] * 8
    >>> t = pd.DataFrame([{"region": r, "sector": s, "establishments": x[i] if s == "x" else 10}
    ...                   for s in ("x", "y") for i, r in enumerate(regions)])
    >>> edges = pd.DataFrame({"code_a": regions[:-1], "code_b": regions[1:]})
    >>> res = areal_micro_clusters(t, graph=edges, permutations=0, correction="none", alpha=0.1)
    >>> res.members[res.members.sector == "x"]["region"].tolist()
    ['r00', 'r01', 'r02', 'r03']
    """
    who = "areal_micro_clusters"
    check_choice(who, "statistic", statistic, ("gi_star", "local_moran"))
    if transform is None:
        transform = DEFAULT_TRANSFORMS[statistic]
    _check_options(who, permutations, alpha, correction, transform, islands)
    check_choice(who, "on_zero_total", on_zero_total, ("raise", "drop"))
    if (
        isinstance(min_location_quotient, bool)
        or not isinstance(min_location_quotient, int | float | np.integer | np.floating)
        or not 0 <= float(min_location_quotient) < np.inf
    ):
        raise InvalidInputError(
            f"{who}: min_location_quotient must be a finite number >= 0; "
            f"got {min_location_quotient!r}"
        )
    esda_seed = _esda_seed(who, seed)
    wide = _check_long(who, table, region=region, sector=sector, value=value)
    neighbours = graph_neighbours(graph, list(wide.index), who=who)
    totals = wide.sum(axis=1)
    empty = totals.index[totals.to_numpy() == 0]
    if len(empty):
        if on_zero_total == "raise":
            raise InvalidInputError(
                f"{who}: every region needs a positive total of {value!r}; got 0 for "
                f"{len(empty)} regions (first: {region}={empty[0]!r}). Pass "
                "on_zero_total='drop' to leave them out."
            )
        wide = wide.drop(index=empty)
        totals = totals.drop(index=empty)
    kept = set(wide.index)
    graph_kept = nx.Graph()
    graph_kept.add_nodes_from(wide.index)
    graph_kept.add_edges_from((a, b) for a in wide.index for b in neighbours[a] if b in kept)
    edges = pd.DataFrame(list(graph_kept.edges), columns=["code_a", "code_b"], dtype="str")
    sector_totals = wide.sum(axis=0)
    grand_total = float(totals.sum())
    cluster_rows: list[dict[str, object]] = []
    member_rows: list[dict[str, object]] = []
    unit_tables: list[pd.DataFrame] = []
    sectors = list(wide.columns)
    for done, s in enumerate(sectors, start=1):
        share = float(sector_totals[s]) / grand_total
        lq = (wide[s] / totals) / share
        units_in = pd.DataFrame({region: wide.index, "location_quotient": lq.to_numpy()})
        if statistic == "gi_star":
            local = getis_ord(
                units_in,
                region=region,
                value="location_quotient",
                graph=edges,
                kind="gi_star",
                permutations=permutations,
                seed=esda_seed,
                alpha=alpha,
                correction=correction,
                transform=transform,
                islands=islands,
            )
        else:
            local = local_moran(
                units_in,
                region=region,
                value="location_quotient",
                graph=edges,
                permutations=permutations,
                seed=esda_seed,
                alpha=alpha,
                correction=correction,
                transform=transform,
                islands=islands,
            )
            local = local.drop(columns="quadrant")
        is_core = (local["label"] == "hot_spot").to_numpy() & (
            local[region].map(lq).to_numpy(dtype=np.float64) >= min_location_quotient
        )
        hot = local.loc[is_core, region].tolist()
        groups = _components(graph_kept.subgraph(hot))
        found = []
        for group in groups:
            e_s = float(wide.loc[group, s].sum())
            e = float(totals.loc[group].sum())
            found.append((group, e_s, e))
        # rank by the sector's establishments, ties by the first code: stable, order-free
        found.sort(key=lambda item: (-item[1], item[0][0]))
        cluster_of: dict[str, int] = {}
        for c, (group, e_s, e) in enumerate(found):
            cluster_rows.append(
                {
                    "sector": s,
                    "cluster": c,
                    "n_units": len(group),
                    "establishments": e_s,
                    "total_establishments": e,
                    "location_quotient": (e_s / e) / share,
                }
            )
            for code in group:
                member_rows.append({"sector": s, "cluster": c, region: code})
                cluster_of[code] = c
        local = local.merge(units_in, on=region, how="left", validate="one_to_one")
        local.insert(0, "sector", s)
        local["cluster"] = pd.array([cluster_of.get(code) for code in local[region]], dtype="Int64")
        unit_tables.append(local)
        if progress is not None:
            progress(done, len(sectors))
    clusters = pd.DataFrame(
        cluster_rows,
        columns=[
            "sector",
            "cluster",
            "n_units",
            "establishments",
            "total_establishments",
            "location_quotient",
        ],
    ).astype({"sector": "str", "cluster": "int64", "n_units": "int64"})
    members = pd.DataFrame(member_rows, columns=["sector", "cluster", region]).astype(
        {"sector": "str", "cluster": "int64", region: "str"}
    )
    members = members.sort_values(["sector", "cluster", region], ignore_index=True)
    unit_columns = [
        "sector",
        region,
        "location_quotient",
        "statistic",
        "z",
        "p_value",
        "p_adjusted",
        "significant",
        "label",
        "cluster",
    ]
    units = pd.concat(unit_tables, ignore_index=True)[unit_columns]
    return AreaMicroClusters(clusters=clusters, members=members, units=units, transform=transform)


def _check_long(who: str, table: object, *, region: str, sector: str, value: str) -> pd.DataFrame:
    """The table as a region x sector matrix of floats (absent pairs are zero)."""
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(
            f"{who}: table must be a pandas DataFrame (convert an Ibis table with "
            f".to_pandas()); got {type(table).__name__}"
        )
    missing = [c for c in (region, sector, value) if c not in table.columns]
    if missing:
        raise MissingColumnsError(
            f"{who}: table lacks column(s) {missing}; got columns {list(table.columns)}"
        )
    for name in (region, sector):
        col = table[name]
        not_string = ~col.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        if not_string.any():
            raise InvalidInputError(
                f"{who}: column {name!r} must hold string codes; got "
                f"{col[not_string].iloc[0]!r} in {int(not_string.sum())} rows"
            )
    duplicated = table.duplicated([region, sector])
    if duplicated.any():
        first = table.loc[duplicated].iloc[0]
        raise InvalidInputError(
            f"{who}: table must have one row per region x sector; got "
            f"{int(duplicated.sum())} duplicates (first: {region}={first[region]!r}, "
            f"{sector}={first[sector]!r}); filter one year first"
        )
    col = table[value]
    if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        raise InvalidInputError(f"{who}: column {value!r} must be numeric; got {col.dtype}")
    values = col.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        first = table.loc[bad].iloc[0]
        raise InvalidInputError(
            f"{who}: column {value!r} must be finite and non-negative; got "
            f"{float(values[bad][0])!r} in {int(bad.sum())} rows "
            f"(first: {region}={first[region]!r}, {sector}={first[sector]!r})"
        )
    wide = (
        pd.DataFrame({"r": table[region].astype(str), "s": table[sector].astype(str), "v": values})
        .pivot(index="r", columns="s", values="v")
        .sort_index(axis=0)
        .sort_index(axis=1)
    )
    wide = wide.where(wide.notna(), 0.0)  # a pair with no row has no establishment
    zero = wide.columns[wide.sum(axis=0).to_numpy() == 0]
    if len(zero):
        raise InvalidInputError(
            f"{who}: every sector needs a positive total of {value!r}; got 0 for "
            f"{sector}={zero[0]!r}"
        )
    wide.index.name = None
    wide.columns.name = None
    return wide


def _components(graph: nx.Graph) -> list[list[str]]:
    return [sorted(component) for component in nx.connected_components(graph)]
