"""Accessible and usable on a phone, checked by real tools in Debian's Chromium (issue 6).

- **Audit**: axe-core (Deque, MPL-2.0; bundled by ``axe-playwright-python`` and injected
  into the page, so it needs no network) runs its WCAG 2.0/2.1 level A and AA rules on every
  kind of page, in French, Arabic and English, at desktop and phone sizes; a test fails
  listing each violation (rule, impact, element, help).
- **Keyboard**: from the top of a page, Tab reaches the skip link first, then the language
  switcher, then the navigation, each with a visible focus ring; the skip link moves focus to
  the content; the map's regions are links that Tab reaches and Enter follows.
- **Phone** (375 x 812 CSS pixels, twice the pixel density): no page scrolls sideways (a
  wide table scrolls inside its own box), the map fits the screen, and screenshots of the
  home page and of a region's and a sector's profile, in French and Arabic, are saved under
  ``artifacts/e2e/``.

Each check is shown to fail on a page made to break it, so none of them can pass vacuously.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PHONE, GuardedPage, require_browser

require_browser("axe_playwright_python")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

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

#: The skip link's text in each language (the catalogs' translation of "Skip to content").
SKIP_LINK = {"fr": "Aller au contenu", "ar": "الانتقال إلى المحتوى", "en": "Skip to content"}

#: axe-core's rules for WCAG 2.0 and 2.1, levels A and AA.
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

MOROCCAN_REGIONS = [f"MA-{number:02d}" for number in range(1, 13)]

#: The phone's width in CSS pixels.
PHONE_WIDTH: int = PHONE["viewport"]["width"]


@dataclass(frozen=True)
class KnownViolation:
    """A violation found in a template this suite's author does not own, awaiting its fix.

    A page showing only known violations is an expected failure (``xfail``) naming them;
    once fixed, the page passes and the entry can go.
    """

    rule: str
    #: A CSS selector fragment that every node of the violation's target contains.
    target: str
    where: str
    fix: str

    def matches(self, violation: dict[str, Any]) -> bool:
        """True when ``violation`` (one of axe's results) is this one."""
        return violation["id"] == self.rule and all(
            self.target in " ".join(map(str, node["target"])) for node in violation["nodes"]
        )


#: Known violations, each with where it is and how to fix it, for example
#: ``KnownViolation("nested-interactive", ".choropleth", where="the map of home.html.j2",
#: fix="role='group', not 'img', on an SVG holding links")``. None at present.
KNOWN_VIOLATIONS: tuple[KnownViolation, ...] = ()


def _url(guarded: GuardedPage, language: str, path: str) -> str:
    prefix = "" if language == "fr" else f"/{language}"
    return f"{guarded.base_url}{prefix}{path}"


def _open(guarded: GuardedPage, language: str, name: str) -> None:
    """Open the page ``name`` of :data:`PAGES` in ``language`` and check it is that page."""
    response = guarded.page.goto(_url(guarded, language, PAGES[name]))
    assert response is not None
    assert response.status == (404 if name == "not-found" else 200)
    assert guarded.page.evaluate("document.documentElement.lang") == language
    if name == "search":  # a search with results, so that the results table is audited
        assert guarded.page.locator("main table tbody tr").count() >= 1


def audit(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per element: rule, impact, target, help (and where to read more)."""
    return "\n".join(
        f"  {v['id']} ({v['impact']}) at {' '.join(map(str, node['target']))}: "
        f"{v['help']} [{v['helpUrl']}]"
        for v in violations
        for node in v["nodes"]
    )


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", ["guarded_page", "phone_page"], ids=["desktop", "phone"])
def test_axe_finds_no_violation(
    request: pytest.FixtureRequest, size: str, language: str, name: str
) -> None:
    # Both sizes: on a phone a wide table scrolls in its own box, which axe then requires a
    # keyboard to reach (scrollable-region-focusable).
    guarded: GuardedPage = request.getfixturevalue(size)
    _open(guarded, language, name)
    violations = audit(guarded.page)
    guarded.assert_local()
    known = [v for v in violations if any(k.matches(v) for k in KNOWN_VIOLATIONS)]
    unknown = [v for v in violations if v not in known]
    assert not unknown, f"axe found on {PAGES[name]} ({language}):\n{describe(unknown)}"
    if known:
        notes = "; ".join(
            f"{k.where} -> {k.fix}" for k in KNOWN_VIOLATIONS if any(k.matches(v) for v in known)
        )
        pytest.xfail(f"known violations awaiting a fix: {notes}\n{describe(known)}")


def test_the_audit_reports_violations(guarded_page: GuardedPage) -> None:
    # A page made to fail: an image without text, grey on grey, a field without a label.
    guarded_page.page.set_content(
        '<html lang="en"><head><title>broken</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#aaa;background:#bbb">faint text</p>'
        '<input type="text"></main></body></html>'
    )
    rules = {v["id"] for v in audit(guarded_page.page)}
    assert {"image-alt", "color-contrast", "label"} <= rules
    guarded_page.assert_local()


# --- keyboard ---------------------------------------------------------------------------

#: The focused element: tag, text, href, the header's navigation it is in, and whether it
#: is visibly outlined (an outline of some width, or a box shadow).
FOCUSED = """
() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const nav = e.closest("header nav");
  return {
    tag: e.tagName.toLowerCase(),
    id: e.id,
    text: e.textContent.trim(),
    href: e.getAttribute("href"),
    hreflang: e.getAttribute("hreflang"),
    nav: nav ? nav.getAttribute("aria-label") : null,
    inMap: e.closest("svg.choropleth") !== null,
    outlined: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0)
      || s.boxShadow !== "none",
    visible: (() => { const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
        && r.left < window.innerWidth && r.top < window.innerHeight; })(),
  };
}
"""


def tab(page: Any) -> dict[str, Any]:
    """Press Tab once; the element that then has the focus (see :data:`FOCUSED`)."""
    page.keyboard.press("Tab")
    focused: dict[str, Any] = page.evaluate(FOCUSED)
    return focused


@pytest.mark.parametrize("language", LANGUAGES)
def test_tab_reaches_skip_link_then_languages_then_navigation(
    guarded_page: GuardedPage, language: str
) -> None:
    page = guarded_page.page
    _open(guarded_page, language, "about")
    header_links = page.locator("header a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    skip = tab(page)
    assert (skip["tag"], skip["href"], skip["text"]) == ("a", "#main", SKIP_LINK[language])
    assert skip["visible"], "the skip link must show when it has the focus"
    assert skip["outlined"]
    reached = [tab(page) for _ in header_links]
    for focused in reached:
        assert focused["outlined"], f"no visible focus on {focused}"
    # The language switcher first (the three languages, in their order), then the site's
    # name and the main menu: the header's links in document order.
    assert [f["hreflang"] for f in reached[:3]] == ["fr", "ar", "en"]
    assert {f["nav"] for f in reached[:3]} == {
        page.locator("nav.languages").get_attribute("aria-label")
    }
    assert [f["href"] for f in reached] == header_links
    menu = page.locator("header nav:not(.languages)").get_attribute("aria-label")
    assert [f["nav"] for f in reached[4:]] == [menu] * (len(header_links) - 4)
    guarded_page.assert_local()


def test_skip_link_moves_focus_to_the_content(guarded_page: GuardedPage) -> None:
    page = guarded_page.page
    _open(guarded_page, "ar", "search")
    tab(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab lands inside the content, not back in the header.
    after = tab(page)
    assert page.evaluate("document.activeElement.closest('main') !== null"), after
    assert after["outlined"]
    guarded_page.assert_local()


def test_map_regions_are_reached_and_followed_by_keyboard(guarded_page: GuardedPage) -> None:
    page = guarded_page.page
    _open(guarded_page, "fr", "home")
    tab_indexes = page.locator("svg.choropleth a").evaluate_all(
        "links => links.map(a => a.tabIndex)"
    )
    assert len(tab_indexes) == len(MOROCCAN_REGIONS)
    assert all(index >= 0 for index in tab_indexes), tab_indexes
    # Tab through the page until past the map: every region is reached, in order, outlined.
    reached: list[dict[str, Any]] = []
    for _ in range(200):
        focused = tab(page)
        if focused["inMap"]:
            reached.append(focused)
        elif reached:
            break
    assert [f["href"] for f in reached] == [f"/regions/{code}" for code in MOROCCAN_REGIONS]
    assert all(f["outlined"] for f in reached), [f for f in reached if not f["outlined"]]
    # Back to Casablanca-Settat (the sixth) and follow it with Enter.
    for _ in range(len(reached) - 5):
        page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED)["href"] == "/regions/MA-06"
    page.keyboard.press("Enter")
    page.wait_for_url("**/regions/MA-06")
    assert "Casablanca-Settat" in page.locator("main h1").inner_text()
    guarded_page.assert_local()


def test_focus_check_sees_a_missing_outline(guarded_page: GuardedPage) -> None:
    # A page whose links hide the focus: the check must say so.
    guarded_page.page.set_content(
        "<style>a:focus { outline: none; box-shadow: none }</style><a href='#x'>x</a>"
    )
    focused = tab(guarded_page.page)
    assert focused["href"] == "#x"
    assert not focused["outlined"]


# --- phone --------------------------------------------------------------------------------

#: What makes the page wider than the screen (``width`` CSS pixels): the document's width,
#: the window's, and the elements that stick out without a scrolling box to hold them.
SIDEWAYS = """
(width) => {
  const escaping = [];
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || (r.right <= width + 0.5 && r.left >= -0.5)) continue;
    let held = false;
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) {
        held = true;
        break;
      }
    }
    if (!held && !e.closest(".skip")) escaping.push(e.tagName.toLowerCase()
      + (e.className && typeof e.className === "string" ? "." + e.className : ""));
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    innerWidth: window.innerWidth,
    escaping: escaping.slice(0, 5),
  };
}
"""


def sideways(page: Any) -> dict[str, Any]:
    """:data:`SIDEWAYS` on the page as it is now, against the phone's width."""
    measured: dict[str, Any] = page.evaluate(SIDEWAYS, PHONE_WIDTH)
    return measured


