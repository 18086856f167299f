"""Gini coefficients: the locational Gini of a region x sector table and the Gini of a column.

Both are double sums over pairs of units, computed here in :math:`n \\log n` from the units
sorted (the Lorenz-curve form). Sorting needs window functions, which Ibis 12's Polars
backend lacks, so the inputs are validated on the caller's engine and the small table of
units is then collected and summed with numpy, as :mod:`grappes.indicators.complexity` does
for its eigenvectors. ``tests/indicators/test_gini_coefficients.py`` checks every result against the
pairwise sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, TypeAlias

import ibis
import numpy as np

from grappes.engine import columns, memtable
from grappes.errors import InvalidInputError
from grappes.indicators.inputs import Prepared, TableLike, describe_row, prepare

if TYPE_CHECKING:
    from ibis.expr.schema import Schema

#: A small table as numpy arrays by column name: what comes back from the engine.
Columns: TypeAlias = dict[str, np.ndarray]


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
        ``locational_gini``; a pandas table sorted by its keys for pandas input, an
        ``ibis.memtable`` for Ibis input.

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
    diagonal, which equals the pairwise sum

    .. math:: G^{K}_s = \\frac{1}{4} \\sum_{r} \\sum_{r'} \\left| s_r x_{r'} - s_{r'} x_r \\right|
              = \\frac{1}{2} \\sum_{i} \\left( s_i X_{i-1} - x_i S_{i-1} \\right)

    (half the Gini coefficient of the location quotients weighted by :math:`x_r`), with the
    regions sorted by :math:`q_r = s_r / x_r` and :math:`X`, :math:`S` the running sums of
    :math:`x` and :math:`s` before region :math:`i`. With ``convention="reat_lq"``, over the
    :math:`n` regions,

    .. math:: G^{LQ}_s = \\frac{\\sum_r \\sum_{r'} |q_r - q_{r'}|}{2 n \\sum_r q_r}.

    Krugman (1991), *Geography and Trade*, MIT Press, appendix D; Audretsch & Feldman (1996),
    "R&D spillovers and the geography of innovation and production", *American Economic
    Review* 86(3).

    The sorted form is computed with numpy on the region x sector table (at most one row
    per region x sector, never more than the input itself): Ibis' Polars backend has no
    window functions, and the pairwise sum would cost regions² rows per sector (180 million
    for Morocco's 1,490 communes x 81 divisions). For Ibis input, the validation runs on
    the caller's engine, the table is then collected and the result is an
    ``ibis.memtable``.

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
    unit, part = (sector, region) if kind == "concentration" else (region, sector)
    positive: dict[str, list[str]] = {}
    if on_zero_total == "raise":
        positive[unit] = [unit, *by]
        if convention == "reat_lq":
            positive[part] = [part, *by]
    prepared = prepare(
        table,
        who=who,
        codes=(region, sector),
        by=by,
        values=(value,),
        positive_totals=positive,
    )
    t = prepared.table
    cells = columns(t.select(*by, unit, part, _v=t[value].cast("float64")))
    result = _locational(cells, unit=unit, part=part, by=list(by), convention=convention)
    schema = ibis.schema({**{k: t[k].type() for k in (unit, *by)}, "locational_gini": "float64"})
    return _give_back(result, prepared, order_by=[*by, unit], schema=schema)


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
        Columns the ``by`` keys and ``gini``; a pandas table sorted by its keys for pandas
        input, an ``ibis.memtable`` for Ibis input.

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
    Gini (1912), *Variabilità e mutabilità*.

    The double sum is computed from the units sorted by :math:`x` (running sums of
    :math:`w` and :math:`w x`, :math:`n \\log n`) with numpy: the ``by`` keys, ``value`` and
    ``weight`` columns are collected (one row per unit), after validation on the caller's
    engine. For Ibis input the result is an ``ibis.memtable``.

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
    units = columns(t.select(*by, _x=t[value].cast("float64"), _w=w))
    result = _gini(units, by=list(by), maximum=normalisation == "maximum")
    undefined = result.pop("_undefined")
    if on_zero_total == "raise" and undefined.any():
        first = int(np.flatnonzero(undefined)[0])
        where = describe_row({key: result[key][first] for key in by}, list(by)) if by else ""
        raise InvalidInputError(
            f"{who}: the total of {value!r} (weighted) is 0, which leaves the Gini undefined"
            f"{f' for {where}' if where else ''}. Pass on_zero_total='nan' to get NaN."
        )
    schema = ibis.schema({**{k: t[k].type() for k in by}, "gini": "float64"})
    return _give_back(result, prepared, order_by=list(by) or ["gini"], schema=schema)


def _give_back(
    result: Columns, prepared: Prepared, *, order_by: list[str], schema: Schema
) -> TableLike:
    """pandas sorted by its keys for pandas input; an in-memory table for Ibis input."""
    if prepared.kind == "ibis":
        return memtable(result, schema)
    import pandas as pd  # the input was pandas: already imported

    frame = pd.DataFrame({name: result[name] for name in schema.names})
    return frame.sort_values(order_by, kind="stable").reset_index(drop=True)


def _codes(table: Columns, keys: list[str], size: int) -> np.ndarray:
    """An integer code per distinct combination of ``keys`` (0 for every row without keys).

    Each column is numbered by a dictionary in order of first appearance (``np.unique``
    would sort the Python strings, several times slower), and the columns' numbers are
    combined as integers. ``dict.fromkeys`` and ``map`` keep both passes over the values
    in C: a Python-level loop took three times as long (0.017 s for 63,000 codes).
    """
    code = np.zeros(size, dtype=np.int64)
    for key in keys:
        values = table[key].tolist()
        numbers = {value: number for number, value in enumerate(dict.fromkeys(values))}
        part = np.fromiter(map(numbers.__getitem__, values), dtype=np.int64, count=size)
        code = code * max(len(numbers), 1) + part
    if len(keys) > 1:
        code = np.unique(code, return_inverse=True)[1].reshape(-1).astype(np.int64)
    return code


def _locational(
    cells: Columns,
    *,
    unit: str,
    part: str,
    by: list[str],
    convention: Literal["krugman", "reat_lq"],
) -> Columns:
    """The locational Gini of every unit of ``cells`` (``by``, ``unit``, ``part``, ``_v``).

    Within each ``by`` group the units and parts are those of the group; a unit x part with
    no row counts as zero, as in the dense grid of the pairwise form.
    """
    v = np.asarray(cells["_v"], dtype=np.float64)
    group = _codes(cells, by, v.size)
    unit_id = _codes(cells, [*by, unit], v.size)
    part_id = _codes(cells, [*by, part], v.size)
    unit_total = np.bincount(unit_id, weights=v)
    part_total = np.bincount(part_id, weights=v)
    group_total = np.bincount(group, weights=v)
    n_units = unit_total.size
    u = unit_total[unit_id]
    p = part_total[part_id]
    g = group_total[group]
    if convention == "krugman":
        value = _krugman_gini(v, unit_id, n_units, u, p, g)
    else:
        parts_in_group = np.bincount(group[np.unique(part_id, return_index=True)[1]])
        empty_part = np.bincount(group, weights=(p == 0).astype(np.float64)) > 0
        value = _lq_gini(v, unit_id, n_units, u, p, g, parts_in_group[group], empty_part[group])
    first = np.unique(unit_id, return_index=True)[1]
    result = {key: cells[key][first] for key in [unit, *by]}
    result["locational_gini"] = value[unit_id[first]]
    return result


def _krugman_gini(
    v: np.ndarray, unit_id: np.ndarray, n_units: int, u: np.ndarray, p: np.ndarray, g: np.ndarray
) -> np.ndarray:
    """½ Σ_i x_i Σ_{j<i} x_j (q_i - q_j) over each unit's parts sorted by q = s/x.

    Parts where the unit has nothing come first in that order (q = 0) and add
    :math:`x_i q_i X_0` with :math:`X_0` their total weight; parts with no employment at
    all weigh nothing. The running sums are taken of :math:`q - c`, with :math:`c` the
    unit's smallest positive q, so that near-equal quotients do not cancel.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        unit_total = np.zeros(n_units)
        group_total = np.zeros(n_units)
        unit_total[unit_id] = u
        group_total[unit_id] = g
        held = v > 0
        ids, s, x, pp = unit_id[held], v[held] / u[held], p[held] / g[held], p[held]
        absent = (group_total - np.bincount(ids, weights=pp, minlength=n_units)) / group_total
        q = s / x
        order = np.lexsort((q, ids))
        ids, x, q = ids[order], x[order], q[order]
        starts = _starts(ids)
        shifted = q - q[starts[ids]]
        x_before = _before(x, ids, starts)
        xq_before = _before(x * shifted, ids, starts)
        terms = x * (q * absent[ids] + shifted * x_before - xq_before)
        value = np.bincount(ids, weights=terms, minlength=n_units) / 2
    return np.where((unit_total == 0) | (group_total == 0), np.nan, value)


