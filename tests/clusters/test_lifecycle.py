"""Lifecycle stage and LQ quadrant: constructed trajectories, boundaries, real panel, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.clusters.lifecycle import DEFAULT_THRESHOLDS, LifecycleThresholds, lifecycle
from grappes.errors import InvalidInputError, MissingColumnsError
from tests.conftest import REFERENCE, RTOL

EUROSTAT = REFERENCE / "eurostat_panel" / "lfs_emp_nuts2_a10_2008_2015.csv"


def trajectories(cluster: tuple[float, ...]) -> pd.DataFrame:
    """Three regions over 2010 and 2012; cluster 'c' in region 'r1' follows ``cluster``:
    (employment 2010, 2012, establishments 2010, 2012, diversity 2010, 2012).

    Regions r2 and r3 hold 'c' steady at 100 and 200 employees (so r1's first-year employment
    is compared with the median of its own, 100 and 200), and every region has a large,
    steady 'other' sector so that the LQs are defined.
    """
    rows = []
    steady: dict[str, tuple[float, ...]] = {
        "r2": (100.0, 100, 10, 10, 1.0, 1.0),
        "r3": (200.0, 200, 20, 20, 1.0, 1.0),
    }
    for region, path in {"r1": cluster, **steady}.items():
        e0, e1, f0, f1, d0, d1 = path
        rows += [
            (region, "c", 2010, e0, f0, d0),
            (region, "c", 2012, e1, f1, d1),
            (region, "other", 2010, 1000.0, 100.0, 2.0),
            (region, "other", 2012, 1000.0, 100.0, 2.0),
        ]
    return pd.DataFrame(
        rows, columns=["region", "sector", "year", "employment", "establishments", "diversity"]
    )


def row_of(out: pd.DataFrame, region: str, sector: str) -> dict[str, Any]:
    """The result's row for one region x cluster, as a plain dict."""
    rows = out[(out["region"] == region) & (out["sector"] == sector)]
    assert len(rows) == 1
    return {str(key): value for key, value in rows.iloc[0].items()}


def stage_of(
    path: tuple[float, ...], thresholds: LifecycleThresholds = DEFAULT_THRESHOLDS
) -> dict[str, Any]:
    out = lifecycle(trajectories(path), diversity="diversity", thresholds=thresholds)
    return row_of(out, "r1", "c")


# --- one test per stage ---------------------------------------------------------------------


def test_emergence() -> None:
    # 10 -> 40 over two years: sqrt(4) - 1 = 100 % a year; establishments 2 -> 8 likewise;
    # diversity 0.1 -> 0.5 rising; 10 < median(10, 100, 200) = 100: small.
    row = stage_of((10.0, 40, 2, 8, 0.1, 0.5))
    assert row["stage"] == "emergence"
    assert row["employment_growth"] == 1.0
    assert row["establishments_growth"] == 1.0
    assert row["diversity_change"] == pytest.approx(0.4, rel=RTOL)
    assert row["small_cutoff"] == 100.0
    assert bool(row["small"])


def test_small_fast_growth_without_rising_diversity_is_growth_not_emergence() -> None:
    assert stage_of((10.0, 40, 2, 8, 0.5, 0.1))["stage"] == "growth"


def test_growth() -> None:
    # 150 -> 216: sqrt(1.44) - 1 = 20 % a year; establishments 15 -> 15 (not shrinking);
    # 150 >= 100, the median of (150, 100, 200): not small.
    row = stage_of((150.0, 216, 15, 15, 1.0, 1.0))
    assert row["stage"] == "growth"
    assert row["employment_growth"] == pytest.approx(0.2, rel=RTOL)
    assert not bool(row["small"])


def test_growth_with_shrinking_establishments_is_consolidation_sustainment() -> None:
    # Employment +20 % a year, establishments 16 -> 9: sqrt(9/16) - 1 = -25 % a year.
    assert stage_of((150.0, 216, 16, 9, 1.0, 1.0))["stage"] == "sustainment"


def test_sustainment() -> None:
    # 150 -> 151.5: sqrt(1.01) - 1 = 0.499 % a year, inside the ±1 % band.
    row = stage_of((150.0, 151.5, 15, 15, 1.0, 1.0))
    assert row["stage"] == "sustainment"
    assert abs(row["employment_growth"]) < 0.01


def test_decline() -> None:
    # 150 -> 96: sqrt(0.64) - 1 = -20 % a year; establishments 25 -> 16 likewise; diversity
    # 1.0 -> 0.8 falling.
    row = stage_of((150.0, 96, 25, 16, 1.0, 0.8))
    assert row["stage"] == "decline"
    assert row["employment_growth"] == pytest.approx(-0.2, rel=RTOL)
    assert row["establishments_growth"] == pytest.approx(-0.2, rel=RTOL)


