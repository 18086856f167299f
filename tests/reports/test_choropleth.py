"""Choropleth SVG maps: classes, legends (continuous and whole-number), links and outlines."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
from shapely.geometry import box

from grappes.reports import choropleth


def _squares() -> gpd.GeoDataFrame:
    """Three unit squares side by side, codes A, B, C."""
    return gpd.GeoDataFrame(
        {"code": ["A", "B", "C"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs="EPSG:4326",
    )


def test_lq_legend_labels() -> None:
    labels = [e.label() for e in choropleth.legend()]
    assert labels == [
        "< 0.80",
        "0.80 – 0.95",
        "0.95 – 1.05",
        "1.05 – 1.25",
        "1.25 – 1.50",
        "≥ 1.50",
    ]


def test_stars_legend_has_one_class_per_star_count() -> None:
    entries = choropleth.whole_number_legend(
        choropleth.STARS_BREAKS, choropleth.STARS_COLOURS, maximum=3
    )
    assert [e.label("{:.0f}".format) for e in entries] == ["0", "1", "2", "3"]
    assert [(e.lower, e.upper) for e in entries] == [(0, 0), (1, 1), (2, 2), (3, 3)]
    for stars, entry in enumerate(entries):
        colour = choropleth.colour_of(stars, choropleth.STARS_BREAKS, choropleth.STARS_COLOURS)
        assert colour == entry.colour == choropleth.STARS_COLOURS[stars]


def test_count_legend_bounds_are_inclusive() -> None:
    breaks, colours = (1, 5, 10, 20), ("a", "b", "c", "d", "e")
    entries = choropleth.whole_number_legend(breaks, colours)
    assert [e.label("{:.0f}".format) for e in entries] == ["0", "1 – 4", "5 – 9", "10 – 19", "≥ 20"]
    # every whole number is coloured as the class whose bounds hold it
    for count in range(0, 40):
        holding = [
            e
            for e in entries
            if e.lower is not None and e.lower <= count and (e.upper is None or count <= e.upper)
        ]
        assert len(holding) == 1
        assert choropleth.colour_of(count, breaks, colours) == holding[0].colour


@pytest.mark.parametrize(
    ("breaks", "colours", "keywords", "match"),
    [
        ((1, 2), ("a", "b"), {}, "expected 3 colours; got 2"),
        ((1.5, 2), ("a", "b", "c"), {}, "whole numbers"),
        ((2, 2), ("a", "b", "c"), {}, "increasing"),
        ((0, 2), ("a", "b", "c"), {}, "from above 0"),
        ((1, 5), ("a", "b", "c"), {"maximum": 3}, "up to 3"),
    ],
)
def test_whole_number_legend_refuses_bad_breaks(
    breaks: tuple[float, ...], colours: tuple[str, ...], keywords: dict[str, int], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        choropleth.whole_number_legend(breaks, colours, **keywords)


def test_svg_colours_links_and_titles() -> None:
    drawn = choropleth.svg(
        _squares(),
        {"A": 0.5, "B": 1.0, "C": 2.0},
        titles={"A": "Alpha <1>", "B": "Beta", "C": "Gamma"},
        label="LQ",
        links={"A": "/regions/A", "B": "/regions/B"},
    )
    fills = dict(re.findall(r'fill="(#[0-9a-f]{6})"[^>]*data-code="(\w)"', drawn))
    assert fills == {"#2166ac": "A", "#f7f7f7": "B", "#b2182b": "C"}
    assert re.findall(r'<a href="([^"]+)"><path', drawn) == ["/regions/A", "/regions/B"]
    assert "<title>Alpha &lt;1&gt;</title>" in drawn  # titles are escaped
    assert 'aria-label="LQ"' in drawn


def test_svg_draws_outlines_over_the_shapes_out_of_the_pointers_way() -> None:
    shapes = _squares()
    outline = gpd.GeoDataFrame({"code": ["AB"]}, geometry=[box(0, 0, 2, 1)], crs="EPSG:4326")
    drawn = choropleth.svg(
        shapes,
        {"A": 1.0},
        titles={},
        label="map",
        links={"A": "/a"},
        outlines=outline,
    )
    assert drawn.count('class="outline"') == 1
    last = drawn[drawn.rindex("<path") :]
    assert 'fill="none"' in last and 'pointer-events="none"' in last
    assert "<a " not in last  # the outline is no link and lies over every shape
    without = choropleth.svg(shapes, {"A": 1.0}, titles={}, label="map")
    assert 'class="outline"' not in without
    assert drawn.count('<path d="') == without.count('<path d="') + 1


def test_a_map_of_links_is_a_group_not_an_image() -> None:
    # ARIA: an element with role="img" may not hold interactive content.
    linked = choropleth.svg(_squares(), {}, titles={}, label="Map", links={"A": "/a"})
    plain = choropleth.svg(_squares(), {}, titles={}, label="Map")
    assert 'role="group" aria-label="Map"' in linked
    assert 'role="img" aria-label="Map"' in plain
