"""A bounded cache of whole responses, emptied whenever the database's data change.

The observatory's pages depend only on their address (path, query, and so the language:
it is chosen by the address, never by a cookie or a header) and on the data, which change
only when ``grappes db upgrade`` (a migration, or the bundled data) or ``grappes load``
writes. So a 200 answer to a ``GET`` can be kept and given again, as long as the data are
what they were when it was rendered. :class:`ResponseCache` holds them (one per
application, ``app.state.response_cache``) and :class:`ResponseCacheMiddleware`, the
outermost ASGI middleware, answers from it, so a hit skips routing, the database and the
templates.

How a change is seen, also when another process wrote (the CLI, another worker, a
migration): before each request the cache reads :func:`data_version`, a fingerprint of the
``datasets`` table (how many, the highest id, the latest ``loaded_at``, the rows they hold)
and of the schema's revision (Alembic's ``alembic_version``), on a connection of its own:
one query over two tables of a few rows, about 30 µs on SQLite and 145 µs on a local
PostgreSQL (the ``datasets`` part alone: 30 and 125 µs). When the fingerprint differs from
the one the entries were rendered under, every entry is dropped.
An answer is stored under the fingerprint read *before* it was rendered, and only if that
is still the current one, so an answer rendered while a load committed is never kept as
new. When the fingerprint cannot be read, the request is served uncached.

What is never kept: anything but a ``GET``; ``/static`` files (the browser keeps those);
any status but 200 (errors are rendered again each time); an answer larger than
``max_entry_bytes``. At most ``max_entries`` answers and ``max_bytes`` bytes are held; the
least recently used goes first.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from grappes.store import models as m

__all__ = ["CacheStatistics", "ResponseCache", "ResponseCacheMiddleware", "data_version"]

logger = logging.getLogger(__name__)

#: Paths never cached: static files carry their own validators and the browser keeps them.
_PASS_THROUGH: Final = ("/static/",)

#: Alembic's own table: the revision the schema is at. One row: Grappes' history has one
#: head, and :func:`grappes.store.database.upgrade` migrates to it (none before the first).
_ALEMBIC_VERSION: Final = sa.table("alembic_version", sa.column("version_num", sa.String))

_FINGERPRINT: Final = sa.select(
    sa.func.count(),
    sa.func.max(m.Dataset.id),
    sa.func.max(m.Dataset.loaded_at),
    sa.func.sum(m.Dataset.rows),
    # Read as it is: an aggregate (max) costs PostgreSQL an index scan, 30 µs more a request.
    sa.select(_ALEMBIC_VERSION.c.version_num).scalar_subquery().label("revision"),
).select_from(m.Dataset)


def data_version(connection: Connection) -> Hashable:
    """A fingerprint of the data: it changes whenever a dataset is added, replaced or
    removed, and whenever the schema is migrated.

    Every write Grappes makes to the published data goes through a dataset or a migration:
    :func:`grappes.store.loading.load_bundled` writes the whole bundle (reference tables
    included) with its datasets in one transaction, and
    :func:`grappes.store.user_data.load_user_table` adds (or replaces, with a new
    ``loaded_at``) one dataset with its results; a migration (``grappes db upgrade``) may
    change the reference tables (0003 fills the partners' pillars) without touching
    ``datasets``, and moves Alembic's ``alembic_version`` in the same transaction. One
    query reads both: the datasets' count, highest id, latest ``loaded_at`` and rows, and
    the revision.
    """
    return tuple(connection.execute(_FINGERPRINT).one())


@dataclass
class CacheStatistics:
    """What the cache did since the application started (read by tests and operators)."""

    hits: int = 0
    misses: int = 0
    stored: int = 0
    invalidations: int = 0
    uncached: int = 0


@dataclass
class _Entry:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    size: int = field(init=False)

    def __post_init__(self) -> None:
        self.size = len(self.body) + sum(len(k) + len(v) for k, v in self.headers)


class ResponseCache:
    """The kept answers, and the data version they were rendered under (see module).

    Parameters
    ----------
    engine
        The database whose data the answers show; :func:`data_version` is read on one
        connection of its own, opened on first use (:meth:`close` closes it).
    max_entries, max_bytes
        The most answers and bytes held (default 2,048 and 64 MiB).
    max_entry_bytes
        Larger answers are passed on but not kept (default 4 MiB).
    on_change
        Called when the data changed, to empty other caches of derived things.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        max_entries: int = 2048,
        max_bytes: int = 64 * 1024 * 1024,
        max_entry_bytes: int = 4 * 1024 * 1024,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.on_change = on_change
        self.statistics = CacheStatistics()
        self._entries: OrderedDict[tuple[bytes, bytes], _Entry] = OrderedDict()
        self._bytes = 0
        self._version: Hashable = None
        self._connection: Connection | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def current_version(self) -> Hashable | None:
        """The data's fingerprint, entries of an older one dropped; ``None`` when unknown."""
        try:
            if self._connection is None:
                self._connection = self.engine.connect()
            try:
                version = data_version(self._connection)
            finally:
                # End the read at once: a transaction left open would keep an old snapshot
                # (SQLite's WAL) and hold back PostgreSQL's vacuum and migrations.
                self._connection.rollback()
        except sa.exc.SQLAlchemyError:
            logger.warning("response cache: the data version cannot be read", exc_info=True)
            self.close()
            self.clear()
            self._version = None
            return None
        if version != self._version:
            if self._version is not None:
                self.statistics.invalidations += 1
            self.clear()
            self._version = version
            if self.on_change is not None:
                self.on_change()
        return version

    def get(self, key: tuple[bytes, bytes]) -> _Entry | None:
        """The answer kept for ``key`` (raw path, query string), or ``None``."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def keep(
        self,
        key: tuple[bytes, bytes],
        version: Hashable,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
    ) -> None:
        """Keep a 200 answer rendered under ``version``, unless the data changed meanwhile."""
        if version != self._version:
            return
        entry = _Entry(headers, body)
        previous = self._entries.pop(key, None)
        if previous is not None:
            self._bytes -= previous.size
        self._entries[key] = entry
        self._bytes += entry.size
        self.statistics.stored += 1
        while self._entries and (
            len(self._entries) > self.max_entries or self._bytes > self.max_bytes
        ):
            _, oldest = self._entries.popitem(last=False)
            self._bytes -= oldest.size

    def clear(self) -> None:
        """Drop every kept answer."""
        self._entries.clear()
        self._bytes = 0

    def close(self) -> None:
        """Close the connection the data version is read on (reopened when needed)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class ResponseCacheMiddleware:
    """ASGI middleware: answer from ``cache`` when it can, keep what it may (see module)."""

    def __init__(self, app: ASGIApp, *, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, self._closing_at_shutdown(receive), send)
            return
        path: str = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "GET" or path.startswith(_PASS_THROUGH):
            await self.app(scope, receive, send)
            return
        cache = self.cache
        version = cache.current_version()
        if version is None:
            cache.statistics.uncached += 1
            await self.app(scope, receive, send)
            return
        key = (scope.get("raw_path") or path.encode("utf-8"), scope.get("query_string", b""))
        entry = cache.get(key)
        if entry is not None:
            cache.statistics.hits += 1
            await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
            await send({"type": "http.response.body", "body": entry.body})
            return
        cache.statistics.misses += 1
        await self.app(scope, receive, self._capturing(send, key, version))

    def _capturing(self, send: Send, key: tuple[bytes, bytes], version: Hashable) -> Send:
        """``send``, keeping a copy of a plain 200 answer for the cache."""
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        size = 0
        keep = False

        async def capture(message: Message) -> None:
            nonlocal size, keep
            kind = message["type"]
            if kind == "http.response.start":
                keep = message["status"] == 200
                headers.extend(message.get("headers", []))
            elif kind == "http.response.body" and keep:
                body: bytes = message.get("body", b"")
                size += len(body)
                keep = size <= self.cache.max_entry_bytes
                chunks.append(body)
                if not keep:
                    chunks.clear()  # too large: passed on, not kept
                elif not message.get("more_body", False):
                    self.cache.keep(key, version, headers, b"".join(chunks))
            else:
                keep = False  # anything else (trailers, a file path to send): not kept
            await send(message)

        return capture

    def _closing_at_shutdown(self, receive: Receive) -> Receive:
        async def wrapped() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                self.cache.close()
            return message

        return wrapped
