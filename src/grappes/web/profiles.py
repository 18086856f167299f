"""The profiles: of a region (or province, or commune), of a sector, of a cluster organisation.

A region's profile shows its specialisations (a bar chart of its location quotients beside
the table of the same figures), the strong clusters and stars of it and of the units one
level below it, their lifecycle stages where a dataset has several years, the
micro-clusters of communes touching it and the cluster organisations located there. A
sector's profile shows where it concentrates (charts and tables of its highest location
quotients), its concentration indices, what the other indices would need, and its
micro-clusters. The charts are drawn by :mod:`grappes.reports.bar_chart`; the figures come
from :mod:`grappes.store.queries` and :mod:`grappes.store.micro_clusters`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from grappes.data.pillars import PARTNER_PILLARS
from grappes.i18n import direction, pick, translator
from grappes.reports.bar_chart import Bar, bar_chart
from grappes.reports.code_words import code_words
from grappes.store import micro_clusters, queries
from grappes.store.organisations import organisation_profile
from grappes.web.home import HOME_CLASSIFICATION
from grappes.web.i18n import visit
from grappes.web.render import get_session, number, page, records, twin

__all__ = ["SHOWN_ROWS", "router"]

router = APIRouter()

#: Rows of each dataset shown on a sector's page (all are in its JSON twin).
SHOWN_ROWS: Final = 15

SessionDependency = Annotated[Session, Depends(get_session)]
Chart = Callable[..., Markup]


@twin(router, "/regions/{code}", name="region", summary="Profile of a region, province or commune")
def region(request: Request, session: SessionDependency, code: str) -> Response:
    """A region's specialisations, strong clusters, stars, lifecycle, micro-clusters and
    cluster organisations."""
    profile = queries.region_profile(session, code)
    micro = micro_clusters.region_micro_clusters(session, code)
    specialisations = records(profile.specialisations)
    micro_payload = _micro_payload(micro)
    payload: dict[str, Any] = {
        "region": profile.region,
        "ancestors": records(profile.ancestors),
        "children": records(profile.children),
        "specialisations": specialisations,
        "strong_clusters": records(profile.strong_clusters),
        "stars": records(profile.stars),
        "lifecycle": records(profile.lifecycle),
        "micro_clusters": micro_payload,
        "organisations": records(profile.organisations),
    }
    return page(
        request,
        "region.html.j2",
        payload,
        by_dataset=_by_dataset(specialisations),
        micro=_grouped(micro_payload),
        words=code_words(translator(visit(request).language)),
        chart=_chart_maker(request),
    )


@twin(router, "/sectors/{code}", name="sector", summary="Where a sector concentrates")
def sector(
    request: Request,
    session: SessionDependency,
    code: str,
    classification: Annotated[str, Query(max_length=64)] = HOME_CLASSIFICATION,
) -> Response:
    """A sector's location quotient in every region, its concentration indices, its strong
    clusters and its micro-clusters."""
    profile = queries.sector_profile(session, code, classification=classification)
    micro = micro_clusters.sector_micro_clusters(session, code, classification=classification)
    quotients = records(profile.location_quotients)
    micro_payload = _micro_payload(micro)
    payload: dict[str, Any] = {
        "sector": profile.sector,
        "sections": records(profile.sections),
        "location_quotients": quotients,
        "concentration": records(profile.concentration),
        "strong_clusters": records(profile.strong_clusters),
        "micro_clusters": micro_payload,
    }
    return page(
        request,
        "sector.html.j2",
        payload,
        by_dataset=_by_dataset(quotients),
        shown_rows=SHOWN_ROWS,
        micro=_grouped(micro_payload),
        chart=_chart_maker(request),
    )


@twin(router, "/organisations/{identifier}", name="organisation", summary="A cluster organisation")
def organisation(request: Request, session: SessionDependency, identifier: str) -> Response:
    """A cluster organisation: sector and themes, city, region, partners by pillar, history
    and sources."""
    profile = organisation_profile(session, identifier)
    partners = records(profile.partners)
    payload = {
        "organisation": profile.organisation,
        "themes": records(profile.themes),
        "partners": partners,
        "pillars": [
            {"pillar": pillar, "partners": [p for p in partners if p["pillar"] == pillar]}
            for pillar in PARTNER_PILLARS
        ],
        "events": records(profile.events),
        "source": profile.source,
        "region": profile.region,
    }
    return page(request, "organisation.html.j2", payload)


def _by_dataset(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    datasets: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        datasets.setdefault(row["dataset"], []).append(row)
    return datasets


def _micro_payload(found: micro_clusters.MicroClusters) -> dict[str, list[dict[str, Any]]]:
    return {
        "runs": records(found.runs),
        "clusters": records(found.clusters),
        "members": records(found.members),
    }


def _grouped(micro: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Each micro-cluster with its communes (``communes``), in the payload's order."""
    members: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in micro["members"]:
        key = (row["dataset"], row["sector"], row["year"], row["cluster"])
        members.setdefault(key, []).append(row)
    return [
        {**c, "communes": members.get((c["dataset"], c["sector"], c["year"], c["cluster"]), [])}
        for c in micro["clusters"]
    ]


def _chart_maker(request: Request) -> Chart:
    """``chart(rows, …)``: the bar chart of rows' location quotients, in the page's language.

    Called by the templates, so that a JSON twin never draws one.
    """
    language = visit(request).language
    _ = translator(language)

    def chart(
        rows: list[dict[str, Any]], *, identifier: str, title: str, stem: str, code: str
    ) -> Markup:
        bars = [
            Bar(
                label=pick(
                    language,
                    fr=row.get(f"{stem}_fr"),
                    ar=row.get(f"{stem}_ar"),
                    en=row.get(f"{stem}_en"),
                )
                or str(row[code]),
                value=row["location_quotient"],
                text=number(row["location_quotient"], 2, language=language),
            )
            for row in rows
        ]
        svg = bar_chart(
            bars,
            identifier=identifier,
            title=title,
            description=_(
                "Each bar is a location quotient; the dashed line marks 1, where the share "
                "equals the national share. The table beside gives the same figures."
            ),
            reference_text=number(1.0, 2, language=language),
            direction=direction(language),
        )
        return Markup(svg)  # bar_chart escapes every text it writes

    return chart
