"""Migration 0003 gives every partner of a database built at 0002 its pillar, and back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from grappes.store.database import downgrade, upgrade


def _columns(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {c["name"] for c in sa.inspect(connection).get_columns("organisation_partners")}


def test_migration_0003_classifies_the_partners_already_stored(empty_engine: Engine) -> None:
    upgrade(empty_engine, revision="0002")
    assert "pillar" not in _columns(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO organisations (id, country, name, region_inferred, search_text) "
                "VALUES ('MA-900', 'MA', 'Test cluster', false, 'test')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO organisation_partners (organisation, position, name) VALUES "
                "('MA-900', 1, 'Université Hassan II'), ('MA-900', 2, 'Tchin-Lait'), "
                "('MA-900', 3, 'OFPPT')"
            )
        )
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT name, pillar FROM organisation_partners ORDER BY position")
        ).all()
    assert [tuple(r) for r in rows] == [
        ("Université Hassan II", "research"),
        ("Tchin-Lait", "unclassified"),
        ("OFPPT", "training"),
    ]
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE organisation_partners SET pillar = 'finance' WHERE position = 1")
        )
    downgrade(empty_engine, revision="0002")
    assert "pillar" not in _columns(empty_engine)
