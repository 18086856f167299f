"""How an indicator takes a table and gives one back: validated once, same kind out as in.

An indicator accepts a pandas DataFrame or an Ibis table (DuckDB, Polars or Spark). Either
way it is turned into one Ibis expression, so the arithmetic is written once and the same
numbers come out of every engine. A pandas table comes back as a pandas table, sorted by
its keys; an Ibis table comes back as a lazy Ibis table that the user's engine computes.

Validation runs as one aggregate query on the user's engine (value conditions, duplicate
keys and zero totals together); only when it finds a fault does a second, small query name
the first offending row. The table itself is never collected.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeGuard

import ibis
import ibis.expr.types as ir

from grappes.engine import execute, records
from grappes.errors import InvalidInputError, MissingColumnsError

if TYPE_CHECKING:
    import pandas as pd
    from ibis.expr.schema import Schema as IbisSchema

# A string, so that pandas is imported only when a pandas table is given: a process that
# passes Ibis tables (Parquet in, Parquet out) never pays for it.
TableLike: TypeAlias = "pd.DataFrame | ir.Table"


def is_pandas(table: object) -> TypeGuard[pd.DataFrame]:
    """Whether ``table`` is a pandas DataFrame, without importing pandas: if pandas has not
    been imported, nothing can be one."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(table, pandas.DataFrame)


@dataclass(frozen=True)
class Prepared:
    """A validated input: the Ibis expression and the kind of table the caller gave."""

    table: ir.Table
    kind: Literal["pandas", "ibis"]
    #: The row of ``prepare(extra=…)``, by column name (empty without it).
    extra: Mapping[str, Any] = field(default_factory=dict)


