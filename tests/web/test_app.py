"""``create_app`` on a fresh database, ``grappes serve``, and the map's links."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from shapely.geometry import box
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

import grappes.web
from grappes.cli import serve_command
from grappes.reports import choropleth
from grappes.settings import Settings


def test_serve_builds_the_database_and_serves_the_home_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a fresh start: no database file yet; `grappes serve` must build it and serve `/`
    database = tmp_path / "fresh.sqlite3"
    monkeypatch.setenv("GRAPPES_DATABASE_URL", f"sqlite:///{database}")
    ran: dict[str, Any] = {}

    def fake_run(app: FastAPI, **options: Any) -> None:
        ran["app"], ran["options"] = app, options

    monkeypatch.setattr("uvicorn.run", fake_run)
    cli = typer.Typer()
    cli.command()(serve_command.serve)
    result = CliRunner().invoke(cli, ["--port", "8123"])
    assert result.exit_code == 0, result.output
    assert ran["options"] == {"host": "127.0.0.1", "port": 8123, "log_level": "info"}
    assert database.exists()
    app = ran["app"]
    with TestClient(app) as client:
        response = client.get("/")
        assert response.status_code == 200
        assert "Casablanca-Settat" in response.text
    app.state.engine.dispose()


def test_create_app_uses_the_settings(client: TestClient) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    assert isinstance(app.state.settings, Settings)
    assert str(app.state.engine.url).endswith("grappes.sqlite3")


def test_no_module_level_app_engine_or_settings() -> None:
    for module in pkgutil.iter_modules(grappes.web.__path__, "grappes.web."):
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            assert not isinstance(value, FastAPI | Engine | Settings), f"{module.name}.{name}"


def _shapes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": ["A", "B"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326"
    )


def test_choropleth_without_links_is_unchanged() -> None:
    svg = choropleth.svg(_shapes(), {"A": 1.2}, titles={"A": "a"}, label="m")
    assert "<a " not in svg
    assert svg.count("<path ") == 2


def test_choropleth_links_wrap_shapes_and_are_escaped() -> None:
    svg = choropleth.svg(
        _shapes(),
        {"A": 1.2, "B": 0.5},
        titles={"A": "a", "B": "b"},
        label="m",
        links={"A": '/regions/A?x=1&y="2"'},
    )
    assert '<a href="/regions/A?x=1&amp;y=&quot;2&quot;"><path ' in svg
    assert svg.count("<a ") == 1  # B has no address: drawn without a link
