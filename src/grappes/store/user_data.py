"""Load a user's own table into the observatory, checked whole first, all or nothing.

:func:`load_user_table` reads the file with :func:`grappes.data.readers.read_table` (every
problem of the file is reported at once and nothing is written), computes the results the
portal shows with :func:`grappes.store.loading.compute_results`, and only then writes the
dataset and its results, inside a savepoint: a failure at any step leaves the database as
it was.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Final, Literal, get_args

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from grappes.data.readers import read_table
from grappes.errors import InvalidInputError
from grappes.store import models as m
from grappes.store.loading import compute_results, store_dataset

__all__ = ["MAX_NAME_LENGTH", "UserKind", "load_user_table", "region_sector_counts"]

#: What a user's file holds: an employment table or an establishment register.
UserKind = Literal["employment", "establishments"]
IfExists = Literal["raise", "replace"]

#: Longest dataset name accepted.
MAX_NAME_LENGTH: Final = 300


def load_user_table(
    session: Session,
    path: str | os.PathLike[str],
    *,
    kind: UserKind,
    name: str,
    description: str = "",
    source: str | None = None,
    licence: str = "not stated",
    classification: str | None = None,
    if_exists: IfExists = "raise",
) -> int:
    """Store a user's table as the dataset ``name`` with its results; return the dataset's id.

    Parameters
    ----------
    session
        A session on a migrated database. The dataset is written inside a savepoint of the
        session's transaction; the caller commits (``with Session(engine) as s, s.begin():``).
    path
        A ``.csv``, ``.csv.gz``, ``.xlsx`` or ``.parquet`` file (see ``docs/input-data.md``).
    kind
        ``"employment"``: one row per region × sector × year with ``employment`` (and
        optionally ``establishments``). ``"establishments"``: a register, one row per
        establishment (``id``, ``region``, ``sector``, ``year``, optional ``employment``);
        it is stored counted by region × sector × year (see Notes).
    name
        The dataset's name: 1 to 300 printable characters, no leading or trailing space.
    description, source, licence
        What the dataset is, where it comes from (default: the file's name) and under which
        licence it may be re-used (default ``"not stated"``); shown with its downloads.
    classification
        The classification of the sector codes (``ISIC4``, ``NACE2``, …), when known; the
        sector profiles then show the dataset.
    if_exists
        What to do when a user dataset of this name exists: ``"raise"`` (default) or
        ``"replace"`` it. A bundled dataset is never replaced.

    Returns
    -------
    int
        The id of the new dataset.

    Raises
    ------
    InvalidInputError
        When the file has any problem (``.problems`` lists them all, as
        :func:`~grappes.data.readers.read_table` found them), when an optional column is
        filled in some rows only, when a rule refuses the table, or when an argument is
        wrong (a name taken, an unknown kind). Nothing is written then.

    Notes
    -----
    Results are computed on the table's own regions, each year separately: location
    quotients and Herfindahl indices on each measure, strong clusters and stars (see
    :func:`grappes.store.loading.compute_results`). A register's counts: the number of
    establishments of each region × sector × year, and the sum of their employment when the
    register has it; a region × sector × year pair with no establishment counts zero (a
    count, not a repair). The register itself is not kept.
    """
    who = "load_user_table"
    _check_arguments(who, kind=kind, name=name, if_exists=if_exists)
    existing = session.execute(
        sa.select(m.Dataset.id, m.Dataset.origin).where(m.Dataset.name == name)
    ).first()
    if existing is not None:
        if existing.origin != "user":
            raise InvalidInputError(
                f"{who}: {name!r} is a bundled dataset and cannot be replaced; choose another name"
            )
        if if_exists == "raise":
            raise InvalidInputError(
                f"{who}: a dataset called {name!r} exists already; choose another name or "
                "pass if_exists='replace'"
            )
    table = read_table(path, kind=kind)
    counts = region_sector_counts(table, kind=kind)
    results = compute_results(counts)
    with session.begin_nested():
        if existing is not None:
            session.execute(sa.delete(m.Dataset).where(m.Dataset.id == existing.id))
        return store_dataset(
            session,
            results,
            name=name,
            kind=kind,
            origin="user",
            classification=classification,
            description=description,
            source=source if source is not None else f"user file {Path(path).name}",
            licence=licence,
        )


def region_sector_counts(table: pd.DataFrame, *, kind: UserKind) -> pd.DataFrame:
    """Return region × sector × year counts (``employment``, ``establishments``) of a table.

    ``table`` is what :func:`~grappes.data.readers.read_table` returned for ``kind``. A
    measure the table lacks is a column of NaN.

    Raises
    ------
    InvalidInputError
        When an optional column (``establishments`` of an employment table, ``employment``
        of a register) is filled in some rows and empty in others.
    """
    who = "load_user_table"
    optional = "establishments" if kind == "employment" else "employment"
    present = optional in table.columns and bool(table[optional].notna().any())
    if present:
        empty = table[optional].isna().to_numpy()
        if empty.any():
            first = int(empty.argmax())
            raise InvalidInputError(
                f"{who}: column {optional!r} is filled in some rows and empty in "
                f"{int(empty.sum())} (first: region={table['region'].iloc[first]!r}, "
                f"sector={table['sector'].iloc[first]!r}); fill it in every row, or leave "
                "the column out"
            )
    frame = pd.DataFrame(
        {
            "region": table["region"].astype(str),
            "sector": table["sector"].astype(str),
            "year": table["year"].astype("int64"),
        }
    )
    if kind == "employment":
        return frame.assign(
            employment=table["employment"].astype("float64"),
            establishments=table[optional].astype("float64") if present else float("nan"),
        )
    frame["establishments"] = 1.0
    frame["employment"] = table["employment"].astype("float64") if present else 0.0
    counts = frame.groupby(["region", "sector", "year"], as_index=False)[
        ["employment", "establishments"]
    ].sum()
    grid = pd.MultiIndex.from_product(
        [sorted(counts[c].unique()) for c in ("region", "sector", "year")],
        names=["region", "sector", "year"],
    )
    counts = (
        counts.set_index(["region", "sector", "year"]).reindex(grid, fill_value=0.0).reset_index()
    )
    if not present:
        counts["employment"] = float("nan")
    return counts


def _check_arguments(who: str, *, kind: object, name: object, if_exists: object) -> None:
    if kind not in get_args(UserKind):
        raise InvalidInputError(
            f"{who}: kind must be 'employment' or 'establishments'; got {kind!r}"
        )
    if if_exists not in get_args(IfExists):
        raise InvalidInputError(f"{who}: if_exists must be 'raise' or 'replace'; got {if_exists!r}")
    if not isinstance(name, str) or not name or len(name) > MAX_NAME_LENGTH:
        length = len(name) if isinstance(name, str) else type(name).__name__
        raise InvalidInputError(
            f"{who}: name must be a string of 1 to {MAX_NAME_LENGTH} characters; got {length}"
        )
    if name != name.strip():
        raise InvalidInputError(f"{who}: name must not start or end with a space; got {name!r}")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInputError(f"{who}: name is not valid Unicode text") from None
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise InvalidInputError(f"{who}: name must not contain control characters; got {name!r}")
