"""The pages say the weights the micro-clusters were found with, as their run record holds.

The shipped micro-clusters record their weights (``runs.csv``, column ``transform``); the
region and sector pages show each run's, and the methods page and its JSON twin describe
the shipped ones. Change the computation (``grappes.store.micro_clusters.TRANSFORM``) or
the texts alone and a test here fails.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from grappes.i18n import translator
from grappes.store.database import connect
from grappes.store.micro_clusters import bundled_micro_clusters

#: What a profile shows for each code of ``micro_cluster_runs.transform`` (English msgids).
LABELS = {
    "b": "binary (1 for the commune and for each commune sharing a border with it)",
    "r": "row-standardised (1 / (n + 1) for the commune and for each of its n neighbours)",
}
#: The words the methods page must (and must not) use for each code.
WORDS = {"b": "binary contiguity weights", "r": "row-standardised"}
PROFILES = ["/regions/MA-06", "/sectors/industry"]


def _shipped() -> str:
    """The one weights code of the shipped micro-clusters."""
    (code,) = set(bundled_micro_clusters().runs["transform"])
    return str(code)


def _micro_section(page: str) -> str:
    start = page.index('id="micro-clusters"')
    end = page.find('id="organisations"', start)
    return page[start : end if end > 0 else len(page)]


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
@pytest.mark.parametrize("address", PROFILES)
def test_profiles_say_the_weights_their_runs_record(
    client: TestClient, address: str, language: str
) -> None:
    shipped = _shipped()
    assert shipped == "b"
    runs = client.get(f"{address}.json").json()["micro_clusters"]["runs"]
    assert runs and {r["transform"] for r in runs} == {shipped}
    _ = translator(language)
    section = _micro_section(client.get(f"/{language}{address}").text)
    assert f'data-transform="{shipped}"' in section
    assert _(LABELS[shipped]) in section
    (other,) = set(LABELS) - {shipped}
    assert _(LABELS[other]) not in section
    assert f"{_('Weights')}: " in section


def test_methods_page_describes_the_shipped_weights(client: TestClient) -> None:
    shipped = _shipped()
    (other,) = set(WORDS) - {shipped}
    page = client.get("/en/about").text
    section = page[page.index('id="micro-clusters"') : page.index('id="lifecycle"')]
    assert WORDS[shipped] in section
    assert WORDS[other] not in section
    methods = client.get("/en/about.json").json()["methods"]
    (rule,) = [m["rule"] for m in methods if m["figure"] == "micro_clusters"]
    assert WORDS[shipped].split()[0] in rule
    assert WORDS[other] not in rule


def test_a_run_stored_with_row_standardised_weights_says_so(fresh_app: FastAPI) -> None:
    # A database migrated from 0004 holds runs found with row-standardised weights (0005
    # records 'r' for them): its pages say so, not what the shipped runs use.
    with TestClient(fresh_app) as client:
        writer = connect(fresh_app.state.settings.database_url)
        with writer.begin() as connection:
            connection.execute(sa.text("UPDATE micro_cluster_runs SET transform = 'r'"))
        writer.dispose()
        for address in PROFILES:
            section = _micro_section(client.get(f"/en{address}").text)
            assert 'data-transform="r"' in section
            assert LABELS["r"] in section
            assert LABELS["b"] not in section
