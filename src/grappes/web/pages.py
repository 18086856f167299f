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

from grappes.store import search as search_queries
from grappes.web.render import get_session, page, records, twin

__all__ = ["METHODS", "router"]

router = APIRouter()

SessionDependency = Annotated[Session, Depends(get_session)]


@twin(router, "/search", name="search", summary="Search regions, sectors and organisations")
def search(
    request: Request,
    session: SessionDependency,
    q: Annotated[str | None, Query(max_length=search_queries.MAX_SEARCH_LENGTH)] = None,
) -> Response:
    """Regions, sectors and organisations whose names or codes contain ``q``."""
    results = [] if not q else records(search_queries.search(session, q))
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
    """Methods: how each figure the site shows is computed, with its citation; sources."""
    payload = {"methods": METHODS}
    return page(request, "about.html.j2", payload)


#: Every figure the pages show, how it is computed and its citation; ``anchor`` is the
#: section of the about page that says it in words (a test checks that each is there).
METHODS: Final[list[dict[str, str]]] = [
    {
        "figure": "location_quotient",
        "anchor": "location-quotient",
        "rule": "LQ = (e_rs / e_r) / (E_s / E), shares of the region's and the country's totals",
        "citation": "Isard (1960); Balassa (1965)",
    },
    {
        "figure": "strong_cluster",
        "anchor": "strong-clusters",
        "rule": "LQ >= 75th percentile of the sector's LQs and >= 1; employment and "
        "establishments above their 25th percentiles",
        "citation": "US Cluster Mapping Project; Delgado, Porter & Stern (2016)",
    },
    {
        "figure": "stars",
        "anchor": "stars",
        "rule": "size: top 10 % by size; specialisation: LQ >= 2; focus: top 10 % by the "
        "sector's share of the region",
        "citation": "European Cluster Observatory (Stockholm School of Economics, "
        "Center for Strategy and Competitiveness)",
    },
    {
        "figure": "herfindahl",
        "anchor": "herfindahl",
        "rule": "H = sum over regions of (e_rs / E_s)^2; normalised (H - 1/n) / (1 - 1/n); "
        "equivalent number 1/H",
        "citation": "Herfindahl (1950); Hirschman (1945)",
    },
    {
        "figure": "locational_gini",
        "anchor": "locational-gini",
        "rule": "G_s = 1/4 sum_r sum_r' |s_r x_r' - s_r' x_r|, s_r = e_rs / E_s, "
        "x_r = e_r / E; 0 to 0.5",
        "citation": "Krugman (1991), Geography and Trade, app. D; Audretsch & Feldman (1996)",
    },
    {
        "figure": "krugman",
        "anchor": "krugman",
        "rule": "K_s = sum_r |e_rs / E_s - (e_r - e_rs) / (E - E_s)|; 0 to 2",
        "citation": "Krugman (1991), Geography and Trade",
    },
    {
        "figure": "micro_clusters",
        "anchor": "micro-clusters",
        "rule": "Gi* of each commune's LQ, binary contiguity weights with a self-weight "
        "of 1; 9,999 conditional permutations, seed 0; Benjamini-Hochberg FDR 5 %; "
        "hot spots with LQ >= 1, joined when contiguous",
        "citation": "Getis & Ord (1992); Ord & Getis (1995); Benjamini & Hochberg (1995)",
    },
    {
        "figure": "lifecycle",
        "anchor": "lifecycle",
        "rule": "g = (x1 / x0)^(1 / (t1 - t0)) - 1; emergence: small, g_emp >= 5 %, "
        "g_est >= 5 %, diversity rising; growth: g_emp >= 1 %, g_est > -1 %; decline: "
        "g_emp <= -1 %, g_est < 1 %, diversity not rising; else sustainment. Quadrant: "
        "LQ1 >= 1 or < 1, LQ change > 0 or <= 0",
        "citation": "Menzel & Fornahl (2010); Indiana Business Research Center, "
        "Innovation in American Regions (2007)",
    },
    {
        "figure": "compare_highest",
        "anchor": "compare",
        "rule": "highest = max of a row's values, marked when the row holds at least two "
        "values that differ",
        "citation": "Grappes (presentation rule)",
    },
    {
        "figure": "benchmark_per_cluster",
        "anchor": "benchmark",
        "rule": "per cluster = figure / number of clusters, both given by the paper for the "
        "same programme (92,000 enterprises / 69 poles); never across programmes or years",
        "citation": "the paper's country figures (grappes.data.benchmarks)",
    },
    {
        "figure": "partner_pillar",
        "anchor": "partner-pillars",
        "rule": "first group whose keyword is a word of the name (or of its full name): "
        "training, research, support, industry; else not classified",
        "citation": "Grappes (grappes.data.pillars); pillars after the paper (industry, "
        "research, training)",
    },
    {
        "figure": "organisation_themes",
        "anchor": "themes",
        "rule": "sector text cut at / ; , & and 'and'; ISIC Rev.4 section of the first "
        "keyword found (grappes.data.themes)",
        "citation": "United Nations, ISIC Rev.4 (2008)",
    },
    {
        "figure": "ellison_glaeser",
        "anchor": "ellison-glaeser",
        "rule": "gamma = (G - (1 - sum x_r^2) H) / ((1 - sum x_r^2)(1 - H)); not computed: "
        "needs each establishment's employment",
        "citation": "Ellison & Glaeser (1997)",
    },
    {
        "figure": "kd",
        "anchor": "kd",
        "rule": "kernel density of the distances between the sector's establishments "
        "against random draws; not computed: needs their locations",
        "citation": "Duranton & Overman (2005)",
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
