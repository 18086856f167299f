"""Lifecycle: the stage of each region x cluster, and its place in the LQ bubble chart.

Two readings of a cluster's trajectory over a window of years:

- the **stage** of Menzel & Fornahl (2010), emergence, growth, sustainment or decline, from
  how employment, establishments and the cluster's diversity changed;
- the **quadrant** of the cluster bubble chart (LQ level x LQ trend): star, mature,
  emerging or transforming.

Both need per-sector quantiles and the first and last year of each series, which SQL forms
cannot express portably: the input (pandas or Ibis) is validated on its engine, the panel
(one row per region x cluster x year, small) is collected, and the rule is applied in pandas.
The result is always a pandas table.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd

from grappes.engine import execute
from grappes.errors import InvalidInputError, MissingColumnsError
from grappes.indicators import location_quotient
from grappes.indicators.inputs import TableLike, prepare

Stage = Literal["emergence", "growth", "sustainment", "decline", "absent"]
Quadrant = Literal["star", "mature", "emerging", "transforming", "absent"]


@dataclass(frozen=True)
class LifecycleThresholds:
    """The thresholds of the lifecycle rule, with their defaults.

    Attributes
    ----------
    stable_growth
        Annual growth rate (fraction) below which, in absolute value, a cluster counts as
        stable: 0.01 (1 % a year). Employment in the EU grew by about 0.5–1 % a year over
        2000–2019 (Eurostat, LFS), so a cluster within ±1 % a year moves with the economy
        rather than ahead of or behind it.
    fast_growth
        Annual growth rate from which growth counts as fast, as emergence needs: 0.05 (5 % a
        year, a doubling in about 14 years), five times the stable band, so that only
        growth well clear of the economy's trend counts.
    small_quantile
        A cluster is small when its first-year employment is below this quantile of the
        same cluster's first-year employment across the panel's regions (linear
        interpolation, numpy's default): 0.5, below the median region. Menzel & Fornahl's
        emerging cluster has not yet reached critical mass; the median is the neutral
        cut-off, as in the quantile rules of the US Cluster Mapping Project.
    diversity_tolerance
        Change of diversity (last minus first year, in the diversity column's own units)
        that counts as rising (``> tolerance``) or falling (``< -tolerance``): 0.0, any
        change. Raise it for a noisy diversity measure.
    lq_level
        LQ that separates a region's strengths from the rest in the bubble chart: 1.0, the
        region holds the cluster's national share of employment.
    """

    stable_growth: float = 0.01
    fast_growth: float = 0.05
    small_quantile: float = 0.5
    diversity_tolerance: float = 0.0
    lq_level: float = 1.0


DEFAULT_THRESHOLDS = LifecycleThresholds()


def lifecycle(
    panel: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    year: str = "year",
    employment: str = "employment",
    establishments: str | None = "establishments",
    diversity: str | None = None,
    window: tuple[int, int] | None = None,
    thresholds: LifecycleThresholds = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """Return the lifecycle stage and bubble-chart quadrant of every region x cluster.

    Parameters
    ----------
    panel
        Long table, one row per region x cluster x year (pandas or Ibis). Every region x
        cluster must have a row for every year of the window. The clusters (in ``sector``)
        should cover the whole economy of each region, since the LQ is computed against the
        panel's own totals.
    region, sector, year
        Names of the region code, cluster (or sector) code and year columns.
    employment
        Employment column.
    establishments
        Establishments column, or ``None`` when the panel has none (then the rule runs on
        employment and diversity alone, and the establishment columns of the result are NaN).
    diversity
        Optional column of the cluster's diversity in each region and year: the
        heterogeneity of its firms or sub-sectors (for example the entropy of its employment
        across sub-sectors, :func:`grappes.indicators.entropy`, or the number of sub-sectors
        present). ``None`` (default): diversity takes no part in the rule.
    window
        ``(first_year, last_year)``, both in the panel. Default: the panel's first and last
        years.
    thresholds
        The rule's thresholds; see :class:`LifecycleThresholds` for the defaults and their
        rationale.

    Returns
    -------
    pandas.DataFrame
        One row per region x cluster, sorted by them: ``region``, ``sector``,
        ``first_year``, ``last_year``; ``employment_first``, ``employment_last``,
        ``employment_growth``; ``establishments_first``, ``establishments_last``,
        ``establishments_growth``; ``diversity_first``, ``diversity_last``,
        ``diversity_change``; ``small_cutoff`` (the cluster's first-year employment
        quantile) and ``small``; ``lq_first``, ``lq_last``, ``lq_change``; ``stage``,
        ``quadrant``; and the thresholds used (``stable_growth``, ``fast_growth``,
        ``small_quantile``, ``diversity_tolerance``, ``lq_level``).

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes; missing, non-finite or negative values; duplicate rows; a
        panel with a single year; a window whose years are not in the panel or not in
        order; a region x cluster missing a year of the window; a region whose employment
        sums to zero in the first or last year; thresholds out of range.

    Notes
    -----
    *Growth* is the compound annual rate between the window's first year :math:`t_0` and
    last year :math:`t_1`: :math:`g = (x_{t_1}/x_{t_0})^{1/(t_1-t_0)} - 1`; from zero to a
    positive value it is :math:`+\\infty` (a cluster born in the window). With
    :math:`s` = ``stable_growth``, :math:`f` = ``fast_growth`` and :math:`\\tau` =
    ``diversity_tolerance``, the stage is the first rule that holds:

    1. **absent**: no employment in the first nor the last year;
    2. **emergence**: small (first-year employment below the ``small_quantile`` of the
       cluster's first-year employment across regions), :math:`g_{emp} \\ge f`,
       :math:`g_{est} \\ge f` and diversity rising (:math:`\\Delta d > \\tau`);
    3. **growth**: :math:`g_{emp} \\ge s` and establishments not shrinking
       (:math:`g_{est} > -s`);
    4. **decline**: :math:`g_{emp} \\le -s`, establishments not growing
       (:math:`g_{est} < s`) and diversity not rising (:math:`\\Delta d \\le \\tau`);
    5. **sustainment**: everything else: stable employment, or mixed signals.

    A condition on establishments or diversity is dropped when that column is ``None``.
    The stages are Menzel & Fornahl's (2010), "Cluster life cycles—dimensions and
    rationales of cluster evolution", *Industrial and Corporate Change* 19(1), 205–238: an
    emerging cluster is small with few firms, grows fast and becomes more heterogeneous; a
    growing one adds firms and employment; in sustainment growth levels off and firms
    consolidate (employment up while establishments shrink is consolidation, hence
    sustainment, not growth); in decline employment and firms shrink and the cluster loses
    heterogeneity. A shrinking cluster that gains establishments or diversity is renewing
    itself (Menzel & Fornahl's transformation) and is left in sustainment rather than
    called declining. The operational thresholds are this implementation's, not the
    paper's, which defines the stages qualitatively.

    *Quadrant* (the cluster bubble chart of the US EDA's cluster analysis tools, built by
    the Indiana Business Research Center for StatsAmerica, "Innovation in American
    Regions", 2007): with :math:`LQ_1` the last-year LQ and :math:`\\Delta LQ = LQ_1 - LQ_0`,
    **star** when :math:`LQ_1 \\ge` ``lq_level`` and :math:`\\Delta LQ > 0` (strong and
    advancing), **mature** when :math:`LQ_1 \\ge` ``lq_level`` and :math:`\\Delta LQ \\le 0`
    (strong but declining), **emerging** when :math:`LQ_1 <` ``lq_level`` and
    :math:`\\Delta LQ > 0` (weak but advancing), **transforming** otherwise (weak and
    declining); **absent** with the stage. An unchanged LQ counts as not advancing.
    The LQs come from :func:`grappes.indicators.location_quotient` by year.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({
    ...     "region": ["a"] * 4 + ["b"] * 4,
    ...     "sector": ["x", "y"] * 4,
    ...     "year": [2010, 2010, 2015, 2015] * 2,
    ...     "employment": [100.0, 100, 150, 100, 100, 100, 100, 100]})
    >>> out = lifecycle(p, establishments=None)
    >>> out["stage"].tolist()
    ['growth', 'sustainment', 'sustainment', 'sustainment']
    >>> out["quadrant"].tolist()
    ['star', 'transforming', 'transforming', 'star']
    """
    who = "lifecycle"
    _check_thresholds(thresholds, who=who)
    values = [employment]
    if establishments is not None:
        values.append(establishments)
    optional = [] if diversity is None else [diversity]
    prepared = prepare(panel, who=who, codes=[region, sector], by=[year], values=values)
    if diversity is not None:
        columns = prepared.table.schema().names
        if diversity not in columns:
            raise MissingColumnsError(
                f"{who}: missing column {diversity!r} (diversity); the table has "
                f"{', '.join(map(repr, columns))}"
            )
    frame = execute(prepared.table.select(region, sector, year, *values, *optional))
    if diversity is not None:
        # Diversity may be negative (a standardised index) but must be a finite number.
        _check_finite(frame, who=who, column=diversity, keys=[region, sector, year])
    first, last = _window(frame, who=who, year=year, window=window)
    frame = frame[(frame[year] >= first) & (frame[year] <= last)]
    _check_complete(frame, who=who, region=region, sector=sector, year=year)
    ends = frame[frame[year].isin([first, last])]
    _check_region_totals(ends, who=who, region=region, year=year, employment=employment)
    lq = location_quotient(ends, region=region, sector=sector, value=employment, by=(year,))
    assert isinstance(lq, pd.DataFrame)
    ends = ends.merge(lq, on=[region, sector, year], how="left", validate="one_to_one")
    start = ends[ends[year] == first].set_index([region, sector]).sort_index()
    end = ends[ends[year] == last].set_index([region, sector]).sort_index()
    span = float(last - first)

    out = pd.DataFrame(index=start.index)
    out["first_year"] = first
    out["last_year"] = last
    out["employment_first"] = start[employment].astype(float)
    out["employment_last"] = end[employment].astype(float)
    out["employment_growth"] = _growth(out["employment_first"], out["employment_last"], span)
    if establishments is not None:
        out["establishments_first"] = start[establishments].astype(float)
        out["establishments_last"] = end[establishments].astype(float)
        out["establishments_growth"] = _growth(
            out["establishments_first"], out["establishments_last"], span
        )
    else:
        for column in ("establishments_first", "establishments_last", "establishments_growth"):
            out[column] = np.nan
    if diversity is not None:
        out["diversity_first"] = start[diversity].astype(float)
        out["diversity_last"] = end[diversity].astype(float)
        out["diversity_change"] = out["diversity_last"] - out["diversity_first"]
    else:
        for column in ("diversity_first", "diversity_last", "diversity_change"):
            out[column] = np.nan
    out["small_cutoff"] = out.groupby(level=sector)["employment_first"].transform(
        lambda column: float(np.quantile(column.to_numpy(), thresholds.small_quantile))
    )
    out["small"] = out["employment_first"] < out["small_cutoff"]
    out["lq_first"] = start["location_quotient"].astype(float)
    out["lq_last"] = end["location_quotient"].astype(float)
    out["lq_change"] = out["lq_last"] - out["lq_first"]
    out["stage"] = _stage(
        out,
        thresholds=thresholds,
        use_establishments=establishments is not None,
        use_diversity=diversity is not None,
    )
    out["quadrant"] = _quadrant(out, thresholds=thresholds)
    for name, number in asdict(thresholds).items():
        out[name] = float(number)
    out = out.reset_index()
    return out.sort_values([region, sector], kind="stable").reset_index(drop=True)


def _check_thresholds(thresholds: LifecycleThresholds, *, who: str) -> None:
    t = thresholds
    numbers = asdict(t)
    for name, number in numbers.items():
        if not isinstance(number, int | float) or not np.isfinite(number):
            raise InvalidInputError(
                f"{who}: threshold {name!r} must be a finite number; got {number!r}"
            )
    if t.stable_growth < 0 or t.fast_growth < t.stable_growth:
        raise InvalidInputError(
            f"{who}: thresholds need 0 <= stable_growth <= fast_growth; got "
            f"stable_growth={t.stable_growth!r}, fast_growth={t.fast_growth!r}"
        )
    if not 0.0 <= t.small_quantile <= 1.0:
        raise InvalidInputError(
            f"{who}: threshold 'small_quantile' must be in [0, 1]; got {t.small_quantile!r}"
        )
    if t.diversity_tolerance < 0 or t.lq_level < 0:
        raise InvalidInputError(
            f"{who}: thresholds 'diversity_tolerance' and 'lq_level' must be non-negative; "
            f"got {t.diversity_tolerance!r} and {t.lq_level!r}"
        )


def _check_finite(frame: pd.DataFrame, *, who: str, column: str, keys: list[str]) -> None:
    if not pd.api.types.is_numeric_dtype(frame[column]):
        raise InvalidInputError(
            f"{who}: column {column!r} must be numeric; got dtype {frame[column].dtype}"
        )
    bad = frame[~np.isfinite(frame[column].to_numpy(dtype=float))]
    if len(bad):
        row = bad.iloc[0]
        shown = ", ".join(f"{key}={row[key]!r}" for key in keys)
        raise InvalidInputError(
            f"{who}: column {column!r} must be a finite number; got {len(bad)} offending "
            f"row(s) (first: {shown})"
        )


def _window(
    frame: pd.DataFrame, *, who: str, year: str, window: tuple[int, int] | None
) -> tuple[int, int]:
    years = sorted(int(y) for y in frame[year].unique())
    if len(years) < 2:
        raise InvalidInputError(
            f"{who}: a trajectory needs at least two years; the panel has "
            f"{len(years)} ({', '.join(map(str, years))})"
        )
    if window is None:
        return years[0], years[-1]
    first, last = (int(y) for y in window)
    if first >= last:
        raise InvalidInputError(
            f"{who}: window must be (first_year, last_year) with first_year < last_year; "
            f"got {window!r}"
        )
    absent = [y for y in (first, last) if y not in years]
    if absent:
        raise InvalidInputError(
            f"{who}: window year(s) {', '.join(map(str, absent))} not in the panel, whose "
            f"years are {', '.join(map(str, years))}"
        )
    return first, last


def _check_complete(frame: pd.DataFrame, *, who: str, region: str, sector: str, year: str) -> None:
    years = np.sort(frame[year].unique())
    counts = frame.groupby([region, sector])[year].nunique()
    short = counts[counts < len(years)]
    if short.empty:
        return
    key = short.index[0]
    held = set(frame.loc[(frame[region] == key[0]) & (frame[sector] == key[1]), year])
    lacking = [int(y) for y in years if y not in held]
    raise InvalidInputError(
        f"{who}: every region x cluster needs a row for every year of the window "
        f"({', '.join(map(str, map(int, years)))}); {len(short)} have gaps (first: "
        f"{region}={key[0]!r}, {sector}={key[1]!r}, missing {', '.join(map(str, lacking))})"
    )


def _check_region_totals(
    ends: pd.DataFrame, *, who: str, region: str, year: str, employment: str
) -> None:
    totals = ends.groupby([region, year])[employment].sum()
    zero = totals[totals == 0]
    if len(zero):
        key = zero.index[0]
        raise InvalidInputError(
            f"{who}: column {employment!r} sums to zero for {region}={key[0]!r} in "
            f"{year}={int(key[1])}; its location quotients are undefined"
        )


def _growth(first: pd.Series, last: pd.Series, span: float) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = last.to_numpy() / first.to_numpy()
        rate = np.power(ratio, 1.0 / span) - 1.0
    # From zero to something is a birth (+inf); zero to zero has no rate.
    rate = np.where((first.to_numpy() == 0) & (last.to_numpy() > 0), np.inf, rate)
    return pd.Series(rate, index=first.index, dtype=float)


def _stage(
    out: pd.DataFrame,
    *,
    thresholds: LifecycleThresholds,
    use_establishments: bool,
    use_diversity: bool,
) -> pd.Series:
    s, f, tau = thresholds.stable_growth, thresholds.fast_growth, thresholds.diversity_tolerance
    g = out["employment_growth"]
    true = pd.Series(True, index=out.index)
    g_est = out["establishments_growth"]
    d = out["diversity_change"]
    est_fast = (g_est >= f) if use_establishments else true
    est_not_shrinking = (g_est > -s) if use_establishments else true
    est_not_growing = (g_est < s) if use_establishments else true
    div_rising = (d > tau) if use_diversity else true
    div_not_rising = (d <= tau) if use_diversity else true
    absent = (out["employment_first"] == 0) & (out["employment_last"] == 0)
    conditions = [
        absent,
        out["small"] & (g >= f) & est_fast & div_rising,
        (g >= s) & est_not_shrinking,
        (g <= -s) & est_not_growing & div_not_rising,
    ]
    choices = ["absent", "emergence", "growth", "decline"]
    stage = np.select([c.to_numpy(dtype=bool) for c in conditions], choices, default="sustainment")
    return pd.Series(stage, index=out.index, dtype=object)


def _quadrant(out: pd.DataFrame, *, thresholds: LifecycleThresholds) -> pd.Series:
    strong = (out["lq_last"] >= thresholds.lq_level).to_numpy()
    rising = (out["lq_change"] > 0).to_numpy()
    absent = (out["stage"] == "absent").to_numpy()
    quadrant = np.select(
        [absent, strong & rising, strong, rising],
        ["absent", "star", "mature", "emerging"],
        default="transforming",
    )
    return pd.Series(quadrant, index=out.index, dtype=object)
