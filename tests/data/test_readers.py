"""Readers validate a whole file once, report every problem where a person can find it, and
return a typed canonical table only when there is none.

Every malformed file is built here in ``tmp_path`` (CSV, semicolon CSV, gzip, Excel via
openpyxl, Parquet via pyarrow), so each test shows the bytes it feeds the reader.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from grappes.data.problem_reports import MAX_PROBLEMS_PER_CHECK
from grappes.data.readers import check_file, read_table
from grappes.data.text_table import TextTable
from grappes.data.validation import validate
from grappes.errors import InvalidInputError, MissingColumnsError, Problem
from grappes.tables import SCHEMAS, Column, Schema

EMPLOYMENT_HEADER = "region,sector,year,employment"


def write(folder: Path, text: str, name: str = "data.csv") -> Path:
    """Write ``text`` as UTF-8 to ``folder / name``, line endings as given."""
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def write_xlsx(folder: Path, cells: dict[str, Any], name: str = "data.xlsx") -> Path:
    """A one-sheet workbook with the given cells (``{"A1": "region", …}``)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "jobs"
    for address, value in cells.items():
        sheet[address] = value
    path = folder / name
    workbook.save(path)
    return path


def sheet_rows(rows: dict[int, list[Any]]) -> dict[str, Any]:
    """Cells of whole rows placed at the given sheet row numbers."""
    return {
        f"{openpyxl.utils.get_column_letter(i + 1)}{number}": value
        for number, values in rows.items()
        for i, value in enumerate(values)
    }


def rejects(
    path: Path,
    problem: str,
    *,
    kind: str = "employment",
    error: type[InvalidInputError] = InvalidInputError,
    **options: Any,
) -> InvalidInputError:
    """Assert ``read_table`` raises ``error`` naming the file and listing ``problem``."""
    with pytest.raises(error, match=re.escape(problem)) as info:
        read_table(path, kind=kind, **options)  # type: ignore[arg-type]
    assert str(info.value).startswith(f"{path}: "), str(info.value)
    return info.value


# --- good files -----------------------------------------------------------------------------


GOOD_FILES: dict[str, tuple[str, dict[str, str]]] = {
    "establishments": (
        "id,region,sector,year,employment,longitude,latitude\n"
        "E1,MA-06,2511,2020,12.5,-7.6,33.6\n"
        "E2,MA-01,C,2021,3,-5.8,35.8\n",
        {
            "id": "string",
            "region": "string",
            "sector": "string",
            "year": "Int64",
            "employment": "float64",
            "longitude": "float64",
            "latitude": "float64",
        },
    ),
    "employment": (
        "region,sector,year,employment,establishments\nMA-06,C,2020,12.5,3\nMA-06,F,2020,0,1\n",
        {
            "region": "string",
            "sector": "string",
            "year": "Int64",
            "employment": "float64",
            "establishments": "float64",
        },
    ),
    "actors": (
        "id,name,kind,country,region\nA1,Université Hassan II,university,MA,MA-06\n"
        "A2,Renault Tanger,firm,MA,\n",
        {
            "id": "string",
            "name": "string",
            "kind": "string",
            "country": "string",
            "region": "string",
        },
    ),
    "regions": (
        "code,level,parent,name_fr,name_ar\nMA-06,region,MA,Casablanca-Settat,الدار البيضاء سطات\n"
        "MA,country,MAGHREB,Maroc,المغرب\n",
        {
            "code": "string",
            "level": "string",
            "parent": "string",
            "name_fr": "string",
            "name_ar": "string",
        },
    ),
    "sectors": (
        "classification,code,level,label_fr\nISIC4,C,section,Industrie manufacturière\n"
        "ISIC4,25,division,Fabrication de produits métalliques\n",
        {"classification": "string", "code": "string", "level": "string", "label_fr": "string"},
    ),
}


