"""The observatory's reference pages: search, about (methods and citations), the API's list.

Every page is registered twice, at its path and at the same path followed by ``.json``
(:func:`grappes.web.render.twin`); both are answered by the same function from the same
payload. The map is in :mod:`grappes.web.home`, the profiles in :mod:`grappes.web.profiles`.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from grappes.store import queries
from grappes.web.render import get_session, page, records, twin

__all__ = ["METHODS", "router"]

router = APIRouter()

SessionDependency = Annotated[Session, Depends(get_session)]


@twin(router, "/search", name="search", summary="Search regions, sectors and organisations")
def search(
    request: Request,
    session: SessionDependency,
    q: Annotated[str | None, Query(max_length=queries.MAX_SEARCH_LENGTH)] = None,
) -> Response:
    """Regions, sectors and organisations whose names or codes contain ``q``."""
    results = [] if not q else records(queries.search(session, q))
    for row in results:
        row["href"] = _result_path(row)
    payload = {"query": q, "results": results}
    return page(request, "search.html.j2", payload)


def _result_path(row: dict[str, Any]) -> str:
    from urllib.parse import quote

    code = quote(str(row["code"]), safe="")
    if row["kind"] == "region":
        return f"/regions/{code}"
    if row["kind"] == "sector":
        return f"/sectors/{code}?classification={quote(str(row['classification']), safe='')}"
    return f"/organisations/{code}"


@twin(router, "/about", name="about", summary="How each figure is computed, with citations")
def about(request: Request) -> Response:
    """Methods: location quotient, strong clusters, stars, Herfindahl index; sources."""
    payload = {"methods": METHODS}
    return page(request, "about.html.j2", payload)


#: The methods the pages use, with their citations (the about page says them in words).
METHODS: Final[list[dict[str, str]]] = [
    {
        "figure": "location_quotient",
        "rule": "LQ = (e_rs / e_r) / (E_s / E), shares of the region's and the country's totals",
        "citation": "Isard (1960); Balassa (1965)",
    },
    {
        "figure": "strong_cluster",
        "rule": "LQ >= 75th percentile of the sector's LQs and >= 1; employment and "
        "establishments above their 25th percentiles",
        "citation": "US Cluster Mapping Project; Delgado, Porter & Stern (2016)",
    },
    {
        "figure": "stars",
        "rule": "size: top 10 % by size; specialisation: LQ >= 2; focus: top 10 % by the "
        "sector's share of the region",
        "citation": "European Cluster Observatory (Stockholm School of Economics, "
        "Center for Strategy and Competitiveness)",
    },
    {
        "figure": "herfindahl",
        "rule": "H = sum over regions of (e_rs / E_s)^2; normalised (H - 1/n) / (1 - 1/n); "
        "equivalent number 1/H",
        "citation": "Herfindahl (1950); Hirschman (1945)",
    },
]


@twin(router, "/docs", name="api_docs", summary="The API's endpoints (OpenAPI at /openapi.json)")
def api_docs(request: Request) -> Response:
    """A local list of the API's endpoints; the full description is ``/openapi.json``."""
    schema = request.app.openapi()
    endpoints = [
        {"method": method.upper(), "path": path, "summary": operation.get("summary", "")}
        for path, operations in schema.get("paths", {}).items()
        for method, operation in operations.items()
    ]
    return page(request, "docs.html.j2", {"openapi": "/openapi.json", "endpoints": endpoints})
