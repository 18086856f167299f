"""Strong clusters: the US Cluster Mapping Project's rule on location quotients and size.

A region holds a *strong* cluster when the cluster is among the most specialised in that
region compared with every other region, is specialised at all (LQ ≥ 1), and is not tiny:
more employment and more establishments than the bottom quarter of regions.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis.expr.types as ir

from grappes.errors import InvalidInputError
from grappes.indicators import location_quotient
from grappes.indicators.expressions import grouped, refuse
from grappes.indicators.inputs import TableLike, finish, prepare

__all__ = ["STRENGTH_COLUMNS", "strong_clusters"]

#: Columns :func:`strong_clusters` adds to the table, in order.
STRENGTH_COLUMNS: tuple[str, ...] = (
    "location_quotient",
    "qualifying",
    "significant",
    "strong",
    "strong10",
)


def strong_clusters(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    employment: str = "employment",
    establishments: str = "establishments",
    by: Sequence[str] = (),
    reference: TableLike | None = None,
) -> TableLike:
    """Return the table with each region x sector's LQ and its strong-cluster flags.

    Parameters
    ----------
    table
        Long table, one row per region x sector (x ``by``), with employment and
        establishments: pandas or Ibis (DuckDB, Polars, Spark). Sectors are the cluster
        categories.
    region, sector, employment, establishments
        Names of the region code, sector (cluster) code, employment and establishment
        count columns.
    by
        Further key columns to compute within, such as ``("year",)`` or a region type:
        the quantiles are taken among the regions of the same sector and ``by`` group.
    reference
        Optional table of a reference economy's employment by sector (columns ``sector``,
        ``employment`` and the ``by`` keys), as in
        :func:`grappes.indicators.location_quotient`. To reproduce the US rule on traded
        clusters, pass only traded sectors in ``table`` and their national totals here.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Every column of ``table`` and, in this order, ``location_quotient`` (float) and the
        booleans ``qualifying``, ``significant``, ``strong`` and ``strong10``. Same kind as
        ``table``: pandas sorted by ``by``, region and sector; Ibis lazy, computed by the
        table's own engine.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes; missing, non-finite or negative employment or establishments;
        duplicate keys; a column of ``table`` that already has one of the output names; a
        sector missing from ``reference``; or a ``reference`` total of zero for a sector
        that has employment in the table.

    Notes
    -----
    For each sector :math:`s` (and ``by`` group), among the regions :math:`r` with
    :math:`E_{rs} > 0`, let :math:`Q_p(x)` be the linear-interpolation quantile (numpy's
    default ``method="linear"``: :math:`Q_p = x_{(\\lfloor h \\rfloor)} + (h - \\lfloor h
    \\rfloor)(x_{(\\lfloor h \\rfloor + 1)} - x_{(\\lfloor h \\rfloor)})`, :math:`h = (n-1)p`,
    order statistics counted from 0). Then

    - qualifying: :math:`LQ > Q_{0.25}(LQ)`;
    - significant: :math:`LQ > Q_{0.5}(LQ)`;
    - strong: :math:`LQ \\ge Q_{0.75}(LQ) \\wedge LQ \\ge 1 \\wedge E > Q_{0.25}(E)
      \\wedge N > Q_{0.25}(N)`, with :math:`N` the establishments;
    - strong10: the same with :math:`Q_{0.90}(LQ)` in place of :math:`Q_{0.75}(LQ)`.

    Regions with :math:`E_{rs} = 0` take no part in the quantiles and are False on every
    flag; their LQ is 0, or NaN when the region (or the sector) has no employment at all
    in the table, where the LQ is undefined.

    The rule is the US Cluster Mapping Project's (Harvard Business School, Institute for
    Strategy and Competitiveness; clustermapping.us), applied there to traded clusters
    within each region type (states, economic areas, counties); cluster categories after
    Delgado, Porter & Stern (2016), "Defining clusters of related industries", *Journal of
    Economic Geography* 16(1), 1-38.

    The quantiles are aggregate functions of the table's engine, joined back by sector
    (no window functions): DuckDB's ``quantile_cont``, Polars' ``quantile(interpolation=
    "linear")`` and Spark's exact ``percentile`` all interpolate linearly, as numpy does;
    the tests check DuckDB and Polars against ``numpy.quantile``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({
    ...     "region": ["a", "a", "b", "b", "c", "c", "d", "d"],
    ...     "sector": ["x", "y"] * 4,
    ...     "employment": [8, 2, 5, 5, 4, 6, 1, 9],
    ...     "establishments": [4, 1, 3, 3, 2, 3, 1, 4],
    ... })
    >>> strong_clusters(t).query("strong")[["region", "sector"]].values.tolist()
    [['a', 'x'], ['d', 'y']]
    """
    who = "strong_clusters"
    by = tuple(by)
    _check_roles(
        who,
        region=region,
        sector=sector,
        employment=employment,
        establishments=establishments,
        by=by,
    )
    prepared = prepare(
        table, who=who, codes=(region, sector), by=by, values=(employment, establishments)
    )
    t = prepared.table
    clashes = [c for c in STRENGTH_COLUMNS if c in t.columns]
    if clashes:
        raise InvalidInputError(
            f"{who}: the table already has column(s) {', '.join(map(repr, clashes))}, which "
            "the result adds; rename or drop them first"
        )
    keys = [region, sector, *by]
    quotients = location_quotient(
        t,
        region=region,
        sector=sector,
        value=employment,
        by=by,
        reference=reference,
        on_zero_total="nan",
    )
    assert isinstance(quotients, ir.Table)  # an Ibis table in gives an Ibis table out
    joined = t.join(quotients, keys)
    lq = joined.location_quotient
    present = joined.filter(joined[employment] > 0)
    refuse(
        present.filter(present.location_quotient.isnull()),
        who=who,
        keys=keys,
        message="the location quotient is undefined where there is employment (the "
        "reference economy has no employment in the sector)",
        hint="give the reference economy's true totals, which include the table's regions",
    )
    cut = grouped(present, [sector, *by]).aggregate(
        _lq25=present.location_quotient.quantile(0.25),
        _lq50=present.location_quotient.quantile(0.5),
        _lq75=present.location_quotient.quantile(0.75),
        _lq90=present.location_quotient.quantile(0.9),
        _emp25=present[employment].cast("float64").quantile(0.25),
        _est25=present[establishments].cast("float64").quantile(0.25),
    )
    # Sectors with no employment anywhere have no quantiles: a left join keeps their rows,
    # and `positive & NULL` is False under SQL's three-valued logic.
    withcut = joined.left_join(cut, [sector, *by])
    positive = withcut[employment] > 0
    lq = withcut.location_quotient
    large = (withcut[employment] > withcut._emp25) & (withcut[establishments] > withcut._est25)
    result = withcut.select(
        *(withcut[c] for c in joined.columns),
        qualifying=(positive & (lq > withcut._lq25)).fill_null(False),
        significant=(positive & (lq > withcut._lq50)).fill_null(False),
        strong=(positive & (lq >= withcut._lq75) & (lq >= 1) & large).fill_null(False),
        strong10=(positive & (lq >= withcut._lq90) & (lq >= 1) & large).fill_null(False),
    )
    return finish(result, prepared, order_by=[*by, region, sector])


def _check_roles(
    who: str,
    *,
    region: str,
    sector: str,
    employment: str,
    establishments: str,
    by: tuple[str, ...],
) -> None:
    roles = [region, sector, employment, establishments, *by]
    repeated = sorted({c for c in roles if roles.count(c) > 1})
    if repeated:
        raise InvalidInputError(
            f"{who}: region, sector, employment, establishments and by must name different "
            f"columns; got {', '.join(map(repr, repeated))} more than once"
        )
