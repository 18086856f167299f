"""``grappes serve``: run the observatory's web portal with uvicorn.

The database is ``GRAPPES_DATABASE_URL`` (default ``sqlite:///grappes.sqlite3``); it is
created and filled with the bundled data on first start.
"""

from __future__ import annotations

from typing import Annotated

import typer

from grappes.cli.output import console, reports_errors


@reports_errors
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
) -> None:
    """Serve the observatory (maps, profiles, open data, API) at http://HOST:PORT/.

    On first start the database is migrated and the bundled real data loaded (a few
    seconds); later starts serve at once. Stop with Ctrl+C.
    """
    import uvicorn

    from grappes.settings import Settings
    from grappes.web.app import create_app

    with console.status("Preparing the database…"):
        app = create_app(Settings())
    console.print(f"[green]✓[/] serving on http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="info")
