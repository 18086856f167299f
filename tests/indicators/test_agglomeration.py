"""Agglomeration indices: reference values, properties and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.errors import InvalidInputError
from grappes.indicators.agglomeration import (
    coagglomeration,
    ellison_glaeser,
    litzenberger_sternberg,
    maurel_sedillot,
)
from tests.conftest import RTOL
from tests.indicators.contract_agglomeration import cells_table, plants_table, regions_table

# --- Ellison–Glaeser: reference values ------------------------------------------------------

# REAT 3.0.3 documentation (Farhauer & Kröll 2014), ellison.a(E_ik, E_j, j):
# gamma = 0.05990628412, G = 0.1681632653, H = 0.2446887755, K = 10 plants
# (shared/refcases/REAT/reat_expected.json, key "ellison_a"). E_j are the regional totals of
# Wien, Linz and Graz, in the order in which REAT meets them in j.
REAT_PLANTS = pd.DataFrame(
    {
        "plant": [f"k{i:02d}" for i in range(1, 11)],
        "region": ["Wien"] * 5 + ["Linz"] * 4 + ["Graz"],
        "sector": ["ind"] * 10,
        "employment": [200.0, 650, 12000, 100, 50, 16000, 13000, 1500, 1500, 25000],
    }
)
REAT_REGIONS = pd.DataFrame(
    {"region": ["Wien", "Linz", "Graz"], "employment": [500000.0, 400000.0, 100000.0]}
)


def test_reat_ellison_a_reference() -> None:
    result = ellison_glaeser(REAT_PLANTS, plant="plant", reference=REAT_REGIONS).iloc[0]
    assert result["sector"] == "ind"
    assert result["gamma"] == pytest.approx(0.05990628412, rel=1e-9)
    assert result["G"] == pytest.approx(0.1681632653, rel=1e-9)
    assert result["H"] == pytest.approx(0.2446887755, rel=1e-9)
    assert result["plants"] == 10


def test_regional_totals_are_matched_by_key_not_by_position() -> None:
    # METHODS.md: matching E_j to the regions in sorted label order (Graz, Linz, Wien get
    # 500000, 400000, 100000) gives gamma = -0.2531477 (reat_expected.json, E_j_order_note).
    # That number is reproduced here by giving those wrong totals *by key*; and the right
    # totals give 0.0599 however the rows of either table are ordered.
    wrong = pd.DataFrame(
        {"region": ["Graz", "Linz", "Wien"], "employment": [500000.0, 400000.0, 100000.0]}
    )
    assert ellison_glaeser(REAT_PLANTS, reference=wrong)["gamma"].iloc[0] == pytest.approx(
        -0.2531477, rel=1e-6
    )
    for seed in range(5):
        plants = REAT_PLANTS.sample(frac=1.0, random_state=seed)
        regions = REAT_REGIONS.sample(frac=1.0, random_state=seed + 10)
        gamma = ellison_glaeser(plants, reference=regions)["gamma"].iloc[0]
        assert gamma == pytest.approx(0.05990628412, rel=1e-9)


# Three regions with 30, 20 and 10 workers: x = (1/2, 1/3, 1/6), Σx² = 14/36 = 7/18.
# Sector x: three plants of 10 in a, so s = (1, 0, 0), H = 3 · (1/3)² = 1/3.
# Sector y: two plants of 10 in b and one in c, so s = (0, 2/3, 1/3), H = 1/3.
HAND = pd.DataFrame(
    {
        "region": ["a", "a", "a", "b", "b", "c"],
        "sector": ["x", "x", "x", "y", "y", "y"],
        "employment": [10.0] * 6,
    }
)


def test_hand_computed_ellison_glaeser() -> None:
    # x: G = (1 − 1/2)² + (1/3)² + (1/6)² = 9/36 + 4/36 + 1/36 = 7/18.
    # y: G = (1/2)² + (2/3 − 1/3)² + (1/3 − 1/6)² = 9/36 + 4/36 + 1/36 = 7/18.
    # γ = (7/18 − (11/18)(1/3)) / ((11/18)(2/3)) = (21 − 11)/54 / (22/54) = 5/11 for both.
    result = ellison_glaeser(HAND).set_index("sector")
    assert result.loc["x", "G"] == pytest.approx(7 / 18, rel=RTOL)
    assert result.loc["y", "G"] == pytest.approx(7 / 18, rel=RTOL)
    assert result["H"].tolist() == pytest.approx([1 / 3, 1 / 3], rel=RTOL)
    assert result["gamma"].tolist() == pytest.approx([5 / 11, 5 / 11], rel=RTOL)
    assert result["plants"].tolist() == [3, 3]


def test_hand_computed_maurel_sedillot() -> None:
    # x: Σs² = 1, G_MS = (1 − 7/18)/(11/18) = 1, γ = (1 − 1/3)/(2/3) = 1.
    # y: Σs² = 4/9 + 1/9 = 10/18, G_MS = (10/18 − 7/18)/(11/18) = 3/11,
    #    γ = (3/11 − 1/3)/(2/3) = (−2/33)(3/2) = −1/11.
    # Same G, different γ: MS weighs a region by its share of the sector alone.
    result = maurel_sedillot(HAND).set_index("sector")["gamma_ms"]
    assert result["x"] == pytest.approx(1.0, rel=RTOL)
    assert result["y"] == pytest.approx(-1 / 11, rel=RTOL)


def test_by_year_computes_each_year_alone() -> None:
    table = plants_table()
    both = ellison_glaeser(table, plant="plant", by=("year",))
    alone = ellison_glaeser(table[table.year == 2024].drop(columns="year"), plant="plant")
    got = both[both.year == 2024].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone, rtol=RTOL, check_dtype=False)


# --- Properties ----------------------------------------------------------------------------


@st.composite
def plant_tables(draw: st.DrawFn) -> pd.DataFrame:
    """Plants in 2–5 regions and 2–4 sectors, every sector with at least two plants."""
    regions = draw(st.lists(st.sampled_from("pqrstu"), min_size=2, max_size=5, unique=True))
    sectors = draw(st.lists(st.sampled_from("ABCDE"), min_size=2, max_size=4, unique=True))
    rows = []
    for sector in sectors:
        n = draw(st.integers(2, 8))
        for _ in range(n):
            rows.append(
                (
                    draw(st.sampled_from(regions)),
                    sector,
                    float(draw(st.integers(1, 10_000))),
                )
            )
    table = pd.DataFrame(rows, columns=["region", "sector", "employment"])
    # Every region must hold some employment for the regional shares to be spread.
    extra = pd.DataFrame(
        {"region": regions, "sector": sectors[0], "employment": [1.0] * len(regions)}
    )
    return pd.concat([table, extra], ignore_index=True)


@settings(max_examples=15, deadline=None)
@given(plant_tables(), st.floats(0.01, 100))
def test_order_relabelling_and_scale_change_nothing(table: pd.DataFrame, factor: float) -> None:
    base = ellison_glaeser(table)
    relabelled = table.assign(
        region="R-" + table.region, employment=table.employment * factor
    ).sample(frac=1.0, random_state=7)
    got = ellison_glaeser(relabelled)
    pd.testing.assert_frame_equal(got, base, rtol=1e-9)
    ms = maurel_sedillot(table)
    pd.testing.assert_frame_equal(maurel_sedillot(relabelled), ms, rtol=1e-9)


@settings(max_examples=15, deadline=None)
@given(plant_tables())
def test_ellison_glaeser_equals_maurel_sedillot_for_equal_regions(table: pd.DataFrame) -> None:
    # γ_EG − γ_MS ∝ Σ_r x_r (s_r − x_r), which is 0 when every region has the same total.
    regions = sorted(table.region.unique())
    equal = pd.DataFrame({"region": regions, "employment": [1000.0] * len(regions)})
    eg = ellison_glaeser(table, reference=equal)["gamma"]
    ms = maurel_sedillot(table, reference=equal)["gamma_ms"]
    np.testing.assert_allclose(eg, ms, rtol=1e-9, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(plant_tables())
def test_ellison_glaeser_agrees_with_a_direct_computation(table: pd.DataFrame) -> None:
    x = table.groupby("region").employment.sum()
    x = x / x.sum()
    result = ellison_glaeser(table).set_index("sector")
    for sector, plants in table.groupby("sector"):
        s = plants.groupby("region").employment.sum().reindex(x.index, fill_value=0.0)
        s = s / s.sum()
        g = float(((s - x) ** 2).sum())
        h = float(((plants.employment / plants.employment.sum()) ** 2).sum())
        x2 = float((x**2).sum())
        gamma = (g - (1 - x2) * h) / ((1 - x2) * (1 - h))
        got = result.loc[str(sector)]
        assert got["G"] == pytest.approx(g, rel=1e-9, abs=1e-12)
        assert got["H"] == pytest.approx(h, rel=1e-9)
        assert got["gamma"] == pytest.approx(gamma, rel=1e-9, abs=1e-12)


# --- Coagglomeration -----------------------------------------------------------------------


def test_hand_computed_coagglomeration() -> None:
    # Regions a, b, c hold 2, 2 and 4 workers: x = (1/4, 1/4, 1/2), Σx² = 3/8, 1 − Σx² = 5/8.
    # Sector x is all in a, y all in b, z all in c (no two sectors share a region).
    # γᶜ_xy = [(3/4)(−1/4) + (−1/4)(3/4) + (−1/2)(−1/2)] / (5/8) = (−2/16)/(10/16) = −1/5.
    # γᶜ_xz = [(3/4)(−1/4) + (−1/4)(−1/4) + (−1/2)(1/2)] / (5/8) = (−6/16)/(10/16) = −3/5.
    # γᶜ_yz = −3/5 by symmetry.
    table = pd.DataFrame(
        {"region": ["a", "b", "c"], "sector": ["x", "y", "z"], "employment": [2.0, 2.0, 4.0]}
    )
    result = coagglomeration(table)
    assert result[["sector_a", "sector_b"]].values.tolist() == [["x", "y"], ["x", "z"], ["y", "z"]]
    assert result["coagglomeration"].tolist() == pytest.approx([-0.2, -0.6, -0.6], rel=RTOL)
    only = coagglomeration(table, sectors=["z", "x"])
    assert only["coagglomeration"].tolist() == pytest.approx([-0.6], rel=RTOL)


def test_coagglomeration_of_two_sectors_sharing_regions() -> None:
    # Two regions of 6 workers: x = (1/2, 1/2), 1 − Σx² = 1/2. s_x = (3/4, 1/4),
    # s_y = (1/4, 3/4), s_z = (1/2, 1/2).
    # γᶜ_xy = [(1/4)(−1/4) + (−1/4)(1/4)]/(1/2) = −1/4; z follows x_r, so γᶜ_xz = γᶜ_yz = 0.
    table = pd.DataFrame(
        {
            "region": ["a", "a", "a", "b", "b", "b"],
            "sector": ["x", "y", "z", "x", "y", "z"],
            "employment": [3.0, 1.0, 2.0, 1.0, 3.0, 2.0],
        }
    )
    result = coagglomeration(table)["coagglomeration"].tolist()
    assert result == pytest.approx([-0.25, 0.0, 0.0], abs=1e-12)


@settings(max_examples=15, deadline=None)
@given(plant_tables())
def test_coagglomeration_of_a_sector_with_its_twin_is_its_concentration(
    table: pd.DataFrame,
) -> None:
    # With the regional shares x fixed by a reference, a copy of sector A has the same s_r,
    # so γᶜ(A, copy) = Σ(s_r − x_r)² / (1 − Σx²) = G_A / (1 − Σx²).
    totals = table.groupby("region", as_index=False).employment.sum()
    first = table.sector.iloc[0]
    twin = table[table.sector == first].assign(sector="twin")
    both = pd.concat([table, twin], ignore_index=True)
    pair = coagglomeration(both, sectors=[first, "twin"], reference=totals)
    g = ellison_glaeser(table, reference=totals).set_index("sector").loc[first, "G"]
    x = totals.employment / totals.employment.sum()
    expected = g / (1 - float((x**2).sum()))
    assert pair["coagglomeration"].iloc[0] == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(max_examples=15, deadline=None)
@given(plant_tables())
def test_coagglomeration_agrees_with_a_direct_computation(table: pd.DataFrame) -> None:
    grid = table.pivot_table(
        index="region", columns="sector", values="employment", aggfunc="sum", fill_value=0.0
    )
    x = grid.sum(axis=1) / grid.to_numpy().sum()
    s = grid / grid.sum(axis=0)
    result = coagglomeration(table.sample(frac=1.0, random_state=3))
    for row in result.itertuples():
        direct = float(((s[row.sector_a] - x) * (s[row.sector_b] - x)).sum()) / (
            1 - float((x**2).sum())
        )
        assert row.coagglomeration == pytest.approx(direct, rel=1e-9, abs=1e-12)


# --- Litzenberger–Sternberg ----------------------------------------------------------------


def test_reat_litzenberger_reference() -> None:
    # REAT 3.0.3 documentation, litzenberger(e_ij=1743, e_i=5740, a_j=50, a=576, p_j=488,
    # p=4621, b_ij=35, b_i=53) = 21.87491102 (reat_expected.json,
    # "litzenberger_sternberg_cluster_index"). The rest of the country is one region.
    table = pd.DataFrame(
        {
            "region": ["j", "rest"],
            "sector": ["i", "i"],
            "employment": [1743.0, 5740.0 - 1743.0],
            "establishments": [35.0, 53.0 - 35.0],
        }
    )
    regions = pd.DataFrame(
        {"region": ["rest", "j"], "area": [576.0 - 50.0, 50.0], "population": [4621.0 - 488, 488]}
    )
    result = litzenberger_sternberg(table, regions=regions).set_index("region")
    assert result.loc["j", "cluster_index"] == pytest.approx(21.87491102, rel=1e-9)
    in_rows = table.merge(regions, on="region")
    again = litzenberger_sternberg(in_rows).set_index("region")
    assert again.loc["j", "cluster_index"] == pytest.approx(21.87491102, rel=1e-9)


def test_hand_computed_litzenberger_sternberg() -> None:
    # Region a: 30 workers in 3 plants, 10 km², 100 people; b: 10 in 2, 30 km², 100 people.
    # Country: 40 workers, 5 plants, 40 km², 200 people.
    # CI_a = (30·3)/(40·5) · 40/10 · 200/100 = 0.45 · 4 · 2 = 3.6
    # CI_b = (10·2)/(40·5) · 40/30 · 200/100 = 0.1 · 4/3 · 2 = 0.2667
    table = pd.DataFrame(
        {
            "region": ["a", "b"],
            "sector": ["x", "x"],
            "employment": [30.0, 10.0],
            "establishments": [3.0, 2.0],
            "area": [10.0, 30.0],
            "population": [100.0, 100.0],
        }
    )
    result = litzenberger_sternberg(table)["cluster_index"].tolist()
    assert result == pytest.approx([3.6, 0.8 / 3], rel=RTOL)


def test_regions_table_may_hold_regions_without_rows() -> None:
    # A region with no row still counts in the country's area and population.
    table = cells_table().drop(columns=["area", "population"])
    regions = regions_table()
    extra = pd.concat(
        [regions, pd.DataFrame({"region": ["MA-99"], "area": [5000.0], "population": [1e6]})]
    )
    base = litzenberger_sternberg(table, regions=regions)
    more = litzenberger_sternberg(table, regions=extra)
    a, p = regions.area.sum(), regions.population.sum()
    factor = (a + 5000.0) / a * (p + 1e6) / p
    np.testing.assert_allclose(more.cluster_index, base.cluster_index * factor, rtol=1e-12)


@settings(max_examples=15, deadline=None)
@given(st.floats(0.01, 100), st.floats(0.01, 100), st.floats(0.01, 100))
def test_cluster_index_is_free_of_units(area: float, people: float, jobs: float) -> None:
    table = cells_table()
    base = litzenberger_sternberg(table)
    scaled = table.assign(
        area=table.area * area,
        population=table.population * people,
        employment=table.employment * jobs,
    ).sample(frac=1.0, random_state=2)
    pd.testing.assert_frame_equal(litzenberger_sternberg(scaled), base, rtol=1e-9)


def summed_into_cells(plants: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The plants aggregated by hand into region x sector cells (Σe, Σe², count)."""
    squared = plants.assign(squares=plants.employment**2)
    return squared.groupby(["region", "sector", *by], as_index=False).agg(
        employment=("employment", "sum"), squares=("squares", "sum"), n=("employment", "size")
    )


