"""The regional specialisation report: where each sector is over-represented, on real data.

It is the main job of ``grappes map --demo``: the location quotients of Morocco's twelve
regions in HCP's sector groups, for the business establishments of the 2024 census and the
employed population of the 2014 census, each with a map and a table, in French, Arabic or
English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from grappes import __version__
from grappes.data import boundaries, geography, morocco, sectors
from grappes.i18n import LANGUAGE_NAMES, check_language, direction, pick, translator
from grappes.indicators import location_quotient
from grappes.reports import choropleth

#: Region whose specialisation is "marked" in tables: the upper classes of the map legend.
MARKED_LQ = 1.25


@dataclass(frozen=True)
class Row:
    """One region of a panel's table: its code, name, and (LQ, count) per sector."""

    region: str
    name: str
    cells: list[tuple[float, float]]


@dataclass(frozen=True)
class Panel:
    """One dataset of the report: its LQ table, maps by sector and wording."""

    key: str
    title: str
    source: str
    unit: str
    total: int
    sectors: list[tuple[str, str]]  # (code, label)
    rows: list[Row]
    maps: list[tuple[str, str]]  # (sector label, svg)
    leaders: list[tuple[str, str, float]]  # (region name, sector label, LQ)


def specialisation_report(*, language: str = "fr") -> str:
    """Return the HTML of the regional specialisation report on Morocco's census data.

    Parameters
    ----------
    language
        ``fr`` (default), ``ar`` or ``en``.

    Returns
    -------
    str
        A self-contained HTML document (inline SVG maps, no external resource).
    """
    language = check_language(language)
    _ = translator(language)
    regions = geography.regions(country="MA", level="region")
    names = {
        str(r.code): pick(language, fr=r.name_fr, ar=r.name_ar, en=r.name_en)
        for r in regions.itertuples()
    }
    shapes = boundaries.boundaries(country="MA", level="region")
    establishments = morocco.establishments(level="region")
    employment = morocco.employment(level="region")
    panels = [
        _panel(
            "establishments",
            establishments,
            value="establishments",
            classification="HCP_ESTABLISHMENTS",
            title=_("Business establishments, 2024"),
            source=_("HCP, General Census of Population and Housing 2024 (RGPH 2024)"),
            unit=_("establishments"),
            names=names,
            shapes=shapes,
            language=language,
        ),
        _panel(
            "employment",
            employment,
            value="employment",
            classification="HCP_EMPLOYMENT",
            title=_("Employed population, 2014"),
            source=_("HCP, General Census of Population and Housing 2014 (RGPH 2014)"),
            unit=_("employed persons"),
            names=names,
            shapes=shapes,
            language=language,
        ),
    ]
    environment = Environment(
        loader=PackageLoader("grappes.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("specialisation.html.j2")
    fmt = number_formatter(language)
    return template.render(
        _=_,
        lang=language,
        dir=direction(language),
        languages=LANGUAGE_NAMES,
        panels=panels,
        legend=choropleth.legend(),
        marked=MARKED_LQ,
        fmt=fmt,
        fmt2=lambda value: fmt(value, 2),
        version=__version__,
        today=dt.date.today().isoformat(),
        western_sahara=boundaries.WESTERN_SAHARA_CONVENTION,
    )


def write_specialisation_report(directory: Path, *, language: str = "fr") -> Path:
    """Write the report to ``directory/grappes-morocco-specialisation.<lang>.html``.

    The file is written whole (to a temporary name, then renamed), so an interrupted run
    never leaves half a report. Returns the path written.
    """
    html = specialisation_report(language=language)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"grappes-morocco-specialisation.{language}.html"
    partial = path.with_suffix(".html.partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(path)
    return path


def _panel(
    key: str,
    table: pd.DataFrame,
    *,
    value: str,
    classification: str,
    title: str,
    source: str,
    unit: str,
    names: dict[str, str],
    shapes: gpd.GeoDataFrame,
    language: str,
) -> Panel:
    lq = location_quotient(table, value=value).merge(table, on=["region", "sector"])
    groups = sectors.hcp_groups(classification)
    labels = {
        g.code: pick(language, fr=g.label_fr, ar=g.label_ar, en=g.label_en)
        for g in groups.itertuples()
    }
    order = [code for code in groups["code"] if code in set(lq["sector"])]
    wide_lq = lq.pivot(index="region", columns="sector", values="location_quotient")[order]
    wide_n = lq.pivot(index="region", columns="sector", values=value)[order]
    rows = [
        Row(
            region=str(region),
            name=names[region],
            cells=[(float(wide_lq.loc[region, c]), float(wide_n.loc[region, c])) for c in order],
        )
        for region in wide_lq.index
    ]
    fmt = number_formatter(language)
    maps = []
    for code in order:
        values = wide_lq[code].to_dict()
        titles = {r: f"{names[r]} — LQ {fmt(v, 2)}" for r, v in values.items()}
        maps.append(
            (
                labels[code],
                choropleth.svg(
                    shapes,
                    values,
                    titles=titles,
                    label=f"{title} — {labels[code]}",
                ),
            )
        )
    leaders = []
    for region in wide_lq.index:
        best = wide_lq.loc[region].idxmax()
        leaders.append((names[region], labels[best], float(wide_lq.loc[region, best])))
    return Panel(
        key=key,
        title=title,
        source=source,
        unit=unit,
        total=int(table[value].sum()),
        sectors=[(code, labels[code]) for code in order],
        rows=rows,
        maps=maps,
        leaders=leaders,
    )


def number_formatter(language: str) -> Callable[[float, int], str]:
    """Numbers as a reader of ``language`` writes them (Western digits in all three)."""
    from babel.numbers import format_decimal

    locale = {"fr": "fr_FR", "ar": "ar_MA", "en": "en_GB"}[language]

    def fmt(value: float, decimals: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return str(format_decimal(value, format=pattern, locale=locale, numbering_system="latn"))

    return fmt
