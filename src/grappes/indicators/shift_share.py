"""Shift-share analysis: a region's growth split into national, sectoral and regional parts.

A region's change in employment between two years is split into what national growth alone
would have given (national share), what its mix of fast- or slow-growing sectors adds
(industrial mix), and what is left, the region's own performance (regional share). The
variants of Esteban-Marquillas, Arcelus, Barff & Knight (dynamic) and Gerfin (indices) refine
or restate that split.
"""

from __future__ import annotations

import itertools
from typing import Literal

import ibis
import ibis.expr.types as ir

from grappes.errors import InvalidInputError, check_choice
from grappes.indicators.expressions import ratio
from grappes.indicators.inputs import TableLike, finish, prepare
from grappes.indicators.panel_checks import (
    bounded_years,
    check_grid,
    check_panel,
    check_panel_and_zeros,
    check_reference,
    check_zeros,
    clean_pair,
    facts,
    years_between,
)

Method = Literal["dunn", "esteban_marquillas", "arcelus", "dynamic", "gerfin"]
Level = Literal["sector", "region"]

#: Output columns of each method, in order.
COMPONENTS: dict[str, tuple[str, ...]] = {
    "dunn": (
        "national_share",
        "industrial_mix",
        "regional_share",
        "net_total_shift",
        "actual_change",
    ),
    "esteban_marquillas": (
        "national_share",
        "industrial_mix",
        "regional_share_homothetic",
        "allocation_effect",
        "actual_change",
    ),
    "arcelus": (
        "national_share",
        "industrial_mix",
        "regional_growth",
        "regional_industry_mix",
        "regional_growth_homothetic",
        "regional_growth_allocation",
        "regional_industry_mix_homothetic",
        "regional_industry_mix_allocation",
        "actual_change",
    ),
    "gerfin": ("industrial_mix", "regional_share", "net_total_shift"),
}
COMPONENTS["dynamic"] = COMPONENTS["dunn"]

#: The additive components of each method, which sum to ``actual_change``.
ADDITIVE: dict[str, tuple[str, ...]] = {
    "dunn": ("national_share", "industrial_mix", "regional_share"),
    "dynamic": ("national_share", "industrial_mix", "regional_share"),
    "esteban_marquillas": (
        "national_share",
        "industrial_mix",
        "regional_share_homothetic",
        "allocation_effect",
    ),
    "arcelus": ("national_share", "industrial_mix", "regional_growth", "regional_industry_mix"),
}


