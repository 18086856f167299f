"""Databases for the store tests: SQLite in tmp_path always, PostgreSQL when one is given.

Every database a test gets is its own: a SQLite file in the test's ``tmp_path``, or a new
schema (dropped afterwards) in the PostgreSQL database of ``GRAPPES_TEST_DATABASE_URL``
(``tools/start_postgres.sh`` starts one and prints its URL). Without that variable the
PostgreSQL cases are skipped, saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from grappes.store.database import connect, upgrade
from grappes.store.loading import load_bundled
from tests.conftest import BACKENDS, postgresql_url


def _sqlite(folder: Path) -> Engine:
    return connect(f"sqlite:///{folder / 'grappes.sqlite3'}")


def _postgresql() -> Iterator[Engine]:
    with postgresql_url("grappes_test") as url:
        engine = connect(url)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new, empty database (no table at all)."""
    if request.param == "sqlite":
        engine = _sqlite(tmp_path)
        yield engine
        engine.dispose()
    else:
        yield from _postgresql()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine on a new database migrated to the newest schema, with no data."""
    upgrade(empty_engine)
    return empty_engine


@pytest.fixture(scope="module", params=BACKENDS)
def loaded_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database holding the bundled data, built by the module that uses it.

    Shared by the tests of one module, which only read it (loading takes a few seconds).
    """
    if request.param == "sqlite":
        engine = _sqlite(tmp_path_factory.mktemp("loaded"))
        upgrade(engine)
        load_bundled(engine)
        yield engine
        engine.dispose()
    else:
        for engine in _postgresql():
            upgrade(engine)
            load_bundled(engine)
            yield engine