@pytest.mark.parametrize("kind", list(GOOD_FILES))
def test_good_file_of_each_kind_round_trips_with_schema_dtypes(tmp_path: Path, kind: str) -> None:
    text, dtypes = GOOD_FILES[kind]
    path = write(tmp_path, text)
    frame = read_table(path, kind=kind)  # type: ignore[arg-type]
    assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == dtypes
    assert list(frame.columns) == list(dtypes)
    # pandas' own reader, told the types, is the independent reference for the values.
    pd.testing.assert_frame_equal(frame, pd.read_csv(path, dtype=dtypes))
    assert check_file(path, kind=kind) == []  # type: ignore[arg-type]


def test_values_convert_to_numbers_and_codes_stay_text(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id,region,sector,year,employment,longitude,latitude\n"
        "007,06.141,0111,2020,12.5,-7.6,33.6\n"
        "NA,MA-01,C,2021,,-5.8,35.8\n",
    )
    frame = read_table(path, kind="establishments")
    assert frame["id"].tolist() == ["007", "NA"]  # no pandas guessing: 'NA' is an identifier
    assert frame["region"].tolist() == ["06.141", "MA-01"]
    assert frame["sector"].tolist() == ["0111", "C"]
    assert frame["year"].tolist() == [2020, 2021]
    assert frame["employment"].iloc[0] == 12.5
    assert np.isnan(frame["employment"].iloc[1])  # an empty optional cell is missing, not 0


def test_columns_come_in_schema_order_then_extra_columns_in_file_order(tmp_path: Path) -> None:
    path = write(tmp_path, "note,employment,year,sector,region,source\nok,1,2020,C,MA-06,HCP\n")
    frame = read_table(path, kind="employment")
    assert list(frame.columns) == ["region", "sector", "year", "employment", "note", "source"]
    assert str(frame["note"].dtype) == "string"


def test_optional_columns_appear_only_when_present(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,1\n"), kind="employment")
    assert "establishments" not in frame.columns


@pytest.mark.parametrize(
    ("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")], ids=str
)
def test_delimiter_is_sniffed_from_the_header(tmp_path: Path, delimiter: str, name: str) -> None:
    text = f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,12.5\nMA-07,C,2020,3\n".replace(",", delimiter)
    frame = read_table(write(tmp_path, text, f"{name}.csv"), kind="employment")
    assert frame["employment"].tolist() == [12.5, 3.0]
    assert frame["region"].tolist() == ["MA-06", "MA-07"]


def test_semicolon_file_with_commas_inside_text_keeps_them(tmp_path: Path) -> None:
    path = write(tmp_path, "id;name;kind;country\nA1;Dupont, Fils et Cie;firm;MA\n")
    assert read_table(path, kind="actors")["name"].tolist() == ["Dupont, Fils et Cie"]


def test_byte_order_mark_is_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{EMPLOYMENT_HEADER}\r\nMA-06,C,2020,1\r\n".encode())
    frame = read_table(path, kind="employment")
    assert frame.columns[0] == "region"
    assert frame["region"].tolist() == ["MA-06"]


def test_gzipped_csv_reads_like_the_plain_one(tmp_path: Path) -> None:
    text = f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,12.5\n"
    plain = read_table(write(tmp_path, text), kind="employment")
    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    pd.testing.assert_frame_equal(read_table(path, kind="employment"), plain)


def test_gzipped_csv_problems_give_rows_of_the_uncompressed_text(tmp_path: Path) -> None:
    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,-1\n".encode()))
    rejects(path, "row 2, column 'employment': expected a value of 0 or more")


def test_excel_first_sheet_round_trips(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        sheet_rows({1: ["region", "sector", "year", "employment"], 2: ["MA-06", "C", 2020, 12.5]}),
    )
    frame = read_table(path, kind="employment")
    assert frame.to_dict("list") == {
        "region": ["MA-06"],
        "sector": ["C"],
        "year": [2020],
        "employment": [12.5],
    }
    assert str(frame["year"].dtype) == "Int64"


