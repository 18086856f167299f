"""Shared test settings: tolerances, where the shared reference material lives, and the
PostgreSQL the store and web tests run on when ``GRAPPES_TEST_DATABASE_URL`` names one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

#: Relative and absolute tolerances shared by the numeric tests.
RTOL = 1e-9
ATOL = 1e-12

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(__file__).resolve().parent / "reference"

#: The databases the store and web tests run on.
BACKENDS = ("sqlite", "postgresql")
PG_VARIABLE = "GRAPPES_TEST_DATABASE_URL"
PG_SKIP = (
    f"PostgreSQL not tested: set {PG_VARIABLE} to a postgresql+psycopg:// URL "
    "(tools/start_postgres.sh starts a local server and prints one)"
)


@contextmanager
def postgresql_url(prefix: str = "grappes_test") -> Iterator[str]:
    """The URL of a new, empty schema of the test PostgreSQL, dropped on exit (or skip)."""
    from sqlalchemy.engine import make_url

    from grappes.store.database import connect

    url = os.environ.get(PG_VARIABLE)
    if not url:
        pytest.skip(PG_SKIP)
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = connect(url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def reference_dir() -> Path:
    """Folder of small reference inputs and expected values (see its README)."""
    return REFERENCE


@pytest.fixture(scope="session")
def spark_connection() -> Any:
    """An Ibis connection to a local two-core Spark, shared by the whole session."""
    from grappes.engine import connect

    return connect("local[2]")
