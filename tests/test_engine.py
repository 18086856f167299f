"""``grappes.engine.connect``: which engine computes results bound to none."""

from __future__ import annotations

import subprocess
import sys

# Fresh processes: Ibis' default backend is process-wide, and another test may have set it.
_ADOPTS = """
import ibis
from grappes import engine
from grappes.indicators.gini_coefficients import locational_gini
con = engine.connect("duckdb")
con.raw_sql("CREATE TABLE t AS SELECT * FROM (VALUES ('a', 'x', 1.0), ('a', 'y', 3.0), "
            "('b', 'x', 2.0), ('b', 'y', 2.0)) AS v(region, sector, employment)")
result = locational_gini(con.table("t"))  # finished in numpy: an in-memory table
result.to_parquet(__import__("sys").argv[1])  # runs on Ibis' default backend
print(ibis.get_backend() is con)
"""

_KEEPS = """
import ibis
from grappes import engine
chosen = ibis.duckdb.connect()
ibis.set_backend(chosen)
con = engine.connect("duckdb")
print(ibis.get_backend() is chosen, ibis.get_backend() is con)
"""


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_first_duckdb_connection_computes_in_memory_results(tmp_path: object) -> None:
    # Otherwise Ibis opens a second DuckDB database for them (about 0.016 s and a few MB).
    assert _run(_ADOPTS, f"{tmp_path}/gini.parquet") == "True"


def test_a_default_backend_the_program_chose_is_kept() -> None:
    assert _run(_KEEPS) == "True False"
