"""Read a CSV, Excel or Parquet file into a canonical table, checking it whole first.

A file is read once, as text (pandas never guesses a type), checked against its schema in
:data:`grappes.tables.SCHEMAS` and only then converted. Every problem is collected;
:func:`check_file` returns them and :func:`read_table` raises them together in one
:class:`~grappes.errors.InvalidInputError`. Nothing is repaired, nothing is written, and a
partial table is never returned. ``docs/input-data.md`` is the user's guide to all this.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Collection
from pathlib import Path
from typing import Any, Literal

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from grappes.data.validation import (
    MAX_PROBLEMS_PER_CHECK,
    TextTable,
    Validation,
    format_problems,
    shown,
    validate,
)
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

#: Delimiters a CSV file may use, in the order preferred when the header is ambiguous.
DELIMITERS: tuple[str, ...] = (",", ";", "\t")

_NEWLINE, _CARRIAGE_RETURN, _QUOTE = 0x0A, 0x0D, 0x22


class _UnreadableError(Exception):
    """A file that cannot be read as a table at all; carries the one problem that says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


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
    except _UnreadableError as unreadable:
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
        raise _UnreadableError(Problem(source, "an existing file", "nothing at this path"))
    if not path.is_file():
        raise _UnreadableError(Problem(source, "a file", "a directory or other non-file"))
    name = path.name.lower()
    for ending, file_format in FORMATS.items():
        if name.endswith(ending):
            return file_format
    ending = "".join(path.suffixes[-2:]) or "no extension"
    advice = " (re-save it as .xlsx)" if name.endswith(".xls") else ""
    raise _UnreadableError(
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
        raise _UnreadableError(
            Problem(source, "a header row and at least one data row", "an empty file (0 bytes)")
        )
    if file_format == "xlsx":
        return _read_excel(path, source, sheet)
    if file_format == "parquet":
        return _read_parquet(path, source, schema)
    data = path.read_bytes()
    if file_format == "csv.gz":
        try:
            data = gzip.decompress(data)
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise _UnreadableError(
                Problem(source, "a gzip-compressed CSV file", f"a file gzip cannot open ({exc})")
            ) from exc
    return _read_csv(data, source)


# --- CSV -----------------------------------------------------------------------------------


def _read_csv(data: bytes, source: str) -> TextTable:
    """Read CSV bytes (UTF-8, delimiter sniffed) into text cells with their line numbers."""
    _check_utf8(data, source)
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise _UnreadableError(
            Problem(source, "a header row and at least one data row", "an empty file")
        )
    delimiter, width = _sniff_delimiter(data)
    record_lines = _record_lines(data)
    if record_lines is not None:
        table = _read_csv_fast(data, source, delimiter, width, record_lines)
        if table is not None:
            return table
    return _read_csv_exact(data, source, delimiter)


def _check_utf8(data: bytes, source: str) -> None:
    """Raise a problem naming the line and byte offset of the first byte that is not UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        as_latin = bytes([byte]).decode("cp1252", errors="replace")
        raise _UnreadableError(
            Problem(
                source,
                "text encoded as UTF-8 (re-save the file as 'CSV UTF-8' from Excel, or as "
                "UTF-8 from your editor)",
                f"byte 0x{byte:02X} at line {line} (byte offset {exc.start}), which is not "
                f"UTF-8; the file looks Latin-1 or Windows-1252, where it is {as_latin!r}",
                row=line,
            )
        ) from exc


def _sniff_delimiter(data: bytes) -> tuple[str, int]:
    """The delimiter that splits the header into the most fields, and how many it gives.

    Ties go to the first of ``,`` ``;`` tab, so a one-column file is read as comma-separated.
    """
    head = data[: 1 << 16].decode("utf-8-sig", errors="ignore")
    header = next((line for line in head.splitlines() if line.strip()), "")
    counts = [len(next(csv.reader([header], delimiter=d), [])) for d in DELIMITERS]
    return DELIMITERS[counts.index(max(counts))], max(counts)


def _record_lines(data: bytes) -> np.ndarray | None:
    """Line number of each non-blank line, or ``None`` when a quoted value spans lines.

    When every line holds an even number of quotes, no value spans lines and each non-blank
    line is one record, so this vectorised count gives every record's line exactly.
    """
    codes = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(codes == _NEWLINE)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [codes.size]))
    lengths = ends - starts
    ends_in_return = np.zeros(lengths.size, dtype=bool)
    nonempty = lengths > 0
    ends_in_return[nonempty] = codes[ends[nonempty] - 1] == _CARRIAGE_RETURN
    quotes = np.flatnonzero(codes == _QUOTE)
    if quotes.size:
        per_line = np.searchsorted(quotes, ends) - np.searchsorted(quotes, starts)
        if (per_line % 2).any():
            return None
    blank = (lengths == 0) | ((lengths == 1) & ends_in_return)
    return np.flatnonzero(~blank) + 1


def _ragged(source: str, expected: int, found: int, text: str, delimiter: str, row: int) -> Problem:
    """A record whose number of fields differs from the header's."""
    return Problem(
        source,
        f"{expected} fields, as in the header (delimiter {delimiter!r})",
        f"{found} fields: {shown(text)}",
        row=row,
    )


def _read_csv_fast(
    data: bytes, source: str, delimiter: str, width: int, record_lines: np.ndarray
) -> TextTable | None:
    """Parse with pyarrow; ``None`` when its records do not match the lines counted."""
    invalid: list[int] = []
    details: list[tuple[int, int, int, str]] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row.number)
        if len(details) < MAX_PROBLEMS_PER_CHECK:
            details.append((row.number, row.expected_columns, row.actual_columns, row.text))
        return "skip"

    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            # Single-threaded so that pyarrow numbers the rows it rejects.
            read_options=pa_csv.ReadOptions(use_threads=False, autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, invalid_row_handler=on_invalid, ignore_empty_lines=True
            ),
            convert_options=pa_csv.ConvertOptions(
                # Every field as text: pyarrow guesses no type.
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                null_values=[],
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_rows + len(invalid) != record_lines.size or table.num_rows == 0:
        return None
    # pyarrow numbers records from 1 (the header), skipping blank lines like _record_lines.
    rejected = np.asarray(invalid, dtype=np.int64) - 1
    kept_lines = np.delete(record_lines, rejected)
    problems = [
        _ragged(source, expected, found, text, delimiter, int(record_lines[number - 1]))
        for number, expected, found, text in details
    ]
    frame = table.to_pandas()
    frame.columns = pd.RangeIndex(frame.shape[1])
    header = [str(value) for value in frame.iloc[0]]
    cells = frame.iloc[1:].reset_index(drop=True)
    return TextTable(
        source,
        header,
        cells,
        kept_lines[1:],
        header_row=int(kept_lines[0]),
        problems=problems,
        unlisted=len(invalid) - len(details),
    )


def _read_csv_exact(data: bytes, source: str, delimiter: str) -> TextTable:
    """Parse with the csv module, line by line: slower, but exact when values span lines."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_row = 1
    columns: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    unlisted = 0
    previous = 0
    try:
        for record in reader:
            line, previous = previous + 1, reader.line_num
            if not record:
                continue
            if header is None:
                header, header_row = record, line
                columns = [[] for _ in record]
            elif len(record) != len(header):
                if len(problems) < MAX_PROBLEMS_PER_CHECK:
                    problems.append(
                        _ragged(
                            source,
                            len(header),
                            len(record),
                            delimiter.join(record),
                            delimiter,
                            line,
                        )
                    )
                else:
                    unlisted += 1
            else:
                for column, value in zip(columns, record, strict=True):
                    column.append(value)
                lines.append(line)
    except csv.Error as exc:
        raise _UnreadableError(
            Problem(source, "a well-formed CSV file", str(exc), row=reader.line_num)
        ) from exc
    cells = pd.DataFrame({i: pd.Series(c, dtype="str") for i, c in enumerate(columns)})
    return TextTable(
        source,
        header or [],
        cells,
        np.asarray(lines, dtype=np.int64),
        header_row=header_row,
        problems=problems,
        unlisted=unlisted,
    )


# --- Excel ---------------------------------------------------------------------------------


def _read_excel(path: Path, source: str, sheet: str | int | None) -> TextTable:
    """Read one sheet of a workbook into text cells numbered by sheet row."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as exc:
        raise _UnreadableError(
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
            raise _UnreadableError(
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
        raise _UnreadableError(
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


# --- Parquet -------------------------------------------------------------------------------


def _read_parquet(path: Path, source: str, schema: Schema) -> TextTable:
    """Read a Parquet file into text cells; record ``i`` (from 0) is row ``i + 2``."""
    try:
        table = pq.read_table(path)
    except pa.ArrowException as exc:
        raise _UnreadableError(
            Problem(source, "a Parquet file", f"a file pyarrow cannot read ({exc})")
        ) from exc
    problems: list[Problem] = []
    columns: dict[int, pd.Series] = {}
    for position, (name, column) in enumerate(zip(table.column_names, table.columns, strict=True)):
        column_type = column.type
        if pa.types.is_dictionary(column_type):
            column_type = column_type.value_type
        is_text = pa.types.is_string(column_type) or pa.types.is_large_string(column_type)
        if name in schema.names and schema.column(name).type == "string" and not is_text:
            problems.append(
                Problem(
                    source,
                    "a text (string) column: codes are text, so leading zeros survive",
                    f"Parquet type {column.type}",
                    column=name,
                )
            )
        columns[position] = _parquet_text(column)
    cells = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))
    return TextTable(
        source,
        list(table.column_names),
        cells,
        np.arange(table.num_rows, dtype=np.int64) + 2,
        header_row=1,
        problems=problems,
    )


def _parquet_text(column: pa.ChunkedArray) -> pd.Series:
    """A Parquet column as text cells, a null as an empty cell."""
    try:
        text = pc.cast(column, pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        values = ["" if v is None else str(v) for v in column.to_pylist()]
        return pd.Series(values, dtype="str")
    return pd.Series(pc.fill_null(text, "").to_pandas(), dtype="str")