def fits_a_phone(measured: dict[str, Any]) -> bool:
    """True when nothing is wider than the phone: no sideways scrolling, nothing sticking out."""
    return (
        measured["scrollWidth"] <= measured["innerWidth"] == PHONE_WIDTH
        and measured["clientWidth"] == PHONE_WIDTH
        and not measured["escaping"]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_scrolls_sideways_on_a_phone(phone_page: GuardedPage, language: str) -> None:
    wide = {}
    for name in PAGES:
        _open(phone_page, language, name)
        measured = sideways(phone_page.page)
        if not fits_a_phone(measured):
            wide[PAGES[name]] = measured
    assert not wide, f"pages wider than a 375 px phone ({language}): {wide}"
    phone_page.assert_local()


def test_wide_tables_scroll_in_their_own_box(phone_page: GuardedPage) -> None:
    # The open-data table has six columns: wider than a phone, it scrolls inside itself.
    _open(phone_page, "fr", "data")
    table = phone_page.page.locator("main table").first
    widths = table.evaluate("t => [t.scrollWidth, t.clientWidth]")
    assert widths[0] > widths[1], f"the data table fits a phone now ({widths}): pick another"
    assert table.evaluate("t => getComputedStyle(t).overflowX") in {"auto", "scroll"}
    assert fits_a_phone(sideways(phone_page.page))
    phone_page.assert_local()


def test_sideways_check_sees_a_wide_page(phone_page: GuardedPage) -> None:
    phone_page.page.set_content(
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<body><div class="wide" style="width:600px">x</div></body>'
    )
    measured = sideways(phone_page.page)
    # A phone zooms out to show the whole of a wide page, so its window widens with it
    # (innerWidth 608 here): the page is compared with the phone's width, 375 px.
    assert measured["scrollWidth"] > PHONE_WIDTH
    assert measured["escaping"] == ["div.wide"]
    assert not fits_a_phone(measured)


def test_map_scales_to_the_width(
    guarded_page: GuardedPage, phone_page: GuardedPage, live_server: str
) -> None:
    widths = {}
    for size, guarded in (("desktop", guarded_page), ("phone", phone_page)):
        _open(guarded, "fr", "home")
        box = guarded.page.locator("svg.choropleth").bounding_box()
        content = guarded.page.evaluate(
            "(() => { const m = getComputedStyle(document.querySelector('main'));"
            " return document.querySelector('main').clientWidth"
            " - parseFloat(m.paddingLeft) - parseFloat(m.paddingRight); })()"
        )
        assert box is not None
        widths[size] = (box["width"], content)
        guarded.assert_local()
    phone_width, phone_content = widths["phone"]
    # On a phone the map takes the whole width of the content, and no more.
    assert 0.95 * phone_content <= phone_width <= phone_content + 0.5, widths
    assert widths["desktop"][0] > phone_width, widths


SCREENSHOTS = {"home": "home", "region": "region-MA-06", "sector": "sector-industry"}


@pytest.mark.parametrize("name", list(SCREENSHOTS))
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_phone_screenshots(
    phone_page: GuardedPage, artifacts: Path, language: str, name: str
) -> None:
    page = phone_page.page
    _open(phone_page, language, name)
    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    path = artifacts / f"phone-{SCREENSHOTS[name]}-{language}.png"
    page.screenshot(path=str(path), full_page=True)
    # A PNG twice the phone's width in pixels (device_scale_factor 2).
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(header[16:20], "big") == 2 * PHONE_WIDTH
    phone_page.assert_local()
