"""Agglomeration of sectors: how much more a sector clusters than its plants' sizes explain.

The Ellison–Glaeser and Maurel–Sédillot indices compare a sector's spread over regions with
the spread of all employment, and discount the concentration that a few large plants would
produce by chance; coagglomeration asks the same of a pair of sectors. The
Litzenberger–Sternberg cluster index, which combines density, stock and firm size in one
ratio, lives in :mod:`grappes.indicators.cluster_index` and is importable from here too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import ibis.expr.types as ir

from grappes.engine import execute, memtable, records
from grappes.errors import InvalidInputError
from grappes.indicators.cluster_index import litzenberger_sternberg
from grappes.indicators.expressions import check_covers, ratio
from grappes.indicators.inputs import Prepared, TableLike, describe_row, finish, prepare

Undefined = Literal["raise", "nan"]


def ellison_glaeser(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    plant: str | None = None,
    by: Sequence[str] = (),
    reference: TableLike | None = None,
    on_undefined: Undefined = "raise",
    squares: str | None = None,
    plants: str | None = None,
) -> TableLike:
    """Return the Ellison–Glaeser agglomeration index γ of every sector (x ``by`` group).

    Parameters
    ----------
    table
        Establishment-level table, one row per plant: its region, sector and employment
        (pandas or Ibis).
    region, sector, value
        Names of the region code, sector code and employment columns.
    plant
        Optional name of a plant identifier column (string codes). When given, each plant
        must appear once (per ``by`` group); without it every row is taken to be a plant.
    by
        Further key columns to compute within, such as ``("year",)``.
    reference
        Optional table of regional totals of employment in all sectors (columns ``region``,
        ``value`` and the ``by`` keys, same names as in ``table``), for when the table does
        not hold the whole economy. Regional totals are matched to regions **by their code**.
        Without it, the regions' totals over the table's sectors are used.
    on_undefined
        What to do when γ is undefined: a sector with no employment, a sector whose
        employment sits in a single plant (H = 1), or an economy whose employment sits in a
        single region (Σx² = 1). ``"raise"`` (default) or ``"nan"``.
    squares, plants
        Optional, together: names of columns holding, for each region x sector cell, the
        sum of its plants' squared employment (Σe²) and its number of plants. When given,
        ``table`` is the plants already aggregated into cells (one row per region x sector
        x ``by``, ``value`` the cell's employment; ``plant`` is then not allowed), so that a
        register aggregated once for several indicators is not read again. Gives the same
        γ, G, H and plants as the plant rows the cells were summed from.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``sector``, the ``by`` keys, ``gamma``, ``G`` (raw geographic
        concentration), ``H`` (plant Herfindahl) and ``plants`` (number of plants). Same kind
        as ``table``; a pandas table is sorted by its keys. For Ibis input with
        ``on_undefined="raise"``, the (one row per sector) result is computed once, checked,
        and returned as an ``ibis.memtable``, so that the establishment rows are not read
        again; with ``"nan"`` it is a lazy expression.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, missing, non-finite or negative employment, a plant listed
        twice, a region missing from ``reference``, or an undefined γ under
        ``on_undefined="raise"``.

    Notes
    -----
    .. math::

        G = \\sum_r (s_r - x_r)^2, \\quad H = \\sum_k z_k^2, \\quad
        \\gamma = \\frac{G - (1 - \\sum_r x_r^2) H}{(1 - \\sum_r x_r^2)(1 - H)}

    with :math:`s_r` region *r*'s share of the sector's employment, :math:`x_r` its share of
    all employment and :math:`z_k` plant *k*'s share of the sector's employment; the sums over
    *r* run over every region of the economy, including those where the sector is absent.
    Ellison & Glaeser (1997), "Geographic concentration in U.S. manufacturing industries: a
    dartboard approach", *Journal of Political Economy* 105(5), 889–927.

    REAT 3.0.3's ``ellison.a(E_ik, E_j, j)`` computes the same γ, G and H, but matches the
    regional totals ``E_j`` to regions by the order in which regions first appear in ``j``;
    Grappes matches them by region code, so the order of the rows never matters.

    Examples
    --------
    >>> import pandas as pd
    >>> plants = pd.DataFrame({"region": ["a", "a", "a", "b", "b", "c"],
    ...                        "sector": ["x", "x", "x", "y", "y", "y"],
    ...                        "employment": [10.0, 10.0, 10.0, 10.0, 10.0, 10.0]})
    >>> ellison_glaeser(plants)[["sector", "gamma"]].round(4).values.tolist()
    [['x', 0.4545], ['y', 0.4545]]
    """
    who = "ellison_glaeser"
    parts = _parts(
        table,
        who=who,
        region=region,
        sector=sector,
        value=value,
        plant=plant,
        by=tuple(by),
        reference=reference,
        aggregated=_aggregated(who, squares=squares, plants=plants, plant=plant),
    )
    s = parts.sectors
    one_minus_x2 = 1.0 - s._x2
    concentration = s._s_2x + s._x2
    columns = {
        "gamma": ratio(concentration - one_minus_x2 * s._h, one_minus_x2 * (1.0 - s._h)),
        "G": concentration,
        "H": s._h,
        "plants": s._plants,
    }
    return parts.finish(columns, who=who, on_undefined=on_undefined, need_plants=True)


def maurel_sedillot(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    plant: str | None = None,
    by: Sequence[str] = (),
    reference: TableLike | None = None,
    on_undefined: Undefined = "raise",
    squares: str | None = None,
    plants: str | None = None,
) -> TableLike:
    """Return the Maurel–Sédillot agglomeration index γ of every sector (x ``by`` group).

    Parameters
    ----------
    table
        Establishment-level table, one row per plant (pandas or Ibis).
    region, sector, value, plant, by, reference, on_undefined, squares, plants
        As for :func:`ellison_glaeser`.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``sector``, the ``by`` keys and ``gamma_ms``. Same kind as ``table``
        (an ``ibis.memtable`` for Ibis input with ``on_undefined="raise"``, as for
        :func:`ellison_glaeser`).

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        As for :func:`ellison_glaeser`.

    Notes
    -----
    .. math::

        G_{MS} = \\frac{\\sum_r s_r^2 - \\sum_r x_r^2}{1 - \\sum_r x_r^2}, \\quad
        \\gamma_{MS} = \\frac{G_{MS} - H}{1 - H}

    Maurel & Sédillot (1999), "A measure of the geographic concentration in French
    manufacturing industries", *Regional Science and Urban Economics* 29(5), 575–604.
    It equals Ellison and Glaeser's γ exactly when :math:`\\sum_r x_r (s_r - x_r) = 0`, for
    instance when every region has the same total employment.

    Examples
    --------
    >>> import pandas as pd
    >>> plants = pd.DataFrame({"region": ["a", "a", "a", "b", "b", "c"],
    ...                        "sector": ["x", "x", "x", "y", "y", "y"],
    ...                        "employment": [10.0, 10.0, 10.0, 10.0, 10.0, 10.0]})
    >>> maurel_sedillot(plants)["gamma_ms"].round(4).tolist()
    [1.0, -0.0909]
    """
    who = "maurel_sedillot"
    parts = _parts(
        table,
        who=who,
        region=region,
        sector=sector,
        value=value,
        plant=plant,
        by=tuple(by),
        reference=reference,
        aggregated=_aggregated(who, squares=squares, plants=plants, plant=plant),
    )
    s = parts.sectors
    g_ms = ratio(s._s2 - s._x2, 1.0 - s._x2)
    columns = {"gamma_ms": ratio(g_ms - s._h, 1.0 - s._h)}
    return parts.finish(columns, who=who, on_undefined=on_undefined, need_plants=True)


def coagglomeration(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    sectors: Sequence[str] | None = None,
    by: Sequence[str] = (),
    reference: TableLike | None = None,
    on_undefined: Undefined = "raise",
) -> TableLike:
    """Return the coagglomeration index γᶜ of every pair of sectors (x ``by`` group).

    Parameters
    ----------
    table
        Table of employment by region and sector: one row per plant, or already summed by
        region x sector (pandas or Ibis).
    region, sector, value
        Names of the region code, sector code and employment columns.
    sectors
        Optional list of sector codes to pair (at least two, each present in the table).
        The regions' shares of all employment still come from the whole table (or
        ``reference``). Default: every sector of the table.
    by
        Further key columns to compute within, such as ``("year",)``.
    reference
        Optional table of regional totals of employment in all sectors (columns ``region``,
        ``value`` and the ``by`` keys), matched to regions by their code.
    on_undefined
        What to do when γᶜ is undefined (a sector with no employment, or all employment in
        one region): ``"raise"`` (default) or ``"nan"``.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``sector_a``, ``sector_b`` (each unordered pair once, ``sector_a <
        sector_b``), the ``by`` keys and ``coagglomeration``. Same kind as ``table``.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, missing, non-finite or negative employment, a region missing
        from ``reference``, fewer than two sectors or a sector not in the table, or an
        undefined index under ``on_undefined="raise"``.

    Notes
    -----
    .. math::

        \\gamma^c_{ab} = \\frac{\\sum_r (s_{ra} - x_r)(s_{rb} - x_r)}{1 - \\sum_r x_r^2}

    with :math:`s_{ra}` region *r*'s share of sector *a*'s employment and :math:`x_r` its
    share of all employment, summed over every region. This is the form without plant
    Herfindahl terms used by Ellison, Glaeser & Kerr (2010), "What causes industry
    agglomeration? Evidence from coagglomeration patterns", *American Economic Review*
    100(3), 1195–1213, simplifying Ellison & Glaeser (1997), eq. (11).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": ["a", "a", "b", "b"], "sector": ["x", "y", "x", "y"],
    ...                   "employment": [3.0, 3.0, 1.0, 1.0]})
    >>> coagglomeration(t)["coagglomeration"].tolist()
    [0.0]
    """
    who = "coagglomeration"
    by = tuple(by)
    parts = _parts(
        table,
        who=who,
        region=region,
        sector=sector,
        value=value,
        plant=None,
        by=by,
        reference=reference,
    )
    if on_undefined == "raise":
        parts.check_defined(who=who, need_plants=False)
    chosen = parts.sectors
    if sectors is not None:
        wanted = _check_sectors(parts.prepared.table, sectors, who=who, sector=sector)
        chosen = chosen.filter(chosen[sector].isin(wanted))
    shares = parts.shares
    a_side = shares.select(_a=shares[sector], _r=shares[region], _sa=shares._s, **_keys(shares, by))
    b_side = shares.select(
        _b=shares[sector], _r_b=shares[region], _sb=shares._s, **_keys(shares, by, "_b")
    )
    # Equality joins, then a filter: Ibis' Polars backend joins on equalities only.
    common = a_side.join(b_side, [a_side._r == b_side._r_b, *_same(a_side, b_side, by)])
    common = common.filter(common._a < common._b)
    products = common.group_by(
        _pa=common._a, _pb=common._b, **_keys(common, by, "_p", source=_names(by))
    ).aggregate(_p=(common._sa * common._sb).sum())
    first = chosen.select(_a=chosen[sector], _sx_a=chosen._sx, _x2=chosen._x2, **_keys(chosen, by))
    second = chosen.select(_b=chosen[sector], _sx_b=chosen._sx, **_keys(chosen, by, "_b"))
    pairs = first.join(second, _same(first, second, by)) if by else first.cross_join(second)
    pairs = pairs.filter(pairs._a < pairs._b).select(
        "_a", "_b", "_sx_a", "_sx_b", "_x2", *_names(by)
    )
    w = pairs.left_join(
        products,
        [
            pairs._a == products._pa,
            pairs._b == products._pb,
            *(pairs[a] == products[b] for a, b in zip(_names(by), _names(by, "_p"), strict=True)),
        ],
    )
    # Two sectors that share no region have Σ_r s_ra s_rb = 0: an empty sum, not a repair.
    numerator = w._p.fill_null(0.0) - w._sx_a - w._sx_b + w._x2
    result = w.select(
        sector_a=w._a,
        sector_b=w._b,
        **{key: w[name] for key, name in zip(by, _names(by), strict=True)},
        coagglomeration=ratio(numerator, 1.0 - w._x2),
    )
    return finish(result, parts.prepared, order_by=[*by, "sector_a", "sector_b"])


@dataclass(frozen=True)
class _Parts:
    """The pieces the agglomeration indices share, per sector (x ``by``).

    ``sectors`` has ``_e_s`` (employment), ``_plants``, ``_h`` (Σz² = Σe²/(Σe)²), ``_s2``
    (Σs²), ``_sx`` (Σ s x), ``_s_2x`` (Σ s(s − 2x)) and ``_x2`` (Σx² of the economy);
    ``_e`` (the economy's employment); ``shares`` has ``_s`` per region x sector. All of it
    comes from one aggregation of the rows into region x sector cells (Σe, Σe², count).
    """

    prepared: Prepared
    sectors: ir.Table
    shares: ir.Table
    region: str
    sector: str
    by: tuple[str, ...]

    def _undefined(self, s: ir.Table, *, need_plants: bool) -> ir.BooleanValue:
        undefined = (s._e == 0) | (s._x2 >= 1.0) | (s._e_s == 0)
        return undefined | (s._h >= 1.0) if need_plants else undefined

    def check_defined(self, *, who: str, need_plants: bool) -> None:
        """Raise on the first undefined index found (one query for every cause)."""
        s = self.sectors
        found = records(s.filter(self._undefined(s, need_plants=need_plants)).limit(1))
        if len(found):
            self._refuse(found[0], who=who)

    def finish(
        self,
        columns: dict[str, ir.Value],
        *,
        who: str,
        on_undefined: Undefined,
        need_plants: bool,
    ) -> TableLike:
        """``sector``, the ``by`` keys and ``columns`` (expressions over ``sectors``) in the
        caller's kind of table.

        Under ``on_undefined="raise"`` they are computed once together with the columns
        that say whether γ is defined, in the same projection, checked, and given back
        computed (pandas, or an ``ibis.memtable`` for Ibis input): checking first and
        computing after would read the establishment rows twice.
        """
        s = self.sectors
        keys = [self.sector, *self.by]
        result = s.select(*keys, **columns)
        order = [*self.by, self.sector]
        if on_undefined != "raise":
            return finish(result, self.prepared, order_by=order)
        checked = s.select(
            *keys,
            **columns,
            _undefined=self._undefined(s, need_plants=need_plants).fill_null(False),
            _e=s._e,
            _x2=s._x2,
            _e_s=s._e_s,
        )
        if self.prepared.kind == "ibis":
            found = records(checked)
            self._refuse_any(found, who=who)
            return memtable(
                {name: [row[name] for row in found] for name in result.columns}, result.schema()
            )
        frame = execute(checked)
        self._refuse_any(frame[frame["_undefined"]].to_dict("records"), who=who)
        frame = frame[list(result.columns)]
        return frame.sort_values(order, kind="stable").reset_index(drop=True)

    def _refuse_any(self, found: Sequence[Mapping[Any, Any]], *, who: str) -> None:
        undefined = [row for row in found if row["_undefined"]]
        if undefined:
            self._refuse(undefined[0], who=who)

    def _refuse(self, row: Mapping[str, Any], *, who: str) -> None:
        hint = "Drop it, or pass on_undefined='nan'."
        if row["_e"] == 0 or row["_x2"] >= 1.0:
            where = describe_row(row, list(self.by))
            raise InvalidInputError(
                f"{who}: the economy's employment must be spread over at least two regions; "
                f"it is 0 or in a single region{f' ({where})' if where else ''}. {hint}"
            )
        named = describe_row(row, [self.sector, *self.by])
        if row["_e_s"] == 0:
            raise InvalidInputError(
                f"{who}: every sector must have employment; got a total of 0 for {named}. {hint}"
            )
        raise InvalidInputError(
            f"{who}: γ is undefined when all of a sector's employment is in one plant (H = 1); "
            f"got it for {named}. {hint}"
        )


def _parts(
    table: TableLike,
    *,
    who: str,
    region: str,
    sector: str,
    value: str,
    plant: str | None,
    by: tuple[str, ...],
    reference: TableLike | None,
    aggregated: tuple[str, str] | None = None,
) -> _Parts:
    keys = list(by)
    if aggregated is not None:
        squares, plants = aggregated
        prepared = prepare(
            table, who=who, codes=(region, sector), by=by, values=(value, squares, plants)
        )
        t = prepared.table
        if not t[plants].type().is_integer():
            raise InvalidInputError(
                f"{who}: column {plants!r} must count plants as integers; got {t[plants].type()}"
            )
        cells = t.select(
            region, sector, *by, _e_rs=t[value], _e2=t[squares].cast("float64"), _n=t[plants]
        )
    else:
        codes = (region, sector) if plant is None else (region, sector, plant)
        prepared = prepare(table, who=who, codes=codes, by=by, values=(value,), unique=False)
        t = prepared.table
        if plant is not None:
            _check_plants_once(t, who=who, plant=plant, by=by)
        e = t[value].cast("float64")
        # The one pass over the rows: every sum below is of these region x sector cells.
        cells = t.group_by([region, sector, *by]).aggregate(
            _e_rs=t[value].sum(), _e2=(e * e).sum(), _n=t.count()
        )
    if reference is None:
        regional = cells.group_by([region, *by]).aggregate(_e_r=cells._e_rs.sum())
    else:
        ref = prepare(
            reference, who=f"{who} (reference)", codes=(region,), by=by, values=(value,)
        ).table
        check_covers(t, ref, who=who, keys=[region, *by], what="reference")
        regional = ref.group_by([region, *by]).aggregate(_e_r=ref[value].sum())
    economy = _aggregate(regional, keys, _e=regional._e_r.sum())
    with_x = _join(regional, economy, keys)
    x = with_x.select(region, *by, _x=ratio(with_x._e_r, with_x._e))
    totals = _join(economy, _aggregate(x, keys, _x2=(x._x * x._x).sum()), keys)
    sums_by_sector = cells.group_by([sector, *by]).aggregate(
        _e_s=cells._e_rs.sum(), _plants=cells._n.sum(), _sq=cells._e2.sum()
    )
    sector_totals = sums_by_sector.select(
        sector,
        *by,
        "_e_s",
        "_plants",
        # H = Σ_k (e_k / E_s)² = Σ e_k² / E_s²
        _h=ratio(sums_by_sector._sq, sums_by_sector._e_s.cast("float64") ** 2),
    )
    cells = cells.join(sector_totals, [sector, *by]).join(x, [region, *by])
    shares = cells.select(region, sector, *by, _s=ratio(cells._e_rs, cells._e_s), _x=cells._x)
    sums = shares.group_by([sector, *by]).aggregate(
        _s2=(shares._s * shares._s).sum(),
        _sx=(shares._s * shares._x).sum(),
        _s_2x=(shares._s * (shares._s - 2.0 * shares._x)).sum(),
    )
    sectors = sector_totals.join(sums, [sector, *by])
    sectors = _join(sectors, totals.select(*by, "_e", "_x2"), keys)
    return _Parts(prepared, sectors, shares, region, sector, by)


def _aggregated(
    who: str, *, squares: str | None, plants: str | None, plant: str | None
) -> tuple[str, str] | None:
    """The ``squares`` and ``plants`` columns of a table of cells, or None for plant rows."""
    if squares is None and plants is None:
        return None
    if squares is None or plants is None:
        raise InvalidInputError(
            f"{who}: squares and plants describe a table of region x sector cells and go "
            f"together; got squares={squares!r}, plants={plants!r}"
        )
    if plant is not None:
        raise InvalidInputError(
            f"{who}: plant={plant!r} names plant rows, but squares and plants say the table "
            "holds region x sector cells; give one or the other"
        )
    return squares, plants


def _check_plants_once(table: ir.Table, *, who: str, plant: str, by: tuple[str, ...]) -> None:
    keys = [plant, *by]
    counts = table.group_by(keys).aggregate(_rows=table.count())
    repeated = counts.filter(counts._rows > 1)
    found = records(repeated.limit(1))
    if len(found):
        raise InvalidInputError(
            f"{who}: each plant must appear once (one row per establishment); "
            f"got {describe_row(found[0], keys)} on {int(found[0]['_rows'])} rows"
        )


def _check_sectors(table: ir.Table, sectors: Sequence[str], *, who: str, sector: str) -> list[str]:
    wanted = list(dict.fromkeys(sectors))
    if len(wanted) < 2:
        raise InvalidInputError(
            f"{who}: sectors must name at least two different sectors; got {list(sectors)!r}"
        )
    present = {row[sector] for row in records(table.select(sector).distinct())}
    absent = [code for code in wanted if code not in present]
    if absent:
        raise InvalidInputError(
            f"{who}: sectors {absent!r} are not in the table's column {sector!r}"
        )
    return wanted


def _aggregate(table: ir.Table, keys: list[str], **metrics: ir.Value) -> ir.Table:
    return table.group_by(keys).aggregate(**metrics) if keys else table.aggregate(**metrics)


def _join(left: ir.Table, right: ir.Table, keys: list[str]) -> ir.Table:
    return left.join(right, keys) if keys else left.cross_join(right)


def _names(by: Sequence[str], suffix: str = "") -> list[str]:
    """Private names for the ``by`` keys during a self-join, so they cannot collide."""
    return [f"_by{i}{suffix}" for i in range(len(by))]


def _keys(
    table: ir.Table, by: Sequence[str], suffix: str = "", *, source: Sequence[str] | None = None
) -> dict[str, ir.Value]:
    """The ``by`` columns of ``table`` (or its ``source`` columns) under private names."""
    columns = by if source is None else source
    return {name: table[key] for name, key in zip(_names(by, suffix), columns, strict=True)}


def _same(left: ir.Table, right: ir.Table, by: Sequence[str]) -> list[ir.BooleanValue]:
    return [left[a] == right[b] for a, b in zip(_names(by), _names(by, "_b"), strict=True)]


__all__ = ["coagglomeration", "ellison_glaeser", "litzenberger_sternberg", "maurel_sedillot"]
