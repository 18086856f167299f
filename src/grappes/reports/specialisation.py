"""The pieces of a specialisation panel: its rows, its maps, and numbers as readers write them.

A panel is one dataset of a report (the 2024 establishments, the 2014 employment): a table
of location quotients by region and sector, a map per sector, and each region's strongest
specialisation. :mod:`grappes.reports.cluster_report` fills and renders them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


def number_formatter(language: str) -> Callable[[float, int], str]:
    """Numbers as a reader of ``language`` writes them (Western digits in all three)."""
    from babel.numbers import format_decimal

    locale = {"fr": "fr_FR", "ar": "ar_MA", "en": "en_GB"}[language]

    def fmt(value: float, decimals: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return str(format_decimal(value, format=pattern, locale=locale, numbering_system="latn"))

    return fmt
