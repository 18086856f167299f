"""Hoover, locational Gini, Gini, Herfindahl and Theil: reference values, properties, errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.errors import InvalidInputError, MissingColumnsError
from grappes.indicators.concentration import gini, herfindahl, hoover, locational_gini, theil
from grappes.indicators.diversity import entropy
from tests.conftest import RTOL
from tests.indicators.contract_concentration import sparse_table
from tests.indicators.contract_specialisation import employment_table

# Inputs of REAT 3.0.3's documentation examples (shared/refcases/REAT/reat_expected.json):
# GDP (bn EUR) and population of the 16 German Länder, 2015.
GDP = [460.69, 549.19, 124.16, 65.29, 31.59, 109.27, 263.44, 39.87, 258.53, 645.59, 131.95,
       35.03, 112.66, 56.22, 85.61, 56.81]  # fmt: skip
POPULATION = [10879618, 12843514, 3520031, 2484826, 671489, 1787408, 6176172, 1612362,
              7926599, 17865516, 4052803, 995597, 4084851, 2245470, 2858714, 2170714]  # fmt: skip
LANDER = [f"DE-{i:02d}" for i in range(16)]


def one_sector(values: list[float], sector: str = "x") -> pd.DataFrame:
    """A table of one sector over regions r00, r01 …"""
    regions = [f"r{i:02d}" for i in range(len(values))]
    return pd.DataFrame({"region": regions, "sector": sector, "employment": values})


def sector_and_rest(sector: list[float], totals: list[float]) -> pd.DataFrame:
    """REAT's (E_ij, E_j) vectors as a table: the sector ``i`` and the rest of each region."""
    rows = [(f"r{j}", "i", e) for j, e in enumerate(sector)]
    rows += [(f"r{j}", "rest", t - e) for j, (e, t) in enumerate(zip(sector, totals, strict=True))]
    return pd.DataFrame(rows, columns=["region", "sector", "employment"])


def value_of(result: pd.DataFrame, key: str, code: str, column: str) -> float:
    return float(result.loc[result[key] == code, column].iloc[0])


# --- Hypothesis strategies shared by the family's tests --------------------------------------

region_codes = st.sampled_from(["MA-01", "MA-02", "MA-03", "MA-04", "MA-05"])


@st.composite
def tables(draw: st.DrawFn, *, zeros: bool = False) -> pd.DataFrame:
    """A dense region x sector table with positive values (or some zeros)."""
    regions = draw(st.lists(region_codes, min_size=2, max_size=5, unique=True))
    sectors = draw(st.lists(st.sampled_from("ABCDEFG"), min_size=2, max_size=5, unique=True))
    low = 0.0 if zeros else 1.0
    n = len(regions) * len(sectors)
    values = draw(st.lists(st.floats(low, 1e6, allow_nan=False), min_size=n, max_size=n))
    rows = [(r, s) for r in regions for s in sectors]
    table = pd.DataFrame(
        {"region": [r for r, _ in rows], "sector": [s for _, s in rows], "employment": values}
    )
    if zeros:  # keep every region and sector total positive
        table.loc[table.groupby("region").head(1).index, "employment"] += 1.0
        table.loc[table.groupby("sector").head(1).index, "employment"] += 1.0
    return table


def relabel(table: pd.DataFrame) -> pd.DataFrame:
    """The same table with other codes, in reverse alphabetical order, rows shuffled."""
    regions = {code: f"Z{9 - i}" for i, code in enumerate(sorted(table.region.unique()))}
    sectors = {code: f"S{9 - i}" for i, code in enumerate(sorted(table.sector.unique()))}
    out = table.assign(region=table.region.map(regions), sector=table.sector.map(sectors))
    return out.sample(frac=1.0, random_state=7).reset_index(drop=True)


def unlabel(result: pd.DataFrame, table: pd.DataFrame, key: str) -> pd.DataFrame:
    """Map a result computed on ``relabel(table)`` back to the codes of ``table``."""
    codes = sorted(table[key].unique())
    back = {(f"Z{9 - i}" if key == "region" else f"S{9 - i}"): c for i, c in enumerate(codes)}
    out = result.assign(**{key: result[key].map(back)})
    return out.sort_values(key).reset_index(drop=True)


# --- Hoover -----------------------------------------------------------------------------------


