"""Marcon–Puech M and its density version m: relative concentration around each point.

M(r) compares the share of the neighbour type among the points within distance r of each
reference point with that share in the whole territory. It is relative to all
establishments, so the uneven spread of economic activity as a whole is controlled for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from grappes.errors import InvalidInputError
from grappes.spatial import kernels
from grappes.spatial.distributed import check_executor, run_batches
from grappes.spatial.duranton_overman import _check_bandwidth, bw_nrd0, check_distances
from grappes.spatial.envelopes import (
    Envelope,
    band,
    check_simulation_arguments,
    global_p_value,
    pointwise_p_values,
    simulation_seeds,
)
from grappes.spatial.points import bounding_diameter, prepare_points, type_masks

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

Kind = Literal["M", "m"]
_CHUNK = 32
#: dbmss' default distances for M, as fractions (/800) of the window's diameter.
_M_DEFAULT_STEPS = np.concatenate(
    [
        [0.0],
        np.arange(1, 21),
        np.arange(22, 41, 2),
        np.arange(45, 101, 5),
        np.arange(110, 201, 10),
        np.arange(220, 401, 20),
    ]
).astype(np.float64)


@dataclass(frozen=True)
class MResult:
    """M (or m) of a sector, with its band when simulated.

    Attributes
    ----------
    curve
        One row per distance: ``distance``, ``m``; with simulations also ``lower``,
        ``upper`` and ``p_value`` (two-sided pointwise rank p-value).
    kind
        ``"M"`` (cumulative) or ``"m"`` (density).
    bandwidth
        Kernel bandwidth of m (None for M).
    p_value
        Global extreme-rank p-value (None without simulations).
    n_simulations, envelope, level, unit
        How the result was computed; ``unit`` is the distance unit.
    """

    curve: pd.DataFrame
    kind: Kind
    bandwidth: float | None
    p_value: float | None
    n_simulations: int
    envelope: Envelope
    level: float
    unit: str


def marcon_puech(
    points: pd.DataFrame,
    *,
    mark: str = "sector",
    reference: str,
    neighbor: str | None = None,
    weight: str | None = None,
    distances: np.ndarray | list[float] | None = None,
    n_simulations: int = 0,
    envelope: Envelope = "global",
    level: float = 0.95,
    seed: int | np.random.Generator | None = None,
    x: str = "x",
    y: str = "y",
    crs: str | None = None,
    kind: Kind = "M",
    bandwidth: float | Literal["silverman"] = "silverman",
    executor: str | SparkSession = "threads",
    progress: Callable[[int, int], None] | None = None,
) -> MResult:
    """Return Marcon–Puech's M(r) (or m(r) with ``kind="m"``) of a sector, with its band.

    Parameters
    ----------
    points
        One row per establishment: coordinates, type code (string) and optional weight.
    mark, reference, neighbor
        Type column, the reference type, and the neighbour type (``None``: the reference
        type, univariate M).
    weight
        Optional column of weights (employment); every point weighs 1 without it.
    distances
        Distances r (increasing, non-negative). Default for M: dbmss' 64 values from 0 to
        half the diagonal of the points' bounding box; for m: 256 values from 0 to a third
        of it.
    n_simulations, envelope, level, seed
        Counterfactuals (dbmss ``rRandomLocation``: types and weights permuted over all
        sites), the band kind and level, and the seed.
    x, y, crs
        Coordinate columns and their CRS (see :mod:`grappes.spatial.points`).
    kind
        ``"M"`` (cumulative, Marcon & Puech 2010) or ``"m"`` (density, Lang, Marcon &
        Puech 2020).
    bandwidth
        For m: ``"silverman"`` (``bw.nrd0`` of the reference × neighbour distances up to
        2·max(r), from the observed pattern and kept for the simulations) or a number.
    executor
        Where the simulations run: ``"threads"`` (this process, numba threads), a Spark master
        URL (``"local[N]"``, ``"local[*]"``, ``"spark://host:7077"``, ``"yarn"``,
        ``"k8s://…"``) or a running ``pyspark.sql.SparkSession``. Same result for the same
        seed whichever runs them (see :mod:`grappes.spatial.distributed`).
    progress
        Optional ``progress(done, total)`` callback for the simulations (called after each
        batch; on Spark, after each job of several batches).

    Returns
    -------
    MResult
        ``curve`` with columns ``distance``, ``m`` (and ``lower``, ``upper``, ``p_value``).

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For bad coordinates, types, weights, distances or simulation arguments (``executor``
        included).
    ConfigurationError
        When ``executor`` names Spark and PySpark is missing, or another Spark master already
        runs in this process.

    Notes
    -----
    As dbmss ``Mhat``: for each reference point *i*, with :math:`W` total weights and
    :math:`N_i(r)` the points *j ≠ i* with :math:`d_{ij} \\le r`,

    .. math::

        M(r) = \\frac{\\sum_i \\frac{\\sum_{j \\in N_i(r),\\, j \\in \\text{nb}} w_j}
                                 {\\sum_{j \\in N_i(r)} w_j}}
                    {\\sum_i \\frac{W_{\\text{nb}} - w_i [\\text{nb} = \\text{ref}]}{W - w_i}}

    where both sums run over the reference points that have at least one neighbour within
    r (the intra-type correction subtracts the point's own weight from the neighbour total
    when the types are the same). Marcon & Puech (2010), "Measures of the geographic
    concentration of industries: improving distance-based methods", *Journal of Economic
    Geography* 10(5), 745–762.

    m replaces the counts within r by Gaussian kernel sums at distance r (bandwidth h, no
    reflection): Lang, Marcon & Puech (2020), "Distance-based measures of spatial
    concentration: introducing a relative density function", *Annals of Regional Science*
    64, 243–265. dbmss evaluates those kernels with R's binned ``density``; Grappes sums
    them exactly (truncated at 8h), and leaves out points whose kernel sum is 0 at r, where
    dbmss would return NaN.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> pts = pd.DataFrame({"x": rng.uniform(0, 100, 300), "y": rng.uniform(0, 100, 300),
    ...                     "sector": rng.choice(["A", "B"], 300)})
    >>> res = marcon_puech(pts, reference="A", distances=[0, 10, 20])
    >>> res.curve.columns.tolist()
    ['distance', 'm']
    """
    who = "marcon_puech" if kind == "M" else "m"
    if kind not in ("M", "m"):
        raise InvalidInputError(f"{who}: kind must be 'M' or 'm'; got {kind!r}")
    pattern = prepare_points(points, who=who, x=x, y=y, mark=mark, weight=weight, crs=crs)
    is_ref, is_nb = type_masks(pattern, who=who, mark=mark, reference=reference, neighbor=neighbor)
    univariate = neighbor is None or neighbor == reference
    check_simulation_arguments(who=who, n_simulations=n_simulations, envelope=envelope, level=level)
    check_executor(executor, who=who)
    fixed_h = _check_bandwidth(bandwidth, who=who)
    diameter = bounding_diameter(pattern)
    if distances is None:
        if kind == "M":
            r = diameter * _M_DEFAULT_STEPS / 800.0
        else:
            r = np.linspace(0.0, diameter / 3.0, 256)
    else:
        r = check_distances(distances, who=who)
    if r[-1] <= 0:
        raise InvalidInputError(f"{who}: the largest distance must be positive; got {r[-1]}")
    if univariate and is_ref.sum() < 2:
        raise InvalidInputError(f"{who}: needs at least 2 points of type {reference!r}")
    if pattern.weights.sum() <= 0:
        raise InvalidInputError(f"{who}: the weights must not all be zero")

    h: float | None = None
    if kind == "m":
        h = fixed_h if fixed_h > 0 else _m_bandwidth(pattern.x, pattern.y, is_ref, is_nb, r)
        if not h > 0:
            raise InvalidInputError(
                f"{who}: fewer than 2 reference × neighbour pairs closer than "
                f"2 × max(distances); give larger distances"
            )
        cell = float(r[-1]) + kernels.KERNEL_REACH * h
    else:
        cell = float(r[-1])
    order, starts, x0, y0, side, ncx, ncy = kernels.build_grid(
        pattern.x, pattern.y, max(cell, 1e-12 * max(diameter, 1.0))
    )
    simulate = _MSimulations(
        pattern.x, pattern.y, pattern.weights, is_ref, is_nb, univariate, order, starts, x0,
        y0, side, ncx, ncy, r, kind == "m", h if h is not None else 0.0,
    )  # fmt: skip
    observed = simulate(np.array([-1], dtype=np.int64))[0]
    curve = pd.DataFrame({"distance": r, "m": observed})
    if n_simulations == 0:
        return MResult(curve, kind, h, None, 0, envelope, level, pattern.unit)
    seeds = simulation_seeds(seed, n_simulations)
    sims = run_batches(
        simulate, seeds, n_values=r.size, batch_size=_CHUNK, executor=executor, progress=progress
    )
    lower, upper = band(sims, level, envelope)
    curve = curve.assign(lower=lower, upper=upper, p_value=pointwise_p_values(observed, sims))
    return MResult(
        curve, kind, h, global_p_value(observed, sims), n_simulations, envelope, level,
        pattern.unit,
    )  # fmt: skip


def m(
    points: pd.DataFrame,
    *,
    mark: str = "sector",
    reference: str,
    neighbor: str | None = None,
    weight: str | None = None,
    distances: np.ndarray | list[float] | None = None,
    n_simulations: int = 0,
    envelope: Envelope = "global",
    level: float = 0.95,
    seed: int | np.random.Generator | None = None,
    x: str = "x",
    y: str = "y",
    crs: str | None = None,
    bandwidth: float | Literal["silverman"] = "silverman",
    executor: str | SparkSession = "threads",
    progress: Callable[[int, int], None] | None = None,
) -> MResult:
    """Return the density version m(r) of Marcon–Puech's M (Lang, Marcon & Puech 2020).

    Same as ``marcon_puech(..., kind="m")``; see :func:`marcon_puech` for the parameters,
    the formula and the differences with dbmss ``mhat``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> pts = pd.DataFrame({"x": rng.uniform(0, 100, 300), "y": rng.uniform(0, 100, 300),
    ...                     "sector": rng.choice(["A", "B"], 300)})
    >>> m(pts, reference="A", distances=[5, 10, 20]).kind
    'm'
    """
    return marcon_puech(
        points, mark=mark, reference=reference, neighbor=neighbor, weight=weight,
        distances=distances, n_simulations=n_simulations, envelope=envelope, level=level,
        seed=seed, x=x, y=y, crs=crs, kind="m", bandwidth=bandwidth, executor=executor,
        progress=progress,
    )  # fmt: skip


@dataclass(frozen=True, eq=False)
class _MSimulations:
    # M (or m when density) of the patterns relabelled with each seed (a negative seed keeps
    # the observed labels): a picklable callable for grappes.spatial.distributed.
    x: np.ndarray
    y: np.ndarray
    w: np.ndarray
    is_ref: np.ndarray
    is_nb: np.ndarray
    univariate: bool
    order: np.ndarray
    starts: np.ndarray
    x0: float
    y0: float
    side: float
    ncx: int
    ncy: int
    r: np.ndarray
    density: bool
    h: float

    def __call__(self, seeds: np.ndarray) -> np.ndarray:
        out = np.empty((seeds.size, self.r.size))
        kernels.m_simulations(
            self.x, self.y, self.w, self.is_ref, self.is_nb, self.univariate, self.order,
            self.starts, self.x0, self.y0, self.side, self.ncx, self.ncy, self.r, self.density,
            self.h, np.ascontiguousarray(seeds, dtype=np.int64), out,
        )  # fmt: skip
        return out


def _m_bandwidth(
    x: np.ndarray, y: np.ndarray, is_ref: np.ndarray, is_nb: np.ndarray, r: np.ndarray
) -> float:
    # dbmss mhat: bw.nrd0 of the reference × neighbour distances up to 2·max(r); the upper
    # triangle only when the types are the same (each pair once).
    from scipy.spatial.distance import cdist, pdist

    rmax = float(r[-1])
    ref = np.column_stack([x[is_ref], y[is_ref]])
    same = bool((is_ref == is_nb).all())
    nb = ref if same else np.column_stack([x[is_nb], y[is_nb]])
    pairs = ref.shape[0] * (ref.shape[0] - 1) // 2 if same else ref.shape[0] * nb.shape[0]
    if pairs <= 5_000_000:
        d = pdist(ref) if same else cdist(ref, nb).ravel()
        return bw_nrd0(d[d <= 2 * rmax])
    nbins = 65_536
    delta = 2 * rmax / nbins
    hist = np.zeros(nbins + 1)
    empty = np.empty(0)
    kernels._pair_histogram(
        ref[:, 0].copy(), ref[:, 1].copy(), np.ones(ref.shape[0]),
        empty if same else nb[:, 0].copy(), empty if same else nb[:, 1].copy(),
        empty if same else np.ones(nb.shape[0]), same, False, delta, nbins, hist, hist,
    )  # fmt: skip
    return float(kernels.silverman_from_histogram(hist, delta, nbins))
