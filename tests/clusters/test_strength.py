"""Strong clusters (US Cluster Mapping Project rule): hand cases, numpy equivalence, errors."""

from __future__ import annotations

from typing import Any

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.clusters.strength import strong_clusters
from grappes.errors import InvalidInputError, MissingColumnsError

FLAGS = ["qualifying", "significant", "strong", "strong10"]


def hand_table() -> pd.DataFrame:
    # Five regions of 100 jobs each, sector x employs 10, 20, 30, 40, 50 and "other" the rest.
    return pd.DataFrame(
        {
            "region": [r for r in "ABCDE" for _ in range(2)],
            "sector": ["x", "other"] * 5,
            "employment": [10, 90, 20, 80, 30, 70, 40, 60, 50, 50],
            "establishments": [5, 10, 1, 8, 6, 6, 7, 4, 8, 2],
        }
    )


def flags(result: pd.DataFrame, sector: str) -> dict[str, list[str]]:
    part = result[result["sector"] == sector]
    return {f: part.loc[part[f], "region"].tolist() for f in FLAGS}


def test_hand_computed_case() -> None:
    result = strong_clusters(hand_table())
    # Sector x: E_x = 150 of E = 500 (share 0.3); every region has 100 jobs, so
    # LQ = (x/100)/0.3 = x/30 = 1/3, 2/3, 1, 4/3, 5/3 for A … E.
    lq = result[result.sector == "x"]["location_quotient"].to_numpy()
    np.testing.assert_allclose(lq, [1 / 3, 2 / 3, 1, 4 / 3, 5 / 3], rtol=1e-12)
    # numpy linear quantiles on n = 5 values: h = (n - 1) p = 4p.
    # Q25(LQ): h = 1 -> 2/3;  Q50: h = 2 -> 1;  Q75: h = 3 -> 4/3;
    # Q90: h = 3.6 -> 4/3 + 0.6 * (5/3 - 4/3) = 1.5333.
    # Q25(employment) of 10..50: h = 1 -> 20.  Q25(establishments) of 1,5,6,7,8: h = 1 -> 5.
    # qualifying LQ > 2/3: C, D, E (B sits on Q25: strict).  significant LQ > 1: D, E.
    # strong LQ >= 4/3 and >= 1, emp > 20, est > 5: D (7) and E (8).  strong10: E only.
    assert flags(result, "x") == {
        "qualifying": ["C", "D", "E"],
        "significant": ["D", "E"],
        "strong": ["D", "E"],
        "strong10": ["E"],
    }
    # Sector other: E = 350 of 500 (share 0.7): LQ = (o/100)/0.7 = 9/7, 8/7, 1, 6/7, 5/7.
    # Q75: sorted 5/7, 6/7, 1, 8/7, 9/7, h = 3 -> 8/7 (B sits on it: >= admits it).
    # Q90: h = 3.6 -> 8/7 + 0.6/7 = 1.2286.  Q25(emp) of 50..90 -> 60; Q25(est) of
    # 2,4,6,8,10 -> 4.  strong: A (90 > 60, 10 > 4) and B (80 > 60, 8 > 4); strong10: A.
    assert flags(result, "other") == {
        "qualifying": ["A", "B", "C"],
        "significant": ["A", "B"],
        "strong": ["A", "B"],
        "strong10": ["A"],
    }
    # The table comes back whole, sorted by region and sector, flags as booleans.
    assert list(result.columns) == [
        "region",
        "sector",
        "employment",
        "establishments",
        "location_quotient",
        *FLAGS,
    ]
    assert all(result[f].dtype == bool for f in FLAGS)
    assert result["region"].tolist() == [r for r in "ABCDE" for _ in range(2)]


