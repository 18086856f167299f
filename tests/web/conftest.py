"""One app and one loaded SQLite database shared by the read-only web tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from grappes.settings import Settings
from grappes.web.app import create_app


@pytest.fixture(scope="package")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client of an app on its own database, built from the bundled data (~3 s)."""
    folder: Path = tmp_path_factory.mktemp("web")
    app = create_app(Settings(database_url=f"sqlite:///{folder / 'grappes.sqlite3'}"))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
    app.state.engine.dispose()
