"""Entropy, related and unrelated variety: reference values, properties and errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.errors import InvalidInputError, MissingColumnsError
from grappes.indicators.diversity import entropy
from tests.conftest import RTOL
from tests.indicators.contract_diversity import HIERARCHY
from tests.indicators.contract_specialisation import employment_table
from tests.indicators.test_concentration import relabel, tables, unlabel

TWO_GROUPS = {"a1": "a", "a2": "a", "a3": "a", "b1": "b"}


def region_of(values: list[float], sectors: list[str], region: str = "r") -> pd.DataFrame:
    return pd.DataFrame({"region": region, "sector": sectors, "employment": values})


def test_hand_computed_decomposition() -> None:
    # Hand-computed (no published value found for a small case; EconGeo's entropy example uses
    # random data). A region with sectors a1, a2, a3 (group a) and b1 (group b), employment
    # 2, 1, 1, 4 of 8: p = (1/4, 1/8, 1/8, 1/2), in bits:
    #   H  = 1/4*2 + 2 * 1/8*3 + 1/2*1                           = 1.75
    #   UV = P_a = 1/2, P_b = 1/2: 1/2*1 + 1/2*1                  = 1
    #   RV = 1/2 * H(1/2, 1/4, 1/4) + 1/2 * H(1) = 1/2 * 1.5 + 0   = 0.75
    table = region_of([2.0, 1.0, 1.0, 4.0], ["a1", "a2", "a3", "b1"])
    result = entropy(table, hierarchy=TWO_GROUPS, base="2").iloc[0]
    assert result.entropy == pytest.approx(1.75, rel=1e-12)
    assert result.unrelated_variety == pytest.approx(1.0, rel=1e-12)
    assert result.related_variety == pytest.approx(0.75, rel=1e-12)
    nats = entropy(table, hierarchy=TWO_GROUPS).iloc[0]
    assert nats.entropy == pytest.approx(1.75 * math.log(2), rel=1e-12)


def test_hierarchy_as_a_table_gives_the_same() -> None:
    table = employment_table()
    frame = pd.DataFrame({"sector": list(HIERARCHY), "group": list(HIERARCHY.values())})
    from_mapping = entropy(table, by=("year",), hierarchy=HIERARCHY)
    from_frame = entropy(table, by=("year",), hierarchy=pd.concat([frame, frame.iloc[:1]]))
    pd.testing.assert_frame_equal(from_frame, from_mapping)
    alone = entropy(table, by=("year",))
    pd.testing.assert_series_equal(alone.entropy, from_mapping.entropy, rtol=RTOL)


@settings(max_examples=10, deadline=None)
@given(tables(zeros=True), st.floats(0.01, 100))
def test_properties(table: pd.DataFrame, factor: float) -> None:
    groups = {s: ("g1" if s in "ABC" else "g2") for s in table.sector.unique()}
    base = entropy(table, hierarchy=groups)
    assert np.allclose(base.related_variety + base.unrelated_variety, base.entropy, atol=1e-12)
    n = table.sector.nunique()
    assert ((base.entropy >= -1e-12) & (base.entropy <= math.log(n) + 1e-12)).all()
    assert (base.related_variety >= -1e-12).all() and (base.unrelated_variety >= -1e-12).all()
    scaled = relabel(table.assign(employment=table.employment * factor))
    relabelled = {f"S{9 - i}": groups[c] for i, c in enumerate(sorted(table.sector.unique()))}
    got = unlabel(entropy(scaled, hierarchy=relabelled), table, "region")
    pd.testing.assert_frame_equal(got, base, rtol=1e-9, atol=1e-12)
    bits = entropy(table, base="2").entropy
    assert np.allclose(bits * math.log(2), base.entropy, rtol=1e-12, atol=1e-15)


def test_even_mix_has_the_largest_entropy() -> None:
    result = entropy(region_of([5.0] * 4, ["a1", "a2", "a3", "b1"]))
    assert result.entropy.iloc[0] == pytest.approx(math.log(4), rel=1e-12)
    single = entropy(region_of([5.0, 0.0], ["a1", "a2"]))
    assert single.entropy.tolist() == [0.0]


def test_errors() -> None:
    table = region_of([2.0, 1.0, 1.0, 4.0], ["a1", "a2", "a3", "b1"])
    with pytest.raises(InvalidInputError, match=r"every sector .* group.*sector='b1'"):
        entropy(table, hierarchy={"a1": "a", "a2": "a", "a3": "a"})
    doubled = pd.DataFrame({"sector": ["a1", "a1"], "group": ["a", "b"]})
    with pytest.raises(InvalidInputError, match=r"one group.*sector='a1'"):
        entropy(table, hierarchy=doubled)
    with pytest.raises(MissingColumnsError, match=r"entropy \(hierarchy\).*'group'"):
        entropy(table, hierarchy=pd.DataFrame({"sector": ["a1"], "family": ["a"]}))
    with pytest.raises(InvalidInputError, match=r"entropy \(hierarchy\).*'group'.*strings"):
        entropy(table, hierarchy={"a1": 1, "a2": 1, "a3": 1, "b1": 2})  # type: ignore[dict-item]
    with pytest.raises(InvalidInputError, match=r"mapping from sector to group.*list"):
        entropy(table, hierarchy=["a1"])  # type: ignore[arg-type]
    empty = pd.concat([table, region_of([0.0], ["a1"], region="z")])
    with pytest.raises(InvalidInputError, match=r"every region must have a positive total.*'z'"):
        entropy(empty)
    result = entropy(empty, hierarchy=TWO_GROUPS, on_zero_total="nan").set_index("region")
    assert result.loc["z"].isna().all() and result.loc["r"].notna().all()
