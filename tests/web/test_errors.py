"""The error shape, error pages in the visitor's language, security headers, hostile input."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from grappes.web.security import CONTENT_SECURITY_POLICY, SecurityHeadersMiddleware

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

HOSTILE = [
    "XX-99",
    "' OR '1'='1",
    "1; DROP TABLE regions; --",
    '"; DELETE FROM organisations; --',
    "%",
    "_",
    "*",
    "a" * 5000,
    "الدار البيضاء Casablanca ٠١٢",
    "MA-06‮evil",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "MA-06\x00",
    "MA-06\n",
    "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
]

PATHS = [
    "/regions/{}",
    "/regions/{}.json",
    "/sectors/{}",
    "/sectors/{}.json",
    "/organisations/{}",
    "/organisations/{}.json",
    "/data/{}.csv",
    "/data/{}.json",
    "/data/{}.sdmx.csv",
]

QUERIES = [
    ("/", "sector"),
    ("/index.json", "sector"),
    ("/sectors/industry", "classification"),
    ("/sectors/industry.json", "classification"),
    ("/", "lang"),
    ("/data/observations.csv", "dataset"),
]


def test_error_shape_is_pinned(client: TestClient) -> None:
    response = client.get("/regions/XX.json")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error": {
            "status": 404,
            "code": "not_found",
            "message": "region_profile: no region has the code 'XX'",
        }
    }
    invalid = client.get("/index.json", params={"sector": "nope"}).json()
    assert list(invalid) == ["error"]
    assert list(invalid["error"]) == ["status", "code", "message"]
    assert invalid["error"]["status"] == 400
    assert invalid["error"]["code"] == "invalid_input"


def test_unmatched_and_method_errors_have_the_shape(client: TestClient) -> None:
    assert client.get("/nothing/here.json").json()["error"]["code"] == "not_found"
    posted = client.post("/regions/MA-06.json")
    assert posted.status_code == 405
    assert posted.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("address", "lang", "title"),
    [
        ("/regions/XX", "fr", "Page introuvable"),
        ("/ar/regions/XX", "ar", "الصفحة غير موجودة"),
        ("/en/regions/XX", "en", "Page not found"),
        ("/ar/no/such/page", "ar", "الصفحة غير موجودة"),
        ("/ar/?sector=nope", "ar", "تعذر الرد على هذا الطلب"),
    ],
)
def test_html_error_pages_in_the_visitors_language(
    client: TestClient, address: str, lang: str, title: str
) -> None:
    response = client.get(address)
    assert response.status_code in (400, 404)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<html lang="{lang}"' in response.text
    assert title in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/index.json",
        "/regions/XX",
        "/data/regions.csv",
        "/static/grappes.css",
        "/openapi.json",
        "/nothing",
    ],
)
def test_security_headers_on_every_response(client: TestClient, address: str) -> None:
    response = client.get(address)
    assert response.headers["content-security-policy"] == EXPECTED_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_unexpected_error_is_a_bare_500_with_headers() -> None:
    app = FastAPI()

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail /etc/passwd")

    app.add_middleware(SecurityHeadersMiddleware)
    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret" not in response.text and "Traceback" not in response.text
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("path", PATHS)
def test_hostile_path_parameters(client: TestClient, path: str, value: str) -> None:
    response = client.get(path.format(quote(value, safe="")))
    assert response.status_code in (400, 404)
    _harmless(response.text, response.headers["content-type"])


def _harmless(text: str, content_type: str) -> None:
    assert "Traceback" not in text
    if content_type.startswith("text/html"):
        assert "<script>alert" not in text
    else:  # JSON quotes the text; with nosniff a browser never runs it as HTML
        assert content_type == "application/json"


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(("path", "parameter"), QUERIES)
def test_hostile_query_parameters(
    client: TestClient, path: str, parameter: str, value: str
) -> None:
    response = client.get(path, params={parameter: value})
    assert response.status_code in (400, 404)
    _harmless(response.text, response.headers["content-type"])


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_search_terms(client: TestClient, value: str) -> None:
    # a search text is free: a valid one finds nothing (200), a malformed one is a 400
    response = client.get("/search", params={"q": value})
    assert response.status_code in (200, 400)
    assert "<script>alert" not in response.text
    if response.status_code == 200 and "Casablanca" not in value and value not in "%_":
        data = client.get("/search.json", params={"q": value}).json()
        assert data["results"] == []


def test_script_in_search_term_is_shown_as_text(client: TestClient) -> None:
    response = client.get("/search", params={"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_tables_still_intact_after_hostile_input(client: TestClient) -> None:
    client.get("/search", params={"q": "1; DROP TABLE regions; --"})
    client.get("/regions/1%3B%20DROP%20TABLE%20regions%3B%20--")
    assert client.get("/data.json").json()["tables"][0]["rows"] == 1715


@pytest.mark.parametrize(
    "address",
    [
        "/regions/%FF",
        "/regions/%ED%A0%80.json",
        "/search?q=%FF%FE",
        "/search.json?q=%ED%A0%80",
        "/?sector=%C0%AF",
        "/data/%FF.csv",
        "/regions/%00",
        "/search?q=%00",
    ],
)
def test_invalid_utf8_and_nul_bytes(client: TestClient, address: str) -> None:
    response = client.get(address)
    assert response.status_code in (200, 400, 404)
    assert response.status_code != 200 or "/search" in address
    assert "Traceback" not in response.text
