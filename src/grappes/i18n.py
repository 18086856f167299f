"""Translations: French, Arabic (right-to-left) and English wherever a person reads.

Messages are written in English in the code and templates, marked with ``_("…")``, and
translated by gettext catalogs (``grappes/locales/<lang>/LC_MESSAGES/grappes.po``) read with
Babel. English is the source language, so it needs no catalog. Catalogs are read when first
asked for, never at import time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from typing import Literal, TypeAlias

from grappes.errors import InvalidInputError

Language: TypeAlias = Literal["fr", "ar", "en"]

#: Languages Grappes speaks, the default (French) first.
LANGUAGES: tuple[Language, ...] = ("fr", "ar", "en")

#: Native names, for language switchers.
LANGUAGE_NAMES: dict[str, str] = {"fr": "Français", "ar": "العربية", "en": "English"}


def check_language(language: str) -> Language:
    """Return ``language`` if Grappes speaks it, else raise :class:`InvalidInputError`."""
    if language not in LANGUAGES:
        raise InvalidInputError(
            f"language: expected one of {', '.join(LANGUAGES)}; got {language!r}"
        )
    return language


def direction(language: str) -> Literal["rtl", "ltr"]:
    """Writing direction of ``language``: ``rtl`` for Arabic, ``ltr`` otherwise."""
    return "rtl" if check_language(language) == "ar" else "ltr"


@functools.cache
def catalog(language: str) -> dict[str, str]:
    """Return the translations of ``language`` as a mapping from English to translated text.

    Untranslated (empty or fuzzy) entries are left out, so that they fall back to English.
    """
    from babel.messages.pofile import read_po

    if check_language(language) == "en":
        return {}
    path = resources.files("grappes") / "locales" / language / "LC_MESSAGES" / "grappes.po"
    with path.open("rb") as handle:
        po = read_po(handle, locale=language)
    return {
        str(message.id): str(message.string)
        for message in po
        if message.id and message.string and not message.fuzzy
    }


def translator(language: str) -> Callable[[str], str]:
    """Return ``_``: a function translating an English message into ``language``."""
    messages = catalog(language)

    def gettext(message: str) -> str:
        return messages.get(message, message)

    return gettext


def pick(language: str, *, fr: object, ar: object, en: object) -> str:
    """Choose among a record's labels in three languages, falling back to French, then English.

    Data (region and sector names) comes with its own labels; this picks the right one and
    falls back when a source has none in the asked language.
    """
    wanted = {"fr": fr, "ar": ar, "en": en}[check_language(language)]
    for candidate in (wanted, fr, en, ar):
        if isinstance(candidate, str) and candidate.strip():
            return candidate
    return ""
