"""Choropleth maps as inline SVG: no tile server, no script, readable offline and in print.

A map is never the only way to read a figure: every report that draws one also shows the
numbers in a table. Each shape carries a ``<title>`` (a tooltip and what a screen reader
says) and a ``data-code`` attribute with its region code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

#: Location-quotient classes, centred on 1 (no specialisation).
LQ_BREAKS: tuple[float, ...] = (0.8, 0.95, 1.05, 1.25, 1.5)
#: ColorBrewer RdBu (6 classes, reversed): under-represented in blue, specialised in red.
LQ_COLOURS: tuple[str, ...] = ("#2166ac", "#67a9cf", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b")
#: Stars of the European Cluster Observatory (0 to 3), one class each: whole numbers below
#: 1, 2 and 3 (see :func:`whole_number_legend`).
STARS_BREAKS: tuple[float, ...] = (1, 2, 3)
#: ColorBrewer YlOrBr (4 classes): no star pale, three stars dark.
STARS_COLOURS: tuple[str, ...] = ("#ffffd4", "#fed98e", "#fe9929", "#cc4c02")
MISSING_COLOUR = "#d9d9d9"


@dataclass(frozen=True)
class LegendEntry:
    """One class of a map's legend: its colour and its bounds (``None`` = open-ended)."""

    colour: str
    lower: float | None
    upper: float | None

    def label(self, number: Callable[[float], str] = "{:.2f}".format) -> str:
        """``< 0.80``, ``0.80 – 0.95``, ``≥ 1.50``, or ``2`` for a one-value class.

        Numbers are written by ``number``.
        """
        if self.lower is not None and self.lower == self.upper:
            return number(self.lower)
        if self.lower is None and self.upper is not None:
            return f"< {number(self.upper)}"
        if self.upper is None and self.lower is not None:
            return f"≥ {number(self.lower)}"
        return f"{number(self.lower or 0.0)} – {number(self.upper or 0.0)}"


def legend(
    breaks: Sequence[float] = LQ_BREAKS, colours: Sequence[str] = LQ_COLOURS
) -> list[LegendEntry]:
    """The legend entries of a classed map: ``len(breaks) + 1`` classes."""
    if len(colours) != len(breaks) + 1:
        raise ValueError(f"legend: expected {len(breaks) + 1} colours; got {len(colours)}")
    bounds: list[float | None] = [None, *breaks, None]
    return [LegendEntry(c, bounds[i], bounds[i + 1]) for i, c in enumerate(colours)]


def whole_number_legend(
    breaks: Sequence[float],
    colours: Sequence[str],
    *,
    minimum: int = 0,
    maximum: int | None = None,
) -> list[LegendEntry]:
    """The legend of a classed map of whole numbers (counts, stars), bounds included.

    The classes are those :func:`colour_of` gives with the same ``breaks`` and
    ``colours`` (a whole number below the break ``b`` is at most ``b - 1``), written with
    inclusive bounds from ``minimum``: breaks ``(1, 5, 10)`` give ``0``, ``1 – 4``,
    ``5 – 9`` and ``≥ 10``, or ``10 – 12`` with ``maximum=12``.

    Raises
    ------
    ValueError
        When the breaks are not whole numbers increasing from above ``minimum`` (and up to
        ``maximum``), or there are not ``len(breaks) + 1`` colours.

    Examples
    --------
    >>> [e.label("{:.0f}".format) for e in whole_number_legend(STARS_BREAKS, STARS_COLOURS,
    ...                                                         maximum=3)]
    ['0', '1', '2', '3']
    """
    if len(colours) != len(breaks) + 1:
        raise ValueError(f"legend: expected {len(breaks) + 1} colours; got {len(colours)}")
    limits = [int(b) for b in breaks]
    increasing = all(a < b for a, b in zip([minimum, *limits], limits, strict=False))
    within = maximum is None or not limits or limits[-1] <= maximum
    if limits != list(breaks) or not increasing or not within:
        upto = "" if maximum is None else f" up to {maximum}"
        raise ValueError(
            f"legend: breaks must be whole numbers increasing from above {minimum}{upto}; "
            f"got {tuple(breaks)}"
        )
    lowers = [minimum, *limits]
    uppers: list[int | None] = [*(b - 1 for b in limits), maximum]
    return [
        LegendEntry(c, float(low), None if high is None else float(high))
        for c, low, high in zip(colours, lowers, uppers, strict=True)
    ]


