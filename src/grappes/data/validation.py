"""Check a table of text cells against a canonical schema and convert it to typed columns.

The readers (:mod:`grappes.data.readers`) turn a CSV, Excel or Parquet file into a
:class:`~grappes.data.text_table.TextTable`: every cell a string, nothing guessed.
:func:`validate` then checks every cell at once (vectorised with pandas), collects every
problem as a :class:`~grappes.errors.Problem`, and builds the typed frame. It never raises on
bad data and never repairs anything: a value is either accepted as written or reported.
How problems are capped and worded is in :mod:`grappes.data.problem_reports`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from grappes.data.problem_reports import ProblemCollector, close_matches, shown
from grappes.data.text_table import TextTable
from grappes.errors import Problem
from grappes.tables import Column, Schema

#: Output dtype of each column type (documented in docs/input-data.md).
DTYPES: dict[str, str] = {
    "string": "string",
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
}

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
# 18 digits keep every accepted whole number inside int64.
_INTEGER = r"[+-]?\d{1,18}"
_DECIMAL_COMMA = r"[+-]?\d+,\d+"
_SPACED_THOUSANDS = r"[+-]?\d{1,3}(?:[ \u00a0\u202f']\d{3})+(?:\.\d+)?"
_TRUE = ("true", "1")
_FALSE = ("false", "0")


@dataclass(frozen=True)
class Validation:
    """Outcome of :func:`validate`: the problems found and, when there are none, the frame.

    ``problems`` are in row order (problems of the whole file or header first) and keep at
    most :data:`~grappes.data.problem_reports.MAX_PROBLEMS_PER_CHECK` per check and column;
    for each check that found more, one last problem without a row counts the rest.
    ``total`` counts every problem.
    ``missing_columns`` names the required columns the table lacks.
    """

    problems: list[Problem]
    total: int
    missing_columns: tuple[str, ...]
    frame: pd.DataFrame | None


def validate(
    table: TextTable,
    *,
    schema: Schema,
    known_regions: Collection[str] | None = None,
    known_sectors: Collection[str] | None = None,
) -> Validation:
    """Check a text table against ``schema``; return every problem and the typed frame.

    Parameters
    ----------
    table
        The cells as read, all strings.
    schema
        The canonical table the cells should form.
    known_regions, known_sectors
        When given, every value of a ``region`` (``sector``) column must be one of them.

    Returns
    -------
    Validation
        ``frame`` holds the schema's columns present in schema order, then the extra columns
        in file order, typed after :data:`DTYPES`; it is ``None`` when any problem was found.
    """
    collector = ProblemCollector(table.source)
    collector.extend(table.problems, table.unlisted)
    positions = _check_header(table, schema, collector)
    missing = tuple(c.name for c in schema.columns if c.required and c.name not in positions)
    if table.cells.shape[0] == 0:
        collector.one(
            "at least one data row below the header",
            "only the header",
            row=table.header_row,
        )

    converted: dict[str, pd.Series] = {}
    for column in schema.columns:
        if column.name in positions:
            text = table.cells[positions[column.name]]
            converted[column.name] = _check_column(
                text,
                column,
                rows=table.rows,
                known=_known_codes(column, known_regions, known_sectors),
                collector=collector,
            )
    _check_keys(converted, schema, rows=table.rows, collector=collector)

    frame = None
    if collector.total == 0:
        extra = {
            name: _text_column(table.cells[position])
            for name, position in positions.items()
            if name not in converted
        }
        frame = pd.DataFrame({**converted, **extra})
        frame.index = pd.RangeIndex(len(frame))
    return Validation(collector.in_order(), collector.total, missing, frame)


def _check_header(table: TextTable, schema: Schema, collector: ProblemCollector) -> dict[str, int]:
    """Check column names; return the position of each distinct name (first occurrence)."""
    positions: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for position, name in enumerate(table.header):
        if name.strip() == "":
            collector.one(
                "a name for every column",
                f"no name for column {position + 1}",
                row=table.header_row,
            )
            continue
        if name in positions:
            repeated.setdefault(name, [positions[name] + 1]).append(position + 1)
        else:
            positions[name] = position
    for name, columns in repeated.items():
        collector.one(
            "each column name once",
            f"{name!r} as columns " + ", ".join(str(c) for c in columns),
            row=table.header_row,
            column=name,
        )
    found = ", ".join(repr(n) for n in table.header) or "no columns"
    unused = [n for n in positions if n not in schema.names]
    for column in schema.columns:
        if column.required and column.name not in positions:
            collector.one(
                f"a column named {column.name!r} ({column.description.rstrip('.')})",
                f"columns {found}{close_matches(column.name, unused)}",
                row=table.header_row,
                column=column.name,
            )
    return positions


def _known_codes(
    column: Column,
    known_regions: Collection[str] | None,
    known_sectors: Collection[str] | None,
) -> tuple[str, Collection[str]] | None:
    """The codes a column's values must belong to, with what they are called, if any."""
    if column.name == "region" and known_regions is not None:
        return "region", known_regions
    if column.name == "sector" and known_sectors is not None:
        return "sector", known_sectors
    return None


