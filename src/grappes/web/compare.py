"""The compare pages: units side by side, and a cluster beside the paper's programmes.

- ``/compare?regions=MA-01&regions=MA-06`` (canonical: the parameter repeated, as a form
  sends it; ``regions=MA-01,MA-06`` is accepted too): 2 to 10 units of one level side by
  side, the highest value of each row marked;
- ``/compare/benchmark`` (``?organisation=MA-002`` or ``?country=MA``): the paper's
  reference programmes beside a cluster organisation, or a Maghreb country's count of
  cluster organisations; members per cluster where both sides know them (an
  organisation's member count, Germany's members per network), "not known" otherwise.

Both have their JSON twin (``/compare.json``, ``/compare/benchmark.json``) from the same
payload (:mod:`grappes.store.comparison`'s tables as records, figures unrounded).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Final

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError
from grappes.store import benchmarking, comparison
from grappes.web.render import get_session, page, records, twin

__all__ = ["router"]

router = APIRouter()

SessionDependency = Annotated[Session, Depends(get_session)]

#: Measures of a figure per cluster, in the order of the page's columns (after members).
MEASURES: Final = ("enterprises", "employment", "research_institutions", "public_funding")


@twin(router, "/compare", name="compare", summary="Two to ten regions side by side")
def compare(
    request: Request,
    session: SessionDependency,
    regions: Annotated[list[str] | None, Query()] = None,
) -> Response:
    """2 to 10 units of one level side by side: totals, location quotients, clusters.

    ``regions`` is repeated (``?regions=MA-01&regions=MA-06``) or comma-separated
    (``?regions=MA-01,MA-06``); without it, the page is the form alone.
    """
    choices = comparison.comparable_units(session)
    if regions is None:
        payload: dict[str, Any] = {
            "level": None,
            "units": [],
            "totals": [],
            "location_quotients": [],
            "clusters": [],
            "organisations": [],
        }
        return page(
            request,
            "compare.html.j2",
            payload,
            groups=[],
            choices=_choices(choices, []),
            typed="",
        )
    result = comparison.compare_regions(session, regions)
    codes = result.units["code"].tolist()
    payload = {
        "level": result.level,
        "units": records(result.units),
        "totals": records(result.totals),
        "location_quotients": records(result.location_quotients),
        "clusters": records(result.clusters),
        "organisations": records(result.organisations),
    }
    offered = set(choices["code"])
    return page(
        request,
        "compare.html.j2",
        payload,
        groups=_groups(codes, payload),
        choices=_choices(choices, codes),
        typed=", ".join(code for code in codes if code not in offered),
    )


@twin(
    router,
    "/compare/benchmark",
    name="benchmark",
    summary="A cluster organisation or a Maghreb country beside the paper's programmes",
)
def benchmark(
    request: Request,
    session: SessionDependency,
    organisation: Annotated[str | None, Query()] = None,
    country: Annotated[str | None, Query()] = None,
) -> Response:
    """The paper's reference programmes beside an organisation (or a country, or all)."""
    if organisation is not None and country is not None:
        raise InvalidInputError(
            "benchmark: give an organisation or a country, not both; "
            f"got organisation={organisation[:40]!r} and country={country[:40]!r}"
        )
    payload: dict[str, Any] = {
        "organisation": None,
        "partners": [],
        "region": None,
        "organisation_per_cluster": [],
        "region_clusters": [],
    }
    if organisation is not None:
        found = benchmarking.organisation_benchmark(session, organisation)
        programmes = found.benchmarks
        payload |= {
            "organisation": found.organisation,
            "partners": records(found.partners),
            "region": found.region,
            "organisation_per_cluster": records(found.per_cluster),
            "region_clusters": records(found.region_clusters),
        }
    else:
        programmes = benchmarking.programme_benchmarks(session, country=country)
    payload |= {
        "country": country,
        "maghreb": records(programmes.maghreb),
        "organisation_members": records(programmes.organisation_members),
        "cluster_counts": records(programmes.cluster_counts),
        "per_cluster": records(programmes.per_cluster),
        "members_per_cluster": records(programmes.members_per_cluster),
        "figures": records(programmes.figures),
    }
    everyone = programmes if organisation is None and country is None else None
    if everyone is None:
        everyone = benchmarking.programme_benchmarks(session)
    return page(
        request,
        "compare_benchmark.html.j2",
        payload,
        per_cluster_rows=_per_cluster_rows(payload["per_cluster"], payload["members_per_cluster"]),
        measures=MEASURES,
        ranking=_ranking(payload["maghreb"], payload["cluster_counts"]),
        organisations=records(benchmarking.organisation_choices(session)),
        countries=records(everyone.maghreb),
    )


