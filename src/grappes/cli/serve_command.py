"""``grappes serve``: run the observatory's web portal with uvicorn.

The database is ``--database-url``, else ``GRAPPES_DATABASE_URL`` (default
``sqlite:///grappes.sqlite3``). It is prepared once, before any worker starts: migrated,
and filled with the bundled data when empty; the command says where it is and, when it
built it, how long that took. Then uvicorn runs :func:`grappes.web.app.from_environment`
as a factory, so that each of ``--workers`` processes makes its own application.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from grappes.cli.output import console, reports_errors

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

#: The application factory uvicorn imports in each worker.
APP_FACTORY = "grappes.web.app:from_environment"


@reports_errors
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            help="Worker processes (each with its own database connections and cache).",
            min=1,
            max=64,
        ),
    ] = 1,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help=(
                "SQLAlchemy URL of the database: `sqlite:///path.sqlite3` or "
                "`postgresql+psycopg://user:password@host/db`. Default: "
                "GRAPPES_DATABASE_URL, else `sqlite:///grappes.sqlite3`."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the observatory (maps, profiles, open data, API) at http://HOST:PORT/.

    On first start the database is migrated and the bundled real data loaded (a few
    seconds); later starts serve at once. Stop with Ctrl+C.
    """
    import uvicorn

    from grappes.settings import Settings
    from grappes.store.database import connect, is_built

    settings = Settings() if database_url is None else Settings(database_url=database_url)
    engine = connect(settings.database_url)
    try:
        started = time.perf_counter()
        summary = None
        if not is_built(engine):
            from grappes.store.loading import ensure_database

            with console.status("Preparing the database (first start: loading the bundled data)…"):
                summary = ensure_database(engine)
        where = escape(_describe(engine))
        if summary is None:
            console.print(f"[green]✓[/] database {where}: ready", soft_wrap=True)
        else:
            console.print(
                f"[green]✓[/] database {where}: built from the bundled data in "
                f"{time.perf_counter() - started:.1f} s",
                soft_wrap=True,  # never fold the path: it is there to be copied
            )
    finally:
        engine.dispose()
    processes = "1 worker" if workers == 1 else f"{workers} workers"
    console.print(
        f"[green]✓[/] serving on [bold]http://{escape(host)}:{port}/[/] "
        f"({processes}; Ctrl+C to stop)"
    )
    # The workers read their settings from the environment (the factory takes none).
    os.environ["GRAPPES_DATABASE_URL"] = settings.database_url
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=workers, log_level="info")


def _describe(engine: Engine) -> str:
    """The database for a person: a SQLite file's absolute path, else the URL sans password."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return str(Path(url.database or "").resolve())
    return url.render_as_string(hide_password=True)
