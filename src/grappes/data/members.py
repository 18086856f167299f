"""How many members a cluster organisation has, read from its sources' status note.

The bundled cluster organisations (:mod:`grappes.data.organisations`) give their members
only in words ("42 members", ">200 members and 50 collaborative projects (2022)", "~12
founding members", "launched 24 May 2017 with 16 members"). :func:`member_count` reads
such a note into a count, how exact it is, the year it refers to and whether it counts the
founding members only.

The rule
--------
1. The note is cut into statements at ``;`` (as :func:`grappes.data.history.organisation_events`
   cuts it into facts).
2. A statement gives a member count when a whole number (``42``, ``1,200``, ``1 200``) is
   followed by the word *members* (English) or *membres* / *adhérents* (French), possibly
   with *founding* / *fondateurs* around it ("12 founding members", "12 membres
   fondateurs") or a noun after it ("96 member firms"). Counts of anything else ("7
   firms", "~20 producers", "96 firms; 9 institutions") are not members: members are
   counted only where the source says members.
3. Qualifier, from the words just before the number: ``more_than`` for ``>``, *more than*,
   *over*, *plus de*; ``at_least`` for ``≥``, ``>=``, *at least*, *au moins* (or a ``+``
   after the number, "200+ members"); ``about`` for ``~``, ``≈``, *about*, *around*,
   *approximately*, *some*, *environ*, *près de*; ``exact`` otherwise.
4. Founding members only: when *founding* / *fondateur(s)* qualifies the members, or when
   the statement says the organisation was founded, created, launched or set up (*fondé*,
   *créé*, *lancé*) with them ("launched 24 May 2017 with 16 members": the members it had
   at its launch, which are its founding members).
5. Year: the first year (four digits, 1900-2099, standing alone) of the **same
   statement**, "(2022)" or "launched 24 May 2017 …"; none when the statement names none.
   The organisation's ``year_reported`` is never used: it is the year of its creation or
   labelling, given in a column of its own, and no note of the bundled list says that its
   member count dates from that year ("contrat-programme Sept 2011; ECEI Bronze 2012; 42
   members": the count stands in a statement of its own, undated).
6. A note giving two member counts is refused (:class:`~grappes.errors.InvalidInputError`):
   which one holds is for a person to decide, not a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from grappes.errors import InvalidInputError

__all__ = ["MEMBER_QUALIFIERS", "MemberCount", "MemberQualifier", "member_count"]

MemberQualifier: TypeAlias = Literal["exact", "more_than", "at_least", "about"]

#: How exact a member count is: as written, a lower bound (strict or not), an approximation.
MEMBER_QUALIFIERS: Final[tuple[MemberQualifier, ...]] = (
    "exact",
    "more_than",
    "at_least",
    "about",
)

_QUALIFIER_WORDS: Final[dict[MemberQualifier, tuple[str, ...]]] = {
    "more_than": (r">", r"more\s+than", r"over", r"plus\s+d(?:e\s+|')"),
    "at_least": (r"≥", r">=", r"at\s+least", r"au\s+moins"),
    "about": (
        r"~",
        r"≈",
        r"about",
        r"around",
        r"approximately",
        r"approx\.",
        r"some",
        r"environ",
        r"près\s+de",
    ),
}
_QUALIFIER: Final = "|".join(
    f"(?P<{name}>{'|'.join(words)})" for name, words in _QUALIFIER_WORDS.items()
)
_COUNT: Final = re.compile(
    rf"(?:(?<![\w>≥~≈])(?:{_QUALIFIER})\s*)?"
    r"(?<![\d.,])(?P<number>\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+|\d+)(?P<plus>\+)?\s+"
    r"(?P<founding_before>(?:founding|fondateurs?)\s+)?"
    r"(?P<noun>members?|membres?|adhérents?)\b"
    r"(?P<founding_after>\s+fondat(?:eurs?|rices?))?",
    re.IGNORECASE,
)
_FOUNDED_WITH: Final = re.compile(
    r"\b(?:founded|created|launched|set\s+up|established|fondée?s?|créée?s?|lancée?s?)\b"
    r".*\b(?:with|avec)\s*$",
    re.IGNORECASE,
)
_YEAR: Final = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


@dataclass(frozen=True)
class MemberCount:
    """A member count as a status note gives it.

    Attributes
    ----------
    members
        The number written (a lower bound or an approximation, see ``qualifier``).
    qualifier
        ``exact``, ``more_than`` (the note says ">" or "more than"), ``at_least`` or
        ``about`` ("~", "around").
    year
        The year the count refers to, when its statement names one; else ``None``.
    founding
        Whether it counts the founding members only.
    statement
        The statement of the note it was read from, as written.
    """

    members: int
    qualifier: MemberQualifier
    year: int | None
    founding: bool
    statement: str


def member_count(status_note: str | None) -> MemberCount | None:
    """Return the member count a status note gives, or ``None`` when it gives none.

    Parameters
    ----------
    status_note : str or None
        The ``status_note`` of a cluster organisation; ``None`` or blank gives ``None``.

    Returns
    -------
    MemberCount or None
        The count, its qualifier, its year and whether it counts founding members only,
        read by the rule of this module's docstring.

    Raises
    ------
    InvalidInputError
        When the note gives more than one member count.

    Examples
    --------
    >>> member_count(">200 members and 50 collaborative projects (2022)")
    MemberCount(members=200, qualifier='more_than', year=2022, founding=False, statement='>200 members and 50 collaborative projects (2022)')
    >>> member_count("~12 founding members").qualifier
    'about'
    >>> member_count("created by 7 firms") is None
    True
    """  # noqa: E501
    if status_note is None or not status_note.strip():
        return None
    found: list[MemberCount] = []
    for statement in (s.strip() for s in status_note.split(";")):
        for match in _COUNT.finditer(statement):
            found.append(_read(statement, match))
    if len(found) > 1:
        counts = ", ".join(repr(f.statement) for f in found)
        raise InvalidInputError(
            f"member_count: expected at most one member count in a status note; got "
            f"{len(found)} ({counts}) in {status_note!r}"
        )
    return found[0] if found else None


def _read(statement: str, match: re.Match[str]) -> MemberCount:
    qualifier: MemberQualifier = "exact"
    for name in _QUALIFIER_WORDS:
        if match.group(name):
            qualifier = name
    if match.group("plus") and qualifier == "exact":
        qualifier = "at_least"
    founding = bool(
        match.group("founding_before")
        or match.group("founding_after")
        or _FOUNDED_WITH.search(statement[: match.start()])
    )
    # The count itself is no year, even when it reads like one ("2000 members").
    year = _YEAR.search(statement[: match.start()] + " " + statement[match.end() :])
    return MemberCount(
        members=int(re.sub(r"\D", "", match.group("number"))),
        qualifier=qualifier,
        year=None if year is None else int(year.group(1)),
        founding=founding,
        statement=statement,
    )
