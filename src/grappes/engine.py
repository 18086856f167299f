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
    from collections.abc import Mapping

    import duckdb
    import ibis.expr.types as ir
    import numpy as np
    import pandas as pd
    from ibis.backends import BaseBackend
    from ibis.expr.schema import Schema

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
        return _adopted(ibis.duckdb.connect())
    if engine.startswith("duckdb://"):
        path = engine.removeprefix("duckdb://").removeprefix("/") or None
        return _adopted(ibis.duckdb.connect(path))
    if engine == "polars":
        return ibis.polars.connect()
    if is_spark_master(engine):
        return _spark(engine)
    raise ConfigurationError(
        f"GRAPPES_ENGINE: expected 'duckdb', 'duckdb:///path.db', 'polars', 'local[N]', "
        f"'local[*]' or a Spark master URL such as 'spark://host:7077'; got {engine!r}"
    )


def _adopted(backend: BaseBackend) -> BaseBackend:
    """Make a DuckDB connection Ibis' default backend, unless the program chose one.

    Ibis computes tables that are bound to no engine (in-memory results such as the
    locational Gini's, whose last step runs in numpy) on its default backend, and opens one
    for that: a second DuckDB database in the process (about 0.016 s and a few MB) beside
    the one the program already has. Adopting the program's first connection keeps it to
    one; a default set with ``ibis.set_backend`` is left alone.
    """
    import ibis

    if ibis.options.default_backend is None:
        ibis.set_backend(backend)
    return backend


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


def _backend(expression: ir.Table) -> BaseBackend:
    from ibis.common.exceptions import IbisError

    backend: BaseBackend | None
    try:
        backend = expression._find_backend(use_default=False)
    except IbisError:  # only in-memory tables: no engine of their own
        backend = None
    return embedded() if backend is None else backend


def execute(expression: ir.Table) -> pd.DataFrame:
    """Run an Ibis table expression on the engine it is bound to and return pandas.

    Expressions built only on ``ibis.memtable`` (that is, from pandas input) have no engine
    of their own and run on :func:`embedded`.
    """
    backend: Any = _backend(expression)
    result: pd.DataFrame = backend.execute(expression)
    return result


def records(expression: ir.Table) -> list[dict[str, Any]]:
    """Run an Ibis table expression and return its rows as dictionaries of Python values.

    For the small answers of checks (a count, a first offending row): on DuckDB the rows are
    fetched straight from the engine, without pandas, whose import (about 0.25 s and 95 MB)
    would otherwise dominate a process that only reads Parquet and writes results. SQL NULL
    is ``None``. Other engines go through :func:`execute`, with NaN turned into ``None``.
    """
    backend: Any = _backend(expression)
    relation = getattr(backend, "_to_duckdb_relation", None)
    if backend.name == "duckdb" and relation is not None:
        # Ibis' public to_pyarrow / execute import pandas, and its to_pyarrow_batches calls a
        # cursor method DuckDB 2 no longer has; the relation is what both of them run.
        found = relation(expression)
        names = list(found.columns)
        return [dict(zip(names, values, strict=True)) for values in found.fetchall()]
    import pandas as pd

    frame = backend.execute(expression)
    return [
        {name: (None if pd.api.types.is_scalar(v) and pd.isna(v) else v) for name, v in r.items()}
        for r in frame.astype(object).to_dict("records")
    ]


def columns(expression: ir.Table) -> dict[str, np.ndarray]:
    """Run an Ibis table expression and return its columns as numpy arrays.

    For the small tables (one row per region x sector at most) that an indicator finishes
    in numpy. On DuckDB they are fetched without pandas; a NULL in a floating column is NaN.
    """
    import numpy as np

    backend: Any = _backend(expression)
    relation = getattr(backend, "_to_duckdb_relation", None)
    if backend.name == "duckdb" and relation is not None:
        fetched = relation(expression).fetchnumpy()
        # DuckDB masks the NULLs of a column that has some (a masked array has a ``mask``;
        # asking np.ma itself would import it, 0.03 s, for the columns that have none).
        return {
            name: (
                array.filled(np.nan)
                if getattr(array, "mask", None) is not None and array.dtype.kind == "f"
                else np.asarray(array)
            )
            for name, array in fetched.items()
        }
    frame = backend.execute(expression)
    return {name: frame[name].to_numpy() for name in frame.columns}


def memtable(data: Mapping[str, Any], schema: Schema) -> ir.Table:
    """An in-memory Ibis table of ``data`` (column name to numpy array or list) with
    ``schema``, which runs on any engine, like ``ibis.memtable``.

    ``ibis.memtable`` imports pandas even for Arrow data (through ``pyarrow.dataset``); here
    the columns go to Arrow through a private DuckDB connection, and the table is made from
    the Arrow table as ``ibis.memtable`` would make it. NaN in a floating column is NULL.
    """
    import ibis

    arrays = {name: _array(data[name], schema[name]) for name in schema.names}
    # A cursor of its own per call: DuckDB connections are not shared between threads.
    with _arrow_converter().cursor() as converter:
        converter.register("columns", arrays)
        arrow = converter.sql("SELECT * FROM columns").to_arrow_table()
    target = schema.to_pyarrow()
    if not arrow.schema.equals(target):  # casting imports pyarrow.compute: 0.07 s
        arrow = arrow.cast(target)
    try:
        import ibis.expr.operations as ops
        from ibis import util
        from ibis.formats.pyarrow import PyArrowTableProxy
    except ImportError:  # another Ibis release: its public constructor
        return ibis.memtable(arrow, schema=schema)
    name = util.gen_name("pyarrow_memtable")
    table: ir.Table = ops.InMemoryTable(
        name=name, schema=schema, data=PyArrowTableProxy(arrow)
    ).to_expr()
    return table


def _array(values: Any, dtype: Any) -> np.ndarray:
    """``values`` as a numpy array DuckDB reads as ``dtype`` (an Ibis type): None in a
    floating column becomes NaN, hence NULL; strings are Python objects."""
    import numpy as np

    if isinstance(values, np.ndarray):
        return values.astype(object) if values.dtype.kind == "U" else values
    values = list(values)
    if dtype.is_floating():
        return np.array(values, dtype=np.float64)
    if None not in values and (dtype.is_integer() or dtype.is_boolean()):
        return np.array(values, dtype=np.int64 if dtype.is_integer() else bool)
    return np.array(values, dtype=object)


def _arrow_converter() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to turn numpy columns into Arrow: Ibis' default one, which is
    the engine of an in-memory table run without naming one (``table.to_parquet(…)``), so
    that a process holds one more DuckDB database rather than two (each about 5 MB and
    10 ms to open); a private one when Ibis' default backend is not DuckDB."""
    import ibis

    default: Any = ibis.get_backend()
    connection = getattr(default, "con", None) if default.name == "duckdb" else None
    return connection if connection is not None else _private_converter()


@functools.cache
def _private_converter() -> duckdb.DuckDBPyConnection:
    import duckdb

    return duckdb.connect()
