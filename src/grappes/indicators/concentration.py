"""Concentration and inequality: how unevenly a sector spreads over regions.

Hoover's coefficient, the locational Gini, the Herfindahl index and Theil's index of a region
x sector table, and the Gini coefficient of any column. Each is one Ibis expression made of
group-by and join forms, so every engine computes the same numbers. The Gini coefficients
compare every pair of units (a self-join within each group): their cost grows with the square
of the number of regions, which is nothing for regions or provinces and a few million pairs
per sector for Morocco's 1,500 communes.

Krugman's dissimilarity index lives in :mod:`grappes.indicators.specialisation` (its default
is a specialisation index); ``kind="concentration"`` gives its concentration form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import ibis
import ibis.expr.types as ir

from grappes.errors import InvalidInputError
from grappes.indicators.expressions import (
    attach,
    check_nonzero,
    dense_grid,
    grouped,
    ratio,
    refuse,
    strict_sum,
)
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
    prepared = prepare(table, who=who, codes=(region, sector), by=by, values=(value,))
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
    if on_zero_total == "raise":
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


def locational_gini(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    kind: Literal["concentration", "specialisation"] = "concentration",
    convention: Literal["krugman", "reat_lq"] = "krugman",
    on_zero_total: Literal["raise", "nan"] = "raise",
) -> TableLike:
    """Return the locational Gini coefficient of every sector (or of every region).

    Parameters
    ----------
    table
        Long table, one row per region x sector (x ``by``): pandas or Ibis. A region x sector
        pair with no row counts as zero.
    region, sector, value
        Names of the region code, sector code and value columns.
    by
        Further key columns to compute within, such as ``("year",)``.
    kind
        ``"concentration"`` (default): how unevenly each sector spreads over regions, one
        value per sector. ``"specialisation"``: how unevenly each region's employment spreads
        over sectors compared with the economy's sector mix, one value per region (REAT's
        ``gini.spec`` with ``convention="reat_lq"``).
    convention
        ``"krugman"`` (default; Krugman 1991): the area between the locational Lorenz curve
        and the diagonal, from 0 to 0.5; reproduces EconGeo's ``locational_gini``.
        ``"reat_lq"``: the plain, unweighted Gini coefficient of the location quotients
        (from 0 to 1), which ignores the regions' sizes; reproduces REAT 3.0.3's
        ``gini.conc`` (and ``gini.spec`` with ``kind="specialisation"``).
    on_zero_total
        What to do when a sector (a region for ``kind="specialisation"``) has a total of zero,
        or, with ``convention="reat_lq"``, a location quotient is undefined because a region
        (a sector) has a total of zero: ``"raise"`` (default) or ``"nan"``.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``sector`` (``region`` for ``kind="specialisation"``), the ``by`` keys and
        ``locational_gini``; same kind as ``table``, a pandas table sorted by its keys.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, missing, non-finite or negative values, duplicate keys, or a
        zero total under ``on_zero_total="raise"``.

    Notes
    -----
    Sort the regions by location quotient and draw the cumulative share of the sector's
    employment :math:`s_r = E_{rs}/E_s` against the cumulative share of total employment
    :math:`x_r = E_r/E`; Krugman's locational Gini is the area between that curve and the
    diagonal, which equals a pairwise sum that needs no sorting:

    .. math:: G^{K}_s = \\frac{1}{4} \\sum_{r} \\sum_{r'} \\left| s_r x_{r'} - s_{r'} x_r \\right|

    (half the Gini coefficient of the location quotients weighted by :math:`x_r`). With
    ``convention="reat_lq"``, :math:`q_r = s_r / x_r` over the :math:`n` regions and

    .. math:: G^{LQ}_s = \\frac{\\sum_r \\sum_{r'} |q_r - q_{r'}|}{2 n \\sum_r q_r}.

    Krugman (1991), *Geography and Trade*, MIT Press, appendix D; Audretsch & Feldman (1996),
    "R&D spillovers and the geography of innovation and production", *American Economic
    Review* 86(3). Cost: one row per pair of regions within each sector.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": ["a", "a", "b", "b"], "sector": ["x", "y", "x", "y"],
    ...                   "employment": [3.0, 1.0, 1.0, 3.0]})
    >>> locational_gini(t)["locational_gini"].tolist()
    [0.125, 0.125]
    """
    who = "locational_gini"
    by = tuple(by)
    prepared = prepare(table, who=who, codes=(region, sector), by=by, values=(value,))
    unit, part = (sector, region) if kind == "concentration" else (region, sector)
    dense = dense_grid(prepared.table, region=part, sector=unit, value=value, by=by)
    unit_totals = dense.group_by([unit, *by]).aggregate(_u=dense._v.sum())
    part_totals = dense.group_by([part, *by]).aggregate(_p=dense._v.sum())
    totals = grouped(part_totals, by).aggregate(_t=part_totals._p.sum())
    if on_zero_total == "raise":
        check_nonzero(unit_totals, "_u", who=who, keys=[unit, *by], what=unit)
        if convention == "reat_lq":
            check_nonzero(part_totals, "_p", who=who, keys=[part, *by], what=part)
    joined = attach(dense.join(unit_totals, [unit, *by]).join(part_totals, [part, *by]), totals, by)
    shares = joined.select(
        unit,
        part,
        *by,
        _s=ratio(joined._v, joined._u),
        _x=ratio(joined._p, joined._t),
    )
    if convention == "reat_lq":
        shares = shares.mutate(_q=ratio(shares._s, shares._x))
    other = shares.select(unit, *by, **{f"{c}2": shares[c] for c in shares.columns if c[0] == "_"})
    pairs = shares.join(other, [unit, *by])
    if convention == "krugman":
        gap = (pairs._s * pairs._x2 - pairs._s2 * pairs._x).abs()
        result = pairs.group_by([unit, *by]).aggregate(locational_gini=strict_sum(gap) / 4)
    else:
        spread = pairs.group_by([unit, *by]).aggregate(_d=strict_sum((pairs._q - pairs._q2).abs()))
        level = shares.group_by([unit, *by]).aggregate(
            _sum=strict_sum(shares._q), _n=shares.count().cast("float64")
        )
        both = spread.join(level, [unit, *by])
        result = both.select(unit, *by, locational_gini=ratio(both._d, 2 * both._n * both._sum))
    return finish(result, prepared, order_by=[*by, unit])


def gini(
    table: TableLike,
    *,
    value: str = "employment",
    by: Sequence[str] = (),
    weight: str | None = None,
    normalisation: Literal["none", "maximum"] = "none",
    on_zero_total: Literal["raise", "nan"] = "raise",
) -> TableLike:
    """Return the Gini coefficient of a column over the rows of a table (within ``by`` groups).

    Each row is one unit (a region, a firm, an income class); for how unevenly a sector
    spreads over regions of different sizes, see :func:`locational_gini`.

    Parameters
    ----------
    table
        pandas or Ibis table, one row per unit.
    value
        The column whose inequality is measured.
    by
        Key columns to compute within, such as ``("sector", "year")``; none gives one value.
    weight
        Optional column of non-negative weights (the number of people in an income class, a
        region's population): the weighted Gini coefficient (REAT 3.0.3's
        ``gini(x, weighting=w)``).
    normalisation
        ``"none"`` (default): the Gini coefficient. ``"maximum"``: divided by its largest
        possible value :math:`(n - 1)/n`, so that one unit holding everything gives 1 (REAT's
        ``gini(x, coefnorm=TRUE)``); unweighted only. NaN for a single unit.
    on_zero_total
        What to do when a group has a (weighted) total of zero: ``"raise"`` (default) or
        ``"nan"``.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns the ``by`` keys and ``gini``; same kind as ``table``.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string keys, missing, non-finite or negative values or weights,
        ``normalisation="maximum"`` with a weight, or a zero total under
        ``on_zero_total="raise"``.

    Notes
    -----
    The mean absolute difference over all ordered pairs of units, divided by twice the mean:

    .. math:: G = \\frac{\\sum_i \\sum_j w_i w_j |x_i - x_j|}{2 W \\sum_i w_i x_i},
              \\qquad W = \\sum_i w_i

    (:math:`w_i = 1` without weights, which gives :math:`\\sum\\sum |x_i - x_j| / 2n^2\\mu`).
    Gini (1912), *Variabilità e mutabilità*. Cost: one row per pair of units within each
    group.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"sales": [20.0, 50.0, 20.0, 10.0]})
    >>> gini(t, value="sales")["gini"].round(6).tolist()
    [0.3]
    """
    who = "gini"
    by = tuple(by)
    if weight is not None and normalisation == "maximum":
        raise InvalidInputError(
            f"{who}: normalisation='maximum' is defined for the unweighted Gini coefficient "
            f"only; got weight={weight!r}. Drop the weight or use normalisation='none'."
        )
    values = (value,) if weight is None else (value, weight)
    prepared = prepare(table, who=who, codes=(), by=by, values=values, unique=False)
    t = prepared.table
    w = ibis.literal(1.0) if weight is None else t[weight].cast("float64")
    units = t.select(*by, _x=t[value].cast("float64"), _w=w)
    other = units.select(*by, _x2=units._x, _w2=units._w)
    pairs = attach(units, other, by)
    spread = grouped(pairs, by).aggregate(
        _d=(pairs._w * pairs._w2 * (pairs._x - pairs._x2).abs()).sum()
    )
    level = grouped(units, by).aggregate(
        _wt=units._w.sum(), _wx=(units._w * units._x).sum(), _n=units.count().cast("float64")
    )
    if on_zero_total == "raise":
        refuse(
            level.filter((level._wx == 0) | (level._wt == 0)),
            who=who,
            keys=list(by),
            message=f"the total of {value!r} (weighted) is 0, which leaves the Gini undefined",
            hint="pass on_zero_total='nan' to get NaN",
        )
    both = attach(spread, level, by)
    coefficient = ratio(both._d, 2 * both._wt * both._wx)
    if normalisation == "maximum":
        coefficient = ratio(coefficient * both._n, both._n - 1)
    result = both.select(*by, gini=coefficient)
    return finish(result, prepared, order_by=list(by) or ["gini"])


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
    prepared = prepare(table, who=who, codes=(region, sector), by=by, values=(value,))
    group, unit = (sector, region) if across == "regions" else (region, sector)
    shares, counts = _shares(prepared.table, group=group, unit=unit, value=value, by=by)
    if on_zero_total == "raise":
        check_nonzero(
            shares.select(group, *by, _g=shares._g).distinct(),
            "_g",
            who=who,
            keys=[group, *by],
            what=group,
        )
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
    prepared = prepare(table, who=who, codes=(region, sector), by=by, values=(value,))
    group, unit = (sector, region) if across == "regions" else (region, sector)
    shares, counts = _shares(prepared.table, group=group, unit=unit, value=value, by=by)
    if on_zero_total == "raise":
        check_nonzero(
            shares.select(group, *by, _g=shares._g).distinct(),
            "_g",
            who=who,
            keys=[group, *by],
            what=group,
        )
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