@settings(max_examples=15, deadline=None)
@given(plant_tables())
def test_cells_give_what_their_plants_give(table: pd.DataFrame) -> None:
    cells = summed_into_cells(table).sample(frac=1.0, random_state=3)
    got = ellison_glaeser(cells, squares="squares", plants="n")
    pd.testing.assert_frame_equal(got, ellison_glaeser(table), rtol=1e-12)
    got_ms = maurel_sedillot(cells, squares="squares", plants="n")
    pd.testing.assert_frame_equal(got_ms, maurel_sedillot(table), rtol=1e-12)


def test_cells_by_year_and_with_a_reference() -> None:
    table = plants_table()
    by_year = ellison_glaeser(
        summed_into_cells(table, ("year",)), squares="squares", plants="n", by=("year",)
    )
    pd.testing.assert_frame_equal(by_year, ellison_glaeser(table, by=("year",)), rtol=1e-12)
    reat = ellison_glaeser(
        summed_into_cells(REAT_PLANTS), squares="squares", plants="n", reference=REAT_REGIONS
    )
    assert reat["gamma"].iloc[0] == pytest.approx(0.05990628412, rel=1e-9)  # REAT, above
    assert reat["plants"].iloc[0] == 10


def test_cells_refuse_half_a_description_and_bad_cells() -> None:
    cells = summed_into_cells(REAT_PLANTS)
    with pytest.raises(InvalidInputError, match=r"squares and plants .* go together"):
        ellison_glaeser(cells, squares="squares")
    with pytest.raises(InvalidInputError, match=r"plant='plant' names plant rows"):
        ellison_glaeser(cells.assign(plant="k"), squares="squares", plants="n", plant="plant")
    with pytest.raises(InvalidInputError, match=r"'n' must count plants as integers"):
        ellison_glaeser(cells.assign(n=cells.n * 1.0), squares="squares", plants="n")
    with pytest.raises(InvalidInputError, match=r"must identify one row"):
        ellison_glaeser(pd.concat([cells, cells]), squares="squares", plants="n")
    negative = cells.assign(squares=-cells.squares)
    with pytest.raises(InvalidInputError, match=r"'squares' must be non-negative.*region="):
        maurel_sedillot(negative, squares="squares", plants="n")


