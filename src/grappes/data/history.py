"""The history of a cluster organisation, read from its sources' status note.

The bundled cluster organisations (:mod:`grappes.data.organisations`) carry a short note of
what the sources say happened ("contrat-programme Sept 2011; ECEI Bronze 2012; 42
members"). :func:`organisation_events` cuts it into facts and dates those that name a year.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["organisation_events"]

_YEAR: Final = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


def organisation_events(status_note: str | None) -> list[tuple[int | None, str]]:
    """Cut a status note into facts, dated by the first year each names, in year order.

    Parameters
    ----------
    status_note : str or None
        The ``status_note`` of a cluster organisation; ``None`` or blank gives no fact.

    Returns
    -------
    list of (int or None, str)
        ``(year, fact)``: the note cut at ``;``, each fact as written, dated by the first
        year (1900-2099, four digits standing alone) it names, or ``None`` when it names
        none. Dated facts come first, by year (facts of the same year in the note's
        order), then the undated ones in the note's order.

    Notes
    -----
    The first year named is the fact's own in the notes of the bundled list: "founded 24
    Feb 2015 (elected Nov 2014)" is dated 2015, its bracket giving an earlier step.

    Examples
    --------
    >>> organisation_events("contrat-programme Sept 2011; ECEI Bronze 2012; 42 members")
    [(2011, 'contrat-programme Sept 2011'), (2012, 'ECEI Bronze 2012'), (None, '42 members')]
    """
    if status_note is None or not status_note.strip():
        return []
    facts = [f.strip() for f in status_note.split(";") if f.strip()]
    events = []
    for fact in facts:
        found = _YEAR.search(fact)
        events.append((None if found is None else int(found.group(1)), fact))
    dated = sorted((e for e in events if e[0] is not None), key=lambda e: e[0] or 0)
    return dated + [e for e in events if e[0] is None]
