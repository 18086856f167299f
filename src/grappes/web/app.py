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
from grappes.web import compare, data, errors, home, pages, profiles
from grappes.web.cache import ResponseCache, ResponseCacheMiddleware
from grappes.web.i18n import LanguageMiddleware, check_requested_language
from grappes.web.security import SecurityHeadersMiddleware

__all__ = ["create_app", "from_environment"]

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
    from grappes.store.database import connect, is_built

    engine = connect(settings.database_url)
    if not is_built(engine):
        from grappes.store.loading import ensure_database

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
        auto_reload=False,  # the templates ship with the package: no stat() per page
    )
    app.state.map_cache = {}
    app.state.response_cache = ResponseCache(engine, on_change=app.state.map_cache.clear)
    errors.install(app)
    app.include_router(home.router)
    app.include_router(profiles.router)
    app.include_router(pages.router)
    app.include_router(data.router)
    app.include_router(compare.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Added last = outermost: the language prefix is stripped before routing, every
    # response (errors included) gets the security headers, and a kept answer (headers
    # included) is given before anything else runs.
    app.add_middleware(LanguageMiddleware, default=settings.language)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(ResponseCacheMiddleware, cache=app.state.response_cache)
    return app


def from_environment() -> FastAPI:
    """Return :func:`create_app` of the settings read from the environment (``GRAPPES_*``).

    The factory ``grappes serve`` hands to uvicorn (``factory=True``), so that each worker
    process makes its own application, engine and cache when it starts.
    """
    return create_app(Settings())
