"""Crosswalks between industry classifications, and recoding a table through them.

:func:`crosswalk` gives ``source_code``, ``target_code`` and ``weight`` for a pair of
:data:`CROSSWALKS`; :func:`convert` recodes the sector column of a long table, apportioning a
quantity when a code has several targets. The classifications themselves (codes, levels,
labels, HCP's census groups) are in :mod:`grappes.data.sectors`; the correspondence tables are
bundled beside them (``grappes/data/bundled/classifications``, see its README for sources,
licences and the few repairs made) and read the first time they are asked for.

When a source code corresponds to ``k`` target codes each gets ``weight = 1/k``: an *equal
split*. That is a convention, not a measurement: the real shares are unknown (they would need
the joint distribution of the quantity over both classifications). Weights sum to 1 for every
source code, so apportioning a quantity with them preserves its total.
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd

from grappes.data.sectors import (
    _HCP,
    _quoted,
    _read_bundled,
    _sectors,
    hcp_groups,
    section_of,
)
from grappes.errors import InvalidInputError, MissingColumnsError, Problem

#: Correspondence tables bundled as files (``src,dst`` pairs).
_BASE_CROSSWALKS: dict[tuple[str, str], str] = {
    ("NACE2", "ISIC4"): "nace2_to_isic4.csv",
    ("NAICS2017", "ISIC4"): "naics2017_to_isic4.csv",
    ("NAICS2022", "NAICS2017"): "naics2022_to_naics2017.csv",
    ("NAF2", "NACE2"): "naf2_to_nace2.csv",
}

#: Crosswalks obtained by chaining others: the classifications passed through, in order.
_COMPOSED_CROSSWALKS: dict[tuple[str, str], tuple[str, ...]] = {
    ("NAICS2022", "ISIC4"): ("NAICS2022", "NAICS2017", "ISIC4"),
    ("NAF2", "ISIC4"): ("NAF2", "NACE2", "ISIC4"),
    ("NACE2", "HCP_EMPLOYMENT"): ("NACE2", "ISIC4", "HCP_EMPLOYMENT"),
    ("NACE2", "HCP_ESTABLISHMENTS"): ("NACE2", "ISIC4", "HCP_ESTABLISHMENTS"),
}

#: Every (source, target) pair :func:`crosswalk` and :func:`convert` accept.
CROSSWALKS: tuple[tuple[str, str], ...] = (
    *_BASE_CROSSWALKS,
    ("ISIC4", "NACE2"),
    ("HCP_ESTABLISHMENTS", "ISIC4"),
    ("HCP_EMPLOYMENT", "ISIC4"),
    ("ISIC4", "HCP_ESTABLISHMENTS"),
    ("ISIC4", "HCP_EMPLOYMENT"),
    *_COMPOSED_CROSSWALKS,
)


def _equal_split(pairs: pd.DataFrame) -> pd.DataFrame:
    pairs = pairs.drop_duplicates().reset_index(drop=True)
    k = pairs.groupby("source_code", sort=False)["target_code"].transform("size")
    return pairs.assign(weight=1.0 / k)


def _hcp_to_isic(classification: str) -> pd.DataFrame:
    groups = hcp_groups(classification)
    rows = [
        (group, section)
        for group, sections in zip(groups["code"], groups["isic_sections"], strict=True)
        for section in sections
    ]
    return pd.DataFrame(rows, columns=["source_code", "target_code"], dtype="str")


def _isic_to_hcp(classification: str) -> pd.DataFrame:
    groups = _hcp_to_isic(classification)
    group_of = dict(zip(groups["target_code"], groups["source_code"], strict=True))
    codes = _sectors("ISIC4")["code"]
    sections = [section_of(code) for code in codes]
    pairs = pd.DataFrame({"source_code": codes, "target_code": [group_of.get(s) for s in sections]})
    return pairs.dropna().astype("str")


def _compose(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    chained = first.merge(
        second, left_on="target_code", right_on="source_code", suffixes=("", "_2"), how="left"
    )
    # A source code part of which reaches a dead end would lose part of its quantity: leave
    # it out whole, so that convert() reports it instead of shrinking a total.
    dead = chained.loc[chained["target_code_2"].isna(), "source_code"]
    chained = chained[~chained["source_code"].isin(dead)]
    chained = chained.assign(weight=chained["weight"] * chained["weight_2"])
    composed = (
        chained.groupby(["source_code", "target_code_2"], sort=False)["weight"].sum().reset_index()
    )
    return composed.rename(columns={"target_code_2": "target_code"})


@cache
def _crosswalk(source: str, target: str) -> pd.DataFrame:
    if (source, target) in _BASE_CROSSWALKS:
        pairs = _read_bundled(_BASE_CROSSWALKS[source, target])
        return _equal_split(pairs.rename(columns={"src": "source_code", "dst": "target_code"}))
    if (source, target) == ("ISIC4", "NACE2"):
        pairs = _crosswalk("NACE2", "ISIC4")[["target_code", "source_code"]]
        return _equal_split(
            pairs.set_axis(["source_code", "target_code"], axis="columns").sort_values(
                "source_code", key=lambda s: s.map(_order("ISIC4")), kind="stable"
            )
        )
    if source in _HCP and target == "ISIC4":
        return _equal_split(_hcp_to_isic(source))
    if source == "ISIC4" and target in _HCP:
        return _equal_split(_isic_to_hcp(target))
    route = _COMPOSED_CROSSWALKS[source, target]
    table = _crosswalk(route[0], route[1])
    for step_from, step_to in itertools.pairwise(route[1:]):
        table = _compose(table, _crosswalk(step_from, step_to))
    return table.reset_index(drop=True)


@cache
def _order(classification: str) -> dict[str, int]:
    return {code: i for i, code in enumerate(_sectors(classification)["code"])}


def _plain(value: object) -> object:
    """The Python value a numpy scalar holds: messages read ``11``, not ``np.int64(11)``."""
    return value.item() if isinstance(value, np.generic) else value


def _row(label: object) -> str:
    return repr(_plain(label))


def _check_pair(source: object, target: object, who: str) -> tuple[str, str]:
    if (source, target) not in CROSSWALKS:
        pairs = ", ".join(f"{s}->{t}" for s, t in CROSSWALKS)
        raise InvalidInputError(
            f"{who}: no crosswalk from {source!r} to {target!r}; expected one of {pairs}"
        )
    return str(source), str(target)


def crosswalk(source: str, target: str) -> pd.DataFrame:
    """Return the correspondence from one classification to another, with apportioning weights.

    Parameters
    ----------
    source, target : str
        A pair of :data:`CROSSWALKS`: ``NACE2->ISIC4``, ``ISIC4->NACE2``,
        ``NAICS2017->ISIC4``, ``NAICS2022->NAICS2017``, ``NAICS2022->ISIC4`` (through
        NAICS 2017), ``NAF2->NACE2``, ``NAF2->ISIC4``, ``HCP_EMPLOYMENT->ISIC4`` and
        ``HCP_ESTABLISHMENTS->ISIC4`` (group -> sections), ``ISIC4->HCP_EMPLOYMENT`` and
        ``ISIC4->HCP_ESTABLISHMENTS`` (any ISIC code -> the group of its section),
        ``NACE2->HCP_EMPLOYMENT``, ``NACE2->HCP_ESTABLISHMENTS``.

    Returns
    -------
    pandas.DataFrame
        ``source_code``, ``target_code`` (text) and ``weight`` (float): one row per
        corresponding pair. ``weight`` is ``1/k`` when the source code has ``k`` targets, so
        the weights of each source code sum to 1. A fresh copy on every call.

    Raises
    ------
    InvalidInputError
        For a pair Grappes has no crosswalk for; the message lists the pairs it has.

    Notes
    -----
    The equal split is a convention: a quantity recorded under a source code that
    corresponds to several targets is shared equally because the true shares are not known.
    NACE and ISIC correspond level by level (section to section ... class to class). A few
    NAICS 2017 codes map to an ISIC group rather than a class (``012``, ``014``, ``331``), as
    in the source. NAICS 333511 (industrial moulds) has no ISIC correspondence in the source
    and is absent from both NAICS crosswalks to ISIC. In a composed crosswalk the weights
    multiply along each path and add over paths; a source code part of whose paths end
    without a target is left out whole. ``ISIC4->HCP_ESTABLISHMENTS`` has no row for
    sections A, O, T and U, which that census grouping does not count.

    Examples
    --------
    >>> table = crosswalk("ISIC4", "NACE2")
    >>> table[table["source_code"] == "0141"].reset_index(drop=True)
      source_code target_code  weight
    0        0141       01.41     0.5
    1        0141       01.42     0.5
    """
    source, target = _check_pair(source, target, "crosswalk")
    return _crosswalk(source, target).copy()


def convert(
    table: pd.DataFrame,
    *,
    column: str = "sector",
    source: str,
    target: str,
    value: str | None = None,
    on_unmatched: Literal["raise", "drop"] = "raise",
) -> pd.DataFrame:
    """Return a copy of a long table with its sector codes recoded into another classification.

    Parameters
    ----------
    table : pandas.DataFrame
        A long table with one sector code per row (text).
    column : str, default "sector"
        The column holding the codes; it holds the target codes in the result.
    source, target : str
        The classifications, a pair of :data:`CROSSWALKS`.
    value : str or None, default None
        A numeric column to apportion: a row whose code has ``k`` targets becomes ``k`` rows,
        each with ``value * weight`` (see :func:`crosswalk`), so the column total is kept.
        Without ``value`` every code must have exactly one target.
    on_unmatched : {"raise", "drop"}, default "raise"
        What to do with rows whose code has no correspondence (or is missing).

    Returns
    -------
    pandas.DataFrame
        The same columns in the same order, rows in input order (a split row's pieces
        together), a fresh 0-based index. Rows are not summed: two source codes with the same
        target give two rows; group by your key columns to add them. Columns other than
        ``value`` are copied unchanged into each piece of a split row.

    Raises
    ------
    MissingColumnsError
        When ``column`` or ``value`` is not in the table.
    InvalidInputError
        For an unknown pair; a non-numeric ``value``; a code that is not a string; with
        ``on_unmatched="raise"``, a code with no correspondence (the message names the first
        one and its row, the table's index label, and ``problems`` lists them all); and,
        without ``value``, a code with several targets.

    Examples
    --------
    >>> employment = pd.DataFrame({"sector": ["0141"], "employment": [30.0]})
    >>> convert(employment, source="ISIC4", target="NACE2", value="employment")
      sector  employment
    0  01.41        15.0
    1  01.42        15.0
    """
    who = "convert"
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(
            f"{who}: table must be a pandas DataFrame; got {type(table).__name__}"
        )
    if on_unmatched not in ("raise", "drop"):
        raise InvalidInputError(
            f"{who}: on_unmatched must be 'raise' or 'drop'; got {on_unmatched!r}"
        )
    source, target = _check_pair(source, target, who)
    needed = [column] if value is None else [column, value]
    missing = [name for name in needed if name not in table.columns]
    if missing:
        raise MissingColumnsError(
            f"{who}: table has no column {_quoted(missing)}; it has {_quoted(list(table.columns))}"
        )
    if value is not None and not pd.api.types.is_numeric_dtype(table[value]):
        raise InvalidInputError(
            f"{who}: column {value!r} must be numeric to be apportioned; "
            f"got dtype {table[value].dtype}"
        )
    codes = table[column]
    not_text = codes.notna() & ~codes.map(lambda c: isinstance(c, str))
    if not_text.any():
        first = int(not_text.to_numpy().argmax())
        label, code = codes.index[first], _plain(codes.iloc[first])
        raise InvalidInputError(
            f"{who}: column {column!r} must hold codes as strings; got "
            f"{type(code).__name__} {code!r} in {int(not_text.sum())} rows "
            f"(first: row {_row(label)}); read the file with dtype=str to keep leading zeros"
        )

    pairs = _crosswalk(source, target)
    matched = codes.isin(pairs["source_code"]) & codes.notna()
    if not matched.all():
        if on_unmatched == "raise":
            raise _unmatched_error(codes[~matched], column, source, target)
        table = table[matched]
        codes = table[column]

    fan_out = pairs.groupby("source_code", sort=False).size()
    split = codes.map(fan_out) > 1
    if value is None and split.any():
        first = int(split.to_numpy().argmax())
        label, code = codes.index[first], codes.iloc[first]
        targets = pairs.loc[pairs["source_code"] == code, "target_code"]
        raise InvalidInputError(
            f"{who}: code {code!r} (row {_row(label)}) corresponds to {len(targets)} "
            f"{target} codes ({_quoted(list(targets))}); pass value= to apportion a "
            "quantity between them"
        )

    key, weight = "__grappes_target__", "__grappes_weight__"
    right = pairs.set_axis(["__grappes_source__", key, weight], axis="columns")
    out = table.merge(right, left_on=column, right_on="__grappes_source__", how="left")
    out[column] = out[key]
    if value is not None:
        out[value] = out[value] * out[weight]
    return out[list(table.columns)].reset_index(drop=True)


def _unmatched_error(
    unmatched: pd.Series, column: str, source: str, target: str
) -> InvalidInputError:
    problems = [
        Problem(
            source=f"convert (row {_row(label)})",
            expected=f"a {source} code that has a {target} correspondence",
            found="a missing code" if pd.isna(code) else repr(code),
            column=column,
        )
        for label, code in unmatched.items()
    ]
    label = unmatched.index[0]
    first = unmatched.iloc[0]
    what = "a missing code" if pd.isna(first) else f"code {first!r}"
    return InvalidInputError(
        f"convert: {what} in column {column!r} (row {_row(label)}) has no {source} -> "
        f"{target} correspondence; {len(unmatched)} unmatched row(s) in all. "
        "Pass on_unmatched='drop' to leave them out.",
        problems=problems,
    )
