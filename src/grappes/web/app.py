"""``create_app(settings)``: the FastAPI application of the observatory.

The application is made by a function, never at import time: its database engine, its
templates and its settings hang on ``app.state``. On first start the database named by
``settings.database_url`` is migrated and filled with the bundled real data
(:func:`grappes.store.loading.ensure_database`), so a fresh start serves pages at once.

No request leaves the machine: FastAPI's Swagger and ReDoc pages (which load their scripts
from a CDN) are switched off; ``/openapi.json`` serves the API description and ``/docs`` a
local page listing the endpoints.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader

from grappes import __version__
from grappes.settings import Settings
from grappes.web import data, errors, home, pages, profiles
from grappes.web.i18n import LanguageMiddleware, check_requested_language
from grappes.web.security import SecurityHeadersMiddleware

__all__ = ["create_app"]

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings) -> FastAPI:
    """Return the observatory's web application, its database built if it was empty.

    Parameters
    ----------
    settings
        ``settings.database_url`` names the database (a SQLite file by default,
        PostgreSQL by URL); ``settings.language`` is the language of a page whose address
        names none (French by default).

    Examples
    --------
    >>> from fastapi.testclient import TestClient  # doctest: +SKIP
    >>> app = create_app(Settings(database_url="sqlite:///tmp/grappes.sqlite3"))  # doctest: +SKIP
    >>> TestClient(app).get("/regions/MA-06.json").json()["region"]["name_fr"]  # doctest: +SKIP
    'Casablanca-Settat'
    """
    from grappes.store.database import connect
    from grappes.store.loading import ensure_database

    engine = connect(settings.database_url)
    ensure_database(engine)

    app = FastAPI(
        title="Grappes — cluster observatory of the Maghreb",
        version=__version__,
        description=(
            "Every page of the observatory has a JSON twin at the same path followed by "
            "`.json`; open-data tables are served as CSV, JSON and SDMX-CSV under `/data`. "
            'Errors have one shape: `{"error": {"status", "code", "message"}}`.'
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        dependencies=[Depends(check_requested_language)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.templates = Environment(
        loader=PackageLoader("grappes.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    app.state.map_cache = {}
    errors.install(app)
    app.include_router(home.router)
    app.include_router(profiles.router)
    app.include_router(pages.router)
    app.include_router(data.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Added last = outermost: the language prefix is stripped before routing, and every
    # response (errors included) gets the security headers.
    app.add_middleware(LanguageMiddleware, default=settings.language)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
