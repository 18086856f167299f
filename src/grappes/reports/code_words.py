"""Words for the codes result tables hold: lifecycle stages and quadrants, star kinds, yes/no.

Light on purpose (nothing but the standard library): the observatory's profiles import it
at start.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["code_words"]


def code_words(_: Callable[[str], str]) -> dict[str, str]:
    """Words for codes the tables hold (stages, quadrants, stars), in the reader's language.

    Shared by the cluster report and the observatory's profiles, so both say a stage alike.
    """
    return {
        "absent": _("absent"),
        "emergence": _("emergence"),
        "growth": _("growth"),
        "sustainment": _("sustainment"),
        "decline": _("decline"),
        "star": _("star"),
        "mature": _("mature"),
        "emerging": _("emerging"),
        "transforming": _("transforming"),
        "size_star": _("size"),
        "specialisation_star": _("specialisation"),
        "focus_star": _("focus"),
        "yes": _("yes"),
        "no": _("no"),
        "province": _("Province"),
        "region": _("Region"),
        "employment_for_both": _(
            "The table has no establishment counts: employment stands for both size measures "
            "of the strong-cluster rule, and the lifecycle reads employment alone."
        ),
        "establishments_for_both": _(
            "The table has no employment: establishment counts stand for both size measures "
            "of the strong-cluster rule, and for employment in the stars and the lifecycle."
        ),
    }
