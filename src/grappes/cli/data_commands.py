"""``grappes data``: check a file before loading it; say what data is bundled."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from grappes.cli.output import EXIT_INPUT, console, errors, reports_errors

data = typer.Typer(
    help="Check input files and list the bundled data (sources and licences).",
    no_args_is_help=True,
)

Kind = Literal["employment", "establishments", "actors"]


@data.command("check")
@reports_errors
def check(
    path: Annotated[
        Path, typer.Argument(help="CSV (also .csv.gz), Excel (.xlsx) or Parquet file.")
    ],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            "-k",
            help="What the file holds: employment, establishments or actors.",
        ),
    ],
    classification: Annotated[
        str,
        typer.Option(
            help=(
                "Classification of the sector codes: ISIC4, NACE2, NAICS2017, NAICS2022, "
                "HCP_ESTABLISHMENTS, HCP_EMPLOYMENT, or 'none' not to check them."
            )
        ),
    ] = "ISIC4",
    check_regions: Annotated[
        bool,
        typer.Option(
            "--check-regions/--no-check-regions",
            help="Check region codes against Grappes' Maghreb hierarchy.",
        ),
    ] = True,
    sheet: Annotated[
        str | None, typer.Option(help="Excel sheet name (default: the first sheet).")
    ] = None,
) -> None:
    """Check FILE against the canonical table of its kind and print EVERY problem found.

    Exits with 0 when the file is good, 1 when it has problems (each named by file, row,
    column, what was expected and what was found). Nothing is loaded or changed.
    """
    from grappes.data import geography, readers, sectors
    from grappes.errors import InvalidInputError

    if kind not in ("employment", "establishments", "actors"):
        raise InvalidInputError(
            f"--kind: expected employment, establishments or actors; got {kind!r}"
        )
    known_regions = geography.region_codes() if check_regions else None
    known_sectors = (
        None if classification.lower() == "none" else sectors.sector_codes(classification)
    )
    problems = readers.check_file(
        path,
        kind=kind,  # type: ignore[arg-type]
        known_regions=known_regions,
        known_sectors=known_sectors if kind != "actors" or known_sectors else None,
        sheet=sheet,
    )
    if not problems:
        console.print(f"[green]✓[/] {path}: no problem found ({kind}).")
        return
    # One line per problem, as compilers do: readable at any terminal width, and greppable.
    for problem in problems:
        errors.print(str(problem), markup=False, highlight=False, soft_wrap=True)
    errors.print(
        f"{path}: {len(problems)} problem(s) found; nothing was loaded.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(EXIT_INPUT)


@data.command("info")
@reports_errors
def info() -> None:
    """List the data bundled with Grappes, with its source and licence."""
    from grappes.data import catalogue

    table = Table(title="Data bundled with Grappes", show_lines=True)
    for column in ("table", "what", "source", "licence"):
        table.add_column(column, overflow="fold")
    for entry in catalogue.entries():
        table.add_row(entry.name, entry.description, entry.source, entry.licence)
    console.print(table)
    console.print(
        "Credit the sources when you publish: 'Source: HCP, RGPH 2024' for Moroccan figures; "
        "'© OpenStreetMap contributors (ODbL)' for OSM-derived boundaries and the commune graph."
    )