def test_hoover_reat_reference_with_population_base() -> None:
    # REAT 3.0.3, hoover(gdp, pop) on the German Länder 2015 = 0.07358990889
    # (shared/refcases/REAT/reat_expected.json, key "hoover"; R value, none printed in the Rd).
    table = pd.DataFrame({"region": LANDER, "sector": "gdp", "employment": GDP})
    reference = pd.DataFrame({"region": LANDER, "population": POPULATION})
    result = hoover(table, reference=reference, reference_value="population")
    assert value_of(result, "sector", "gdp", "hoover") == pytest.approx(0.07358990889, rel=1e-9)


def test_hoover_econgeo_example_in_percent() -> None:
    # EconGeo's hoover_index documentation: ind = (0, 10, 10, 30, 50), pop = (10, 15, 20, 25,
    # 30), "30% of the population produces 50% of the industrial output". By hand: shares
    # (0, .1, .1, .3, .5) against (.1, .15, .2, .25, .3): |diff| = .1+.05+.1+.05+.2 = .5,
    # half of it is .25, i.e. 25 percent.
    table = one_sector([0.0, 10.0, 10.0, 30.0, 50.0])
    reference = table[["region"]].assign(employment=[10.0, 15.0, 20.0, 25.0, 30.0])
    percent = hoover(table, reference=reference, scale="percent")
    assert percent.hoover.tolist() == pytest.approx([25.0], rel=RTOL)
    # The region with no industry may as well have no row: a reference region counts as zero.
    sparse = hoover(table.iloc[1:], reference=reference, scale="percent")
    pd.testing.assert_frame_equal(sparse, percent, rtol=RTOL)


def test_hoover_hand_computed_without_reference() -> None:
    # Region totals are a = 3+1 = 4 and b = 1+3 = 4, so the base is (.5, .5); sector x is
    # (.75, .25) over (a, b): H = (|.75-.5| + |.25-.5|)/2 = .25.
    table = pd.DataFrame(
        {
            "region": ["a", "a", "b", "b"],
            "sector": ["x", "y", "x", "y"],
            "employment": [3.0, 1, 1, 3],
        }
    )
    assert hoover(table).hoover.tolist() == pytest.approx([0.25, 0.25], rel=RTOL)


def test_hoover_by_year_computes_each_year_alone() -> None:
    table = sparse_table()
    both = hoover(table, by=("year",))
    alone = hoover(table[table.year == 2024].drop(columns="year"))
    got = both[both.year == 2024].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone, rtol=RTOL)


@settings(max_examples=10, deadline=None)
@given(tables(zeros=True), st.floats(0.01, 100))
def test_hoover_properties(table: pd.DataFrame, factor: float) -> None:
    base = hoover(table)
    assert ((base.hoover >= -1e-12) & (base.hoover < 1)).all()
    scaled = relabel(table.assign(employment=table.employment * factor))
    pd.testing.assert_frame_equal(unlabel(hoover(scaled), table, "sector"), base, rtol=1e-9)
    # Leaving out the zero rows changes nothing.
    pd.testing.assert_frame_equal(hoover(table[table.employment > 0]), base, rtol=1e-9)


def test_hoover_errors() -> None:
    table = one_sector([1.0, 2.0, 3.0])
    reference = table[["region"]].assign(employment=[1.0, 1.0, 1.0])
    with pytest.raises(InvalidInputError, match=r"hoover: the reference .* region='r02'"):
        hoover(table, reference=reference.iloc[:2])
    with pytest.raises(MissingColumnsError, match=r"hoover \(reference\).*'population'"):
        hoover(table, reference=reference, reference_value="population")
    with pytest.raises(InvalidInputError, match=r"base over regions has a total of 0"):
        hoover(table, reference=reference.assign(employment=0.0))
    two = pd.concat([table, one_sector([0.0, 0.0, 0.0], sector="y")])
    with pytest.raises(InvalidInputError, match=r"every sector must have a positive total.*'y'"):
        hoover(two)
    result = hoover(two, on_zero_total="nan")
    assert np.isnan(value_of(result, "sector", "y", "hoover"))
    assert value_of(result, "sector", "x", "hoover") == pytest.approx(0.0, abs=1e-15)


# --- Locational Gini --------------------------------------------------------------------------


