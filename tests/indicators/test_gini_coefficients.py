"""The sorted (Lorenz) Gini forms against the pairwise double sums they replace.

``grappes.indicators.gini_coefficients`` computes both Gini coefficients from the units sorted, in
n log n. The pairwise sums below are the definitions (Krugman 1991, app. D; REAT 3.0.3's
``gini.conc``; Gini 1912), written out in numpy over a dense grid: the oracle the library
used to evaluate in SQL until 2026-11-26, kept here and nowhere else.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.indicators.gini_coefficients import gini, locational_gini

RELATIVE = 1e-12


def pairwise_locational(
    table: pd.DataFrame, *, unit: str, part: str, convention: str
) -> dict[tuple[object, str], float]:
    """Every (year, unit)'s locational Gini by the double sum over a dense part x unit grid."""
    result: dict[tuple[object, str], float] = {}
    for year, rows in table.groupby("year"):
        grid = rows.pivot_table(
            index=part, columns=unit, values="employment", aggfunc="sum", fill_value=0.0
        ).astype(float)
        x_all = grid.sum(axis=1).to_numpy() / grid.to_numpy().sum()
        for name in grid.columns:
            column = grid[name].to_numpy()
            if column.sum() == 0:
                result[(year, name)] = float("nan")
                continue
            s = column / column.sum()
            if convention == "krugman":
                gaps = np.abs(np.outer(s, x_all) - np.outer(x_all, s))
                result[(year, name)] = float(gaps.sum() / 4)
            else:
                if (x_all == 0).any():
                    result[(year, name)] = float("nan")
                    continue
                q = s / x_all
                spread = np.abs(q[:, None] - q[None, :]).sum()
                result[(year, name)] = float(spread / (2 * len(q) * q.sum()))
    return result


def pairwise_gini(values: np.ndarray, weights: np.ndarray) -> float:
    """Σ_i Σ_j w_i w_j |x_i - x_j| / (2 W Σ w x)."""
    spread = sum(
        wi * wj * abs(xi - xj)
        for (xi, wi), (xj, wj) in itertools.product(zip(values, weights, strict=True), repeat=2)
    )
    denominator = 2 * weights.sum() * (weights * values).sum()
    return float("nan") if denominator == 0 else float(spread / denominator)


@st.composite
def sparse_panels(draw: st.DrawFn) -> pd.DataFrame:
    """Two years of a region x sector table with missing cells, zeros and ties."""
    regions = [f"r{i}" for i in range(draw(st.integers(2, 7)))]
    sectors = [f"s{i}" for i in range(draw(st.integers(2, 5)))]
    integers = draw(st.booleans())
    rows = []
    for year in (2014, 2024):
        rows.append(("r0", "s0", year, 5.0))  # every year holds a positive value
        for region, sector in itertools.product(regions, sectors):
            if (region, sector) == ("r0", "s0") or draw(st.integers(0, 3)) == 0:
                continue  # no row: counts as zero
            value = (
                float(draw(st.integers(0, 6)))
                if integers
                else draw(
                    st.floats(0, 1e4, allow_nan=False, allow_infinity=False, allow_subnormal=False)
                )
            )
            rows.append((region, sector, year, value))
    return pd.DataFrame(rows, columns=["region", "sector", "year", "employment"])


@settings(max_examples=60, deadline=None)
@given(
    table=sparse_panels(),
    kind=st.sampled_from(["concentration", "specialisation"]),
    convention=st.sampled_from(["krugman", "reat_lq"]),
)
def test_locational_gini_equals_the_pairwise_sum(
    table: pd.DataFrame, kind: str, convention: str
) -> None:
    unit, part = ("sector", "region") if kind == "concentration" else ("region", "sector")
    expected = pairwise_locational(table, unit=unit, part=part, convention=convention)
    result = locational_gini(
        table,
        by=("year",),
        kind=kind,  # type: ignore[arg-type]
        convention=convention,  # type: ignore[arg-type]
        on_zero_total="nan",
    )
    got = {(row.year, row[unit]): row.locational_gini for _, row in result.iterrows()}
    assert set(got) == set(expected)
    for key, want in expected.items():
        if np.isnan(want):
            assert np.isnan(got[key]), key
        else:
            assert got[key] == pytest.approx(want, rel=RELATIVE, abs=1e-15), key


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=12),
    weights=st.lists(st.integers(0, 9), min_size=12, max_size=12),
    weighted=st.booleans(),
)
def test_gini_equals_the_pairwise_sum(
    values: list[float], weights: list[int], weighted: bool
) -> None:
    x = np.array(values)
    w = np.array(weights[: len(values)], dtype=float) if weighted else np.ones(len(values))
    table = pd.DataFrame({"g": "a", "v": x, "w": w})
    result = gini(table, value="v", by=("g",), weight="w", on_zero_total="nan")
    want = pairwise_gini(x, w)
    if np.isnan(want):
        assert np.isnan(result.gini.iloc[0])
    else:
        assert result.gini.iloc[0] == pytest.approx(want, rel=RELATIVE, abs=1e-15)


def test_equal_values_give_a_gini_of_exactly_zero() -> None:
    # Ties must cancel exactly, as |x_i - x_j| = 0 did in the pairwise sum.
    table = pd.DataFrame({"v": [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]})
    assert gini(table, value="v").gini.iloc[0] == 0.0
