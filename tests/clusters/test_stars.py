"""European Cluster Observatory stars: hand cases on ten regions with known ranks, errors."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.clusters.stars import star_ratings
from grappes.errors import InvalidInputError, MissingColumnsError

REGIONS = [f"r{i}" for i in range(10)]
# Category x: employment 10, 20, …, 100 in r0 … r9 (size rank: r9 first, r0 last).
X = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
# Region totals, chosen so that x's share of the region (focus) ranks differently:
# focus = 10/40 .25, 20/50 .4, 30/150 .2, 40/125 .32, 50/300 .167, 60/400 .15,
# 70/700 .1, 80/1000 .08, 90/1800 .05, 100/2500 .04 -> focus rank r1, r3, r0, r2, r4, ….
TOTALS = [40, 50, 150, 125, 300, 400, 700, 1000, 1800, 2500]
# Wages per employee in x: r5 pays most, then r2, then r7.
WAGES = [30.0, 31.0, 45.0, 20.0, 25.0, 50.0, 22.0, 40.0, 21.0, 35.0]


def ten_regions() -> pd.DataFrame:
    rows = []
    for region, x, total, wage in zip(REGIONS, X, TOTALS, WAGES, strict=True):
        rows.append((region, "x", x, wage))
        rows.append((region, "other", total - x, 10.0))
    return pd.DataFrame(rows, columns=["region", "sector", "employment", "wage"])


def stars_of(result: pd.DataFrame, column: str, sector: str = "x") -> list[str]:
    part = result[result.sector == sector]
    return part.loc[part[column], "region"].tolist()


def test_ten_regions_default_thresholds() -> None:
    result = star_ratings(ten_regions())
    x = result[result.sector == "x"].set_index("region")
    # LQ = focus / national share; national share of x = 550 / 7065 = 0.07785, so
    # LQ = .25/.07785 = 3.21 (r0), 5.14 (r1), 2.57 (r2), 4.11 (r3), 2.14 (r4), 1.93 (r5) …
    share = 550 / 7065
    np.testing.assert_allclose(
        x["location_quotient"], np.array(X) / np.array(TOTALS) / share, rtol=1e-12
    )
    np.testing.assert_allclose(x["focus"], np.array(X) / np.array(TOTALS), rtol=1e-12)
    # Top 10% of 10 cells = floor(1.0) = 1 cell: size r9 (100 jobs), focus r1 (0.4).
    assert stars_of(result, "size_star") == ["r9"]
    assert stars_of(result, "focus_star") == ["r1"]
    # LQ >= 2: r0 … r4 (r5's LQ is 1.93).
    assert stars_of(result, "specialisation_star") == ["r0", "r1", "r2", "r3", "r4"]
    assert x["stars"].tolist() == [1, 2, 1, 1, 1, 0, 0, 0, 0, 1]
    assert "productivity_star" not in result.columns


def test_ten_regions_top_thirty_percent() -> None:
    result = star_ratings(ten_regions(), size_top=0.3, focus_top=0.3, specialisation_min=3.0)
    # floor(0.3 * 10) = 3 cells: size r7, r8, r9; focus r1 (.4), r3 (.32), r0 (.25).
    assert stars_of(result, "size_star") == ["r7", "r8", "r9"]
    assert stars_of(result, "focus_star") == ["r0", "r1", "r3"]
    # LQ >= 3: r0 (3.21), r1 (5.14), r3 (4.11).
    assert stars_of(result, "specialisation_star") == ["r0", "r1", "r3"]


def test_productivity_star() -> None:
    result = star_ratings(ten_regions(), productivity="wage", productivity_top=0.2)
    # floor(0.2 * 10) = 2 cells: the best wages in x, r5 (50) and r2 (45).
    assert stars_of(result, "productivity_star") == ["r2", "r5"]
    x = result[result.sector == "x"].set_index("region")
    # r2: specialisation (LQ 2.57) + productivity = 2; r5: productivity only = 1.
    assert x.loc["r2", "stars"] == 2
    assert x.loc["r5", "stars"] == 1
    assert list(result.columns)[-2:] == ["productivity_star", "stars"]


def test_fewer_than_ten_cells_earn_no_top_ten_percent_star() -> None:
    # Three regions: floor(0.1 * 3) = 0, so no size or focus star, whatever the values.
    table = ten_regions()
    table = table[table.region.isin(["r0", "r1", "r2"])]
    result = star_ratings(table)
    assert not result["size_star"].any()
    assert not result["focus_star"].any()
    # With top 1/3: floor(1/3 * 3 + slack) = 1 cell each.
    third = star_ratings(table, size_top=1 / 3, focus_top=1 / 3)
    assert stars_of(third, "size_star") == ["r2"]
    assert stars_of(third, "focus_star") == ["r1"]


def test_ties_share_the_best_rank() -> None:
    table = ten_regions()
    table.loc[(table.region == "r8") & (table.sector == "x"), "employment"] = 100
    result = star_ratings(table)
    # r8 and r9 both employ 100 in x: both rank 1, both within the top cell.
    assert stars_of(result, "size_star") == ["r8", "r9"]


def test_cells_without_employment_are_not_rated_nor_counted() -> None:
    table = ten_regions()
    # Ten more regions with no x at all: still ten rated x cells, so still one size star.
    extra = pd.DataFrame(
        {
            "region": [f"z{i}" for i in range(10)] * 2,
            "sector": ["x"] * 10 + ["other"] * 10,
            "employment": [0] * 10 + [100] * 10,
            "wage": [0.0] * 10 + [10.0] * 10,
        }
    )
    result = star_ratings(pd.concat([table, extra], ignore_index=True))
    assert stars_of(result, "size_star") == ["r9"]
    z = result[result.region.str.startswith("z") & (result.sector == "x")]
    assert (z["stars"] == 0).all()
    assert (z["location_quotient"] == 0).all()


def test_by_year() -> None:
    early = ten_regions().assign(year=2014)
    late = ten_regions().assign(year=2024)
    late.loc[(late.region == "r0") & (late.sector == "x"), "employment"] = 500
    result = star_ratings(pd.concat([early, late], ignore_index=True), by=("year",))
    assert stars_of(result[result.year == 2014], "size_star") == ["r9"]
    assert stars_of(result[result.year == 2024], "size_star") == ["r0"]
    alone = star_ratings(late.drop(columns="year"))
    got = result[result.year == 2024].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone)


def test_ibis_in_gives_ibis_out() -> None:
    table = ten_regions()
    connection = ibis.duckdb.connect()
    remote = connection.create_table("stars_input", table)
    result = star_ratings(remote, productivity="wage")
    assert isinstance(result, ibis.expr.types.Table)
    got = result.to_pandas()
    pd.testing.assert_frame_equal(got, star_ratings(table, productivity="wage"), check_dtype=False)


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(10, 25))
    rows = [(f"R{r:02d}", s, draw(st.integers(0, 500))) for r in range(n) for s in ("a", "b", "c")]
    frame = pd.DataFrame(rows, columns=["region", "sector", "employment"])
    # Every region needs employment somewhere.
    frame.loc[frame.sector == "c", "employment"] += 1
    return frame


@settings(max_examples=25, deadline=None)
@given(tables(), st.integers(2, 7))
def test_scale_and_row_order_do_not_matter(table: pd.DataFrame, factor: int) -> None:
    base = star_ratings(table)
    scaled = star_ratings(
        table.assign(employment=table.employment * factor).sample(frac=1.0, random_state=1)
    )
    columns = ["size_star", "specialisation_star", "focus_star", "stars"]
    pd.testing.assert_frame_equal(scaled[columns], base[columns])
    assert (base["stars"] == base[columns[:3]].sum(axis=1)).all()
    # At most floor(0.1 n) + ties cells per category; at least one when n >= 10.
    rated = base[base.employment > 0].groupby("sector")
    for _, part in rated:
        if len(part) >= 10:
            assert part["size_star"].sum() >= 1


def test_input_is_left_untouched() -> None:
    table = ten_regions()
    before = table.copy()
    star_ratings(table, productivity="wage")
    pd.testing.assert_frame_equal(table, before)


# Errors: one per validation branch.


@pytest.mark.parametrize("name", ["size_top", "focus_top", "productivity_top"])
@pytest.mark.parametrize("value", [0.0, 1.5, -0.1])
def test_shares_outside_zero_one(name: str, value: float) -> None:
    with pytest.raises(InvalidInputError, match=f"{name} must be a share in \\(0, 1\\]"):
        star_ratings(ten_regions(), **{name: value})  # type: ignore[arg-type]


def test_non_positive_specialisation_minimum() -> None:
    with pytest.raises(InvalidInputError, match="specialisation_min must be a positive"):
        star_ratings(ten_regions(), specialisation_min=0.0)


def test_roles_naming_one_column() -> None:
    with pytest.raises(InvalidInputError, match=r"must name different columns.*'employment'"):
        star_ratings(ten_regions(), productivity="employment")


def test_missing_productivity_column() -> None:
    with pytest.raises(MissingColumnsError, match=r"missing column.*'gva'"):
        star_ratings(ten_regions(), productivity="gva")


def test_missing_productivity_value() -> None:
    table = ten_regions()
    table.loc[0, "wage"] = np.nan
    with pytest.raises(InvalidInputError, match="'wage' must be a finite number"):
        star_ratings(table, productivity="wage")


def test_negative_employment() -> None:
    table = ten_regions()
    table.loc[0, "employment"] = -5
    with pytest.raises(InvalidInputError, match="'employment' must be non-negative"):
        star_ratings(table)


def test_output_column_already_present() -> None:
    with pytest.raises(InvalidInputError, match=r"already has column.*'focus'"):
        star_ratings(ten_regions().assign(focus=1.0))
