"""Shift-share analysis: reference values, properties and errors."""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.errors import InvalidInputError
from grappes.indicators.shift_share import ADDITIVE, COMPONENTS, shift_share
from tests.conftest import RTOL

# REAT 3.0.3 documentation (Farhauer & Kröll 2013), shift(e_t, e_t1, X_t, X_t1) for three
# regions A, B, C of four industries, and the nation X (shared/refcases/REAT/
# reat_expected.json, keys "shift_dunn", "shift_esteban_marquillas_A", "shift_gerfin_A",
# "shift_dynamic_A"). Here the nation is exactly the sum of A, B and C.
REGIONS = {
    "A": ([90, 20, 10, 60], [100, 40, 10, 55], [105, 45, 15, 60]),
    "B": ([60, 30, 30, 40], [85, 55, 40, 35], None),
    "C": ([250, 100, 110, 300], [255, 115, 85, 390], None),
}
NATION = ([400, 150, 150, 400], [440, 210, 135, 480], [460, 230, 155, 500])
SECTORS = ("1", "2", "3", "4")


def reat_table(regions: str = "ABC") -> pd.DataFrame:
    rows = [
        (region, sector, year, float(values[i]))
        for region in regions
        for year, values in zip((2000, 2001), REGIONS[region][:2], strict=True)
        for i, sector in enumerate(SECTORS)
    ]
    return pd.DataFrame(rows, columns=["region", "sector", "year", "employment"])


def reat_nation(years: int = 2) -> pd.DataFrame:
    rows = [
        (sector, 2000 + y, float(NATION[y][i]))
        for y in range(years)
        for i, sector in enumerate(SECTORS)
    ]
    return pd.DataFrame(rows, columns=["sector", "year", "employment"])


def region_a_three_years() -> pd.DataFrame:
    rows = [
        ("A", sector, 2000 + y, float(REGIONS["A"][y][i]))  # type: ignore[index]
        for y in range(3)
        for i, sector in enumerate(SECTORS)
    ]
    return pd.DataFrame(rows, columns=["region", "sector", "year", "employment"])


# --- Reference values ----------------------------------------------------------------------

REAT_DUNN = {  # national_share, industrial_mix, regional_share, net_total_shift, growth
    "A": (27, 1, -3, -2, 25),
    "B": (24, -1, 32, 31, 55),
    "C": (114, 0, -29, -29, 85),
}


@pytest.mark.parametrize("with_reference", [True, False], ids=["reference", "own-totals"])
def test_reat_shift_dunn(with_reference: bool) -> None:
    reference = reat_nation() if with_reference else None
    result = shift_share(reat_table(), level="region", reference=reference).set_index("region")
    for region, (national, mix, regional, net, growth) in REAT_DUNN.items():
        got = result.loc[region]
        assert got["national_share"] == pytest.approx(national, rel=RTOL)
        assert got["industrial_mix"] == pytest.approx(mix, rel=RTOL, abs=1e-9)
        assert got["regional_share"] == pytest.approx(regional, rel=RTOL)
        assert got["net_total_shift"] == pytest.approx(net, rel=RTOL)
        assert got["actual_change"] == pytest.approx(growth, rel=RTOL)


def test_reat_shifti_industry_level() -> None:
    # shifti(A_t, A_t1, X_t, X_t1): per industry, growth (10, 20, 0, −5), "National share"
    # (REAT's per-industry national share includes the mix) (9, 8, −1, 12) and regional
    # share (1, 12, 1, −17) (reat_expected.json, "industry_level_A_R").
    result = shift_share(reat_table("A"), reference=reat_nation())
    assert result["actual_change"].tolist() == pytest.approx([10, 20, 0, -5], rel=RTOL)
    national_plus_mix = result["national_share"] + result["industrial_mix"]
    assert national_plus_mix.tolist() == pytest.approx([9, 8, -1, 12], rel=RTOL)
    assert result["regional_share"].tolist() == pytest.approx([1, 12, 1, -17], rel=RTOL)


