"""Horizontal bar charts as inline SVG: no script, no library, readable offline and in print.

:func:`bar_chart` draws one bar per item (a location quotient per sector, per region …)
against a common scale, with an optional dashed reference line (1.0 for a location
quotient). A chart is never the only way to read a figure: a page that draws one also shows
the numbers in a table beside it. The SVG says what it shows to assistive technology
(``role="img"``, a ``<title>`` and a ``<desc>``) and writes each value next to its bar.

Right-to-left pages (Arabic) get the chart mirrored: labels on the right, bars growing to
the left from a common axis, so that the eye reads from the label to its bar as on the
rest of the page; each label is laid out in its own writing direction and numbers stay
left-to-right with Western digits. Colours are attributes, not inline styles, so the
chart passes a content security policy that forbids them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Final, Literal

__all__ = [
    "ABOVE_COLOUR",
    "BELOW_COLOUR",
    "LABEL_CHARACTERS",
    "Bar",
    "bar_chart",
    "bar_length",
]

#: Bars at or above the reference (specialised): ColorBrewer RdBu's dark red.
ABOVE_COLOUR: Final = "#b2182b"
#: Bars below the reference: RdBu's dark blue. Both contrast at least 3:1 with white.
BELOW_COLOUR: Final = "#2166ac"
#: Height of a row, and of a bar, in SVG units (pixels at scale 1).
ROW_HEIGHT: Final = 24
BAR_HEIGHT: Final = 16
#: Width of one character of a label, to size the label column (13 px text): about 6.7
#: units measured on Latin and Arabic labels in Chromium, plus the spacing a reader may add
#: (WCAG 1.4.12: 0.12 em between letters, 0.16 em between words, about 1.9 units a
#: character at 13 px), so that no label is cut (tests/e2e/test_reflow.py).
_CHARACTER_WIDTH: Final = 8.6
#: Narrowest and widest label column.
_LABEL_WIDTHS: Final = (60.0, 440.0)
#: Longest label written whole, in characters; a longer one is cut with an ellipsis (its
#: whole text is its tooltip, and the table beside the chart has it).
LABEL_CHARACTERS: Final = 40
#: Room kept for the value written after the longest bar.
_VALUE_ROOM: Final = 52
_GAP: Final = 8
_TOP: Final = 6
_BOTTOM: Final = 22


@dataclass(frozen=True)
class Bar:
    """One bar: what it is (``label``), its value (``None`` when undefined) and that value
    as the page writes it (``text``: rounded, in the page's language)."""

    label: str
    value: float | None
    text: str


def bar_length(value: float, *, maximum: float, plot_width: float) -> float:
    """Length of the bar of ``value`` on a scale from 0 to ``maximum`` over ``plot_width``."""
    return value / maximum * plot_width


def bar_chart(
    bars: Sequence[Bar],
    *,
    identifier: str,
    title: str,
    description: str,
    reference: float | None = 1.0,
    reference_text: str = "1",
    direction: Literal["ltr", "rtl"] = "ltr",
    label_direction: Literal["ltr", "rtl"] | None = None,
    plot_width: int = 320,
) -> str:
    """Return an SVG horizontal bar chart of ``bars``, in their order, as a string.

    Parameters
    ----------
    bars
        The bars, top to bottom. Values must be finite and non-negative, or ``None`` (no
        bar; the text is still written).
    identifier
        Unique on the page: the ids of the ``<title>`` and ``<desc>`` start with it.
    title, description
        What the chart shows (its accessible name) and how to read it.
    reference
        Value of the dashed reference line (1.0 for a location quotient), or ``None``.
    reference_text
        How the reference is written under its line.
    direction
        ``"rtl"`` mirrors the chart (labels on the right, bars growing to the left).
    label_direction
        Writing direction of the labels; defaults to ``direction``. A label longer than
        :data:`LABEL_CHARACTERS` is cut with an ellipsis.
    plot_width
        Length of the longest possible bar, in SVG units. The label column is as wide as
        the longest label needs (60 to 440 units), so the drawing's width follows; it
        scales down to its container.

    Returns
    -------
    str
        An ``<svg>`` element (HTML-escaped text) with ``role="img"``. Each bar is a
        ``<rect>`` with ``data-value`` (its value) and a width of
        :func:`bar_length` over the scale ``[0, max(values, reference)]``.

    Raises
    ------
    ValueError
        When a value is negative or not finite, or ``plot_width`` is not positive.

    Examples
    --------
    >>> svg = bar_chart([Bar("Industry", 1.25, "1.25"), Bar("Commerce", 0.5, "0.50")],
    ...                 identifier="lq", title="LQ by sector", description="Bars.")
    >>> svg.count("<rect"), 'role="img"' in svg
    (2, True)
    """
    for bar in bars:
        if bar.value is not None and not (math.isfinite(bar.value) and bar.value >= 0):
            raise ValueError(
                f"bar_chart: values must be finite and non-negative; got {bar.value!r} "
                f"for {bar.label!r}"
            )
    if plot_width <= 0:
        raise ValueError(f"bar_chart: plot_width must be positive; got {plot_width!r}")
    values = [bar.value for bar in bars if bar.value is not None]
    maximum = max([*values, reference or 0.0]) or 1.0
    longest = max((len(_shortened(bar.label)) for bar in bars), default=0)
    label_width = min(max(_LABEL_WIDTHS[0], longest * _CHARACTER_WIDTH), _LABEL_WIDTHS[1])
    width = round(label_width + 2 * _GAP + plot_width + _VALUE_ROOM)
    height = _TOP + ROW_HEIGHT * len(bars) + _BOTTOM
    axis = label_width + _GAP
    mirrored = direction == "rtl"
    labels = label_direction or direction

    def x(position: float) -> float:
        """A horizontal position measured from the axis side, mirrored for rtl."""
        return width - position if mirrored else position

    parts = [
        f'<svg class="bar-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{escape(identifier)}-title '
        f'{escape(identifier)}-desc" font-size="13">',
        f'<title id="{escape(identifier)}-title">{escape(title)}</title>',
        f'<desc id="{escape(identifier)}-desc">{escape(description)}</desc>',
    ]
    for row, bar in enumerate(bars):
        top = _TOP + row * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        # The label ends next to the axis: its end is its right edge in ltr, left in rtl.
        parts.append(
            f'<text class="bar-label" x="{_n(x(label_width))}" y="{_n(middle)}" '
            f'dominant-baseline="central" text-anchor="{_anchor(labels, mirrored)}" '
            f'direction="{labels}" unicode-bidi="embed">{_label(bar.label)}</text>'
        )
        length = 0.0
        if bar.value is not None:
            length = bar_length(bar.value, maximum=maximum, plot_width=plot_width)
            left = x(axis + length) if mirrored else axis
            colour = ABOVE_COLOUR if reference is None or bar.value >= reference else BELOW_COLOUR
            parts.append(
                f'<rect x="{_n(left)}" y="{_n(middle - BAR_HEIGHT / 2)}" '
                f'width="{_n(length)}" height="{BAR_HEIGHT}" fill="{colour}" '
                f'data-value="{bar.value!r}"/>'
            )
        # The value starts just past the bar's end; numbers are always written ltr.
        parts.append(
            f'<text class="bar-value" x="{_n(x(axis + length + 4))}" y="{_n(middle)}" '
            f'dominant-baseline="central" text-anchor="{"end" if mirrored else "start"}" '
            f'direction="ltr" unicode-bidi="embed">{escape(bar.text)}</text>'
        )
    bottom = _TOP + ROW_HEIGHT * len(bars)
    parts.append(
        f'<line class="bar-axis" x1="{_n(x(axis))}" x2="{_n(x(axis))}" y1="{_TOP}" '
        f'y2="{_n(bottom)}" stroke="#555555"/>'
    )
    if reference is not None:
        at = x(axis + bar_length(reference, maximum=maximum, plot_width=plot_width))
        parts.append(
            f'<line class="bar-reference" x1="{_n(at)}" x2="{_n(at)}" y1="{_TOP - 4}" '
            f'y2="{_n(bottom + 4)}" stroke="#111111" stroke-dasharray="4 3" '
            f'data-value="{reference!r}"/>'
        )
        parts.append(
            f'<text class="bar-reference-label" x="{_n(at)}" y="{_n(bottom + 16)}" '
            f'text-anchor="middle" direction="ltr">{escape(reference_text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _anchor(labels: str, mirrored: bool) -> str:
    # ``end`` is the right edge of ltr text and the left edge of rtl text; the label must
    # end on the side of the axis (its right in an ltr chart, its left in a mirrored one).
    right_edge = not mirrored
    return "end" if (labels == "ltr") == right_edge else "start"


def _shortened(label: str) -> str:
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def _label(label: str) -> str:
    """The label's text, escaped; cut to :data:`LABEL_CHARACTERS` with its whole text as a
    tooltip when longer."""
    short = _shortened(label)
    if short == label:
        return escape(label)
    return f"<title>{escape(label)}</title>{escape(short)}"


def _n(value: float) -> str:
    """A coordinate with two decimals at most (``12``, ``12.5``, ``12.25``)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
