"""The one error hierarchy of Grappes.

Library code raises these; only the faces (CLI, web) turn them into exit codes or HTTP
statuses. Every message says who complains, what was expected, what was found and where.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args


class GrappesError(Exception):
    """Base class of every error Grappes raises on purpose."""


class InvalidInputError(GrappesError, ValueError):
    """Input data or an argument does not meet what the function documents.

    ``problems`` holds every problem found (a list of :class:`Problem`) when a whole file or
    table was checked, so that a caller can show them all rather than only the first.
    """

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])


class MissingColumnsError(InvalidInputError):
    """A table lacks columns a function needs."""


class NotFoundError(GrappesError, LookupError):
    """A code, table or record that was asked for does not exist."""


class ConfigurationError(GrappesError):
    """A setting or the environment is wrong (an engine URL, a missing optional package)."""


class GrappesWarning(UserWarning):
    """A warning Grappes emits; the test suite turns it into an error."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is, what was expected and what was found.

    ``row`` is the 1-based line number in the file as a person sees it in an editor or a
    spreadsheet (the header is line 1), or ``None`` when the problem concerns the whole file
    or a whole column.
    """

    source: str
    expected: str
    found: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: expected {self.expected}; found {self.found}"


def check_choice(
    who: str, name: str, value: object, allowed: Any, *, allow_none: bool = False
) -> None:
    """Refuse an option that is not one of ``allowed`` (a tuple, or a ``Literal`` type).

    The one message every function gives for a bad option:
    ``"regions: level must be one of 'commune', 'province' or None; got 'cercle'"``.

    Raises
    ------
    InvalidInputError
        Unless ``value`` is one of the allowed values (or None, with ``allow_none``).
    """
    choices = get_args(allowed) or tuple(allowed)
    if (value is None and allow_none) or value in choices:
        return
    listed = ", ".join(map(repr, choices)) + (" or None" if allow_none else "")
    raise InvalidInputError(f"{who}: {name} must be one of {listed}; got {value!r}")
