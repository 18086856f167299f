"""The visitor's language: from an ``/ar/``, ``/en/`` or ``/fr/`` prefix, or ``?lang=``.

The language is chosen by the address, never by a cookie, so that every page can be
linked to in each language. A prefix wins over ``?lang=``; without either, the page is in
the settings' language (French by default). :class:`LanguageMiddleware` strips the prefix
before routing, so ``/ar/regions/MA-06`` is served by the route of ``/regions/MA-06``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qsl, urlencode

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from grappes.errors import InvalidInputError
from grappes.i18n import LANGUAGE_NAMES, LANGUAGES, direction

__all__ = ["LanguageMiddleware", "Visit", "check_requested_language", "visit"]

_PREFIXES: Final = {f"/{language}": language for language in LANGUAGES}


class LanguageMiddleware:
    """ASGI middleware: read the language from the path prefix or ``?lang=``.

    Sets ``scope["state"]["language"]``, ``["prefix"]`` (``/ar`` or empty) and
    ``["bad_language"]`` (an unknown ``?lang=`` value, refused by
    :func:`check_requested_language` with a 400).
    """

    def __init__(self, app: ASGIApp, *, default: str) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        state = scope.setdefault("state", {})
        language, prefix, bad = self.default, "", None
        head = "/" + path.split("/", 2)[1] if path.startswith("/") else path
        if head in _PREFIXES:
            language, prefix = _PREFIXES[head], head
            rest = path[len(head) :] or "/"
            scope["path"] = rest
            scope["raw_path"] = rest.encode("utf-8", "surrogateescape")
        else:
            query = scope.get("query_string", b"").decode("latin-1")
            asked = [v for k, v in parse_qsl(query, keep_blank_values=True) if k == "lang"]
            if asked:
                if asked[-1] in LANGUAGES:
                    language, prefix = asked[-1], f"/{asked[-1]}"
                else:
                    bad = asked[-1]
        state["language"] = language
        state["prefix"] = prefix
        state["bad_language"] = bad
        await self.app(scope, receive, send)


def check_requested_language(request: Request) -> None:
    """Refuse an unknown ``?lang=`` (a dependency of every route)."""
    bad = getattr(request.state, "bad_language", None)
    if bad is not None:
        raise InvalidInputError(f"lang: expected one of {', '.join(LANGUAGES)}; got {bad[:40]!r}")


@dataclass(frozen=True)
class Visit:
    """The language of a request and how to write the site's links in it."""

    language: str
    prefix: str
    path: str
    query: str

    @property
    def direction(self) -> str:
        """``rtl`` for Arabic, ``ltr`` otherwise."""
        return direction(self.language)

    def link(self, path: str) -> str:
        """A link to ``path`` (``/regions/MA-06``) in the visitor's language."""
        return f"{self.prefix}{path}" if self.prefix else path

    def switcher(self) -> list[tuple[str, str, str, bool]]:
        """``(code, native name, address, current)`` of this page in each language."""
        query = f"?{self.query}" if self.query else ""
        return [
            (code, LANGUAGE_NAMES[code], f"/{code}{self.path}{query}", code == self.language)
            for code in LANGUAGES
        ]


def visit(request: Request) -> Visit:
    """The :class:`Visit` of ``request`` (after :class:`LanguageMiddleware`)."""
    state = request.state
    language = getattr(state, "language", "fr")
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    return Visit(
        language=language,
        prefix=getattr(state, "prefix", ""),
        path=request.scope["path"],
        query=query,
    )
