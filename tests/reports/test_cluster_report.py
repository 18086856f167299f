"""The cluster report on Morocco's census: right figures, evidence, three languages.

The identification runs once per module (esda's numba compilation makes it slow: ~15 s),
so the whole module is marked slow.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grappes.data import morocco
from grappes.reports.cluster_report import Source, cluster_report, write_reports
from grappes.reports.identification import Identification, identify_morocco
from grappes.store import micro_clusters

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def identification() -> Identification:
    return identify_morocco()


@pytest.fixture(scope="module")
def reports(identification: Identification) -> dict[str, str]:
    return {
        language: cluster_report(identification, source=Source(origin="demo"), language=language)
        for language in ("fr", "ar", "en")
    }


def _section(html: str, code: str) -> str:
    start = html.index(f'<section class="region" aria-labelledby="region-{code}">')
    return html[start : html.index("</section>", start)]


def test_totals_are_hcp_totals(reports: dict[str, str]) -> None:
    # HCP: 1,130,021 business establishments (RGPH 2024); 9,627,341 employed (RGPH 2014).
    assert "1,130,021" in reports["en"]
    assert "9,627,341" in reports["en"]
    assert "1\u202f130\u202f021" in reports["fr"]


def test_region_specialisation_by_hand(reports: dict[str, str]) -> None:
    # HCP RGPH 2024: Drâa-Tafilalet 1,973 construction establishments of 40,525;
    # Morocco 39,522 of 1,130,021. LQ = (1973/40525)/(39522/1130021) = 1.392 → "1.39".
    assert f"{(1973 / 40525) / (39522 / 1130021):.2f}" == "1.39"
    section = _section(reports["en"], "MA-08")
    assert re.search(r"Construction</th>\s*<td class=\"num marked\"><bdi>1\.39</bdi>", section)


def test_strong_cluster_flags_of_mediouna_by_hand(reports: dict[str, str]) -> None:
    # Médiouna (06.355), industry, establishments 2024 for both size measures.
    provinces = morocco.establishments(level="province")
    wide = provinces.pivot(index="region", columns="sector", values="establishments")
    lq = wide.div(wide.sum(axis=1), axis=0) / (wide.sum() / wide.to_numpy().sum())
    industry = lq["industry"].to_numpy()
    q75, q90 = np.quantile(industry, 0.75), np.quantile(industry, 0.9)
    n25 = np.quantile(wide["industry"].to_numpy(), 0.25)
    here = lq.loc["06.355", "industry"]
    # 2,275 industrial establishments of 7,453: LQ 1.878 ≥ Q90 1.236 ≥ Q75 1.030 ≥ 1,
    # and 2,275 > Q25 of industrial establishments (602): strong, and strong at Q90.
    assert wide.loc["06.355", "industry"] == 2275
    assert here == pytest.approx((2275 / wide.loc["06.355"].sum()) / (154979 / 1130021))
    assert here >= q90 >= q75 and here >= 1 and wide.loc["06.355", "industry"] > n25
    section = _section(reports["en"], "MA-06")
    row = re.search(r"Médiouna.*?</tr>", section, flags=re.S)
    assert row is not None
    text = row.group(0)
    assert f"<bdi>{here:.3f}</bdi>" in text
    assert f"<bdi>{q75:.3f}</bdi>" in text
    assert "<bdi>2,275</bdi>" in text
    assert ">yes<" in text
    # Evidence table of the whole report: Q75 and Q90 of industry, as numpy computes them
    assert f"<bdi>{q75:.3f}</bdi>" in reports["en"] and f"<bdi>{q90:.3f}</bdi>" in reports["en"]


def test_strong_cluster_counts_match_the_documented_run(identification: Identification) -> None:
    # docs/clusters/mapping-rules.md, run 1: 60 strong cells, 23 at the 90th percentile.
    assert int(identification.strong["strong"].sum()) == 60
    assert int(identification.strong["strong10"].sum()) == 23


def test_stars_of_tanger_assilah(reports: dict[str, str]) -> None:
    # RGPH 2014: Tanger-Assilah (01.511) industry 115,907 employed, LQ 2.678, focus 0.317,
    # three stars (docs/clusters/mapping-rules.md, run 3).
    section = _section(reports["en"], "MA-01")
    section = section[section.index("Units with at least one star") :]
    row = re.search(
        r"<bdi>01\.511</bdi>\)</span></th>\s*<td class=\"text\">Mining and manufacturing.*?</tr>",
        section,
        re.S,
    )
    assert row is not None
    assert "<bdi>115,907</bdi>" in row.group(0)
    assert "<bdi>2.678</bdi>" in row.group(0)
    assert "★★★" in row.group(0)


def test_micro_cluster_of_temara(reports: dict[str, str]) -> None:
    # 9,999 permutations, seed 0, as docs/micro-clusters-morocco.md: Témara (04.501.01.07)
    # is construction cluster 0, 690 of 12,977 establishments;
    # pooled LQ = (690/12977)/(39522/1130021) = 1.520 → "1.52".
    assert f"{(690 / 12977) / (39522 / 1130021):.2f}" == "1.52"
    section = _section(reports["en"], "MA-04")
    row = re.search(r"Construction <span class=\"note\"><bdi>#0</bdi>.*?</tr>", section, re.S)
    assert row is not None
    assert "Témara" in row.group(0) and "04.501.01.07" in row.group(0)
    assert "<bdi>690</bdi>" in row.group(0) and "<bdi>12,977</bdi>" in row.group(0)
    assert "<bdi>1.52</bdi>" in row.group(0)


def test_micro_cluster_counts_match_the_documented_run(identification: Identification) -> None:
    assert identification.micro is not None
    counts = identification.micro.clusters.groupby("sector").size().to_dict()
    assert counts == {"commerce": 12, "construction": 14, "industry": 4, "services": 5}
    assert len(identification.micro.members) == 107  # docs/store.md, the shipped files


def test_report_says_the_weights_its_micro_clusters_used(
    identification: Identification, reports: dict[str, str]
) -> None:
    # Gi*'s own binary weights, the store's too: the report and the portal agree
    assert identification.micro is not None
    assert identification.micro.transform == micro_clusters.TRANSFORM == "b"
    assert "binary contiguity with the commune itself" in reports["en"]
    assert "row-standardised" not in reports["en"]


def test_lifecycle_is_said_unavailable(reports: dict[str, str]) -> None:
    assert "no multi-year panel" in reports["en"]
    assert "pas de panel pluriannuel" in reports["fr"]


def test_organisations_by_region(reports: dict[str, str]) -> None:
    section = _section(reports["en"], "MA-10")
    assert "Cluster Océanopôle Tan-Tan" in section
    assert 'rel="noreferrer"' in section
    assert "Aerospace Moroccan Cluster" in reports["en"]  # in the "no known region" list


def test_languages_direction_and_digits(reports: dict[str, str]) -> None:
    assert '<html lang="ar" dir="rtl">' in reports["ar"]
    assert '<html lang="fr" dir="ltr">' in reports["fr"]
    assert "عناقيد المغرب، جهة بجهة" in reports["ar"]
    assert "Les grappes du Maroc, région par région" in reports["fr"]
    assert "Clusters of Morocco, region by region" in reports["en"]
    assert re.search(r"[\u0660-\u0669\u06f0-\u06f9]", reports["ar"]) is None


def test_accessible_tables(reports: dict[str, str]) -> None:
    for html in reports.values():
        assert html.count("<table>") == html.count("<caption>")
        assert "<th>" not in html  # every header cell has a scope


def test_self_contained(reports: dict[str, str]) -> None:
    for html in reports.values():
        assert "<script" not in html
        assert re.search(r'src="https?://', html) is None
        assert "<link" not in html and "@import" not in html and "url(" not in html
        # the only outbound links are the cited sources of the cluster organisations
        links = re.findall(r'<a href="(https?://[^"]+)"([^>]*)>', html)
        assert links
        assert all('rel="noreferrer"' in attributes for _, attributes in links)


def test_sources_credited(reports: dict[str, str]) -> None:
    assert "CC BY 4.0" in reports["en"]
    assert "OpenStreetMap" in reports["en"]
    assert "Commune contiguity" in reports["en"]


def test_written_whole(identification: Identification, tmp_path: Path) -> None:
    html = cluster_report(identification, source=Source(origin="demo"), language="ar")
    (path,) = write_reports({"ar": html}, tmp_path / "a" / "b", basename="x")
    assert path.name == "x.ar.html"
    assert path.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert not list(path.parent.glob("*.partial"))


def test_provinces_counted_on_micro_cluster_maps(identification: Identification) -> None:
    assert identification.micro is not None
    members = identification.micro.members
    # Every commune of a micro-cluster lies in a province of the map (codes NN.NNN).
    provinces = members["region"].str.slice(0, 6)
    known = set(pd.Series(morocco.establishments(level="province")["region"]))
    assert set(provinces) <= known


def test_each_dataset_keeps_its_own_sector_labels(reports: dict[str, str]) -> None:
    # HCP's two groupings share codes but not meanings: 'industry' is B-E among the 2024
    # establishments ("Industry") and B-C in the 2014 employment ("Mining and manufacturing").
    captions = re.findall(r"<figcaption>([^<]*)</figcaption>", reports["en"])
    assert captions[:4] == ["Industry", "Construction", "Commerce", "Services"]
    assert "Mining and manufacturing" in captions[4:]


def test_every_region_on_every_specialisation_map(reports: dict[str, str]) -> None:
    # 12 regions on each of the 4 (2024) + 9 (2014) sector maps, in every language;
    # region names from HCP (fr, ar) and the OSM labels (en).
    for html in reports.values():
        assert html.count('data-code="MA-') == 12 * (4 + 9)
    assert "Dakhla-Oued Ed-Dahab" in reports["fr"]
    assert "الداخلة-وادي الذهب" in reports["ar"]
    assert "Marrakesh-Safi" in reports["en"]
