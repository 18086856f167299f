"""Marcon–Puech M and m: brute-force reference, hand-checked values, envelopes, errors.

Reference values: a direct transcription of dbmss ``Mhat`` (R/Mhat.R and
src/CountNbd.cpp, dbmss 2.x) written below with Python loops, and a hand-worked example.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from grappes.errors import InvalidInputError
from grappes.spatial import m, marcon_puech


def _pattern(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.uniform(0, 10, n),
            "y": rng.uniform(0, 10, n),
            "sector": rng.choice(["A", "B", "C"], n, p=[0.2, 0.3, 0.5]),
            "emp": rng.integers(1, 20, n).astype(float),
        }
    )


def _brute_m(pts: pd.DataFrame, r: np.ndarray, ref: str, nb: str, weight: str | None) -> np.ndarray:
    xy = pts[["x", "y"]].to_numpy()
    w = pts[weight].to_numpy() if weight else np.ones(len(pts))
    types = pts["sector"].to_numpy()
    is_ref, is_nb = types == ref, types == nb
    total = w.sum()
    num = np.zeros(r.size)
    den = np.zeros(r.size)
    for i in np.flatnonzero(is_ref):
        d = np.hypot(*(xy - xy[i]).T)
        others = np.arange(len(pts)) != i
        gr = (
            (w[is_ref].sum() - w[i]) / (total - w[i])
            if ref == nb
            else w[is_nb].sum() / (total - w[i])
        )
        for k, rk in enumerate(r):
            within = others & (d <= rk)
            all_w = w[within].sum()
            if all_w > 0:
                num[k] += w[within & is_nb].sum() / all_w
                den[k] += gr
    return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def test_hand_worked_example() -> None:
    # A at (0,0) and (1,0); B at (0,1) and (5,5). r = 1.5: each A sees the other A and the
    # near B: local ratio 1/2. Global ratio (2 - 1)/(4 - 1) = 1/3. M = (1/2 + 1/2)/(2/3).
    pts = pd.DataFrame(
        {"x": [0.0, 1.0, 0.0, 5.0], "y": [0.0, 0.0, 1.0, 5.0], "sector": ["A", "A", "B", "B"]}
    )
    res = marcon_puech(pts, reference="A", distances=[0.5, 1.5, 10.0])
    assert np.isnan(res.curve["m"].iloc[0])
    assert res.curve["m"].iloc[1] == pytest.approx(1.5, rel=1e-12)
    # r = 10: all 3 others; local ratio 1/3 each, global ratio 1/3: M = 1.
    assert res.curve["m"].iloc[2] == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize(
    ("neighbor", "weight"), [(None, None), (None, "emp"), ("B", None), ("B", "emp")]
)
def test_matches_dbmss_transcription(neighbor: str | None, weight: str | None) -> None:
    pts = _pattern(300, 1)
    r = np.array([0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0])
    res = marcon_puech(pts, reference="A", neighbor=neighbor, weight=weight, distances=r)
    expected = _brute_m(pts, r, "A", neighbor or "A", weight)
    np.testing.assert_allclose(res.curve["m"], expected, rtol=1e-12, equal_nan=True)


def test_m_density_matches_direct_sum() -> None:
    pts = _pattern(200, 2)
    r = np.array([0.5, 1.0, 2.0])
    h = 0.4
    res = m(pts, reference="A", neighbor="B", distances=r, bandwidth=h)
    xy = pts[["x", "y"]].to_numpy()
    types = pts["sector"].to_numpy()
    num = np.zeros(r.size)
    den = 0.0
    for i in np.flatnonzero(types == "A"):
        d = np.hypot(*(xy - xy[i]).T)
        g = np.exp(-0.5 * ((r[:, None] - d[None, :]) / h) ** 2)
        g[:, i] = 0.0
        num += g[:, types == "B"].sum(axis=1) / g.sum(axis=1)
        den += (types == "B").sum() / (len(pts) - 1)
    np.testing.assert_allclose(res.curve["m"], num / den, rtol=1e-9)
    assert res.kind == "m" and res.bandwidth == h


def test_m_is_marcon_puech_kind_m() -> None:
    pts = _pattern(150, 3)
    a = m(pts, reference="A", distances=[1.0, 2.0])
    b = marcon_puech(pts, reference="A", distances=[1.0, 2.0], kind="m")
    pd.testing.assert_frame_equal(a.curve, b.curve)


def test_random_labels_give_m_near_one() -> None:
    pts = _pattern(3000, 4)
    res = marcon_puech(pts, reference="A", distances=[2.0, 4.0])
    np.testing.assert_allclose(res.curve["m"], 1.0, atol=0.05)


def test_simulations_reproducible() -> None:
    pts = _pattern(400, 5)
    kw = {"reference": "A", "distances": [0.5, 1.0, 2.0], "n_simulations": 39}
    a = marcon_puech(pts, seed=1, **kw)  # type: ignore[arg-type]
    b = marcon_puech(pts, seed=1, **kw)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(a.curve, b.curve)
    assert (a.curve["lower"] <= a.curve["upper"]).all()
    assert a.p_value is not None and 0 < a.p_value <= 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "K"}, "kind must be 'M' or 'm'"),
        ({"reference": "Z"}, "reference type 'Z' is absent"),
        ({"distances": [1, 0.5]}, "strictly increasing"),
        ({"n_simulations": 5}, "needs at least 20 simulations"),
    ],
)
def test_errors(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"reference": "A", "distances": [0.5, 1.0]} | kwargs
    with pytest.raises(InvalidInputError, match=message):
        marcon_puech(_pattern(50, 1), **args)  # type: ignore[arg-type]
