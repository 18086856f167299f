"""The observatory in a real browser: Debian's Chromium driven by Playwright (issue 6).

A visitor opens the home page, switches to Arabic (the page turns right-to-left), clicks a
region on the map and reaches its profile, and downloads a CSV from the open-data page whose
content is checked. Every test fails if any request of the page leaves ``127.0.0.1``
(``conftest.GuardedPage``); a last test shows the guard catches one. Screenshots are saved
under ``artifacts/e2e/``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import GuardedPage, require_browser

require_browser()

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

#: The region clicked on the map: Casablanca-Settat, whose industry LQ of 2024
#: establishments is (36286/254018)/(154979/1130021) = 1.041569523814627 (HCP RGPH 2024).
REGION = "MA-06"
REGION_NAME = "Casablanca-Settat"
REGION_INDUSTRY_LQ = "1.041569523814627"

#: HCP, RGPH 2024: establishments in Morocco, all four sector groups, and its 12 regions.
HCP_ESTABLISHMENTS_2024 = 1_130_021
MOROCCAN_REGIONS = [f"MA-{number:02d}" for number in range(1, 13)]

#: Finds a point of the viewport where a click lands on the given map link (an ``<a>``
#: around an SVG path): a grid over the link's box, keeping the first point whose topmost
#: element is inside that link. Regions are irregular, so the box's centre may be a
#: neighbour's.
POINT_ON_LINK = """
(href) => {
  const link = document.querySelector(`svg.choropleth a[href="${href}"]`);
  if (!link) return null;
  const box = link.getBoundingClientRect();
  for (let i = 1; i < 24; i++) {
    for (let j = 1; j < 24; j++) {
      const x = box.left + (box.width * i) / 24;
      const y = box.top + (box.height * j) / 24;
      const hit = document.elementFromPoint(x, y);
      if (hit && hit.closest("a") === link) return { x, y };
    }
  }
  return null;
}
"""


def test_home_page_in_french(guarded_page: GuardedPage, artifacts: Path) -> None:
    page = guarded_page.page
    response = page.goto(f"{guarded_page.base_url}/")
    assert response is not None
    assert response.status == 200
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.evaluate("document.documentElement.dir") == "ltr"
    # The map: one link per Moroccan region, and the same figures in a table beside it.
    hrefs = page.locator("svg.choropleth a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    assert hrefs == [f"/regions/{code}" for code in MOROCCAN_REGIONS]
    assert page.locator(f'main table a[href="/regions/{REGION}"]').inner_text() == REGION_NAME
    assert page.locator(f'main table data[value="{REGION_INDUSTRY_LQ}"]').inner_text() == "1,04"
    page.screenshot(path=str(artifacts / "home-fr.png"), full_page=True)
    guarded_page.assert_local()


def test_switching_to_arabic_turns_the_page_right_to_left(
    guarded_page: GuardedPage, artifacts: Path
) -> None:
    page = guarded_page.page
    page.goto(f"{guarded_page.base_url}/")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    page.locator('nav.languages a[hreflang="ar"]').click()
    page.wait_for_url(re.compile(r"/ar/$"))
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    # The page reads right to left and its links stay in Arabic.
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator(f'svg.choropleth a[href="/ar/regions/{REGION}"]').count() == 1
    assert "الدار البيضاء" in page.locator("main table").inner_text()
    page.screenshot(path=str(artifacts / "home-ar.png"), full_page=True)
    guarded_page.assert_local()


def test_clicking_a_region_on_the_map_opens_its_profile(
    guarded_page: GuardedPage, artifacts: Path
) -> None:
    page = guarded_page.page
    page.goto(f"{guarded_page.base_url}/")
    link = page.locator(f'svg.choropleth a[href="/regions/{REGION}"]')
    link.scroll_into_view_if_needed()
    point = page.evaluate(POINT_ON_LINK, f"/regions/{REGION}")
    assert point is not None, f"no visible point of the map lands on {REGION}"
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(f"**/regions/{REGION}")
    assert REGION_NAME in page.locator("main h1").inner_text()
    assert page.locator(f'main data[value="{REGION_INDUSTRY_LQ}"]').count() >= 1
    page.screenshot(path=str(artifacts / f"region-{REGION}.png"), full_page=True)
    guarded_page.assert_local()


def test_csv_downloaded_from_the_data_page_holds_the_census(
    guarded_page: GuardedPage, tmp_path: Path
) -> None:
    page = guarded_page.page
    page.goto(f"{guarded_page.base_url}/data")
    with page.expect_download() as download_info:
        page.locator('main a[href="/data/observations.csv"]').click()
    download = download_info.value
    assert download.suggested_filename == "observations.csv"
    target = tmp_path / "observations.csv"
    download.save_as(target)
    with target.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == [
            "dataset",
            "region",
            "sector",
            "year",
            "employment",
            "establishments",
        ]
        rows = [row for row in reader if row["dataset"] == "hcp-2024-establishments-region"]
    # 12 regions x 4 HCP sector groups; establishments add up to the census total.
    assert sorted({row["region"] for row in rows}) == MOROCCAN_REGIONS
    assert len(rows) == 12 * 4
    assert sum(float(row["establishments"]) for row in rows) == HCP_ESTABLISHMENTS_2024
    casablanca_industry = [
        row for row in rows if (row["region"], row["sector"]) == (REGION, "industry")
    ]
    assert [float(row["establishments"]) for row in casablanca_industry] == [36286.0]
    guarded_page.assert_local()


def test_the_guard_catches_a_request_leaving_the_machine(guarded_page: GuardedPage) -> None:
    # A page of our own (no CSP) asks for an image elsewhere: the guard records the request,
    # aborts it before it reaches the network, and the check fails.
    guarded_page.allow_outside = True
    page = guarded_page.page
    outside = "http://example.invalid/pixel.png"
    with page.expect_event("requestfailed") as failed:
        page.set_content(f'<img src="{outside}" alt="">')
    assert failed.value.url == outside
    assert guarded_page.outside() == [outside]
    assert guarded_page.blocked == [outside]
    with pytest.raises(AssertionError, match=r"requests leaving 127\.0\.0\.1"):
        guarded_page.assert_local()
