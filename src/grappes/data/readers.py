"""Read a CSV, Excel or Parquet file into a canonical table, checking it whole first.

A file is read once, as text (pandas never guesses a type), checked against its schema in
:data:`grappes.tables.SCHEMAS` and only then converted. Every problem is collected;
:func:`check_file` returns them and :func:`read_table` raises them together in one
:class:`~grappes.errors.InvalidInputError`. Nothing is repaired, nothing is written, and a
partial table is never returned. ``docs/input-data.md`` is the user's guide to all this.

This module decides the format from the file's name and checks the arguments; the reading of
each format is in :mod:`grappes.data.csv_reader`, :mod:`grappes.data.excel_reader` and
:mod:`grappes.data.parquet_reader`, the checks in :mod:`grappes.data.validation`.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Collection
from pathlib import Path
from typing import Literal

import pandas as pd

from grappes.data.csv_reader import read_csv_cells
from grappes.data.excel_reader import read_excel_cells
from grappes.data.parquet_reader import read_parquet_cells
from grappes.data.problem_reports import format_problems
from grappes.data.text_table import TextTable, UnreadableError
from grappes.data.validation import Validation, validate
from grappes.errors import InvalidInputError, MissingColumnsError, Problem
from grappes.tables import SCHEMAS, Schema, TableKind

Format = Literal["csv", "csv.gz", "xlsx", "parquet"]

#: File name endings Grappes reads, and the format of each.
FORMATS: dict[str, Format] = {
    ".csv.gz": "csv.gz",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
}


def read_table(
    path: str | os.PathLike[str],
    *,
    kind: TableKind,
    known_regions: Collection[str] | None = None,
    known_sectors: Collection[str] | None = None,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Read a file into the canonical table ``kind``, or raise every problem it has at once.

    Parameters
    ----------
    path
        A ``.csv``, ``.csv.gz``, ``.xlsx`` or ``.parquet`` file (the ending decides).
    kind
        The canonical table the file holds; its schema is ``grappes.tables.SCHEMAS[kind]``.
    known_regions
        When given, every value in a ``region`` column must be one of these codes.
        ``None`` (the default) does not check region codes.
    known_sectors
        The same for a ``sector`` column.
    sheet
        For ``.xlsx`` only: a sheet name, or a 0-based sheet index. ``None`` reads the first.

    Returns
    -------
    pandas.DataFrame
        The schema's columns in schema order (optional ones only when the file has them),
        then any extra columns in file order. ``string`` columns (and extra columns) have the
        pandas ``"string"`` dtype, ``integer`` ones ``"Int64"``, ``number`` ones
        ``float64``; an empty cell is missing (``<NA>`` or ``NaN``). Index 0 .. n-1.

    Raises
    ------
    MissingColumnsError
        When required columns are missing (the message suggests close names); it also carries
        every other problem found.
    InvalidInputError
        When the file is missing, unreadable or has any problem. The message starts
        ``<file>: N problems (first: …)`` and lists up to 20; ``.problems`` holds them
        (at most 1,000 per check and column, then one counting the rest). Also raised for a
        wrong argument (an unknown ``kind``, ``sheet`` with a file that is not ``.xlsx``).

    See Also
    --------
    check_file : The same checks, returning the problems instead of raising.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "jobs.csv").write_text("region;sector;year;employment\\nMA-06;C;2020;12.5\\n")
    >>> read_table(folder / "jobs.csv", kind="employment").dtypes.astype(str).tolist()
    ['string', 'string', 'Int64', 'float64']
    """
    source, result = _inspect(
        path,
        kind=kind,
        known_regions=known_regions,
        known_sectors=known_sectors,
        sheet=sheet,
        caller="read_table",
    )
    if result.total:
        message = format_problems(source, result.problems, result.total)
        if result.missing_columns:
            raise MissingColumnsError(message, result.problems)
        raise InvalidInputError(message, result.problems)
    assert result.frame is not None  # no problem means validate built the frame
    return result.frame


