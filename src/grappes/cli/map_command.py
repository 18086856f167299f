"""``grappes map``: the regional specialisation report on the bundled real data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from grappes.cli.app import console, reports_errors


@reports_errors
def map_report(
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Run on the bundled real data: Morocco's census (HCP RGPH 2024 and 2014).",
        ),
    ] = False,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder to write the report to.")
    ] = Path("out"),
    lang: Annotated[
        str,
        typer.Option("--lang", help="Language of the report: fr, ar, en, or all (one file each)."),
    ] = "all",
) -> None:
    """Write a report of regional specialisations (location quotients, maps, tables).

    With `--demo` it runs on Morocco's twelve regions: business establishments by sector
    group (HCP, RGPH 2024; 1,130,021 establishments) and employed population by sector
    (HCP, RGPH 2014; 9,627,341 persons).
    """
    from grappes.errors import InvalidInputError
    from grappes.i18n import LANGUAGES, check_language
    from grappes.reports.specialisation import write_specialisation_report

    if not demo:
        raise InvalidInputError(
            "grappes map: say which data to map; for now `--demo` (Morocco's census). "
            "Cluster mapping of your own data comes with `grappes map --input` (not yet "
            "available)."
        )
    languages = LANGUAGES if lang == "all" else (check_language(lang),)
    written = []
    with console.status("Computing location quotients and drawing maps…"):
        for language in languages:
            written.append(write_specialisation_report(output, language=language))
    for path in written:
        console.print(f"[green]✓[/] report written: [bold]{path.resolve()}[/]")
