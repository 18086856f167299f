"""The cluster report: per region, its specialisations, strong clusters, stars, lifecycle,
micro-clusters and cluster organisations, each with its evidence, in French, Arabic or
English.

It is the main job of ``grappes map``: on Morocco's census (``--demo``) or on a user's
table (``--input``). :mod:`grappes.reports.identification` computes the figures once;
this module puts them into words, tables and inline SVG maps. The HTML is self-contained
(no script, no external resource; the only outbound links are the cited sources of the
cluster organisations).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from grappes import __version__
from grappes.data import boundaries, geography, sectors
from grappes.i18n import LANGUAGE_NAMES, check_language, direction, pick, translator
from grappes.reports import choropleth
from grappes.reports.code_words import code_words
from grappes.reports.identification import Identification, Specialisation
from grappes.reports.specialisation import MARKED_LQ, Panel, Row, number_formatter

#: Classes of the strong-cluster maps: 0 not strong, 1 strong, 2 strong at the 90th percentile.
STRONG_BREAKS: tuple[float, ...] = (0.5, 1.5)
STRONG_COLOURS: tuple[str, ...] = ("#f7f7f7", "#ef8a62", "#b2182b")
#: Classes of the micro-cluster maps (communes in a micro-cluster, per province):
#: 0, 1, 2–3, 4–7, 8 or more. ColorBrewer Reds after a neutral 0.
COUNT_BREAKS: tuple[float, ...] = (1, 2, 4, 8)
COUNT_COLOURS: tuple[str, ...] = ("#f7f7f7", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
COUNT_LABELS: tuple[str, ...] = ("0", "1", "2–3", "4–7", "≥ 8")


@dataclass(frozen=True)
class Source:
    """Where the report's figures come from: shown in its header and footer."""

    origin: str  # "demo" or "input"
    file_name: str = ""
    assumptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Commune:
    """A commune of a micro-cluster: name, code, province, and whether it is in the region."""

    name: str
    code: str
    province: str
    here: bool


@dataclass(frozen=True)
class MicroCluster:
    """One micro-cluster as a region's section shows it."""

    sector: str
    cluster: int
    communes: list[Commune]
    establishments: float
    total: float
    lq: float


@dataclass(frozen=True)
class RegionSection:
    """Everything the report says about one region."""

    code: str
    name: str
    specialisations: list[tuple[str, str, list[tuple[str, float, float]]]]
    strong: list[dict[str, Any]]
    stars: list[dict[str, Any]]
    micro: list[MicroCluster]
    lifecycle: list[dict[str, Any]]
    organisations: list[dict[str, str]]


@dataclass(frozen=True)
class Maps:
    """A row of small maps with their legend: (caption, svg) pairs."""

    maps: list[tuple[str, str]]
    legend: list[tuple[str, str]]  # (colour, label)


@dataclass(frozen=True)
class ReportModel:
    """What the template renders; built by :func:`cluster_report`."""

    panels: list[Panel]
    strong_evidence: list[dict[str, Any]]
    strong_maps: Maps | None
    stars_evidence: list[dict[str, Any]]
    micro_summary: list[dict[str, Any]]
    micro_maps: Maps | None
    regions: list[RegionSection]
    unplaced: list[dict[str, str]]
    map_level: str | None


