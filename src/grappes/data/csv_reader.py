"""Read CSV bytes into a table of text cells, each record numbered by its line in the file.

The file must be UTF-8 (a byte-order mark is allowed); its delimiter is the one of
:data:`DELIMITERS` that splits the header into the most fields. pyarrow parses the common
case fast, every field as text; when a quoted value spans lines, or pyarrow's records do not
match the lines counted, the :mod:`csv` module reads it line by line instead, exactly.
Records with the wrong number of fields are reported, not read. :mod:`grappes.data.readers`
calls :func:`read_csv_cells`, then checks the cells.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from grappes.data.problem_reports import MAX_PROBLEMS_PER_CHECK, shown
from grappes.data.text_table import TextTable, UnreadableError
from grappes.errors import Problem

__all__ = ["DELIMITERS", "read_csv_cells"]

#: Delimiters a CSV file may use, in the order preferred when the header is ambiguous.
DELIMITERS: tuple[str, ...] = (",", ";", "\t")

_NEWLINE, _CARRIAGE_RETURN, _QUOTE = 0x0A, 0x0D, 0x22


def read_csv_cells(data: bytes, source: str) -> TextTable:
    """Read CSV bytes (UTF-8, delimiter sniffed) into text cells with their line numbers."""
    _check_utf8(data, source)
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise UnreadableError(
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
        raise UnreadableError(
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
        raise UnreadableError(
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
