"""Migration 0004 gives every organisation of a database built at 0003 its member count,
and back; loading fills the same columns."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from grappes.store.database import downgrade, upgrade

_COLUMNS = {"members", "members_qualifier", "members_year", "members_founding"}


def _columns(engine: Engine, table: str = "organisations") -> set[str]:
    with engine.connect() as connection:
        return {c["name"] for c in sa.inspect(connection).get_columns(table)}


def test_migration_0004_reads_the_members_of_the_organisations_already_stored(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine, revision="0003")
    assert not _columns(empty_engine) & _COLUMNS
    with empty_engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO organisations (id, country, name, region_inferred, status_note, "
                "search_text) VALUES "
                "('MA-900', 'MA', 'One', false, 'ECEI Bronze 2012; 42 members', 'one'), "
                "('MA-901', 'MA', 'Two', false, "
                "'>200 members and 50 collaborative projects (2022)', 'two'), "
                "('DZ-900', 'DZ', 'Three', false, 'launched 24 May 2017 with 16 members', 'x'), "
                "('TN-900', 'TN', 'Four', false, '96 firms; 9 institutions', 'four'), "
                "('TN-901', 'TN', 'Five', false, NULL, 'five')"
            )
        )
        # A partner must survive: SQLite must not copy (drop) the organisations table.
        connection.execute(
            sa.text(
                "INSERT INTO organisation_partners (organisation, position, name, pillar) "
                "VALUES ('MA-900', 1, 'OFPPT', 'training')"
            )
        )
    upgrade(empty_engine, revision="0004")
    with empty_engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT id, members, members_qualifier, members_year, members_founding "
                "FROM organisations ORDER BY id"
            )
        ).all()
        partners = connection.execute(sa.text("SELECT count(*) FROM organisation_partners"))
        assert partners.scalar() == 1
    assert [(r[0], r[1], r[2], r[3], None if r[4] is None else bool(r[4])) for r in rows] == [
        ("DZ-900", 16, "exact", 2017, True),
        ("MA-900", 42, "exact", None, False),
        ("MA-901", 200, "more_than", 2022, False),
        ("TN-900", None, None, None, None),
        ("TN-901", None, None, None, None),
    ]
    refused = [
        "members_qualifier = 'roughly'",  # not a qualifier
        "members = NULL",  # a qualifier without a count
        "members = 0",
        "members_founding = NULL",
    ]
    for change in refused:
        with pytest.raises(IntegrityError), empty_engine.begin() as connection:
            connection.execute(sa.text(f"UPDATE organisations SET {change} WHERE id = 'MA-900'"))
    with empty_engine.begin() as connection:  # a count with no year is allowed
        connection.execute(sa.text("UPDATE organisations SET members_year = NULL"))
    downgrade(empty_engine, revision="0003")
    assert not _columns(empty_engine) & _COLUMNS
    with empty_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM organisations")).scalar() == 5
        partners = connection.execute(sa.text("SELECT count(*) FROM organisation_partners"))
        assert partners.scalar() == 1
    upgrade(empty_engine)  # and up again, from the downgraded database
    assert _columns(empty_engine) >= _COLUMNS
