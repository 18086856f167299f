"""Specialisation of regions in sectors: the location quotient.

The location quotient compares a sector's share of a region's employment with its share of
a reference economy's: above 1 the region is specialised in the sector.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import ibis
import ibis.expr.types as ir

from grappes.errors import InvalidInputError
from grappes.indicators.inputs import TableLike, describe_row, finish, prepare
from grappes.engine import execute


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
    prepared = prepare(table, who=who, codes=(region, sector), by=by, values=(value,))
    t = prepared.table
    if reference is None:
        sector_totals = t.group_by([sector, *by]).aggregate(_e_s=t[value].sum())
    else:
        ref = prepare(
            reference, who=f"{who} (reference)", codes=(sector,), by=by, values=(value,)
        ).table
        sector_totals = ref.group_by([sector, *by]).aggregate(_e_s=ref[value].sum())
        _check_reference_covers(t, sector_totals, who=who, keys=[sector, *by])
    region_totals = t.group_by([region, *by]).aggregate(_e_r=t[value].sum())
    totals = (
        sector_totals.group_by(list(by)).aggregate(_e=sector_totals._e_s.sum())
        if by
        else sector_totals.aggregate(_e=sector_totals._e_s.sum())
    )
    if on_zero_total == "raise":
        _check_nonzero(region_totals, "_e_r", who=who, keys=[region, *by], what="region")
        _check_nonzero(sector_totals, "_e_s", who=who, keys=[sector, *by], what="sector")
    joined = t.join(region_totals, [region, *by]).join(sector_totals, [sector, *by])
    joined = joined.join(totals, list(by)) if by else joined.cross_join(totals)
    share_in_region = _ratio(joined[value], joined._e_r)
    share_in_economy = _ratio(joined._e_s, joined._e)
    result = joined.select(
        region,
        sector,
        *by,
        location_quotient=_ratio(share_in_region, share_in_economy),
    )
    return finish(result, prepared, order_by=[*by, region, sector])


def _ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """``numerator / denominator`` as a double, NULL where the denominator is zero.

    Engines disagree on x / 0 (DuckDB gives NULL or inf, Spark NULL); a NULL that becomes
    NaN in pandas is the one answer they can all give.
    """
    zero = denominator == 0
    quotient = numerator.cast("float64") / denominator.cast("float64")
    return ibis.ifelse(zero, ibis.null("float64"), quotient)


def _check_nonzero(
    totals: ir.Table, column: str, *, who: str, keys: list[str], what: str
) -> None:
    zero = totals.filter(totals[column] == 0)
    found = execute(zero.limit(1))
    if len(found):
        raise InvalidInputError(
            f"{who}: every {what} must have a positive total; got a total of 0 for "
            f"{describe_row(found.iloc[0], keys)}. Drop it, or pass on_zero_total='nan'."
        )


def _check_reference_covers(
    table: ir.Table, reference_totals: ir.Table, *, who: str, keys: list[str]
) -> None:
    present = table.select(*keys).distinct()
    missing = present.anti_join(reference_totals, keys)
    found = execute(missing.limit(1))
    if len(found):
        raise InvalidInputError(
            f"{who}: the reference table must give a total for every sector of the table; "
            f"got none for {describe_row(found.iloc[0], keys)}"
        )
