"""The contract every public indicator keeps (STYLE.md, "Tests").

It rejects missing columns, NaN and negatives; leaves its input untouched; gives the same
numbers on pandas, DuckDB, Polars and Spark input (Spark marked slow). Cases come from every
``contract_<family>.py`` beside this file.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pytest

from grappes.errors import InvalidInputError, MissingColumnsError
from tests.indicators.contract import ContractCase

RTOL_ENGINES = 1e-12


def _cases() -> list[ContractCase]:
    cases: list[ContractCase] = []
    for path in sorted(Path(__file__).parent.glob("contract_*.py")):
        module = importlib.import_module(f"tests.indicators.{path.stem}")
        cases.extend(module.CASES)
    return cases


CASES = _cases()
IDS = [case.name for case in CASES]


def _call(case: ContractCase, table: Any) -> Any:
    return case.function(table, **case.kwargs)


def _sorted(frame: pd.DataFrame, case: ContractCase) -> pd.DataFrame:
    columns = [*case.keys, *case.outputs]
    return frame[columns].sort_values(list(case.keys)).reset_index(drop=True)


def test_every_public_indicator_is_under_contract() -> None:
    import grappes.indicators as indicators

    covered = {case.function.__name__ for case in CASES}
    public = set(indicators.__all__)
    assert public <= covered, f"indicators with no contract case: {sorted(public - covered)}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rejects_missing_columns(case: ContractCase) -> None:
    for column in (*case.codes, *case.values):
        table = case.table().drop(columns=[column])
        with pytest.raises(MissingColumnsError, match=repr(column)):
            _call(case, table)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rejects_nan(case: ContractCase) -> None:
    for column in case.values:
        table = case.table()
        table[column] = table[column].astype("float64")
        table.loc[table.index[0], column] = np.nan
        with pytest.raises(InvalidInputError, match=repr(column)):
            _call(case, table)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rejects_negative(case: ContractCase) -> None:
    for column in case.values:
        if column in case.negative_ok:
            continue
        table = case.table()
        table[column] = table[column].astype("float64")
        table.loc[table.index[0], column] = -1.0
        with pytest.raises(InvalidInputError, match=rf"{column!r}.*non-negative|positive"):
            _call(case, table)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rejects_numeric_codes(case: ContractCase) -> None:
    for column in case.codes:
        table = case.table()
        table[column] = pd.factorize(table[column])[0]
        with pytest.raises(InvalidInputError, match=repr(column)):
            _call(case, table)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_leaves_input_untouched(case: ContractCase) -> None:
    table = case.table()
    before = table.copy(deep=True)
    _call(case, table)
    pd.testing.assert_frame_equal(table, before)


@pytest.fixture(scope="module")
def duckdb_connection() -> Iterator[Any]:
    yield ibis.duckdb.connect()


@pytest.fixture(scope="module")
def polars_connection() -> Iterator[Any]:
    yield ibis.polars.connect()


def _same_on(connection: Any, case: ContractCase, name: str) -> None:
    frame = case.table()
    expected = _sorted(_call(case, frame), case)
    table = connection.create_table(f"t_{name}", frame, overwrite=True)
    result = _call(case, table)
    assert isinstance(result, ibis.expr.types.Table), "Ibis in must give a lazy Ibis table out"
    got = _sorted(result.to_pandas(), case)
    pd.testing.assert_frame_equal(
        got, expected, check_dtype=False, check_exact=False, rtol=RTOL_ENGINES, atol=0
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_same_numbers_on_duckdb(case: ContractCase, duckdb_connection: Any) -> None:
    _same_on(duckdb_connection, case, case.name)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_same_numbers_on_polars(case: ContractCase, polars_connection: Any) -> None:
    _same_on(polars_connection, case, case.name)


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.xdist_group("spark")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_same_numbers_on_spark(case: ContractCase, spark_connection: Any) -> None:
    _same_on(spark_connection, case, case.name)
