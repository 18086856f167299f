"""The observatory's tables, as SQLAlchemy 2 declarative models.

Three groups of tables:

- **reference** data, loaded once from what Grappes bundles: :class:`Region` (the hierarchy
  commune → province → region → country → Maghreb), :class:`Sector` (ISIC Rev.4 and the two
  HCP groupings) with :class:`SectorSection` (the ISIC sections an HCP group covers),
  :class:`Organisation` (cluster organisations) with :class:`OrganisationPartner`, and
  :class:`Benchmark` (the paper's reference programmes);
- **datasets**: :class:`Dataset` names a table of region × sector × year counts, bundled
  (HCP censuses) or loaded by a user, and :class:`Observation` holds its rows;
- **results** computed from a dataset when it is stored, and deleted with it:
  :class:`LocationQuotient`, :class:`StrongCluster`, :class:`StarRating`,
  :class:`SectorConcentration` and :class:`LifecycleStage`; for a dataset of units whose
  contiguity Grappes knows (Morocco's communes), :class:`MicroClusterRun`,
  :class:`MicroCluster` and :class:`MicroClusterMember`.

Region codes in :class:`Observation` and the result tables are not foreign keys: a user's
dataset may use codes Grappes does not know (NUTS regions, a register's own areas).
``search_text`` columns hold the names folded for search (lower case, accents and Arabic
diacritics removed, see :func:`fold`), so that one ``LIKE`` finds "Fès" from "fes" on SQLite
and PostgreSQL alike.

The migrations in ``grappes/store/migrations`` create exactly these tables; a test compares
them (``alembic.autogenerate.compare_metadata``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from grappes.data.members import MEMBER_QUALIFIERS
from grappes.data.pillars import PARTNER_PILLARS
from grappes.store.timestamps import UtcDateTime

__all__ = [
    "DATASET_KINDS",
    "DATASET_ORIGINS",
    "MEASURES",
    "MEMBERS_TOGETHER",
    "QUADRANTS",
    "STAGES",
    "TRANSFORMS",
    "Base",
    "Benchmark",
    "Dataset",
    "LifecycleStage",
    "LocationQuotient",
    "MicroCluster",
    "MicroClusterMember",
    "MicroClusterRun",
    "Observation",
    "Organisation",
    "OrganisationPartner",
    "Region",
    "Sector",
    "SectorConcentration",
    "SectorSection",
    "StarRating",
    "StrongCluster",
    "fold",
]

#: What a dataset holds (the canonical table it was read as).
DATASET_KINDS: tuple[str, ...] = ("employment", "establishments")
#: Where a dataset comes from: bundled with Grappes, or loaded by a user.
DATASET_ORIGINS: tuple[str, ...] = ("bundled", "user")
#: The measures an observation may carry, and that results are computed on.
MEASURES: tuple[str, ...] = ("employment", "establishments")
#: Lifecycle stages and bubble-chart quadrants (``grappes.clusters.lifecycle``).
STAGES: tuple[str, ...] = ("emergence", "growth", "sustainment", "decline", "absent")
QUADRANTS: tuple[str, ...] = ("star", "mature", "emerging", "transforming", "absent")
#: The weights of a micro-cluster run's local statistic: binary or row-standardised
#: (``transform`` of ``grappes.spatial.areal_micro_clusters``).
TRANSFORMS: tuple[str, ...] = ("b", "r")
#: An organisation's member count: all its columns missing, or a positive count with its
#: qualifier and founding flag (its year may be missing).
MEMBERS_TOGETHER = (
    "(members IS NULL AND members_qualifier IS NULL AND members_year IS NULL "
    "AND members_founding IS NULL) OR (members IS NOT NULL AND members > 0 "
    "AND members_qualifier IS NOT NULL AND members_founding IS NOT NULL)"
)

#: Constraint names, so that migrations (and SQLite's batch mode) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_CODE = 64
_NAME = 300


def fold(text: str) -> str:
    """Return ``text`` folded for search: NFKD, combining marks removed, case-folded.

    "Fès-Meknès" and "FES-MEKNES" both fold to "fes-meknes"; Arabic diacritics (harakat)
    and the tatweel are removed too, so a search need not match them.

    Examples
    --------
    >>> fold("Fès-Meknès"), fold("CASABLANCA")
    ('fes-meknes', 'casablanca')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) and c != "\u0640")
    return kept.casefold()


