"""Every page and its JSON twin, in three languages, with the figures they must show."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

# Casablanca-Settat's industry LQ on the 2024 establishments (HCP RGPH 2024): 36,286 of its
# 254,018 establishments against 154,979 of Morocco's 1,130,021 (docs/store.md).
MA06_INDUSTRY_LQ = (36286 / 254018) / (154979 / 1130021)  # = 1.041570...

PAGES = [
    "/",
    "/?sector=services",
    "/?level=province&measure=stars&census=2014&sector=agriculture",
    "/?level=country",
    "/regions/MA-06",
    "/regions/MA",
    "/regions/06.141",
    "/sectors/industry",
    "/sectors/industry?classification=HCP_EMPLOYMENT",
    "/sectors/C?classification=ISIC4",
    "/organisations/MA-002",
    "/search",
    "/search?q=casa",
    "/data",
    "/about",
    "/docs",
]


def _twin(page: str) -> str:
    path, _, query = page.partition("?")
    path = "/index.json" if path == "/" else f"{path}.json"
    return f"{path}?{query}" if query else path


@pytest.mark.parametrize("page", PAGES)
def test_page_and_its_json_twin(client: TestClient, page: str) -> None:
    html = client.get(page)
    assert html.status_code == 200
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    twin_path = _twin(page).split("?")[0]
    assert f'href="{twin_path}' in html.text  # the page links to its twin
    twin = client.get(_twin(page))
    assert twin.status_code == 200
    assert twin.headers["content-type"] == "application/json"
    assert isinstance(twin.json(), dict)


def test_region_profile_shows_its_industry_lq(client: TestClient) -> None:
    page = client.get("/regions/MA-06").text
    assert "<h1>Casablanca-Settat" in page
    # the LQ is shown rounded (1,04) in a <data> element holding the full value
    shown = [float(v) for v in re.findall(r'<data value="([0-9.]+)">1,04</data>', page)]
    assert any(v == pytest.approx(MA06_INDUSTRY_LQ, rel=1e-12) for v in shown)
    assert round(MA06_INDUSTRY_LQ, 5) == 1.04157
    assert "CHTC – Casablanca Home Textile Cluster" in page
    data = client.get("/regions/MA-06.json").json()
    row = next(
        r
        for r in data["specialisations"]
        if r["dataset"] == "hcp-2024-establishments-region" and r["sector"] == "industry"
    )
    assert row["location_quotient"] == pytest.approx(MA06_INDUSTRY_LQ, rel=1e-12)
    assert {c["code"] for c in data["children"]} >= {"06.141", "06.111"}
    assert [a["code"] for a in data["ancestors"]] == ["MA", "MAGHREB"]


def test_sector_profile_herfindahl(client: TestClient) -> None:
    data = client.get("/sectors/industry.json").json()
    region = next(
        c for c in data["concentration"] if c["dataset"] == "hcp-2024-establishments-region"
    )
    assert region["herfindahl"] == pytest.approx(0.1347, abs=5e-5)  # docs/store.md
    assert [s["section"] for s in data["sections"]] == ["B", "C", "D", "E"]
    page = client.get("/sectors/industry").text
    assert "0,1347" in page  # French decimal comma


def test_organisation_profile(client: TestClient) -> None:
    page = client.get("/organisations/MA-002").text
    assert "Maroc Numeric Cluster (MNC)" in page
    assert 'href="/regions/MA-06"' in page
    data = client.get("/organisations/MA-002.json").json()
    assert data["organisation"]["city"] == "Casablanca"
    assert data["partners"][0]["name"] == "Systematic (FR)"


def test_search_finds_casablanca_settat(client: TestClient) -> None:
    page = client.get("/search", params={"q": "casa"}).text
    assert 'href="/regions/MA-06">Casablanca-Settat</a>' in page
    data = client.get("/search.json", params={"q": "casa"}).json()
    assert data["results"][0]["code"] == "MA-06"
    kinds = {r["kind"] for r in data["results"]}
    assert kinds == {"region", "organisation"}


def test_search_in_arabic_script(client: TestClient) -> None:
    data = client.get("/search.json", params={"q": "الدار البيضاء"}).json()
    assert "MA-06" in [r["code"] for r in data["results"]]


@pytest.mark.parametrize("address", ["/ar/regions/MA-06", "/regions/MA-06?lang=ar"])
def test_arabic_page_is_right_to_left(client: TestClient, address: str) -> None:
    page = client.get(address).text
    assert '<html lang="ar" dir="rtl">' in page
    assert "الدار البيضاء-سطات" in page
    assert "الصناعة" in page  # industry
    assert "الانتقال إلى المحتوى" in page  # skip link, translated
    # links stay in Arabic
    assert 'href="/ar/regions/MA-06.json"' in page
    assert 'href="/ar/search"' in page


def test_french_by_default_and_english_by_prefix(client: TestClient) -> None:
    assert '<html lang="fr" dir="ltr">' in client.get("/regions/MA-06").text
    english = client.get("/en/regions/MA-06").text
    assert '<html lang="en" dir="ltr">' in english
    assert "Specialisations" in english
    assert "Spécialisations" in client.get("/fr/regions/MA-06").text


def test_language_switcher_keeps_the_path(client: TestClient) -> None:
    page = client.get("/en/sectors/industry", params={"classification": "HCP_EMPLOYMENT"}).text
    for code in ("fr", "ar", "en"):
        assert f'href="/{code}/sectors/industry?classification=HCP_EMPLOYMENT"' in page
    assert 'aria-current="true">English</a>' in page


@pytest.mark.parametrize("page", ["/", "/regions/MA-06", "/search?q=casa", "/data", "/about"])
def test_accessibility_landmarks(client: TestClient, page: str) -> None:
    html = client.get(page).text
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert '<a class="skip" href="#main">' in html
    tables = html.count("<table")
    assert html.count("<caption") == tables
    if tables:
        assert 'scope="col"' in html
    # every form field has a label
    for field in re.findall(r'<(?:input|select)[^>]*id="([^"]+)"', html):
        assert f'<label for="{field}">' in html
    assert '<meta name="viewport"' in html


@pytest.mark.parametrize("page", ["/", "/regions/MA-06", "/docs", "/about"])
def test_no_request_leaves_the_machine(client: TestClient, page: str) -> None:
    html = client.get(page).text
    assert "<script" not in html
    for tag in re.findall(r"<(?:link|img|script|iframe)[^>]*>", html):
        assert "http://" not in tag and "https://" not in tag and "//" not in tag.split("=")[0]
    css = client.get("/static/grappes.css")
    assert css.status_code == 200
    assert "http" not in css.text and "@import" not in css.text


def test_openapi_and_local_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/regions/{code}", "/regions/{code}.json", "/data/{name}.sdmx.csv", "/search"):
        assert path in schema["paths"]
    page = client.get("/docs").text
    assert "/regions/{code}.json" in page
    assert "swagger" not in page.lower() and "cdn" not in page.lower()
    assert client.get("/redoc").status_code == 404


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("/regions/MA-06", "Établissements économiques, 2024 — par région"),
        ("/ar/regions/MA-06", "المؤسسات الاقتصادية، 2024 — حسب الجهة"),
        (
            "/en/sectors/industry?classification=HCP_EMPLOYMENT",
            "Employed population, 2014 — by province",
        ),
    ],
)
def test_bundled_datasets_are_named_in_words(client: TestClient, address: str, words: str) -> None:
    html = client.get(address).text
    assert words in html
    # the code stays in the JSON twin, not in the page's captions
    assert "<caption><bdi>hcp-" not in html


# Each method's heading on the about page, in the three languages (read off the catalogs
# by hand); the figures the sector, region, compare and organisation pages show.
ABOUT_HEADINGS = {
    "locational-gini": {"fr": "Gini de localisation", "en": "Locational Gini"},
    "krugman": {"en": "Krugman index"},
    "micro-clusters": {"en": "Micro-clusters"},
    "lifecycle": {"en": "Lifecycle"},
    "compare": {"fr": "Comparaison", "ar": "المقارنة", "en": "Comparison"},
    "benchmark": {"en": "Benchmark against the paper's programmes"},
    "partner-pillars": {"fr": "Partenaires par pilier", "ar": "الشركاء حسب الركيزة"},
    "ellison-glaeser": {"en": "Ellison–Glaeser index"},
    "kd": {"en": "Duranton–Overman Kd"},
}


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_about_lists_every_method_with_its_citation(client: TestClient, language: str) -> None:
    from markupsafe import escape

    from grappes.web.pages import METHODS

    page = client.get(f"/{language}/about").text
    figures = {m["figure"] for m in METHODS}
    assert {
        "locational_gini",
        "krugman",
        "micro_clusters",
        "lifecycle",
        "compare_highest",
        "benchmark_per_cluster",
        "ellison_glaeser",
        "kd",
    } <= figures
    for method in METHODS:
        heading = re.search(rf'<h2 id="{method["anchor"]}">([^<]+)</h2>', page)
        assert heading, method["anchor"]
        assert f'href="#{method["anchor"]}"' in page
        assert str(escape(method["citation"])) in page
        if language in ABOUT_HEADINGS.get(method["anchor"], {}):
            assert heading.group(1) == escape(ABOUT_HEADINGS[method["anchor"]][language])
    for citation in (
        "Ord &amp; Getis (1995)",
        "Benjamini &amp; Hochberg (1995)",
        "Menzel &amp; Fornahl (2010)",
        "Ellison &amp; Glaeser (1997)",
        "Duranton &amp; Overman (2005)",
        "Krugman (1991)",
    ):
        assert citation in page
    if language == "ar":
        assert "التبديلات" in page or "تبديلا شرطيا" in page
    data = client.get(f"/{language}/about.json").json()
    assert data["methods"] == METHODS


def test_about_says_why_ellison_glaeser_and_kd_are_not_computed(client: TestClient) -> None:
    page = client.get("/en/about").text
    section = page.split('id="ellison-glaeser"', 1)[1].split("<h2", 1)[0]
    assert "Not computed" in section and "employment of each establishment" in section
    section = page.split('id="kd"', 1)[1].split("<h2", 1)[0]
    assert "Not computed" in section and "locations (points)" in section