def _lq_gini(
    v: np.ndarray,
    unit_id: np.ndarray,
    n_units: int,
    u: np.ndarray,
    p: np.ndarray,
    g: np.ndarray,
    n_parts: np.ndarray,
    empty_part: np.ndarray,
) -> np.ndarray:
    """Σ_r Σ_r' |q_r - q_r'| / (2 n Σ q) of each unit, from its q sorted (zeros first).

    Each positive :math:`q_i` differs from the :math:`z` zeros by :math:`q_i` and from the
    positive ones before it by :math:`q_i - q_j`, summed from the running sum of
    :math:`q - c` (:math:`c` the smallest positive q).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        unit_total = np.zeros(n_units)
        n = np.zeros(n_units)
        undefined = np.zeros(n_units, dtype=bool)
        unit_total[unit_id] = u
        n[unit_id] = n_parts
        undefined[unit_id] = empty_part | (g == 0)
        held = v > 0
        ids = unit_id[held]
        q = (v[held] / u[held]) / (p[held] / g[held])
        order = np.lexsort((q, ids))
        ids, q = ids[order], q[order]
        starts = _starts(ids)
        rank = np.arange(ids.size) - starts[ids]  # among the unit's positive q
        zeros = n - np.bincount(ids, minlength=n_units)
        shifted = q - q[starts[ids]]
        differences = q * zeros[ids] + shifted * rank - _before(shifted, ids, starts)
        spread = 2 * np.bincount(ids, weights=differences, minlength=n_units)
        level = np.bincount(ids, weights=q, minlength=n_units)
        value = spread / (2 * n * level)
    undefined = undefined | (unit_total == 0) | (level == 0)
    return np.where(undefined, np.nan, value)


def _starts(ids: np.ndarray) -> np.ndarray:
    """For sorted group ids, the position where each id's run starts (indexed by id)."""
    size = int(ids.max()) + 1 if ids.size else 0
    starts = np.zeros(size, dtype=np.int64)
    if ids.size:
        first = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        starts[ids[first]] = first
    return starts