def test_reat_esteban_marquillas() -> None:
    # shifti(…, shift.method="Esteban") aggregate for A: 27, 1, −0.6363636364, −2.3636363636.
    result = shift_share(
        reat_table("A"), method="esteban_marquillas", level="region", reference=reat_nation()
    ).iloc[0]
    assert result["national_share"] == pytest.approx(27, rel=RTOL)
    assert result["industrial_mix"] == pytest.approx(1, rel=RTOL)
    assert result["regional_share_homothetic"] == pytest.approx(-0.6363636364, rel=1e-9)
    assert result["allocation_effect"] == pytest.approx(-2.3636363636, rel=1e-9)


def test_reat_gerfin() -> None:
    # shifti(…, shift.method="Gerfin") for A: industrial mix 1.0048309179, regional share
    # 0.9855769231, net total shift 0.9903381643; per industry the regional share is
    # 1.01010101, 1.428571429, 1.111111111, 0.7638888889.
    region = shift_share(
        reat_table("A"), method="gerfin", level="region", reference=reat_nation()
    ).iloc[0]
    assert region["industrial_mix"] == pytest.approx(1.0048309179, rel=1e-9)
    assert region["regional_share"] == pytest.approx(0.9855769231, rel=1e-9)
    assert region["net_total_shift"] == pytest.approx(0.9903381643, rel=1e-9)
    sectors = shift_share(reat_table("A"), method="gerfin", reference=reat_nation())
    assert sectors["regional_share"].tolist() == pytest.approx(
        [1.01010101, 1.428571429, 1.111111111, 0.7638888889], rel=1e-8
    )


def test_reat_dynamic() -> None:
    # shiftd(A 2000–2002, X 2000–2002) totals: national share 39.9644268775, industrial mix
    # 0.1636996257, regional share 4.8718734969, net total shift 5.0355731225, growth 45.
    result = shift_share(
        region_a_three_years(), method="dynamic", level="region", reference=reat_nation(3)
    ).iloc[0]
    assert result["national_share"] == pytest.approx(39.9644268775, rel=1e-9)
    assert result["industrial_mix"] == pytest.approx(0.1636996257, rel=1e-8)
    assert result["regional_share"] == pytest.approx(4.8718734969, rel=1e-9)
    assert result["net_total_shift"] == pytest.approx(5.0355731225, rel=1e-9)
    assert result["actual_change"] == pytest.approx(45, rel=RTOL)
    # The comparative-static split over 2000–2002 differs: the point of the dynamic one.
    static = shift_share(region_a_three_years(), level="region", reference=reat_nation(3)).iloc[0]
    assert static["national_share"] != pytest.approx(39.9644268775, rel=1e-3)


