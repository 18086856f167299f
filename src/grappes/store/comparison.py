"""Comparisons: units side by side (the paper's programmes: :mod:`grappes.store.benchmarking`).

- :func:`parse_units`: the unit codes a visitor asked to compare, checked (2 to 10, no
  duplicate, each a short printable code);
- :func:`compare_regions`: 2 to 10 units of one level (countries, regions, provinces or
  communes) side by side: their totals, location quotients, strong clusters, stars and
  cluster organisations;
- :func:`unit_clusters`: strong clusters and stars of units, per dataset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError, NotFoundError
from grappes.store import models as m
from grappes.store.queries import as_booleans, check_code, fetch_frame

__all__ = [
    "MAX_UNITS",
    "MIN_UNITS",
    "Comparison",
    "comparable_units",
    "compare_regions",
    "parse_units",
    "unit_clusters",
]

#: Fewest and most units a comparison takes.
MIN_UNITS: Final = 2
MAX_UNITS: Final = 10

_UNIT_COLUMNS: Final = ("code", "level", "parent", "country", "name_fr", "name_ar", "name_en")
#: Levels whose units an organisation's record can be placed in (by its region's code).
_ORGANISATION_LEVELS: Final = ("country", "region")


@dataclass(frozen=True)
class Comparison:
    """Units of one level side by side (see :func:`compare_regions`).

    Attributes
    ----------
    level
        The units' level: ``country``, ``region``, ``province`` or ``commune``.
    units
        One row per unit in the order asked: ``code``, ``level``, ``parent``,
        ``country``, ``name_fr``, ``name_ar``, ``name_en``, ``organisations`` (how many
        cluster organisations are located there; missing below region level, where the
        records place none).
    totals
        ``dataset``, ``measure``, ``year``, ``region``, ``total``: the sum of each
        dataset's counts (establishments or employment) for the unit; a country's is the
        sum of its regions in the region-level datasets.
    location_quotients
        ``dataset``, ``measure``, ``year``, ``sector``, ``label_fr``, ``label_ar``,
        ``label_en``, ``region``, ``value``, ``location_quotient``, ``strong`` (the cell
        is a strong cluster), ``stars`` (0 to 3, missing where not rated).
    clusters
        Per dataset and unit: ``dataset``, ``region``, ``strong_clusters`` (how many
        sectors are strong clusters), ``starred`` (sectors with at least one star),
        ``stars`` (stars in all).
    organisations
        The cluster organisations located in the units: ``region`` (the unit), ``id``,
        ``name``, ``sector``, ``city``.
    """

    level: str
    units: pd.DataFrame
    totals: pd.DataFrame
    location_quotients: pd.DataFrame
    clusters: pd.DataFrame
    organisations: pd.DataFrame


def parse_units(values: Sequence[str] | None) -> list[str]:
    """Return the unit codes asked for, in order: repeated values and/or comma-separated.

    ``["MA-01", "MA-06"]`` and ``["MA-01,MA-06"]`` both give ``["MA-01", "MA-06"]``;
    spaces around codes and empty values (an empty text field of a form) are left out.

    Raises
    ------
    InvalidInputError
        When fewer than :data:`MIN_UNITS` or more than :data:`MAX_UNITS` codes are given,
        a code is given twice, or a code is not a short string of printable characters.

    Examples
    --------
    >>> parse_units(["MA-01, MA-06", ""])
    ['MA-01', 'MA-06']
    """
    who = "compare"
    # Only spaces are trimmed ("MA-01, MA-06"): a newline or a tab is refused with the code.
    codes = [part.strip(" ") for value in values or () for part in value.split(",")]
    codes = [code for code in codes if code]
    if len(codes) > MAX_UNITS:
        raise InvalidInputError(
            f"{who}: regions must name {MIN_UNITS} to {MAX_UNITS} units; got {len(codes)}"
        )
    for code in codes:
        check_code(who, "each region code", code)
    if len(codes) < MIN_UNITS:
        raise InvalidInputError(
            f"{who}: regions must name {MIN_UNITS} to {MAX_UNITS} units; got {len(codes)}"
            + (f" ({codes[0]!r})" if codes else "")
        )
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise InvalidInputError(f"{who}: each unit may be named once; {code!r} is named twice")
        seen.add(code)
    return codes


def compare_regions(session: Session, codes: Sequence[str]) -> Comparison:
    """Return 2 to 10 units of one level side by side.

    Parameters
    ----------
    session
        A session on the observatory's database.
    codes
        The units' codes (``MA-01``, ``06.141``, ``MA`` …), checked as by
        :func:`parse_units`; the result keeps their order.

    Returns
    -------
    Comparison
        Their totals, location quotients, strong clusters, stars and organisations. A
        unit's own cells only: a region's strong clusters are those of the region-level
        datasets, not of its provinces, so that units of one level compare alike.

    Raises
    ------
    InvalidInputError
        As :func:`parse_units`; or when the units are not all of one level.
    NotFoundError
        When a code names no unit.

    Examples
    --------
    >>> comparison = compare_regions(session, ["MA-01", "MA-06"])  # doctest: +SKIP
    >>> comparison.units["name_fr"].tolist()  # doctest: +SKIP
    ['Tanger-Tétouan-Al Hoceïma', 'Casablanca-Settat']
    """
    who = "compare"
    codes = parse_units(list(codes))
    region = m.Region
    found = fetch_frame(
        session,
        sa.select(*[region.__table__.c[c] for c in _UNIT_COLUMNS]).where(region.code.in_(codes)),
    )
    unknown = [code for code in codes if code not in set(found["code"])]
    if unknown:
        listed = ", ".join(repr(code) for code in unknown)
        raise NotFoundError(f"{who}: no unit has the code {listed}")
    units = found.set_index("code").loc[codes].reset_index()
    levels = units["level"].unique().tolist()
    if len(levels) > 1:
        described = ", ".join(f"{r.code!r} is a {r.level}" for r in units.itertuples())
        raise InvalidInputError(
            f"{who}: the units must all be of one level (all regions, all provinces …); "
            f"got {described}"
        )
    level = str(levels[0])
    units["organisations"] = _organisation_counts(session, codes, level)
    lqs = _location_quotients(session, codes)
    return Comparison(
        level=level,
        units=units,
        totals=_totals(session, codes, level),
        location_quotients=lqs,
        clusters=_cluster_summary(lqs),
        organisations=_organisations(session, codes, level),
    )


def unit_clusters(session: Session, codes: Sequence[str]) -> pd.DataFrame:
    """Strong clusters and stars of each unit in ``codes`` per dataset (see
    :attr:`Comparison.clusters`); empty columns for no unit."""
    return _cluster_summary(_location_quotients(session, list(codes)))


def comparable_units(session: Session) -> pd.DataFrame:
    """Return the units a form offers to compare: countries, regions and provinces.

    Communes (1,503 of them) are left out of the list; they are compared by code.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``level``, ``parent``, ``country``, ``name_fr``, ``name_ar``,
        ``name_en``; countries, then regions, then provinces, each by parent and name.
    """
    region = m.Region
    rank = sa.case({"country": 0, "region": 1, "province": 2}, value=region.level)
    return fetch_frame(
        session,
        sa.select(*[region.__table__.c[c] for c in _UNIT_COLUMNS])
        .where(region.level.in_(("country", "region", "province")))
        .order_by(rank, region.parent, region.name_fr, region.code),
    )


def _organisation_counts(session: Session, codes: list[str], level: str) -> list[int | None]:
    if level not in _ORGANISATION_LEVELS:
        return [None] * len(codes)
    org = m.Organisation
    column = org.country if level == "country" else org.region
    counted = dict(
        session.execute(
            sa.select(column, sa.func.count()).where(column.in_(codes)).group_by(column)
        ).all()
    )
    return [int(counted.get(code, 0)) for code in codes]


def _organisations(session: Session, codes: list[str], level: str) -> pd.DataFrame:
    org = m.Organisation
    columns = ["region", "id", "name", "sector", "city"]
    if level not in _ORGANISATION_LEVELS:
        return pd.DataFrame(columns=columns)
    column = org.country if level == "country" else org.region
    return fetch_frame(
        session,
        sa.select(column.label("region"), org.id, org.name, org.sector, org.city)
        .where(column.in_(codes))
        .order_by(column, org.name, org.id),
    )


def _totals(session: Session, codes: list[str], level: str) -> pd.DataFrame:
    obs, ds, region = m.Observation, m.Dataset, m.Region
    if level == "country":
        # No dataset is at country level: a country's total is the sum of its regions.
        unit = region.country
        statement = (
            sa.select(ds.name, ds.kind, obs.year, unit.label("region"))
            .join(ds, ds.id == obs.dataset)
            .join(region, region.code == obs.region)
            .where(ds.level == "region", unit.in_(codes))
        )
    else:
        unit = obs.region
        statement = (
            sa.select(ds.name, ds.kind, obs.year, unit.label("region"))
            .join(ds, ds.id == obs.dataset)
            .where(ds.level == level, unit.in_(codes))
        )
    statement = statement.add_columns(
        sa.func.sum(obs.employment).label("employment"),
        sa.func.sum(obs.establishments).label("establishments"),
    ).group_by(ds.id, ds.name, ds.kind, obs.year, unit)
    frame = fetch_frame(session, statement.order_by(ds.id, obs.year, unit))
    columns = ["dataset", "measure", "year", "region", "total"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["total"] = [
        float(row[row["kind"]]) if pd.notna(row[row["kind"]]) else None
        for _, row in frame.iterrows()
    ]
    frame = frame.rename(columns={"name": "dataset", "kind": "measure"})
    return frame[columns].reset_index(drop=True)


def _location_quotients(session: Session, codes: list[str]) -> pd.DataFrame:
    lq, ds, sector = m.LocationQuotient, m.Dataset, m.Sector
    strong, star = m.StrongCluster, m.StarRating
    same_cell = sa.and_(
        strong.dataset == lq.dataset,
        strong.region == lq.region,
        strong.sector == lq.sector,
        strong.year == lq.year,
    )
    same_star = sa.and_(
        star.dataset == lq.dataset,
        star.region == lq.region,
        star.sector == lq.sector,
        star.year == lq.year,
    )
    frame = fetch_frame(
        session,
        sa.select(
            ds.name.label("dataset"),
            lq.measure,
            lq.year,
            lq.sector,
            sector.label_fr,
            sector.label_ar,
            sector.label_en,
            lq.region,
            lq.value,
            lq.location_quotient,
            sa.func.coalesce(strong.strong, sa.false()).label("strong"),
            star.stars,
        )
        .join(ds, ds.id == lq.dataset)
        .outerjoin(
            sector, sa.and_(sector.classification == ds.classification, sector.code == lq.sector)
        )
        .outerjoin(strong, same_cell)
        .outerjoin(star, same_star)
        .where(lq.region.in_(codes))
        .order_by(ds.id, lq.measure, lq.year, lq.sector, lq.region),
    )
    frame = as_booleans(frame, ["strong"])
    frame["stars"] = frame["stars"].astype("Int64")
    return frame


def _cluster_summary(lqs: pd.DataFrame) -> pd.DataFrame:
    columns = ["dataset", "region", "strong_clusters", "starred", "stars"]
    if lqs.empty:
        return pd.DataFrame(columns=columns)
    frame = lqs.assign(
        starred=(lqs["stars"].fillna(0) > 0).astype(int),
        stars_=lqs["stars"].fillna(0).astype(int),
        strong_=lqs["strong"].astype(int),
    )
    summary = (
        frame.groupby(["dataset", "region"], sort=False)
        .agg(
            strong_clusters=("strong_", "sum"), starred=("starred", "sum"), stars=("stars_", "sum")
        )
        .reset_index()
    )
    return summary[columns]
