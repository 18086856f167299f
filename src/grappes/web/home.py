"""The home page: a choropleth map of Morocco or of the Maghreb, its legend and a table.

What the map shows is chosen by four query parameters, each checked against its allowed
values (anything else is a 400 page in the visitor's language):

- ``level``: ``region`` (default) or ``province``, Morocco's units coloured by a sector's
  figure; or ``country``, the five Maghreb countries coloured by their number of cluster
  organisations (Grappes has sector statistics for Morocco only);
- ``measure``: ``lq`` (location quotient, default) or ``stars`` (European Cluster
  Observatory, 0 to 3);
- ``census``: ``2024`` (business establishments, default) or ``2014`` (employed persons);
  each has its own sector groups (:data:`grappes.store.maps.CENSUSES`);
- ``sector``: a sector group of that census (``industry``, in both, by default).

A map is never the only way to read a figure: the table beside it holds the same values,
and every unit is a link to its profile on the map and in the table. The map's SVG is drawn
once per choice and language and kept in ``app.state.map_cache``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError, check_choice
from grappes.i18n import pick, translator
from grappes.reports import choropleth
from grappes.store import maps
from grappes.web.i18n import visit
from grappes.web.render import get_session, number, page, records, twin

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "HOME_CLASSIFICATION",
    "HOME_DATASET",
    "LEVELS",
    "MEASURES",
    "ORGANISATION_BREAKS",
    "ORGANISATION_COLOURS",
    "router",
]

router = APIRouter()

#: The dataset the home map shows by default: 2024 establishments by region (RGPH 2024).
HOME_DATASET: Final = "hcp-2024-establishments-region"
#: The classification of the default map's sectors.
HOME_CLASSIFICATION: Final = "HCP_ESTABLISHMENTS"
#: The map's levels: Morocco's regions and provinces, or the Maghreb's countries.
LEVELS: Final = ("region", "province", "country")
#: What colours Morocco's units: the location quotient, or the stars.
MEASURES: Final = ("lq", "stars")
#: Classes of the Maghreb map (cluster organisations per country): 0, 1–4, 5–9, 10–19, ≥ 20.
ORGANISATION_BREAKS: Final[tuple[float, ...]] = (1, 5, 10, 20)
#: ColorBrewer Purples (5 classes).
ORGANISATION_COLOURS: Final[tuple[str, ...]] = (
    "#f2f0f7",
    "#cbc9e2",
    "#9e9ac8",
    "#756bb1",
    "#54278f",
)
#: Simplification tolerance in degrees: about one pixel of a 640-pixel-wide map.
_TOLERANCE: Final = {"region": 0.02, "province": 0.02, "country": 0.05}

SessionDependency = Annotated[Session, Depends(get_session)]
Choice = Annotated[str, Query(max_length=64)]


@twin(router, "/", name="home", summary="Map of a sector's location quotient or stars")
def home(
    request: Request,
    session: SessionDependency,
    level: Choice = "region",
    measure: Choice = "lq",
    census: Choice = "2024",
    sector: Choice = "industry",
) -> Response:
    """Morocco's regions or provinces coloured by a sector's figure, or the Maghreb's countries.

    ``level``: region, province or country; ``measure``: lq or stars; ``census``: 2024
    (establishments) or 2014 (employment); ``sector``: a sector group of that census.
    """
    check_choice("home", "level", level, LEVELS)
    check_choice("home", "measure", measure, MEASURES)
    check_choice("home", "census", census, tuple(maps.CENSUSES))
    chosen = maps.CENSUSES[census]
    sectors = records(maps.map_sectors(session, chosen.classification))
    found = next((s for s in sectors if s["code"] == sector), None)
    if found is None:
        codes = ", ".join(s["code"] for s in sectors)
        raise InvalidInputError(
            f"home: sector of the {census} census must be one of {codes}; got {sector[:40]!r}"
        )
    dataset: str | None = None
    if level == "country":
        figure, breaks, colours = "organisations", ORGANISATION_BREAKS, ORGANISATION_COLOURS
        rows = records(maps.organisation_map(session))
        entries = choropleth.whole_number_legend(breaks, colours)
    else:
        dataset = maps.census_dataset(census, level)
        if measure == "lq":
            figure, breaks, colours = (
                "location_quotient",
                choropleth.LQ_BREAKS,
                choropleth.LQ_COLOURS,
            )
            rows = records(maps.location_quotient_map(session, dataset, sector))
            entries = choropleth.legend(breaks, colours)
        else:
            figure, breaks, colours = "stars", choropleth.STARS_BREAKS, choropleth.STARS_COLOURS
            rows = records(maps.star_map(session, dataset, sector))
            entries = choropleth.whole_number_legend(breaks, colours, maximum=3)
    for row in rows:
        row["colour"] = choropleth.colour_of(row[figure], breaks, colours)
    payload = {
        "level": level,
        "measure": measure,
        "census": census,
        "classification": chosen.classification,
        "dataset": dataset,
        "year": chosen.year,
        "kind": chosen.kind,
        "figure": figure,
        "sector": {"classification": chosen.classification, **found},
        "sectors": sectors,
        "legend": [{"colour": e.colour, "lower": e.lower, "upper": e.upper} for e in entries],
        "regions": rows,
    }
    where = visit(request)
    language = where.language
    _ = translator(language)
    decimals = 2 if figure == "location_quotient" else 0
    shapes = _shapes(level)
    values = {r["region"]: r[figure] for r in rows}
    # The Maghreb map shows the same figure whatever the sector chosen: one key per language.
    choice = (level,) if level == "country" else (level, measure, census, sector)
    key = (*choice, language, where.prefix)
    cache: dict[tuple[str, ...], str] = request.app.state.map_cache
    if key not in cache:
        cache[key] = choropleth.svg(
            shapes,
            values,
            titles=_titles(shapes, rows, figure, decimals, language),
            label=_caption(_, level, figure, name=pick(language, **_labels(found))),
            links={r["region"]: where.link(f"/regions/{r['region']}") for r in rows},
            breaks=breaks,
            colours=colours,
            tolerance=_TOLERANCE[level],
            outlines=_shapes("region") if level == "province" else None,
        )
    legend = [
        (e.colour, e.label(lambda v: number(v, decimals, language=language))) for e in entries
    ]
    if any(values.get(code) is None for code in shapes["code"]):
        legend.append((choropleth.MISSING_COLOUR, _("No figure")))
    return page(
        request,
        "home.html.j2",
        payload,
        map_svg=cache[key],
        map_legend=legend,
        caption=_caption(_, level, figure, name=pick(language, **_labels(found))),
        census_links=_census_links(where.link("/"), level, measure),
        choices={"levels": LEVELS, "measures": MEASURES},
    )


@functools.cache
def _shapes(level: str) -> gpd.GeoDataFrame:
    """Boundaries of the map at ``level`` (read once: the bundled files never change)."""
    from grappes.data.boundaries import boundaries

    if level != "country":
        return boundaries(country="MA", level=level)  # type: ignore[arg-type]
    # One source for the whole Maghreb (Natural Earth), first-level divisions dissolved into
    # countries; Western Sahara stays its own feature, in no country (docs/geography.md).
    # Countries take their names from the database; only EH keeps the file's names.
    divisions = boundaries()
    divisions = divisions.assign(code=divisions["country"].fillna(divisions["code"]))
    dissolved = divisions[["code", "geometry"]].dissolve(by="code", as_index=False)
    own = divisions.loc[divisions["country"].isna(), ["code", "name_fr", "name_ar", "name_en"]]
    return dissolved.merge(own, on="code", how="left")


def _titles(
    shapes: gpd.GeoDataFrame,
    rows: list[dict[str, Any]],
    figure: str,
    decimals: int,
    language: str,
) -> dict[str, str]:
    """Each shape's tooltip: its name and its figure, in ``language``."""
    _ = translator(language)
    what = {
        "location_quotient": _("Location quotient"),
        "stars": _("Stars"),
        "organisations": _("Cluster organisations"),
    }[figure]
    # A shape without a row has no figure; Western Sahara is in no country's figures.
    nothing = {"EH": _("in no country's figures")}
    titles = {
        str(s.code): pick(language, fr=s.name_fr, ar=s.name_ar, en=s.name_en)
        + " — "
        + nothing.get(str(s.code), _("No figure"))
        for s in shapes.itertuples(index=False)
    }
    for row in rows:
        shown = number(row[figure], decimals, language=language)
        titles[row["region"]] = f"{pick(language, **_names(row))} — {what} {shown}"
    return titles


def _caption(_: Callable[[str], str], level: str, figure: str, *, name: str) -> str:
    """What the map and the table show (their caption and the map's accessible name)."""
    if figure == "organisations":
        return _("Cluster organisations by country")
    captions = {
        ("region", "location_quotient"): _("Location quotient by region"),
        ("province", "location_quotient"): _("Location quotient by province"),
        ("region", "stars"): _("Stars by region"),
        ("province", "stars"): _("Stars by province"),
    }
    return f"{captions[level, figure]} — {name}"


def _census_links(home: str, level: str, measure: str) -> list[tuple[str, str]]:
    """``(census, address)`` of the map in each census, its default sector chosen."""
    keep = "region" if level == "country" else level
    return [
        (census, f"{home}?{urlencode({'level': keep, 'measure': measure, 'census': census})}")
        for census in maps.CENSUSES
    ]


def _names(row: dict[str, Any]) -> dict[str, Any]:
    return {"fr": row.get("name_fr"), "ar": row.get("name_ar"), "en": row.get("name_en")}


def _labels(row: dict[str, Any]) -> dict[str, Any]:
    return {"fr": row.get("label_fr"), "ar": row.get("label_ar"), "en": row.get("label_en")}
