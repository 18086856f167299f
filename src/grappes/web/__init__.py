"""The observatory's public face: server-rendered pages, their JSON twins and open data.

:func:`~grappes.web.app.create_app` builds the FastAPI application from a
:class:`~grappes.settings.Settings`; nothing is created at import time. See ``docs/web.md``.
"""

from __future__ import annotations

from grappes.web.app import create_app

__all__ = ["create_app"]
