"""Micro-clusters of communes in the observatory: computed when data is loaded, then queried.

A micro-cluster is a group of touching communes that are significant hot spots of a
sector's location quotient of establishments (:func:`grappes.spatial.areal_clusters.
areal_micro_clusters`). Finding them needs the contiguity of the units, which Grappes
bundles for Morocco's census communes only (``grappes.data.communes_graph``), so
:func:`compute_micro_clusters` runs on the bundled commune dataset
(``hcp-2024-establishments-commune``) and on no other.

The parameters are those of the cluster report (``grappes map --demo``,
``grappes.reports.identification.identify_morocco``), so that the portal and the report show
the same micro-clusters: Getis–Ord Gi* with binary contiguity weights, the commune itself
included (a weight of 1 for the commune and for each commune sharing a border with it, as
Ord & Getis 1995 define Gi*), 9,999 conditional permutations with seed 0,
Benjamini–Hochberg false discovery rate of 5 % across communes, hot-spot communes kept when
their own LQ is at least 1, communes with no establishment and those left with no neighbour
dropped. They are stored with the results (:class:`~grappes.store.models.MicroClusterRun`,
``transform`` saying which weights were used), and a test checks they equal the report's.

:func:`region_micro_clusters` and :func:`sector_micro_clusters` are the named queries the
region and sector profiles ask.

The micro-clusters of the bundled communes are computed once, by
``tools/make_micro_clusters.py``, and shipped with the package
(``grappes/store/bundled/micro_clusters/``, read by :func:`bundled_micro_clusters`): the
data and the seed are fixed, so the result is too, and a first start need not compile
esda's numba kernels (15–30 s). A slow test recomputes them and checks they are equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from grappes.errors import ConfigurationError, NotFoundError
from grappes.store import models as m
from grappes.store.queries import check_code, fetch_frame

if TYPE_CHECKING:  # grappes.spatial (numba, esda) is imported only when computing
    from grappes.spatial.hotspots import GraphLike

__all__ = [
    "ALPHA",
    "BUNDLED",
    "CORRECTION",
    "MIN_LOCATION_QUOTIENT",
    "PERMUTATIONS",
    "SEED",
    "STATISTIC",
    "TRANSFORM",
    "MicroClusterResults",
    "MicroClusters",
    "bundled_micro_clusters",
    "compute_micro_clusters",
    "region_micro_clusters",
    "sector_micro_clusters",
    "write_micro_clusters",
]

#: Conditional permutations of the hot-spot test (the cluster report's ``DEMO_PERMUTATIONS``).
PERMUTATIONS: Final = 9999
#: Seed of the permutations (the cluster report's ``DEMO_SEED``).
SEED: Final = 0
#: The local statistic: Getis–Ord Gi* (the commune counts in its own neighbourhood).
STATISTIC: Final = "gi_star"
#: Its weights: binary, Gi*'s own (``grappes.spatial.getis_ord``'s and, for Gi*,
#: ``areal_micro_clusters``' default), recorded with every run.
TRANSFORM: Final = "b"
#: False discovery rate, and how the p-values are corrected across communes.
ALPHA: Final = 0.05
CORRECTION: Final = "fdr"
#: A hot-spot commune joins a micro-cluster only if its own LQ is at least this.
MIN_LOCATION_QUOTIENT: Final = 1.0

#: Where the micro-clusters of the bundled communes are shipped (one CSV per table).
BUNDLED: Final = Path(__file__).resolve().parent / "bundled" / "micro_clusters"
#: The columns of the three tables that hold codes (read as text, never as numbers).
_TEXT_COLUMNS: Final = ("sector", "region", "graph", "statistic", "transform", "correction")

_RUN_COLUMNS = [
    "sector",
    "year",
    "graph",
    "statistic",
    "transform",
    "permutations",
    "seed",
    "alpha",
    "correction",
    "min_location_quotient",
    "units",
    "hot_spots",
    "cold_spots",
]


@dataclass(frozen=True)
class MicroClusterResults:
    """Micro-clusters of a dataset, ready to be stored (one block per year).

    Attributes
    ----------
    runs
        One row per sector x year analysed: ``sector``, ``year``, ``graph``, ``statistic``,
        ``transform`` (the weights: ``b`` binary, ``r`` row-standardised), ``permutations``,
        ``seed``, ``alpha``, ``correction``, ``min_location_quotient``, ``units`` (communes
        analysed), ``hot_spots``, ``cold_spots``.
    clusters
        ``sector``, ``year``, ``cluster``, ``n_units``, ``establishments``,
        ``total_establishments``, ``location_quotient`` (pooled over the communes).
    members
        ``sector``, ``year``, ``cluster``, ``region`` (a commune code).
    """

    runs: pd.DataFrame
    clusters: pd.DataFrame
    members: pd.DataFrame


@dataclass(frozen=True)
class MicroClusters:
    """The micro-clusters a profile shows.

    Attributes
    ----------
    runs
        How they were searched for: ``dataset``, ``sector``, ``year``, the parameters
        (``graph``, ``statistic``, ``transform``, ``permutations``, ``seed``, ``alpha``,
        ``correction``, ``min_location_quotient``), ``units``, ``hot_spots``,
        ``cold_spots``.
    clusters
        ``dataset``, ``sector``, ``label_fr``, ``label_ar``, ``label_en``, ``year``,
        ``cluster``, ``n_units``, ``establishments``, ``total_establishments``,
        ``location_quotient``; by dataset, sector, then cluster.
    members
        Their communes: ``dataset``, ``sector``, ``year``, ``cluster``, ``region``,
        ``name_fr``, ``name_ar``, ``name_en``, ``province``, ``province_fr``,
        ``province_ar``, ``province_en`` and ``here`` (whether the commune lies in the unit
        asked for; always true for a sector).
    """

    runs: pd.DataFrame
    clusters: pd.DataFrame
    members: pd.DataFrame


def compute_micro_clusters(
    counts: pd.DataFrame,
    *,
    graph: GraphLike,
    graph_name: str,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
    progress: Callable[[int, int], None] | None = None,
) -> MicroClusterResults:
    """Return the micro-clusters of every sector and year of a table of commune counts.

    Parameters
    ----------
    counts
        ``region`` (commune codes), ``sector``, ``year``, ``establishments``.
    graph
        Contiguity of the communes (``grappes.data.communes_graph.contiguity_graph()``).
    graph_name
        What the graph is, stored with the results.
    permutations, seed
        Of the hot-spot test (defaults: the cluster report's, 9,999 and 0).
    progress
        Called as ``progress(done, total)`` after each sector.

    Returns
    -------
    MicroClusterResults
        See the class; the parameters in :data:`STATISTIC`, :data:`TRANSFORM`,
        :data:`ALPHA`, :data:`CORRECTION` and :data:`MIN_LOCATION_QUOTIENT`.

    Raises
    ------
    InvalidInputError
        When :func:`~grappes.spatial.areal_clusters.areal_micro_clusters` refuses the table.
    """
    from grappes.spatial.areal_clusters import areal_micro_clusters

    runs, clusters, members = [], [], []
    for year in sorted(int(y) for y in counts["year"].unique()):
        table = counts[counts["year"] == year]
        found = areal_micro_clusters(
            table[["region", "sector", "establishments"]],
            graph=graph,
            permutations=permutations,
            seed=seed,
            alpha=ALPHA,
            correction=CORRECTION,
            statistic=STATISTIC,
            transform=TRANSFORM,
            islands="drop",
            on_zero_total="drop",
            min_location_quotient=MIN_LOCATION_QUOTIENT,
            progress=progress,
        )
        units = found.units
        summary = units.groupby("sector", sort=True).agg(
            units=("region", "size"),
            hot_spots=("label", lambda labels: int((labels == "hot_spot").sum())),
            cold_spots=("label", lambda labels: int((labels == "cold_spot").sum())),
        )
        runs.append(
            summary.reset_index().assign(
                year=year,
                graph=graph_name,
                statistic=STATISTIC,
                transform=found.transform,
                permutations=permutations,
                seed=seed,
                alpha=ALPHA,
                correction=CORRECTION,
                min_location_quotient=MIN_LOCATION_QUOTIENT,
            )[_RUN_COLUMNS]
        )
        clusters.append(found.clusters.assign(year=year))
        members.append(found.members.assign(year=year))
    return MicroClusterResults(
        runs=pd.concat(runs, ignore_index=True),
        clusters=pd.concat(clusters, ignore_index=True),
        members=pd.concat(members, ignore_index=True),
    )


def region_micro_clusters(session: Session, code: str) -> MicroClusters:
    """Return the micro-clusters with at least one commune in the unit ``code`` (or below it).

    Every commune of such a micro-cluster is listed, ``here`` telling whether it lies in
    the unit: a micro-cluster may cross a province's or a region's boundary. ``runs``
    holds every run stored (they say how the micro-clusters were searched for, also where
    none was found).

    Raises
    ------
    NotFoundError
        When no region has this code.
    InvalidInputError
        When ``code`` is not a short string of printable characters.
    """
    who = "region_micro_clusters"
    code = check_code(who, "code", code)
    region = m.Region
    if session.scalar(sa.select(region.code).where(region.code == code)) is None:
        raise NotFoundError(f"{who}: no region has the code {code!r}")
    # The unit and every unit below it, at any depth (a region's communes are two down).
    tree = sa.select(region.code).where(region.code == code).cte("tree", recursive=True)
    tree = tree.union_all(sa.select(region.code).join(tree, region.parent == tree.c.code))
    cluster, member = m.MicroCluster, m.MicroClusterMember
    keys = [
        tuple(row)
        for row in session.execute(
            sa.select(member.dataset, member.sector, member.year, member.cluster)
            .join(tree, tree.c.code == member.region)
            .distinct()
        )
    ]
    clusters = _clusters(
        session, sa.tuple_(cluster.dataset, cluster.sector, cluster.year, cluster.cluster).in_(keys)
    )
    members = _members(
        session, sa.tuple_(member.dataset, member.sector, member.year, member.cluster).in_(keys)
    )
    inside = set(session.scalars(sa.select(tree.c.code))) if len(members) else set()
    members["here"] = members["region"].isin(inside)
    return MicroClusters(runs=_runs(session, sa.true()), clusters=clusters, members=members)


def sector_micro_clusters(
    session: Session, code: str, *, classification: str = "HCP_ESTABLISHMENTS"
) -> MicroClusters:
    """Return the micro-clusters of the sector ``code`` in the datasets of ``classification``.

    ``runs`` is empty when no dataset of the classification was searched for
    micro-clusters (only the bundled commune dataset is: its classification is
    ``HCP_ESTABLISHMENTS``).

    Raises
    ------
    InvalidInputError
        When ``code`` or ``classification`` is not a short string of printable characters.
    """
    who = "sector_micro_clusters"
    code = check_code(who, "code", code)
    classification = check_code(who, "classification", classification)
    in_classification = sa.select(m.Dataset.id).where(m.Dataset.classification == classification)
    run, cluster, member = m.MicroClusterRun, m.MicroCluster, m.MicroClusterMember
    runs = _runs(session, sa.and_(run.dataset.in_(in_classification), run.sector == code))
    clusters = _clusters(
        session, sa.and_(cluster.dataset.in_(in_classification), cluster.sector == code)
    )
    members = _members(
        session, sa.and_(member.dataset.in_(in_classification), member.sector == code)
    )
    members["here"] = True
    return MicroClusters(runs=runs, clusters=clusters, members=members)


def _runs(session: Session, where: sa.ColumnElement[bool]) -> pd.DataFrame:
    run, ds = m.MicroClusterRun, m.Dataset
    columns = [run.__table__.c[name] for name in _RUN_COLUMNS]
    return fetch_frame(
        session,
        sa.select(ds.name.label("dataset"), *columns)
        .join(ds, ds.id == run.dataset)
        .where(where)
        .order_by(ds.id, run.year, run.sector),
    )


def _clusters(session: Session, where: sa.ColumnElement[bool]) -> pd.DataFrame:
    cluster, ds, sector = m.MicroCluster, m.Dataset, m.Sector
    return fetch_frame(
        session,
        sa.select(
            ds.name.label("dataset"),
            cluster.sector,
            sector.label_fr,
            sector.label_ar,
            sector.label_en,
            cluster.year,
            cluster.cluster,
            cluster.n_units,
            cluster.establishments,
            cluster.total_establishments,
            cluster.location_quotient,
        )
        .join(ds, ds.id == cluster.dataset)
        .outerjoin(
            sector,
            sa.and_(sector.classification == ds.classification, sector.code == cluster.sector),
        )
        .where(where)
        .order_by(ds.id, cluster.year, cluster.sector, cluster.cluster),
    )


def _members(session: Session, where: sa.ColumnElement[bool]) -> pd.DataFrame:
    member, ds = m.MicroClusterMember, m.Dataset
    commune, province = aliased(m.Region), aliased(m.Region)
    return fetch_frame(
        session,
        sa.select(
            ds.name.label("dataset"),
            member.sector,
            member.year,
            member.cluster,
            member.region,
            commune.name_fr,
            commune.name_ar,
            commune.name_en,
            province.code.label("province"),
            province.name_fr.label("province_fr"),
            province.name_ar.label("province_ar"),
            province.name_en.label("province_en"),
        )
        .join(ds, ds.id == member.dataset)
        .outerjoin(commune, commune.code == member.region)
        .outerjoin(province, province.code == commune.parent)
        .where(where)
        .order_by(ds.id, member.year, member.sector, member.cluster, member.region),
    )


def write_micro_clusters(results: MicroClusterResults, folder: Path) -> list[Path]:
    """Write ``results`` as ``runs.csv``, ``clusters.csv`` and ``members.csv`` in ``folder``.

    Floats are written in full (Python's shortest round-trip form), so that
    :func:`bundled_micro_clusters` reads back the same numbers.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("runs", "clusters", "members"):
        path = folder / f"{name}.csv"
        getattr(results, name).to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written


def bundled_micro_clusters(folder: Path = BUNDLED) -> MicroClusterResults:
    """The micro-clusters of the bundled 2024 communes, as shipped (see the module's notes).

    Raises
    ------
    grappes.errors.ConfigurationError
        When a file is missing (a damaged installation).
    """
    tables = {}
    for name in ("runs", "clusters", "members"):
        path = folder / f"{name}.csv"
        if not path.is_file():
            raise ConfigurationError(
                f"{path}: the bundled micro-clusters are missing; reinstall Grappes or "
                "regenerate them with tools/make_micro_clusters.py"
            )
        header = pd.read_csv(path, nrows=0).columns
        text = {c: str for c in header if c in _TEXT_COLUMNS}
        tables[name] = pd.read_csv(path, dtype=text, keep_default_na=False)
    return MicroClusterResults(**tables)