def _choices(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    """Declarative base of the observatory's models (one metadata, named constraints)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Region(Base):
    """A unit of the region hierarchy (see :func:`grappes.data.geography.regions`)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    parent: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    name_fr: Mapped[str | None] = mapped_column(String(_NAME))
    name_ar: Mapped[str | None] = mapped_column(String(_NAME))
    name_en: Mapped[str | None] = mapped_column(String(_NAME))
    search_text: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(
            _choices("level", ("commune", "province", "region", "country", "maghreb")), "level"
        ),
    )


class Sector(Base):
    """An activity code of a classification (ISIC4 or an HCP grouping) with its labels."""

    __tablename__ = "sectors"

    classification: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    parent: Mapped[str | None] = mapped_column(String(_CODE))
    label_en: Mapped[str | None] = mapped_column(Text)
    label_fr: Mapped[str | None] = mapped_column(Text)
    label_ar: Mapped[str | None] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        ForeignKeyConstraint(
            ["classification", "parent"], ["sectors.classification", "sectors.code"]
        ),
    )


class SectorSection(Base):
    """An ISIC Rev.4 section that an HCP sector group covers (one row per pair)."""

    __tablename__ = "sector_sections"

    classification: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    section: Mapped[str] = mapped_column(String(1), primary_key=True)

    __table_args__ = (
        ForeignKeyConstraint(
            ["classification", "code"],
            ["sectors.classification", "sectors.code"],
            ondelete="CASCADE",
        ),
    )


