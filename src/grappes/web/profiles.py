"""The profiles: of a region (or province, or commune), of a sector, of a cluster organisation."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from grappes.store import queries
from grappes.web.home import HOME_CLASSIFICATION
from grappes.web.render import get_session, page, records, twin

__all__ = ["SHOWN_ROWS", "router"]

router = APIRouter()

#: Rows of each dataset shown on a sector's page (all are in its JSON twin).
SHOWN_ROWS: Final = 15

SessionDependency = Annotated[Session, Depends(get_session)]


@twin(router, "/regions/{code}", name="region", summary="Profile of a region, province or commune")
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


@twin(router, "/sectors/{code}", name="sector", summary="Where a sector concentrates")
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


@twin(router, "/organisations/{identifier}", name="organisation", summary="A cluster organisation")
def organisation(request: Request, session: SessionDependency, identifier: str) -> Response:
    """A cluster organisation: sector, city, region, partners and source."""
    profile = queries.organisation_profile(session, identifier)
    payload = {
        "organisation": profile.organisation,
        "partners": records(profile.partners),
        "region": profile.region,
    }
    return page(request, "organisation.html.j2", payload)
