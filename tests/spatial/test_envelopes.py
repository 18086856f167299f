"""Envelopes: band order statistics, extreme-rank choice of k, rank p-values."""

from __future__ import annotations

import numpy as np
import pytest

from grappes.spatial.envelopes import (
    global_band,
    global_p_value,
    local_band,
    pointwise_p_values,
    simulation_seeds,
)


def test_local_band_is_quantiles() -> None:
    sims = np.arange(1.0, 101.0)[:, None] * np.ones((1, 3))
    lower, upper = local_band(sims, 0.9)
    np.testing.assert_allclose(lower, np.quantile(np.arange(1.0, 101.0), 0.05))
    np.testing.assert_allclose(upper, np.quantile(np.arange(1.0, 101.0), 0.95))


def test_global_band_leaves_at_most_alpha_of_simulations_out() -> None:
    # Smooth curves, correlated across distances as Kd curves are.
    rng = np.random.default_rng(1)
    d = np.linspace(0, 1, 40)
    sims = rng.normal(size=(999, 1)) * np.sin(3 * d) + rng.normal(size=(999, 1)) * d
    sims += 0.05 * rng.normal(size=sims.shape)
    lower, upper = global_band(sims, 0.95)
    touch = ((sims <= lower) | (sims >= upper)).any(axis=1).mean()
    assert 0.03 <= touch <= 0.05
    llo, lup = local_band(sims, 0.95)
    assert (lower <= llo).all() and (upper >= lup).all()


def test_global_band_with_one_distance_is_local() -> None:
    sims = np.arange(200.0)[:, None]
    lower, upper = global_band(sims, 0.9)
    # k = 10: 10 + 10 = 20 simulations (10% of 200) reach or leave the band.
    assert lower[0] == 9.0 and upper[0] == 190.0


def test_p_values() -> None:
    sims = np.arange(1.0, 100.0)[:, None] * np.ones((1, 2))
    obs = np.array([1000.0, 50.0])
    p = pointwise_p_values(obs, sims)
    assert p[0] == pytest.approx(2 / 100)
    assert p[1] == pytest.approx(1.0)
    # Sorted ranks: observed (1, 50); simulation "1" (1, 1) and "99" (1, 2) are more
    # extreme (lexicographically smaller), every other simulation less: p = 3/100.
    assert global_p_value(obs, sims) == pytest.approx(3 / 100)
    # Observed above all at both distances ties with simulation "1", below all at both.
    assert global_p_value(np.array([1000.0, 1000.0]), sims) == pytest.approx(2 / 100)


def test_seeds_are_reproducible() -> None:
    np.testing.assert_array_equal(simulation_seeds(3, 5), simulation_seeds(3, 5))
    assert not np.array_equal(simulation_seeds(3, 5), simulation_seeds(4, 5))
