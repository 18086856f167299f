"""Named queries the observatory's pages and API ask the database.

Each function takes a :class:`~sqlalchemy.orm.Session` and returns plain records (``dict``)
and tidy pandas tables, never ORM objects, so a page and its JSON twin show the same thing.
Every value from a visitor reaches the database as a bound parameter, never as SQL text,
after :func:`check_code` (length, control characters).

- :func:`region_profile`: a region's specialisations, strong clusters, stars, lifecycle
  stages and organisations;
- :func:`sector_profile`: where a sector concentrates (location quotients by region,
  Herfindahl index, locational Gini, Krugman's index);
- :func:`check_code`, :func:`check_printable`: the checks every visitor's value passes;
- :func:`fetch_frame`, :func:`region_record`, :func:`as_booleans`: what the other named
  queries share.

A cluster organisation's profile is :mod:`grappes.store.organisations`; the search is
:mod:`grappes.store.search`.

The open-data tables are served by :mod:`grappes.store.downloads`; the micro-clusters of a
region or a sector by :mod:`grappes.store.micro_clusters`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError, NotFoundError
from grappes.store import models as m

__all__ = [
    "RegionProfile",
    "SectorProfile",
    "as_booleans",
    "check_code",
    "check_printable",
    "fetch_frame",
    "region_profile",
    "region_record",
    "sector_profile",
]

#: Longest code (region, sector, organisation) accepted by the profile queries.
MAX_CODE_LENGTH: Final = 64

_REGION_COLUMNS = ("code", "level", "parent", "country", "name_fr", "name_ar", "name_en")
_SECTOR_COLUMNS = ("classification", "code", "level", "parent", "label_en", "label_fr", "label_ar")
_CELL_KEYS = ("dataset", "region", "sector")


@dataclass(frozen=True)
class RegionProfile:
    """What the observatory knows about one region (any level of the hierarchy).

    Attributes
    ----------
    region
        ``code``, ``level``, ``parent``, ``country``, ``name_fr``, ``name_ar``, ``name_en``.
    ancestors
        The units above it, nearest first (same columns).
    children
        The units one level below it (same columns), by code.
    specialisations
        Its location quotients in every dataset: ``dataset``, ``measure``, ``year``,
        ``sector``, ``label_fr``, ``label_ar``, ``label_en``, ``value``,
        ``location_quotient``; by dataset, then highest quotient first.
    strong_clusters
        The strong clusters (US Cluster Mapping Project rule) of the region and of the
        units one level below it: ``dataset``, ``region``, ``name_fr``, ``name_ar``,
        ``name_en`` (the unit's), ``sector``, ``label_fr``, ``label_ar``, ``label_en``
        (the sector's), ``year``, ``employment``, ``establishments``,
        ``location_quotient``, ``strong10``.
    stars
        The cells of the region and of the units one level below it with at least one
        star (European Cluster Observatory): ``dataset``, ``region``, the unit's names,
        ``sector``, its labels, ``year``, ``value``, ``location_quotient``, ``focus``, the
        three star flags and ``stars``; most stars first.
    lifecycle
        The lifecycle stages (:func:`grappes.clusters.lifecycle`) of the region and of the
        units one level below it, in the datasets of two years or more: ``dataset``,
        ``region``, the unit's names, ``sector``, its labels, ``first_year``,
        ``last_year``, employment and establishments first, last and growth, ``lq_first``,
        ``lq_last``, ``stage``, ``quadrant``. Empty when no dataset has several years
        (the bundled censuses have one each).
    organisations
        Cluster organisations located in the region or one level below it: ``id``,
        ``name``, ``sector``, ``city``, ``region``, ``country``, ``source_url``.
    """

    region: dict[str, Any]
    ancestors: pd.DataFrame
    children: pd.DataFrame
    specialisations: pd.DataFrame
    strong_clusters: pd.DataFrame
    stars: pd.DataFrame
    lifecycle: pd.DataFrame
    organisations: pd.DataFrame


@dataclass(frozen=True)
class SectorProfile:
    """Where a sector concentrates.

    Attributes
    ----------
    sector
        ``classification``, ``code``, ``level``, ``parent``, ``label_en``, ``label_fr``,
        ``label_ar``.
    sections
        The ISIC Rev.4 sections an HCP group covers (``section``), or, for an ISIC
        section, the HCP groups that cover it (``classification``, ``code``).
    location_quotients
        Its location quotient in every region of every dataset of its classification:
        ``dataset``, ``measure``, ``year``, ``region``, ``level``, ``name_fr``,
        ``name_ar``, ``name_en``, ``value``, ``location_quotient``; highest first.
    concentration
        How concentrated it is over the regions of each such dataset: ``dataset``,
        ``level``, ``measure``, ``year``, ``herfindahl``, ``herfindahl_normalised``,
        ``equivalent_number``, ``locational_gini`` (Krugman's, 0 to 0.5) and ``krugman``
        (Krugman's concentration index against the rest of the economy, 0 to 2).
    strong_clusters
        The regions where it is a strong cluster: ``dataset``, ``region``, ``name_fr``,
        ``year``, ``location_quotient``, ``strong10``.
    """

    sector: dict[str, Any]
    sections: pd.DataFrame
    location_quotients: pd.DataFrame
    concentration: pd.DataFrame
    strong_clusters: pd.DataFrame


def region_profile(session: Session, code: str) -> RegionProfile:
    """Return the profile of the region ``code`` (a commune, province, region or country).

    Raises
    ------
    NotFoundError
        When no region has this code.
    InvalidInputError
        When ``code`` is not a short string of printable characters.

    Examples
    --------
    >>> profile = region_profile(session, "MA-06")  # doctest: +SKIP
    >>> profile.region["name_fr"]  # doctest: +SKIP
    'Casablanca-Settat'
    """
    who = "region_profile"
    code = check_code(who, "code", code)
    region = region_record(session, code)
    if region is None:
        raise NotFoundError(f"{who}: no region has the code {code!r}")
    ancestors = []
    parent = region["parent"]
    while parent is not None:
        above = region_record(session, parent)
        if above is None:  # a dangling parent cannot happen: the foreign key forbids it
            break
        ancestors.append(above)
        parent = above["parent"]
    child = sa.select(*_columns(m.Region, _REGION_COLUMNS)).where(m.Region.parent == code)
    children = fetch_frame(session, child.order_by(m.Region.code))
    units = [code, *children["code"].tolist()]

    lq, ds, sector = m.LocationQuotient, m.Dataset, m.Sector
    specialisations = fetch_frame(
        session,
        sa.select(
            ds.name.label("dataset"),
            lq.measure,
            lq.year,
            lq.sector,
            sector.label_fr,
            sector.label_ar,
            sector.label_en,
            lq.value,
            lq.location_quotient,
        )
        .join(ds, ds.id == lq.dataset)
        .outerjoin(
            sector, sa.and_(sector.classification == ds.classification, sector.code == lq.sector)
        )
        .where(lq.region == code)
        .order_by(ds.id, lq.measure, lq.year, lq.location_quotient.desc().nulls_last(), lq.sector),
    )
    strong = m.StrongCluster
    strong_clusters = fetch_frame(
        session,
        _named(strong)
        .add_columns(
            strong.year,
            strong.employment,
            strong.establishments,
            strong.location_quotient,
            strong.strong10,
        )
        .where(strong.region.in_(units), strong.strong)
        .order_by(
            ds.id, strong.region, strong.location_quotient.desc().nulls_last(), strong.sector
        ),
    )
    star = m.StarRating
    stars = fetch_frame(
        session,
        _named(star)
        .add_columns(
            star.year,
            star.value,
            star.location_quotient,
            star.focus,
            star.size_star,
            star.specialisation_star,
            star.focus_star,
            star.stars,
        )
        .where(star.region.in_(units), star.stars > 0)
        .order_by(ds.id, star.stars.desc(), star.region, star.sector),
    )
    stage = m.LifecycleStage
    lifecycle = fetch_frame(
        session,
        _named(stage)
        .add_columns(*(c for c in stage.__table__.columns if c.key not in _CELL_KEYS))
        .where(stage.region.in_(units))
        .order_by(ds.id, stage.region, stage.sector),
    )
    org = m.Organisation
    organisations = fetch_frame(
        session,
        sa.select(org.id, org.name, org.sector, org.city, org.region, org.country, org.source_url)
        .where(org.region.in_(units))
        .order_by(org.name, org.id),
    )
    return RegionProfile(
        region=region,
        ancestors=pd.DataFrame(ancestors, columns=list(_REGION_COLUMNS)),
        children=children,
        specialisations=specialisations,
        strong_clusters=as_booleans(strong_clusters, ["strong10"]),
        stars=as_booleans(stars, ["size_star", "specialisation_star", "focus_star"]),
        lifecycle=lifecycle,
        organisations=organisations,
    )


def sector_profile(
    session: Session, code: str, *, classification: str = "HCP_ESTABLISHMENTS"
) -> SectorProfile:
    """Return where the sector ``code`` of ``classification`` concentrates.

    The location quotients and indices are those of the datasets whose sector codes are in
    ``classification`` (the bundled 2024 census is ``HCP_ESTABLISHMENTS``, the 2014 one
    ``HCP_EMPLOYMENT``); an ISIC Rev.4 sector has none of its own, and ``sections`` names
    the HCP groups that cover it.

    Raises
    ------
    NotFoundError
        When the classification has no such code.
    InvalidInputError
        When ``code`` or ``classification`` is not a short string of printable characters.
    """
    who = "sector_profile"
    code = check_code(who, "code", code)
    classification = check_code(who, "classification", classification)
    sector = m.Sector
    found = session.execute(
        sa.select(*_columns(sector, _SECTOR_COLUMNS)).where(
            sector.classification == classification, sector.code == code
        )
    ).first()
    if found is None:
        raise NotFoundError(f"{who}: classification {classification!r} has no sector {code!r}")
    section = m.SectorSection
    if classification == "ISIC4":
        sections = fetch_frame(
            session,
            sa.select(section.classification, section.code)
            .where(section.section == code)
            .order_by(section.classification, section.code),
        )
    else:
        sections = fetch_frame(
            session,
            sa.select(section.section)
            .where(section.classification == classification, section.code == code)
            .order_by(section.section),
        )
    lq, ds, region = m.LocationQuotient, m.Dataset, m.Region
    in_classification = sa.and_(ds.classification == classification, lq.sector == code)
    quotients = fetch_frame(
        session,
        sa.select(
            ds.name.label("dataset"),
            lq.measure,
            lq.year,
            lq.region,
            region.level,
            region.name_fr,
            region.name_ar,
            region.name_en,
            lq.value,
            lq.location_quotient,
        )
        .join(ds, ds.id == lq.dataset)
        .outerjoin(region, region.code == lq.region)
        .where(in_classification)
        .order_by(ds.id, lq.measure, lq.year, lq.location_quotient.desc().nulls_last(), lq.region),
    )
    hhi = m.SectorConcentration
    concentration = fetch_frame(
        session,
        sa.select(
            ds.name.label("dataset"),
            ds.level,
            hhi.measure,
            hhi.year,
            hhi.herfindahl,
            hhi.herfindahl_normalised,
            hhi.equivalent_number,
            hhi.locational_gini,
            hhi.krugman,
        )
        .join(ds, ds.id == hhi.dataset)
        .where(ds.classification == classification, hhi.sector == code)
        .order_by(ds.id, hhi.measure, hhi.year),
    )
    strong = m.StrongCluster
    strong_clusters = fetch_frame(
        session,
        sa.select(
            ds.name.label("dataset"),
            strong.region,
            region.name_fr,
            strong.year,
            strong.location_quotient,
            strong.strong10,
        )
        .join(ds, ds.id == strong.dataset)
        .outerjoin(region, region.code == strong.region)
        .where(ds.classification == classification, strong.sector == code, strong.strong)
        .order_by(ds.id, strong.location_quotient.desc().nulls_last(), strong.region),
    )
    return SectorProfile(
        sector=dict(found._mapping),
        sections=sections,
        location_quotients=quotients,
        concentration=concentration,
        strong_clusters=as_booleans(strong_clusters, ["strong10"]),
    )


def check_code(who: str, what: str, value: object, *, longest: int = MAX_CODE_LENGTH) -> str:
    """Return ``value`` if it is a string of 1 to ``longest`` printable characters.

    Raises :class:`~grappes.errors.InvalidInputError` naming ``who`` and ``what`` otherwise
    (not a string, empty, too long, control characters, invalid Unicode).
    """
    if not isinstance(value, str):
        raise InvalidInputError(f"{who}: {what} must be a string; got {type(value).__name__}")
    if not value or len(value) > longest:
        raise InvalidInputError(
            f"{who}: {what} must have 1 to {longest} characters; got {len(value)}"
        )
    check_printable(who, what, value)
    return value


def check_printable(who: str, what: str, value: str) -> None:
    """Refuse ``value`` unless it is valid Unicode without control characters.

    PostgreSQL refuses NUL in text and neither driver can send a lone surrogate: they are
    refused here, naming ``who`` and ``what``, rather than as a driver error.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInputError(f"{who}: {what} is not valid Unicode text") from None
    control = [c for c in value if unicodedata.category(c) == "Cc"]
    if control:
        raise InvalidInputError(
            f"{who}: {what} must not contain control characters; found {control[0]!r}"
        )


def _named(
    table: type[m.StrongCluster] | type[m.StarRating] | type[m.LifecycleStage],
) -> sa.Select[*tuple[Any, ...]]:
    """``dataset``, ``region`` with the unit's names, ``sector`` with its labels, of ``table``.

    The sector's labels are those of the dataset's classification (none when the dataset
    names none, or uses codes Grappes does not know).
    """
    ds, region, sector = m.Dataset, m.Region, m.Sector
    return (
        sa.select(
            ds.name.label("dataset"),
            table.region,
            region.name_fr,
            region.name_ar,
            region.name_en,
            table.sector,
            sector.label_fr,
            sector.label_ar,
            sector.label_en,
        )
        .select_from(table)
        .join(ds, ds.id == table.dataset)
        .outerjoin(region, region.code == table.region)
        .outerjoin(
            sector, sa.and_(sector.classification == ds.classification, sector.code == table.sector)
        )
    )


def region_record(session: Session, code: str) -> dict[str, Any] | None:
    """The region ``code`` (``code``, ``level``, ``parent``, ``country``, ``name_fr``,
    ``name_ar``, ``name_en``), or ``None`` when no region has it."""
    found = session.execute(
        sa.select(*_columns(m.Region, _REGION_COLUMNS)).where(m.Region.code == code)
    ).first()
    return None if found is None else dict(found._mapping)


def _columns(model: type[m.Base], names: tuple[str, ...]) -> list[sa.ColumnElement[Any]]:
    return [model.__table__.c[name] for name in names]


def fetch_frame(session: Session, statement: sa.Executable) -> pd.DataFrame:
    result = session.execute(statement)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def as_booleans(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    # SQLite returns booleans as Python bools already; an empty frame has object columns.
    for column in columns:
        frame[column] = frame[column].astype(bool)
    return frame