def test_hand_computed_arcelus() -> None:
    # Region A of REAT's example, nation X. G = 1265/1100 − 1 = 3/20; region A grows from
    # 180 to 205, g = 25/180 = 5/36, so g − G = (25 − 27)/180 = −1/90. Homothetic employment
    # ê_i = 180 · E_i/1100: ê_1 = 720/11, ê_2 = 270/11.
    # Sector 1: e = 90 → 100, G_1 = 1/10, g_1 = 1/9.
    #   national = 90 · 3/20 = 13.5; mix = 90 · (1/10 − 3/20) = −4.5;
    #   regional growth = 90 · (−1/90) = −1;
    #   own = (g_1 − g) − (G_1 − G) = (1/9 − 5/36) + 1/20 = −1/36 + 1/20 = 1/45;
    #   regional industry mix = 90 · 1/45 = 2;  13.5 − 4.5 − 1 + 2 = 10 = 100 − 90.
    #   homothetic / allocation: (720/11)(−1/90) = −8/11 and (270/11)(−1/90) = −3/11;
    #   (720/11)(1/45) = 16/11 and (270/11)(1/45) = 6/11.
    # Sector 2: e = 20 → 40, G_2 = 2/5, g_2 = 1.
    #   national = 3; mix = 20 · 1/4 = 5; regional growth = −20/90 = −2/9;
    #   regional industry mix = 20 · [(1 − 5/36) − 1/4] = 20 · 22/36 = 110/9; sum = 20.
    result = shift_share(reat_table("A"), method="arcelus", reference=reat_nation())
    one, two = result.iloc[0], result.iloc[1]
    expected_one = {
        "national_share": Fraction(27, 2),
        "industrial_mix": Fraction(-9, 2),
        "regional_growth": Fraction(-1),
        "regional_industry_mix": Fraction(2),
        "regional_growth_homothetic": Fraction(-8, 11),
        "regional_growth_allocation": Fraction(-3, 11),
        "regional_industry_mix_homothetic": Fraction(16, 11),
        "regional_industry_mix_allocation": Fraction(6, 11),
        "actual_change": Fraction(10),
    }
    for column, value in expected_one.items():
        assert one[column] == pytest.approx(float(value), rel=RTOL), column
    assert two["national_share"] == pytest.approx(3, rel=RTOL)
    assert two["industrial_mix"] == pytest.approx(5, rel=RTOL)
    assert two["regional_growth"] == pytest.approx(-2 / 9, rel=RTOL)
    assert two["regional_industry_mix"] == pytest.approx(110 / 9, rel=RTOL)
    # Region A in total: regional growth = 180 · (−1/90) = −2, all of it homothetic;
    # regional industry mix = −(industrial mix) = −1; its allocation part is
    # Esteban-Marquillas' allocation effect, −2.3636…, since Σ_i (e_i − ê_i) = 0.
    region = shift_share(
        reat_table("A"), method="arcelus", level="region", reference=reat_nation()
    ).iloc[0]
    assert region["regional_growth"] == pytest.approx(-2, rel=RTOL)
    assert region["regional_growth_homothetic"] == pytest.approx(-2, rel=RTOL)
    assert region["regional_growth_allocation"] == 0.0
    assert region["regional_industry_mix"] == pytest.approx(-1, rel=RTOL)
    assert region["regional_industry_mix_allocation"] == pytest.approx(-2.3636363636, rel=1e-9)


def test_start_and_end_choose_the_years() -> None:
    table = region_a_three_years()
    nation = reat_nation(3)
    default = shift_share(table, reference=nation)
    chosen = shift_share(table, start=2000, end=2002, reference=nation)
    pd.testing.assert_frame_equal(default, chosen)
    two = table[table.year != 2001]
    pd.testing.assert_frame_equal(shift_share(two, reference=nation), chosen)
    first = shift_share(table, end=2001, reference=nation)
    assert first["actual_change"].tolist() == pytest.approx([10, 20, 0, -5], rel=RTOL)


# --- Properties ----------------------------------------------------------------------------


@st.composite
def panels(draw: st.DrawFn) -> pd.DataFrame:
    """Complete region x sector x year panels with positive values."""
    regions = draw(st.lists(st.sampled_from("pqrst"), min_size=2, max_size=4, unique=True))
    sectors = draw(st.lists(st.sampled_from("ABCDE"), min_size=2, max_size=4, unique=True))
    years = draw(st.lists(st.integers(1990, 2030), min_size=2, max_size=4, unique=True))
    rows = [
        (r, s, y, float(draw(st.integers(1, 5000))))
        for r in regions
        for s in sectors
        for y in years
    ]
    return pd.DataFrame(rows, columns=["region", "sector", "year", "employment"])


ADDITIVE_METHODS = ("dunn", "esteban_marquillas", "arcelus", "dynamic")


@settings(max_examples=15, deadline=None)
@given(panels(), st.sampled_from(ADDITIVE_METHODS))
def test_components_sum_to_the_actual_change(table: pd.DataFrame, method: str) -> None:
    sectors = shift_share(table, method=method)  # type: ignore[arg-type]
    total = sectors[list(ADDITIVE[method])].sum(axis=1)
    np.testing.assert_allclose(total, sectors["actual_change"], rtol=1e-9, atol=1e-8)
    # ...and so do they for regions, which are the sums over the sectors.
    regions = shift_share(table, method=method, level="region")  # type: ignore[arg-type]
    summed = sectors.groupby("region", as_index=False)[list(COMPONENTS[method])].sum()
    pd.testing.assert_frame_equal(regions, summed, rtol=1e-9, atol=1e-8)
    np.testing.assert_allclose(
        regions[list(ADDITIVE[method])].sum(axis=1), regions["actual_change"], atol=1e-8
    )