def colour_of(
    value: float | None,
    breaks: Sequence[float] = LQ_BREAKS,
    colours: Sequence[str] = LQ_COLOURS,
) -> str:
    """Colour of ``value`` in a classed map; grey for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_COLOUR
    for limit, colour in zip(breaks, colours, strict=False):
        if value < limit:
            return colour
    return colours[-1]


def svg(
    shapes: gpd.GeoDataFrame,
    values: Mapping[str, float],
    *,
    titles: Mapping[str, str],
    label: str,
    code: str = "code",
    width: int = 640,
    breaks: Sequence[float] = LQ_BREAKS,
    colours: Sequence[str] = LQ_COLOURS,
    tolerance: float = 0.02,
    links: Mapping[str, str] | None = None,
    outlines: gpd.GeoDataFrame | None = None,
) -> str:
    """Return an SVG choropleth of ``shapes`` coloured by ``values`` (keyed by region code).

    Parameters
    ----------
    shapes
        Polygons in longitude / latitude (EPSG:4326) with a ``code`` column.
    values
        Value of each code; codes without a value are drawn grey.
    titles
        Text of each shape's tooltip (name and value, already in the reader's language).
    label
        Accessible name of the whole map (``aria-label``).
    tolerance
        Simplification tolerance in degrees (0.02° ≈ 2 km), to keep the file small.
    links
        Address of each code's page: its shape is then wrapped in an ``<a href>`` (SVG 2),
        which a keyboard reaches and a click follows. Codes without an address, and every
        code when ``links`` is ``None`` (default), are drawn without a link. A map with
        links is a ``role="group"`` (an image may not hold links), one without a
        ``role="img"``; both are named by ``label``.
    outlines
        Borders drawn over the shapes, thicker and unfilled, ignored by the pointer (the
        regions over a map of provinces); in the same coordinates as ``shapes``, within
        their bounds.

    Notes
    -----
    Equirectangular projection with the x axis scaled by the cosine of the mean latitude:
    shapes keep their proportions at the scale of a country.
    """
    minx, miny, maxx, maxy = shapes.total_bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    scale = width / ((maxx - minx) * kx)
    height = round((maxy - miny) * scale)

    def point(x: float, y: float) -> str:
        return f"{(x - minx) * kx * scale:.1f},{(maxy - y) * scale:.1f}"

    paths = []
    for row in shapes.itertuples(index=False):
        key = str(getattr(row, code))
        geometry: BaseGeometry = row.geometry.simplify(tolerance, preserve_topology=True)
        d = _path(geometry, point)
        fill = colour_of(values.get(key), breaks, colours)
        title = escape(titles.get(key, key))
        shape = (
            f'<path d="{d}" fill="{fill}" stroke="#555" stroke-width="0.6" '
            f'data-code="{escape(key)}"><title>{title}</title></path>'
        )
        href = None if links is None else links.get(key)
        if href is not None:
            shape = f'<a href="{escape(href)}">{shape}</a>'
        paths.append(shape)
    if outlines is not None:
        borders = "".join(
            _path(g.simplify(tolerance, preserve_topology=True), point) for g in outlines.geometry
        )
        paths.append(
            f'<path d="{borders}" fill="none" stroke="#222" stroke-width="1.4" '
            'pointer-events="none" class="outline"/>'
        )
    # An image may not hold links (ARIA): a map whose shapes are links is a labelled group.
    role = "img" if not links else "group"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="{role}" aria-label="{escape(label)}" class="choropleth">'
        + "".join(paths)
        + "</svg>"
    )


def _path(geometry: BaseGeometry, point: object) -> str:
    polygons = getattr(geometry, "geoms", [geometry])
    parts = []
    for polygon in polygons:
        if polygon.geom_type != "Polygon":
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            coords = [point(x, y) for x, y in ring.coords]  # type: ignore[operator]
            parts.append("M" + "L".join(coords) + "Z")
    return "".join(parts)
