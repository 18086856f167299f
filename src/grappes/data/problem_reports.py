"""How the problems found in a file are gathered and told.

:func:`grappes.data.validation.validate` records what it finds in a
:class:`ProblemCollector`, which keeps at most :data:`MAX_PROBLEMS_PER_CHECK` problems per
check and column and stands for the rest with one closing problem (:func:`more_problem`);
the readers of each format keep to the same cap. :func:`format_problems` turns the problems
into the message of the error that carries them, listing at most
:data:`MAX_PROBLEMS_IN_MESSAGE`; :func:`shown` and :func:`close_matches` word a value and
a suggestion inside a problem.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd

from grappes.errors import Problem

__all__ = [
    "MAX_PROBLEMS_IN_MESSAGE",
    "MAX_PROBLEMS_PER_CHECK",
    "ProblemCollector",
    "close_matches",
    "format_problems",
    "more_problem",
    "shown",
]

#: At most this many problems are kept per check and column; the rest are counted.
MAX_PROBLEMS_PER_CHECK = 1000

#: At most this many problems are listed in an error message; all are in ``.problems``.
MAX_PROBLEMS_IN_MESSAGE = 20

_SHOWN_VALUE_LENGTH = 60


def shown(value: str) -> str:
    """A cell value quoted for a message, shortened when long."""
    if len(value) > _SHOWN_VALUE_LENGTH:
        value = value[: _SHOWN_VALUE_LENGTH - 1] + "…"
    return repr(value)


class ProblemCollector:
    """Gathers problems per check and column, keeping a bounded number of each."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.closing: list[Problem] = []
        self.total = 0

    def in_order(self) -> list[Problem]:
        """The problems by row (whole-file and header ones first), closing counts last."""
        return sorted(self.problems, key=lambda p: p.row or 0) + self.closing

    def one(
        self, expected: str, found: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        """Record a single problem."""
        self.problems.append(Problem(self.source, expected, found, row=row, column=column))
        self.total += 1

    def extend(self, problems: Sequence[Problem], unlisted: int) -> None:
        """Record problems found elsewhere, and how many more like the last were left out."""
        self.problems.extend(problems)
        if unlisted:
            last = problems[-1]
            count = MAX_PROBLEMS_PER_CHECK + unlisted
            self.closing.append(more_problem(self.source, last.expected, last.column, count))
        self.total += len(problems) + unlisted

    def rows(
        self,
        mask: pd.Series,
        *,
        rows: np.ndarray,
        column: str | None,
        expected: str,
        values: pd.Series,
        describe: Callable[[Any], str] = shown,
    ) -> None:
        """Record one problem per row where ``mask`` holds, its value told by ``describe``.

        Only the kept rows are described, so a check costs one vectorised mask however many
        rows fail it.
        """
        where = np.flatnonzero(mask.to_numpy(dtype=bool, na_value=False))
        if where.size == 0:
            return
        kept = where[:MAX_PROBLEMS_PER_CHECK]
        descriptions = [describe(v) for v in values.iloc[kept].tolist()]
        for position, text in zip(kept.tolist(), descriptions, strict=True):
            self.problems.append(
                Problem(self.source, expected, text, row=int(rows[position]), column=column)
            )
        if where.size > MAX_PROBLEMS_PER_CHECK:
            self.closing.append(more_problem(self.source, expected, column, where.size))
        # The closing problem stands for the rows left out, so it is not counted itself.
        self.total += where.size


def more_problem(source: str, expected: str, column: str | None, count: int) -> Problem:
    """The closing problem that stands for the ones left out of a capped check.

    ``count`` is how many were found in all; it does not count among them.
    """
    rest = count - MAX_PROBLEMS_PER_CHECK
    return Problem(
        source,
        expected,
        f"{rest:,} more rows like this, not listed (only the first "
        f"{MAX_PROBLEMS_PER_CHECK:,} are kept)",
        row=None,
        column=column,
    )


def close_matches(word: str, candidates: Collection[str], n: int = 3) -> str:
    """`` (did you mean 'x'?)`` when some candidates are close to ``word``, else ``""``."""
    matches = difflib.get_close_matches(word, list(candidates), n=n, cutoff=0.6)
    if not matches:
        return ""
    return " (did you mean " + " or ".join(repr(m) for m in matches) + "?)"


def format_problems(source: str, problems: Sequence[Problem], total: int) -> str:
    """The message of an error that carries problems: a summary line, then a list.

    The first line reads ``<file>: N problems (first: …)``; up to
    :data:`MAX_PROBLEMS_IN_MESSAGE` problems follow, one a line, without the file name.
    """
    noun = "problem" if total == 1 else "problems"
    lines = [f"{source}: {total:,} {noun} (first: {_located(problems[0])})"]
    listed = problems[:MAX_PROBLEMS_IN_MESSAGE]
    lines.extend(f"  - {_located(p)}" for p in listed)
    rest = total - len(listed)
    if rest > 0:
        lines.append(f"  … and {rest:,} more not listed here")
    return "\n".join(lines)


def _located(problem: Problem) -> str:
    """A problem as text without its source (the message's first line names the file)."""
    text = str(problem)
    return text[len(problem.source) :].lstrip(", ").lstrip(": ") or text