def boundary_table(establishments_e: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    # Sector x in five regions, against a reference economy where x is half of employment,
    # so LQ = 2 * x / region total.
    table = pd.DataFrame(
        {
            "region": ["A", "A", "B", "C", "C", "D", "D", "E", "E"],
            "sector": ["x", "y", "x", "x", "y", "x", "y", "x", "y"],
            "employment": [10, 90, 20, 30, 70, 40, 60, 50, 10],
            "establishments": [1, 1, 5, 2, 1, 3, 1, establishments_e, 1],
        }
    )
    reference = pd.DataFrame({"sector": ["x", "y"], "employment": [1.0, 1.0]})
    return table, reference


def test_lq_exactly_at_q75_is_strong_and_employment_at_q25_is_not() -> None:
    table, reference = boundary_table(establishments_e=4)
    result = strong_clusters(table, reference=reference)
    x = result[result.sector == "x"].set_index("region")
    # LQ = 2x/total: A 0.2, B 2 (20 of 20), C 0.6, D 0.8, E 2*50/60 = 5/3.
    # Q75 of 0.2, 0.6, 0.8, 5/3, 2: h = 3 -> 5/3, E's own LQ.
    # Q25(emp) of 10..50 -> 20; Q25(est) of 1, 2, 3, 4, 5 -> 2.
    assert x.loc["E", "location_quotient"] == pytest.approx(5 / 3)
    assert bool(x.loc["E", "strong"])  # LQ == Q75: >= admits it
    # B has the highest LQ and 5 > 2 establishments, but employment 20 == Q25: strict.
    assert not bool(x.loc["B", "strong"])
    assert x["strong"].sum() == 1


def test_establishments_exactly_at_q25_is_not_strong() -> None:
    table, reference = boundary_table(establishments_e=2)
    x = strong_clusters(table, reference=reference).query("sector == 'x'").set_index("region")
    # Establishments 1, 2, 2, 3, 5: Q25 (h = 1) = 2, E's own count: strict, so no star.
    assert not bool(x.loc["E", "strong"])
    assert x["strong"].sum() == 0


def test_lq_at_least_one_is_required() -> None:
    # Four regions, x half of each region's employment, against a reference economy where
    # x is 90% of employment: LQ_x = 0.5 / 0.9 = 0.556 everywhere. Every LQ equals Q75 and
    # the sizes pass for B, C and D, but LQ >= 1 fails, so nothing is strong.
    table = pd.DataFrame(
        {
            "region": [r for r in "ABCD" for _ in range(2)],
            "sector": ["x", "y"] * 4,
            "employment": [10, 10, 20, 20, 30, 30, 40, 40],
            "establishments": [1, 1, 2, 1, 3, 1, 4, 1],
        }
    )
    reference = pd.DataFrame({"sector": ["x", "y"], "employment": [9.0, 1.0]})
    result = strong_clusters(table, reference=reference)
    x = result[result.sector == "x"]
    np.testing.assert_allclose(x["location_quotient"], 0.5 / 0.9)
    assert not x["strong"].any()
    assert not x["strong10"].any()
    # The same table against its own totals: LQ = 1 everywhere, and B, C, D pass the sizes
    # (employment 10, 20, 30, 40: Q25 = 10 + 0.75 * 10 = 17.5; establishments 1..4:
    # Q25 = 1.75); A is below both.
    own = strong_clusters(table).query("sector == 'x'")
    assert own.loc[own.strong, "region"].tolist() == ["B", "C", "D"]


def test_regions_without_employment_get_no_flag() -> None:
    table = hand_table()
    extra = pd.DataFrame(
        {
            "region": ["F", "F"],
            "sector": ["x", "other"],
            "employment": [0, 100],
            "establishments": [0, 3],
        }
    )
    result = strong_clusters(pd.concat([table, extra], ignore_index=True))
    f = result[(result.region == "F") & (result.sector == "x")].iloc[0]
    # F has employment, but none in x: LQ 0, False everywhere.
    assert f["location_quotient"] == 0
    assert not any(bool(f[c]) for c in FLAGS)
    # F takes no part in x's quantiles: x's flags are those of the hand case.
    expected = flags(strong_clusters(table), "x")
    assert flags(result, "x") == expected


def test_region_with_no_employment_at_all_has_undefined_lq() -> None:
    empty = pd.DataFrame(
        {
            "region": ["G", "G"],
            "sector": ["x", "other"],
            "employment": [0, 0],
            "establishments": [0, 0],
        }
    )
    result = strong_clusters(pd.concat([hand_table(), empty], ignore_index=True))
    g = result[result.region == "G"]
    assert g["location_quotient"].isna().all()
    assert not g[FLAGS].to_numpy().any()


def test_by_year_computes_each_year_alone() -> None:
    early = hand_table().assign(year=2014)
    late = hand_table().assign(year=2024)
    # A different structure in 2024: x now falls from A to E.
    late["employment"] = [50, 50, 40, 60, 30, 70, 20, 80, 10, 90]
    both = strong_clusters(pd.concat([early, late], ignore_index=True), by=("year",))
    alone = strong_clusters(late.drop(columns="year"))
    got = both[both.year == 2024].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone)
    # The 2014 flags are the hand case's, and 2024's differ from them.
    assert flags(both[both.year == 2014], "x") == flags(strong_clusters(hand_table()), "x")
    assert flags(got, "x") != flags(strong_clusters(hand_table()), "x")


def expected_flags(table: pd.DataFrame) -> pd.DataFrame:
    """The rule written out with numpy.quantile (method="linear"), region totals from the table."""
    frame = table.copy()
    e_r = frame.groupby("region")["employment"].transform("sum")
    e_s = frame.groupby("sector")["employment"].transform("sum")
    e = frame["employment"].sum()
    frame["lq"] = (frame["employment"] / e_r) / (e_s / e)
    out = []
    for _, part in frame.groupby("sector"):
        present = part[part.employment > 0]
        q = {p: np.quantile(present["lq"], p) for p in (0.25, 0.5, 0.75, 0.9)}
        emp25 = np.quantile(present["employment"].astype(float), 0.25)
        est25 = np.quantile(present["establishments"].astype(float), 0.25)
        pos = part.employment > 0
        large = (part.employment > emp25) & (part.establishments > est25)
        out.append(
            pd.DataFrame(
                {
                    "region": part.region,
                    "sector": part.sector,
                    "qualifying": pos & (part.lq > q[0.25]),
                    "significant": pos & (part.lq > q[0.5]),
                    "strong": pos & (part.lq >= q[0.75]) & (part.lq >= 1) & large,
                    "strong10": pos & (part.lq >= q[0.9]) & (part.lq >= 1) & large,
                }
            )
        )
    return pd.concat(out).sort_values(["region", "sector"]).reset_index(drop=True)


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    n_regions = draw(st.integers(2, 9))
    sectors = ["s1", "s2", "s3"]
    rows = []
    for r in range(n_regions):
        for s in sectors:
            employment = draw(st.integers(1, 60))
            rows.append((f"R{r}", s, employment, draw(st.integers(1, 12))))
    return pd.DataFrame(rows, columns=["region", "sector", "employment", "establishments"])


@settings(max_examples=40, deadline=None)
@given(tables())
def test_same_flags_as_numpy_linear_quantiles(table: pd.DataFrame) -> None:
    got = strong_clusters(table)[["region", "sector", *FLAGS]]
    pd.testing.assert_frame_equal(got, expected_flags(table))


@settings(max_examples=15, deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(table: pd.DataFrame, rng: Any) -> None:
    shuffled = table.sample(frac=1.0, random_state=rng.randint(0, 10_000))
    pd.testing.assert_frame_equal(strong_clusters(shuffled), strong_clusters(table))


@pytest.mark.parametrize("backend", ["duckdb", "polars"])
def test_ibis_in_gives_the_same_lazy_table(backend: str) -> None:
    table = hand_table()
    connection = ibis.duckdb.connect() if backend == "duckdb" else ibis.polars.connect()
    remote = connection.create_table("strength_input", table, overwrite=True)
    result = strong_clusters(remote)
    assert isinstance(result, ibis.expr.types.Table)
    got = result.to_pandas().sort_values(["region", "sector"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, strong_clusters(table), check_dtype=False)


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_percentile_interpolates_like_numpy(spark_connection: Any) -> None:
    # A memtable leaves no table behind in Spark's warehouse; Spark computes the result.
    table = hand_table()
    result = strong_clusters(ibis.memtable(table))
    assert isinstance(result, ibis.expr.types.Table)
    got = spark_connection.to_pandas(result).sort_values(["region", "sector"])
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), strong_clusters(table), check_dtype=False
    )


def test_input_is_left_untouched() -> None:
    table = hand_table()
    before = table.copy()
    strong_clusters(table)
    pd.testing.assert_frame_equal(table, before)


# Errors: one per validation branch.


def test_missing_establishments_column() -> None:
    with pytest.raises(MissingColumnsError, match=r"missing column.*'establishments'"):
        strong_clusters(hand_table().drop(columns="establishments"))


def test_negative_establishments() -> None:
    table = hand_table()
    table.loc[3, "establishments"] = -1
    with pytest.raises(InvalidInputError, match="'establishments' must be non-negative"):
        strong_clusters(table)


def test_numeric_region_codes() -> None:
    table = hand_table().assign(region=range(10))
    with pytest.raises(InvalidInputError, match="'region' must hold codes as strings"):
        strong_clusters(table)


def test_duplicate_keys() -> None:
    table = pd.concat([hand_table(), hand_table().head(1)], ignore_index=True)
    with pytest.raises(InvalidInputError, match="must identify one row"):
        strong_clusters(table)


def test_roles_naming_one_column() -> None:
    with pytest.raises(InvalidInputError, match=r"must name different columns.*'employment'"):
        strong_clusters(hand_table(), establishments="employment")


def test_output_column_already_present() -> None:
    with pytest.raises(InvalidInputError, match=r"already has column.*'strong'"):
        strong_clusters(hand_table().assign(strong=True))


def test_reference_without_a_sector() -> None:
    reference = pd.DataFrame({"sector": ["x"], "employment": [100.0]})
    with pytest.raises(InvalidInputError, match="reference table must give a total"):
        strong_clusters(hand_table(), reference=reference)


def test_reference_with_zero_total_where_table_has_employment() -> None:
    reference = pd.DataFrame({"sector": ["x", "other"], "employment": [0.0, 100.0]})
    with pytest.raises(InvalidInputError, match="location quotient is undefined where there"):
        strong_clusters(hand_table(), reference=reference)