def test_locational_gini_reat_gini_conc() -> None:
    # REAT 3.0.3, gini.conc(E_ij = c(500,500,1000,7000,1000),
    # E_j = c(20000,15000,20000,40000,5000)) = 0.4068965517 (reat_expected.json "gini_conc").
    table = sector_and_rest([500, 500, 1000, 7000, 1000], [20000, 15000, 20000, 40000, 5000])
    result = locational_gini(table, convention="reat_lq")
    assert value_of(result, "sector", "i", "locational_gini") == pytest.approx(
        0.4068965517, rel=1e-9
    )


def test_locational_gini_reat_gini_spec() -> None:
    # REAT 3.0.3, gini.spec(E_ij = c(700,600,500,10000,40000),
    # E_i = c(30000,15000,10000,60000,50000)) = 0.6222222222 (reat_expected.json "gini_spec"):
    # one region's sectors against the nation's.
    region = [700, 600, 500, 10000, 40000]
    nation = [30000, 15000, 10000, 60000, 50000]
    rows = [("j", f"s{i}", e) for i, e in enumerate(region)]
    rows += [("rest", f"s{i}", n - e) for i, (e, n) in enumerate(zip(region, nation, strict=True))]
    table = pd.DataFrame(rows, columns=["region", "sector", "employment"])
    result = locational_gini(table, kind="specialisation", convention="reat_lq")
    assert value_of(result, "region", "j", "locational_gini") == pytest.approx(
        0.6222222222, rel=1e-9
    )


def lorenz_area(sector: np.ndarray, totals: np.ndarray) -> float:
    """Area between the diagonal and the locational Lorenz curve, by sorting and trapezoids.

    Independent of Grappes' pairwise formula: the construction of Krugman (1991, app. D) as
    EconGeo's locational_gini documents it (regions sorted by sector share / total share).
    """
    s, x = sector / sector.sum(), totals / totals.sum()
    order = np.argsort(s / x, kind="stable")
    cum_s = np.concatenate([[0.0], np.cumsum(s[order])])
    cum_x = np.concatenate([[0.0], np.cumsum(x[order])])
    under = float(np.sum((cum_x[1:] - cum_x[:-1]) * (cum_s[1:] + cum_s[:-1]) / 2))
    return 0.5 - under


def test_locational_gini_krugman_matches_the_lorenz_curve_of_econgeos_example() -> None:
    # EconGeo's locational_gini documentation matrix (regions R1..R5 x industries I1..I5).
    matrix = np.array(
        [
            [100, 0, 0, 0, 0],
            [0, 15, 5, 70, 10],
            [0, 20, 10, 20, 50],
            [0, 25, 30, 5, 40],
            [0, 40, 55, 5, 0],
        ],
        dtype=float,
    )
    regions, industries = ["R1", "R2", "R3", "R4", "R5"], ["I1", "I2", "I3", "I4", "I5"]
    table = pd.DataFrame(
        [(r, s, matrix[i, j]) for i, r in enumerate(regions) for j, s in enumerate(industries)],
        columns=["region", "sector", "employment"],
    )
    result = locational_gini(table).set_index("sector")["locational_gini"]
    totals = matrix.sum(axis=1)
    for j, industry in enumerate(industries):
        assert result[industry] == pytest.approx(lorenz_area(matrix[:, j], totals), rel=1e-12)
    # I1 lies wholly in R1, which holds 100 of 500 jobs: the curve runs flat to x = .8 and
    # then up, so the area is .5 - .8 * 0 / 2 - .2 * (0 + 1) / 2 = .4.
    assert result["I1"] == pytest.approx(0.4, rel=RTOL)


def test_locational_gini_is_half_the_weighted_gini_of_location_quotients() -> None:
    table = employment_table().query("year == 2014").drop(columns="year")
    e_r = table.groupby("region").employment.transform("sum")
    e_s = table.groupby("sector").employment.transform("sum")
    lq = table.assign(lq=table.employment / e_r / (e_s / table.employment.sum()), x=e_r)
    weighted = gini(lq, value="lq", weight="x", by=("sector",))
    result = locational_gini(table)
    assert result.locational_gini.to_numpy() == pytest.approx(
        weighted.gini.to_numpy() / 2, rel=1e-12
    )


