"""Read one sheet of an Excel workbook (.xlsx) into a table of text cells.

Cells are read as the values they hold (a formula as its last computed value), written as
text the way a person sees them without number formats; rows are numbered as the sheet
numbers them. The first non-empty row is the header; a value to the right of the named
columns is reported, not read. :mod:`grappes.data.readers` calls :func:`read_excel_cells`,
then checks the cells.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from grappes.data.problem_reports import MAX_PROBLEMS_PER_CHECK, shown
from grappes.data.text_table import TextTable, UnreadableError
from grappes.errors import Problem

__all__ = ["read_excel_cells"]


def read_excel_cells(path: Path, source: str, sheet: str | int | None) -> TextTable:
    """Read one sheet of a workbook into text cells numbered by sheet row."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as exc:
        raise UnreadableError(
            Problem(
                source,
                "an Excel workbook (.xlsx)",
                f"a file that cannot be opened as one ({type(exc).__name__}: {exc})",
            )
        ) from exc
    try:
        names = workbook.sheetnames
        if sheet is None:
            index = 0
        elif isinstance(sheet, int) and 0 <= sheet < len(names):
            index = sheet
        elif isinstance(sheet, str) and sheet in names:
            index = names.index(sheet)
        else:
            raise UnreadableError(
                Problem(
                    source,
                    f"a sheet {sheet!r} (a name, or an index counted from 0)",
                    "sheets " + ", ".join(repr(n) for n in names),
                )
            )
        worksheet = workbook[names[index]]
        return _sheet_cells(worksheet.iter_rows(min_row=1, values_only=True), source)
    finally:
        workbook.close()


def _sheet_cells(rows: Any, source: str) -> TextTable:
    """Turn a sheet's rows of values into text cells; row numbers are the sheet's."""
    header: list[str] | None = None
    header_row = 1
    columns: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    unlisted = 0
    for number, values in enumerate(rows, start=1):
        texts = [_cell_text(v) for v in values]
        if not any(t.strip() for t in texts):
            continue
        if header is None:
            while texts and not texts[-1].strip():
                texts.pop()
            header, header_row = texts, number
            columns = [[] for _ in texts]
            continue
        width = len(header)
        beyond = [(i, t) for i, t in enumerate(texts[width:], start=width) if t.strip()]
        if beyond:
            if len(problems) < MAX_PROBLEMS_PER_CHECK:
                position, text = beyond[0]
                problems.append(
                    Problem(
                        source,
                        f"values only under the {width} named columns",
                        f"{shown(text)} in column {get_column_letter(position + 1)}, "
                        "which has no name",
                        row=number,
                    )
                )
            else:
                unlisted += 1
            continue
        texts.extend([""] * (width - len(texts)))
        for column, text in zip(columns, texts[:width], strict=True):
            column.append(text)
        lines.append(number)
    if header is None:
        raise UnreadableError(
            Problem(source, "a header row and at least one data row", "an empty sheet")
        )
    cells = pd.DataFrame({i: pd.Series(c, dtype="str") for i, c in enumerate(columns)})
    return TextTable(
        source,
        header,
        cells,
        np.asarray(lines, dtype=np.int64),
        header_row=header_row,
        problems=problems,
        unlisted=unlisted,
    )


def _cell_text(value: object) -> str:
    """A spreadsheet value as the text a person sees in its cell (no number formats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
