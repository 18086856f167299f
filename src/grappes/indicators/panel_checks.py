"""The checks of a region x sector x year panel before shift-share: its years, that every
cell has each year used, the reference's and the homothetic methods' coverage, and the
zero start values that leave a growth rate undefined.

The cheap proofs (:func:`facts`, computed by the validation query) come first; the exact
checks, which name the first offending row, run only when those cannot prove the panel
clean.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from grappes.engine import records
from grappes.errors import InvalidInputError
from grappes.indicators.inputs import describe_row, plain


def facts(
    table: ir.Table,
    *,
    region: str,
    sector: str,
    value: str,
    year: str,
    start: int | None,
    end: int | None,
    method: str,
    fold: bool,
) -> ir.Table | None:
    """What the checks after validation need, as one row computed in the validation query.

    For :func:`bounded_years`: the first and last years, their number, and whether
    ``start`` and ``end`` are years of the table. With ``fold``, for :func:`clean_pair`:
    the fewest years a region x sector has, the number of sector x year totals of 0 (and,
    for Gerfin, of values of 0). Nothing for ``"dynamic"`` (it needs every year in between)
    or a year column that is not integer (refused right after).
    """
    if method == "dynamic" or not table[year].type().is_integer():
        return None
    # Read from the sector x year totals (a few hundred rows) rather than the table; and,
    # the keys being unique when these facts are read, a cell's rows are its years.
    sectors = table.group_by([sector, year]).aggregate(_s=table[value].sum())
    bounds: dict[str, ir.Scalar] = {
        "_year_first": sectors[year].min(),
        "_year_last": sectors[year].max(),
        "_year_count": sectors[year].nunique(),
    }
    for name, chosen in (("start", start), ("end", end)):
        if chosen is not None:
            bounds[f"_year_has_{name}"] = (sectors[year] == chosen).any()
    if fold:
        bounds["_sector_zeros"] = (sectors._s == 0).cast("int64").sum()
    facts = sectors.aggregate(**bounds)
    if not fold:
        return facts
    cells = table.group_by([region, sector]).aggregate(_n=table.count())
    facts = facts.cross_join(cells.aggregate(_cell_years=cells._n.min()))
    if method == "gerfin":
        zeros = table.aggregate(_value_zeros=(table[value] == 0).cast("int64").sum())
        facts = facts.cross_join(zeros)
    return facts


def clean_pair(facts: Mapping[str, Any], *, method: str) -> bool:
    """Whether the facts of :func:`facts` prove the panel complete and free of zeros, so
    that the query of both checks can be skipped.

    With exactly two years in the table both are used; every region x sector having two
    rows (hence, its keys being unique, both years) is then the complete panel; no sector
    x year total of 0 means no sector starts (or, for Gerfin, ends) at 0, and no value of
    0 no cell starting at 0. Anything else
    (more years, a gap, a zero somewhere, an empty table) goes through the exact checks,
    which name the fault.
    """
    return (
        facts.get("_year_count") == 2
        and facts.get("_cell_years") == 2
        and facts.get("_sector_zeros") == 0
        and (method != "gerfin" or facts.get("_value_zeros") == 0)
    )


def bounded_years(
    bounds: Mapping[str, Any], *, start: int | None, end: int | None
) -> list[int] | None:
    """``[start, end]`` from the row of :func:`facts` when they are valid years of the table
    in order; None otherwise (then :func:`years_between` asks the table, and names the
    fault)."""
    if not bounds or bounds["_year_first"] is None:
        return None
    if any(not bounds.get(f"_year_has_{name}", True) for name in ("start", "end")):
        return None
    first = int(bounds["_year_first"]) if start is None else start
    last = int(bounds["_year_last"]) if end is None else end
    return [first, last] if first < last else None


def years_between(
    table: ir.Table, *, who: str, year: str, start: int | None, end: int | None
) -> list[int]:
    """The years of the table from ``start`` to ``end``, checked (a tiny query)."""
    present = sorted(int(r[year]) for r in records(table.select(year).distinct()))
    first = present[0] if start is None else start
    last = present[-1] if end is None else end
    for name, chosen in (("start", first), ("end", last)):
        if chosen not in present:
            raise InvalidInputError(
                f"{who}: {name}={chosen!r} is not a year of the table; it has {present}"
            )
    if first >= last:
        raise InvalidInputError(
            f"{who}: start must come before end; got start={first}, end={last} "
            f"(the table's years: {present})"
        )
    return [y for y in present if first <= y <= last]


def check_panel(
    table: ir.Table, *, who: str, region: str, sector: str, year: str, used: list[int]
) -> None:
    gaps = records(panel_gaps(table, region=region, sector=sector, year=year, used=used).limit(1))
    if len(gaps):
        row = gaps[0]
        raise InvalidInputError(
            f"{who}: every region x sector needs a row in each of the years {used}; "
            f"{describe_row(row, [region, sector])} has {int(row['_years'])}. "
            "Add the missing rows (with 0 where there was no employment)."
        )


def panel_gaps(
    table: ir.Table, *, region: str, sector: str, year: str, used: list[int]
) -> ir.Table:
    """The region x sector cells that miss one of the years ``used`` (``_years`` they have)."""
    counts = table.group_by([region, sector]).aggregate(_years=table[year].nunique())
    return counts.filter(counts._years != len(used))


def check_grid(
    table: ir.Table, by_sector: ir.Table, *, who: str, method: str, region: str, sector: str
) -> None:
    """Homothetic employment is spread over every sector of the nation: each region needs
    a row for each, or its homothetic terms would silently leave some out."""
    grid = table.select(region).distinct().cross_join(by_sector.select(sector).distinct())
    missing = grid.anti_join(table.select(region, sector).distinct(), [region, sector])
    found = records(missing.limit(1))
    if len(found):
        raise InvalidInputError(
            f"{who}: method={method!r} needs a row for every region x sector of the nation; "
            f"got none for {describe_row(found[0], [region, sector])}. "
            "Add the missing rows (with 0 where there was no employment)."
        )


def check_reference(
    table: ir.Table, national: ir.Table, *, who: str, sector: str, year: str
) -> None:
    keys = [sector, year]
    missing = table.select(*keys).distinct().anti_join(national.select(*keys).distinct(), keys)
    found = records(missing.limit(1))
    if len(found):
        raise InvalidInputError(
            f"{who}: the reference table must give a national value for every sector and "
            f"year of the table; got none for {describe_row(found[0], keys)}"
        )


def _zero_checks(method: str, *, region: str, sector: str) -> list[tuple[str, list[str], str]]:
    """The base columns that must not be 0 for ``method``, their keys and their message."""
    checks: list[tuple[str, list[str], str]] = [
        ("_sector0", [sector], "the nation's start-year value of {row} is 0"),
    ]
    if method in ("esteban_marquillas", "arcelus", "gerfin"):
        checks.append(("_cell0", [region, sector], "the start-year value of {row} is 0"))
    if method == "gerfin":
        checks.append(("_sector1", [sector], "the nation's end-year value of {row} is 0"))
    return checks


def zero_count(
    table: ir.Table,
    by_sector: ir.Table,
    *,
    pairs: list[tuple[int, int]],
    method: str,
    value: str,
    year: str,
) -> ir.Table:
    """One row, ``_zeros``: how many of the values :func:`_zero_checks` names are 0.

    Counted on the table and its sector totals rather than on the bases joined from them,
    a much smaller query. Only when the panel is complete (every region x sector has every
    year, checked in the same query and reported first) does this count what the bases
    hold: then every cell and sector of the table is in each base, so one of them is 0
    exactly when a base row has it as 0.
    """
    starts = sorted({start for start, _ in pairs})
    zero = by_sector._sector == 0
    undefined = zero & by_sector[year].isin(starts)
    if method == "gerfin":
        undefined = undefined | (zero & by_sector[year].isin(sorted({e for _, e in pairs})))
    sectors = by_sector.aggregate(_s=undefined.cast("int64").sum())
    if method != "gerfin":
        return sectors.select(_zeros=sectors._s.fill_null(0))
    cells = table.aggregate(_c=((table[value] == 0) & table[year].isin(starts)).cast("int64").sum())
    both = sectors.cross_join(cells)
    return both.select(_zeros=both._s.fill_null(0) + both._c.fill_null(0))


def _zero_rows(
    bases: list[ir.Table], *, method: str, region: str, sector: str
) -> tuple[ir.Table, ir.BooleanValue]:
    """The rows of the bases, and the condition that leaves a growth rate undefined."""
    rows = bases[0] if len(bases) == 1 else ibis.union(*bases, distinct=False)
    checks = _zero_checks(method, region=region, sector=sector)
    return rows, ibis.or_(*(rows[column] == 0 for column, _, _ in checks))


def check_zeros(bases: list[ir.Table], *, who: str, method: str, region: str, sector: str) -> None:
    hint = "Drop it, or pass on_zero='nan'."
    checks = _zero_checks(method, region=region, sector=sector)
    rows, undefined = _zero_rows(bases, method=method, region=region, sector=sector)
    found = records(rows.filter(undefined).limit(1))
    if not len(found):
        return
    first = found[0]
    for column, keys, what in checks:
        if first[column] == 0:
            row = f"{describe_row(first, keys)} (start {plain(first['_start'])})"
            raise InvalidInputError(
                f"{who}: {what.format(row=row)}, so the growth rates of method={method!r} "
                f"are undefined. {hint}"
            )


def check_panel_and_zeros(
    current: ir.Table,
    by_sector: ir.Table,
    bases: list[ir.Table],
    *,
    who: str,
    pairs: list[tuple[int, int]],
    used: list[int],
    method: str,
    region: str,
    sector: str,
    value: str,
    year: str,
) -> None:
    """The panel's and the zero checks in one query; each fault found is then named by
    its own check, the panel's first."""
    panel = panel_gaps(current, region=region, sector=sector, year=year, used=used)
    zeros = zero_count(current, by_sector, pairs=pairs, method=method, value=value, year=year)
    counts = records(panel.aggregate(_gaps=panel.count()).cross_join(zeros))[0]
    if int(counts["_gaps"]):
        check_panel(current, who=who, region=region, sector=sector, year=year, used=used)
    if int(counts["_zeros"]):
        check_zeros(bases, who=who, method=method, region=region, sector=sector)
