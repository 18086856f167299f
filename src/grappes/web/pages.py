"""The observatory's pages: home map, region, sector and organisation profiles, search, about.

Every page is registered twice, at its path and at the same path followed by ``.json``
(``/`` has ``/index.json``); both are answered by the same function from the same payload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError
from grappes.i18n import pick, translator
from grappes.store import queries
from grappes.web.i18n import visit
from grappes.web.render import get_session, number, page, records

__all__ = ["HOME_DATASET", "router"]

router = APIRouter()

#: The dataset the home map shows: 2024 establishments by region (HCP RGPH 2024).
HOME_DATASET: Final = "hcp-2024-establishments-region"
#: The classification of the home map's sectors.
HOME_CLASSIFICATION: Final = "HCP_ESTABLISHMENTS"
#: Rows of each dataset shown on a sector's page (all are in its JSON twin).
SHOWN_ROWS: Final = 15

SessionDependency = Annotated[Session, Depends(get_session)]
Handler = Callable[..., Response]


def twin(path: str, *, name: str, summary: str) -> Callable[[Handler], Handler]:
    """Register a handler at ``path`` (HTML) and at its JSON twin."""
    json_path = "/index.json" if path == "/" else f"{path}.json"

    def register(handler: Handler) -> Handler:
        router.add_api_route(
            json_path, handler, methods=["GET"], name=f"{name}_json", summary=f"{summary} (JSON)"
        )
        router.add_api_route(path, handler, methods=["GET"], name=name, summary=summary)
        return handler

    return register


@twin("/", name="home", summary="Map of a sector's location quotient by region")
def home(
    request: Request,
    session: SessionDependency,
    sector: Annotated[str, Query(max_length=64)] = "industry",
) -> Response:
    """Morocco's regions coloured by a sector's location quotient (2024 establishments)."""
    from grappes.data.boundaries import boundaries
    from grappes.reports import choropleth

    sectors = records(
        queries.fetch_frame(
            session,
            _sector_list_statement(),
        )
    )
    codes = [s["code"] for s in sectors]
    if sector not in codes:
        raise InvalidInputError(f"sector: expected one of {', '.join(codes)}; got {sector[:40]!r}")
    profile = queries.sector_profile(session, sector, classification=HOME_CLASSIFICATION)
    lq = profile.location_quotients
    rows = records(lq[lq["dataset"] == HOME_DATASET].sort_values("region"))
    payload = {
        "dataset": HOME_DATASET,
        "sector": profile.sector,
        "sectors": sectors,
        "regions": rows,
    }
    where = visit(request)
    language = where.language
    _ = translator(language)
    key = (sector, language, where.prefix)
    cache: dict[tuple[str, str, str], str] = request.app.state.map_cache
    if key not in cache:
        values = {r["region"]: r["location_quotient"] for r in rows}
        names = {
            r["region"]: pick(language, fr=r["name_fr"], ar=r["name_ar"], en=r["name_en"])
            for r in rows
        }
        label = pick(
            language,
            fr=profile.sector["label_fr"],
            ar=profile.sector["label_ar"],
            en=profile.sector["label_en"],
        )
        cache[key] = choropleth.svg(
            boundaries(country="MA", level="region"),
            values,
            titles={
                c: f"{n} — LQ {number(values[c], 2, language=language)}" for c, n in names.items()
            },
            label=_("Location quotient by region") + f" — {label}",
            links={c: where.link(f"/regions/{c}") for c in names},
        )
    legend = [
        (entry.colour, entry.label(lambda v: number(v, 2, language=language)))
        for entry in choropleth.legend()
    ]
    return page(request, "home.html.j2", payload, map_svg=cache[key], legend=legend)


def _sector_list_statement() -> Any:
    import sqlalchemy as sa

    from grappes.store import models as m

    return (
        sa.select(m.Sector.code, m.Sector.label_fr, m.Sector.label_ar, m.Sector.label_en)
        .where(m.Sector.classification == HOME_CLASSIFICATION)
        .order_by(m.Sector.code)
    )


@twin("/regions/{code}", name="region", summary="Profile of a region, province or commune")
def region(request: Request, session: SessionDependency, code: str) -> Response:
    """A region's specialisations, strong clusters, stars and cluster organisations."""
    profile = queries.region_profile(session, code)
    specialisations = records(profile.specialisations)
    datasets: dict[str, list[dict[str, Any]]] = {}
    for row in specialisations:
        datasets.setdefault(row["dataset"], []).append(row)
    payload = {
        "region": profile.region,
        "ancestors": records(profile.ancestors),
        "children": records(profile.children),
        "specialisations": specialisations,
        "strong_clusters": records(profile.strong_clusters),
        "stars": records(profile.stars),
        "organisations": records(profile.organisations),
    }
    return page(request, "region.html.j2", payload, by_dataset=datasets)


@twin("/sectors/{code}", name="sector", summary="Where a sector concentrates")
def sector(
    request: Request,
    session: SessionDependency,
    code: str,
    classification: Annotated[str, Query(max_length=64)] = HOME_CLASSIFICATION,
) -> Response:
    """A sector's location quotient in every region, its Herfindahl index, its strong clusters."""
    profile = queries.sector_profile(session, code, classification=classification)
    quotients = records(profile.location_quotients)
    datasets: dict[str, list[dict[str, Any]]] = {}
    for row in quotients:
        datasets.setdefault(row["dataset"], []).append(row)
    payload = {
        "sector": profile.sector,
        "sections": records(profile.sections),
        "location_quotients": quotients,
        "concentration": records(profile.concentration),
        "strong_clusters": records(profile.strong_clusters),
    }
    return page(request, "sector.html.j2", payload, by_dataset=datasets, shown_rows=SHOWN_ROWS)


@twin("/organisations/{identifier}", name="organisation", summary="A cluster organisation")
def organisation(request: Request, session: SessionDependency, identifier: str) -> Response:
    """A cluster organisation: sector, city, region, partners and source."""
    profile = queries.organisation_profile(session, identifier)
    payload = {
        "organisation": profile.organisation,
        "partners": records(profile.partners),
        "region": profile.region,
    }
    return page(request, "organisation.html.j2", payload)


@twin("/search", name="search", summary="Search regions, sectors and organisations")
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


@twin("/about", name="about", summary="How each figure is computed, with citations")
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


@twin("/docs", name="api_docs", summary="The API's endpoints (OpenAPI at /openapi.json)")
def api_docs(request: Request) -> Response:
    """A local list of the API's endpoints; the full description is ``/openapi.json``."""
    schema = request.app.openapi()
    endpoints = [
        {"method": method.upper(), "path": path, "summary": operation.get("summary", "")}
        for path, operations in schema.get("paths", {}).items()
        for method, operation in operations.items()
    ]
    return page(request, "docs.html.j2", {"openapi": "/openapi.json", "endpoints": endpoints})
