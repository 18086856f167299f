"""Diversity of a region's economy: entropy, related and unrelated variety.

The entropy of a region's sector mix measures how evenly its employment spreads over
sectors. Given a hierarchy of sectors in groups, it splits exactly into the entropy between
groups (unrelated variety) and the weighted entropy within groups (related variety).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import ibis
import ibis.expr.types as ir

from grappes.errors import InvalidInputError
from grappes.indicators.expressions import check_nonzero, ratio, refuse, strict_sum
from grappes.indicators.inputs import TableLike, describe_row, finish, is_pandas, prepare

if TYPE_CHECKING:
    import pandas as pd

#: Name of the group column of a ``hierarchy`` table.
GROUP = "group"


def entropy(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    hierarchy: pd.DataFrame | Mapping[str, str] | None = None,
    base: Literal["e", "2"] = "e",
    on_zero_total: Literal["raise", "nan"] = "raise",
) -> TableLike:
    """Return the entropy of every region's sector mix, and its related and unrelated parts.

    Parameters
    ----------
    table
        Long table, one row per region x sector (x ``by``): pandas or Ibis. Sectors with no
        row or a value of zero add nothing (:math:`0 \\ln 0 = 0`).
    region, sector, value
        Names of the region code, sector code and value columns.
    by
        Further key columns to compute within, such as ``("year",)``.
    hierarchy
        Optional grouping of sectors, for related and unrelated variety: a mapping from
        sector code to group code (``{"C10": "C", "C11": "C", …}``) or a pandas table with
        the ``sector`` column and a ``group`` column. Every sector of ``table`` must be in
        exactly one group.
    base
        Base of the logarithm: ``"e"`` (default; nats) or ``"2"`` (bits, as in Frenken, Van
        Oort & Verburg 2007 and EconGeo's ``entropy``).
    on_zero_total
        What to do when a region has a total of zero: ``"raise"`` (default) or ``"nan"``.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``region``, the ``by`` keys and ``entropy``; with a ``hierarchy``, also
        ``related_variety`` and ``unrelated_variety``, which add up to ``entropy``. Same kind
        as ``table``, a pandas table sorted by its keys.

    Raises
    ------
    MissingColumnsError
        When a named column is absent, from ``table`` or ``hierarchy``.
    InvalidInputError
        For non-string codes, missing, non-finite or negative values, duplicate keys, a
        sector in no group or in two, or a zero total under ``on_zero_total="raise"``.

    Notes
    -----
    With :math:`p_s = E_{rs}/E_r` the sector shares of region :math:`r` and
    :math:`P_g = \\sum_{s \\in g} p_s` the shares of the groups:

    .. math:: H = -\\sum_s p_s \\ln p_s, \\qquad
              UV = -\\sum_g P_g \\ln P_g, \\qquad
              RV = \\sum_g P_g H_g = -\\sum_g \\sum_{s \\in g} p_s \\ln \\frac{p_s}{P_g}

    and :math:`H = UV + RV` (Theil's decomposition of entropy). Shannon (1948); Theil (1972),
    *Statistical Decomposition Analysis*; Frenken, Van Oort & Verburg (2007), "Related
    variety, unrelated variety and regional economic growth", *Regional Studies* 41(5).
    EconGeo's ``entropy`` uses base 2 and adds :math:`10^{-9}` inside the logarithm, then
    rounds to three decimals.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": ["a"] * 4, "sector": ["x1", "x2", "y1", "y2"],
    ...                   "employment": [1.0, 1.0, 1.0, 1.0]})
    >>> r = entropy(t, hierarchy={"x1": "x", "x2": "x", "y1": "y", "y2": "y"}, base="2")
    >>> r[["entropy", "related_variety", "unrelated_variety"]].values.tolist()
    [[2.0, 1.0, 1.0]]
    """
    who = "entropy"
    by = tuple(by)
    prepared = prepare(table, who=who, codes=(region, sector), by=by, values=(value,))
    t = prepared.table
    groups = None if hierarchy is None else _hierarchy(hierarchy, who=who, sector=sector)
    totals = t.group_by([region, *by]).aggregate(_e=t[value].cast("float64").sum())
    if on_zero_total == "raise":
        check_nonzero(totals, "_e", who=who, keys=[region, *by], what="region")
    joined = t.join(totals, [region, *by])
    shares = joined.select(region, sector, *by, _p=ratio(joined[value], joined._e))
    scale = math.log(2.0) if base == "2" else 1.0
    if groups is None:
        result = shares.group_by([region, *by]).aggregate(
            entropy=_negated(strict_sum(_information(shares._p, shares._p)), scale)
        )
        return finish(result, prepared, order_by=[*by, region])
    _check_grouped(t, groups, who=who, sector=sector)
    shares = shares.join(groups, sector)
    group_shares = shares.group_by([region, GROUP, *by]).aggregate(_pg=strict_sum(shares._p))
    within = shares.join(group_shares, [region, GROUP, *by])
    related = within.group_by([region, *by]).aggregate(
        entropy=_negated(strict_sum(_information(within._p, within._p)), scale),
        related_variety=_negated(
            strict_sum(_information(within._p, ratio(within._p, within._pg))), scale
        ),
    )
    unrelated = group_shares.group_by([region, *by]).aggregate(
        unrelated_variety=_negated(
            strict_sum(_information(group_shares._pg, group_shares._pg)), scale
        )
    )
    both = related.join(unrelated, [region, *by])
    result = both.select(region, *by, "entropy", "related_variety", "unrelated_variety")
    return finish(result, prepared, order_by=[*by, region])


def _information(weight: ir.FloatingValue, inside: ir.FloatingValue) -> ir.FloatingValue:
    """``weight * ln(inside)``, 0 where the weight is 0 and NULL where it is undefined.

    The logarithm is only taken of positive numbers: engines differ on ln(0).
    """
    positive = (weight > 0).fill_null(False)
    log = ibis.ifelse(positive, inside, ibis.literal(1.0)).ln()
    term = ibis.ifelse(positive, weight * log, ibis.literal(0.0))
    return ibis.ifelse(weight.isnull(), ibis.null("float64"), term)


def _negated(total: ir.FloatingValue, scale: float) -> ir.FloatingValue:
    """``-total / scale``, with 0 rather than -0 for a region with a single sector."""
    return ibis.ifelse(total == 0, ibis.literal(0.0), -total / scale)


def _hierarchy(hierarchy: pd.DataFrame | Mapping[str, str], *, who: str, sector: str) -> ir.Table:
    """The sector -> group table, checked: string codes, no gap, one group per sector."""
    if is_pandas(hierarchy):
        frame = hierarchy
    elif isinstance(hierarchy, Mapping):
        import pandas as pd  # the hierarchy is small; checked with the pandas code below

        frame = pd.DataFrame({sector: list(hierarchy), GROUP: list(hierarchy.values())})
    else:
        raise InvalidInputError(
            f"{who}: hierarchy must be a mapping from sector to group or a pandas table; "
            f"got {type(hierarchy).__name__}"
        )
    checked = prepare(
        frame, who=f"{who} (hierarchy)", codes=(sector, GROUP), unique=False
    ).table.select(sector, GROUP)
    doubled = frame[frame[sector].duplicated(keep=False)].drop_duplicates()
    if doubled[sector].duplicated().any():
        first = doubled[doubled[sector].duplicated(keep=False)].iloc[0]
        raise InvalidInputError(
            f"{who}: the hierarchy must put each sector in one group; got more than one for "
            f"{describe_row(first, [sector])}"
        )
    return checked.distinct()


def _check_grouped(table: ir.Table, groups: ir.Table, *, who: str, sector: str) -> None:
    sectors = table.select(sector).distinct()
    refuse(
        sectors.anti_join(groups, sector),
        who=who,
        keys=[sector],
        message="every sector of the table must have a group in the hierarchy; got none",
        hint="add it to the hierarchy",
    )
