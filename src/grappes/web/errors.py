"""One error shape for the API, and error pages in the visitor's language.

A request for a machine-readable address (ending in ``.json`` or ``.csv``) gets

.. code-block:: json

    {"error": {"status": 404, "code": "not_found", "message": "..."}}

and any other a page in the visitor's language with the same status. Grappes' own errors
map to statuses: :class:`~grappes.errors.NotFoundError` → 404,
:class:`~grappes.errors.InvalidInputError` → 400; FastAPI's validation errors → 400. A
stack trace is never shown (see :mod:`grappes.web.security` for the last guard).
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from grappes.errors import InvalidInputError, NotFoundError
from grappes.i18n import translator
from grappes.web.i18n import visit

__all__ = ["ERROR_CODES", "error_body", "install", "wants_json"]

#: The ``code`` of each status in the API's error shape.
ERROR_CODES: Final[dict[int, str]] = {
    400: "invalid_input",
    404: "not_found",
    405: "method_not_allowed",
    500: "internal_error",
}

#: Longest message shown: a message may quote what the visitor typed.
_LONGEST_MESSAGE: Final = 300


def wants_json(request: Request) -> bool:
    """Whether the address asks for a machine-readable answer (``.json``, ``.csv``)."""
    path = request.scope["path"]
    return path.endswith((".json", ".csv"))


def error_body(status: int, message: str) -> dict[str, dict[str, object]]:
    """The API's error shape: ``{"error": {"status", "code", "message"}}``."""
    code = ERROR_CODES.get(status, "error")
    if len(message) > _LONGEST_MESSAGE:
        message = message[: _LONGEST_MESSAGE - 1] + "…"
    return {"error": {"status": status, "code": code, "message": message}}


def _respond(request: Request, status: int, message: str) -> Response:
    if wants_json(request):
        return JSONResponse(error_body(status, message), status_code=status)
    where = visit(request)
    _ = translator(where.language)
    titles = {
        400: _("This request cannot be answered"),
        404: _("Page not found"),
        405: _("This request cannot be answered"),
    }
    explanations = {
        400: _("Something in the address is not valid: a code, a word or a parameter."),
        404: _("Nothing is published at this address: the code may be unknown or mistyped."),
        405: _("This address does not accept this kind of request."),
    }
    template = request.app.state.templates.get_template("error.html.j2")
    html = template.render(
        _=_,
        visit=where,
        json_link=None,
        title=titles.get(status, _("This request cannot be answered")),
        status=status,
        explanation=explanations.get(status, ""),
        message=error_body(status, message)["error"]["message"],
    )
    return HTMLResponse(html, status_code=status)


def install(app: FastAPI) -> None:
    """Register the handlers turning errors into the API shape or an error page."""

    async def not_found(request: Request, error: Exception) -> Response:
        return _respond(request, 404, str(error))

    async def invalid(request: Request, error: Exception) -> Response:
        return _respond(request, 400, str(error))

    async def validation(request: Request, error: Exception) -> Response:
        problems: list[dict[str, Any]] = list(getattr(error, "errors", list)())
        parts = [
            f"{'.'.join(str(p) for p in problem.get('loc', ()))}: {problem.get('msg', '')}"
            for problem in problems[:3]
        ]
        return _respond(request, 400, "; ".join(parts) or "invalid request")

    async def http_error(request: Request, error: Exception) -> Response:
        status = getattr(error, "status_code", 500)
        if status == 404:
            message = f"nothing is published at {request.scope['path'][:100]!r}"
        else:
            message = str(getattr(error, "detail", "")) or "error"
        return _respond(request, status, message)

    app.add_exception_handler(NotFoundError, not_found)
    app.add_exception_handler(InvalidInputError, invalid)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
