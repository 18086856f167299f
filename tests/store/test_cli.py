"""``grappes db upgrade`` and ``grappes load`` (registered here as the root app will)."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from grappes.cli import db_commands
from grappes.store import models as m
from grappes.store.database import connect

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(db_commands.db, name="db")
    app.command(name="load")(db_commands.load)
    return app


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(_app(), list(args))
    return result.exit_code, " ".join(result.output.split())


def _datasets(url: str) -> list[str]:
    engine = connect(url)
    with engine.connect() as connection:
        names = connection.scalars(sa.select(m.Dataset.name).order_by(m.Dataset.id)).all()
    engine.dispose()
    return list(names)


def test_db_upgrade_builds_then_only_migrates(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'grappes.sqlite3'}"
    code, output = _run("db", "upgrade", "--database-url", url)
    assert code == 0, output
    assert "schema migrated from empty to 0005" in output
    assert "bundled data loaded" in output and "41 cluster organisations" in output
    code, output = _run("db", "upgrade", "--database-url", url)
    assert code == 0, output
    assert "schema already at revision 0005" in output
    assert "nothing loaded" in output
    assert len(_datasets(url)) == 5


def test_db_upgrade_reads_the_database_url_setting(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'from-env.sqlite3'}"
    result = runner.invoke(_app(), ["db", "upgrade"], env={"GRAPPES_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "from-env.sqlite3").is_file()


def test_db_upgrade_refuses_an_unsupported_database() -> None:
    code, output = _run("db", "upgrade", "--database-url", "mysql://u:secret@h/db")
    assert code == 3
    assert "configuration error" in output and "secret" not in output


def test_load_stores_a_table_and_refuses_a_bad_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'grappes.sqlite3'}"
    engine = connect(url)
    from grappes.store.database import upgrade

    upgrade(engine)
    engine.dispose()
    good = tmp_path / "jobs.csv"
    good.write_text("region,sector,year,employment\nMA-01,C,2020,10\nMA-02,C,2020,5\n")
    code, output = _run(
        "load", str(good), "--kind", "employment", "--name", "jobs", "--database-url", url
    )
    assert code == 0, output
    assert "loaded as dataset jobs" in output
    bad = tmp_path / "bad.csv"
    bad.write_text("region,sector,year,employment\nMA-01,C,2020,-1\nMA-02,C,20x0,5\n")
    code, output = _run(
        "load", str(bad), "--kind", "employment", "--name", "bad", "--database-url", url
    )
    assert code == 1
    # Rich may wrap the long temporary path anywhere, and the words are joined by spaces.
    assert re.search(r"bad\.csv ?: 2 problems", output), output
    assert _datasets(url) == ["jobs"]


def test_load_refuses_an_unknown_kind(tmp_path: Path) -> None:
    code, output = _run("load", "x.csv", "--kind", "firms", "--name", "x")
    assert code == 1
    assert "--kind must be employment or establishments; got 'firms'" in output


def test_load_asks_for_a_migrated_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    good = tmp_path / "jobs.csv"
    good.write_text("region,sector,year,employment\nMA-01,C,2020,10\n")
    code, output = _run(
        "load", str(good), "--kind", "employment", "--name", "jobs", "--database-url", url
    )
    assert code == 3
    assert "run `grappes db upgrade` first" in output