def test_shrinking_with_rising_diversity_is_renewal_sustainment() -> None:
    assert stage_of((150.0, 96, 25, 16, 0.8, 1.0))["stage"] == "sustainment"


def test_shrinking_with_growing_establishments_is_sustainment() -> None:
    assert stage_of((150.0, 96, 16, 25, 1.0, 0.8))["stage"] == "sustainment"


def test_absent() -> None:
    row = stage_of((0.0, 0, 0, 0, 0.0, 0.0))
    assert (row["stage"], row["quadrant"]) == ("absent", "absent")
    assert np.isnan(row["employment_growth"])


def test_born_in_the_window_has_infinite_growth_and_emerges() -> None:
    row = stage_of((0.0, 30, 0, 3, 0.0, 0.4))
    assert row["employment_growth"] == np.inf
    assert row["stage"] == "emergence"


def test_without_establishments_or_diversity_the_rule_uses_employment_alone() -> None:
    # Same path as the consolidation case: without establishments it is plain growth.
    out = lifecycle(trajectories((150.0, 216, 16, 9, 1.0, 1.0)), establishments=None)
    row = row_of(out, "r1", "c")
    assert row["stage"] == "growth"
    assert np.isnan(row["establishments_growth"])
    assert np.isnan(row["diversity_change"])


# --- boundaries -----------------------------------------------------------------------------

# Thresholds that are exact in binary, so that growth lands exactly on them:
# 100 -> 225 over two years is sqrt(2.25) - 1 = 0.5; 100 -> 25 is sqrt(0.25) - 1 = -0.5.
EXACT = LifecycleThresholds(stable_growth=0.5, fast_growth=0.75)


def test_growth_exactly_at_the_stable_threshold_counts_as_growth() -> None:
    row = stage_of((150.0, 337.5, 15, 15, 1.0, 1.0), thresholds=EXACT)  # 337.5/150 = 2.25
    assert row["employment_growth"] == 0.5
    assert row["stage"] == "growth"


def test_decline_exactly_at_minus_the_stable_threshold_counts_as_decline() -> None:
    row = stage_of((150.0, 37.5, 15, 15, 1.0, 1.0), thresholds=EXACT)  # 37.5/150 = 0.25
    assert row["employment_growth"] == -0.5
    assert row["stage"] == "decline"


def test_employment_equal_to_the_median_is_not_small() -> None:
    # r1 starts at 100 with r2 at 100 and r3 at 200: median 100, and 100 < 100 is false.
    row = stage_of((100.0, 400, 10, 40, 0.1, 0.5))
    assert not bool(row["small"])
    assert row["stage"] == "growth"


def test_unchanged_diversity_is_not_rising() -> None:
    assert stage_of((10.0, 40, 2, 8, 0.5, 0.5))["stage"] == "growth"
    tolerant = LifecycleThresholds(diversity_tolerance=0.5)
    assert stage_of((10.0, 40, 2, 8, 0.1, 0.5), thresholds=tolerant)["stage"] == "growth"


def test_window_selects_the_years() -> None:
    # Add 2014, where r1's cluster collapses; the window 2010-2012 does not see it.
    panel = trajectories((150.0, 96, 25, 16, 1.0, 0.8))
    later = panel[panel["year"] == 2012].assign(year=2014)
    later.loc[(later["region"] == "r1") & (later["sector"] == "c"), "employment"] = 1.0
    both = pd.concat([panel, later], ignore_index=True)
    row = row_of(lifecycle(both, diversity="diversity", window=(2010, 2012)), "r1", "c")
    assert (row["first_year"], row["last_year"], row["employment_last"]) == (2010, 2012, 96.0)
    whole = row_of(lifecycle(both, diversity="diversity"), "r1", "c")
    assert whole["employment_last"] == 1.0


# --- quadrants ------------------------------------------------------------------------------


def two_by_two(start: list[float], end: list[float]) -> pd.DataFrame:
    """Regions r1, r2 x sectors x, y; employment (r1x, r1y, r2x, r2y) in 2010 and 2015."""
    return pd.DataFrame(
        {
            "region": ["r1", "r1", "r2", "r2"] * 2,
            "sector": ["x", "y"] * 4,
            "year": [2010] * 4 + [2015] * 4,
            "employment": start + end,
        }
    )


def quadrants(start: list[float], end: list[float]) -> dict[tuple[str, str], str]:
    out = lifecycle(two_by_two(start, end), establishments=None)
    return {(r, s): q for r, s, q in out[["region", "sector", "quadrant"]].to_numpy()}


