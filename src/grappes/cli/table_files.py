"""Reading and writing the plain tables the CLI exchanges (CSV, Parquet, JSON), whole."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from grappes.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

#: The suffixes the CLI writes tables as.
OUTPUT_SUFFIXES = (".csv", ".parquet", ".json")


def read_frame(path: Path, *, text: Iterable[str] = ()) -> pd.DataFrame:
    """Read a CSV (``.csv``, ``.csv.gz``) or Parquet file; ``text`` columns stay strings."""
    import pandas as pd

    if not path.exists():
        raise InvalidInputError(f"{path}: no such file")
    name = path.name.lower()
    if name.endswith(".parquet"):
        frame = pd.read_parquet(path)
        for column in text:
            if column in frame.columns and not pd.api.types.is_string_dtype(frame[column]):
                raise InvalidInputError(
                    f"{path}: column {column!r} must hold codes as text; got {frame[column].dtype}"
                )
        return frame
    if name.endswith((".csv", ".csv.gz")):
        try:
            return pd.read_csv(path, dtype=dict.fromkeys(text, str))
        except UnicodeDecodeError as error:
            raise InvalidInputError(
                f"{path}: expected UTF-8 text; found byte {error.object[error.start]:#04x} "
                f"at offset {error.start}. Save the file as UTF-8."
            ) from None
    raise InvalidInputError(f"{path}: expected a .csv, .csv.gz or .parquet file")


def check_suffix(path: Path) -> str:
    """The suffix of an output file, lower case, when it is one the CLI writes."""
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise InvalidInputError(f"{path}: expected .csv, .parquet or .json; got {suffix!r}")
    return suffix


def write_whole(path: Path, write: Callable[[Path, str], object]) -> Path:
    """Write ``path`` whole: ``write(partial, suffix)`` fills a temporary file beside it,
    which is renamed to ``path`` once complete, so a reader never sees half a file. When
    ``write`` fails, what it wrote is removed and ``path`` is left as it was.

    ``suffix`` is the output's (checked by :func:`check_suffix` first).
    """
    suffix = check_suffix(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        write(partial, suffix)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)
    return path


def write_frame(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as CSV, Parquet or JSON (by suffix), whole: temporary name, rename."""

    def write(partial: Path, suffix: str) -> None:
        if suffix == ".csv":
            frame.to_csv(partial, index=False)
        elif suffix == ".parquet":
            frame.to_parquet(partial, index=False)
        else:
            text = frame.to_json(orient="records", force_ascii=False)
            partial.write_text(text, encoding="utf-8")

    return write_whole(path, write)
