"""The Litzenberger–Sternberg cluster index: density, stock and plant size in one ratio.

It flags a region x sector as a cluster candidate when the sector is denser (per area and
per inhabitant) and made of smaller plants there than in the country. Also importable from
:mod:`grappes.indicators.agglomeration`, where it used to live.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import ibis.expr.types as ir

from grappes.indicators.expressions import attach, check_covers, grouped, raise_if_any, ratio
from grappes.indicators.inputs import TableLike, finish, prepare


def litzenberger_sternberg(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    employment: str = "employment",
    establishments: str = "establishments",
    area: str = "area",
    population: str = "population",
    regions: TableLike | None = None,
    by: Sequence[str] = (),
    on_zero_total: Literal["raise", "nan"] = "raise",
) -> TableLike:
    """Return the Litzenberger–Sternberg cluster index of every region x sector.

    Parameters
    ----------
    table
        Long table, one row per region x sector (x ``by``), with employment and number of
        establishments (pandas or Ibis).
    region, sector, employment, establishments
        Names of the region code, sector code, employment and establishments columns.
    area, population
        Names of the columns holding each region's area and population: in ``regions`` when
        it is given, otherwise in ``table`` itself (then repeated, equal, on every row of a
        region).
    regions
        Optional table of regions, one row per region (x ``by``), with ``area`` and
        ``population``. The country's area and population are its sums, so it may list
        regions absent from ``table``; every region of ``table`` must be in it.
    by
        Further key columns to compute within, such as ``("year",)``.
    on_zero_total
        What to do when a sector has no employment or no establishment in the whole table,
        which leaves its index undefined: ``"raise"`` (default) or ``"nan"``.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``region``, ``sector``, the ``by`` keys and ``cluster_index``. Same kind as
        ``table``.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes; missing, non-finite or negative values; area or population not
        positive; a region whose area or population differs between rows; a region missing
        from ``regions``; duplicate keys; a zero sector total under
        ``on_zero_total="raise"``.

    Notes
    -----
    .. math::

        CI_{ij} = \\frac{(e_{ij}/a_j)/(e_i/a) \\cdot (e_{ij}/p_j)/(e_i/p)}
                        {(e_{ij}/b_{ij})/(e_i/b_i)}
                = \\frac{e_{ij}\\, b_{ij}}{e_i\\, b_i} \\cdot \\frac{a}{a_j}
                  \\cdot \\frac{p}{p_j}

    with :math:`e` employment, :math:`b` establishments, :math:`a` area and :math:`p`
    population, of sector *i* in region *j* or in the country. Industrial density times
    industrial stock, divided by relative plant size. The second form, used here, is 0 when
    the sector has no employment or no establishment in the region (the first is then 0/0).
    Litzenberger & Sternberg (2006), "Der Clusterindex — eine Methodik zur Identifizierung
    regionaler Cluster am Beispiel deutscher Industriebranchen", *Geographische Zeitschrift*
    94(4), 209–224. REAT 3.0.3's ``litzenberger()`` computes the same ratio from scalars.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": ["a", "b"], "sector": ["x", "x"],
    ...                   "employment": [30.0, 10.0], "establishments": [3.0, 2.0],
    ...                   "area": [10.0, 30.0], "population": [100.0, 100.0]})
    >>> litzenberger_sternberg(t)["cluster_index"].round(4).tolist()
    [3.6, 0.2667]
    """
    who = "litzenberger_sternberg"
    by = tuple(by)
    values = (employment, establishments)
    if regions is None:
        prepared = prepare(
            table,
            who=who,
            codes=(region, sector),
            by=by,
            values=(*values, area, population),
        )
        places = _regions_from_rows(
            prepared.table, who=who, region=region, by=by, area=area, population=population
        )
    else:
        prepared = prepare(table, who=who, codes=(region, sector), by=by, values=values)
        places = prepare(
            regions,
            who=f"{who} (regions)",
            codes=(region,),
            by=by,
            values=(area, population),
            allow_zero=False,
        ).table.select(region, *by, area, population)
        check_covers(prepared.table, places, who=who, keys=[region, *by], what="regions")
    t = prepared.table
    country = grouped(places, by).aggregate(_a=places[area].sum(), _p=places[population].sum())
    sector_totals = t.group_by([sector, *by]).aggregate(
        _e_i=t[employment].sum(), _b_i=t[establishments].sum()
    )
    if on_zero_total == "raise":
        zero = sector_totals.filter((sector_totals._e_i == 0) | (sector_totals._b_i == 0))
        raise_if_any(
            zero,
            keys=[sector, *by],
            message=f"{who}: every sector must have employment and establishments in the "
            "table; got a total of 0 for {row}. Drop it, or pass on_zero_total='nan'.",
        )
    joined = t.join(places, [region, *by]).join(sector_totals, [sector, *by])
    joined = attach(joined, country, by)
    share = ratio(joined[employment] * joined[establishments], joined._e_i * joined._b_i)
    result = joined.select(
        region,
        sector,
        *by,
        cluster_index=share
        * (joined._a.cast("float64") / joined[area])
        * (joined._p.cast("float64") / joined[population]),
    )
    return finish(result, prepared, order_by=[*by, region, sector])


def _regions_from_rows(
    table: ir.Table, *, who: str, region: str, by: tuple[str, ...], area: str, population: str
) -> ir.Table:
    places = table.group_by([region, *by]).aggregate(
        **{area: table[area].min(), population: table[population].min()},
        _area_max=table[area].max(),
        _population_max=table[population].max(),
    )
    uneven = places.filter(
        (places[area] != places._area_max) | (places[population] != places._population_max)
    )
    raise_if_any(
        uneven,
        keys=[region, *by],
        message=f"{who}: columns {area!r} and {population!r} must be the same on every row "
        "of a region; they differ for {row}. Pass them as a separate regions= table.",
    )
    places = places.select(region, *by, area, population)
    prepare(places, who=who, codes=(region,), by=by, values=(area, population), allow_zero=False)
    return places


__all__ = ["litzenberger_sternberg"]