def shift_share(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    year: str = "year",
    start: int | None = None,
    end: int | None = None,
    method: Method = "dunn",
    level: Level = "sector",
    reference: TableLike | None = None,
    on_zero: Literal["raise", "nan"] = "raise",
) -> TableLike:
    """Return the shift-share components of every region x sector (or region).

    Parameters
    ----------
    table
        Long table, one row per region x sector x year (pandas or Ibis); every region x
        sector must have a row in each year used (a row of 0 where there was no employment).
    region, sector, value, year
        Names of the region code, sector code, value (employment …) and year columns; the
        year column holds integers.
    start, end
        The first and last year (default: the table's earliest and latest). Both must be
        years of the table, ``start < end``.
    method
        ``"dunn"`` (default; classic three-part split), ``"esteban_marquillas"``,
        ``"arcelus"``, ``"dynamic"`` (Barff & Knight: Dunn's components year by year over
        every year of the table from ``start`` to ``end``, summed) or ``"gerfin"``
        (multiplicative indices).
    level
        ``"sector"`` (default): one row per region x sector; ``"region"``: one row per region,
        the additive components summed over the sectors (Gerfin's indices recomputed from
        the region's totals).
    reference
        Optional table of national values by sector and year (columns ``sector``, ``year``,
        ``value``, same names as in ``table``), for when the table does not hold the whole
        nation. Its sectors are the nation's: the national total is their sum. Without it,
        the nation is the sum of the table's regions.
    on_zero
        What to do when a growth rate is undefined because a start-year value is 0: a
        national sector (every method), a region x sector (``esteban_marquillas``,
        ``arcelus``, ``gerfin``) or a national sector's end-year value (``gerfin``).
        ``"raise"`` (default) or ``"nan"`` (those components are NaN).

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``region``, ``sector`` (at ``level="sector"``) and the components of the
        method (:data:`COMPONENTS`):

        - ``dunn`` and ``dynamic``: ``national_share``, ``industrial_mix``,
          ``regional_share``, ``net_total_shift`` (= industrial mix + regional share, REAT's
          "net total shift") and ``actual_change``;
        - ``esteban_marquillas``: ``national_share``, ``industrial_mix``,
          ``regional_share_homothetic``, ``allocation_effect``, ``actual_change``;
        - ``arcelus``: ``national_share``, ``industrial_mix``, ``regional_growth``,
          ``regional_industry_mix`` (these four sum to the change), each regional part split
          into ``…_homothetic`` and ``…_allocation``, and ``actual_change``;
        - ``gerfin``: ``industrial_mix``, ``regional_share``, ``net_total_shift``, ratios with
          ``industrial_mix * regional_share = net_total_shift``.

        The additive components (:data:`ADDITIVE`) sum to ``actual_change``. Same kind as
        ``table``; a pandas table is sorted by its keys.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, missing, non-finite or negative values, duplicate keys, a
        non-integer year column, ``start`` or ``end`` not in the table or not in order, a
        region x sector missing in a year used, a sector or year missing from
        ``reference``, an unknown ``method`` or ``level``, or a zero start value under
        ``on_zero="raise"``.

    Notes
    -----
    With :math:`e` the region's and :math:`E` the nation's values, :math:`e_i`,
    :math:`E_i` those of sector *i*, superscripts 0 and 1 the start and end years, the growth
    rates :math:`G = E^1/E^0 - 1`, :math:`G_i = E_i^1/E_i^0 - 1`, :math:`g_i = e_i^1/e_i^0 -
    1` and the region's :math:`g = e^1/e^0 - 1`:

    - Dunn (1960): :math:`\\Delta e_i = e_i^0 G + e_i^0 (G_i - G) + e_i^0 (g_i - G_i)`.
    - Esteban-Marquillas (1972), with homothetic employment
      :math:`\\hat e_i = e^0 E_i^0 / E^0`: the regional share becomes
      :math:`\\hat e_i (g_i - G_i)` plus the allocation effect
      :math:`(e_i^0 - \\hat e_i)(g_i - G_i)`.
    - Arcelus (1984): the regional share splits into the regional growth effect
      :math:`e_i^0 (g - G)` and the regional industry-mix effect
      :math:`e_i^0 [(g_i - g) - (G_i - G)]`, each split in turn into a homothetic part
      (:math:`\\hat e_i` in place of :math:`e_i^0`) and an allocation part
      (:math:`e_i^0 - \\hat e_i`). Summed over a region's sectors the allocation part of the
      regional growth effect is 0 and the regional industry-mix effect is minus the
      industrial mix.
    - Barff & Knight (1988), dynamic: Dunn's components computed for each pair of
      consecutive years of the table and summed.
    - Gerfin (1964): industrial mix :math:`\\sum_i e_i^0 (1 + G_i) / (e^0 (1 + G))`,
      regional share :math:`e^1 / \\sum_i e_i^0 (1 + G_i)`, net total shift
      :math:`(1 + g)/(1 + G)`, their product. At ``level="sector"`` the same ratios for one
      sector: :math:`(1 + G_i)/(1 + G)`, :math:`(1 + g_i)/(1 + G_i)` and
      :math:`(1 + g_i)/(1 + G)`.

    Dunn, E. S. (1960), "A statistical and analytical technique for regional analysis",
    *Papers of the Regional Science Association* 6, 97–112. Esteban-Marquillas, J. M. (1972),
    "A reinterpretation of shift-share analysis", *Regional and Urban Economics* 2(3),
    249–255. Arcelus, F. J. (1984), "An extension of shift-share analysis", *Growth and
    Change* 15(1), 3–8. Barff, R. A. & Knight, P. L. (1988), "Dynamic shift-share
    analysis", *Growth and Change* 19(2), 1–10. Gerfin, H. (1964), *Gesamtwirtschaftliches
    Wachstum und regionale Entwicklung*, Kyklos 17(4), 565–593.

    REAT 3.0.3: ``shift()`` and ``shifti()`` give the region totals of ``method="dunn",
    level="region"``; ``shifti(…, shift.method="Esteban")`` the region totals of
    ``"esteban_marquillas"`` (its per-industry table is not the Esteban-Marquillas split);
    ``shift.method="Gerfin"`` the region indices of ``"gerfin"`` (its per-industry "net
    total shift" is the regional share, where Grappes gives the sector's ratio to national
    growth); ``shiftd()`` the region totals of ``"dynamic"``. REAT's
    ``shift.method="Arcelus"`` returns Dunn's split unchanged.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": ["a", "a", "b", "b"] * 2,
    ...                   "sector": ["x", "y"] * 4,
    ...                   "year": [2000] * 4 + [2010] * 4,
    ...                   "employment": [10.0, 10.0, 10.0, 30.0, 20.0, 10.0, 10.0, 30.0]})
    >>> shift_share(t, level="region")[["region", "national_share", "industrial_mix",
    ...                                 "regional_share"]].round(2).values.tolist()
    [['a', 3.33, 1.67, 5.0], ['b', 6.67, -1.67, -5.0]]
    """
    who = "shift_share"
    check_choice(who, "method", method, Method)
    check_choice(who, "level", level, Level)
    # Without a reference or a grid to check in between, the panel and the zero checks are
    # next to each other: one query runs both (the panel's fault is still reported first).
    fold = reference is None and method not in ("esteban_marquillas", "arcelus")
    fold = fold and on_zero == "raise"
    prepared = prepare(
        table,
        who=who,
        codes=(region, sector),
        by=(year,),
        values=(value,),
        extra=lambda t: facts(
            t,
            region=region,
            sector=sector,
            value=value,
            year=year,
            start=start,
            end=end,
            method=method,
            fold=fold,
        ),
    )
    t = prepared.table
    if not t.schema()[year].is_integer():
        raise InvalidInputError(
            f"{who}: column {year!r} must hold years as integers; got {t.schema()[year]}"
        )
    years = bounded_years(prepared.extra, start=start, end=end)
    if years is None:  # the years between are needed, or a fault is to be named
        years = years_between(t, who=who, year=year, start=start, end=end)
    used = years if method == "dynamic" else [years[0], years[-1]]
    current = t.filter(t[year].isin(used))
    if not fold:
        check_panel(current, who=who, region=region, sector=sector, year=year, used=used)
    if reference is None:
        national = current
    else:
        national = prepare(
            reference, who=f"{who} (reference)", codes=(sector,), by=(year,), values=(value,)
        ).table
        national = national.filter(national[year].isin(used))
        check_reference(current, national, who=who, sector=sector, year=year)
    by_sector = national.group_by([sector, year]).aggregate(_sector=national[value].sum())
    nation = by_sector.group_by(year).aggregate(_nation=by_sector._sector.sum())
    if method in ("esteban_marquillas", "arcelus"):
        check_grid(current, by_sector, who=who, method=method, region=region, sector=sector)
    pairs = list(itertools.pairwise(used))
    bases = [
        _base(
            current,
            by_sector,
            nation,
            region=region,
            sector=sector,
            value=value,
            year=year,
            start=y0,
            end=y1,
            regions=method in ("esteban_marquillas", "arcelus"),
        )
        for y0, y1 in pairs
    ]
    if fold:
        # Unless the validation query proved the panel complete and free of zeros, one query
        # counts both faults.
        if not clean_pair(prepared.extra, method=method):
            check_panel_and_zeros(
                current,
                by_sector,
                bases,
                who=who,
                pairs=pairs,
                used=used,
                method=method,
                region=region,
                sector=sector,
                value=value,
                year=year,
            )
    elif on_zero == "raise":
        check_zeros(bases, who=who, method=method, region=region, sector=sector)
    keys = [region] if level == "region" else [region, sector]
    if method == "gerfin":
        result = _gerfin(bases[0], region=region, sector=sector, level=level)
    else:
        parts = [_additive(base, method=method, region=region, sector=sector) for base in bases]
        union = parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)
        result = union if len(parts) == 1 and level == "sector" else _sum(union, keys, method)
    result = result.select(*keys, *COMPONENTS[method])
    return finish(result, prepared, order_by=keys)


