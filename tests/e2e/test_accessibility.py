"""Accessible and usable on a phone, checked by real tools in Debian's Chromium (issue 6).

- **Audit**: axe-core (Deque, MPL-2.0; bundled by ``axe-playwright-python`` and injected
  into the page, so it needs no network) runs its WCAG 2.0/2.1 level A and AA rules on every
  kind of page, in French, Arabic and English, at desktop and phone sizes; a test fails
  listing each violation (rule, impact, element, help).
- **Keyboard**: from the top of a page, Tab reaches the skip link first, then the language
  switcher, then the navigation, each with a visible focus ring; the skip link moves focus to
  the content; the map's regions are links that Tab reaches and Enter follows.
- **Reflow, zoom and text spacing** (a 320 px phone, 200 %, the text-spacing bookmarklet)
  are checked in ``test_reflow.py``.

Each check is shown to fail on a page made to break it, so none of them can pass vacuously.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.conftest import LANGUAGES, PAGES, GuardedPage, open_page, require_browser

require_browser("axe_playwright_python")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

#: The skip link's text in each language (the catalogs' translation of "Skip to content").
SKIP_LINK = {"fr": "Aller au contenu", "ar": "الانتقال إلى المحتوى", "en": "Skip to content"}

#: axe-core's rules for WCAG 2.0 and 2.1, levels A and AA.
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

MOROCCAN_REGIONS = [f"MA-{number:02d}" for number in range(1, 13)]


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
    # keyboard to reach (scrollable-region-focusable); the phone is 320 px wide (conftest).
    guarded: GuardedPage = request.getfixturevalue(size)
    open_page(guarded, language, name)
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
    open_page(guarded_page, language, "about")
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
    open_page(guarded_page, "ar", "search")
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
    open_page(guarded_page, "fr", "home")
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
