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


def _serve(monkeypatch: pytest.MonkeyPatch, *arguments: str) -> tuple[Any, dict[str, Any]]:
    """Run ``grappes serve`` with uvicorn replaced by a stub; return its output and call."""
    ran: dict[str, Any] = {}

    def fake_run(application: str, **options: Any) -> None:
        ran["application"], ran["options"] = application, options

    monkeypatch.setattr("uvicorn.run", fake_run)
    cli = typer.Typer()
    cli.command()(serve_command.serve)
    result = CliRunner().invoke(cli, list(arguments))
    assert result.exit_code == 0, result.output
    return result, ran


def test_serve_builds_the_database_then_runs_the_factory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a fresh start: no database file yet; `grappes serve` must build it, say where it is
    # and how long that took, then hand uvicorn the factory (never an app)
    database = tmp_path / "fresh.sqlite3"
    monkeypatch.setenv("GRAPPES_DATABASE_URL", f"sqlite:///{database}")
    result, ran = _serve(monkeypatch, "--port", "8123")
    assert database.exists()
    output = " ".join(result.output.split())
    assert f"database {database.resolve()}: built from the bundled data in" in output
    assert "serving on http://127.0.0.1:8123/ (1 worker;" in output
    assert ran["application"] == "grappes.web.app:from_environment"
    assert ran["options"] == {
        "factory": True,
        "host": "127.0.0.1",
        "port": 8123,
        "workers": 1,
        "log_level": "info",
    }
    # what each worker runs: the factory, reading the same environment
    module, _, name = ran["application"].partition(":")
    app = getattr(importlib.import_module(module), name)()
    with TestClient(app) as client:
        response = client.get("/")
        assert response.status_code == 200
        assert "Casablanca-Settat" in response.text
    app.state.engine.dispose()
    # a second start finds the database built
    again, _ = _serve(monkeypatch, "--port", "8123")
    assert f"database {database.resolve()}: ready" in " ".join(again.output.split())


def test_serve_options_reach_uvicorn_and_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "other.sqlite3"
    monkeypatch.setenv("GRAPPES_DATABASE_URL", "sqlite:///elsewhere.sqlite3")
    url = f"sqlite:///{database}"
    _, ran = _serve(
        monkeypatch, "--host", "0.0.0.0", "--port", "9000", "-w", "2", "--database-url", url
    )
    assert ran["options"]["workers"] == 2
    assert (ran["options"]["host"], ran["options"]["port"]) == ("0.0.0.0", 9000)
    assert database.exists()
    # the workers read their settings from the environment: it names the chosen database
    assert Settings().database_url == url


def test_serve_refuses_bad_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPPES_DATABASE_URL", "sqlite:///never-made.sqlite3")
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("uvicorn must not run"))
    cli = typer.Typer()
    cli.command()(serve_command.serve)
    assert CliRunner().invoke(cli, ["--workers", "0"]).exit_code == 2
    assert CliRunner().invoke(cli, ["--port", "70000"]).exit_code == 2
    refused = CliRunner().invoke(cli, ["--database-url", "mysql://x@y/z"])
    assert refused.exit_code == 3
    assert "must be SQLite or PostgreSQL" in " ".join(refused.output.split())


def test_create_app_uses_the_settings(sqlite_client: TestClient) -> None:
    app = sqlite_client.app
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
