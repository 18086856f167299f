"""The canonical tables of Grappes: their columns, types, keys and meaning.

Every module speaks in these long (tidy) tables. Region and sector codes are strings, always.
This module only *describes* the tables; reading and validating files is
:mod:`grappes.data.readers`' job.

Codes
-----
- Regions: ISO 3166-2 codes for first-level divisions (``MA-06``, ``DZ-16``, ``TN-11``),
  ISO 3166-1 alpha-2 for countries (``MA``), ``MAGHREB`` for the five together, and the
  statistical office's own codes below the first level (HCP's ``06.141`` for a Moroccan
  province, ``06.141.01.01`` for a commune).
- Sectors: the code of the classification named in ``classification`` (ISIC Rev.4 by
  default: section ``C``, division ``25``, group ``251``, class ``2511``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["string", "integer", "number", "boolean"]
TableKind = Literal["establishments", "employment", "regions", "sectors", "actors"]

#: Region levels, finest first. ``maghreb`` is the five countries together.
REGION_LEVELS: tuple[str, ...] = ("commune", "province", "region", "country", "maghreb")

#: The five countries of the Arab Maghreb Union, ISO 3166-1 alpha-2.
MAGHREB_COUNTRIES: tuple[str, ...] = ("MA", "DZ", "TN", "LY", "MR")

#: Sector classifications Grappes knows. The two HCP ones are the sector groups in which the
#: Moroccan census publishes establishments (2024: industry, construction, commerce,
#: services) and employment (2014: nine groups); :mod:`grappes.data.sectors` maps both to
#: ISIC Rev.4 sections.
CLASSIFICATIONS: tuple[str, ...] = (
    "ISIC4",
    "NACE2",
    "NAICS2017",
    "NAICS2022",
    "HCP_ESTABLISHMENTS",
    "HCP_EMPLOYMENT",
)

#: Kinds of actor, after the paper's three pillars (industry, research, training) and the
#: institutions that support them.
ACTOR_KINDS: tuple[str, ...] = (
    "firm",
    "research",
    "university",
    "training",
    "public_body",
    "finance",
    "association",
    "cluster_organisation",
)

#: The pillar each kind of actor stands in (Alcimed's industry / research / training).
#: A university both trains and does research; support bodies stand in no pillar.
ACTOR_PILLARS: dict[str, tuple[str, ...]] = {
    "firm": ("industry",),
    "research": ("research",),
    "university": ("research", "training"),
    "training": ("training",),
    "public_body": (),
    "finance": (),
    "association": (),
    "cluster_organisation": (),
}


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    type: ColumnType
    description: str
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Schema:
    """A canonical table: its columns in order and the columns that identify a row."""

    name: TableKind
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the columns every file must have."""
        return tuple(c.name for c in self.columns if c.required)

    @property
    def names(self) -> tuple[str, ...]:
        """Names of all the columns, required and optional."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name``; ``KeyError`` when the table has none."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


ESTABLISHMENTS = Schema(
    name="establishments",
    description="One row per establishment of a register (a firm's site).",
    key=("id", "year"),
    columns=(
        Column("id", "string", "Identifier of the establishment in its register."),
        Column("region", "string", "Code of the finest region the establishment lies in."),
        Column("sector", "string", "Activity code, in the classification of `classification`."),
        Column(
            "classification",
            "string",
            "Classification of `sector`.",
            required=False,
            choices=CLASSIFICATIONS,
        ),
        Column("year", "integer", "Year of the observation.", minimum=1900, maximum=2100),
        Column(
            "employment",
            "number",
            "Persons employed (headcount or FTE).",
            required=False,
            minimum=0,
        ),
        Column("size_class", "string", "Employment size class, e.g. `10-49`.", required=False),
        Column(
            "longitude", "number", "WGS 84 longitude.", required=False, minimum=-180, maximum=180
        ),
        Column("latitude", "number", "WGS 84 latitude.", required=False, minimum=-90, maximum=90),
    ),
)

EMPLOYMENT = Schema(
    name="employment",
    description="One row per region x sector x year: employment and, optionally, establishments.",
    key=("region", "sector", "year"),
    columns=(
        Column("region", "string", "Region code."),
        Column("sector", "string", "Sector code."),
        Column("year", "integer", "Year.", minimum=1900, maximum=2100),
        Column("employment", "number", "Persons employed.", minimum=0),
        Column(
            "establishments",
            "number",
            "Number of establishments.",
            required=False,
            minimum=0,
        ),
    ),
)

REGIONS = Schema(
    name="regions",
    description="The region hierarchy: commune -> province -> region -> country -> maghreb.",
    key=("code",),
    columns=(
        Column("code", "string", "Region code (see module docstring)."),
        Column("level", "string", "Level in the hierarchy.", choices=REGION_LEVELS),
        Column("parent", "string", "Code of the unit one level up.", required=False),
        Column("country", "string", "ISO 3166-1 alpha-2 country code.", required=False),
        Column("name_fr", "string", "Name in French.", required=False),
        Column("name_ar", "string", "Name in Arabic.", required=False),
        Column("name_en", "string", "Name in English.", required=False),
    ),
)

SECTORS = Schema(
    name="sectors",
    description="Activity codes of a classification with their hierarchy and labels.",
    key=("classification", "code"),
    columns=(
        Column("classification", "string", "Classification.", choices=CLASSIFICATIONS),
        Column("code", "string", "Activity code."),
        Column("level", "string", "section, division, group or class."),
        Column("parent", "string", "Code one level up.", required=False),
        Column("label_en", "string", "Label in English.", required=False),
        Column("label_fr", "string", "Label in French.", required=False),
        Column("label_ar", "string", "Label in Arabic.", required=False),
    ),
)

ACTORS = Schema(
    name="actors",
    description="Firms, universities, research bodies, public bodies, finance, associations.",
    key=("id",),
    columns=(
        Column("id", "string", "Identifier of the actor."),
        Column("name", "string", "Name."),
        Column("kind", "string", "Kind of actor.", choices=ACTOR_KINDS),
        Column("country", "string", "ISO 3166-1 alpha-2 country code.", choices=MAGHREB_COUNTRIES),
        Column("region", "string", "Region code.", required=False),
        Column("sector", "string", "ISIC Rev.4 code of its main activity.", required=False),
        Column("city", "string", "City.", required=False),
        Column("cluster", "string", "Identifier of the cluster it belongs to.", required=False),
        Column("website", "string", "Web address.", required=False),
        Column(
            "longitude", "number", "WGS 84 longitude.", required=False, minimum=-180, maximum=180
        ),
        Column("latitude", "number", "WGS 84 latitude.", required=False, minimum=-90, maximum=90),
    ),
)

SCHEMAS: dict[str, Schema] = {
    s.name: s for s in (ESTABLISHMENTS, EMPLOYMENT, REGIONS, SECTORS, ACTORS)
}
