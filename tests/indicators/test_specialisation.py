"""Location quotient: reference values, properties and errors."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.errors import InvalidInputError
from grappes.indicators import location_quotient
from tests.conftest import RTOL
from tests.indicators.contract_specialisation import employment_table


def test_reat_locq_reference() -> None:
    # REAT 3.0.3 documentation, locq(e_ij=1714, e_j=79006, e_i=879213, e=15593224)
    # = 0.3847623 (shared/refcases/REAT/reat_expected.json, key "locq").
    e_ij, e_j, e_i, e = 1714.0, 79006.0, 879213.0, 15593224.0
    table = pd.DataFrame(
        {
            "region": ["j", "j", "rest", "rest"],
            "sector": ["i", "other", "i", "other"],
            "employment": [e_ij, e_j - e_ij, e_i - e_ij, e - e_j - (e_i - e_ij)],
        }
    )
    result = location_quotient(table).set_index(["region", "sector"])["location_quotient"]
    assert result[("j", "i")] == pytest.approx(0.3847623423, rel=1e-9)


def test_eurostat_reference_economy() -> None:
    # Eurostat lfst_r_lfe2en2 (EU-LFS, 2015, thousand persons; shared/data/eurostat):
    # Oberbayern (DE21) B-E 490.5 of TOTAL 2,439.3; Germany B-E 8,409.8 of 40,210.9.
    # Oberbayern is a NUTS-2 region of Germany: Germany is its reference economy.
    from tests.conftest import ROOT

    path = (
        ROOT.parent / "shared" / "data" / "eurostat" / "lfs_emp_nace_sections_nuts012_2008_2015.csv"
    )
    if not path.exists():
        pytest.skip("shared/ is not beside the repository")
    lfs = pd.read_csv(path, dtype={"geo": str, "nace_r2": str})
    lfs = lfs[(lfs.year == 2015) & lfs.nace_r2.isin(["B-E", "TOTAL"])]
    de = lfs[lfs.geo == "DE"].set_index("nace_r2")["value_ths"]
    bavaria = lfs[lfs.geo == "DE21"].set_index("nace_r2")["value_ths"]
    table = pd.DataFrame(
        {
            "region": ["DE21", "DE21"],
            "sector": ["B-E", "other"],
            "employment": [bavaria["B-E"], bavaria["TOTAL"] - bavaria["B-E"]],
        }
    )
    reference = pd.DataFrame(
        {"sector": ["B-E", "other"], "employment": [de["B-E"], de["TOTAL"] - de["B-E"]]}
    )
    result = location_quotient(table, reference=reference)
    lq = result.set_index("sector").loc["B-E", "location_quotient"]
    assert bavaria["B-E"] == pytest.approx(490.5)
    assert (de["B-E"], de["TOTAL"]) == pytest.approx((8409.8, 40210.9))
    assert lq == pytest.approx((490.5 / 2439.3) / (8409.8 / 40210.9), rel=1e-12)
    # Without the reference economy the table's own totals (Oberbayern alone) give LQ = 1.
    alone = location_quotient(table).set_index("sector").loc["B-E", "location_quotient"]
    assert alone == pytest.approx(1.0)


def test_by_year_computes_each_year_alone() -> None:
    table = employment_table()
    both = location_quotient(table, by=("year",))
    alone = location_quotient(table[table.year == 2024].drop(columns="year"))
    got = both[both.year == 2024].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone, rtol=RTOL)


codes = st.sampled_from(["MA-01", "MA-02", "MA-03", "MA-04"])


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    regions = draw(st.lists(codes, min_size=2, max_size=4, unique=True))
    sectors = draw(st.lists(st.sampled_from("ABCDEFG"), min_size=2, max_size=5, unique=True))
    values = draw(
        st.lists(
            st.floats(1, 1e6, allow_nan=False),
            min_size=len(regions) * len(sectors),
            max_size=len(regions) * len(sectors),
        )
    )
    rows = [(r, s) for r in regions for s in sectors]
    return pd.DataFrame(
        {"region": [r for r, _ in rows], "sector": [s for _, s in rows], "employment": values}
    )


@settings(max_examples=30, deadline=None)
@given(tables(), st.floats(0.001, 1000))
def test_scale_free_and_order_free(table: pd.DataFrame, factor: float) -> None:
    base = location_quotient(table)
    scaled = table.assign(employment=table.employment * factor)
    shuffled = scaled.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(location_quotient(shuffled), base, rtol=1e-9)


@settings(max_examples=30, deadline=None)
@given(tables())
def test_weighted_mean_lq_of_each_sector_is_one(table: pd.DataFrame) -> None:
    lq = location_quotient(table).merge(table, on=["region", "sector"])
    region_total = table.groupby("region").employment.sum().rename("e_r")
    lq = lq.join(region_total, on="region")
    weighted = (lq.location_quotient * lq.e_r).groupby(lq.sector).sum()
    weights = lq.e_r.groupby(lq.sector).sum()
    assert ((weighted / weights) - 1).abs().max() < 1e-9


def test_zero_region_total_raises_or_gives_nan() -> None:
    table = pd.DataFrame(
        {
            "region": ["a", "a", "b", "b"],
            "sector": ["x", "y", "x", "y"],
            "employment": [1.0, 2, 0, 0],
        }
    )
    with pytest.raises(InvalidInputError, match=r"region='b'"):
        location_quotient(table)
    result = location_quotient(table, on_zero_total="nan")
    assert result[result.region == "b"].location_quotient.isna().all()
    assert result[result.region == "a"].location_quotient.notna().all()


def test_duplicate_keys_raise() -> None:
    table = employment_table()
    with pytest.raises(InvalidInputError, match=r"must identify one row.*region='MA-01'"):
        location_quotient(pd.concat([table, table.iloc[:1]]), by=("year",))


def test_reference_missing_a_sector_raises() -> None:
    table = employment_table().query("year == 2014").drop(columns="year")
    reference = pd.DataFrame({"sector": ["C", "F", "G"], "employment": [1e6, 1e6, 1e6]})
    with pytest.raises(InvalidInputError, match=r"reference.*sector='I'"):
        location_quotient(table, reference=reference)


def test_rejects_what_is_not_a_table() -> None:
    with pytest.raises(InvalidInputError, match="pandas DataFrame or an Ibis table; got list"):
        location_quotient([1, 2, 3])  # type: ignore[arg-type]
