"""How many queries an indicator runs on the caller's engine before its result.

Each query is a pass over the input (a fresh read of the file when the input is a lazy
aggregate), so validation is folded into one aggregate query; the detailed queries that
name an offending row run only when that query finds a fault. See docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ibis
import pandas as pd
import pytest

import grappes.indicators.gini_coefficients as gini_module
import grappes.indicators.inputs as inputs
from grappes.errors import InvalidInputError
from grappes.indicators.concentration import herfindahl
from grappes.indicators.gini_coefficients import locational_gini
from grappes.indicators.specialisation import location_quotient
from tests.indicators.contract_specialisation import employment_table


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """The expressions run through ``grappes.engine.execute`` by the patched modules."""
    seen: list[object] = []
    original = inputs.execute

    def counted(expression: Any) -> pd.DataFrame:
        seen.append(expression)
        return original(expression)

    for module in (inputs, gini_module):
        monkeypatch.setattr(module, "execute", counted)
    yield seen


def table() -> ibis.Table:
    return ibis.duckdb.connect().create_table("t", employment_table())


def test_validation_is_one_query(queries: list[object]) -> None:
    # values, duplicate keys and both zero-total checks of the LQ: one aggregate query
    location_quotient(table(), by=("year",))
    assert len(queries) == 1
    queries.clear()
    herfindahl(table(), by=("year",))
    assert len(queries) == 1


def test_the_locational_gini_collects_once_after_validation(queries: list[object]) -> None:
    result = locational_gini(table(), by=("year",))
    assert len(queries) == 2  # validation, then the region x sector cells
    assert isinstance(result, ibis.Table)


def test_a_fault_found_by_the_folded_query_is_still_named() -> None:
    doubled = pd.concat([employment_table(), employment_table().head(1)], ignore_index=True)
    first = employment_table().iloc[0]
    with pytest.raises(InvalidInputError, match=rf"1 key\(s\).*region='{first.region}'"):
        location_quotient(doubled, by=("year",))
    zero = employment_table()
    zero.loc[zero.sector == zero.sector.iloc[0], "employment"] = 0
    with pytest.raises(InvalidInputError, match=r"every sector must have a positive total"):
        location_quotient(zero, by=("year",))
    # the faults are reported in the order the separate queries used to find them
    with pytest.raises(InvalidInputError, match=r"must identify one row"):
        location_quotient(pd.concat([zero, zero.head(1)], ignore_index=True), by=("year",))
