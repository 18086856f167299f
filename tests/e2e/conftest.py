"""A live observatory and a headless Chromium for the end-to-end tests.

The server is the real application (:func:`grappes.web.app.create_app`) on its own SQLite
database built from the bundled data, served by uvicorn in a background thread on
``127.0.0.1`` and a free port. The browser is Debian's ``/usr/bin/chromium`` driven by
Playwright's Python package (never ``playwright install``: no browser is downloaded), with
background networking off. Every page a test opens comes from :func:`guarded_page`, which
records every request the page makes and aborts any that would leave ``127.0.0.1``.

The test modules skip themselves, with the reason, when Chromium or a package they need is
missing (:func:`require_browser`); ``make test`` installs them.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

#: Debian's Chromium (package ``chromium``), installed by ``make system-deps``.
CHROMIUM = Path("/usr/bin/chromium")

#: Flags: headless in a container (no sandbox, no GPU) and nothing fetched in the background.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)

#: Where the screenshots go (``artifacts/`` is git-ignored; CI keeps it as an artifact).
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"

#: The only host a page may reach.
LOCAL_HOST = "127.0.0.1"

#: Schemes that never touch the network (an inline SVG, a ``data:`` image).
OFFLINE_SCHEMES = frozenset({"data", "blob", "about"})


def is_local(url: str) -> bool:
    """True when fetching ``url`` stays on this machine (``127.0.0.1`` or no network)."""
    parts = urlsplit(url)
    return parts.scheme in OFFLINE_SCHEMES or parts.hostname == LOCAL_HOST


@dataclass
class GuardedPage:
    """A browser page and every request it made; requests off ``127.0.0.1`` are aborted."""

    page: Page
    base_url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    #: Set only by the test of the guard itself, which makes an outside request on purpose.
    allow_outside: bool = False

    def outside(self) -> list[str]:
        """The requests that tried to leave ``127.0.0.1`` (empty when all stayed local)."""
        return [url for url in self.requests if not is_local(url)]

    def assert_local(self) -> None:
        """Fail, naming them, when any request tried to leave ``127.0.0.1``."""
        outside = self.outside()
        assert not outside, f"requests leaving {LOCAL_HOST}: {outside}"
        assert not self.blocked, f"requests blocked by the route guard: {self.blocked}"


def _free_socket() -> socket.socket:
    """A socket bound to a free port of 127.0.0.1 (handed to uvicorn: no race for the port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOCAL_HOST, 0))
    return sock


def _wait_until_answering(url: str, *, timeout: float) -> None:
    """Poll ``url`` until it answers 200, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: str = "no answer"
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=2.0)
        except httpx.TransportError as error:
            last = repr(error)
        else:
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}"
        time.sleep(0.1)
    pytest.fail(f"the observatory at {url} did not answer within {timeout} s ({last})")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:<port>``) of the real app on a fresh SQLite database."""
    import uvicorn

    from grappes.settings import Settings
    from grappes.web.app import create_app

    folder = tmp_path_factory.mktemp("e2e")
    app = create_app(Settings(database_url=f"sqlite:///{folder / 'grappes.sqlite3'}"))
    sock = _free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host=LOCAL_HOST, port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="e2e-uvicorn", daemon=True
    )
    thread.start()
    base_url = f"http://{LOCAL_HOST}:{port}"
    try:
        _wait_until_answering(f"{base_url}/", timeout=30.0)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=15.0)
        sock.close()
        app.state.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, launched once for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots, created on demand."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


#: A phone as narrow as WCAG 2.1's Reflow criterion (1.4.10) asks a page to fit without
#: scrolling sideways: 320 x 640 CSS pixels (a 1280 px window zoomed to 400 %, or the
#: narrowest phones), at twice the pixel density.
PHONE: dict[str, Any] = {
    "viewport": {"width": 320, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

#: A desktop window, the size of most tests' pages.
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}

#: The desktop window zoomed to 200 % (WCAG 1.4.4): Chromium then lays the page out on
#: half as many CSS pixels (640 x 450), each drawn with twice as many device pixels.
ZOOMED: dict[str, Any] = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}

#: The three languages of the observatory; Arabic is right to left.
LANGUAGES = ("fr", "ar", "en")