def _blank(text: pd.Series) -> pd.Series:
    """Cells a person sees as empty: nothing, or only spaces."""
    return text.str.strip().eq("")


def _text_column(text: pd.Series) -> pd.Series:
    """A column of text cells as the ``string`` dtype, blank cells missing."""
    result = text.astype("string")
    return result.mask(_blank(text))


def _check_column(
    text: pd.Series,
    column: Column,
    *,
    rows: np.ndarray,
    known: tuple[str, Collection[str]] | None,
    collector: ProblemCollector,
) -> pd.Series:
    """Check one column's cells; return them converted (invalid cells missing)."""
    blank = _blank(text)
    if column.required:
        collector.rows(
            blank,
            rows=rows,
            column=column.name,
            expected=f"a value ({column.description.rstrip('.')})",
            values=text,
            describe=lambda _: "an empty cell",
        )
    if column.type == "integer":
        values = _to_integer(text, blank, column, rows=rows, collector=collector)
    elif column.type == "number":
        values = _to_number(text, blank, column, rows=rows, collector=collector)
    elif column.type == "boolean":
        values = _to_boolean(text, blank, column, rows=rows, collector=collector)
    else:
        values = _text_column(text)
    if column.type in ("integer", "number"):
        _check_bounds(text, values, column, rows=rows, collector=collector)
    if column.choices is not None:
        _check_codes(
            text,
            blank,
            column,
            allowed=column.choices,
            expected="one of " + ", ".join(repr(c) for c in column.choices),
            rows=rows,
            collector=collector,
        )
    if known is not None:
        what, codes = known
        example = _example(codes, "MA-06" if what == "region" else "C")
        _check_codes(
            text,
            blank,
            column,
            allowed=codes,
            expected=f"a {what} code known to Grappes (e.g. {example})",
            rows=rows,
            collector=collector,
        )
    return values


def _example(codes: Collection[str], preferred: str) -> str:
    """A code to quote as an example: ``preferred`` when known, else the first in order."""
    if preferred in codes:
        return preferred
    return min(codes) if codes else "none known"


def _number_hint(value: str) -> str:
    """Why a value that looks numeric to a person is not a number to Grappes."""
    if re.fullmatch(_DECIMAL_COMMA, value):
        return f"{shown(value)} (a decimal comma: write {value.replace(',', '.')})"
    if re.fullmatch(_SPACED_THOUSANDS, value):
        digits = "".join(ch for ch in value if ch not in " \u00a0\u202f'")
        return f"{shown(value)} (thousands separators: write {digits})"
    if value != value.strip():
        return f"{shown(value)} (spaces around the number)"
    return shown(value)


def _to_number(
    text: pd.Series,
    blank: pd.Series,
    column: Column,
    *,
    rows: np.ndarray,
    collector: ProblemCollector,
) -> pd.Series:
    """Parse a number column (decimal point only); report what is not a number."""
    valid = text.str.fullmatch(_NUMBER).fillna(False).astype(bool)
    bad = ~blank & ~valid
    collector.rows(
        bad,
        rows=rows,
        column=column.name,
        expected="a number written with a decimal point (e.g. 12.5)",
        values=text,
        describe=_number_hint,
    )
    values = pd.Series(np.nan, index=text.index, dtype="float64")
    values[valid] = text[valid].astype("float64")
    return values


