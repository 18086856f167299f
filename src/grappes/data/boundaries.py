"""The boundaries of the Maghreb: polygons to map the units of :mod:`grappes.data.geography`.

:func:`boundaries` returns a GeoDataFrame whose codes are the codes of the region hierarchy
(:func:`grappes.data.geography.regions`), with two explicit exceptions: Algeria's ten wilayas
of 2019 have no polygon of their own (:data:`ALGERIA_2019_WILAYAS`), and Western Sahara is a
feature ``EH`` of its own in the Maghreb-wide map, with no row in the hierarchy.

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
Elastic's OpenStreetMap boundaries of Morocco (ODbL 1.0, © OpenStreetMap contributors) and
Natural Earth admin-1 (public domain); names from the region hierarchy. The bundled files and
their README are in ``grappes/data/bundled/boundaries``; ``tools/make_boundaries.py`` made
them. Nothing is read at import time: each file is read when first asked for, then cached.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import pandas as pd

from grappes.data.geography import regions
from grappes.data.geography_sources import (
    bundled_file,
    country_name,
    province_crosswalk,
    translated,
    translations,
)
from grappes.errors import ConfigurationError, InvalidInputError, check_choice
from grappes.tables import MAGHREB_COUNTRIES

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "ALGERIA_2019_WILAYAS",
    "WESTERN_SAHARA_CONVENTION",
    "WESTERN_SAHARA_REGIONS",
    "BoundaryLevel",
    "boundaries",
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

_BOUNDARY_LEVELS: tuple[str, ...] = ("region", "province")
_BOUNDARY_COLUMNS = ("code", "country", "name_fr", "name_ar", "name_en", "disputed", "source")
_OSM = "OpenStreetMap (Elastic EMS), ODbL 1.0"
_NATURAL_EARTH = "Natural Earth admin-1, public domain"


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
        :func:`grappes.data.geography.regions`, except ``EH``), ``country`` (``<NA>`` for
        ``EH``), ``name_fr``, ``name_ar``, ``name_en`` (as in ``regions``), ``disputed`` (bool, see
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
    check_choice("boundaries", "country", country, MAGHREB_COUNTRIES, allow_none=True)
    check_choice("boundaries", "level", level, _BOUNDARY_LEVELS)
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


@functools.cache
def _boundary_file_cached(name: str) -> gpd.GeoDataFrame:
    """A bundled gzipped GeoJSON file as a GeoDataFrame (properties: ``code``)."""
    import geopandas as gpd

    collection = json.loads(gzip.decompress(bundled_file(name)))
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
    crosswalk = province_crosswalk()
    mapping = dict(zip(crosswalk["iso_code"], crosswalk["hcp_code"], strict=True))
    frame["code"] = frame["code"].map(mapping).astype("string")
    disputed = set(crosswalk.loc[crosswalk["western_sahara"] != "none", "hcp_code"])
    return _finish(frame, source=_OSM, disputed=disputed)


def _finish(
    frame: gpd.GeoDataFrame, *, source: str, disputed: set[str] | None = None
) -> gpd.GeoDataFrame:
    """Add names, country, ``disputed`` and ``source`` to a frame of codes and polygons."""
    import geopandas as gpd

    names = regions().set_index("code")
    table = pd.DataFrame({"code": frame["code"].to_numpy()})
    table = table.join(names[["country", "name_fr", "name_ar", "name_en"]], on="code")
    is_eh = table["code"] == "EH"
    if is_eh.any():
        name = country_name("EH")
        eh_names = (
            translated(translations("iso3166-1", "fr"), name),
            translated(translations("iso3166-1", "ar"), name),
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
