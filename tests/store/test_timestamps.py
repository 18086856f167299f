"""Moments the store keeps (``datasets.loaded_at``) come back aware, in UTC, on both databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError
from grappes.store import models as m
from grappes.store.database import connect, upgrade
from grappes.store.downloads import download_table
from tests.conftest import postgresql_url

#: 05:06:07.123456 in Casablanca's summer time (UTC+1) is 04:06:07.123456 UTC.
CASABLANCA = dt.timezone(dt.timedelta(hours=1))
MOMENT = dt.datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=CASABLANCA)
IN_UTC = dt.datetime(2026, 3, 4, 4, 6, 7, 123456, tzinfo=dt.UTC)


def _dataset(loaded_at: dt.datetime, name: str = "mine") -> m.Dataset:
    return m.Dataset(
        name=name,
        kind="employment",
        origin="user",
        description="",
        source="a test",
        licence="not stated",
        strong_measures="employment_for_both",
        stars_measure="employment",
        rows=0,
        loaded_at=loaded_at,
    )


def _store(engine: Engine, loaded_at: dt.datetime) -> None:
    with Session(engine) as session, session.begin():
        session.add(_dataset(loaded_at))


def _loaded_at(engine: Engine) -> dt.datetime:
    with Session(engine) as session:
        found = session.scalars(sa.select(m.Dataset.loaded_at)).one()
    return found


def test_a_moment_is_read_back_in_utc(engine: Engine) -> None:
    _store(engine, MOMENT)
    found = _loaded_at(engine)
    assert found == IN_UTC
    assert found.tzinfo is dt.UTC
    with Session(engine) as session:  # aggregates carry the column's type, as the cache's
        latest = session.scalar(sa.select(sa.func.max(m.Dataset.loaded_at)))
    assert latest == IN_UTC and latest.tzinfo is dt.UTC


def test_the_datasets_download_gives_the_moment_in_utc(engine: Engine) -> None:
    _store(engine, MOMENT)
    with Session(engine) as session:
        column = download_table(session, "datasets").table["loaded_at"]
    assert str(column.dtype) == "datetime64[us, UTC]"
    assert column.tolist() == [pd.Timestamp("2026-03-04 04:06:07.123456", tz="UTC")]


def test_a_naive_moment_is_refused(engine: Engine) -> None:
    with pytest.raises(sa.exc.StatementError) as raised:
        _store(engine, MOMENT.replace(tzinfo=None))
    assert isinstance(raised.value.orig, InvalidInputError)
    assert str(raised.value.orig) == (
        "UtcDateTime: a moment to store must be timezone-aware; "
        "got the naive 2026-03-04 05:06:07.123456"
    )
    with Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(m.Dataset)) == 0


def test_what_a_database_already_holds_is_read_in_utc(engine: Engine) -> None:
    # As written before this column type: naive UTC text on SQLite, a timestamp with time
    # zone on PostgreSQL, read here in a session whose time zone is not UTC.
    _store(engine, IN_UTC)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            stored = connection.exec_driver_sql("SELECT loaded_at FROM datasets").scalar()
            assert stored == "2026-03-04 04:06:07.123456"
        else:
            connection.exec_driver_sql("SET TIME ZONE 'Africa/Casablanca'")
        found = connection.execute(sa.select(m.Dataset.loaded_at)).scalar_one()
    assert found == IN_UTC and found.tzinfo is dt.UTC


def test_sqlite_and_postgresql_give_identical_datasets(tmp_path: Path) -> None:
    with postgresql_url("grappes_time") as url:
        engines = [connect(f"sqlite:///{tmp_path / 'grappes.sqlite3'}"), connect(url)]
        try:
            tables = []
            for engine in engines:
                upgrade(engine)
                _store(engine, MOMENT)
                with Session(engine) as session:
                    tables.append(download_table(session, "datasets").table)
        finally:
            for engine in engines:
                engine.dispose()
    on_sqlite, on_postgresql = tables
    pd.testing.assert_frame_equal(on_sqlite, on_postgresql)
    assert on_sqlite["loaded_at"].tolist() == [pd.Timestamp(IN_UTC)]