def _before(values: np.ndarray, ids: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The sum of ``values`` before each position within its run of equal (sorted) ``ids``."""
    if not values.size:
        return values
    total = np.r_[0.0, np.cumsum(values)]
    return total[:-1] - total[starts[ids]]


def _gini(units: Columns, *, by: list[str], maximum: bool) -> Columns:
    """The (weighted) Gini of ``_x`` with weights ``_w`` within each ``by`` group."""
    x = np.asarray(units["_x"], dtype=np.float64)
    w = np.broadcast_to(np.asarray(units["_w"], dtype=np.float64), x.shape)
    group = _codes(units, by, x.size)
    n_groups = int(group.max()) + 1 if group.size else 0
    order = np.lexsort((x, group))
    ids, xs, ws = group[order], x[order], w[order]
    starts = _starts(ids)
    # Σ_i Σ_j w_i w_j |x_i - x_j| = 2 Σ_i w_i Σ_{j<i} w_j (x_i - x_j), sorted by x, from
    # running sums of w and w (x - c), c the group's smallest x (equal values give 0 exactly).
    shifted = xs - xs[starts[ids]]
    terms = ws * (shifted * _before(ws, ids, starts) - _before(ws * shifted, ids, starts))
    spread = 2 * np.bincount(ids, weights=terms, minlength=n_groups)
    total_w = np.bincount(group, weights=w, minlength=n_groups)
    total_wx = np.bincount(group, weights=w * x, minlength=n_groups)
    n = np.bincount(group, minlength=n_groups).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = 2 * total_w * total_wx
        value = np.where(denominator == 0, np.nan, spread / denominator)
        if maximum:
            value = np.where(n - 1 == 0, np.nan, value * n / (n - 1))
    first = np.unique(group, return_index=True)[1]
    result = {key: units[key][first] for key in by}
    result["gini"] = value[group[first]]
    result["_undefined"] = (denominator == 0)[group[first]]
    return result


__all__ = ["gini", "locational_gini"]
