"""Apportionment: whole totals split into whole parts in proportion to weights.

Hamilton's largest remainder method, in exact integer arithmetic.
:func:`grappes.data.morocco.employment` uses it to turn HCP's percentage shares into counts
of persons that add up exactly to each unit's employed population.
"""

from __future__ import annotations

import numpy as np

__all__ = ["largest_remainder"]


def largest_remainder(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each ``totals[u]`` over the columns in proportion to ``weights[u]`` (Hamilton).

    Exact in integers: quotas ``totals × weights / weights.sum()`` floored, then one more
    to the largest remainders; ties go to the earlier column.

    Parameters
    ----------
    totals : numpy.ndarray
        One whole, non-negative total per unit (int64, shape ``(n,)``).
    weights : numpy.ndarray
        Whole, non-negative weights (int64, shape ``(n, k)``), each row with a positive sum.

    Returns
    -------
    numpy.ndarray
        Counts of shape ``(n, k)``; row ``u`` sums to ``totals[u]`` and each count is its
        quota floored, or one more.

    Examples
    --------
    >>> largest_remainder(np.array([10]), np.array([[1, 1, 1]])).tolist()
    [[4, 3, 3]]
    """
    denominators = weights.sum(axis=1)[:, None]
    numerators = totals[:, None] * weights
    counts, remainders = np.divmod(numerators, denominators)
    missing = totals - counts.sum(axis=1)
    # Stable sort on the negated remainder: largest first, earlier column first among ties.
    ranks = np.argsort(-remainders, axis=1, kind="stable")
    bonus = np.zeros_like(counts)
    for unit, extra in enumerate(missing):
        bonus[unit, ranks[unit, :extra]] = 1
    return counts + bonus
