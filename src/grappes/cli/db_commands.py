"""``grappes db upgrade`` and ``grappes load``: the observatory's database from the shell.

The database is ``GRAPPES_DATABASE_URL`` (default ``sqlite:///grappes.sqlite3``, a file in
the current folder) unless ``--database-url`` names another.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from grappes.cli.output import console, reports_errors

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from grappes.store.loading import LoadSummary

db = typer.Typer(
    name="db",
    help=(
        "The observatory's database (SQLite by default, PostgreSQL by URL): "
        "`grappes db upgrade` creates or migrates it and loads the bundled data."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help=(
            "SQLAlchemy URL of the database: `sqlite:///path.sqlite3` or "
            "`postgresql+psycopg://user:password@host/db`. Default: GRAPPES_DATABASE_URL, "
            "else `sqlite:///grappes.sqlite3`."
        ),
        show_default=False,
    ),
]

#: Labels of the loading steps, as the progress bar shows them.
_STEPS = {
    "regions": "Regions (commune → Maghreb)",
    "sectors": "Sectors (ISIC Rev.4, HCP groups)",
    "organisations": "Cluster organisations",
    "benchmarks": "Benchmarks (the paper's programmes)",
    "writing": "Writing (one transaction)",
}


@db.command("upgrade")
@reports_errors
def upgrade(database_url: DatabaseOption = None) -> None:
    """Create or migrate the database to the newest schema; load the bundled data if empty.

    The bundled data: Morocco's census (HCP RGPH 2024 establishments by region, province
    and commune; RGPH 2014 employment by region and province), the region hierarchy, ISIC
    Rev.4 and HCP sector groups, the Maghreb's cluster organisations and the paper's
    benchmarks, with the location quotients, strong clusters, stars and Herfindahl indices
    computed on them. Everything is written in one transaction, or nothing is.
    """
    from grappes.store.database import current_revision, head_revision
    from grappes.store.database import upgrade as migrate
    from grappes.store.loading import is_empty

    engine = _engine(database_url)
    try:
        before = current_revision(engine)
        with console.status("Migrating the schema…"):
            migrate(engine)
        after = head_revision()
        if before == after:
            console.print(f"[green]✓[/] schema already at revision {after}")
        else:
            console.print(f"[green]✓[/] schema migrated from {before or 'empty'} to {after}")
        if not is_empty(engine):
            console.print("[green]✓[/] the database holds data already; nothing loaded")
            return
        summary = _load_with_progress(engine)
        console.print(
            f"[green]✓[/] bundled data loaded in {summary.seconds:.1f} s: "
            f"{summary.rows['regions']:,} regions, {summary.rows['datasets']} datasets, "
            f"{summary.rows['observations']:,} observations, "
            f"{summary.rows['organisations']} cluster organisations"
        )
    finally:
        engine.dispose()


@reports_errors
def load(
    file: Annotated[
        Path,
        typer.Argument(
            help="Your table: CSV, .csv.gz, .xlsx or Parquet, checked whole first.",
            show_default=False,
        ),
    ],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            "-k",
            help=(
                "What FILE holds: `employment` (region, sector, year, employment, optional "
                "establishments) or `establishments` (a register, one row each)."
            ),
            show_default=False,
        ),
    ],
    name: Annotated[
        str,
        typer.Option("--name", "-n", help="Name of the dataset in the observatory."),
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace your dataset of the same name.")
    ] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Load your table into the observatory as a named dataset and compute its results.

    The file is checked whole first: if it has any problem, all of them are listed and the
    database is not touched. Then its location quotients, Herfindahl indices, strong
    clusters and stars are computed and stored with it, all or nothing.
    """
    from sqlalchemy.orm import Session

    from grappes.errors import ConfigurationError, InvalidInputError
    from grappes.store.database import current_revision, head_revision
    from grappes.store.user_data import load_user_table

    if kind not in ("employment", "establishments"):
        raise InvalidInputError(
            f"grappes load: --kind must be employment or establishments; got {kind!r}"
        )
    engine = _engine(database_url)
    try:
        if current_revision(engine) != head_revision():
            raise ConfigurationError(
                "grappes load: the database is not at the newest schema; run "
                "`grappes db upgrade` first"
            )
        with (
            console.status(f"Checking and loading {escape(str(file))}…"),
            Session(engine) as session,
            session.begin(),
        ):
            identifier = load_user_table(
                session,
                file,
                kind=kind,  # type: ignore[arg-type]
                name=name,
                if_exists="replace" if replace else "raise",
            )
        console.print(
            f"[green]✓[/] {escape(str(file))} loaded as dataset "
            f"[bold]{escape(name)}[/] (id {identifier}), results computed"
        )
    finally:
        engine.dispose()


def _engine(database_url: str | None) -> Engine:
    from grappes.settings import Settings
    from grappes.store.database import connect

    url = database_url if database_url is not None else Settings().database_url
    return connect(url)


def _load_with_progress(engine: Engine) -> LoadSummary:
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from grappes.store.loading import load_bundled

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(step: str, done: int, total: int) -> None:
            # A new step means the previous ones are done.
            for task in tasks.values():
                bar.update(task, completed=1)
            if step not in tasks:
                tasks[step] = bar.add_task(_STEPS.get(step, f"Dataset {step}"), total=1)
            if done >= total:
                bar.update(tasks[step], completed=1)

        return load_bundled(engine, progress=progress)
