"""How an indicator takes a table and gives one back: validated once, same kind out as in.

An indicator accepts a pandas DataFrame or an Ibis table (DuckDB, Polars or Spark). Either
way it is turned into one Ibis expression, so the arithmetic is written once and the same
numbers come out of every engine. A pandas table comes back as a pandas table, sorted by
its keys; an Ibis table comes back as a lazy Ibis table that the user's engine computes.

Validation runs as a couple of aggregate queries on the user's engine; the table itself is
never collected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias, Union

import ibis
import ibis.expr.types as ir
import pandas as pd

from grappes.engine import execute
from grappes.errors import InvalidInputError, MissingColumnsError

if TYPE_CHECKING:
    from ibis.expr.schema import Schema as IbisSchema

TableLike: TypeAlias = Union[pd.DataFrame, ir.Table]  # noqa: UP007 - used at run time


@dataclass(frozen=True)
class Prepared:
    """A validated input: the Ibis expression and the kind of table the caller gave."""

    table: ir.Table
    kind: Literal["pandas", "ibis"]


def prepare(
    table: TableLike,
    *,
    who: str,
    codes: Sequence[str],
    by: Sequence[str] = (),
    values: Sequence[str] = (),
    unique: bool = True,
    allow_zero: bool = True,
) -> Prepared:
    """Check a table for an indicator and return it as an Ibis expression.

    Parameters
    ----------
    table
        pandas DataFrame or Ibis table.
    who
        Name of the calling function, to start every message with.
    codes
        Columns holding region or sector codes: must exist and hold strings, no missing value.
    by
        Grouping columns (``year`` …): must exist, no missing value.
    values
        Numeric columns: must exist, be numeric, finite and non-negative.
    unique
        Whether ``codes + by`` must identify one row.
    allow_zero
        Whether a value of zero is accepted.

    Raises
    ------
    MissingColumnsError
        When a column is missing.
    InvalidInputError
        For a non-string code, a missing or non-numeric value, a negative value, or duplicate
        keys; the message names the column and the first offending row by its keys.
    """
    kind: Literal["pandas", "ibis"]
    if isinstance(table, pd.DataFrame):
        kind = "pandas"
        _check_pandas_codes(table, who=who, codes=codes)
        expression = ibis.memtable(table)
    elif isinstance(table, ir.Table):
        kind = "ibis"
        expression = table
    else:
        raise InvalidInputError(
            f"{who}: expected a pandas DataFrame or an Ibis table; got {type(table).__name__}"
        )
    keys = [*codes, *by]
    _check_columns(expression.schema(), who=who, needed=[*keys, *values])
    _check_types(expression.schema(), who=who, codes=codes, values=values)
    _check_values(expression, who=who, keys=keys, values=values, allow_zero=allow_zero)
    if unique:
        _check_unique(expression, who=who, keys=keys)
    return Prepared(expression, kind)


def finish(result: ir.Table, prepared: Prepared, *, order_by: Sequence[str]) -> TableLike:
    """Give the result back in the kind of table the caller passed in.

    pandas in: the result is computed and returned sorted by ``order_by`` with a fresh index.
    Ibis in: the lazy expression is returned as it is, for the caller's engine to compute.
    """
    if prepared.kind == "ibis":
        return result
    frame = execute(result)
    return frame.sort_values(list(order_by), kind="stable").reset_index(drop=True)


def describe_row(row: pd.Series, keys: Sequence[str]) -> str:
    """``region='MA-06', sector='C'``: a row named by its keys, for error messages."""
    return ", ".join(f"{key}={plain(row[key])!r}" for key in keys)


def plain(value: object) -> object:
    """A numpy scalar as the Python value it holds, so messages read ``-3.0``, not
    ``np.float64(-3.0)``."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _check_pandas_codes(frame: pd.DataFrame, *, who: str, codes: Sequence[str]) -> None:
    for column in codes:
        if column not in frame.columns:
            continue  # reported with the other missing columns
        series = frame[column]
        if pd.api.types.is_string_dtype(series.dtype):
            continue
        raise InvalidInputError(
            f"{who}: column {column!r} must hold codes as strings (codes such as '01' lose "
            f"their leading zeros as numbers); got dtype {series.dtype}. "
            f"Convert it with table[{column!r}].astype(str) if the values are right."
        )


def _check_columns(schema: IbisSchema, *, who: str, needed: Sequence[str]) -> None:
    missing = [c for c in dict.fromkeys(needed) if c not in schema.names]
    if missing:
        raise MissingColumnsError(
            f"{who}: missing column(s) {', '.join(map(repr, missing))}; "
            f"the table has {', '.join(map(repr, schema.names))}. "
            "Name the columns with the keyword arguments (region=…, sector=…, value=…)."
        )


def _check_types(
    schema: IbisSchema, *, who: str, codes: Sequence[str], values: Sequence[str]
) -> None:
    for column in codes:
        if not schema[column].is_string():
            raise InvalidInputError(
                f"{who}: column {column!r} must hold codes as strings; got {schema[column]}"
            )
    for column in values:
        if not schema[column].is_numeric():
            raise InvalidInputError(
                f"{who}: column {column!r} must be numeric; got {schema[column]}"
            )


def _check_values(
    table: ir.Table,
    *,
    who: str,
    keys: Sequence[str],
    values: Sequence[str],
    allow_zero: bool,
) -> None:
    conditions: dict[str, tuple[ir.BooleanColumn, str]] = {}
    for column in keys:
        conditions[f"missing:{column}"] = (
            table[column].isnull(),
            f"column {column!r} has no value",
        )
    for column in values:
        value = table[column]
        bad = value.isnull()
        if value.type().is_floating():
            bad = bad | value.isnan().fill_null(False) | value.isinf().fill_null(False)
        conditions[f"missing:{column}"] = (bad, f"column {column!r} must be a finite number")
        negative = (value <= 0) if not allow_zero else (value < 0)
        wanted = "positive" if not allow_zero else "non-negative"
        conditions[f"negative:{column}"] = (
            negative.fill_null(False),
            f"column {column!r} must be {wanted}",
        )
    if not conditions:
        return
    counts = execute(
        table.aggregate(
            **{f"c{i}": cond.cast("int64").sum() for i, (cond, _) in enumerate(conditions.values())}
        )
    )
    for i, (condition, message) in enumerate(conditions.values()):
        count = counts.iloc[0][f"c{i}"]
        if pd.isna(count) or int(count) == 0:
            continue
        first = execute(table.filter(condition).limit(1)).iloc[0]
        shown = describe_row(first, [k for k in keys if k in first.index])
        found = ", ".join(f"{v}={plain(first[v])!r}" for v in values if v in first.index)
        raise InvalidInputError(
            f"{who}: {message}; got {int(count)} offending row(s) (first: {shown}; {found})"
        )


def _check_unique(table: ir.Table, *, who: str, keys: Sequence[str]) -> None:
    groups = table.group_by(list(keys)).aggregate(_rows=table.count())
    duplicated = groups.filter(groups._rows > 1)
    summary = execute(duplicated.aggregate(n=duplicated.count(), extra=duplicated._rows.sum()))
    n = int(summary.iloc[0]["n"])
    if n == 0:
        return
    first = execute(duplicated.limit(1)).iloc[0]
    raise InvalidInputError(
        f"{who}: ({', '.join(keys)}) must identify one row; {n} key(s) appear more than once "
        f"(first: {describe_row(first, keys)}, {int(first['_rows'])} rows). "
        "Aggregate the table first (e.g. sum employment by region and sector)."
    )
