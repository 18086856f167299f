"""Where tables live and are computed: an embedded engine by default, Apache Spark on demand.

Every analysis in Grappes is written once, as an Ibis expression. This module is the one
switch that decides which engine runs it; no other module knows.

- ``duckdb`` (default): DuckDB in this process, in memory; ``duckdb:///path.db`` for a file.
- ``polars``: Ibis' Polars backend (no window functions in Ibis 12; Grappes' indicators use
  group-by and join forms only, so they run there too).
- ``local[N]``, ``local[*]`` or ``spark://host:port``: Apache Spark through PySpark (needs the
  ``spark`` extra and Java 17).

pandas tables given to an indicator are computed on a private in-process DuckDB connection,
so a notebook user never has to think about engines.
"""

from __future__ import annotations

import functools
import re
import tempfile
from typing import TYPE_CHECKING, Any

from grappes.errors import ConfigurationError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd
    from ibis.backends import BaseBackend

#: The Spark master URLs Grappes accepts (checked before any JVM starts).
SPARK_MASTER = re.compile(
    r"local(\[(\*|[1-9]\d*)(,\s*\d+)?\])?"  # local, local[N], local[*], local[N,F], local[*,F]
    r"|local-cluster\[\d+,\s*\d+,\s*\d+\]"  # Spark's multi-process local test cluster
    r"|spark://[^\s/:,]+(:\d+)?(,[^\s/:,]+(:\d+)?)*"  # standalone, with standby masters
    r"|yarn"
    r"|k8s://\S+"
)


def is_spark_master(name: str) -> bool:
    """Whether ``name`` is a Spark master URL of a form Spark accepts."""
    return SPARK_MASTER.fullmatch(name) is not None


def connect(engine: str = "duckdb") -> BaseBackend:
    """Return an Ibis connection to the engine named by ``engine``.

    Parameters
    ----------
    engine
        ``duckdb``, ``duckdb:///path.db``, ``polars``, ``local[N]``, ``local[*]`` or a Spark
        master URL such as ``spark://host:7077``. The CLI passes ``Settings().engine``
        (``GRAPPES_ENGINE``).

    Returns
    -------
    ibis.backends.BaseBackend
        A connection; create tables on it with ``con.create_table`` or ``con.read_parquet``.

    Raises
    ------
    ConfigurationError
        When the name is not one of the forms above, or Spark is asked for and PySpark is
        not installed.

    Examples
    --------
    >>> con = connect("duckdb")
    >>> con.name
    'duckdb'
    """
    import ibis

    if engine == "duckdb":
        return ibis.duckdb.connect()
    if engine.startswith("duckdb://"):
        return ibis.duckdb.connect(engine.removeprefix("duckdb://").removeprefix("/") or None)
    if engine == "polars":
        return ibis.polars.connect()
    if is_spark_master(engine):
        return _spark(engine)
    raise ConfigurationError(
        f"GRAPPES_ENGINE: expected 'duckdb', 'duckdb:///path.db', 'polars', 'local[N]', "
        f"'local[*]' or a Spark master URL such as 'spark://host:7077'; got {engine!r}"
    )


def _spark(master: str) -> BaseBackend:
    import ibis

    try:
        from pyspark.sql import SparkSession
    except ModuleNotFoundError as error:
        raise ConfigurationError(
            f"GRAPPES_ENGINE={master!r} needs Apache Spark: pip install 'grappes[spark]' "
            "(and a Java 17 runtime)"
        ) from error
    builder = SparkSession.builder.master(master).appName("grappes")
    if master.startswith("local"):
        # A local session would otherwise create ./spark-warehouse wherever it is started;
        # a fresh folder per process keeps tables of an earlier run from colliding.
        warehouse = tempfile.mkdtemp(prefix="grappes-spark-warehouse-")
        builder = builder.config("spark.sql.warehouse.dir", warehouse)
    builder = (
        builder.config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
    )
    try:
        session = builder.getOrCreate()
    except Exception as error:
        raise ConfigurationError(
            f"GRAPPES_ENGINE={master!r}: Spark could not start ({type(error).__name__}: "
            f"{str(error).splitlines()[0] if str(error) else 'no message'}). Check the master "
            "URL and that Java 17 is installed."
        ) from error
    return ibis.pyspark.connect(session)


@functools.cache
def _embedded() -> BaseBackend:
    import ibis

    return ibis.duckdb.connect()


def embedded() -> BaseBackend:
    """Return the private in-process DuckDB connection that computes pandas inputs."""
    return _embedded()


def execute(expression: ir.Table) -> pd.DataFrame:
    """Run an Ibis table expression on the engine it is bound to and return pandas.

    Expressions built only on ``ibis.memtable`` (that is, from pandas input) have no engine
    of their own and run on :func:`embedded`.
    """
    from ibis.common.exceptions import IbisError

    backend: Any
    try:
        backend = expression._find_backend(use_default=False)
    except IbisError:  # only in-memory tables: no engine of their own
        backend = None
    if backend is None:
        backend = embedded()
    result: pd.DataFrame = backend.execute(expression)
    return result