# --- Errors --------------------------------------------------------------------------------


def test_plant_listed_twice_raises() -> None:
    twice = pd.concat([REAT_PLANTS, REAT_PLANTS.iloc[[2]]])
    with pytest.raises(InvalidInputError, match=r"each plant must appear once.*plant='k03'"):
        ellison_glaeser(twice, plant="plant", reference=REAT_REGIONS)


def test_reference_missing_a_region_raises() -> None:
    with pytest.raises(InvalidInputError, match=r"reference table.*region='Graz'"):
        ellison_glaeser(REAT_PLANTS, reference=REAT_REGIONS.iloc[:2])


def test_single_plant_sector_raises_or_gives_nan() -> None:
    table = pd.concat(
        [HAND, pd.DataFrame({"region": ["b"], "sector": ["solo"], "employment": [5.0]})]
    )
    with pytest.raises(InvalidInputError, match=r"one plant \(H = 1\).*sector='solo'"):
        ellison_glaeser(table)
    with pytest.raises(InvalidInputError, match=r"sector='solo'"):
        maurel_sedillot(table)
    result = ellison_glaeser(table, on_undefined="nan").set_index("sector")
    assert result["gamma"].isna().tolist() == [True, False, False]  # solo, x, y
    assert result.drop(index="solo")["gamma"].notna().all()


