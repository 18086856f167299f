"""Benjamini–Hochberg and Bonferroni adjustments: hand-computed values, scipy, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from grappes.errors import InvalidInputError
from grappes.spatial.multiple_testing import adjust_p_values, benjamini_hochberg, bonferroni
from tests.conftest import ATOL, RTOL

p_lists = st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=60)


def test_benjamini_hochberg_by_hand() -> None:
    # sorted: 0.01, 0.03, 0.04, 0.2; m p / rank: 0.04, 0.06, 0.0533, 0.2;
    # running minimum from the top: 0.04, 0.0533, 0.0533, 0.2
    got = benjamini_hochberg([0.01, 0.04, 0.03, 0.2])
    np.testing.assert_allclose(got, [0.04, 0.16 / 3, 0.16 / 3, 0.2], rtol=RTOL, atol=ATOL)


def test_benjamini_hochberg_caps_at_one() -> None:
    np.testing.assert_allclose(benjamini_hochberg([0.9, 0.95, 1.0]), [1.0, 1.0, 1.0])


def test_bonferroni_by_hand() -> None:
    np.testing.assert_allclose(bonferroni([0.01, 0.04, 0.3, 0.5]), [0.04, 0.16, 1.0, 1.0])


@settings(max_examples=200, deadline=None)
@given(p_lists)
def test_benjamini_hochberg_matches_scipy(p: list[float]) -> None:
    # scipy's false_discovery_control (scipy >= 1.11) is an independent implementation
    expected = stats.false_discovery_control(np.array(p), method="bh")
    np.testing.assert_allclose(benjamini_hochberg(p), expected, rtol=1e-12, atol=1e-15)


@settings(max_examples=100, deadline=None)
@given(p_lists, st.randoms(use_true_random=False))
def test_benjamini_hochberg_properties(p: list[float], random: object) -> None:
    values = np.array(p)
    adjusted = benjamini_hochberg(values)
    assert np.all(adjusted >= values - 1e-15)
    assert np.all(adjusted <= 1.0)
    assert np.all(adjusted <= bonferroni(values) + 1e-15)
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(adjusted[order]) >= -1e-15)
    shuffled = np.arange(values.size)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    np.testing.assert_allclose(benjamini_hochberg(values[shuffled]), adjusted[shuffled])


def test_series_keeps_its_index() -> None:
    p = pd.Series([0.2, 0.01], index=["b", "a"])
    got = benjamini_hochberg(p)
    assert isinstance(got, pd.Series)
    assert got.index.tolist() == ["b", "a"]
    assert got.tolist() == pytest.approx([0.2, 0.02])


def test_adjust_p_values_dispatches() -> None:
    p = [0.01, 0.02, 0.5]
    np.testing.assert_allclose(adjust_p_values(p, correction="fdr"), benjamini_hochberg(p))
    np.testing.assert_allclose(adjust_p_values(p, correction="bonferroni"), bonferroni(p))
    np.testing.assert_allclose(adjust_p_values(p, correction="none"), p)


def test_empty_input_gives_empty_output() -> None:
    assert benjamini_hochberg([]).size == 0


@pytest.mark.parametrize(
    ("p", "match"),
    [
        ([0.1, np.nan], r"finite and within \[0, 1\]; got nan"),
        ([0.1, 1.5], r"got 1.5 in 1 positions"),
        ([-0.1], r"got -0.1"),
        ([[0.1, 0.2]], "one-dimensional"),
        (["a"], "must be numbers"),
    ],
)
def test_invalid_p_values(p: object, match: str) -> None:
    with pytest.raises(InvalidInputError, match=match):
        benjamini_hochberg(p)  # type: ignore[call-overload]


def test_unknown_correction() -> None:
    with pytest.raises(InvalidInputError, match="correction must be one of"):
        adjust_p_values([0.1], correction="holm")  # type: ignore[call-overload]
