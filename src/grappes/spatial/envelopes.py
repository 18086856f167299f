"""Confidence envelopes from simulated curves: local and global bands, rank p-values.

Simulated curves are a matrix ``sims`` of shape (simulations, distances); the observed curve
is a vector over the same distances.

- **Local band** at level ``1 − α``: at each distance, the ``α/2`` and ``1 − α/2`` quantiles
  of the simulated values (numpy's default linear interpolation).
- **Global band** (Duranton & Overman 2005, section 4.2): the same local order statistics at
  every distance, the ``k``-th smallest and the ``k``-th largest, with ``k`` chosen as large
  as possible while the share of simulations that reach or leave the band *somewhere*
  stays at most ``α`` (a simulation on the band stands for a new curve just outside it).
  That is a simulation whose extreme rank (Myllymäki et al. 2017, "Global envelope tests
  for spatial processes", JRSS-B 79(2)) is at most ``k``; the band is the extreme-rank
  envelope. With few simulations and many distances even ``k = 1`` (the simulations'
  minimum and maximum) may exceed ``α``; the band is then the min–max envelope.
- **Pointwise p-value** (two-sided, rank-based): ``min(1, 2·min(1 + #{sim ≥ obs},
  1 + #{sim ≤ obs}) / (n + 1))``.
- **Global p-value**: the extreme-rank-length test (Myllymäki et al. 2017): the share of
  the ``n + 1`` curves (observed and simulated) whose sorted pointwise ranks are
  lexicographically at most the observed curve's.

Distances where a curve is NaN (for instance M at a distance where no reference point has a
neighbour) are left out of the global criteria; their local band and p-value are NaN.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from grappes.errors import InvalidInputError

Envelope = Literal["global", "local"]


def simulation_seeds(seed: int | np.random.Generator | None, n: int) -> np.ndarray:
    """One int64 seed per simulation, drawn from ``seed`` (reproducible for a given seed)."""
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return rng.integers(0, 2**31 - 1, size=n, dtype=np.int64)


def check_simulation_arguments(
    *, who: str, n_simulations: int, envelope: str, level: float
) -> None:
    """Validate the shared simulation arguments."""
    if isinstance(n_simulations, bool) or not isinstance(n_simulations, int | np.integer):
        raise InvalidInputError(
            f"{who}: n_simulations must be an integer; got {type(n_simulations).__name__}"
        )
    if n_simulations < 0:
        raise InvalidInputError(f"{who}: n_simulations must be >= 0; got {n_simulations}")
    if envelope not in ("global", "local"):
        raise InvalidInputError(f"{who}: envelope must be 'global' or 'local'; got {envelope!r}")
    if not (isinstance(level, float | int) and 0 < level < 1):
        raise InvalidInputError(f"{who}: level must be in (0, 1); got {level!r}")
    if n_simulations > 0 and n_simulations * (1 - level) < 1:
        raise InvalidInputError(
            f"{who}: a {level:.0%} envelope needs at least {int(np.ceil(1 / (1 - level)))} "
            f"simulations; got n_simulations={n_simulations}"
        )


def local_band(sims: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise ``(1 − level)/2`` and ``(1 + level)/2`` quantiles of the simulations."""
    alpha = 1.0 - level
    ok = ~np.isnan(sims).any(axis=0)
    lower = np.full(sims.shape[1], np.nan)
    upper = np.full(sims.shape[1], np.nan)
    if ok.any():
        q = np.quantile(sims[:, ok], [alpha / 2, 1 - alpha / 2], axis=0)
        lower[ok], upper[ok] = q[0], q[1]
    return lower, upper


def _extreme_ranks(curves: np.ndarray) -> np.ndarray:
    # Extreme rank of each row among all rows: min over columns of min(#≤, #≥) (ties count
    # in the curve's favour, so tied curves are not called extreme).
    return _pointwise_ranks(curves).min(axis=1)


def _pointwise_ranks(curves: np.ndarray) -> np.ndarray:
    order = np.sort(curves, axis=0)
    low = np.empty_like(curves, dtype=np.int64)
    high = np.empty_like(curves, dtype=np.int64)
    n = curves.shape[0]
    for j in range(curves.shape[1]):
        col = order[:, j]
        low[:, j] = np.searchsorted(col, curves[:, j], side="right")
        high[:, j] = n - np.searchsorted(col, curves[:, j], side="left")
    return np.minimum(low, high)


def global_band(sims: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Duranton–Overman global band: ``k``-th smallest and largest simulated values.

    ``k`` is the largest integer such that at most a share ``1 − level`` of the simulations
    reaches or leaves the band at some distance (at least 1).
    """
    alpha = 1.0 - level
    ok = ~np.isnan(sims).any(axis=0)
    lower = np.full(sims.shape[1], np.nan)
    upper = np.full(sims.shape[1], np.nan)
    if not ok.any():
        return lower, upper
    part = sims[:, ok]
    n = part.shape[0]
    ranks = _extreme_ranks(part)
    # A new curve from the null leaves band_k when its rank among the n + 1 curves is at
    # most k at some distance; among the simulations that is a rank <= k (not < k, which
    # would count the simulations lying on the band as inside and make the band too narrow).
    k = 1
    while k < n // 2 and np.count_nonzero(ranks <= k + 1) <= alpha * n + 1e-9:
        k += 1
    order = np.sort(part, axis=0)
    lower[ok] = order[k - 1]
    upper[ok] = order[n - k]
    return lower, upper


def pointwise_p_values(observed: np.ndarray, sims: np.ndarray) -> np.ndarray:
    """Two-sided rank p-value at each distance (NaN where the observed value is NaN)."""
    n = sims.shape[0]
    above = (sims >= observed).sum(axis=0)
    below = (sims <= observed).sum(axis=0)
    p = np.minimum(1.0, 2.0 * np.minimum(1 + above, 1 + below) / (n + 1))
    bad = np.isnan(observed) | np.isnan(sims).any(axis=0)
    return np.where(bad, np.nan, p)


def global_p_value(observed: np.ndarray, sims: np.ndarray) -> float:
    """Extreme-rank-length p-value of the observed curve among the simulated ones.

    Each curve's pointwise ranks ``min(#≤, #≥)`` are sorted increasingly and the curves
    compared lexicographically (Myllymäki et al. 2017, "extreme rank length"): the
    p-value is the share of the ``n + 1`` curves at least as extreme as the observed one.
    Unlike the plain extreme rank, it does not tie every curve that touches the band once.
    """
    ok = ~(np.isnan(observed) | np.isnan(sims).any(axis=0))
    if not ok.any():
        return float("nan")
    curves = np.vstack([observed[ok][None, :], sims[:, ok]])
    ranks = np.sort(_pointwise_ranks(curves), axis=1)
    # Lexicographic comparison of the rows with the observed row (row 0).
    diff = ranks - ranks[0]
    first = np.argmax(diff != 0, axis=1)
    sign = diff[np.arange(diff.shape[0]), first]
    as_extreme = sign <= 0
    return float(np.count_nonzero(as_extreme) / curves.shape[0])


def band(sims: np.ndarray, level: float, envelope: Envelope) -> tuple[np.ndarray, np.ndarray]:
    """The local or global band of the simulations."""
    return global_band(sims, level) if envelope == "global" else local_band(sims, level)