def test_star_and_transforming() -> None:
    # 2010 all 50: every LQ 1. 2015 r1 (60, 40), r2 (40, 60); sector totals 100, 100 of 200.
    # LQ r1x = (60/100) / (100/200) = 1.2 (up 0.2): star; r1y = 0.8 (down): transforming.
    out = lifecycle(two_by_two([50.0] * 4, [60.0, 40, 40, 60]), establishments=None)
    assert out["lq_last"].tolist() == pytest.approx([1.2, 0.8, 0.8, 1.2], rel=RTOL)
    assert out["lq_change"].tolist() == pytest.approx([0.2, -0.2, -0.2, 0.2], rel=RTOL)
    assert out["quadrant"].tolist() == ["star", "transforming", "transforming", "star"]


def test_mature_and_emerging() -> None:
    # 2010 r1 (70, 30), r2 (30, 70): LQ r1x = 0.7/0.5 = 1.4, r1y = 0.6. 2015 as above:
    # r1x 1.4 -> 1.2 (strong, falling): mature; r1y 0.6 -> 0.8 (weak, rising): emerging.
    got = quadrants([70.0, 30, 30, 70], [60.0, 40, 40, 60])
    assert got == {
        ("r1", "x"): "mature",
        ("r1", "y"): "emerging",
        ("r2", "x"): "emerging",
        ("r2", "y"): "mature",
    }


def test_lq_exactly_one_and_rising_is_a_star() -> None:
    # r1x: 40/100 / (100/200) = 0.8 -> 50/100 / (100/200) = 1.0 exactly.
    assert quadrants([40.0, 60, 60, 40], [50.0] * 4)[("r1", "x")] == "star"


def test_unchanged_lq_is_not_advancing() -> None:
    got = quadrants([50.0] * 4, [50.0] * 4)
    assert set(got.values()) == {"mature"}  # LQ 1 >= 1, change 0 is not > 0
    weak = lifecycle(
        two_by_two([50.0] * 4, [50.0] * 4),
        establishments=None,
        thresholds=LifecycleThresholds(lq_level=1.5),
    )
    assert set(weak["quadrant"]) == {"transforming"}


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(st.floats(1.0, 1e4), min_size=12, max_size=12),
    scale=st.floats(0.01, 100.0),
    order=st.permutations(range(12)),
)
def test_scale_and_row_order_do_not_matter(
    values: list[float], scale: float, order: list[int]
) -> None:
    panel = pd.DataFrame(
        {
            "region": ["a", "a", "b", "b", "c", "c"] * 2,
            "sector": ["x", "y"] * 6,
            "year": [2010] * 6 + [2016] * 6,
            "employment": values,
        }
    )
    base = lifecycle(panel, establishments=None)
    moved = panel.assign(employment=panel["employment"] * scale).iloc[list(order)]
    again = lifecycle(moved, establishments=None)
    for column in ("employment_growth", "lq_first", "lq_last"):
        np.testing.assert_allclose(again[column], base[column], rtol=1e-9)
    # The stage and quadrant follow, except for a value within rounding of a threshold.
    close = (
        (base["lq_change"].abs() < 1e-9)
        | ((base["lq_last"] - 1).abs() < 1e-9)
        | ((base["employment_growth"].abs() - 0.01).abs() < 1e-9)
    )
    assert (again["stage"] == base["stage"])[~close].all()
    assert (again["quadrant"] == base["quadrant"])[~close].all()


# --- real panel: Eurostat NUTS-2 x 10 NACE groups, 2008 -> 2015 -----------------------------


def eurostat() -> pd.DataFrame:
    panel = pd.read_csv(EUROSTAT, dtype={"region": str, "sector": str, "flag": str})
    return panel.drop(columns="flag")


def test_eurostat_catalonia_construction_declines_and_transforms() -> None:
    # ES51 F: 406.3 thousand in 2008, 182.6 in 2015 (Eurostat lfst_r_lfe2en2):
    # (182.6 / 406.3) ** (1/7) - 1 = -10.8 % a year. LQ from the 129 regions' totals.
    panel = eurostat()
    row = row_of(lifecycle(panel, establishments=None), "ES51", "F")
    assert row["employment_growth"] == pytest.approx((182.6 / 406.3) ** (1 / 7) - 1, rel=RTOL)
    totals = panel.groupby(["year", "region"])["employment"].sum()
    sectors = panel.groupby(["year", "sector"])["employment"].sum()
    grand = panel.groupby("year")["employment"].sum()
    lq_2015 = (182.6 / totals.loc[(2015, "ES51")]) / (sectors.loc[(2015, "F")] / grand.loc[2015])
    assert row["lq_last"] == pytest.approx(lq_2015, rel=RTOL)
    assert (row["stage"], row["quadrant"]) == ("decline", "transforming")


