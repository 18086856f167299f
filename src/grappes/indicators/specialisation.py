"""Specialisation of regions in sectors: the location quotient.

The location quotient compares a sector's share of a region's employment with its share of
a reference economy's: above 1 the region is specialised in the sector.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import ibis.expr.types as ir

from grappes.engine import records
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
from grappes.indicators.inputs import TableLike, describe_row, finish, prepare


def location_quotient(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    reference: TableLike | None = None,
    on_zero_total: Literal["raise", "nan"] = "raise",
) -> TableLike:
    """Return the location quotient of every region x sector (x ``by`` group).

    Parameters
    ----------
    table
        Long table, one row per region x sector (x ``by``): pandas or Ibis.
    region, sector, value
        Names of the region code, sector code and value (employment, establishments …) columns.
    by
        Further key columns to compute within, such as ``("year",)``.
    reference
        Optional table of a reference economy's totals by sector (columns ``sector``,
        ``value`` and the ``by`` keys, same names as in ``table``), for when the table does not
        hold the whole economy: national totals that include regions or establishments not in
        the table. Without it, the table's own totals are the reference. To compute the US
        Cluster Mapping Project's LQ on traded employment, pass only traded sectors in both.
    on_zero_total
        What to do when a region or a sector has a total of zero, which leaves the LQ
        undefined: ``"raise"`` (default) or ``"nan"`` (the LQ of those rows is NaN).

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``region``, ``sector``, the ``by`` keys and ``location_quotient``; a pandas
        table is sorted by its keys. Same kind as ``table``.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, missing, non-finite or negative values, duplicate keys, a
        sector missing from ``reference``, or a zero total under ``on_zero_total="raise"``.

    Notes
    -----
    .. math:: LQ_{rs} = \\frac{E_{rs} / E_r}{E_s / E}

    with :math:`E_r` the region's total over the sectors of the table, :math:`E_s` and
    :math:`E` the sector's and the whole economy's totals (from ``reference`` when given).
    Isard (1960), *Methods of Regional Analysis*; Balassa (1965) for its trade form (RCA).
    REAT's ``locq(e_ij, e_j, e_i, e)`` computes the same ratio from four scalars.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": ["a", "a", "b"], "sector": ["x", "y", "x"],
    ...                   "employment": [1.0, 2.0, 3.0]})
    >>> location_quotient(t)["location_quotient"].round(2).tolist()
    [0.5, 2.0, 1.5]
    """
    who = "location_quotient"
    by = tuple(by)
    checked = on_zero_total == "raise"
    # Zero totals are checked in prepare's query, unless a reference must be checked first.
    folded = checked and reference is None
    totals = {"region": [region, *by], "sector": [sector, *by]} if folded else {}
    prepared = prepare(
        table, who=who, codes=(region, sector), by=by, values=(value,), positive_totals=totals
    )
    t = prepared.table
    sector_totals = None
    if reference is not None:
        ref = prepare(
            reference, who=f"{who} (reference)", codes=(sector,), by=by, values=(value,)
        ).table
        sector_totals = ref.group_by([sector, *by]).aggregate(_e_s=ref[value].sum())
        _check_reference_covers(t, sector_totals, who=who, keys=[sector, *by])
        if checked:
            region_totals = t.group_by([region, *by]).aggregate(_e_r=t[value].sum())
            check_nonzero(region_totals, "_e_r", who=who, keys=[region, *by], what="region")
            check_nonzero(sector_totals, "_e_s", who=who, keys=[sector, *by], what="sector")
    result = location_quotient_expression(
        t, region=region, sector=sector, value=value, by=by, sector_totals=sector_totals
    )
    return finish(result, prepared, order_by=[*by, region, sector])


def location_quotient_expression(
    table: ir.Table,
    *,
    region: str,
    sector: str,
    value: str,
    by: Sequence[str],
    sector_totals: ir.Table | None = None,
) -> ir.Table:
    """The location quotient of a table already checked by :func:`prepare`, as an Ibis
    expression: ``region``, ``sector``, the ``by`` keys and ``location_quotient``, NULL
    where a total is zero. No query runs.

    For indicators built on the LQ (RCA, relatedness, complexity) that have validated their
    input once already. ``sector_totals`` (``sector``, the ``by`` keys and ``_e_s``) replaces
    the table's own sector totals.
    """
    t = table
    by = list(by)
    if sector_totals is None:
        sector_totals = t.group_by([sector, *by]).aggregate(_e_s=t[value].sum())
    region_totals = t.group_by([region, *by]).aggregate(_e_r=t[value].sum())
    totals = (
        sector_totals.group_by(by).aggregate(_e=sector_totals._e_s.sum())
        if by
        else sector_totals.aggregate(_e=sector_totals._e_s.sum())
    )
    joined = t.join(region_totals, [region, *by]).join(sector_totals, [sector, *by])
    joined = joined.join(totals, by) if by else joined.cross_join(totals)
    share_in_region = ratio(joined[value], joined._e_r)
    share_in_economy = ratio(joined._e_s, joined._e)
    return joined.select(
        region,
        sector,
        *by,
        location_quotient=ratio(share_in_region, share_in_economy),
    )


def _check_reference_covers(
    table: ir.Table, reference_totals: ir.Table, *, who: str, keys: list[str]
) -> None:
    present = table.select(*keys).distinct()
    missing = present.anti_join(reference_totals, keys)
    found = records(missing.limit(1))
    if len(found):
        raise InvalidInputError(
            f"{who}: the reference table must give a total for every sector of the table; "
            f"got none for {describe_row(found[0], keys)}"
        )


def krugman(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    kind: Literal["specialisation", "concentration"] = "specialisation",
    comparison: Literal["rest", "total", "mean_of_others"] = "rest",
    normalisation: Literal["sum", "half"] = "sum",
    on_zero_total: Literal["raise", "nan"] = "raise",
) -> TableLike:
    """Return Krugman's dissimilarity index of every region (or of every sector).

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
        ``"specialisation"`` (default): how a region's sector mix differs from the comparison
        economy's, one value per region. ``"concentration"``: how a sector's distribution over
        regions differs from the comparison's, one value per sector.
    comparison
        What each unit is compared with. ``"rest"`` (default; Krugman 1991): the rest of the
        economy, that is every other unit added up. ``"total"``: the whole economy including
        the unit itself (REAT 3.0.3's ``krugman.conc(e_ij, e_j)`` when ``e_j`` are the regions'
        totals). ``"mean_of_others"``: the unweighted mean of the other units' shares
        (REAT's ``krugman.spec2`` and ``krugman.conc2``).
    normalisation
        ``"sum"`` (default; Krugman 1991 and REAT): the sum of absolute differences, from 0
        to 2. ``"half"``: half of it, from 0 to 1 (the dissimilarity index).
    on_zero_total
        What to do when a unit, or the economy it is compared with, has a total of zero:
        ``"raise"`` (default) or ``"nan"`` (the index of the units concerned is NaN).

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``region`` (``sector`` for ``kind="concentration"``), the ``by`` keys and
        ``krugman``; same kind as ``table``, a pandas table sorted by its keys.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, missing, non-finite or negative values, duplicate keys, or a
        zero total (or a single unit with ``comparison="mean_of_others"``) under
        ``on_zero_total="raise"``.

    Notes
    -----
    For ``kind="specialisation"``, with :math:`s_{rs} = E_{rs}/E_r` the sector's share of the
    region and :math:`\\bar s_{rs}` the comparison's share,

    .. math:: K_r = \\sum_s \\left| s_{rs} - \\bar s_{rs} \\right|, \\qquad
              \\bar s_{rs} = \\frac{E_s - E_{rs}}{E - E_r}\\ (\\text{rest}),\\quad
              \\frac{E_s}{E}\\ (\\text{total}),\\quad
              \\frac{1}{n - 1}\\sum_{r' \\ne r} s_{r's}\\ (\\text{mean of others}).

    ``kind="concentration"`` exchanges the roles of regions and sectors. Krugman (1991),
    *Geography and Trade*, MIT Press, ch. 3 and appendix D. REAT 3.0.3's ``krugman.spec``
    and ``krugman.conc`` are ``normalisation="sum"`` (no ½).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": ["a", "a", "b", "b"], "sector": ["x", "y", "x", "y"],
    ...                   "employment": [3.0, 1.0, 1.0, 3.0]})
    >>> krugman(t)["krugman"].tolist()
    [1.0, 1.0]
    """
    who = "krugman"
    by = tuple(by)
    unit, part = (region, sector) if kind == "specialisation" else (sector, region)
    totals_checked = {unit: [unit, *by]} if on_zero_total == "raise" else {}
    prepared = prepare(
        table,
        who=who,
        codes=(region, sector),
        by=by,
        values=(value,),
        positive_totals=totals_checked,
    )
    dense = dense_grid(prepared.table, region=unit, sector=part, value=value, by=by)
    unit_totals = dense.group_by([unit, *by]).aggregate(_u=dense._v.sum())
    part_totals = dense.group_by([part, *by]).aggregate(_p=dense._v.sum())
    totals = grouped(unit_totals, by).aggregate(_t=unit_totals._u.sum(), _n=unit_totals.count())
    if on_zero_total == "raise":
        if comparison == "rest":
            rest = attach(unit_totals, totals, by)
            refuse(
                rest.filter(rest._t - rest._u == 0),
                who=who,
                keys=[unit, *by],
                message=f"the rest of the economy has a total of 0 beside {unit}",
                hint="compare with comparison='total', or pass on_zero_total='nan'",
            )
        if comparison == "mean_of_others":
            refuse(
                totals.filter(totals._n < 2),
                who=who,
                keys=list(by),
                message=f"comparison='mean_of_others' needs at least two values of {unit!r}",
                hint="pass on_zero_total='nan' to get NaN",
            )
    joined = attach(dense.join(unit_totals, [unit, *by]).join(part_totals, [part, *by]), totals, by)
    joined = joined.mutate(_share=ratio(joined._v, joined._u))
    if comparison == "rest":
        joined = joined.mutate(_other=ratio(joined._p - joined._v, joined._t - joined._u))
    elif comparison == "total":
        joined = joined.mutate(_other=ratio(joined._p, joined._t))
    else:
        share_sums = joined.group_by([part, *by]).aggregate(_sum=strict_sum(joined._share))
        joined = joined.join(share_sums, [part, *by])
        joined = joined.mutate(
            _other=ratio(joined._sum - joined._share, (joined._n - 1).cast("float64"))
        )
    index = strict_sum((joined._share - joined._other).abs())
    if normalisation == "half":
        index = index / 2
    result = joined.group_by([unit, *by]).aggregate(krugman=index)
    return finish(result, prepared, order_by=[*by, unit])
