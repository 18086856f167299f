"""Engines, migrations and the schema: up to head and back, models and migrations agree."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from grappes.errors import ConfigurationError
from grappes.store import models as m
from grappes.store.database import (
    connect,
    current_revision,
    downgrade,
    head_revision,
    migrations_config,
    upgrade,
)

MODEL_TABLES = {table.name for table in m.Base.metadata.sorted_tables}


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(sa.inspect(connection).get_table_names())


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_connect_refuses_other_databases() -> None:
    with pytest.raises(ConfigurationError, match="must be SQLite or PostgreSQL; got 'mysql"):
        connect("mysql://user:secret@localhost/db")


def test_connect_hides_the_password_of_a_refused_url() -> None:
    with pytest.raises(ConfigurationError) as caught:
        connect("oracle://user:secret@localhost/db")
    assert "secret" not in str(caught.value)


def test_connect_refuses_a_url_it_cannot_parse() -> None:
    with pytest.raises(ConfigurationError, match="could not be parsed"):
        connect("not a url")


def test_connect_refuses_a_missing_driver() -> None:
    with pytest.raises(ConfigurationError, match=r"driver of .* is not available"):
        connect("postgresql+nosuchdriver://user@localhost/db")


def test_migrations_ship_inside_the_package() -> None:
    location = Path(migrations_config().get_main_option("script_location") or "")
    assert location.parts[-3:] == ("grappes", "store", "migrations")
    assert (location / "env.py").is_file()
    assert head_revision() == "0005"


def test_upgrade_from_empty_to_head_and_back(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    assert _tables(empty_engine) == MODEL_TABLES | {"alembic_version"}
    downgrade(empty_engine, revision="base")
    assert current_revision(empty_engine) is None
    assert _tables(empty_engine) <= {"alembic_version"}
    upgrade(empty_engine)  # and up again, from a downgraded database
    assert _tables(empty_engine) == MODEL_TABLES | {"alembic_version"}


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_models_and_migrations_agree(engine: Engine) -> None:
    # What `alembic check` does: autogenerate against the migrated database finds nothing.
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, m.Base.metadata)
    assert differences == []


def test_models_and_migrations_disagree_when_a_model_changes(engine: Engine) -> None:
    # The check above can fail: a column the migrations lack is found.
    metadata = sa.MetaData()
    for table in m.Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    metadata.tables["regions"].append_column(sa.Column("population", sa.Integer()))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert [d[0] for d in differences] == ["add_column"]
    assert differences[0][3].name == "population"


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    organisation = {
        "id": "XX-001",
        "country": "MA",
        "name": "Nowhere cluster",
        "region": "MA-99",
        "region_inferred": True,
        "search_text": "nowhere cluster",
    }
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(sa.insert(m.Organisation), [organisation])


def test_check_constraints_are_enforced(engine: Engine) -> None:
    region = {"code": "X", "level": "planet", "search_text": "x"}
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(sa.insert(m.Region), [region])


def test_fold_removes_case_accents_and_arabic_diacritics() -> None:
    assert m.fold("Fès-Meknès") == "fes-meknes"
    assert m.fold("ÉCOLE") == "ecole"
    # "مَكْنَاس" with harakat and a tatweel folds to the bare letters.
    assert m.fold("مَكْـنَاس") == "مكناس"