class Organisation(Base):
    """A cluster organisation (see :func:`grappes.data.organisations.cluster_organisations`)."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(_NAME))
    sector: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(String(_NAME))
    region: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    region_inferred: Mapped[bool] = mapped_column(Boolean)
    year_reported: Mapped[int | None] = mapped_column(Integer)
    status_note: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)
    #: Read from ``status_note`` by :func:`grappes.data.members.member_count` (all four
    #: missing when the note gives no member count).
    members: Mapped[int | None] = mapped_column(Integer)
    members_qualifier: Mapped[str | None] = mapped_column(String(16))
    members_year: Mapped[int | None] = mapped_column(Integer)
    members_founding: Mapped[bool | None] = mapped_column(Boolean)

    __table_args__ = (
        CheckConstraint(_choices("members_qualifier", MEMBER_QUALIFIERS), "members_qualifier"),
        CheckConstraint(MEMBERS_TOGETHER, "members"),
    )


class OrganisationPartner(Base):
    """A key partner an organisation names, in the order its source lists them."""

    __tablename__ = "organisation_partners"

    organisation: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(_NAME))
    #: Inferred from the name by :func:`grappes.data.pillars.partner_pillar`.
    pillar: Mapped[str] = mapped_column(String(16))

    __table_args__ = (CheckConstraint(_choices("pillar", PARTNER_PILLARS), "pillar"),)


class Benchmark(Base):
    """One figure of a reference cluster programme (see ``grappes.data.benchmarks``)."""

    __tablename__ = "benchmarks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(_NAME))
    programme: Mapped[str] = mapped_column(Text)
    metric: Mapped[str] = mapped_column(String(_NAME))
    value: Mapped[float] = mapped_column(Double)
    unit: Mapped[str | None] = mapped_column(String(_NAME))
    year: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class Dataset(Base):
    """A named table of region × sector × year counts, bundled or loaded by a user.

    ``level`` is the region level of the bundled datasets (``None`` for a user's);
    ``classification`` names the sector codes when known. ``strong_measures`` says what the
    strong-cluster rule used as its two size measures (``both``, ``employment_for_both``,
    ``establishments_for_both``), ``stars_measure`` what the stars were rated on.
    """

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(_NAME), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16))
    level: Mapped[str | None] = mapped_column(String(16))
    classification: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    licence: Mapped[str] = mapped_column(Text)
    strong_measures: Mapped[str] = mapped_column(String(32))
    stars_measure: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        CheckConstraint(_choices("kind", DATASET_KINDS), "kind"),
        CheckConstraint(_choices("origin", DATASET_ORIGINS), "origin"),
        CheckConstraint(_choices("stars_measure", MEASURES), "stars_measure"),
    )


class _DatasetCell:
    """Columns shared by the tables keyed by dataset, region, sector and year."""

    # sort_order puts the key first in every table, before the subclass's own columns.
    dataset: Mapped[int] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True, sort_order=-4
    )
    region: Mapped[str] = mapped_column(String(_CODE), primary_key=True, sort_order=-3)
    sector: Mapped[str] = mapped_column(String(_CODE), primary_key=True, sort_order=-2)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)


class Observation(_DatasetCell, Base):
    """A row of a dataset: employment and/or establishments of a region × sector × year."""

    __tablename__ = "observations"

    employment: Mapped[float | None] = mapped_column(Double)
    establishments: Mapped[float | None] = mapped_column(Double)

    __table_args__ = (Index(None, "region", "sector"),)


class LocationQuotient(_DatasetCell, Base):
    """The location quotient of a cell on one measure (NULL where it is undefined)."""

    __tablename__ = "location_quotients"

    measure: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[float] = mapped_column(Double)
    location_quotient: Mapped[float | None] = mapped_column(Double)

    __table_args__ = (
        CheckConstraint(_choices("measure", MEASURES), "measure"),
        Index(None, "region", "sector"),
    )


class StrongCluster(_DatasetCell, Base):
    """The US Cluster Mapping Project's flags of a cell (``grappes.clusters.strong_clusters``)."""

    __tablename__ = "strong_clusters"

    employment: Mapped[float] = mapped_column(Double)
    establishments: Mapped[float] = mapped_column(Double)
    location_quotient: Mapped[float | None] = mapped_column(Double)
    qualifying: Mapped[bool] = mapped_column(Boolean)
    significant: Mapped[bool] = mapped_column(Boolean)
    strong: Mapped[bool] = mapped_column(Boolean)
    strong10: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (Index(None, "region", "strong"),)


class StarRating(_DatasetCell, Base):
    """The European Cluster Observatory's stars of a cell (``grappes.clusters.star_ratings``)."""

    __tablename__ = "star_ratings"

    value: Mapped[float] = mapped_column(Double)
    location_quotient: Mapped[float | None] = mapped_column(Double)
    focus: Mapped[float | None] = mapped_column(Double)
    size_star: Mapped[bool] = mapped_column(Boolean)
    specialisation_star: Mapped[bool] = mapped_column(Boolean)
    focus_star: Mapped[bool] = mapped_column(Boolean)
    stars: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index(None, "region", "stars"),)


class SectorConcentration(Base):
    """How concentrated a sector is over a dataset's regions, on one measure.

    Herfindahl index (normalised, equivalent number), Krugman's locational Gini and
    Krugman's concentration index (``grappes.indicators``), NULL where undefined.
    """

    __tablename__ = "sector_concentrations"

    dataset: Mapped[int] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure: Mapped[str] = mapped_column(String(16), primary_key=True)
    herfindahl: Mapped[float | None] = mapped_column(Double)
    herfindahl_normalised: Mapped[float | None] = mapped_column(Double)
    equivalent_number: Mapped[float | None] = mapped_column(Double)
    locational_gini: Mapped[float | None] = mapped_column(Double)
    krugman: Mapped[float | None] = mapped_column(Double)

    __table_args__ = (CheckConstraint(_choices("measure", MEASURES), "measure"),)


