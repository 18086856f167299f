"""``grappes map``: the cluster report, on the bundled census data or on the user's table."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from grappes.cli.output import console, reports_errors

if TYPE_CHECKING:
    from grappes.reports.identification import Identification

#: Steps of the demo, in the order they run, as the progress bar names them.
_STEPS = {
    "data": "Census data (HCP)",
    "strong": "Strong clusters (provinces)",
    "stars": "Stars (provinces)",
    "micro": "Micro-clusters (communes)",
}


@reports_errors
def map_report(
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Run on the bundled real data: Morocco's census (HCP RGPH 2024 and 2014).",
        ),
    ] = False,
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="Your own table (CSV, .csv.gz, .xlsx or Parquet), checked whole first.",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            help=(
                "What --input holds: 'employment' (region, sector, year, employment, "
                "optional establishments) or 'establishments' (a register, one row each)."
            ),
        ),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder to write the report to.")
    ] = Path("out"),
    lang: Annotated[
        str,
        typer.Option("--lang", help="Language of the report: fr, ar, en, or all (one file each)."),
    ] = "all",
    permutations: Annotated[
        int,
        typer.Option(
            help="Permutations of the micro-cluster hot-spot test (demo). 9,999 by default."
        ),
    ] = 9999,
    seed: Annotated[int, typer.Option(help="Seed of the micro-cluster permutations (demo).")] = 0,
) -> None:
    """Write the cluster report: per region, its specialisations, strong clusters, stars,
    lifecycle, micro-clusters and cluster organisations, with their evidence and maps.

    With `--demo` it runs on Morocco's census: establishments of 2024 by region, province
    and commune (HCP RGPH 2024; 1,130,021 establishments) and employment of 2014 (RGPH
    2014; 9,627,341 persons). With `--input FILE --kind employment|establishments` it runs
    the same rules on your table; maps only when its region codes are Morocco's regions or
    HCP provinces. Nothing is written unless everything succeeded.
    """
    from grappes.errors import InvalidInputError
    from grappes.i18n import LANGUAGES, check_language
    from grappes.reports.cluster_report import Source, cluster_report, write_reports

    if demo == (input is not None):
        raise InvalidInputError(
            "grappes map: say which data to map: `--demo` (Morocco's census) or "
            "`--input FILE --kind employment|establishments` (your table), not both"
            if demo
            else "grappes map: say which data to map: `--demo` (Morocco's census) or "
            "`--input FILE --kind employment|establishments` (your table)"
        )
    if input is None and kind is not None:
        raise InvalidInputError("grappes map: --kind goes with --input")
    if input is not None and kind not in ("employment", "establishments"):
        raise InvalidInputError(
            f"grappes map: --kind must be employment or establishments; got {kind!r}"
        )
    if permutations < 1:
        raise InvalidInputError(
            f"grappes map: --permutations must be at least 1; got {permutations}"
        )
    languages = LANGUAGES if lang == "all" else (check_language(lang),)

    if input is None:
        identification = _demo_identification(permutations=permutations, seed=seed)
        source = Source(origin="demo")
        basename = "grappes-morocco-specialisation"
    else:
        from grappes.data.readers import read_table
        from grappes.reports.identification import identify_table

        with console.status(f"Checking {escape(str(input))}…"):
            table = read_table(input, kind=kind)  # type: ignore[arg-type]
        with console.status("Identifying clusters…"):
            identification, assumptions = identify_table(table, kind=kind)  # type: ignore[arg-type]
        source = Source(origin="input", file_name=input.name, assumptions=tuple(assumptions))
        basename = "grappes-clusters-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", input.stem) or "input")
        for assumption in assumptions:
            console.print(f"[yellow]note:[/] {_NOTES[assumption]}")
    with console.status("Writing the report…"):
        htmls: dict[str, str] = {
            language: cluster_report(
                identification, source=source, language=language, basename=basename
            )
            for language in languages
        }
        written = write_reports(htmls, output, basename=basename)
    for path in written:
        console.print(f"[green]✓[/] report written: [bold]{escape(str(path.resolve()))}[/]")


_NOTES = {
    "employment_for_both": "no establishments column: employment stands for both size "
    "measures of the strong-cluster rule",
    "establishments_for_both": "no employment column: establishment counts stand for "
    "employment in every rule",
}


def _demo_identification(*, permutations: int, seed: int) -> Identification:
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from grappes.reports.identification import identify_morocco

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, tuple[TaskID, int]] = {}

        def finish_all() -> None:
            for task, total in tasks.values():
                bar.update(task, completed=total)

        def progress(step: str, done: int, total: int) -> None:
            # A new step means the previous ones are done.
            if step not in tasks:
                finish_all()
                tasks[step] = (bar.add_task(_STEPS[step], total=max(total, 1)), max(total, 1))
            bar.update(tasks[step][0], completed=done)

        identification = identify_morocco(permutations=permutations, seed=seed, progress=progress)
        finish_all()
    return identification
