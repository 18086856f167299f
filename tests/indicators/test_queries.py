"""How many queries an indicator runs on the caller's engine before its result.

Each query is a pass over the input (a fresh read of the file when the input is a lazy
aggregate), so validation is folded into one aggregate query; the detailed queries that
name an offending row run only when that query finds a fault. See docs/benchmarks.md.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import ibis
import pandas as pd
import pytest

import grappes.indicators.gini_coefficients as gini_module
import grappes.indicators.inputs as inputs
import grappes.indicators.panel_checks as panel_checks
from grappes import engine
from grappes.errors import InvalidInputError
from grappes.indicators.concentration import herfindahl
from grappes.indicators.gini_coefficients import locational_gini
from grappes.indicators.specialisation import location_quotient
from tests.indicators.contract_specialisation import employment_table


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """The expressions run through ``grappes.engine`` (``execute``, ``records``,
    ``columns``) by the patched modules."""
    seen: list[object] = []

    def counting(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def counted(expression: Any) -> Any:
            seen.append(expression)
            return original(expression)

        return counted

    for module in (inputs, gini_module):
        for name in ("execute", "records", "columns"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, counting(getattr(engine, name)))
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


def test_a_cached_table_is_checked_once_for_several_indicators(queries: list[object]) -> None:
    cached = table().cache()
    location_quotient(cached, by=("year",))
    assert len(queries) == 1
    queries.clear()
    # the LQ's checks (keys, values, duplicates, region and sector totals) cover these
    herfindahl(cached, by=("year",))
    location_quotient(cached, by=("year",))
    assert queries == []
    # a table that is not a snapshot may have changed between two calls: checked again
    plain = table()
    location_quotient(plain, by=("year",))
    herfindahl(plain, by=("year",))
    assert len(queries) == 2


def test_a_cached_table_that_fails_is_refused_every_time() -> None:
    bad = employment_table()
    bad.loc[0, "employment"] = -1.0
    cached = ibis.duckdb.connect().create_table("t", bad).cache()
    for _ in range(2):
        with pytest.raises(InvalidInputError, match=r"'employment' must be non-negative"):
            location_quotient(cached, by=("year",))
    # checks the LQ's do not cover still run: here the Herfindahl's on a good snapshot
    good = table().cache()
    herfindahl(good, by=("year",))
    with pytest.raises(InvalidInputError, match=r"missing column"):
        location_quotient(good, value="headcount", by=("year",))


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


def test_a_clean_two_year_panel_is_checked_in_one_query(
    queries: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the module, not the function that grappes.indicators exports under the same name
    module = importlib.import_module("grappes.indicators.shift_share")
    monkeypatch.setattr(panel_checks, "records", _counted(queries, engine.records))
    t = ibis.duckdb.connect().create_table("t", employment_table())
    years = sorted({int(y) for y in employment_table()["year"]})
    assert len(years) >= 2  # the fixture is a panel
    panel = t.filter(t.year.isin(years[:2]))
    result = module.shift_share(panel)
    # validation, the years, the panel and the zeros: one query
    assert len(queries) == 1
    assert isinstance(result, ibis.Table)


def _counted(seen: list[object], original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def counted(expression: Any) -> Any:
        seen.append(expression)
        return original(expression)

    return counted


#: Runs the benchmark's suite on a small DuckDB table and says whether pandas was imported.
_WITHOUT_PANDAS = """
import sys
import ibis
from grappes.indicators import agglomeration, concentration, relatedness
from grappes.indicators.shift_share import shift_share
from grappes.indicators.specialisation import location_quotient
con = ibis.duckdb.connect()
con.raw_sql(
    "CREATE TABLE t AS SELECT 'r' || (i % 4) AS region, 's' || (i // 4) AS sector, "
    "((i * 7) % 5 + 1)::BIGINT AS employment, (i % 3 + 1)::BIGINT AS employment_2014 "
    "FROM range(16) AS r(i)"
)
t = con.table("t")
assert "pandas" not in sys.modules or sys.exit("pandas imported by the set-up")
end = t.select("region", "sector", year=ibis.literal(2024), employment=t.employment)
start = t.select("region", "sector", year=ibis.literal(2014), employment=t.employment_2014)
results = [
    location_quotient(t), concentration.herfindahl(t), concentration.locational_gini(t),
    agglomeration.ellison_glaeser(t), relatedness.relatedness_density(t, threshold=0.5),
    shift_share(ibis.union(end, start)),
]
for result in results:
    con.to_parquet(result, sys.argv[1])
print("pandas" in sys.modules)
"""


def test_ibis_input_never_imports_pandas(tmp_path: Any) -> None:
    # Importing pandas costs a Parquet-in, Parquet-out process about 0.25 s and 95 MB (a
    # third of the benchmark suite's peak memory): the indicators must not need it.
    out = tmp_path / "result.parquet"
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_PANDAS, str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