class LifecycleStage(Base):
    """The lifecycle stage and quadrant of a region x sector (``grappes.clusters.lifecycle``).

    Computed only for a dataset of two years or more, between its first and last year.
    A growth from nothing to something is stored as +infinity, as the rule returns it.
    """

    __tablename__ = "lifecycle_stages"

    dataset: Mapped[int] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
    )
    region: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    sector: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    employment_first: Mapped[float] = mapped_column(Double)
    employment_last: Mapped[float] = mapped_column(Double)
    employment_growth: Mapped[float | None] = mapped_column(Double)
    establishments_first: Mapped[float | None] = mapped_column(Double)
    establishments_last: Mapped[float | None] = mapped_column(Double)
    establishments_growth: Mapped[float | None] = mapped_column(Double)
    lq_first: Mapped[float | None] = mapped_column(Double)
    lq_last: Mapped[float | None] = mapped_column(Double)
    stage: Mapped[str] = mapped_column(String(16))
    quadrant: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        CheckConstraint(_choices("stage", STAGES), "stage"),
        CheckConstraint(_choices("quadrant", QUADRANTS), "quadrant"),
        Index(None, "region"),
    )


class MicroClusterRun(Base):
    """How the micro-clusters of one sector of a dataset were searched for, and what it found.

    One row per dataset x sector x year analysed (``grappes.spatial.areal_micro_clusters``):
    the contiguity graph, the local statistic and its parameters (``transform``: its
    weights, ``b`` binary or ``r`` row-standardised), how many units were analysed and how
    many were hot and cold spots. A sector with a run and no :class:`MicroCluster` row was
    analysed and has none.
    """

    __tablename__ = "micro_cluster_runs"

    dataset: Mapped[int] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    graph: Mapped[str] = mapped_column(String(_NAME))
    statistic: Mapped[str] = mapped_column(String(16))
    transform: Mapped[str] = mapped_column(String(16))
    permutations: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    alpha: Mapped[float] = mapped_column(Double)
    correction: Mapped[str] = mapped_column(String(16))
    min_location_quotient: Mapped[float] = mapped_column(Double)
    units: Mapped[int] = mapped_column(Integer)
    hot_spots: Mapped[int] = mapped_column(Integer)
    cold_spots: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint(_choices("transform", TRANSFORMS), "transform"),)


class MicroCluster(Base):
    """A micro-cluster: contiguous units that are hot spots of a sector's LQ.

    ``cluster`` numbers the sector's micro-clusters from 0, the largest by the sector's
    establishments; ``location_quotient`` is pooled over the units.
    """

    __tablename__ = "micro_clusters"

    dataset: Mapped[int] = mapped_column(primary_key=True)
    sector: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster: Mapped[int] = mapped_column(Integer, primary_key=True)
    n_units: Mapped[int] = mapped_column(Integer)
    establishments: Mapped[float] = mapped_column(Double)
    total_establishments: Mapped[float] = mapped_column(Double)
    location_quotient: Mapped[float] = mapped_column(Double)

    __table_args__ = (
        ForeignKeyConstraint(
            ["dataset", "sector", "year"],
            [
                "micro_cluster_runs.dataset",
                "micro_cluster_runs.sector",
                "micro_cluster_runs.year",
            ],
            ondelete="CASCADE",
        ),
    )


class MicroClusterMember(Base):
    """A unit (a commune) of a micro-cluster; a unit is in at most one per sector and year."""

    __tablename__ = "micro_cluster_members"

    dataset: Mapped[int] = mapped_column(primary_key=True)
    sector: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    cluster: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        ForeignKeyConstraint(
            ["dataset", "sector", "year", "cluster"],
            [
                "micro_clusters.dataset",
                "micro_clusters.sector",
                "micro_clusters.year",
                "micro_clusters.cluster",
            ],
            ondelete="CASCADE",
        ),
        Index(None, "region"),
    )
