"""Alembic's environment for ``grappes.store``: run the migrations on one connection.

:func:`grappes.store.database.upgrade` passes a connection (of an engine made by
:func:`grappes.store.database.connect`) in ``config.attributes["connection"]``; without one,
the environment makes an engine from ``sqlalchemy.url``. SQL-script (offline) mode is not
supported: the observatory always migrates a live database.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from grappes.errors import ConfigurationError
from grappes.store.database import connect
from grappes.store.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite alters a table by copying it; batch mode lets later migrations do so.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        raise ConfigurationError(
            "grappes.store migrations: offline (--sql) mode is not supported; run them on "
            "a database with 'grappes db upgrade'"
        )
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise ConfigurationError(
            "grappes.store migrations: no database; give 'sqlalchemy.url' or a connection"
        )
    engine = connect(url)
    try:
        with engine.begin() as own:
            _run(own)
    finally:
        engine.dispose()


_main()