def test_excel_sheet_by_name_and_by_index(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.append(["not", "this"])
    second = workbook.create_sheet("emploi")
    second.append(["region", "sector", "year", "employment"])
    second.append(["MA-06", "C", 2020, 1])
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    assert read_table(path, kind="employment", sheet="emploi")["region"].tolist() == ["MA-06"]
    assert read_table(path, kind="employment", sheet=1)["region"].tolist() == ["MA-06"]
    rejects(path, "expected a sheet 'jobs'", sheet="jobs")


def test_parquet_round_trips_and_typed_columns_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    table = pa.table(
        {
            "region": ["MA-06", "MA-07"],
            "sector": ["C", "F"],
            "year": pa.array([2020, 2021], pa.int64()),
            "employment": pa.array([12.5, 3.0], pa.float64()),
        }
    )
    pq.write_table(table, path)
    frame = read_table(path, kind="employment")
    assert frame["year"].tolist() == [2020, 2021]
    assert frame["employment"].tolist() == [12.5, 3.0]
    assert str(frame["region"].dtype) == "string"


# --- whole-file problems --------------------------------------------------------------------


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    rejects(path, "expected an existing file; found nothing at this path")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    path = tmp_path / "folder.csv"
    path.mkdir()
    rejects(path, "expected a file; found a directory")


def test_unknown_extension_lists_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\n", "data.txt")
    rejects(path, "expected a file ending in .csv.gz, .csv, .xlsx, .parquet; found '.txt'")


def test_old_excel_format_is_refused_with_advice(tmp_path: Path) -> None:
    path = write(tmp_path, "x", "data.xls")
    rejects(path, "found '.xls' (re-save it as .xlsx)")


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    rejects(path, "expected a header row and at least one data row; found an empty file (0 bytes)")


def test_header_only_file_needs_a_data_row(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\n")
    rejects(path, "row 1: expected at least one data row below the header; found only the header")


def test_latin1_file_names_line_and_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    content = "id,name,kind,country\nA1,Renault,firm,MA\nA2,Université Mohammed V,university,MA\n"
    path.write_bytes(content.encode("latin-1"))
    offset = content.encode("latin-1").index(b"\xe9")
    error = rejects(
        path,
        f"row 3: expected text encoded as UTF-8 (re-save the file as 'CSV UTF-8' from Excel, "
        f"or as UTF-8 from your editor); found byte 0xE9 at line 3 (byte offset {offset})",
        kind="actors",
    )
    assert "'é'" in str(error)
    assert error.problems[0].row == 3


def test_bad_gzip(tmp_path: Path) -> None:
    path = write(tmp_path, "not gzip at all", "data.csv.gz")
    rejects(path, "expected a gzip-compressed CSV file; found a file gzip cannot open")


def test_bad_excel_file(tmp_path: Path) -> None:
    path = write(tmp_path, "region,sector\n", "data.xlsx")
    rejects(path, "expected an Excel workbook (.xlsx); found a file that cannot be opened as one")


def test_bad_parquet_file(tmp_path: Path) -> None:
    path = write(tmp_path, "region,sector\n", "data.parquet")
    rejects(path, "expected a Parquet file; found a file pyarrow cannot read")


def test_empty_excel_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, {})
    rejects(path, "expected a header row and at least one data row; found an empty sheet")


# --- structure ------------------------------------------------------------------------------


def test_row_with_more_fields_than_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,1\nMA-07,C,2020,12,5\n")
    rejects(
        path,
        "row 3: expected 4 fields, as in the header (delimiter ','); "
        "found 5 fields: 'MA-07,C,2020,12,5'",
    )


def test_row_with_fewer_fields_than_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER.replace(',', ';')}\nMA-06;C;2020\n")
    rejects(path, "row 2: expected 4 fields, as in the header (delimiter ';'); found 3 fields")


def test_missing_columns_suggest_close_names_without_renaming(tmp_path: Path) -> None:
    path = write(tmp_path, "region,sector,year,emploi\nMA-06,C,2020,1\n")
    error = rejects(
        path,
        "row 1, column 'employment': expected a column named 'employment' (Persons employed); "
        "found columns 'region', 'sector', 'year', 'emploi' (did you mean 'emploi'?)",
        error=MissingColumnsError,
    )
    assert [p.column for p in error.problems] == ["employment"]