def cluster_report(
    identification: Identification,
    *,
    source: Source,
    language: str = "fr",
    basename: str = "grappes-morocco-specialisation",
) -> str:
    """Return the HTML of the cluster report of ``identification`` in ``language``.

    Parameters
    ----------
    identification
        From :func:`grappes.reports.identification.identify_morocco` or
        :func:`~grappes.reports.identification.identify_table`.
    source
        Where the figures come from (the demo's census, or the user's file).
    language
        ``fr`` (default), ``ar`` or ``en``.
    basename
        File name of the report without ``.<lang>.html``, for the language links.

    Returns
    -------
    str
        A self-contained HTML document.
    """
    language = check_language(language)
    _ = translator(language)
    fmt = number_formatter(language)
    names = _unit_names(language)
    demo = identification.origin == "demo"
    # strong clusters and micro-clusters are computed on 2024 establishments, stars on 2014
    # employment (see identification.py)
    labels = _sector_labels(language, "HCP_ESTABLISHMENTS" if demo else None)
    star_labels = _sector_labels(language, "HCP_EMPLOYMENT" if demo else None)
    map_level = _map_level(identification)
    shapes = None if map_level is None else boundaries.boundaries(country="MA", level=map_level)
    unit_shapes = shapes
    if identification.origin == "demo":
        shapes = boundaries.boundaries(country="MA", level="region")
        unit_shapes = boundaries.boundaries(country="MA", level="province")
    panels = [
        _panel(
            spec,
            _=_,
            names=names,
            labels=_sector_labels(language, spec.classification),
            shapes=shapes,
            fmt=fmt,
            source=source,
        )
        for spec in identification.specialisations
    ]
    model = ReportModel(
        panels=panels,
        strong_evidence=_labelled(identification.strong_evidence, labels),
        strong_maps=None
        if unit_shapes is None
        else _strong_maps(identification, _=_, names=names, labels=labels, shapes=unit_shapes),
        stars_evidence=_labelled(identification.stars_evidence, star_labels),
        micro_summary=_micro_summary(identification, labels),
        micro_maps=_micro_maps(identification, _=_, names=names, labels=labels)
        if identification.micro is not None
        else None,
        regions=_regions(
            identification,
            _=_,
            names=names,
            labels=labels,
            star_labels=star_labels,
            language=language,
        ),
        unplaced=_organisations(None, language) if identification.origin == "demo" else [],
        map_level=map_level if identification.origin == "input" else "region",
    )
    environment = Environment(
        loader=PackageLoader("grappes.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("clusters.html.j2")
    return template.render(
        _=_,
        lang=language,
        dir=direction(language),
        languages=LANGUAGE_NAMES,
        basename=basename,
        source=source,
        result=identification,
        model=model,
        words=code_words(_),
        legend=choropleth.legend(),
        strong_legend=[
            (STRONG_COLOURS[0], _("not strong")),
            (STRONG_COLOURS[1], _("strong (75th percentile)")),
            (STRONG_COLOURS[2], _("strong at the 90th percentile")),
        ],
        marked=MARKED_LQ,
        fmt=fmt,
        fmt2=lambda value: fmt(value, 2),
        version=__version__,
        today=dt.date.today().isoformat(),
        western_sahara=boundaries.WESTERN_SAHARA_CONVENTION,
        nan=lambda value: isinstance(value, float) and math.isnan(value),
    )


def write_reports(htmls: Mapping[str, str], directory: Path, *, basename: str) -> list[Path]:
    """Write each language's HTML to ``directory/<basename>.<lang>.html``; return the paths.

    Every file is written whole (to a temporary name, then renamed), after all of them were
    computed, so that a failure never leaves half a report.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for language, html in htmls.items():
        path = directory / f"{basename}.{language}.html"
        partial = path.with_suffix(".html.partial")
        partial.write_text(html, encoding="utf-8")
        partial.replace(path)
        written.append(path)
    return written


def _unit_names(language: str) -> dict[str, str]:
    table = geography.regions()
    return {
        str(r.code): pick(language, fr=r.name_fr, ar=r.name_ar, en=r.name_en)
        for r in table.itertuples()
    }


def _sector_labels(language: str, classification: str | None) -> dict[str, str]:
    """Labels of HCP's sector groups of one classification; codes stand as they are else.

    One classification at a time: the two HCP groupings share codes ('industry' is B-E
    among 2024 establishments, B-C in 2014 employment) but not their meaning.
    """
    if classification not in ("HCP_ESTABLISHMENTS", "HCP_EMPLOYMENT"):
        return {}
    return {
        str(g.code): pick(language, fr=g.label_fr, ar=g.label_ar, en=g.label_en)
        for g in sectors.hcp_groups(classification).itertuples()
    }


def _map_level(identification: Identification) -> Literal["region", "province"] | None:
    """``region`` or ``province`` when every unit is a Moroccan one with a boundary."""
    units = set(identification.strong["region"])
    levels: tuple[Literal["region", "province"], ...] = ("region", "province")
    for level in levels:
        codes = set(boundaries.boundaries(country="MA", level=level)["code"])
        if units <= codes:
            return level
    return None


def _panel(
    spec: Specialisation,
    *,
    _: Callable[[str], str],
    names: Mapping[str, str],
    labels: Mapping[str, str],
    shapes: gpd.GeoDataFrame | None,
    fmt: Callable[[float, int], str],
    source: Source,
) -> Panel:
    table = spec.table
    order = _sector_order(spec.classification, list(dict.fromkeys(table["sector"])))
    wide_lq = table.pivot(index="region", columns="sector", values="location_quotient")[order]
    wide_n = table.pivot(index="region", columns="sector", values=spec.value)[order]
    regions = sorted(wide_lq.index)
    if spec.value == "establishments":
        title = _("Business establishments, {year}").format(year=spec.year)
        unit = _("establishments")
    else:
        title = _("Employed population, {year}").format(year=spec.year)
        unit = _("employed persons")
    if source.origin == "demo":
        census = {
            2024: _("HCP, General Census of Population and Housing 2024 (RGPH 2024)"),
            2014: _("HCP, General Census of Population and Housing 2014 (RGPH 2014)"),
        }
        cited = census[spec.year]
    else:
        cited = source.file_name
    rows = [
        Row(
            region=str(r),
            name=names.get(r, r),
            cells=[(float(wide_lq.loc[r, c]), float(wide_n.loc[r, c])) for c in order],
        )
        for r in regions
    ]
    maps = []
    if shapes is not None:
        for code in order:
            values = {str(r): float(v) for r, v in wide_lq[code].items()}
            titles = {r: f"{names.get(r, r)} — LQ {fmt(v, 2)}" for r, v in values.items()}
            maps.append(
                (
                    labels.get(code, code),
                    choropleth.svg(
                        shapes,
                        values,
                        titles=titles,
                        label=f"{title} — {labels.get(code, code)}",
                    ),
                )
            )
    leaders = []
    for r in regions:
        best = wide_lq.loc[r].idxmax()
        leaders.append((names.get(r, r), labels.get(best, best), float(wide_lq.loc[r, best])))
    return Panel(
        key=f"specialisation-{spec.key}",
        title=title,
        source=cited,
        unit=unit,
        total=round(float(table[spec.value].sum())),
        sectors=[(c, labels.get(c, c)) for c in order],
        rows=rows,
        maps=maps,
        leaders=leaders,
    )


def _sector_order(classification: str | None, present: list[str]) -> list[str]:
    if classification is None:
        return sorted(present)
    listed = [c for c in sectors.hcp_groups(classification)["code"] if c in set(present)]
    return listed + sorted(set(present) - set(listed))


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in record.items()} for record in table.to_dict("records")]


def _labelled(table: pd.DataFrame, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    records = _records(table)
    for record in records:
        record["label"] = labels.get(str(record["sector"]), str(record["sector"]))
    return records


def _strong_maps(
    identification: Identification,
    *,
    _: Callable[[str], str],
    names: Mapping[str, str],
    labels: Mapping[str, str],
    shapes: gpd.GeoDataFrame,
) -> Maps:
    strong = identification.strong
    fmt = number_formatter("en")
    maps = []
    strong_word = _("strong")
    heading = _("Strong clusters")
    for sector, group in strong.groupby("sector", sort=False):
        grade = group["strong"].astype(int) + group["strong10"].astype(int)
        values = dict(zip(group["region"], grade.astype(float), strict=True))
        rows = zip(group["region"], group["location_quotient"], group["strong"], strict=True)
        titles = {
            r: f"{names.get(r, r)} — LQ {fmt(lq, 2)}" + (f" — {strong_word}" if flag else "")
            for r, lq, flag in rows
        }
        label = labels.get(str(sector), str(sector))
        maps.append(
            (
                label,
                choropleth.svg(
                    shapes,
                    values,
                    titles=titles,
                    label=f"{heading} — {label}",
                    breaks=STRONG_BREAKS,
                    colours=STRONG_COLOURS,
                ),
            )
        )
    return Maps(maps=maps, legend=[])


def _micro_summary(
    identification: Identification, labels: Mapping[str, str]
) -> list[dict[str, Any]]:
    micro = identification.micro
    if micro is None:
        return []
    rows = []
    for sector, units in micro.units.groupby("sector", sort=True):
        clusters = micro.clusters[micro.clusters["sector"] == sector]
        rows.append(
            {
                "label": labels.get(str(sector), str(sector)),
                "analysed": len(units),
                "hot": int((units["label"] == "hot_spot").sum()),
                "cold": int((units["label"] == "cold_spot").sum()),
                "clusters": len(clusters),
                "communes": int(micro.members[micro.members["sector"] == sector].shape[0]),
            }
        )
    return rows


def _micro_maps(
    identification: Identification,
    *,
    _: Callable[[str], str],
    names: Mapping[str, str],
    labels: Mapping[str, str],
) -> Maps:
    micro = identification.micro
    assert micro is not None
    shapes = boundaries.boundaries(country="MA", level="province")
    members = micro.members.assign(province=micro.members["region"].str.slice(0, 6))
    maps = []
    in_clusters = _("communes in micro-clusters")
    heading = _("Communes in micro-clusters, by province")
    for sector in sorted(micro.units["sector"].unique()):
        counts = members[members["sector"] == sector].groupby("province").size()
        values = {str(code): float(counts.get(code, 0)) for code in shapes["code"]}
        titles = {
            code: f"{names.get(code, code)} — {int(v)} {in_clusters}" for code, v in values.items()
        }
        label = labels.get(str(sector), str(sector))
        maps.append(
            (
                label,
                choropleth.svg(
                    shapes,
                    values,
                    titles=titles,
                    label=f"{heading} — {label}",
                    breaks=COUNT_BREAKS,
                    colours=COUNT_COLOURS,
                ),
            )
        )
    return Maps(maps=maps, legend=list(zip(COUNT_COLOURS, COUNT_LABELS, strict=True)))


def _regions(
    identification: Identification,
    *,
    _: Callable[[str], str],
    names: Mapping[str, str],
    labels: Mapping[str, str],
    star_labels: Mapping[str, str],
    language: str,
) -> list[RegionSection]:
    parents = identification.parents
    codes = sorted({parents.get(c, c) for c in identification.strong["region"]})
    evidence = identification.strong_evidence.set_index("sector")
    sections = []
    for code in codes:
        specialisations = []
        for spec in identification.specialisations:
            here = spec.table[spec.table["region"] == code]
            order = _sector_order(spec.classification, list(here["sector"]))
            here = here.set_index("sector").loc[order]
            spec_labels = _sector_labels(language, spec.classification)
            rows = [
                (spec_labels.get(s, s), float(r["location_quotient"]), float(r[spec.value]))
                for s, r in here.sort_values("location_quotient", ascending=False).iterrows()
            ]
            title = (
                _("Business establishments, {year}")
                if spec.value == "establishments"
                else _("Employed population, {year}")
            ).format(year=spec.year)
            unit = _("establishments") if spec.value == "establishments" else _("employed persons")
            specialisations.append((title, unit, rows))
        in_region = identification.strong["region"].map(lambda c: parents.get(c, c)) == code
        strong = identification.strong[in_region & identification.strong["strong"]]
        strong_rows = [
            {
                "unit": names.get(r.region, r.region),
                "code": r.region,
                "sector": labels.get(r.sector, r.sector),
                "lq": r.location_quotient,
                "employment": r.employment,
                "establishments": r.establishments,
                "q75": evidence.loc[r.sector, "lq_q75"],
                "q90": evidence.loc[r.sector, "lq_q90"],
                "strong10": bool(r.strong10),
            }
            for r in strong.sort_values("location_quotient", ascending=False).itertuples()
        ]
        stars = identification.stars
        starred = stars[
            (stars["region"].map(lambda c: parents.get(c, c)) == code) & (stars["stars"] > 0)
        ]
        star_rows = [
            {
                "unit": names.get(r.region, r.region),
                "code": r.region,
                "sector": star_labels.get(r.sector, r.sector),
                "employment": r.employment,
                "lq": r.location_quotient,
                "focus": r.focus,
                "stars": int(r.stars),
                "which": [
                    k for k in ("size_star", "specialisation_star", "focus_star") if getattr(r, k)
                ],
            }
            for r in starred.sort_values(
                ["stars", "location_quotient"], ascending=False
            ).itertuples()
        ]
        sections.append(
            RegionSection(
                code=code,
                name=names.get(code, code),
                specialisations=specialisations,
                strong=strong_rows,
                stars=star_rows,
                micro=_region_micro(identification, code, names=names, labels=labels),
                lifecycle=_region_lifecycle(identification, code, labels=labels),
                organisations=_organisations(code, language),
            )
        )
    return sections


def _region_micro(
    identification: Identification,
    code: str,
    *,
    names: Mapping[str, str],
    labels: Mapping[str, str],
) -> list[MicroCluster]:
    micro = identification.micro
    if micro is None:
        return []
    parents = identification.parents
    members = micro.members.assign(home=micro.members["region"].map(parents))
    touching = members.loc[members["home"] == code, ["sector", "cluster"]].drop_duplicates()
    result = []
    for row in _records(micro.clusters.merge(touching, on=["sector", "cluster"])):
        communes = members[
            (members["sector"] == row["sector"]) & (members["cluster"] == row["cluster"])
        ]
        result.append(
            MicroCluster(
                sector=labels.get(str(row["sector"]), str(row["sector"])),
                cluster=int(row["cluster"]),
                communes=[
                    Commune(
                        name=names.get(c, c),
                        code=c,
                        province=names.get(c[:6], c[:6]),
                        here=parents.get(c) == code,
                    )
                    for c in sorted(communes["region"])
                ],
                establishments=float(row["establishments"]),
                total=float(row["total_establishments"]),
                lq=float(row["location_quotient"]),
            )
        )
    return result


def _region_lifecycle(
    identification: Identification, code: str, *, labels: Mapping[str, str]
) -> list[dict[str, Any]]:
    panel = identification.lifecycle
    if panel is None:
        return []
    records = _records(panel[panel["region"] == code])
    for record in records:
        record["label"] = labels.get(str(record["sector"]), str(record["sector"]))
    return records


def _organisations(code: str | None, language: str) -> list[dict[str, str]]:
    """Moroccan cluster organisations of region ``code`` (``None``: those with no region)."""
    from grappes.data.organisations import cluster_organisations

    table = cluster_organisations()
    if code is None:
        table = table[(table["country"] == "MA") & table["region"].isna()]
    else:
        table = table[table["region"] == code]
    return [
        {
            "name": str(r["name"]),
            "sector": str(r["sector"]),
            "city": "" if pd.isna(r["city"]) else str(r["city"]),
            "url": "" if pd.isna(r["source_url"]) else str(r["source_url"]),
            "year": "" if pd.isna(r["year_reported"]) else str(r["year_reported"]),
        }
        for r in _records(table)
    ]
