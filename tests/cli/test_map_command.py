"""``grappes map --input``: the cluster report on the user's own table; refusals."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from grappes.cli.app import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    """Exit code and output, with the terminal's line wrapping undone."""
    result = runner.invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def _employment_csv(path: Path) -> Path:
    # Three Moroccan regions, two sectors, two years.
    rows = [
        ("MA-01", "C", 2015, 100),
        ("MA-01", "G", 2015, 300),
        ("MA-02", "C", 2015, 200),
        ("MA-02", "G", 2015, 200),
        ("MA-03", "C", 2015, 50),
        ("MA-03", "G", 2015, 450),
        ("MA-01", "C", 2020, 160),
        ("MA-01", "G", 2020, 300),
        ("MA-02", "C", 2020, 180),
        ("MA-02", "G", 2020, 220),
        ("MA-03", "C", 2020, 50),
        ("MA-03", "G", 2020, 470),
    ]
    lines = ["region,sector,year,employment", *(",".join(map(str, r)) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _section(html: str, code: str) -> str:
    start = html.index(f'<section class="region" aria-labelledby="region-{code}">')
    return html[start : html.index("</section>", start)]


def test_input_with_two_years_has_a_lifecycle(tmp_path: Path) -> None:
    source = _employment_csv(tmp_path / "jobs.csv")
    out = tmp_path / "out"
    code, output = _run(
        "map", "--input", str(source), "--kind", "employment", "-o", str(out), "--lang", "en"
    )
    assert code == 0, output
    assert "employment stands for both size measures" in output
    (path,) = out.iterdir()
    assert path.name == "grappes-clusters-jobs.en.html"
    html = path.read_text(encoding="utf-8")
    assert "Lifecycle stage and quadrant by sector" in html
    section = _section(html, "MA-01")
    section = section[section.index("Lifecycle stage and quadrant by sector") :]
    row = re.search(r"<th scope=\"row\">C</th>.*?</tr>", section, re.S)
    assert row is not None
    # MA-01, C: 100 → 160 in 5 years: (160/100)^(1/5) − 1 = 9.86 % a year → growth.
    # LQ 2015 = (100/400)/(350/1300) = 0.93; LQ 2020 = (160/460)/(390/1380) = 1.23:
    # LQ ≥ 1 and rising → star.
    assert f"{100 * ((160 / 100) ** (1 / 5) - 1):.1f}" == "9.9"
    assert f"{(100 / 400) / (350 / 1300):.2f}" == "0.93"
    assert f"{(160 / 460) / (390 / 1380):.2f}" == "1.23"
    cells = row.group(0)
    for needle in ("<bdi>100</bdi>", "<bdi>160</bdi>", "9.9 %", "<bdi>0.93</bdi>"):
        assert needle in cells, needle
    assert "<bdi>1.23</bdi>" in cells
    assert ">growth<" in cells and ">star<" in cells
    # Moroccan region codes: maps on the bundled boundaries
    assert 'data-code="MA-01"' in html
    assert "jobs.csv" in html


def test_input_in_three_languages(tmp_path: Path) -> None:
    source = _employment_csv(tmp_path / "jobs.csv")
    code, output = _run("map", "--input", str(source), "--kind", "employment", "-o", str(tmp_path))
    assert code == 0, output
    names = sorted(p.name for p in tmp_path.glob("*.html"))
    assert names == [f"grappes-clusters-jobs.{lang}.html" for lang in ("ar", "en", "fr")]
    arabic = (tmp_path / "grappes-clusters-jobs.ar.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "دورة الحياة" in arabic


def test_register_with_unknown_codes_gives_tables_only(tmp_path: Path) -> None:
    source = tmp_path / "register.csv"
    rows = ["id,region,sector,year"]
    rows += [f"a{i},north,C,2024" for i in range(6)] + [f"b{i},north,G,2024" for i in range(2)]
    rows += [f"c{i},south,C,2024" for i in range(2)] + [f"d{i},south,G,2024" for i in range(6)]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, output = _run(
        "map",
        "--input",
        str(source),
        "--kind",
        "establishments",
        "-o",
        str(tmp_path),
        "--lang",
        "en",
    )
    assert code == 0, output
    html = (tmp_path / "grappes-clusters-register.en.html").read_text(encoding="utf-8")
    assert "No map: the region codes of the table" in html
    assert "<svg" not in html
    assert "the table has a single year" in html
    assert "establishment counts stand for both size measures" in html
    # north, C: 6 of 8 establishments; nationally 8 of 16: LQ = (6/8)/(8/16) = 1.50
    assert re.search(r"north.*?<bdi>1\.50</bdi>", html, re.S)


def test_bad_input_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(
        "region,sector,year,employment\nMA-01,C,2024,-5\nMA-02,C,20x4,20\nMA-06,G,2024,abc\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, output = _run("map", "--input", str(source), "--kind", "employment", "-o", str(out))
    assert code == 1
    assert "Traceback" not in output
    assert "3 problems" in output
    for needle in ("row 2", "-5", "row 3", "20x4", "row 4", "abc"):
        assert needle in output, needle
    assert not out.exists()


def test_partly_filled_optional_column_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "partial.csv"
    source.write_text(
        "region,sector,year,employment,establishments\nMA-01,C,2024,5,1\nMA-02,C,2024,7,\n",
        encoding="utf-8",
    )
    code, output = _run(
        "map", "--input", str(source), "--kind", "employment", "-o", str(tmp_path / "o")
    )
    assert code == 1
    assert "filled in some rows and empty in 1" in output
    assert not (tmp_path / "o").exists()


def test_demo_and_input_together_are_refused(tmp_path: Path) -> None:
    source = _employment_csv(tmp_path / "jobs.csv")
    code, output = _run(
        "map", "--demo", "--input", str(source), "--kind", "employment", "-o", str(tmp_path / "o")
    )
    assert code == 1
    assert "not both" in output


def test_kind_is_required_and_checked(tmp_path: Path) -> None:
    source = _employment_csv(tmp_path / "jobs.csv")
    code, output = _run("map", "--input", str(source), "-o", str(tmp_path / "o"))
    assert code == 1
    assert "--kind must be employment or establishments; got None" in output
    code, output = _run("map", "--input", str(source), "--kind", "actors", "-o", str(tmp_path))
    assert code == 1
    assert "got 'actors'" in output
    code, output = _run("map", "--demo", "--kind", "employment", "-o", str(tmp_path / "o"))
    assert code == 1
    assert "--kind goes with --input" in output


def test_permutations_must_be_positive(tmp_path: Path) -> None:
    code, output = _run("map", "--demo", "--permutations", "0", "-o", str(tmp_path / "o"))
    assert code == 1
    assert "--permutations must be at least 1; got 0" in output
    assert not (tmp_path / "o").exists()
