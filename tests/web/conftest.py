"""Apps for the web tests, on SQLite always and on PostgreSQL when one is given.

``client`` is parametrised over both databases, so every test that takes it runs twice:
on a SQLite file in a temporary folder, and on a new schema (dropped afterwards) of the
PostgreSQL database named by ``GRAPPES_TEST_DATABASE_URL`` (``tools/start_postgres.sh``
starts one and prints its URL; ``make test`` does so where it can). Without that variable
the PostgreSQL cases are skipped, saying why. One database of each kind, built from the
bundled data (a few seconds), is shared by the package's read-only tests; a test that
writes takes ``fresh_app``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from grappes.settings import Settings
from grappes.web.app import create_app
from tests.conftest import BACKENDS, postgresql_url


@contextmanager
def app_on(backend: str, folder: Path) -> Iterator[FastAPI]:
    """A new app on a new database of ``backend`` (SQLite in ``folder``), built from the bundle."""
    sqlite = nullcontext(f"sqlite:///{folder / 'grappes.sqlite3'}")
    with postgresql_url("grappes_web") if backend == "postgresql" else sqlite as url:
        app = create_app(Settings(database_url=url))
        try:
            yield app
        finally:
            app.state.response_cache.close()
            app.state.engine.dispose()


def _client(backend: str, folder: Path) -> Iterator[TestClient]:
    with app_on(backend, folder) as app, TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="package")
def sqlite_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client of an app on a SQLite file built from the bundled data (~3 s)."""
    yield from _client("sqlite", tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="package")
def postgresql_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client of an app on a PostgreSQL schema built from the bundled data (or skip)."""
    yield from _client("postgresql", tmp_path_factory.mktemp("web"))


@pytest.fixture(params=BACKENDS)
def fresh_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FastAPI]:
    """A new app on a database of its own (SQLite, then PostgreSQL), for a test that writes."""
    with app_on(request.param, tmp_path) as app:
        yield app


@pytest.fixture(scope="package", params=BACKENDS)
def client(request: pytest.FixtureRequest) -> TestClient:
    """A client of an app on its own database: SQLite, then PostgreSQL (see module)."""
    found: TestClient = request.getfixturevalue(f"{request.param}_client")
    return found