@settings(max_examples=15, deadline=None)
@given(panels())
def test_variants_agree_with_dunn_where_they_should(table: pd.DataFrame) -> None:
    dunn = shift_share(table)
    em = shift_share(table, method="esteban_marquillas")
    arcelus = shift_share(table, method="arcelus")
    split = em["regional_share_homothetic"] + em["allocation_effect"]
    np.testing.assert_allclose(split, dunn["regional_share"], rtol=1e-9, atol=1e-8)
    split = arcelus["regional_growth"] + arcelus["regional_industry_mix"]
    np.testing.assert_allclose(split, dunn["regional_share"], rtol=1e-9, atol=1e-8)
    for part in ("regional_growth", "regional_industry_mix"):
        halves = arcelus[f"{part}_homothetic"] + arcelus[f"{part}_allocation"]
        np.testing.assert_allclose(halves, arcelus[part], rtol=1e-9, atol=1e-8)
    # When the nation is the table, regional shares cancel out over the regions.
    by_sector = dunn.groupby("sector")["regional_share"].sum()
    np.testing.assert_allclose(by_sector, 0.0, atol=1e-7)


@settings(max_examples=15, deadline=None)
@given(panels())
def test_gerfin_indices_multiply(table: pd.DataFrame) -> None:
    levels: tuple[Literal["sector", "region"], ...] = ("sector", "region")
    for level in levels:
        result = shift_share(table, method="gerfin", level=level)
        product = result["industrial_mix"] * result["regional_share"]
        np.testing.assert_allclose(product, result["net_total_shift"], rtol=1e-9)


@settings(max_examples=15, deadline=None)
@given(panels())
def test_order_and_relabelling_change_nothing(table: pd.DataFrame) -> None:
    years = sorted(table.year.unique())
    two = table[table.year.isin([years[0], years[-1]])]
    base = shift_share(table, method="dynamic")
    relabelled = table.assign(region="R-" + table.region, sector="S-" + table.sector)
    got = shift_share(relabelled.sample(frac=1.0, random_state=5), method="dynamic")
    got = got.assign(region=got.region.str[2:], sector=got.sector.str[2:])
    pd.testing.assert_frame_equal(got, base, rtol=1e-9)
    # Over two years the dynamic split is Dunn's.
    pd.testing.assert_frame_equal(shift_share(two, method="dynamic"), shift_share(two), rtol=1e-9)


# --- Errors --------------------------------------------------------------------------------


def test_year_must_be_integer() -> None:
    table = reat_table().assign(year=lambda t: t.year.astype(str))
    with pytest.raises(InvalidInputError, match=r"'year' must hold years as integers"):
        shift_share(table)


def test_start_and_end_must_be_years_of_the_table_in_order() -> None:
    table = reat_table()
    with pytest.raises(InvalidInputError, match=r"start=1999 is not a year of the table"):
        shift_share(table, start=1999)
    with pytest.raises(InvalidInputError, match=r"end=2005 is not a year of the table"):
        shift_share(table, end=2005)
    with pytest.raises(InvalidInputError, match=r"start must come before end"):
        shift_share(table, start=2001, end=2000)
    with pytest.raises(InvalidInputError, match=r"start must come before end"):
        shift_share(table[table.year == 2000])


def test_every_cell_needs_every_year() -> None:
    table = reat_table().iloc[1:]
    with pytest.raises(InvalidInputError, match=r"region='A', sector='1' has 1"):
        shift_share(table)


def test_homothetic_methods_need_every_sector_in_every_region() -> None:
    table = reat_table()
    table = table[~((table.region == "B") & (table.sector == "3"))]
    shift_share(table)  # Dunn does not need the full grid
    with pytest.raises(InvalidInputError, match=r"every region x sector.*region='B', sector='3'"):
        shift_share(table, method="esteban_marquillas")


def test_reference_must_cover_sectors_and_years() -> None:
    nation = reat_nation()
    with pytest.raises(InvalidInputError, match=r"reference table.*sector='4', year=2001"):
        shift_share(reat_table(), reference=nation.iloc[:-1])


