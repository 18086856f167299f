"""Moments in time in the observatory's database: stored in UTC, read back aware in UTC.

:class:`UtcDateTime` is the column type of every moment the store keeps
(``datasets.loaded_at``), so that SQLite and PostgreSQL hand out the same value.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.engine import Dialect

from grappes.errors import InvalidInputError

__all__ = ["UtcDateTime"]


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment in time, stored in UTC and read back timezone-aware in UTC on every database.

    PostgreSQL keeps a ``timestamp with time zone`` and hands it out in the session's time
    zone; SQLite keeps text without a zone and hands it out naive. Both are written in UTC
    (naive on SQLite, as the files written before this type hold) and come back as
    ``datetime`` with ``tzinfo=datetime.UTC``, so a page or a download shows the same value
    on both. A naive ``datetime`` is refused: its zone cannot be known.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidInputError(
                f"UtcDateTime: a moment to store must be timezone-aware; got the naive {value}"
            )
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
