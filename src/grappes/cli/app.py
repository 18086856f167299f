"""The ``grappes`` command: the root and its sub-commands (how it speaks: ``output.py``).

Exit codes: 0 success; 1 the input has problems (``grappes data check``) or was refused;
2 wrong usage; 3 configuration (engine, missing optional package). Never a traceback for an
error Grappes raises on purpose.
"""

from __future__ import annotations

from typing import Annotated

import typer

import grappes
from grappes.cli.output import console

app = typer.Typer(
    name="grappes",
    help=(
        "Grappes — cluster observatory for the Maghreb. Identify industrial clusters "
        "(grappes) from establishment and employment data, qualify them, and publish the "
        "results in French, Arabic and English.\n\n"
        "Start with `grappes map --demo` (a report on Morocco's census data) or "
        "`grappes data info` (what data is bundled)."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        console.print(f"grappes {grappes.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Grappes — cluster observatory for the Maghreb."""


def _register() -> None:
    # Sub-commands live in their own modules; registering them here keeps `import
    # grappes.cli.app` cheap (each module imports its heavy dependencies inside commands).
    from grappes.cli import (
        data_commands,
        db_commands,
        indicator_command,
        map_command,
        serve_command,
        spatial_commands,
    )

    app.add_typer(data_commands.data, name="data")
    app.add_typer(db_commands.db, name="db")
    app.command(name="load")(db_commands.load)
    app.add_typer(spatial_commands.spatial, name="spatial")
    app.command(name="map")(map_command.map_report)
    app.command(name="indicators")(indicator_command.indicators)
    app.command(name="serve")(serve_command.serve)


_register()


def main() -> None:
    """Entry point of the ``grappes`` console script."""
    app(prog_name="grappes")


if __name__ == "__main__":  # pragma: no cover
    main()