def test_sector_without_employment_raises() -> None:
    table = pd.concat(
        [HAND, pd.DataFrame({"region": ["a", "b"], "sector": ["none"] * 2, "employment": 0.0})]
    )
    with pytest.raises(InvalidInputError, match=r"every sector must have employment.*'none'"):
        ellison_glaeser(table)
    with pytest.raises(InvalidInputError, match=r"every sector must have employment.*'none'"):
        coagglomeration(table)
    assert coagglomeration(table, on_undefined="nan")["coagglomeration"].isna().sum() == 2


def test_single_region_economy_raises() -> None:
    table = HAND.assign(region="a")
    with pytest.raises(InvalidInputError, match="at least two regions"):
        ellison_glaeser(table)
    assert ellison_glaeser(table, on_undefined="nan")["gamma"].isna().all()


def test_coagglomeration_sectors_argument_is_checked() -> None:
    with pytest.raises(InvalidInputError, match="at least two different sectors"):
        coagglomeration(HAND, sectors=["x", "x"])
    with pytest.raises(InvalidInputError, match=r"sectors \['w'\] are not in the table"):
        coagglomeration(HAND, sectors=["x", "w"])


def test_litzenberger_area_must_be_constant_within_a_region() -> None:
    table = cells_table()
    table.loc[1, "area"] = 1.0
    with pytest.raises(InvalidInputError, match=r"must be the same on every row.*'MA-01'"):
        litzenberger_sternberg(table)


def test_litzenberger_regions_table_must_cover_the_regions() -> None:
    table = cells_table().drop(columns=["area", "population"])
    with pytest.raises(InvalidInputError, match=r"regions table.*region='MA-12'"):
        litzenberger_sternberg(table, regions=regions_table().iloc[:3])


def test_litzenberger_area_must_be_positive() -> None:
    table = cells_table().drop(columns=["area", "population"])
    regions = regions_table()
    regions.loc[0, "area"] = 0.0
    with pytest.raises(InvalidInputError, match=r"'area' must be positive"):
        litzenberger_sternberg(table, regions=regions)


def test_litzenberger_sector_without_establishments_raises_or_gives_nan() -> None:
    table = cells_table()
    table.loc[table.sector == "F", "establishments"] = 0.0
    with pytest.raises(InvalidInputError, match=r"sector='F'"):
        litzenberger_sternberg(table)
    result = litzenberger_sternberg(table, on_zero_total="nan")
    assert result[result.sector == "F"].cluster_index.isna().all()
    assert result[result.sector != "F"].cluster_index.notna().all()
