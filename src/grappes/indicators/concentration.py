"""Concentration and inequality: how unevenly a sector spreads over regions.

Hoover's coefficient, the Herfindahl index and Theil's index of a region x sector table. Each
is one Ibis expression made of group-by and join forms, so every engine computes the same
numbers. The locational Gini and the Gini coefficient of any column live in
:mod:`grappes.indicators.gini_coefficients` (sorted, Lorenz-curve forms) and are importable
from here too.

Krugman's dissimilarity index lives in :mod:`grappes.indicators.specialisation` (its default
is a specialisation index); ``kind="concentration"`` gives its concentration form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import ibis
import ibis.expr.types as ir

from grappes.indicators.expressions import (
    attach,
    check_nonzero,
    dense_grid,
    grouped,
    ratio,
    refuse,
    strict_sum,
)
from grappes.indicators.gini_coefficients import gini, locational_gini
from grappes.indicators.inputs import TableLike, finish, prepare


def hoover(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    reference: TableLike | None = None,
    reference_value: str | None = None,
    scale: Literal["share", "percent"] = "share",
    on_zero_total: Literal["raise", "nan"] = "raise",
) -> TableLike:
    """Return Hoover's coefficient of localisation of every sector.

    Parameters
    ----------
    table
        Long table, one row per region x sector (x ``by``): pandas or Ibis. A region x sector
        pair with no row counts as zero.
    region, sector, value
        Names of the region code, sector code and value columns.
    by
        Further key columns to compute within, such as ``("year",)``.
    reference
        Optional base distribution over regions that each sector is compared with: a table of
        ``region``, the ``by`` keys and ``reference_value`` (population, area, the whole
        economy's employment including sectors left out of ``table`` …), one row per region.
        It must cover every region of ``table``; its regions absent from ``table`` count with
        zero employment. Without it, the base is the regions' totals over the sectors of
        ``table``.
    reference_value
        Column of ``reference`` holding the base; defaults to ``value``.
    scale
        ``"share"`` (default; Hoover 1936, REAT 3.0.3's ``hoover``), from 0 to 1, or
        ``"percent"``, from 0 to 100 (EconGeo's ``hoover_index``, which also rounds to two
        decimals; Grappes does not round).
    on_zero_total
        What to do when a sector, or the base, has a total of zero: ``"raise"`` (default) or
        ``"nan"`` (the coefficient of the sectors concerned is NaN).

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``sector``, the ``by`` keys and ``hoover``; same kind as ``table``, a pandas
        table sorted by its keys.

    Raises
    ------
    MissingColumnsError
        When a named column is absent, from ``table`` or ``reference``.
    InvalidInputError
        For non-string codes, missing, non-finite or negative values, duplicate keys, a
        region missing from ``reference``, or a zero total under ``on_zero_total="raise"``.

    Notes
    -----
    .. math:: H_s = \\frac{1}{2} \\sum_r \\left| \\frac{E_{rs}}{E_s} - \\frac{B_r}{B} \\right|

    with :math:`B_r` the base of region :math:`r` (its total employment, or ``reference``)
    and :math:`B` the sum over regions. It is the share of the sector's employment that would
    have to move for the sector to be spread like the base. Hoover (1936), "The measurement
    of industrial localization", *Review of Economics and Statistics* 18(4).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": ["a", "a", "b", "b"], "sector": ["x", "y", "x", "y"],
    ...                   "employment": [3.0, 1.0, 1.0, 3.0]})
    >>> hoover(t)["hoover"].tolist()
    [0.25, 0.25]
    """
    who = "hoover"
    by = tuple(by)
    checked = on_zero_total == "raise"
    prepared = prepare(
        table,
        who=who,
        codes=(region, sector),
        by=by,
        values=(value,),
        # Checked in prepare's query, unless the reference must be checked first.
        positive_totals=({"sector": [sector, *by]} if checked and reference is None else None),
    )
    t = prepared.table
    if reference is None:
        base = t.group_by([region, *by]).aggregate(_b=t[value].sum().cast("float64"))
    else:
        column = reference_value or value
        ref = prepare(
            reference, who=f"{who} (reference)", codes=(region,), by=by, values=(column,)
        ).table
        base = ref.select(region, *by, _b=ref[column].cast("float64"))
        present = t.select(region, *by).distinct()
        refuse(
            present.anti_join(base, [region, *by]),
            who=who,
            keys=[region, *by],
            message="the reference table must give a base for every region of the table; got none",
            hint="add the region to the reference, or drop it from the table",
        )
    dense = dense_grid(
        t, region=region, sector=sector, value=value, by=by, regions=base.select(region, *by)
    )
    sector_totals = dense.group_by([sector, *by]).aggregate(_s=dense._v.sum())
    base_totals = grouped(base, by).aggregate(_bt=base._b.sum())
    if checked:
        if reference is not None:
            check_nonzero(sector_totals, "_s", who=who, keys=[sector, *by], what="sector")
        refuse(
            base_totals.filter(base_totals._bt == 0),
            who=who,
            keys=list(by),
            message="the base over regions has a total of 0",
            hint="pass on_zero_total='nan' to get NaN",
        )
    joined = attach(
        dense.join(base, [region, *by]).join(sector_totals, [sector, *by]), base_totals, by
    )
    gap = (ratio(joined._v, joined._s) - ratio(joined._b, joined._bt)).abs()
    factor = 50.0 if scale == "percent" else 0.5
    result = joined.group_by([sector, *by]).aggregate(hoover=strict_sum(gap) * factor)
    return finish(result, prepared, order_by=[*by, sector])


def herfindahl(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    across: Literal["regions", "sectors"] = "regions",
    on_zero_total: Literal["raise", "nan"] = "raise",
) -> TableLike:
    """Return the Herfindahl index, its normalised form and its equivalent number.

    Parameters
    ----------
    table
        Long table, one row per region x sector (x ``by``): pandas or Ibis.
    region, sector, value
        Names of the region code, sector code and value columns. For firms in markets, pass
        the firm column as ``region`` and the market column as ``sector``.
    by
        Further key columns to compute within, such as ``("year",)``.
    across
        ``"regions"`` (default): for each sector, the concentration of its value over the
        regions. ``"sectors"``: for each region, the concentration over sectors (the inverse
        of diversity).
    on_zero_total
        What to do when a sector (a region for ``across="sectors"``) has a total of zero:
        ``"raise"`` (default) or ``"nan"``.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``sector`` (``region`` for ``across="sectors"``), the ``by`` keys,
        ``herfindahl``, ``herfindahl_normalised`` and ``equivalent_number``; same kind as
        ``table``, a pandas table sorted by its keys.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, missing, non-finite or negative values, duplicate keys, or a
        zero total under ``on_zero_total="raise"``.

    Notes
    -----
    With :math:`z_i` the shares of the :math:`n` units (every region of the table within the
    ``by`` group, those with no row counting as zero):

    .. math:: H = \\sum_i z_i^2, \\qquad H^* = \\frac{H - 1/n}{1 - 1/n}, \\qquad N = 1/H

    :math:`H^*` is NaN when :math:`n = 1`. Hirschman (1945), *National Power and the
    Structure of Foreign Trade*; Herfindahl (1950), *Concentration in the U.S. Steel
    Industry*. REAT 3.0.3's ``herf(x)``, ``herf(x, coefnorm=TRUE)`` and
    ``herf(x, output="eq")`` give the three columns.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": ["a", "b", "c", "d"], "sector": ["x"] * 4,
    ...                   "employment": [20.0, 50.0, 20.0, 10.0]})
    >>> herfindahl(t)[["herfindahl", "herfindahl_normalised"]].round(6).values.tolist()
    [[0.34, 0.12]]
    """
    who = "herfindahl"
    by = tuple(by)
    group, unit = (sector, region) if across == "regions" else (region, sector)
    prepared = prepare(
        table,
        who=who,
        codes=(region, sector),
        by=by,
        values=(value,),
        positive_totals={group: [group, *by]} if on_zero_total == "raise" else None,
    )
    shares, counts = _shares(prepared.table, group=group, unit=unit, value=value, by=by)
    summed = shares.group_by([group, *by]).aggregate(_h=strict_sum(shares._z * shares._z))
    joined = attach(summed, counts, by)
    inverse_n = 1.0 / joined._n
    result = joined.select(
        group,
        *by,
        herfindahl=joined._h,
        herfindahl_normalised=ratio(joined._h - inverse_n, 1.0 - inverse_n),
        equivalent_number=ratio(ibis.literal(1.0), joined._h),
    )
    return finish(result, prepared, order_by=[*by, group])


def theil(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    across: Literal["regions", "sectors"] = "regions",
    convention: Literal["theil_t", "mean_log_deviation"] = "theil_t",
    on_zero_total: Literal["raise", "nan"] = "raise",
    on_zero_value: Literal["raise", "nan"] = "raise",
) -> TableLike:
    """Return Theil's inequality index of every sector over regions (or region over sectors).

    Parameters
    ----------
    table
        Long table, one row per region x sector (x ``by``): pandas or Ibis.
    region, sector, value
        Names of the region code, sector code and value columns.
    by
        Further key columns to compute within, such as ``("year",)``.
    across
        ``"regions"`` (default): for each sector, the inequality of its value over the
        regions. ``"sectors"``: for each region, over sectors.
    convention
        ``"theil_t"`` (default; Theil 1967's T, from 0 to :math:`\\ln n`) or
        ``"mean_log_deviation"`` (Theil's L, which REAT 3.0.3's ``theil()`` computes).
    on_zero_total
        What to do when a sector (a region for ``across="sectors"``) has a total of zero:
        ``"raise"`` (default) or ``"nan"``.
    on_zero_value
        The mean log deviation is infinite when a unit has a value of zero (or no row):
        ``"raise"`` (default) or ``"nan"``. Theil's T takes :math:`0 \\ln 0 = 0`.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``sector`` (``region`` for ``across="sectors"``), the ``by`` keys and
        ``theil``; same kind as ``table``, a pandas table sorted by its keys.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, missing, non-finite or negative values, duplicate keys, a zero
        total under ``on_zero_total="raise"`` or, for the mean log deviation, a zero value
        under ``on_zero_value="raise"``.

    Notes
    -----
    With :math:`x_i` the values of the :math:`n` units (every region of the table within the
    ``by`` group, those with no row counting as zero), :math:`\\mu` their mean and
    :math:`z_i = x_i / \\sum x` their shares:

    .. math:: T = \\frac{1}{n}\\sum_i \\frac{x_i}{\\mu}\\ln\\frac{x_i}{\\mu}
                = \\sum_i z_i \\ln(n z_i), \\qquad
              L = \\frac{1}{n}\\sum_i \\ln\\frac{\\mu}{x_i} = -\\frac{1}{n}\\sum_i \\ln(n z_i)

    Theil (1967), *Economics and Information Theory*, North-Holland.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": list("abcde"), "sector": ["x"] * 5,
    ...                   "employment": [10.0, 10.0, 10.0, 20.0, 50.0]})
    >>> theil(t, convention="mean_log_deviation")["theil"].round(7).tolist()
    [0.2326302]
    """
    who = "theil"
    by = tuple(by)
    group, unit = (sector, region) if across == "regions" else (region, sector)
    prepared = prepare(
        table,
        who=who,
        codes=(region, sector),
        by=by,
        values=(value,),
        positive_totals={group: [group, *by]} if on_zero_total == "raise" else None,
    )
    shares, counts = _shares(prepared.table, group=group, unit=unit, value=value, by=by)
    joined = attach(shares, counts, by)
    positive = (joined._z > 0).fill_null(False)
    # ln is only taken of positive numbers: engines differ on ln(0) (-inf, NULL or an error).
    log = ibis.ifelse(positive, joined._z * joined._n, ibis.literal(1.0)).ln()
    undefined_share = joined._z.isnull()
    if convention == "theil_t":
        term = ibis.ifelse(
            undefined_share,
            ibis.null("float64"),
            ibis.ifelse(positive, joined._z * log, ibis.literal(0.0)),
        )
        index = joined.group_by([group, *by]).aggregate(theil=strict_sum(term))
        result = index.select(group, *by, "theil")
    else:
        term = ibis.ifelse(
            undefined_share, ibis.null("float64"), ibis.ifelse(positive, log, ibis.literal(0.0))
        )
        index = joined.group_by([group, *by]).aggregate(
            _sum=strict_sum(term),
            _m=positive.cast("int64").sum().cast("float64"),
            _n=joined._n.max(),
        )
        if on_zero_value == "raise":
            refuse(
                index.filter(index._m < index._n),
                who=who,
                keys=[group, *by],
                message=f"convention='mean_log_deviation' is infinite when a {unit} has a "
                "value of zero (or no row); got such a zero",
                hint="use convention='theil_t', or pass on_zero_value='nan'",
            )
        undefined = index._m < index._n
        result = index.select(
            group,
            *by,
            theil=ibis.ifelse(
                undefined,
                ibis.null("float64"),
                # 0 rather than -0 when every unit has the same value
                ibis.ifelse(index._sum == 0, ibis.literal(0.0), -index._sum / index._n),
            ),
        )
    return finish(result, prepared, order_by=[*by, group])


def _shares(
    table: ir.Table, *, group: str, unit: str, value: str, by: Sequence[str]
) -> tuple[ir.Table, ir.Table]:
    """Each unit's share ``_z`` of its group's total ``_g``, and the number of units ``_n``.

    The units counted are every one of the table within the ``by`` group, so a unit with no
    row in a group counts as a zero (it adds nothing to the sums of shares, but to ``n``).
    """
    values = table[value].cast("float64")
    totals = table.group_by([group, *by]).aggregate(_g=values.sum())
    units = table.select(unit, *by).distinct()
    counts = grouped(units, by).aggregate(_n=units.count().cast("float64"))
    joined = table.join(totals, [group, *by])
    shares = joined.select(group, unit, *by, _g=joined._g, _z=ratio(joined[value], joined._g))
    return shares, counts


__all__ = ["gini", "herfindahl", "hoover", "locational_gini", "theil"]
