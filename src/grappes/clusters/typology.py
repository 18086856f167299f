"""Cluster typology: knowledge-driven or industrial, after Japan's two cluster programmes.

Japan labelled 18 "knowledge clusters" (ministry of education and science: cooperative
research between universities, research institutes and firms) and 19 "industrial clusters"
(ministry of economy, trade and industry: business, start-ups, management). A cluster is
classed here by two measures: how much of its membership stands in the research and training
pillars, and how much of its employment is in knowledge-intensive activities.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import ibis
import numpy as np
import pandas as pd

from grappes.engine import execute
from grappes.errors import InvalidInputError, MissingColumnsError
from grappes.indicators.inputs import TableLike, describe_row, prepare
from grappes.tables import ACTOR_KINDS, ACTOR_PILLARS

__all__ = [
    "HIGH_TECH_MANUFACTURING",
    "KNOWLEDGE_INTENSIVE_SERVICES",
    "KNOWLEDGE_MIN",
    "KNOWLEDGE_SECTORS",
    "RESEARCH_KINDS",
    "RESEARCH_MIN",
    "TYPES",
    "typology",
]


def _divisions(*spans: tuple[int, int]) -> tuple[str, ...]:
    return tuple(f"{d:02d}" for low, high in spans for d in range(low, high + 1))


#: Eurostat's high-technology manufacturing, NACE Rev.2 divisions: pharmaceuticals (21);
#: computer, electronic and optical products (26). Eurostat, "High-tech industry and
#: knowledge-intensive services" (htec) metadata, annex 3.
HIGH_TECH_MANUFACTURING: tuple[str, ...] = _divisions((21, 21), (26, 26))
#: Eurostat's knowledge-intensive services (KIS) aggregate, NACE Rev.2 divisions 50-51,
#: 58-63, 64-66, 69-75, 78, 80 and 84-93 (same source).
KNOWLEDGE_INTENSIVE_SERVICES: tuple[str, ...] = _divisions(
    (50, 51), (58, 63), (64, 66), (69, 75), (78, 78), (80, 80), (84, 93)
)
#: Default knowledge-intensive sectors: high-tech manufacturing and KIS. NACE Rev.2 and
#: ISIC Rev.4 share their divisions, so the codes serve both.
KNOWLEDGE_SECTORS: tuple[str, ...] = HIGH_TECH_MANUFACTURING + KNOWLEDGE_INTENSIVE_SERVICES
#: Kinds of actor in the research or training pillar (:data:`grappes.tables.ACTOR_PILLARS`):
#: research bodies, universities, training centres.
RESEARCH_KINDS: tuple[str, ...] = tuple(
    kind for kind in ACTOR_KINDS if {"research", "training"} & set(ACTOR_PILLARS[kind])
)
#: Smallest research-and-training share of a knowledge cluster's actors (Grappes' choice).
RESEARCH_MIN = 0.25
#: Smallest knowledge-intensive share of a knowledge cluster's employment (Grappes' choice).
KNOWLEDGE_MIN = 0.5
#: The types, in the order of the docs.
TYPES: tuple[str, ...] = ("knowledge", "industrial", "mixed")


def typology(
    table: TableLike,
    *,
    cluster: str = "cluster",
    sector: str = "sector",
    employment: str = "employment",
    actors: TableLike | None = None,
    knowledge_sectors: Sequence[str] = KNOWLEDGE_SECTORS,
    research_min: float = RESEARCH_MIN,
    knowledge_min: float = KNOWLEDGE_MIN,
) -> TableLike:
    """Return each cluster's research share, knowledge share and type.

    Parameters
    ----------
    table
        Employment of each cluster by sector: one row per cluster x sector, pandas or Ibis.
    cluster, sector, employment
        Names of the cluster identifier, sector code and employment columns.
    actors
        Optional actors table (:data:`grappes.tables.ACTORS`): columns ``cluster`` (the
        cluster each actor belongs to, same codes as ``table``) and ``kind`` (one of
        :data:`grappes.tables.ACTOR_KINDS`). Every actor needs a cluster, and every cluster
        of ``table`` at least one actor. ``None`` (default): the type is read from
        employment alone.
    knowledge_sectors
        Codes of the knowledge-intensive sectors. A sector of ``table`` counts when its code
        begins with one of them, so ``"2110"`` counts under ``"21"``. Default
        :data:`KNOWLEDGE_SECTORS` (Eurostat's high-tech manufacturing and KIS, 2-digit NACE
        Rev.2 / ISIC Rev.4 divisions). Numeric codes need numeric sector codes at least as
        long as the longest of them (a section letter or an HCP group cannot be placed).
    research_min, knowledge_min
        Smallest research share and knowledge share that count as high, in [0, 1].
        Defaults 0.25 and 0.5 (Grappes' choices, see Notes).

    Returns
    -------
    pandas.DataFrame or ibis.Table
        One row per cluster, sorted by it: ``cluster``, ``employment`` (total),
        ``knowledge_employment``, ``knowledge_share``, ``actors`` and ``research_actors``
        (Int64, missing without ``actors``), ``research_share`` (NaN without ``actors``)
        and ``type`` (one of :data:`TYPES`). Ibis in: computed eagerly in pandas on the
        collected table and returned as ``ibis.memtable``.

    Raises
    ------
    MissingColumnsError
        When a named column is absent from ``table`` or ``actors``.
    InvalidInputError
        For non-string codes; missing, non-finite or negative employment; duplicate keys; a
        cluster with no employment; sector codes that ``knowledge_sectors`` cannot place;
        empty or non-string ``knowledge_sectors``; thresholds outside [0, 1]; or actors
        with an unknown kind, without a cluster, of a cluster not in ``table``, or no actor
        for a cluster of ``table``.

    Notes
    -----
    .. math:: \\text{research share}_c = \\frac{\\#\\{a \\in c : \\text{kind}(a) \\in
              \\{\\text{research, university, training}\\}\\}}{\\#\\{a \\in c\\}}, \\qquad
              \\text{knowledge share}_c = \\frac{\\sum_{s \\in K} E_{cs}}{\\sum_s E_{cs}}

    With actors: *knowledge* when both shares reach their minimum, *industrial* when
    neither does, *mixed* otherwise. Without actors: *knowledge* when the knowledge share
    reaches ``knowledge_min``, otherwise *industrial* (never *mixed*).

    The distinction is Japan's (MEXT's Knowledge Cluster Initiative and METI's Industrial
    Cluster Project, both from 2001–2002), as the paper in ``seed/`` describes it:
    knowledge clusters are built around universities and research institutes, industrial
    clusters around firms. Neither programme published a numeric rule: the thresholds
    are Grappes' choices (a quarter of the actors in research or training; a majority of
    employment in knowledge-intensive activities), to be set by the user. The sector list
    is Eurostat's (htec metadata, annex 3: "high-technology manufacturing" and
    "knowledge-intensive services").

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"cluster": ["bio", "bio", "auto", "auto"],
    ...                   "sector": ["21", "72", "29", "46"],
    ...                   "employment": [300.0, 100.0, 900.0, 100.0]})
    >>> typology(t)[["cluster", "knowledge_share", "type"]].values.tolist()
    [['auto', 0.0, 'industrial'], ['bio', 1.0, 'knowledge']]
    """
    who = "typology"
    _check_thresholds(who, research_min=research_min, knowledge_min=knowledge_min)
    codes = _check_knowledge_sectors(who, knowledge_sectors)
    if cluster == sector or employment in (cluster, sector):
        raise InvalidInputError(
            f"{who}: cluster, sector and employment must name different columns; got "
            f"{cluster!r}, {sector!r}, {employment!r}"
        )
    prepared = prepare(table, who=who, codes=(cluster, sector), values=(employment,))
    frame = table.copy() if isinstance(table, pd.DataFrame) else execute(prepared.table)
    _check_sector_codes(who, frame, sector=sector, cluster=cluster, codes=codes)
    amount = frame[employment].astype("float64")
    knowledge = frame[sector].map(lambda code: code.startswith(codes))
    grouping = frame[cluster]
    totals = amount.groupby(grouping).sum()
    zero = totals[totals == 0]
    if len(zero):
        raise InvalidInputError(
            f"{who}: every cluster needs employment; cluster {zero.index[0]!r} has a total "
            "of 0, so its knowledge share is undefined. Drop it"
        )
    result = pd.DataFrame(
        {
            "cluster": totals.index.astype("str"),
            "employment": totals.to_numpy(),
            "knowledge_employment": amount.where(knowledge, 0.0)
            .groupby(grouping)
            .sum()
            .reindex(totals.index)
            .to_numpy(),
        }
    )
    result["knowledge_share"] = result["knowledge_employment"] / result["employment"]
    knowledge_high = result["knowledge_share"].to_numpy() >= knowledge_min
    if actors is None:
        result["actors"] = pd.array([pd.NA] * len(result), dtype="Int64")
        result["research_actors"] = pd.array([pd.NA] * len(result), dtype="Int64")
        result["research_share"] = np.nan
        kind = np.where(knowledge_high, "knowledge", "industrial")
    else:
        counts = _actor_counts(actors, who=who, clusters=result["cluster"])
        result["actors"] = pd.array(counts["actors"].to_numpy(), dtype="Int64")
        result["research_actors"] = pd.array(counts["research"].to_numpy(), dtype="Int64")
        result["research_share"] = counts["research"].to_numpy() / counts["actors"].to_numpy()
        research_high = result["research_share"].to_numpy() >= research_min
        kind = np.where(
            knowledge_high & research_high,
            "knowledge",
            np.where(~knowledge_high & ~research_high, "industrial", "mixed"),
        )
    result["type"] = pd.Series(kind, index=result.index, dtype="str")
    result = result.sort_values("cluster", kind="stable").reset_index(drop=True)
    if prepared.kind == "ibis":
        return ibis.memtable(result)
    return result


def _check_thresholds(who: str, *, research_min: float, knowledge_min: float) -> None:
    for name, value in (("research_min", research_min), ("knowledge_min", knowledge_min)):
        if not (isinstance(value, int | float) and math.isfinite(value) and 0 <= value <= 1):
            raise InvalidInputError(f"{who}: {name} must be a share in [0, 1]; got {value!r}")


def _check_knowledge_sectors(who: str, knowledge_sectors: Sequence[str]) -> tuple[str, ...]:
    if isinstance(knowledge_sectors, str):
        raise InvalidInputError(
            f"{who}: knowledge_sectors must be a list of codes; got the string "
            f"{knowledge_sectors!r} (write [{knowledge_sectors!r}])"
        )
    codes = tuple(knowledge_sectors)
    if not codes or not all(isinstance(c, str) and c for c in codes):
        raise InvalidInputError(
            f"{who}: knowledge_sectors must be a non-empty list of non-empty string codes; "
            f"got {knowledge_sectors!r}"
        )
    return codes


def _check_sector_codes(
    who: str, frame: pd.DataFrame, *, sector: str, cluster: str, codes: tuple[str, ...]
) -> None:
    if not all(c.isdigit() for c in codes):
        return
    width = max(len(c) for c in codes)
    unplaceable = ~frame[sector].map(lambda s: s.isdigit() and len(s) >= width)
    if unplaceable.any():
        first = frame.loc[unplaceable].iloc[0]
        raise InvalidInputError(
            f"{who}: sector codes must be numeric with at least {width} digits (ISIC Rev.4 / "
            f"NACE Rev.2 divisions or finer) to be matched with knowledge_sectors; got "
            f"{int(unplaceable.sum())} that cannot be placed (first: "
            f"{describe_row(first, [cluster, sector])}). Pass knowledge_sectors in your own "
            "codes"
        )


def _actor_counts(actors: TableLike, *, who: str, clusters: pd.Series) -> pd.DataFrame:
    name = f"{who} (actors)"
    if isinstance(actors, pd.DataFrame):
        frame = actors
    elif isinstance(actors, ibis.expr.types.Table):
        frame = execute(actors)
    else:
        raise InvalidInputError(
            f"{name}: expected a pandas DataFrame or an Ibis table; got {type(actors).__name__}"
        )
    missing = [c for c in ("cluster", "kind") if c not in frame.columns]
    if missing:
        raise MissingColumnsError(
            f"{name}: missing column(s) {', '.join(map(repr, missing))}; the table has "
            f"{', '.join(map(repr, frame.columns))}"
        )
    unknown = ~frame["kind"].isin(ACTOR_KINDS)
    if unknown.any():
        raise InvalidInputError(
            f"{name}: column 'kind' must be one of {', '.join(ACTOR_KINDS)}; got "
            f"{frame.loc[unknown, 'kind'].iloc[0]!r} in {int(unknown.sum())} row(s)"
        )
    homeless = frame["cluster"].isna()
    if homeless.any():
        raise InvalidInputError(
            f"{name}: column 'cluster' has no value in {int(homeless.sum())} row(s); keep "
            "only the actors that belong to a cluster"
        )
    if not pd.api.types.is_string_dtype(frame["cluster"].dtype):
        raise InvalidInputError(
            f"{name}: column 'cluster' must hold codes as strings; got {frame['cluster'].dtype}"
        )
    known = set(clusters)
    stray = ~frame["cluster"].isin(known)
    if stray.any():
        raise InvalidInputError(
            f"{name}: cluster {frame.loc[stray, 'cluster'].iloc[0]!r} has actors but no "
            "employment in the table"
        )
    research = frame["kind"].isin(RESEARCH_KINDS).astype("int64")
    counts = pd.DataFrame(
        {
            "actors": research.groupby(frame["cluster"]).size(),
            "research": research.groupby(frame["cluster"]).sum(),
        }
    ).reindex(list(clusters))
    lacking = counts["actors"].isna()
    if lacking.any():
        raise InvalidInputError(
            f"{name}: cluster {counts.index[lacking.to_numpy()][0]!r} has no actor, so its "
            "research share is undefined; add its actors or pass actors=None"
        )
    return counts.astype("int64")