@settings(max_examples=10, deadline=None)
@given(tables(zeros=True))
def test_locational_gini_properties(table: pd.DataFrame) -> None:
    for convention in ("krugman", "reat_lq"):
        base = locational_gini(table, convention=convention)
        assert (base.locational_gini >= -1e-12).all()
        assert (base.locational_gini <= (0.5 if convention == "krugman" else 1) + 1e-12).all()
        got = unlabel(locational_gini(relabel(table), convention=convention), table, "sector")
        pd.testing.assert_frame_equal(got, base, rtol=1e-9)
    # A sector spread exactly like total employment is not localised at all.
    totals = table.groupby("region", as_index=False).employment.sum()
    even = pd.concat([table, totals.assign(sector="even", employment=totals.employment * 0.1)])
    result = locational_gini(even)
    assert value_of(result, "sector", "even", "locational_gini") == pytest.approx(0, abs=1e-12)


def test_locational_gini_errors() -> None:
    table = pd.DataFrame(
        {
            "region": ["a", "a", "b", "b"],
            "sector": ["x", "y", "x", "y"],
            "employment": [1.0, 0, 2, 0],
        }
    )
    with pytest.raises(InvalidInputError, match=r"locational_gini: every sector .*sector='y'"):
        locational_gini(table)
    assert locational_gini(table, on_zero_total="nan").locational_gini.isna().tolist() == [
        False,
        True,
    ]
    empty_region = pd.concat(
        [table, pd.DataFrame({"region": ["c"], "sector": ["x"], "employment": [0.0]})]
    )
    # Krugman's form weighs regions by size: an empty region weighs nothing.
    assert locational_gini(empty_region, on_zero_total="nan").locational_gini.iloc[0] >= 0
    with pytest.raises(InvalidInputError, match=r"every region must have a positive total.*'c'"):
        locational_gini(empty_region.query("sector == 'x'"), convention="reat_lq")


# --- Gini -------------------------------------------------------------------------------------


def test_gini_reat_references() -> None:
    # REAT 3.0.3 (reat_expected.json, key "gini"): gini(c(20,50,20,10)) = 0.3 (Doersam 2004),
    # coefnorm = 0.4; weighted income classes 0.527826087; GDP of the Länder 0.5009348458.
    # By hand for the first: sorted 10, 20, 20, 50, mean 25; the ordered pairs' absolute
    # differences add up to 2 * (10 + 10 + 40 + 0 + 30 + 30) = 240; 240 / (2 * 4^2 * 25) = .3.
    sales = pd.DataFrame({"sales": [20.0, 50.0, 20.0, 10.0]})
    assert gini(sales, value="sales").gini.iloc[0] == pytest.approx(0.3, rel=1e-12)
    normalised = gini(sales, value="sales", normalisation="maximum")
    assert normalised.gini.iloc[0] == pytest.approx(0.4, rel=1e-12)
    classes = pd.DataFrame(
        {
            "income": [500.0, 1500, 2500, 4000, 7500, 15000],
            "people": [1000.0, 1200, 1600, 400, 200, 600],
        }
    )
    weighted = gini(classes, value="income", weight="people")
    assert weighted.gini.iloc[0] == pytest.approx(0.527826087, rel=1e-9)
    gdp = pd.DataFrame({"gdp": GDP})
    assert gini(gdp, value="gdp").gini.iloc[0] == pytest.approx(0.5009348458, rel=1e-9)


def test_gini_by_groups() -> None:
    table = pd.DataFrame({"sector": ["x"] * 4 + ["y"] * 2, "employment": [20.0, 50, 20, 10, 1, 1]})
    result = gini(table, by=("sector",))
    assert result.sector.tolist() == ["x", "y"]
    assert result.gini.tolist() == pytest.approx([0.3, 0.0], abs=1e-12)


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.floats(0, 1e6, allow_nan=False), min_size=2, max_size=12).filter(
        lambda v: sum(v) > 0
    ),
    st.floats(0.01, 100),
)
def test_gini_properties(values: list[float], factor: float) -> None:
    table = pd.DataFrame({"employment": values})
    base = gini(table).gini.iloc[0]
    n = len(values)
    assert -1e-12 <= base <= (n - 1) / n + 1e-12
    scaled = table.sample(frac=1.0, random_state=3) * factor
    assert gini(scaled).gini.iloc[0] == pytest.approx(base, rel=1e-9, abs=1e-12)
    # Integer weights give the Gini of the table with each row repeated that many times.
    weights = [1 + i % 3 for i in range(n)]
    repeated = pd.DataFrame({"employment": np.repeat(values, weights)})
    weighted = gini(table.assign(w=weights), weight="w").gini.iloc[0]
    assert weighted == pytest.approx(gini(repeated).gini.iloc[0], rel=1e-9, abs=1e-12)


