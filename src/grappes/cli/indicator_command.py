"""``grappes indicators NAME``: run one indicator on a file, on the configured engine.

The file is read by the engine itself (DuckDB by default, Spark with ``GRAPPES_ENGINE``), so
a register larger than memory never passes through pandas.
"""

from __future__ import annotations

import gc
import inspect
import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer

from grappes.cli.output import console, reports_errors


@reports_errors
def indicators(
    name: Annotated[
        str, typer.Argument(help="Indicator: location_quotient, herfindahl, eci, … (see --list).")
    ] = "",
    input: Annotated[
        Path | None, typer.Option("--input", "-i", help="CSV (.csv, .csv.gz) or Parquet file.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Result file: .csv, .parquet or .json."),
    ] = None,
    region: Annotated[str, typer.Option(help="Column of region codes.")] = "region",
    sector: Annotated[str, typer.Option(help="Column of sector codes.")] = "sector",
    value: Annotated[str, typer.Option(help="Column of values (employment …).")] = "employment",
    by: Annotated[
        list[str] | None, typer.Option("--by", help="Group column, e.g. year (repeatable).")
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            help="Further keyword of the indicator, as key=value (e.g. method=dunn).",
        ),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the indicators and exit.")] = False,
) -> None:
    """Compute indicator NAME on a table and write the result.

    Example: `grappes indicators location_quotient --input emp.csv --by year -o lq.parquet`.
    Code columns are read as text, so '01' keeps its leading zero.
    """
    import grappes.indicators as catalogue
    from grappes.cli.table_files import check_suffix
    from grappes.engine import connect
    from grappes.errors import InvalidInputError
    from grappes.settings import Settings

    if list_ or not name:
        for indicator in catalogue.__all__:
            doc = (getattr(catalogue, indicator).__doc__ or "").strip().splitlines()[0]
            console.print(f"[bold]{indicator}[/]  {doc}")
        return
    if name not in catalogue.__all__:
        import difflib

        close = difflib.get_close_matches(name, catalogue.__all__, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise InvalidInputError(
            f"grappes indicators: unknown indicator {name!r}.{hint} "
            "`grappes indicators --list` lists them."
        )
    if input is None or output is None:
        raise InvalidInputError("grappes indicators: --input and --output are required")
    check_suffix(output)  # before any work
    function = getattr(catalogue, name)
    parameters = inspect.signature(function).parameters
    roles: dict[str, Any] = {"region": region, "sector": sector, "value": value}
    kwargs: dict[str, Any] = {k: v for k, v in roles.items() if k in parameters}
    if by:
        kwargs["by"] = tuple(by)
    for item in option or []:
        key, _, text = item.partition("=")
        if key not in parameters or not _:
            raise InvalidInputError(
                f"--option {item!r}: expected key=value with a keyword of {name} "
                f"({', '.join(p for p in parameters if p != 'table')})"
            )
        kwargs[key] = _parse(text)
    codes = [c for k, c in roles.items() if k in ("region", "sector") and k in parameters]
    connection = connect(Settings().engine)
    # Everything this command needs is imported: set those objects aside from the garbage
    # collector, whose full collections would otherwise walk all of them (about 0.04 s
    # each) while Ibis builds and compiles the indicator's queries.
    gc.freeze()
    try:
        with console.status(f"Computing {name} on {input}…"):
            table = _read(connection, input, codes=codes)
            result = function(table, **kwargs)
            _write(result, output)
    finally:
        gc.unfreeze()  # for a caller that goes on (a test, a script calling the app)
    console.print(f"[green]✓[/] {name} written to [bold]{output.resolve()}[/]")


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _read(connection: Any, path: Path, *, codes: list[str]) -> Any:
    from grappes.errors import InvalidInputError

    if not path.exists():
        raise InvalidInputError(f"{path}: no such file")
    suffixes = "".join(path.suffixes[-2:]).lower()
    if suffixes.endswith(".parquet"):
        return connection.read_parquet(str(path))
    if suffixes.endswith((".csv", ".csv.gz")):
        return connection.read_csv(str(path), types=dict.fromkeys(codes, "string"))
    raise InvalidInputError(
        f"{path}: expected a .csv, .csv.gz or .parquet file; got {path.suffix!r}"
    )


def _write(result: Any, path: Path) -> None:
    """Write the result whole (a temporary name, then a rename).

    An engine's result (an Ibis table) is written by the engine itself for CSV and Parquet,
    without passing through pandas, whose import (with geopandas, which Ibis' conversion
    brings) costs about 0.3 s and 100 MB; JSON is written from its rows.
    """
    from grappes.cli.table_files import write_frame, write_whole
    from grappes.engine import records
    from grappes.indicators import inputs

    if inputs.is_pandas(result):
        write_frame(result, path)
        return
    # Rows in the order of their keys (every column that is not a measure), so that the same
    # input always gives the same file.
    keys = [name for name, kind in result.schema().items() if not kind.is_floating()]
    ordered = result.order_by(keys) if keys else result

    def write(partial: Path, suffix: str) -> None:
        if suffix == ".parquet":
            ordered.to_parquet(partial)
        elif suffix == ".csv":
            ordered.to_csv(partial)
        else:
            rows = [{k: _json_value(v) for k, v in row.items()} for row in records(ordered)]
            partial.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")

    write_whole(path, write)


def _json_value(value: Any) -> Any:
    """NaN (an undefined indicator) as JSON's null, as pandas writes it."""
    return None if isinstance(value, float) and math.isnan(value) else value
