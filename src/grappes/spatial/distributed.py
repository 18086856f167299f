"""Counterfactual simulations in batches: numba threads here, or tasks on an Apache Spark cluster.

A measure with an envelope (Kd, M, m) simulates many relabelled patterns. Each simulation has
its own seed, drawn up front from the user's ``seed`` (:func:`~grappes.spatial.envelopes.
simulation_seeds`), and a simulated curve depends on nothing but the pattern and that seed. So
the simulations can be cut into batches and the batches run anywhere — in this process with
numba threads, or as Spark tasks on other machines — and the band is the same, bit for bit.

``executor`` names where they run:

- ``"threads"`` (default): batches one after another in this process; numba spreads each
  batch over the cores.
- a Spark master URL — ``local``, ``local[N]``, ``local[*]``, ``local[N,F]``,
  ``spark://host:port``, ``yarn`` or ``k8s://…`` — or a running
  :class:`pyspark.sql.SparkSession`: the batches become Spark tasks. The pattern (O(n)) is
  broadcast once; each task runs the same numba kernel on its batch and sends back only its
  curves (batch × distances numbers); the driver assembles them and builds the band.

The command line maps ``GRAPPES_ENGINE`` to ``executor`` when it names Spark; the library
itself reads no setting.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from grappes.engine import is_spark_master
from grappes.errors import ConfigurationError, InvalidInputError

if TYPE_CHECKING:
    from pyspark.core.broadcast import Broadcast
    from pyspark.core.context import SparkContext
    from pyspark.sql import SparkSession

#: Spark master URLs accepted as ``executor`` (Spark's own forms; Mesos left Spark in 4.0).
#: A Spark job runs at most this many batches per available core before the driver reports
#: progress and submits the next job.
_BATCHES_PER_CORE_AND_JOB = 4


def check_executor(executor: object, *, who: str) -> None:
    """Raise unless ``executor`` is ``"threads"``, a Spark master URL or a SparkSession.

    Only the form is checked: no Spark session is started here.

    Raises
    ------
    InvalidInputError
        For any other value, with the accepted forms in the message.
    """
    if isinstance(executor, str):
        if executor == "threads" or is_spark_master(executor):
            return
    elif _is_spark_session(executor):
        return
    raise InvalidInputError(
        f"{who}: executor must be 'threads', a Spark master URL ('local[N]', 'local[*]', "
        f"'spark://host:7077', 'yarn', 'k8s://…') or a pyspark SparkSession; got {executor!r}"
    )


def run_batches(
    simulate: Callable[[np.ndarray], np.ndarray],
    seeds: np.ndarray,
    *,
    n_values: int,
    batch_size: int,
    executor: str | SparkSession = "threads",
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Return the curves of ``seeds.size`` simulations, one row per seed, in seed order.

    Parameters
    ----------
    simulate
        ``simulate(seeds)`` returns an array of shape ``(seeds.size, n_values)``: the curves
        of the simulations with those seeds. On Spark it is pickled to the executors, so it
        must be an instance of a module-level class (or a module-level function) of a
        package installed there, such as grappes.
    seeds
        One seed per simulation (int64).
    n_values
        Length of each curve (the number of distances).
    batch_size
        Simulations per batch (per Spark task); the result does not depend on it.
    executor
        ``"threads"``, a Spark master URL or a SparkSession (see the module docstring).
    progress
        Optional ``progress(done, total)``, called after each batch (threads) or each Spark
        job of several batches.

    Returns
    -------
    numpy.ndarray
        Shape ``(seeds.size, n_values)``.

    Raises
    ------
    ConfigurationError
        When Spark is asked for and PySpark is not installed, the session is a Spark Connect
        one (no RDD API), or another Spark master already runs in this process.

    Examples
    --------
    >>> import numpy as np
    >>> def square(seeds):
    ...     return np.column_stack([seeds, seeds**2]).astype(float)
    >>> run_batches(square, np.arange(5), n_values=2, batch_size=2)[:, 1].tolist()
    [0.0, 1.0, 4.0, 9.0, 16.0]
    """
    n = seeds.size
    out = np.empty((n, n_values))
    batches = [(start, seeds[start : start + batch_size]) for start in range(0, n, batch_size)]
    if isinstance(executor, str) and executor == "threads":
        for start, batch in batches:
            out[start : start + batch.size] = simulate(batch)
            if progress is not None:
                progress(start + batch.size, n)
        return out
    session = spark_session(executor)
    _run_on_spark(session.sparkContext, simulate, batches, out, progress)
    return out