def _sum(parts: ir.Table, keys: list[str], method: str) -> ir.Table:
    """Components summed over sectors (and years); NaN when a summed term is NaN, where SQL's
    SUM would skip it."""
    rows = parts.count()
    sums = {
        name: ibis.ifelse(parts[name].count() == rows, parts[name].sum(), ibis.null("float64"))
        for name in COMPONENTS[method]
    }
    result = parts.group_by(keys).aggregate(**sums)
    if method == "arcelus" and len(keys) == 1:
        # Summed over a region's sectors, homothetic employment is the region's own
        # (Σ_i ê_i = e^0): the allocation part of the regional growth effect is 0 exactly,
        # not the rounding noise a sum would leave.
        allocation = result.regional_growth_allocation
        result = result.mutate(
            regional_growth_homothetic=result.regional_growth,
            regional_growth_allocation=ibis.ifelse(
                allocation.isnull(), ibis.null("float64"), ibis.literal(0.0)
            ),
        )
    return result


def _base(
    table: ir.Table,
    by_sector: ir.Table,
    nation: ir.Table,
    *,
    region: str,
    sector: str,
    value: str,
    year: str,
    start: int,
    end: int,
    regions: bool,
) -> ir.Table:
    """One row per region x sector: start (0) and end (1) values of the cell, its region, its
    sector and the nation (``_cell0``, ``_region0``, ``_sector0``, ``_nation0`` …) and the
    ``_start`` year. The region's values only with ``regions`` (the homothetic methods):
    otherwise a join, and the cells' own join computed a second time, for nothing.

    Names differ by more than case: DuckDB's column names are case-insensitive.
    """
    e0 = table.filter(table[year] == start).select(region, sector, _cell0=table[value])
    e1 = table.filter(table[year] == end).select(region, sector, _cell1=table[value])
    cells = e0.join(e1, [region, sector])
    s0 = by_sector.filter(by_sector[year] == start).select(sector, _sector0=by_sector._sector)
    s1 = by_sector.filter(by_sector[year] == end).select(sector, _sector1=by_sector._sector)
    n0 = nation.filter(nation[year] == start).select(_nation0=nation._nation)
    n1 = nation.filter(nation[year] == end).select(_nation1=nation._nation)
    joined = cells
    if regions:
        totals = cells.group_by(region).aggregate(
            _region0=cells._cell0.sum(), _region1=cells._cell1.sum()
        )
        joined = joined.join(totals, region)
    joined = joined.join(s0, sector).join(s1, sector).cross_join(n0).cross_join(n1)
    return joined.mutate(
        _start=ibis.literal(start),
        **{
            name: joined[name].cast("float64")
            for name in (
                "_cell0",
                "_cell1",
                "_region0",
                "_region1",
                "_sector0",
                "_sector1",
                "_nation0",
                "_nation1",
            )
            if name in joined.columns
        },
    )


