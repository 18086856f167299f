"""Ibis building blocks every indicator shares: safe ratios, strict sums, dense grids, checks.

They keep to group-by and join forms (no window functions, which Ibis 12's Polars backend
lacks), so that every engine runs the indicators built from them.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from grappes.engine import records
from grappes.errors import InvalidInputError
from grappes.indicators.inputs import describe_row


def ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """``numerator / denominator`` as a double, NULL where the denominator is zero.

    Engines disagree on x / 0 (DuckDB gives NULL or inf, Spark NULL); a NULL that becomes
    NaN in pandas is the one answer they can all give.
    """
    zero = denominator == 0
    quotient = numerator.cast("float64") / denominator.cast("float64")
    return ibis.ifelse(zero, ibis.null("float64"), quotient)


def check_nonzero(totals: ir.Table, column: str, *, who: str, keys: list[str], what: str) -> None:
    """Raise when a total is zero, naming the first such unit by its keys."""
    zero = totals.filter(totals[column] == 0)
    found = records(zero.limit(1))
    if len(found):
        raise InvalidInputError(
            f"{who}: every {what} must have a positive total; got a total of 0 for "
            f"{describe_row(found[0], keys)}. Drop it, or pass on_zero_total='nan'."
        )


def dense_grid(
    table: ir.Table,
    *,
    region: str,
    sector: str,
    value: str,
    by: Sequence[str],
    regions: ir.Table | None = None,
) -> ir.Table:
    """Every region x sector pair of each ``by`` group, with the value as ``_v`` (float).

    A long table often leaves out the pairs with no employment; they count as zero. The
    regions are those of the table within the ``by`` group, or those of ``regions`` (a table
    of ``region`` and the ``by`` keys) when given; the sectors are those of the table.
    """
    by = list(by)
    if regions is None:
        regions = table.select(region, *by).distinct()
    sectors = table.select(sector, *by).distinct()
    grid = attach(regions, sectors, by)
    joined = grid.left_join(table, [region, sector, *by])
    return joined.select(
        grid[region],
        grid[sector],
        *(grid[key] for key in by),
        _v=ibis.coalesce(joined[value].cast("float64"), ibis.literal(0.0)),
    )


def attach(left: ir.Table, right: ir.Table, by: Sequence[str]) -> ir.Table:
    """``left`` joined with ``right`` on the ``by`` keys; a cross join when there are none."""
    return left.join(right, list(by)) if by else left.cross_join(right)


def grouped(table: ir.Table, by: Sequence[str]) -> ir.Table | ir.GroupedTable:
    """``table`` grouped by ``by``, or the table itself when there are no keys, so that
    ``.aggregate`` gives one row per group either way."""
    return table.group_by(list(by)) if by else table


def strict_sum(values: ir.NumericColumn) -> ir.FloatingScalar:
    """The sum of ``values``, NULL as soon as one of them is NULL.

    SQL's SUM skips NULLs: an undefined share would vanish from the sum and leave a wrong
    number instead of an undefined one.
    """
    undefined = values.isnull().cast("int64").sum() > 0
    return ibis.ifelse(undefined, ibis.null("float64"), values.cast("float64").sum())


def refuse(offending: ir.Table, *, who: str, keys: Sequence[str], message: str, hint: str) -> None:
    """Raise when ``offending`` has a row, naming the first one by its keys."""
    found = records(offending.limit(1))
    if len(found):
        where = f" for {describe_row(found[0], keys)}" if keys else ""
        raise InvalidInputError(f"{who}: {message}{where}. {hint[0].upper()}{hint[1:]}.")


def check_covers(table: ir.Table, other: ir.Table, *, who: str, keys: list[str], what: str) -> None:
    """Raise when a key of ``table`` has no row in ``other`` (a regions or reference table)."""
    missing = table.select(*keys).distinct().anti_join(other.select(*keys).distinct(), keys)
    raise_if_any(
        missing,
        keys=keys,
        message=f"{who}: the {what} table must have a row for every region of the table; "
        "got none for {row}",
    )


def raise_if_any(offending: ir.Table, *, keys: list[str], message: str) -> None:
    """Raise ``message`` (its ``{row}`` naming the first row) when ``offending`` is not empty."""
    found = records(offending.limit(1))
    if len(found):
        raise InvalidInputError(message.format(row=describe_row(found[0], keys)))