def test_missing_columns_error_still_carries_the_other_problems(tmp_path: Path) -> None:
    path = write(tmp_path, "region,year\nMA-06,20x\n")
    error = rejects(
        path, "column 'sector': expected a column named 'sector'", error=MissingColumnsError
    )
    assert {p.column for p in error.problems} == {"sector", "employment", "year"}


def test_duplicate_column_names(tmp_path: Path) -> None:
    path = write(tmp_path, "region,sector,year,employment,year\nMA-06,C,2020,1,2021\n")
    rejects(
        path, "row 1, column 'year': expected each column name once; found 'year' as columns 3, 5"
    )


def test_column_without_a_name(tmp_path: Path) -> None:
    path = write(tmp_path, "region,sector,year,employment,\nMA-06,C,2020,1,\n")
    rejects(path, "row 1: expected a name for every column; found no name for column 5")


def test_value_in_a_quoted_multiline_cell_keeps_line_numbers_exact(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'id,name,kind,country\nA1,"Cluster\nMenara",cluster_organisation,MA\nA2,Foo,frim,MA\n',
    )
    rejects(path, "row 4, column 'kind': expected one of", kind="actors")


def test_blank_lines_and_crlf_keep_line_numbers_exact(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\r\n\r\nMA-06,C,2020,1\r\n\r\nMA-07,C,2020,x\r\n")
    rejects(path, "row 5, column 'employment': expected a number")


# --- cells ----------------------------------------------------------------------------------


def test_empty_required_cell(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,1\nMA-07, ,2020,1\n")
    rejects(path, "row 3, column 'sector': expected a value (Sector code); found an empty cell")


def test_decimal_comma_is_reported_with_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER.replace(',', ';')}\nMA-06;C;2020;12,5\n")
    rejects(
        path,
        "row 2, column 'employment': expected a number written with a decimal point (e.g. 12.5); "
        "found '12,5' (a decimal comma: write 12.5)",
    )


def test_thousands_separator_is_reported_with_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,1 234\n")
    rejects(path, "found '1 234' (thousands separators: write 1234)")


@pytest.mark.parametrize("value", ["NA", "nan", "inf", "-", "12abc"])
def test_non_numeric_value_in_number_column(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,{value}\n")
    rejects(
        path,
        f"row 2, column 'employment': expected a number written with a decimal point "
        f"(e.g. 12.5); found {value!r}",
    )


def test_fraction_in_integer_column(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020.5,1\n")
    rejects(path, "row 2, column 'year': expected a whole number (e.g. 2020); found '2020.5'")


def test_text_in_integer_column(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,deux mille,1\n")
    rejects(path, "row 2, column 'year': expected a whole number (e.g. 2020); found 'deux mille'")


def test_negative_value_where_minimum_is_zero(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,-3\n")
    rejects(
        path, "row 2, column 'employment': expected a value of 0 or more (no negatives); found '-3'"
    )


def test_year_out_of_range(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,20,1\n")
    rejects(path, "row 2, column 'year': expected a value between 1900 and 2100; found '20'")


def test_latitude_out_of_range(tmp_path: Path) -> None:
    path = write(tmp_path, "id,region,sector,year,latitude\nE1,MA-06,C,2020,133.6\n")
    rejects(
        path,
        "row 2, column 'latitude': expected a value between -90 and 90; found '133.6'",
        kind="establishments",
    )


def test_value_not_among_choices_suggests_the_closest(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,kind,country\nA1,X,frim,MA\n")
    rejects(
        path,
        "row 2, column 'kind': expected one of 'firm', 'research'",
        kind="actors",
    )
    rejects(path, "found 'frim' (did you mean 'firm'?)", kind="actors")


def test_unknown_region_code_suggests_close_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,1\nMA-6,C,2020,1\n")
    rejects(
        path,
        "row 3, column 'region': expected a region code known to Grappes (e.g. MA-06); "
        "found 'MA-6' (did you mean 'MA-06'",
        known_regions={"MA-06", "MA-01", "DZ-16"},
    )


def test_region_codes_are_not_checked_without_known_regions(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nXX-99,C,2020,1\n")
    assert read_table(path, kind="employment")["region"].tolist() == ["XX-99"]


def test_unknown_sector_code(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,Z,2020,1\n")
    rejects(
        path,
        "row 2, column 'sector': expected a sector code known to Grappes (e.g. C); found 'Z'",
        known_sectors=["A", "B", "C"],
    )


def test_duplicate_keys_name_the_first_occurrence(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,1\nMA-06,F,2020,2\nMA-06,C,2020,3\nMA-06,C,2020,4\n",
    )
    error = rejects(
        path,
        "row 4: expected each (region, sector, year) once, as it identifies a row; "
        "found region='MA-06', sector='C', year=2020 again (first at row 2)",
    )
    assert [p.row for p in error.problems] == [4, 5]
    assert "first at row 2" in error.problems[1].found


def test_single_column_key_duplicates_name_the_column(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,kind,country\nA1,X,firm,MA\nA1,Y,firm,MA\n")
    rejects(path, "row 3, column 'id': expected each (id) once", kind="actors")


# --- Excel and Parquet specifics ------------------------------------------------------------


def test_excel_rows_are_the_sheet_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        sheet_rows(
            {
                3: ["region", "sector", "year", "employment"],
                4: ["MA-06", "C", 2020, 1],
                7: ["MA-07", "C", 2020, -2],
            }
        ),
    )
    rejects(
        path, "row 7, column 'employment': expected a value of 0 or more (no negatives); found '-2'"
    )


def test_excel_value_under_a_column_without_a_name(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        sheet_rows(
            {1: ["region", "sector", "year", "employment"], 2: ["MA-06", "C", 2020, 1, "x"]}
        ),
    )
    rejects(path, "row 2: expected values only under the 4 named columns; found 'x' in column E")


def test_excel_text_in_number_cell(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        sheet_rows(
            {1: ["region", "sector", "year", "employment"], 2: ["MA-06", "C", 2020, "12,5"]}
        ),
    )
    rejects(path, "row 2, column 'employment': expected a number written with a decimal point")


def test_parquet_rows_count_the_first_record_as_row_2(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    pq.write_table(
        pa.table(
            {
                "region": ["MA-06", "MA-07"],
                "sector": ["C", "C"],
                "year": [2020, 2020],
                "employment": [1.0, -1.0],
            }
        ),
        path,
    )
    rejects(path, "row 3, column 'employment': expected a value of 0 or more")


def test_parquet_code_column_must_be_text(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    pq.write_table(
        pa.table({"region": [6], "sector": ["C"], "year": [2020], "employment": [1.0]}), path
    )
    rejects(path, "column 'region': expected a text (string) column")


def test_parquet_null_in_required_column(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    pq.write_table(
        pa.table(
            {"region": ["MA-06"], "sector": [None], "year": [2020], "employment": [1.0]},
            schema=pa.schema(
                [
                    ("region", pa.string()),
                    ("sector", pa.string()),
                    ("year", pa.int64()),
                    ("employment", pa.float64()),
                ]
            ),
        ),
        path,
    )
    rejects(path, "row 2, column 'sector': expected a value (Sector code); found an empty cell")


# --- all problems, once ---------------------------------------------------------------------


def test_check_file_returns_every_problem_in_row_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,12,5\nMA-06,F,2020,-1\nMA-07,,1850,1\n",
    )
    problems = check_file(path, kind="employment")
    assert [(p.row, p.column) for p in problems] == [
        (2, None),
        (3, "employment"),
        (4, "sector"),
        (4, "year"),
    ]
    assert all(p.source == str(path) for p in problems)
    assert all(isinstance(p, Problem) for p in problems)


def test_read_table_raises_the_same_problems_check_file_returns(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,x\nMA-06,F,20,-1\n")
    with pytest.raises(InvalidInputError, match=r"data\.csv: 3 problems \(first: row 2") as info:
        read_table(path, kind="employment")
    assert info.value.problems == check_file(path, kind="employment")


def test_problems_are_capped_per_check_and_the_rest_counted(tmp_path: Path) -> None:
    count = MAX_PROBLEMS_PER_CHECK + 500
    lines = "".join(f"MA-06,C,{1901 + i % 199},-1\n".replace("C", f"S{i}") for i in range(count))
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\n{lines}")
    with pytest.raises(InvalidInputError, match=r"data\.csv: 1,500 problems") as info:
        read_table(path, kind="employment")
    problems = info.value.problems
    assert len(problems) == MAX_PROBLEMS_PER_CHECK + 1
    assert problems[-1].row is None
    assert problems[-1].found.startswith("500 more rows like this")
    message = str(info.value)
    assert message.count("\n  - ") == 20
    assert message.endswith("… and 1,480 more not listed here")


def test_failing_read_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,-1\n")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    with pytest.raises(InvalidInputError):
        read_table(path, kind="employment")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


# --- arguments ------------------------------------------------------------------------------


def test_unknown_kind_is_an_argument_error(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,1\n")
    with pytest.raises(InvalidInputError, match=r"read_table: 'kind' must be one of .*got 'jobs'"):
        read_table(path, kind="jobs")  # type: ignore[arg-type]


def test_sheet_applies_to_excel_only(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,1\n")
    with pytest.raises(
        InvalidInputError, match=r"check_file: 'sheet' applies to \.xlsx files only"
    ):
        check_file(path, kind="employment", sheet=0)


def test_known_regions_must_be_a_collection_not_one_string(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\nMA-06,C,2020,1\n")
    with pytest.raises(InvalidInputError, match="'known_regions' must be a collection of codes"):
        read_table(path, kind="employment", known_regions="MA-06")


# --- validation of types no file format decides -----------------------------------------------


def test_boolean_column_accepts_true_false_one_zero_only() -> None:
    schema = Schema(
        name="actors",
        description="test",
        key=("id",),
        columns=(Column("id", "string", "Id."), Column("member", "boolean", "Member.")),
    )
    cells = pd.DataFrame({0: ["a", "b", "c", "d"], 1: ["TRUE", "0", "", "oui"]}, dtype="str")
    table = TextTable("t.csv", ["id", "member"], cells, np.array([2, 3, 4, 5]))
    result = validate(table, schema=schema)
    assert [str(p) for p in result.problems] == [
        "t.csv, row 4, column 'member': expected a value (Member); found an empty cell",
        "t.csv, row 5, column 'member': expected true or false (or 1 or 0); found 'oui'",
    ]
    cells.loc[2, 1] = "false"
    cells.loc[3, 1] = "1"
    frame = validate(table, schema=schema).frame
    assert frame is not None
    assert frame["member"].tolist() == [True, False, False, True]
    assert str(frame["member"].dtype) == "boolean"


def test_old_mac_line_endings_keep_line_numbers_exact(tmp_path: Path) -> None:
    path = write(tmp_path, f"{EMPLOYMENT_HEADER}\rMA-06,C,2020,1\rMA-07,C,2020,x\r")
    rejects(path, "row 3, column 'employment': expected a number")


def test_fast_and_exact_csv_parsers_agree(tmp_path: Path) -> None:
    rows = "".join(f"A{i},Name {i},firm,MA,MA-0{i % 9 + 1}\n" for i in range(50))
    plain = write(tmp_path, f"id,name,kind,country,region\n{rows}", "plain.csv")
    # One quoted line break sends the whole file through the exact, line-by-line parser.
    quoted = write(
        tmp_path, f'id,name,kind,country,region\n{rows}Z,"two\nlines",firm,MA,\n', "quoted.csv"
    )
    fast = read_table(plain, kind="actors")
    exact = read_table(quoted, kind="actors")
    pd.testing.assert_frame_equal(exact.iloc[:50], fast)
    assert exact["name"].iloc[50] == "two\nlines"


# --- the user's guide -------------------------------------------------------------------------


def test_input_data_guide_lists_every_column_of_every_kind_with_its_type() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "input-data.md").read_text()
    for kind, schema in SCHEMAS.items():
        section = guide.split(f"### `{kind}`", 1)[1].split("\n### ", 1)[0]
        documented = re.findall(r"^\| `(\w+)` \| (\w+) \| (yes|no) \|", section, flags=re.M)
        assert documented == [
            (c.name, c.type, "yes" if c.required else "no") for c in schema.columns
        ], kind
