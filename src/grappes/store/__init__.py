"""The observatory's database: SQLAlchemy 2 models, Alembic migrations, loading and queries.

A SQLite file by default, PostgreSQL by URL (``GRAPPES_DATABASE_URL``). Nothing is created
at import time: every function takes an engine (see :func:`grappes.store.database.connect`)
or a session. ``docs/store.md`` describes the tables and the named queries.
"""
