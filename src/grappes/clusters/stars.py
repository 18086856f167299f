"""Cluster stars: the European Cluster Observatory's size, specialisation and focus ratings.

A regional cluster (a region x cluster category cell) earns one star for each sign of
"specialised critical mass" it shows: it is among the largest of its category, the region is
at least twice as specialised in it as the whole economy, and it weighs heavily in the
region's own employment. Later editions add a productivity (wage) star.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import ibis
import numpy as np
import pandas as pd

from grappes.engine import execute
from grappes.errors import InvalidInputError
from grappes.indicators import location_quotient
from grappes.indicators.inputs import TableLike, prepare

__all__ = [
    "FOCUS_TOP",
    "PRODUCTIVITY_TOP",
    "SIZE_TOP",
    "SPECIALISATION_MIN",
    "star_ratings",
]

#: Size star: the top 10% of a category's regional clusters by employment (ECO 2008-2011).
SIZE_TOP = 0.10
#: Specialisation star: a location quotient of 2 or more (ECO 2008-2011).
SPECIALISATION_MIN = 2.0
#: Focus star: the top 10% by the cluster's share of its region's employment (ECO 2008-2011).
FOCUS_TOP = 0.10
#: Productivity star: the top 10%, by analogy with size and focus (see ``star_ratings``).
PRODUCTIVITY_TOP = 0.10

# Products such as 0.29 * 100 = 28.999999999999996 must still admit rank 29.
_SLACK = 1e-9


def star_ratings(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    employment: str = "employment",
    by: Sequence[str] = (),
    size_top: float = SIZE_TOP,
    specialisation_min: float = SPECIALISATION_MIN,
    focus_top: float = FOCUS_TOP,
    productivity: str | None = None,
    productivity_top: float = PRODUCTIVITY_TOP,
) -> TableLike:
    """Return the table with the European Cluster Observatory's stars of every cell.

    Parameters
    ----------
    table
        Long table, one row per region x cluster category (x ``by``), pandas or Ibis. It
        should hold every category of the regions (or an ``other`` row), since a region's
        total employment, for the LQ and the focus, is the sum of its rows.
    region, sector, employment
        Names of the region code, category code and employment columns.
    by
        Further key columns to rate within, such as ``("year",)``.
    size_top
        Share of a category's regional clusters that earn the size star, the largest by
        employment first. Default 0.10 (ECO).
    specialisation_min
        Smallest location quotient that earns the specialisation star. Default 2 (ECO).
    focus_top
        Share of a category's regional clusters that earn the focus star, those whose
        category weighs most in their region's employment first. Default 0.10 (ECO).
    productivity
        Optional column of a productivity measure of the cell (average wage, value added per
        employee): the larger the better. With it the result has ``productivity_star``.
    productivity_top
        Share of a category's regional clusters that earn the productivity star, the most
        productive first. Default 0.10 (Grappes' choice, see Notes).

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Every column of ``table`` and ``location_quotient``, ``focus`` (the cell's share of
        its region's employment), the booleans ``size_star``, ``specialisation_star``,
        ``focus_star``, ``productivity_star`` (only when ``productivity`` is given) and
        ``stars`` (int64, how many are True). pandas in: pandas sorted by ``by``, region and
        category. Ibis in: the ranks are computed eagerly in pandas on the collected
        region x category table (small), returned as ``ibis.memtable``.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes; missing, non-finite or negative employment or productivity;
        duplicate keys; a share outside (0, 1]; a non-positive ``specialisation_min``; roles
        naming the same column; or a column of ``table`` that has an output name.

    Notes
    -----
    Only the cells with employment > 0 of a category (and ``by`` group) are rated; the
    others get no star. With :math:`n` such cells, a cell earns a "top :math:`p`" star when
    its rank (1 for the largest value; tied values share the best rank) is at most
    :math:`\\lfloor p n \\rfloor`: with 10 cells and :math:`p` = 0.10, one cell (or all the
    cells tied first); with fewer than 10 cells, none.

    - size: rank of :math:`E_{rs}` among the category's cells;
    - specialisation: :math:`LQ_{rs} = (E_{rs}/E_r)/(E_s/E) \\ge` ``specialisation_min``;
    - focus: rank of :math:`E_{rs}/E_r`;
    - productivity: rank of the ``productivity`` value.

    European Cluster Observatory (Center for Strategy and Competitiveness, Stockholm School
    of Economics), "Evaluation of regional cluster strength" (clusterobservatory.eu,
    2008-2011), and European Commission (2008), *Innovation Clusters in Europe: a
    statistical analysis and overview of current policy support*, Europe INNOVA / PRO INNO
    Europe paper 5: size = top 10% of the category's clusters in Europe by employees,
    specialisation = LQ ≥ 2, focus = top 10% by share of the region's employment. Ketels &
    Protsiv's later ECO editions (2013-2014) add performance dimensions such as wages;
    their exact thresholds differ between editions, so ``productivity_top`` defaults to the
    size and focus share. Some editions rate size by a share of the category's European
    employment instead of a rank: compute ``employment / total`` and compare it yourself.

    Examples
    --------
    >>> import pandas as pd
    >>> regions = [f"r{i:02d}" for i in range(10)]
    >>> t = pd.DataFrame({
    ...     "region": [r for r in regions for _ in range(2)],
    ...     "sector": ["x", "other"] * 10,
    ...     "employment": [v for i in range(10) for v in (10 * (i + 1), 100)],
    ... })
    >>> rated = star_ratings(t)
    >>> rated.loc[rated["sector"] == "x", "stars"].tolist()
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    """
    who = "star_ratings"
    by = tuple(by)
    _check_parameters(
        who,
        size_top=size_top,
        specialisation_min=specialisation_min,
        focus_top=focus_top,
        productivity_top=productivity_top,
    )
    roles = [region, sector, employment, *by, *([productivity] if productivity else [])]
    repeated = sorted({c for c in roles if roles.count(c) > 1})
    if repeated:
        raise InvalidInputError(
            f"{who}: region, sector, employment, by and productivity must name different "
            f"columns; got {', '.join(map(repr, repeated))} more than once"
        )
    values = (employment, productivity) if productivity else (employment,)
    prepared = prepare(table, who=who, codes=(region, sector), by=by, values=values)
    outputs = ["location_quotient", "focus", "size_star", "specialisation_star", "focus_star"]
    outputs += ["productivity_star"] if productivity else []
    outputs += ["stars"]
    clashes = [c for c in outputs if c in prepared.table.columns]
    if clashes:
        raise InvalidInputError(
            f"{who}: the table already has column(s) {', '.join(map(repr, clashes))}, which "
            "the result adds; rename or drop them first"
        )
    frame = table.copy() if isinstance(table, pd.DataFrame) else execute(prepared.table)
    keys = [region, sector, *by]
    quotients = location_quotient(
        frame[[*keys, employment]],
        region=region,
        sector=sector,
        value=employment,
        by=by,
        on_zero_total="nan",
    )
    assert isinstance(quotients, pd.DataFrame)  # pandas in gives pandas out
    frame = frame.merge(quotients, on=keys, how="left", validate="one_to_one")
    amount = frame[employment].astype("float64")
    region_total = amount.groupby([frame[c] for c in [region, *by]]).transform("sum")
    frame["focus"] = (amount / region_total).where(region_total > 0)
    positive = amount > 0
    category = [frame[c] for c in [sector, *by]]
    frame["size_star"] = _top(amount, positive, category, size_top)
    frame["specialisation_star"] = positive & (frame["location_quotient"] >= specialisation_min)
    frame["focus_star"] = _top(frame["focus"], positive, category, focus_top)
    stars = ["size_star", "specialisation_star", "focus_star"]
    if productivity:
        frame["productivity_star"] = _top(
            frame[productivity].astype("float64"), positive, category, productivity_top
        )
        stars.append("productivity_star")
    frame["stars"] = frame[stars].sum(axis=1).astype("int64")
    frame = frame.sort_values([*by, region, sector], kind="stable").reset_index(drop=True)
    if prepared.kind == "ibis":
        return ibis.memtable(frame)
    return frame


def _top(value: pd.Series, eligible: pd.Series, groups: list[pd.Series], share: float) -> pd.Series:
    """Whether each eligible cell ranks within the top ``share`` of its group's eligible cells."""
    candidates = value.where(eligible)
    rank = candidates.groupby(groups).rank(method="min", ascending=False)
    count = eligible.astype("int64").groupby(groups).transform("sum")
    allowed = np.floor(share * count.to_numpy(dtype="float64") + _SLACK)
    return pd.Series(eligible.to_numpy() & (rank.to_numpy() <= allowed), index=value.index)


def _check_parameters(
    who: str,
    *,
    size_top: float,
    specialisation_min: float,
    focus_top: float,
    productivity_top: float,
) -> None:
    for name, share in (
        ("size_top", size_top),
        ("focus_top", focus_top),
        ("productivity_top", productivity_top),
    ):
        if not (isinstance(share, int | float) and 0 < share <= 1):
            raise InvalidInputError(
                f"{who}: {name} must be a share in (0, 1], such as 0.10 for the top 10%; "
                f"got {share!r}"
            )
    if not (
        isinstance(specialisation_min, int | float)
        and math.isfinite(specialisation_min)
        and specialisation_min > 0
    ):
        raise InvalidInputError(
            f"{who}: specialisation_min must be a positive location quotient, such as 2.0; "
            f"got {specialisation_min!r}"
        )
