"""A page and its JSON twin from one payload: HTML for people, JSON for programs.

A handler computes a payload (plain records, the same the JSON twin returns) and calls
:func:`page`; the address decides the form: ``/regions/MA-06.json`` gets the payload as
JSON, ``/regions/MA-06`` the template rendered with it, linking to its twin.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from grappes.i18n import pick, translator
from grappes.store.maps import BUNDLED_DATASETS
from grappes.web.i18n import visit

__all__ = ["describe_dataset", "get_session", "number", "page", "records", "twin"]

Handler = Callable[..., Response]


def get_session(request: Request) -> Iterator[Session]:
    """A database session for one request (a FastAPI dependency)."""
    with Session(request.app.state.engine) as session:
        yield session


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-ready records (missing values as ``None``)."""
    if frame.empty:
        return []
    text = frame.to_json(orient="records", date_format="iso", double_precision=15)
    result: list[dict[str, Any]] = json.loads(text)
    return result


def number(value: object, decimals: int = 0, *, language: str = "fr") -> str:
    """``value`` written with Western digits; thousands grouped (narrow space, or comma in en).

    An absent value is written as an en dash.
    """
    if value is None or isinstance(value, bool):
        return "–" if value is None else str(value)
    if not isinstance(value, int | float) or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if language == "en":
        return text
    return text.replace(",", "\u202f").replace(".", "," if language == "fr" else ".")


def page(request: Request, template: str, payload: dict[str, Any], **context: Any) -> Response:
    """Answer with ``payload`` as JSON (address ending ``.json``) or as the rendered page."""
    path: str = request.scope["path"]
    if path.endswith(".json"):
        return JSONResponse(payload)
    where = visit(request)
    language = where.language
    query = f"?{where.query}" if where.query else ""
    twin = "/index.json" if path == "/" else f"{path}.json"

    def name(row: dict[str, Any], stem: str = "name") -> str:
        return pick(
            language, fr=row.get(f"{stem}_fr"), ar=row.get(f"{stem}_ar"), en=row.get(f"{stem}_en")
        )

    def fmt(value: object, decimals: int = 0) -> str:
        return number(value, decimals, language=language)

    def dataset_label(name: str) -> str:
        return describe_dataset(name, translator(language))

    html = request.app.state.templates.get_template(template).render(
        _=translator(language),
        visit=where,
        json_link=where.link(twin) + query,
        name=name,
        fmt=fmt,
        dataset_label=dataset_label,
        **payload,
        **context,
    )
    return HTMLResponse(html)


def twin(router: APIRouter, path: str, *, name: str, summary: str) -> Callable[[Handler], Handler]:
    """Register a handler on ``router`` at ``path`` (HTML) and at its JSON twin.

    The twin of ``/`` is ``/index.json``; of any other path, the path followed by ``.json``.
    """
    json_path = "/index.json" if path == "/" else f"{path}.json"

    def register(handler: Handler) -> Handler:
        router.add_api_route(
            json_path, handler, methods=["GET"], name=f"{name}_json", summary=f"{summary} (JSON)"
        )
        router.add_api_route(path, handler, methods=["GET"], name=name, summary=summary)
        return handler

    return register


def describe_dataset(name: str, _: Callable[[str], str]) -> str:
    """A bundled dataset's name in words (``hcp-2024-establishments-region`` → "Business
    establishments, 2024 — by region"); any other (a user's) name as it is."""
    found = BUNDLED_DATASETS.get(name)
    if found is None:
        return name
    kind_code, level_code = found
    kind = {
        "establishments": _("Business establishments, 2024"),
        "employment": _("Employed population, 2014"),
    }[kind_code]
    level = {
        "region": _("by region"),
        "province": _("by province"),
        "commune": _("by commune"),
    }[level_code]
    return f"{kind} — {level}"
