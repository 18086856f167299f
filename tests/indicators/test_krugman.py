"""Krugman's dissimilarity index: reference values, properties and errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from grappes.errors import InvalidInputError
from grappes.indicators.specialisation import krugman
from tests.conftest import RTOL
from tests.indicators.contract_concentration import sparse_table
from tests.indicators.test_concentration import relabel, sector_and_rest, tables, unlabel, value_of


def units(columns: Mapping[str, Sequence[float]], *, unit: str, part: str) -> pd.DataFrame:
    """A long table from named vectors: each key a ``unit``, each position a ``part``."""
    rows = [(name, f"p{i}", v) for name, vector in columns.items() for i, v in enumerate(vector)]
    return pd.DataFrame(rows, columns=[unit, part, "employment"])


def test_reat_krugman_spec() -> None:
    # REAT 3.0.3, krugman.spec(c(20,10,70,0,0), c(0,0,0,60,40)) = 2 (reat_expected.json
    # "krugman_spec"): two regions with nothing in common; the rest of the economy of one is
    # the other. By hand: .2 + .1 + .7 + .6 + .4 = 2.
    table = units({"i": [20, 10, 70, 0, 0], "j": [0, 0, 0, 60, 40]}, unit="region", part="sector")
    result = krugman(table)
    assert result.krugman.tolist() == pytest.approx([2.0, 2.0], rel=1e-12)
    assert krugman(table, normalisation="half").krugman.tolist() == pytest.approx([1.0, 1.0])


def test_reat_krugman_conc() -> None:
    # REAT 3.0.3, krugman.conc(c(500,500,1000,7000,1000), c(20000,15000,20000,40000,5000))
    # = 0.7 (reat_expected.json "krugman_conc"): the sector against the regions' totals, the
    # sector included. By hand: |.05-.2| + |.05-.15| + |.1-.2| + |.7-.4| + |.1-.05| = .7.
    table = sector_and_rest([500, 500, 1000, 7000, 1000], [20000, 15000, 20000, 40000, 5000])
    result = krugman(table, kind="concentration", comparison="total")
    assert value_of(result, "sector", "i", "krugman") == pytest.approx(0.7, rel=1e-12)


def test_reat_krugman_conc2() -> None:
    # REAT 3.0.3, krugman.conc2(Bergbau, data.frame(Chemie, Sozialwesen, Elektronik, Holz))
    # = 0.8619321358 (reat_expected.json "krugman_conc2"): against the unweighted mean of the
    # other sectors' shares over regions.
    sectors = {
        "Bergbau": [4320, 7811, 3900, 2300, 47560],
        "Chemie": [20000, 11000, 31000, 8000, 20000],
        "Sozialwesen": [40000, 10000, 25000, 9000, 16000],
        "Elektronik": [10000, 11000, 14000, 14000, 13000],
        "Holz": [7000, 7500, 11000, 1500, 36000],
    }
    table = units(sectors, unit="sector", part="region")
    result = krugman(table, kind="concentration", comparison="mean_of_others")
    assert value_of(result, "sector", "Bergbau", "krugman") == pytest.approx(0.8619321358, rel=1e-9)


def test_reat_krugman_spec2() -> None:
    # REAT 3.0.3, krugman.spec2(Sweden, data.frame(Norway, Denmark, Finland, Island))
    # = 0.1595017923 (reat_expected.json "krugman_spec2").
    countries = {
        "Sweden": [45000, 15000, 32000, 10000, 30000],
        "Norway": [35000, 12000, 30000, 8000, 22000],
        "Denmark": [40000, 10000, 25000, 9000, 18000],
        "Finland": [30000, 11000, 18000, 3000, 13000],
        "Island": [40000, 6000, 11000, 2000, 12000],
    }
    table = units(countries, unit="region", part="sector")
    result = krugman(table, comparison="mean_of_others")
    assert value_of(result, "region", "Sweden", "krugman") == pytest.approx(0.1595017923, rel=1e-9)


def test_hand_computed_three_regions() -> None:
    # Regions a (x 1, y 3), b (x 2, y 2), c (x 3, y 0). Rest of a: x 5, y 2, shares 5/7, 2/7;
    # a's shares .25, .75: K_a = |.25 - 5/7| + |.75 - 2/7| = 2 * 13/28 = 13/14.
    # Against the total (x 6, y 5 of 11): 2 * |.25 - 6/11| = 13/22.
    # Against the mean of b (.5, .5) and c (1, 0): (.75, .25): 2 * |.25 - .75| = 1.
    table = pd.DataFrame(
        {
            "region": ["a", "a", "b", "b", "c"],
            "sector": ["x", "y", "x", "y", "x"],
            "employment": [1.0, 3, 2, 2, 3],
        }
    )
    assert value_of(krugman(table), "region", "a", "krugman") == pytest.approx(13 / 14, rel=RTOL)
    total = krugman(table, comparison="total")
    assert value_of(total, "region", "a", "krugman") == pytest.approx(13 / 22, rel=RTOL)
    mean = krugman(table, comparison="mean_of_others")
    assert value_of(mean, "region", "a", "krugman") == pytest.approx(1.0, rel=RTOL)


def test_by_year_computes_each_year_alone() -> None:
    table = sparse_table()
    both = krugman(table, by=("year",))
    alone = krugman(table[table.year == 2024].drop(columns="year"))
    got = both[both.year == 2024].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone, rtol=RTOL)


@settings(max_examples=10, deadline=None)
@given(tables(zeros=True))
def test_properties(table: pd.DataFrame) -> None:
    for comparison in ("rest", "total", "mean_of_others"):
        base = krugman(table, comparison=comparison)
        assert ((base.krugman >= -1e-12) & (base.krugman <= 2 + 1e-12)).all()
        got = unlabel(krugman(relabel(table), comparison=comparison), table, "region")
        pd.testing.assert_frame_equal(got, base, rtol=1e-9, atol=1e-12)
        half = krugman(table, comparison=comparison, normalisation="half")
        assert np.allclose(half.krugman * 2, base.krugman, rtol=1e-12)
    # Concentration is specialisation with the roles of regions and sectors exchanged.
    swapped = table.rename(columns={"region": "sector", "sector": "region"})
    conc = krugman(table, kind="concentration").rename(columns={"sector": "region"})
    pd.testing.assert_frame_equal(conc, krugman(swapped), rtol=1e-12)
    # Leaving out the zero rows changes nothing.
    pd.testing.assert_frame_equal(krugman(table[table.employment > 0]), krugman(table), rtol=1e-12)


def test_errors() -> None:
    table = pd.DataFrame(
        {
            "region": ["a", "a", "b", "b"],
            "sector": ["x", "y", "x", "y"],
            "employment": [1.0, 2, 0, 0],
        }
    )
    with pytest.raises(InvalidInputError, match=r"krugman: every region .*region='b'"):
        krugman(table)
    assert krugman(table, on_zero_total="nan").krugman.isna().tolist() == [True, True]
    alone = table[table.region == "a"]
    with pytest.raises(InvalidInputError, match=r"rest of the economy has a total of 0.*'a'"):
        krugman(alone)
    with pytest.raises(InvalidInputError, match=r"mean_of_others' needs at least two"):
        krugman(alone, comparison="mean_of_others")
    assert krugman(alone, comparison="mean_of_others", on_zero_total="nan").krugman.isna().all()
    assert krugman(alone, comparison="total").krugman.tolist() == [0.0]