def test_gini_one_holder_normalised_is_one() -> None:
    table = pd.DataFrame({"employment": [0.0, 0.0, 0.0, 7.0]})
    assert gini(table).gini.iloc[0] == pytest.approx(0.75, rel=1e-12)
    assert gini(table, normalisation="maximum").gini.iloc[0] == pytest.approx(1.0, rel=1e-12)


def test_gini_errors() -> None:
    table = pd.DataFrame({"employment": [1.0, 2.0], "w": [1.0, 1.0]})
    with pytest.raises(InvalidInputError, match=r"normalisation='maximum' .* unweighted"):
        gini(table, weight="w", normalisation="maximum")
    zero = pd.DataFrame({"g": ["a", "a", "b"], "employment": [0.0, 0.0, 1.0]})
    with pytest.raises(InvalidInputError, match=r"gini: the total of 'employment'.* g='a'"):
        gini(zero, by=("g",))
    assert gini(zero, by=("g",), on_zero_total="nan").gini.isna().tolist() == [True, False]
    with pytest.raises(InvalidInputError, match=r"gini: the total"):
        gini(table.assign(w=0.0), weight="w")
    with pytest.raises(MissingColumnsError, match="'weight'"):
        gini(table, weight="weight")


# --- Herfindahl -------------------------------------------------------------------------------


def test_herfindahl_reat_references() -> None:
    # REAT 3.0.3 (reat_expected.json, key "herf"): herf(c(20,50,20,10)) = 0.34, coefnorm
    # 0.12, equivalent number 2.941176471; herf(gdp of the Länder) = 0.1251762991.
    # By hand: shares .2, .5, .2, .1 -> .04 + .25 + .04 + .01 = .34; (.34 - .25)/.75 = .12.
    result = herfindahl(one_sector([20.0, 50.0, 20.0, 10.0])).iloc[0]
    assert result.herfindahl == pytest.approx(0.34, rel=1e-12)
    assert result.herfindahl_normalised == pytest.approx(0.12, rel=1e-12)
    assert result.equivalent_number == pytest.approx(2.941176471, rel=1e-9)
    gdp = herfindahl(one_sector(GDP)).iloc[0]
    assert gdp.herfindahl == pytest.approx(0.1251762991, rel=1e-9)


def test_herfindahl_counts_regions_with_no_row() -> None:
    # Sector y has rows in a and b only, but the table has three regions: n = 3 for both.
    table = pd.DataFrame(
        {
            "region": ["a", "b", "c", "a", "b"],
            "sector": ["x", "x", "x", "y", "y"],
            "employment": [1.0, 1, 1, 1, 1],
        }
    )
    result = herfindahl(table)
    columns = ["herfindahl", "herfindahl_normalised", "equivalent_number"]
    assert result[columns].to_numpy()[0] == pytest.approx([1 / 3, 0.0, 3.0], abs=1e-12)
    # y: H = .5, normalised (.5 - 1/3) / (1 - 1/3) = .25, equivalent number 2.
    assert result[columns].to_numpy()[1] == pytest.approx([0.5, 0.25, 2.0], abs=1e-12)


@settings(max_examples=10, deadline=None)
@given(tables(zeros=True))
def test_herfindahl_properties(table: pd.DataFrame) -> None:
    base = herfindahl(table)
    n = table.region.nunique()
    assert (base.herfindahl >= 1 / n - 1e-12).all() and (base.herfindahl <= 1 + 1e-12).all()
    assert (base.herfindahl_normalised.between(-1e-12, 1 + 1e-12)).all()
    assert np.allclose(base.equivalent_number * base.herfindahl, 1)
    pd.testing.assert_frame_equal(unlabel(herfindahl(relabel(table)), table, "sector"), base,
                                  rtol=1e-9)  # fmt: skip
    swapped = table.rename(columns={"region": "sector", "sector": "region"})
    across = herfindahl(swapped, across="sectors").rename(columns={"region": "sector"})
    pd.testing.assert_frame_equal(across, base, rtol=1e-12)


