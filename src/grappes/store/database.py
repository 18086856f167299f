"""Engines, sessions and migrations of the observatory's database, from a URL.

Nothing here is created at import time: a face (the CLI, the web app) reads
:class:`grappes.settings.Settings` and passes ``settings.database_url`` (or an
:class:`~sqlalchemy.engine.Engine` made from it) to these functions.

SQLite (the default, ``sqlite:///grappes.sqlite3``) is set up on every connection so that it
behaves as the rest of Grappes expects: foreign keys enforced (``PRAGMA foreign_keys=ON``),
write-ahead logging for a file (``PRAGMA journal_mode=WAL``: readers do not block the writer,
which a web server needs) and real transactions, DDL and savepoints included (the driver's
own implicit transaction handling is switched off and SQLAlchemy emits ``BEGIN``, as the
SQLAlchemy documentation recommends for pysqlite). PostgreSQL
(``postgresql+psycopg://user:password@host/database``) needs nothing of the kind.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from grappes.errors import ConfigurationError

__all__ = [
    "connect",
    "current_revision",
    "downgrade",
    "head_revision",
    "is_built",
    "migrations_config",
    "session_factory",
    "upgrade",
]

#: Back ends the store supports, by SQLAlchemy dialect name.
SUPPORTED_DIALECTS: tuple[str, ...] = ("sqlite", "postgresql")

#: Connections a SQLite file's engine keeps open, and how many more it may open at once
#: (together, the 40 threads of the web server's thread pool).
SQLITE_POOL_SIZE = 8
SQLITE_MAX_OVERFLOW = 32


def connect(url: str | URL, *, echo: bool = False) -> Engine:
    """Return an engine for the database at ``url``, SQLite connections set up (see module).

    Parameters
    ----------
    url
        A SQLAlchemy URL: ``sqlite:///path/to/file.sqlite3``, ``sqlite://`` (in memory) or
        ``postgresql+psycopg://user:password@host:port/database``.
    echo
        Log every SQL statement (SQLAlchemy's ``echo``). Default ``False``.

    Returns
    -------
    sqlalchemy.engine.Engine
        The engine; it opens no connection until it is used.

    Raises
    ------
    ConfigurationError
        When the URL cannot be parsed, names a database other than SQLite or PostgreSQL, or
        names a driver that is not installed. The password is never shown.

    Examples
    --------
    >>> engine = connect("sqlite://")
    >>> with engine.connect() as connection:
    ...     connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    1
    """
    who = "grappes.store.connect"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError(
            f"{who}: the database URL could not be parsed; expected e.g. "
            "'sqlite:///grappes.sqlite3' or 'postgresql+psycopg://user:password@host/db'"
        ) from None
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() not in SUPPORTED_DIALECTS:
        raise ConfigurationError(f"{who}: the database must be SQLite or PostgreSQL; got {shown!r}")
    options: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # A SQLite file: SQLAlchemy pools its connections (check_same_thread off, so that a
        # connection may serve any thread). Connections are cheap, and a web server runs up
        # to 40 requests at once in its thread pool: let each have one rather than wait.
        options.update(pool_size=SQLITE_POOL_SIZE, max_overflow=SQLITE_MAX_OVERFLOW)
    try:
        engine = sa.create_engine(parsed, **options)
    except (NoSuchModuleError, ImportError) as error:
        raise ConfigurationError(
            f"{who}: the driver of {shown!r} is not available ({error}); for PostgreSQL "
            "install psycopg 3 ('pip install psycopg[binary]') and write "
            "'postgresql+psycopg://…'"
        ) from None
    if engine.dialect.name == "sqlite":
        _set_up_sqlite(engine)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session maker bound to ``engine`` (objects stay usable after commit)."""
    return sessionmaker(engine, expire_on_commit=False)


def migrations_config(engine: Engine | None = None) -> Config:
    """Return the Alembic configuration of the migrations shipped in ``grappes.store``.

    The scripts live inside the package (``grappes/store/migrations``), so migrations run
    from an installed package as well as from a checkout; no ``alembic.ini`` is needed.
    With ``engine``, the migrations run on a connection of that engine (its SQLite set-up
    included) rather than on one the environment would make from a URL.
    """
    config = Config()
    config.set_main_option("script_location", str(files("grappes.store") / "migrations"))
    if engine is not None:
        # %-signs in a URL would be read as interpolation by ConfigParser.
        url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
        config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine, *, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (default the newest), in one transaction.

    On PostgreSQL and on SQLite (set up by :func:`connect`) DDL is transactional: a
    migration that fails leaves the database as it was.
    """
    with engine.begin() as connection:
        config = migrations_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, *, revision: str) -> None:
    """Migrate the database back to ``revision`` (``"base"`` drops every table)."""
    with engine.begin() as connection:
        config = migrations_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """Return the migration the database is at, or ``None`` when it has none."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest migration shipped with Grappes."""
    return ScriptDirectory.from_config(migrations_config()).get_current_head()


def is_built(engine: Engine) -> bool:
    """Whether the database is at the newest schema and holds data (regions or datasets).

    Then :func:`grappes.store.loading.ensure_database` has nothing to do; asking this first
    lets a web server start without importing what a load needs (the whole computing
    stack), which is most of its start-up time.
    """
    if current_revision(engine) != head_revision():
        return False
    with engine.connect() as connection:
        for table in ("regions", "datasets"):
            if connection.execute(
                sa.select(sa.literal(1)).select_from(sa.table(table)).limit(1)
            ).first():
                return True
    return False


def _set_up_sqlite(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")
