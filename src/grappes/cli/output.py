"""How the ``grappes`` command speaks: its consoles, its exit codes, and errors turned into
one-paragraph messages (never a traceback for an error Grappes raises on purpose).

Exit codes: 0 success; 1 the input has problems (``grappes data check``) or was refused;
2 wrong usage; 3 configuration (engine, missing optional package).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from grappes.errors import ConfigurationError, GrappesError

P = ParamSpec("P")
R = TypeVar("R")

EXIT_INPUT = 1
EXIT_CONFIGURATION = 3

console = Console()
errors = Console(stderr=True)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn Grappes' errors into a one-paragraph message on stderr and an exit code."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ConfigurationError as error:
            # escape: a message may quote user text such as 'local[x]', which is not markup
            errors.print(f"[bold red]configuration error:[/] {escape(str(error))}", highlight=False)
            raise typer.Exit(EXIT_CONFIGURATION) from None
        except GrappesError as error:
            errors.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
            raise typer.Exit(EXIT_INPUT) from None

    return wrapper