def check_file(
    path: str | os.PathLike[str],
    *,
    kind: TableKind,
    known_regions: Collection[str] | None = None,
    known_sectors: Collection[str] | None = None,
    sheet: str | int | None = None,
) -> list[Problem]:
    """Every problem that stops a file being read as the canonical table ``kind``.

    Takes the same arguments as :func:`read_table` and runs the same checks, but returns the
    problems (an empty list for a good file) instead of raising them. The ``grappes data
    check`` command prints them.

    Returns
    -------
    list of Problem
        By row: problems of the whole file or its header first, then row 2, row 3 and so on.
        At most 1,000 are kept per check and column; for a check that found more, a last
        problem without a row counts the rest.

    Raises
    ------
    InvalidInputError
        Only for a wrong argument (an unknown ``kind``, ``sheet`` for a non-Excel file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "jobs.csv").write_text("region,sector,year,employment\\nMA-06,C,2020,-3\\n")
    >>> [(p.row, p.column, p.found) for p in check_file(folder / "jobs.csv", kind="employment")]
    [(2, 'employment', "'-3'")]
    """
    return _inspect(
        path,
        kind=kind,
        known_regions=known_regions,
        known_sectors=known_sectors,
        sheet=sheet,
        caller="check_file",
    )[1].problems


def _inspect(
    path: str | os.PathLike[str],
    *,
    kind: str,
    known_regions: Collection[str] | None,
    known_sectors: Collection[str] | None,
    sheet: str | int | None,
    caller: str,
) -> tuple[str, Validation]:
    """Check the arguments, read the file once and validate it: the one path of both faces."""
    source = str(os.fspath(path))
    schema = _schema(kind, caller)
    for name, codes in (("known_regions", known_regions), ("known_sectors", known_sectors)):
        if isinstance(codes, str):
            raise InvalidInputError(
                f"{caller}: {name!r} must be a collection of codes, not one string; "
                f"got {codes!r} (write [{codes!r}])"
            )
    try:
        file_format = _format(Path(source), source)
        if sheet is not None and file_format != "xlsx":
            raise InvalidInputError(
                f"{caller}: 'sheet' applies to .xlsx files only; got sheet={sheet!r} for {source}"
            )
        table = _read(Path(source), source, file_format, schema, sheet)
    except UnreadableError as unreadable:
        return source, Validation([unreadable.problem], 1, (), None)
    return source, validate(
        table, schema=schema, known_regions=known_regions, known_sectors=known_sectors
    )


def _schema(kind: str, caller: str) -> Schema:
    """The schema of ``kind``, or an error naming the kinds there are."""
    if kind not in SCHEMAS:
        raise InvalidInputError(
            f"{caller}: 'kind' must be one of {', '.join(repr(k) for k in SCHEMAS)}; got {kind!r}"
        )
    return SCHEMAS[kind]


def _format(path: Path, source: str) -> Format:
    """The format a file name announces; a problem when it is missing or of the wrong kind."""
    if not path.exists():
        raise UnreadableError(Problem(source, "an existing file", "nothing at this path"))
    if not path.is_file():
        raise UnreadableError(Problem(source, "a file", "a directory or other non-file"))
    name = path.name.lower()
    for ending, file_format in FORMATS.items():
        if name.endswith(ending):
            return file_format
    ending = "".join(path.suffixes[-2:]) or "no extension"
    advice = " (re-save it as .xlsx)" if name.endswith(".xls") else ""
    raise UnreadableError(
        Problem(
            source,
            "a file ending in " + ", ".join(FORMATS),
            f"{ending!r}{advice}" if path.suffixes else ending,
        )
    )


def _read(
    path: Path, source: str, file_format: Format, schema: Schema, sheet: str | int | None
) -> TextTable:
    """Read a file of a known format into text cells."""
    if path.stat().st_size == 0:
        raise UnreadableError(
            Problem(source, "a header row and at least one data row", "an empty file (0 bytes)")
        )
    if file_format == "xlsx":
        return read_excel_cells(path, source, sheet)
    if file_format == "parquet":
        return read_parquet_cells(path, source, schema)
    data = path.read_bytes()
    if file_format == "csv.gz":
        try:
            data = gzip.decompress(data)
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise UnreadableError(
                Problem(source, "a gzip-compressed CSV file", f"a file gzip cannot open ({exc})")
            ) from exc
    return read_csv_cells(data, source)
