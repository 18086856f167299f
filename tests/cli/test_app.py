"""The ``grappes`` command: help, exit codes, no tracebacks, files written whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from grappes.cli.app import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_help_explains_itself() -> None:
    code, output = _run("--help")
    assert code == 0
    for command in ("map", "data", "indicators"):
        assert command in output
    assert "grappes map --demo" in output


def test_version() -> None:
    code, output = _run("--version")
    assert code == 0
    assert output.startswith("grappes ")


@pytest.mark.slow
def test_map_demo_writes_three_reports(tmp_path: Path) -> None:
    code, output = _run("map", "--demo", "--output", str(tmp_path))
    assert code == 0, output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "grappes-morocco-specialisation.ar.html",
        "grappes-morocco-specialisation.en.html",
        "grappes-morocco-specialisation.fr.html",
    ]
    assert "report written" in output


def test_map_without_demo_is_refused_clearly(tmp_path: Path) -> None:
    code, output = _run("map", "--output", str(tmp_path))
    assert code == 1
    assert "--demo" in output
    assert "Traceback" not in output
    assert not list(tmp_path.iterdir())


def test_map_unknown_language(tmp_path: Path) -> None:
    code, output = _run("map", "--demo", "--lang", "de", "--output", str(tmp_path))
    assert code == 1
    assert "expected one of fr, ar, en; got 'de'" in output


def test_data_info_names_sources_and_licences() -> None:
    code, output = _run("data", "info")
    assert code == 0
    assert "HCP" in output
    assert "CC BY 4.0" in output
    assert "ODbL" in output


def _employment_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("region,sector,year,employment\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_data_check_good_file(tmp_path: Path) -> None:
    path = _employment_csv(tmp_path / "good.csv", ["MA-01,C,2024,10", "MA-06,C,2024,20"])
    code, output = _run("data", "check", str(path), "--kind", "employment")
    assert code == 0, output
    assert "no problem" in output


def test_data_check_lists_every_problem(tmp_path: Path) -> None:
    path = _employment_csv(
        tmp_path / "bad.csv",
        ["MA-01,C,2024,-5", "MA-99,C,2024,20", "MA-06,ZZ,2024,abc"],
    )
    code, output = _run("data", "check", str(path), "--kind", "employment")
    assert code == 1
    assert "Traceback" not in output
    # one line per problem: a negative, an unknown region, an unknown sector, a non-number
    for needle in ("-5", "MA-99", "ZZ", "abc"):
        assert needle in output, needle
    assert "4 problem" in output or "problems" in output


def test_data_check_missing_file(tmp_path: Path) -> None:
    code, output = _run("data", "check", str(tmp_path / "nope.csv"), "--kind", "employment")
    assert code == 1
    assert "nope.csv" in output
    assert "Traceback" not in output


def test_data_check_unknown_kind(tmp_path: Path) -> None:
    path = _employment_csv(tmp_path / "good.csv", ["MA-01,C,2024,10"])
    code, output = _run("data", "check", str(path), "--kind", "salaries")
    assert code == 1
    assert "employment, establishments or actors" in output


def test_indicators_location_quotient_csv_to_parquet(tmp_path: Path) -> None:
    source = tmp_path / "emp.csv"
    pd.DataFrame(
        {
            "region": ["01", "01", "02", "02"],
            "sector": ["C", "G", "C", "G"],
            "year": [2024] * 4,
            "employment": [10.0, 30.0, 30.0, 30.0],
        }
    ).to_csv(source, index=False)
    target = tmp_path / "lq.parquet"
    code, output = _run(
        "indicators", "location_quotient", "-i", str(source), "-o", str(target), "--by", "year"
    )
    assert code == 0, output
    result = pd.read_parquet(target).set_index(["region", "sector"])
    # region '01' keeps its leading zero: codes are read as text
    # LQ(01, C) = (10/40) / (40/100) = 0.625
    assert result.loc[("01", "C"), "location_quotient"] == pytest.approx(0.625)


def test_indicators_write_the_same_sorted_rows_in_every_format(tmp_path: Path) -> None:
    source = tmp_path / "emp.parquet"
    pd.DataFrame(
        {
            "region": ["02", "01", "02", "01"],
            "sector": ["G", "G", "C", "C"],
            "employment": [30.0, 30.0, 0.0, 0.0],  # sector C has no employment: LQ undefined
        }
    ).to_parquet(source)
    written = {}
    for suffix in (".parquet", ".csv", ".json"):
        target = tmp_path / f"lq{suffix}"
        code, output = _run(
            "indicators", "location_quotient", "-i", str(source), "-o", str(target),
            "--option", "on_zero_total=nan",
        )  # fmt: skip
        assert code == 0, output
        assert not target.with_name(target.name + ".partial").exists()
        written[suffix] = target
    frames = {
        ".parquet": pd.read_parquet(written[".parquet"]),
        ".csv": pd.read_csv(written[".csv"], dtype={"region": str, "sector": str}),
        ".json": pd.read_json(written[".json"], dtype={"region": str, "sector": str}),
    }
    for frame in frames.values():
        # sorted by their keys; LQ(G) = (30/30) / (60/60) = 1; LQ(C) = (0/0) / … undefined
        assert frame["region"].tolist() == ["01", "01", "02", "02"]
        assert frame["sector"].tolist() == ["C", "G", "C", "G"]
        assert frame["location_quotient"].isna().tolist() == [True, False, True, False]
        assert frame["location_quotient"].dropna().tolist() == [1.0, 1.0]
    assert '"location_quotient": null' in written[".json"].read_text(encoding="utf-8")


def test_indicators_parquet_out_does_not_import_pandas(tmp_path: Path) -> None:
    # The engine writes the result: pandas (and geopandas through Ibis) cost ~0.3 s, 100 MB.
    source = tmp_path / "emp.parquet"
    pd.DataFrame(
        {"region": ["01", "02"], "sector": ["C", "C"], "employment": [1.0, 2.0]}
    ).to_parquet(source)
    target = tmp_path / "lq.parquet"
    script = (
        "import sys\n"
        "from grappes.cli.app import main\n"
        f"sys.argv = ['grappes', 'indicators', 'location_quotient', '-i', {str(source)!r}, "
        f"'-o', {str(target)!r}]\n"
        "try:\n    main()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
        "print(sorted(m for m in ('pandas', 'geopandas') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert pd.read_parquet(target)["location_quotient"].tolist() == [1.0, 1.0]


def test_indicators_refuse_an_output_suffix_before_computing(tmp_path: Path) -> None:
    source = tmp_path / "emp.csv"
    source.write_text("region,sector,employment\nMA-01,C,5\n", encoding="utf-8")
    code, output = _run(
        "indicators", "location_quotient", "-i", str(source), "-o", str(tmp_path / "o.xlsx")
    )
    assert code == 1
    assert "expected .csv, .parquet or .json; got '.xlsx'" in output


def test_indicators_unknown_name_suggests(tmp_path: Path) -> None:
    code, output = _run("indicators", "location_quotien", "-i", "x.csv", "-o", "y.csv")
    assert code == 1
    assert "location_quotient" in output


def test_indicators_bad_input_names_the_row(tmp_path: Path) -> None:
    source = tmp_path / "emp.csv"
    source.write_text("region,sector,employment\nMA-01,C,5\nMA-02,C,-1\n", encoding="utf-8")
    code, output = _run(
        "indicators", "location_quotient", "-i", str(source), "-o", str(tmp_path / "o.csv")
    )
    assert code == 1
    assert "non-negative" in output
    assert "MA-02" in output
    assert not (tmp_path / "o.csv").exists()


def test_brackets_in_messages_are_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A message quoting 'local[x]' must show the brackets, not read them as Rich markup.
    monkeypatch.setenv("GRAPPES_ENGINE", "local[x]")
    source = tmp_path / "emp.csv"
    source.write_text("region,sector,employment\nMA-01,C,5\n", encoding="utf-8")
    code, output = _run(
        "indicators", "location_quotient", "-i", str(source), "-o", str(tmp_path / "o.csv")
    )
    assert code == 3
    assert "local[x]" in output


def test_a_failed_write_leaves_no_partial_file_and_the_old_file_intact(tmp_path: Path) -> None:
    from grappes.cli.table_files import write_whole

    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")

    def half_then_fail(partial: Path, suffix: str) -> None:
        partial.write_text("region,sec", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_whole(target, half_then_fail)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    assert target.read_text(encoding="utf-8") == "old\n"