def test_eurostat_three_regions_of_the_paper() -> None:
    # Read off the run documented in docs/clusters/definitions-lifecycle.md.
    out = lifecycle(eurostat(), establishments=None)
    expected = {
        ("ES21", "B-E"): ("decline", "mature"),  # Basque industry: LQ 1.31 -> 1.27
        ("ES51", "G-I"): ("decline", "star"),  # trade shrinks less than the rest
        ("ES51", "O-Q"): ("growth", "emerging"),
        ("FR10", "J"): ("sustainment", "mature"),  # Paris ICT: LQ 2.00 -> 1.90
        ("FR10", "L"): ("growth", "star"),
    }
    for key, (stage, quadrant) in expected.items():
        row = row_of(out, *key)
        assert (row["stage"], row["quadrant"]) == (stage, quadrant), key


# --- errors ---------------------------------------------------------------------------------

PANEL = two_by_two([50.0] * 4, [60.0, 40, 40, 60])


def test_a_single_year() -> None:
    with pytest.raises(InvalidInputError, match=r"at least two years; the panel has 1 \(2010\)"):
        lifecycle(PANEL[PANEL["year"] == 2010], establishments=None)


def test_missing_year_for_one_region_cluster() -> None:
    gappy = PANEL.iloc[:-1]
    with pytest.raises(
        InvalidInputError, match=r"1 have gaps \(first: region='r2', sector='y', missing 2015\)"
    ):
        lifecycle(gappy, establishments=None)


def test_window_year_not_in_panel() -> None:
    with pytest.raises(InvalidInputError, match=r"window year.*2012 not in the panel"):
        lifecycle(PANEL, establishments=None, window=(2010, 2012))


def test_window_in_wrong_order() -> None:
    with pytest.raises(InvalidInputError, match="first_year < last_year"):
        lifecycle(PANEL, establishments=None, window=(2015, 2010))


def test_negative_employment() -> None:
    bad = PANEL.assign(employment=[50.0, 50, 50, -1, 60, 40, 40, 60])
    with pytest.raises(InvalidInputError, match="'employment' must be non-negative"):
        lifecycle(bad, establishments=None)


def test_duplicate_rows() -> None:
    with pytest.raises(InvalidInputError, match="must identify one row"):
        lifecycle(pd.concat([PANEL, PANEL.head(1)]), establishments=None)


def test_missing_establishments_column() -> None:
    with pytest.raises(MissingColumnsError, match="'establishments'"):
        lifecycle(PANEL)


def test_missing_diversity_column() -> None:
    with pytest.raises(MissingColumnsError, match="'variety' \\(diversity\\)"):
        lifecycle(PANEL, establishments=None, diversity="variety")


def test_diversity_not_finite() -> None:
    with pytest.raises(InvalidInputError, match="'diversity' must be a finite number"):
        lifecycle(
            PANEL.assign(diversity=[1.0, np.inf, 1, 1, 1, 1, 1, 1]),
            establishments=None,
            diversity="diversity",
        )


def test_diversity_not_numeric() -> None:
    with pytest.raises(InvalidInputError, match="'diversity' must be numeric"):
        lifecycle(
            PANEL.assign(diversity=list("abcdefgh")), establishments=None, diversity="diversity"
        )


def test_region_without_employment() -> None:
    empty = PANEL.assign(employment=[50.0, 50, 0, 0, 60, 40, 40, 60])
    with pytest.raises(InvalidInputError, match="sums to zero for region='r2' in year=2010"):
        lifecycle(empty, establishments=None)


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        (LifecycleThresholds(stable_growth=0.1, fast_growth=0.05), "stable_growth <= fast_growth"),
        (LifecycleThresholds(stable_growth=-0.1), "stable_growth <= fast_growth"),
        (LifecycleThresholds(small_quantile=1.5), "'small_quantile' must be in"),
        (LifecycleThresholds(diversity_tolerance=-1.0), "must be non-negative"),
        (LifecycleThresholds(lq_level=float("nan")), "'lq_level' must be a finite number"),
    ],
)
def test_thresholds_out_of_range(thresholds: LifecycleThresholds, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        lifecycle(PANEL, establishments=None, thresholds=thresholds)


def test_input_is_left_untouched() -> None:
    before = PANEL.copy()
    lifecycle(PANEL, establishments=None)
    pd.testing.assert_frame_equal(PANEL, before)


def test_ibis_input_gives_the_same_table() -> None:
    import ibis

    expected = lifecycle(PANEL, establishments=None)
    pd.testing.assert_frame_equal(lifecycle(ibis.memtable(PANEL), establishments=None), expected)