def spark_session(executor: str | SparkSession) -> SparkSession:
    """The SparkSession that ``executor`` names: itself, or one on that master URL.

    A session on the same master that already runs in this process is reused (Spark allows
    one per process). For local masters the UI is off and the SQL warehouse goes to a
    temporary folder, as :func:`grappes.engine.connect` does.

    Raises
    ------
    ConfigurationError
        When PySpark is missing, the session is a Spark Connect one, or a session on another
        master already runs in this process.
    """
    if not isinstance(executor, str):
        session = executor
    else:
        try:
            from pyspark.sql import SparkSession
        except ModuleNotFoundError as error:
            raise ConfigurationError(
                f"executor={executor!r} needs Apache Spark: pip install 'grappes[spark]' "
                "(and a Java 17 runtime)"
            ) from error
        active = SparkSession.getActiveSession()
        if active is not None:
            # Reused as is: its static settings can no longer change (Spark would warn).
            session = active
        else:
            builder = (
                SparkSession.builder.master(executor)
                .appName("grappes")
                .config("spark.ui.enabled", "false")
            )
            if executor.startswith("local"):
                # A local session would otherwise create ./spark-warehouse wherever it starts.
                warehouse = Path(tempfile.gettempdir()) / "grappes-spark-warehouse"
                builder = builder.config("spark.sql.warehouse.dir", str(warehouse))
            session = builder.getOrCreate()
    try:
        context = session.sparkContext
    except AttributeError as error:  # Spark Connect sessions have no SparkContext
        raise ConfigurationError(
            "executor: simulations need a classic Spark session (they use the RDD API); "
            "a Spark Connect session has no SparkContext"
        ) from error
    if isinstance(executor, str) and context.master != executor:
        raise ConfigurationError(
            f"executor={executor!r}, but this process already runs Spark on "
            f"{context.master!r} (one Spark context per process); give that master or the "
            "session itself"
        )
    return session


def _is_spark_session(value: object) -> bool:
    # Without importing pyspark: an object of a class named SparkSession from pyspark.
    cls = type(value)
    return cls.__name__ == "SparkSession" and cls.__module__.startswith("pyspark.")


def _run_on_spark(
    context: SparkContext,
    simulate: Callable[[np.ndarray], np.ndarray],
    batches: list[tuple[int, np.ndarray]],
    out: np.ndarray,
    progress: Callable[[int, int], None] | None,
) -> None:
    n = out.shape[0]
    threads = int(context.getConf().get("spark.task.cpus", "1") or "1")
    shared = context.broadcast(simulate)
    task = functools.partial(_run_partition, shared, threads)
    per_job = max(1, _BATCHES_PER_CORE_AND_JOB * context.defaultParallelism)
    done = 0
    try:
        for first in range(0, len(batches), per_job):
            job = batches[first : first + per_job]
            rdd = context.parallelize(job, numSlices=len(job)).mapPartitions(task)
            for start, curves in _collect(context, rdd):
                out[start : start + curves.shape[0]] = curves
                done += curves.shape[0]
            if progress is not None:
                progress(done, n)
    finally:
        shared.unpersist()


def _collect(context: SparkContext, rdd: Any) -> list[tuple[int, np.ndarray]]:
    # Python workers run PYSPARK_PYTHON, else "python3" from the PATH, which on a local master
    # need not be this interpreter (nor have numba and grappes). On a local master the workers
    # share this machine, so this interpreter is the right one; the context's setting is put
    # back afterwards. On a cluster, PYSPARK_PYTHON names the executors' environment.
    if not str(context.master).startswith("local") or "PYSPARK_PYTHON" in os.environ:
        result: list[tuple[int, np.ndarray]] = rdd.collect()
        return result
    previous = context.pythonExec
    context.pythonExec = sys.executable
    try:
        result = rdd.collect()
    finally:
        context.pythonExec = previous
    return result


def _run_partition(
    shared: Broadcast[Callable[[np.ndarray], np.ndarray]],
    threads: int,
    batches: Iterable[tuple[int, np.ndarray]],
) -> Iterator[tuple[int, np.ndarray]]:  # pragma: no cover - runs in Spark executors
    import numba

    # A task gets spark.task.cpus cores; numba would otherwise start a thread per core of the
    # machine in every task. The curves do not depend on the number of threads.
    most: int = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
    numba.set_num_threads(max(1, min(threads, most)))
    simulate = shared.value
    for start, seeds in batches:
        yield start, np.ascontiguousarray(simulate(seeds), dtype=np.float64)