def _cells(codes: Sequence[str], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One cell per unit; the highest value marked ``best`` when the values differ."""
    present = [
        float(v) for v in values.values() if isinstance(v, int | float) and not math.isnan(v)
    ]
    top = max(present) if len(present) > 1 and max(present) > min(present) else None
    cells = []
    for code in codes:
        value = values.get(code)
        if isinstance(value, float) and math.isnan(value):
            value = None
        cells.append({"value": value, "best": top is not None and value == top})
    return cells


def _groups(codes: list[str], payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The side-by-side tables: size first, then one table per dataset."""
    units = payload["units"]
    size_rows = []
    datasets: dict[str, dict[str, Any]] = {}
    for row in payload["totals"]:
        key = row["dataset"]
        if key not in datasets:
            datasets[key] = {"measure": row["measure"], "year": row["year"], "values": {}}
        datasets[key]["values"][row["region"]] = row["total"]
    for name, found in datasets.items():
        size_rows.append(
            {
                "kind": "total",
                "dataset": name,
                "measure": found["measure"],
                "year": found["year"],
                "cells": _cells(codes, found["values"]),
            }
        )
    size_rows.append(
        {
            "kind": "organisations",
            "cells": _cells(codes, {u["code"]: u["organisations"] for u in units}),
        }
    )
    groups: list[dict[str, Any]] = [{"kind": "size", "rows": size_rows}]

    by_dataset: dict[str, dict[str, dict[str, Any]]] = {}
    for row in payload["location_quotients"]:
        sectors = by_dataset.setdefault(row["dataset"], {})
        sector = sectors.setdefault(row["sector"], {"row": row, "cells": {}})
        sector["cells"][row["region"]] = row
    for name, sectors in by_dataset.items():
        rows = []
        for found in sectors.values():
            cells = _cells(codes, {c: r["location_quotient"] for c, r in found["cells"].items()})
            for cell, code in zip(cells, codes, strict=True):
                detail = found["cells"].get(code, {})
                cell |= {"strong": detail.get("strong"), "stars": detail.get("stars")}
            rows.append({"kind": "lq", "sector": found["row"], "cells": cells})
        summary = [r for r in payload["clusters"] if r["dataset"] == name]
        for kind in ("strong_clusters", "starred", "stars"):
            rows.append(
                {"kind": kind, "cells": _cells(codes, {r["region"]: r[kind] for r in summary})}
            )
        first = next(iter(sectors.values()))["row"]
        groups.append(
            {
                "kind": "dataset",
                "dataset": name,
                "year": first["year"],
                "measure": first["measure"],
                "rows": rows,
            }
        )
    return groups


def _choices(units: pd.DataFrame, chosen: list[str]) -> list[dict[str, Any]]:
    """The form's units by level, and within a level by the unit above (a folding group).

    A group is unfolded when it holds a chosen unit; with none chosen, the countries and
    Morocco's regions are (the bundled census covers Morocco only), and Morocco comes first.
    """
    names = {r["code"]: r for r in records(units)}
    levels: list[dict[str, Any]] = []
    for level in ("country", "region", "province"):
        rows = [r for r in names.values() if r["level"] == level]
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            parent = row["country"] if level == "region" else row["parent"]
            groups.setdefault(parent or "", []).append(row | {"checked": row["code"] in chosen})
        shown = []
        for parent, members in sorted(groups.items(), key=lambda g: (g[0] != "MA", g[0])):
            picked = any(u["checked"] for u in members)
            default = not chosen and (level == "country" or parent == "MA")
            shown.append(
                {
                    "parent": names.get(parent),
                    "code": parent,
                    "open": picked or default,
                    "units": members,
                }
            )
        levels.append(
            {
                "level": level,
                "open": any(g["open"] for g in shown),
                "groups": shown,
            }
        )
    return levels


def _per_cluster_rows(
    per_cluster: list[dict[str, Any]], members: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One row per programme: its members per cluster (``None``: the paper counts none) and
    one cell per measure of :data:`MEASURES`."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}

    def row(country: str, programme: str) -> dict[str, Any]:
        empty = {"members": None, "cells": dict.fromkeys(MEASURES)}
        return rows.setdefault(
            (country, programme), {"country": country, "programme": programme, **empty}
        )

    for figure in per_cluster:
        row(figure["country"], figure["programme"])["cells"][figure["measure"]] = figure
    for figure in members:
        row(figure["country"], figure["programme"])["members"] = figure
    return list(rows.values())


def _ranking(maghreb: list[dict[str, Any]], counts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The programmes' cluster counts and the Maghreb countries' counts, largest first."""
    rows = [{"kind": "maghreb", "count": r["organisations"], "row": r} for r in maghreb]
    rows += [{"kind": "programme", "count": r["value"], "row": r} for r in counts]
    return sorted(rows, key=lambda r: -float(r["count"]))
