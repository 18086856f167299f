"""Security headers on every response, and a last guard that never shows a stack trace.

The content security policy allows only the site's own scripts, styles and images (plus
``data:`` images); no plug-ins, no ``<base>``, no framing. The pages need no script at all.
"""

from __future__ import annotations

import json
import logging
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "SecurityHeadersMiddleware"]

logger = logging.getLogger(__name__)

#: The content security policy of every response.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

#: Headers added to every response.
SECURITY_HEADERS: Final[dict[str, str]] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}

_RAW_HEADERS = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]


class SecurityHeadersMiddleware:
    """ASGI middleware: add :data:`SECURITY_HEADERS`; turn an unexpected error into a bare 500.

    An exception no handler took is logged (with its traceback, on the server) and answered
    with the API's error shape, without any detail of the error.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _RAW_HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            logger.exception("unexpected error on %s", scope.get("path"))
            if started:
                raise
            body = json.dumps(
                {
                    "error": {
                        "status": 500,
                        "code": "internal_error",
                        "message": "The server could not answer this request.",
                    }
                }
            ).encode()
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ]
            await send_with_headers(
                {"type": "http.response.start", "status": 500, "headers": headers}
            )
            await send({"type": "http.response.body", "body": body})
