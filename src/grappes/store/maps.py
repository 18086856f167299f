"""Named queries for the home page's maps: one row per unit a map colours.

- :func:`location_quotient_map`: a sector's location quotient in every unit of a dataset;
- :func:`star_map`: a sector's stars (European Cluster Observatory) in every unit;
- :func:`organisation_map`: the number of cluster organisations in each Maghreb country;
- :func:`map_sectors`: the sectors of a classification, for the map's sector choice.

The censuses the map offers are :data:`CENSUSES`; :func:`census_dataset` names the bundled
dataset of a census at a level (``hcp-2024-establishments-province``). Like
:mod:`grappes.store.queries`, every function returns tidy pandas tables and takes every
value as a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

import pandas as pd
import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError, NotFoundError, check_choice
from grappes.store import models as m
from grappes.store.queries import as_booleans, fetch_frame

__all__ = [
    "BUNDLED_DATASETS",
    "CENSUSES",
    "MAP_LEVELS",
    "Census",
    "census_dataset",
    "location_quotient_map",
    "map_sectors",
    "organisation_map",
    "star_map",
]

#: Levels of Morocco at which the bundled censuses are mapped.
MAP_LEVELS: Final = ("region", "province")
MapLevel = Literal["region", "province"]


@dataclass(frozen=True)
class Census:
    """A bundled HCP census the map can show: its measure, sector classification and year."""

    year: int
    kind: Literal["establishments", "employment"]
    classification: str


#: The bundled census datasets: name -> (kind, level). ``kind`` is the census table;
#: :func:`grappes.store.loading.load_bundled` loads them, the pages name them in words.
BUNDLED_DATASETS: dict[str, tuple[Literal["establishments", "employment"], str]] = {
    "hcp-2024-establishments-region": ("establishments", "region"),
    "hcp-2024-establishments-province": ("establishments", "province"),
    "hcp-2024-establishments-commune": ("establishments", "commune"),
    "hcp-2014-employment-region": ("employment", "region"),
    "hcp-2014-employment-province": ("employment", "province"),
}

#: The censuses the home map offers, by the code a visitor chooses (its year).
CENSUSES: Final[dict[str, Census]] = {
    "2024": Census(2024, "establishments", "HCP_ESTABLISHMENTS"),
    "2014": Census(2014, "employment", "HCP_EMPLOYMENT"),
}

_PARENT = sa.orm.aliased(m.Region)
_UNIT_COLUMNS = (
    m.Region.level,
    m.Region.parent,
    m.Region.name_fr,
    m.Region.name_ar,
    m.Region.name_en,
    _PARENT.name_fr.label("parent_name_fr"),
    _PARENT.name_ar.label("parent_name_ar"),
    _PARENT.name_en.label("parent_name_en"),
)


def census_dataset(census: str, level: str) -> str:
    """Name of the bundled dataset of ``census`` (``"2024"``, ``"2014"``) at ``level``.

    Raises
    ------
    InvalidInputError
        When ``census`` is not one of :data:`CENSUSES`, ``level`` not one of
        :data:`MAP_LEVELS`, or the census is not bundled at that level (no name of
        :data:`BUNDLED_DATASETS` is the one built).

    Examples
    --------
    >>> census_dataset("2014", "province")
    'hcp-2014-employment-province'
    """
    who = "census_dataset"
    check_choice(who, "census", census, tuple(CENSUSES))
    check_choice(who, "level", level, MAP_LEVELS)
    chosen = CENSUSES[census]
    stem = f"hcp-{chosen.year}-{chosen.kind}-"
    name = stem + level
    if BUNDLED_DATASETS.get(name) != (chosen.kind, level):
        bundled = ", ".join(repr(n) for n in BUNDLED_DATASETS if n.startswith(stem))
        raise InvalidInputError(
            f"{who}: the {census} census ({chosen.kind}) is not bundled at level {level!r}; "
            f"expected the name of one of its bundled datasets ({bundled or 'none'}); "
            f"got {name!r}"
        )
    return name


def map_sectors(session: Session, classification: str) -> pd.DataFrame:
    """The sectors of ``classification``: ``code``, ``label_fr``, ``label_ar``, ``label_en``.

    Ordered by code; empty when the classification has none.
    """
    sector = m.Sector
    return fetch_frame(
        session,
        sa.select(sector.code, sector.label_fr, sector.label_ar, sector.label_en)
        .where(sector.classification == classification)
        .order_by(sector.code),
    )


def location_quotient_map(session: Session, dataset: str, sector: str) -> pd.DataFrame:
    """Location quotient of ``sector`` in every unit of ``dataset``, on the dataset's measure.

    Returns
    -------
    pandas.DataFrame
        ``dataset``, ``measure``, ``year``, ``region``, ``level``, ``parent``,
        ``name_fr``, ``name_ar``, ``name_en``, ``parent_name_fr``, ``parent_name_ar``,
        ``parent_name_en``, ``value`` (the sector's count in the unit),
        ``location_quotient`` (missing where undefined); by unit code. Empty when the
        dataset has no such sector.

    Raises
    ------
    NotFoundError
        When no dataset has this name.
    """
    found = _dataset(session, "location_quotient_map", dataset)
    lq = m.LocationQuotient
    return fetch_frame(
        session,
        _per_unit(
            lq,
            found.id,
            sector,
            sa.literal(dataset).label("dataset"),
            lq.measure,
            lq.year,
            lq.region,
            *_UNIT_COLUMNS,
            lq.value,
            lq.location_quotient,
        ).where(lq.measure == found.kind),
    )


def star_map(session: Session, dataset: str, sector: str) -> pd.DataFrame:
    """Stars of ``sector`` in every unit of ``dataset`` (0 to 3, one row per unit).

    Returns
    -------
    pandas.DataFrame
        ``dataset``, ``measure`` (what the stars were rated on), ``year``, ``region``,
        ``level``, ``parent``, ``name_fr``, ``name_ar``, ``name_en``, the parent's names
        (``parent_name_fr`` …), ``value``, ``location_quotient``, ``focus``,
        ``size_star``, ``specialisation_star``, ``focus_star`` (bool) and ``stars``
        (int); by unit code.

    Raises
    ------
    NotFoundError
        When no dataset has this name.
    """
    found = _dataset(session, "star_map", dataset)
    star = m.StarRating
    frame = fetch_frame(
        session,
        _per_unit(
            star,
            found.id,
            sector,
            sa.literal(dataset).label("dataset"),
            sa.literal(found.stars_measure).label("measure"),
            star.year,
            star.region,
            *_UNIT_COLUMNS,
            star.value,
            star.location_quotient,
            star.focus,
            star.size_star,
            star.specialisation_star,
            star.focus_star,
            star.stars,
        ),
    )
    return as_booleans(frame, ["size_star", "specialisation_star", "focus_star"])


def organisation_map(session: Session) -> pd.DataFrame:
    """Cluster organisations counted by Maghreb country (countries without any count 0).

    Returns
    -------
    pandas.DataFrame
        ``region`` (the country's ISO 3166-1 code), ``level`` (``country``), ``parent``,
        ``name_fr``, ``name_ar``, ``name_en``, the parent's names (``parent_name_fr`` …),
        ``organisations`` (how many the country
        has) and ``located`` (how many of them have a known region, as a country's
        profile lists them); by code.
    """
    region, org = m.Region, m.Organisation
    counts = (
        sa.select(
            org.country,
            sa.func.count(org.id).label("organisations"),
            sa.func.count(org.region).label("located"),
        )
        .group_by(org.country)
        .subquery()
    )
    frame = fetch_frame(
        session,
        sa.select(
            region.code.label("region"),
            *_UNIT_COLUMNS,
            sa.func.coalesce(counts.c.organisations, 0).label("organisations"),
            sa.func.coalesce(counts.c.located, 0).label("located"),
        )
        .outerjoin(_PARENT, _PARENT.code == region.parent)
        .outerjoin(counts, counts.c.country == region.code)
        .where(region.level == "country")
        .order_by(region.code),
    )
    return frame.astype({"organisations": "int64", "located": "int64"})


def _per_unit(
    cell: type[m.LocationQuotient] | type[m.StarRating],
    dataset: int,
    sector: str,
    *columns: Any,
) -> sa.Select[Any]:
    """``columns`` of the cells of ``sector`` in ``dataset``, with their unit's names."""
    return (
        sa.select(*columns)
        .outerjoin(m.Region, m.Region.code == cell.region)
        .outerjoin(_PARENT, _PARENT.code == m.Region.parent)
        .where(cell.dataset == dataset, cell.sector == sector)
        .order_by(cell.year, cell.region)
    )


def _dataset(session: Session, who: str, name: str) -> m.Dataset:
    found = session.execute(sa.select(m.Dataset).where(m.Dataset.name == name)).scalar()
    if found is None:
        raise NotFoundError(f"{who}: no dataset is named {name!r}")
    return found