def test_herfindahl_errors() -> None:
    table = pd.concat([one_sector([1.0, 2.0]), one_sector([0.0, 0.0], sector="y")])
    with pytest.raises(InvalidInputError, match=r"herfindahl: every sector .*sector='y'"):
        herfindahl(table)
    result = herfindahl(table, on_zero_total="nan").set_index("sector")
    assert result.loc["y"].isna().all() and result.loc["x"].notna().all()
    single = herfindahl(one_sector([5.0]))
    assert single.herfindahl.iloc[0] == 1.0 and np.isnan(single.herfindahl_normalised.iloc[0])


# --- Theil ------------------------------------------------------------------------------------


def test_theil_reat_reference_is_the_mean_log_deviation() -> None:
    # REAT 3.0.3, theil(c(10,10,10,20,50)) = 0.232630162 (Stoermann 2009; reat_expected.json
    # "theil"): REAT's theil() is the mean log deviation. By hand: mean 20,
    # (3 ln 2 + ln 1 + ln .4) / 5 = (2.0794415 - 0.9162907) / 5 = 0.2326302.
    table = one_sector([10.0, 10.0, 10.0, 20.0, 50.0])
    result = theil(table, convention="mean_log_deviation")
    assert result.theil.iloc[0] == pytest.approx(0.232630162, rel=1e-9)


def test_theil_t_hand_computed() -> None:
    # Same data, Theil's T: x/mu = .5, .5, .5, 1, 2.5;
    # (3 * .5 ln .5 + 1 ln 1 + 2.5 ln 2.5) / 5 = (-1.0397208 + 2.2907268) / 5 = 0.2502012.
    expected = (3 * 0.5 * math.log(0.5) + 2.5 * math.log(2.5)) / 5
    assert expected == pytest.approx(0.2502012118, rel=1e-9)
    result = theil(one_sector([10.0, 10.0, 10.0, 20.0, 50.0]))
    assert result.theil.iloc[0] == pytest.approx(expected, rel=1e-12)


@settings(max_examples=10, deadline=None)
@given(tables(), st.floats(0.01, 100))
def test_theil_properties(table: pd.DataFrame, factor: float) -> None:
    for convention in ("theil_t", "mean_log_deviation"):
        base = theil(table, convention=convention)
        assert (base.theil >= -1e-12).all()
        scaled = relabel(table.assign(employment=table.employment * factor))
        got = unlabel(theil(scaled, convention=convention), table, "sector")
        pd.testing.assert_frame_equal(got, base, rtol=1e-9, atol=1e-12)
    # Theil's T over sectors is ln n minus the entropy of the region's sector mix.
    over_sectors = theil(table, across="sectors").theil.to_numpy()
    h = entropy(table).entropy.to_numpy()
    assert over_sectors == pytest.approx(math.log(table.sector.nunique()) - h, abs=1e-9)


def test_theil_errors() -> None:
    table = one_sector([0.0, 1.0, 3.0])
    with pytest.raises(InvalidInputError, match=r"mean_log_deviation.*infinite.*sector='x'"):
        theil(table, convention="mean_log_deviation")
    nan = theil(table, convention="mean_log_deviation", on_zero_value="nan")
    assert nan.theil.isna().all()
    # A region with no row is a zero too.
    with pytest.raises(InvalidInputError, match=r"infinite"):
        theil(pd.concat([table.iloc[1:], one_sector([1.0], sector="y")]),
              convention="mean_log_deviation")  # fmt: skip
    # Theil's T takes 0 ln 0 = 0: (.25 ln(3 * .25) + .75 ln(3 * .75)) = 0.5163...
    t = theil(table).theil.iloc[0]
    assert t == pytest.approx(0.25 * math.log(0.75) + 0.75 * math.log(2.25), rel=1e-12)
    zero = pd.concat([table, one_sector([0.0, 0.0, 0.0], sector="y")])
    with pytest.raises(InvalidInputError, match=r"theil: every sector .*sector='y'"):
        theil(zero)
    assert theil(zero, on_zero_total="nan").theil.isna().tolist() == [False, True]
