"""Relatedness of sectors: revealed comparative advantage, proximity and relatedness density.

A region "has" a sector when its location quotient (Balassa's revealed comparative advantage,
RCA) reaches a threshold. Two sectors are close when regions that have one tend to have the
other (Hidalgo et al. 2007); a region's density around a sector is the share of the sector's
neighbours, weighted by proximity, that the region already has.

Every function here is one Ibis expression built from group-by and join forms, so it runs on
DuckDB, Polars and Spark alike. A region x sector pair absent from the table has no
employment and so no presence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import ibis
import ibis.expr.types as ir

from grappes.engine import records
from grappes.errors import InvalidInputError, check_choice
from grappes.indicators.expressions import attach, grouped
from grappes.indicators.inputs import TableLike, describe_row, finish, prepare
from grappes.indicators.specialisation import location_quotient_expression

__all__ = ["proximity", "rca", "relatedness_density"]

Diagonal = Literal["one", "zero", "omit"]
Scale = Literal["share", "percent"]
NoPresence = Literal["raise", "nan"]
ZeroTotal = Literal["raise", "nan"]


def rca(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    threshold: float = 1.0,
    on_zero_total: ZeroTotal = "raise",
) -> TableLike:
    """Return the revealed comparative advantage and presence of every region x sector.

    Parameters
    ----------
    table
        Long table, one row per region x sector (x ``by``): pandas or Ibis.
    region, sector, value
        Names of the region code, sector code and value (employment, establishments …)
        columns.
    by
        Further key columns to compute within, such as ``("year",)``.
    threshold
        The RCA at and above which the region has the sector (presence 1). Positive.
    on_zero_total
        What to do when a region or a sector has a total of zero, which leaves its RCA
        undefined: ``"raise"`` (default) or ``"nan"`` (RCA NaN and presence 0: a row with a
        zero total has no employment, so the region does not have the sector).

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``region``, ``sector``, the ``by`` keys, ``rca`` (float) and ``presence``
        (integer 0 or 1); a pandas table is sorted by its keys. Same kind as ``table``.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, missing, non-finite or negative values, duplicate keys, a
        threshold that is not a positive number, or a zero total under
        ``on_zero_total="raise"``.

    Notes
    -----
    .. math:: RCA_{rs} = \\frac{E_{rs} / E_r}{E_s / E}, \\qquad
              M_{rs} = [RCA_{rs} \\ge \\theta]

    Balassa (1965), "Trade liberalisation and 'revealed' comparative advantage",
    *The Manchester School* 33(2). The RCA is the location quotient (Isard 1960), computed by
    :func:`grappes.indicators.specialisation.location_quotient`. :math:`M_{rs} = [RCA \\ge 1]`
    is the presence of Hidalgo & Hausmann (2009) and of py-ecomplexity; the Stata
    ``ecomplexity`` command tests ``RCA > threshold`` (the two differ only on exact ties).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": ["a", "a", "b", "b"], "sector": ["x", "y", "x", "y"],
    ...                   "employment": [1.0, 3.0, 3.0, 1.0]})
    >>> rca(t)[["rca", "presence"]].to_dict("list")
    {'rca': [0.5, 1.5, 1.5, 0.5], 'presence': [0, 1, 1, 0]}
    """
    who = "rca"
    by = tuple(by)
    check_threshold(threshold, who=who)
    check_choice(who, "on_zero_total", on_zero_total, ZeroTotal)
    prepared = prepare(table, who=who, codes=(region, sector), by=by, values=(value,))
    result = presence(
        prepared.table,
        who=who,
        region=region,
        sector=sector,
        value=value,
        by=by,
        threshold=threshold,
        on_zero_total=on_zero_total,
    )
    return finish(result, prepared, order_by=[*by, region, sector])


def proximity(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    threshold: float = 1.0,
    diagonal: Diagonal = "one",
    on_no_presence: NoPresence = "raise",
) -> TableLike:
    """Return the proximity of every pair of sectors, from their co-occurrence in regions.

    Parameters
    ----------
    table
        Long table, one row per region x sector (x ``by``): pandas or Ibis.
    region, sector, value
        Names of the region code, sector code and value columns.
    by
        Further key columns to compute within, such as ``("year",)``.
    threshold
        The RCA at and above which a region has a sector (see :func:`rca`).
    diagonal
        The proximity of a sector to itself: ``"one"`` (default: what the formula gives,
        :math:`P(a \\mid a) = 1`; py-ecomplexity 0.5.3's proximity matrix), ``"zero"``
        (the Stata ``ecomplexity`` command's matrix, which subtracts the identity) or
        ``"omit"`` (no row for a sector with itself).
    on_no_presence
        What to do with a sector that no region has (possible with a threshold above 1),
        whose proximities are undefined: ``"raise"`` (default) or ``"nan"``.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``sector_a``, ``sector_b`` (named after ``sector``: ``{sector}_a``,
        ``{sector}_b``), the ``by`` keys and ``proximity`` in [0, 1], for every ordered pair
        of sectors of the table (the matrix is symmetric); a pandas table is sorted by its
        keys. Same kind as ``table``.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, missing, non-finite or negative values, duplicate keys, a bad
        option or threshold, a zero total, or a sector no region has under
        ``on_no_presence="raise"``.

    Notes
    -----
    .. math:: \\varphi_{ab} = \\min\\{P(a \\mid b), P(b \\mid a)\\}
              = \\frac{\\sum_r M_{ra} M_{rb}}{\\max(k_a, k_b)}, \\qquad k_a = \\sum_r M_{ra}

    with :math:`M_{ra}` the presence of :func:`rca`. Hidalgo, Klinger, Barabási & Hausmann
    (2007), "The product space conditions the development of nations", *Science*
    317(5837). Same numbers as py-ecomplexity's ``proximity`` (``diagonal="one"``) and as the
    Stata ``ecomplexity`` command's ``proximity`` matrix (``diagonal="zero"``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": ["a", "a", "b", "c"], "sector": ["x", "y", "x", "y"],
    ...                   "employment": [1.0, 1.0, 1.0, 1.0]})
    >>> proximity(t, threshold=0.5, diagonal="omit")["proximity"].tolist()
    [0.5, 0.5]
    """
    who = "proximity"
    by = tuple(by)
    check_threshold(threshold, who=who)
    check_choice(who, "diagonal", diagonal, Diagonal)
    check_choice(who, "on_no_presence", on_no_presence, NoPresence)
    prepared = prepare(table, who=who, codes=(region, sector), by=by, values=(value,))
    present = presence(
        prepared.table,
        who=who,
        region=region,
        sector=sector,
        value=value,
        by=by,
        threshold=threshold,
        on_zero_total="nan",
    )
    if on_no_presence == "raise":
        _check_every_sector_present(present, who=who, sector=sector, by=by)
    result = _proximity(present, region=region, sector=sector, by=by, diagonal=diagonal)
    return finish(result, prepared, order_by=[*by, f"{sector}_a", f"{sector}_b"])


def relatedness_density(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    threshold: float = 1.0,
    scale: Scale = "share",
    diagonal: Diagonal = "zero",
    on_no_presence: NoPresence = "raise",
) -> TableLike:
    """Return the relatedness density of every region around every sector.

    Parameters
    ----------
    table
        Long table, one row per region x sector (x ``by``): pandas or Ibis.
    region, sector, value
        Names of the region code, sector code and value columns.
    by
        Further key columns to compute within, such as ``("year",)``.
    threshold
        The RCA at and above which a region has a sector (see :func:`rca`).
    scale
        ``"share"`` (default, in [0, 1], as Hidalgo et al. 2007 and both ``ecomplexity``
        implementations) or ``"percent"`` (x 100, as Boschma, Balland & Kogler 2015 and
        EconGeo's ``relatedness.density``).
    diagonal
        Whether a sector counts as its own neighbour: ``"zero"`` (default, the Stata
        ``ecomplexity`` command and the Atlas of Economic Complexity: the density around a
        sector comes from the *other* sectors, so it does not jump when the region already
        has the sector; ``"omit"`` gives the same numbers) or ``"one"`` (the sector is its own
        neighbour with proximity 1; reproduces py-ecomplexity 0.5.3).
    on_no_presence
        What to do with a sector whose density is undefined because its proximities sum to
        zero (no region has it, or, with ``diagonal="zero"``, the regions that have it have
        nothing else): ``"raise"`` (default) or ``"nan"``.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``region``, ``sector``, the ``by`` keys and ``density``, for every region x
        sector pair of the table (of each ``by`` group), including pairs absent from it; a
        pandas table is sorted by its keys. Same kind as ``table``.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, missing, non-finite or negative values, duplicate keys, a bad
        option or threshold, or an undefined density under ``on_no_presence="raise"``.

    Notes
    -----
    .. math:: \\omega_{rs} = \\frac{\\sum_k M_{rk}\\, \\varphi_{ks}}{\\sum_k \\varphi_{ks}}

    with :math:`\\varphi` the proximity of :func:`proximity` and the sums over every sector
    :math:`k` (``diagonal="one"``) or every :math:`k \\ne s` (``"zero"``, ``"omit"``).
    Hidalgo, Klinger, Barabási & Hausmann (2007), *Science* 317(5837); Hausmann, Hidalgo et
    al. (2014), *The Atlas of Economic Complexity*, MIT Press; x 100 in Boschma, Balland &
    Kogler (2015), *Industrial and Corporate Change* 24(1).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": ["a", "a", "b", "c"], "sector": ["x", "y", "x", "y"],
    ...                   "employment": [1.0, 1.0, 1.0, 1.0]})
    >>> relatedness_density(t, threshold=0.5)["density"].tolist()
    [1.0, 1.0, 0.0, 1.0, 1.0, 0.0]
    """
    who = "relatedness_density"
    by = tuple(by)
    check_threshold(threshold, who=who)
    check_choice(who, "scale", scale, Scale)
    check_choice(who, "diagonal", diagonal, Diagonal)
    check_choice(who, "on_no_presence", on_no_presence, NoPresence)
    prepared = prepare(table, who=who, codes=(region, sector), by=by, values=(value,))
    present = presence(
        prepared.table,
        who=who,
        region=region,
        sector=sector,
        value=value,
        by=by,
        threshold=threshold,
        on_zero_total="nan",
    )
    a, b = f"{sector}_a", f"{sector}_b"
    # With the diagonal at zero a sector adds nothing to its own sums: leaving it out is the same.
    phi = _proximity(
        present,
        region=region,
        sector=sector,
        by=by,
        diagonal="one" if diagonal == "one" else "omit",
    )
    totals = phi.group_by([*by, b]).aggregate(_total=phi.proximity.sum())
    if on_no_presence == "raise":
        _check_density_defined(
            present, who=who, region=region, sector=sector, by=by, diagonal=diagonal
        )
    held = present.filter(present.presence == 1).select(*by, region, **{a: present[sector]})
    weighted = held.join(phi, [*by, a])
    numerators = weighted.group_by([*by, region, b]).aggregate(_sum=weighted.proximity.sum())
    regions = present.select(*by, region).distinct()
    sectors = totals.select(*by, b)
    pairs = regions.join(sectors, list(by)) if by else regions.cross_join(sectors)
    joined = pairs.left_join(numerators, [*by, region, b]).join(totals, [*by, b])
    # No related sector held gives no numerator row: a true sum of zero, not a missing value.
    numerator = joined._sum.fill_null(0.0)
    factor = 100.0 if scale == "percent" else 1.0
    result = joined.select(
        region,
        **{sector: joined[b]},
        **{key: joined[key] for key in by},
        density=ratio(numerator, joined._total) * factor,
    )
    return finish(result, prepared, order_by=[*by, region, sector])


def presence(
    table: ir.Table,
    *,
    who: str,
    region: str,
    sector: str,
    value: str,
    by: tuple[str, ...],
    threshold: float,
    on_zero_total: ZeroTotal,
) -> ir.Table:
    """``region, sector, by…, rca, presence`` as an Ibis expression over a prepared table.

    Shared by the complexity indicators. Under ``on_zero_total="raise"`` a zero total raises
    with ``who`` in the message; under ``"nan"`` its rows get RCA NULL and presence 0.
    """
    # The table has been through prepare already: the LQ's own validation would repeat it.
    lq = location_quotient_expression(table, region=region, sector=sector, value=value, by=by)
    if on_zero_total == "raise":
        undefined = records(lq.filter(lq.location_quotient.isnull()).limit(1))
        if len(undefined):
            raise InvalidInputError(
                f"{who}: every region and every sector must have a positive total; got an "
                f"undefined RCA for {describe_row(undefined[0], [region, sector, *by])} "
                "(its region or its sector totals 0). Drop it, or pass on_zero_total='nan'."
            )
    held = (lq.location_quotient >= threshold).fill_null(False)
    return lq.select(
        region,
        sector,
        *by,
        rca=lq.location_quotient,
        presence=held.cast("int64"),
    )


def _proximity(
    present: ir.Table, *, region: str, sector: str, by: tuple[str, ...], diagonal: Diagonal
) -> ir.Table:
    a, b = f"{sector}_a", f"{sector}_b"
    held = present.filter(present.presence == 1).select(*by, region, sector)
    left = held.rename({a: sector})
    right = held.view().rename({b: sector})
    pairs_held = left.join(right, [*by, region])
    together = pairs_held.group_by([*by, a, b]).aggregate(_c=pairs_held.count())
    ubiquity = present.group_by([*by, sector]).aggregate(_k=present.presence.sum())
    ka = ubiquity.rename({a: sector, "_ka": "_k"})
    kb = ubiquity.view().rename({b: sector, "_kb": "_k"})
    all_pairs = ka.join(kb, list(by)) if by else ka.cross_join(kb)
    if diagonal == "omit":
        all_pairs = all_pairs.filter(all_pairs[a] != all_pairs[b])
    joined = all_pairs.left_join(together, [*by, a, b])
    # A pair no region holds together has no row in the self-join: a true count of zero.
    count = joined._c.fill_null(0)
    larger = ibis.greatest(joined._ka, joined._kb)
    phi = ibis.ifelse(
        ibis.least(joined._ka, joined._kb) == 0, ibis.null("float64"), ratio(count, larger)
    )
    if diagonal == "zero":
        phi = ibis.ifelse(joined[a] == joined[b], 0.0, phi)
    return joined.select(joined[a], joined[b], *[joined[key] for key in by], proximity=phi)


def ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """``numerator / denominator`` as a double, NULL where the denominator is zero."""
    zero = denominator == 0
    quotient = numerator.cast("float64") / denominator.cast("float64")
    return ibis.ifelse(zero, ibis.null("float64"), quotient)


def check_threshold(threshold: float, *, who: str) -> None:
    """Raise unless ``threshold`` is a positive finite number."""
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not math.isfinite(threshold)
        or threshold <= 0
    ):
        raise InvalidInputError(
            f"{who}: threshold must be a positive finite number; got {threshold!r}"
        )


def _check_every_sector_present(
    present: ir.Table, *, who: str, sector: str, by: tuple[str, ...]
) -> None:
    ubiquity = present.group_by([*by, sector]).aggregate(_k=present.presence.sum())
    absent = records(ubiquity.filter(ubiquity._k == 0).order_by([*by, sector]))
    if len(absent):
        shown = "; ".join(describe_row(row, [sector, *by]) for row in absent[:5])
        raise InvalidInputError(
            f"{who}: every sector must be present (RCA >= threshold) in at least one region; "
            f"got {len(absent)} sector(s) present nowhere ({shown}). Lower the threshold, drop "
            "them, or pass on_no_presence='nan'."
        )


def _check_density_defined(
    present: ir.Table,
    *,
    who: str,
    region: str,
    sector: str,
    by: tuple[str, ...],
    diagonal: Diagonal,
) -> None:
    """Raise when the proximities around a sector sum to 0 or to nothing.

    Read from the presence table rather than from the proximities, whose pair self-join
    the result computes anyway: with the sector itself left out (``diagonal="zero"`` or
    ``"omit"``), φ_ab > 0 for some other a exactly when a region has b and at least one
    other sector, so the sum is 0 or NULL exactly when no such region exists (a sector alone
    in its group has no pairs and no sum at all); with ``"one"``, φ_bb = 1 as soon as one
    region has b.
    """
    ubiquity = present.group_by([*by, sector]).aggregate(_k=present.presence.sum())
    if diagonal == "one":
        undefined = ubiquity.filter(ubiquity._k == 0)
    else:
        held = present.filter(present.presence == 1)
        sizes = held.group_by([*by, region]).aggregate(_n=held.count())
        with_sizes = held.join(sizes, [*by, region])
        widest = with_sizes.group_by([*by, sector]).aggregate(_widest=with_sizes._n.max())
        groups = grouped(ubiquity, by).aggregate(_sectors=ubiquity.count())
        candidates = attach(ubiquity, groups, by).left_join(widest, [*by, sector])
        undefined = candidates.filter(
            (candidates._sectors >= 2) & (candidates._widest.fill_null(0) < 2)
        )
    found = records(undefined.select(*by, sector).order_by([*by, sector]))
    if len(found):
        shown = "; ".join(describe_row(row, [sector, *by]) for row in found[:5])
        why = (
            "no region has it"
            if diagonal == "one"
            else "no region has it, or the regions that have it have no other sector"
        )
        raise InvalidInputError(
            f"{who}: the density around a sector is undefined when its proximities sum to 0 "
            f"({why}); got {len(found)} such sector(s) ({shown}). Lower the threshold, drop "
            "them, or pass on_no_presence='nan'."
        )
