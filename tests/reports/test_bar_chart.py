"""Horizontal bar charts: bars to scale, the reference line, escaping, right to left."""

from __future__ import annotations

import re

import pytest

from grappes.reports.bar_chart import ABOVE_COLOUR, BELOW_COLOUR, LABEL_CHARACTERS, Bar, bar_chart

BARS = [Bar("Industry", 2.0, "2.00"), Bar("Commerce", 0.5, "0.50"), Bar("Services", 1.0, "1.00")]


def _rects(svg: str) -> list[tuple[float, float, str, float]]:
    found = re.findall(
        r'<rect x="([^"]+)" y="[^"]+" width="([^"]+)" height="[^"]+" fill="([^"]+)" '
        r'data-value="([^"]+)"/>',
        svg,
    )
    return [(float(x), float(w), fill, float(v)) for x, w, fill, v in found]


def test_bars_are_to_scale_with_the_reference_line() -> None:
    svg = bar_chart(BARS, identifier="c", title="T", description="D", plot_width=300)
    rects = _rects(svg)
    # the largest value (2.0) spans the plot: 300 units; 0.5 is a quarter, 1.0 a half
    assert [w for _, w, _, _ in rects] == [300.0, 75.0, 150.0]
    assert [fill for _, _, fill, _ in rects] == [ABOVE_COLOUR, BELOW_COLOUR, ABOVE_COLOUR]
    axis = float(re.search(r'class="bar-axis" x1="([^"]+)"', svg)[1])  # type: ignore[index]
    line = float(re.search(r'class="bar-reference" x1="([^"]+)"', svg)[1])  # type: ignore[index]
    assert line - axis == pytest.approx(150.0)  # the 1.0 line, half of the 2.0 bar
    assert all(x == axis for x, _, _, _ in rects)  # every bar starts at the axis


def test_the_reference_sets_the_scale_when_every_value_is_below_it() -> None:
    svg = bar_chart([Bar("a", 0.25, "0.25")], identifier="c", title="T", description="D")
    assert _rects(svg)[0][1] == pytest.approx(320 * 0.25)  # scale [0, 1], default 320 units


def test_accessible_name_and_description() -> None:
    svg = bar_chart(BARS, identifier="lq-1", title="LQ by sector", description="How to read")
    assert svg.startswith('<svg class="bar-chart"')
    assert 'role="img" aria-labelledby="lq-1-title lq-1-desc"' in svg
    assert '<title id="lq-1-title">LQ by sector</title>' in svg
    assert '<desc id="lq-1-desc">How to read</desc>' in svg
    assert "style=" not in svg  # the content security policy forbids inline styles


def test_text_is_escaped() -> None:
    svg = bar_chart(
        [Bar("<script>alert(1)</script>", 1.0, "1 & 2")],
        identifier='x" onload="alert(1)',
        title="<b>",
        description="&",
    )
    assert "<script>" not in svg and "<b>" not in svg and 'onload="' not in svg
    assert "&lt;script&gt;" in svg and "1 &amp; 2" in svg


def test_a_missing_value_has_no_bar_but_its_text() -> None:
    svg = bar_chart(
        [Bar("a", None, "–"), Bar("b", 1.0, "1")], identifier="c", title="T", description="D"
    )
    assert len(_rects(svg)) == 1
    assert ">–</text>" in svg


def test_right_to_left_mirrors_the_chart() -> None:
    ltr = bar_chart(BARS, identifier="c", title="T", description="D")
    rtl = bar_chart(BARS, identifier="c", title="T", description="D", direction="rtl")
    width = float(re.search(r'viewBox="0 0 ([0-9.]+) ', rtl)[1])  # type: ignore[index]
    for (x1, w1, _, v1), (x2, w2, _, v2) in zip(_rects(ltr), _rects(rtl), strict=True):
        assert (w1, v1) == (w2, v2)
        assert x2 == pytest.approx(width - x1 - w1, abs=0.01)  # mirrored about the middle
    labels = re.findall(r'<text class="bar-label"[^>]*>', rtl)
    assert all('direction="rtl"' in t and 'text-anchor="end"' in t for t in labels)
    values = re.findall(r'<text class="bar-value"[^>]*>', rtl)
    assert all('direction="ltr"' in t for t in values)  # numbers stay left to right


@pytest.mark.parametrize("value", [-1.0, float("nan"), float("inf")])
def test_refuses_values_it_cannot_draw(value: float) -> None:
    with pytest.raises(ValueError, match="finite and non-negative"):
        bar_chart([Bar("a", value, "?")], identifier="c", title="T", description="D")


def test_refuses_no_room_for_bars() -> None:
    with pytest.raises(ValueError, match="plot_width must be positive"):
        bar_chart(BARS, identifier="c", title="T", description="D", plot_width=0)


def test_a_long_label_is_cut_with_its_whole_text_as_tooltip() -> None:
    long = "Activités des organisations et organismes extraterritoriaux et non déclarées"
    svg = bar_chart([Bar(long, 1.3, "1.30")], identifier="c", title="T", description="D")
    text = re.search(r'<text class="bar-label"[^>]*>(.*?)</text>', svg)
    assert text is not None
    assert text[1] == f"<title>{long}</title>{long[: LABEL_CHARACTERS - 1].rstrip()}…"
