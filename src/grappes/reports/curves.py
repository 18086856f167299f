"""Plots of distance-based curves (Kd, M, K, L) with their confidence envelope.

A figure is drawn from a result's tidy ``curve`` table; results themselves never plot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd

from grappes.errors import InvalidInputError

#: What the null hypothesis gives for each function, drawn as a dashed reference line.
NULL_LINES: dict[str, Literal["none", "one", "pi_r2", "r"]] = {
    "kd": "none",
    "m": "one",
    "k": "pi_r2",
    "l": "r",
}


def plot_curve(
    curve: pd.DataFrame,
    path: Path,
    *,
    value: str,
    title: str,
    distance_unit: str = "",
) -> Path:
    """Draw ``curve`` (``distance``, ``value`` and optional ``lower``/``upper``) to ``path``.

    The format follows the suffix: ``.png`` or ``.svg``. The file is written whole (to a
    temporary name, then renamed). Returns ``path``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise InvalidInputError(f"{path}: a plot is written as .png or .svg; got {suffix!r}")
    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=120)
    r = curve["distance"].to_numpy(dtype=float)
    if {"lower", "upper"} <= set(curve.columns):
        axes.fill_between(
            r, curve["lower"], curve["upper"], color="#c6dbef", label="confidence envelope"
        )
    axes.plot(r, curve[value], color="#8c1d40", linewidth=1.8, label=value)
    null = NULL_LINES.get(value, "none")
    if null == "one":
        axes.axhline(1.0, color="#555", linestyle="--", linewidth=0.8, label="null (M = 1)")
    elif null == "pi_r2":
        axes.plot(r, np.pi * r**2, color="#555", linestyle="--", linewidth=0.8, label="πr²")
    elif null == "r":
        axes.plot(r, r, color="#555", linestyle="--", linewidth=0.8, label="L = r")
    axes.set_xlabel(f"distance ({distance_unit})" if distance_unit else "distance")
    axes.set_ylabel(value)
    axes.set_title(title)
    axes.legend(frameon=False)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    partial = path.with_name(path.name + ".partial")
    figure.savefig(partial, format=suffix.lstrip("."))
    plt.close(figure)
    partial.replace(path)
    return path