def test_duplicate_keys_raise() -> None:
    table = reat_table()
    with pytest.raises(InvalidInputError, match=r"must identify one row"):
        shift_share(pd.concat([table, table.iloc[:1]]))


def test_unknown_method_or_level_raises() -> None:
    with pytest.raises(InvalidInputError, match=r"method must be one of.*got 'dun'"):
        shift_share(reat_table(), method="dun")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"level must be one of.*got 'nation'"):
        shift_share(reat_table(), level="nation")  # type: ignore[arg-type]


def test_zero_start_raises_or_gives_nan() -> None:
    table = reat_table()
    table.loc[
        (table.region == "A") & (table.sector == "3") & (table.year == 2000), "employment"
    ] = 0
    # Dunn needs no growth rate of the cell: a sector may start from 0 in a region.
    dunn = shift_share(table).set_index(["region", "sector"])
    assert dunn.loc[("A", "3"), "regional_share"] == pytest.approx(10.0)
    with pytest.raises(InvalidInputError, match=r"start-year value of region='A', sector='3'"):
        shift_share(table, method="esteban_marquillas")
    em = shift_share(table, method="esteban_marquillas", on_zero="nan")
    cell = em[(em.region == "A") & (em.sector == "3")]
    assert cell[["regional_share_homothetic", "allocation_effect"]].isna().all(axis=None)
    # A region total with a NaN term is NaN, not the sum of the others.
    regions = shift_share(table, method="esteban_marquillas", level="region", on_zero="nan")
    assert regions["allocation_effect"].isna().tolist() == [True, False, False]  # A, B, C


def test_zero_national_sector_raises() -> None:
    nation = reat_nation()
    nation.loc[(nation.sector == "2") & (nation.year == 2000), "employment"] = 0.0
    with pytest.raises(InvalidInputError, match=r"nation's start-year value of sector='2'"):
        shift_share(reat_table("A"), reference=nation)
    nation = reat_nation()
    nation.loc[(nation.sector == "2") & (nation.year == 2001), "employment"] = 0.0
    with pytest.raises(InvalidInputError, match=r"nation's end-year value of sector='2'"):
        shift_share(reat_table("A"), reference=nation, method="gerfin")


# --- The checks folded into validation -----------------------------------------------------
# A clean two-year panel is proved complete and free of zeros by the validation query itself
# (panel_checks.clean_pair); anything else goes through the exact checks, which name it.


def test_a_zero_start_sector_is_found_without_a_reference() -> None:
    table = reat_table()
    table.loc[(table.sector == "2") & (table.year == 2000), "employment"] = 0.0
    with pytest.raises(InvalidInputError, match=r"nation's start-year value of sector='2'"):
        shift_share(table)
    # a zero at the end only defines every growth rate: computed, and the parts still add up
    table = reat_table()
    table.loc[(table.sector == "2") & (table.year == 2001), "employment"] = 0.0
    result = shift_share(table)
    parts = result[list(ADDITIVE["dunn"])].sum(axis=1)
    np.testing.assert_allclose(parts, result["actual_change"], rtol=RTOL)


def test_gerfin_zeros_are_found_without_a_reference() -> None:
    table = reat_table()
    table.loc[(table.region == "B") & (table.sector == "3") & (table.year == 2000)] = (
        "B",
        "3",
        2000,
        0.0,
    )
    with pytest.raises(InvalidInputError, match=r"start-year value of region='B', sector='3'"):
        shift_share(table, method="gerfin")
    table = reat_table()
    table.loc[(table.sector == "4") & (table.year == 2001), "employment"] = 0.0
    with pytest.raises(InvalidInputError, match=r"nation's end-year value of sector='4'"):
        shift_share(table, method="gerfin")


def test_a_gap_in_a_year_not_used_is_allowed() -> None:
    three = region_a_three_years()
    gap = three[~((three.year == 2001) & (three.sector == "2"))]
    expected = shift_share(three[three.year != 2001])
    pd.testing.assert_frame_equal(shift_share(gap), expected)
    with pytest.raises(InvalidInputError, match=r"sector='2' has 1"):
        shift_share(gap, start=2000, end=2001)
