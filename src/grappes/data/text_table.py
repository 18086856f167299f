"""A table as read from a file, before any check: text cells, or why there are none.

The readers of each format (:mod:`grappes.data.csv_reader`, :mod:`grappes.data.excel_reader`,
:mod:`grappes.data.parquet_reader`) turn a file into a :class:`TextTable`, every cell a string
and nothing guessed, which :func:`grappes.data.validation.validate` then checks; a file that
cannot be read as a table at all raises :class:`UnreadableError` instead, carrying the one
problem that says why. :mod:`grappes.data.readers` joins the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from grappes.errors import Problem

__all__ = ["TextTable", "UnreadableError"]


@dataclass(frozen=True)
class TextTable:
    """A table exactly as read from a file: a header and cells that are all strings.

    Parameters
    ----------
    source
        Name of the file, as the user gave it; it starts every problem.
    header
        Column names in file order, as written (they may repeat or be empty).
    cells
        One column per header entry, labelled ``0 .. len(header) - 1``; every cell a string,
        an empty cell ``""``.
    rows
        Row number of each record, as a person sees it in the file (header is row 1 of a CSV).
    header_row
        Row number of the header.
    problems
        Problems found while reading: rows with the wrong number of fields (at most
        :data:`~grappes.data.problem_reports.MAX_PROBLEMS_PER_CHECK` of them, listed last)
        and Parquet column types.
    unlisted
        How many more rows with the wrong number of fields were found but not kept.
    """

    source: str
    header: list[str]
    cells: pd.DataFrame
    rows: np.ndarray
    header_row: int = 1
    problems: list[Problem] = field(default_factory=list)
    unlisted: int = 0


class UnreadableError(Exception):
    """A file that cannot be read as a table at all; carries the one problem that says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem
