"""Duranton–Overman Kd: hand-checked values, binned vs exact, envelopes, errors.

Reference values: the closed form of a reflected Gaussian KDE for two or three points
(computed by hand below), and the exact per-pair estimator for the binned one.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from grappes.errors import InvalidInputError
from grappes.spatial import duranton_overman


def _uniform(n: int, seed: int, p: tuple[float, ...] = (0.1, 0.3, 0.6)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.uniform(0, 100, n),
            "y": rng.uniform(0, 100, n),
            "sector": rng.choice(["A", "B", "C"], n, p=list(p)),
            "emp": rng.integers(1, 50, n).astype(float),
        }
    )


def test_two_points_closed_form() -> None:
    pts = pd.DataFrame({"x": [0.0, 3.0, 9.0], "y": [0.0, 4.0, 9.0], "sector": ["A", "A", "B"]})
    r = np.array([0.0, 2.0, 5.0, 8.0])
    h = 1.5
    res = duranton_overman(pts, reference="A", distances=r, bandwidth=h, method="exact")
    expected = norm.pdf(r, loc=5.0, scale=h) + norm.pdf(-r, loc=5.0, scale=h)
    np.testing.assert_allclose(res.curve["kd"], expected, rtol=1e-12)
    binned = duranton_overman(pts, reference="A", distances=r, bandwidth=h, method="binned")
    np.testing.assert_allclose(binned.curve["kd"], expected, rtol=1e-3, atol=1e-12)


def test_weighted_three_points_closed_form() -> None:
    # Pairs (0,1): d=5, w=2*3; (0,2): d=10, w=2*5; (1,2): d=sqrt(45), w=3*5.
    pts = pd.DataFrame(
        {"x": [0.0, 3.0, 0.0], "y": [0.0, 4.0, 10.0], "sector": ["A"] * 3, "emp": [2.0, 3, 5]}
    )
    r = np.linspace(0, 12, 7)
    h = 2.0
    res = duranton_overman(
        pts, reference="A", distances=r, bandwidth=h, weight="emp", method="exact"
    )
    d = np.array([5.0, 10.0, math.sqrt(45)])
    w = np.array([6.0, 10.0, 15.0])
    # dbmss' convention: distances up to 4h = 8 reflected, mass on [0, inf) renormalised.
    refl = d <= 4 * h
    num = sum(
        wk * (norm.pdf(r, dk, h) + rk * norm.pdf(-r, dk, h))
        for wk, dk, rk in zip(w, d, refl, strict=True)
    )
    mass = (w * norm.cdf(d / h)).sum() + (w * refl * norm.cdf(-d / h)).sum()
    expected = num / mass
    np.testing.assert_allclose(res.curve["kd"], expected, rtol=1e-12)


def test_silverman_bandwidth_matches_r_bw_nrd0() -> None:
    # bw.nrd0(c(5, 10, sqrt(45))) in R = 0.9 * min(sd, IQR/1.34) * 3^-0.2.
    pts = pd.DataFrame({"x": [0.0, 3.0, 0.0], "y": [0.0, 4.0, 10.0], "sector": ["A"] * 3})
    res = duranton_overman(pts, reference="A", distances=[0, 10], method="exact")
    d = np.array([5.0, 10.0, math.sqrt(45)])
    q = np.quantile(d, [0.25, 0.75])
    expected = 0.9 * min(d.std(ddof=1), (q[1] - q[0]) / 1.34) * 3**-0.2
    assert res.bandwidth == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("weight", "neighbor"), [(None, None), ("emp", None), (None, "B"), ("emp", "B")]
)
def test_binned_matches_exact(weight: str | None, neighbor: str | None) -> None:
    pts = _uniform(3000, 1)
    r = np.linspace(0, 40, 41)
    kw = {"reference": "A", "neighbor": neighbor, "weight": weight, "distances": r}
    exact = duranton_overman(pts, method="exact", **kw)  # type: ignore[arg-type]
    binned = duranton_overman(pts, method="binned", **kw)  # type: ignore[arg-type]
    assert binned.bandwidth == pytest.approx(exact.bandwidth, rel=1e-4)
    np.testing.assert_allclose(binned.curve["kd"], exact.curve["kd"], rtol=1e-3)


def test_kd_is_a_density_over_all_pairs() -> None:
    pts = _uniform(400, 2)
    r = np.linspace(0, 200, 2001)
    res = duranton_overman(pts, reference="A", distances=r, method="exact")
    assert np.trapezoid(res.curve["kd"], r) == pytest.approx(1.0, abs=2e-3)


def test_row_order_does_not_matter() -> None:
    pts = _uniform(500, 3)
    r = np.linspace(0, 30, 7)
    a = duranton_overman(pts, reference="A", distances=r)
    b = duranton_overman(pts.sample(frac=1, random_state=4), reference="A", distances=r)
    np.testing.assert_allclose(a.curve["kd"], b.curve["kd"], rtol=1e-12)


def test_simulations_reproducible_and_bands_ordered() -> None:
    pts = _uniform(1500, 5)
    r = np.linspace(0, 40, 21)
    kw = {"reference": "A", "distances": r, "n_simulations": 99, "method": "binned"}
    a = duranton_overman(pts, seed=7, **kw)  # type: ignore[arg-type]
    b = duranton_overman(pts, seed=7, **kw)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(a.curve, b.curve)
    c = duranton_overman(pts, seed=8, **kw)  # type: ignore[arg-type]
    assert not np.allclose(a.curve["lower"], c.curve["lower"])
    assert (a.curve["lower"] <= a.curve["upper"]).all()
    local = duranton_overman(pts, seed=7, envelope="local", **kw)  # type: ignore[arg-type]
    assert (a.curve["upper"] >= local.curve["upper"] - 1e-15).all()
    assert (a.curve["lower"] <= local.curve["lower"] + 1e-15).all()
    assert 0 < a.p_value <= 1  # type: ignore[operator]


def test_exact_and_binned_simulations_agree_in_distribution() -> None:
    pts = _uniform(600, 6)
    r = np.linspace(0, 40, 9)
    kw = {"reference": "A", "distances": r, "n_simulations": 199, "seed": 3}
    ex = duranton_overman(pts, method="exact", **kw)  # type: ignore[arg-type]
    bi = duranton_overman(pts, method="binned", **kw)  # type: ignore[arg-type]
    # Different random streams: the local medians of two 199-simulation samples agree.
    np.testing.assert_allclose(ex.curve["upper"], bi.curve["upper"], rtol=0.15)


def test_clustered_sector_is_localised() -> None:
    rng = np.random.default_rng(9)
    other = pd.DataFrame(
        {"x": rng.uniform(0, 100, 1500), "y": rng.uniform(0, 100, 1500), "sector": "B"}
    )
    cluster = pd.DataFrame({"x": rng.normal(30, 3, 80), "y": rng.normal(60, 3, 80), "sector": "A"})
    pts = pd.concat([other, cluster], ignore_index=True)
    res = duranton_overman(
        pts, reference="A", distances=np.linspace(0, 50, 26), n_simulations=99, seed=1
    )
    assert res.localisation is not None and res.localisation > 0
    assert res.dispersion == 0.0
    assert res.p_value == pytest.approx(0.01)
    assert (res.curve["localisation"] > 0).any()


def test_progress_callback() -> None:
    calls: list[tuple[int, int]] = []
    duranton_overman(
        _uniform(800, 1), reference="A", distances=[0, 10, 20], n_simulations=130,
        method="binned", seed=1, progress=lambda done, total: calls.append((done, total)),
    )  # fmt: skip
    assert calls[-1] == (130, 130)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


def test_lonlat_gives_km() -> None:
    rng = np.random.default_rng(2)
    pts = pd.DataFrame(
        {"x": rng.uniform(-8, -6, 200), "y": rng.uniform(33, 34, 200), "sector": "A"}
    )
    res = duranton_overman(pts, reference="A", crs="EPSG:4326", distances=[0, 50, 100])
    assert res.unit == "km"
    assert res.curve["kd"].gt(0).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"distances": [0, 2, 1]}, "strictly increasing"),
        ({"distances": [0, -1]}, "finite and non-negative"),
        ({"distances": [0.0]}, "largest distance must be positive"),
        ({"n_simulations": -1}, "n_simulations must be >= 0"),
        ({"n_simulations": 10}, "needs at least 20 simulations"),
        ({"envelope": "pointwise"}, "envelope must be 'global' or 'local'"),
        ({"level": 1.5}, r"level must be in \(0, 1\)"),
        ({"bandwidth": -1.0}, "bandwidth must be 'silverman' or a positive number"),
        ({"method": "fft"}, "method must be 'auto', 'exact' or 'binned'"),
        ({"reference": "Z"}, "reference type 'Z' is absent"),
        ({"reference": "A", "neighbor": "Z"}, "neighbor type 'Z' is absent"),
    ],
)
def test_errors(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"reference": "A", "distances": [0, 10]} | kwargs
    with pytest.raises(InvalidInputError, match=message):
        duranton_overman(_uniform(100, 1), **args)  # type: ignore[arg-type]


def test_too_few_pairs() -> None:
    pts = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0], "sector": ["A", "B"]})
    with pytest.raises(InvalidInputError, match="at least 1 pair"):
        duranton_overman(pts, reference="A", distances=[0, 1])


def test_pairs_too_far_for_bandwidth() -> None:
    pts = pd.DataFrame({"x": [0.0, 100.0, 200.0], "y": [0.0, 0.0, 0.0], "sector": ["A"] * 3})
    with pytest.raises(InvalidInputError, match="fewer than 2 pairs closer than"):
        duranton_overman(pts, reference="A", distances=[0, 1])


@pytest.mark.slow
def test_global_envelope_coverage_under_the_null() -> None:
    # A sector drawn at random among the sites (the null itself): the observed curve should
    # leave the 95% global band in about 5% of 200 replicates (binomial 95% range ~[2%, 8%]).
    # 999 simulations: with 199, even the min-max envelope of 21 distances is touched by
    # about 10% of the simulations, and the band cannot be narrowed to 5%.
    rng = np.random.default_rng(2024)
    sites = pd.DataFrame({"x": rng.uniform(0, 100, 1500), "y": rng.uniform(0, 100, 1500)})
    r = np.linspace(0, 40, 21)
    outside = 0
    replicates = 200
    for rep in range(replicates):
        sector = np.full(1500, "B", dtype=object)
        sector[rng.choice(1500, 100, replace=False)] = "A"
        res = duranton_overman(
            sites.assign(sector=sector), reference="A", distances=r, n_simulations=999,
            method="binned", seed=rep,
        )  # fmt: skip
        c = res.curve
        outside += bool(((c["kd"] > c["upper"]) | (c["kd"] < c["lower"])).any())
    assert 0.01 <= outside / replicates <= 0.11