def prepare(
    table: TableLike,
    *,
    who: str,
    codes: Sequence[str],
    by: Sequence[str] = (),
    values: Sequence[str] = (),
    unique: bool = True,
    allow_zero: bool = True,
    positive_totals: Mapping[str, Sequence[str]] | None = None,
    extra: Callable[[ir.Table], ir.Table | None] | None = None,
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
    positive_totals
        Units whose total of the first of ``values`` must be positive, as ``{what: keys}``
        (``{"region": ["region", "year"]}``): the message reads "every *what* must have a
        positive total" and names the first unit with a total of 0. Checked in the same
        query as the rest, after it.
    extra
        What the indicator needs to know about the table before it builds its result (the
        years of a panel …): a function of the prepared expression giving a one-row table
        (or None for nothing). Computed in the validation query, so that it costs no query
        of its own, and given back as ``Prepared.extra``; read only when the checks pass.
        Its column names must not start with ``_c``, ``_z``, ``_rows``, ``_total`` or
        ``_duplicated`` (the checks' own).

    Raises
    ------
    MissingColumnsError
        When a column is missing.
    InvalidInputError
        For a non-string code, a missing or non-numeric value, a negative value, duplicate
        keys, or a zero total; the message names the column and the first offending row by
        its keys.
    """
    kind: Literal["pandas", "ibis"]
    if is_pandas(table):
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
    totals = dict(positive_totals or {})
    checks = _Checks.of(keys, values, allow_zero=allow_zero, unique=unique, totals=totals)
    wanted = extra(expression) if extra is not None else None
    found: dict[str, Any] = {}
    if not _passed_before(table, checks):
        found = _validate(
            expression,
            who=who,
            keys=keys,
            values=values,
            allow_zero=allow_zero,
            unique=unique,
            positive_totals=totals,
            extra=wanted,
        )
        _remember(table, checks)
    elif wanted is not None:
        found = records(wanted)[0]
    names = wanted.columns if wanted is not None else ()
    return Prepared(expression, kind, {name: found[name] for name in names})


@dataclass(frozen=True)
class _Checks:
    """What a validation query checked: keys with no missing value (and, if ``unique``,
    identifying one row), finite values (positive or non-negative), units of those keys
    whose total of the first value is positive."""

    keys: frozenset[str]
    values: frozenset[str]
    positive: bool
    unique: bool
    totals: frozenset[tuple[str, frozenset[str]]]

    @classmethod
    def of(
        cls,
        keys: Sequence[str],
        values: Sequence[str],
        *,
        allow_zero: bool,
        unique: bool,
        totals: Mapping[str, Sequence[str]],
    ) -> _Checks:
        summed = frozenset((values[0], frozenset(unit)) for unit in totals.values())
        unique = unique and bool(keys)
        return cls(frozenset(keys), frozenset(values), not allow_zero, unique, summed)

    def covers(self, other: _Checks) -> bool:
        """Whether passing these checks implies passing ``other``."""
        return (
            other.keys <= self.keys
            and other.values <= self.values
            and (self.positive or not other.positive or not other.values)
            and (not other.unique or (self.unique and other.keys == self.keys))
            and other.totals <= self.totals
        )


#: The checks that tables made by ``.cache()`` have passed. Such a table is a snapshot
#: whose rows cannot change, so several indicators called on it (the way to run a suite on
#: a large register) check it once rather than each in a query of its own. Keyed weakly by
#: the table's operation: forgotten with the table.
_PASSED: weakref.WeakKeyDictionary[object, list[_Checks]] = weakref.WeakKeyDictionary()


def _passed_before(table: object, checks: _Checks) -> bool:
    if not isinstance(table, ir.CachedTable):
        return False
    return any(done.covers(checks) for done in _PASSED.get(table.op(), []))


def _remember(table: object, checks: _Checks) -> None:
    if isinstance(table, ir.CachedTable):
        _PASSED.setdefault(table.op(), []).append(checks)


def finish(result: ir.Table, prepared: Prepared, *, order_by: Sequence[str]) -> TableLike:
    """Give the result back in the kind of table the caller passed in.

    pandas in: the result is computed and returned sorted by ``order_by`` with a fresh index.
    Ibis in: the lazy expression is returned as it is, for the caller's engine to compute.
    """
    if prepared.kind == "ibis":
        return result
    frame = execute(result)
    return frame.sort_values(list(order_by), kind="stable").reset_index(drop=True)


def describe_row(row: Mapping[str, Any] | pd.Series, keys: Sequence[str]) -> str:
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
        import pandas as pd  # already imported: the frame is one

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


def _conditions(
    table: ir.Table, *, keys: Sequence[str], values: Sequence[str], allow_zero: bool
) -> list[tuple[ir.BooleanColumn, str]]:
    """Each row-level fault as a boolean column and the message that names it, in the order
    they are reported."""
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
    return list(conditions.values())


def _validate(
    table: ir.Table,
    *,
    who: str,
    keys: Sequence[str],
    values: Sequence[str],
    allow_zero: bool,
    unique: bool,
    positive_totals: dict[str, Sequence[str]],
    extra: ir.Table | None,
) -> dict[str, Any]:
    """Every check of :func:`prepare` in one aggregate query; the details only on a fault.
    Returns the row of ``extra``, computed in the same query.

    With keys to check (duplicates, zero totals) the table is grouped by its keys once and
    everything is read from those groups: a duplicate is a group of more than one row, a
    unit's total is the sum of its groups'.
    """
    conditions = _conditions(table, keys=keys, values=values, allow_zero=allow_zero)
    flags = {f"_c{i}": cond.cast("int64").sum() for i, (cond, _) in enumerate(conditions)}
    unique = unique and bool(keys)
    if positive_totals and not values:
        raise ValueError("positive_totals needs a value column")  # a programming error
    if not unique and not positive_totals:
        if not flags:
            return {} if extra is None else records(extra)[0]
        summary = table.aggregate(**flags)
        if extra is not None:
            summary = summary.cross_join(extra)
    else:
        metrics: dict[str, ir.Scalar] = {"_rows": table.count(), **flags}
        if positive_totals:
            metrics["_total"] = table[values[0]].sum()
        groups = table.group_by(list(keys)).aggregate(**metrics)
        parts = [
            groups.aggregate(
                _duplicated=(groups._rows > 1).cast("int64").sum(),
                **{name: groups[name].sum() for name in flags},
            )
        ]
        for i, unit in enumerate(positive_totals.values()):
            totals = groups.group_by(list(unit)).aggregate(_t=groups._total.sum())
            parts.append(totals.aggregate(**{f"_z{i}": (totals._t == 0).cast("int64").sum()}))
        if extra is not None:
            parts.append(extra)
        summary = parts[0]
        for part in parts[1:]:
            summary = summary.cross_join(part)
    row = records(summary)[0]
    for i, (condition, message) in enumerate(conditions):
        count = _count(row[f"_c{i}"])
        if count == 0:
            continue
        first = records(table.filter(condition).limit(1))[0]
        shown = describe_row(first, [k for k in keys if k in first])
        found = ", ".join(f"{v}={plain(first[v])!r}" for v in values if v in first)
        raise InvalidInputError(
            f"{who}: {message}; got {count} offending row(s) (first: {shown}; {found})"
        )
    if unique and _count(row["_duplicated"]):
        _raise_duplicates(table, who=who, keys=keys, n=_count(row["_duplicated"]))
    for i, (what, unit) in enumerate(positive_totals.items()):
        if _count(row[f"_z{i}"]):
            totals = table.group_by(list(unit)).aggregate(_t=table[values[0]].sum())
            first = records(totals.filter(totals._t == 0).limit(1))[0]
            raise InvalidInputError(
                f"{who}: every {what} must have a positive total; got a total of 0 for "
                f"{describe_row(first, unit)}. Drop it, or pass on_zero_total='nan'."
            )
    return row


def _count(value: object) -> int:
    """A count from a one-row summary: NULL (no rows at all) counts as 0."""
    if value is None or value != value:  # NULL, or NaN from an engine that gives it
        return 0
    return int(value)  # type: ignore[call-overload]


def _raise_duplicates(table: ir.Table, *, who: str, keys: Sequence[str], n: int) -> None:
    groups = table.group_by(list(keys)).aggregate(_rows=table.count())
    duplicated = groups.filter(groups._rows > 1)
    first = records(duplicated.limit(1))[0]
    raise InvalidInputError(
        f"{who}: ({', '.join(keys)}) must identify one row; {n} key(s) appear more than once "
        f"(first: {describe_row(first, keys)}, {int(first['_rows'])} rows). "
        "Aggregate the table first (e.g. sum employment by region and sector)."
    )