#: Every kind of page, by a name used in test ids and screenshots: each template, a unit at
#: every level, a search that finds something and an error page.
PAGES: dict[str, str] = {
    "home": "/",
    "home-services": "/?sector=services",
    "region": "/regions/MA-06",
    "province": "/regions/06.141",
    "commune": "/regions/06.141.01.0",
    "country": "/regions/MA",
    "sector": "/sectors/industry",
    "organisation": "/organisations/MA-002",
    "compare": "/compare?regions=MA-01&regions=MA-06",
    "benchmark": "/compare/benchmark?organisation=MA-002",
    "search": "/search?q=casa",
    "data": "/data",
    "about": "/about",
    "docs": "/docs",
    "not-found": "/regions/XX-99",
}


def require_browser(*packages: str) -> None:
    """Skip the calling test module, with the reason, without Chromium or a package it needs."""
    import importlib.util

    if not CHROMIUM.exists():
        pytest.skip(
            f"end-to-end tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium, "
            "or `make system-deps`)",
            allow_module_level=True,
        )
    for package in ("playwright", *packages):
        if importlib.util.find_spec(package) is None:
            pytest.skip(
                f"end-to-end tests need the {package} package (pip install -e '.[dev]'); "
                "never `playwright install`: the tests use Debian's Chromium",
                allow_module_level=True,
            )


@contextmanager
def open_guarded_page(browser: Browser, base_url: str, **options: Any) -> Iterator[GuardedPage]:
    """A fresh page in its own context (``options`` as Playwright's ``new_context``) that may
    only talk to ``127.0.0.1``.

    Every request is recorded (``page.on("request")``); a route on the context aborts any
    request to another host, so nothing leaves the machine even when a test is about to
    fail. Each test asserts :meth:`GuardedPage.assert_local` itself, and on leaving this
    block it is checked again (an error then, unless the test set ``allow_outside``).
    """
    context = browser.new_context(accept_downloads=True, service_workers="block", **options)
    page = context.new_page()
    guarded = GuardedPage(page=page, base_url=base_url)

    def record(request: Any) -> None:
        guarded.requests.append(request.url)

    def guard(route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            guarded.blocked.append(url)
            route.abort("blockedbyclient")

    page.on("request", record)
    context.route("**/*", guard)
    page.set_default_timeout(15_000)
    try:
        yield guarded
    finally:
        context.close()
    if not guarded.allow_outside:
        guarded.assert_local()


def page_url(guarded: GuardedPage, language: str, path: str) -> str:
    """Address of ``path`` in ``language`` (French, the default, has no prefix)."""
    prefix = "" if language == "fr" else f"/{language}"
    return f"{guarded.base_url}{prefix}{path}"


def open_page(guarded: GuardedPage, language: str, name: str) -> None:
    """Open the page ``name`` of :data:`PAGES` in ``language`` and check it is that page.

    The status (404 for the error page), the document's language, a title that is text
    (no markup leaked into it) and, for the search, a table of results to check.
    """
    page = guarded.page
    response = page.goto(page_url(guarded, language, PAGES[name]))
    assert response is not None
    assert response.status == (404 if name == "not-found" else 200)
    assert page.evaluate("document.documentElement.lang") == language
    assert page.title().endswith(" — Grappes"), page.title()
    assert "<" not in page.title(), f"markup in the title of {PAGES[name]}: {page.title()!r}"
    if name == "search":  # a search with results, so that the results table is checked
        assert page.locator("main table tbody tr").count() >= 1


@pytest.fixture
def guarded_page(browser: Browser, live_server: str) -> Iterator[GuardedPage]:
    """A desktop-sized page (:data:`DESKTOP`) that may only talk to ``127.0.0.1``."""
    with open_guarded_page(browser, live_server, **DESKTOP) as guarded:
        yield guarded


@pytest.fixture
def phone_page(browser: Browser, live_server: str) -> Iterator[GuardedPage]:
    """A phone-sized page (:data:`PHONE`) that may only talk to ``127.0.0.1``."""
    with open_guarded_page(browser, live_server, **PHONE) as guarded:
        yield guarded


@pytest.fixture
def zoomed_page(browser: Browser, live_server: str) -> Iterator[GuardedPage]:
    """The desktop window zoomed to 200 % (:data:`ZOOMED`), only talking to ``127.0.0.1``."""
    with open_guarded_page(browser, live_server, **ZOOMED) as guarded:
        yield guarded
