"""``grappes spatial``: curves and plots written, hot spots labelled, errors without traceback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from grappes.cli.app import app

runner = CliRunner()


@pytest.fixture
def points(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    clustered = rng.normal(3, 0.3, size=(60, 2))
    spread = rng.uniform(0, 10, size=(140, 2))
    xy = np.vstack([clustered, spread])
    path = tmp_path / "points.csv"
    pd.DataFrame(
        {
            "id": [f"e{i}" for i in range(200)],
            "x": xy[:, 0],
            "y": xy[:, 1],
            "sector": ["25"] * 60 + ["47"] * 140,
        }
    ).to_csv(path, index=False)
    return path


def test_kd_with_envelope_and_plot(points: Path, tmp_path: Path) -> None:
    out, plot = tmp_path / "kd.csv", tmp_path / "kd.png"
    result = runner.invoke(
        app,
        [
            "spatial",
            "kd",
            "-i",
            str(points),
            "--reference",
            "25",
            "-n",
            "99",
            "--seed",
            "0",
            "--distances",
            "0:4:0.5",
            "-o",
            str(out),
            "--plot",
            str(plot),
        ],
    )
    assert result.exit_code == 0, result.output
    curve = pd.read_csv(out)
    assert list(curve.columns[:4]) == ["distance", "kd", "lower", "upper"]
    assert len(curve) == 9
    # The 60 establishments of sector '25' sit within about 1 unit of each other: their Kd
    # rises far above the band of random relocations at short distances.
    short = curve[curve.distance <= 1.0]
    assert (short.kd > short.upper).any()
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "global p-value" in result.output


def test_ripley_l_with_window(points: Path, tmp_path: Path) -> None:
    out = tmp_path / "l.csv"
    result = runner.invoke(
        app,
        [
            "spatial",
            "k",
            "-i",
            str(points),
            "--window",
            "0,10,0,10",
            "--function",
            "l",
            "--distances",
            "0,0.5,1",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert list(pd.read_csv(out).columns) == ["distance", "l"]


def test_bad_window_is_explained(points: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["spatial", "k", "-i", str(points), "--window", "0,10", "-o", str(tmp_path / "l.csv")]
    )
    assert result.exit_code == 1
    assert "xmin,xmax,ymin,ymax" in result.output
    assert "Traceback" not in result.output


def test_unknown_reference_type(points: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["spatial", "kd", "-i", str(points), "--reference", "99", "-o", str(tmp_path / "k.csv")],
    )
    assert result.exit_code == 1
    assert "'99'" in result.output
    assert not (tmp_path / "k.csv").exists()


def test_hotspots_on_a_lattice(tmp_path: Path) -> None:
    # a 6 x 6 rook lattice with a block of high values in one corner
    codes = [f"u{r}{c}" for r in range(6) for c in range(6)]
    values = [100.0 if r < 2 and c < 2 else 1.0 for r in range(6) for c in range(6)]
    edges = [
        (f"u{r}{c}", f"u{r + dr}{c + dc}")
        for r in range(6)
        for c in range(6)
        for dr, dc in ((0, 1), (1, 0))
        if r + dr < 6 and c + dc < 6
    ]
    table, graph, out = tmp_path / "v.csv", tmp_path / "g.csv", tmp_path / "h.csv"
    pd.DataFrame({"region": codes, "value": values}).to_csv(table, index=False)
    pd.DataFrame(edges, columns=["code_a", "code_b"]).to_csv(graph, index=False)
    result = runner.invoke(
        app,
        [
            "spatial",
            "hotspots",
            "-i",
            str(table),
            "--graph",
            str(graph),
            "--permutations",
            "0",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    hot = set(pd.read_csv(out).query("label == 'hot_spot'").region)
    assert hot, "the high corner must come out as a hot spot"
    assert hot <= {"u00", "u01", "u10", "u11", "u02", "u20", "u12", "u21"}
