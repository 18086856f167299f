"""The home page: Morocco's regions coloured by a chosen sector's location quotient.

A map is never the only way to read a figure: the table beside it holds the same values.
The map's SVG is drawn once per sector and language and kept in ``app.state.map_cache``.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError
from grappes.i18n import pick, translator
from grappes.store import queries
from grappes.web.i18n import visit
from grappes.web.render import get_session, number, page, records, twin

__all__ = ["HOME_CLASSIFICATION", "HOME_DATASET", "router"]

router = APIRouter()

#: The dataset the home map shows: 2024 establishments by region (HCP RGPH 2024).
HOME_DATASET: Final = "hcp-2024-establishments-region"
#: The classification of the home map's sectors.
HOME_CLASSIFICATION: Final = "HCP_ESTABLISHMENTS"

SessionDependency = Annotated[Session, Depends(get_session)]


@twin(router, "/", name="home", summary="Map of a sector's location quotient by region")
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
