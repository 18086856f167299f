"""Simulations in batches, on numba threads or on Spark: the same band for the same seed.

Reference: the threads run of the same function with the same seed (the result must not
depend on where, or in what batches, the simulations run). The Spark tests use the session's
two-core local Spark (``spark_connection`` in ``tests/conftest.py``).
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest

from grappes.errors import ConfigurationError, InvalidInputError
from grappes.spatial import distributed, duranton_overman, m, marcon_puech
from grappes.spatial.distributed import check_executor, run_batches, spark_session
from grappes.spatial.duranton_overman import _KdBinnedSimulations
from grappes.spatial.envelopes import simulation_seeds

SPARK_MASTER = "local[2]"


def _pattern(n: int = 200, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.uniform(0, 100, n),
            "y": rng.uniform(0, 100, n),
            "sector": rng.choice(["A", "B", "C"], n, p=[0.2, 0.3, 0.5]),
            "emp": rng.integers(1, 20, n).astype(float),
        }
    )


def _kd_simulations() -> _KdBinnedSimulations:
    # Binned Kd of type A among _pattern()'s sites, over [0, 40] (bins of 0.05 up to 120).
    pts = _pattern()
    a = np.flatnonzero(pts["sector"].to_numpy() == "A")
    x, y = pts["x"].to_numpy(), pts["y"].to_numpy()
    r = np.linspace(0.0, 40.0, 33)
    return _KdBinnedSimulations(x, y, np.ones(x.size), a, a, True, False, 0.05, 2400, 1600, r, 0.0)


def _seed_squares(seeds: np.ndarray) -> np.ndarray:
    return np.column_stack([seeds, seeds**2]).astype(float)


# ---------------------------------------------------------------------------------------
# executor forms (no Spark started)
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "executor",
    [
        "threads",
        "local",
        "local[2]",
        "local[*]",
        "local[4,3]",
        "local[*, 2]",
        "local-cluster[2,1,1024]",
        "spark://host:7077",
        "spark://a:7077,b:7077",
        "yarn",
        "k8s://https://api.example:6443",
    ],
)
def test_accepts_threads_and_spark_master_urls(executor: str) -> None:
    check_executor(executor, who="test")


@pytest.mark.parametrize(
    "executor",
    ["thread", "Threads", "", "local[0]", "local[two]", "local[2", "localhost",
     "spark://", "spark:/host:7077", "spark://host:port", "mesos://host:5050", "duckdb",
     None, 2],
)  # fmt: skip
def test_rejects_other_executors(executor: object) -> None:
    with pytest.raises(InvalidInputError, match=r"test: executor must be 'threads', a Spark"):
        check_executor(executor, who="test")


@pytest.mark.parametrize(
    ("function", "who"),
    [(duranton_overman, "duranton_overman"), (marcon_puech, "marcon_puech"), (m, "m")],
)
def test_measures_reject_a_bad_master_before_computing(function: Any, who: str) -> None:
    with pytest.raises(InvalidInputError, match=rf"^{who}: executor must be .*got 'local\[two\]'"):
        function(_pattern(), reference="A", n_simulations=39, seed=1, executor="local[two]")


def test_spark_without_pyspark_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(ConfigurationError, match=r"needs Apache Spark: pip install"):
        spark_session("local[2]")


# ---------------------------------------------------------------------------------------
# batches on threads
# ---------------------------------------------------------------------------------------


def test_run_batches_keeps_seed_order_whatever_the_batch_size() -> None:
    seeds = np.arange(10, dtype=np.int64) * 7
    expected = _seed_squares(seeds)
    for batch_size in (1, 3, 10, 64):
        np.testing.assert_array_equal(
            run_batches(_seed_squares, seeds, n_values=2, batch_size=batch_size), expected
        )


def test_run_batches_reports_progress_per_batch() -> None:
    calls: list[tuple[int, int]] = []
    run_batches(
        _seed_squares, np.arange(7), n_values=2, batch_size=3,
        progress=lambda done, total: calls.append((done, total)),
    )  # fmt: skip
    assert calls == [(3, 7), (6, 7), (7, 7)]


def test_kd_kernel_curves_do_not_depend_on_batches() -> None:
    # Each simulation seeds its own stream: cutting 50 seeds into batches of 7 (threads run
    # them in parallel inside each batch) gives the same curves, bit for bit, as one batch.
    simulate = _kd_simulations()
    r = simulate.r
    seeds = simulation_seeds(5, 50)
    whole = simulate(seeds)
    batched = run_batches(simulate, seeds, n_values=r.size, batch_size=7)
    assert np.isfinite(whole).all()
    np.testing.assert_array_equal(batched, whole)
    assert not np.array_equal(whole[0], whole[1])


# ---------------------------------------------------------------------------------------
# Spark: the same band as threads
# ---------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_returns_each_simulation_in_seed_order(spark_connection: Any) -> None:
    # The raw matrix, not only the band (which ignores the order of the simulations): row s
    # is the simulation of seeds[s], as on threads; 150 seeds in batches of 20 (8 tasks).
    simulate = _kd_simulations()
    seeds = simulation_seeds(6, 150)
    kw: dict[str, Any] = {"n_values": simulate.r.size, "batch_size": 20}
    on_threads = run_batches(simulate, seeds, **kw)
    on_spark = run_batches(simulate, seeds, executor=SPARK_MASTER, **kw)
    np.testing.assert_array_equal(on_spark, on_threads)


def _same_curves(local: pd.DataFrame, remote: pd.DataFrame) -> None:
    assert {"lower", "upper", "p_value"} <= set(local.columns)
    assert np.isfinite(local["upper"]).sum() > 10
    pd.testing.assert_frame_equal(remote, local, check_exact=True)


@pytest.mark.parametrize(
    "options",
    [
        # 150 simulations: three batches of at most 64, so several Spark tasks.
        {"method": "binned", "weight": "emp", "n_simulations": 150},
        {"method": "exact", "neighbor": "B", "n_simulations": 150, "envelope": "local"},
    ],
    ids=["binned-weighted", "exact-bivariate"],
)
@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_kd_on_spark_equals_threads(spark_connection: Any, options: Any) -> None:
    pts = _pattern()
    kw = {"reference": "A", "seed": 3, **options}
    local = duranton_overman(pts, **kw)
    remote = duranton_overman(pts, executor=SPARK_MASTER, **kw)
    _same_curves(local.curve, remote.curve)
    assert (remote.p_value, remote.localisation, remote.dispersion, remote.bandwidth) == (
        local.p_value, local.localisation, local.dispersion, local.bandwidth,
    )  # fmt: skip
    # The comparison can fail: another seed gives another band.
    other = duranton_overman(pts, **{**kw, "seed": 4})
    assert not np.array_equal(other.curve["upper"], remote.curve["upper"])


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("M", {}),
        ("m", {"neighbor": "C", "weight": "emp", "distances": np.linspace(1.0, 30.0, 30)}),
    ],
    ids=["M-univariate", "m-bivariate-weighted"],
)
@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_marcon_puech_on_spark_equals_threads(
    spark_connection: Any, kind: str, options: Any
) -> None:
    # 40 simulations: two batches of at most 32.
    pts = _pattern()
    kw = {"reference": "A", "n_simulations": 40, "seed": 4, "kind": kind, **options}
    local = marcon_puech(pts, **kw)
    remote = marcon_puech(pts, executor=SPARK_MASTER, **kw)
    _same_curves(local.curve, remote.curve)
    assert remote.p_value == local.p_value
    other = marcon_puech(pts, **{**kw, "seed": 5})
    assert not np.array_equal(other.curve["upper"], remote.curve["upper"], equal_nan=True)


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_m_accepts_a_running_spark_session(spark_connection: Any) -> None:
    from pyspark.sql import SparkSession

    session = SparkSession.builder.getOrCreate()
    pts = _pattern()
    kw: dict[str, Any] = {"reference": "B", "n_simulations": 40, "seed": 9}
    local = m(pts, **kw)
    remote = m(pts, executor=session, **kw)
    _same_curves(local.curve, remote.curve)


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_progress_after_each_job(
    spark_connection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One batch per core and job: 3 batches of 64 on local[2] make two Spark jobs.
    monkeypatch.setattr(distributed, "_BATCHES_PER_CORE_AND_JOB", 1)
    calls: list[tuple[int, int]] = []
    pts = _pattern()
    kw: dict[str, Any] = {"reference": "A", "method": "binned", "n_simulations": 150, "seed": 2}
    remote = duranton_overman(
        pts, executor=SPARK_MASTER, progress=lambda d, t: calls.append((d, t)), **kw
    )
    assert calls == [(128, 150), (150, 150)]
    pd.testing.assert_frame_equal(remote.curve, duranton_overman(pts, **kw).curve)


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_another_master_while_spark_runs_is_a_configuration_error(
    spark_connection: Any,
) -> None:
    with pytest.raises(ConfigurationError, match=r"already runs Spark on 'local\[2\]'"):
        duranton_overman(_pattern(), reference="A", n_simulations=40, executor="local[3]")
