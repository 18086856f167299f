"""Shared test settings: tolerances, and where the shared reference material lives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

#: Relative and absolute tolerances shared by the numeric tests.
RTOL = 1e-9
ATOL = 1e-12

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(__file__).resolve().parent / "reference"


@pytest.fixture
def reference_dir() -> Path:
    """Folder of small reference inputs and expected values (see its README)."""
    return REFERENCE


@pytest.fixture(scope="session")
def spark_connection() -> Any:
    """An Ibis connection to a local two-core Spark, shared by the whole session."""
    from grappes.engine import connect

    return connect("local[2]")
