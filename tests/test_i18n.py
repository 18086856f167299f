"""Every message a person reads exists in French and Arabic."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir

from grappes.i18n import catalog, direction, pick, translator
from tests.conftest import ROOT


def _messages() -> set[str]:
    method_map = [("src/grappes/**.py", "python"), ("src/grappes/**/templates/**.j2", "jinja2")]
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, options_map={"**.j2": {"trim_blocks": "True"}}
    ):
        if isinstance(message, str):
            found.add(message)
    return found


def test_every_message_is_translated() -> None:
    messages = _messages()
    assert len(messages) > 20
    for language in ("fr", "ar"):
        missing = sorted(messages - set(catalog(language)))
        assert not missing, f"{language}: untranslated messages: {missing}"


def test_translator_and_fallback() -> None:
    assert translator("fr")("Region") == "Région"
    assert translator("ar")("Region") == "الجهة"
    assert translator("en")("Region") == "Region"
    assert translator("fr")("a message nobody wrote") == "a message nobody wrote"


def test_direction_and_pick() -> None:
    assert direction("ar") == "rtl"
    assert direction("fr") == direction("en") == "ltr"
    assert pick("ar", fr="Oriental", ar="الشرق", en="Oriental") == "الشرق"
    assert pick("en", fr="Fès-Meknès", ar="فاس-مكناس", en=None) == "Fès-Meknès"
