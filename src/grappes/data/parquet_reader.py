"""Read a Parquet file into a table of text cells, record ``i`` (from 0) as row ``i + 2``.

Every column is cast to text, a null as an empty cell, so that the same checks apply as to a
CSV file. A column the schema wants as text but that Parquet stores as another type (a code
as an integer loses its leading zeros) is reported. :mod:`grappes.data.readers` calls
:func:`read_parquet_cells`, then checks the cells.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from grappes.data.text_table import TextTable, UnreadableError
from grappes.errors import Problem
from grappes.tables import Schema

__all__ = ["read_parquet_cells"]


def read_parquet_cells(path: Path, source: str, schema: Schema) -> TextTable:
    """Read a Parquet file into text cells; record ``i`` (from 0) is row ``i + 2``."""
    try:
        table = pq.read_table(path)
    except pa.ArrowException as exc:
        raise UnreadableError(
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