def _additive(base: ir.Table, *, method: str, region: str, sector: str) -> ir.Table:
    b = base
    national_growth = ratio(b._nation1, b._nation0) - 1.0
    sector_growth = ratio(b._sector1, b._sector0) - 1.0
    national_share = b._cell0 * national_growth
    industrial_mix = b._cell0 * (sector_growth - national_growth)
    actual_change = b._cell1 - b._cell0
    # Written without e1/e0 so that a cell starting from 0 still has a regional share.
    regional_share = actual_change - b._cell0 * sector_growth
    columns: dict[str, ir.Value] = {
        "national_share": national_share,
        "industrial_mix": industrial_mix,
    }
    if method in ("dunn", "dynamic"):
        columns["regional_share"] = regional_share
        columns["net_total_shift"] = industrial_mix + regional_share
    else:
        homothetic = b._region0 * ratio(b._sector0, b._nation0)
        allocated = b._cell0 - homothetic
        cell_growth = ratio(b._cell1, b._cell0) - 1.0
        if method == "esteban_marquillas":
            columns["regional_share_homothetic"] = homothetic * (cell_growth - sector_growth)
            columns["allocation_effect"] = allocated * (cell_growth - sector_growth)
        else:
            region_growth = ratio(b._region1, b._region0) - 1.0
            own = (cell_growth - region_growth) - (sector_growth - national_growth)
            columns["regional_growth"] = b._cell0 * (region_growth - national_growth)
            columns["regional_industry_mix"] = (
                actual_change - b._cell0 * region_growth - industrial_mix
            )
            columns["regional_growth_homothetic"] = homothetic * (region_growth - national_growth)
            columns["regional_growth_allocation"] = allocated * (region_growth - national_growth)
            columns["regional_industry_mix_homothetic"] = homothetic * own
            columns["regional_industry_mix_allocation"] = allocated * own
    columns["actual_change"] = actual_change
    return b.select(region, sector, **columns)


def _gerfin(base: ir.Table, *, region: str, sector: str, level: Level) -> ir.Table:
    b = base
    national = ratio(b._nation1, b._nation0)
    if level == "sector":
        sector_factor = ratio(b._sector1, b._sector0)
        cell_factor = ratio(b._cell1, b._cell0)
        return b.select(
            region,
            sector,
            industrial_mix=ratio(sector_factor, national),
            regional_share=ratio(cell_factor, sector_factor),
            net_total_shift=ratio(cell_factor, national),
        )
    expected = b.mutate(_expected=b._cell0 * ratio(b._sector1, b._sector0), _national=national)
    r = expected.group_by(region).aggregate(
        _cell0=expected._cell0.sum(),
        _cell1=expected._cell1.sum(),
        _expected=expected._expected.sum(),
        _national=expected._national.max(),
    )
    return r.select(
        region,
        industrial_mix=ratio(ratio(r._expected, r._cell0), r._national),
        regional_share=ratio(r._cell1, r._expected),
        net_total_shift=ratio(ratio(r._cell1, r._cell0), r._national),
    )