def _to_integer(
    text: pd.Series,
    blank: pd.Series,
    column: Column,
    *,
    rows: np.ndarray,
    collector: ProblemCollector,
) -> pd.Series:
    """Parse a whole-number column; report fractions and non-numbers apart."""
    valid = text.str.fullmatch(_INTEGER).fillna(False).astype(bool)
    numeric = text.str.fullmatch(_NUMBER).fillna(False).astype(bool)
    fraction = ~valid & numeric
    collector.rows(
        fraction,
        rows=rows,
        column=column.name,
        expected="a whole number (e.g. 2020)",
        values=text,
    )
    bad = ~blank & ~numeric
    collector.rows(
        bad,
        rows=rows,
        column=column.name,
        expected="a whole number (e.g. 2020)",
        values=text,
        describe=_number_hint,
    )
    values = pd.Series(pd.NA, index=text.index, dtype="Int64")
    values[valid] = text[valid].astype("int64")
    return values


def _to_boolean(
    text: pd.Series,
    blank: pd.Series,
    column: Column,
    *,
    rows: np.ndarray,
    collector: ProblemCollector,
) -> pd.Series:
    """Parse a yes/no column written ``true``/``false`` or ``1``/``0``, in any case."""
    lowered = text.str.lower()
    true = lowered.isin(_TRUE)
    false = lowered.isin(_FALSE)
    bad = ~blank & ~true & ~false
    collector.rows(
        bad,
        rows=rows,
        column=column.name,
        expected="true or false (or 1 or 0)",
        values=text,
    )
    values = pd.Series(pd.NA, index=text.index, dtype="boolean")
    values[true] = True
    values[false] = False
    return values


def _check_bounds(
    text: pd.Series,
    values: pd.Series,
    column: Column,
    *,
    rows: np.ndarray,
    collector: ProblemCollector,
) -> None:
    """Report values below the column's minimum or above its maximum."""
    low, high = column.minimum, column.maximum
    if low is None and high is None:
        return
    if low is not None and high is not None:
        expected = f"a value between {low:g} and {high:g}"
    elif low == 0:
        expected = "a value of 0 or more (no negatives)"
    elif low is not None:
        expected = f"a value of {low:g} or more"
    else:
        expected = f"a value of {high:g} or less"
    outside = pd.Series(False, index=values.index)
    if low is not None:
        outside |= (values < low).fillna(False).astype(bool)
    if high is not None:
        outside |= (values > high).fillna(False).astype(bool)
    collector.rows(
        outside,
        rows=rows,
        column=column.name,
        expected=expected,
        values=text,
    )


def _check_codes(
    text: pd.Series,
    blank: pd.Series,
    column: Column,
    *,
    allowed: Collection[str],
    expected: str,
    rows: np.ndarray,
    collector: ProblemCollector,
) -> None:
    """Report values outside ``allowed``, suggesting the closest allowed ones."""
    allowed_list = list(allowed)
    unknown = ~blank & ~text.isin(allowed_list)

    @functools.cache
    def hint(value: str) -> str:
        return shown(value) + close_matches(value, allowed_list)

    collector.rows(
        unknown,
        rows=rows,
        column=column.name,
        expected=expected,
        values=text,
        describe=hint,
    )


def _check_keys(
    converted: dict[str, pd.Series],
    schema: Schema,
    *,
    rows: np.ndarray,
    collector: ProblemCollector,
) -> None:
    """Report every row whose key repeats an earlier row's, naming that first row."""
    if not all(name in converted for name in schema.key):
        return
    keys = pd.DataFrame({name: converted[name] for name in schema.key})
    complete = keys.notna().all(axis=1).to_numpy()
    keys = keys[complete]
    if keys.empty:
        return
    repeated = keys.duplicated(keep="first")
    if not repeated.any():
        return
    numbers = pd.Series(rows[complete], index=keys.index)
    first = numbers.groupby([keys[name] for name in schema.key], dropna=True).transform("first")
    label = ", ".join(schema.key)

    def describe(position: int) -> str:
        record = keys.iloc[position]
        named = ", ".join(f"{name}={_plain(record[name])!r}" for name in schema.key)
        return f"{named} again (first at row {first.iloc[position]})"

    collector.rows(
        repeated,
        rows=rows[complete],
        column=schema.key[0] if len(schema.key) == 1 else None,
        expected=f"each ({label}) once, as it identifies a row",
        values=pd.Series(np.arange(len(keys)), index=keys.index),
        describe=describe,
    )


def _plain(value: object) -> object:
    """A numpy or pandas scalar as the Python value a message shows (2020, not int64(2020))."""
    return value.item() if isinstance(value, np.generic) else value
